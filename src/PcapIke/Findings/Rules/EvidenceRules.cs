using PcapIke.Exchanges;
using PcapIke.Frames;
using static PcapIke.Findings.SaFacts;
using Confidence = PcapIke.Exchanges.Confidence;

namespace PcapIke.Findings.Rules;

/// <summary>
/// PI112. Messages the capture holds only part of: an IP datagram whose later fragments never appeared (RFC 791 §3.2,
/// RFC 8200 §4.5; its first fragment holds the UDP and ISAKMP headers, so the message is known), or an RFC 7383 / Cisco
/// fragment set with fragments missing. One finding per message (all its copies).
/// </summary>
public sealed class MessageIncompleteRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        foreach (var h in sa.HeaderlessDatagrams)
        {
            Role from = h.Source == sa.Initiator.Address ? Role.Initiator : Role.Responder;
            var before = sa.Messages.LastOrDefault(m => m.TimestampNanoseconds <= h.TimestampNanoseconds);
            findings.Add(Finding.Inference(FindingCode.MessageIncomplete, Severity.Warning, [h.FirstFrame],
                $"frame {h.FirstFrame} and after: {h.Fragments} later IP fragment{(h.Fragments == 1 ? "" : "s")} of a UDP datagram from the {Side(from)} " +
                $"(IP ID 0x{h.IpId:X}, {h.Bytes} bytes) whose first fragment — with the UDP and IKE headers — is not in the capture ({h.Detail})",
                $"they are the rest of an IKE message from the {Side(from)}" + (before is null ? "" : $", sent after {before.Step}") +
                $", its first fragment lost before the capture point: then the {Other(from)} never had the message",
                Confidence.Low,
                ["ESP in UDP (NAT-T) fragments, not IKE", "the capture point itself did not record the first fragment"],
                "Let IP fragments through the path, or use IKE fragmentation (RFC 7383) so IKE never needs IP fragments; capture on both sides to see where the first fragment is lost."));
        }
        foreach (var sends in SendsByMessage(sa))
        {
            var all = sends.SelectMany(s => s).ToList();
            var ipPartial = all.Where(m => m.Message.Gap == MessageGap.IpFragmentsMissing).ToList();
            var ikeMissing = sends.Select(s => (Send: s, Missing: MissingFragments(s))).Where(x => x.Missing.Count > 0).ToList();
            if (ipPartial.Count == 0 && ikeMissing.Count == 0)
                continue;
            SaMessage first = all[0];
            string who = $"{first.Step} from the {Side(first.Sender)}";
            var parts = new List<string>();
            if (ipPartial.Count > 0)
                parts.Add($"{(ipPartial.Count == all.Count ? (all.Count == 1 ? "its one copy" : $"each of its {all.Count} copies") : $"{ipPartial.Count} of its {all.Count} copies")} " +
                          $"lacks IP fragments — frame {ipPartial[0].Message.FirstFragmentFrame}: {ipPartial[0].Message.GapDetail}");
            foreach (var (send, missing) in ikeMissing)
                parts.Add($"the fragment set sent at frame {send[0].Frame} lacks IKE fragment{(missing.Count == 1 ? "" : "s")} " +
                          $"{string.Join(", ", missing)} of {Math.Max(send.Max(m => m.FragmentTotal), send.Max(m => m.FragmentNumber))}");
            // "the capture ended first" only when it did: IP fragments whose datagram the end of the capture cut short, or
            // IKE fragments numbered after every captured one of the last set, with the capture ending right after it.
            // An SA cut short at the cap of open SAs stopped being followed there, while the capture went on.
            bool endedEarly = ipPartial.Count > 0
                ? ipPartial.All(m => m.Message.GapDetail?.Contains("the capture ended", StringComparison.Ordinal) == true)
                : ikeMissing.All(x => x.Send == sends[^1] && x.Missing.Min() > x.Send.Max(m => m.FragmentNumber))
                  && WaitedAfter(sa, all[^1]) < NoAnswerWindowNanoseconds;
            bool cutEarly = endedEarly && ipPartial.Count == 0 && sa.CutShort;
            string sentTimes = sends.Count > 1 ? $" (sent {SendsOver(sends)})" : "";
            string inferred = cutEarly
                ? $"the SA was cut short at the cap of open SAs {ExchangeCorrelator.ObservedSeconds(WaitedAfter(sa, all[^1]))} after the fragments it holds: " +
                  "the rest may have come after that (the capture goes on; they would be reported as an IKE SA of their own)"
                : endedEarly
                ? "the capture ended right after the fragments it holds: the rest may have come after it stopped"
                : "the missing fragments were lost before the capture point — then the " + Other(first.Sender) + " never had the whole message" +
                  (AnsweredAfter(sa, all[^1]) ? "" : ", which explains why it did not answer");
            bool skf = ikeMissing.Count > 0 && all.Any(m => m.FragmentTotal > 0);
            string fix = skf || first.FragmentNumber > 0
                ? ForPlatform(sa,
                    "IKE fragmentation is already in use: lower the IKE fragment size below the path MTU and find what drops these UDP datagrams; capture on both sides to see where they are lost.",
                    "IKE fragmentation is already in use: lower the fragment size (IKEv2 `crypto ikev2 fragmentation mtu N`) below the path MTU and find what drops these UDP datagrams; capture on both routers (EPC) to see where they are lost.",
                    "IKE fragmentation is already in use: lower `fragment_size` (strongswan.conf, charon) below the path MTU and find what drops these UDP datagrams; capture on both sides to see where they are lost.")
                : sa.Version == 2 && !FragmentationNegotiated(sa)
                    ? ForPlatform(sa, "Let IP fragments through the path, or enable IKEv2 fragmentation (RFC 7383) on both peers so IKE never needs IP fragments; capture on both sides to see where fragments are lost.",
                        "Let IP fragments through the path, or enable IKEv2 fragmentation (RFC 7383; `crypto ikev2 fragmentation`) so IKE never needs IP fragments; capture on both routers (EPC) to see where fragments are lost.",
                        "Let IP fragments through the path, or enable IKEv2 fragmentation (RFC 7383; `fragmentation = yes`) so IKE never needs IP fragments; capture on both sides to see where fragments are lost.")
                    : "Let IP fragments through the path (a firewall or NAT dropping non-first fragments), or lower the IKE fragment size / MTU; capture on both sides to see where fragments are lost.";
            findings.Add(Finding.Inference(FindingCode.MessageIncomplete, Severity.Warning,
                FramesOf(all).Concat(all.Select(m => m.Message.FirstFragmentFrame)).Where(f => f > 0).Distinct().Order().ToList(),
                $"{who}{sentTimes} is in the capture only in part: {string.Join("; ", parts)}. Its header is whole, so its step, sender, message ID and time are known",
                inferred, endedEarly ? Confidence.Low : Confidence.Medium,
                ["the capture point itself did not record them (a full EPC buffer, an oversubscribed SPAN port) and the " + Other(first.Sender) + " did receive them",
                 "a device between the capture point and the sender dropped them only on this path"],
                fix));
        }
    }
}

