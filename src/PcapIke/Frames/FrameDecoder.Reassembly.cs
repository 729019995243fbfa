using System.Buffers;
using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;

namespace PcapIke.Frames;

// IP fragment reassembly (RFC 791 section 3.2 for IPv4, RFC 8200 section 4.5 for IPv6).
//
// Every fragment is held until the datagram's first fragment (offset 0) shows what it carries: fragments may
// arrive in any order, the first one last. If it shows UDP on an IKE or NAT-T port (or too little to tell), the
// data is kept until the datagram is complete; otherwise the data is released at once and only the covered
// ranges are tracked, so the rest of that datagram's fragments are classified without being copied.
//
// Bounds: at most MaxPendingDatagrams incomplete datagrams and MaxReassemblyBytes of buffers (pooled, counted at
// their rented size); past either the least recently updated datagram is evicted. A datagram without a new
// fragment for ReassemblyTimeout of capture time is dropped. A datagram whose fragments would make it longer than
// 65535 bytes (IPv4 total length; IPv6 payload length) is rejected. Overlapping fragments keep the bytes received
// first; an overlap with different bytes is reported (RFC 5722 would discard the whole datagram; keeping the
// first copy and saying so serves forensics better). Dropped or evicted datagrams are reported unless their first
// fragment showed they were not IKE.
//
// A datagram that cannot be completed is still an IKE message when its first fragment is in the capture: that
// fragment carries the UDP header and the 28-byte ISAKMP header (SPIs, exchange, flags, message ID), so its step,
// direction and time are known. It is handed to the sink with MessageGap.IpFragmentsMissing and what is missing
// (EmitPartial): when it is dropped (timeout, eviction, end of the capture), or at once when the snap length cut
// one of its fragments (it can never be completed).
//
// IkeDatagram.IpLength of a reassembled datagram: IPv4, the header length of the first fragment plus the
// reassembled data (the total length of the original datagram); IPv6, 40 + the unfragmentable extension headers
// of the first fragment + the reassembled fragmentable part, i.e. 40 + the payload length of the original packet
// (RFC 8200 section 4.5, without the fragment header).
public sealed partial class FrameDecoder
{
    private readonly record struct FragmentKey(NetAddress Source, NetAddress Destination, uint Id, byte Protocol);

    private sealed class Pending
    {
        public FragmentKey Key;
        public bool IPv6;
        public byte[]? Data;             // the fragmentable data; null until the first byte, and once ignored
        public bool Ignored;             // the first fragment showed it is not IKE: ranges only, no data
        public int[] Ranges = new int[8];    // sorted, disjoint [start, end) pairs of the fragmentable data held
        public int RangeCount;           // number of pairs
        public int Total = -1;           // length of the fragmentable data, once the last fragment was seen
        public int Count;                // fragments that added bytes
        public long FirstFrame;
        public int FirstIpOffset;
        public long LastSeenNs;
        public long FirstSeenNs;
        public bool SnapCut;             // a fragment was cut by the snap length: the datagram cannot be completed
        public bool HaveFirst;
        public int HeaderLength;         // IPv4 IHL; IPv6 40 + unfragmentable extension headers
        public byte Protocol;            // IPv4 protocol; IPv6 Next Header of the fragment header
        public FrameKind IgnoredKind;
        public LinkedListNode<Pending>? Node;

        public int Received
        {
            get
            {
                int n = 0;
                for (int i = 0; i < RangeCount; i++) n += Ranges[2 * i + 1] - Ranges[2 * i];
                return n;
            }
        }
    }

    private readonly Dictionary<FragmentKey, Pending> _pending = new();
    private readonly LinkedList<Pending> _lru = new();     // least recently updated first
    private readonly long _timeoutNs;
    private int _pendingCount;
    private long _heldBytes;

    /// <summary>Incomplete IP datagrams currently held.</summary>
    public int PendingDatagrams => _pendingCount;
    /// <summary>Bytes of reassembly buffers currently held.</summary>
    public long ReassemblyBytesHeld => _heldBytes;

