namespace PcapIke.Frames;

/// <summary>How a data-plane packet travelled.</summary>
public enum IpsecProtocol : byte
{
    /// <summary>ESP as IP protocol 50 (RFC 4303).</summary>
    Esp,
    /// <summary>ESP in UDP on a NAT-T port, non-zero first four bytes (RFC 3948 §2.1).</summary>
    EspInUdp,
    /// <summary>AH, IP protocol 51 (RFC 4302).</summary>
    Ah,
    /// <summary>A NAT-keepalive: one 0xFF byte on a NAT-T port (RFC 3948 §2.3); no SPI, no sequence number.</summary>
    NatKeepalive,
}

/// <summary>
/// One ESP, AH or NAT-keepalive packet seen by the frame decoder: only the clear header fields (RFC 4303 §2: SPI and
/// sequence number; RFC 4302 §2: the same after next header, payload length and reserved). A plain value, valid
/// after the callback; handing it out allocates nothing.
/// </summary>
public readonly struct IpsecPacket
{
    public IpsecPacket(long frameNumber, long timestampNanoseconds, NetEndpoint source, NetEndpoint destination,
        IpsecProtocol protocol, uint spi, uint sequence, int ipLength)
    {
        FrameNumber = frameNumber;
        TimestampNanoseconds = timestampNanoseconds;
        Source = source;
        Destination = destination;
        Protocol = protocol;
        Spi = spi;
        Sequence = sequence;
        IpLength = ipLength;
    }

    public long FrameNumber { get; }
    public long TimestampNanoseconds { get; }
    /// <summary>Addresses; ports only for <see cref="IpsecProtocol.EspInUdp"/> and keepalives (0 otherwise).</summary>
    public NetEndpoint Source { get; }
    public NetEndpoint Destination { get; }
    public IpsecProtocol Protocol { get; }
    /// <summary>Security Parameters Index (RFC 4303 §2.1); 0 for a keepalive.</summary>
    public uint Spi { get; }
    /// <summary>Sequence Number (RFC 4303 §2.2, RFC 4302 §2.5); 0 for a keepalive.</summary>
    public uint Sequence { get; }
    /// <summary>Length of the IP datagram that carried it (IPv4 total length; IPv6 40 + payload length).</summary>
    public int IpLength { get; }
}
