using System.Globalization;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Decryption;

/// <summary>A key table line that cannot be used; the message starts with <c>file:line: </c>.</summary>
public sealed class KeyTableException(string file, int line, string reason)
    : Exception($"{file}:{line}: {reason}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>One IKEv2 SA's keys: from a Wireshark <c>ikev2_decryption_table</c> line (with its algorithms), or from a
/// charon log (<see cref="CharonLog"/>: no algorithms, and zero SPIs when the log did not tie the keys to any).</summary>
/// <param name="Suite">The table's algorithms; null when the algorithms are to be taken from the capture's
/// negotiation (or, failing that, <see cref="LoggedSuite"/>).</param>
public sealed record Ikev2KeyEntry(ulong InitiatorSpi, ulong ResponderSpi, Ikev2CipherSuite? Suite, Ikev2Keys Keys)
{
    /// <summary>Where the keys were read: <c>file:line</c>.</summary>
    public string Source { get; init; } = "";

    /// <summary>A charon log's <c>selected proposal</c> for these keys: used when the capture does not show the
    /// negotiated SA payload.</summary>
    public Ikev2CipherSuite? LoggedSuite { get; init; }

    /// <summary>The SPIs are not known (a charon log key set that no SPI pair was tied to).</summary>
    public bool IsUnbound => InitiatorSpi == 0 && ResponderSpi == 0;
}

/// <summary>One ISAKMP SA's encryption key Ka from a Wireshark <c>ikev1_decryption_table</c> line.</summary>
public sealed record Ikev1KeyEntry(ulong InitiatorCookie, byte[] EncryptionKey);

/// <summary>
/// Parses Wireshark's IKE decryption tables (the UAT files of the ISAKMP dissector):
/// <code>
/// ikev2_decryption_table: SPIi,SPIr,SK_ei,SK_er,"ENC",SK_ai,SK_ar,"INTEG"   (hex unquoted, names quoted; SK_e
///                         includes the salt or nonce of AES-CTR/GCM/CCM and ChaCha20-Poly1305)
/// ikev1_decryption_table: icookie,key
/// </code>
/// Blank lines and lines starting with '#' are skipped. Any other line that does not parse throws
/// <see cref="KeyTableException"/> naming the file and line.
/// </summary>
public static class KeyTables
{
    /// <summary>Wireshark 4.x names of the IKEv2 encryption algorithms: transform ID and key length in bits.</summary>
    private static readonly Dictionary<string, (EncryptionTransformId Id, int Bits)> Encryptions = BuildEncryptions();

    /// <summary>Wireshark 4.x names of the IKEv2 integrity algorithms.</summary>
    private static readonly Dictionary<string, IntegrityTransformId> Integrities = new(StringComparer.Ordinal)
    {
        ["NONE [RFC4306]"] = IntegrityTransformId.NONE,
        ["HMAC_MD5_96 [RFC2403]"] = IntegrityTransformId.AUTH_HMAC_MD5_96,
        ["HMAC_SHA1_96 [RFC2404]"] = IntegrityTransformId.AUTH_HMAC_SHA1_96,
        ["HMAC_SHA2_256_128 [RFC4868]"] = IntegrityTransformId.AUTH_HMAC_SHA2_256_128,
        ["HMAC_SHA2_384_192 [RFC4868]"] = IntegrityTransformId.AUTH_HMAC_SHA2_384_192,
        ["HMAC_SHA2_512_256 [RFC4868]"] = IntegrityTransformId.AUTH_HMAC_SHA2_512_256,
    };

    private static Dictionary<string, (EncryptionTransformId, int)> BuildEncryptions()
    {
        var d = new Dictionary<string, (EncryptionTransformId, int)>(StringComparer.Ordinal)
        {
            ["3DES [RFC2451]"] = (EncryptionTransformId.ENCR_3DES, 192),
        };
        foreach (int bits in new[] { 128, 192, 256 })
        {
            d[$"AES-CBC-{bits} [RFC3602]"] = (EncryptionTransformId.ENCR_AES_CBC, bits);
            d[$"AES-CTR-{bits} [RFC5930]"] = (EncryptionTransformId.ENCR_AES_CTR, bits);
            d[$"AES-GCM-{bits} with 8 octet ICV [RFC5282]"] = (EncryptionTransformId.ENCR_AES_GCM_8, bits);
            d[$"AES-GCM-{bits} with 12 octet ICV [RFC5282]"] = (EncryptionTransformId.ENCR_AES_GCM_12, bits);
            d[$"AES-GCM-{bits} with 16 octet ICV [RFC5282]"] = (EncryptionTransformId.ENCR_AES_GCM_16, bits);
            d[$"AES-CCM-{bits} with 8 octet ICV [RFC5282]"] = (EncryptionTransformId.ENCR_AES_CCM_8, bits);
            d[$"AES-CCM-{bits} with 12 octet ICV [RFC5282]"] = (EncryptionTransformId.ENCR_AES_CCM_12, bits);
            d[$"AES-CCM-{bits} with 16 octet ICV [RFC5282]"] = (EncryptionTransformId.ENCR_AES_CCM_16, bits);
        }
        // Not a Wireshark name: Wireshark 4.0 has no ChaCha20-Poly1305 in its IKEv2 table (tshark rejects a table
        // with it). Accepted here, in Wireshark's style, so that such a capture can still be decrypted.
        d[ChaCha20Poly1305Name] = (EncryptionTransformId.ENCR_CHACHA20_POLY1305, 256);
        return d;
    }

    /// <summary>PcapIke's own name for ENCR_CHACHA20_POLY1305 (RFC 7634), which Wireshark's table lacks.</summary>
    public const string ChaCha20Poly1305Name = "CHACHA20-POLY1305 [RFC7634]";

    /// <summary>The encryption algorithm names this parser accepts.</summary>
    public static IEnumerable<string> EncryptionNames => Encryptions.Keys;

    /// <summary>The integrity algorithm names this parser accepts.</summary>
    public static IEnumerable<string> IntegrityNames => Integrities.Keys;

    public static List<Ikev2KeyEntry> ParseIkev2(string file, IEnumerable<string> lines)
    {
        var list = new List<Ikev2KeyEntry>();
        foreach (var (n, fields) in Rows(file, lines))
        {
            if (fields.Length != 8)
                throw new KeyTableException(file, n, $"expected 8 fields (SPIi,SPIr,SK_ei,SK_er,\"ENC\",SK_ai,SK_ar,\"INTEG\"), found {fields.Length}");
            ulong spiI = Spi(file, n, fields[0], "SPIi");
            ulong spiR = Spi(file, n, fields[1], "SPIr");
            if (!Encryptions.TryGetValue(Unquote(fields[4]), out var enc))
                throw new KeyTableException(file, n, $"unknown encryption algorithm {fields[4]}");
            if (!Integrities.TryGetValue(Unquote(fields[7]), out var integ))
                throw new KeyTableException(file, n, $"unknown integrity algorithm {fields[7]}");
            // The prf does not take part in decryption; any supported one makes the suite usable.
            var suite = new Ikev2CipherSuite(enc.Id, enc.Bits, integ, PrfTransformId.PRF_HMAC_SHA2_256);
            byte[] ei = Hex(file, n, fields[2], "SK_ei"), er = Hex(file, n, fields[3], "SK_er");
            byte[] ai = Hex(file, n, fields[5], "SK_ai"), ar = Hex(file, n, fields[6], "SK_ar");
            foreach (var (key, name) in new[] { (ei, "SK_ei"), (er, "SK_er") })
                if (key.Length != suite.EncryptionKeyLength)
                    throw new KeyTableException(file, n, $"{name} has {key.Length} octets, {Unquote(fields[4])} needs {suite.EncryptionKeyLength}");
            foreach (var (key, name) in new[] { (ai, "SK_ai"), (ar, "SK_ar") })
                if (key.Length != suite.IntegrityKeyLength)
                    throw new KeyTableException(file, n, $"{name} has {key.Length} octets, {Unquote(fields[7])} needs {suite.IntegrityKeyLength}");
            list.Add(new Ikev2KeyEntry(spiI, spiR, suite, new Ikev2Keys([], ai, ar, ei, er, [], [])) { Source = $"{file}:{n}" });
        }
        return list;
    }

    public static List<Ikev1KeyEntry> ParseIkev1(string file, IEnumerable<string> lines)
    {
        var list = new List<Ikev1KeyEntry>();
        foreach (var (n, fields) in Rows(file, lines))
        {
            if (fields.Length != 2)
                throw new KeyTableException(file, n, $"expected 2 fields (icookie,key), found {fields.Length}");
            ulong cookie = Spi(file, n, fields[0], "icookie");
            byte[] key = Hex(file, n, fields[1], "key");
            // DES 8, 3DES 24, AES 16/24/32 octets (RFC 2409 Appendix B).
            if (key.Length is not (8 or 16 or 24 or 32))
                throw new KeyTableException(file, n, $"key has {key.Length} octets, expected 8, 16, 24 or 32");
            list.Add(new Ikev1KeyEntry(cookie, key));
        }
        return list;
    }

    /// <summary>One <c>ikev2_decryption_table</c> line for <paramref name="entry"/>, in the form Wireshark writes
    /// (SPIs and keys as lower-case hex, algorithm names quoted). Throws when Wireshark has no name for the suite.</summary>
    public static string FormatIkev2(Ikev2KeyEntry entry)
    {
        var suite = entry.Suite ?? throw new ArgumentException("the entry has no algorithms", nameof(entry));
        int bits = suite.Encryption == EncryptionTransformId.ENCR_3DES ? 192 : suite.KeyLengthBits;
        string enc = Encryptions.FirstOrDefault(e => e.Value.Id == suite.Encryption && e.Value.Bits == bits).Key
            ?? throw new NotSupportedException($"Wireshark has no name for {suite.Encryption}-{bits}");
        string integ = Integrities.FirstOrDefault(e => e.Value == suite.Integrity).Key
            ?? throw new NotSupportedException($"Wireshark has no name for {suite.Integrity}");
        static string H(byte[] b) => Convert.ToHexStringLower(b);
        var k = entry.Keys;
        return $"{entry.InitiatorSpi:x16},{entry.ResponderSpi:x16},{H(k.SkEi)},{H(k.SkEr)},\"{enc}\",{H(k.SkAi)},{H(k.SkAr)},\"{integ}\"";
    }

    /// <summary>One <c>ikev1_decryption_table</c> line: initiator cookie and Ka, lower-case hex.</summary>
    public static string FormatIkev1(Ikev1KeyEntry entry) =>
        $"{entry.InitiatorCookie:x16},{Convert.ToHexStringLower(entry.EncryptionKey)}";

    /// <summary>Numbered, comma-split lines that are neither blank nor comments.</summary>
    private static IEnumerable<(int Line, string[] Fields)> Rows(string file, IEnumerable<string> lines)
    {
        int n = 0;
        foreach (string raw in lines)
        {
            n++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            yield return (n, SplitFields(file, n, line));
        }
    }

    /// <summary>Splits on commas outside double quotes; quoted fields keep their quotes.</summary>
    private static string[] SplitFields(string file, int n, string line)
    {
        var fields = new List<string>();
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"') quoted = !quoted;
            else if (line[i] == ',' && !quoted)
            {
                fields.Add(line[start..i].Trim());
                start = i + 1;
            }
        }
        if (quoted) throw new KeyTableException(file, n, "unterminated quoted field");
        fields.Add(line[start..].Trim());
        return fields.ToArray();
    }

    private static string Unquote(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1] : field;

    private static ulong Spi(string file, int n, string field, string name)
    {
        string s = Unquote(field);
        if (s.Length != 16 || !ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
            throw new KeyTableException(file, n, $"{name} '{s}' is not 16 hex digits");
        return v;
    }

    private static byte[] Hex(string file, int n, string field, string name)
    {
        string s = Unquote(field);
        try
        {
            return s.Length == 0 ? [] : Convert.FromHexString(s);
        }
        catch (FormatException)
        {
            throw new KeyTableException(file, n, $"{name} is not hex");
        }
    }
}

/// <summary>The keys of every SA given: IKEv2 by (SPIi, SPIr), IKEv1 by initiator cookie; IKEv2 keys of unknown SPIs
/// aside (<see cref="Unbound"/>).</summary>
public sealed class KeyRing
{
    private readonly Dictionary<(ulong, ulong), Ikev2KeyEntry> _ikev2 = new();
    private readonly Dictionary<ulong, Ikev1KeyEntry> _ikev1 = new();
    private readonly List<Ikev2KeyEntry> _unbound = new();

    public int Count => _ikev2.Count + _ikev1.Count + _unbound.Count;

    public void Add(Ikev2KeyEntry entry)
    {
        if (entry.IsUnbound) _unbound.Add(entry);
        else _ikev2[(entry.InitiatorSpi, entry.ResponderSpi)] = entry;
    }

    public void Add(Ikev1KeyEntry entry) => _ikev1[entry.InitiatorCookie] = entry;

    /// <summary>IKEv2 keys whose SPIs are unknown (a rekeyed IKE SA in a charon log): the decryptor tries them on
    /// messages of SPIs that have no key and keeps the one whose ICV verifies.</summary>
    public IReadOnlyList<Ikev2KeyEntry> Unbound => _unbound;

    /// <summary>Adds the keys of a charon log (<see cref="CharonLog.Parse"/>).</summary>
    public void Add(CharonLogKeys log)
    {
        foreach (var e in log.Ikev2) Add(e);
        foreach (var e in log.Ikev1) Add(e);
    }

    public Ikev2KeyEntry? FindIkev2(ulong initiatorSpi, ulong responderSpi) =>
        _ikev2.GetValueOrDefault((initiatorSpi, responderSpi));

    public Ikev1KeyEntry? FindIkev1(ulong initiatorCookie) => _ikev1.GetValueOrDefault(initiatorCookie);

    /// <summary>
    /// Loads key tables. A file is read as an IKEv1 table when its name contains "ikev1", as an IKEv2 table when it
    /// contains "ikev2"; otherwise by the field count of its first line (2: IKEv1, 8: IKEv2). Throws
    /// <see cref="KeyTableException"/> for a bad line and IOException for an unreadable file.
    /// </summary>
    public static KeyRing Load(IEnumerable<string> paths)
    {
        var ring = new KeyRing();
        foreach (string path in paths) ring.AddFile(path, File.ReadAllLines(path));
        return ring;
    }

    /// <summary>Adds the lines of one table; <paramref name="name"/> names it in errors and picks the kind.</summary>
    public void AddFile(string name, IReadOnlyList<string> lines)
    {
        string file = Path.GetFileName(name);
        bool v1 = file.Contains("ikev1", StringComparison.OrdinalIgnoreCase);
        bool v2 = file.Contains("ikev2", StringComparison.OrdinalIgnoreCase);
        if (!v1 && !v2)
        {
            string? first = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && l[0] != '#');
            v1 = first is not null && first.Count(c => c == ',') == 1;
        }
        if (v1) foreach (var e in KeyTables.ParseIkev1(name, lines)) Add(e);
        else foreach (var e in KeyTables.ParseIkev2(name, lines)) Add(e);
    }
}
