using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Frames;

/// <summary>Damaged input never escapes as an exception from the reader or the decoder, and never hangs.</summary>
public class FrameDecoderRobustnessTests
{
    private static byte[] SampleCapture(bool pcapng)
    {
        var ike = Packets.IkeMessage(1500);
        var frames = new List<(LinkType, byte[])>();
        foreach (var f in Packets.FragmentIPv4(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, ike, 9), 504))
            frames.Add((LinkType.Ethernet, Packets.Ethernet(f)));
        foreach (var f in Packets.FragmentIPv6(Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 4500, 4500, new byte[4].Concat(ike).ToArray()), 600, 5))
            frames.Add((LinkType.Ethernet, Packets.Ethernet(f, 0x86DD, 0x8100)));
        frames.Add((LinkType.Ethernet, Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 4500, 4500, [0xFF]))));
        var tcp = new byte[20 + 6 + 6 + 100];
        tcp[0] = 0x9C; tcp[1] = 0x40; tcp[2] = 0x11; tcp[3] = 0x94; tcp[12] = 0x50; tcp[13] = 0x18;
        "IKETCP"u8.CopyTo(tcp.AsSpan(20));
        tcp[27] = 106;
        frames.Add((LinkType.Ethernet, Packets.Ethernet(Packets.IPv4("192.0.2.1", "192.0.2.2", 6, tcp))));
        if (!pcapng)
        {
            var b = new PcapBuilder(1);
            int t = 0;
            foreach (var (_, f) in frames) b.Record(1_700_000_000 + t++, 5, f);
            return b.ToArray();
        }
        var ng = new PcapNgBuilder().Section().Interface(1).Interface(101, tsresol: 9);
        ulong ts = 1;
        foreach (var (_, f) in frames) ng.Epb(0, ts++, f);
        ng.Epb(1, 99, Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, ike[..100]));
        return ng.ToArray();
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void MutatedCaptures_AreReadAndDecodedWithoutExceptions(bool pcapng, int seed)
    {
        var original = SampleCapture(pcapng);
        var baseline = Read.Decode(original);
        Assert.Empty(baseline.Malformations.Items);
        Assert.True(baseline.Sink.Items.Count >= 2);
        var rnd = new Random(seed);
        for (int round = 0; round < 400; round++)
        {
            var bytes = (byte[])original.Clone();
            int edits = 1 + rnd.Next(8);
            for (int e = 0; e < edits; e++)
            {
                int at = pcapng ? 28 + rnd.Next(bytes.Length - 28) : 24 + rnd.Next(bytes.Length - 24);
                bytes[at] = rnd.Next(3) switch { 0 => (byte)rnd.Next(256), 1 => 0xFF, _ => 0 };
            }
            if (rnd.Next(4) == 0) bytes = bytes[..rnd.Next(30, bytes.Length)];
            var m = new MalformationList();
            var sink = new RecordingSink();
            using var reader = CaptureReader.Open(new MemoryStream(bytes), "fuzz", m);
            var decoder = new FrameDecoder("fuzz", m, new FrameDecoderOptions { MaxReassemblyBytes = 1 << 20 });
            int records = 0;
            while (reader.TryRead(out var r))
            {
                Assert.True(++records < 10_000, "reader does not terminate");
                decoder.Decode(in r, sink);
                Assert.True(decoder.ReassemblyBytesHeld <= 1 << 20);
            }
            decoder.Flush();
            Assert.Equal(0, decoder.PendingDatagrams);
        }
    }

    [Fact]
    public void RandomFrames_OnEveryLinkType_DecodeWithoutExceptions()
    {
        var rnd = new Random(3);
        var m = new MalformationList(100);
        var d = new FrameDecoder("fuzz", m);
        var sink = new RecordingSink();
        LinkType[] types = [LinkType.Ethernet, LinkType.Raw, LinkType.Ipv4, LinkType.Ipv6, LinkType.Null, LinkType.Loop, LinkType.LinuxSll, LinkType.LinuxSll2];
        var ip4 = Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Packets.IkeMessage(64)));
        var ip6 = Packets.Ethernet(Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 500, 500, Packets.IkeMessage(64)), 0x86DD);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] f;
            if (i % 2 == 0)
            {
                f = new byte[rnd.Next(0, 120)];
                rnd.NextBytes(f);
                if (f.Length > 0 && rnd.Next(2) == 0) f[0] = (byte)(rnd.Next(2) == 0 ? 0x45 : 0x60);
            }
            else
            {
                f = (byte[])(i % 4 == 1 ? ip4 : ip6).Clone();
                for (int e = 0; e < 3; e++) f[rnd.Next(f.Length)] = (byte)rnd.Next(256);
                f = f[..rnd.Next(0, f.Length + 1)];
            }
            Read.Frame(d, sink, types[i % types.Length], f, i + 1, timestampNs: i * 1000L);
        }
        d.Flush();
        Assert.Equal(0, d.PendingDatagrams);
    }

    [Fact]
    public void DuplicatedMutatedAndSnaplenCutFragments_NeverThrowAndStayBounded()
    {
        var rnd = new Random(4);
        var m = new MalformationList(100);
        var d = new FrameDecoder("fuzz", m, new FrameDecoderOptions { MaxReassemblyBytes = 64 << 10, MaxPendingDatagrams = 8 });
        var sink = new RecordingSink();
        var pool = new List<byte[]>();
        for (ushort id = 0; id < 6; id++)
        {
            ushort port = id % 2 == 0 ? (ushort)500 : (ushort)53;
            pool.AddRange(Packets.FragmentIPv4(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", port, port, Packets.IkeMessage(1200 + id * 8), id), 256 + 8 * id));
            pool.AddRange(Packets.FragmentIPv6(Packets.IPv6Udp("2001:db8::1", "2001:db8::2", port, port, Packets.IkeMessage(1200)), 512, id));
        }
        for (int i = 0; i < 20_000; i++)
        {
            var f = (byte[])pool[rnd.Next(pool.Count)].Clone();
            int kind = rnd.Next(4);
            if (kind == 1) f[rnd.Next(f.Length)] = (byte)rnd.Next(256);
            int captured = kind == 2 ? rnd.Next(0, f.Length + 1) : f.Length;
            Read.Frame(d, sink, f[0] >> 4 == 6 ? LinkType.Ipv6 : LinkType.Ipv4, f[..captured], i + 1,
                timestampNs: i * 10_000_000L, originalLength: f.Length);
            Assert.True(d.ReassemblyBytesHeld <= 64 << 10, $"{d.ReassemblyBytesHeld} bytes held");
            Assert.True(d.PendingDatagrams <= 8);
        }
        d.Flush();
        Assert.NotEmpty(sink.Items);
    }

    /// <summary>Random slices of one RFC 8229 stream, out of order, overlapping, cut by the snaplen. With
    /// consistent TCP headers every message handed out must be the original; with noisy headers (wrong data offsets,
    /// sequence numbers, flags) only the bounds and the absence of exceptions can be asserted.</summary>
    [Theory]
    [InlineData(false, 5)]
    [InlineData(true, 6)]
    public void RandomTcpSegmentsOnTheIkeTcpPort_NeverThrowAndStayBounded(bool noisy, int seed)
    {
        var rnd = new Random(seed);
        int Noise(int oneIn) => noisy && rnd.Next(oneIn) == 0 ? 1 : 0;
        var m = new MalformationList(100);
        var d = new FrameDecoder("fuzz", m, new FrameDecoderOptions { MaxTcpFlows = 4 });
        var sink = new RecordingSink();
        var ike = Packets.IkeMessage(700);
        var stream = "IKETCP"u8.ToArray().Concat(new byte[] { 0x02, 0xC2, 0, 0, 0, 0 }).Concat(ike).ToArray();
        for (int i = 0; i < 20_000; i++)
        {
            int start = rnd.Next(stream.Length), len = rnd.Next(0, Math.Min(300, stream.Length - start) + 1);
            var t = new byte[20 + len];
            t[0] = 0x9C; t[1] = (byte)rnd.Next(4); t[2] = 0x11; t[3] = 0x94;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), (uint)(1000 + start + (Noise(10) == 1 ? rnd.Next() : 0)));
            t[12] = (byte)(Noise(10) == 1 ? rnd.Next(256) : 0x50);
            t[13] = (byte)(Noise(200) == 1 ? rnd.Next(256) : 0x10);
            if (start == 0 && rnd.Next(2) == 0) { t[13] = 0x02; System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), 999); len = 0; t = t[..20]; }
            stream.AsSpan(start, len).CopyTo(t.AsSpan(20));
            var f = Packets.IPv4("192.0.2.1", "192.0.2.2", 6, t);
            int captured = rnd.Next(8) == 0 ? rnd.Next(0, f.Length + 1) : f.Length;
            Read.Frame(d, sink, LinkType.Ipv4, f[..captured], i + 1, originalLength: f.Length);
            Assert.True(d.TcpFlows <= 4);
        }
        d.Flush();
        Assert.Equal(0, d.TcpFlows);
        Assert.NotEmpty(sink.Items);
        if (!noisy) Assert.All(sink.Items, x => Assert.Equal(ike, x.Message));
    }
}
