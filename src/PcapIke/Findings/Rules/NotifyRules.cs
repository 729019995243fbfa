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
            // IOS commands only where a peer is IOS (by its vendor IDs)
            if (fix is not null && !AnyIos(sa) && fix.IndexOf(" Confirm on the sender with `show crypto", StringComparison.Ordinal) is int at and >= 0)
                fix = fix[..at] + (AnyStrongSwan(sa) ? " Confirm in the sender's charon log." : " Confirm in the sender's IKE log.");
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
            (sa.NatHashMismatch ? "NAT detected between the peers (the NAT-D hashes do not match their addresses and ports)" : "The NAT-D hashes match the addresses seen (the capture point may be on the inside of the NAT)")
            + (sa.FloatedTo4500 ? "; the negotiation floated to UDP 4500 and ESP is UDP-encapsulated (RFC 3947 §4, RFC 7296 §2.23)." : ".")
            + " UDP 4500 and the NAT keepalives must pass the NAT and firewalls."));
    }
}

/// <summary>
/// PI402. Weak algorithms offered or chosen: DH groups, ciphers and hashes that RFC 8247 §2.4/§3.2 (IKEv2) and
/// RFC 9395 (IKEv1 deprecation) say MUST NOT or SHOULD NOT be used any more.
/// </summary>
public sealed class WeakAlgorithmsRule : IFindingRule
{
    // RFC 8247: MODP 768 (1) MUST NOT, MODP 1024 (2) and MODP 1536 (5) SHOULD NOT, groups 22-24 SHOULD NOT;
    // DES MUST NOT; MD5 (PRF and integrity) MUST NOT. 3DES and SHA-1 are "MAY"/"MUST-" (legacy, phasing out).
    private static readonly HashSet<string> s_weak = new(StringComparer.OrdinalIgnoreCase)
    {
        "MODP_768", "MODP_1024", "MODP_1536", "MODP_1024_S160", "MODP_2048_S224", "MODP_2048_S256",
        "DES_CBC", "ENCR_DES", "MD5", "PRF_HMAC_MD5", "AUTH_HMAC_MD5_96", "AUTH_HMAC_MD5_128",
    };
    private static readonly HashSet<string> s_legacy = new(StringComparer.OrdinalIgnoreCase)
    {
        "TripleDES_CBC", "ENCR_3DES", "SHA", "PRF_HMAC_SHA1", "AUTH_HMAC_SHA1_96",
    };

    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        var proposals = sa.Chosen is { } c ? new[] { c } : sa.Offered.ToArray();
        if (proposals.Length == 0)
            return;
        var names = proposals.SelectMany(p => new[] { p.Encryption, p.Integrity, p.Prf, p.DhGroup }).OfType<string>().Distinct().ToList();
        var weak = names.Where(s_weak.Contains).ToList();
        var legacy = names.Where(s_legacy.Contains).ToList();
        if (weak.Count == 0 && legacy.Count == 0)
            return;
        var evidence = sa.Messages.Where(m => m.Message.Ike.Payloads.Any(p => p.Details is SaDetails)).Take(2).Select(m => m.Frame).ToList();
        string which = sa.Chosen is null ? "offered" : "chosen";
        string text = weak.Count > 0
            ? $"Weak algorithms {which}: {string.Join(", ", weak)} (RFC 8247: MODP 768/1024/1536 and groups 22–24, DES and MD5 must not or should not be used)"
            : $"Legacy algorithms {which}: {string.Join(", ", legacy)} (RFC 8247: 3DES and SHA-1 are being phased out)";
        if (weak.Count > 0 && legacy.Count > 0) text += $"; legacy: {string.Join(", ", legacy)}";
        findings.Add(new Finding(FindingCode.WeakAlgorithms, weak.Count > 0 ? Severity.Warning : Severity.Info, evidence,
            text + (sa.Version == 1 ? ". IKEv1 itself is deprecated (RFC 9395)." : "."),
            ForPlatform(sa, "Offer AES-GCM or AES-CBC with SHA-256 or better and DH group 14, 19, 20 or 31 on both peers.",
                "Offer AES-GCM or AES-CBC with SHA-256 or better and DH group 14, 19, 20 or 31 on both peers (IOS: `crypto ikev2 proposal` / `crypto isakmp policy`).",
                "Offer AES-GCM or AES-CBC with SHA-256 or better and DH group 14, 19, 20 or 31 on both peers (strongSwan: the `proposals` of the connection).")));
    }
}
