using System.Runtime.CompilerServices;

namespace PcapIke.Capture;

/// <summary>What one line of a text dump is (docs/text-dumps.md).</summary>
internal enum TextLineKind : byte
{
    Blank,
    /// <summary>A per-packet header line (IOS EPC time line, ASA "N: time ...", IOS-XE "N  seconds ...").</summary>
    Header,
    /// <summary>A hex line: address or offset prefix, hex groups, optionally an ASCII column.</summary>
    Data,
    /// <summary>A device prompt (<c>Router#show ...</c>, <c>asa&gt; ...</c>): never a continuation.</summary>
    Prompt,
    /// <summary>Anything else: chatter, or the continuation of a line the terminal wrapped.</summary>
    Other,
}

/// <summary>The prefix of a hex line.</summary>
internal enum TextPrefix : byte
{
    /// <summary><c>0x0010</c> (ASA).</summary>
    ZeroX,
    /// <summary><c>07F8B8C0:</c> (IOS 15 EPC, a memory address) or <c>0010:</c> (IOS-XE, an offset).</summary>
    Colon,
    /// <summary><c>000010</c> / <c>0010</c> followed by a blank (od -Ax -tx1, Wireshark, text2pcap).</summary>
    Bare,
}

/// <summary>Which device printed a header line.</summary>
internal enum TextHeaderStyle : byte { IosEpc, Asa, IosXe }

/// <summary>A parsed per-packet header line. Times are -1 when the line does not print them.</summary>
internal struct TextHeader
{
    public TextHeaderStyle Style;
    /// <summary>Nanoseconds since midnight, or -1.</summary>
    public long TimeOfDayNs;
    /// <summary>Days since 1970-01-01 of the printed date, or -1.</summary>
    public int Days;
    /// <summary>Seconds since the first packet (IOS-XE), in ns, or -1.</summary>
    public long RelativeNs;
    /// <summary>Digits of fraction printed (3 = ms, 6 = µs, 9 = ns).</summary>
    public int FractionDigits;
    /// <summary>Where the comment (what the line says besides the time) starts in the line.</summary>
    public int CommentStart;
}

/// <summary>A parsed hex line.</summary>
internal struct TextData
{
    public TextPrefix Prefix;
    public long Value;
    public int PrefixDigits;
    /// <summary>Bytes read from the line.</summary>
    public int Count;
    /// <summary>Why part of the line could not be read (null when all of it could), and the column.</summary>
    public string? Error;
    public int ErrorColumn;
}

