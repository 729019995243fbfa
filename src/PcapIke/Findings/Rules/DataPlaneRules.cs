using PcapIke.DataPlane;
using PcapIke.Exchanges;
using PcapIke.Frames;
using static PcapIke.Findings.SaFacts;

namespace PcapIke.Findings.Rules;

/// <summary>What a data-plane rule reads: the SAs with their <see cref="AnalyzedSa.DataPlane"/>, the capture's data plane
/// (null in a streamed analysis, where flows tied to no SA are not judged) and where the capture ends.</summary>
public sealed record DataPlaneContext(IReadOnlyList<AnalyzedSa> Sas, DataPlaneAnalysis? DataPlane, long CaptureEndNanoseconds,
    DataPlaneOptions Options)
{
    /// <summary>Findings about the flows tied to no SA (PI702), in the analysis result beside the SAs.</summary>
    public List<Finding> UnattachedFindings { get; } = new();

    public long Threshold => Options.SilenceThreshold.Ticks * 100;
}

/// <summary>One data-plane rule (PI7xx): adds findings to the SAs' <see cref="AnalyzedSa.Findings"/> or, for traffic tied
/// to no SA, to <see cref="DataPlaneContext.UnattachedFindings"/>.</summary>
public interface IDataPlaneRule
{
    void Evaluate(DataPlaneContext context);
}

/// <summary>The data-plane rules, applied after <see cref="FindingRules"/>; each SA's findings are then ordered by
/// severity again (stable).</summary>
public static class DataPlaneRules
{
    public static IReadOnlyList<IDataPlaneRule> All { get; } =
    [
        new EspOneWayRule(),
        new EspWithoutNegotiationRule(),
        new StaleSpiRule(),
        new EspStopsAfterDeleteRule(),
        new EncapsulationMismatchRule(),
    ];

    public static void Apply(DataPlaneContext context)
    {
        foreach (var rule in All) rule.Evaluate(context);
        foreach (var sa in context.Sas) sa.OrderFindings();
    }

    internal const string IosChecks =
        "On each router: `show crypto ipsec sa peer <peer>` (#pkts encaps vs #pkts decaps of the SPI pair, #recv errors, " +
        "#send errors) and `show crypto session detail`";

    internal static string Dir(TrafficDirection d) => d == TrafficDirection.InitiatorToResponder ? "initiator → responder" : "responder → initiator";
    internal static string Peer(IkeSa sa, Role r) => r == Role.Initiator ? $"initiator {sa.Initiator.Address}" : $"responder {sa.Responder.Address}";
    internal static Role Sender(TrafficDirection d) => d == TrafficDirection.InitiatorToResponder ? Role.Initiator : Role.Responder;
    internal static string Spis(IEnumerable<SaFlow> flows) => string.Join(", ", flows.Select(f => f.Flow.SpiHex).Distinct());

    /// <summary>The data-plane flows of an SA that count: ESP when there is any, else AH.</summary>
    internal static List<SaFlow> Traffic(AnalyzedSa sa)
    {
        var all = sa.DataPlane?.Flows ?? [];
        return all.Any(f => f.Flow.IsEsp) ? all.Where(f => f.Flow.IsEsp).ToList() : all.ToList();
    }
}

