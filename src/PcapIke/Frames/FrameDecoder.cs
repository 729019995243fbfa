using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using PcapIke.Capture;
using PcapIke.Diagnostics;

namespace PcapIke.Frames;

/// <summary>Which ports carry IKE, and the bounds of IP reassembly.</summary>
public sealed class FrameDecoderOptions
{
    /// <summary>UDP ports carrying plain IKE (RFC 7296 section 2: 500).</summary>
    public IReadOnlyCollection<ushort> IkePorts { get; init; } = new ushort[] { 500 };
    /// <summary>UDP ports carrying NAT-T (non-ESP marker, RFC 3948: 4500).</summary>
    public IReadOnlyCollection<ushort> NatTraversalPorts { get; init; } = new ushort[] { 4500 };
    /// <summary>TCP ports carrying RFC 8229 encapsulation (default 4500).</summary>
    public IReadOnlyCollection<ushort> TcpPorts { get; init; } = new ushort[] { 4500 };
    /// <summary>Bytes held across all incomplete IP datagrams at most; the oldest are evicted past it.</summary>
    public int MaxReassemblyBytes { get; init; } = 16 << 20;
    /// <summary>Incomplete IP datagrams held at most.</summary>
    public int MaxPendingDatagrams { get; init; } = 4096;
    /// <summary>An incomplete datagram is dropped (and reported) when no fragment arrived for this long, in capture time.</summary>
    public TimeSpan ReassemblyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>TCP directions on <see cref="TcpPorts"/> tracked at most (RFC 8229 stream reassembly); the least
    /// recently used is forgotten past it. Each holds at most one partial message (up to 64 KiB) and 64 KiB of
    /// out-of-order segments.</summary>
    public int MaxTcpFlows { get; init; } = 256;
}

/// <summary>
/// Decodes link, network and transport layers of a frame and hands each IKE message to a sink. Allocates nothing
/// for frames that are not IKE, nor for unfragmented IKE frames (the message handed out is a slice of the record).
/// </summary>
/// <remarks>
/// <para>Link types: Ethernet II (and 802.3 with LLC/SNAP), 802.1Q / 802.1ad / QinQ tags (0x8100, 0x88A8, 0x9100,
/// 0x9200, stacked up to 8 deep), Linux SLL and SLL2, raw IP (LINKTYPE_RAW, IPV4, IPV6), BSD NULL (address family
/// in either byte order) and OpenBSD LOOP. Then IPv4 (options skipped by IHL) or IPv6 (hop-by-hop, routing and
/// destination options headers skipped, fragment header reassembled), then UDP.</para>
/// <para>Classification of UDP: a port in <see cref="FrameDecoderOptions.NatTraversalPorts"/> means RFC 3948
/// framing (0xFF alone = keepalive, four zero bytes = non-ESP marker then IKE, anything else = ESP); a port in
/// <see cref="FrameDecoderOptions.IkePorts"/> means plain IKE. When one port is of each kind (500 to 4500) the
/// payload decides: a leading zero marker or a keepalive is read as NAT-T, anything else as plain IKE.</para>
/// <para>Not reported as malformed, because offloading and snaplen make them normal in captures: IPv4 header and
/// UDP checksums (not verified), Ethernet padding after the IP datagram, and payload cut by the snaplen in
/// traffic that is not IKE. Truncation is reported once the bytes are needed (an IP or UDP header, or an IKE
/// payload). AH (protocol 51) is reported as <see cref="FrameKind.Ah"/> and not looked through for IKE, in IPv4 as in
/// IPv6: IKE is never sent under AH (RFC 7296 section 2.23 exempts IKE from IPsec processing).</para>
/// <para>ESP (protocol 50, and ESP in UDP on a NAT-T port), AH and NAT-keepalives also go to
/// <see cref="IIkeDatagramSink.OnIpsecPacket"/> with their clear SPI and sequence number (the data plane,
/// src/PcapIke/DataPlane/); AH followed by ESP gives both. Not seen there: ESP in RFC 8229 TCP, and ESP as
/// protocol 50 in IP fragments (the first fragment is classified, not reassembled).</para>
/// <para>TCP on <see cref="FrameDecoderOptions.TcpPorts"/> is reassembled per direction and deframed as RFC 8229
/// (see FrameDecoder.Tcp.cs); TCP on other ports is <see cref="FrameKind.OtherTransport"/>.</para>
/// </remarks>
public sealed partial class FrameDecoder
{
    private const byte PortIke = 1, PortNatT = 2, PortTcp = 4;
    private const int MaxVlanTags = 8;
    private const int MaxIPv6ExtensionHeaders = 16;
    /// <summary>The fixed ISAKMP header (RFC 2408 §3.1, RFC 7296 §3.1): what a partial message must hold at least.</summary>
    private const int IsakmpHeaderLength = 28;

