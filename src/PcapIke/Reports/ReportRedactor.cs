using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace PcapIke.Reports;

/// <summary>
/// <c>report --redact</c>: replaces what identifies a customer's network with pseudonyms, consistently (the same
/// original maps to the same pseudonym everywhere in one report): IPv4 addresses → <c>10.255.0.N</c>, IPv6 →
/// <c>2001:db8:ffff::N</c>, FQDNs → <c>host-N.example</c>, the local part of an e-mail → <c>user-N</c>, DN
/// attribute values and other names (router hostnames, non-FQDN IDs) → <c>name-N</c>, SPIs/cookies → <c>spi-N</c>,
/// CERTREQ CA key hashes → <c>sha1-N</c>, input files → <c>capture-1.pcap</c>, <c>keys-1</c> … (docs/case-report.md).
/// Known values are registered first from the structured data (addresses, IDs, DNs, the configurations), then
/// <see cref="Text"/> replaces them as whole words in any text, together with any address, FQDN or SPI it finds by
/// pattern. <see cref="None"/> leaves everything as it is.
/// </summary>
public sealed class ReportRedactor
{
    /// <summary>The identity: reports without <c>--redact</c>.</summary>
    public static readonly ReportRedactor None = new(enabled: false);

    private readonly bool _enabled;
    private readonly Dictionary<string, string> _map = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _pseudonyms = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private Regex? _pattern;

    public ReportRedactor(bool enabled = true) => _enabled = enabled;

    public bool Enabled => _enabled;

