using System.Text;
using System.Text.RegularExpressions;

namespace PcapIke.Model.Ios;

/// <summary>The kinds of IOS text a paste can hold; several may be in one file.</summary>
[Flags]
public enum IosTextKinds
{
    None = 0,

    /// <summary><c>show running-config</c> (or a configuration excerpt, or commands typed at a config prompt).</summary>
    RunningConfig = 1,

    /// <summary><c>show crypto pki certificates</c>.</summary>
    PkiCertificates = 2,

    /// <summary><c>show crypto isakmp profile</c>.</summary>
    IsakmpProfiles = 4,

    /// <summary><c>show crypto ikev2 profile</c>.</summary>
    Ikev2Profiles = 8,
}

/// <summary>The CLI mode a line was typed in, when it came after a prompt: <c>R1(config)#</c> is
/// <see cref="Global"/>, <c>R1(config-if)#</c> or <c>R1(ca-trustpoint)#</c> a <see cref="Submode"/>.</summary>
public enum IosPromptMode
{
    None,
    Global,
    Submode,
}

/// <summary>
/// One content line of a paste after cleaning (docs/ios-parsers.md, "Tolerance"): its 1-based number in the original
/// text, its text with prompt, markdown and <c>--More--</c> removed and trimmed, its indentation (leading blanks left
/// after cleaning; a tab counts one), the kind of text it belongs to, and the config mode when it was typed at a
/// config prompt.
/// </summary>
public readonly record struct IosLine(int Number, string Text, int Indent, IosTextKinds Kind, IosPromptMode Mode);

/// <summary>
/// A paste split into content lines, each tagged with the kind of IOS text it belongs to. <paramref name="PromptHostnames"/>
/// are the hostnames the prompts show (<c>R1#sh run</c> → R1), in order of appearance; <paramref name="NoiseLines"/>
/// counts the lines dropped as markdown or terminal noise and <paramref name="DebugLines"/> the syslog/debug lines
/// dropped.
/// </summary>
public sealed record IosPasteText(
    IReadOnlyList<IosLine> Lines,
    IReadOnlyList<string> PromptHostnames,
    IosTextKinds Kinds,
    int NoiseLines,
    int DebugLines)
{
    /// <summary>The lines of <paramref name="kind"/>; when no line has that kind, every line whose kind is unknown
    /// (so a fragment with no recognizable start is still read).</summary>
    public IReadOnlyList<IosLine> LinesOf(IosTextKinds kind) =>
        (Kinds & kind) != 0 ? Lines.Where(l => l.Kind == kind).ToArray() : Lines.Where(l => l.Kind == IosTextKinds.None).ToArray();
}

/// <summary>
/// The one home of the tolerance rules for IOS text engineers paste (docs/ios-parsers.md): prompts and the show commands
/// they run (abbreviated or not), <c>--More--</c> with or without the backspaces IOS sends after it, syslog and debug
/// lines, Windows line ends, tabs, markdown fences, headings, bullets, bold and backticks. Every parser of
/// <c>Model/Ios</c> reads its input through <see cref="Read"/>.
/// </summary>
public static partial class IosPaste
{
    /// <summary>What <paramref name="text"/> holds: a running configuration, a certificate listing, profile listings
    /// (any combination), or <see cref="IosTextKinds.None"/>. Never throws.</summary>
    public static IosTextKinds Detect(string text) => Read(text).Kinds;