/// <summary>
/// PI113. Messages the peers' own later messages prove were sent are not in the capture (<see cref="IkeSa.Unseen"/>):
/// either the capture holds one direction only (an EPC on one interface direction, asymmetric routing past a SPAN
/// port) or the capture point missed packets. Never "the peer did not answer" for them.
/// </summary>
public sealed class MessagesNotCapturedRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Unseen.Count == 0)
            return;
        string proofs = string.Join("; ", sa.Unseen.Select(u => $"the {Side(u.Sender)}'s {u.Step} (proven by {u.ProvenByStep}, frame {u.ProvenByFrame})"));
        var frames = sa.Unseen.Select(u => u.ProvenByFrame).Distinct().Order().ToList();
        string bothWays = ForPlatform(sa, "Capture both directions at a point both peers' packets cross (or on both peers at once).",
            "Capture both directions: IOS EPC `monitor capture point ip cef POINT INTERFACE both` (IOS-XE: `monitor capture CAP interface INTERFACE both`), or on both routers at once.",
            "Capture both directions (tcpdump on the peer's interface without a direction filter, or on both peers at once).");
        if (sa.OnlyDirection is { } only)
        {
            string sent = string.Join(", ", sa.Unseen.Select(u => $"{u.Step} (proven by {u.ProvenByStep}, frame {u.ProvenByFrame})"));
            findings.Add(Finding.Inference(FindingCode.MessagesNotCaptured, Severity.Warning, frames,
                $"the capture holds only the {Side(only)}'s messages ({sa.Messages.Count}), yet they prove the {Other(only)} sent {sent}",
                $"the capture point sees one direction only (an EPC on one direction of an interface, asymmetric routing past a SPAN port, a one-way filter); " +
                $"nothing here says the {Other(only)} failed to answer: whether it answered {sa.Messages[^1].Step} is not in the capture",
                Confidence.High, ["the capture dropped every packet of the other direction (buffer or filter), not the network"], bothWays));
            return;
        }
        findings.Add(Finding.Inference(FindingCode.MessagesNotCaptured, Severity.Warning, frames,
            $"the capture lacks {proofs}",
            "the capture point missed these packets (buffer full, SPAN drops, a second path): they reached the peer, since it went on",
            Confidence.High, ["the packets took another path that bypasses the capture point (asymmetric routing)"], bothWays));
    }
}

