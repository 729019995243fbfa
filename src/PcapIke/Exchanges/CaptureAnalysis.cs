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
}

/// <summary>The IKE SAs of one capture, with the scan statistics and malformations.</summary>
public sealed record CaptureAnalysis(
    string File,
    IReadOnlyList<IkeSa> Sas,
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

    public static CaptureAnalysis Analyze(CaptureReader reader, MalformationList malformations, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var correlator = new ExchangeCorrelator(options.Cas);
        var stats = CaptureDissector.Dissect(reader, malformations, correlator.Add, options.Decoder);
        IReadOnlyList<IkeSa> sas = correlator.Complete();
        foreach (var sa in sas) Findings.FindingRules.Apply(sa);
        return new CaptureAnalysis(reader.Name, sas, stats, malformations.Items, malformations.Dropped);
    }
}
