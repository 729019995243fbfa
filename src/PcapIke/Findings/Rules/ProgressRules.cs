using PcapIke.Exchanges;
using static PcapIke.Findings.SaFacts;

namespace PcapIke.Findings.Rules;

/// <summary>
/// PI101. IKEv1 Main Mode: the initiator sent MM5, the responder answered by re-sending MM4 and no MM6 came (the
/// technote's one-sided tunnel: the responder rejected MM5; with certificates, the first-match rule I2 against a
/// `ca trust-point` validation list I4).
/// </summary>
public sealed class MainModeStalledAfterMM5Rule : IFindingRule
{
    public const string FirstMatchExplanation =
        "the initiator picked its certificate by the first CERT_REQ in the responder's MM4 that names one of its trustpoints " +
        "(IOS first-match rule); the responder then rejected MM5 — typically it validates against a `ca trust-point` list " +
        "that does not include that CA";

    public static bool Applies(IkeSa sa, out List<SaMessage> mm5s, out List<SaMessage> mm4Resent)
    {
        mm5s = Step(sa, Role.Initiator, "MM5").ToList();
        mm4Resent = [];
        if (sa.Version != 1 || mm5s.Count == 0 || Step(sa, "MM6").Any())
            return false;
        var firstMm5 = mm5s[0];
        mm4Resent = Step(sa, Role.Responder, "MM4").Where(m => IsLater(m, firstMm5)).ToList();
        return mm4Resent.Count > 0;
    }

    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (!Applies(sa, out var mm5s, out var mm4Resent))
            return;
        var evidence = FramesOf(Step(sa, Role.Initiator, "MM3").Take(1)
            .Concat(Step(sa, Role.Responder, "MM4").Take(1)).Concat(mm5s).Concat(mm4Resent));
        string stall = $"Main Mode stalled after MM5: the initiator {SentOver(mm5s, "MM5")} and the responder re-sent MM4 " +
                       $"{Times(mm4Resent.Count)} instead of answering with MM6";
        string fragmented = mm5s.FirstOrDefault(m => m.Message.IpFragmentCount > 1) is { } f
            ? $" MM5 travelled in {f.Message.IpFragmentCount} IP fragments, so fragment loss on the path is the other candidate (PI105)."
            : "";

        if (sa.ResponderCertRequests.Count == 0)
        {
            findings.Add(new Finding(FindingCode.MainModeStalledAfterMM5, Severity.Error, evidence,
                stall + ". The responder rejected MM5; with no CERT_REQ in MM4 (pre-shared keys), the usual cause is a " +
                "pre-shared key mismatch (MM5 does not decrypt or its HASH_I does not verify) or an identity no profile matches." + fragmented,
                "Make the pre-shared keys for the two peers' addresses identical, and check the responder's `match identity`."));
            return;
        }

        var r = sa.ResponderCertRequests;
        string responderList = $"the responder's MM4 CERT_REQ list starts with {Quote(r[0])} ({r.Count} entr{(r.Count == 1 ? "y" : "ies")})";
        string initiatorList = sa.InitiatorCertRequests.Count > 0
            ? $"the initiator's MM3 list starts with {Quote(sa.InitiatorCertRequests[0])} ({sa.InitiatorCertRequests.Count} entr{(sa.InitiatorCertRequests.Count == 1 ? "y" : "ies")})"
            : "the initiator's MM3 carried no CERT_REQ";
        findings.Add(new Finding(FindingCode.MainModeStalledAfterMM5, Severity.Error, evidence,
            $"{stall}: {FirstMatchExplanation}. Here {responderList}, so the initiator most likely signed with its " +
            $"certificate from {r[0].Display}; {initiatorList}." + fragmented,
            "Make the `ca trust-point` configuration symmetric (the same trustpoints in both peers' ISAKMP profiles, or none), " +
            "or re-enrol so that the responder's certificate store lists the CA common to both first (its newest certificate from that CA), " +
            "so its MM4 names that CA first. Confirm: on the responder `show crypto isakmp profile` (its `ca trust-point` lines) and " +
            "`debug crypto isakmp` + `debug crypto pki validation` (\"Creating CERT validation list\", \"No suitable trustpoints found\"); " +
            "on the initiator \"Choosing trustpoint … as issuer\". Decrypting MM5 (--keys) shows the certificate it sent; " +
            "`--config` with both routers' configurations states the cause rule by rule."));
    }
}