    /// <summary>At the end of the capture: reports IP datagrams still incomplete and TCP streams that stopped
    /// inside a message, and forgets them.</summary>
    /// <remarks>An incomplete IKE datagram whose first fragment was captured is handed to <paramref name="sink"/>
    /// as a message with <see cref="MessageGap.IpFragmentsMissing"/>.</remarks>
    public void Flush(IIkeDatagramSink? sink = null)
    {
        while (_lru.First is { } node)
        {
            // The rest of a datagram arrives within milliseconds; "the capture ended" only when it ended that soon.
            long after = _clockNs - node.Value.LastSeenNs;
            Drop(node.Value, after <= CaptureEndedWindowNs
                ? $"the capture ended {Ms(after)} after its last fragment, before it was complete"
                : $"the rest never appeared in the capture, which went on for {Ms(after)} after its last fragment: lost before the capture point, or not recorded by it",
                sink);
        }
        FlushTcp();
    }

    /// <summary>How soon after a datagram's last fragment the end of the capture counts as the reason it is
    /// incomplete.</summary>
    private const long CaptureEndedWindowNs = 1_000_000_000;

    private static string Ms(long ns) => ns >= 10_000_000_000
        ? $"{ns / 1e9:0} s" : ns >= 1_000_000_000 ? $"{ns / 1e9:0.0} s" : $"{ns / 1e6:0.###} ms";

    private void ExpireStale(long nowNs, IIkeDatagramSink sink)
    {
        while (_lru.First is { } node && nowNs - node.Value.LastSeenNs > _timeoutNs)
            Drop(node.Value, $"no fragment arrived for {_options.ReassemblyTimeout.TotalSeconds:0.###} s: lost before the capture point, or not recorded by it", sink);
    }

    private FrameKind AddIPv4Fragment(in CaptureRecord r, IIkeDatagramSink sink, int off, int ihl, int totalLength,
        byte protocol, ushort flagsAndOffset)
    {
        ReadOnlySpan<byte> f = r.Data;
        var key = new FragmentKey(NetAddress.FromIPv4(f.Slice(off + 12, 4)), NetAddress.FromIPv4(f.Slice(off + 16, 4)),
            U16(f, off + 4), protocol);
        int dataLength = totalLength - ihl;
        int start = off + ihl;
        ReadOnlySpan<byte> data = f.Slice(start, Math.Clamp(f.Length - start, 0, dataLength));
        return AddFragment(r, sink, key, ipv6: false, off, ihl, protocol, (flagsAndOffset & 0x1FFF) * 8,
            (flagsAndOffset & 0x2000) != 0, data, dataLength, start);
    }

    private FrameKind AddIPv6Fragment(in CaptureRecord r, IIkeDatagramSink sink, int off, int fragHeader, int end,
        ushort offsetAndFlags)
    {
        ReadOnlySpan<byte> f = r.Data;
        var key = new FragmentKey(NetAddress.FromIPv6(f.Slice(off + 8, 16)), NetAddress.FromIPv6(f.Slice(off + 24, 16)),
            BinaryPrimitives.ReadUInt32BigEndian(f.Slice(fragHeader + 4, 4)), 0);
        int start = fragHeader + 8;
        int dataLength = end - start;
        ReadOnlySpan<byte> data = f.Slice(start, Math.Clamp(f.Length - start, 0, dataLength));
        return AddFragment(r, sink, key, ipv6: true, off, fragHeader - off, f[fragHeader], offsetAndFlags & 0xFFF8,
            (offsetAndFlags & 1) != 0, data, dataLength, start);
    }

