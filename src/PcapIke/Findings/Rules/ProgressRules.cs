using PcapIke.Exchanges;
using static PcapIke.Findings.SaFacts;
using Confidence = PcapIke.Exchanges.Confidence;

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
        mm4Resent = [];
        if (sa.Version != 1)
        {
            mm5s = [];
            return false;
        }
        mm5s = Step(sa, Role.Initiator, "MM5").ToList();
        if (mm5s.Count == 0 || Step(sa, "MM6").Any())
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

        var alternatives = new List<string> { "MM5 never reached the responder whole (lost on the path, or too large for it): it re-sends MM4 while it waits" };
        if (fragmented.Length > 0) alternatives.Add("fragment loss on the path (PI105)");
        var cut = sa.Messages.FirstOrDefault(m => m.Message.IsPartial && m.Step is "MM3" or "MM4");
        if (sa.ResponderCertRequests.Count == 0 && cut is not null)
        {
            // the CERT_REQ lists were in the part the capture does not hold: certificates or pre-shared keys, unknown
            findings.Add(Finding.Inference(FindingCode.MainModeStalledAfterMM5, Severity.Error, evidence, stall,
                $"the responder rejected MM5; whether certificates or pre-shared keys are used is not in the capture ({cut.Step}, frame {cut.Frame}, is cut: {cut.Message.GapDetail})",
                Exchanges.Confidence.High, ["certificate validation (a CA the responder does not validate against)", "a pre-shared key mismatch", .. alternatives],
                "Capture whole frames to see the CERT_REQ lists (PI114), or decrypt MM5 with the keys; then see the finding again."));
            return;
        }
        if (sa.ResponderCertRequests.Count == 0)
        {
            alternatives.Insert(0, "an identity no profile matches");
            findings.Add(new Finding(FindingCode.MainModeStalledAfterMM5, Severity.Error, evidence,
                stall + ". Inferred (high confidence): the responder rejected MM5; with no CERT_REQ in MM4 (pre-shared keys), the usual cause (medium confidence) is a " +
                "pre-shared key mismatch (MM5 does not decrypt or its HASH_I does not verify). Alternatives: " + string.Join("; ", alternatives) + "." + fragmented,
                ForPlatform(sa, "Make the pre-shared keys for the two peers' addresses identical, and check the responder's peer identity matching.",
                    "Make the pre-shared keys for the two peers' addresses identical, and check the responder's `match identity`.",
                    "Make the pre-shared keys for the two peers' addresses identical (strongSwan: the `secrets` of swanctl.conf), and check the responder's `remote` identity."))
            {
                Confidence = Exchanges.Confidence.Medium, Seen = stall, Inferred = "the responder rejected MM5: a pre-shared key mismatch", Alternatives = alternatives,
            });
            return;
        }

        var r = sa.ResponderCertRequests;
        string responderList = $"the responder's MM4 CERT_REQ list starts with {Quote(r[0])} ({r.Count} entr{(r.Count == 1 ? "y" : "ies")})";
        string initiatorList = sa.InitiatorCertRequests.Count > 0
            ? $"the initiator's MM3 list starts with {Quote(sa.InitiatorCertRequests[0])} ({sa.InitiatorCertRequests.Count} entr{(sa.InitiatorCertRequests.Count == 1 ? "y" : "ies")})"
            : "the initiator's MM3 carried no CERT_REQ";
        alternatives.Insert(0, "the responder could not validate the certificate for another reason (expired, revoked, CRL unreachable, identity not matching a profile)");
        bool ios = AnyIos(sa);
        findings.Add(new Finding(FindingCode.MainModeStalledAfterMM5, Severity.Error, evidence,
            $"{stall}. Inferred (high confidence): the responder rejected MM5; (medium confidence) {FirstMatchExplanation}. Here {responderList}, so the initiator most likely signed with its " +
            $"certificate from {r[0].Display}; {initiatorList}. Alternatives: {string.Join("; ", alternatives)}." + fragmented,
            ios
                ? "Make the `ca trust-point` configuration symmetric (the same trustpoints in both peers' ISAKMP profiles, or none), " +
                  "or re-enrol so that the responder's certificate store lists the CA common to both first (its newest certificate from that CA), " +
                  "so its MM4 names that CA first. Confirm: on the responder `show crypto isakmp profile` (its `ca trust-point` lines) and " +
                  "`debug crypto isakmp` + `debug crypto pki validation` (\"Creating CERT validation list\", \"No suitable trustpoints found\"); " +
                  "on the initiator \"Choosing trustpoint … as issuer\". Decrypting MM5 (--keys) shows the certificate it sent; " +
                  "`--config` with both routers' configurations states the cause rule by rule."
                : "Make the trust configuration symmetric (each peer accepts the CA of the certificate the other sends), or re-enrol so the " +
                  "initiator's certificate is from the CA the responder lists first. Confirm with the responder's log of MM5 " +
                  (AnyStrongSwan(sa) ? "(strongSwan: `charon` log, `ike`/`cfg` 2) " : "") + "and decrypt MM5 (--keys) to see the certificate sent.")
        {
            Confidence = Exchanges.Confidence.Medium, Seen = stall,
            Inferred = $"the responder rejected MM5; the initiator signed with its certificate from {r[0].Display}, which the responder does not validate against",
            Alternatives = alternatives,
        });
    }
}

