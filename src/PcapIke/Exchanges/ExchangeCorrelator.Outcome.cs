using System.Globalization;
using PcapIke.Ike;

namespace PcapIke.Exchanges;

/// <summary>
/// Last step and outcome, decided once the capture is read. In order:
/// <list type="number">
/// <item>Failed: an error notify (types 1-16383) in clear that no later progress follows ("notify X at step N"); a
/// notify followed by a further step (ipsec.cap: NO_PROPOSAL_CHOSEN after MM2, then MM3-MM6) does not fail the SA.
/// IKEv2 also: an IKE_AUTH response too small to hold IDr and AUTH (see <see cref="MinimumAuthPlaintext"/>).</item>
/// <item>Established: IKEv1 MM6 or AM3 and, when Quick Mode is present, one Quick Mode with QM3; IKEv2 a response to the
/// last IKE_AUTH round. A capture that starts after phase 1 (first message Quick Mode, encrypted Informational,
/// CREATE_CHILD_SA ...) shows an SA established before it.</item>
/// <item>Stalled: after the furthest step only re-sends follow: who re-sent what, how often, over how long.</item>
/// <item>Incomplete: anything else (the capture starts or ends mid-negotiation).</item>
/// </list>
/// </summary>
public sealed partial class ExchangeCorrelator
{
    /// <summary>
    /// The IKE_AUTH size rule (RFC 7296 §3.5, §3.8, §3.14). An IKE_AUTH response that completes the IKE SA carries at
    /// least IDr (4 + 4 + 1 bytes) and AUTH (4 + 4 + 16: the shortest PRF output, HMAC-MD5/AES-XCBC) plus the Pad Length
    /// byte: 34 bytes of plaintext. The SK payload's body is IV + ciphertext + ICV; with the chosen transform's IV and
    /// ICV sizes (or the smallest possible, 8 + 8, when unknown) an SK body that leaves less than 34 bytes cannot be a
    /// success: it is almost certainly a lone error notify (AUTHENTICATION_FAILED, ...). We do not claim which one:
    /// only decryption can. untrusted-ca's response: SK body 48 = IV 16 + 16 + ICV 16 → 16 bytes; aes-cbc's: 1296.
    /// </summary>
    public const int MinimumAuthPlaintext = 34;

    /// <summary>An INFORMATIONAL exchange this soon after the IKE_AUTH response, and nothing after it, is the SA being
    /// torn down at once (PI116), not the housekeeping of an SA in use.</summary>
    public const long TeardownWindowNanoseconds = 2_000_000_000;

    /// <summary>How much capture time after an SA's last message counts (<see cref="IkeSa.ObservedUntilNanoseconds"/>):
    /// the default idle timeout; "over 180 s" is all that is said past it.</summary>
    public static readonly long ObservationCapNanoseconds = DefaultIdleTimeout.Ticks * 100;

    /// <summary>"3 ms" under a second, else "2.5 s".</summary>
    public static string ShortDuration(long nanoseconds) => nanoseconds < 1_000_000_000
        ? (nanoseconds / 1e6).ToString("0", CultureInfo.InvariantCulture) + " ms" : Seconds(nanoseconds) + " s";

    /// <summary>"12.5 s", or "over 180 s" at the cap.</summary>
    public static string ObservedSeconds(long nanoseconds) =>
        nanoseconds >= ObservationCapNanoseconds ? $"over {ObservationCapNanoseconds / 1_000_000_000} s" : Seconds(nanoseconds) + " s";

    /// <summary>
    /// "the capture went on 12.5 s after the last copy": how long after a message the SA was watched. For an SA cut
    /// short at the cap of open SAs (<see cref="IkeSa.CutShort"/>) that time ends when it was finished, not with the
    /// capture, which goes on: it says so, and that a later message of it would be an SA of its own.
    /// </summary>
    public static string WentOn(IkeSa sa, long nanoseconds, string after) => sa.CutShort
        ? $"the SA was followed for {ObservedSeconds(nanoseconds)} {after}, then cut short at the cap of open SAs while the " +
          "capture went on: a later message of it would be reported as an IKE SA of its own"
        : $"the capture went on {ObservedSeconds(nanoseconds)} {after}";

