using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Model;
using PcapIke.Model.Ios;

namespace PcapIke.Analysis;

/// <summary>One negotiation of the debug logs with what the analysis says of it: the logs' own account (PI801), the
/// comparison with the model for <c>--config</c> (PI802, else PI601–PI605), and, with a capture, the SA it lines up
/// with (PI803, PI804).</summary>
public sealed class DebugNegotiationResult
{
    internal DebugNegotiationResult(DebugNegotiationView view) => View = view;

    public DebugNegotiationView View { get; }
    public List<Finding> Findings { get; } = [];
    /// <summary>The model's prediction for the configurations given, when it ran.</summary>
    public DecisionTrace? ModelTrace { get; internal set; }
    /// <summary>The captured SA the negotiation lines up with, and how.</summary>
    public AnalyzedSa? CapturedSa { get; internal set; }
    public DebugAlignment? Alignment { get; internal set; }
}

/// <summary>The routers' debug logs read as evidence (docs/debug-logs.md): what the reports read.</summary>
public sealed record DebugLogAnalysis(IReadOnlyList<IosDebugLog> Logs, IReadOnlyList<DebugNegotiationResult> Negotiations)
{
    /// <summary>The logs' names, as the findings cite them.</summary>
    public string Source => string.Join(", ", Logs.Select(l => l.Source));
}

/// <summary>Wires the debug-log stage: the logs → negotiations paired across routers → their findings, against the
/// model with the routers' configurations, and lined up with a capture's SAs when one is given.</summary>
public static class DebugLogAnalyzer
{
    public static DebugLogAnalysis Analyze(IReadOnlyList<IosDebugLog> logs, Scenario? routers = null, CaptureAnalysis? capture = null)
    {
        string source = string.Join(", ", logs.Select(l => l.Source));
        var results = new List<DebugNegotiationResult>();
        var used = new HashSet<AnalyzedSa>();
        foreach (DebugNegotiationView view in DebugEvidence.Pair(logs))
        {
            var r = new DebugNegotiationResult(view);
            r.Findings.Add(DebugEvidence.Summary(view, source, routers is not null));
            if (routers is not null)
                r.Findings.AddRange(DebugEvidence.Compare(view, routers, source, t => r.ModelTrace = t));
            if (capture is not null && capture.Sas.FirstOrDefault(s => !used.Contains(s) && DebugAlignment.SamePeers(view, s.Sa)) is { } sa)
            {
                used.Add(sa);
                r.CapturedSa = sa;
                r.Alignment = DebugAlignment.Align(view, sa.Sa);
                r.Findings.AddRange(r.Alignment.Findings(sa.Sa, source));
            }
            results.Add(r);
        }
        return new DebugLogAnalysis(logs, results);
    }
}
