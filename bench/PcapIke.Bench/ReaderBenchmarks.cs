using BenchmarkDotNet.Attributes;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;

namespace PcapIke.Bench;

/// <summary>
/// Steady-state cost of the reader and frame decoder. <see cref="MemoryDiagnoser"/> reports the bytes allocated
/// per operation: <see cref="DecodeNonIkeFrames"/> must show 0 B (no allocation per frame that is not IKE).
/// </summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private string _path = "";
    private byte[][] _nonIkeFrames = Array.Empty<byte[]>();
    private FrameDecoder _decoder = null!;
    private readonly ScanMeasurement.PayloadWalkingSink _sink = new();

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "pcapike-bench-50M.pcap");
        if (!File.Exists(_path)) CaptureGenerator.Generate(_path, 50_000_000);
        _decoder = new FrameDecoder("bench", new MalformationList());
        // Frames that are not IKE, taken from the generated mix (TCP and other UDP).
        var list = new List<byte[]>();
        using var reader = CaptureReader.Open(_path, new MalformationList());
        var probe = new ScanMeasurement.PayloadWalkingSink();
        var decoder = new FrameDecoder("probe", new MalformationList());
        while (list.Count < 1000 && reader.TryRead(out CaptureRecord rec))
            if (decoder.Decode(rec, probe) == FrameKind.OtherTransport) list.Add(rec.Data.ToArray());
        _nonIkeFrames = list.ToArray();
    }

    /// <summary>Reads and decodes the whole 50 MB capture (1 MiB pooled buffer per open).</summary>
    [Benchmark]
    public long ReadAndDecode50MB()
    {
        using var reader = CaptureReader.Open(_path, new MalformationList());
        var decoder = new FrameDecoder(_path, new MalformationList());
        long n = 0;
        while (reader.TryRead(out CaptureRecord rec)) { decoder.Decode(rec, _sink); n++; }
        return n;
    }

    /// <summary>Decodes 1,000 non-IKE frames; allocated bytes per operation must be 0.</summary>
    [Benchmark]
    public int DecodeNonIkeFrames()
    {
        int n = 0;
        foreach (byte[] f in _nonIkeFrames)
        {
            var rec = new CaptureRecord(1, 0, LinkType.Ethernet, 0, f.Length, 0, f);
            if (_decoder.Decode(rec, _sink) == FrameKind.OtherTransport) n++;
        }
        return n;
    }
}
