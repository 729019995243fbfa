using System.Text;
using PcapIke.Capture;
using PcapIke.Diagnostics;

namespace PcapIke.Tests.TestSupport;

/// <summary>One frame of a capture, owned.</summary>
internal sealed record OwnedFrame(long Number, long TimestampNanoseconds, LinkType LinkType, byte[] Data);

/// <summary>The text layouts of docs/text-dumps.md.</summary>
public enum DumpLayout { IosEpc, IosXe, IosXeWithTimes, Asa, Od, WiresharkHex }

/// <summary>
/// Renders the frames of a capture as the text a router or tool prints (docs/text-dumps.md), for the tests: the
/// layouts as the document describes them, and the damage pastes suffer (terminal wrapping, prompts, pager,
/// CRLF).
/// </summary>
internal static class TextDumps
{
    public static List<OwnedFrame> ReadFrames(string path, MalformationList? malformations = null)
    {
        malformations ??= new MalformationList();
        using var reader = CaptureReader.Open(path, malformations);
        var frames = new List<OwnedFrame>();
        while (reader.TryRead(out var r))
            frames.Add(new OwnedFrame(r.FrameNumber, r.TimestampNanoseconds, r.LinkType, r.Data.ToArray()));
        return frames;
    }

    public static string Render(IReadOnlyList<OwnedFrame> frames, DumpLayout layout) => layout switch
    {
        DumpLayout.IosEpc => IosEpc(frames),
        DumpLayout.IosXe => IosXe(frames),
        DumpLayout.IosXeWithTimes => IosXeWithTimes(frames),
        DumpLayout.Asa => Asa(frames),
        DumpLayout.Od => Od(frames),
        _ => WiresharkHex(frames),
    };

    private static DateTime Time(OwnedFrame f) => DateTime.UnixEpoch.AddTicks(f.TimestampNanoseconds / 100);

    private static string Ascii(ReadOnlySpan<byte> b)
    {
        var sb = new StringBuilder(b.Length);
        foreach (byte c in b) sb.Append(c is >= 0x20 and < 0x7f ? (char)c : '.');
        return sb.ToString();
    }

    private static readonly string[] Mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>IOS 15 <c>show monitor capture buffer NAME dump</c>: a time line, a blank line, then lines of a
    /// buffer address, four 4-byte groups and the ASCII column; the first line starts at an address ending in 0
    /// with the packet's first byte placed in its column (here 8 bytes in).</summary>
    public static string IosEpc(IReadOnlyList<OwnedFrame> frames)
    {
        var sb = new StringBuilder();
        sb.Append("R1#show monitor capture buffer CAPBUF dump\n");
        uint address = 0x0F1A2C90;
        foreach (var f in frames)
        {
            DateTime t = Time(f);
            sb.Append($"{t:HH:mm:ss}.{t.Millisecond:D3} UTC {Mon[t.Month - 1]} {t.Day} {t.Year} : IPv4 LES CEF    : Gi0/1 None\n\n");
            // the first byte sits 8 bytes into the first 16-byte row
            const int lead = 8;
            int total = lead + f.Data.Length;
            for (int row = 0; row * 16 < total; row++)
            {
                var line = new StringBuilder($"{address + row * 16:X8}: ");
                var ascii = new StringBuilder();
                for (int g = 0; g < 4; g++)
                {
                    if (g > 0) line.Append(' ');
                    for (int k = 0; k < 4; k++)
                    {
                        int i = row * 16 + g * 4 + k - lead;
                        if (i < 0 || i >= f.Data.Length) { line.Append("  "); ascii.Append(i < 0 ? " " : ""); continue; }
                        line.Append(f.Data[i].ToString("X2"));
                        ascii.Append(Ascii(f.Data.AsSpan(i, 1)));
                    }
                }
                sb.Append(line).Append("  ").Append(ascii).Append('\n');
            }
            sb.Append('\n');
            address += (uint)((total + 15) / 16 * 16 + 0x40);
        }
        sb.Append("R1#\n");
        return sb.ToString();
    }

    /// <summary>IOS-XE <c>show monitor capture NAME buffer dump</c> as Wireshark's ciscodump reads it
    /// (docs/text-dumps.md): a line with the packet's index alone (from 0, no time), then lines of two blanks, a
    /// 4-digit offset, a colon, two blanks, four 4-byte groups and the ASCII column; a blank line between packets.</summary>
    public static string IosXe(IReadOnlyList<OwnedFrame> frames)
    {
        var sb = new StringBuilder("Router#show monitor capture CAP buffer dump\n");
        for (int p = 0; p < frames.Count; p++)
        {
            var f = frames[p];
            sb.Append(p).Append('\n');
            for (int off = 0; off < f.Data.Length; off += 16)
            {
                var line = new StringBuilder($"  {off:X4}:  ");
                int n = Math.Min(16, f.Data.Length - off);
                for (int g = 0; g < 4; g++)
                {
                    if (g > 0) line.Append(' ');
                    for (int k = 0; k < 4; k++)
                    {
                        int i = g * 4 + k;
                        line.Append(i < n ? f.Data[off + i].ToString("X2") : "  ");
                    }
                }
                sb.Append(line).Append("   ").Append(Ascii(f.Data.AsSpan(off, n))).Append('\n');
            }
            sb.Append('\n');
        }
        sb.Append("Router#\n");
        return sb.ToString();
    }