    private readonly string _file;
    private readonly IMalformationSink _malformations;
    private readonly FrameDecoderOptions _options;
    private readonly byte[] _portFlags = new byte[65536];
    /// <summary>The timestamp of the latest frame decoded.</summary>
    private long _clockNs;

    public FrameDecoder(string fileName, IMalformationSink malformations, FrameDecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(malformations);
        _file = fileName;
        _malformations = malformations;
        _options = options ?? new FrameDecoderOptions();
        foreach (ushort p in _options.IkePorts) _portFlags[p] |= PortIke;
        foreach (ushort p in _options.NatTraversalPorts) _portFlags[p] |= PortNatT;
        foreach (ushort p in _options.TcpPorts) _portFlags[p] |= PortTcp;
        if (_options.MaxReassemblyBytes < 0 || _options.MaxPendingDatagrams < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "reassembly bounds must not be negative");
        _timeoutNs = (long)(_options.ReassemblyTimeout.Ticks * 100L);
    }

    /// <summary>The options in use.</summary>
    public FrameDecoderOptions Options => _options;

    /// <summary>Decodes one frame; calls <paramref name="sink"/> for each IKE message in it.</summary>
    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FrameKind Decode(in CaptureRecord record, IIkeDatagramSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _clockNs = record.TimestampNanoseconds;
        if (_pendingCount > 0) ExpireStale(record.TimestampNanoseconds, sink);
        ReadOnlySpan<byte> f = record.Data;
        switch (record.LinkType)
        {
            case LinkType.Ethernet:
            {
                if (f.Length < 14) return Truncated(record, MalformationLayer.Link, 0, 14, "Ethernet header");
                ushort type = U16(f, 12);
                int off = 14;
                if (type < 0x0600)
                {
                    // IEEE 802.3 length field: only LLC/SNAP (DSAP AA, SSAP AA, control 03, OUI, EtherType) can
                    // carry IP here.
                    if (f.Length < 22 || f[14] != 0xAA || f[15] != 0xAA || f[16] != 0x03) return FrameKind.NotIp;
                    type = U16(f, 20);
                    off = 22;
                }
                return DecodeEtherType(record, sink, type, off);
            }
            case LinkType.LinuxSll:
                // Linux "cooked" v1: packet type, ARPHRD type, address length, 8 address bytes, protocol @14.
                if (f.Length < 16) return Truncated(record, MalformationLayer.Link, 0, 16, "Linux SLL header");
                return DecodeEtherType(record, sink, U16(f, 14), 16);
            case LinkType.LinuxSll2:
                // Linux "cooked" v2: protocol @0, reserved, interface index, ARPHRD type, packet type, address
                // length, 8 address bytes: 20 bytes.
                if (f.Length < 20) return Truncated(record, MalformationLayer.Link, 0, 20, "Linux SLL2 header");
                return DecodeEtherType(record, sink, U16(f, 0), 20);
            case LinkType.Raw:
                if (f.Length < 1) return Truncated(record, MalformationLayer.Network, 0, 1, "raw IP packet");
                return (f[0] >> 4) switch
                {
                    4 => DecodeIPv4(record, sink, 0),
                    6 => DecodeIPv6(record, sink, 0),
                    _ => Malformed(record, MalformationLayer.Network, 0, $"raw IP packet with IP version {f[0] >> 4}"),
                };
            case LinkType.Ipv4:
                return DecodeIPv4(record, sink, 0);
            case LinkType.Ipv6:
                return DecodeIPv6(record, sink, 0);
            case LinkType.Null:
            case LinkType.Loop:
            {
                if (f.Length < 4) return Truncated(record, MalformationLayer.Link, 0, 4, "loopback header");
                // NULL: the writer's host byte order, so either; a value above 0xFFFF must be the other order.
                // LOOP: network byte order.
                uint family;
                if (record.LinkType == LinkType.Loop) family = BinaryPrimitives.ReadUInt32BigEndian(f);
                else
                {
                    family = BinaryPrimitives.ReadUInt32LittleEndian(f);
                    if (family > 0xFFFF) family = BinaryPrimitives.ReverseEndianness(family);
                }
                // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
                return family switch
                {
                    2 => DecodeIPv4(record, sink, 4),
                    24 or 28 or 30 => DecodeIPv6(record, sink, 4),
                    _ => FrameKind.NotIp,
                };
            }
            default:
                return FrameKind.UnsupportedLinkType;
        }
    }

    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FrameKind DecodeEtherType(in CaptureRecord r, IIkeDatagramSink sink, ushort type, int off)
    {
        ReadOnlySpan<byte> f = r.Data;
        // IEEE 802.1Q tag: TCI (2 bytes) then the next EtherType. 0x88A8 is the 802.1ad service tag; 0x9100 and
        // 0x9200 are pre-standard QinQ tags still seen in captures.
        for (int tags = 0; type is 0x8100 or 0x88A8 or 0x9100 or 0x9200; tags++)
        {
            if (tags == MaxVlanTags)
                return Malformed(r, MalformationLayer.Link, off - 2, $"more than {MaxVlanTags} stacked VLAN tags");
            if (f.Length < off + 4) return Truncated(r, MalformationLayer.Link, off, 4, "VLAN tag");
            type = U16(f, off + 2);
            off += 4;
        }
        return type switch
        {
            0x0800 => DecodeIPv4(r, sink, off),
            0x86DD => DecodeIPv6(r, sink, off),
            _ => FrameKind.NotIp,
        };
    }

    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FrameKind DecodeIPv4(in CaptureRecord r, IIkeDatagramSink sink, int off)
    {
        ReadOnlySpan<byte> f = r.Data;
        int avail = f.Length - off;
        if (avail < 20) return Truncated(r, MalformationLayer.Network, off, 20, "IPv4 header");
        byte vihl = f[off];
        // RFC 791 section 3.1: version 4; IHL in 32-bit words, at least 5; total length covers header and data.
        if (vihl >> 4 != 4) return Malformed(r, MalformationLayer.Network, off, $"IP version {vihl >> 4} where IPv4 was expected");
        int ihl = (vihl & 0x0F) * 4;
        if (ihl < 20) return Malformed(r, MalformationLayer.Network, off, $"IPv4 header length {ihl} is below 20");
        if (avail < ihl) return Truncated(r, MalformationLayer.Network, off, ihl, "IPv4 header with options");
        int totalLength = U16(f, off + 2);
        if (totalLength < ihl)
            return Malformed(r, MalformationLayer.Network, off + 2, $"IPv4 total length {totalLength} is below the header length {ihl}");
        ushort flagsAndOffset = U16(f, off + 6);
        byte protocol = f[off + 9];
        int payloadAvail = Math.Min(totalLength, avail) - ihl;
        if ((flagsAndOffset & 0x3FFF) != 0)
        {
            // MF set or a non-zero fragment offset (in 8-byte units): a fragment (RFC 791 section 3.2).
            return AddIPv4Fragment(r, sink, off, ihl, totalLength, protocol, flagsAndOffset);
        }
        var src = NetAddress.FromIPv4(f.Slice(off + 12, 4));
        var dst = NetAddress.FromIPv4(f.Slice(off + 16, 4));
        return DecodeTransport(r, sink, protocol, f.Slice(off + ihl, payloadAvail), totalLength - ihl, off + ihl,
            reportBase: -1, src, dst, totalLength, fragments: 1, firstFrame: r.FrameNumber);
    }

    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FrameKind DecodeIPv6(in CaptureRecord r, IIkeDatagramSink sink, int off)
    {
        ReadOnlySpan<byte> f = r.Data;
        if (f.Length - off < 40) return Truncated(r, MalformationLayer.Network, off, 40, "IPv6 header");
        if (f[off] >> 4 != 6) return Malformed(r, MalformationLayer.Network, off, $"IP version {f[off] >> 4} where IPv6 was expected");
        int payloadLength = U16(f, off + 4);
        if (payloadLength == 0)
            return Malformed(r, MalformationLayer.Network, off + 4, "IPv6 payload length 0 (jumbogram or offloaded segment) is not supported");
        int end = off + 40 + payloadLength;              // declared end of the packet
        int availEnd = Math.Min(end, f.Length);          // captured end
        byte next = f[off + 6];
        int p = off + 40;
        // RFC 8200 section 4: extension headers in a chain of Next Header values.
        for (int n = 0; n < MaxIPv6ExtensionHeaders; n++)
        {
            switch (next)
            {
                case 0: case 43: case 60:
                {
                    // Hop-by-Hop Options (4.3), Routing (4.4), Destination Options (4.6): Hdr Ext Len in 8-octet
                    // units, not counting the first 8 octets.
                    if (availEnd - p < 2)
                        return p + 2 > end
                            ? Malformed(r, MalformationLayer.Network, p, $"IPv6 extension header {next} runs past the payload length")
                            : Truncated(r, MalformationLayer.Network, p, 2, "IPv6 extension header");
                    int len = (f[p + 1] + 1) * 8;
                    if (p + len > end)
                        return Malformed(r, MalformationLayer.Network, p, $"IPv6 extension header {next} of {len} bytes runs past the payload length");
                    if (p + len > availEnd) return Truncated(r, MalformationLayer.Network, p, len, "IPv6 extension header");
                    next = f[p];
                    p += len;
                    continue;
                }
                case 44:
                {
                    // Fragment header (4.5): Next Header, reserved, Fragment Offset (13 bits) | Res | M, Identification.
                    if (end - p < 8) return Malformed(r, MalformationLayer.Network, p, "IPv6 fragment header runs past the payload length");
                    if (availEnd - p < 8) return Truncated(r, MalformationLayer.Network, p, 8, "IPv6 fragment header");
                    ushort fo = U16(f, p + 2);
                    if ((fo & 0xFFF9) == 0)
                    {
                        // An atomic fragment (offset 0, M clear; RFC 6946): process it as a whole packet.
                        next = f[p];
                        p += 8;
                        continue;
                    }
                    return AddIPv6Fragment(r, sink, off, p, end, fo);
                }
                case 50: case 51:
                {
                    var src = new NetEndpoint(NetAddress.FromIPv6(f.Slice(off + 8, 16)), 0);
                    var dst = new NetEndpoint(NetAddress.FromIPv6(f.Slice(off + 24, 16)), 0);
                    ReadOnlySpan<byte> body = f.Slice(p, Math.Max(0, availEnd - p));
                    return next == 50
                        ? ObserveEsp(r, sink, body, IpsecProtocol.Esp, src, dst, 40 + payloadLength)
                        : ObserveAh(r, sink, body, src, dst, 40 + payloadLength);
                }
                case 6: case 17:
                {
                    var src = NetAddress.FromIPv6(f.Slice(off + 8, 16));
                    var dst = NetAddress.FromIPv6(f.Slice(off + 24, 16));
                    return DecodeTransport(r, sink, next, f.Slice(p, Math.Max(0, availEnd - p)), end - p, p,
                        reportBase: -1, src, dst, 40 + payloadLength, fragments: 1, firstFrame: r.FrameNumber);
                }
                default:
                    return FrameKind.OtherIp;      // ICMPv6, No Next Header (59), mobility, ...
            }
        }
        return Malformed(r, MalformationLayer.Network, p, $"more than {MaxIPv6ExtensionHeaders} IPv6 extension headers");
    }

