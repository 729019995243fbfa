using System.Globalization;
using System.Text;

namespace PcapIke.Reports;

/// <summary>
/// Escaping for the case report writers. Everything from the wire (DNs, IDs, vendor strings) is attacker-controlled:
/// every text goes through <see cref="Html"/> or <see cref="Markdown"/>, and characters that would hide or reorder
/// text (C0/C1 controls, DEL, bidirectional overrides, line/paragraph separators, noncharacters, lone surrogates) are
/// shown as <c>\xNN</c> / <c>\uNNNN</c> by the one helper every text output uses, <see cref="Text.SafeText"/>.
/// </summary>
public static class ReportEscape
{
    /// <summary>The text with invisible or reordering characters made visible; line feeds kept when
    /// <paramref name="keepNewlines"/>, else shown as <c>\n</c>.</summary>
    public static string Visible(string text, bool keepNewlines = false) => Text.SafeText.Visible(text, keepNewlines);

    /// <summary>HTML text or attribute value: <c>&amp; &lt; &gt; &quot; &#39;</c> escaped, invisible characters shown.</summary>
    public static string Html(string text, bool keepNewlines = false)
    {
        string v = Visible(text, keepNewlines);
        var sb = new StringBuilder(v.Length + 16);
        foreach (char c in v)
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(c); break;
            }
        return sb.ToString();
    }

    /// <summary>Markdown inline text: no HTML can form (<c>&lt; &gt; &amp;</c> as entities), the characters that
    /// make emphasis, links, code, tables and headings backslash-escaped, line feeds as spaces.</summary>
    public static string Markdown(string text)
    {
        string v = Visible(text).Replace('\t', ' ');
        var sb = new StringBuilder(v.Length + 16);
        foreach (char c in v)
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '~' or '!' or '{' or '}':
                    sb.Append('\\').Append(c); break;
                default: sb.Append(c); break;
            }
        return sb.ToString();
    }

    /// <summary>Our own prose in Markdown (not a table cell): each pair of backticks stays a code span, as the HTML
    /// report renders it as <c>&lt;code&gt;</c> (its content shown literally: Markdown interprets nothing in a code
    /// span); the rest as <see cref="Markdown"/>; an unpaired backtick escaped.</summary>
    public static string MarkdownProse(string text)
    {
        string v = Visible(text).Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
        var sb = new StringBuilder(v.Length + 16);
        int i = 0;
        while (i < v.Length)
        {
            int open = v.IndexOf('`', i);
            int close = open < 0 ? -1 : v.IndexOf('`', open + 1);
            if (close < 0 || close == open + 1)
            {
                sb.Append(Markdown(v[i..]));
                break;
            }
            sb.Append(Markdown(v[i..open])).Append('`').Append(v, open + 1, close - open - 1).Append('`');
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>A fence for a Markdown code block holding <paramref name="content"/>: backticks, one more than its
    /// longest run (at least three).</summary>
    public static string Fence(string content)
    {
        int longest = 0, run = 0;
        foreach (char c in content)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return new string('`', Math.Max(3, longest + 1));
    }

    /// <summary>At most <paramref name="max"/> characters (text elements are not split), with "…" when cut.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        int cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }
}