/// <summary>
/// What the capture says about a missing answer: an answer is "not in the capture" unless the sender re-sent or the
/// capture went on long enough (<see cref="SaFacts.NoAnswerWindowNanoseconds"/>), and never when only one direction
/// was captured.
/// </summary>
internal static class NoAnswer
{
    /// <summary>True when the absence of an answer to <paramref name="sends"/> is evidence: re-sent, or the capture
    /// went on for the window after the last send, with both directions captured.</summary>
    public static bool IsEvidence(IkeSa sa, IReadOnlyList<List<SaMessage>> sends) =>
        sa.OnlyDirection is null
        && (sends.Count > 1 || WaitedAfter(sa, sends[^1][^1]) >= NoAnswerWindowNanoseconds || sa.RetriedAs is not null);

    /// <summary>"the capture holds no MM2"; for an SA cut short at the cap of open SAs, whose later messages would be an
    /// SA of their own, "no MM2 came" (<see cref="Why"/> says for how long it was followed).</summary>
    public static string HoldsNo(IkeSa sa, string what) => sa.CutShort ? $"no {what} came" : $"the capture holds no {what}";

    /// <summary>"re-sent it 3 times, and the capture went on 40.0 s after the last copy" — what makes the missing answer seen.</summary>
    public static string Why(IkeSa sa, IReadOnlyList<List<SaMessage>> sends)
    {
        string after = sa.TimesUnknown ? "the capture has no times, so how long it went on after the last copy is unknown"
            : ExchangeCorrelator.WentOn(sa, WaitedAfter(sa, sends[^1][^1]), "after the last copy");
        if (sa.RetriedAs is { } r) after += $" (the initiator then started again as IKE SA #{r.Id})";
        return after;
    }
}

/// <summary>PI102. IKEv1 Main Mode stopped at another step: a message re-sent (or the SA stalled) with no next step.</summary>
public sealed class MainModeStalledRule : IFindingRule
{
    private static readonly string[] s_why =
    [
        "",
        "no MM2: the responder never answered the proposal — UDP 500 blocked or filtered, no route, the responder has no policy for this peer (IOS drops silently), or it is down",
        "no MM3 after MM2: the initiator did not accept the responder's choice, or MM2 did not reach it",
        "no MM4: the responder failed in the key exchange, or MM3 (which carries the CERT_REQ list and can be large) was lost",
        "no MM5 after MM4: the initiator could not build MM5 — with certificates, none of its certificates is from a CA requested in MM4; with pre-shared keys, no key for this peer",
        "no MM6: the responder rejected MM5 (pre-shared key mismatch, certificate validation, identity matching no profile) or MM5, the largest Main Mode message, was lost",
    ];

    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 1 || sa.Outcome is SaOutcome.Established or SaOutcome.Failed || sa.OnlyDirection is not null)
            return;
        var mm = sa.Messages.Where(m => m.Exchange == ExchangeKind.MainMode && StepNumber(m, "MM") > 0).ToList();
        if (mm.Count == 0 || mm.Any(m => StepNumber(m, "MM") == 6) || MainModeStalledAfterMM5Rule.Applies(sa, out _, out _))
            return;
        int last = mm.Max(m => StepNumber(m, "MM"));
        var copies = mm.Where(m => StepNumber(m, "MM") == last).ToList();
        var sends = Sends(copies);
        if (!NoAnswer.IsEvidence(sa, sends))
            return;
        Role sender = copies[0].Sender;
        string seen = $"Main Mode stopped at MM{last}: the {Side(sender)} sent MM{last} {SendsOver(sends)} and {NoAnswer.HoldsNo(sa, $"MM{last + 1}")} " +
                      $"({NoAnswer.Why(sa, sends)})";
        findings.Add(Finding.Inference(FindingCode.MainModeStalled, Severity.Error, FramesOf(copies), seen, s_why[last], Confidence.Medium,
            ["the answer was sent and lost between the capture point and the " + Side(sender),
             "the capture point misses the " + Other(sender) + "'s packets (see PI113 when the capture proves it)"],
            last switch
            {
                1 => ForPlatform(sa, "Check reachability of UDP 500 between the peers and that the responder has a policy for this peer.",
                    "Check reachability of UDP 500 between the peers and that the responder has a crypto map / ISAKMP policy and profile for this peer (`show crypto isakmp sa`, `debug crypto isakmp`)."),
                3 or 5 => ForPlatform(sa, "Check the responder's IKE log for the reason; if the message is IP-fragmented, check that fragments cross the path.",
                    "Check the responder's `debug crypto isakmp` for the reason; if the message is IP-fragmented, check that fragments cross the path."),
                4 => "Check that the initiator has a certificate from a CA the responder requests (or a pre-shared key for this peer).",
                _ => null,
            }));
    }
}