/// <summary>PI102. IKEv1 Main Mode stopped at another step: a message re-sent (or the SA stalled) with no next step.</summary>
public sealed class MainModeStalledRule : IFindingRule
{
    private static readonly string[] s_why =
    [
        "",
        "no MM2: the responder never answered the proposal — UDP 500 blocked or filtered, no route, the responder has no crypto map or ISAKMP policy for this peer (IOS drops silently), or it is down",
        "no MM3 after MM2: the initiator did not accept the responder's choice, or MM2 did not reach it",
        "no MM4: the responder failed in the key exchange, or MM3 (which carries the CERT_REQ list and can be large) was lost",
        "no MM5 after MM4: the initiator could not build MM5 — with certificates, none of its trustpoints matches a CERT_REQ in MM4; with pre-shared keys, no key for this peer",
        "no MM6: the responder rejected MM5 (pre-shared key mismatch, certificate validation, identity matching no profile) or MM5, the largest Main Mode message, was lost",
    ];

    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 1 || sa.Outcome is SaOutcome.Established or SaOutcome.Failed)
            return;
        var mm = sa.Messages.Where(m => m.Exchange == ExchangeKind.MainMode && StepNumber(m, "MM") > 0).ToList();
        if (mm.Count == 0 || mm.Any(m => StepNumber(m, "MM") == 6) || MainModeStalledAfterMM5Rule.Applies(sa, out _, out _))
            return;
        int last = mm.Max(m => StepNumber(m, "MM"));
        var copies = mm.Where(m => StepNumber(m, "MM") == last).ToList();
        bool resent = copies.Count > 1 || copies.Any(m => m.IsRetransmission);
        if (!resent && sa.Outcome != SaOutcome.Stalled)
            return;
        Role sender = copies[0].Sender;
        findings.Add(new Finding(FindingCode.MainModeStalled, Severity.Error, FramesOf(copies),
            $"Main Mode stalled at MM{last}: the {Side(sender)} {SentOver(copies, $"MM{last}")} and the {Other(sender)} never went on; {s_why[last]}.",
            last switch
            {
                1 => "Check reachability of UDP 500 between the peers and that the responder has a crypto map / ISAKMP policy and profile for this peer.",
                3 or 5 => "Check the responder's `debug crypto isakmp` for the reason; if the message is IP-fragmented, check that fragments cross the path.",
                4 => "Check that the initiator has a certificate from a CA the responder requests (or a pre-shared key for this peer).",
                _ => null,
            }));
    }
}

/// <summary>Shared by PI103/PI104: an IKEv2 request of one exchange and no response of that exchange.</summary>
public abstract class Ikev2NoResponseRule(ExchangeKind exchange, string name, FindingCode code) : IFindingRule
{
    protected abstract string Why { get; }
    protected abstract string Fix { get; }

    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 2)
            return;
        var requests = sa.Messages.Where(m => m.Exchange == exchange && m.Sender == Role.Initiator && !m.Message.Ike.IsResponse).ToList();
        if (requests.Count == 0 || sa.Messages.Any(m => m.Exchange == exchange && m.Message.Ike.IsResponse))
            return;
        findings.Add(new Finding(code, Severity.Error, FramesOf(requests),
            $"No {name} response: the initiator {SentOver(requests, $"the {name} request ({requests[0].Size} bytes)")} and the responder never answered; {Why}.",
            Fix));
    }
}

