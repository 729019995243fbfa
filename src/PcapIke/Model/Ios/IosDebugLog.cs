using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PcapIke.Model.Ios;

/// <summary>
/// One negotiation as one router logged it: its events in log order, the connection ids it was logged under (IOS
/// logs <c>(0)</c> before it assigns one), the peer's address, the router's role (<c>I</c>/<c>R</c>) and IKE version.
/// </summary>
public sealed class IosDebugNegotiation
{
    internal IosDebugNegotiation(string router, int version) { Router = router; Version = version; }

    public string Router { get; }
    public int Version { get; }
    public List<long> Connections { get; } = [];
    public string? Peer { get; internal set; }
    public char? Role { get; internal set; }
    public List<IosDebugEvent> Events { get; } = [];
    public IosDebugEvent? Find(IosDebugEventKind kind) => Events.FirstOrDefault(e => e.Kind == kind);
    public IEnumerable<IosDebugEvent> All(IosDebugEventKind kind) => Events.Where(e => e.Kind == kind);

    public override string ToString() =>
        $"{Router} IKEv{Version} {(Role == 'I' ? "initiator" : Role == 'R' ? "responder" : "role unknown")} peer {Peer ?? "?"} conn {string.Join("/", Connections)}: {Events.Count} events";
}

/// <summary>
/// A pasted IOS / IOS-XE debug log (<c>debug crypto isakmp</c>, <c>debug crypto ikev2</c>, <c>debug crypto pki
/// validation|messages|transactions</c>, or <c>show logging</c> holding them) read into typed events and grouped into
/// negotiations per router (docs/debug-logs.md). Tolerant as engineers paste: the paste cleaning of
/// <see cref="IosPaste"/> (<c>--More--</c>, escapes, markdown), timestamps with or without <c>*</c>/<c>.</c>, with
/// milliseconds, year or zone, sequence numbers, syslog prefixes, uptime stamps, prompts mid-log (which name the
/// router from there on), and lines the terminal wrapped (joined back). Unknown lines are kept and counted; nothing
/// is fatal and the reader never throws.
/// </summary>
public sealed partial class IosDebugLog
{
    /// <summary>At most this many unknown lines are kept by number (all are counted).</summary>
    public const int MaxUnknownKept = 200;
    /// <summary>A record joins at most this many wrapped lines (a longer run is not one debug line).</summary>
    public const int MaxWrappedLines = 12;

    private readonly List<IosDebugEvent> _events = [];
    /// <summary>The IKEv2 message each connection of each router is processing ("Processing IKE_AUTH message").</summary>
    private readonly Dictionary<(string Router, long? Connection), string> _processing = new();
    private readonly List<IosDebugNegotiation> _negotiations = [];
    private readonly List<int> _unknown = [];
    private readonly List<IosNote> _notes = [];
    private readonly List<string> _routers = [];

    private IosDebugLog(string source) => Source = source;

    public string Source { get; }
    public IReadOnlyList<IosDebugEvent> Events => _events;
    public IReadOnlyList<IosDebugNegotiation> Negotiations => _negotiations;
    /// <summary>The routers of the log, in order of appearance.</summary>
    public IReadOnlyList<string> Routers => _routers;
    public int Lines { get; private set; }
    /// <summary>Debug records (a stamped or prefixed line with its wrapped continuations).</summary>
    public int Records { get; private set; }
    /// <summary>Records and stray lines the reader does not know (other debug families, damaged text).</summary>
    public int UnknownLines { get; private set; }
    /// <summary>The first <see cref="MaxUnknownKept"/> of those, by line number.</summary>
    public IReadOnlyList<int> UnknownLineNumbers => _unknown;
    public IReadOnlyList<IosNote> Notes => _notes;

    /// <summary>True when <paramref name="text"/> holds IKE/PKI debug output (two events or more): what
    /// <c>analyze FILE</c> uses to tell a debug log from a capture or a configuration. Never throws.</summary>
    public static bool Looks(string text)
    {
        int events = 0, lines = 0;
        foreach (string raw in (text ?? "").Split('\n'))
        {
            if (++lines > 5000) break;
            string t = raw.Trim();
            if (t.Contains("ISAKMP", StringComparison.Ordinal) || t.Contains("IKEv2:", StringComparison.Ordinal) || t.Contains("CRYPTO_PKI", StringComparison.Ordinal)
                || t.Contains("%CRYPTO-", StringComparison.Ordinal))
                if (Stamp().IsMatch(t) || Prefix().IsMatch(t))
                    if (++events >= 2) return true;
        }
        return false;
    }

    /// <summary>Reads <paramref name="text"/>. <paramref name="router"/> names the router (<c>--router</c>); else the
    /// prompts name it, else the file name's first token when it looks like a hostname (<c>R1-debug.txt</c> → R1), else
    /// "router". Never throws.</summary>
    public static IosDebugLog Read(string text, string source = "debug", string? router = null)
    {
        var log = new IosDebugLog(source);
        try
        {
            log.Parse(text ?? "", router);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The reader's own defect must not end an analysis: say where it stopped.
            log._notes.Add(new IosNote(IosNoteKind.Problem, $"the debug reader stopped early ({ex.GetType().Name}); events up to here are kept", source));
        }
        return log;
    }

    // ---- records: stamped lines with their wrapped continuations ----

    private readonly record struct Record(int Line, IosDebugStamp? Stamp, string Router, string Text);

