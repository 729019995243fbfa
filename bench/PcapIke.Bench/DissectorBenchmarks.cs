using BenchmarkDotNet.Attributes;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Ike;

namespace PcapIke.Bench;

/// <summary>
/// Cost of walking one IKE message's header and every payload with <see cref="IsakmpReader"/> (the hot-path
/// dissector). <see cref="MemoryDiagnoser"/> must show 0 B allocated for each benchmark.
/// </summary>
[MemoryDiagnoser]
public class DissectorBenchmarks
{
    private byte[] _ikev1MainMode1 = Array.Empty<byte>();
    private byte[] _ikev2SaInit = Array.Empty<byte>();
    private byte[] _real = Array.Empty<byte>();

    /// <summary>Where the real message came from (printed at set-up).</summary>
    public string RealSource { get; private set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        byte[][] samples = CaptureGenerator.SampleIkeMessages();
        _ikev1MainMode1 = samples[0];
        _ikev2SaInit = samples[1];
        (_real, RealSource) = LoadRealMessage();
        Console.WriteLine($"// DissectorBenchmarks: IKEv1 MM1 {_ikev1MainMode1.Length} B ({ScanMeasurement.WalkPayloads(_ikev1MainMode1)} payloads), " +
                          $"IKEv2 IKE_SA_INIT {_ikev2SaInit.Length} B ({ScanMeasurement.WalkPayloads(_ikev2SaInit)} payloads), " +
                          $"real: {RealSource}");
    }

    [Benchmark]
    public int WalkIkev1MainMode1() => ScanMeasurement.WalkPayloads(_ikev1MainMode1, out _);

    [Benchmark]
    public int WalkIkev2SaInitRequest() => ScanMeasurement.WalkPayloads(_ikev2SaInit, out _);

    /// <summary>The unencrypted message with the most payloads in the strongSwan IKEv1 Main Mode capture
    /// (captures/strongswan-ikev1-main-mode/capture.pcap); the generator's IKEv2 sample if the capture is not found.</summary>
    [Benchmark]
    public int WalkRealStrongSwanMainMode() => ScanMeasurement.WalkPayloads(_real, out _);

    private static (byte[] Message, string Source) LoadRealMessage()
    {
        string? capture = FindCapture("captures/strongswan-ikev1-main-mode/capture.pcap");
        if (capture is null)
            return (CaptureGenerator.SampleIkeMessages()[1], "generator IKEv2 IKE_SA_INIT (capture not found)");
        var sink = new CollectingSink();
        using (var reader = CaptureReader.Open(capture, new MalformationList()))
        {
            var decoder = new FrameDecoder(capture, new MalformationList());
            while (reader.TryRead(out CaptureRecord rec)) decoder.Decode(rec, sink);
            decoder.Flush();
        }
        byte[]? best = null;
        int bestPayloads = -1, bestIndex = 0;
        for (int i = 0; i < sink.Messages.Count; i++)
        {
            var m = sink.Messages[i];
            var r = new IsakmpReader(m);
            if (r.IsEncrypted) continue;
            int n = ScanMeasurement.WalkPayloads(m);
            if (n > bestPayloads) { best = m; bestPayloads = n; bestIndex = i + 1; }
        }
        if (best is null)
            return (CaptureGenerator.SampleIkeMessages()[1], "generator IKEv2 IKE_SA_INIT (no clear message in capture)");
        return (best, $"message {bestIndex} of {sink.Messages.Count} in {capture}, {best.Length} B, {bestPayloads} payloads");
    }

    /// <summary>Looks for <paramref name="relative"/> in the current directory, the build output's ancestors, and /work/main.</summary>
    private static string? FindCapture(string relative)
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        string main = Path.Combine("/work/main", relative);
        return File.Exists(main) ? main : null;
    }

    private sealed class CollectingSink : IIkeDatagramSink
    {
        public readonly List<byte[]> Messages = new();
        public void OnIkeDatagram(in IkeDatagram datagram) => Messages.Add(datagram.Message.ToArray());
    }
}
