using PcapIke.Exchanges;
using PcapIke.Findings;

namespace PcapIke.Model;

/// <summary>
/// Sets each negotiation of a capture against the selection model's prediction for the routers' configurations
/// (<c>analyze --config</c>): where the capture contradicts the configurations (PI601); a failure explained rule by
/// rule with a fix the model has checked in both directions (PI602); a negotiation that works but is predicted to
/// fail the other way round (PI603); and, when all agrees, what each side chose and why (PI605). The routers are
/// matched to the capture by their IKE addresses (PI604 when they cannot be).
/// </summary>
public static class CaptureExplainer
{
    /// <summary>Adds each SA's explanation to its <see cref="AnalyzedSa.Findings"/>; <paramref name="traces"/>, when
    /// given, receives the model's decision trace for each SA it could be predicted for (the configurations as given,
    /// before anything was filled in from the capture): what the reports show as "the model's choice".
    /// <paramref name="source"/> names what the SAs were read from in the texts: "capture", or "debug" when
    /// <see cref="DebugEvidence"/> gives the routers' logs as an SA.</summary>
    public static void Explain(IReadOnlyList<AnalyzedSa> sas, Scenario routers, IDictionary<AnalyzedSa, DecisionTrace>? traces = null, string source = "capture")
    {
        var reverseCache = new Dictionary<string, DirectionPrediction>(StringComparer.Ordinal);
        foreach (AnalyzedSa analyzed in sas)
        {
            IkeSa sa = analyzed.Sa;
            try
            {
                routers = Explain(analyzed, routers, reverseCache, traces, source);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Configurations are user input: a combination the model cannot simulate must not end the analysis.
                analyzed.Findings.Add(new Finding(FindingCode.ConfigurationsDoNotMatch, Severity.Info,
                    sa.Messages.Count > 0 ? [sa.Messages[0].Frame] : [],
                    $"The selection model could not be applied to the configurations given ({ex.GetType().Name}: {ex.Message}); this negotiation is explained from the {source} alone.",
                    "Check that the configurations are complete (trustpoints, profiles and the tunnel's ipsec profile of both routers)."));
            }
        }
    }

    /// <summary>Explains one SA; returns the routers, with the CAs the configurations left unknown filled from the
    /// capture when it showed them.</summary>
    private static Scenario Explain(AnalyzedSa sa, Scenario routers, Dictionary<string, DirectionPrediction> cache,
        IDictionary<AnalyzedSa, DecisionTrace>? traces, string source)
    {
        Explain(sa.Sa, sa.Findings, ref routers, cache, trace => { if (traces is not null) traces[sa] = trace; }, source);
        return routers;
    }