/// <summary>PI103. IKEv2: an IKE_AUTH request got no response.</summary>
public sealed class IkeAuthNoResponseRule() : Ikev2NoResponseRule(ExchangeKind.IkeAuth, "IKE_AUTH", FindingCode.IkeAuthNoResponse)
{
    protected override string Why =>
        "IKE_AUTH carries the certificates and is often IP-fragmented, so a lost fragment is the most common cause; " +
        "otherwise the responder dropped it (it could not decrypt it, or no profile matches the initiator's identity)";
    protected override string Fix =>
        "Enable IKEv2 fragmentation (RFC 7383; IOS `crypto ikev2 fragmentation`) or lower the path MTU; check the responder's `debug crypto ikev2`.";
}

/// <summary>
/// PI110. The correlator judged the SA failed (see <see cref="IkeSa.OutcomeDetail"/>) but no error notify is visible in
/// clear: the reason is inside the last encrypted message. Typical: an IKEv2 IKE_AUTH response too small to hold IDr
/// and AUTH (RFC 7296 §1.2), which carries only an error notify such as AUTHENTICATION_FAILED or TS_UNACCEPTABLE.
/// </summary>
public sealed class FailedInsideEncryptedMessageRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Outcome != SaOutcome.Failed || sa.Notifies.Any(n => n.IsError))
            return;
        var last = sa.Messages.LastOrDefault(m => m.Message.Ike.IsEncrypted && !m.IsRetransmission);
        if (last is null)
            return;
        findings.Add(new Finding(FindingCode.FailedInsideEncryptedMessage, Severity.Error, [last.Frame],
            $"The negotiation failed at {last.Step} (frame {last.Frame}, from the {Side(last.Sender)}), but the reason is " +
            $"encrypted: {sa.OutcomeDetail}. The {Side(last.Sender)} most likely answered with an error notify " +
            "(AUTHENTICATION_FAILED when it could not validate the peer's certificate or AUTH, TS_UNACCEPTABLE, " +
            "NO_PROPOSAL_CHOSEN for the child SA ...).",
            "Decrypt the capture with the peers' keys to name the notify, or read the " + Side(last.Sender) +
            "'s `debug crypto ikev2` / charon log for the same time."));
    }
}

/// <summary>PI104. IKEv2: an IKE_SA_INIT request got no response.</summary>
public sealed class IkeSaInitNoResponseRule() : Ikev2NoResponseRule(ExchangeKind.IkeSaInit, "IKE_SA_INIT", FindingCode.IkeSaInitNoResponse)
{
    protected override string Why =>
        "the responder is unreachable on UDP 500 (filtered, no route), has no IKEv2 configuration for this peer, or is down";
    protected override string Fix =>
        "Check UDP 500 reachability and that the responder has an IKEv2 profile/policy for this peer.";
}

/// <summary>PI105. An IP-fragmented IKE message was re-sent and never answered: fragment loss on the path.</summary>
public sealed class FragmentedMessageUnansweredRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        foreach (var copies in CopiesByMessage(sa))
        {
            var fragmented = copies.FirstOrDefault(m => m.Message.IpFragmentCount > 1);
            if (fragmented is null || copies.Count < 2 || AnsweredAfter(sa, copies[^1]))
                continue;
            var frames = copies.SelectMany(m => m.Message.FirstFragmentFrame > 0 && m.Message.FirstFragmentFrame != m.Frame
                ? [m.Message.FirstFragmentFrame, m.Frame] : new[] { m.Frame }).Distinct().Order().ToList();
            findings.Add(new Finding(FindingCode.FragmentedMessageUnanswered, Severity.Error, frames,
                $"{copies[0].Step} from the {Side(copies[0].Sender)} ({fragmented.Size} bytes, in {fragmented.Message.IpFragmentCount} IP fragments) " +
                $"was {SentOver(copies)} and never answered: likely fragment loss on the path (a firewall or NAT dropping non-first fragments, or a smaller MTU).",
                sa.Version == 2
                    ? "Enable IKEv2 fragmentation (RFC 7383; IOS `crypto ikev2 fragmentation [mtu N]`) so IKE fragments its own messages, or lower the MTU; let IP fragments through the path."
                    : "Use IKE-level fragmentation (IKEv2 with RFC 7383 `crypto ikev2 fragmentation`, or the vendor's IKEv1 fragmentation), or lower the MTU; let IP fragments through the path."));
        }
    }
}

