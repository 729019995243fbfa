using System.Buffers;
using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;

namespace PcapIke.Frames;

// IKE over TCP (RFC 8229, republished as RFC 9329 with the same framing), on FrameDecoderOptions.TcpPorts.
//
// RFC 8229 section 3: each direction of the connection is a byte stream of messages, each a 16-bit Length (which
// counts itself) followed, for IKE, by a 32-bit zero Non-ESP Marker and the IKE message, or, for ESP, by the ESP
// packet (whose SPI is never zero). Section 4: the initiator starts its stream with the 6-byte prefix "IKETCP".
//
// Each direction is reassembled on its own, keyed by (source, destination) endpoints, from its SYN (or, when the
// capture starts mid-connection, from the first segment that starts with the prefix or with a message whose
// Length, marker and IKE header length agree). Segments are placed by sequence number: retransmitted bytes are
// trimmed, segments ahead of a gap are copied and held (at most 64 KiB per direction, at
// most MaxTcpFlows directions, least recently used evicted). A gap that is never filled, a message Length below 6
// or a segment cut by the snaplen is reported and the direction resynchronises as at the start of a capture.
//
// A message wholly inside one segment is handed out as a slice of the frame (MessageOffsetInFrame set); one that
// spans segments is copied and handed out with the frame that completed it (MessageOffsetInFrame = -1). For TCP,
// IpFragmentCount and FirstFragmentFrame describe the IP datagram of the completing segment, and IpLength is that
// datagram's length.
public sealed partial class FrameDecoder
{
    private static ReadOnlySpan<byte> IkeTcpPrefix => "IKETCP"u8;
    private const int TcpMessageMax = 65535;

    private readonly record struct TcpKey(NetEndpoint Source, NetEndpoint Destination);

    private sealed class TcpFlow
    {
        public TcpKey Key;
        public bool Synced;
        public bool AtStart;              // no byte of the stream consumed yet: the prefix may follow
        public uint NextSeq;
        public byte[]? Partial;           // a message (or prefix) begun but not complete
        public int PartialCount;
        public long PartialFirstFrame;
        public List<(uint Seq, byte[] Data)>? Held;   // segments after a gap
        public int HeldBytes;
        public LinkedListNode<TcpFlow>? Node;
    }

    private readonly Dictionary<TcpKey, TcpFlow> _tcpFlows = new();
    private readonly LinkedList<TcpFlow> _tcpLru = new();

    /// <summary>TCP directions currently tracked.</summary>
    public int TcpFlows => _tcpFlows.Count;

    // Outcome of feeding stream bytes, combined over a segment.
    private struct TcpOutcome
    {
        public bool Ike, Esp, Malformed;
    }

