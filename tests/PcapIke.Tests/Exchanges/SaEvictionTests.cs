using System.Globalization;
using System.Security.Cryptography;
using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Exchanges.IkeForge;
using PcapIke.Analysis;

namespace PcapIke.Tests.Exchanges;

/// <summary>
/// <see cref="ExchangeCorrelator.IdleTimeout"/>: an SA idle for 180 s of capture time is finished early and handed
/// over (<see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{IkeSa})"/>), with the same
/// results as when it is kept to the end.
/// </summary>
public class SaEvictionTests
{
    private const string R1 = "192.168.0.1", R2 = "192.168.0.2", R3 = "192.168.0.3";
    private static readonly AnalysisOptions NoEviction = new() { SaIdleTimeout = null };

    /// <summary>Everything a report shows of an SA, as one line.</summary>
    internal static string Signature(AnalyzedSa analyzed) => Signature(analyzed.Sa, analyzed.Findings);

    private static string Signature(IkeSa sa, IReadOnlyList<Finding> findings) => string.Join(" |",
        sa.Id, sa.Version, sa.Initiator, sa.Responder, sa.SpiI.ToString("x16", CultureInfo.InvariantCulture),
        sa.SpiR.ToString("x16", CultureInfo.InvariantCulture),
        string.Join(",", sa.Messages.Select(m => $"{m.Frame}:{m.Step}:{m.Sender}:{m.Retransmission}:{m.RetransmissionOf?.Frame}")),
        sa.LastStep, sa.Outcome, sa.OutcomeDetail, sa.StartsMidNegotiation, sa.EndsMidNegotiation, sa.RetryOf?.Id,
        sa.NatDetected, sa.NatHashMismatch, sa.FloatedTo4500, string.Join(",", sa.Offered), sa.Chosen,
        string.Join(",", sa.VendorIds), string.Join(",", sa.InitiatorCertRequests.Select(c => c.Display)),
        string.Join(",", sa.ResponderCertRequests.Select(c => c.Display)), string.Join(",", sa.Notifies),
        string.Join(",", findings.Select(f => $"{f.Code}:{f.Severity}:{string.Join(' ', f.Frames)}:{f.Message}")));

    private static List<Sent> MainMode(ulong ckyI, ulong ckyR, string init, string resp, double t0)
    {
        byte[] Hd(string ip) => MD5.HashData(NatInput(ckyI, ckyR, ip, 500));
        return
        [
            new(t0 + 0.00, init, 500, resp, 500, Message(1, ckyI, 0, IkeForge.MainMode, 0, 0, [Ikev1Sa()])),
            new(t0 + 0.05, resp, 500, init, 500, Message(1, ckyI, ckyR, IkeForge.MainMode, 0, 0, [Ikev1Sa()])),
            new(t0 + 0.10, init, 500, resp, 500, Message(1, ckyI, ckyR, IkeForge.MainMode, 0, 0, [Ke(1), Nonce(2), NatD(Hd(resp)), NatD(Hd(init))])),
            new(t0 + 0.15, resp, 500, init, 500, Message(1, ckyI, ckyR, IkeForge.MainMode, 0, 0, [Ke(3), Nonce(4), NatD(Hd(init)), NatD(Hd(resp))])),
        ];
    }

    private static Sent Mm5(double t, ulong ckyI, ulong ckyR, string init, string resp) =>
        new(t, init, 500, resp, 500, Message(1, ckyI, ckyR, IkeForge.MainMode, FlagEncrypted, 0, [], Bytes(64, 5)));

    private static Sent Mm6(double t, ulong ckyI, ulong ckyR, string init, string resp) =>
        new(t, resp, 500, init, 500, Message(1, ckyI, ckyR, IkeForge.MainMode, FlagEncrypted, 0, [], Bytes(64, 6)));

    private static List<Sent> Ikev2(ulong spiI, ulong spiR, string init, string resp, double t0, bool auth = true)
    {
        var list = new List<Sent>
        {
            new(t0, init, 500, resp, 500, Message(2, spiI, 0, IkeSaInit, FlagInitiator, 0,
                [Ikev2Sa(), KeV2(1), NonceV2(2), Notify(16388, NatHash(spiI, 0, init, 500)), Notify(16389, NatHash(spiI, 0, resp, 500))])),
            new(t0 + 0.05, resp, 500, init, 500, Message(2, spiI, spiR, IkeSaInit, FlagResponse, 0,
                [Ikev2Sa(), KeV2(3), NonceV2(4), Notify(16388, NatHash(spiI, spiR, resp, 500)), Notify(16389, NatHash(spiI, spiR, init, 500))])),
        };
        if (auth)
            list.AddRange(
            [
                new(t0 + 0.10, init, 500, resp, 500, Message(2, spiI, spiR, IkeAuth, FlagInitiator, 1, [Sk(320, 7)])),
                new(t0 + 0.15, resp, 500, init, 500, Message(2, spiI, spiR, IkeAuth, FlagResponse, 1, [Sk(288, 8, inner: 36)])),
            ]);
        return list;
    }

