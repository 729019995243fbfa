using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.Analysis;

/// <summary>What an analysis may use beyond the capture.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Known CA certificates (from <c>--ca FILE|DIR</c>, PEM or DER) to name IKEv2 CERTREQ hashes.</summary>
    public CaCatalog Cas { get; init; } = new();
    public FrameDecoderOptions? Decoder { get; init; }
    /// <summary>Keys to decrypt encrypted messages with (<c>--keys</c>); null: no decryption.</summary>
    public Decryption.KeyRing? Keys { get; init; }
    /// <summary>An SA idle this long in capture time is finished early (<see cref="ExchangeCorrelator.IdleTimeout"/>);
    /// null: never.</summary>
    public TimeSpan? SaIdleTimeout { get; init; } = ExchangeCorrelator.DefaultIdleTimeout;
    /// <summary>The most SAs open at once (<see cref="ExchangeCorrelator.MaxLiveSas"/>; <c>--max-open-sas</c>).</summary>
    public int MaxLiveSas { get; init; } = ExchangeCorrelator.DefaultMaxLiveSas;
    /// <summary>The two routers' configurations (<c>--config</c>): each SA is then set against the selection model's
    /// prediction (<see cref="Model.CaptureExplainer"/>); null: explained from the capture alone.</summary>
    public Model.Scenario? Routers { get; init; }
    /// <summary>The ESP/AH counters' bound and the data-plane findings' threshold (src/PcapIke/DataPlane/).</summary>
    public DataPlane.DataPlaneOptions DataPlane { get; init; } = new();
    /// <summary>Correlation, the finished SAs' rules and the data-plane counters on a second thread while the calling
    /// thread reads and decodes the capture (<see cref="AnalysisThread"/>). Default: when there is more than one
    /// processor. False: all on the calling thread. The results are the same either way.</summary>
    public bool SecondThread { get; init; } = Environment.ProcessorCount > 1;
    /// <summary>The capture read ahead by a thread of its own (<see cref="CaptureReader.Open(string, IMalformationSink, bool)"/>).
    /// Default: when there is more than one processor. False: read on the decoding thread, which on a core of its own
    /// (<c>batch</c> with as many captures at once as processors) is cheaper: the bytes are decoded where they were
    /// copied, in the core's cache.</summary>
    public bool ReadAhead { get; init; } = Environment.ProcessorCount > 1;
    /// <summary>How many captures this process analyses at once (<c>batch --jobs</c>): the collector's headroom for
    /// the first captures grows with it (<see cref="GcHeadroom"/>).</summary>
    public int CapturesAtOnce { get; init; } = 1;
    /// <summary>Events per hand-off batch (<see cref="AnalysisThread.BatchSize"/>); tests make it small.</summary>
    internal int HandoffBatchSize { get; init; } = AnalysisThread.BatchSize;
    /// <summary>An SA of one first message keeps it as bytes until needed (<see cref="ExchangeCorrelator"/>, docs/scale.md
    /// "An SA of one message"); tests turn it off to compare. The results are the same either way.</summary>
    internal bool DeferFirstMessages { get; init; } = true;

    /// <summary>These options with <see cref="MaxLiveSas"/> set to <paramref name="maxLiveSas"/>.</summary>
    public AnalysisOptions WithMaxLiveSas(int maxLiveSas) => this with { MaxLiveSas = maxLiveSas };

    /// <summary>These options with <paramref name="routers"/>.</summary>
    public AnalysisOptions With(Model.Scenario routers) => this with { Routers = routers };
}

/// <summary>The IKE SAs of one capture with their findings and data plane, the scan statistics and malformations.</summary>
public sealed record CaptureAnalysis(
    string File,
    IReadOnlyList<AnalyzedSa> Sas,
    ScanStatistics Statistics,
    IReadOnlyList<Malformation> Malformations,
    long DroppedMalformations)
{
    /// <summary>Every ESP/AH SPI and direction counted, the flows tied to no SA and their findings (docs/analyze-json.md
    /// "dataPlane"); each SA's share is <see cref="AnalyzedSa.DataPlane"/>.</summary>
    public DataPlane.DataPlaneAnalysis DataPlane { get; init; } = PcapIke.DataPlane.DataPlaneAnalysis.Empty;
    /// <summary>The findings about the flows tied to no SA (PI702).</summary>
    public IReadOnlyList<Finding> DataPlaneFindings { get; init; } = [];
    /// <summary>With the routers' configurations (<see cref="AnalysisOptions.Routers"/>): the selection model's
    /// decision trace for each SA it could predict (<see cref="Model.CaptureExplainer"/>); empty otherwise.</summary>
    public IReadOnlyDictionary<AnalyzedSa, Model.DecisionTrace> ModelTraces { get; init; } = new Dictionary<AnalyzedSa, Model.DecisionTrace>();
    /// <summary>The SAs finished early at the cap of open SAs (<see cref="IkeSa.CutShort"/>).</summary>
    public long CutShortSas { get; init; }
}