    private FrameKind DecodeTcp(in CaptureRecord r, IIkeDatagramSink sink, ReadOnlySpan<byte> seg, int declaredLength,
        int segOffset, int reportBase, NetAddress src, NetAddress dst, int ipLength, int fragments, long firstFrame)
    {
        if (seg.Length < 4)
        {
            if (declaredLength < 20)
                return TransportMalformed(r, segOffset, reportBase, 0, $"IP payload of {declaredLength} bytes is too short for a TCP header");
            return TransportTruncated(r, segOffset, reportBase, 0, 20, seg.Length, "TCP header");
        }
        ushort sp = U16(seg, 0), dp = U16(seg, 2);
        if (((_portFlags[sp] | _portFlags[dp]) & PortTcp) == 0) return FrameKind.OtherTransport;

        // RFC 9293 section 3.1: Data Offset in 32-bit words, at least 5.
        if (declaredLength < 20)
            return TransportMalformed(r, segOffset, reportBase, 0, $"IP payload of {declaredLength} bytes is too short for a TCP header");
        if (seg.Length < 20) return TransportTruncated(r, segOffset, reportBase, 0, 20, seg.Length, "TCP header");
        int doff = (seg[12] >> 4) * 4;
        if (doff < 20) return TransportMalformed(r, segOffset, reportBase, 12, $"TCP data offset {doff} is below 20");
        if (doff > declaredLength)
            return TransportMalformed(r, segOffset, reportBase, 12, $"TCP data offset {doff} exceeds the {declaredLength} bytes of IP payload");
        if (doff > seg.Length) return TransportTruncated(r, segOffset, reportBase, 0, doff, seg.Length, "TCP header with options");
        uint seq = BinaryPrimitives.ReadUInt32BigEndian(seg.Slice(4, 4));
        byte flags = seg[13];
        bool syn = (flags & 0x02) != 0, fin = (flags & 0x01) != 0, rst = (flags & 0x04) != 0;
        int payloadLength = declaredLength - doff;
        ReadOnlySpan<byte> payload = seg.Slice(doff, Math.Min(seg.Length, declaredLength) - doff);
        int payloadOffset = segOffset < 0 ? -1 : segOffset + doff;

        var key = new TcpKey(new NetEndpoint(src, sp), new NetEndpoint(dst, dp));
        _tcpFlows.TryGetValue(key, out TcpFlow? flow);
        var ctx = new TcpContext(src, dst, sp, dp, ipLength, fragments, firstFrame, payloadOffset, segOffset, reportBase);
        var outcome = new TcpOutcome();

        if (syn)
        {
            // A SYN starts (or restarts) the direction: its sequence number plus one is the first data byte.
            flow ??= NewFlow(key);
            ResetFlow(flow);
            flow.Synced = true;
            flow.AtStart = true;
            flow.NextSeq = seq + 1;
            seq++;
        }
        else if (flow != null) Touch(flow);

        if (payload.Length < payloadLength)
        {
            if (flow != null) Desync(flow);
            return TransportTruncated(r, segOffset, reportBase, doff, payloadLength, payload.Length, "TCP segment on an IKE TCP port");
        }

        if (payload.Length > 0)
        {
            if (flow == null || !flow.Synced)
            {
                // Mid-stream start: believe a segment that begins with the prefix or a well-formed IKE message.
                if (payload.StartsWith(IkeTcpPrefix) || LooksLikeTcpIkeMessage(payload))
                {
                    flow ??= NewFlow(key);
                    ResetFlow(flow);
                    flow.Synced = true;
                    flow.AtStart = true;
                    flow.NextSeq = seq;
                }
            }
            if (flow is { Synced: true })
            {
                int ahead = (int)(seq - flow.NextSeq);
                if (ahead <= 0)
                {
                    // In order, or overlapping bytes already consumed (a retransmission): trim them.
                    int skip = -ahead;
                    if (skip < payload.Length)
                    {
                        Feed(r, sink, flow, payload[skip..], ctx with { PayloadOffset = payloadOffset < 0 ? -1 : payloadOffset + skip }, ref outcome);
                        DrainHeld(r, sink, flow, ctx, ref outcome);
                    }
                }
                else
                {
                    HoldSegment(r, flow, seq, payload, ctx);
                }
            }
        }

        if ((fin || rst) && flow != null)
        {
            if (flow.Synced && flow.PartialCount > 0 && !flow.AtStart)
                TcpReport(r, ctx, ctx.SegOffset, $"TCP stream {key.Source} to {key.Destination} ended inside a message ({flow.PartialCount} bytes held)");
            RemoveFlow(flow);
        }

        if (outcome.Ike) return FrameKind.Ike;
        if (outcome.Malformed) return FrameKind.Malformed;
        if (outcome.Esp) return FrameKind.Esp;
        return FrameKind.IkeTcpSegment;
    }

    private readonly record struct TcpContext(NetAddress Src, NetAddress Dst, ushort SrcPort, ushort DstPort, int IpLength,
        int Fragments, long FirstFrame, int PayloadOffset, int SegOffset, int ReportBase);

    /// <summary>Length, zero marker, then an IKE header whose version is 1.0 or 2.0 and whose length is the rest.</summary>
    private static bool LooksLikeTcpIkeMessage(ReadOnlySpan<byte> p)
    {
        if (p.Length < 6 + 28) return false;
        int len = U16(p, 0);
        return len >= 6 + 28 && BinaryPrimitives.ReadUInt32BigEndian(p.Slice(2, 4)) == 0
            && (p[6 + 17] == 0x20 || p[6 + 17] == 0x10)
            && BinaryPrimitives.ReadUInt32BigEndian(p.Slice(6 + 24, 4)) == (uint)(len - 6);
    }