    private void Parse(string text, string? routerOption)
    {
        string[] raw = text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None);
        Lines = raw.Length;
        string defaultRouter = routerOption ?? RouterFromFileName(Source) ?? "router";
        if (routerOption is null && RouterFromFileName(Source) is null)
            _notes.Add(new IosNote(IosNoteKind.Assumption, "no --router, no prompt before the first line and no router in the file name: lines before a prompt are called 'router'", Source));
        string router = defaultRouter;
        bool promptSeen = false;

        var records = new List<Record>();
        int start = 0, parts = 0;
        IosDebugStamp? stamp = null;
        StringBuilder? current = null;
        string currentRouter = router;

        void Flush()
        {
            if (current is not null)
                records.Add(new Record(start, stamp, currentRouter, current.ToString()));
            current = null;
        }

        for (int i = 0; i < raw.Length; i++)
        {
            string cleaned = IosPaste.Clean(raw[i], out bool dropped);
            if (dropped) continue;
            string line = cleaned.TrimEnd();
            string trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                // A record cut right before its DN ("for issuer" / blank / "cn=…", as the technote's excerpts split
                // them) waits for it; any other record ends at a blank line.
                if (current is null || !AwaitsValue().IsMatch(current.ToString())) Flush();
                continue;
            }
            // A prompt alone or with a command (R2#, R2#show logging): the router from here on.
            if (trimmed.All(c => c == '.'))
            {
                // "....." : the paster's elision, not text of the router
                Flush();
                continue;
            }
            if (IosPaste.Prompt().Match(trimmed) is { Success: true } p && (!trimmed.Contains(' ', StringComparison.Ordinal) || IsExecCommand(p.Groups["cmd"].Value)))
            {
                Flush();
                string host = p.Groups["host"].Value;
                if (routerOption is null)
                {
                    if (!promptSeen && host != router && records.Count > 0)
                        _notes.Add(new IosNote(IosNoteKind.Assumption, $"the lines before the first prompt ({host}#) are taken as {router}'s", Source, i + 1));
                    router = host;
                }
                promptSeen = true;
                continue;
            }
            if (Stamp().Match(trimmed) is { Success: true } m)
            {
                Flush();
                start = i + 1;
                stamp = ParseStamp(m);
                current = new StringBuilder(trimmed[(m.Index + m.Length)..].Trim());
                currentRouter = router;
                parts = 1;
                continue;
            }
            bool indented = line.Length > 0 && char.IsWhiteSpace(line[0]);
            if (!indented && Prefix().IsMatch(trimmed))
            {
                // An unstamped debug line (service timestamps off, or the stamps cut from the paste).
                Flush();
                start = i + 1;
                stamp = null;
                current = new StringBuilder(trimmed);
                currentRouter = router;
                parts = 1;
                continue;
            }
            // An indented line is the terminal's wrap of the record; one at column 0 only when the record so far is
            // no event yet, awaits its value ("Old State = IKE_R_MM3" / "New State = …", "issued by" / "cn=…"), or
            // becomes another event with it (a syslog line that names the refused certificate): text pasted after a
            // whole record is not glued onto it.
            if (current is not null && parts < MaxWrappedLines && IsContinuation(trimmed)
                && (indented || AwaitsValue().IsMatch(current.ToString()) || KindOf(current.ToString()) is not { } kind
                    || KindOf(current + " " + trimmed) != kind))
            {
                // The terminal wrapped the line: "peer wants cert issued\n  by cn=CA1,...", "...Authority,\n  o=VeriSign".
                char last = current.Length > 0 ? current[^1] : ' ';
                if (last != '=' && last != ',' && current.Length > 0) current.Append(' ');
                current.Append(trimmed);
                parts++;
                continue;
            }
            Flush();
            // An ID payload's field dump cut from its line by a blank ("next-payload : 6"): known, decides nothing.
            if (!FieldLine().IsMatch(trimmed)) Unknown(i + 1);
        }
        Flush();
        Records = records.Count;
        foreach (Record r in records)
            Interpret(r);
        Group();
    }

    /// <summary>A wrapped line's rest: text with no stamp, no debug prefix and no prompt — the next record never
    /// starts with these; <c>.....</c> elisions and the technote's own markers are not continuations.</summary>
    private static bool IsContinuation(string t) =>
        !t.All(c => c == '.') && !t.StartsWith('<') && t.Length <= 400;

    [GeneratedRegex(@"\b(?:for|by|issuer)\s*$|=\s*$|=.*,\s*$|(?:Payload contents:|Building packet for encryption\.|Exchange (?:REQUEST|RESPONSE))\s*$")]
    private static partial Regex AwaitsValue();

    private static bool IsExecCommand(string cmd) =>
        cmd.TrimStart().StartsWith("sh", StringComparison.OrdinalIgnoreCase) || cmd.TrimStart().StartsWith("debug", StringComparison.OrdinalIgnoreCase)
        || cmd.TrimStart().StartsWith("term", StringComparison.OrdinalIgnoreCase) || cmd.TrimStart().StartsWith("clear", StringComparison.OrdinalIgnoreCase)
        || cmd.TrimStart().StartsWith("undebug", StringComparison.OrdinalIgnoreCase) || cmd.TrimStart().StartsWith("un ", StringComparison.OrdinalIgnoreCase);

    private void Unknown(int line)
    {
        UnknownLines++;
        if (_unknown.Count < MaxUnknownKept) _unknown.Add(line);
    }

    /// <summary>The file name's last token that reads as a hostname — letters then a number, as <c>R1</c>, <c>rtr2</c>,
    /// <c>hub-3</c> is two tokens — other than the protocol words (<c>ikev1</c>, <c>ikev2</c>): <c>R1-debug.txt</c> → R1,
    /// <c>case-debug-R2.log</c> → R2. Null when none does.</summary>
    private static string? RouterFromFileName(string source)
    {
        string name = Path.GetFileNameWithoutExtension(source ?? "");
        return name.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
            .LastOrDefault(t => FileRouter().IsMatch(t) && !t.StartsWith("ikev", StringComparison.OrdinalIgnoreCase) && !t.StartsWith("rfc", StringComparison.OrdinalIgnoreCase));
    }

    private static IosDebugStamp ParseStamp(Match m)
    {
        char flag = m.Groups["flag"].Success ? m.Groups["flag"].Value[0] : ' ';
        if (m.Groups["up"].Success)
        {
            var up = m.Groups["up"].Value;
            TimeSpan t = TimeSpan.Zero;
            var hms = UptimeHms().Match(up);
            if (hms.Success)
                t = new TimeSpan(int.Parse(hms.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(hms.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(hms.Groups[3].Value, CultureInfo.InvariantCulture));
            else
                foreach (Match u in UptimeUnits().Matches(up))
                {
                    int n = Math.Min(int.Parse(u.Groups[1].Value, CultureInfo.InvariantCulture), 10_000);
                    t += u.Groups[2].Value switch { "y" => TimeSpan.FromDays(365 * n), "w" => TimeSpan.FromDays(7 * n), "d" => TimeSpan.FromDays(n), _ => TimeSpan.FromHours(n) };
                }
            return new IosDebugStamp(null, 1, 1, t, flag, Uptime: true);
        }
        int month = Array.IndexOf(Months, m.Groups["mon"].Value) + 1;
        int day = Math.Clamp(int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture), 1, 31);
        int? year = m.Groups["year"].Success ? int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture) : null;
        int h = Math.Min(int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture), 23);
        int min = Math.Min(int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture), 59);
        int s = Math.Min(int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture), 59);
        double frac = m.Groups["frac"].Success ? double.Parse("0." + m.Groups["frac"].Value, CultureInfo.InvariantCulture) : 0;
        if (year is < 1970 or > 9999) year = null;
        return new IosDebugStamp(year, month, day, new TimeSpan(0, h, min, s) + TimeSpan.FromTicks((long)(frac * TimeSpan.TicksPerSecond)), flag, Uptime: false);
    }

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    // ---- events ----

    private void Interpret(Record r)
    {
        string text = r.Text;
        var (msg, version, conn) = Split(text);
        IosDebugEvent? e = Event(r, msg, text, version, conn);
        if (e is null)
        {
            // "Processing IKE_SA_INIT message": what the connection's next trustpoint retrieval answers (its role)
            if (version == 2 && ProcessingMessage().Match(msg) is { Success: true } pm)
                _processing[(r.Router, conn)] = pm.Groups["x"].Value;
            if (!Known(msg, text)) Unknown(r.Line);
            return;
        }
        if (e.Kind == IosDebugEventKind.TrustpointsRetrieved && _processing.TryGetValue((r.Router, conn), out string? processing))
            e = e with { Exchange = processing };
        _events.Add(e);
        if (!_routers.Contains(e.Router)) _routers.Add(e.Router);
    }

    /// <summary>A record's message without its family prefix, its IKE version and connection id.</summary>
    private static (string Message, int? Version, long? Connection) Split(string text)
    {
        int? version = null;
        long? conn = null;
        string msg = text;
        var pre = Prefix().Match(text);
        if (pre.Success)
        {
            string family = pre.Groups["fam"].Value;
            version = family switch { "IKEv2" => 2, "ISAKMP" or "IKEv1" => 1, _ => null };
            if (pre.Groups["conn"].Success)
            {
                var id = ConnectionNumber().Match(pre.Groups["conn"].Value);
                if (id.Success && long.TryParse(id.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long c)) conn = c;
            }
            // the family's own prefix goes; "Choosing trustpoint …", "%CRYPTO-…" and the others are the message
            if (version is not null || family == "CRYPTO_PKI")
                msg = text[(pre.Index + pre.Length)..].Trim();
        }
        return (msg, version, conn);
    }

    /// <summary>The kind of event <paramref name="text"/> reads as on its own, or null.</summary>
    private static IosDebugEventKind? KindOf(string text)
    {
        var (msg, version, conn) = Split(text);
        return Event(new Record(0, null, "", text), msg, text, version, conn)?.Kind;
    }

    private static IosDebugEvent? Event(Record r, string msg, string text, int? version, long? conn)
    {
        IosDebugEvent E(IosDebugEventKind kind, int? v = null) => new(kind, r.Line, r.Stamp, r.Router, v ?? version, conn, text);
        Match m;
        if ((m = StateChange().Match(msg)).Success)
            return E(IosDebugEventKind.StateChange, 1) with { OldState = m.Groups["old"].Value, State = m.Groups["new"].Value };
        if ((m = V1Sent().Match(msg)).Success)
            return E(IosDebugEventKind.PacketSent, 1) with { Peer = m.Groups["peer"].Value, LocalPort = Port(m.Groups["lp"]), PeerPort = Port(m.Groups["pp"]), Role = m.Groups["role"].Value[0], State = m.Groups["state"].Value };
        if ((m = V1Received().Match(msg)).Success)
            return E(IosDebugEventKind.PacketReceived, 1) with { Peer = m.Groups["peer"].Value, LocalPort = Port(m.Groups["lp"]), PeerPort = Port(m.Groups["pp"]), Role = m.Groups["role"].Value[0], State = m.Groups["state"].Value };
        if ((m = V1Retransmit().Match(msg)).Success)
            return E(IosDebugEventKind.PacketSent, 1) with { Retransmission = true, State = m.Groups["state"].Success ? m.Groups["state"].Value : null };
        if ((m = V2Packet().Match(msg)).Success)
        {
            bool sent = m.Groups["dir"].Value == "Sending";
            var rest = m.Groups["rest"].Value;
            var x = V2Exchange().Match(rest);
            return E(sent ? IosDebugEventKind.PacketSent : IosDebugEventKind.PacketReceived, 2) with
            {
                Peer = m.Groups["a"].Value,
                PeerPort = Port(m.Groups["ap"]),
                LocalPort = Port(m.Groups["bp"]),
                Exchange = x.Success ? x.Groups["x"].Value : null,
                Response = x.Success ? x.Groups["d"].Value == "RESPONSE" : null,
                // IKE_SA_INIT and IKE_AUTH requests are the initiator's (RFC 7296 §1.2); INFORMATIONAL goes both ways
                Role = x.Success && x.Groups["x"].Value is "IKE_SA_INIT" or "IKE_AUTH" ? (x.Groups["d"].Value == "REQUEST" == sent ? 'I' : 'R') : null,
            };
        }
        if ((m = SaRequestProfile().Match(msg)).Success)
            return E(IosDebugEventKind.ProfileRequested, 1) with { Profile = m.Groups["p"].Value };
        if ((m = ConstructingCertReq().Match(msg)).Success)
            return E(IosDebugEventKind.CertRequestSent, 1) with { Dn = Dn(m.Groups["dn"].Value) };
        if ((m = PeerWantsCert().Match(msg)).Success)
            return E(IosDebugEventKind.CertRequestReceived, 1) with { Dn = Dn(m.Groups["dn"].Value) };
        if ((m = ChoosingTrustpoint().Match(msg)).Success)
            return E(IosDebugEventKind.TrustpointChosen) with { Trustpoint = m.Groups["tp"].Value };
        if ((m = PeerMatchesProfile().Match(msg)).Success)
            return E(IosDebugEventKind.ProfileMatched, 1) with { Profile = m.Groups["none"].Success ? null : m.Groups["p"].Value };
        if ((m = V2ProfileFound().Match(msg)).Success)
            return E(IosDebugEventKind.ProfileMatched, 2) with { Profile = m.Groups["p"].Value };
        if ((m = V2IdentitySearch().Match(msg)).Success)
            return E(IosDebugEventKind.IdentitySearch, 2) with { Identity = m.Groups["id"].Value, Detail = m.Groups["t"].Value };
        if ((m = ValidationListLine().Match(msg)).Success)
            return E(IosDebugEventKind.ValidationList, 1) with { Trustpoints = Names(m.Groups["l"].Value) };
        if ((m = V2Retrieved().Match(msg)).Success)
            return E(IosDebugEventKind.TrustpointsRetrieved, 2) with { Trustpoints = Quoted(m.Groups["l"].Value) };
        if ((m = V2CertChain().Match(msg)).Success)
            return E(IosDebugEventKind.CertificateChain, 2) with { Trustpoint = m.Groups["tp"].Value };
        if ((m = V2Validation().Match(msg)).Success)
            return E(m.Groups["r"].Value == "PASSED" ? IosDebugEventKind.ValidationSucceeded : IosDebugEventKind.ValidationFailed, 2) with { Detail = "Validation of certificate chain " + m.Groups["r"].Value };
        if (PkiValidated().IsMatch(msg))
            return E(IosDebugEventKind.ValidationSucceeded) with { Detail = "Certificate validation succeeded" };
        if ((m = PkiRefused().Match(msg)).Success)
            return E(IosDebugEventKind.ValidationFailed) with { Detail = PkiSession().Replace(m.Value, "").Trim() };
        if ((m = InvalidCertSyslog().Match(text)).Success)
            return E(IosDebugEventKind.ValidationFailed, 1) with { Peer = m.Groups["peer"].Value, Detail = text[text.IndexOf('%', StringComparison.Ordinal)..].Trim() };
        if ((m = ConstructingCert().Match(msg)).Success)
            return E(IosDebugEventKind.CertificateSent, 1) with { Dn = Dn(m.Groups["dn"].Value) };
        if ((m = KeypairLine().Match(msg)).Success)
            return E(IosDebugEventKind.KeypairUsed, 1) with { Trustpoint = m.Groups["tp"].Value };
        if ((m = V1AuthStatus().Match(msg)).Success)
            return E(IosDebugEventKind.Authentication, 1) with { Succeeded = m.Groups["s"].Value.Equals("authenticated", StringComparison.OrdinalIgnoreCase), Detail = m.Groups["s"].Value };
        if ((m = V2AuthVerification().Match(msg)).Success)
            return E(IosDebugEventKind.Authentication, 2) with { Succeeded = m.Groups["r"].Value == "PASSED", Detail = m.Value };
        if (V2CertPayloadFailed().IsMatch(msg))
            return E(IosDebugEventKind.CertificatePayloadFailed, 2) with { Detail = "Failed to build certificate payload" };
        if ((m = V2SendingNotify().Match(msg)).Success)
            return E(IosDebugEventKind.NotifySent, 2) with { Notify = V2NotifyName(m.Groups["n"].Value) };
        if ((m = V1Notify().Match(msg)).Success)
            return E(m.Groups["d"].Value.StartsWith("Sending", StringComparison.OrdinalIgnoreCase) ? IosDebugEventKind.NotifySent : IosDebugEventKind.NotifyReceived, 1) with { Notify = m.Groups["n"].Value };
        if ((m = V2Exchange().Match(msg)).Success && (m.Index == 0 || m.Index == 6 && msg.StartsWith("IKEv2 ", StringComparison.Ordinal)))
            return E(IosDebugEventKind.Message, 2) with { Exchange = m.Groups["x"].Value, Response = m.Groups["d"].Value == "RESPONSE", Payloads = Payloads(msg) };
        if ((m = V2Building().Match(msg)).Success)
            return E(IosDebugEventKind.Message, 2) with { Payloads = Payloads(msg) };
        if ((m = CryptoSyslog().Match(text)).Success)
            return E(IosDebugEventKind.Syslog) with { Detail = text[m.Index..].Trim(), Peer = IpIn().Match(text[m.Index..]) is { Success: true } ip ? ip.Value : null };
        return null;
    }

    /// <summary>Lines the reader knows and that decide nothing (so they are not counted unknown).</summary>
    private static bool Known(string msg, string text) => KnownLine().IsMatch(msg) || KnownLine().IsMatch(text);

    private static int? Port(Group g) => g.Success && int.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535 ? p : null;

    /// <summary>A DN as logged, or null when the line shows none (never made up): <c>attr=value</c> pairs, commas
    /// between them.</summary>
    private static string? Dn(string s)
    {
        string t = s.Trim().TrimEnd(',');
        if (t.Length == 0 || t.Length > 1024) return null;
        // RDNs separated by commas; the first names its attribute; a multi-valued RDN joins with '+'; a value may hold
        // ", " (o=VeriSign, Inc.).
        string[] parts = t.Split(',');
        if (!DnFirst().IsMatch(parts[0])) return null;
        foreach (string part in parts)
            if (part.Trim().Length == 0 || part.Length > 256 || part.Any(char.IsControl)) return null;
        return t;
    }

    private static IReadOnlyList<string> Names(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(n => TrustpointName().IsMatch(n)).Take(64).ToArray();

    private static IReadOnlyList<string> Quoted(string list) =>
        QuotedName().Matches(list).Select(q => q.Groups[1].Value).Where(n => n.Length > 0).Take(64).ToArray();

    private static IReadOnlyList<string> Payloads(string msg)
    {
        int at = msg.IndexOf("Payload contents:", StringComparison.Ordinal);
        if (at < 0) return [];
        // "NOTIFY\n  (NAT_DETECTION_DESTINATION_IP)" was wrapped inside a name: glue "NOTIFY (" back.
        string list = msg[(at + "Payload contents:".Length)..].Replace("NOTIFY (", "NOTIFY(", StringComparison.Ordinal);
        return list.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => PayloadName().IsMatch(p)).Take(64).ToArray();
    }

    /// <summary>IOS's words for the notify it sends → RFC 7296 §3.10.1 names.</summary>
    private static string V2NotifyName(string words) => words.Trim().ToLowerInvariant() switch
    {
        "ts unacceptable" => "TS_UNACCEPTABLE",
        "authentication failure" => "AUTHENTICATION_FAILED",
        "no proposal chosen" => "NO_PROPOSAL_CHOSEN",
        "invalid ke" or "invalid ke payload" => "INVALID_KE_PAYLOAD",
        "invalid syntax" => "INVALID_SYNTAX",
        _ => words.Trim().ToUpperInvariant().Replace(' ', '_'),
    };

    // ---- attribution: negotiations per router ----

    private void Group()
    {
        // Per router, in log order: a connection id names a negotiation; (0) and lines with no id belong to the one
        // being logged; a connection that never shows its peer joins the next (else previous) one of the router —
        // the technote's excerpts switch ids between attempts — and that is said.
        foreach (string router in _routers)
        {
            var mine = new List<IosDebugNegotiation>();
            var byConn = new Dictionary<(int, long), IosDebugNegotiation>();
            IosDebugNegotiation? open = null;
            foreach (IosDebugEvent e in _events.Where(e => e.Router == router))
            {
                int v = e.Version ?? open?.Version ?? 1;
                IosDebugNegotiation? n;
                if (e.Connection is long c && c > 0)
                {
                    if (!byConn.TryGetValue((v, c), out n))
                    {
                        // the first id after (0): the negotiation started under (0) gets it
                        n = open is { Connections.Count: 0 } pending && pending.Version == v ? pending : null;
                        if (n is null)
                        {
                            n = new IosDebugNegotiation(router, v);
                            mine.Add(n);
                        }
                        n.Connections.Add(c);
                        byConn[(v, c)] = n;
                    }
                }
                else if (open is not null && open.Version == v && !(StartsNegotiation(e) && (open.Connections.Count > 0 || open.Events.Any(StartsNegotiation))))
                    n = open;
                else
                {
                    n = new IosDebugNegotiation(router, v);
                    mine.Add(n);
                }
                n.Events.Add(e);
                if (n.Peer is null && e.Peer is not null && e.Kind is IosDebugEventKind.PacketSent or IosDebugEventKind.PacketReceived) n.Peer = e.Peer;
                // IKEv2 with no packet lines: the identity searched is the peer's address when its type says so
                if (n.Peer is null && e.Kind == IosDebugEventKind.IdentitySearch && e.Detail is "IPv4 address" or "IPv6 address"
                    && System.Net.IPAddress.TryParse(e.Identity, out _)) n.Peer = e.Identity;
                n.Role ??= e.Role ?? RoleOfState(e.State) ?? RoleOfFirstMessage(n, e) ?? RoleOfRetrieval(e);
                open = n;
            }
            for (int i = 0; i < mine.Count; i++)
            {
                IosDebugNegotiation n = mine[i];
                if (n.Peer is not null || mine.Count == 1) continue;
                IosDebugNegotiation? into = mine.Skip(i + 1).FirstOrDefault(o => o.Version == n.Version && o.Peer is not null)
                    ?? mine.Take(i).LastOrDefault(o => o.Version == n.Version && o.Peer is not null);
                if (into is null) continue;
                _notes.Add(new IosNote(IosNoteKind.Assumption,
                    $"{router}: connection {(n.Connections.Count > 0 ? string.Join("/", n.Connections) : "(0)")} shows no peer address; its events are taken as part of connection {string.Join("/", into.Connections)} with {into.Peer}",
                    Source, n.Events[0].Line));
                into.Events.InsertRange(0, n.Events);
                into.Events.Sort((a, b) => a.Line.CompareTo(b.Line));
                into.Connections.InsertRange(0, n.Connections.Where(c => !into.Connections.Contains(c)));
                into.Role ??= n.Role;
                mine.RemoveAt(i--);
            }
            for (int i = 1; i < mine.Count; i++)
            {
                // The id changes mid-negotiation with the same peer, the later part starting no negotiation and the
                // earlier ending none (the technote's R1 excerpt: 1099 up to MM4, 1100 from MM5): one negotiation, said.
                IosDebugNegotiation a = mine[i - 1], b = mine[i];
                if (a.Version != b.Version || a.Peer is null || a.Peer != b.Peer || b.Events.Any(StartsNegotiation) || Ends(a)) continue;
                _notes.Add(new IosNote(IosNoteKind.Conflict,
                    $"{router}: the connection id changes from {string.Join("/", a.Connections)} to {string.Join("/", b.Connections)} mid-negotiation with {a.Peer}: taken as one negotiation (excerpts of two attempts pasted together?)",
                    Source, b.Events[0].Line));
                a.Events.AddRange(b.Events);
                a.Connections.AddRange(b.Connections.Where(c => !a.Connections.Contains(c)));
                a.Role ??= b.Role;
                mine.RemoveAt(i--);
            }
            foreach (var n in mine)
            {
                double[] times = n.Events.Where(e => e.Stamp is { Uptime: false }).Select(e => e.Stamp!.Value.Seconds()).ToArray();
                for (int i = 1; i < times.Length; i++)
                {
                    double step = times[i] - times[i - 1];
                    if (step is <= 5 and >= -1) continue;
                    _notes.Add(new IosNote(IosNoteKind.Conflict,
                        $"{router}: the times of connection {string.Join("/", n.Connections)} jump by {step:0.###} s between two lines: excerpts of different attempts, or the clock was set",
                        Source, n.Events[0].Line));
                    break;
                }
            }
            _negotiations.AddRange(mine);
        }
    }

    private static bool StartsNegotiation(IosDebugEvent e) =>
        e.Kind == IosDebugEventKind.PacketSent && e.State is "MM_NO_STATE" && !e.Retransmission
        || e.Kind == IosDebugEventKind.StateChange && e.OldState is "IKE_READY" && e.State is "IKE_I_MM1" or "IKE_R_MM1"
        || e.Kind == IosDebugEventKind.ProfileRequested;

    /// <summary>The negotiation reached an end: phase 1 complete, a validation or authentication result, a certificate
    /// that could not be built, an error notify.</summary>
    private static bool Ends(IosDebugNegotiation n) => n.Events.Any(e =>
        e.Kind is IosDebugEventKind.ValidationFailed or IosDebugEventKind.Authentication or IosDebugEventKind.CertificatePayloadFailed or IosDebugEventKind.NotifySent
        || e.Kind == IosDebugEventKind.StateChange && e.State is "IKE_P1_COMPLETE");

    /// <summary>IKEv2: the first exchange line of a negotiation with no packet line before it is the router's own
    /// message: an IKE_SA_INIT request is the initiator's, a response the responder's (RFC 7296 §1.2).</summary>
    private static char? RoleOfFirstMessage(IosDebugNegotiation n, IosDebugEvent e) =>
        e.Kind == IosDebugEventKind.Message && e.Exchange is "IKE_SA_INIT" && e.Response is { } response
        && !n.Events.Any(x => x.Kind is IosDebugEventKind.PacketReceived or IosDebugEventKind.PacketSent)
        && n.Events.Count(x => x.Kind == IosDebugEventKind.Message && x.Exchange is not null) == 1
            ? response ? 'R' : 'I' : null;

    /// <summary>IKEv2: trustpoints retrieved from the peer's CERTREQ hashes while processing IKE_SA_INIT are the
    /// initiator's (only the IKE_SA_INIT response carries CERTREQ), while processing IKE_AUTH the responder's (only the
    /// IKE_AUTH request does; RFC 7296 §1.2). The technote's IKEv2 excerpts show the first.</summary>
    private static char? RoleOfRetrieval(IosDebugEvent e) =>
        e.Kind != IosDebugEventKind.TrustpointsRetrieved ? null
        : e.Exchange == "IKE_SA_INIT" ? 'I' : e.Exchange == "IKE_AUTH" ? 'R' : null;

    private static char? RoleOfState(string? state) =>
        state is null ? null : state.StartsWith("IKE_I_", StringComparison.Ordinal) ? 'I' : state.StartsWith("IKE_R_", StringComparison.Ordinal) ? 'R' : null;

    // ---- the line forms (docs/debug-logs.md lists them with the technote's examples) ----

    /// <summary>A debug timestamp, after an optional syslog prefix and sequence number: <c>000123: *Jun 20 13:00:37.609:</c>,
    /// <c>Jun 20 2013 13:00:37.609 UTC:</c>, <c>.Jun 20 13:00:37:</c>, uptime <c>1d02h:</c> / <c>00:12:34:</c>.</summary>
    [GeneratedRegex(@"^(?:.{0,80}?\s)?(?:\d{1,10}:\s+)?(?<flag>[*.])?(?:(?<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(?<day>\d{1,2})\s+(?:(?<year>\d{4})\s+)?(?<h>\d{1,2}):(?<m>\d{2}):(?<s>\d{2})(?:\.(?<frac>\d{1,6}))?(?:\s+[A-Za-z]{2,6})?|(?<up>(?:\d{1,5}[ywdh]){1,3}|\d{2}:\d{2}:\d{2}))\s*:\s", RegexOptions.CultureInvariant)]
    private static partial Regex Stamp();

    [GeneratedRegex(@"^(\d+):(\d{2}):(\d{2})$")]
    private static partial Regex UptimeHms();
    [GeneratedRegex(@"(\d{1,5})([ywdh])")]
    private static partial Regex UptimeUnits();

    /// <summary>A debug message's family and connection: <c>ISAKMP:(1010):</c>, <c>ISAKMP (1010):</c>,
    /// <c>ISAKMP:(0)::</c>, <c>ISAKMP:</c>, <c>IKEv2:(SA ID = 1):</c>, <c>IKEv2:(SESSION ID = 3,SA ID = 1):</c>,
    /// <c>IKEv2 IKE_AUTH …</c>; and the other lines that start a record: <c>CRYPTO_PKI:</c>, <c>%CRYPTO-…</c>,
    /// <c>IPSEC(…)</c>, <c>Choosing trustpoint</c>, <c>map_db_…</c>.</summary>
    [GeneratedRegex(@"^(?:(?<fam>ISAKMP|IKEv2|IKEv1)\b\s*:?\s*(?:\((?<conn>[^)]{0,60})\))?\s*:{0,2}|(?<fam>CRYPTO_PKI)\s*:|(?<fam>%CRYPTO)-|(?<fam>IPSEC)\s*\(|(?<fam>Choosing) trustpoint|(?<fam>map_db)_)")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"(?:SA ID\s*=\s*)?(\d{1,12})\s*$")]
    private static partial Regex ConnectionNumber();

    [GeneratedRegex(@"^[A-Za-z]{1,20}\d{1,6}[A-Za-z]{0,4}$")]
    private static partial Regex FileRouter();

    [GeneratedRegex(@"Old State\s*=\s*(?<old>[A-Z0-9_]+)\s+New State\s*=\s*(?<new>[A-Z0-9_]+)")]
    private static partial Regex StateChange();
    [GeneratedRegex(@"^sending packet to (?<peer>[0-9A-Fa-f.:]{2,45}) my_port (?<lp>\d{1,5}) peer_port (?<pp>\d{1,5}) \((?<role>[IR])\) (?<state>[A-Z0-9_]+)")]
    private static partial Regex V1Sent();
    [GeneratedRegex(@"^received packet from (?<peer>[0-9A-Fa-f.:]{2,45}) dport (?<lp>\d{1,5}) sport (?<pp>\d{1,5}) \S+ \((?<role>[IR])\) (?<state>[A-Z0-9_]+)")]
    private static partial Regex V1Received();
    [GeneratedRegex(@"^retransmitting (?:phase 1 (?<state>[A-Z0-9_]+)|due to retransmit phase 1)")]
    private static partial Regex V1Retransmit();
    [GeneratedRegex(@"^(?<dir>Sending|Received) Packet \[(?:To|From) (?<a>[0-9A-Fa-f.:]{2,45}?):(?<ap>\d{1,5})/(?:From|To) (?<b>[0-9A-Fa-f.:]{2,45}?):(?<bp>\d{1,5})[^\]]{0,80}\](?<rest>.*)$")]
    private static partial Regex V2Packet();
    [GeneratedRegex(@"\b(?<x>IKE_SA_INIT|IKE_AUTH|CREATE_CHILD_SA|INFORMATIONAL) Exchange (?<d>REQUEST|RESPONSE)")]
    private static partial Regex V2Exchange();
    [GeneratedRegex(@"^Building packet for encryption\.")]
    private static partial Regex V2Building();
    [GeneratedRegex(@"^SA request profile is (?<p>\S+)")]
    private static partial Regex SaRequestProfile();
    [GeneratedRegex(@"^constructing CERT_REQ for\s+issuer\b(?<dn>.*)$")]
    private static partial Regex ConstructingCertReq();
    [GeneratedRegex(@"^peer wants cert issued\s+by\b(?<dn>.*)$")]
    private static partial Regex PeerWantsCert();
    [GeneratedRegex(@"^Choosing trustpoint (?<tp>\S+) as issuer")]
    private static partial Regex ChoosingTrustpoint();
    [GeneratedRegex(@"^:?\s*peer matches (?:(?<none>\*none\*) of the profiles|(?<p>\S+) profile)")]
    private static partial Regex PeerMatchesProfile();
    [GeneratedRegex(@"^found matching IKEv2 profile '(?<p>[^']{1,128})'")]
    private static partial Regex V2ProfileFound();
    [GeneratedRegex(@"^Searching policy based on peer's identity '(?<id>[^']{0,256})' of\s+type '(?<t>[^']{0,64})'")]
    private static partial Regex V2IdentitySearch();
    [GeneratedRegex(@"^:?\s*Creating CERT validation list:\s*(?<l>.*)$")]
    private static partial Regex ValidationListLine();
    [GeneratedRegex(@"^\[PKI -> IKEv2\] Retrieved\s+trustpoint\(s\):\s*(?<l>.*)$")]
    private static partial Regex V2Retrieved();
    [GeneratedRegex(@"^Processing (?<x>IKE_SA_INIT|IKE_AUTH) message")]
    private static partial Regex ProcessingMessage();
    [GeneratedRegex(@"^\[IKEv2 -> PKI\] Getting cert chain for\s+the trustpoint (?<tp>\S+)")]
    private static partial Regex V2CertChain();
    [GeneratedRegex(@"^\[PKI -> IKEv2\] Validation of certificate\s+chain (?<r>PASSED|FAILED)")]
    private static partial Regex V2Validation();
    [GeneratedRegex(@"^(?:\(\w{1,12}\)\s*)?Certificate validation succeeded", RegexOptions.IgnoreCase)]
    private static partial Regex PkiValidated();
    [GeneratedRegex(@"^(?:\(\w{1,12}\)\s*)?(?:No suitable trustpoints found|Certificate validation failed|Unknown error in cert validation|Certificate is not valid|Invalid certificate)", RegexOptions.IgnoreCase)]
    private static partial Regex PkiRefused();
    [GeneratedRegex(@"%CRYPTO-\d-IKMP_INVALID_CERT:\s*Certificate received from (?<peer>[0-9A-Fa-f.:]{2,45}) is bad")]
    private static partial Regex InvalidCertSyslog();
    [GeneratedRegex(@"^constructing CERT payload for\s*(?<dn>.*)$")]
    private static partial Regex ConstructingCert();
    [GeneratedRegex(@"^using the (?<tp>\S+) trustpoint's\s+keypair to sign")]
    private static partial Regex KeypairLine();
    [GeneratedRegex(@"^SA authentication status:\s*(?<s>\w+)")]
    private static partial Regex V1AuthStatus();
    [GeneratedRegex(@"^Verification of peer's authentication\s+data (?<r>PASSED|FAILED)")]
    private static partial Regex V2AuthVerification();
    [GeneratedRegex(@"^Failed to build certificate payload")]
    private static partial Regex V2CertPayloadFailed();
    [GeneratedRegex(@"^Sending (?<n>[A-Za-z ]{2,40}?) notify\b")]
    private static partial Regex V2SendingNotify();
    [GeneratedRegex(@"^(?<d>Sending|processing) NOTIFY (?<n>[A-Z0-9_]{2,40}) protocol", RegexOptions.IgnoreCase)]
    private static partial Regex V1Notify();
    [GeneratedRegex(@"^\(\w{1,12}\)\s*")]
    private static partial Regex PkiSession();
    [GeneratedRegex(@"%CRYPTO-\d-[A-Z0-9_]{2,40}:")]
    private static partial Regex CryptoSyslog();
    [GeneratedRegex(@"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex IpIn();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9.\-]{0,40}=")]
    private static partial Regex DnFirst();
    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,128}$")]
    private static partial Regex TrustpointName();
    [GeneratedRegex(@"^[A-Za-z][A-Za-z\- ]{0,30}\s:\s+\S{1,128}$")]
    private static partial Regex FieldLine();
    [GeneratedRegex(@"'([^']{0,128})'")]
    private static partial Regex QuotedName();
    [GeneratedRegex(@"^[A-Z][A-Za-z_]{0,20}(?:\([A-Z0-9_]{1,60}\))?$")]
    private static partial Regex PayloadName();

    /// <summary>Known lines that decide nothing (IKEv1/IKEv2/PKI bookkeeping).</summary>
    [GeneratedRegex(@"^(?:processing (?:CERT_REQ|ID|CERT|SIG|KE|NONCE|HASH|SA|vendor id|NOTIFY) payload|peer wants a \S+ cert|processing a \S+ cert|Examining profile list|Found matching profile|Sending an IKE IPv\d Packet|Input = |ID payload\b|SA is doing|Processing IKE_\w+ message|\[IKEv2 -> PKI\] Retrieving trustpoint|\[IKEv2 -> PKI\] Validating|\[PKI -> IKEv2\] Getting of cert chain|Get peer's authentication method|Peer's authentication method|There was no\s+IPSEC policy|Create a list of suitable trustpoints|Trust-Point \S+ picked up|\d+ matching trustpoints found|crypto_pki_get_cert_record|Found a subject match|map_db_|IPSEC\(|Payload contents|Checking NAT|Generate my authentication|Check for|Total payload|found peer pre-shared|Locking peer|Unlocking peer|beginning Main Mode|Old State|atts are acceptable|Checking ISAKMP transform|Sending PKI|Received PKI|IKE->PKI|PKI->IKE|peer's pubkey|Profile has no keyring|CRYPTO_PKI:|$)", RegexOptions.IgnoreCase)]
    private static partial Regex KnownLine();
}