/// <summary>Shared by PI103/PI104: an IKEv2 request of one exchange and no response of that exchange.</summary>
public abstract class Ikev2NoResponseRule(ExchangeKind exchange, string name, FindingCode code) : IFindingRule
{
    protected abstract string Why(IkeSa sa, IReadOnlyList<List<SaMessage>> sends);
    protected abstract string Fix(IkeSa sa, IReadOnlyList<List<SaMessage>> sends);
    protected virtual IReadOnlyList<string> Alternatives(IkeSa sa) =>
        ["the response was sent and lost between the capture point and the initiator",
         "the capture point misses the responder's packets"];

    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 2)
            return;
        var requests = sa.Messages.Where(m => m.Exchange == exchange && m.Sender == Role.Initiator && !m.Message.Ike.IsResponse).ToList();
        if (requests.Count == 0 || sa.Messages.Any(m => m.Exchange == exchange && m.Message.Ike.IsResponse))
            return;
        var sends = Sends(requests);
        if (!NoAnswer.IsEvidence(sa, sends))
            return;
        int size = sends[0].Sum(m => m.Size);
        string seen = $"the initiator sent the {name} request ({size} bytes{(sends[0].Count > 1 ? $" in {sends[0].Count} fragments" : "")}) " +
                      $"{SendsOver(sends)} and {NoAnswer.HoldsNo(sa, $"{name} response")} ({NoAnswer.Why(sa, sends)})";
        findings.Add(Finding.Inference(code, Severity.Error, FramesOf(requests), "No " + name + " response: " + seen, Why(sa, sends),
            Confidence.Medium, Alternatives(sa), Fix(sa, sends)));
    }

    /// <summary>What of the requests the capture lacks (IP fragments, SKF fragments), or null.</summary>
    protected static string? Missing(IReadOnlyList<List<SaMessage>> sends)
    {
        var partial = sends.SelectMany(s => s).FirstOrDefault(m => m.Message.Gap == Frames.MessageGap.IpFragmentsMissing);
        if (partial is not null)
            return $"every copy lacks IP fragments (frame {partial.Message.FirstFragmentFrame}: {partial.Message.GapDetail})";
        var missing = sends.Select(MissingFragments).FirstOrDefault(x => x.Count > 0);
        return missing is null ? null : $"RFC 7383 fragment{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} of each copy never captured";
    }
}

/// <summary>PI103. IKEv2: an IKE_AUTH request got no response.</summary>
public sealed class IkeAuthNoResponseRule() : Ikev2NoResponseRule(ExchangeKind.IkeAuth, "IKE_AUTH", FindingCode.IkeAuthNoResponse)
{
    protected override string Why(IkeSa sa, IReadOnlyList<List<SaMessage>> sends)
    {
        if (Missing(sends) is { } missing)
            return $"{missing}: lost before the capture point, so the responder never had the whole request and could not answer it";
        bool ipFragmented = sends.Any(s => s.Any(m => m.Message.IpFragmentCount > 1));
        return ipFragmented
            ? "the request travels in IP fragments; a fragment lost after the capture point is the most common cause, otherwise the responder dropped it (it could not decrypt it, or no profile matches the initiator's identity)"
            : "the responder dropped the request: it could not decrypt it, no profile matches the initiator's identity, or it failed while authenticating it without answering";
    }

