using PcapIke.Exchanges;
using PcapIke.Ike;
using static PcapIke.Findings.SaFacts;

namespace PcapIke.Findings.Rules;

/// <summary>PI301. One finding per distinct error notify (type, sender, step), named and explained.</summary>
public sealed class ErrorNotifyRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        foreach (var g in sa.Notifies.Where(n => n.IsError || n.TypeRaw is > 0 and < 16384)
                     .GroupBy(n => (n.TypeRaw, n.Sender, n.Step)))
        {
            var n = g.First();
            string name = n.TypeName ?? IkeNames.NotifyName(sa.Version, n.TypeRaw) ?? $"notify type {n.TypeRaw}";
            var (meaning, fix) = NotifyMeanings.Of(name);
            int count = g.Count();
            findings.Add(new Finding(FindingCode.ErrorNotify, Severity.Error, g.Select(x => x.Frame).Distinct().Order().ToList(),
                $"The {Side(n.Sender)} sent {name} at {n.Step}{(count > 1 ? $" ({Times(count)})" : "")}" +
                (meaning is null ? "." : $": {meaning}."),
                fix));
        }
    }
}

/// <summary>PI302. An IKEv1 Informational with a zero responder cookie, attached to its SA by the initiator cookie.</summary>
public sealed class InformationalWithZeroResponderCookieRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (sa.Version != 1)
            return;
        foreach (var m in sa.Messages.Where(m => m.Exchange == ExchangeKind.Informational && m.Message.Ike.ResponderSpi == 0))
        {
            var notify = sa.Notifies.FirstOrDefault(n => n.Frame == m.Frame);
            string carried = notify is null ? "" : $" It carries {notify.TypeName ?? $"notify type {notify.TypeRaw}"}.";
            findings.Add(new Finding(FindingCode.InformationalWithZeroResponderCookie, Severity.Info, [m.Frame],
                $"The Informational from the {Side(m.Sender)} in frame {m.Frame} has a zero responder cookie: it was sent before the " +
                $"responder's cookie was known (typically a reply to MM1), and was attached to this SA by the initiator cookie " +
                $"{m.Message.Ike.InitiatorSpiHex}.{carried}"));
        }
    }
}

/// <summary>PI303. A DELETE for the IKE SA or child SAs, from the clear payloads.</summary>
public sealed class DeleteRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        foreach (var m in sa.Messages)
            foreach (var d in m.Message.Ike.Payloads.Select(p => p.Details).OfType<DeleteDetails>())
            {
                bool ikeSa = d.ProtocolId == 1 && (sa.Version == 2 || d.SpiCount <= 1);
                string what = ikeSa
                    ? "the IKE SA"
                    : $"{d.SpiCount} {d.ProtocolName ?? $"protocol {d.ProtocolId}"} SA{(d.SpiCount == 1 ? "" : "s")} (SPI {string.Join(", ", d.Spis)})";
                findings.Add(new Finding(FindingCode.Delete, Severity.Info, [m.Frame],
                    $"The {Side(m.Sender)} deleted {what} at {m.Step} (frame {m.Frame})" +
                    (sa.Outcome == SaOutcome.Established ? "." : ", before the negotiation completed: look for the error that preceded it.")));
            }
    }
}

/// <summary>PI401. NAT detected: NAT-D / NAT_DETECTION_* mismatch, or the negotiation floated to UDP 4500.</summary>
public sealed class NatDetectedRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        if (!sa.NatDetected && !sa.FloatedTo4500)
            return;
        var natd = sa.Messages.Where(m => m.Message.Ike.Payloads.Any(p =>
            p.TypeRaw is (byte)PayloadType.NAT_D or (byte)PayloadType.NAT_D_Draft
            || p.Details is NotifyDetails { TypeRaw: 16388 or 16389 })).Take(2);
        var floated = sa.Messages.Where(m => m.Message.Destination.Port == 4500 || m.Message.Source.Port == 4500).Take(1);
        var frames = FramesOf(natd.Concat(floated));
        findings.Add(new Finding(FindingCode.NatDetected, Severity.Info, frames,
            (sa.NatDetected ? "NAT detected between the peers (the NAT-D hashes do not match their addresses and ports)" : "No NAT mismatch recorded")
            + (sa.FloatedTo4500 ? "; the negotiation floated to UDP 4500 and ESP is UDP-encapsulated (RFC 3947 §4, RFC 7296 §2.23)." : ".")
            + " UDP 4500 and the NAT keepalives must pass the NAT and firewalls."));
    }
}
