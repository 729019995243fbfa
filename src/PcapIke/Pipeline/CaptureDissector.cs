using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Ike;

namespace PcapIke.Pipeline;

/// <summary>
/// Capture → frames → IKE messages: scans a capture and dissects every IKE message it carries. Frames that are not
/// IKE cost no allocation; each IKE message becomes a <see cref="DissectedMessage"/> handed to a callback, and its
/// decode findings become located <see cref="Malformation"/>s (file, frame, offset in the IKE message).
/// </summary>
public static class CaptureDissector
{
    /// <summary>
    /// Dissects every IKE message of the capture, calling <paramref name="onMessage"/> in capture order. With
    /// <paramref name="offload"/>, dissection and <paramref name="onMessage"/> run on a second thread fed by the frame
    /// loop (a bounded queue; order kept), so a large capture uses both cores; exceptions from
    /// <paramref name="onMessage"/> are re-thrown here. <paramref name="malformations"/> must then accept reports from
    /// both threads (<see cref="MalformationList"/> does).
    /// </summary>
    public static ScanStatistics Dissect(CaptureReader reader, IMalformationSink malformations,
        Action<DissectedMessage> onMessage, FrameDecoderOptions? options = null, bool offload = false)
    {
        if (!offload)
            return CaptureScanner.Scan(reader, new DissectingSink(reader.Name, malformations, onMessage), malformations, options);
        using var sink = new OffloadingSink(reader.Name, malformations, onMessage);
        ScanStatistics stats;
        try
        {
            stats = CaptureScanner.Scan(reader, sink, malformations, options);
        }
        finally
        {
            sink.Complete();
        }
        sink.ThrowIfFailed();
        return stats;
    }

    public static ScanStatistics Dissect(string path, IMalformationSink malformations,
        Action<DissectedMessage> onMessage, FrameDecoderOptions? options = null, bool offload = false)
    {
        using var reader = CaptureReader.Open(path, malformations);
        return Dissect(reader, malformations, onMessage, options, offload);
    }

    private static DissectedMessage DissectOne(string file, IMalformationSink malformations, long frame,
        long timestamp, NetEndpoint source, NetEndpoint destination, IkeTransport transport, int ipLength,
        int ipFragments, long firstFragmentFrame, ReadOnlySpan<byte> message)
    {
        var ike = IkeMessageDissection.Dissect(message);
        foreach (var m in ike.ToMalformations(file, frame)) malformations.Report(m);
        return new DissectedMessage(frame, timestamp, source, destination, transport, ipLength, ipFragments,
            firstFragmentFrame, ike)
        {
            ContentHash = HashOf(message),
            Certificates = CertificatesOf(ike, message),
        };
    }

    private sealed class DissectingSink(string file, IMalformationSink malformations, Action<DissectedMessage> onMessage)
        : IIkeDatagramSink
    {
        public void OnIkeDatagram(in IkeDatagram d) =>
            onMessage(DissectOne(file, malformations, d.FrameNumber, d.TimestampNanoseconds, d.Source, d.Destination,
                d.Transport, d.IpLength, d.IpFragmentCount, d.FirstFragmentFrame, d.Message));
    }

    /// <summary>The frame loop copies each IKE message (allocation only for IKE) into a bounded queue; one worker
    /// dissects them in order and calls the callback. A failing callback stops the work, never blocks the loop.</summary>
    private sealed class OffloadingSink : IIkeDatagramSink, IDisposable
    {
        private readonly record struct Pending(long Frame, long Timestamp, NetEndpoint Source, NetEndpoint Destination,
            IkeTransport Transport, int IpLength, int IpFragments, long FirstFragmentFrame, byte[] Message);

        private readonly System.Collections.Concurrent.BlockingCollection<Pending> _queue = new(boundedCapacity: 4096);
        private readonly Thread _worker;
        private Exception? _failure;

        public OffloadingSink(string file, IMalformationSink malformations, Action<DissectedMessage> onMessage)
        {
            _worker = new Thread(() =>
            {
                foreach (Pending p in _queue.GetConsumingEnumerable())
                {
                    if (_failure != null) continue; // keep draining so the frame loop never blocks on a full queue
                    try
                    {
                        onMessage(DissectOne(file, malformations, p.Frame, p.Timestamp, p.Source, p.Destination,
                            p.Transport, p.IpLength, p.IpFragments, p.FirstFragmentFrame, p.Message));
                    }
                    catch (Exception e)
                    {
                        _failure = e;
                    }
                }
            }) { IsBackground = true, Name = "pcapike dissect" };
            _worker.Start();
        }

        public void OnIkeDatagram(in IkeDatagram d) =>
            _queue.Add(new Pending(d.FrameNumber, d.TimestampNanoseconds, d.Source, d.Destination, d.Transport,
                d.IpLength, d.IpFragmentCount, d.FirstFragmentFrame, d.Message.ToArray()));

        /// <summary>No more messages: waits until every queued one was handled.</summary>
        public void Complete()
        {
            if (!_queue.IsAddingCompleted) _queue.CompleteAdding();
            _worker.Join();
        }

        public void ThrowIfFailed()
        {
            if (_failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
        }

        public void Dispose()
        {
            Complete();
            _queue.Dispose();
        }
    }

    /// <summary>SHA-256 of the IKE message, first 8 bytes: the correlator's "same bytes" test for retransmissions.</summary>
    internal static ulong HashOf(ReadOnlySpan<byte> message)
    {
        Span<byte> h = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(message, h);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(h);
    }

    /// <summary>The X.509 certificates (encoding 4) of clear CERT payloads, copied out of the message.</summary>
    internal static IReadOnlyList<byte[]> CertificatesOf(IkeMessageDissection ike, ReadOnlySpan<byte> message)
    {
        List<byte[]>? list = null;
        foreach (var p in ike.Payloads)
        {
            if (p.Details is not CertificateDetails { EncodingRaw: 4, DataLength: > 0 } c) continue;
            // generic payload header (4) + Cert Encoding (1), RFC 2408 §3.9, RFC 7296 §3.6
            int start = p.Offset + 5, end = p.Offset + p.Length;
            if (p.TypeRaw is not ((byte)PayloadType.CERT or (byte)PayloadType.CERTv2) || start > end || end > message.Length) continue;
            (list ??= new()).Add(message[start..end].ToArray());
        }
        return (IReadOnlyList<byte[]>?)list ?? Array.Empty<byte[]>();
    }
}
