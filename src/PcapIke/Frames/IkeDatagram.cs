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
        long firstFragmentFrame, int ipLength)
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
}

/// <summary>Receives each IKE message the frame decoder finds, and (when it wants them) the ESP, AH and NAT-keepalive
/// packets.</summary>
public interface IIkeDatagramSink
{
    void OnIkeDatagram(in IkeDatagram datagram);

    /// <summary>An ESP, AH or NAT-keepalive packet (<see cref="IpsecPacket"/>); ignored unless overridden. An AH
    /// packet carrying ESP (next header 50) gives two calls, AH then ESP.</summary>
    void OnIpsecPacket(in IpsecPacket packet) { }
}
