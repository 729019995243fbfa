namespace PcapIke.Model;

/// <summary>How a negotiation ends, as the model predicts it and the forge writes it.</summary>
public enum NegotiationOutcome
{
    /// <summary>IKE SA and IPsec SA (Quick Mode / Child SA) established.</summary>
    Established,
    /// <summary>The IKE SA was authenticated but the Child SA / Quick Mode was refused (e.g. TS_UNACCEPTABLE).</summary>
    ChildSaFailed,
    /// <summary>Phase 1 / IKE_AUTH failed: a certificate was not accepted or could not be chosen.</summary>
    AuthenticationFailed,
    /// <summary>The initiator could not build its authentication payloads and stopped (no IKE_AUTH sent).</summary>
    InitiatorAborted,
    /// <summary>No acceptable proposal.</summary>
    NoProposalChosen,
}

/// <summary>One line a simulated router prints or logs, <paramref name="At"/> after the negotiation's start, with the
/// selection-model rule behind it (I1–I4, V1–V4; empty for protocol steps).</summary>
public sealed record TraceLine(TimeSpan At, string Router, string Rule, string Text)
{
    public override string ToString() => $"{At.TotalMilliseconds,9:0.000} ms {Router} {(Rule.Length > 0 ? "[" + Rule + "] " : "")}{Text}";
}

/// <summary>What a <see cref="Decision"/> decides.</summary>
public enum DecisionKind
{
    /// <summary>A protocol step with no selection rule: what the router prints while it builds or reads a message.</summary>
    Protocol,
    /// <summary>A message sent (label, sender, receiver, payloads in order) — no bytes: the forge writes them.</summary>
    Message,
    /// <summary>The proposal the responder accepts or refuses.</summary>
    Proposal,
    /// <summary>The profile a router binds (I3; V2 for IKEv2 profiles).</summary>
    ProfileBinding,
    /// <summary>The CA list of a message's CERT_REQ / CERTREQ payloads (I1, V1).</summary>
    CertRequestList,
    /// <summary>The first-match trustpoint choice on the peer's CERT_REQ order (I2, V2).</summary>
    TrustpointChoice,
    /// <summary>The certificate a router sends and whose keypair it signs with.</summary>
    CertificateSent,
    /// <summary>The trustpoints a router validates the peer's certificate against (I4, V4).</summary>
    ValidationList,
    /// <summary>The result of that validation (I4, V4).</summary>
    Validation,
    /// <summary>The responder's Quick Mode / Child SA decision (the bound profile against the tunnel's).</summary>
    ChildSa,
}

/// <summary>
/// One entry of a <see cref="DecisionTrace"/>: who decided what, when, by which rule, in the words of the forge's log
/// (<see cref="Text"/>, null when the entry is not logged), with the IOS debug lines it corresponds to. The typed
/// fields say what was decided, for the forge and the explanations to read without parsing text.
/// </summary>
public sealed class Decision
{
    private readonly List<TraceLine> _debug = [];

    public Decision(DecisionKind kind, TimeSpan at, string router, string rule, string? text)
    {
        Kind = kind;
        At = at;
        Router = router;
        Rule = rule;
        Text = text;
    }

    public DecisionKind Kind { get; }
    public TimeSpan At { get; }
    public string Router { get; }
    /// <summary>I1–I4, V1–V4, or empty for protocol steps.</summary>
    public string Rule { get; }
    public string? Text { get; }

    /// <summary>The <c>debug crypto isakmp</c> / <c>ikev2</c> / <c>pki</c> lines this decision corresponds to, in order.</summary>
    public IReadOnlyList<TraceLine> Debug => _debug;

    /// <summary>The message: a <see cref="DecisionKind.Message"/>'s label (<c>MM3</c>, <c>MM4 (retransmission 1)</c>,
    /// <c>IKE_AUTH response</c>), or the message whose CERT_REQ list is built or answered.</summary>
    public string? Message { get; init; }
    public string? Receiver { get; init; }
    /// <summary>A message's payloads in order (IKEv2: as IOS's "Payload contents" names them).</summary>
    public IReadOnlyList<string> Payloads { get; init; } = [];
    /// <summary>A CERT_REQ or validation list: the sender's trustpoints, in payload order.</summary>
    public IReadOnlyList<string> Trustpoints { get; init; } = [];
    /// <summary>A CERT_REQ list: the CAs' DNs in payload order, IOS style.</summary>
    public IReadOnlyList<string> CaDns { get; init; } = [];
    /// <summary>The trustpoint chosen, sent or validated with (null when none).</summary>
    public string? Trustpoint { get; init; }
    /// <summary>The profile bound (null when none matched or none is configured).</summary>
    public string? Profile { get; init; }
    /// <summary>The identity a certificate is sent with (ID payload).</summary>
    public IkeIdentity? Identity { get; init; }
    /// <summary>Proposal, validation, Child SA: accepted or not.</summary>
    public bool Accepted { get; init; }