    /// <summary>File name extensions that a "name.ext" token is taken to be a file, not a host.</summary>
    private static readonly HashSet<string> s_fileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "pcap", "pcapng", "cap", "gz", "pem", "der", "crt", "cer", "txt", "json", "log", "html", "htm", "md", "csv",
        "jsonl", "conf", "cfg", "key", "table", "example",
    };

    // One pass over a text: every alternative maps its match to a pseudonym, and nothing replaced is scanned again.
    private const string Ipv4 = @"(?<![\w.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\w]|\.\d)";
    private const string Ipv6 = @"(?<![\w:.])(?=[0-9A-Fa-f:.]*::|(?:[0-9A-Fa-f]{0,4}:){7})[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?![\w:])";
    private const string Email = @"(?<![\w.+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z][A-Za-z0-9-]*(?![\w-])";
    private const string Fqdn = @"(?<![\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})\.)+[A-Za-z][A-Za-z0-9-]{1,62}(?![\w-]|\.\w)";
    private const string SpiPattern = @"(?<![0-9A-Fa-f\w])[0-9A-Fa-f]{16}(?![0-9A-Fa-f\w])";

    // ---- registration of known values (structured data) ----

    /// <summary>An address seen anywhere (endpoint, ID, config).</summary>
    public string Address(IPAddress address)
    {
        if (!_enabled) return address.ToString();
        string original = address.ToString();
        if (_map.TryGetValue(original, out string? p)) return p;
        int n = Next("ip");
        string pseudonym = address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"2001:db8:ffff::{n.ToString("x", CultureInfo.InvariantCulture)}"
            : $"10.255.{((n - 1) / 254).ToString(CultureInfo.InvariantCulture)}.{((n - 1) % 254 + 1).ToString(CultureInfo.InvariantCulture)}";
        if (n > 254 * 256) pseudonym = $"2001:db8:ffff::{n.ToString("x", CultureInfo.InvariantCulture)}";
        return Remember(original, pseudonym, asToken: true);
    }

    /// <summary>An SPI or cookie (8 bytes), as reports print it.</summary>
    public string Spi(ulong spi)
    {
        string original = SaReportText.Spi(spi);
        if (!_enabled) return original;
        return spi == 0 ? original : Lookup(original, "spi", n => $"spi-{n}");
    }

    /// <summary>A CERTREQ CA key hash (hex).</summary>
    public string Hash(string hex) => !_enabled ? hex : Lookup(hex, "sha1", n => $"sha1-{n}");

    /// <summary>A name: a DN attribute value, a router hostname, an ID that is neither an address nor an FQDN. An
    /// address or FQDN is given its own kind of pseudonym.</summary>
    public string Name(string value)
    {
        if (!_enabled || value.Length == 0) return value;
        if (_map.TryGetValue(value, out string? p))
        {
            RegisterToken(value, p);   // the same value in another case ("Cisco" after "cisco") is a token too
            return p;
        }
        string trimmed = value.Trim();
        if (trimmed.Length != value.Length && trimmed.Length > 0) return value.Replace(trimmed, Name(trimmed), StringComparison.Ordinal);
        if (IPAddress.TryParse(value, out var ip) && LooksLikeAddress(value)) return Remember(value, Address(ip), asToken: true);
        if (Regex.IsMatch(value, "^" + Email + "$")) return Remember(value, Text(value), asToken: true);
        if (Regex.IsMatch(value, "^" + Fqdn + "$") && !IsFileName(value)) return Lookup(value, "host", n => $"host-{n}.example");
        return Lookup(value, "name", n => $"name-{n}");
    }

    /// <summary>
    /// A distinguished name (IOS style <c>cn=CA1,o=cisco,o=com</c> or RFC 4514, values with unescaped commas such as
    /// <c>o=VeriSign, Inc.</c> kept whole): every attribute value replaced, the attribute types kept.
    /// </summary>
    public string Dn(string dn)
    {
        if (!_enabled) return dn;
        var parts = SplitDn(dn);
        if (parts.Count == 0) return Name(dn);
        var sb = new StringBuilder();
        foreach (var (separator, type, value) in parts)
        {
            sb.Append(separator).Append(type).Append('=');
            sb.Append(Name(value));
        }
        return sb.ToString();
    }

    /// <summary>An identity (IKE ID): a DN, an address, an FQDN, an e-mail address or another name.</summary>
    public string Identity(string id)
    {
        if (!_enabled) return id;
        return SplitDn(id).Count > 0 ? Dn(id) : Name(id);
    }

    /// <summary>An input file named in the report: its pseudonym keeps only the role and the extension
    /// (<c>capture-1.pcap</c>, <c>keys-1</c>, <c>config-1.json</c>); without redaction, the path as given.</summary>
    public string File(string path, string role)
    {
        if (!_enabled) return path;
        if (_map.TryGetValue("file:" + role + ":" + path, out string? p)) return p;
        string ext = System.IO.Path.GetExtension(path);
        if (!Regex.IsMatch(ext, @"^\.[A-Za-z0-9]{1,7}$")) ext = "";
        int n = Next("file:" + role);
        string pseudonym = $"{role}-{n.ToString(CultureInfo.InvariantCulture)}{ext.ToLowerInvariant()}";
        _map["file:" + role + ":" + path] = pseudonym;
        _pseudonyms.Add(pseudonym);
        // The path as given and the file's name must not appear in any text either (a malformation names the path).
        RegisterToken(path, pseudonym);
        RegisterToken(System.IO.Path.GetFileName(path), pseudonym);
        return pseudonym;
    }

    /// <summary>Any text (finding messages, outcome details, vendor strings): known values as whole words, then
    /// addresses, e-mail addresses, FQDNs and SPIs by pattern.</summary>
    public string Text(string text)
    {
        if (!_enabled || text.Length == 0) return text;
        _pattern ??= BuildPattern();
        return _pattern.Replace(text, m =>
        {
            string s = m.Value;
            if (_pseudonyms.Contains(s)) return s;
            if (_known.Contains(s) || m.Groups["known"].Success) return _map[s];
            if (m.Groups["ip4"].Success || m.Groups["ip6"].Success)
                return IPAddress.TryParse(s, out var ip) ? Address(ip) : s;
            if (m.Groups["email"].Success)
            {
                int at = s.IndexOf('@');
                string local = Lookup(s[..at], "user", n => $"user-{n}");
                string host = Lookup(s[(at + 1)..], "host", n => $"host-{n}.example");
                return Remember(s, $"{local}@{host}", asToken: false);
            }
            if (m.Groups["fqdn"].Success) return IsFileName(s) ? s : Lookup(s, "host", n => $"host-{n}.example");
            if (m.Groups["spi"].Success) return Lookup(s, "spi", n => $"spi-{n}");
            return s;
        });
    }

    /// <summary>Registers a value as a whole-word token of the free texts (values of 2 characters or more; shorter
    /// ones are replaced only where the structure shows them, as a DN value).</summary>
    private void RegisterToken(string original, string pseudonym)
    {
        if (original.Length < 2 || _pseudonyms.Contains(original)) return;
        if (!_map.ContainsKey(original)) _map[original] = pseudonym;
        if (_known.Add(original)) _pattern = null;
    }

    private string Lookup(string original, string kind, Func<int, string> make)
    {
        if (_map.TryGetValue(original, out string? p))
        {
            RegisterToken(original, p);
            return p;
        }
        string pseudonym = make(Next(kind));
        return Remember(original, pseudonym, asToken: true);
    }

    private string Remember(string original, string pseudonym, bool asToken)
    {
        _map[original] = pseudonym;
        _pseudonyms.Add(pseudonym);
        if (asToken) RegisterToken(original, pseudonym);
        return pseudonym;
    }

    private int Next(string kind)
    {
        _counters.TryGetValue(kind, out int n);
        _counters[kind] = ++n;
        return n;
    }

    private Regex BuildPattern()
    {
        var known = _known.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).Select(Regex.Escape).ToList();
        string knownAlt = known.Count == 0 ? "(?!)" : string.Join("|", known);
        // Addresses first (a known address is looked up by value), then FQDNs and e-mail addresses, then the known
        // names as whole words, then SPIs.
        string pattern = $"(?<ip4>{Ipv4})|(?<ip6>{Ipv6})|(?<email>{Email})|(?<fqdn>{Fqdn})" +
                         $"|(?<![\\p{{L}}\\p{{N}}_])(?<known>{knownAlt})(?![\\p{{L}}\\p{{N}}_])|(?<spi>{SpiPattern})";
        return new Regex(pattern, RegexOptions.CultureInvariant);
    }

    private static bool IsFileName(string s)
    {
        int dot = s.LastIndexOf('.');
        return dot > 0 && s_fileExtensions.Contains(s[(dot + 1)..]);
    }

    private static bool LooksLikeAddress(string s) =>
        Regex.IsMatch(s, "^" + Ipv4 + "$") || (s.Contains(':') && Regex.IsMatch(s, @"^[0-9A-Fa-f:.]+$"));

    /// <summary>The attributes of a DN as (separator before it, type, value); empty when the text is not a DN. A
    /// separator is a ',' or '+' followed by <c>type=</c>; anything else (an unescaped comma inside a value) stays in
    /// the value; RFC 4514 backslash escapes are kept as they are.</summary>
    public static IReadOnlyList<(string Separator, string Type, string Value)> SplitDn(string dn)
    {
        var result = new List<(string, string, string)>();
        var typeAt = new Regex(@"\G\s*(?<type>[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)=", RegexOptions.CultureInvariant);
        int pos = 0;
        string separator = "";
        while (pos < dn.Length)
        {
            var t = typeAt.Match(dn, pos);
            if (!t.Success) return [];
            int valueStart = t.Index + t.Length;
            int i = valueStart;
            int end = dn.Length;
            string nextSeparator = "";
            while (i < dn.Length)
            {
                char c = dn[i];
                if (c == '\\' && i + 1 < dn.Length) { i += 2; continue; }
                if ((c == ',' || c == '+') && typeAt.IsMatch(dn, i + 1))
                {
                    end = i;
                    int j = i + 1;
                    while (j < dn.Length && dn[j] == ' ') j++;
                    nextSeparator = dn[i..j];
                    break;
                }
                i++;
            }
            string leading = dn[pos..t.Groups["type"].Index];
            result.Add((separator + leading, t.Groups["type"].Value, dn[valueStart..end]));
            if (end == dn.Length) break;
            separator = nextSeparator;
            pos = end + nextSeparator.Length;
        }
        return result;
    }
}