/// <summary>A streamed analysis (<see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{AnalyzedSa})"/>):
/// what <see cref="CaptureAnalysis"/> holds except the SAs, which went to the callback.</summary>
public sealed record StreamedCaptureAnalysis(
    string File,
    int SaCount,
    ScanStatistics Statistics,
    IReadOnlyList<Malformation> Malformations,
    long DroppedMalformations)
{
    /// <summary>The ESP/AH counters of the whole capture (flows tied to no SA are not judged in a streamed analysis).</summary>
    public DataPlane.DataPlaneAnalysis DataPlane { get; init; } = PcapIke.DataPlane.DataPlaneAnalysis.Empty;
    /// <summary>The SAs finished early at the cap of open SAs (<see cref="IkeSa.CutShort"/>).</summary>
    public long CutShortSas { get; init; }
}

/// <summary>
/// capture → frames → IKE messages → exchanges → findings: reads a capture, correlates its IKE messages into IKE
/// SAs (<see cref="ExchangeCorrelator"/>) and applies the finding rules (<see cref="Findings.FindingRules"/>).
/// </summary>
public static class CaptureAnalyzer
{
    public static CaptureAnalysis Analyze(string path, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(path, malformations, options.ReadAhead);
        return Analyze(reader, malformations, options);
    }

    /// <summary>All SAs of the capture, in order of id (first message): <c>analyze</c> needs them all for its
    /// report, so memory grows with the number of SAs.</summary>
    public static CaptureAnalysis Analyze(CaptureReader reader, MalformationList malformations, AnalysisOptions? options = null) =>
        Analyze(reader, malformations, options, null);

    /// <param name="started">Receives the correlator before the capture is read (a progress line reads
    /// <see cref="ExchangeCorrelator.SasFound"/> from another thread).</param>
    public static CaptureAnalysis Analyze(CaptureReader reader, MalformationList malformations, AnalysisOptions? options,
        Action<ExchangeCorrelator>? started)
    {
        options ??= new AnalysisOptions();
        // Without the routers' configurations an SA's findings are its own: the rules run as each SA is finished (on
        // the analysis thread, while the capture is still being read). With them the model explains the SAs in order
        // of id, each filling in what the configurations left unknown for the next, so the rules wait for the end.
        var sas = new List<AnalyzedSa>();
        bool rulesAtFinish = options.Routers is null;
        var correlator = new ExchangeCorrelator(options.Cas, sa =>
        {
            var a = new AnalyzedSa(sa);
            if (rulesAtFinish) Findings.FindingRules.Apply(a);
            sas.Add(a);
        }) { IdleTimeout = options.SaIdleTimeout, MaxLiveSas = options.MaxLiveSas,
            DeferFirstMessages = options.DeferFirstMessages };
        started?.Invoke(correlator);
        var table = new Pipeline.IpsecFlowTable(options.DataPlane.Capacity);
        var stats = Scan(reader, malformations, options, correlator, table);
        correlator.Complete();
        sas.Sort((a, b) => a.Sa.Id.CompareTo(b.Sa.Id));
        var correlated = sas.ConvertAll(a => a.Sa);
        var traces = new Dictionary<AnalyzedSa, Model.DecisionTrace>();
        if (options.Routers is { } routers)
        {
            Model.CaptureExplainer.Explain(sas, routers, traces);
            foreach (var sa in sas) Findings.FindingRules.Apply(sa);
        }
        var dataPlane = DataPlaneOf(table);
        var planes = DataPlane.DataPlaneCorrelator.Attach(correlated, dataPlane);
        for (int i = 0; i < sas.Count; i++) sas[i].DataPlane = planes[i];
        var context = new Findings.Rules.DataPlaneContext(sas, dataPlane,
            Math.Max(stats.LastTimestampNanoseconds, EndOf(correlated, dataPlane.Flows)), options.DataPlane);
        Findings.Rules.DataPlaneRules.Apply(context);
        return new CaptureAnalysis(reader.Name, sas, stats, malformations.Items, malformations.Dropped)
        {
            DataPlane = dataPlane, DataPlaneFindings = context.UnattachedFindings, ModelTraces = traces, CutShortSas = correlator.CutShortSas,
        };
    }

