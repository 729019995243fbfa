using System.Globalization;
using System.Net;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Frames;
using PcapIke.Model.Ios;

namespace PcapIke.Model;

/// <summary>
/// One negotiation as the routers' debug logs tell it (docs/debug-logs.md): each router's part
/// (<see cref="IosDebugNegotiation"/>), the routers paired by the peer addresses they log and their roles, and what
/// the lines say — CERT_REQ lists, first-match choices, certificates, profiles, validation lists and results, outcome.
/// Every fact names the log line it comes from; what no line says stays null.
/// </summary>
public sealed class DebugNegotiationView
{
    internal DebugNegotiationView(IosDebugNegotiation? initiator, IosDebugNegotiation? responder, IosDebugNegotiation? unknownRole)
    {
        Initiator = initiator;
        Responder = responder;
        Unplaced = unknownRole;
    }

    /// <summary>The initiator's log of it, when given.</summary>
    public IosDebugNegotiation? Initiator { get; }
    public IosDebugNegotiation? Responder { get; }
    /// <summary>A part whose role no line shows (a short excerpt).</summary>
    public IosDebugNegotiation? Unplaced { get; }
    /// <summary>Two routers' parts of which neither shows its role: <see cref="Initiator"/> is the log given first, an
    /// assumption every statement of who initiated says.</summary>
    public bool RolesAssumed { get; init; }
    public IEnumerable<IosDebugNegotiation> Parts => new[] { Initiator, Responder, Unplaced }.Where(p => p is not null)!;
    public int Version => Parts.First().Version;

    /// <summary>The initiator's name: its log's router, else "the initiator".</summary>
    public string InitiatorName => Initiator?.Router ?? (Responder is not null ? "the initiator" : Unplaced!.Router);
    public string ResponderName => Responder?.Router ?? "the responder";

    /// <summary>The initiator's address: the peer its responder logs (and the reverse).</summary>
    public string? InitiatorAddress => Responder?.Peer;
    public string? ResponderAddress => Initiator?.Peer;

    /// <summary>A fact with the line it was read from.</summary>
    public readonly record struct Logged<T>(T Value, string Router, int Line);

    /// <summary>The CERT_REQ list a side sent (IKEv1 MM3 / MM4), from its own "constructing CERT_REQ" lines, else from
    /// the peer's "peer wants cert issued by" lines (their order is the payload order, I2).</summary>
    public IReadOnlyList<Logged<string?>> CertRequests(Role sender)
    {
        IosDebugNegotiation? own = sender == Role.Initiator ? Initiator : Responder;
        IosDebugNegotiation? peer = sender == Role.Initiator ? Responder : Initiator;
        if (own is not null && FirstBatch(own, IosDebugEventKind.CertRequestSent) is { Count: > 0 } sent) return sent;
        if (peer is not null && FirstBatch(peer, IosDebugEventKind.CertRequestReceived) is { Count: > 0 } received) return received;
        return [];
    }

    /// <summary>The first run of <paramref name="kind"/> events (one message's CERT_REQ payloads).</summary>
    private static List<Logged<string?>> FirstBatch(IosDebugNegotiation n, IosDebugEventKind kind)
    {
        var list = new List<Logged<string?>>();
        bool started = false;
        foreach (IosDebugEvent e in n.Events)
        {
            if (e.Kind == kind)
            {
                started = true;
                list.Add(new(e.Dn, n.Router, e.Line));
            }
            else if (started && e.Kind is IosDebugEventKind.PacketSent or IosDebugEventKind.PacketReceived)
                break;
        }
        return list;
    }

    /// <summary>The trustpoint a side chose to authenticate with: IKEv1 "Choosing trustpoint X as issuer" (I2), else
    /// the keypair it signed with; IKEv2 the certificate chain it got, else the first trustpoint retrieved.</summary>
    public Logged<string>? TrustpointChosen(Role side)
    {
        IosDebugNegotiation? n = side == Role.Initiator ? Initiator : Responder;
        if (n is null) return null;
        IosDebugEvent? e = n.Find(IosDebugEventKind.TrustpointChosen) ?? n.Find(IosDebugEventKind.KeypairUsed) ?? n.Find(IosDebugEventKind.CertificateChain);
        if (e?.Trustpoint is { } tp) return new(tp, n.Router, e.Line);
        if (n.Find(IosDebugEventKind.TrustpointsRetrieved) is { Trustpoints.Count: > 0 } r) return new(r.Trustpoints[0], n.Router, r.Line);
        return null;
    }