    /// <summary>An IKEv2 INFORMATIONAL exchange (DPD: an empty SK) with message ID <paramref name="id"/>.</summary>
    private static Sent[] Dpd(ulong spiI, ulong spiR, string init, string resp, double t, uint id) =>
    [
        new(t, init, 500, resp, 500, Message(2, spiI, spiR, InformationalV2, FlagInitiator, id, [Sk(32, (int)id, inner: 0)])),
        new(t + 0.05, resp, 500, init, 500, Message(2, spiI, spiR, InformationalV2, FlagResponse, id, [Sk(32, 100 + (int)id, inner: 0)])),
    ];

    /// <summary>
    /// 1: IKEv1 stalled at MM5 (t 0-21 s); 2: IKEv2 established at 5 s, then DPD every 90-100 s until 470 s (never idle
    /// 180 s); 3: IKEv2 established at 300 s; 4: IKEv1 established at 600 s; 5: a lone IKE_SA_INIT request at 650 s.
    /// </summary>
    internal static List<Sent> Timeline()
    {
        const ulong a = 0xa1a1a1a1a1a1a1a1, ar = 0xa2a2a2a2a2a2a2a2;
        var list = MainMode(a, ar, R2, R1, 0);
        Sent mm4 = list[3], mm5 = Mm5(1.0, a, ar, R2, R1);
        list.AddRange([mm5, mm4 with { Seconds = 1.2 }, mm5 with { Seconds = 11.0 }, mm5 with { Seconds = 21.0 }]);

        const ulong f = 0xf1f1f1f1f1f1f1f1, fr = 0xf2f2f2f2f2f2f2f2;
        list.AddRange(Ikev2(f, fr, R3, R1, 5));
        uint id = 2;
        foreach (double t in new[] { 100.0, 200, 290, 380, 470 })
            list.AddRange(Dpd(f, fr, R3, R1, t, id++));

        list.AddRange(Ikev2(0xb1b1b1b1b1b1b1b1, 0xb2b2b2b2b2b2b2b2, R2, R3, 300));
        list.AddRange(MainMode(0xc1c1c1c1c1c1c1c1, 0xc2c2c2c2c2c2c2c2, R3, R2, 600));
        list.AddRange([Mm5(600.2, 0xc1c1c1c1c1c1c1c1, 0xc2c2c2c2c2c2c2c2, R3, R2), Mm6(600.25, 0xc1c1c1c1c1c1c1c1, 0xc2c2c2c2c2c2c2c2, R3, R2)]);
        list.AddRange(Ikev2(0xd1d1d1d1d1d1d1d1, 0, R1, R2, 650, auth: false).Take(1));
        return list.OrderBy(s => s.Seconds).ToList();
    }

    [Fact]
    public void IdleSas_AreFinishedEarly_InOrderOfEviction_WithTheSameResultsAsWithoutEviction()
    {
        var timeline = Timeline();
        var kept = Analyze(timeline, NoEviction).Sas;
        var analyzed = Analyze(timeline).Sas;
        var streamed = AnalyzeStreaming(timeline);

        Assert.Equal([1, 2, 3, 4, 5], kept.Select(s => s.Sa.Id));
        Assert.Equal(kept.Select(Signature), analyzed.Select(Signature));
        // 1 is evicted when 3 starts (idle since 21 s), 3 when 4 starts (idle since 300.15 s); 2, 4, 5 at the end by id
        Assert.Equal([1, 3, 2, 4, 5], streamed.Select(s => s.Sa.Id));
        Assert.Equal(kept.Select(Signature), streamed.OrderBy(s => s.Sa.Id).Select(Signature));

        Assert.Equal((SaOutcome.Stalled, "MM5"), (kept[0].Sa.Outcome, kept[0].Sa.LastStep));
        Assert.Equal(SaOutcome.Established, kept[1].Sa.Outcome);
        Assert.Equal(14, kept[1].Sa.Messages.Count);
        Assert.Equal(SaOutcome.Established, kept[2].Sa.Outcome);
        Assert.Equal((SaOutcome.Established, "MM6"), (kept[3].Sa.Outcome, kept[3].Sa.LastStep));
        Assert.Equal((SaOutcome.Incomplete, "IKE_SA_INIT request"), (kept[4].Sa.Outcome, kept[4].Sa.LastStep));
    }