    private FrameKind AddFragment(in CaptureRecord r, IIkeDatagramSink sink, FragmentKey key, bool ipv6, int ipOff,
        int headerLength, byte protocol, int fragOffset, bool more, ReadOnlySpan<byte> data, int dataLength,
        int dataOffset)
    {
        string ver = ipv6 ? "IPv6" : "IPv4";
        _pending.TryGetValue(key, out Pending? p);
        if (data.Length < dataLength)
        {
            // Cut by the snaplen. Harmless when the datagram is known not to be IKE (its bytes are not needed,
            // only its extent, to know when it is complete); otherwise the datagram cannot be reassembled.
            bool ignorable = p is { Ignored: true }
                || fragOffset == 0 && ClassifyFirstFragment(ipv6, protocol, data) != FrameKind.IpFragmentHeld;
            if (!ignorable)
            {
                Truncated(r, MalformationLayer.Network, dataOffset, dataLength, $"{ver} fragment data");
                if (r.OriginalLength <= r.Data.Length) return FrameKind.Malformed;
                // An IKE datagram that can never be completed: what its first fragment shows is still a message.
                if (p is { HaveFirst: true, Ignored: false })
                {
                    p.SnapCut = true;
                    EmitPartial(p, sink, $"its fragment at offset {fragOffset} was cut by the snap length ({r.Data.Length} of {r.OriginalLength} bytes of frame {r.FrameNumber} captured)");
                    Ignore(p, FrameKind.IpFragmentHeld);
                }
                else if (fragOffset == 0 && data.Length >= 8)
                {
                    p ??= NewPending(key, ipv6, r, ipOff, protocol, sink);
                    p.LastSeenNs = p.FirstSeenNs = r.TimestampNanoseconds;
                    p.HaveFirst = true;
                    p.HeaderLength = headerLength;
                    p.Protocol = protocol;
                    p.SnapCut = true;
                    if (EnsureCapacity(p, data.Length, sink) && Merge(p, 0, data.Length, data, out _)) p.Count++;
                    EmitPartial(p, sink, $"its first fragment was cut by the snap length ({r.Data.Length} of {r.OriginalLength} bytes of frame {r.FrameNumber} captured)");
                    Ignore(p, FrameKind.IpFragmentHeld);
                }
                return FrameKind.Malformed;
            }
        }
        if (more && (dataLength == 0 || dataLength % 8 != 0))
        {
            // RFC 791 / RFC 8200 section 4.5: every fragment but the last carries a multiple of 8 bytes.
            return Malformed(r, MalformationLayer.Network, ipOff,
                $"{ver} fragment (offset {fragOffset}) that is not the last carries {dataLength} bytes, not a non-zero multiple of 8");
        }
        int end = fragOffset + dataLength;
        int datagramLength = ipv6 ? headerLength - 40 + end : headerLength + end;
        if (datagramLength > 65535)
        {
            if (p != null) Release(p);
            return Malformed(r, MalformationLayer.Network, ipOff,
                $"{ver} fragment at offset {fragOffset} of {dataLength} bytes would make the datagram {datagramLength} bytes, over 65535; datagram discarded");
        }

        if (p == null)
            p = NewPending(key, ipv6, r, ipOff, protocol, sink);
        else
        {
            _lru.Remove(p.Node!);
            _lru.AddLast(p.Node!);
        }
        p.LastSeenNs = r.TimestampNanoseconds;

        if (!more)
        {
            int maxEnd = p.RangeCount == 0 ? 0 : p.Ranges[2 * p.RangeCount - 1];
            if (p.Total >= 0 && p.Total != end || maxEnd > end)
            {
                Release(p);
                return Malformed(r, MalformationLayer.Network, ipOff,
                    $"{ver} last fragment ends the datagram at {end}, but other fragments say {(p.Total >= 0 ? p.Total : maxEnd)}; datagram discarded");
            }
            p.Total = end;
        }
        else if (p.Total >= 0 && end > p.Total)
        {
            Release(p);
            return Malformed(r, MalformationLayer.Network, ipOff,
                $"{ver} fragment ends at {end}, past the end {p.Total} set by the last fragment; datagram discarded");
        }

        if (fragOffset == 0 && !p.HaveFirst)
        {
            p.HaveFirst = true;
            p.FirstSeenNs = r.TimestampNanoseconds;
            p.HeaderLength = headerLength;
            p.Protocol = protocol;
            FrameKind kind = ClassifyFirstFragment(ipv6, protocol, data);
            if (kind != FrameKind.IpFragmentHeld) Ignore(p, kind);
        }
        if (!p.Ignored && data.Length < dataLength)
            return Truncated(r, MalformationLayer.Network, dataOffset, dataLength, $"{ver} fragment data");
        if (!p.Ignored && !EnsureCapacity(p, end, sink))
        {
            Release(p);
            return Malformed(r, MalformationLayer.Network, ipOff,
                $"{ver} datagram needs more than the reassembly limit of {_options.MaxReassemblyBytes} bytes; datagram discarded");
        }
        if (Merge(p, fragOffset, end, data, out int conflictAt)) p.Count++;
        if (conflictAt >= 0)
        {
            Report(r.FrameNumber, dataOffset + (conflictAt - fragOffset), MalformationLayer.Network,
                $"{ver} fragment overlaps data already received with different bytes (at datagram data offset {conflictAt}); the first bytes are kept");
        }

        if (p.Total >= 0 && p.RangeCount == 1 && p.Ranges[0] == 0 && p.Ranges[1] == p.Total)
            return Complete(r, sink, p, ipOff);
        return p.Ignored ? p.IgnoredKind : FrameKind.IpFragmentHeld;
    }

