using PcapIke.Diagnostics;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Frames;

/// <summary>Wireshark (tshark) as an independent reference for IP reassembly of out-of-order fragments.</summary>
public class TsharkReassemblyCrossCheckTests
{
    [Fact]
    public void OutOfOrderIPv4AndIPv6Fragments_ReassembleInTheSameFramesAsWireshark()
    {
        var ike4 = Packets.IkeMessage(1700, seed: 4);
        var ike6 = Packets.IkeMessage(1500, seed: 6);
        var f4 = Packets.FragmentIPv4(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, ike4, 0x77), 512);
        var f6 = Packets.FragmentIPv6(Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 4500, 4500, new byte[4].Concat(ike6).ToArray()), 600, 0x99);
        var order = new[]
        {
            Packets.Ethernet(f4[3]), Packets.Ethernet(f6[1], 0x86DD), Packets.Ethernet(f4[1]), Packets.Ethernet(f4[0]),
            Packets.Ethernet(f6[2], 0x86DD), Packets.Ethernet(f6[0], 0x86DD), Packets.Ethernet(f4[2]),
        };
        var b = new PcapBuilder(1);
        for (int i = 0; i < order.Length; i++) b.Record(1_700_000_000, i, order[i]);
        string path = Path.Combine(TestPaths.NewTempDir(), "frag.pcap");
        File.WriteAllBytes(path, b.ToArray());

        string fields = Tool.Run("tshark", "tshark", "-r", path, "-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE",
            "-d", "udp.port==4500,udpencap", "-Y", "isakmp", "-T", "fields", "-e", "frame.number", "-e", "isakmp.length",
            "-e", "isakmp.ispi");
        var expected = fields.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t')).Select(c => (long.Parse(c[0]), int.Parse(c[1]), c[2].Replace(":", ""))).ToList();

        var (_, sink, m) = Read.Decode(b.ToArray());
        Assert.Empty(m.Items);
        var actual = sink.Items.Select(d => (d.FrameNumber, d.Message.Length, Convert.ToHexString(d.Message, 0, 8).ToLowerInvariant())).ToList();
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected, actual);
        Assert.Equal([ike6, ike4], sink.Items.Select(d => d.Message));
    }
}