    /// <summary>The CA of the certificate a side sent: the DN of the CERT_REQ its "Choosing trustpoint" answered (the
    /// line before it), and its position in the peer's list (1-based).</summary>
    public (Logged<string> Dn, int Position)? IssuerChosen(Role side)
    {
        IosDebugNegotiation? n = side == Role.Initiator ? Initiator : Responder;
        if (n is null) return null;
        int at = n.Events.FindIndex(e => e.Kind == IosDebugEventKind.TrustpointChosen);
        if (at <= 0) return null;
        int position = n.Events.Take(at).Count(e => e.Kind == IosDebugEventKind.CertRequestReceived);
        IosDebugEvent? before = n.Events.Take(at).LastOrDefault(e => e.Kind == IosDebugEventKind.CertRequestReceived);
        return before?.Dn is { } dn ? (new(dn, n.Router, before.Line), position) : null;
    }

    public Logged<string?>? ProfileMatched(Role side) =>
        (side == Role.Initiator ? Initiator : Responder) is { } n && n.Find(IosDebugEventKind.ProfileMatched) is { } e ? new(e.Profile, n.Router, e.Line) : null;

    public Logged<IReadOnlyList<string>>? ValidationList(Role side) =>
        (side == Role.Initiator ? Initiator : Responder) is { } n && n.Find(IosDebugEventKind.ValidationList) is { } e ? new(e.Trustpoints, n.Router, e.Line) : null;

    /// <summary>A side's verdict on its peer's certificate: the first validation or authentication result it logged.</summary>
    public Logged<bool>? Validation(Role side)
    {
        IosDebugNegotiation? n = side == Role.Initiator ? Initiator : Responder;
        IosDebugEvent? e = n?.Events.FirstOrDefault(x => x.Kind is IosDebugEventKind.ValidationFailed or IosDebugEventKind.ValidationSucceeded
            || x.Kind == IosDebugEventKind.Authentication);
        if (e is null) return null;
        bool ok = e.Kind == IosDebugEventKind.ValidationSucceeded || e.Kind == IosDebugEventKind.Authentication && e.Succeeded == true;
        return new(ok, n!.Router, e.Line);
    }

    /// <summary>The outcome the logs show, the line that shows it, and in words what happened.</summary>
    public (SaOutcome Outcome, NegotiationOutcome? As, string Router, int Line, string Text) Outcome()
    {
        foreach (IosDebugNegotiation n in Parts)
            foreach (IosDebugEvent e in n.Events)
            {
                if (e.Kind == IosDebugEventKind.CertificatePayloadFailed)
                    return (SaOutcome.Incomplete, NegotiationOutcome.InitiatorAborted, n.Router, e.Line, $"{n.Router} could not build its certificate payload (no trustpoint of its IKEv2 profile matches the peer's CERTREQ) and stopped before IKE_AUTH");
                if (e.Kind == IosDebugEventKind.NotifySent && e.Notify == "TS_UNACCEPTABLE")
                    return (SaOutcome.Failed, NegotiationOutcome.ChildSaFailed, n.Router, e.Line, $"{n.Router} refused the Child SA: TS_UNACCEPTABLE (no IPsec policy for the received traffic selectors)");
                if (e.Kind is IosDebugEventKind.ValidationFailed || e.Kind == IosDebugEventKind.Authentication && e.Succeeded == false)
                    return (SaOutcome.Failed, NegotiationOutcome.AuthenticationFailed, n.Router, e.Line,
                        $"{n.Router} refused {PeerName(n)}'s certificate: {Quote(e)}{(ValidationList(RoleOf(n)) is { } vl ? $" (its validation list: {string.Join(", ", vl.Value)})" : "")}");
            }
        foreach (IosDebugNegotiation n in Parts)
            if (n.Events.FirstOrDefault(e => e.Kind == IosDebugEventKind.StateChange && e.State == "IKE_P1_COMPLETE") is { } done)
                return (SaOutcome.Established, null, n.Router, done.Line, $"{n.Router} reached IKE_P1_COMPLETE (phase 1 up)");
        if (Version == 2 && Parts.SelectMany(p => p.Events).FirstOrDefault(e => e.Kind == IosDebugEventKind.Authentication && e.Succeeded == true) is { } v2)
            return (SaOutcome.Established, null, v2.Router, v2.Line, $"{v2.Router} verified the peer's authentication data");
        IosDebugNegotiation last = Parts.OrderBy(p => p.Events[^1].Line).Last();
        IosDebugEvent end = last.Events[^1];
        string where = last.Events.LastOrDefault(e => e.State is not null)?.State is { } st ? $" at {st}" : "";
        return (SaOutcome.Incomplete, null, last.Router, end.Line, $"the log ends{where} with no result (cut, or the negotiation still running)");
    }