/// <summary>PI701. After a child SA completed, ESP went one way only, or one direction stopped while the other went on for
/// longer than the threshold.</summary>
public sealed class EspOneWayRule : IDataPlaneRule
{
    public void Evaluate(DataPlaneContext c)
    {
        foreach (var a in c.Sas)
        {
            var sa = a.Sa;
            if (a.DataPlane is not { ChildSas.Count: > 0 } dp) continue;
            var traffic = DataPlaneRules.Traffic(a);
            if (traffic.Count == 0) continue;
            long t0 = dp.ChildSas[0].TimestampNanoseconds;
            foreach (var d in new[] { TrafficDirection.InitiatorToResponder, TrafficDirection.ResponderToInitiator })
            {
                var sending = traffic.Where(f => f.Direction == d).ToList();
                var back = traffic.Where(f => f.Direction != d).ToList();
                if (sending.Count == 0) continue;
                long first = Math.Max(t0, sending.Min(f => f.Flow.FirstNanoseconds)), last = sending.Max(f => f.Flow.LastNanoseconds);
                var firstFrame = sending.MinBy(f => f.Flow.FirstFrame)!.Flow.FirstFrame;
                var lastFrame = sending.MaxBy(f => f.Flow.LastFrame)!.Flow.LastFrame;
                long packets = sending.Sum(f => f.Flow.Packets);
                Role silent = DataPlaneRules.Sender(d) == Role.Initiator ? Role.Responder : Role.Initiator;
                string silentPeer = DataPlaneRules.Peer(sa, silent), sender = DataPlaneRules.Peer(sa, DataPlaneRules.Sender(d));
                string seen, span;
                List<long> frames = [dp.ChildSas[0].Frame, firstFrame, lastFrame];
                if (back.Count == 0)
                {
                    if (packets < 2 || last - first < c.Threshold) continue;
                    span = Seconds(last - first);
                    seen = $"Seen: after the child SA completed (frame {dp.ChildSas[0].Frame}), the {sender} sent {packets} ESP packets " +
                        $"(SPI {DataPlaneRules.Spis(sending)}, frames {firstFrame}–{lastFrame}, over {span}); the {silentPeer} sent none back.";
                }
                else
                {
                    long backLast = back.Max(f => f.Flow.LastNanoseconds);
                    if (last - backLast < c.Threshold) continue;
                    long backFrame = back.MaxBy(f => f.Flow.LastFrame)!.Flow.LastFrame;
                    long after = sending.Sum(f => f.Flow.LastNanoseconds > backLast ? 1 : 0);
                    span = Seconds(last - backLast);
                    frames = [backFrame, lastFrame];
                    seen = $"Seen: the {silentPeer} stopped sending ESP at frame {backFrame} (SPI {DataPlaneRules.Spis(back)}); the {sender} " +
                        $"went on for {span} more, to frame {lastFrame} (SPI {DataPlaneRules.Spis(sending)}, {after} SPI{(after == 1 ? "" : "s")} still in use).";
                }
                a.Findings.Add(new Finding(FindingCode.EspOneWay, Severity.Warning, frames.Distinct().Order().ToList(),
                    $"ESP one way only: the {silentPeer} sends nothing back for {span}. {seen} " +
                    $"Inferred (medium confidence): the {silentPeer} receives and decrypts but does not route the replies into the tunnel " +
                    "(crypto ACL / proxy-ID mismatch, missing route or NAT exemption on that side), or its ESP is lost on the way " +
                    "(a firewall or NAT dropping ESP or UDP 4500 in one direction), or it still uses an SA its peer deleted after a rekey. " +
                    "Alternatives: the capture point sees only one direction (asymmetric routing, a SPAN of one direction), or the " +
                    "traffic is one-way by nature (syslog, SNMP traps).",
                    $"{DataPlaneRules.IosChecks}: on the {silentPeer}, #pkts decaps rising with #pkts encaps flat = traffic arrives " +
                    "but nothing is routed back into the tunnel (routing, crypto ACL, NAT exemption); #pkts encaps rising there but " +
                    $"#pkts decaps flat on the {sender} = ESP lost between the two; #recv errors / %CRYPTO-4-RECVD_PKT_INV_SPI = stale SA."));
            }
        }
    }
}