    internal void AddDebug(TraceLine line) => _debug.Add(line);
}

/// <summary>
/// The model's account of one negotiation (issue 15): every decision the two simulated IOS routers make, in order —
/// proposals, profile bindings, CERT_REQ lists, first-match choices, certificates sent, validation lists and results,
/// the messages sent — and the outcome, with no key, no cryptography and no byte. <see cref="DecisionEngine"/> makes it;
/// predictions and explanations read it; the forge writes a capture that follows it.
/// </summary>
public sealed class DecisionTrace
{
    public DecisionTrace(int version, string initiator, string responder, DateTimeOffset start, int index,
        IReadOnlyList<Decision> decisions, NegotiationOutcome outcome)
    {
        Version = version;
        Initiator = initiator;
        Responder = responder;
        Start = start;
        Index = index;
        Decisions = decisions;
        Outcome = outcome;
    }

    public int Version { get; }
    public string Initiator { get; }
    public string Responder { get; }
    public DateTimeOffset Start { get; }
    /// <summary>The negotiation's place in its capture (0, 1 …): IOS's connection id and the forge's random labels.</summary>
    public int Index { get; }
    public IReadOnlyList<Decision> Decisions { get; }
    public NegotiationOutcome Outcome { get; }
    public bool Succeeds => Outcome == NegotiationOutcome.Established;

    /// <summary>The decisions each router logs, with their rules (the forge's <c>forge-log.txt</c>, <c>replay</c>'s
    /// decisions).</summary>
    public IReadOnlyList<TraceLine> Log => Decisions.Where(d => d.Text is not null).Select(d => new TraceLine(d.At, d.Router, d.Rule, d.Text!)).ToArray();

    /// <summary>What each router would print with <c>debug crypto isakmp</c> / <c>debug crypto ikev2</c> /
    /// <c>debug crypto pki validation</c>, in the technote's wording (the <c>replay</c> narration).</summary>
    public IReadOnlyList<TraceLine> Debug => Decisions.SelectMany(d => d.Debug).ToArray();

    /// <summary>The messages, in order (labels, senders, times; no bytes).</summary>
    public IReadOnlyList<Decision> Messages => Decisions.Where(d => d.Kind == DecisionKind.Message).ToArray();

    /// <summary>The CERT_REQ list of each message that carries one (MM3, MM4, IKE_SA_INIT response, IKE_AUTH request):
    /// the CAs' DNs in payload order, IOS style.</summary>
    public IReadOnlyList<(string Message, string Sender, IReadOnlyList<string> CaDns)> CertRequestLists =>
        Decisions.Where(d => d.Kind == DecisionKind.CertRequestList).Select(d => (d.Message!, d.Router, d.CaDns)).ToArray();

    /// <summary>Router name → the trustpoint whose identity certificate it sent and signed with.</summary>
    public IReadOnlyDictionary<string, string> CertificateSent =>
        Decisions.Where(d => d.Kind == DecisionKind.CertificateSent && d.Trustpoint is not null).ToDictionary(d => d.Router, d => d.Trustpoint!, StringComparer.Ordinal);

    /// <summary>Router name → the profile it bound the negotiation to.</summary>
    public IReadOnlyDictionary<string, string> Profile =>
        Decisions.Where(d => d.Kind == DecisionKind.ProfileBinding && d.Profile is not null)
            .ToDictionary(d => d.Router, d => d.Profile!, StringComparer.Ordinal);

    /// <summary>The first refusal that is logged — a proposal refused, a validation failed, a Child SA refused — which
    /// decides a failed outcome; null when nothing was refused (later decisions, such as the initiator validating the
    /// answer that carries the refusal, are consequences, not the cause).</summary>
    public Decision? Refusal => Decisions.FirstOrDefault(d => d.Text is not null && !d.Accepted
        && d.Kind is DecisionKind.Proposal or DecisionKind.Validation or DecisionKind.ChildSa);

    /// <summary>The decision of <paramref name="kind"/> by <paramref name="router"/> (the last, if several), or null.</summary>
    public Decision? Find(DecisionKind kind, string router) => Decisions.LastOrDefault(d => d.Kind == kind && d.Router == router);
}