    /// <summary>Consumes in-order stream bytes, handing out each complete message.</summary>
    private void Feed(in CaptureRecord r, IIkeDatagramSink sink, TcpFlow flow, ReadOnlySpan<byte> data, TcpContext ctx,
        ref TcpOutcome outcome)
    {
        flow.NextSeq += (uint)data.Length;
        int at = 0;
        while (at < data.Length && flow.Synced)
        {
            if (flow.AtStart)
            {
                // RFC 8229 section 4: the initiator's stream starts with "IKETCP"; the responder's does not.
                int have = flow.PartialCount;
                int take = Math.Min(IkeTcpPrefix.Length - have, data.Length - at);
                bool matches = data.Slice(at, take).SequenceEqual(IkeTcpPrefix.Slice(have, take))
                               && (have == 0 || flow.Partial.AsSpan(0, have).SequenceEqual(IkeTcpPrefix[..have]));
                if (!matches)
                {
                    flow.AtStart = false;     // no prefix: what was set aside is message bytes
                    continue;
                }
                if (have + take == IkeTcpPrefix.Length)
                {
                    flow.AtStart = false;
                    flow.PartialCount = 0;
                    at += take;
                    continue;
                }
                AppendPartial(flow, data.Slice(at, take), r.FrameNumber);
                at += take;
                continue;
            }

            if (flow.PartialCount == 0)
            {
                // Fast path: a whole message inside this segment is handed out in place.
                ReadOnlySpan<byte> rest = data[at..];
                if (rest.Length >= 2)
                {
                    int len = U16(rest, 0);
                    if (len < 6)
                    {
                        BadLength(r, flow, ctx, at, len, ref outcome);
                        return;
                    }
                    if (rest.Length >= len)
                    {
                        Deliver(r, sink, rest[..len], ctx.PayloadOffset < 0 ? -1 : ctx.PayloadOffset + at, ctx, ref outcome);
                        at += len;
                        continue;
                    }
                }
                AppendPartial(flow, rest, r.FrameNumber);
                return;
            }

            // A message begun in an earlier segment: complete its length, then its body.
            int need = flow.PartialCount < 2 ? 2 : U16(flow.Partial, 0);
            if (flow.PartialCount >= 2 && need < 6)
            {
                BadLength(r, flow, ctx, at, need, ref outcome);
                return;
            }
            int n = Math.Min(need - flow.PartialCount, data.Length - at);
            AppendPartial(flow, data.Slice(at, n), r.FrameNumber);
            at += n;
            if (flow.PartialCount >= 2 && flow.PartialCount == U16(flow.Partial, 0))
            {
                int count = flow.PartialCount;
                flow.PartialCount = 0;
                Deliver(r, sink, flow.Partial.AsSpan(0, count), -1, ctx, ref outcome);
            }
        }
    }

    private void BadLength(in CaptureRecord r, TcpFlow flow, TcpContext ctx, int at, int len, ref TcpOutcome outcome)
    {
        TcpReport(r, ctx, flow.PartialCount == 0 && ctx.PayloadOffset >= 0 ? ctx.PayloadOffset + at : -1,
            $"RFC 8229 message Length {len} is below 6; the stream is resynchronised");
        outcome.Malformed = true;
        Desync(flow);
    }

    private void Deliver(in CaptureRecord r, IIkeDatagramSink sink, ReadOnlySpan<byte> message, int offsetInFrame,
        TcpContext ctx, ref TcpOutcome outcome)
    {
        // message = Length (2) + Non-ESP Marker (4) + IKE, or Length + ESP.
        if (BinaryPrimitives.ReadUInt32BigEndian(message.Slice(2, 4)) != 0)
        {
            outcome.Esp = true;
            return;
        }
        if (message.Length == 6)
        {
            TcpReport(r, ctx, offsetInFrame, "RFC 8229 message with a Non-ESP Marker and no IKE message");
            outcome.Malformed = true;
            return;
        }
        var datagram = new IkeDatagram(r.FrameNumber, r.TimestampNanoseconds, new NetEndpoint(ctx.Src, ctx.SrcPort),
            new NetEndpoint(ctx.Dst, ctx.DstPort), IkeTransport.Tcp, message[6..], offsetInFrame < 0 ? -1 : offsetInFrame + 6,
            ctx.Fragments, ctx.FirstFrame, ctx.IpLength);
        sink.OnIkeDatagram(in datagram);
        outcome.Ike = true;
    }

    private static void AppendPartial(TcpFlow flow, ReadOnlySpan<byte> data, long frame)
    {
        if (flow.PartialCount == 0) flow.PartialFirstFrame = frame;
        int need = flow.PartialCount + data.Length;
        if (flow.Partial == null || flow.Partial.Length < need)
        {
            // Grows with the message actually being held, up to the 16-bit Length's maximum.
            byte[] nb = ArrayPool<byte>.Shared.Rent(Math.Min(TcpMessageMax, Math.Max(need, Math.Max(2048, (flow.Partial?.Length ?? 0) * 2))));
            if (flow.Partial != null)
            {
                flow.Partial.AsSpan(0, flow.PartialCount).CopyTo(nb);
                ArrayPool<byte>.Shared.Return(flow.Partial);
            }
            flow.Partial = nb;
        }
        data.CopyTo(flow.Partial.AsSpan(flow.PartialCount));
        flow.PartialCount += data.Length;
    }