/// <summary>PI702. ESP/AH with no negotiation before it in the capture: the SA is older than the capture.</summary>
public sealed class EspWithoutNegotiationRule : IDataPlaneRule
{
    public void Evaluate(DataPlaneContext c)
    {
        foreach (var a in c.Sas)
        {
            var sa = a.Sa;
            var older = a.DataPlane?.Flows.Where(f => f.Evidence == SpiEvidence.OlderThanNegotiation).ToList() ?? [];
            if (older.Count == 0) continue;
            long firstFrame = older.Min(f => f.Flow.FirstFrame);
            a.Findings.Add(new Finding(FindingCode.EspWithoutNegotiation, Severity.Info,
                [firstFrame, a.DataPlane!.ChildSas[0].Frame],
                $"ESP/AH between {sa.Initiator.Address} and {sa.Responder.Address} from frame {firstFrame} (SPI " +
                $"{DataPlaneRules.Spis(older)}, {older.Sum(f => f.Flow.Packets)} packets) started before any child SA of this negotiation " +
                $"completed (frame {a.DataPlane.ChildSas[0].Frame}). Inferred (high confidence): those SAs were negotiated before the " +
                "capture started; their SPIs cannot be tied to a negotiation. Alternatives: manual keying, or IKE on another path or port."));
        }
        if (c.DataPlane is not { } dp) return;
        foreach (var g in dp.Unattached.Where(f => !f.IsKeepalive)
                     .GroupBy(f => string.CompareOrdinal(f.Source.Address.ToString(), f.Destination.Address.ToString()) < 0
                         ? (f.Source.Address, f.Destination.Address) : (f.Destination.Address, f.Source.Address)))
        {
            var flows = g.ToList();
            var a = flows[0].Source.Address;
            var b = flows[0].Destination.Address;
            c.UnattachedFindings.Add(new Finding(FindingCode.EspWithoutNegotiation, Severity.Info,
                flows.Select(f => f.FirstFrame).Distinct().Order().Take(4).ToList(),
                $"ESP/AH between {a} and {b} (SPI {string.Join(", ", flows.Select(f => f.SpiHex).Distinct())}, {flows.Sum(f => f.Packets)} " +
                $"packets from frame {flows.Min(f => f.FirstFrame)}) with no IKE negotiation between them that completed a child SA " +
                "before it. Inferred (high confidence): the SAs are older than the capture. Alternatives: IKE on a port not given " +
                "(--port / --nat-t-port), on another path, or manual keying.",
                $"{DataPlaneRules.IosChecks}; capture from the tunnel's start (`clear crypto session remote {a}` on IOS) to see " +
                "the negotiation."));
        }
    }
}

/// <summary>PI703. A sender still uses an SPI no negotiation in the capture created, longer than the threshold after a
/// newer child SA completed: a stale SA after a rekey.</summary>
public sealed class StaleSpiRule : IDataPlaneRule
{
    private const ushort InvalidSpi = 11;           // INVALID_SPI, RFC 2408 §3.14.1 and RFC 7296 §3.10.1

