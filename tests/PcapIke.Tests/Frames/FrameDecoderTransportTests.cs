using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Frames;

public class FrameDecoderTransportTests
{
    private static readonly byte[] Ike = Packets.IkeMessage(200);
    private readonly MalformationList _m = new();
    private readonly RecordingSink _sink = new();
    private readonly FrameDecoder _decoder;

    public FrameDecoderTransportTests() => _decoder = new FrameDecoder("t.pcap", _m);

    private FrameKind Eth(byte[] ip, int? originalLength = null, ushort etherType = 0x0800) =>
        Read.Frame(_decoder, _sink, LinkType.Ethernet, Packets.Ethernet(ip, etherType), originalLength: originalLength);

    [Fact]
    public void NatT_NonEspMarkerThenIke_YieldsMessageAfterTheMarker()
    {
        var payload = new byte[4].Concat(Ike).ToArray();
        Assert.Equal(FrameKind.Ike, Eth(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 4500, 4500, payload)));
        var d = Assert.Single(_sink.Items);
        Assert.Equal(IkeTransport.UdpNonEspMarker, d.Transport);
        Assert.Equal(Ike, d.Message);
        Assert.Equal(14 + 20 + 8 + 4, d.MessageOffsetInFrame);
        Assert.Empty(_m.Items);
    }

    [Fact]
    public void NatT_SingleFFByte_IsKeepalive()
    {
        Assert.Equal(FrameKind.NatKeepalive, Eth(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 4500, 4500, [0xFF])));
        Assert.Empty(_sink.Items);
        Assert.Empty(_m.Items);
    }

    [Fact]
    public void NatT_NonZeroFirstFourBytes_IsEsp()
    {
        byte[] esp = [0, 0, 0x10, 0x01, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9];
        Assert.Equal(FrameKind.Esp, Eth(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 4500, 4500, esp)));
        Assert.Empty(_sink.Items);
    }

    [Fact]
    public void NatT_TwoBytePayload_IsMalformedAtPayloadOffset()
    {
        Assert.Equal(FrameKind.Malformed, Eth(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 4500, 4500, [1, 2])));
        Assert.Equal(14 + 20 + 8, Assert.Single(_m.Items).Offset);
    }

    [Fact]
    public void Port500To4500_PlainIkePayload_IsPlainIke()
    {
        Assert.Equal(FrameKind.Ike, Eth(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 4500, Ike)));
        Assert.Equal(IkeTransport.Udp, Assert.Single(_sink.Items).Transport);
    }

    [Fact]
    public void CustomIkePort_IsHonoured()
    {
        var d = new FrameDecoder("t", _m, new FrameDecoderOptions { IkePorts = [7500] });
        Assert.Equal(FrameKind.OtherTransport, Read.Frame(d, _sink, LinkType.Raw, Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Ike)));
        Assert.Equal(FrameKind.Ike, Read.Frame(d, _sink, LinkType.Raw, Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 40000, 7500, Ike)));
    }

    [Fact]
    public void OtherProtocols_AreNamed()
    {
        Assert.Equal(FrameKind.Esp, Eth(Packets.IPv4("192.0.2.1", "192.0.2.2", 50, new byte[24])));
        Assert.Equal(FrameKind.Ah, Eth(Packets.IPv4("192.0.2.1", "192.0.2.2", 51, new byte[24])));
        Assert.Equal(FrameKind.OtherTransport, Eth(Packets.IPv4("192.0.2.1", "192.0.2.2", 6, new byte[20])));
        Assert.Equal(FrameKind.OtherIp, Eth(Packets.IPv4("192.0.2.1", "192.0.2.2", 1, new byte[8])));
        Assert.Equal(FrameKind.OtherTransport, Eth(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 53, 53, [1, 2, 3])));
        Assert.Empty(_m.Items);
        Assert.Empty(_sink.Items);
    }

    [Fact]
    public void IPv4WithOptions_SkipsThemByIhl()
    {
        var ip = Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Ike);
        var withOptions = ip[..20].Concat(new byte[] { 1, 1, 1, 0, 1, 1, 1, 0 }).Concat(ip[20..]).ToArray();
        withOptions[0] = 0x47;
        BinaryPrimitives.WriteUInt16BigEndian(withOptions.AsSpan(2), (ushort)withOptions.Length);
        Packets.SetIPv4Checksum(withOptions);
        Assert.Equal(FrameKind.Ike, Eth(withOptions));
        var d = Assert.Single(_sink.Items);
        Assert.Equal(14 + 28 + 8, d.MessageOffsetInFrame);
        Assert.Equal(withOptions.Length, d.IpLength);
        Assert.Equal(Ike, d.Message);
    }

    [Fact]
    public void IPv6WithHopByHopAndDestinationOptions_FindsUdp()
    {
        var ip = Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 500, 500, Ike);
        byte[] hbh = [60, 0, 1, 4, 0, 0, 0, 0];
        byte[] dst = [17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var p = ip[..40].Concat(hbh).Concat(dst).Concat(ip[40..]).ToArray();
        p[6] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(p.Length - 40));
        Assert.Equal(FrameKind.Ike, Eth(p, etherType: 0x86DD));
        var d = Assert.Single(_sink.Items);
        Assert.Equal(14 + 40 + 24 + 8, d.MessageOffsetInFrame);
        Assert.Equal(p.Length, d.IpLength);
        Assert.Equal(Ike, d.Message);
        Assert.Empty(_m.Items);
    }

    [Fact]
    public void IPv6WithAhOrEspNextHeader_IsNamed()
    {
        var ip = Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 500, 500, Ike);
        var ah = (byte[])ip.Clone(); ah[6] = 51;
        var esp = (byte[])ip.Clone(); esp[6] = 50;
        Assert.Equal(FrameKind.Ah, Eth(ah, etherType: 0x86DD));
        Assert.Equal(FrameKind.Esp, Eth(esp, etherType: 0x86DD));
    }

    [Fact]
    public void IkeFrameCutBySnaplen_IsReportedAtTheIkeMessage_AndHandedOnWithWhatIsMissing()
    {
        var frame = Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Ike));
        var cut = frame[..96];
        Assert.Equal(FrameKind.Ike, Read.Frame(_decoder, _sink, LinkType.Ethernet, cut, frameNumber: 4, originalLength: frame.Length));
        var bad = Assert.Single(_m.Items);
        Assert.Equal((4L, 42L, MalformationLayer.Transport), (bad.Frame, bad.Offset, bad.Layer));
        Assert.Contains($"cut by the snap length: 54 of the IKE message's {Ike.Length} bytes captured (96 of {frame.Length} frame bytes)", bad.Reason);
        var d = Assert.Single(_sink.Items);
        Assert.Equal((MessageGap.SnapLength, 54, Ike.Length), (d.Gap, d.Message.Length, d.DeclaredLength));
        Assert.Equal(Ike[..54], d.Message);
    }

    [Fact]
    public void IkeFrameCutInsideTheIsakmpHeader_IsReportedAndNotHandedOn()
    {
        var frame = Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Ike));
        Assert.Equal(FrameKind.Malformed, Read.Frame(_decoder, _sink, LinkType.Ethernet, frame[..60], frameNumber: 4, originalLength: frame.Length));
        Assert.Contains("snap length", Assert.Single(_m.Items).Reason);
        Assert.Empty(_sink.Items);
    }

    [Fact]
    public void NonIkeFrameCutBySnaplen_IsNotReported()
    {
        var frame = Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 53, 53, new byte[300]));
        Assert.Equal(FrameKind.OtherTransport, Read.Frame(_decoder, _sink, LinkType.Ethernet, frame[..68], originalLength: frame.Length));
        Assert.Empty(_m.Items);
    }

    [Fact]
    public void UdpLengthBeyondIpPayload_IsMalformedAtTheLengthField()
    {
        var ip = Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Ike);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(24), (ushort)(Ike.Length + 100));
        Assert.Equal(FrameKind.Malformed, Eth(ip));
        var bad = Assert.Single(_m.Items);
        Assert.Equal((14L + 24, MalformationLayer.Transport), (bad.Offset, bad.Layer));
        Assert.Contains("exceeds", bad.Reason);
    }

    [Fact]
    public void EthernetPaddingAfterTheDatagram_IsIgnored()
    {
        var ip = Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Ike[..28]);
        var frame = Packets.Ethernet(ip).Concat(new byte[6]).ToArray();
        Assert.Equal(FrameKind.Ike, Read.Frame(_decoder, _sink, LinkType.Ethernet, frame));
        Assert.Equal(Ike[..28], Assert.Single(_sink.Items).Message);
        Assert.Empty(_m.Items);
    }

    [Theory]
    [InlineData(new byte[] { 0x45, 0, 0 }, 14L, "truncated IPv4 header")]
    [InlineData(new byte[] { 0x44, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, 14L, "IHL")]
    [InlineData(new byte[] { 0x45, 0, 0, 10, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, 16L, "total length 10")]
    [InlineData(new byte[] { 0x65, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, 14L, "IP version 6")]
    public void BadIPv4Header_IsMalformedAtItsOffset(byte[] ip, long offset, string reason)
    {
        if (reason == "IHL") reason = "header length 16";
        Assert.Equal(FrameKind.Malformed, Eth(ip));
        var bad = Assert.Single(_m.Items);
        Assert.Equal((offset, MalformationLayer.Network), (bad.Offset, bad.Layer));
        Assert.Contains(reason, bad.Reason);
    }

    [Fact]
    public void Decode_NonIkeAndUnfragmentedIkeFrames_AllocatesNothing()
    {
        var frames = new[]
        {
            Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Ike)),
            Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 4500, 4500, new byte[4].Concat(Ike).ToArray()), 0x0800, 0x8100),
            Packets.Ethernet(Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 500, 500, Ike), 0x86DD),
            Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 53, 53, new byte[100])),
            Packets.Ethernet(Packets.IPv4("192.0.2.1", "192.0.2.2", 6, new byte[40])),
            Packets.Ethernet(new byte[28], 0x0806),
        };
        var sink = new CountingSink();
        var decoder = new FrameDecoder("t", _m);
        void Run()
        {
            for (int i = 0; i < 1000; i++)
                foreach (var f in frames)
                {
                    var r = new CaptureRecord(i, i * 1000L, LinkType.Ethernet, 0, f.Length, 0, f);
                    decoder.Decode(in r, sink);
                }
        }
        Run();
        // the least of three rounds: a per-frame allocation shows in every round (6,000 frames each), while the
        // runtime's own one-off work on this thread (a method promoted to tier 1 mid-round) does not repeat
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            sink.Count = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
        Assert.Equal(3000, sink.Count);   // the three IKE frames of the six, a thousand times in the last round
        Assert.Empty(_m.Items);
    }
}