/// <summary>
/// The line grammar of the router and generic text dumps (docs/text-dumps.md), on spans of ASCII bytes: no
/// allocation except the reason of a damaged line.
/// </summary>
internal static class TextDumpLine
{
    /// <summary>At most this many bytes are read from one hex line (every layout prints 16).</summary>
    public const int MaxBytesPerLine = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBlank(byte c) => c is (byte)' ' or (byte)'\t';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static int SkipBlanks(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && IsBlank(s[i])) i++;
        return i;
    }

    /// <summary>
    /// Removes what terminals and pagers leave in a pasted line: a trailing CR, backspaces (and the character each
    /// erased), the IOS pager's <c>--More--</c> and the ASA pager's <c>&lt;--- More ---&gt;</c>. Works in place;
    /// returns the new length.
    /// </summary>
    public static int Clean(Span<byte> line)
    {
        int n = line.Length;
        if (n > 0 && line[n - 1] == '\r') n--;
        int w = 0;
        for (int r = 0; r < n; r++)
        {
            byte c = line[r];
            if (c == '\b')
            {
                if (w > 0) w--;
                continue;
            }
            if (c == '\r') continue;
            line[w++] = c;
        }
        n = w;
        n = RemoveAll(line[..n], "<--- More --->"u8);
        n = RemoveAll(line[..n], " --More-- "u8);
        n = RemoveAll(line[..n], "--More--"u8);
        return n;
    }

    private static int RemoveAll(Span<byte> s, ReadOnlySpan<byte> what)
    {
        int n = s.Length;
        while (true)
        {
            int at = s[..n].IndexOf(what);
            if (at < 0) return n;
            s[(at + what.Length)..n].CopyTo(s[at..]);
            n -= what.Length;
        }
    }

    /// <summary>Classifies a cleaned line. <paramref name="expectedOffset"/> is the offset a bare-offset line must
    /// carry to continue the current packet (or 0 to start one); a bare number that is neither is not a hex line
    /// (it is the wrapped rest of the previous line, or chatter); so is one whose offset has another number of
    /// digits than the dump's earlier bare offsets (<paramref name="bareDigits"/>, 0 before the first, -1 when the
    /// dump's hex lines have another prefix).</summary>
    public static TextLineKind Classify(ReadOnlySpan<byte> line, long expectedOffset, int bareDigits)
    {
        int i = SkipBlanks(line, 0);
        if (i == line.Length) return TextLineKind.Blank;
        if (TryParseHeader(line, out _)) return TextLineKind.Header;
        if (IsDataLine(line, expectedOffset, bareDigits)) return TextLineKind.Data;
        if (IsPrompt(line)) return TextLineKind.Prompt;
        return TextLineKind.Other;
    }

    /// <summary>A hex line: a prefix, then at least one hex byte (or, for a colon/0x prefix, anything: a damaged
    /// line is still a located hex line). od's last line (the end offset alone) counts too.</summary>
    public static bool IsDataLine(ReadOnlySpan<byte> line, long expectedOffset, int bareDigits)
    {
        if (!TryParsePrefix(line, out TextPrefix prefix, out long value, out int after, out int digits)) return false;
        if (prefix != TextPrefix.Bare) return true;
        if (bareDigits < 0) return false;   // the dump's hex lines have 0x or colon prefixes
        // the expected offset, 0 (the next packet), or, within a packet, a later line (lines lost in the paste:
        // reported then)
        if (value != expectedOffset && value != 0
            && !(expectedOffset > 0 && value > expectedOffset && value % MaxBytesPerLine == 0 && value - expectedOffset <= 4096))
            return false;
        if (bareDigits != 0 && digits != bareDigits) return false;
        int i = SkipBlanks(line, after);
        if (i == line.Length) return value != 0;   // od's closing offset line
        // the first group must be hex
        int j = i;
        while (j < line.Length && !IsBlank(line[j])) j++;
        if ((j - i) % 2 != 0) return false;
        for (int k = i; k < j; k++) if (HexValue(line[k]) < 0) return false;
        return true;
    }

    /// <summary><c>0x</c> and 4–8 hex digits, 4–8 hex digits and <c>:</c>, or 2–8 hex digits followed by a blank,
    /// after optional blanks.</summary>
    public static bool TryParsePrefix(ReadOnlySpan<byte> line, out TextPrefix prefix, out long value, out int after,
        out int digits)
    {
        prefix = default;
        value = 0;
        after = 0;
        digits = 0;
        int i = SkipBlanks(line, 0);
        bool zeroX = i + 1 < line.Length && line[i] == '0' && (line[i + 1] == 'x' || line[i + 1] == 'X');
        if (zeroX) i += 2;
        int start = i;
        while (i < line.Length && HexValue(line[i]) >= 0 && i - start < 16)
        {
            value = value * 16 + HexValue(line[i]);
            i++;
        }
        digits = i - start;
        if (digits == 0 || digits > 8) return false;
        if (zeroX)
        {
            if (digits < 4 || (i < line.Length && !IsBlank(line[i]) && line[i] != ':')) return false;
            prefix = TextPrefix.ZeroX;
            after = i < line.Length && line[i] == ':' ? i + 1 : i;
            return true;
        }
        if (i < line.Length && line[i] == ':')
        {
            // 4 digits (IOS-XE offsets) or 8 (IOS EPC addresses): "10:30" in chatter is not a hex line
            if (digits < 4) return false;
            prefix = TextPrefix.Colon;
            after = i + 1;
            return true;
        }
        if (digits < 2 || (i < line.Length && !IsBlank(line[i]))) return false;
        prefix = TextPrefix.Bare;
        after = i;
        return true;
    }

    /// <summary>
    /// Reads the bytes of a hex line into <paramref name="dest"/> (at least <see cref="MaxBytesPerLine"/> long).
    /// Groups of any even number of hex digits separated by single blanks are read; a run of two or more blanks
    /// after the first group ends them (the ASCII column follows), except the two-blank gap some layouts print after
    /// the eighth byte; 16 bytes end them too.
    /// </summary>
    public static TextData ParseData(ReadOnlySpan<byte> line, Span<byte> dest)
    {
        var d = new TextData();
        if (!TryParsePrefix(line, out d.Prefix, out d.Value, out int i, out d.PrefixDigits)) return d;
        int width = 0;
        bool first = true;
        while (i < line.Length && d.Count < MaxBytesPerLine)
        {
            int gapStart = i;
            bool tab = false;
            while (i < line.Length && IsBlank(line[i]))
            {
                tab |= line[i] == '\t';
                i++;
            }
            int gap = i - gapStart;
            if (i == line.Length) break;
            int t = i;
            while (i < line.Length && !IsBlank(line[i])) i++;
            ReadOnlySpan<byte> token = line[t..i];
            if (!first && (gap >= 2 || tab) && !(d.Count == 8 && gap <= 3 && !tab && token.Length == width))
                break;   // the ASCII column
            int hexDigits = 0;
            foreach (byte c in token) if (HexValue(c) >= 0) hexDigits++;
            if (hexDigits != token.Length)
            {
                // Not hex: the ASCII column when it follows a gap; a damaged group when it has a group's width and
                // is made of letters and digits only (a character mangled in the paste).
                if (first && d.Prefix != TextPrefix.Bare)
                {
                    d.Error = "no hex bytes after the line's prefix";
                    d.ErrorColumn = t + 1;
                }
                else if (!first && gap == 1 && token.Length == width && IsAlnum(token))
                {
                    d.Error = $"'{System.Text.Encoding.ASCII.GetString(token)}' is not hex; the rest of the line is not read";
                    d.ErrorColumn = t + 1;
                }
                break;
            }
            if (token.Length % 2 != 0)
            {
                d.Error = $"odd number of hex digits in '{System.Text.Encoding.ASCII.GetString(token)}' (line cut short?)";
                d.ErrorColumn = t + 1;
                break;
            }
            if (first) width = token.Length;
            first = false;
            for (int k = 0; k + 1 < token.Length && d.Count < MaxBytesPerLine; k += 2)
                dest[d.Count++] = (byte)(HexValue(token[k]) << 4 | HexValue(token[k + 1]));
        }
        return d;
    }

    private static bool IsAlnum(ReadOnlySpan<byte> s)
    {
        foreach (byte c in s)
            if (!(IsDigit(c) || (uint)((c | 0x20) - 'a') <= 'z' - 'a')) return false;
        return true;
    }

    /// <summary><c>name#</c> or <c>name&gt;</c> at the start of the line, optionally followed by a command.</summary>
    public static bool IsPrompt(ReadOnlySpan<byte> line)
    {
        int i = 0;
        if (i == line.Length || !((uint)((line[i] | 0x20) - 'a') <= 'z' - 'a')) return false;
        while (i < line.Length)
        {
            byte c = line[i];
            if (c is (byte)'#' or (byte)'>') return true;
            if (!(IsDigit(c) || (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c is (byte)'-' or (byte)'_' or (byte)'.'
                  or (byte)'/' or (byte)'(' or (byte)')' or (byte)'@')) return false;
            i++;
        }
        return false;
    }

    // ---- header lines ----------------------------------------------------------------------------------------

    /// <summary>
    /// A per-packet header line: ASA <c>   1: 12:34:56.789012 10.0.0.1.500 &gt; ...</c>; IOS 15 EPC
    /// <c>09:25:13.995 UTC Mar 3 2011 : IPv4 LES CEF : Gi0/1 None</c>; IOS-XE <c>  1   0.000000 10.0.0.1 -&gt; ...</c>.
    /// </summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> line, out TextHeader h)
    {
        h = new TextHeader { TimeOfDayNs = -1, Days = -1, RelativeNs = -1 };
        int i = SkipBlanks(line, 0);
        int numStart = i;
        while (i < line.Length && IsDigit(line[i])) i++;
        int numDigits = i - numStart;

        // ASA: "N: hh:mm:ss.ffffff"
        if (numDigits is > 0 and <= 9 && i + 1 < line.Length && line[i] == ':' && line[i + 1] == ' ')
        {
            int j = SkipBlanks(line, i + 1);
            if (TryParseTimeOfDay(line, j, out long tod, out int digits, out int end) && (end == line.Length || IsBlank(line[end])))
            {
                h.Style = TextHeaderStyle.Asa;
                h.TimeOfDayNs = tod;
                h.FractionDigits = digits;
                h.CommentStart = SkipBlanks(line, end);
                return true;
            }
            return false;
        }

        // IOS-XE: "N   seconds.fraction ..."
        if (numDigits is > 0 and <= 9 && i < line.Length && IsBlank(line[i]))
        {
            int j = SkipBlanks(line, i);
            if (TryParseSeconds(line, j, out long ns, out int digits, out int end) && (end == line.Length || IsBlank(line[end])))
            {
                h.Style = TextHeaderStyle.IosXe;
                h.RelativeNs = ns;
                h.FractionDigits = digits;
                h.CommentStart = SkipBlanks(line, end);
                return true;
            }
            return false;
        }

        // IOS 15 EPC: "[*.]hh:mm:ss.fff [TZ] [Mon d yyyy] : ..." (IOS marks an unsynchronised clock with * or .)
        i = SkipBlanks(line, 0);
        if (i < line.Length && line[i] is (byte)'*' or (byte)'.') i++;
        if (!TryParseTimeOfDay(line, i, out long tod2, out int digits2, out int end2)) return false;
        int colon = line[end2..].IndexOf(" : "u8);
        if (colon < 0) return false;
        h.Style = TextHeaderStyle.IosEpc;
        h.TimeOfDayNs = tod2;
        h.FractionDigits = digits2;
        h.Days = ParseDate(line[end2..(end2 + colon)]);
        h.CommentStart = SkipBlanks(line, end2 + colon + 3);
        return true;
    }

    /// <summary>A packet's index alone on its line, as IOS-XE's <c>show monitor capture NAME buffer dump</c> heads each
    /// packet: 1–9 decimal digits without a leading zero (or <c>0</c>), blanks around; od's end offsets have leading
    /// zeros and are not one.</summary>
    public static bool IsPacketIndex(ReadOnlySpan<byte> line)
    {
        int i = SkipBlanks(line, 0), start = i;
        while (i < line.Length && IsDigit(line[i])) i++;
        int digits = i - start;
        if (digits is 0 or > 9 || (digits > 1 && line[start] == '0')) return false;
        return SkipBlanks(line, i) == line.Length;
    }

    /// <summary><c>h:mm:ss[.f…]</c> at <paramref name="i"/>.</summary>
    private static bool TryParseTimeOfDay(ReadOnlySpan<byte> s, int i, out long ns, out int digits, out int end)
    {
        ns = 0;
        digits = 0;
        end = i;
        if (!TwoDigits(s, ref i, 1, out int hh) || hh > 23 || !Expect(s, ref i, ':')
            || !TwoDigits(s, ref i, 2, out int mm) || mm > 59 || !Expect(s, ref i, ':')
            || !TwoDigits(s, ref i, 2, out int ss) || ss > 60)
            return false;
        ns = ((hh * 60L + mm) * 60 + ss) * 1_000_000_000L;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (!Fraction(s, ref i, out long frac, out digits)) return false;
            ns += frac;
        }
        end = i;
        return true;
    }

    /// <summary><c>seconds.fraction</c> (the fraction required, so that a packet count is not a time).</summary>
    private static bool TryParseSeconds(ReadOnlySpan<byte> s, int i, out long ns, out int digits, out int end)
    {
        ns = 0;
        digits = 0;
        end = i;
        long sec = 0;
        int start = i;
        while (i < s.Length && IsDigit(s[i]) && i - start < 10) sec = sec * 10 + (s[i++] - '0');
        if (i == start || i >= s.Length || s[i] != '.') return false;
        i++;
        if (!Fraction(s, ref i, out long frac, out digits)) return false;
        ns = sec * 1_000_000_000L + frac;
        end = i;
        return true;
    }

    private static bool Fraction(ReadOnlySpan<byte> s, ref int i, out long ns, out int digits)
    {
        ns = 0;
        digits = 0;
        while (i < s.Length && IsDigit(s[i]))
        {
            if (digits < 9)
            {
                ns = ns * 10 + (s[i] - '0');
                digits++;
            }
            i++;
        }
        if (digits == 0) return false;
        for (int k = digits; k < 9; k++) ns *= 10;
        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, ref int i, int minDigits, out int value)
    {
        value = 0;
        int start = i;
        while (i < s.Length && IsDigit(s[i]) && i - start < 2) value = value * 10 + (s[i++] - '0');
        return i - start >= minDigits;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int i, char c)
    {
        if (i >= s.Length || s[i] != c) return false;
        i++;
        return true;
    }

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>Days since 1970 of "[TZ] Mon d yyyy" (IOS), or -1 when no such date is printed.</summary>
    private static int ParseDate(ReadOnlySpan<byte> s)
    {
        // tokens; look for a month name followed by a day and a four-digit year
        Span<Range> tokens = stackalloc Range[8];
        int n = 0, i = 0;
        while (n < tokens.Length)
        {
            i = SkipBlanks(s, i);
            if (i == s.Length) break;
            int t = i;
            while (i < s.Length && !IsBlank(s[i])) i++;
            tokens[n++] = t..i;
        }
        for (int k = 0; k + 2 < n; k++)
        {
            ReadOnlySpan<byte> mon = s[tokens[k]];
            if (mon.Length < 3) continue;
            int month = -1;
            for (int m = 0; m < 12; m++)
                if ((mon[0] | 0x20) == Months[m][0] && (mon[1] | 0x20) == Months[m][1] && (mon[2] | 0x20) == Months[m][2])
                    month = m + 1;
            if (month < 0) continue;
            if (!int.TryParse(s[tokens[k + 1]], out int day) || !int.TryParse(s[tokens[k + 2]], out int year)) continue;
            if (year is < 1970 or > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month)) continue;
            return (int)(new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalDays;
        }
        return -1;
    }

    // ---- link type -------------------------------------------------------------------------------------------

    /// <summary>
    /// The link type of a frame from its bytes: raw IPv4 when it starts with a valid IPv4 header (checksum right),
    /// raw IPv6 when it starts with an IPv6 header whose payload length matches, Ethernet when bytes 12–13 hold a
    /// known EtherType; otherwise raw IP by the version nibble, else Ethernet.
    /// </summary>
    public static LinkType DetectLinkType(ReadOnlySpan<byte> f)
    {
        int version = f.Length > 0 ? f[0] >> 4 : 0;
        if (version == 4 && f.Length >= 20 && (f[0] & 0x0F) >= 5 && f.Length >= (f[0] & 0x0F) * 4
            && Ipv4ChecksumValid(f[..((f[0] & 0x0F) * 4)]))
            return LinkType.Raw;
        if (version == 6 && f.Length >= 40 && (f[4] << 8 | f[5]) + 40 == f.Length) return LinkType.Raw;
        if (f.Length >= 14 && (f[12] << 8 | f[13]) is 0x0800 or 0x86DD or 0x8100 or 0x88A8 or 0x9100 or 0x0806)
            return LinkType.Ethernet;
        return version is 4 or 6 ? LinkType.Raw : LinkType.Ethernet;
    }

    private static bool Ipv4ChecksumValid(ReadOnlySpan<byte> h)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < h.Length; i += 2) sum += (uint)(h[i] << 8 | h[i + 1]);
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return sum == 0xFFFF;
    }

    /// <summary>The frame length the IP header announces (link header included), or -1 when it cannot be told
    /// yet. Only the first IP header is read (802.1Q tags skipped).</summary>
    public static int AnnouncedLength(ReadOnlySpan<byte> f, LinkType link)
    {
        int ip = 0;
        if (link == LinkType.Ethernet)
        {
            ip = 14;
            if (f.Length < 14) return -1;
            int type = f[12] << 8 | f[13];
            while (type is 0x8100 or 0x88A8 or 0x9100)
            {
                if (f.Length < ip + 4) return -1;
                type = f[ip + 2] << 8 | f[ip + 3];
                ip += 4;
            }
            if (type is not (0x0800 or 0x86DD)) return -1;
        }
        if (f.Length < ip + 8) return -1;
        return (f[ip] >> 4) switch
        {
            4 => ip + (f[ip + 2] << 8 | f[ip + 3]),
            6 => ip + 40 + (f[ip + 4] << 8 | f[ip + 5]),
            _ => -1,
        };
    }
}