    private static void Explain(IkeSa sa, List<Finding> findings, ref Scenario routers, Dictionary<string, DirectionPrediction> cache,
        Action<DecisionTrace> predicted, string source)
    {
        RouterSpec? initiator = routers.Routers.FirstOrDefault(r => r.Ethernet.Address.Equals(sa.Initiator.Address.ToIPAddress()));
        RouterSpec? responder = routers.Routers.FirstOrDefault(r => r.Ethernet.Address.Equals(sa.Responder.Address.ToIPAddress()));
        long first = sa.Messages.Count > 0 ? sa.Messages[0].Frame : 0;
        if (initiator is null || responder is null || ReferenceEquals(initiator, responder))
        {
            findings.Add(new Finding(FindingCode.ConfigurationsDoNotMatch, Severity.Info, [first],
                $"The configurations given ({string.Join(", ", routers.Routers.Select(r => $"{r.Name} {r.Ethernet.Address}"))}) are not those of " +
                $"this negotiation's peers ({sa.Initiator.Address} → {sa.Responder.Address}): it is explained from the {source} alone.",
                "Give the running-config and `show crypto pki certificates` of both peers (--config), one file or several per router."));
            return;
        }
        int configuredVersion = initiator.Ipsec.Ikev2Profile is not null ? 2 : 1;
        if (configuredVersion != sa.Version)
        {
            findings.Add(new Finding(FindingCode.ModelContradictsCapture, Severity.Warning, [first],
                $"{initiator.Name}'s tunnel is configured for IKEv{configuredVersion} (crypto ipsec profile {initiator.Ipsec.ProfileName}), " +
                $"but this negotiation is IKEv{sa.Version}: the configuration is not the one of the time of the capture, or another " +
                "tunnel or crypto map started it.", null));
            return;
        }

        DirectionPrediction p = Predicted(routers, initiator.Name, cache);
        predicted(p.Trace);
        var filled = new List<string>();
        if (FillUnknownCas(sa, p, routers, filled) is { } completed)
        {
            routers = completed;
            cache.Clear();
            p = Predicted(routers, initiator.Name, cache);
        }
        var contradictions = Contradictions(sa, p, routers);
        string hypothesis = "";
        if (contradictions.Count > 0 && routers.InferredRouters.Count > 0 && Hypothesis(sa, routers, initiator.Name) is { } h)
        {
            // What the capture cannot show of the inferred peer (e.g. a responder's validation list, I1/I4): the one
            // change of it that makes the model reproduce the capture.
            routers = h.Edit.Apply(routers);
            cache.Clear();
            p = Predicted(routers, initiator.Name, cache);
            contradictions = Contradictions(sa, p, routers);
            Scenario withHypothesis = routers;
            string cas = string.Join(", ", (h.Edit switch
            {
                SetIsakmpCaTrustPoints e => e.TrustPoints,
                SetIkev2PkiTrustpoints e => e.TrustPoints,
                _ => [],
            }).Select(tp => $"{tp} = {withHypothesis.Ca(withHypothesis.Router(h.Edit.Router).Trustpoint(tp).Ca).Subject}"));
            hypothesis = $" (Inferred, as the only change of the unseen {h.Edit.Router} that reproduces the capture: {h.Edit.Describe()}{(cas.Length > 0 ? $" ({cas})" : "")}; confirm with its `show crypto isakmp profile` / `show crypto ikev2 profile`.)";
        }
        if (contradictions.Count > 0)
        {
            findings.Add(new Finding(FindingCode.ModelContradictsCapture, Severity.Warning, contradictions.SelectMany(c => c.Frames).Distinct().Order().ToArray(),
                $"The {source} contradicts the configurations given: " + string.Join(" ", contradictions.Select(c => c.Text)) +
                " The configurations or certificate listings are not those of the time of the capture (a re-enrollment, " +
                $"a changed profile), or belong to other routers; the explanation below follows the {source}.",
                "Collect `show running-config` and `show crypto pki certificates` from both routers at the time of a new capture."));
            return;
        }

        string chain = Chain(p) + (filled.Count > 0 ? $" (From the {source}: " + string.Join("; ", filled) + ".)" : "") + hypothesis;
        long[] evidence = sa.Messages.Where(m => !m.IsRetransmission).Select(m => m.Frame).ToArray();
        if (!p.Succeeds)
        {
            var fixes = FixFinder.Find(routers, 1);
            string fixText = fixes.Count == 0
                ? "No single or paired change of the profiles' trustpoint lines, overlapping profiles or enrollment order makes both directions work in the model; review the trustpoints on both routers."
                : FixText(routers, fixes[0]);
            findings.Add(new Finding(FindingCode.ModelExplainsFailure, Severity.Error, evidence,
                $"The configurations explain the failure ({initiator.Name} initiates, IKEv{p.Version}: {Outcome(p.Outcome)}): {Conclusion(p)}. Rule by rule: {chain}", fixText)
            {
                Cause = $"{Conclusion(p)}.",
                Steps = ChainSteps(p),
                Configuration = fixes.Count == 0 ? [] : Configuration(routers, fixes[0]),
                ConfirmWith = ConfirmCommands(p.Version),
            });
            return;
        }

        DirectionPrediction reverse = Predicted(routers, responder.Name, cache);
        string choices = Choices(p);
        if (!reverse.Succeeds)
        {
            var fixes = FixFinder.Find(routers, 1);
            findings.Add(new Finding(FindingCode.ReverseDirectionFails, Severity.Warning, evidence,
                $"This negotiation works ({choices}), but when {responder.Name} initiates the model predicts: {Outcome(reverse.Outcome)}: {Chain(reverse)} " +
                "The tunnel only comes up from one side.",
                fixes.Count == 0 ? null : FixText(routers, fixes[0]))
            {
                Cause = $"When {responder.Name} initiates: {Conclusion(reverse)} ({Outcome(reverse.Outcome)}).",
                Steps = ChainSteps(reverse),
                Configuration = fixes.Count == 0 ? [] : Configuration(routers, fixes[0]),
                ConfirmWith = ConfirmCommands(reverse.Version),
            });
            return;
        }
        findings.Add(new Finding(FindingCode.ModelAgrees, Severity.Info, evidence,
            $"The configurations explain this negotiation, and the model predicts success in both directions: {choices}. " +
            $"When {responder.Name} initiates: {Choices(reverse)}.", null));
    }

