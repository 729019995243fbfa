using PcapIke.Text;

namespace PcapIke.Cli.Commands;

/// <summary>
/// A command's standard output as a byte stream, for the JSON writers: the process's own standard output
/// (<c>Program</c>'s buffered <see cref="StreamWriter"/>, flushed first so that what was written before stays in order)
/// when the output is it, so JSON goes to it in ~64 KiB writes as it is produced and is never held whole; else (a
/// <see cref="StringWriter"/> in tests) a <see cref="TextWriterStream"/> over the writer. The JSON writers escape every
/// non-ASCII and control character (<see cref="System.Text.Json.Utf8JsonWriter"/>'s default encoder), so bypassing the
/// <see cref="SafeTextWriter"/> changes no byte. Disposing the stream flushes it and leaves standard output open.
/// </summary>
internal static class CommandOutput
{
    public static Stream OpenBytes(TextWriter output)
    {
        if (SafeTextWriter.Unwrap(output) is StreamWriter { BaseStream: { CanWrite: true } stdout } writer)
        {
            output.Flush();
            writer.Flush();
            return new LeaveOpenStream(stdout);
        }
        return new TextWriterStream(output);
    }

    private sealed class LeaveOpenStream(Stream inner) : WriteOnlyStream
    {
        public override void Flush() => inner.Flush();
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Flush();
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// The stream under a command's output: the process's standard output, <c>--output FILE</c>, batch's <c>--csv</c> and
/// <c>--jsonl</c> files. A write or flush that fails (a full disk, a closed descriptor) ends the command with one error
/// line and exit code 3 (a <see cref="CliOutputException"/> naming the output, which no capture's error handling takes
/// for a failure of the capture being read); the rest of the output is dropped, so closing it does not fail again.
/// </summary>
internal sealed class OutputStream(Stream inner, string what) : WriteOnlyStream
{
    private bool _failed;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_failed) return;
        try { inner.Write(buffer); }
        catch (IOException e) { throw Failure(e); }
    }

    public override void Flush()
    {
        if (_failed) return;
        try { inner.Flush(); }
        catch (IOException e) { throw Failure(e); }
    }

    private CliOutputException Failure(IOException e)
    {
        _failed = true;
        return new CliOutputException($"cannot write {what}: {e.Message}", e);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try { Flush(); }
            finally
            {
                try { inner.Dispose(); } catch (IOException) when (_failed) { }
            }
        }
        base.Dispose(disposing);
    }
}