    /// <summary>
    /// At the end of the capture: finishes the SAs still open, in order of their first message (id), with steps,
    /// retransmissions, last step and outcome set. With an <c>onFinished</c> callback each of them is handed to it, in
    /// that order, and returned; the SAs evicted earlier (<see cref="IdleTimeout"/>) went to the callback already.
    /// Without a callback: every SA of the capture, evicted or not, in order of id.
    /// </summary>
    public IReadOnlyList<IkeSa> Complete()
    {
        var open = _live.OrderBy(s => s.Sa.Id).ToList();
        foreach (SaState s in open)
        {
            Forget(s);
            Materialize(s);
            Finish(s);
        }
        if (_onFinished is not null)
        {
            foreach (SaState s in open) _onFinished(s.Sa);
            return open.Select(s => s.Sa).ToList();
        }
        var all = _evicted.Concat(open.Select(s => s.Sa)).OrderBy(sa => sa.Id).ToList();
        _evicted.Clear();
        return all;
    }

    /// <summary>What finishing an SA does, on eviction or at the end: CA names, IOS vendor IDs, last step and outcome.
    /// (CA certificates seen in the capture after an SA was evicted do not name its CERTREQ hashes.)</summary>
    private void Finish(SaState s)
    {
        // capped, so an SA finished early (idle) reads the same as one finished at the end of the capture
        s.Sa.ObservedUntilNanoseconds = Math.Min(_clock, s.LastTimestamp + ObservationCapNanoseconds);
        ResolveCaNames(s.Sa);
        MarkIosUnnamedVendorIds(s.Sa);
        CheckRetryLink(s);
        FindUnseen(s.Sa);
        Decide(s);
    }

    /// <summary>A later attempt is a retry only if the earlier one had stopped when it started: an earlier attempt
    /// that still sends messages afterwards is a negotiation of its own running at the same time.</summary>
    private static void CheckRetryLink(SaState s)
    {
        if (s.Sa.RetryKind == RetryKind.NewAttempt && s.Sa.RetryOf is { } prev && prev.Messages.Count > 0
            && prev.Messages[^1].TimestampNanoseconds > s.Sa.StartNanoseconds)
            Unlink(prev, s.Sa);
        if (s.RetriedBy is { } next && next.Sa.RetryKind == RetryKind.NewAttempt
            && s.Sa.Messages[^1].TimestampNanoseconds > next.Sa.StartNanoseconds)
        {
            Unlink(s.Sa, next.Sa);
            s.RetriedBy = null;
        }
    }

    private static void Unlink(IkeSa earlier, IkeSa later)
    {
        later.RetryOf = null;
        later.RetryKind = RetryKind.None;
        earlier.RetriedAs = null;
    }

    /// <summary>
    /// The messages the capture lacks that the peers' own later messages prove were sent (RFC 2409 §5: MM3 carries the
    /// responder cookie MM2 chose, MM5 is encrypted with keys that need MM4's KE, MM4/MM6 answer MM3/MM5; RFC 7296
    /// §1.2, §2.2: an IKE_AUTH request carries the SPI of the IKE_SA_INIT response, and a response answers the peer's
    /// request of the same message ID). Only between captured messages: what precedes the first message is the
    /// capture starting mid-negotiation, not a gap. Sets <see cref="IkeSa.OnlyDirection"/> when every message is one
    /// side's and the other side's are proven.
    /// </summary>
    internal static void FindUnseen(IkeSa sa)
    {
        sa.ClearUnseen();
        sa.OnlyDirection = null;
        var msgs = sa.Messages;
        if (msgs.Count < 2) return;
        long first = msgs[0].TimestampNanoseconds;
        var have = new HashSet<(Role, string, uint)>();
        foreach (SaMessage m in msgs) have.Add((m.Sender, m.Step, StepKey(m)));
        var added = new HashSet<(Role, string, uint)>();
        void Need(SaMessage by, Role sender, string step, uint key)
        {
            if (by.TimestampNanoseconds <= first && by == msgs[0]) return;
            if (have.Contains((sender, step, key)) || !added.Add((sender, step, key))) return;
            sa.Unseen.Add(new UnseenMessage(sender, step, by.Frame, by.Step, Confidence.High));
        }
        foreach (SaMessage m in msgs)
        {
            if (m.IsRetransmission || m == msgs[0]) continue;
            Role other = m.Sender == Role.Initiator ? Role.Responder : Role.Initiator;
            switch (m.Exchange)
            {
                case ExchangeKind.MainMode or ExchangeKind.AggressiveMode when m.Step.Length == 3 && m.Step[2] is >= '2' and <= '6':
                    int n = m.Step[2] - '0';
                    if (m.Exchange == ExchangeKind.AggressiveMode && n > 3) break;
                    // the previous step is the other side's (odd steps the initiator's, even the responder's)
                    Role prevSender = (n - 1) % 2 == 1 ? Role.Initiator : Role.Responder;
                    if (prevSender == other) Need(m, other, m.Step[..2] + (n - 1), 0);
                    break;
                case ExchangeKind.QuickMode when m.Step is "QM2" or "QM3":
                    Need(m, other, m.Step == "QM2" ? "QM1" : "QM2", m.Message.Ike.MessageId);
                    break;
                case ExchangeKind.IkeAuth when !m.Message.Ike.IsResponse && m.Sender == Role.Initiator && m.Step == "IKE_AUTH request":
                    Need(m, Role.Responder, "IKE_SA_INIT response", 0);
                    goto default;
                default:
                    if (sa.Version == 2 && m.Message.Ike.IsResponse && m.Exchange != ExchangeKind.Other)
                        Need(m, other, m.Step[..m.Step.LastIndexOf(' ')] + " request", StepKey(m));
                    break;
            }
        }
        if (sa.Unseen.Count > 0 && msgs.All(m => m.Sender == msgs[0].Sender) && sa.Unseen.All(u => u.Sender != msgs[0].Sender))
            sa.OnlyDirection = msgs[0].Sender;
    }

