using PcapIke.Capture;

namespace PcapIke.Frames;

/// <summary>
/// One IKE message found in a frame (after reassembly, marker removal and TCP deframing). <see cref="Message"/>
/// starts at the ISAKMP header and is valid only during the sink callback.
/// </summary>
public readonly ref struct IkeDatagram
{
    public IkeDatagram(long frameNumber, long timestampNanoseconds, NetEndpoint source, NetEndpoint destination,
        IkeTransport transport, ReadOnlySpan<byte> message, int messageOffsetInFrame, int ipFragmentCount,
        long firstFragmentFrame, int ipLength, int declaredLength = -1, MessageGap gap = MessageGap.None,
        string? gapDetail = null)
    {
        FrameNumber = frameNumber;
        TimestampNanoseconds = timestampNanoseconds;
        Source = source;
        Destination = destination;
        Transport = transport;
        Message = message;
        MessageOffsetInFrame = messageOffsetInFrame;
        IpFragmentCount = ipFragmentCount;
        FirstFragmentFrame = firstFragmentFrame;
        IpLength = ipLength;
        DeclaredLength = declaredLength < 0 ? message.Length : declaredLength;
        Gap = gap;
        GapDetail = gapDetail;
    }

    /// <summary>The frame that carried (or, for a reassembled datagram, completed) the message.</summary>
    public long FrameNumber { get; }
    public long TimestampNanoseconds { get; }
    public NetEndpoint Source { get; }
    public NetEndpoint Destination { get; }
    public IkeTransport Transport { get; }
    public ReadOnlySpan<byte> Message { get; }
    /// <summary>Offset of the ISAKMP header in the frame; -1 when the message was reassembled from IP fragments or
    /// from several TCP segments.</summary>
    public int MessageOffsetInFrame { get; }
    /// <summary>1 for an unfragmented datagram; the number of IP fragments otherwise (fragments that added bytes:
    /// exact duplicates are not counted). For TCP, that of the IP datagram of the completing segment.</summary>
    public int IpFragmentCount { get; }
    /// <summary>Frame number of the first fragment received (equals <see cref="FrameNumber"/> when unfragmented).</summary>
    public long FirstFragmentFrame { get; }
    /// <summary>Total length of the (reassembled) IP datagram: the size the technote and IOS debugs quote. IPv4:
    /// the total length (of the original datagram when reassembled: first fragment's header + all data). IPv6:
    /// 40 + the payload length (when reassembled: 40 + unfragmentable extension headers + reassembled fragmentable
    /// part, without the Fragment header, RFC 8200 section 4.5). For TCP: the datagram of the completing segment.</summary>
    public int IpLength { get; }
    /// <summary>Bytes the IKE message has on the wire (from the UDP length, or the reassembled datagram's extent):
    /// equals <c>Message.Length</c> unless <see cref="Gap"/> says part of it is missing from the capture.</summary>
    public int DeclaredLength { get; }
    /// <summary>Why <see cref="Message"/> holds only the first part of the message (IP fragments never captured, or
    /// the capture's snap length), or <see cref="MessageGap.None"/>.</summary>
    public MessageGap Gap { get; }
    /// <summary>What is missing, for a person ("fragment at offset 1480 never seen; 1480 of 1452 ... bytes captured").</summary>
    public string? GapDetail { get; }
}

/// <summary>Why an IKE message was handed on although the capture does not hold all of it. Its first bytes (UDP and
/// the 28-byte ISAKMP header, RFC 7296 §3.1 / RFC 2408 §3.1) were captured, so its SPIs, exchange, flags and message ID
/// are known.</summary>
public enum MessageGap : byte
{
    None,
    /// <summary>IP fragments of the datagram (after the first) never appeared in the capture (RFC 791 §3.2, RFC 8200 §4.5).</summary>
    IpFragmentsMissing,
    /// <summary>The frame was cut by the capture's snap length.</summary>
    SnapLength,
}

/// <summary>Receives each IKE message the frame decoder finds, and (when it wants them) the ESP, AH and NAT-keepalive
/// packets.</summary>
public interface IIkeDatagramSink
{
    void OnIkeDatagram(in IkeDatagram datagram);

    /// <summary>An incomplete UDP datagram on which the capture holds only fragments after the first: the first, which
    /// carries the UDP and IKE headers, was never seen, so what it carried is unknown. Called when it is dropped.</summary>
    void OnHeaderlessDatagram(HeaderlessDatagram datagram) { }

    /// <summary>An ESP, AH or NAT-keepalive packet (<see cref="IpsecPacket"/>); ignored unless overridden. An AH
    /// packet carrying ESP (next header 50) gives two calls, AH then ESP.</summary>
    void OnIpsecPacket(in IpsecPacket packet) { }
}

/// <summary>The later fragments of an IP datagram whose first fragment never appeared in the capture (RFC 791 §3.2:
/// only the first fragment carries the transport header): addresses, IP ID, protocol and extent are known, its ports
/// and content are not.</summary>
public sealed record HeaderlessDatagram(long FirstFrame, long TimestampNanoseconds, NetAddress Source, NetAddress Destination,
    uint IpId, byte Protocol, int Fragments, int Bytes, string Detail);
