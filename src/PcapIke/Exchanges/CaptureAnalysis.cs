using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.Exchanges;

/// <summary>What an analysis may use beyond the capture.</summary>
public sealed class AnalysisOptions
{
    /// <summary>Known CA certificates (from <c>--ca FILE|DIR</c>, PEM or DER) to name IKEv2 CERTREQ hashes.</summary>
    public CaCatalog Cas { get; init; } = new();
    public FrameDecoderOptions? Decoder { get; init; }
    /// <summary>Keys to decrypt encrypted messages with (<c>--keys</c>); null: no decryption.</summary>
    public Decryption.KeyRing? Keys { get; init; }
    /// <summary>An SA idle this long in capture time is finished early (<see cref="ExchangeCorrelator.IdleTimeout"/>);
    /// null: never.</summary>
    public TimeSpan? SaIdleTimeout { get; init; } = ExchangeCorrelator.DefaultIdleTimeout;
    /// <summary>The two routers' configurations (<c>--config</c>): each SA is then set against the selection model's
    /// prediction (<see cref="Model.CaptureExplainer"/>); null: explained from the capture alone.</summary>
    public Forge.Scenario? Routers { get; init; }

    /// <summary>These options with <paramref name="routers"/>.</summary>
    public AnalysisOptions With(Forge.Scenario routers) => new()
    {
        Cas = Cas, Decoder = Decoder, Keys = Keys, SaIdleTimeout = SaIdleTimeout, Routers = routers,
    };
}

/// <summary>The IKE SAs of one capture, with the scan statistics and malformations.</summary>
public sealed record CaptureAnalysis(
    string File,
    IReadOnlyList<IkeSa> Sas,
    ScanStatistics Statistics,
    IReadOnlyList<Malformation> Malformations,
    long DroppedMalformations);

/// <summary>A streamed analysis (<see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{IkeSa})"/>):
/// what <see cref="CaptureAnalysis"/> holds except the SAs, which went to the callback.</summary>
public sealed record StreamedCaptureAnalysis(
    string File,
    int SaCount,
    ScanStatistics Statistics,
    IReadOnlyList<Malformation> Malformations,
    long DroppedMalformations);

/// <summary>
/// capture → frames → IKE messages → exchanges → findings: reads a capture, correlates its IKE messages into IKE
/// SAs (<see cref="ExchangeCorrelator"/>) and applies the finding rules (<see cref="Findings.FindingRules"/>).
/// </summary>
public static class CaptureAnalyzer
{
    public static CaptureAnalysis Analyze(string path, AnalysisOptions? options = null)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(path, malformations);
        return Analyze(reader, malformations, options);
    }

    /// <summary>All SAs of the capture, in order of id (first message): <c>analyze</c> needs them all for its
    /// report, so memory grows with the number of SAs.</summary>
    public static CaptureAnalysis Analyze(CaptureReader reader, MalformationList malformations, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var sas = new List<IkeSa>();
        var correlator = new ExchangeCorrelator(options.Cas, sas.Add) { IdleTimeout = options.SaIdleTimeout };
        var stats = CaptureDissector.Dissect(reader, malformations, correlator.Add, options.Decoder, options.Keys, correlator.AddHeaderless);
        correlator.Complete();
        sas.Sort((a, b) => a.Id.CompareTo(b.Id));
        if (options.Routers is { } routers) Model.CaptureExplainer.Explain(sas, routers);
        foreach (var sa in sas) Findings.FindingRules.Apply(sa);
        return new CaptureAnalysis(reader.Name, sas, stats, malformations.Items, malformations.Dropped);
    }

    public static StreamedCaptureAnalysis AnalyzeStreaming(string path, AnalysisOptions? options, Action<IkeSa> onSa)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(path, malformations);
        return AnalyzeStreaming(reader, malformations, options, onSa);
    }

    /// <summary>
    /// Streams the SAs: each goes to <paramref name="onSa"/> with its findings as soon as it is finished, i.e. idle for
    /// <see cref="AnalysisOptions.SaIdleTimeout"/> (in order of eviction: least recently active first), then the rest at
    /// the end of the capture in order of id. Memory stays bounded by the SAs active within the idle window. The same
    /// SAs (ids, steps, outcomes, findings) as <see cref="Analyze(CaptureReader, MalformationList, AnalysisOptions?)"/>,
    /// in another order.
    /// </summary>
    public static StreamedCaptureAnalysis AnalyzeStreaming(CaptureReader reader, MalformationList malformations,
        AnalysisOptions? options, Action<IkeSa> onSa)
    {
        ArgumentNullException.ThrowIfNull(onSa);
        options ??= new AnalysisOptions();
        int count = 0;
        var correlator = new ExchangeCorrelator(options.Cas, sa =>
        {
            if (options.Routers is { } routers) Model.CaptureExplainer.Explain([sa], routers);
            Findings.FindingRules.Apply(sa);
            count++;
            onSa(sa);
        }) { IdleTimeout = options.SaIdleTimeout };
        var stats = CaptureDissector.Dissect(reader, malformations, correlator.Add, options.Decoder, options.Keys, correlator.AddHeaderless);
        correlator.Complete();
        return new StreamedCaptureAnalysis(reader.Name, count, stats, malformations.Items, malformations.Dropped);
    }
}