    /// <summary>What tells two messages of one step apart: the message ID for Quick Mode and IKEv2 (the IKE_SA_INIT /
    /// IKE_AUTH steps are unique by name), 0 otherwise.</summary>
    private static uint StepKey(SaMessage m) =>
        m.Exchange is ExchangeKind.QuickMode or ExchangeKind.CreateChildSa or ExchangeKind.InformationalV2
            ? m.Message.Ike.MessageId : 0;

    private void ResolveCaNames(IkeSa sa)
    {
        foreach (var list in new[] { sa.InitiatorCertRequests, sa.ResponderCertRequests })
            for (int i = 0; i < list.Count; i++)
                if (list[i].CaHash is { } h && list[i].CaName is null
                    && (_cas.NameOf(h) ?? _seenCas.NameOf(h)) is { } name)
                    list[i] = list[i] with { CaName = name };
    }

    /// <summary>IOS sends an unnamed 16-byte vendor ID next to its Cisco ones (the technote's MM3/MM4 excerpts): an
    /// unnamed 16-byte VID from a sender that also sent a Cisco IOS VID is fingerprinted as Cisco IOS.</summary>
    private static void MarkIosUnnamedVendorIds(IkeSa sa)
    {
        // The set decides, not one ID. A Cisco-compatible vendor ID (IKE Fragmentation (Cisco), CISCO-UNITY,
        // CISCO-DELETE-REASON) names Cisco IOS only next to one that only IOS sends, or next to the unnamed 16-byte ID
        // IOS adds to MM3/MM4 (the technote's debug); strongSwan sends "IKE Fragmentation (Cisco)" by default.
        for (int i = 0; i < sa.VendorIds.Count; i++)
        {
            VendorIdEntry v = sa.VendorIds[i];
            if (v.Fingerprint == "Cisco IOS" && v.Name is { } n && IsCiscoCompatible(n)
                && !sa.VendorIds.Any(o => o.Sender == v.Sender && (o.Name is { } on ? IsCiscoOnly(on) : o.Hex.Length == 32)))
                sa.VendorIds[i] = v with { Fingerprint = null };
        }
        // strongSwan, libreswan and others send the Cisco Unity VID too (to talk to Cisco concentrators): from a
        // sender that also identified itself otherwise, Unity says nothing about being Cisco.
        for (int i = 0; i < sa.VendorIds.Count; i++)
        {
            VendorIdEntry v = sa.VendorIds[i];
            if (v.Fingerprint == "Cisco IOS" && v.Name is { } n && n.StartsWith("CISCO-UNITY", StringComparison.OrdinalIgnoreCase)
                && sa.VendorIds.Any(o => o.Sender == v.Sender && o.Fingerprint is { } f && !f.StartsWith("Cisco", StringComparison.Ordinal)))
                sa.VendorIds[i] = v with { Fingerprint = null };
        }
        for (int i = 0; i < sa.VendorIds.Count; i++)
        {
            VendorIdEntry v = sa.VendorIds[i];
            if (v.Name is null && v.Hex.Length == 32
                && sa.VendorIds.Any(o => o.Sender == v.Sender && o.Fingerprint == "Cisco IOS"))
                sa.VendorIds[i] = v with { Fingerprint = "Cisco IOS" };
        }
    }