    /// <summary>The routers with the CAs their configurations left unknown filled in from what <paramref name="sa"/>
    /// shows (see <see cref="FillUnknownCas"/>); <paramref name="filled"/> says what was filled.</summary>
    internal static Scenario WithCasFrom(IkeSa sa, Scenario routers, string initiator, List<string> filled) =>
        FillUnknownCas(sa, SelectionModel.Predict(routers, initiator), routers, filled) ?? routers;

    /// <summary>True when <paramref name="dn"/> is the placeholder CA <c>cn=TRUSTPOINT</c> of a trustpoint whose CA the
    /// configurations did not show.</summary>
    internal static bool IsPlaceholderCa(Scenario s, string dn) =>
        s.Cas.Any(c => Key(c.Subject) == Key(dn) && Key(c.Subject) == Key("cn=" + c.Name));

    /// <summary>
    /// The configurations may not show a trustpoint's CA (a truncated listing, a chain not pasted): the model then has a
    /// placeholder CA <c>cn=TRUSTPOINT</c>. An IKEv1 CERT_REQ list of the same length names the real CAs in the same
    /// positions (the router's store order, I1), so the capture fills them in. Null when nothing was filled.
    /// </summary>
    private static Scenario? FillUnknownCas(IkeSa sa, DirectionPrediction p, Scenario s, List<string> filled)
    {
        if (p.Version != 1) return null;
        var cas = s.Cas.ToList();
        var routers = s.Routers.ToList();
        bool changed = false;
        foreach (var (observed, label) in new[] { (sa.InitiatorCertRequests, "MM3"), (sa.ResponderCertRequests, "MM4") })
        {
            var predicted = p.Trace.CertRequestLists.FirstOrDefault(c => c.Message == label);
            if (predicted.CaDns is null || observed.Count != predicted.CaDns.Count) continue;
            for (int i = 0; i < observed.Count; i++)
            {
                int at = cas.FindIndex(c => c.Subject == predicted.CaDns[i] && Key(c.Subject) == Key("cn=" + c.Name));
                if (at < 0 || observed[i].Dn is not { } dn || Key(dn) == Key(cas[at].Subject)) continue;
                string placeholder = cas[at].Name;
                filled.Add($"the CA of trustpoint {placeholder} is {dn} ({label} CERT_REQ #{i + 1}; the configurations did not show it)");
                if (cas.FirstOrDefault(c => Key(c.Subject) == Key(dn)) is { } known)
                {
                    // A CA the other router's text showed: the trustpoint is enrolled with it.
                    cas.RemoveAt(at);
                    routers = routers.Select(r => r with
                    {
                        Trustpoints = r.Trustpoints.Select(t => t.Ca == placeholder ? t with { Ca = known.Name } : t).ToArray(),
                    }).ToList();
                }
                else
                    cas[at] = cas[at] with { Subject = dn };
                changed = true;
            }
        }
        return changed ? s with { Cas = cas, Routers = routers } : null;
    }