    protected override IReadOnlyList<string> Alternatives(IkeSa sa) =>
        ["the capture point itself did not record fragments the responder did receive (then the responder rejected the request)",
         "the response was sent and lost between the capture point and the initiator",
         "the capture point misses the responder's packets"];

    protected override string Fix(IkeSa sa, IReadOnlyList<List<SaMessage>> sends)
    {
        bool skf = sends.Any(s => s.Any(m => m.FragmentTotal > 0));
        bool ipFragmented = sends.Any(s => s.Any(m => m.Message.IpFragmentCount > 1 || m.Message.Gap == Frames.MessageGap.IpFragmentsMissing));
        if (skf)
            return ForPlatform(sa,
                "IKE fragmentation (RFC 7383) is already in use: lower the fragment size below the path MTU and find what drops these UDP 4500 datagrams; check the responder's IKE log.",
                "IKE fragmentation (RFC 7383) is already in use: lower the fragment size (`crypto ikev2 fragmentation mtu N`) below the path MTU and find what drops these UDP 4500 datagrams; check the responder's `debug crypto ikev2`.",
                "IKE fragmentation (RFC 7383) is already in use: lower `fragment_size` in strongswan.conf (charon) below the path MTU and find what drops these UDP 4500 datagrams; check the responder's charon log.");
        if (ipFragmented)
            return FragmentationNegotiated(sa)
                ? "Both peers announced RFC 7383 fragmentation but the request went as IP fragments: lower the IKE fragment size below the path MTU, and let IP fragments through the path (a firewall or NAT dropping non-first fragments)."
                : ForPlatform(sa,
                    "Enable IKEv2 fragmentation (RFC 7383) on both peers or lower the path MTU; let IP fragments through the path.",
                    "Enable IKEv2 fragmentation (RFC 7383; IOS `crypto ikev2 fragmentation`) or lower the path MTU; let IP fragments through the path; check the responder's `debug crypto ikev2`.",
                    "Enable IKEv2 fragmentation (RFC 7383; strongSwan `fragmentation = yes` in the connection) or lower the path MTU; let IP fragments through the path.");
        return ForPlatform(sa, "Check the responder's IKE log for why it dropped the request.",
            "Check the responder's `debug crypto ikev2` (profile match on the initiator's identity, decryption).");
    }
}

/// <summary>
/// PI110. The correlator judged the SA failed (see <see cref="IkeSa.OutcomeDetail"/>) but no error notify is visible in
/// clear: the reason is inside the last encrypted message. IKEv2: an IKE_AUTH response too small to hold IDr and AUTH
/// (RFC 7296 §1.2); IKEv1: an encrypted Informational in answer to MM5 or MM6 (RFC 2408 §4.8).
/// </summary>
public sealed class FailedInsideEncryptedMessageRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Outcome != SaOutcome.Failed || sa.Notifies.Any(n => n.IsError) || sa.TornDownBy is not null)
            return;
        var last = sa.Messages.LastOrDefault(m => m.Message.Ike.IsEncrypted && !m.IsRetransmission);
        if (last is null)
            return;
        findings.Add(Finding.Inference(FindingCode.FailedInsideEncryptedMessage, Severity.Error, [last.Frame],
            $"{last.Step} (frame {last.Frame}, from the {Side(last.Sender)}) is encrypted and no clear notify names a failure; {sa.OutcomeDetail}",
            $"the {Side(last.Sender)} answered with an error notify (" + (sa.Version == 2
                ? "AUTHENTICATION_FAILED when it could not validate the peer's certificate or AUTH, TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN for the child SA …"
                : "INVALID_ID_INFORMATION, AUTHENTICATION_FAILED, INVALID_CERTIFICATE, INVALID_HASH_INFORMATION …") + "); the negotiation failed there",
            sa.OutcomeConfidence is Confidence.Seen ? Confidence.High : sa.OutcomeConfidence,
            sa.Version == 2 ? ["a short informational reply that is not an error (only decryption tells)"]
                            : ["a DPD (R-U-THERE) or INITIAL-CONTACT notify, the failure then being elsewhere"],
            "Decrypt the capture with the peers' keys to name the notify, or read the " + Side(last.Sender) +
            ForPlatform(sa, "'s IKE log for the same time.",
                sa.Version == 2 ? "'s `debug crypto ikev2` for the same time." : "'s `debug crypto isakmp` for the same time.",
                "'s charon log for the same time.")));
    }
}