    /// <summary>Progress order of a step; 0 for steps that are not progress (INFO, INFORMATIONAL).</summary>
    internal static int RankOf(SaMessage m)
    {
        string step = m.Step;
        switch (m.Exchange)
        {
            case ExchangeKind.MainMode:
            case ExchangeKind.AggressiveMode:
                return step[2] - '0';
            case ExchangeKind.Transaction:
                return 7;
            case ExchangeKind.QuickMode:
                return 10 + (step[2] - '0');
            case ExchangeKind.IkeSaInit:
                return m.Message.Ike.IsResponse ? 2 : 1;
            case ExchangeKind.IkeAuth:
            {
                int hash = step.IndexOf('#');
                int round = hash < 0 ? 1 : int.Parse(step.AsSpan(hash + 1, step.IndexOf(' ') - hash - 1), CultureInfo.InvariantCulture);
                return 10 + 2 * round + (m.Message.Ike.IsResponse ? 1 : 0);
            }
            case ExchangeKind.CreateChildSa:
                return 1000 + (m.Message.Ike.IsResponse ? 1 : 0);
            default:
                return 0;
        }
    }

    private static void Decide(SaState s)
    {
        IkeSa sa = s.Sa;
        var msgs = sa.Messages;
        if (msgs.Count == 0) return;

        // Last step: the furthest step, not counting retransmissions (ties: the later one).
        SaMessage? furthest = null;
        foreach (SaMessage m in msgs)
            if (!m.IsRetransmission && (furthest is null || RankOf(m) >= RankOf(furthest)))
                furthest = m;
        furthest ??= msgs[0];
        sa.LastStep = furthest.Step;
        string first = msgs[0].Step;

        if (FailedByNotify(sa) is { } failure)
        {
            Set(sa, SaOutcome.Failed, failure + RetriedText(s), endsMid: false);
            return;
        }
        if (sa.Version == 2 && s.RestartNotify is not null && s.RetriedBy is not null)
        {
            // COOKIE (RFC 7296 §2.6) is a status, not an error: the attempt continues as the retry
            Set(sa, SaOutcome.Incomplete,
                $"responder asked for {s.RestartNotify} at IKE_SA_INIT response; the initiator restarted as IKE SA #{s.RetriedBy.Sa.Id}",
                endsMid: false);
            return;
        }

        if (sa.Version == 1)
        {
            bool phase1 = msgs.Any(m => m.Step is "MM6" or "AM3")
                || (sa.StartsMidNegotiation && msgs[0].Exchange is ExchangeKind.QuickMode or ExchangeKind.Transaction
                    or ExchangeKind.Informational && msgs[0].Message.Ike.IsEncrypted);
            var quickModes = msgs.Where(m => m.Exchange == ExchangeKind.QuickMode).GroupBy(m => m.Message.Ike.MessageId).ToList();
            bool quickDone = quickModes.Count == 0 || quickModes.Any(g => g.Any(m => m.Step == "QM3"));
            if (phase1 && quickDone && EncryptedAnswerAfterMm6(sa) is null)
            {
                string detail = msgs.Any(m => m.Step is "MM6" or "AM3") ? ""
                    : $"phase 1 established before the capture (first seen: {first})";
                Unretry(s);
                Set(sa, SaOutcome.Established, detail, endsMid: false);
                return;
            }
            if (EncryptedErrorAfterMainMode(sa) is { } inferred)
            {
                Set(sa, SaOutcome.Failed, inferred + RetriedText(s), endsMid: false, Confidence.Medium);
                return;
            }
        }
        else
        {
            var auth = msgs.Where(m => m.Exchange == ExchangeKind.IkeAuth).ToList();
            if (auth.Count > 0)
            {
                uint lastRound = auth.MaxBy(RankOf)!.Message.Ike.MessageId;
                var responses = auth.Where(m => m.Message.Ike.IsResponse && m.Message.Ike.MessageId == lastRound).ToList();
                if (responses.Count > 0)
                {
                    string step = responses[0].Step;
                    bool decrypted = responses.Any(m => m.Message.Decryption?.Inner is not null);
                    int body = 0;
                    int capacity = decrypted ? int.MaxValue
                        : AuthResponseCapacity(s, responses.Where(m => !m.IsRetransmission).ToList(), out body);
                    string partial = IncompleteResponseText(responses);
                    if (capacity < MinimumAuthPlaintext && partial.Length == 0)
                    {
                        Set(sa, SaOutcome.Failed,
                            $"{step} too small to carry IDr/AUTH ({body} bytes encrypted, at most {capacity} of plaintext): "
                            + "likely an error notify (decrypt to confirm)" + RetriedText(s), endsMid: false, Confidence.High);
                        return;
                    }
                    Unretry(s);
                    bool encrypted = !decrypted && responses.Any(m => m.Message.Ike.IsEncrypted);
                    if (encrypted && partial.Length == 0 && TeardownAfterAuth(sa) is { } teardown)
                    {
                        sa.TornDownBy = teardown.Request;
                        string when = sa.TimesUnknown ? "right after" : $"{ShortDuration(teardown.After)} after";
                        Set(sa, SaOutcome.Failed,
                            $"{step} received (encrypted: large enough for IDr/AUTH), then torn down at once: the {RoleText(teardown.Request.Sender)} " +
                            $"started an INFORMATIONAL exchange with content {when} it (frame {teardown.Request.Frame}" +
                            (teardown.Response is { } r ? $", answered in frame {r.Frame}" : "") + ") and nothing followed (decrypt to confirm)",
                            endsMid: false, Confidence.Medium);
                        return;
                    }
                    Set(sa, SaOutcome.Established, partial.Length > 0
                        ? $"{step} seen in part ({partial}); a fragmented response carries IDr/AUTH and certificates, not a lone error notify: contents not verified"
                        : encrypted ? $"{step} received, encrypted: contents not verified (decrypt to confirm)" : "", endsMid: false,
                        partial.Length > 0 ? Confidence.Medium : encrypted ? Confidence.High : Confidence.Seen);
                    return;
                }
            }
            else if (sa.StartsMidNegotiation && msgs[0].Exchange is ExchangeKind.CreateChildSa or ExchangeKind.InformationalV2)
            {
                Set(sa, SaOutcome.Established, $"IKE SA established before the capture (first seen: {first})", endsMid: false);
                return;
            }
        }

        if (sa.OnlyDirection is { } only)
        {
            // One direction captured: the other side's messages are proven (sa.Unseen), so a missing answer is not seen.
            string side = RoleText(only), other = RoleText(only == Role.Initiator ? Role.Responder : Role.Initiator);
            string proof = string.Join(", ", sa.Unseen.Select(u => $"{u.ProvenByStep} (frame {u.ProvenByFrame}) shows {u.Step} reached it"));
            string oneWay = $"one direction captured: only the {side}'s messages are in the capture, though its {proof}";
            if (StalledDetail(sa, furthest) is { } resent)
            {
                Set(sa, SaOutcome.Stalled, $"{resent.Split("; ")[0]}; {oneWay}; the re-sends show the {side} received no answer to {furthest.Step} that it accepted" + RetriedText(s),
                    endsMid: true, Confidence.Medium);
                return;
            }
            Set(sa, SaOutcome.Incomplete, $"{oneWay}; whether the {other} answered {furthest.Step} is not in the capture" + RetriedText(s), endsMid: true);
            return;
        }
        if (StalledDetail(sa, furthest) is { } stall)
        {
            Set(sa, SaOutcome.Stalled, stall + RetriedText(s), endsMid: true);
            return;
        }
        if (s.RetriedBy is { } retry)
        {
            // The initiator gave up and started over with new SPIs/cookies: the attempt was abandoned, not cut off.
            Set(sa, SaOutcome.Stalled,
                $"at {furthest.Step}: abandoned; the initiator started again as IKE SA #{retry.Sa.Id} {Later(sa, retry.Sa.StartNanoseconds - msgs[^1].TimestampNanoseconds)} with new {(sa.Version == 1 ? "cookies" : "SPIs")}",
                endsMid: true);
            return;
        }
        long waited = sa.ObservedUntilNanoseconds - msgs[^1].TimestampNanoseconds;
        // cut short at the cap: the capture did not end there, the analysis stopped following the SA
        string why = sa.CutShort
            ? (sa.StartsMidNegotiation ? $"capture starts mid-negotiation (first seen: {first}); " : "")
              + (sa.TimesUnknown ? $"no further message after {sa.LastStep} before it was cut short at the cap of open SAs (the capture goes on)"
                  : $"no further message in the {ObservedSeconds(waited)} after {sa.LastStep} before it was cut short at the cap of open SAs (the capture goes on)")
            : sa.StartsMidNegotiation
            ? $"capture starts mid-negotiation (first seen: {first}) and ends after {sa.LastStep}"
            : waited >= ObservationCapNanoseconds
                ? $"no further message in the {ObservedSeconds(ObservationCapNanoseconds)} after {sa.LastStep}"
                : sa.TimesUnknown ? $"capture ends after {sa.LastStep} (it has no times: how long after is unknown)"
                : $"capture ends {ObservedSeconds(waited)} after {sa.LastStep}";
        Set(sa, SaOutcome.Incomplete, why, endsMid: true);
    }