    private static DirectionPrediction Predicted(Scenario s, string initiator, Dictionary<string, DirectionPrediction> cache)
    {
        if (!cache.TryGetValue(initiator, out var p))
            cache[initiator] = p = SelectionModel.Predict(s, initiator);
        return p;
    }

    private sealed record Contradiction(long[] Frames, string Text);

    /// <summary>Where the wire differs from the prediction: the CERT_REQ lists (IKEv1 by DN; IKEv2 by count, and by
    /// DN where the hashes were named), the certificates' issuers when decrypted, and the outcome.</summary>
    private static List<Contradiction> Contradictions(IkeSa sa, DirectionPrediction p, Scenario s)
    {
        var list = new List<Contradiction>();
        DecisionTrace n = p.Trace;
        foreach (var (observed, role, label) in new[]
                 {
                     (sa.InitiatorCertRequests, Role.Initiator, p.Version == 1 ? "MM3" : "IKE_AUTH request"),
                     (sa.ResponderCertRequests, Role.Responder, p.Version == 1 ? "MM4" : "IKE_SA_INIT response"),
                 })
        {
            var predicted = n.CertRequestLists.FirstOrDefault(c => c.Message == label);
            if (predicted.CaDns is null || observed.Count == 0) continue;
            string router = role == Role.Initiator ? p.Initiator : p.Responder;
            long[] frames = observed.Select(o => o.Frame).Distinct().ToArray();
            bool named = observed.All(o => o.Dn is not null);
            if (observed.Count != predicted.CaDns.Count)
                list.Add(new Contradiction(frames, $"{router}'s {label} carries {observed.Count} CERT_REQ entries where its configuration gives {predicted.CaDns.Count} ({string.Join(", ", predicted.CaDns)})."));
            else if (named && !observed.Select(o => Key(o.Dn!)).SequenceEqual(predicted.CaDns.Select(Key)))
                list.Add(new Contradiction(frames, $"{router}'s {label} asks for {string.Join(", ", observed.Select(o => o.Dn))} in this order, where its configuration and certificate store give {string.Join(", ", predicted.CaDns)}."));
        }
        foreach (var (issuer, router) in new[] { (sa.InitiatorCertificateIssuer, p.Initiator), (sa.ResponderCertificateIssuer, p.Responder) })
        {
            if (issuer is null || !n.CertificateSent.TryGetValue(router, out string? tp)) continue;
            string expected = s.Ca(s.Router(router).Trustpoint(tp).Ca).Subject;
            if (Key(issuer) != Key(expected))
                list.Add(new Contradiction([], $"{router} sent a certificate issued by {issuer}, where the model has it choose trustpoint {tp} ({expected})."));
        }
        bool observedOk = sa.Outcome == SaOutcome.Established;
        bool incomplete = sa.Outcome == SaOutcome.Incomplete && p.Outcome == NegotiationOutcome.InitiatorAborted;
        if (observedOk != p.Succeeds && !incomplete)
            list.Add(new Contradiction([], $"the negotiation {(observedOk ? "was established" : "failed (" + sa.OutcomeDetail + ")")}, where the model predicts: {Outcome(p.Outcome)}."));
        return list;
    }

    private sealed record HypothesisResult(ConfigEdit Edit);

    /// <summary>The single edits of the inferred routers (their trustpoint lines) with which the model reproduces the
    /// capture; one only if exactly one does, else null (ambiguous or none).</summary>
    private static HypothesisResult? Hypothesis(IkeSa sa, Scenario routers, string initiator)
    {
        var hits = new List<ConfigEdit>();
        foreach (ConfigEdit edit in FixFinder.Candidates(routers).Where(e => routers.InferredRouters.Contains(e.Router) && e is not Reenroll))
        {
            Scenario s = edit.Apply(routers);
            if (Contradictions(sa, SelectionModel.Predict(s, initiator), s).Count == 0)
                hits.Add(edit);
        }
        return hits.Count == 1 ? new HypothesisResult(hits[0]) : null;
    }

