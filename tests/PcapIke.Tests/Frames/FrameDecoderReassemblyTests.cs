using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Frames;

public class FrameDecoderReassemblyTests
{
    private static readonly byte[] BigIke = Packets.IkeMessage(1432, seed: 5);
    private const long Second = 1_000_000_000L;

    private static byte[] V4Datagram(ushort id = 0x4242, ushort port = 500, byte[]? payload = null) =>
        Packets.IPv4Udp("192.0.2.1", "198.51.100.7", port, port, payload ?? BigIke, id);

    [Fact]
    public void IPv4Fragments_OutOfOrderInAFile_ReassembleByteIdentical()
    {
        var datagram = V4Datagram();
        var frags = Packets.FragmentIPv4(datagram, 600);        // 600 + 600 + 240 data bytes
        Assert.Equal(3, frags.Count);
        var other = Packets.IPv4Udp("192.0.2.50", "192.0.2.51", 53, 53, [1, 2, 3]);
        var file = new PcapBuilder(1)
            .Record(100, 0, Packets.Ethernet(frags[2]))
            .Record(100, 1, Packets.Ethernet(other))
            .Record(100, 2, Packets.Ethernet(frags[0]))
            .Record(100, 3, Packets.Ethernet(frags[1]))
            .ToArray();
        var (kinds, sink, m) = Read.Decode(file);
        Assert.Empty(m.Items);
        Assert.Equal([FrameKind.IpFragmentHeld, FrameKind.OtherTransport, FrameKind.IpFragmentHeld, FrameKind.Ike], kinds);
        var d = Assert.Single(sink.Items);
        Assert.Equal(BigIke, d.Message);
        Assert.Equal((4L, 1L, 3, -1, datagram.Length), (d.FrameNumber, d.FirstFragmentFrame, d.IpFragmentCount, d.MessageOffsetInFrame, d.IpLength));
        Assert.Equal(100 * Second + 3000, d.TimestampNanoseconds);
        Assert.Equal("192.0.2.1:500", d.Source.ToString());
        Assert.Equal("198.51.100.7:500", d.Destination.ToString());
    }

    [Fact]
    public void IPv6Fragments_ReverseOrderOnLinuxSll_ReassembleByteIdentical()
    {
        var packet = Packets.IPv6Udp("2001:db8::a", "2001:db8::b", 4500, 4500, new byte[4].Concat(BigIke).ToArray());
        var frags = Packets.FragmentIPv6(packet, 512, 0xCAFE0001);
        Assert.Equal(3, frags.Count);
        byte[] sll = [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xDD];
        var b = new PcapBuilder(113);
        for (int i = frags.Count - 1, t = 0; i >= 0; i--, t++) b.Record(200, t, sll.Concat(frags[i]).ToArray());
        var (kinds, sink, m) = Read.Decode(b.ToArray());
        Assert.Empty(m.Items);
        Assert.Equal([FrameKind.IpFragmentHeld, FrameKind.IpFragmentHeld, FrameKind.Ike], kinds);
        var d = Assert.Single(sink.Items);
        Assert.Equal(BigIke, d.Message);
        Assert.Equal(IkeTransport.UdpNonEspMarker, d.Transport);
        Assert.Equal((3L, 1L, 3, -1), (d.FrameNumber, d.FirstFragmentFrame, d.IpFragmentCount, d.MessageOffsetInFrame));
        Assert.Equal(packet.Length, d.IpLength);                 // 40 + reassembled payload length
        Assert.Equal("[2001:db8::a]:4500", d.Source.ToString());
    }

    [Fact]
    public void IPv4Fragments_InterleavedFromTwoDatagrams_ReassembleSeparately()
    {
        var a = Packets.FragmentIPv4(V4Datagram(1), 800);
        var other = Packets.IkeMessage(1000, seed: 9);
        var b = Packets.FragmentIPv4(V4Datagram(2, payload: other), 800);
        var m = new MalformationList();
        var sink = new RecordingSink();
        var d = new FrameDecoder("t", m);
        int n = 0;
        foreach (var f in new[] { a[1], b[1], b[0], a[0] }) Read.Frame(d, sink, LinkType.Raw, f, ++n);
        Assert.Equal([other, BigIke], sink.Items.Select(i => i.Message));
        Assert.Equal([3L, 4L], sink.Items.Select(i => i.FrameNumber));
        Assert.Equal([2L, 1L], sink.Items.Select(i => i.FirstFragmentFrame));
        Assert.Empty(m.Items);
        Assert.Equal(0, d.PendingDatagrams);
        Assert.Equal(0, d.ReassemblyBytesHeld);
    }