    private static void Set(IkeSa sa, SaOutcome outcome, string detail, bool endsMid, Confidence confidence = Confidence.Seen)
    {
        sa.Outcome = outcome;
        sa.OutcomeDetail = detail;
        sa.EndsMidNegotiation = endsMid && !sa.CutShort;   // cut short: the capture went on, the analysis stopped
        sa.OutcomeConfidence = confidence;
    }

    /// <summary>"; retried as IKE SA #n 30.4 s later" for an attempt the initiator started again.</summary>
    private static string RetriedText(SaState s) =>
        s.RetriedBy is { } r && s.Sa.Messages.Count > 0
            ? $"; retried as IKE SA #{r.Sa.Id} {Later(s.Sa, r.Sa.StartNanoseconds - s.Sa.Messages[^1].TimestampNanoseconds)}"
            : "";

    /// <summary>An established SA is no attempt that was retried: a later negotiation between the same peers is one of
    /// its own (a rekey, another tunnel).</summary>
    private static void Unretry(SaState s)
    {
        if (s.RetriedBy is { } next && next.Sa.RetryKind == RetryKind.NewAttempt)
        {
            Unlink(s.Sa, next.Sa);
            s.RetriedBy = null;
        }
    }

    /// <summary>
    /// IKEv1 without keys: the responder answered MM5 with an encrypted Informational instead of MM6 (or the initiator
    /// answered MM6 with one and nothing followed): that side's error notify (RFC 2408 §4.8, RFC 2409 §5.7: after
    /// MM4 every Informational is encrypted with the phase 1 keys). Inferred, medium confidence: a DPD or
    /// INITIAL-CONTACT notify is also an encrypted Informational.
    /// </summary>
    private static string? EncryptedErrorAfterMainMode(IkeSa sa)
    {
        var msgs = sa.Messages;
        var mm5 = msgs.FirstOrDefault(m => m.Step == "MM5" && m.Sender == Role.Initiator);
        if (mm5 is not null && !msgs.Any(m => m.Step == "MM6"))
        {
            var info = msgs.FirstOrDefault(m => m.Exchange == ExchangeKind.Informational && m.Sender == Role.Responder
                && m.Message.Ike.IsEncrypted && m.Message.Decryption?.Inner is null && m.TimestampNanoseconds >= mm5.TimestampNanoseconds);
            if (info is not null)
                return $"at MM5: the responder answered MM5 with an encrypted Informational (frame {info.Frame}) instead of MM6: " +
                       "most likely its error notify (decrypt to confirm); alternatives: a DPD or INITIAL-CONTACT notify, with MM6 lost";
        }
        return EncryptedAnswerAfterMm6(sa);
    }

