using System.Runtime.CompilerServices;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;

namespace PcapIke.Pipeline;

/// <summary>What a scan saw: frames by kind, bytes, IKE messages.</summary>
public sealed class ScanStatistics
{
    private readonly long[] _byKind = new long[Enum.GetValues<FrameKind>().Length];

    public long Frames { get; internal set; }
    /// <summary>Captured bytes of all frames (record data, not file overhead).</summary>
    public long CapturedBytes { get; internal set; }
    /// <summary>Bytes of the (decompressed) capture stream read.</summary>
    public long StreamBytes { get; internal set; }
    public long IkeMessages { get; internal set; }
    /// <summary>The latest frame timestamp (UTC nanoseconds since 1970); 0 for an empty capture.</summary>
    public long LastTimestampNanoseconds { get; internal set; }
    public long this[FrameKind kind] => _byKind[(int)kind];
    internal void Count(FrameKind kind) => _byKind[(int)kind]++;

    public IEnumerable<KeyValuePair<FrameKind, long>> ByKind() =>
        Enum.GetValues<FrameKind>().Select(k => new KeyValuePair<FrameKind, long>(k, _byKind[(int)k]));
}

/// <summary>
/// The capture → frames stage: reads every record, decodes it, and hands each IKE message to a sink. Nothing is
/// allocated per frame; malformations go to the given sink and reading goes on.
/// </summary>
public static class CaptureScanner
{
    public static ScanStatistics Scan(string path, IIkeDatagramSink sink, IMalformationSink malformations,
        FrameDecoderOptions? options = null)
    {
        using var reader = CaptureReader.Open(path, malformations);
        return Scan(reader, sink, malformations, options);
    }

    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ScanStatistics Scan(CaptureReader reader, IIkeDatagramSink sink, IMalformationSink malformations,
        FrameDecoderOptions? options = null)
    {
        var counting = new CountingSink(sink);
        var decoder = new FrameDecoder(reader.Name, malformations, options);
        var stats = new ScanStatistics();
        while (reader.TryRead(out CaptureRecord record))
        {
            stats.Frames++;
            stats.CapturedBytes += record.Data.Length;
            if (record.TimestampNanoseconds > stats.LastTimestampNanoseconds) stats.LastTimestampNanoseconds = record.TimestampNanoseconds;
            stats.Count(decoder.Decode(record, counting));
        }
        decoder.Flush(counting);
        stats.StreamBytes = reader.Position;
        stats.IkeMessages = counting.Count;
        return stats;
    }

    private sealed class CountingSink(IIkeDatagramSink inner) : IIkeDatagramSink
    {
        public long Count;
        public void OnIkeDatagram(in IkeDatagram datagram)
        {
            Count++;
            inner.OnIkeDatagram(datagram);
        }

        public void OnHeaderlessDatagram(HeaderlessDatagram datagram) => inner.OnHeaderlessDatagram(datagram);

        public void OnIpsecPacket(in IpsecPacket packet) => inner.OnIpsecPacket(packet);
    }
}