    [Fact]
    public void DuplicateFragment_IsAcceptedSilentlyAndNotCounted()
    {
        var frags = Packets.FragmentIPv4(V4Datagram(), 600);
        var m = new MalformationList();
        var sink = new RecordingSink();
        var d = new FrameDecoder("t", m);
        int n = 0;
        foreach (var f in new[] { frags[0], frags[1], frags[1], frags[2] }) Read.Frame(d, sink, LinkType.Raw, f, ++n);
        Assert.Empty(m.Items);
        var dg = Assert.Single(sink.Items);
        Assert.Equal(BigIke, dg.Message);
        Assert.Equal(3, dg.IpFragmentCount);
    }

    [Fact]
    public void OverlappingFragmentWithDifferentBytes_IsReportedAndFirstBytesKept()
    {
        var datagram = V4Datagram();
        var frags = Packets.FragmentIPv4(datagram, 600);
        // A rogue copy of the second fragment with one byte changed at data offset 700 (100 bytes in).
        var rogue = (byte[])frags[1].Clone();
        rogue[20 + 100] ^= 0xFF;
        var m = new MalformationList();
        var sink = new RecordingSink();
        var d = new FrameDecoder("t", m);
        Read.Frame(d, sink, LinkType.Ethernet, Packets.Ethernet(frags[1]), 1);
        Read.Frame(d, sink, LinkType.Ethernet, Packets.Ethernet(rogue), 2);
        Read.Frame(d, sink, LinkType.Ethernet, Packets.Ethernet(frags[0]), 3);
        Assert.Equal(FrameKind.Ike, Read.Frame(d, sink, LinkType.Ethernet, Packets.Ethernet(frags[2]), 4));
        var bad = Assert.Single(m.Items);
        Assert.Equal((2L, 14L + 20 + 100, MalformationLayer.Network), (bad.Frame, bad.Offset, bad.Layer));
        Assert.Contains("overlaps", bad.Reason);
        Assert.Equal(BigIke, Assert.Single(sink.Items).Message);
    }

    [Fact]
    public void FragmentPastMaximumDatagramSize_IsRejected()
    {
        var frag = V4Datagram()[..(20 + 200)];
        BinaryPrimitives.WriteUInt16BigEndian(frag.AsSpan(2), (ushort)frag.Length);
        BinaryPrimitives.WriteUInt16BigEndian(frag.AsSpan(6), (ushort)(65400 / 8));   // last fragment at 65400
        Packets.SetIPv4Checksum(frag);
        var m = new MalformationList();
        var d = new FrameDecoder("t", m);
        Assert.Equal(FrameKind.Malformed, Read.Frame(d, new RecordingSink(), LinkType.Raw, frag, 7));
        var bad = Assert.Single(m.Items);
        Assert.Equal((7L, 0L), (bad.Frame, bad.Offset));
        Assert.Contains("over 65535", bad.Reason);
        Assert.Equal(0, d.PendingDatagrams);
    }

    [Fact]
    public void IncompleteIkeDatagram_IsReportedAfterTheTimeoutInCaptureTime()
    {
        var frags = Packets.FragmentIPv4(V4Datagram(), 600);
        var m = new MalformationList();
        var sink = new RecordingSink();
        var d = new FrameDecoder("t", m, new FrameDecoderOptions { ReassemblyTimeout = TimeSpan.FromSeconds(30) });
        Read.Frame(d, sink, LinkType.Raw, frags[0], 1, timestampNs: 1000 * Second);
        Read.Frame(d, sink, LinkType.Raw, frags[2], 2, timestampNs: 1020 * Second);
        Read.Frame(d, sink, LinkType.Raw, V4Datagram(9, 53, [1]), 3, timestampNs: 1049 * Second);
        Assert.Empty(m.Items);
        Read.Frame(d, sink, LinkType.Raw, V4Datagram(9, 53, [1]), 4, timestampNs: 1051 * Second);
        var bad = Assert.Single(m.Items);
        Assert.Equal((1L, 0L, MalformationLayer.Network), (bad.Frame, bad.Offset, bad.Layer));
        Assert.Contains("incomplete IPv4 datagram", bad.Reason);
        Assert.Contains("2 fragments", bad.Reason);
        Assert.Equal(0, d.PendingDatagrams);
        // Its first fragment holds the UDP and ISAKMP headers: handed on as a message with what is missing.
        var partial = Assert.Single(sink.Items);
        Assert.Equal((1L, 1000 * Second, MessageGap.IpFragmentsMissing, 2), (partial.FrameNumber, partial.TimestampNanoseconds, partial.Gap, partial.IpFragmentCount));
        Assert.Contains("the fragment at offset 600", partial.GapDetail);
        Assert.Contains("no fragment arrived for 30 s", partial.GapDetail);
        // The late fragment starts a new (incomplete) datagram rather than completing the dropped one.
        Assert.Equal(FrameKind.IpFragmentHeld, Read.Frame(d, sink, LinkType.Raw, frags[1], 5, timestampNs: 1052 * Second));
        Assert.Single(sink.Items);
    }