/// <summary>
/// PI116. IKEv2: the IKE_AUTH response, encrypted and large enough for IDr/AUTH, was followed at once by an
/// INFORMATIONAL exchange carrying content, and nothing after (<see cref="IkeSa.TornDownBy"/>): the SA was deleted
/// as soon as it was made. An IKE SA whose Child SA the responder refused in IKE_AUTH (TS_UNACCEPTABLE,
/// NO_PROPOSAL_CHOSEN, RFC 7296 §1.2) stays up without a tunnel, and IOS deletes it; an initiator that cannot verify
/// the responder's AUTH or certificate deletes it too (§2.21.2).
/// </summary>
public sealed class TornDownAfterAuthRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.TornDownBy is not { } request || sa.Notifies.Any(n => n.IsError))
            return;
        var auth = sa.Messages.Last(m => m.Exchange == ExchangeKind.IkeAuth);
        string when = sa.TimesUnknown ? "right after it" : $"{ExchangeCorrelator.ShortDuration(request.TimestampNanoseconds - auth.TimestampNanoseconds)} after it";
        findings.Add(Finding.Inference(FindingCode.TornDownAfterAuth, Severity.Error, FramesOf([auth, request]),
            $"the IKE_AUTH response (frame {auth.Frame}, {auth.Size} bytes, encrypted) is large enough for IDr and AUTH, so the IKE SA was made; " +
            $"the {Side(request.Sender)} sent an INFORMATIONAL request with content {when} (frame {request.Frame}, {request.Size} bytes) and " +
            "no other message of the SA followed",
            $"the SA was deleted as soon as it was made: the responder refused the Child SA in its IKE_AUTH response (TS_UNACCEPTABLE, " +
            $"NO_PROPOSAL_CHOSEN) or the {Side(request.Sender)} rejected the peer's AUTH or certificate, and the INFORMATIONAL carries the DELETE",
            Confidence.Medium,
            ["an INFORMATIONAL that is not a DELETE (a MOBIKE address update, a notify) with the capture ending just after it"],
            "Decrypt the capture with the peers' keys to read the IKE_AUTH response's notifies and the DELETE, or read " +
            ForPlatform(sa, "the peers' IKE logs for the same time.",
                "both routers' `debug crypto ikev2` for the same time (\"Sending TS unacceptable notify\", \"proxy identities not supported\").",
                "the peers' charon logs for the same time.")));
    }
}

/// <summary>PI104. IKEv2: an IKE_SA_INIT request got no response.</summary>
public sealed class IkeSaInitNoResponseRule() : Ikev2NoResponseRule(ExchangeKind.IkeSaInit, "IKE_SA_INIT", FindingCode.IkeSaInitNoResponse)
{
    protected override string Why(IkeSa sa, IReadOnlyList<List<SaMessage>> sends) =>
        "the responder is unreachable on UDP 500 (filtered, no route), has no IKEv2 configuration for this peer, or is down";
    protected override string Fix(IkeSa sa, IReadOnlyList<List<SaMessage>> sends) =>
        ForPlatform(sa, "Check UDP 500 reachability and that the responder has an IKEv2 policy for this peer.",
            "Check UDP 500 reachability and that the responder has an IKEv2 profile/policy for this peer (`debug crypto ikev2`).");
}