/// <summary>PI106. Aggressive Mode or a Quick Mode (by message ID) stopped before completing.</summary>
public sealed class ExchangeIncompleteRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 1)
            return;
        var am = sa.Messages.Where(m => m.Exchange == ExchangeKind.AggressiveMode).ToList();
        if (am.Count > 0 && !am.Any(m => StepNumber(m, "AM") == 3) && sa.Outcome != SaOutcome.Failed)
        {
            int last = am.Max(m => StepNumber(m, "AM"));
            findings.Add(new Finding(FindingCode.ExchangeIncomplete, Severity.Warning, FramesOf(am),
                $"Aggressive Mode stopped after AM{last}: no AM3" + (last <= 1
                    ? " and no AM2: the responder did not answer (unreachable, no policy or pre-shared key for this peer/group name)."
                    : ": the initiator did not authenticate the responder's AM2 (pre-shared key mismatch, certificate validation) or AM3 was lost."),
                "Check the pre-shared key / group on both sides and the initiator's `debug crypto isakmp`."));
        }
        foreach (var qm in sa.Messages.Where(m => m.Exchange == ExchangeKind.QuickMode).GroupBy(m => m.Message.Ike.MessageId))
        {
            var list = qm.ToList();
            if (list.Any(m => StepNumber(m, "QM") == 2))
                continue;
            findings.Add(new Finding(FindingCode.ExchangeIncomplete, Severity.Warning, FramesOf(list),
                $"Quick Mode (message ID 0x{qm.Key:x8}) stopped after QM1 (the initiator {SentOver(list, "QM1")}, no QM2): " +
                "the responder did not accept the proposed IPsec SA (transform set, PFS group or proxy identities) and sent nothing visible, or the notify is encrypted.",
                "Compare the transform sets, PFS settings and crypto ACLs (mirror images) of both peers."));
        }
    }
}

/// <summary>PI107. The capture starts or ends in the middle of the negotiation.</summary>
public sealed class CaptureTruncatesNegotiationRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Messages.Count == 0 || !(sa.StartsMidNegotiation || sa.EndsMidNegotiation || sa.Outcome == SaOutcome.Incomplete))
            return;
        var frames = new List<long>();
        var parts = new List<string>();
        if (sa.StartsMidNegotiation) { frames.Add(sa.Messages[0].Frame); parts.Add($"starts at {sa.Messages[0].Step}"); }
        if (sa.EndsMidNegotiation || (!sa.StartsMidNegotiation && sa.Outcome == SaOutcome.Incomplete))
        {
            frames.Add(sa.Messages[^1].Frame);
            parts.Add($"ends after {sa.Messages[^1].Step}");
        }
        findings.Add(new Finding(FindingCode.CaptureTruncatesNegotiation, Severity.Warning, frames.Distinct().Order().ToList(),
            $"The capture {string.Join(" and ", parts)}, in the middle of the negotiation: what happened outside it is unknown.",
            "Start the capture before the negotiation (clear the SA) and stop it after it ends or has been retried for at least a minute."));
    }
}

/// <summary>PI108. Messages were retransmitted and then answered: the negotiation went on (loss or a slow peer).</summary>
public sealed class RetransmissionsRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        var answered = CopiesByMessage(sa).Where(c => c.Count > 1 && AnsweredAfter(sa, c[^1])).ToList();
        if (answered.Count == 0)
            return;
        int count = answered.Sum(c => c.Count - 1);
        string detail = string.Join("; ", answered.Select(c =>
            $"{c[0].Step} from the {Side(c[0].Sender)} {SentOver(c)}, answered {Seconds(Answer(sa, c[^1]) - c[0].TimestampNanoseconds)} after the first copy"));
        findings.Add(new Finding(FindingCode.Retransmissions, Severity.Info, FramesOf(answered.SelectMany(c => c)),
            $"{count} retransmission{(count == 1 ? "" : "s")} before the negotiation went on: {detail}. Packet loss or a slow peer (e.g. CRL fetch, key generation).",
            null));
    }

    private static long Answer(IkeSa sa, SaMessage after) =>
        sa.Messages.First(m => m.Sender != after.Sender && !m.IsRetransmission && IsLater(m, after)).TimestampNanoseconds;
}

