using System.IO.Compression;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Capture;

public class CaptureReaderPcapNgTests
{
    private static readonly byte[] A = [1, 2, 3, 4, 5];
    private static readonly byte[] B = [9, 8, 7, 6, 5, 4, 3, 2];
    private static readonly byte[] C = [0x45];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pcapng_EitherByteOrder_ReadsEpbSpbAndObsoletePacketBlock(bool bigEndian)
    {
        var file = new PcapNgBuilder().Section(bigEndian).Interface(1, snaplen: 4)
            .Epb(0, 1_700_000_000_000_001UL, A)
            .Block(4, new byte[] { 0, 0, 0, 0 })            // a Name Resolution Block is skipped
            .Spb(B)
            .PacketBlock(0, 1_700_000_000_500_000UL, C)
            .ToArray();
        var m = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(file), "t", m);
        Assert.Equal(CaptureFileFormat.PcapNg, reader.Format);
        var recs = Read.All(reader);
        Assert.Empty(m.Items);
        Assert.Equal([1L, 2L, 3L], recs.Select(r => r.FrameNumber));
        Assert.Equal(1_700_000_000_000_001_000L, recs[0].TimestampNanoseconds);
        Assert.Equal(A, recs[0].Data);
        Assert.Equal(B[..4], recs[1].Data);           // SPB: captured length = min(original, snaplen)
        Assert.Equal(8, recs[1].OriginalLength);
        Assert.Equal(C, recs[2].Data);
        Assert.Equal(1_700_000_000_500_000_000L, recs[2].TimestampNanoseconds);
        Assert.Equal(28 + 20, recs[0].FileOffset);    // SHB 28 bytes, IDB 20 bytes
        Assert.All(recs, r => Assert.Equal(LinkType.Ethernet, r.LinkType));
    }

    [Fact]
    public void Pcapng_TwoInterfacesWithDifferentLinkTypesAndTsresol_YieldsEachFramesOwnLinkTypeAndTime()
    {
        var file = new PcapNgBuilder().Section()
            .Interface(1)                               // Ethernet, default 10^-6
            .Interface(228, tsresol: 9)                 // raw IPv4, 10^-9
            .Interface(101, tsresol: 0x80 | 10)         // raw, 2^-10
            .Epb(0, 1_000_000UL, A)
            .Epb(1, 2_000_000_123UL, B)
            .Epb(2, (3UL << 10) | 512, C)
            .ToArray();
        var recs = Read.All(file);
        Assert.Equal([LinkType.Ethernet, LinkType.Ipv4, LinkType.Raw], recs.Select(r => r.LinkType));
        Assert.Equal([0, 1, 2], recs.Select(r => r.InterfaceId));
        Assert.Equal([1_000_000_000L, 2_000_000_123L, 3_500_000_000L], recs.Select(r => r.TimestampNanoseconds));
    }

    [Fact]
    public void Pcapng_IfTsoffset_IsAddedToTimestamps()
    {
        var file = new PcapNgBuilder().Section().Interface(1, tsresol: 3, tsoffset: 100).Epb(0, 1_500UL, A).ToArray();
        Assert.Equal(101_500_000_000L, Assert.Single(Read.All(file)).TimestampNanoseconds);
    }

    [Fact]
    public void Pcapng_TwoSections_EachSectionHasItsOwnInterfacesAndByteOrder()
    {
        var file = new PcapNgBuilder().Section().Interface(1).Epb(0, 1, A)
            .Section(bigEndian: true).Interface(229, tsresol: 9).Epb(0, 7, B)
            .ToArray();
        var m = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(file), "t", m);
        var recs = Read.All(reader);
        Assert.Empty(m.Items);
        Assert.Equal(2, reader.SectionCount);
        Assert.Equal([LinkType.Ethernet, LinkType.Ipv6], recs.Select(r => r.LinkType));
        Assert.Equal([1_000L, 7L], recs.Select(r => r.TimestampNanoseconds));
        Assert.Equal([0, 0], recs.Select(r => r.InterfaceId));
    }

    [Fact]
    public void Pcapng_PacketForInterfaceOfPreviousSection_IsReportedAndSkipped()
    {
        var file = new PcapNgBuilder().Section().Interface(1).Interface(1).Epb(1, 1, A)
            .Section().Interface(1).Epb(1, 2, B).Epb(0, 3, C).ToArray();
        var m = new MalformationList();
        var recs = Read.All(file, m);
        Assert.Equal([1L, 3L], recs.Select(r => r.FrameNumber));
        var bad = Assert.Single(m.Items);
        Assert.Equal(2, bad.Frame);
        Assert.Contains("interface 1", bad.Reason);
    }

    [Fact]
    public void Pcapng_BlockLengthNotMultipleOfFour_IsReportedWithOffsetAndReadingResumes()
    {
        var head = new PcapNgBuilder().Section().Interface(1).Epb(0, 1, A).ToArray();
        var file = new PcapNgBuilder().Section().Interface(1).Epb(0, 1, A)
            .Block(6, new byte[24], lengthOverride: 37)
            .Epb(0, 2, B).ToArray();
        var m = new MalformationList();
        var recs = Read.All(file, m);
        Assert.Equal([A, B], recs.Select(r => r.Data));
        var bad = Assert.Single(m.Items);
        Assert.Equal(head.Length, bad.Offset);
        Assert.Equal(2, bad.Frame);
        Assert.Contains("not a multiple of 4", bad.Reason);
        Assert.Equal(3, recs[1].FrameNumber);
    }

    [Fact]
    public void Pcapng_TrailingLengthMismatch_IsReportedAndNextBlockIsRead()
    {
        var head = new PcapNgBuilder().Section().Interface(1).ToArray();
        var file = new PcapNgBuilder().Section().Interface(1)
            .Block(6, new byte[24], trailerOverride: 40)
            .Epb(0, 2, B).ToArray();
        var m = new MalformationList();
        var recs = Read.All(file, m);
        Assert.Equal([B], recs.Select(r => r.Data));
        var bad = Assert.Single(m.Items);
        Assert.Equal(head.Length, bad.Offset);
        Assert.Contains("trailing length 40 differs from length 36", bad.Reason);
    }

    [Theory]
    [InlineData(8u)]
    [InlineData(0x7FFF_FFF0u)]
    public void Pcapng_BlockLengthBelow12OrHuge_IsReported(uint length)
    {
        var file = new PcapNgBuilder().Section().Interface(1).Block(6, new byte[24], lengthOverride: length)
            .Epb(0, 2, B).ToArray();
        var m = new MalformationList();
        var recs = Read.All(file, m);
        Assert.Equal([B], recs.Select(r => r.Data));
        Assert.Single(m.Items);
    }

    [Fact]
    public void Pcapng_TruncatedLastBlock_ReportsItsOffset()
    {
        var full = new PcapNgBuilder().Section().Interface(1).Epb(0, 1, A).Epb(0, 2, B).ToArray();
        var m = new MalformationList();
        var recs = Read.All(full[..^6], m);
        Assert.Single(recs);
        var bad = Assert.Single(m.Items);
        Assert.Equal(28 + 20 + 40, bad.Offset);
        Assert.Equal(2, bad.Frame);
        Assert.Contains("truncated block", bad.Reason);
    }

    [Fact]
    public void Pcapng_Gzipped_IsRead()
    {
        var plain = new PcapNgBuilder().Section().Interface(1).Epb(0, 1, A).ToArray();
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true)) z.Write(plain);
        using var reader = CaptureReader.Open(new PipeLikeStream(gz.ToArray(), 3), "-", new MalformationList());
        Assert.Equal(CaptureFileFormat.PcapNg, reader.Format);
        Assert.Equal(A, Assert.Single(Read.All(reader)).Data);
    }

    [Fact]
    public void Pcapng_FromEditcap_MatchesThePcapItWasConvertedFrom()
    {
        string dir = TestPaths.NewTempDir();
        var frames = Enumerable.Range(0, 5).Select(i => Packets.Ethernet(
            Packets.IPv4Udp("192.0.2.1", "192.0.2.9", 500, 500, Packets.IkeMessage(60 + i)))).ToArray();
        var pcap = new PcapBuilder(1, nanos: true);
        for (int i = 0; i < frames.Length; i++) pcap.Record(1_700_000_000 + i, 123_456_789 + i, frames[i]);
        string src = Path.Combine(dir, "in.pcap"), ng = Path.Combine(dir, "out.pcapng");
        File.WriteAllBytes(src, pcap.ToArray());
        Tool.Editcap("-F", "pcapng", src, ng);
        var a = Read.All(File.ReadAllBytes(src));
        var m = new MalformationList();
        using var reader = CaptureReader.Open(ng, m);
        var b = Read.All(reader);
        Assert.Empty(m.Items);
        Assert.Equal(CaptureFileFormat.PcapNg, reader.Format);
        Assert.Equal(a.Select(r => (r.FrameNumber, r.TimestampNanoseconds, r.LinkType, Convert.ToHexString(r.Data))),
                     b.Select(r => (r.FrameNumber, r.TimestampNanoseconds, r.LinkType, Convert.ToHexString(r.Data))));
    }

    [Fact]
    public void Pcapng_FromMergecap_TwoInterfacesWithDifferentLinkTypes_YieldsEachFramesOwnLinkType()
    {
        string dir = TestPaths.NewTempDir();
        var ip1 = Packets.IPv4Udp("192.0.2.1", "192.0.2.9", 500, 500, Packets.IkeMessage(60));
        var ip2 = Packets.IPv4Udp("192.0.2.9", "192.0.2.1", 500, 500, Packets.IkeMessage(70));
        string eth = Path.Combine(dir, "eth.pcap"), raw = Path.Combine(dir, "raw.pcap"), merged = Path.Combine(dir, "m.pcapng");
        File.WriteAllBytes(eth, new PcapBuilder(1).Record(1_700_000_000, 1, Packets.Ethernet(ip1)).ToArray());
        File.WriteAllBytes(raw, new PcapBuilder(228, nanos: true).Record(1_700_000_001, 7, ip2).ToArray());
        Tool.Mergecap("-F", "pcapng", "-w", merged, eth, raw);
        var m = new MalformationList();
        using var reader = CaptureReader.Open(merged, m);
        var recs = Read.All(reader);
        Assert.Empty(m.Items);
        Assert.Equal([LinkType.Ethernet, LinkType.Ipv4], recs.Select(r => r.LinkType));
        Assert.Equal([0, 1], recs.Select(r => r.InterfaceId));
        Assert.Equal([1_700_000_000_000_001_000L, 1_700_000_001_000_000_007L], recs.Select(r => r.TimestampNanoseconds));
        Assert.Equal(ip2, recs[1].Data);
    }

    [Fact]
    public void Pcapng_ConcatenatedEditcapFiles_AreTwoSections()
    {
        string dir = TestPaths.NewTempDir();
        string a = Path.Combine(dir, "a.pcap"), b = Path.Combine(dir, "b.pcap");
        File.WriteAllBytes(a, new PcapBuilder(1).Record(10, 0, Packets.Ethernet([0x45, 0, 0, 20])).ToArray());
        File.WriteAllBytes(b, new PcapBuilder(101).Record(20, 0, [0x60, 0, 0, 0]).ToArray());
        Tool.Editcap("-F", "pcapng", a, a + "ng");
        Tool.Editcap("-F", "pcapng", b, b + "ng");
        var both = File.ReadAllBytes(a + "ng").Concat(File.ReadAllBytes(b + "ng")).ToArray();
        var m = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(both), "cat", m);
        var recs = Read.All(reader);
        Assert.Empty(m.Items);
        Assert.Equal(2, reader.SectionCount);
        Assert.Equal([LinkType.Ethernet, LinkType.Raw], recs.Select(r => r.LinkType));
        Assert.Equal([1L, 2L], recs.Select(r => r.FrameNumber));
    }
}
