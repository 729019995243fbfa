using System.Globalization;
using System.Text;

namespace PcapIke.Text;

/// <summary>
/// THE escaping of text that came from the wire or an input file, for every text output (analyze/dissect/certs text,
/// batch CSV, the case report's HTML and Markdown through <c>ReportEscape</c>, standard error). A string is shown as
/// it is except the characters that would hide, move or reorder what a reader sees: C0 and C1 controls and DEL as
/// <c>\xNN</c> (ESC sequences cannot colour or move the terminal, NUL cannot cut a line, a line feed cannot split a
/// finding line), and the bidirectional controls (U+200E/F, U+202A–U+202E, U+2066–U+2069), the line and paragraph
/// separators, the BOM, noncharacters and lone surrogates as <c>\uNNNN</c>. ID payloads' bytes are shown the same way
/// (<see cref="Printable"/>, one <c>\xNN</c> per byte outside printable ASCII).
/// </summary>
public static class SafeText
{
    /// <summary>True for a character <see cref="Visible"/> never writes as is (line feed and tab aside, which it
    /// keeps only when asked).</summary>
    public static bool IsHidden(char c) =>
        c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || IsFormatting(c) || char.IsSurrogate(c);

    // Characters shown as \uNNNN: bidi embeddings/overrides/isolates and marks, line/paragraph separators, the BOM
    // (a zero-width no-break space) and the noncharacters U+FDD0–U+FDEF, U+FFFE, U+FFFF.
    private static bool IsFormatting(char c) =>
        c is '\u200E' or '\u200F' or '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
            or '\uFEFF' or '\uFFFE' or '\uFFFF' or (>= '\uFDD0' and <= '\uFDEF');

    /// <summary>True when <paramref name="text"/> has a character <see cref="Visible"/> would escape.</summary>
    public static bool HasHidden(string text, bool keepNewlines = false) => !ReferenceEquals(Visible(text, keepNewlines), text);

    /// <summary>The text with every hidden character made visible. Line feeds and tabs are escaped too unless
    /// <paramref name="keepNewlines"/> (a multi-line block whose lines the caller lays out itself).</summary>
    public static string Visible(string text, bool keepNewlines = false)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (!IsHidden(c) || (keepNewlines && c is '\n' or '\t'))
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            AppendEscape(sb, c);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>Appends the escape of one hidden character: <c>\xNN</c> for a control, else <c>\uNNNN</c>.</summary>
    public static void AppendEscape(StringBuilder sb, char c)
    {
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
            sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
        else
            sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
    }

    /// <summary>Bytes of an ID payload (FQDN, user FQDN, key ID) as text: printable ASCII as is, every other byte
    /// as <c>\xNN</c>.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7F)
                sb.Append((char)b);
            else
                sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

/// <summary>
/// A writer that lets through only what <see cref="SafeText.Visible"/> lets through in a multi-line block (line feeds
/// and tabs kept, every other hidden character escaped): the CLI's standard output and standard error go through one,
/// so no string a writer forgot to escape reaches the terminal raw. JSON stays JSON: its writers never emit a raw
/// control, and a raw bidi control becomes <c>\uNNNN</c>, JSON's own escape of the same character. A terminal control
/// sequence the program itself means (watch's status line) goes through <see cref="WriteControl"/>.
/// </summary>
public sealed class SafeTextWriter(TextWriter inner) : TextWriter
{
    private char _pendingHigh;

    public TextWriter Inner { get; } = inner;

    public override Encoding Encoding => Inner.Encoding;

    public override IFormatProvider FormatProvider => Inner.FormatProvider;

    public override string NewLine
    {
        get => Inner.NewLine;
#pragma warning disable CS8765
        set => Inner.NewLine = value;
#pragma warning restore CS8765
    }

    /// <summary>The writer a <see cref="SafeTextWriter"/> wraps, else <paramref name="writer"/> itself.</summary>
    public static TextWriter Unwrap(TextWriter writer) => writer is SafeTextWriter s ? s.Inner : writer;

    /// <summary>Writes <paramref name="sequence"/> unescaped: for control sequences the program itself means.</summary>
    public static void WriteControl(TextWriter writer, string sequence)
    {
        if (writer is SafeTextWriter s)
        {
            s.FlushPending();
            s.Inner.Write(sequence);
        }
        else
            writer.Write(sequence);
    }

    public override void Write(char value)
    {
        if (_pendingHigh != 0)
        {
            char high = _pendingHigh;
            _pendingHigh = '\0';
            if (char.IsLowSurrogate(value))
            {
                Inner.Write(high);
                Inner.Write(value);
                return;
            }
            Inner.Write(SafeText.Visible(high.ToString()));
        }
        if (char.IsHighSurrogate(value))
        {
            _pendingHigh = value;
            return;
        }
        if (!SafeText.IsHidden(value) || value is '\n' or '\t')
            Inner.Write(value);
        else
            Inner.Write(SafeText.Visible(value.ToString()));
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (_pendingHigh != 0 || char.IsHighSurrogate(value[^1]) || char.IsLowSurrogate(value[0]))
        {
            foreach (char c in value) Write(c);
            return;
        }
        Inner.Write(SafeText.Visible(value, keepNewlines: true));
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine(string? value)
    {
        Write(value);
        WriteLine();
    }

    public override void WriteLine()
    {
        FlushPending();
        Inner.WriteLine();
    }

    private void FlushPending()
    {
        if (_pendingHigh == 0) return;
        Inner.Write(SafeText.Visible(_pendingHigh.ToString()));
        _pendingHigh = '\0';
    }

    public override void Flush()
    {
        FlushPending();
        Inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }
}