    /// <summary>Decodes the transport layer. <paramref name="seg"/> holds the bytes captured of an IP payload of
    /// <paramref name="declaredLength"/> bytes. <paramref name="segOffset"/> is its offset in the frame, or -1 when
    /// it was reassembled; malformations are then reported at <paramref name="reportBase"/> (the completing
    /// fragment's IP header) with the offset in the reassembled payload in the reason.</summary>
    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FrameKind DecodeTransport(in CaptureRecord r, IIkeDatagramSink sink, byte protocol, ReadOnlySpan<byte> seg,
        int declaredLength, int segOffset, int reportBase, NetAddress src, NetAddress dst, int ipLength,
        int fragments, long firstFrame)
    {
        switch (protocol)
        {
            case 17: break;
            case 6: return DecodeTcp(r, sink, seg, declaredLength, segOffset, reportBase, src, dst, ipLength, fragments, firstFrame);
            case 50: return ObserveEsp(r, sink, seg, IpsecProtocol.Esp, new NetEndpoint(src, 0), new NetEndpoint(dst, 0), ipLength);
            case 51: return ObserveAh(r, sink, seg, new NetEndpoint(src, 0), new NetEndpoint(dst, 0), ipLength);
            default: return FrameKind.OtherIp;
        }
        if (seg.Length < 4)
        {
            if (declaredLength < 8)
                return TransportMalformed(r, segOffset, reportBase, 0, $"IP payload of {declaredLength} bytes is too short for a UDP header");
            return TransportTruncated(r, segOffset, reportBase, 0, 8, seg.Length, "UDP header");
        }
        ushort sp = U16(seg, 0), dp = U16(seg, 2);
        int flags = (_portFlags[sp] | _portFlags[dp]) & (PortIke | PortNatT);
        if (flags == 0) return FrameKind.OtherTransport;

        // RFC 768: Length covers the 8-byte header and the data.
        if (declaredLength < 8)
            return TransportMalformed(r, segOffset, reportBase, 0, $"IP payload of {declaredLength} bytes is too short for a UDP header");
        if (seg.Length < 8) return TransportTruncated(r, segOffset, reportBase, 0, 8, seg.Length, "UDP header");
        int udpLength = U16(seg, 4);
        if (udpLength < 8)
            return TransportMalformed(r, segOffset, reportBase, 4, $"UDP length {udpLength} is below 8");
        if (udpLength > declaredLength)
            return TransportMalformed(r, segOffset, reportBase, 4, $"UDP length {udpLength} exceeds the {declaredLength} bytes of IP payload");
        // A frame cut by the snap length still shows the start of the IKE message: handed on with what is missing.
        bool snapCut = udpLength > seg.Length && segOffset >= 0 && r.OriginalLength > r.Data.Length;
        if (udpLength > seg.Length && !snapCut)
            return TransportTruncated(r, segOffset, reportBase, 0, udpLength, seg.Length, "UDP datagram on an IKE port");
        ReadOnlySpan<byte> payload = seg.Slice(8, Math.Min(udpLength, seg.Length) - 8);
        int declaredPayload = udpLength - 8;
        int payloadOffset = segOffset < 0 ? -1 : segOffset + 8;

        IkeTransport transport = IkeTransport.Udp;
        if ((flags & PortNatT) != 0)
        {
            // RFC 3948 section 2.2 / 2.3: on the NAT-T port a single 0xFF is a keepalive, a zero 32-bit
            // non-ESP marker precedes an IKE message, and anything else starts with an ESP SPI (never zero).
            if (payload.Length == 1 && payload[0] == 0xFF)
            {
                sink.OnIpsecPacket(new IpsecPacket(r.FrameNumber, r.TimestampNanoseconds, new NetEndpoint(src, sp),
                    new NetEndpoint(dst, dp), IpsecProtocol.NatKeepalive, 0, 0, ipLength));
                return FrameKind.NatKeepalive;
            }
            if (payload.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(payload) == 0)
            {
                if (payload.Length == 4)
                    return TransportMalformed(r, segOffset, reportBase, 8, "non-ESP marker with no IKE message after it");
                payload = payload[4..];
                declaredPayload -= 4;
                if (payloadOffset >= 0) payloadOffset += 4;
                transport = IkeTransport.UdpNonEspMarker;
            }
            else if ((flags & PortIke) == 0)
            {
                if (payload.Length >= 4)
                    return ObserveEsp(r, sink, payload, IpsecProtocol.EspInUdp, new NetEndpoint(src, sp), new NetEndpoint(dst, dp), ipLength);
                return TransportMalformed(r, segOffset, reportBase, 8,
                    $"{payload.Length}-byte UDP payload on a NAT-T port is neither a keepalive, ESP nor IKE");
            }
        }
        if (payload.Length == 0)
            return TransportMalformed(r, segOffset, reportBase, 8, "empty UDP payload on an IKE port");
        if (snapCut) return SnapCutIke(r, sink, src, sp, dst, dp, transport, payload, payloadOffset, ipLength, declaredPayload);

        var datagram = new IkeDatagram(r.FrameNumber, r.TimestampNanoseconds, new NetEndpoint(src, sp),
            new NetEndpoint(dst, dp), transport, payload, payloadOffset, fragments, firstFrame, ipLength);
        sink.OnIkeDatagram(in datagram);
        return FrameKind.Ike;
    }

