using PcapIke.Exchanges;
using static PcapIke.Findings.SaFacts;

namespace PcapIke.Findings.Rules;

internal static class CertRequests
{
    public static string Key(CertRequestEntry e) => IosBuiltInCas.DnKey(e.Dn ?? e.CaHash ?? e.CaName ?? "");

    /// <summary>The message that carried the side's list (strongSwan's IKEv1 Main Mode sends it in MM5/MM6, IOS in
    /// MM3/MM4); the usual one when the list is empty.</summary>
    public static string Where(IkeSa sa, Role side) =>
        (side == Role.Initiator ? sa.InitiatorCertRequests : sa.ResponderCertRequests) is { Count: > 0 } list ? list[0].Step : Usual(sa, side);

    private static string Usual(IkeSa sa, Role side) => (sa.Version, side) switch
    {
        (1, Role.Initiator) => "MM3",
        (1, Role.Responder) => "MM4",
        (_, Role.Initiator) => "IKE_AUTH request",
        _ => "IKE_SA_INIT response",
    };

    public static string List(IReadOnlyList<CertRequestEntry> entries, int max = 3) =>
        string.Join(", ", entries.Take(max).Select(Quote)) + (entries.Count > max ? $", … ({entries.Count} in all)" : "");

    public static IEnumerable<long> Frames(params IReadOnlyList<CertRequestEntry>[] lists) =>
        lists.SelectMany(l => l.Select(e => e.Frame)).Distinct().Order();
}

/// <summary>PI201. Both sides' CERT_REQ lists name the same CAs (at least two in common) in a different order.</summary>
public sealed class CertRequestOrderDiffersRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        var i = sa.InitiatorCertRequests;
        var r = sa.ResponderCertRequests;
        var common = i.Select(CertRequests.Key).Intersect(r.Select(CertRequests.Key)).ToHashSet();
        if (common.Count < 2)
            return;
        var iOrder = i.Select(CertRequests.Key).Where(common.Contains).Distinct().ToList();
        var rOrder = r.Select(CertRequests.Key).Where(common.Contains).Distinct().ToList();
        if (iOrder.SequenceEqual(rOrder))
            return;
        findings.Add(new Finding(FindingCode.CertRequestOrderDiffers, Severity.Warning, CertRequests.Frames(i, r).ToList(),
            $"The two CERT_REQ lists name the same CAs in a different order: the initiator's {CertRequests.Where(sa, Role.Initiator)} asks for " +
            $"{CertRequests.List(i)}; the responder's {CertRequests.Where(sa, Role.Responder)} asks for {CertRequests.List(r)}. " +
            "Each side takes the first CA it has a trustpoint for (first-match rule), so the certificate each side sends depends on who " +
            "initiates; the order is the sender's certificate store order (newest enrolment first).",
            "Use symmetric trustpoint configuration on both peers so either certificate validates, or enrol so both stores list the common CA first."));
    }
}

/// <summary>PI204. The first entries of the two CERT_REQ lists differ.</summary>
public sealed class CertRequestFirstEntryDiffersRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        var i = sa.InitiatorCertRequests;
        var r = sa.ResponderCertRequests;
        if (i.Count == 0 || r.Count == 0 || CertRequests.Key(i[0]) == CertRequests.Key(r[0]))
            return;
        findings.Add(new Finding(FindingCode.CertRequestFirstEntryDiffers, Severity.Warning, [i[0].Frame, r[0].Frame],
            $"The CERT_REQ lists start with different CAs: initiator {Quote(i[0])} ({CertRequests.Where(sa, Role.Initiator)}), " +
            $"responder {Quote(r[0])} ({CertRequests.Where(sa, Role.Responder)}). " + Picks(sa, i[0], r[0]) +
            "; if either side validates against a restricted trustpoint list that lacks the other's pick, the tunnel only comes up from one side.",
            ForPlatform(sa, "Configure both peers to trust the same CAs, or enrol so both list the same CA first.",
                "Configure the same trustpoints on both peers' profiles, or enrol so both stores list the same CA first. " +
                "Confirm with `show crypto pki certificates` on both routers (the first certificate listed is the newest, its CA is requested first) " +
                "and the profiles' `ca trust-point` / `pki trustpoint` lines."))
        {
            Confidence = sa.InitiatorCertificateIssuer is not null && sa.ResponderCertificateIssuer is not null ? Exchanges.Confidence.Seen : Exchanges.Confidence.Medium,
        });
    }

    /// <summary>What each side signed with: the issuer of the certificate it sent when that is known (a clear or
    /// decrypted CERT), else the first-match prediction (rules I2/V2: the first CA of the peer's list it has a
    /// trustpoint for — IOS behaviour; other implementations pick by configuration).</summary>
    private static string Picks(IkeSa sa, CertRequestEntry initiatorFirst, CertRequestEntry responderFirst)
    {
        string initiator = sa.InitiatorCertificateIssuer is { } ii
            ? $"the initiator signed with its certificate from {ii}"
            : $"by first-match the initiator most likely signs with its certificate from {responderFirst.Display}";
        string responder = sa.ResponderCertificateIssuer is { } ri
            ? $"the responder signed with its certificate from {ri}"
            // its authentication message was decrypted and carried no certificate (e.g. an error-only IKE_AUTH response)
            : sa.Messages.Any(m => m.Sender == Role.Responder && m.Exchange is ExchangeKind.IkeAuth or ExchangeKind.MainMode
                                   && m.Message.Decryption is { IsOk: true })
                ? "the responder sent no certificate"
                : $"by first-match the responder most likely signs with its certificate from {initiatorFirst.Display}";
        return char.ToUpperInvariant(initiator[0]) + initiator[1..] + " and " + responder;
    }
}

