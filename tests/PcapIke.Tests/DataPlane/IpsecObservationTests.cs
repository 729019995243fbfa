using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.DataPlane;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.DataPlane;

/// <summary>The frame decoder hands ESP, ESP-in-UDP, AH and keepalives to the sink with their clear header fields.</summary>
public class IpsecObservationTests
{
    internal sealed class IpsecSink : IIkeDatagramSink
    {
        public readonly List<IpsecPacket> Packets = new();
        public int Ike;
        public void OnIkeDatagram(in IkeDatagram datagram) => Ike++;
        public void OnIpsecPacket(in IpsecPacket packet) => Packets.Add(packet);
    }

    /// <summary>SPI, sequence number and a body (RFC 4303 §2).</summary>
    internal static byte[] Esp(uint spi, uint seq, int body = 40)
    {
        var b = new byte[8 + body];
        BinaryPrimitives.WriteUInt32BigEndian(b, spi);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), seq);
        for (int i = 8; i < b.Length; i++) b[i] = (byte)(i * 13);
        return b;
    }

    private static (FrameKind Kind, IpsecSink Sink) Decode(byte[] ipPacket)
    {
        var sink = new IpsecSink();
        var decoder = new FrameDecoder("t", new MalformationList());
        var kind = Read.Frame(decoder, sink, LinkType.Raw, ipPacket, frameNumber: 7, timestampNs: 5_000);
        return (kind, sink);
    }

    [Fact]
    public void EspProtocol50_GivesSpiSequenceAddressesAndIpLength()
    {
        var (kind, sink) = Decode(Packets.IPv4("10.1.1.1", "10.2.2.2", 50, Esp(0x1c0d7b38, 42)));
        Assert.Equal(FrameKind.Esp, kind);
        var p = Assert.Single(sink.Packets);
        Assert.Equal((IpsecProtocol.Esp, 0x1c0d7b38u, 42u, 68, 7L, 5_000L), (p.Protocol, p.Spi, p.Sequence, p.IpLength, p.FrameNumber, p.TimestampNanoseconds));
        Assert.Equal("10.1.1.1:0", p.Source.ToString());
        Assert.Equal("10.2.2.2:0", p.Destination.ToString());
    }

    [Fact]
    public void EspInUdp4500_AndKeepalive_CarryPorts()
    {
        var (kind, sink) = Decode(Packets.IPv4Udp("10.1.1.1", "10.2.2.2", 4500, 4500, Esp(0xc0ffee01, 3)));
        Assert.Equal(FrameKind.Esp, kind);
        var p = Assert.Single(sink.Packets);
        Assert.Equal((IpsecProtocol.EspInUdp, 0xc0ffee01u, 3u), (p.Protocol, p.Spi, p.Sequence));
        Assert.Equal("10.1.1.1:4500", p.Source.ToString());

        (kind, sink) = Decode(Packets.IPv4Udp("10.1.1.1", "10.2.2.2", 4500, 4500, [0xFF]));
        Assert.Equal(FrameKind.NatKeepalive, kind);
        Assert.Equal((IpsecProtocol.NatKeepalive, 0u, 29), (sink.Packets[0].Protocol, sink.Packets[0].Spi, sink.Packets[0].IpLength));

        // The non-ESP marker: IKE, not data plane.
        (kind, sink) = Decode(Packets.IPv4Udp("10.1.1.1", "10.2.2.2", 4500, 4500, [0, 0, 0, 0, .. Packets.IkeMessage(60)]));
        Assert.Equal(FrameKind.Ike, kind);
        Assert.Empty(sink.Packets);
    }

    [Fact]
    public void AhThenEsp_GivesBoth()
    {
        // RFC 4302 §2: next header 50, payload length 4 (6 words = 24 bytes: 12 fixed + 12-byte ICV).
        var ah = new byte[24];
        ah[0] = 50; ah[1] = 4;
        BinaryPrimitives.WriteUInt32BigEndian(ah.AsSpan(4), 0x8179b705);
        BinaryPrimitives.WriteUInt32BigEndian(ah.AsSpan(8), 9);
        var (kind, sink) = Decode(Packets.IPv4("10.0.0.1", "10.0.0.2", 51, [.. ah, .. Esp(0x48dac2e4, 9)]));
        Assert.Equal(FrameKind.Ah, kind);
        Assert.Equal([(IpsecProtocol.Ah, 0x8179b705u, 9u), (IpsecProtocol.Esp, 0x48dac2e4u, 9u)],
            sink.Packets.Select(p => (p.Protocol, p.Spi, p.Sequence)));
    }

    [Fact]
    public void EspOverIPv6()
    {
        byte[] esp = Esp(0xabcdef01, 77);
        var ip = new byte[40 + esp.Length];
        ip[0] = 0x60; BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), (ushort)esp.Length); ip[6] = 50; ip[7] = 64;
        System.Net.IPAddress.Parse("2001:db8::1").GetAddressBytes().CopyTo(ip, 8);
        System.Net.IPAddress.Parse("2001:db8::2").GetAddressBytes().CopyTo(ip, 24);
        esp.CopyTo(ip, 40);
        var (kind, sink) = Decode(ip);
        Assert.Equal(FrameKind.Esp, kind);
        var p = Assert.Single(sink.Packets);
        Assert.Equal((0xabcdef01u, 77u, 88, "[2001:db8::2]:0"), (p.Spi, p.Sequence, p.IpLength, p.Destination.ToString()));
    }

    [Fact]
    public void TruncatedEsp_IsClassifiedButNotObserved_AndNothingIsReported()
    {
        var m = new MalformationList();
        var sink = new IpsecSink();
        var decoder = new FrameDecoder("t", m);
        var kind = Read.Frame(decoder, sink, LinkType.Raw, Packets.IPv4("10.1.1.1", "10.2.2.2", 50, [1, 2, 3, 4, 5]));
        Assert.Equal(FrameKind.Esp, kind);
        Assert.Empty(sink.Packets);
        Assert.Empty(m.Items);
        // A 12-byte AH with an absurd payload length: the AH is seen, nothing past the packet is read.
        var ah = new byte[12]; ah[0] = 50; ah[1] = 255; ah[7] = 1;
        Assert.Equal(FrameKind.Ah, Read.Frame(decoder, sink, LinkType.Raw, Packets.IPv4("10.1.1.1", "10.2.2.2", 51, ah)));
        Assert.Equal(IpsecProtocol.Ah, Assert.Single(sink.Packets).Protocol);
    }

    [Fact]
    public void ASinkWithoutTheCallback_StillDecodes()
    {
        var sink = new CountingSink();
        var decoder = new FrameDecoder("t", new MalformationList());
        Assert.Equal(FrameKind.Esp, Read.Frame(decoder, sink, LinkType.Raw, Packets.IPv4("10.1.1.1", "10.2.2.2", 50, Esp(5, 1))));
        Assert.Equal(0, sink.Count);
    }
}