    /// <summary>An IKE message whose frame the snap length cut: reported once, and handed on when its ISAKMP header
    /// (28 bytes, RFC 2408 §3.1 / RFC 7296 §3.1) was captured.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private FrameKind SnapCutIke(in CaptureRecord r, IIkeDatagramSink sink, NetAddress src, ushort sp, NetAddress dst,
        ushort dp, IkeTransport transport, ReadOnlySpan<byte> payload, int payloadOffset, int ipLength, int declared)
    {
        string detail = $"frame cut by the snap length: {payload.Length} of the IKE message's {declared} bytes captured ({r.Data.Length} of {r.OriginalLength} frame bytes)";
        Report(r.FrameNumber, payloadOffset, MalformationLayer.Transport, $"IKE message {detail}; dissected as far as it goes");
        if (payload.Length < IsakmpHeaderLength) return FrameKind.Malformed;
        var datagram = new IkeDatagram(r.FrameNumber, r.TimestampNanoseconds, new NetEndpoint(src, sp),
            new NetEndpoint(dst, dp), transport, payload, payloadOffset, 1, r.FrameNumber, ipLength, declared,
            MessageGap.SnapLength, detail);
        sink.OnIkeDatagram(in datagram);
        return FrameKind.Ike;
    }

    /// <summary>ESP: the SPI and sequence number, in clear before the encrypted payload (RFC 4303 §2.1, §2.2), to
    /// the sink; fewer than 8 bytes captured (snaplen) and the packet is only classified.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FrameKind ObserveEsp(in CaptureRecord r, IIkeDatagramSink sink, ReadOnlySpan<byte> esp,
        IpsecProtocol protocol, NetEndpoint src, NetEndpoint dst, int ipLength)
    {
        if (esp.Length >= 8)
            sink.OnIpsecPacket(new IpsecPacket(r.FrameNumber, r.TimestampNanoseconds, src, dst, protocol,
                BinaryPrimitives.ReadUInt32BigEndian(esp), BinaryPrimitives.ReadUInt32BigEndian(esp.Slice(4, 4)), ipLength));
        return FrameKind.Esp;
    }

    /// <summary>AH (RFC 4302 §2): Next Header, Payload Len (the header in 32-bit words, minus 2), Reserved (2), SPI,
    /// Sequence Number; AH then ESP (next header 50, transport or tunnel mode with both) reports the ESP too. The
    /// frame stays <see cref="FrameKind.Ah"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FrameKind ObserveAh(in CaptureRecord r, IIkeDatagramSink sink, ReadOnlySpan<byte> ah,
        NetEndpoint src, NetEndpoint dst, int ipLength)
    {
        if (ah.Length < 12) return FrameKind.Ah;
        sink.OnIpsecPacket(new IpsecPacket(r.FrameNumber, r.TimestampNanoseconds, src, dst, IpsecProtocol.Ah,
            BinaryPrimitives.ReadUInt32BigEndian(ah.Slice(4, 4)), BinaryPrimitives.ReadUInt32BigEndian(ah.Slice(8, 4)), ipLength));
        int length = (ah[1] + 2) * 4;
        if (ah[0] == 50 && ah.Length - length >= 8) ObserveEsp(r, sink, ah[length..], IpsecProtocol.Esp, src, dst, ipLength);
        return FrameKind.Ah;
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort U16(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt16BigEndian(s.Slice(at, 2));

    private void Report(long frame, long offset, MalformationLayer layer, string reason) =>
        _malformations.Report(new Malformation(_file, frame, offset, layer, reason));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private FrameKind Malformed(in CaptureRecord r, MalformationLayer layer, int offset, string reason)
    {
        Report(r.FrameNumber, offset, layer, reason);
        return FrameKind.Malformed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private FrameKind Truncated(in CaptureRecord r, MalformationLayer layer, int offset, int needed, string what)
    {
        int have = Math.Max(0, r.Data.Length - offset);
        string cause = r.OriginalLength > r.Data.Length
            ? $"frame cut by the snaplen ({r.Data.Length} of {r.OriginalLength} bytes captured)"
            : "frame ends";
        return Malformed(r, layer, offset, $"truncated {what}: need {needed} bytes, {cause} with {have} left");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private FrameKind TransportMalformed(in CaptureRecord r, int segOffset, int reportBase, int local, string reason)
    {
        if (segOffset >= 0) return Malformed(r, MalformationLayer.Transport, segOffset + local, reason);
        return Malformed(r, MalformationLayer.Transport, reportBase,
            $"{reason} (at offset {local} of the reassembled IP payload)");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private FrameKind TransportTruncated(in CaptureRecord r, int segOffset, int reportBase, int local, int needed,
        int have, string what)
    {
        if (segOffset >= 0) return Truncated(r, MalformationLayer.Transport, segOffset + local, needed, what);
        return Malformed(r, MalformationLayer.Transport, reportBase,
            $"truncated {what} in the reassembled IP payload: need {needed} bytes, have {have}");
    }
}