    private static string? EncryptedAnswerAfterMm6(IkeSa sa)
    {
        var msgs = sa.Messages;
        var mm6 = msgs.FirstOrDefault(m => m.Step == "MM6");
        if (mm6 is null || msgs.Any(m => m.Exchange == ExchangeKind.QuickMode && m.TimestampNanoseconds > mm6.TimestampNanoseconds))
            return null;
        var info = msgs.FirstOrDefault(m => m.Exchange == ExchangeKind.Informational && m.Sender == Role.Initiator
            && m.Message.Ike.IsEncrypted && m.Message.Decryption?.Inner is null && m.TimestampNanoseconds >= mm6.TimestampNanoseconds);
        if (info is null || msgs[^1] != info && msgs.Any(m => m.TimestampNanoseconds > info.TimestampNanoseconds && !m.IsRetransmission && m.Exchange != ExchangeKind.Informational))
            return null;
        return $"at MM6: the initiator answered MM6 with an encrypted Informational (frame {info.Frame}) and no Quick Mode followed: " +
               "most likely its error notify (it rejected the responder's MM6; decrypt to confirm); alternatives: an INITIAL-CONTACT or DPD notify, phase 1 up and Quick Mode not captured";
    }

    /// <summary>What of an IKE_AUTH response the capture lacks: fragments never seen, messages seen only in part; empty
    /// when whole.</summary>
    private static string IncompleteResponseText(List<SaMessage> responses)
    {
        var parts = new List<string>();
        var frags = responses.Where(m => m.FragmentTotal > 0).ToList();
        if (frags.Count > 0)
        {
            int total = frags.Max(m => m.FragmentTotal);
            var missing = Enumerable.Range(1, total).Except(frags.Select(m => m.FragmentNumber)).ToList();
            if (missing.Count > 0)
                parts.Add($"fragment{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} of {total} never seen");
        }
        var cut = responses.FirstOrDefault(m => m.Message.IsPartial);
        if (cut is not null) parts.Add($"frame {cut.Message.FirstFragmentFrame}: {cut.Message.GapDetail}");
        return string.Join("; ", parts);
    }