    private Role RoleOf(IosDebugNegotiation n) => ReferenceEquals(n, Initiator) ? Role.Initiator : Role.Responder;
    private string PeerName(IosDebugNegotiation n) => ReferenceEquals(n, Initiator) ? ResponderName : ReferenceEquals(n, Responder) ? InitiatorName : "the peer";
    private static string Quote(IosDebugEvent e) => e.Detail ?? e.Text;

    /// <summary>One router's part whose lines do not show whether it initiated: no statement of who initiated is made.</summary>
    public bool RoleUnknown => Initiator is null && Responder is null;

    public override string ToString() => RoleUnknown
        ? $"IKEv{Version} {Unplaced!.Router} (its log does not show whether it initiated)"
        : $"IKEv{Version} {InitiatorName} → {ResponderName}{(RolesAssumed ? " (who initiated is not in the logs: taken in the order given)" : "")}";
}

/// <summary>
/// The routers' debug logs as evidence (docs/debug-logs.md, "Use as evidence"): their negotiations paired across
/// routers, what each shows (PI801), and set against the selection model's prediction for the configurations given,
/// event by event: a difference is said plainly (PI802) — the configuration given is not the one running, or the
/// model lacks a rule — and never reconciled; where they agree, the configurations' explanation (PI601–PI605) as a
/// capture would give it.
/// </summary>
public static class DebugEvidence
{
    /// <summary>The negotiations of <paramref name="logs"/>: each router's, paired with the other router's when their
    /// versions match, their roles differ and the peers they log are each other's (in log order).</summary>
    public static IReadOnlyList<DebugNegotiationView> Pair(IReadOnlyList<IosDebugLog> logs)
    {
        var parts = logs.SelectMany(l => l.Negotiations).Where(n => n.Events.Count > 0).ToList();
        var used = new HashSet<IosDebugNegotiation>();
        var views = new List<DebugNegotiationView>();
        foreach (IosDebugNegotiation a in parts)
        {
            if (!used.Add(a)) continue;
            IosDebugNegotiation? b = parts.FirstOrDefault(o => !used.Contains(o) && o.Router != a.Router && o.Version == a.Version
                && (a.Role is null || o.Role is null || a.Role != o.Role)
                && (a.Peer is null || o.Peer is null || a.Peer != o.Peer));
            if (b is not null) used.Add(b);
            IosDebugNegotiation? Of(char role) => a.Role == role ? a : b?.Role == role ? b : null;
            IosDebugNegotiation? i = Of('I'), r = Of('R');
            if (i is null && r is null && b is null)
                views.Add(new DebugNegotiationView(null, null, a));
            else if (i is null && r is null)
                views.Add(new DebugNegotiationView(a, b, null) { RolesAssumed = true });  // neither shows its role: log order, said
            else
                views.Add(new DebugNegotiationView(i ?? (ReferenceEquals(r, a) ? b : a), r ?? (ReferenceEquals(i, a) ? b : a), null));
        }
        return views;
    }

