using PcapIke.Capture;

namespace PcapIke.Tests.Capture;

public class ReadAheadStreamTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(4096, 4)]
    public void ReadAhead_GivesTheInnerBytesInOrder_WhateverTheChunking(int chunkSize, int chunks)
    {
        var data = new byte[100_003];
        new Random(5).NextBytes(data);
        using var s = new ReadAheadStream(new MemoryStream(data), chunkSize: chunkSize, chunks: chunks);

        var copy = new MemoryStream();
        var buf = new byte[333];
        int n;
        while ((n = s.Read(buf, 0, buf.Length)) > 0) copy.Write(buf, 0, n);

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(0, s.Read(buf, 0, buf.Length)); // stays at the end
    }

    [Fact]
    public void ReadAhead_InnerReadError_IsRethrownAfterTheBytesBeforeIt()
    {
        using var s = new ReadAheadStream(new FailingStream(bytesBeforeFailure: 10), chunkSize: 4, chunks: 2);
        var buf = new byte[4];
        int total = 0;
        var ex = Assert.Throws<IOException>(() =>
        {
            int n;
            while ((n = s.Read(buf, 0, buf.Length)) > 0) total += n;
        });
        Assert.Equal(8, total); // the two whole chunks before the failing read; the partial one is lost with it
        Assert.Contains("disk gone", ex.Message);
    }

    [Fact]
    public void ReadAhead_DisposedBeforeTheEnd_StopsItsThread()
    {
        var s = new ReadAheadStream(new MemoryStream(new byte[10_000_000]), chunkSize: 1024, chunks: 2);
        var buf = new byte[10];
        Assert.Equal(10, s.Read(buf, 0, 10));
        s.Dispose(); // must return promptly although the producer is blocked on a full ring
    }

    [Fact]
    public void CaptureReader_OpenedByPath_ReadsTheSameFramesAsFromAMemoryStream()
    {
        string path = Path.Combine(TestSupport.TestPaths.SharedCaptures, "ipsec.cap");
        var fromPath = Frames(Diagnostics(), r => CaptureReader.Open(path, r));
        var fromMemory = Frames(Diagnostics(), r => CaptureReader.Open(new MemoryStream(File.ReadAllBytes(path)), path, r));
        Assert.Equal(fromMemory, fromPath);
        Assert.Equal(27, fromPath.Count);
    }

    // The reader decodes in the read-ahead's chunks (one copy): records cut by a chunk boundary are moved into the next
    // chunk's headroom, and records longer than the headroom are put together in a pooled buffer. Whatever the chunk
    // and headroom sizes, the frames (and malformations) are those read from a plain MemoryStream.
    [Theory]
    [InlineData("ipsec.cap", 1, 0, 1)]
    [InlineData("ipsec.cap", 7, 16, 2)]
    [InlineData("ipsec.cap", 100, 64, 2)]
    [InlineData("ipsec.cap", 4096, 1024, 4)]
    [InlineData("ikev1-certs.pcap", 333, 100, 3)]
    [InlineData("ikev1-certs.pcap", 65536, 512, 2)]
    [InlineData("IPsec_ESP-AH_tunnel_mode.cap", 50, 2000, 2)]
    public void CaptureReader_ReadAheadInChunks_ReadsTheSameFramesAsFromAMemoryStream(string file, int chunkSize, int headroom, int chunks)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestSupport.TestPaths.SharedCaptures, file));
        foreach (byte[] input in new[] { bytes, Gzip(bytes), Damaged(bytes) })
        {
            var expectedM = Diagnostics();
            var expected = Frames(expectedM, r => CaptureReader.Open(new MemoryStream(input), file, r));
            var actualM = Diagnostics();
            var actual = Frames(actualM, r => CaptureReader.Open(
                new ReadAheadStream(new MemoryStream(input), chunkSize: chunkSize, chunks: chunks, headroom: headroom), file, r));
            Assert.Equal(expected, actual);
            Assert.Equal(expectedM.Items.Select(m => m.ToString()), actualM.Items.Select(m => m.ToString()));
        }
    }

    [Fact]
    public void CaptureReader_ReadAheadInChunks_PcapNgAndTextDumps_ReadTheSameFrames()
    {
        var frames = TestSupport.TextDumps.ReadFrames(Path.Combine(TestSupport.TestPaths.SharedCaptures, "ikev1-certs.pcap"));
        var ng = new MemoryStream();
        using (var w = new PcapNgFileWriter(ng, ownsStream: false))
            foreach (var f in frames) w.Write(f.TimestampNanoseconds, f.LinkType, f.Data, comment: $"frame {f.Number}");
        var inputs = new List<byte[]> { ng.ToArray() };
        foreach (var layout in Enum.GetValues<TestSupport.DumpLayout>())
            inputs.Add(System.Text.Encoding.ASCII.GetBytes(TestSupport.TextDumps.Render(frames, layout)));
        foreach (byte[] bytes in inputs)
            foreach (var (chunkSize, headroom) in new[] { (97, 40), (1000, 0), (4096, 1500) })
            {
                var expected = Frames(Diagnostics(), r => CaptureReader.Open(new MemoryStream(bytes), "x", r));
                var actual = Frames(Diagnostics(), r => CaptureReader.Open(
                    new ReadAheadStream(new MemoryStream(bytes), chunkSize: chunkSize, chunks: 2, headroom: headroom), "x", r));
                Assert.NotEmpty(expected);
                Assert.Equal(expected, actual);
            }
    }

    private static byte[] Gzip(byte[] data)
    {
        var m = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(m, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            z.Write(data);
        return m.ToArray();
    }

    /// <summary>The capture with a record length field smashed halfway and its last 5 bytes cut: the reader
    /// resynchronises and reports a truncated record.</summary>
    private static byte[] Damaged(byte[] data)
    {
        var d = data[..^5];
        int at = Math.Min(d.Length - 4, 24 + d.Length / 2);
        d[at] = 0xFF; d[at + 1] = 0xFF; d[at + 2] = 0x7F; d[at + 3] = 0x00;
        return d;
    }

    private static PcapIke.Diagnostics.MalformationList Diagnostics() => new();

    private static List<string> Frames(PcapIke.Diagnostics.MalformationList m, Func<PcapIke.Diagnostics.MalformationList, CaptureReader> open)
    {
        var list = new List<string>();
        using var reader = open(m);
        while (reader.TryRead(out CaptureRecord r)) list.Add($"{r.FrameNumber}:{r.TimestampNanoseconds}:{Convert.ToHexString(r.Data)}");
        return list;
    }

    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int _given;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= bytesBeforeFailure) throw new IOException("disk gone");
            int n = Math.Min(count, Math.Min(1, bytesBeforeFailure - _given));
            _given += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