    public void Evaluate(DataPlaneContext c)
    {
        foreach (var a in c.Sas)
        {
            var sa = a.Sa;
            if (a.DataPlane is not { } dp) continue;
            var traffic = DataPlaneRules.Traffic(a);
            foreach (var f in traffic)
            {
                bool negotiatedKnown = traffic.Any(x => x.Direction == f.Direction && x.Evidence == SpiEvidence.Negotiated);
                if (f.Evidence == SpiEvidence.Negotiated || f.Evidence == SpiEvidence.Inferred && !negotiatedKnown) continue;
                var newer = dp.ChildSas.FirstOrDefault(e => !e.RekeysIkeSa && e.TimestampNanoseconds > f.Flow.FirstNanoseconds
                    && f.Flow.LastNanoseconds - e.TimestampNanoseconds >= c.Threshold);
                if (newer is null && negotiatedKnown)
                    newer = dp.ChildSas.FirstOrDefault(e => f.Flow.LastNanoseconds - e.TimestampNanoseconds >= c.Threshold);
                if (newer is null) continue;
                var notifies = sa.Notifies.Where(n => n.TypeRaw == InvalidSpi).ToList();
                Role receiver = DataPlaneRules.Sender(f.Direction) == Role.Initiator ? Role.Responder : Role.Initiator;
                string replacement = traffic.Where(x => x.Direction == f.Direction && x != f && x.Flow.FirstNanoseconds >= newer.TimestampNanoseconds - c.Threshold)
                    .Select(x => x.Flow.SpiHex).FirstOrDefault() is { } n2 ? $" (the new SPI {n2} is in use in the same direction)" : "";
                a.Findings.Add(new Finding(FindingCode.StaleSpi, Severity.Warning,
                    new[] { f.Flow.FirstFrame, newer.Frame, f.Flow.LastFrame }.Concat(notifies.Select(n => n.Frame)).Distinct().Order().ToList(),
                    $"Stale SA: the {DataPlaneRules.Peer(sa, DataPlaneRules.Sender(f.Direction))} still sends ESP on SPI {f.Flow.SpiHex} " +
                    $"(frames {f.Flow.FirstFrame}–{f.Flow.LastFrame}), which no negotiation in the capture created, " +
                    $"{Seconds(f.Flow.LastNanoseconds - newer.TimestampNanoseconds)} after a newer child SA completed (frame {newer.Frame}, {newer.Step}){replacement}. " +
                    (notifies.Count > 0
                        ? $"Seen: INVALID_SPI notif{(notifies.Count == 1 ? "y" : "ies")} at frame{(notifies.Count == 1 ? "" : "s")} {string.Join(", ", notifies.Select(n => n.Frame))}. "
                        : "") +
                    $"Inferred ({(notifies.Count > 0 || negotiatedKnown ? "high" : "medium")} confidence): the {DataPlaneRules.Peer(sa, receiver)} " +
                    "deleted or replaced that SA and drops these packets ('invalid SPI'). Alternatives: two child SAs in parallel for " +
                    "different traffic selectors (proxy-ID pairs), which is normal.",
                    $"{DataPlaneRules.IosChecks}: on the {DataPlaneRules.Peer(sa, receiver)}, %CRYPTO-4-RECVD_PKT_INV_SPI and #recv errors; " +
                    "`clear crypto sa peer <peer>` to renegotiate; check that both sides run DPD and INITIAL-CONTACT so a restarted peer " +
                    "clears the old SAs."));
            }
        }
    }
}

/// <summary>PI704. ESP stops after a DELETE, or after a liveness check that got no answer, and nothing replaces it for the
/// rest of the capture (at least the threshold).</summary>
public sealed class EspStopsAfterDeleteRule : IDataPlaneRule
{
    private const long Grace = 1_000_000_000;      // packets in flight when the DELETE was sent

    public void Evaluate(DataPlaneContext c)
    {
        foreach (var a in c.Sas)
        {
            var sa = a.Sa;
            if (a.DataPlane is not { } dp) continue;
            var traffic = DataPlaneRules.Traffic(a);
            foreach (var e in dp.Events)
            {
                var concerned = e.Spis.Count > 0 ? traffic.Where(f => e.Spis.Contains(f.Flow.Spi)).ToList() : traffic;
                if (!concerned.Any(f => f.Flow.FirstNanoseconds < e.TimestampNanoseconds)) continue;
                if (c.CaptureEndNanoseconds - e.TimestampNanoseconds < c.Threshold) continue;
                if (traffic.Any(f => f.Flow.LastNanoseconds > e.TimestampNanoseconds + Grace)) continue;
                if (c.Sas.Any(o => o != a && o.DataPlane is { } od && o.Sa.Initiator.Address == sa.Initiator.Address
                        && o.Sa.Responder.Address == sa.Responder.Address
                        && od.Flows.Any(f => f.Flow.LastNanoseconds > e.TimestampNanoseconds + Grace))) continue;
                long lastFrame = concerned.Max(f => f.Flow.LastFrame);
                string what = e.Kind switch
                {
                    ControlEventKind.DeleteChildSa => $"a DELETE of SPI {string.Join(", ", e.Spis.Select(s => $"0x{s:x8}"))}",
                    ControlEventKind.DeleteIkeSa => "a DELETE of the IKE SA",
                    ControlEventKind.DpdUnanswered => "an R-U-THERE (DPD) that got no R-U-THERE-ACK",
                    _ => "an INFORMATIONAL request (DPD or DELETE) that got no response",
                };
                bool delete = e.Kind is ControlEventKind.DeleteChildSa or ControlEventKind.DeleteIkeSa;
                a.Findings.Add(new Finding(FindingCode.EspStopsAfterDelete, Severity.Warning, [lastFrame, e.Frame],
                    $"ESP stops after {what} from the {DataPlaneRules.Peer(sa, e.Sender)} (frame {e.Frame}): the last ESP packet is " +
                    $"frame {lastFrame}, and none follows in the {Seconds(c.CaptureEndNanoseconds - e.TimestampNanoseconds)} the capture goes on. " +
                    (delete
                        ? "Inferred (medium confidence): the tunnel was torn down (cleared, idle timeout, lifetime without a rekey) and " +
                          "no traffic brought it up again. Alternatives: no interesting traffic afterwards."
                        : $"Inferred (medium confidence): the peer of the {DataPlaneRules.Peer(sa, e.Sender)} is unreachable or lost the SA " +
                          "(restarted, a NAT mapping expired, UDP 4500 or 500 blocked); the sender declares it dead after its retries. " +
                          "Alternatives: the answer was lost or not captured."),
                    $"{DataPlaneRules.IosChecks}; `show crypto isakmp sa` / `show crypto ikev2 sa` for the SA state, `debug crypto isakmp` " +
                    "or `debug crypto ikev2` for the DELETE or DPD reason."));
                break;
            }
        }
    }
}

