using System.Globalization;
using System.Text.RegularExpressions;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Decryption;

/// <summary>What a charon log gave: the keys found, and the key sets that could not be tied to SPIs or cookies.</summary>
public sealed record CharonLogKeys(IReadOnlyList<Ikev2KeyEntry> Ikev2, IReadOnlyList<Ikev1KeyEntry> Ikev1,
    int UnpairedIkev1Keys)
{
    public int Count => Ikev2.Count + Ikev1.Count;

    /// <summary>Lines that looked like what the reader uses but could not be (<c>file:line: reason</c>): a key dump
    /// larger than 4096 bytes or cut short, a selected proposal of no suite known here.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>
/// Reads IKE keys from a strongSwan charon log written with the <c>ike</c> subsystem at level 4 (filelog
/// <c>ike = 4</c>): charon then dumps each derived key as a hex blob,
/// <code>
/// Nov 27 13:13:08 01[IKE] Sk_ei secret => 32 bytes @ 0x7f3a5c003b20
/// Nov 27 13:13:08 01[IKE]    0: F4 76 17 04 AC C8 68 F0 36 9C 4D E8 C1 2C 10 BF  .v....h.6.M..,..
/// Nov 27 13:13:08 01[IKE]   16: 63 55 F1 9F 67 85 AA F8 48 96 30 75 DA 14 A0 90  cU..g...H.0u....
/// </code>
/// IKEv2: <c>Sk_ai</c>, <c>Sk_ar</c>, <c>Sk_ei</c>, <c>Sk_er secret</c> (none of SK_a for AEAD); IKEv1: <c>encryption
/// key Ka</c>. The log names no SPIs next to the keys; they come from the NAT-D hash input (<c>natd_chunk</c>, level 3:
/// SPIi | SPIr | address | port, RFC 7296 §2.23, or CKY-I | CKY-R | …, RFC 3947 §3.2) or from the manager's
/// <c>… SPIs 0123456789abcdef_i fedcba9876543210_r</c> lines (<c>mgr</c> level 2): each key set is tied to the
/// nearest such pair (with a non-zero responder SPI) not taken by a nearer key set. An IKEv2 key set with no pair
/// left (a rekeyed IKE SA) is kept with zero SPIs and tried against encrypted messages of unknown SPIs: the ICV
/// tells whether it fits. The algorithms are not next to the keys either: they come from the capture (the IKE_SA_INIT
/// response's SA payload, see <see cref="MessageDecryptor"/>) or else from the last <c>selected proposal: IKE:…</c>
/// line before the keys (<c>cfg</c> level 1).
/// </summary>
public static partial class CharonLog
{
    /// <summary>A line: optional time/host prefix, thread[GROUP], optional &lt;conn|n&gt;, message.</summary>
    [GeneratedRegex(@"(?:^|\s)(?<thread>\d{1,3})\[(?<group>[A-Z]{2,5})\] (?:<[^>]*> )?(?<msg>.*)$")]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^(?<label>.+?) => (?<n>\d+) bytes @ (?:0x)?[0-9a-fA-F]+\s*$")]
    private static partial Regex BlobPattern();

    [GeneratedRegex(@"^\s*(?<at>\d+): (?<hex>(?:[0-9A-Fa-f]{2}(?: |$)){1,16})")]
    private static partial Regex DumpPattern();

    [GeneratedRegex(@"SPIs (?<i>[0-9a-fA-F]{16})_i (?<r>[0-9a-fA-F]{16})_r")]
    private static partial Regex SpiPattern();

    [GeneratedRegex(@"selected proposal: IKE:(?<p>\S+)")]
    private static partial Regex ProposalPattern();

    private enum Kind : byte { Spis, Key, Proposal }

    private sealed record Event(int Line, Kind Kind, string Label = "", byte[]? Data = null, ulong SpiI = 0, ulong SpiR = 0,
        Ikev2CipherSuite? Suite = null);

    /// <summary>Reads the keys of a log. Never throws on the log's content; lines it does not know are skipped.</summary>
    public static CharonLogKeys Parse(string file, IEnumerable<string> lines)
    {
        var problems = new List<string>();
        var events = Events(file, lines, problems);
        var v2 = new List<(int Line, Dictionary<string, byte[]> Keys, Ikev2CipherSuite? Suite)>();
        var v1 = new List<(int Line, byte[] Ka)>();
        Dictionary<string, byte[]>? current = null;
        Ikev2CipherSuite? proposal = null;
        foreach (var e in events)
        {
            if (e.Kind == Kind.Proposal) proposal = e.Suite;
            if (e.Kind != Kind.Key) continue;
            if (e.Label == "ka")
            {
                v1.Add((e.Line, e.Data!));
                continue;
            }
            // RFC 7296 §2.14 order: SK_ai, SK_ar, SK_ei, SK_er (no SK_a for AEAD): SK_er closes a set; a repeated
            // key starts the next one too.
            if (current is null || current.ContainsKey(e.Label) || current.ContainsKey("er"))
            {
                current = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                v2.Add((e.Line, current, proposal));
            }
            current[e.Label] = e.Data!;
            if (e.Label == "er") v2[^1] = (e.Line, current, proposal);
        }

        var spis = events.Where(e => e.Kind == Kind.Spis && e.SpiI != 0 && e.SpiR != 0).ToList();
        var ikev2 = new List<Ikev2KeyEntry>();
        var v2Sets = v2.Where(s => s.Keys.ContainsKey("ei") && s.Keys.ContainsKey("er")).ToList();
        var v2Pairs = Pair(v2Sets.Select(s => s.Line).ToList(), spis);
        for (int i = 0; i < v2Sets.Count; i++)
        {
            var (line, keys, suite) = v2Sets[i];
            var (spiI, spiR) = v2Pairs[i] ?? (0, 0);
            byte[] Get(string k) => keys.TryGetValue(k, out var b) ? b : [];
            ikev2.Add(new Ikev2KeyEntry(spiI, spiR, null, new Ikev2Keys([], Get("ai"), Get("ar"), Get("ei"), Get("er"), [], []))
            {
                Source = $"{file}:{line + 1}",
                LoggedSuite = suite,
            });
        }
        var ikev1 = new List<Ikev1KeyEntry>();
        var v1Pairs = Pair(v1.Select(s => s.Line).ToList(), spis);
        int unpaired = 0;
        for (int i = 0; i < v1.Count; i++)
        {
            if (v1Pairs[i] is { } p) ikev1.Add(new Ikev1KeyEntry(p.SpiI, v1[i].Ka));
            else unpaired++;
        }
        return new CharonLogKeys(ikev2, ikev1, unpaired) { Problems = problems };
    }

    /// <summary>Ties each key set (by line) to the nearest SPI pair; each distinct pair serves one set, nearest first.</summary>
    private static (ulong SpiI, ulong SpiR)?[] Pair(List<int> sets, List<Event> spis)
    {
        var result = new (ulong, ulong)?[sets.Count];
        var candidates = new List<(int Distance, int Set, (ulong, ulong) Pair)>();
        for (int s = 0; s < sets.Count; s++)
            foreach (var g in spis.GroupBy(e => (e.SpiI, e.SpiR)))
                candidates.Add((g.Min(e => Math.Abs(e.Line - sets[s])), s, g.Key));
        var taken = new HashSet<(ulong, ulong)>();
        foreach (var c in candidates.OrderBy(c => c.Distance).ThenBy(c => c.Set))
        {
            if (result[c.Set] is not null || taken.Contains(c.Pair)) continue;
            result[c.Set] = c.Pair;
            taken.Add(c.Pair);
        }
        return result;
    }

    /// <summary>The key dumps, SPI pairs and selected proposals of the log, in line order.</summary>
    private static List<Event> Events(string file, IEnumerable<string> lines, List<string> problems)
    {
        const int maxProblems = 100;
        void Problem(int line, string reason)
        {
            if (problems.Count < maxProblems) problems.Add($"{file}:{line + 1}: {reason}");
        }
        var events = new List<Event>();
        // An open hex dump per thread: its label, line, the bytes still expected and those read.
        var open = new Dictionary<string, (string Label, int Line, int Want, List<byte> Bytes)>(StringComparer.Ordinal);
        int n = -1;
        foreach (string raw in lines)
        {
            n++;
            var m = LinePattern().Match(raw);
            if (!m.Success) continue;
            string thread = m.Groups["thread"].Value, msg = m.Groups["msg"].Value;
            if (open.TryGetValue(thread, out var dump))
            {
                var d = DumpPattern().Match(msg);
                if (d.Success)
                {
                    foreach (string h in d.Groups["hex"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        if (dump.Bytes.Count < dump.Want && byte.TryParse(h, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte value))
                            dump.Bytes.Add(value);
                    if (dump.Bytes.Count < dump.Want) continue;
                }
                open.Remove(thread);
                if (dump.Bytes.Count == dump.Want) Close(events, dump.Label, dump.Line, [.. dump.Bytes]);
                else Problem(dump.Line, $"the {dump.Label} dump has {dump.Bytes.Count} of its {dump.Want} bytes: skipped");
                if (d.Success) continue;
            }
            var b = BlobPattern().Match(msg);
            if (b.Success && Label(b.Groups["label"].Value) is { } label)
            {
                // untrusted log text: the announced size is a number of at most 4096 bytes (no IKE key is longer)
                if (!int.TryParse(b.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int want) || want > 4096)
                    Problem(n, $"the {label} dump announces {b.Groups["n"].Value} bytes, more than 4096: skipped");
                else if (want == 0) Close(events, label, n, []);
                else open[thread] = (label, n, want, new List<byte>(want));
                continue;
            }
            if (SpiPattern().Match(msg) is { Success: true } s
                && ulong.TryParse(s.Groups["i"].ValueSpan, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong spiI)
                && ulong.TryParse(s.Groups["r"].ValueSpan, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong spiR))
                events.Add(new Event(n, Kind.Spis, SpiI: spiI, SpiR: spiR));
            else if (ProposalPattern().Match(msg) is { Success: true } p)
            {
                var suite = ParseProposal(p.Groups["p"].Value);
                if (suite is null)
                    Problem(n, $"selected proposal IKE:{Text.SafeText.Visible(p.Groups["p"].Value)} is no suite known here (an algorithm or key size this reader does not know): its keys' algorithms come from the capture");
                events.Add(new Event(n, Kind.Proposal, Suite: suite));
            }
        }
        foreach (var dump in open.Values)
            if (dump.Bytes.Count == dump.Want) Close(events, dump.Label, dump.Line, [.. dump.Bytes]);
            else Problem(dump.Line, $"the {dump.Label} dump has {dump.Bytes.Count} of its {dump.Want} bytes (the log ends): skipped");
        events.Sort((a, c) => a.Line.CompareTo(c.Line));
        return events;
    }

    private static void Close(List<Event> events, string label, int line, byte[] data)
    {
        if (label == "natd")
        {
            // SPIi | SPIr (IKEv2) or CKY-I | CKY-R (IKEv1), then the address and port
            if (data.Length >= 16)
                events.Add(new Event(line, Kind.Spis, SpiI: System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(data),
                    SpiR: System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(8))));
        }
        else events.Add(new Event(line, Kind.Key, label, data));
    }

    /// <summary>The blobs this reader uses, by charon's label (keymat_v2.c, keymat_v1.c, ike_natd.c).</summary>
    private static string? Label(string label) => label.Trim().ToLowerInvariant() switch
    {
        "sk_ai secret" => "ai",
        "sk_ar secret" => "ar",
        "sk_ei secret" => "ei",
        "sk_er secret" => "er",
        "encryption key ka" => "ka",
        "natd_chunk" => "natd",
        _ => null,
    };

    [GeneratedRegex(@"^(?<alg>3DES_CBC|DES_CBC|AES_CBC|AES_CTR|AES_GCM_(?:8|12|16)|AES_CCM_(?:8|12|16)|CHACHA20_POLY1305)(?:_(?<bits>\d+))?$")]
    private static partial Regex EncryptionToken();

    /// <summary>
    /// A strongSwan proposal string (<c>AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048</c>, names of
    /// strongSwan's transform tables, the key size appended) as a suite; null when it has no encryption algorithm
    /// or PRF known here.
    /// </summary>
    public static Ikev2CipherSuite? ParseProposal(string proposal)
    {
        EncryptionTransformId? enc = null;
        int bits = 0;
        var integ = IntegrityTransformId.NONE;
        PrfTransformId? prf = null;
        foreach (string token in proposal.Split('/'))
        {
            if (EncryptionToken().Match(token) is { Success: true } e)
            {
                if (enc is not null) continue;   // the first of each type, as the suite of a proposal
                enc = e.Groups["alg"].Value switch
                {
                    "3DES_CBC" => EncryptionTransformId.ENCR_3DES,
                    "DES_CBC" => EncryptionTransformId.ENCR_DES,
                    "AES_CBC" => EncryptionTransformId.ENCR_AES_CBC,
                    "AES_CTR" => EncryptionTransformId.ENCR_AES_CTR,
                    "AES_GCM_8" => EncryptionTransformId.ENCR_AES_GCM_8,
                    "AES_GCM_12" => EncryptionTransformId.ENCR_AES_GCM_12,
                    "AES_GCM_16" => EncryptionTransformId.ENCR_AES_GCM_16,
                    "AES_CCM_8" => EncryptionTransformId.ENCR_AES_CCM_8,
                    "AES_CCM_12" => EncryptionTransformId.ENCR_AES_CCM_12,
                    "AES_CCM_16" => EncryptionTransformId.ENCR_AES_CCM_16,
                    _ => EncryptionTransformId.ENCR_CHACHA20_POLY1305,
                };
                bits = 0;
                // untrusted log text: a key size that is no number a cipher can have makes the suite unknown
                if (e.Groups["bits"].Success && (!int.TryParse(e.Groups["bits"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out bits)
                                                 || bits is 0 or > 1024))
                    return null;
                if (enc == EncryptionTransformId.ENCR_CHACHA20_POLY1305) bits = 0;   // RFC 7634 §3: no Key Length
            }
            else if (token.StartsWith("PRF_", StringComparison.Ordinal))
                prf ??= token switch
                {
                    "PRF_HMAC_MD5" => PrfTransformId.PRF_HMAC_MD5,
                    "PRF_HMAC_SHA1" => PrfTransformId.PRF_HMAC_SHA1,
                    "PRF_HMAC_SHA2_256" => PrfTransformId.PRF_HMAC_SHA2_256,
                    "PRF_HMAC_SHA2_384" => PrfTransformId.PRF_HMAC_SHA2_384,
                    "PRF_HMAC_SHA2_512" => PrfTransformId.PRF_HMAC_SHA2_512,
                    _ => null,
                };
            else if (integ == IntegrityTransformId.NONE)
                integ = token switch
                {
                    "HMAC_MD5_96" => IntegrityTransformId.AUTH_HMAC_MD5_96,
                    "HMAC_SHA1_96" => IntegrityTransformId.AUTH_HMAC_SHA1_96,
                    "HMAC_SHA2_256_128" => IntegrityTransformId.AUTH_HMAC_SHA2_256_128,
                    "HMAC_SHA2_384_192" => IntegrityTransformId.AUTH_HMAC_SHA2_384_192,
                    "HMAC_SHA2_512_256" => IntegrityTransformId.AUTH_HMAC_SHA2_512_256,
                    _ => IntegrityTransformId.NONE,
                };
        }
        return enc is { } id && prf is { } p ? new Ikev2CipherSuite(id, bits, integ, p) : null;
    }
}
