namespace PcapIke.Frames;

/// <summary>What a frame turned out to be. Like Kestrel's parser, the decoder names what it saw rather than
/// just "not IKE", so that statistics and findings can say why a frame was skipped.</summary>
public enum FrameKind : byte
{
    /// <summary>One or more IKE messages were handed to the sink.</summary>
    Ike,
    /// <summary>An IP fragment held for reassembly (the datagram is not complete yet, and its first fragment has
    /// not shown it to be something other than IKE).</summary>
    IpFragmentHeld,
    /// <summary>ESP on UDP 4500 (non-zero SPI, RFC 3948), IP protocol 50, or ESP messages (and no IKE) in an
    /// RFC 8229 TCP segment.</summary>
    Esp,
    /// <summary>AH (IP protocol 51).</summary>
    Ah,
    /// <summary>A NAT-T keepalive: a single 0xFF byte on UDP 4500 (RFC 3948 section 2.3).</summary>
    NatKeepalive,
    /// <summary>UDP or TCP on ports that are not IKE ports.</summary>
    OtherTransport,
    /// <summary>IP with another protocol (ICMP, OSPF ...).</summary>
    OtherIp,
    /// <summary>Not IP at all (ARP, LLDP, ...).</summary>
    NotIp,
    /// <summary>A link type the decoder does not know.</summary>
    UnsupportedLinkType,
    /// <summary>The frame is malformed; a malformation was reported.</summary>
    Malformed,
    /// <summary>A TCP segment on an RFC 8229 port that completed no IKE message: handshake, acknowledgement, part
    /// of a message held until the rest arrives, or data of a stream not (yet) synchronised.</summary>
    IkeTcpSegment,
}

/// <summary>How the IKE message travelled.</summary>
public enum IkeTransport : byte
{
    /// <summary>UDP, normally port 500 (RFC 7296 section 2).</summary>
    Udp,
    /// <summary>UDP with the 4-byte non-ESP marker, normally port 4500 (RFC 3948 section 2.2).</summary>
    UdpNonEspMarker,
    /// <summary>TCP encapsulation with a 2-byte length and the non-ESP marker (RFC 8229 section 3).</summary>
    Tcp,
}