/// <summary>PI105. An IP-fragmented IKE message was re-sent and never answered: fragment loss on the path.</summary>
public sealed class FragmentedMessageUnansweredRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        // two sends at least, one of them IP-fragmented: checked first without grouping (most SAs have neither)
        if (sa.OnlyDirection is not null || sa.Messages.Count < 2
            || !sa.Messages.Exists(m => m.Message.IpFragmentCount > 1 || m.Message.Gap == Frames.MessageGap.IpFragmentsMissing))
            return;
        foreach (var sends in SendsByMessage(sa))
        {
            var all = sends.SelectMany(s => s).ToList();
            var fragmented = all.FirstOrDefault(m => m.Message.IpFragmentCount > 1 || m.Message.Gap == Frames.MessageGap.IpFragmentsMissing);
            if (fragmented is null || sends.Count < 2 || AnsweredAfter(sa, all[^1]))
                continue;
            var frames = all.SelectMany(m => m.Message.FirstFragmentFrame > 0 && m.Message.FirstFragmentFrame != m.Frame
                ? [m.Message.FirstFragmentFrame, m.Frame] : new[] { m.Frame }).Distinct().Order().ToList();
            string incomplete = all.Any(m => m.Message.Gap == Frames.MessageGap.IpFragmentsMissing)
                ? $"; the capture lacks fragments of {all.Count(m => m.Message.Gap == Frames.MessageGap.IpFragmentsMissing)} of the copies ({fragmented.Message.GapDetail})" : "";
            findings.Add(Finding.Inference(FindingCode.FragmentedMessageUnanswered, Severity.Error, frames,
                $"{all[0].Step} from the {Side(all[0].Sender)} ({fragmented.Size} bytes, in {fragmented.Message.IpFragmentCount} IP fragments{(fragmented.Message.IsPartial ? " captured" : "")}) " +
                $"was sent {SendsOver(sends)} and {NoAnswer.HoldsNo(sa, "answer")}{incomplete}" +
                (sa.CutShort ? $" ({ExchangeCorrelator.WentOn(sa, WaitedAfter(sa, all[^1]), "after the last copy")})" : ""),
                "fragment loss on the path: a firewall or NAT dropping non-first fragments, or a smaller MTU somewhere", Confidence.Medium,
                ["the " + Other(all[0].Sender) + " received the message and rejected it without answering",
                 "the answer was lost between the capture point and the " + Side(all[0].Sender)],
                sa.Version == 2
                    ? (FragmentationNegotiated(sa)
                        ? "Both peers announced RFC 7383 fragmentation: lower the IKE fragment size below the path MTU so IKE fragments its own messages; let IP fragments through the path."
                        : ForPlatform(sa, "Enable IKEv2 fragmentation (RFC 7383) so IKE fragments its own messages, or lower the MTU; let IP fragments through the path.",
                            "Enable IKEv2 fragmentation (RFC 7383; IOS `crypto ikev2 fragmentation [mtu N]`) so IKE fragments its own messages, or lower the MTU; let IP fragments through the path.",
                            "Enable IKEv2 fragmentation (RFC 7383; strongSwan `fragmentation = yes`) so IKE fragments its own messages, or lower the MTU; let IP fragments through the path."))
                    : ForPlatform(sa, "Use IKE-level fragmentation (the vendor's IKEv1 fragmentation, or IKEv2 with RFC 7383), or lower the MTU; let IP fragments through the path.",
                        "Use IKE-level fragmentation (IKEv2 with RFC 7383 `crypto ikev2 fragmentation`, or `crypto isakmp fragmentation` for IKEv1), or lower the MTU; let IP fragments through the path.")));
        }
    }
}

