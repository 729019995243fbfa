using System.Globalization;
using System.Text.RegularExpressions;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Model;

namespace PcapIke.Reports;

/// <summary>
/// The names people use for the two sides of a negotiation: the router's name from <c>--config</c> (matched by
/// address), else the IKE identity the side sent, else its certificate's common name, else its address.
/// </summary>
public static class SaNames
{
    public static string Of(IkeSa sa, Role side, Scenario? routers)
    {
        var endpoint = side == Role.Initiator ? sa.Initiator : sa.Responder;
        if (routers?.Routers.FirstOrDefault(r => r.Ethernet.Address.Equals(endpoint.Address.ToIPAddress())) is { } router)
            return router.Name;
        string? id = side == Role.Initiator ? sa.InitiatorId : sa.ResponderId;
        if (!string.IsNullOrWhiteSpace(id)) return id;
        string? cert = side == Role.Initiator ? sa.InitiatorCertificate : sa.ResponderCertificate;
        if (cert is not null && CommonName(cert) is { } cn) return cn;
        return endpoint.Address.ToString();
    }

    /// <summary>The cn (or CN) value of an RFC 4514 or IOS-style DN.</summary>
    internal static string? CommonName(string dn) =>
        ReportRedactor.SplitDn(dn).Where(p => p.Type.Equals("cn", StringComparison.OrdinalIgnoreCase)).Select(p => p.Value.Trim())
            .FirstOrDefault(v => v.Length > 0);
}

/// <summary>
/// The answer for one negotiation that did not complete, in the order a TAC engineer writes a case note: what failed
/// and where (one sentence), the root cause with its confidence, the action plan (configuration to paste per router
/// when the model found and checked one, else the advice of the finding), and the commands that confirm it. Built
/// from the SA's outcome and its findings only; both the case report and <c>analyze</c> print it first.
/// </summary>
public sealed partial record SaVerdict(
    /// <summary>"IKE SA 1: R2 (initiator) → R1 (responder), IKEv1: stalled at MM5."</summary>
    string Headline,
    /// <summary>The outcome's detail as one full sentence.</summary>
    string WhatHappened,
    /// <summary>The root cause, one sentence or more, never cut.</summary>
    string Cause,
    /// <summary>"high (the configurations explain it rule by rule)", "medium", "seen" …</summary>
    string Confidence,
    /// <summary>The finding the cause comes from (PI602, PI101 …); empty when no finding names one.</summary>
    string Source,
    IReadOnlyList<string> Steps,
    IReadOnlyList<ConfigFix> Configuration,
    /// <summary>What to change, in words, when no configuration block is known.</summary>
    string? Advice,
    IReadOnlyList<string> ConfirmWith)
{
    /// <summary>The verdict of <paramref name="analyzed"/>; null when it was established.</summary>
    public static SaVerdict? For(AnalyzedSa analyzed, Scenario? routers)
    {
        IkeSa sa = analyzed.Sa;
        if (sa.Outcome == SaOutcome.Established) return null;
        string initiator = SaNames.Of(sa, Role.Initiator, routers), responder = SaNames.Of(sa, Role.Responder, routers);
        string at = sa.LastStep is { } step ? $" at {step}" : "";
        string headline = Sentence(string.Create(CultureInfo.InvariantCulture,
            $"IKE SA {sa.Id}: {initiator} (initiator) → {responder} (responder), {SaReportText.Version(sa)}: {SaReportText.Outcome(sa.Outcome)}{at}"));
        // the detail without the step the headline names already ("at MM5: …")
        string detail = SaReportText.DetailAfterStep(sa.OutcomeDetail, sa.LastStep);
        if (detail.Length == 0) detail = SaReportText.Outcome(sa.Outcome);
        string happened = Sentence(Capitalize(detail) + (sa.OutcomeConfidence == Exchanges.Confidence.Seen ? ""
            : $" (inferred, {Finding.ConfidenceText(sa.OutcomeConfidence)} confidence)"));

        Finding? main = analyzed.Findings.FirstOrDefault(f => f.Cause is not null && f.Severity >= Severity.Warning)
            ?? analyzed.Findings.FirstOrDefault(f => f.Severity == Severity.Error)
            // a capture point that sees one direction explains the rest (a stall, a capture "ending" mid-negotiation)
            ?? (sa.OnlyDirection is null ? null : analyzed.Findings.FirstOrDefault(f => f.Code == FindingCode.MessagesNotCaptured))
            ?? analyzed.Findings.FirstOrDefault(f => f.Severity == Severity.Warning);
        if (main is null)
            return new SaVerdict(headline, happened, "No finding names a cause: the capture shows only what is above.", "", "", [], [], null, []);

        string cause = Sentence(Capitalize(main.Cause ?? main.Inferred ?? FirstSentence(main.Message)));
        string confidence = Sentence(main.Cause is not null
            ? "high: the configurations given explain it rule by rule, and the capture agrees"
            : main.Confidence == Exchanges.Confidence.Seen ? "seen: all of it is on the wire"
            : $"{Finding.ConfidenceText(main.Confidence)}: inferred from the capture (the alternatives are in {main.Id} below)");
        string? advice = main.Configuration.Count > 0 || main.Fix is null ? null : Sentence(BeforeConfirm(main.Fix));
        var confirm = main.ConfirmWith.Count > 0 ? main.ConfirmWith : ConfirmCommands(main.Fix);
        return new SaVerdict(headline, happened, cause, confidence, main.Id, main.Steps, main.Configuration, advice, confirm);
    }

    /// <summary>The lines to paste on <paramref name="fix"/>'s router: <c>R2# configure terminal</c>, the configuration
    /// lines as IOS indents them (a trailing <c>! comment</c> moved to its own line, which IOS ignores), <c>end</c>.</summary>
    public static IReadOnlyList<string> PasteBlock(ConfigFix fix)
    {
        var lines = new List<string> { $"{fix.Router}# configure terminal" };
        foreach (string line in fix.Lines)
        {
            int comment = line.IndexOf(" !", StringComparison.Ordinal);
            if (comment > 0)
            {
                lines.Add("! " + line[(comment + 2)..].Trim());
                lines.Add(line[..comment].TrimEnd());
            }
            else lines.Add(line.TrimEnd());
        }
        lines.Add("end");
        return lines;
    }

    /// <summary>Text ending in a full stop (or another sentence end): never cut.</summary>
    public static string Sentence(string s)
    {
        s = s.Trim();
        return s.Length == 0 || s[^1] is '.' or '!' or '?' ? s : s + ".";
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>The first sentence of a finding's message, whole (a ". " ends it, not a length).</summary>
    public static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }

    /// <summary>A fix text without its "Confirm: …" part (the verdict lists those commands on their own).</summary>
    private static string BeforeConfirm(string fix)
    {
        int i = fix.IndexOf(" Confirm", StringComparison.Ordinal);
        return i > 0 ? fix[..i] : fix;
    }

    /// <summary>The commands in backticks after "Confirm" in a fix text (<c>show crypto isakmp profile</c> …).</summary>
    private static IReadOnlyList<string> ConfirmCommands(string? fix)
    {
        if (fix is null) return [];
        int i = fix.IndexOf("Confirm", StringComparison.Ordinal);
        if (i < 0) return [];
        return Backticked().Matches(fix[i..]).Select(m => m.Groups[1].Value.Trim())
            .Where(c => c.StartsWith("show ", StringComparison.Ordinal) || c.StartsWith("debug ", StringComparison.Ordinal))
            .SelectMany(c => c.Split(" + ", StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