    /// <summary>The IOS-XE dump with a header line this reader also accepts although no published sample shows it:
    /// the packet number and the seconds since the first packet, then a summary (docs/text-dumps.md,
    /// "Variations tolerated").</summary>
    public static string IosXeWithTimes(IReadOnlyList<OwnedFrame> frames)
    {
        var sb = new StringBuilder("Router#show monitor capture CAP buffer dump\n\n");
        long t0 = frames.Count > 0 ? frames[0].TimestampNanoseconds : 0;
        foreach (var f in frames)
        {
            long rel = f.TimestampNanoseconds - t0;
            sb.Append($"  {f.Number,3}  {rel / 1_000_000_000}.{rel % 1_000_000_000 / 1000:D6}   192.0.2.1 -> 192.0.2.2    UDP {f.Data.Length} 500 → 500\n\n");
            for (int off = 0; off < f.Data.Length; off += 16)
            {
                int n = Math.Min(16, f.Data.Length - off);
                sb.Append($"  {off:x4}:  ").AppendJoin(' ', Enumerable.Range(0, (n + 3) / 4).Select(g => Convert.ToHexString(f.Data, off + g * 4, Math.Min(4, n - g * 4)))).Append('\n');
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>ASA <c>show capture NAME dump</c>: <c>   N: hh:mm:ss.ffffff src.port &gt; dst.port:  udp LEN</c>, then
    /// <c>0x0000</c> lines of eight 2-byte groups and the ASCII column.</summary>
    public static string Asa(IReadOnlyList<OwnedFrame> frames)
    {
        var sb = new StringBuilder("ciscoasa# show capture CAP dump\n\n");
        sb.Append($"{frames.Count} packets captured\n\n");
        foreach (var f in frames)
        {
            DateTime t = Time(f);
            long us = f.TimestampNanoseconds % 1_000_000_000 / 1000;
            sb.Append($"{f.Number,4}: {t:HH:mm:ss}.{us:D6}       192.0.2.1.500 > 192.0.2.2.500:  udp {f.Data.Length}\n");
            for (int off = 0; off < f.Data.Length; off += 16)
            {
                var line = new StringBuilder($"0x{off:x4}\t ");
                int n = Math.Min(16, f.Data.Length - off);
                for (int g = 0; g < 8; g++)
                {
                    if (g > 0) line.Append(' ');
                    for (int k = 0; k < 2; k++)
                    {
                        int i = g * 2 + k;
                        line.Append(i < n ? f.Data[off + i].ToString("x2") : "  ");
                    }
                }
                sb.Append(line).Append("        ").Append(Ascii(f.Data.AsSpan(off, n))).Append('\n');
            }
        }
        sb.Append($"{frames.Count} packets shown\nciscoasa# \n");
        return sb.ToString();
    }

    /// <summary><c>od -Ax -tx1 -v</c> of each frame, one after the other: 6-digit offsets, 16 bytes, no ASCII, and
    /// od's closing line with the end offset.</summary>
    public static string Od(IReadOnlyList<OwnedFrame> frames)
    {
        var sb = new StringBuilder();
        foreach (var f in frames)
        {
            for (int off = 0; off < f.Data.Length; off += 16)
            {
                sb.Append(off.ToString("x6"));
                for (int i = off; i < Math.Min(off + 16, f.Data.Length); i++) sb.Append(' ').Append(f.Data[i].ToString("x2"));
                sb.Append('\n');
            }
            sb.Append(f.Data.Length.ToString("x6")).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Wireshark's "Copy as Hex + ASCII Dump": 4-digit offsets, bytes with a wider gap after the eighth,
    /// the ASCII column; a blank line between packets.</summary>
    public static string WiresharkHex(IReadOnlyList<OwnedFrame> frames)
    {
        var sb = new StringBuilder();
        foreach (var f in frames)
        {
            for (int off = 0; off < f.Data.Length; off += 16)
            {
                var line = new StringBuilder(off.ToString("x4")).Append("   ");
                int n = Math.Min(16, f.Data.Length - off);
                for (int i = 0; i < 16; i++)
                {
                    if (i == 8) line.Append(' ');
                    line.Append(i < n ? f.Data[off + i].ToString("x2") : "  ").Append(' ');
                }
                sb.Append(line).Append("  ").Append(Ascii(f.Data.AsSpan(off, n))).Append('\n');
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Cuts every line longer than <paramref name="width"/> into pieces of that width, as a terminal (or a
    /// ticket system) wraps it; with <paramref name="trimTrailing"/> each piece loses its trailing blanks, as a copy
    /// from a terminal does.</summary>
    public static string Wrap(string text, int width, bool trimTrailing)
    {
        var sb = new StringBuilder();
        foreach (string line in text.Split('\n'))
        {
            for (int i = 0; i < line.Length || i == 0; i += width)
            {
                string piece = line.Substring(i, Math.Min(width, line.Length - i));
                sb.Append(trimTrailing ? piece.TrimEnd() : piece).Append('\n');
                if (line.Length == 0) break;
            }
        }
        return sb.ToString(0, sb.Length - 1);
    }

    /// <summary>What an engineer's paste looks like: session chatter first, the IOS pager every 23 lines (the
    /// <c>--More--</c> prompt, then the backspaces and blanks that erase it at the start of the next line), CRLF
    /// line ends, and the prompt again at the end.</summary>
    public static string Pasted(string dump)
    {
        var sb = new StringBuilder();
        sb.Append("login as: admin\r\nPassword:\r\n\r\nR1>enable\r\nR1#terminal length 24\r\n");
        string[] lines = dump.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (i > 0 && i % 23 == 0)
                sb.Append(" --More-- ").Append(new string('\b', 10)).Append(new string(' ', 10)).Append(new string('\b', 10));
            sb.Append(lines[i]).Append("\r\n");
        }
        sb.Append("R1#exit\r\n");
        return sb.ToString();
    }
}