/// <summary>PI109. IKEv2 IKE_SA_INIT restarted after COOKIE or INVALID_KE_PAYLOAD.</summary>
public sealed class IkeSaInitRetriedRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.RetryOf is not { } earlier)
            return;
        var notify = earlier.Notifies.FirstOrDefault(n => n.TypeRaw is 16390 or 17);
        string reason = notify?.TypeRaw switch
        {
            16390 => "the responder asked for a COOKIE (RFC 7296 §2.6: it is under load or protects itself against floods)",
            17 => "the responder answered INVALID_KE_PAYLOAD (RFC 7296 §1.2): the initiator's KE used a DH group other than the one it prefers",
            _ => "the first attempt was answered with a request to retry",
        };
        var frames = earlier.Messages.Select(m => m.Frame).Concat(sa.Messages.Take(1).Select(m => m.Frame));
        findings.Add(new Finding(FindingCode.IkeSaInitRetried, Severity.Info, frames.Distinct().Order().ToList(),
            $"IKE_SA_INIT was restarted: {reason}; this SA is the retry of SA {earlier.Id}.",
            notify?.TypeRaw == 17 ? "Offer the responder's preferred DH group first to save a round trip." : null));
    }
}

/// <summary>
/// PI111. IKEv2: IKE_SA_INIT completed — the responder answered without an error notify — and the initiator never
/// sent IKE_AUTH. Known from the wire: the exchange and, when present, the responder's CERTREQ (it wants certificate
/// authentication). Inferred: the initiator could not build IKE_AUTH; with IOS, a profile without <c>pki trustpoint</c>
/// ("Failed to build certificate payload": an IKEv2 initiator needs the trustpoint to sign with, technote
/// "Punto de confianza obligatorio IKEv2 para el iniciador").
/// </summary>
public sealed class InitiatorStoppedAfterIkeSaInitRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 2 || sa.StartsMidNegotiation)
            return;
        var response = sa.Messages.LastOrDefault(m => m.Exchange == ExchangeKind.IkeSaInit && m.Message.Ike.IsResponse);
        if (response is null || sa.Messages.Any(m => m.Exchange != ExchangeKind.IkeSaInit)
            || sa.Notifies.Any(n => n.Frame == response.Frame && n.IsError || n.TypeName is "INVALID_KE_PAYLOAD" or "COOKIE"))
            return;
        int hashes = sa.ResponderCertRequests.Count;
        string certReq = hashes > 0
            ? $"with a CERTREQ for {hashes} CA{(hashes == 1 ? "" : "s")}"
              + (sa.Notifies.Any(n => n.Frame == response.Frame && n.TypeName == "HTTP_CERT_LOOKUP_SUPPORTED") ? " and HTTP_CERT_LOOKUP_SUPPORTED (an IOS responder asking for certificate authentication)" : "")
            : "without a CERTREQ";
        findings.Add(new Finding(FindingCode.InitiatorStoppedAfterIkeSaInit, Severity.Error, FramesOf([response]),
            $"Seen on the wire: the responder answered IKE_SA_INIT (frame {response.Frame}) {certReq}, and the initiator never " +
            $"sent IKE_AUTH{(sa.EndsMidNegotiation ? " before the capture ends" : "")}. Inferred (medium confidence): the initiator could not build " +
            "its IKE_AUTH request. With IOS the usual cause is an IKEv2 profile without `pki trustpoint`: an IKEv2 initiator " +
            "must have the trustpoint to sign with in its profile (\"Failed to build certificate payload\"; a responder does not " +
            "need one). Other causes: no usable certificate for any requested CA, or a local error after the key exchange.",
            "Confirm on the initiator with `show crypto ikev2 profile` (no \"PKI trustpoint(s)\" line) or `debug crypto ikev2`; " +
            "add `pki trustpoint <TP>` under its `crypto ikev2 profile`."));
    }
}
