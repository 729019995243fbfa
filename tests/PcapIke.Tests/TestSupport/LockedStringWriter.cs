using System.Text;

namespace PcapIke.Tests.TestSupport;

/// <summary>A <see cref="StringWriter"/> that a timer thread may write while the test reads it: every write and read
/// takes one lock (a plain StringBuilder read mid-write throws out of <c>ToString</c>).</summary>
public sealed class LockedStringWriter : StringWriter
{
    private readonly object _gate = new();

    public override void Write(char value) { lock (_gate) base.Write(value); }
    public override void Write(string? value) { lock (_gate) base.Write(value); }
    public override void Write(char[] buffer, int index, int count) { lock (_gate) base.Write(buffer, index, count); }
    public override void Write(ReadOnlySpan<char> buffer) { lock (_gate) base.Write(buffer); }
    public override void WriteLine(string? value) { lock (_gate) base.WriteLine(value); }
    public override void Flush() { lock (_gate) base.Flush(); }
    public override StringBuilder GetStringBuilder() => throw new NotSupportedException("read it with ToString()");
    public override string ToString() { lock (_gate) return base.ToString(); }
}