    [Fact]
    public void Correlator_HandsEachSaOverOnce_EvictedOnesBeforeComplete_AndDropsThem()
    {
        var finished = new List<int>();
        var correlator = new ExchangeCorrelator(onFinished: sa => finished.Add(sa.Id));
        var malformations = new PcapIke.Diagnostics.MalformationList();
        using var reader = PcapIke.Capture.CaptureReader.Open(new MemoryStream(Pcap(Timeline())), "forged", malformations);
        PcapIke.Pipeline.CaptureDissector.Dissect(reader, malformations, correlator.Add);
        Assert.Equal([1, 3], finished);
        Assert.Equal(3, correlator.OpenSas);
        var rest = correlator.Complete();
        Assert.Equal([2, 4, 5], rest.Select(s => s.Id));
        Assert.Equal([1, 3, 2, 4, 5], finished);
        Assert.Equal(0, correlator.OpenSas);
    }

    [Fact]
    public void IdleTimeout_ShorterThanTheRetryWindow_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExchangeCorrelator { IdleTimeout = TimeSpan.FromSeconds(1) });
        Assert.Null(new ExchangeCorrelator { IdleTimeout = null }.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(180), new ExchangeCorrelator().IdleTimeout);
    }

    [Fact]
    public void Ikev2RequestResentAfterEviction_StartsANewSa_MidNegotiation()
    {
        const ulong i = 0x0102030405060708, r = 0x1112131415161718;
        var list = Ikev2(i, r, R2, R1, 0).Take(3).ToList();        // IKE_SA_INIT, IKE_AUTH request unanswered
        list.Add(list[2] with { Seconds = 200.1 });                  // re-sent 200 s later: after the idle window

        var kept = Assert.Single(Analyze(list, NoEviction).Sas);
        Assert.Equal(1, kept.Sa.Retransmissions);
        Assert.Equal(SaOutcome.Stalled, kept.Sa.Outcome);

        var sas = Analyze(list).Sas;
        Assert.Equal(2, sas.Count);
        Assert.Equal((SaOutcome.Incomplete, "IKE_AUTH request", false), (sas[0].Sa.Outcome, sas[0].Sa.LastStep, sas[0].Sa.StartsMidNegotiation));
        var late = sas[1];
        Assert.Equal((i, r), (late.Sa.SpiI, late.Sa.SpiR));
        Assert.True(late.Sa.StartsMidNegotiation);
        Assert.Equal(0, late.Sa.Retransmissions);
        Assert.Equal(["IKE_AUTH request"], late.Sa.Messages.Select(m => m.Step));
        Assert.Equal("192.168.0.2:500", late.Sa.Initiator.ToString());
        Assert.Equal(SaOutcome.Incomplete, late.Sa.Outcome);
        Assert.StartsWith("capture starts mid-negotiation (first seen: IKE_AUTH request)", late.Sa.OutcomeDetail);
    }

    [Fact]
    public void Ikev1Mm5ResentAfterEviction_StartsANewSa_MidNegotiation()
    {
        const ulong i = 0x0102030405060708, r = 0x1112131415161718;
        var list = MainMode(i, r, R2, R1, 0);
        Sent mm5 = Mm5(1.0, i, r, R2, R1);
        list.AddRange([mm5, mm5 with { Seconds = 190.0 }]);
        var sas = Analyze(list).Sas;
        Assert.Equal(2, sas.Count);
        Assert.False(sas[0].Sa.StartsMidNegotiation);
        Assert.Equal("MM5", sas[0].Sa.LastStep);
        Assert.True(sas[1].Sa.StartsMidNegotiation);
        Assert.Equal(["MM5"], sas[1].Sa.Messages.Select(m => m.Step));
        Assert.Equal((i, r), (sas[1].Sa.SpiI, sas[1].Sa.SpiR));
    }

    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*.pcap", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(TestPaths.RepoRoot, f))
                     .Concat(Directory.EnumerateFiles(TestPaths.SharedCaptures)
                         .Where(f => !f.EndsWith(".json", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal))
                         .Select(f => Path.Combine("..", "shared", "captures", Path.GetFileName(f))))
                     .Order(StringComparer.Ordinal))
            data.Add(f);
        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Streaming_GivesTheSameSasAsAnalyze_AndEvictionChangesNothing(string relative)
    {
        string path = Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, relative));
        var analysis = CaptureAnalyzer.Analyze(path);
        var streamed = new List<AnalyzedSa>();
        var result = CaptureAnalyzer.AnalyzeStreaming(path, null, streamed.Add);

        Assert.Equal(analysis.Sas.Select(Signature), streamed.OrderBy(s => s.Sa.Id).Select(Signature));
        Assert.Equal(analysis.Sas.Count, result.SaCount);
        Assert.Equal((analysis.Statistics.Frames, analysis.Statistics.IkeMessages, analysis.Statistics.CapturedBytes),
            (result.Statistics.Frames, result.Statistics.IkeMessages, result.Statistics.CapturedBytes));
        Assert.Equal(analysis.Malformations, result.Malformations);
        Assert.Equal(analysis.Sas.Select(Signature), CaptureAnalyzer.Analyze(path, NoEviction).Sas.Select(Signature));
    }
}
