using System.Text.RegularExpressions;

namespace PcapIke.Model.Ios;

/// <summary>
/// Reads the <c>show</c> outputs the selection model needs (docs/ios-parsers.md): <c>show crypto pki certificates</c>
/// (the certificate store order), <c>show crypto isakmp profile</c> and <c>show crypto ikev2 profile</c> (the order IOS
/// tries profiles in). Each reads its own part of a paste (<see cref="IosPaste"/>), by labels rather than columns, so
/// lost indentation and interleaved noise do not matter. Lines it does not know are kept as ignored. Never throws.
/// </summary>
public static partial class IosShowParser
{
    // "Certificate Serial Number (hex): 03", "end   date: 13:25:01 CET Jun 17 2014", "Remote authentication method(s): rsa-sig".
    // A label is letters, digits, blanks and ()/- before the first ':' that a blank or the end follows; a DN line has
    // its '=' first and is never a label.
    [GeneratedRegex(@"^(?<label>[A-Za-z][A-Za-z0-9 ()/\-]*?)\s*:(?:\s+(?<value>.*))?$")]
    private static partial Regex Label();

    private static (string Label, string Value)? LabelOf(string text)
    {
        int eq = text.IndexOf('='), colon = text.IndexOf(':');
        if (colon < 0 || (eq >= 0 && eq < colon))
            return null;
        Match m = Label().Match(text);
        if (!m.Success)
            return null;
        string label = string.Join(' ', m.Groups["label"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        return (label, m.Groups["value"].Value.Trim());
    }

    // "...", "....", "<output omitted, 1 more R1 cert signed by CA1, 2 more CA certs>", "[output omitted]".
    private static bool IsOmission(string text) =>
        (text.Length >= 3 && text.All(c => c == '.' || c == '…')) || text == "…"
        || text.TrimStart('<', '[', '(').StartsWith("output omitted", StringComparison.OrdinalIgnoreCase)
        || text.TrimStart('<', '[', '(').StartsWith("omitted", StringComparison.OrdinalIgnoreCase);

    private static string[] Items(string value) =>
        value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);

    private static bool IsNone(string value) =>
        value.Length == 0 || value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("<none>", StringComparison.OrdinalIgnoreCase);

    // ---- show crypto pki certificates ----

    public static PkiCertificateListing ParseCertificates(string text, string sourceName) => ParseCertificates(IosPaste.Read(text), sourceName);

    public static PkiCertificateListing ParseCertificates(IosPasteText paste, string sourceName)
    {
        var entries = new List<PkiListingEntry>();
        var ignored = new List<IosIgnoredLine>();
        var notes = new List<IosNote>();
        bool truncated = false;
        PkiBuilder? current = null;
        IReadOnlyList<IosLine> lines = paste.LinesOf(IosTextKinds.PkiCertificates);
        foreach (IosLine line in lines)
        {
            string t = line.Text;
            if (IosPaste.CertificateTitle().IsMatch(t))
            {
                if (current is not null)
                    entries.Add(current.Build());
                current = new PkiBuilder(t, line.Number);
                continue;
            }
            if (IsOmission(t))
            {
                truncated = true;
                if (current is { Finished: false })
                    current.Incomplete = true;
                if (current is not null)
                    current.Block = PkiBlock.None;
                continue;
            }
            if (current is null || !current.Read(t))
                ignored.Add(new IosIgnoredLine(line.Number, t, current is null ? null : current.Title));
        }
        if (current is not null)
            entries.Add(current.Build());
        if (entries.Count == 0)
            notes.Add(new IosNote(IosNoteKind.Problem, "no 'show crypto pki certificates' entry found in the text", sourceName));
        if (truncated)
            notes.Add(new IosNote(IosNoteKind.Gap, "the listing says output was omitted: some certificates may be missing from it", sourceName));
        return new PkiCertificateListing(sourceName, paste.PromptHostnames, entries, truncated, ignored, notes);
    }

    private enum PkiBlock
    {
        None,
        Issuer,
        Subject,
        Validity,
        Urls,
    }

    private sealed class PkiBuilder(string title, int line)
    {
        public string Title { get; } = title;
        public PkiBlock Block { get; set; }
        public bool Incomplete { get; set; }
        public bool Finished => _trustpoints.Count > 0 || _storage is not null;
        private readonly List<string> _issuer = [], _subject = [], _trustpoints = [];
        private string? _status, _serial, _usage, _name, _ip, _subjectSerial, _storage;
        private IosShowTime? _from, _to;

        public bool Read(string t)
        {
            if (LabelOf(t) is not { } l)
            {
                if (Block is PkiBlock.Issuer or PkiBlock.Subject && t.Contains('='))
                {
                    (Block == PkiBlock.Issuer ? _issuer : _subject).Add(t);
                    return true;
                }
                return Block == PkiBlock.Urls; // CRL distribution point URLs are read and not kept
            }
            switch (l.Label)
            {
                case "status":
                    _status = l.Value;
                    break;
                case "certificate serial number (hex)" or "certificate serial number":
                case "serial number" when Block != PkiBlock.Subject:
                    _serial = Serial(l.Value);
                    Block = PkiBlock.None;
                    break;
                case "certificate usage":
                    _usage = l.Value;
                    break;
                case "issuer":
                    Block = PkiBlock.Issuer;
                    if (l.Value.Length > 0)
                        _issuer.Add(l.Value);
                    break;
                case "subject" or "subject name":
                    Block = PkiBlock.Subject;
                    if (l.Value.Length > 0)
                        _subject.Add(l.Value);
                    break;
                case "name" when Block == PkiBlock.Subject:
                    _name = l.Value.Length > 0 ? l.Value : null;
                    break;
                case "ip address" when Block == PkiBlock.Subject:
                    _ip = l.Value.Length > 0 ? l.Value : null;
                    break;
                case "serial number" when Block == PkiBlock.Subject:
                    _subjectSerial = l.Value.Length > 0 ? l.Value : null;
                    break;
                case "validity date":
                    Block = PkiBlock.Validity;
                    break;
                case "start date":
                    _from = IosShowTime.TryParse(l.Value);
                    return _from is not null;
                case "end date":
                    _to = IosShowTime.TryParse(l.Value);
                    return _to is not null;
                case "renew date":
                    break;
                case "associated trustpoints":
                    _trustpoints.AddRange(Items(l.Value));
                    Block = PkiBlock.None;
                    break;
                case "storage":
                    _storage = l.Value;
                    Block = PkiBlock.None;
                    break;
                case "crl distribution points" or "crl distribution point":
                    Block = PkiBlock.Urls;
                    break;
                default:
                    Block = PkiBlock.None;
                    return false;
            }
            return true;
        }

        // "03", "0x3", "3A 1B" → upper-case hex with an even number of digits, as IOS prints serials.
        private static string Serial(string printed)
        {
            string hex = printed.Replace(" ", "").Replace(":", "");
            if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                hex = hex[2..];
            if (hex.Length == 0 || !hex.All(char.IsAsciiHexDigit))
                return printed;
            hex = hex.ToUpperInvariant();
            return hex.Length % 2 == 0 ? hex : "0" + hex;
        }

        public PkiListingEntry Build()
        {
            PkiEntryKind kind = Title switch
            {
                "Certificate" => PkiEntryKind.Certificate,
                "CA Certificate" => PkiEntryKind.CaCertificate,
                _ when Title.Contains("Self-Signed", StringComparison.OrdinalIgnoreCase) => PkiEntryKind.SelfSigned,
                _ => PkiEntryKind.Other,
            };
            return new PkiListingEntry(kind, Title, line, _status, _serial, _usage, _issuer.ToArray(), _subject.ToArray(), _name, _ip,
                _subjectSerial, _from, _to, _trustpoints.ToArray(), _storage, Incomplete);
        }
    }

    // ---- show crypto isakmp profile ----

    /// <summary>
    /// <c>show crypto isakmp profile</c>, best effort (the real layout could not be checked here; docs/ios-parsers.md):
    /// <c>ISAKMP PROFILE prof1</c>, <c>Identities matched are:</c> then one identity a line, <c>Certificate maps matched
    /// are:</c> then one map a line, <c>Identity presented is: fqdn</c>, <c>keyring(s): &lt;none&gt;</c>,
    /// <c>trustpoints: IOSCA1</c> or <c>&lt;all&gt;</c>.
    /// </summary>
    public static IsakmpProfileListing ParseIsakmpProfiles(string text, string sourceName) => ParseIsakmpProfiles(IosPaste.Read(text), sourceName);

    public static IsakmpProfileListing ParseIsakmpProfiles(IosPasteText paste, string sourceName)
    {
        var profiles = new List<IsakmpProfileListingEntry>();
        var ignored = new List<IosIgnoredLine>();
        IsakmpBuilder? cur = null;
        foreach (IosLine line in paste.LinesOf(IosTextKinds.IsakmpProfiles))
        {
            string t = line.Text;
            if (IosPaste.IsakmpProfileHeader().Match(t) is { Success: true } h)
            {
                if (cur is not null)
                    profiles.Add(cur.Build());
                cur = new IsakmpBuilder(h.Groups["name"].Value, line.Number);
                continue;
            }
            if (cur is null || IsOmission(t) || !cur.Read(t))
                ignored.Add(new IosIgnoredLine(line.Number, t, cur is null ? null : "ISAKMP PROFILE " + cur.Name));
        }
        if (cur is not null)
            profiles.Add(cur.Build());
        var notes = new List<IosNote>();
        if (profiles.Count == 0)
            notes.Add(new IosNote(IosNoteKind.Problem, "no 'show crypto isakmp profile' entry found in the text", sourceName));
        return new IsakmpProfileListing(sourceName, paste.PromptHostnames, profiles, ignored, notes);
    }

    private sealed class IsakmpBuilder(string name, int line)
    {
        public string Name { get; } = name;
        private readonly List<string> _ids = [], _maps = [], _keyrings = [], _tps = [];
        private string? _presented;
        private bool _all;
        private int _block; // 1 identities, 2 certificate maps

        public bool Read(string t)
        {
            if (LabelOf(t) is not { } l)
            {
                switch (_block)
                {
                    case 1:
                        _ids.Add(string.Join(' ', t.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                        return true;
                    case 2:
                        _maps.Add(t);
                        return true;
                    default:
                        return false;
                }
            }
            _block = 0;
            switch (l.Label)
            {
                case "identities matched are":
                    _block = 1;
                    if (!IsNone(l.Value)) _ids.Add(l.Value);
                    break;
                case "certificate maps matched are":
                    _block = 2;
                    if (!IsNone(l.Value)) _maps.Add(l.Value);
                    break;
                case "identity presented is":
                    _presented = l.Value;
                    break;
                case "keyring(s)" or "keyrings" or "keyring":
                    if (!IsNone(l.Value)) _keyrings.AddRange(Items(l.Value));
                    break;
                case "trustpoints" or "trustpoint(s)" or "trustpoint":
                    if (l.Value.Length == 0 || l.Value.Trim('<', '>').Equals("all", StringComparison.OrdinalIgnoreCase))
                        _all = true;
                    else
                        _tps.AddRange(Items(l.Value));
                    break;
                default:
                    return false;
            }
            return true;
        }

        public IsakmpProfileListingEntry Build() =>
            new(Name, line, _ids.ToArray(), _maps.ToArray(), _presented, _keyrings.ToArray(), _tps.ToArray(), _all);
    }

    // ---- show crypto ikev2 profile ----

    /// <summary>
    /// <c>show crypto ikev2 profile</c> as IOS 15/IOS-XE prints it: <c>IKEv2 profile: NAME</c>, <c>Match criteria:</c>,
    /// <c>Identities:</c> then one identity a line (<c>address 192.168.0.1 255.255.255.255</c>), <c>Certificate maps:</c>,
    /// <c>Local identity: address 192.168.0.2</c>, <c>Remote identity:</c>, <c>Local authentication method:</c>,
    /// <c>Remote authentication method(s):</c>, <c>Trustpoint(s): TP1 TP2</c> (also read: <c>PKI trustpoint(s):</c>,
    /// a use after a name, <c>TP1(sign)</c>, or before names, <c>sign: TP1 verify: TP2</c>); every other label is kept.
    /// </summary>
    public static Ikev2ProfileListing ParseIkev2Profiles(string text, string sourceName) => ParseIkev2Profiles(IosPaste.Read(text), sourceName);

    public static Ikev2ProfileListing ParseIkev2Profiles(IosPasteText paste, string sourceName)
    {
        var profiles = new List<Ikev2ProfileListingEntry>();
        var ignored = new List<IosIgnoredLine>();
        Ikev2Builder? cur = null;
        foreach (IosLine line in paste.LinesOf(IosTextKinds.Ikev2Profiles))
        {
            string t = line.Text;
            if (IosPaste.Ikev2ProfileHeader().Match(t) is { Success: true } h)
            {
                if (cur is not null)
                    profiles.Add(cur.Build());
                cur = new Ikev2Builder(h.Groups["name"].Value, line.Number);
                continue;
            }
            if (cur is null || IsOmission(t) || !cur.Read(t))
                ignored.Add(new IosIgnoredLine(line.Number, t, cur is null ? null : "IKEv2 profile: " + cur.Name));
        }
        if (cur is not null)
            profiles.Add(cur.Build());
        var notes = new List<IosNote>();
        if (profiles.Count == 0)
            notes.Add(new IosNote(IosNoteKind.Problem, "no 'show crypto ikev2 profile' entry found in the text", sourceName));
        return new Ikev2ProfileListing(sourceName, paste.PromptHostnames, profiles, ignored, notes);
    }

    private sealed class Ikev2Builder(string name, int line)
    {
        public string Name { get; } = name;
        private readonly List<string> _ids = [], _maps = [], _remoteAuth = [];
        private readonly List<IosIkev2Trustpoint> _tps = [];
        private readonly List<KeyValuePair<string, string>> _other = [];
        private string? _local, _remote, _localAuth;
        private int _block; // 1 identities, 2 certificate maps, 3 trustpoints
        private IosTrustpointUse _use;

        public bool Read(string t)
        {
            if (LabelOf(t) is not { } l)
            {
                switch (_block)
                {
                    case 1 when !IsNone(t):
                        _ids.Add(string.Join(' ', t.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                        return true;
                    case 2 when !IsNone(t):
                        _maps.Add(t);
                        return true;
                    case 3:
                        Trustpoints(t);
                        return true;
                    default:
                        return IsNone(t) && _block != 0;
                }
            }
            _block = 0;
            switch (l.Label)
            {
                case "match criteria":
                    break;
                case "identities":
                    _block = 1;
                    if (!IsNone(l.Value)) _ids.Add(l.Value);
                    break;
                case "certificate maps":
                    _block = 2;
                    if (!IsNone(l.Value)) _maps.Add(l.Value);
                    break;
                case "local identity":
                    _local = IsNone(l.Value) ? null : l.Value;
                    break;
                case "remote identity":
                    _remote = IsNone(l.Value) ? null : l.Value;
                    break;
                case "local authentication method":
                    _localAuth = IsNone(l.Value) ? null : l.Value;
                    break;
                case "remote authentication method(s)" or "remote authentication method" or "remote authentication methods":
                    if (!IsNone(l.Value)) _remoteAuth.AddRange(Items(l.Value));
                    break;
                case "trustpoint(s)" or "pki trustpoint(s)" or "trustpoints" or "pki trustpoints" or "trustpoint" or "pki trustpoint":
                    _block = 3;
                    _use = IosTrustpointUse.SignAndVerify;
                    Trustpoints(l.Value);
                    break;
                case "sign" or "verify":
                    // "Trustpoint(s): sign: TP1" wrapped onto the next line as "verify: TP2"
                    _block = 3;
                    _use = l.Label == "sign" ? IosTrustpointUse.Sign : IosTrustpointUse.Verify;
                    Trustpoints(l.Value);
                    break;
                default:
                    _other.Add(new KeyValuePair<string, string>(l.Label, l.Value));
                    break;
            }
            return true;
        }

        private void Trustpoints(string value)
        {
            if (IsNone(value))
                return;
            foreach (string raw in value.Replace("(", " (").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            {
                string token = raw.TrimEnd(':').ToLowerInvariant();
                if (token is "sign" or "verify" && raw.EndsWith(':'))
                    _use = token == "sign" ? IosTrustpointUse.Sign : IosTrustpointUse.Verify;
                else if (token is "(sign)" or "(verify)")
                {
                    if (_tps.Count > 0)
                        _tps[^1] = _tps[^1] with { Use = token == "(sign)" ? IosTrustpointUse.Sign : IosTrustpointUse.Verify };
                }
                else if (!IsNone(raw))
                    _tps.Add(new IosIkev2Trustpoint(raw, _use));
            }
        }

        public Ikev2ProfileListingEntry Build() =>
            new(Name, line, _ids.ToArray(), _maps.ToArray(), _local, _remote, _localAuth, _remoteAuth.ToArray(), _tps.ToArray(), _other.ToArray());
    }
}