    /// <summary>What the first fragment shows: <see cref="FrameKind.IpFragmentHeld"/> when it may be IKE (or
    /// cannot tell yet), otherwise what the datagram is.</summary>
    private FrameKind ClassifyFirstFragment(bool ipv6, byte protocol, ReadOnlySpan<byte> data)
    {
        int at = 0;
        if (ipv6 && SkipIPv6Extensions(data, ref protocol, ref at) != 0) return FrameKind.IpFragmentHeld;
        switch (protocol)
        {
            case 17:
                if (data.Length - at < 4) return FrameKind.IpFragmentHeld;       // a tiny first fragment
                ushort sp = U16(data, at), dp = U16(data, at + 2);
                return ((_portFlags[sp] | _portFlags[dp]) & (PortIke | PortNatT)) != 0
                    ? FrameKind.IpFragmentHeld : FrameKind.OtherTransport;
            case 6:
                if (data.Length - at < 4) return FrameKind.IpFragmentHeld;
                return ((_portFlags[U16(data, at)] | _portFlags[U16(data, at + 2)]) & PortTcp) != 0
                    ? FrameKind.IpFragmentHeld : FrameKind.OtherTransport;
            case 50: return FrameKind.Esp;
            case 51: return FrameKind.Ah;
            default: return FrameKind.OtherIp;
        }
    }

    /// <summary>Skips IPv6 hop-by-hop, routing and destination options headers at the start of
    /// <paramref name="data"/>. 0 when done (<paramref name="next"/> and <paramref name="at"/> name the next
    /// header), 1 when the data ends inside a header.</summary>
    private static int SkipIPv6Extensions(ReadOnlySpan<byte> data, ref byte next, ref int at)
    {
        for (int n = 0; n < MaxIPv6ExtensionHeaders && next is 0 or 43 or 60; n++)
        {
            if (data.Length - at < 2) return 1;
            int len = (data[at + 1] + 1) * 8;
            if (data.Length - at < len) return 1;
            next = data[at];
            at += len;
        }
        return 0;
    }

    private FrameKind Complete(in CaptureRecord r, IIkeDatagramSink sink, Pending p, int ipOff)
    {
        if (p.Ignored)
        {
            Release(p);
            return p.IgnoredKind;
        }
        try
        {
            ReadOnlySpan<byte> payload = p.Data.AsSpan(0, p.Total);
            byte protocol = p.Protocol;
            int at = 0;
            if (p.IPv6 && SkipIPv6Extensions(payload, ref protocol, ref at) != 0)
                return Malformed(r, MalformationLayer.Network, ipOff,
                    "reassembled IPv6 payload ends inside an extension header");
            int ipLength = p.HeaderLength + p.Total;
            return DecodeTransport(r, sink, protocol, payload[at..], payload.Length - at, segOffset: -1,
                reportBase: ipOff, p.Key.Source, p.Key.Destination, ipLength, p.Count, p.FirstFrame);
        }
        finally
        {
            Release(p);
        }
    }

    /// <summary>Makes room for <paramref name="end"/> bytes, within the byte budget (evicting other datagrams).</summary>
    private bool EnsureCapacity(Pending p, int end, IIkeDatagramSink? sink)
    {
        byte[]? old = p.Data;
        if (old != null && old.Length >= end) return true;
        int oldLength = old?.Length ?? 0;
        // Pooled arrays come in powers of two; count what will really be held.
        int want = (int)System.Numerics.BitOperations.RoundUpToPowerOf2(
            (uint)Math.Min(65536, Math.Max(end, Math.Max(2048, oldLength * 2))));
        // Evict the least recently updated others until it fits (p itself was just moved to the end).
        while (_heldBytes + want - oldLength > _options.MaxReassemblyBytes && _lru.First is { } node && node.Value != p)
            Drop(node.Value, $"evicted: incomplete datagrams hold more than {_options.MaxReassemblyBytes} bytes", sink);
        if (_heldBytes + want - oldLength > _options.MaxReassemblyBytes) return false;
        byte[] nb = ArrayPool<byte>.Shared.Rent(want);
        if (old != null)
        {
            Buffer.BlockCopy(old, 0, nb, 0, oldLength);
            ArrayPool<byte>.Shared.Return(old);
        }
        _heldBytes += nb.Length - oldLength;
        p.Data = nb;
        return true;
    }