    /// <summary>The last clear error notify after which the negotiation made no further progress, as
    /// "notify X at STEP", or null.</summary>
    private static string? FailedByNotify(IkeSa sa)
    {
        var msgs = sa.Messages;
        string? result = null;
        int reached = 0;
        string? reachedStep = null;
        for (int i = 0; i < msgs.Count; i++)
        {
            SaMessage m = msgs[i];
            if (m.IsRetransmission) continue;
            int rank = RankOf(m);
            if (rank >= reached && rank > 0) { reached = rank; reachedStep = m.Step; }
            var error = m.Message.VisiblePayloads.Select(p => p.Details).OfType<NotifyDetails>()
                .FirstOrDefault(n => n.TypeRaw is >= 1 and <= 16383);
            if (error is null) continue;
            bool progress = false;
            for (int j = i + 1; j < msgs.Count && !progress; j++)
                progress = !msgs[j].IsRetransmission && RankOf(msgs[j]) > reached;
            if (!progress)
            {
                string name = error.TypeName ?? $"notify type {error.TypeRaw}";
                string where = reachedStep ?? m.Step;
                string via = m.Step == where ? "" : $" ({m.Step} from the {RoleText(m.Sender)}, frame {m.Frame})";
                result = $"notify {name} at {where}{via}";
            }
        }
        return result;
    }

    /// <summary>"at STEP: who re-sent what K times over S s; the other side never answered / rejected it", when only
    /// re-sends follow the last new message.</summary>
    private static string? StalledDetail(IkeSa sa, SaMessage furthest)
    {
        var msgs = sa.Messages;
        int lastNew = msgs.FindLastIndex(m => !m.IsRetransmission);
        if (lastNew < 0 || lastNew == msgs.Count - 1) return null;
        // everything after the last new message is a re-send (that is what makes it a stall)
        var groups = msgs.Skip(lastNew + 1).GroupBy(m => (m.Sender, m.Step)).ToList();
        if (groups.Count == 0) return null;
        var parts = new List<string>();
        string? rejected = null;
        foreach (var g in groups.OrderBy(g => g.Key.Sender == furthest.Sender ? 0 : 1))
        {
            SaMessage original = g.First().RetransmissionOf ?? g.First();
            long span = g.Last().TimestampNanoseconds - original.TimestampNanoseconds;
            int k = g.Count();
            parts.Add($"{RoleText(g.Key.Sender)} re-sent {g.Key.Step} {k} time{(k == 1 ? "" : "s")}{(sa.TimesUnknown ? "" : $" over {Seconds(span)} s")}");
            if (g.Any(m => m.Retransmission == RetransmissionKind.ResentAfterRejectingNext))
                rejected = $"{RoleText(g.Key.Sender)} rejected {furthest.Step}: it re-sent {g.Key.Step} instead of answering";
        }
        string other = RoleText(furthest.Sender == Role.Initiator ? Role.Responder : Role.Initiator);
        string end = rejected ?? (sa.Version == 2 && furthest.Message.Ike.IsResponse
            ? $"{other} never went on after {furthest.Step}" : $"{other} never answered {furthest.Step}");
        return $"at {furthest.Step}: {string.Join("; ", parts)}; {end}";
    }