    /// <summary>Cleans <paramref name="text"/> and tags each content line with its kind. Never throws.</summary>
    public static IosPasteText Read(string text)
    {
        text ??= "";
        string[] raw = text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None);
        var cleaned = new List<(int Number, string Text, int Indent, IosPromptMode Mode, IosTextKinds? Command)>(raw.Length);
        var hostnames = new List<string>();
        int noise = 0, debug = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            string line = Clean(raw[i], out bool dropped);
            if (dropped)
            {
                noise++;
                continue;
            }
            string trimmed = line.Trim();
            if (trimmed.Length == 0)
                continue;
            if (IsDebug(trimmed))
            {
                debug++;
                continue;
            }
            int indent = line.Length - line.TrimStart().Length;
            // "cn=R1" and "Storage: nvram:CA1#2.cer" are not prompts: '=', ':' and blanks are outside a hostname.
            if (Prompt().Match(trimmed) is { Success: true } p)
            {
                string host = p.Groups["host"].Value;
                if (!hostnames.Contains(host))
                    hostnames.Add(host);
                string command = p.Groups["cmd"].Value.Trim();
                if (p.Groups["mode"].Success)
                {
                    // A command typed in configuration mode is configuration; (config) is global, any other mode a submode.
                    IosPromptMode mode = p.Groups["mode"].Value == "config" ? IosPromptMode.Global : IosPromptMode.Submode;
                    if (command.Length > 0)
                        cleaned.Add((i + 1, command, 0, mode, IosTextKinds.RunningConfig));
                }
                else
                    cleaned.Add((i + 1, command, 0, IosPromptMode.None, ShowCommandKind(command)));
                continue;
            }
            cleaned.Add((i + 1, trimmed, indent, IosPromptMode.None, null));
        }
        return Tag(cleaned, hostnames, noise, debug);
    }

    // Second pass: a prompt's command decides the kind of the lines after it; inside any stretch a strong start
    // (a configuration command, a certificate title, a profile header) switches to its own kind.
    private static IosPasteText Tag(
        List<(int Number, string Text, int Indent, IosPromptMode Mode, IosTextKinds? Command)> cleaned,
        List<string> hostnames, int noise, int debug)
    {
        var lines = new List<IosLine>(cleaned.Count);
        IosTextKinds current = IosTextKinds.None, found = IosTextKinds.None;
        bool commandOpen = false;
        for (int i = 0; i < cleaned.Count; i++)
        {
            var c = cleaned[i];
            if (c.Mode != IosPromptMode.None)
            {
                lines.Add(new IosLine(c.Number, c.Text, c.Indent, IosTextKinds.RunningConfig, c.Mode));
                current = IosTextKinds.RunningConfig;
                found |= current;
                commandOpen = false;
                continue;
            }
            if (c.Command is { } command)
            {
                current = command;
                commandOpen = command != IosTextKinds.None;
                continue;
            }
            IosTextKinds strong = StrongStart(cleaned, i);
            if (strong != IosTextKinds.None)
            {
                current = strong;
                found |= strong;
            }
            else if (commandOpen)
            {
                found |= current; // the show command's output, even in a layout not recognised line by line
                commandOpen = false;
            }
            lines.Add(new IosLine(c.Number, c.Text, c.Indent, current, IosPromptMode.None));
        }
        return new IosPasteText(lines, hostnames, found, noise, debug);
    }

    /// <summary>The kind of output an exec command prints: <c>sh run</c>, <c>show crypto pki certificates</c>,
    /// <c>sh cry pki cert</c>, <c>sh cry isa prof</c>, <c>show crypto ikev2 profile</c> … (IOS accepts any unambiguous
    /// prefix of each keyword); <see cref="IosTextKinds.None"/> for any other command.</summary>
    public static IosTextKinds ShowCommandKind(string command)
    {
        int pipe = command.IndexOf('|');
        if (pipe >= 0)
            command = command[..pipe];
        string[] w = command.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (w.Length > 0 && w[0] == "do")
            w = w[1..];
        if (w.Length >= 2 && Keyword(w[0], "write", 2) && Keyword(w[1], "terminal", 1))
            return IosTextKinds.RunningConfig;
        if (w.Length >= 2 && w[0] == "more" && (w[1].EndsWith(":running-config", StringComparison.Ordinal) || w[1].EndsWith(":startup-config", StringComparison.Ordinal)))
            return IosTextKinds.RunningConfig;
        if (w.Length < 2 || !Keyword(w[0], "show", 2))
            return IosTextKinds.None;
        if (Keyword(w[1], "running-config", 3) || Keyword(w[1], "startup-config", 4) || Keyword(w[1], "configuration", 4))
            return IosTextKinds.RunningConfig;
        if (w.Length < 4 || !Keyword(w[1], "crypto", 3))
            return IosTextKinds.None;
        if ((Keyword(w[2], "pki", 2) || w[2] == "ca") && Keyword(w[3], "certificates", 2))
            return IosTextKinds.PkiCertificates;
        if (Keyword(w[2], "isakmp", 3) && Keyword(w[3], "profile", 3))
            return IosTextKinds.IsakmpProfiles;
        if (w[2] == "ikev2" && Keyword(w[3], "profile", 4))
            return IosTextKinds.Ikev2Profiles;
        return IosTextKinds.None;
    }

    /// <summary>True when <paramref name="token"/> abbreviates <paramref name="keyword"/> with at least
    /// <paramref name="minimum"/> characters (IOS accepts any prefix that is unambiguous among its siblings).</summary>
    internal static bool Keyword(string token, string keyword, int minimum) =>
        token.Length >= Math.Min(minimum, keyword.Length) && token.Length <= keyword.Length
        && keyword.StartsWith(token, StringComparison.OrdinalIgnoreCase);

    // ---- strong starts ----

    private static readonly string[] s_cryptoSections =
        ["pki", "ca", "isakmp", "ikev2", "ipsec", "map", "dynamic-map", "keyring", "key", "logging", "engine", "gdoi", "vpn"];

    private static IosTextKinds StrongStart(List<(int Number, string Text, int Indent, IosPromptMode Mode, IosTextKinds? Command)> lines, int i)
    {
        string t = lines[i].Text;
        if (CertificateTitle().IsMatch(t))
        {
            // A title is a certificate entry only when an entry's first labels follow it.
            for (int j = i + 1, seen = 0; j < lines.Count && seen < 3; j++, seen++)
            {
                if (lines[j].Command is not null || lines[j].Mode != IosPromptMode.None)
                    break;
                string next = lines[j].Text;
                if (next.StartsWith("Status:", StringComparison.OrdinalIgnoreCase)
                    || next.StartsWith("Certificate Serial Number", StringComparison.OrdinalIgnoreCase)
                    || next.StartsWith("Certificate Usage", StringComparison.OrdinalIgnoreCase))
                    return IosTextKinds.PkiCertificates;
            }
            return IosTextKinds.None;
        }
        if (Ikev2ProfileHeader().IsMatch(t))
            return IosTextKinds.Ikev2Profiles;
        if (IsakmpProfileHeader().IsMatch(t))
            return IosTextKinds.IsakmpProfiles;
        string[] w = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (w.Length == 0)
            return IosTextKinds.None;
        bool config = w[0] switch
        {
            "hostname" or "version" or "boot-start-marker" => w.Length <= 2,
            "interface" => w.Length >= 2,
            "crypto" => w.Length >= 3 && s_cryptoSections.Contains(w[1], StringComparer.OrdinalIgnoreCase),
            "ip" => w.Length >= 3 && w[1] is "domain" or "domain-name" or "route",
            "Building" => t.StartsWith("Building configuration", StringComparison.Ordinal),
            "Current" => t.StartsWith("Current configuration", StringComparison.Ordinal),
            _ => false,
        };
        return config ? IosTextKinds.RunningConfig : IosTextKinds.None;
    }

    [GeneratedRegex(@"^(?:(?:CA|Router Self-Signed|Router|RA(?: \w+)?|Trustpool|Trusted|Self-Signed)\s+)?Certificate$")]
    internal static partial Regex CertificateTitle();

    [GeneratedRegex(@"^IKEv2 profile\s*:\s*(?<name>\S+)", RegexOptions.IgnoreCase)]
    internal static partial Regex Ikev2ProfileHeader();

    [GeneratedRegex(@"^ISAKMP PROFILE\s+(?<name>\S+)$", RegexOptions.IgnoreCase)]
    internal static partial Regex IsakmpProfileHeader();

    // ---- line cleaning ----

    // R1#sh run, R1>show ..., R1(config)#crypto ..., R1(config-if)#ip address ...
    [GeneratedRegex(@"^(?<host>[A-Za-z][A-Za-z0-9._\-]{0,62})(?:\((?<mode>[A-Za-z0-9\-]+)\))?[#>](?<cmd>.*)$")]
    internal static partial Regex Prompt();

    // Syslog and debug lines: "*Jun 20 13:00:37.610: ...", ".Jun 20 ...", "000123: *Jun 20 2013 13:00:37 CET: ...",
    // "00:01:23: %LINK-3-UPDOWN ...", "%CRYPTO-5-IKMP_INVALID_CERT: ..." and un-timestamped debug such as
    // "IKEv2:(SA ID = 1):..." or "ISAKMP (1010): ..." (IOS prints debug messages whole, one per line).
    [GeneratedRegex(@"^(?:\d+:\s+)?[*.]?(?:[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?)?\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:\s+[A-Za-z]{2,6})?:\s")]
    private static partial Regex SyslogStamp();

    [GeneratedRegex(@"^(?:%[A-Z0-9_]+-\d-[A-Z0-9_]+:|(?:ISAKMP|IKEv2|IKEv1|CRYPTO_PKI|IPSEC|CRYPTO)(?::|\s*\())")]
    private static partial Regex DebugMessage();

    private static bool IsDebug(string trimmed) => SyslogStamp().IsMatch(trimmed) || DebugMessage().IsMatch(trimmed);

    [GeneratedRegex(@"<?-{2,}\s*\(?\s*More\s*\)?\s*-{2,}>?", RegexOptions.IgnoreCase)]
    private static partial Regex MoreMarker();

    [GeneratedRegex(@"\x1B\[[0-9;?]*[ -/]*[@-~]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+")]
    private static partial Regex MarkdownHeading();

    [GeneratedRegex(@"^(\s*)(?:>\s?)+")]
    private static partial Regex MarkdownQuote();

    [GeneratedRegex(@"^(\s*)[-+*]\s+(?=\S)")]
    private static partial Regex MarkdownBullet();

    [GeneratedRegex(@"</?(?:b|i|u|em|strong|code|pre|br|p|span|div|tt|kbd|samp)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\\([\\`*_{}\[\]()#+\-.!|])")]
    private static partial Regex MarkdownEscape();

    /// <summary>One raw line cleaned: terminal control (backspaces replayed as a terminal would, ANSI escapes, the
    /// <c>--More--</c> pager prompt), then markdown; <paramref name="dropped"/> when nothing of IOS is left (a fence,
    /// a pager prompt alone).</summary>
    internal static string Clean(string raw, out bool dropped)
    {
        dropped = false;
        string s = raw;
        if (s.Contains('\b'))
            s = ReplayBackspaces(s);
        s = AnsiEscape().Replace(s, "");
        if (MoreMarker().IsMatch(s))
        {
            // Without backspaces the pager prompt is still in the text: drop it and the blanks that erased it.
            var m = MoreMarker().Match(s);
            string before = s[..m.Index], after = s[(m.Index + m.Length)..];
            s = before.Trim().Length == 0 ? after.TrimStart() : before + after.TrimStart();
            if (s.Trim().Length == 0)
            {
                dropped = true;
                return "";
            }
        }
        s = StripControl(s);

        string t = s.TrimStart();
        if (t.StartsWith("```", StringComparison.Ordinal) || t.StartsWith("~~~", StringComparison.Ordinal))
        {
            dropped = true;
            return "";
        }
        if (s.Contains('&'))
            s = s.Replace("&nbsp;", " ").Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"").Replace("&#39;", "'").Replace("&amp;", "&");
        s = MarkdownHeading().Replace(s, "");
        s = MarkdownQuote().Replace(s, "$1");
        s = MarkdownBullet().Replace(s, "$1");
        if (s.Contains('<'))
            s = HtmlTag().Replace(s, "");
        if (s.Contains("**", StringComparison.Ordinal))
            s = s.Replace("**", "");
        if (s.Contains('`'))
            s = s.Replace("`", "");
        if (s.Contains('\\'))
            s = MarkdownEscape().Replace(s, "$1");
        return s.TrimEnd();
    }

    // A terminal moves left on a backspace and overwrites: IOS erases " --More-- " with 9 backspaces, 9 blanks and 9
    // backspaces, then writes the next line over it.
    private static string ReplayBackspaces(string s)
    {
        var screen = new StringBuilder(s.Length);
        int cursor = 0;
        foreach (char c in s)
        {
            if (c == '\b')
            {
                if (cursor > 0)
                    cursor--;
                continue;
            }
            if (cursor < screen.Length)
                screen[cursor] = c;
            else
                screen.Append(c);
            cursor++;
        }
        return screen.ToString();
    }

    private static string StripControl(string s)
    {
        bool any = false;
        foreach (char c in s)
            if ((char.IsControl(c) && c != '\t') || c == '\u00A0' || c == '\u200B' || c == '\uFEFF')
            {
                any = true;
                break;
            }
        if (!any)
            return s.Replace('\t', ' ');
        var b = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            if (c == '\t' || c == '\u00A0')
                b.Append(' ');
            else if (!char.IsControl(c) && c != '\u200B' && c != '\uFEFF')
                b.Append(c);
        }
        return b.ToString();
    }
}