    /// <summary>Adds [start, end) to the ranges held, copying the bytes not held yet. True when it added bytes;
    /// <paramref name="conflictAt"/> is the first data offset where it overlaps held bytes that differ, or -1.</summary>
    private static bool Merge(Pending p, int start, int end, ReadOnlySpan<byte> data, out int conflictAt)
    {
        conflictAt = -1;
        bool added = false;
        int cur = start;
        for (int i = 0; i < p.RangeCount && cur < end; i++)
        {
            int rs = p.Ranges[2 * i], re = p.Ranges[2 * i + 1];
            if (re <= cur) continue;
            if (rs >= end) break;
            if (rs > cur)
            {
                if (p.Data != null) data.Slice(cur - start, rs - cur).CopyTo(p.Data.AsSpan(cur));
                added = true;
            }
            int os = Math.Max(rs, cur), oe = Math.Min(re, end);
            if (p.Data != null && conflictAt < 0)
            {
                ReadOnlySpan<byte> mine = data.Slice(os - start, oe - os), held = p.Data.AsSpan(os, oe - os);
                int diff = mine.CommonPrefixLength(held);
                if (diff < mine.Length) conflictAt = os + diff;
            }
            cur = oe;
        }
        if (cur < end)
        {
            if (p.Data != null) data.Slice(cur - start, end - cur).CopyTo(p.Data.AsSpan(cur));
            added = true;
        }
        if (!added) return false;

        // Insert and coalesce (ranges that touch are merged).
        int[] rg = p.Ranges;
        int n = p.RangeCount, w = 0;
        var result = n + 1 <= rg.Length / 2 ? rg : new int[rg.Length * 2];
        int ns = start, ne = end;
        bool placed = false;
        Span<int> tmp = n * 2 <= 64 ? stackalloc int[n * 2] : new int[n * 2];
        rg.AsSpan(0, n * 2).CopyTo(tmp);
        for (int i = 0; i < n; i++)
        {
            int rs = tmp[2 * i], re = tmp[2 * i + 1];
            if (re < ns) { result[w++] = rs; result[w++] = re; continue; }
            if (rs > ne)
            {
                if (!placed) { result[w++] = ns; result[w++] = ne; placed = true; }
                result[w++] = rs; result[w++] = re;
                continue;
            }
            ns = Math.Min(ns, rs);
            ne = Math.Max(ne, re);
        }
        if (!placed) { result[w++] = ns; result[w++] = ne; }
        p.Ranges = result;
        p.RangeCount = w / 2;
        return true;
    }

    private void Ignore(Pending p, FrameKind kind)
    {
        p.IgnoredKind = kind;
        p.Ignored = true;
        if (p.Data != null)
        {
            _heldBytes -= p.Data.Length;
            ArrayPool<byte>.Shared.Return(p.Data);
            p.Data = null;
        }
    }

    /// <summary>Forgets a datagram and returns its buffer.</summary>
    private void Release(Pending p)
    {
        if (p.Node == null) return;
        if (p.Data != null)
        {
            _heldBytes -= p.Data.Length;
            ArrayPool<byte>.Shared.Return(p.Data);
            p.Data = null;
        }
        _lru.Remove(p.Node);
        p.Node = null;
        _pending.Remove(p.Key);
        _pendingCount--;
    }

    private Pending NewPending(FragmentKey key, bool ipv6, in CaptureRecord r, int ipOff, byte protocol, IIkeDatagramSink sink)
    {
        while (_pendingCount >= _options.MaxPendingDatagrams && _lru.First is { } oldest)
            Drop(oldest.Value, $"evicted: more than {_options.MaxPendingDatagrams} incomplete datagrams", sink);
        var p = new Pending
        {
            Key = key, IPv6 = ipv6, FirstFrame = r.FrameNumber, FirstIpOffset = ipOff, Protocol = protocol,
            FirstSeenNs = r.TimestampNanoseconds,
        };
        p.Node = _lru.AddLast(p);
        _pending.Add(key, p);
        _pendingCount++;
        return p;
    }