/// <summary>PI106. Aggressive Mode or a Quick Mode (by message ID) stopped before completing.</summary>
public sealed class ExchangeIncompleteRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 1 || sa.OnlyDirection is not null)
            return;
        var am = sa.Messages.Where(m => m.Exchange == ExchangeKind.AggressiveMode).ToList();
        if (am.Count > 0 && !am.Any(m => StepNumber(m, "AM") == 3) && sa.Outcome != SaOutcome.Failed)
        {
            int last = am.Max(m => StepNumber(m, "AM"));
            var sends = Sends(am.Where(m => StepNumber(m, "AM") == last));
            if (NoAnswer.IsEvidence(sa, sends))
                findings.Add(Finding.Inference(FindingCode.ExchangeIncomplete, Severity.Warning, FramesOf(am),
                    $"Aggressive Mode stopped after AM{last}: AM{last} was sent {SendsOver(sends)} and {NoAnswer.HoldsNo(sa, $"AM{last + 1}")} ({NoAnswer.Why(sa, sends)})",
                    last <= 1
                        ? "the responder did not answer: unreachable, no policy or pre-shared key for this peer/group name"
                        : "the initiator did not authenticate the responder's AM2 (pre-shared key mismatch, certificate validation)",
                    Confidence.Medium, ["the answer was lost after the capture point", "the capture point misses one direction"],
                    "Check the pre-shared key / group on both sides and the initiator's IKE log" + (AnyIos(sa) ? " (`debug crypto isakmp`)." : ".")));
        }
        foreach (var qm in sa.Messages.Where(m => m.Exchange == ExchangeKind.QuickMode).GroupBy(m => m.Message.Ike.MessageId))
        {
            var list = qm.ToList();
            if (list.Any(m => StepNumber(m, "QM") == 2))
                continue;
            var sends = Sends(list);
            if (!NoAnswer.IsEvidence(sa, sends))
                continue;
            findings.Add(Finding.Inference(FindingCode.ExchangeIncomplete, Severity.Warning, FramesOf(list),
                $"Quick Mode (message ID 0x{qm.Key:x8}) stopped after QM1: QM1 was sent {SendsOver(sends)} and {NoAnswer.HoldsNo(sa, "QM2")} ({NoAnswer.Why(sa, sends)})",
                "the responder did not accept the proposed IPsec SA (transform set, PFS group or proxy identities) and sent nothing visible, or its notify is encrypted",
                Confidence.Medium, ["QM2 was lost after the capture point", "the responder's encrypted Informational carries the refusal (decrypt to read it)"],
                ForPlatform(sa, "Compare the IPsec proposals, PFS settings and traffic selectors (mirror images) of both peers.",
                    "Compare the transform sets, PFS settings and crypto ACLs (mirror images) of both peers.")));
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
        if (sa.RetriedAs is not null && !sa.StartsMidNegotiation)
            return;    // abandoned and retried (PI115), not cut off by the capture
        // one direction captured (PI113): the first message seen is not where the negotiation started
        bool startsMid = sa.StartsMidNegotiation && sa.OnlyDirection is null;
        if (!startsMid && !sa.EndsMidNegotiation && sa.Outcome != SaOutcome.Incomplete)
            return;
        if (sa.CutShort && !startsMid)
            return;
        var frames = new List<long>();
        var parts = new List<string>();
        if (startsMid) { frames.Add(sa.Messages[0].Frame); parts.Add($"starts at {sa.Messages[0].Step}"); }
        // an SA cut short at the cap of open SAs ends where the analysis stopped following it, not with the capture
        if ((sa.EndsMidNegotiation || (!startsMid && sa.Outcome == SaOutcome.Incomplete)) && !sa.CutShort)
        {
            frames.Add(sa.Messages[^1].Frame);
            parts.Add(sa.TimesUnknown ? $"ends after {sa.Messages[^1].Step} (it has no times: how long after is unknown)"
                : $"ends {ExchangeCorrelator.ObservedSeconds(WaitedAfter(sa, sa.Messages[^1]))} after {sa.Messages[^1].Step}");
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
        if (sa.Messages.Count < 2) // a message sent twice needs two messages
            return;
        var answered = SendsByMessage(sa).Where(s => s.Count > 1 && AnsweredAfter(sa, s[^1][^1])).ToList();
        if (answered.Count == 0)
            return;
        int count = answered.Sum(s => s.Count - 1);
        string detail = string.Join("; ", answered.Select(s =>
            $"{s[0][0].Step} from the {Side(s[0][0].Sender)} sent {SendsOver(s)}, " +
            (sa.TimesUnknown ? "then answered" : $"answered {Seconds(Answer(sa, s[^1][^1]) - s[0][0].TimestampNanoseconds)} after the first copy")));
        findings.Add(Finding.Inference(FindingCode.Retransmissions, Severity.Info, FramesOf(answered.SelectMany(s => s).SelectMany(s => s)),
            $"{count} retransmission{(count == 1 ? "" : "s")} before the negotiation went on: {detail}",
            "packet loss on the path or a slow peer (e.g. CRL fetch, key generation)", Confidence.Medium,
            ["the first copy's answer was lost on the way back"]));
    }

    private static long Answer(IkeSa sa, SaMessage after) =>
        sa.Messages.First(m => m.Sender != after.Sender && !m.IsRetransmission && IsLater(m, after)).TimestampNanoseconds;
}

/// <summary>PI109. IKEv2 IKE_SA_INIT restarted after COOKIE or INVALID_KE_PAYLOAD.</summary>
public sealed class IkeSaInitRetriedRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.RetryOf is not { } earlier || sa.RetryKind != RetryKind.Restart)
            return;
        var notify = earlier.Notifies.FirstOrDefault(n => n.TypeRaw is 16390 or 17);
        if (notify is null)
            return;
        string reason = notify.TypeRaw == 16390
            ? "the responder asked for a COOKIE (RFC 7296 §2.6: it is under load or protects itself against floods)"
            : "the responder answered INVALID_KE_PAYLOAD (RFC 7296 §1.2): the initiator's KE used a DH group other than the one it prefers";
        var frames = earlier.Messages.Select(m => m.Frame).Concat(sa.Messages.Take(1).Select(m => m.Frame));
        findings.Add(new Finding(FindingCode.IkeSaInitRetried, Severity.Info, frames.Distinct().Order().ToList(),
            $"IKE_SA_INIT was restarted: {reason}; this SA is the retry of SA {earlier.Id}.",
            notify.TypeRaw == 17 ? "Offer the responder's preferred DH group first to save a round trip." : null));
    }
}