/// <summary>PI114. IKE messages cut by the capture's snap length: steps come from the headers; what is hidden is named.</summary>
public sealed class ShortSnapLengthRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        var cut = sa.Messages.Where(m => m.Message.Gap == MessageGap.SnapLength).ToList();
        if (cut.Count == 0)
            return;
        var hidden = new List<string>();
        if (cut.Any(m => m.Exchange is ExchangeKind.MainMode or ExchangeKind.AggressiveMode || m.Step.StartsWith("IKE_SA_INIT response", StringComparison.Ordinal)))
            hidden.Add("CERT_REQ lists");
        if (cut.Any(m => m.Message.Ike.IsEncrypted || m.Exchange is ExchangeKind.MainMode or ExchangeKind.AggressiveMode or ExchangeKind.IkeAuth))
            hidden.Add("certificates and identities (and decryption: the ICV is cut off)");
        hidden.Add("vendor IDs and notifies after the cut");
        findings.Add(new Finding(FindingCode.ShortSnapLength, Severity.Warning, FramesOf(cut),
            $"{cut.Count} of the SA's {sa.Messages.Count} messages were cut by the capture's snap length (frame {cut[0].Frame}: {cut[0].Message.GapDetail}). " +
            $"Their headers are whole, so steps, senders and the outcome are read from them; hidden: {string.Join(", ", hidden)}.",
            ForPlatform(sa, "Capture whole frames: `tcpdump -s 0`, `dumpcap -s 0` (or a snap length above the largest IKE datagram, e.g. 9000).",
                "Capture whole frames: IOS EPC `monitor capture buffer BUF size 2048 max-size 1518` (max-size is the bytes kept per packet; Cisco document 116045), `tcpdump -s 0` elsewhere.",
                "Capture whole frames: `tcpdump -s 0` (or `-s 9000`).")));
    }
}

/// <summary>
/// PI115. The same initiator started the negotiation again towards the same responder with new SPIs/cookies
/// (<see cref="RetryKind.NewAttempt"/>): one finding, on the last attempt of the chain, with each attempt and where it
/// stopped.
/// </summary>
public sealed class RepeatedAttemptsRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.RetryKind != RetryKind.NewAttempt || sa.RetriedAs is not null)
            return;
        var chain = new List<IkeSa> { sa };
        for (IkeSa? p = sa.RetryOf; p is not null && chain.Count < 1000; p = p.RetryKind == RetryKind.NewAttempt || p.RetriedAs is not null ? p.RetryOf : null)
            chain.Insert(0, p);
        if (chain.Count < 2)
            return;
        var earlier = chain.Take(chain.Count - 1).ToList();
        var stops = earlier.Select(a => a.LastStep).Distinct().ToList();
        string pattern = stops.Count == 1 ? $"each earlier one stopped after {stops[0]}" : "they stopped after " + string.Join(", ", earlier.Select(a => $"{a.LastStep} (#{a.Id})"));
        var gaps = chain.Zip(chain.Skip(1), (a, b) => Seconds(b.StartNanoseconds - a.Messages[^1].TimestampNanoseconds)).ToList();
        string last = sa.Outcome == SaOutcome.Established ? "the last one was established" : $"the last one (#{sa.Id}) is {sa.Outcome.ToString().ToLowerInvariant()}: {sa.OutcomeDetail}";
        findings.Add(new Finding(FindingCode.RepeatedAttempts, sa.Outcome == SaOutcome.Established ? Severity.Info : Severity.Warning,
            chain.Select(a => a.Messages[0].Frame).ToList(),
            $"{chain.Count} attempts from {sa.Initiator.Address} to {sa.Responder.Address} with new {(sa.Version == 1 ? "cookies" : "SPIs")} " +
            $"(IKE SA {string.Join(", ", chain.Select(a => "#" + a.Id))}{(sa.TimesUnknown ? "" : $"; restarted after {string.Join(", ", gaps)}")}): {pattern}; {last}. " +
            "The initiator gave up on each attempt and started over, so the problem repeats rather than being a one-off loss.",
            sa.Outcome == SaOutcome.Established ? null : "Look at the first attempt's findings: the same cause stops every attempt."));
    }
}