    /// <summary>Drops an incomplete datagram, reporting it unless it was known not to be IKE; one whose first fragment
    /// was captured is handed to <paramref name="sink"/> as a message with what is missing.</summary>
    private void Drop(Pending p, string why, IIkeDatagramSink? sink)
    {
        if (!p.Ignored)
        {
            string missing = MissingText(p);
            Report(p.FirstFrame, p.FirstIpOffset, MalformationLayer.Network,
                $"incomplete {(p.IPv6 ? "IPv6" : "IPv4")} datagram (id 0x{p.Key.Id:X}, {p.Key.Source} to {p.Key.Destination}): " +
                $"{missing}; dropped: {why}");
            if (sink is not null) EmitPartial(p, sink, $"{missing}; {why}");
            // only later fragments of a UDP datagram (IPv4 names the protocol in every fragment; IPv6 in the fragment
            // header): the message they belong to is unknown, the SA they may belong to is found by addresses
            if (sink is not null && !p.HaveFirst && p.Protocol == 17)
                sink.OnHeaderlessDatagram(new HeaderlessDatagram(p.FirstFrame, p.FirstSeenNs, p.Key.Source, p.Key.Destination,
                    p.Key.Id, p.Protocol, p.Count, p.Received, $"{missing}; {why}"));
        }
        Release(p);
    }

    /// <summary>"data at offset 1480–2959 never seen; 2040 of 3480 data bytes captured in 2 fragments" (data bytes of
    /// the datagram, after its IP header).</summary>
    private static string MissingText(Pending p)
    {
        var gaps = new List<string>();
        int cur = 0;
        for (int i = 0; i < p.RangeCount; i++)
        {
            if (p.Ranges[2 * i] > cur) gaps.Add(cur == 0 ? "the first fragment (offset 0)" : $"the fragment at offset {cur} (data {cur}–{p.Ranges[2 * i] - 1})");
            cur = p.Ranges[2 * i + 1];
        }
        if (p.Total < 0) gaps.Add($"the last fragment (data from offset {cur})");
        else if (cur < p.Total) gaps.Add($"the fragment at offset {cur} (data {cur}–{p.Total - 1})");
        string total = p.Total >= 0 ? p.Total.ToString() : "an unknown number of";
        return $"{string.Join(" and ", gaps)} never seen; {p.Received} of {total} data bytes captured in {p.Count} fragment{(p.Count == 1 ? "" : "s")}";
    }

    /// <summary>Hands the captured start of an incomplete datagram to the sink when it is UDP on an IKE or NAT-T port
    /// carrying at least an ISAKMP header: the message is known by its header although its end is missing.</summary>
    private void EmitPartial(Pending p, IIkeDatagramSink sink, string detail)
    {
        if (!p.HaveFirst || p.Ignored || p.Data is null || p.RangeCount == 0 || p.Ranges[0] != 0)
            return;
        ReadOnlySpan<byte> data = p.Data.AsSpan(0, p.Ranges[1]);
        byte protocol = p.Protocol;
        int at = 0;
        if (p.IPv6 && SkipIPv6Extensions(data, ref protocol, ref at) != 0) return;
        if (protocol != 17 || data.Length - at < 8) return;
        ReadOnlySpan<byte> udp = data[at..];
        ushort sp = U16(udp, 0), dp = U16(udp, 2);
        int flags = (_portFlags[sp] | _portFlags[dp]) & (PortIke | PortNatT);
        int udpLength = U16(udp, 4);
        if (flags == 0 || udpLength < 8) return;
        ReadOnlySpan<byte> payload = udp.Slice(8, Math.Min(udp.Length, udpLength) - 8);
        int declared = udpLength - 8;
        IkeTransport transport = IkeTransport.Udp;
        if ((flags & PortNatT) != 0 && payload.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(payload) == 0)
        {
            // RFC 3948 §2.2: the non-ESP marker precedes IKE on the NAT-T port
            payload = payload[4..];
            declared -= 4;
            transport = IkeTransport.UdpNonEspMarker;
        }
        else if ((flags & PortNatT) != 0 && (flags & PortIke) == 0)
            return;                                              // ESP in UDP: not IKE
        if (payload.Length < IsakmpHeaderLength) return;    // not even the ISAKMP header
        int ipLength = p.HeaderLength + at + udpLength;
        var datagram = new IkeDatagram(p.FirstFrame, p.FirstSeenNs, new NetEndpoint(p.Key.Source, sp),
            new NetEndpoint(p.Key.Destination, dp), transport, payload, messageOffsetInFrame: -1, p.Count, p.FirstFrame,
            ipLength, declared, p.SnapCut ? MessageGap.SnapLength : MessageGap.IpFragmentsMissing, detail);
        sink.OnIkeDatagram(in datagram);
    }
}
