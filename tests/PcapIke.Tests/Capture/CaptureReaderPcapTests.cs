using System.IO.Compression;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Capture;

public class CaptureReaderPcapTests
{
    private static readonly byte[] A = [1, 2, 3, 4, 5];
    private static readonly byte[] B = [9, 8, 7];

    [Theory]
    [InlineData(false, false, CaptureFileFormat.Pcap)]
    [InlineData(true, false, CaptureFileFormat.Pcap)]
    [InlineData(false, true, CaptureFileFormat.PcapNanosecond)]
    [InlineData(true, true, CaptureFileFormat.PcapNanosecond)]
    public void Pcap_EitherByteOrderAndResolution_YieldsFramesAndNanosecondTimestamps(bool bigEndian, bool nanos,
        CaptureFileFormat expected)
    {
        var file = new PcapBuilder(1, bigEndian, nanos)
            .Record(1_700_000_000, nanos ? 123_456_789 : 123_456, A, origLen: 60)
            .Record(1_700_000_001, nanos ? 1 : 999_999, B)
            .ToArray();
        var m = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(file), "t", m);
        Assert.Equal(expected, reader.Format);
        var recs = Read.All(reader);
        Assert.Empty(m.Items);
        Assert.Equal(2, recs.Count);
        Assert.Equal(new RecordCopy(1, 1_700_000_000_123_456_789L - (nanos ? 0 : 789), LinkType.Ethernet, 0, 60, 24, A),
            recs[0] with { Data = A });
        Assert.Equal(A, recs[0].Data);
        Assert.Equal(2, recs[1].FrameNumber);
        Assert.Equal(nanos ? 1_700_000_001_000_000_001L : 1_700_000_001_999_999_000L, recs[1].TimestampNanoseconds);
        Assert.Equal(24 + 16 + 5, recs[1].FileOffset);
        Assert.Equal(B, recs[1].Data);
        Assert.Equal(file.Length, reader.Position);
    }

    [Theory]
    [InlineData(12u, LinkType.Raw)]
    [InlineData(14u, LinkType.Raw)]
    [InlineData(101u, LinkType.Raw)]
    [InlineData(113u, LinkType.LinuxSll)]
    [InlineData(0x0400_0001u, LinkType.Ethernet)]     // FCS bits above the 16-bit link type
    public void Pcap_LinkTypeField_MapsDltRawAndIgnoresUpperBits(uint field, LinkType expected)
    {
        var recs = Read.All(new PcapBuilder(field).Record(1, 0, A).ToArray());
        Assert.Equal(expected, Assert.Single(recs).LinkType);
    }

    [Fact]
    public void Pcap_Gzipped_IsDetectedByMagicBytesNotName()
    {
        var plain = new PcapBuilder(1).Record(5, 6, A).Record(7, 8, B).ToArray();
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(plain);
        using var reader = CaptureReader.Open(new MemoryStream(gz.ToArray()), "capture.pcap", new MalformationList());
        Assert.True(reader.IsCompressed);
        var recs = Read.All(reader);
        Assert.Equal([A, B], recs.Select(r => r.Data));
        Assert.Equal(24 + 16 + 5, recs[1].FileOffset);   // offsets are in the decompressed stream
    }

    [Fact]
    public void Pcap_NonSeekableStreamInSmallReads_LikeStdin_YieldsAllFrames()
    {
        var frames = Enumerable.Range(0, 50).Select(i => Enumerable.Repeat((byte)i, 10 + i).ToArray()).ToArray();
        var b = new PcapBuilder(1);
        foreach (var f in frames) b.Record(100, 0, f);
        using var reader = CaptureReader.Open(new PipeLikeStream(b.ToArray(), 7), "-", new MalformationList());
        Assert.Equal(frames, Read.All(reader).Select(r => r.Data));
    }

    [Fact]
    public void Pcap_RecordLargerThanInitialBuffer_IsReadWhole()
    {
        var big = new byte[3 << 20];
        new Random(1).NextBytes(big);
        var file = new PcapBuilder(1, snaplen: 4 << 20).Record(1, 0, A).Record(1, 1, big).Record(1, 2, B).ToArray();
        var m = new MalformationList();
        var recs = Read.All(file, m);
        Assert.Empty(m.Items);
        Assert.Equal(3, recs.Count);
        Assert.Equal(big, recs[1].Data);
        Assert.Equal(B, recs[2].Data);
    }

    [Fact]
    public void Pcap_TruncatedLastRecord_ReportsItsOffsetAndKeepsEarlierFrames()
    {
        var full = new PcapBuilder(1).Record(1, 0, A).Record(2, 0, B).Record(3, 0, new byte[100]).ToArray();
        var cut = full[..^40];
        var m = new MalformationList();
        var recs = Read.All(cut, m, "cut.pcap");
        Assert.Equal(2, recs.Count);
        var bad = Assert.Single(m.Items);
        Assert.Equal(("cut.pcap", 3L, 24L + 21 + 19, MalformationLayer.Capture), (bad.File, bad.Frame, bad.Offset, bad.Layer));
        Assert.Contains("truncated record", bad.Reason);
        Assert.Contains("100", bad.Reason);
    }

    [Fact]
    public void Pcap_PartialRecordHeaderAtEnd_IsReported()
    {
        var file = new PcapBuilder(1).Record(1, 0, A).Raw([1, 2, 3, 4, 5, 6]).ToArray();
        var m = new MalformationList();
        Assert.Single(Read.All(file, m));
        var bad = Assert.Single(m.Items);
        Assert.Equal(24 + 21, bad.Offset);
        Assert.Contains("truncated record header", bad.Reason);
    }

    [Fact]
    public void Pcap_GarbageAfterFileHeader_IsReportedAndReadingResynchronises()
    {
        var garbage = Enumerable.Range(0, 37).Select(i => (byte)(0xF0 ^ i)).ToArray();
        var file = new PcapBuilder(1).Raw(garbage)
            .Record(1_700_000_000, 10, A).Record(1_700_000_000, 20, B).ToArray();
        var m = new MalformationList();
        var recs = Read.All(file, m);
        Assert.Equal([A, B], recs.Select(r => r.Data));
        Assert.Equal(24 + 37, recs[0].FileOffset);
        var bad = Assert.Single(m.Items);
        Assert.Equal(24, bad.Offset);
        Assert.Equal(MalformationLayer.Capture, bad.Layer);
        Assert.Contains("skipped 37 bytes", bad.Reason);
        // The damaged "record" consumed frame 1, so the good ones are 2 and 3.
        Assert.Equal([2L, 3L], recs.Select(r => r.FrameNumber));
    }

    [Fact]
    public void Pcap_HugeCapturedLengthAtEnd_StopsCleanlyWithoutAllocatingIt()
    {
        var file = new PcapBuilder(1).Record(1, 0, A).RawU32(1).RawU32(0).RawU32(200 << 20).RawU32(200 << 20)
            .Raw(new byte[64]).ToArray();
        var m = new MalformationList();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var recs = Read.All(file, m);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Single(recs);
        var bad = Assert.Single(m.Items);
        Assert.Equal(24 + 21, bad.Offset);
        Assert.Contains("209715200", bad.Reason);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0 }, "not a pcap")]
    [InlineData(new byte[] { 0xD4, 0xC3, 0xB2, 0xA1, 2, 0 }, "truncated pcap file header")]
    public void Open_InputThatIsNotACapture_ThrowsCaptureFormatException(byte[] input, string message)
    {
        var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(new MemoryStream(input), "x", new MalformationList()));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Open_MissingFile_ThrowsCaptureFormatException()
    {
        Assert.Throws<CaptureFormatException>(() => CaptureReader.Open("/nonexistent/x.pcap", new MalformationList()));
    }

    [Fact]
    public void TryRead_AllocatesNothingPerRecord()
    {
        var b = new PcapBuilder(1);
        for (int i = 0; i < 20_000; i++) b.Record(i, 0, A);
        var file = b.ToArray();
        using var reader = CaptureReader.Open(new MemoryStream(file), "t", new MalformationList());
        Assert.True(reader.TryRead(out _));
        long before = GC.GetAllocatedBytesForCurrentThread();
        long n = 1, sum = 0;
        while (reader.TryRead(out var r)) { n++; sum += r.Data[0]; }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(20_000, n);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Text2pcapFile_ReadsTheFramesAndTimesItWrote()
    {
        string dir = TestPaths.NewTempDir();
        var frames = new[] { Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Packets.IkeMessage(100))),
                             Packets.Ethernet(Packets.IPv4Udp("192.0.2.2", "192.0.2.1", 500, 500, Packets.IkeMessage(80))) };
        Tool.WriteHexDump(Path.Combine(dir, "in.txt"), frames);
        string pcap = Path.Combine(dir, "out.pcap");
        Tool.Text2Pcap(Path.Combine(dir, "in.txt"), pcap, "-F", "pcap", "-l", "1");
        using var reader = CaptureReader.Open(pcap, new MalformationList());
        var recs = Read.All(reader);
        Assert.Equal(frames, recs.Select(r => r.Data));
        Assert.All(recs, r => Assert.Equal(LinkType.Ethernet, r.LinkType));
    }
}