    public static StreamedCaptureAnalysis AnalyzeStreaming(string path, AnalysisOptions? options, Action<AnalyzedSa> onSa)
    {
        options ??= new AnalysisOptions();
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(path, malformations, options.ReadAhead);
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
        AnalysisOptions? options, Action<AnalyzedSa> onSa)
    {
        ArgumentNullException.ThrowIfNull(onSa);
        options ??= new AnalysisOptions();
        int count = 0;
        var table = new Pipeline.IpsecFlowTable(options.DataPlane.Capacity);
        var correlator = new ExchangeCorrelator(options.Cas, correlated =>
        {
            var sa = new AnalyzedSa(correlated);
            if (options.Routers is { } routers) Model.CaptureExplainer.Explain([sa], routers);
            Findings.FindingRules.Apply(sa);
            // The data plane as counted so far: an SA finished early gets the ESP seen up to then.
            if (table.Count > 0)
            {
                sa.DataPlane = DataPlane.DataPlaneCorrelator.AttachAlone(correlated, table.Between(correlated.Initiator.Address, correlated.Responder.Address));
                Findings.Rules.DataPlaneRules.Apply(new([sa], null, Math.Max(table.LastNanoseconds, EndOf([correlated], [])), options.DataPlane));
            }
            count++;
            onSa(sa);
        }) { IdleTimeout = options.SaIdleTimeout, MaxLiveSas = options.MaxLiveSas,
            DeferFirstMessages = options.DeferFirstMessages };
        var stats = Scan(reader, malformations, options, correlator, table);
        correlator.Complete();
        return new StreamedCaptureAnalysis(reader.Name, count, stats, malformations.Items, malformations.Dropped)
        {
            DataPlane = DataPlaneOf(table), CutShortSas = correlator.CutShortSas,
        };
    }

    /// <summary>capture → frames → IKE messages on this thread; exchanges, the finished SAs' rules and the data-plane
    /// counters on the <see cref="AnalysisThread"/>. Afterwards the correlator and the table are this thread's again.</summary>
    private static ScanStatistics Scan(CaptureReader reader, MalformationList malformations, AnalysisOptions options,
        ExchangeCorrelator correlator, Pipeline.IpsecFlowTable table)
    {
        GcHeadroom.ForFirstScan(options.CapturesAtOnce);
        var analysis = new AnalysisThread(correlator.Add, correlator.AddHeaderless, table, options.SecondThread, options.HandoffBatchSize);
        ScanStatistics stats;
        try
        {
            stats = CaptureDissector.Dissect(reader, malformations, analysis.Post, options.Decoder, options.Keys, analysis, analysis.Post);
        }
        catch
        {
            // The analysis side's exception, if it stopped the reading (AnalysisStoppedException), else the reader's.
            analysis.Finish(completed: false);
            throw;
        }
        analysis.Finish();
        return stats;
    }

    private static DataPlane.DataPlaneAnalysis DataPlaneOf(Pipeline.IpsecFlowTable table) =>
        table.TotalPackets == 0 ? PcapIke.DataPlane.DataPlaneAnalysis.Empty
            : new(table.Snapshot(), table.TotalPackets, table.DroppedPackets, table.FirstDroppedFrame, table.Capacity);

    /// <summary>The last IKE message or data-plane packet: where the capture ends as far as the analysis can tell.</summary>
    private static long EndOf(IReadOnlyList<IkeSa> sas, IReadOnlyList<Pipeline.IpsecFlow> flows)
    {
        long end = 0;
        foreach (var sa in sas) if (sa.Messages.Count > 0) end = Math.Max(end, sa.Messages[^1].TimestampNanoseconds);
        foreach (var f in flows) end = Math.Max(end, f.LastNanoseconds);
        return end;
    }
}
