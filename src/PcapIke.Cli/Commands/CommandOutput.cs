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
