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
