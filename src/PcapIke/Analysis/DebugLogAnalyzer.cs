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
    /// <summary>With a capture, why the negotiation was lined up with none of its SAs (null when it was, or when no
    /// capture was given): the reports say so rather than leave it unexplained.</summary>
    public string? NotInCapture { get; internal set; }
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
            else if (capture is not null)
                r.NotInCapture = NotInCapture(view, capture);
            results.Add(r);
        }
        return new DebugLogAnalysis(logs, results);
    }

    /// <summary>Why no SA took the negotiation: the first free SA between its peers would have, so an SA between them
    /// means earlier negotiations of the debug took them all.</summary>
    private static string NotInCapture(DebugNegotiationView view, CaptureAnalysis capture)
    {
        var peers = view.Parts.Select(p => p.Peer).OfType<string>().Distinct().ToList();
        if (peers.Count == 0)
            return "not lined up with the capture: its lines name no peer address, so no captured SA can be tied to it";
        string between = string.Join(" and ", peers);
        return capture.Sas.Any(s => DebugAlignment.SamePeers(view, s.Sa))
            ? $"not lined up with the capture: its IKEv{view.Version} SAs with {between} are lined up with earlier negotiations of the debug"
            : $"not in the capture: it holds no IKEv{view.Version} SA with {between}";
    }
}