    private static string Seconds(long nanoseconds) =>
        (nanoseconds / 1e9).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// IKEv2, after the last IKE_AUTH response: the only exchange left is one encrypted INFORMATIONAL request carrying
    /// more than its response (an empty one, the same size as its answer, is a liveness check, RFC 7296 §1.4), sent
    /// within <see cref="TeardownWindowNanoseconds"/> (or at all, when the capture has no times). Null otherwise.
    /// </summary>
    private static (SaMessage Request, SaMessage? Response, long After)? TeardownAfterAuth(IkeSa sa)
    {
        var msgs = sa.Messages;
        int auth = msgs.FindLastIndex(m => m.Exchange == ExchangeKind.IkeAuth);
        if (auth < 0 || !msgs[auth].Message.Ike.IsResponse) return null;
        SaMessage? request = null, response = null;
        for (int i = auth + 1; i < msgs.Count; i++)
        {
            SaMessage m = msgs[i];
            if (m.IsRetransmission) continue;
            if (m.Exchange != ExchangeKind.InformationalV2 || !m.Message.Ike.IsEncrypted) return null;
            if (request is null && !m.Message.Ike.IsResponse) request = m;
            else if (request is not null && response is null && m.Message.Ike.IsResponse && m.Message.Ike.MessageId == request.Message.Ike.MessageId) response = m;
            else return null;
        }
        if (request is null || (response is not null && request.Size <= response.Size)) return null;
        long after = request.TimestampNanoseconds - msgs[auth].TimestampNanoseconds;
        return sa.TimesUnknown || after <= TeardownWindowNanoseconds ? (request, response, after) : null;
    }

    /// <summary>"30.4 s later", or "later" when the capture has no times.</summary>
    private static string Later(IkeSa sa, long nanoseconds) => sa.TimesUnknown ? "later" : Seconds(nanoseconds) + " s later";

    private static string RoleText(Role r) => r == Role.Initiator ? "initiator" : "responder";

    /// <summary>Plaintext room of an IKE_AUTH response (all its SK/SKF fragments): body − IV − ICV each.</summary>
    private static int AuthResponseCapacity(SaState s, List<SaMessage> response, out int body)
    {
        (int iv, int icv) = OverheadOf(s.ChosenEncr, s.ChosenInteg);
        int capacity = 0;
        body = 0;
        foreach (SaMessage m in response)
        {
            IkeMessageDissection ike = m.Message.Ike;
            if (!ike.IsEncrypted) return int.MaxValue;   // a clear response: nothing to infer
            if (m.FragmentTotal > 1) return int.MaxValue; // RFC 7383: fragmented, so larger than one fragment
            int length = ExchangeCorrelator.FirstDetails<EncryptedFragmentDetails>(ike)?.Length
                ?? ExchangeCorrelator.FirstDetails<EncryptedDetails>(ike)?.Length ?? ike.EncryptedLength;
            body += length;
            capacity += length - iv - icv;
        }
        return response.Count == 0 ? int.MaxValue : capacity;
    }

    /// <summary>IV and ICV sizes of the chosen IKE SA transforms (RFC 3602, 3686, 4106, 4309, 7634, 4868, 2404);
    /// the smallest possible (8, 8) when unknown.</summary>
    private static (int Iv, int Icv) OverheadOf(ushort? encr, ushort? integ)
    {
        int iv = encr switch
        {
            12 or 23 => 16,                           // AES-CBC, Camellia-CBC
            2 or 3 or 5 or 6 or 7 => 8,              // DES, 3DES, IDEA, CAST, Blowfish
            _ => 8,                                   // CTR, CCM, GCM, ChaCha20-Poly1305: 8-byte IV
        };
        int icv = encr switch
        {
            14 or 18 or 25 => 8,
            15 or 19 or 26 => 12,
            16 or 20 or 27 or 28 => 16,
            _ => integ switch
            {
                1 or 2 or 5 or 8 => 12,
                12 => 16,
                13 => 24,
                14 => 32,
                _ => 8,
            },
        };
        return (iv, icv);
    }
}