/// <summary>
/// PI111. IKEv2: IKE_SA_INIT completed — the responder answered without an error notify — and the initiator never
/// sent IKE_AUTH. Known from the wire: the exchange and, when present, the responder's CERTREQ (it wants certificate
/// authentication). Inferred: the initiator could not build IKE_AUTH; with IOS, a profile without <c>pki trustpoint</c>
/// ("Failed to build certificate payload": an IKEv2 initiator needs the trustpoint to sign with, technote
/// "Punto de confianza obligatorio IKEv2 para el iniciador"). Medium confidence when the capture went on (or the
/// initiator started again) after the response; low when it ends right after it.
/// </summary>
public sealed class InitiatorStoppedAfterIkeSaInitRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 2 || sa.StartsMidNegotiation || sa.OnlyDirection is not null)
            return;
        var response = sa.Messages.LastOrDefault(m => m.Exchange == ExchangeKind.IkeSaInit && m.Message.Ike.IsResponse);
        // later IP fragments from the initiator after the response: most likely its IKE_AUTH, first fragment lost (PI112)
        if (response is not null && sa.HeaderlessDatagrams.Any(h => h.Source == sa.Initiator.Address && h.TimestampNanoseconds >= response.TimestampNanoseconds))
            return;
        if (response is null || sa.Messages.Any(m => m.Exchange != ExchangeKind.IkeSaInit)
            || sa.Notifies.Any(n => n.Frame == response.Frame && n.IsError || n.TypeName is "INVALID_KE_PAYLOAD" or "COOKIE"))
            return;
        int hashes = sa.ResponderCertRequests.Count;
        string certReq = hashes > 0
            ? $"with a CERTREQ for {hashes} CA{(hashes == 1 ? "" : "s")}"
              + (sa.Notifies.Any(n => n.Frame == response.Frame && n.TypeName == "HTTP_CERT_LOOKUP_SUPPORTED")
                  ? " and HTTP_CERT_LOOKUP_SUPPORTED" + (AnyIos(sa) ? " (an IOS responder asking for certificate authentication)" : "") : "")
            : "without a CERTREQ";
        long waited = WaitedAfter(sa, response);
        bool evidence = waited >= NoAnswerWindowNanoseconds || sa.RetriedAs is not null;
        string after = sa.RetriedAs is { } r
            ? $"the initiator started again as IKE SA #{r.Id} instead of sending IKE_AUTH"
            : sa.TimesUnknown ? "the capture holds no IKE_AUTH after the response (it has no times: whether it went on long enough for one is unknown)"
            : sa.CutShort
            ? $"no IKE_AUTH came in the {ExchangeCorrelator.ObservedSeconds(waited)} the SA was followed after the response, before it was cut short at the cap of open SAs (the capture goes on)"
              + (evidence ? "" : " (too short to say IKE_AUTH was never sent: it normally follows within milliseconds)")
            : $"the capture holds no IKE_AUTH in the {ExchangeCorrelator.ObservedSeconds(waited)} it went on after the response"
              + (evidence ? "" : " (too short to say IKE_AUTH was never sent: it normally follows within milliseconds, and the capture may simply have stopped)");
        bool ios = AnyIos(sa);
        findings.Add(Finding.Inference(FindingCode.InitiatorStoppedAfterIkeSaInit, Severity.Error, FramesOf([response]),
            $"the responder answered IKE_SA_INIT (frame {response.Frame}) {certReq}; {after}",
            "the initiator could not build its IKE_AUTH request" + (ios
                ? ". With IOS the usual cause is an IKEv2 profile without `pki trustpoint`: an IKEv2 initiator must have the trustpoint to sign with in its profile (\"Failed to build certificate payload\"; a responder does not need one)"
                : ": no usable certificate or key for any CA the responder requested, or no authentication configured for this peer"),
            evidence ? Confidence.Medium : Confidence.Low,
            ["no usable certificate for any requested CA", "a local error after the key exchange (DH, nonce)",
             "the initiator's IKE_AUTH was sent but not captured (a capture point that misses its packets)"],
            ForPlatform(sa, "Check the initiator's IKE log for why it did not send IKE_AUTH, and that it has a certificate from a CA the responder requests.",
                "Confirm on the initiator with `show crypto ikev2 profile` (no \"PKI trustpoint(s)\" line) or `debug crypto ikev2`; add `pki trustpoint <TP>` under its `crypto ikev2 profile`.",
                "Check the initiator's charon log (`ike`/`cfg` 2) for why it did not send IKE_AUTH (no certificate for the requested CAs, `local` authentication).")
            ));
    }
}