/// <summary>
/// What each side signed with: the issuer of the certificate it sent when that is known (clear or decrypted CERT),
/// else the first-match prediction (rule I2/V2: the first CERT_REQ of the peer's list it has a trustpoint for).
/// </summary>

/// <summary>PI203. An initiator sent exactly one CERT_REQ: its profile restricts it with `ca trust-point` (rule I1).</summary>
public sealed class CertRequestRestrictedInitiatorRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        var i = sa.InitiatorCertRequests;
        if (i.Count != 1 || i[0].Display == "(any CA)")
            return;
        string config = sa.Version == 1 ? "`ca trust-point` in its ISAKMP profile" : "`pki trustpoint` in its IKEv2 profile";
        string seen = $"the initiator's {CertRequests.Where(sa, Role.Initiator)} carries a single CERT_REQ, for {Quote(i[0])}";
        findings.Add(SaFacts.AnyIos(sa)
            ? Finding.Inference(FindingCode.CertRequestRestrictedInitiator, Severity.Info, [i[0].Frame], seen,
                $"it is restricted by {config}: it asks only for that CA and validates the responder's certificate against that trustpoint only; as a responder the same " +
                "router requests every global trustpoint (the profile is not known before MM5), so the reverse direction may pick a different certificate",
                Exchanges.Confidence.Medium, ["the router has only that one CA's trustpoint"])
            : Finding.Inference(FindingCode.CertRequestRestrictedInitiator, Severity.Info, [i[0].Frame], seen,
                "the initiator trusts (or is configured to use) just that CA, and expects the responder's certificate from it",
                Exchanges.Confidence.Medium, ["it trusts more CAs but names only one in its request"]));
    }
}

/// <summary>PI202. A CERT_REQ list carries the IOS built-in CAs: the sender requested every global trustpoint.</summary>
public sealed class CertRequestAllGlobalTrustpointsRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        foreach (var (side, list) in new[] { (Role.Initiator, sa.InitiatorCertRequests), (Role.Responder, sa.ResponderCertRequests) })
        {
            var builtIns = list.Where(e => IosBuiltInCas.IsBuiltIn(e.Dn ?? e.CaName)).ToList();
            if (builtIns.Count == 0)
                continue;
            var configured = list.Where(e => !IosBuiltInCas.IsBuiltIn(e.Dn ?? e.CaName)).ToList();
            string why = side == Role.Responder
                ? "as expected for a responder (it cannot apply a profile's `ca trust-point` before MM5 names the peer)"
                : "so its profile has no `ca trust-point` restriction";
            findings.Add(new Finding(FindingCode.CertRequestAllGlobalTrustpoints, Severity.Info, CertRequests.Frames(list).ToList(),
                $"The {Side(side)}'s {CertRequests.Where(sa, side)} CERT_REQ list ({list.Count} entries) carries {builtIns.Count} IOS built-in CA" +
                $"{(builtIns.Count == 1 ? "" : "s")} ({string.Join("; ", builtIns.Select(e => e.Display))}): an IOS peer that requested every " +
                $"global trustpoint, {why}. Its configured CAs, in store order (newest enrolment first): " +
                $"{(configured.Count == 0 ? "none" : CertRequests.List(configured, 5))}."));
        }
    }
}