    [Fact]
    public void Flush_ReportsDatagramsStillIncomplete()
    {
        var frags = Packets.FragmentIPv6(Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 500, 500, BigIke), 512, 77);
        var m = new MalformationList();
        var d = new FrameDecoder("t", m);
        Read.Frame(d, new RecordingSink(), LinkType.Ipv6, frags[1], 12);
        d.Flush();
        var bad = Assert.Single(m.Items);
        Assert.Equal(12, bad.Frame);
        Assert.Contains("incomplete IPv6 datagram (id 0x4D", bad.Reason);
        Assert.Contains("capture ended", bad.Reason);
    }

    [Fact]
    public void NonIkeFragments_AreClassifiedFromTheFirstFragmentAndNotBuffered()
    {
        var dns = V4Datagram(5, 53);
        var frags = Packets.FragmentIPv4(dns, 400);
        var m = new MalformationList();
        var sink = new RecordingSink();
        var d = new FrameDecoder("t", m);
        // The first fragment arrives second: until then the others must be held.
        Assert.Equal(FrameKind.IpFragmentHeld, Read.Frame(d, sink, LinkType.Raw, frags[2], 1));
        Assert.Equal(FrameKind.OtherTransport, Read.Frame(d, sink, LinkType.Raw, frags[0], 2));
        Assert.Equal(0, d.ReassemblyBytesHeld);
        Assert.Equal(FrameKind.OtherTransport, Read.Frame(d, sink, LinkType.Raw, frags[1], 3));
        Assert.Equal(FrameKind.OtherTransport, Read.Frame(d, sink, LinkType.Raw, frags[3], 4));
        Assert.Equal(0, d.PendingDatagrams);
        d.Flush();
        Assert.Empty(m.Items);
        Assert.Empty(sink.Items);
    }

    [Fact]
    public void TooManyPendingDatagrams_EvictsTheOldestAndReportsIt()
    {
        var m = new MalformationList();
        var d = new FrameDecoder("t", m, new FrameDecoderOptions { MaxPendingDatagrams = 2 });
        for (ushort id = 1; id <= 3; id++)
            Assert.Equal(FrameKind.IpFragmentHeld, Read.Frame(d, new RecordingSink(), LinkType.Raw, Packets.FragmentIPv4(V4Datagram(id), 600)[1], id));
        Assert.Equal(2, d.PendingDatagrams);
        var bad = Assert.Single(m.Items);
        Assert.Equal(1, bad.Frame);
        Assert.Contains("evicted", bad.Reason);
    }

    [Fact]
    public void ReassemblyByteBudget_IsNeverExceeded()
    {
        var m = new MalformationList();
        var d = new FrameDecoder("t", m, new FrameDecoderOptions { MaxReassemblyBytes = 8192 });
        var sink = new RecordingSink();
        for (ushort id = 1; id <= 20; id++)
        {
            Read.Frame(d, sink, LinkType.Raw, Packets.FragmentIPv4(V4Datagram(id), 600)[1], id);
            Assert.True(d.ReassemblyBytesHeld <= 8192, $"{d.ReassemblyBytesHeld} bytes held");
        }
        Assert.NotEmpty(m.Items);
        // A datagram still completes within the budget.
        var frags = Packets.FragmentIPv4(V4Datagram(999), 600);
        foreach (var f in frags) Read.Frame(d, sink, LinkType.Raw, f, 100);
        Assert.Equal(BigIke, Assert.Single(sink.Items).Message);
    }

    [Fact]
    public void ConflictingLastFragments_DiscardTheDatagram()
    {
        var frags = Packets.FragmentIPv4(V4Datagram(), 600);
        var shorter = frags[2][..(frags[2].Length - 8)];
        BinaryPrimitives.WriteUInt16BigEndian(shorter.AsSpan(2), (ushort)shorter.Length);
        Packets.SetIPv4Checksum(shorter);
        var m = new MalformationList();
        var d = new FrameDecoder("t", m);
        var sink = new RecordingSink();
        Read.Frame(d, sink, LinkType.Raw, frags[2], 1);
        Assert.Equal(FrameKind.Malformed, Read.Frame(d, sink, LinkType.Raw, shorter, 2));
        Assert.Contains("last fragment", Assert.Single(m.Items).Reason);
        Assert.Equal(0, d.PendingDatagrams);
    }
}

