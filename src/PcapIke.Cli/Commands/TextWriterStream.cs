namespace PcapIke.Cli.Commands;

/// <summary>Standard output as a stream (<c>--csv -</c>, JSON): bytes written as UTF-8 text to the command's output
/// writer, so that tests capture it and the process's buffered standard output is used.</summary>
internal sealed class TextWriterStream(TextWriter writer) : WriteOnlyStream
{
    private readonly System.Text.Decoder _decoder = new System.Text.UTF8Encoding(false).GetDecoder();
    public override void Flush() => writer.Flush();
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        char[] chars = new char[_decoder.GetCharCount(buffer, flush: false)];
        int n = _decoder.GetChars(buffer, chars, flush: false);
        writer.Write(chars, 0, n);
    }
    protected override void Dispose(bool disposing)
    {
        if (disposing) writer.Flush();
        base.Dispose(disposing);
    }
}

/// <summary>A stream that is only written to, in spans (<see cref="Write(ReadOnlySpan{byte})"/>): what the command
/// output streams share.</summary>
internal abstract class WriteOnlyStream : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public abstract override void Write(ReadOnlySpan<byte> buffer);
}
