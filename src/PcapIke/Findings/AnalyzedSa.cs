using PcapIke.DataPlane;
using PcapIke.Exchanges;

namespace PcapIke.Findings;

/// <summary>
/// One IKE SA as the analysis result holds it: the SA the exchanges stage correlated (<see cref="Sa"/>, which knows
/// nothing of findings), what the rules found about it (<see cref="Findings"/>: the model's explanation first with
/// <c>--config</c>, then the finding and data-plane rules, ordered most important first) and its share of the data plane.
/// Built by <c>Analysis/CaptureAnalyzer</c>; the reports read it.
/// </summary>
public sealed class AnalyzedSa
{
    public AnalyzedSa(IkeSa sa) => Sa = sa;

    public IkeSa Sa { get; }
    public List<Finding> Findings { get; } = new();
    /// <summary>The ESP/AH SPIs tied to this SA, its child SA negotiations and DELETEs (src/PcapIke/DataPlane/,
    /// <see cref="DataPlaneCorrelator"/>); null only in a streamed analysis that had counted no ESP/AH packet when the
    /// SA was finished.</summary>
    public SaDataPlane? DataPlane { get; set; }

    /// <summary>The findings ordered by severity, most important first; stable, so equal severities keep their order.</summary>
    internal void OrderFindings()
    {
        if (Findings.Count < 2) return;
        var ordered = Findings.OrderByDescending(f => f.Severity).ToList();
        Findings.Clear();
        Findings.AddRange(ordered);
    }
}