public class FrameDecoderReassemblySnaplenTests
{
    [Fact]
    public void NonIkeFragmentsCutBySnaplen_AreNotReported()
    {
        var frags = Packets.FragmentIPv4(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 2049, 2049, new byte[3000], 77), 1480);
        var m = new MalformationList();
        var d = new FrameDecoder("t", m);
        var sink = new RecordingSink();
        int n = 0;
        foreach (var f in frags)
        {
            var frame = Packets.Ethernet(f);
            Assert.Equal(FrameKind.OtherTransport, Read.Frame(d, sink, LinkType.Ethernet, frame[..Math.Min(96, frame.Length)], ++n, originalLength: frame.Length));
        }
        d.Flush();
        Assert.Empty(m.Items);
        Assert.Equal(0, d.PendingDatagrams);
    }

    [Fact]
    public void IkeFragmentCutBySnaplen_IsReportedAtItsDataOffset()
    {
        var frags = Packets.FragmentIPv4(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Packets.IkeMessage(2000), 78), 1480);
        var m = new MalformationList();
        var d = new FrameDecoder("t", m);
        var frame = Packets.Ethernet(frags[0]);
        Assert.Equal(FrameKind.Malformed, Read.Frame(d, new RecordingSink(), LinkType.Ethernet, frame[..200], 3, originalLength: frame.Length));
        var bad = Assert.Single(m.Items);
        Assert.Equal((3L, 34L, MalformationLayer.Network), (bad.Frame, bad.Offset, bad.Layer));
        Assert.Contains("snaplen", bad.Reason);
    }
}

public class FrameDecoderIPv6ExtensionReassemblyTests
{
    [Fact]
    public void IPv6Fragments_WithHopByHopBeforeAndDestinationOptionsAfterTheFragmentHeader_Reassemble()
    {
        var ike = Packets.IkeMessage(1300, seed: 3);
        var plain = Packets.IPv6Udp("2001:db8::1", "2001:db8::2", 500, 500, ike);
        byte[] udp = plain[40..];
        byte[] dst = [17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];     // Destination Options, next = UDP
        byte[] fragmentable = dst.Concat(udp).ToArray();
        byte[] hbh = [44, 0, 1, 4, 0, 0, 0, 0];                                // Hop-by-Hop, next = Fragment
        var frames = new List<byte[]>();
        const int size = 512;
        for (int off = 0; off < fragmentable.Length; off += size)
        {
            int n = Math.Min(size, fragmentable.Length - off);
            bool more = off + n < fragmentable.Length;
            var f = new byte[40 + 8 + 8 + n];
            Array.Copy(plain, f, 40);
            f[6] = 0;                                                          // next = Hop-by-Hop
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(4), (ushort)(f.Length - 40));
            hbh.CopyTo(f, 40);
            f[48] = 60;                                                        // fragment header, next = Destination Options
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(50), (ushort)(off | (more ? 1 : 0)));
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(52), 0xABCD);
            Array.Copy(fragmentable, off, f, 56, n);
            frames.Add(f);
        }
        Assert.Equal(3, frames.Count);
        var m = new MalformationList();
        var sink = new RecordingSink();
        var d = new FrameDecoder("t", m);
        Read.Frame(d, sink, LinkType.Ipv6, frames[1], 1);
        Read.Frame(d, sink, LinkType.Ipv6, frames[2], 2);
        Assert.Equal(FrameKind.Ike, Read.Frame(d, sink, LinkType.Ipv6, frames[0], 3));
        Assert.Empty(m.Items);
        var dg = Assert.Single(sink.Items);
        Assert.Equal(ike, dg.Message);
        Assert.Equal(40 + 8 + 16 + 8 + ike.Length, dg.IpLength);   // 40 + payload length of the unfragmented packet
        Assert.Equal((3L, 1L, 3), (dg.FrameNumber, dg.FirstFragmentFrame, dg.IpFragmentCount));
    }
}