    /// <summary>The decisive step: the last decision with a rule (where the negotiation failed).</summary>
    private static string Conclusion(DirectionPrediction p) =>
        p.Trace.Refusal is { } refusal ? $"{refusal.Router} {(refusal.Rule.Length > 0 ? $"[{refusal.Rule}] " : "")}{refusal.Text}"
        : p.Trace.Log.LastOrDefault(l => l.Rule.Length > 0) is { } last ? $"{last.Router} [{last.Rule}] {last.Text}" : Outcome(p.Outcome);

    /// <summary>The decisions with their rules, in order: "R2 [I1] …; R1 [I2] …".</summary>
    private static string Chain(DirectionPrediction p) => string.Join("; ", ChainSteps(p)) + ".";

    /// <summary>The decisions with their rules, one a line: "R2 [I1] …", "R1 [I2] …".</summary>
    private static IReadOnlyList<string> ChainSteps(DirectionPrediction p) =>
        p.Trace.Log.Where(l => l.Rule.Length > 0).Select(l => $"{l.Router} [{l.Rule}] {l.Text}").ToArray();

    /// <summary>The fix's lines per router, as IOS configuration, with what the model checked.</summary>
    private static IReadOnlyList<ConfigFix> Configuration(Scenario s, VerifiedFix fix)
    {
        string after = string.Join(", ", fix.After.Directions.Select(d => $"{d.Initiator} initiates: {Outcome(d.Outcome)}"));
        return fix.Edits.GroupBy(e => e.Router, StringComparer.Ordinal)
            .Select(g => new ConfigFix(g.Key, g.SelectMany(e => e.IosLines(s)).ToArray(), $"checked with the model: {after}"))
            .ToArray();
    }

    /// <summary>What confirms a certificate-selection cause on IOS (the technote's commands).</summary>
    private static IReadOnlyList<string> ConfirmCommands(int version) => version == 1
        ? ["show crypto isakmp profile", "show crypto pki certificates", "debug crypto isakmp", "debug crypto pki validation"]
        : ["show crypto ikev2 profile", "show crypto pki certificates", "debug crypto ikev2", "debug crypto pki validation"];

    private static string Choices(DirectionPrediction p)
    {
        var sent = p.Trace.CertificateSent.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} signs with {c.Value}");
        var why = p.Trace.Log.Where(l => l.Rule is "I2" or "V2" && l.Text.Contains("first", StringComparison.Ordinal))
            .Select(l => $"{l.Router}: {l.Text}");
        return string.Join(", ", sent) + (why.Any() ? " (" + string.Join("; ", why) + ")" : "");
    }

    private static string FixText(Scenario s, VerifiedFix fix)
    {
        var lines = fix.Edits.Select(e => $"{e.Router}: " + string.Join(" / ", e.IosLines(s).Select(l => l.Trim())));
        string after = string.Join(", ", fix.After.Directions.Select(d => $"{d.Initiator} initiates: {Outcome(d.Outcome)}"));
        return $"{fix.Describe()} — {string.Join("; ", lines)}. Checked with the model: {after}.";
    }

    private static string Outcome(NegotiationOutcome o) => o switch
    {
        NegotiationOutcome.Established => "established",
        NegotiationOutcome.ChildSaFailed => "IKE SA up, Child SA refused",
        NegotiationOutcome.AuthenticationFailed => "authentication fails",
        NegotiationOutcome.InitiatorAborted => "the initiator stops before IKE_AUTH",
        NegotiationOutcome.NoProposalChosen => "no proposal chosen",
        _ => o.ToString(),
    };

    private static string Key(string dn) => IosBuiltInCas.DnKey(dn);
}
