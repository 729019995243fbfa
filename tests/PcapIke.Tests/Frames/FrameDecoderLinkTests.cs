using System.Buffers.Binary;
using System.Net;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Frames;

/// <summary>Each link type, on pcap files written by text2pcap with that link type.</summary>
public class FrameDecoderLinkTests
{
    private static readonly byte[] Ike = Packets.IkeMessage(120);
    private static readonly byte[] V4 = Packets.IPv4Udp("192.0.2.1", "198.51.100.2", 500, 500, Ike);
    private static readonly byte[] V6 = Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 500, 500, Ike);

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static readonly byte[] SllV4Header = [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
    private static readonly byte[] Sll2V6Header = [0x86, 0xDD, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];

    public static TheoryData<string, int, byte[], bool, int> Cases() => new()
    {
        // name, LINKTYPE written by text2pcap, frame, IPv6?, offset of the IKE message in the frame
        { "Ethernet II", 1, Packets.Ethernet(V4), false, 14 + 28 },
        { "Ethernet II IPv6", 1, Packets.Ethernet(V6, 0x86DD), true, 14 + 48 },
        { "802.1Q", 1, Packets.Ethernet(V4, 0x0800, 0x8100), false, 18 + 28 },
        { "802.1ad QinQ", 1, Packets.Ethernet(V6, 0x86DD, 0x88A8, 0x8100), true, 22 + 48 },
        { "stacked 0x9100", 1, Packets.Ethernet(V4, 0x0800, 0x9100, 0x9100, 0x8100), false, 26 + 28 },
        { "802.3 LLC/SNAP", 1, Cat([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x05, 0xC0, 0xAA, 0xAA, 3, 0, 0, 0, 8, 0], V4), false, 22 + 28 },
        { "Linux SLL", 113, Cat(SllV4Header, V4), false, 16 + 28 },
        { "Linux SLL with VLAN", 113, Cat(SllV4Header[..14], [0x81, 0x00, 0, 5, 0x08, 0x00], V4), false, 20 + 28 },
        { "Linux SLL2", 276, Cat(Sll2V6Header, V6), true, 20 + 48 },
        { "LINKTYPE_RAW IPv4", 101, V4, false, 28 },
        { "LINKTYPE_RAW IPv6", 101, V6, true, 48 },
        { "DLT_RAW 12", 12, V4, false, 28 },
        { "DLT_RAW 14 (OpenBSD)", 14, V6, true, 48 },
        { "LINKTYPE_IPV4", 228, V4, false, 28 },
        { "LINKTYPE_IPV6", 229, V6, true, 48 },
        { "NULL little-endian AF_INET", 0, Cat([2, 0, 0, 0], V4), false, 32 },
        { "NULL big-endian AF_INET", 0, Cat([0, 0, 0, 2], V4), false, 32 },
        { "NULL AF_INET6 24", 0, Cat([24, 0, 0, 0], V6), true, 52 },
        { "NULL AF_INET6 28 big-endian", 0, Cat([0, 0, 0, 28], V6), true, 52 },
        { "NULL AF_INET6 30", 0, Cat([30, 0, 0, 0], V6), true, 52 },
        { "LOOP AF_INET", 108, Cat([0, 0, 0, 2], V4), false, 32 },
        { "LOOP AF_INET6", 108, Cat([0, 0, 0, 24], V6), true, 52 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LinkType_FromText2pcapFile_YieldsIkeMessageAtItsOffset(string name, int linkType, byte[] frame, bool ipv6,
        int messageOffset)
    {
        string dir = TestPaths.NewTempDir();
        string hex = Path.Combine(dir, "f.txt"), pcap = Path.Combine(dir, "f.pcap");
        Tool.WriteHexDump(hex, [frame]);
        Tool.Text2Pcap(hex, pcap, "-F", "pcap", "-l", linkType.ToString());
        var m = new MalformationList();
        var sink = new RecordingSink();
        using var reader = CaptureReader.Open(pcap, m);
        var decoder = new FrameDecoder(pcap, m);
        Assert.True(reader.TryRead(out var record), name);
        Assert.Equal(FrameKind.Ike, decoder.Decode(in record, sink));
        Assert.Empty(m.Items);
        var d = Assert.Single(sink.Items);
        Assert.Equal(Ike, d.Message);
        Assert.Equal(messageOffset, d.MessageOffsetInFrame);
        Assert.Equal(IkeTransport.Udp, d.Transport);
        Assert.Equal(ipv6 ? "[2001:db8::1]:500" : "192.0.2.1:500", d.Source.ToString());
        Assert.Equal(ipv6 ? "[2001:db8::2]:500" : "198.51.100.2:500", d.Destination.ToString());
        Assert.Equal(ipv6 ? 40 + 8 + Ike.Length : 20 + 8 + Ike.Length, d.IpLength);
        Assert.Equal((1, 1L, 1L), (d.IpFragmentCount, d.FirstFragmentFrame, d.FrameNumber));
    }

    [Fact]
    public void Text2pcapUdpOptions_IPv4AndIPv6_AreDecodedAsIke()
    {
        string dir = TestPaths.NewTempDir();
        string hex = Path.Combine(dir, "ike.txt");
        Tool.WriteHexDump(hex, [Ike]);
        string p4 = Path.Combine(dir, "v4.pcap"), p6 = Path.Combine(dir, "v6.pcap");
        Tool.Text2Pcap(hex, p4, "-F", "pcap", "-4", "10.1.1.1,10.2.2.2", "-u", "500,500");
        Tool.Text2Pcap(hex, p6, "-F", "pcap", "-6", "fd00::1,fd00::2", "-u", "500,500");
        foreach (var (path, src) in new[] { (p4, "10.1.1.1:500"), (p6, "[fd00::1]:500") })
        {
            var (kinds, sink, m) = Read.Decode(File.ReadAllBytes(path));
            Assert.Equal([FrameKind.Ike], kinds);
            Assert.Empty(m.Items);
            Assert.Equal(Ike, sink.Items[0].Message);
            Assert.Equal(src, sink.Items[0].Source.ToString());
        }
    }

    [Fact]
    public void NonIpAndUnknownLinkTypes_AreNamed()
    {
        var m = new MalformationList();
        var d = new FrameDecoder("t", m);
        var sink = new RecordingSink();
        var arp = Packets.Ethernet(new byte[28], 0x0806);
        Assert.Equal(FrameKind.NotIp, Read.Frame(d, sink, LinkType.Ethernet, arp));
        Assert.Equal(FrameKind.NotIp, Read.Frame(d, sink, LinkType.Null, [7, 0, 0, 0, 1, 2]));
        Assert.Equal(FrameKind.UnsupportedLinkType, Read.Frame(d, sink, (LinkType)105, V4));
        Assert.Empty(m.Items);
        Assert.Empty(sink.Items);
    }

    [Fact]
    public void ShortLinkHeader_IsReportedAsTruncatedAtOffsetZero()
    {
        var m = new MalformationList();
        var d = new FrameDecoder("t", m);
        Assert.Equal(FrameKind.Malformed, Read.Frame(d, new RecordingSink(), LinkType.LinuxSll2, new byte[12], frameNumber: 9));
        var bad = Assert.Single(m.Items);
        Assert.Equal((9L, 0L, MalformationLayer.Link), (bad.Frame, bad.Offset, bad.Layer));
        Assert.Contains("SLL2", bad.Reason);
    }
}