    /// <summary>PI801: what the logs show of one negotiation — who initiated, the first-match choices, the outcome and
    /// the line that shows it.</summary>
    public static Finding Summary(DebugNegotiationView v, string source, bool configured = false)
    {
        var o = v.Outcome();
        var steps = new List<string>();
        foreach (Role side in new[] { Role.Initiator, Role.Responder })
        {
            string name = side == Role.Initiator ? v.InitiatorName : v.ResponderName;
            var list = v.CertRequests(side);
            if (list.Count > 0)
                steps.Add($"{name}'s {(v.Version == 1 ? side == Role.Initiator ? "MM3" : "MM4" : "CERTREQ")} asks for {list.Count} CA{(list.Count == 1 ? "" : "s")}: {string.Join(", ", list.Select(c => c.Value ?? "(DN not in the log)"))} ({Where(list[0].Router, list[0].Line)})");
            if (v.IssuerChosen(side) is { } issuer && v.TrustpointChosen(side) is { } tp)
                steps.Add($"{name} chose trustpoint {tp.Value} for CERT_REQ #{issuer.Position} ({issuer.Dn.Value}): the first match ({Where(tp.Router, tp.Line)})");
            else if (v.TrustpointChosen(side) is { } tp2)
                steps.Add($"{name} used trustpoint {tp2.Value} ({Where(tp2.Router, tp2.Line)})");
            if (v.ProfileMatched(side) is { } p)
                steps.Add($"{name} bound the peer to {(p.Value is null ? "no profile" : "profile " + p.Value)} ({Where(p.Router, p.Line)})");
            if (v.ValidationList(side) is { } vl)
                steps.Add($"{name} validates against {string.Join(", ", vl.Value)} ({Where(vl.Router, vl.Line)})");
        }
        string who = v.RoleUnknown
            ? $"IKEv{v.Version}, {v.Unplaced!.Router}{(v.Unplaced.Peer is { } up ? $" with {up}" : "")} (no line shows whether it initiated)"
            : v.RolesAssumed
            ? $"IKEv{v.Version}, {v.InitiatorName} and {v.ResponderName} (no line shows who initiated: {v.InitiatorName}, whose log was given first, is taken as the initiator)"
            : $"IKEv{v.Version}, {v.InitiatorName}{(v.InitiatorAddress is { } ia ? $" ({ia})" : "")} initiates to {v.ResponderName}{(v.ResponderAddress is { } ra ? $" ({ra})" : "")}";
        string outcome = o.Outcome switch
        {
            SaOutcome.Established => "established",
            SaOutcome.Failed => "failed",
            _ => "no result",
        };
        string from = string.Join(" and ", v.Parts.Select(p => p.Router + "'s").Distinct());
        return new Finding(FindingCode.DebugShowsNegotiation, o.Outcome == SaOutcome.Established ? Severity.Info : o.Outcome == SaOutcome.Failed ? Severity.Error : Severity.Warning, [],
            $"From {from} debug ({source}): {who}: {outcome}: {o.Text} ({Where(o.Router, o.Line)}). " + (steps.Count > 0 ? "Steps: " + string.Join("; ", steps) + "." : ""),
            o.Outcome == SaOutcome.Failed && o.As == NegotiationOutcome.AuthenticationFailed && !configured
                ? "Give both routers' configurations (--config) to have the failure explained rule by rule with a checked fix."
                : null)
        {
            Seen = $"{o.Text} ({Where(o.Router, o.Line)})",
            Steps = steps,
        };
    }