    private void HoldSegment(in CaptureRecord r, TcpFlow flow, uint seq, ReadOnlySpan<byte> payload, TcpContext ctx)
    {
        if (flow.HeldBytes + payload.Length > MaxTcpHeldBytesPerFlow)
        {
            TcpReport(r, ctx, ctx.PayloadOffset,
                $"TCP stream {flow.Key.Source} to {flow.Key.Destination}: {(uint)(seq - flow.NextSeq)} bytes missing before this segment; the stream is resynchronised");
            Desync(flow);
            return;
        }
        (flow.Held ??= new()).Add((seq, payload.ToArray()));
        flow.HeldBytes += payload.Length;
    }

    private void DrainHeld(in CaptureRecord r, IIkeDatagramSink sink, TcpFlow flow, TcpContext ctx, ref TcpOutcome outcome)
    {
        if (flow.Held is not { Count: > 0 } held) return;
        bool progress = true;
        while (progress && flow.Synced && held.Count > 0)
        {
            progress = false;
            for (int i = 0; i < held.Count; i++)
            {
                var (s, d) = held[i];
                int ahead = (int)(s - flow.NextSeq);
                if (ahead > 0) continue;
                held.RemoveAt(i);
                flow.HeldBytes -= d.Length;
                if (-ahead < d.Length)
                    Feed(r, sink, flow, d.AsSpan(-ahead), ctx with { PayloadOffset = -1 }, ref outcome);
                progress = true;
                break;
            }
        }
    }

    /// <summary>Maximum bytes of out-of-order TCP segments held per direction.</summary>
    private const int MaxTcpHeldBytesPerFlow = 64 << 10;

    private TcpFlow NewFlow(TcpKey key)
    {
        while (_tcpFlows.Count >= Math.Max(1, _options.MaxTcpFlows) && _tcpLru.First is { } oldest) RemoveFlow(oldest.Value);
        var flow = new TcpFlow { Key = key };
        flow.Node = _tcpLru.AddLast(flow);
        _tcpFlows.Add(key, flow);
        return flow;
    }

    private void Touch(TcpFlow flow)
    {
        _tcpLru.Remove(flow.Node!);
        _tcpLru.AddLast(flow.Node!);
    }

    private static void ResetFlow(TcpFlow flow)
    {
        flow.PartialCount = 0;
        flow.Held?.Clear();
        flow.HeldBytes = 0;
        flow.AtStart = false;
    }

    private static void Desync(TcpFlow flow)
    {
        ResetFlow(flow);
        flow.Synced = false;
    }

    /// <summary>At the end of the capture: reports TCP directions that stopped inside a message.</summary>
    private void FlushTcp()
    {
        while (_tcpLru.First is { } node)
        {
            TcpFlow flow = node.Value;
            if (flow.Synced && flow.PartialCount > 0 && !flow.AtStart)
                Report(flow.PartialFirstFrame, -1, MalformationLayer.Transport,
                    $"TCP stream {flow.Key.Source} to {flow.Key.Destination} ended inside a message ({flow.PartialCount} bytes held)");
            RemoveFlow(flow);
        }
    }

    private void RemoveFlow(TcpFlow flow)
    {
        if (flow.Partial != null) ArrayPool<byte>.Shared.Return(flow.Partial);
        flow.Partial = null;
        _tcpLru.Remove(flow.Node!);
        _tcpFlows.Remove(flow.Key);
    }

    /// <summary>Reports at <paramref name="frameOffset"/>, or (when -1) at the TCP header, or for a reassembled IP
    /// datagram at the completing fragment's IP header.</summary>
    private void TcpReport(in CaptureRecord r, TcpContext ctx, int frameOffset, string reason)
    {
        if (frameOffset >= 0) Report(r.FrameNumber, frameOffset, MalformationLayer.Transport, reason);
        else if (ctx.SegOffset >= 0) Report(r.FrameNumber, ctx.SegOffset, MalformationLayer.Transport, reason);
        else Report(r.FrameNumber, ctx.ReportBase, MalformationLayer.Transport, $"{reason} (in a reassembled IP datagram)");
    }
}
