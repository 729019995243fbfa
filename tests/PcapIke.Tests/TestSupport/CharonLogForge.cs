using System.Buffers.Binary;
using System.Net;

namespace PcapIke.Tests.TestSupport;

/// <summary>
/// Writes charon logs as strongSwan 5.9 does with the ike subsystem at level 4: a trimmed lab log (captures/*/
/// charon-*.trimmed.log, whose hex dumps were removed) with the key dumps put back, in the format of strongSwan's
/// <c>%B</c> printf hook ("label => N bytes @ 0x…", then "%4d: " lines of 16 upper-case hex octets and their ASCII).
/// </summary>
internal static class CharonLogForge
{
    /// <summary>One %B dump: the header line and the hex lines, each with the line prefix ("Nov 27 13:13:08 01[IKE]").</summary>
    public static IEnumerable<string> Dump(string prefix, string label, byte[] data)
    {
        yield return $"{prefix} {label} => {data.Length} bytes @ 0x7f3a5c003b20";
        for (int at = 0; at < data.Length; at += 16)
        {
            var chunk = data[at..Math.Min(at + 16, data.Length)];
            string hex = string.Join(' ', chunk.Select(b => b.ToString("X2"))).PadRight(47);
            string ascii = new(chunk.Select(b => b is > 31 and < 127 ? (char)b : '.').ToArray());
            yield return $"{prefix} {at,4}: {hex}  {ascii}";
        }
    }

    /// <summary>natd_chunk = SPIi | SPIr | IPv4 address | port (RFC 7296 §2.23), as ike_natd.c dumps it (level 3).</summary>
    public static IEnumerable<string> NatdChunk(string prefix, ulong spiI, ulong spiR, string ip, ushort port)
    {
        var b = new byte[22];
        BinaryPrimitives.WriteUInt64BigEndian(b, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), spiR);
        IPAddress.Parse(ip).GetAddressBytes().CopyTo(b, 16);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(20), port);
        return Dump(prefix, "natd_chunk", b);
    }

    /// <summary>The IKEv2 key dumps of keymat_v2.c: Sk_d, Sk_ai, Sk_ar (not for AEAD), Sk_ei, Sk_er, Sk_pi, Sk_pr.</summary>
    public static IEnumerable<string> Ikev2Keys(string prefix, byte[] skAi, byte[] skAr, byte[] skEi, byte[] skEr)
    {
        byte[] filler = Enumerable.Range(0, 32).Select(i => (byte)(i * 11)).ToArray();
        var lines = new List<string>();
        lines.AddRange(Dump(prefix, "Sk_d secret", filler));
        if (skAi.Length > 0) lines.AddRange(Dump(prefix, "Sk_ai secret", skAi));
        if (skAr.Length > 0) lines.AddRange(Dump(prefix, "Sk_ar secret", skAr));
        lines.AddRange(Dump(prefix, "Sk_ei secret", skEi));
        lines.AddRange(Dump(prefix, "Sk_er secret", skEr));
        lines.AddRange(Dump(prefix, "Sk_pi secret", filler));
        lines.AddRange(Dump(prefix, "Sk_pr secret", filler));
        return lines;
    }

    /// <summary>
    /// The lines of a trimmed lab log with <paramref name="inserted"/> put after the first line containing
    /// <paramref name="after"/> (its prefix passed in, so the dumps carry that line's time and thread).
    /// </summary>
    public static List<string> Insert(IReadOnlyList<string> trimmed, string after, Func<string, IEnumerable<string>> inserted)
    {
        int at = trimmed.ToList().FindIndex(l => l.Contains(after, StringComparison.Ordinal));
        Assert.True(at >= 0, $"no line with '{after}'");
        string line = trimmed[at];
        string prefix = line[..(line.IndexOf(']') + 1)];
        return [.. trimmed.Take(at + 1), .. inserted(prefix), .. trimmed.Skip(at + 1)];
    }

    /// <summary>An untrimmed IKEv2 log for a lab capture: the moon log with the NAT-D inputs (SPIr 0 first, as in the
    /// IKE_SA_INIT request, then the pair) and the keys of its ikev2_decryption_table.</summary>
    public static List<string> ForIkev2LabCapture(string scenario)
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "captures", scenario);
        string[] f = File.ReadAllLines(Path.Combine(dir, "ikev2_decryption_table")).First(l => l.Length > 0).Split(',');
        ulong spiI = Convert.ToUInt64(f[0], 16), spiR = Convert.ToUInt64(f[1], 16);
        var log = File.ReadAllLines(Path.Combine(dir, "charon-moon.trimmed.log"));
        var withRequestNatd = Insert(log, "generating IKE_SA_INIT request",
            p => [.. NatdChunk(p, spiI, 0, "192.0.2.1", 500), .. NatdChunk(p, spiI, 0, "192.0.2.2", 500)]);
        return Insert(withRequestNatd, "selected proposal: IKE:", p =>
        [
            .. Ikev2Keys(p, Hex(f[5]), Hex(f[6]), Hex(f[2]), Hex(f[3])),
            .. NatdChunk(p, spiI, spiR, "192.0.2.2", 500),
            .. NatdChunk(p, spiI, spiR, "192.0.2.1", 500),
        ]);
    }

    /// <summary>An untrimmed IKEv1 log for the Main Mode lab capture: "encryption key Ka" and the cookies' NAT-D input.</summary>
    public static List<string> ForIkev1LabCapture(string scenario)
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "captures", scenario);
        string[] f = File.ReadAllLines(Path.Combine(dir, "ikev1_decryption_table")).First(l => l.Length > 0).Split(',');
        ulong cookieI = Convert.ToUInt64(f[0], 16);
        ulong cookieR = 0x5555_6666_7777_8888;   // the table has no responder cookie; any non-zero one pairs
        var log = File.ReadAllLines(Path.Combine(dir, "charon-moon.trimmed.log"));
        return Insert(log, "parsed ID_PROT response 0 [ KE No", p =>
        [
            .. Dump(p, "SKEYID", Enumerable.Repeat((byte)7, 20).ToArray()),
            .. Dump(p, "encryption key Ka", Hex(f[1])),
            .. NatdChunk(p, cookieI, cookieR, "192.0.2.2", 500),
        ]);
    }

    private static byte[] Hex(string s) => Convert.FromHexString(s.Trim());
}