    /// <summary>Sets the negotiation against the model's prediction for <paramref name="routers"/>: PI802 for every
    /// logged decision the model makes otherwise; when none differs, the configurations' explanation (PI601–PI605) from
    /// the logs as <see cref="CaptureExplainer"/> gives it for a capture. <paramref name="trace"/> receives the
    /// prediction.</summary>
    public static List<Finding> Compare(DebugNegotiationView v, Scenario routers, string source, Action<DecisionTrace>? trace = null)
    {
        var findings = new List<Finding>();
        RouterSpec? initiator = Router(routers, v.InitiatorName, v.InitiatorAddress);
        RouterSpec? responder = Router(routers, v.ResponderName, v.ResponderAddress);
        if (initiator is null || responder is null || ReferenceEquals(initiator, responder))
        {
            findings.Add(new Finding(FindingCode.ConfigurationsDoNotMatch, Severity.Info, [],
                $"The configurations given ({string.Join(", ", routers.Routers.Select(r => $"{r.Name} {r.Ethernet.Address}"))}) are not those of the routers of this debug ({v.InitiatorName} → {v.ResponderName}): it is read from the logs alone.",
                "Name the routers as their configurations do (the prompt, the file name or ROUTER=FILE), or give the configurations of these routers."));
            return findings;
        }
        DirectionPrediction p;
        var filled = new List<string>();
        try
        {
            // As for a capture: the CAs a truncated listing did not show are filled in from the logged CERT_REQ lists.
            routers = CaptureExplainer.WithCasFrom(AsSa(v, initiator, responder), routers, initiator.Name, filled);
            p = SelectionModel.Predict(routers, initiator.Name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            findings.Add(new Finding(FindingCode.ConfigurationsDoNotMatch, Severity.Info, [],
                $"The selection model could not be applied to the configurations given ({ex.GetType().Name}: {ex.Message}); the debug is read from the logs alone.", null));
            return findings;
        }
        trace?.Invoke(p.Trace);
        var differences = Differences(v, p, routers, initiator.Name, responder.Name);
        if (differences.Count > 0)
        {
            findings.Add(new Finding(FindingCode.ModelContradictsDebug, Severity.Warning, [],
                $"The debug contradicts the configurations given ({source}): " + string.Join(" ", differences) +
                " The routers did not run these configurations (a changed profile, a re-enrollment, another router), or the model lacks a rule of this IOS release; the debug is what happened.",
                "Collect `show running-config` and `show crypto pki certificates` from both routers at the time of the debug, and compare with the lines named.")
            {
                Seen = string.Join(" ", differences),
                Steps = differences,
            });
            return findings;
        }
        // No difference: the explanation a capture of it would get, from the facts the logs give.
        var analyzed = new AnalyzedSa(AsSa(v, initiator, responder));
        CaptureExplainer.Explain([analyzed], routers, source: "debug");
        findings.AddRange(analyzed.Findings);
        return findings;
    }

    /// <summary>The decisions the logs show that the model makes otherwise, each in the model's words and the router's
    /// ("model: Choosing trustpoint IOSCA1; R2 logged: Choosing trustpoint IOSCA2 as issuer (R2.txt:25)").</summary>
    private static List<string> Differences(DebugNegotiationView v, DirectionPrediction p, Scenario s, string initiator, string responder)
    {
        var list = new List<string>();
        DecisionTrace t = p.Trace;
        string Key(string dn) => IosBuiltInCas.DnKey(dn);
        foreach (Role side in new[] { Role.Initiator, Role.Responder })
        {
            string router = side == Role.Initiator ? initiator : responder;
            string label = p.Version == 1 ? side == Role.Initiator ? "MM3" : "MM4" : side == Role.Initiator ? "IKE_AUTH request" : "IKE_SA_INIT response";
            var logged = v.CertRequests(side);
            var predicted = t.CertRequestLists.FirstOrDefault(c => c.Message == label);
            if (p.Version == 1 && logged.Count > 0 && predicted.CaDns is not null)
            {
                // a CA the configurations did not show (a placeholder) matches whatever was logged in its place
                bool Same(int k) => logged[k].Value is not { } dn || CaptureExplainer.IsPlaceholderCa(s, predicted.CaDns[k]) || Key(dn) == Key(predicted.CaDns[k]);
                if (logged.Count != predicted.CaDns.Count)
                    list.Add($"model: {router}'s {label} carries {predicted.CaDns.Count} CERT_REQ ({string.Join(", ", predicted.CaDns)}); logged: {logged.Count} ({Where(logged[0].Router, logged[0].Line)}).");
                else if (!Enumerable.Range(0, logged.Count).All(Same))
                    list.Add($"model: {router}'s {label} asks for {string.Join(", ", predicted.CaDns)}; logged: {string.Join(", ", logged.Select(c => c.Value))} ({Where(logged[0].Router, logged[0].Line)}).");
            }
            if (v.TrustpointChosen(side) is { } chosen && t.CertificateSent.TryGetValue(router, out string? modelTp) && !string.Equals(modelTp, chosen.Value, StringComparison.Ordinal))
                list.Add($"model: {router}: Choosing trustpoint {modelTp} as issuer; {chosen.Router} logged: {chosen.Value} ({Where(chosen.Router, chosen.Line)}).");
            if (v.ProfileMatched(side) is { } profile && t.Profile.TryGetValue(router, out string? modelProfile) && !string.Equals(modelProfile, profile.Value, StringComparison.Ordinal))
                list.Add($"model: {router} binds profile {modelProfile}; {profile.Router} logged: {(profile.Value is null ? "no profile matched" : "peer matches " + profile.Value)} ({Where(profile.Router, profile.Line)}).");
            if (v.ValidationList(side) is { } vl && t.Find(DecisionKind.ValidationList, router) is { } modelList && modelList.Trustpoints.Count > 0
                && !vl.Value.SequenceEqual(modelList.Trustpoints, StringComparer.Ordinal))
                list.Add($"model: {router}: Creating CERT validation list: {string.Join(", ", modelList.Trustpoints)}; {vl.Router} logged: {string.Join(", ", vl.Value)} ({Where(vl.Router, vl.Line)}).");
            if (v.Validation(side) is { } verdict && t.Find(DecisionKind.Validation, router) is { } modelVerdict && modelVerdict.Accepted != verdict.Value)
                list.Add($"model: {router} {(modelVerdict.Accepted ? "accepts" : "refuses")} the peer's certificate; {verdict.Router} logged: {(verdict.Value ? "accepted" : "refused")} ({Where(verdict.Router, verdict.Line)}).");
        }
        var outcome = v.Outcome();
        bool loggedOk = outcome.Outcome == SaOutcome.Established;
        if (outcome.Outcome != SaOutcome.Incomplete && loggedOk != p.Succeeds)
            list.Add($"model: {ModelOutcome(p.Outcome)}; logged: {(loggedOk ? "established" : "failed")} ({Where(outcome.Router, outcome.Line)}).");
        return list;
    }

    private static string ModelOutcome(NegotiationOutcome o) => o switch
    {
        NegotiationOutcome.Established => "established",
        NegotiationOutcome.AuthenticationFailed => "authentication fails",
        NegotiationOutcome.ChildSaFailed => "IKE SA up, Child SA refused",
        NegotiationOutcome.InitiatorAborted => "the initiator stops before IKE_AUTH",
        _ => "no proposal chosen",
    };

    /// <summary>The router a log names: by name (case-insensitive), else by the address its peer logs.</summary>
    private static RouterSpec? Router(Scenario s, string name, string? address) =>
        s.Routers.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? (address is not null && IPAddress.TryParse(address, out var ip) ? s.Routers.FirstOrDefault(r => r.Ethernet.Address.Equals(ip)) : null);

    /// <summary>The negotiation as an <see cref="IkeSa"/> holding what the logs show (no messages: nothing was
    /// captured), for <see cref="CaptureExplainer"/>.</summary>
    private static IkeSa AsSa(DebugNegotiationView v, RouterSpec initiator, RouterSpec responder)
    {
        var o = v.Outcome();
        var sa = new IkeSa
        {
            Id = 1,
            Version = v.Version,
            Initiator = new NetEndpoint(NetAddress.FromIPAddress(initiator.Ethernet.Address), 500),
            Responder = new NetEndpoint(NetAddress.FromIPAddress(responder.Ethernet.Address), 500),
            Outcome = o.Outcome,
            OutcomeDetail = o.Text,
            OutcomeConfidence = Confidence.Seen,
        };
        if (v.Version == 1)
        {
            int i = 0;
            foreach (var c in v.CertRequests(Role.Initiator)) sa.InitiatorCertRequests.Add(new CertRequestEntry(++i, 0, "MM3", 4, c.Value, null, null, null));
            i = 0;
            foreach (var c in v.CertRequests(Role.Responder)) sa.ResponderCertRequests.Add(new CertRequestEntry(++i, 0, "MM4", 4, c.Value, null, null, null));
        }
        sa.InitiatorCertificateIssuer = v.IssuerChosen(Role.Initiator)?.Dn.Value;
        sa.ResponderCertificateIssuer = v.IssuerChosen(Role.Responder)?.Dn.Value;
        return sa;
    }

    internal static string Where(string router, int line) => $"{router} line {line.ToString(CultureInfo.InvariantCulture)}";
}