/// <summary>PI705. NAT detected but ESP sent as protocol 50, or no NAT and ESP in UDP.</summary>
public sealed class EncapsulationMismatchRule : IDataPlaneRule
{
    public void Evaluate(DataPlaneContext c)
    {
        foreach (var a in c.Sas)
        {
            var sa = a.Sa;
            var esp = a.DataPlane?.Flows.Where(f => f.Flow.IsEsp && f.Evidence != SpiEvidence.OlderThanNegotiation).ToList() ?? [];
            if (esp.Count == 0) continue;
            // The NAT-D comparison itself: strongSwan and others move IKE to 4500 without a NAT (RFC 7296 §2.23 allows it),
            // and then still send ESP as protocol 50.
            bool nat = sa.NatHashMismatch;
            var odd = esp.Where(f => nat ? f.Flow.Protocol == IpsecProtocol.Esp : f.Flow.Protocol == IpsecProtocol.EspInUdp).ToList();
            if (odd.Count == 0) continue;
            var frames = odd.Select(f => f.Flow.FirstFrame).Order().Take(4).ToList();
            string spis = DataPlaneRules.Spis(odd);
            a.Findings.Add(nat
                ? new Finding(FindingCode.EncapsulationMismatch, Severity.Warning, frames,
                    $"NAT was detected (the NAT-D hashes do not match the addresses) but ESP on SPI {spis} is sent as IP protocol 50, not in " +
                    "UDP 4500 (RFC 3948). Inferred (medium confidence): one side did not apply NAT-T encapsulation (NAT-T disabled, " +
                    "`no crypto ipsec nat-transparency udp-encapsulation`), so the NAT drops or cannot map the ESP. Alternatives: a " +
                    "NAT-D mismatch caused by a load balancer or a proxy that does not translate ESP.",
                    $"{DataPlaneRules.IosChecks} (`in use settings = {{Tunnel UDP-Encaps}}` is expected); allow NAT-T on both sides.")
                : new Finding(FindingCode.EncapsulationMismatch, Severity.Info, frames,
                    $"No NAT was detected (the NAT-D hashes match), but ESP on SPI {spis} is sent in UDP (RFC 3948). Inferred " +
                    "(low confidence): UDP encapsulation forced on one side (strongSwan `encap = yes`, IOS `crypto ipsec " +
                    "nat-transparency udp-encapsulation` with forced encapsulation). Alternatives: NAT-D hashes encrypted or not read.",
                    $"{DataPlaneRules.IosChecks}; check the NAT-T settings of both sides."));
        }
    }
}
