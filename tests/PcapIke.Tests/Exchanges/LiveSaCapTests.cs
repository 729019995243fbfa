using System.Text;
using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Reports;
using static PcapIke.Tests.Exchanges.IkeForge;
using PcapIke.Analysis;

namespace PcapIke.Tests.Exchanges;

/// <summary>
/// Issue 14: the cap of open SAs (<see cref="ExchangeCorrelator.MaxLiveSas"/>): past it the least recently active SA
/// is finished first and marked <see cref="IkeSa.CutShort"/>, counted, shown in JSON and text; and lookups by SPI,
/// cookie and peer pair stay right with many SAs open.
/// </summary>
public class LiveSaCapTests
{
    private static Sent InitRequest(double t, ulong spiI, string init, string resp) =>
        new(t, init, 500, resp, 500, Message(2, spiI, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(2)]));

    private static Sent InitResponse(double t, ulong spiI, ulong spiR, string init, string resp) =>
        new(t, resp, 500, init, 500, Message(2, spiI, spiR, IkeSaInit, FlagResponse, 0, [Ikev2Sa(), KeV2(3), NonceV2(4)]));

    /// <summary>SAs 1-3 start at 0, 1, 2 s; SA 1 is answered at 3 s (now the most recently active); SAs 4 and 5 start at 4
    /// and 5 s. With a cap of 3, SA 4 cuts SA 2 short and SA 5 cuts SA 3: the least recently active, not the oldest.</summary>
    private static List<Sent> Timeline() =>
    [
        InitRequest(0, 0x1001, "10.0.0.1", "10.9.0.1"),
        InitRequest(1, 0x1002, "10.0.0.2", "10.9.0.1"),
        InitRequest(2, 0x1003, "10.0.0.3", "10.9.0.1"),
        InitResponse(3, 0x1001, 0x2001, "10.0.0.1", "10.9.0.1"),
        InitRequest(4, 0x1004, "10.0.0.4", "10.9.0.1"),
        InitRequest(5, 0x1005, "10.0.0.5", "10.9.0.1"),
    ];

    [Fact]
    public void PastTheCap_TheLeastRecentlyActiveSasAreCutShort_AndCounted()
    {
        var options = new AnalysisOptions { MaxLiveSas = 3 };
        var analysis = Analyze(Timeline(), options);
        Assert.Equal([1, 2, 3, 4, 5], analysis.Sas.Select(s => s.Sa.Id));
        Assert.Equal([false, true, true, false, false], analysis.Sas.Select(s => s.Sa.CutShort));
        Assert.Equal(2, analysis.CutShortSas);
        // SA 1 kept both its messages although it is the oldest
        Assert.Equal(2, analysis.Sas[0].Sa.Messages.Count);

        var streamed = AnalyzeStreaming(Timeline(), options);
        Assert.Equal([2, 3, 1, 4, 5], streamed.Select(s => s.Sa.Id));
        Assert.Equal([2, 3], streamed.Where(s => s.Sa.CutShort).Select(s => s.Sa.Id));

        // without the cap (the default is far above 5) nothing is cut short and the SAs are otherwise the same
        var uncapped = Analyze(Timeline());
        Assert.Equal(0, uncapped.CutShortSas);
        Assert.DoesNotContain(uncapped.Sas, s => s.Sa.CutShort);
        Assert.Equal(uncapped.Sas.Select(s => (s.Sa.Id, s.Sa.Outcome, s.Sa.LastStep, s.Sa.Messages.Count)),
            analysis.Sas.Select(s => (s.Sa.Id, s.Sa.Outcome, s.Sa.LastStep, s.Sa.Messages.Count)));
    }

    [Fact]
    public void CutShort_IsShownInJsonAndText_OnlyWhenSet()
    {
        var analysis = Analyze(Timeline(), new AnalysisOptions { MaxLiveSas = 3 });
        var buffer = new MemoryStream();
        using (var w = new AnalyzeJsonWriter(buffer)) w.WriteAnalysis(analysis);
        using var doc = System.Text.Json.JsonDocument.Parse(buffer.ToArray());
        var sas = doc.RootElement.GetProperty("sas").EnumerateArray().ToList();
        Assert.Equal([false, true, true, false, false], sas.Select(s => s.TryGetProperty("cutShort", out var c) && c.GetBoolean()));
        Assert.Equal(2, doc.RootElement.GetProperty("files")[0].GetProperty("cutShortSas").GetInt32());

        Assert.Contains("cut short", SaReportText.OutcomeLine(analysis.Sas[1].Sa), StringComparison.Ordinal);
        Assert.DoesNotContain("cut short", SaReportText.OutcomeLine(analysis.Sas[0].Sa), StringComparison.Ordinal);

        var plain = new MemoryStream();
        using (var w = new AnalyzeJsonWriter(plain)) w.WriteAnalysis(Analyze(Timeline()));
        Assert.DoesNotContain("cutShort", Encoding.UTF8.GetString(plain.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void ACutShortSa_ThatSpeaksAgain_StartsANewSaMidNegotiation()
    {
        var list = Timeline();
        list.Add(InitResponse(6, 0x1002, 0x2002, "10.0.0.2", "10.9.0.1")); // SA 2's response, after it was cut short
        var sas = Analyze(list, new AnalysisOptions { MaxLiveSas = 3 }).Sas;
        Assert.Equal(6, sas.Count);
        var late = sas[5];
        Assert.Equal((0x1002ul, 0x2002ul), (late.Sa.SpiI, late.Sa.SpiR));
        Assert.True(late.Sa.StartsMidNegotiation);
        Assert.Equal(["IKE_SA_INIT response"], late.Sa.Messages.Select(m => m.Step));
        Assert.Single(sas[1].Sa.Messages);
    }

    /// <summary>
    /// An SA cut short at the cap stopped being followed there while the capture went on, so nothing said of it may
    /// claim the capture ended: its outcome, PI104's evidence, PI107, the text and case reports. SA 2 (request at 1 s) is
    /// cut at 4 s, 3.0 s after; SA 6 (at 9.5 s) is cut by SA 9 0.3 s after, too soon for a missing answer to be evidence.
    /// The capture goes on to 30 s. Uncapped, SA 2 is what the end of the capture leaves incomplete, and says so.
    /// </summary>
    [Fact]
    public void ACutShortSa_NeverSaysTheCaptureEnded()
    {
        var list = Timeline();
        list.Add(InitRequest(9.5, 0x1006, "10.0.0.6", "10.9.0.1"));
        list.Add(InitRequest(9.8, 0x1007, "10.0.0.7", "10.9.0.1"));
        list.Add(InitRequest(9.81, 0x1008, "10.0.0.8", "10.9.0.1"));
        list.Add(InitRequest(9.82, 0x1009, "10.0.0.9", "10.9.0.1"));
        list.Add(InitRequest(30, 0x100a, "10.0.0.10", "10.9.0.1"));
        var capped = Analyze(list, new AnalysisOptions { MaxLiveSas = 3 });
        var byId = capped.Sas.ToDictionary(s => s.Sa.Id);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], capped.Sas.Where(s => s.Sa.CutShort).Select(s => s.Sa.Id));

        var sa2 = byId[2];
        Assert.Equal(SaOutcome.Incomplete, sa2.Sa.Outcome);
        Assert.Equal("no further message in the 3.0 s after IKE_SA_INIT request before it was cut short at the cap of open SAs (the capture goes on)",
            sa2.Sa.OutcomeDetail);
        Assert.False(sa2.Sa.EndsMidNegotiation);
        Assert.DoesNotContain(sa2.Findings, f => f.Code == FindingCode.CaptureTruncatesNegotiation);
        var pi104 = Assert.Single(sa2.Findings, f => f.Code == FindingCode.IkeSaInitNoResponse);
        Assert.Contains("no IKE_SA_INIT response came (the SA was followed for 3.0 s after the last copy, then cut short at the cap of open SAs while the capture went on",
            pi104.Message, StringComparison.Ordinal);

        var sa6 = byId[6];
        Assert.Equal("no further message in the 0.3 s after IKE_SA_INIT request before it was cut short at the cap of open SAs (the capture goes on)",
            sa6.Sa.OutcomeDetail);
        Assert.DoesNotContain(sa6.Findings, f => f.Code is FindingCode.IkeSaInitNoResponse or FindingCode.CaptureTruncatesNegotiation);
        var report = CaseReportBuilder.Build(capped, new CaseReportOptions());
        var missing = report.Negotiations.Single(n => n.Id == 6).Missing;
        Assert.NotNull(missing);
        Assert.Equal("it was cut short at the cap of open SAs 0.320000 s after IKE_SA_INIT request, while the capture went on", missing.Why);

        // the outcome line says "cut short" once; no cut-short SA's text says the capture ended
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(SaReportText.OutcomeLine(sa2.Sa), "cut short"));
        foreach (var sa in capped.Sas.Where(s => s.Sa.CutShort))
        {
            var text = new StringWriter();
            new AnalyzeTextWriter(text).WriteSa(sa);
            Assert.DoesNotContain("capture ends", text.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ends in the middle", text.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("capture holds no", text.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("capture went on 3.0 s", text.ToString(), StringComparison.Ordinal);
        }
        // SA 10, the last, is what the end of the capture leaves open
        Assert.False(byId[10].Sa.CutShort);
        Assert.StartsWith("capture ends 0.0 s after", byId[10].Sa.OutcomeDetail, StringComparison.Ordinal);

        // uncapped, the same SA 2 is followed to the end of the capture, 29.0 s on, and that is what it says
        var whole = Analyze(list).Sas.Single(s => s.Sa.Id == 2);
        Assert.False(whole.Sa.CutShort);
        Assert.Equal("capture ends 29.0 s after IKE_SA_INIT request", whole.Sa.OutcomeDetail);
        Assert.True(whole.Sa.EndsMidNegotiation);
        Assert.Contains(whole.Findings, f => f.Code == FindingCode.CaptureTruncatesNegotiation);
        Assert.Contains("the capture holds no IKE_SA_INIT response (the capture went on 29.0 s after the last copy)",
            whole.Findings.Single(f => f.Code == FindingCode.IkeSaInitNoResponse).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxLiveSas_BelowOne_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExchangeCorrelator { MaxLiveSas = 0 });

    /// <summary>Many SAs open at once between the same two addresses (peers reusing addresses), all IKE_SA_INIT
    /// requests first, then every response in reverse order: each response finds its own SA by SPIi, and each later
    /// IKE_AUTH by the SPI pair.</summary>
    [Fact]
    public void ManyOpenSas_BetweenTheSamePeers_EachMessageFindsItsOwnSa()
    {
        const int n = 2_000;
        var list = new List<Sent>();
        var rng = new Random(7);
        var spis = Enumerable.Range(0, n).Select(_ => (I: (ulong)rng.NextInt64(1, long.MaxValue), R: (ulong)rng.NextInt64(1, long.MaxValue))).ToList();
        double t = 0;
        foreach (var (i, _) in spis) list.Add(InitRequest(t += 0.001, i, "10.0.0.1", "10.9.0.1"));
        foreach (var (i, r) in Enumerable.Reverse(spis)) list.Add(InitResponse(t += 0.001, i, r, "10.0.0.1", "10.9.0.1"));
        foreach (var (i, r) in spis)
            list.Add(new(t += 0.001, "10.0.0.1", 500, "10.9.0.1", 500, Message(2, i, r, IkeAuth, FlagInitiator, 1, [Sk(64, 7)])));
        var sas = Analyze(list).Sas;
        Assert.Equal(n, sas.Count);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal((spis[k].I, spis[k].R), (sas[k].Sa.SpiI, sas[k].Sa.SpiR));
            Assert.Equal(["IKE_SA_INIT request", "IKE_SA_INIT response", "IKE_AUTH request"], sas[k].Sa.Messages.Select(m => m.Step));
            Assert.False(sas[k].Sa.StartsMidNegotiation);
        }
    }

    /// <summary>IKEv1: many Main Modes open at once from one initiator, MM1 (zero responder cookie) for all, then MM2
    /// binding each pair, then MM3 under the pair: all found by cookie.</summary>
    [Fact]
    public void ManyOpenIkev1Sas_AreFoundByCookies()
    {
        const int n = 1_000;
        var list = new List<Sent>();
        double t = 0;
        for (int k = 1; k <= n; k++)
            list.Add(new(t += 0.001, "10.0.0.1", 500, "10.9.0.1", 500, Message(1, (ulong)k, 0, IkeForge.MainMode, 0, 0, [Ikev1Sa()])));
        for (int k = n; k >= 1; k--)
            list.Add(new(t += 0.001, "10.9.0.1", 500, "10.0.0.1", 500, Message(1, (ulong)k, 0x5000ul + (ulong)k, IkeForge.MainMode, 0, 0, [Ikev1Sa()])));
        for (int k = 1; k <= n; k++)
            list.Add(new(t += 0.001, "10.0.0.1", 500, "10.9.0.1", 500, Message(1, (ulong)k, 0x5000ul + (ulong)k, IkeForge.MainMode, 0, 0, [Ke(1), Nonce(2)])));
        var sas = Analyze(list).Sas;
        Assert.Equal(n, sas.Count);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal(((ulong)k + 1, 0x5000ul + (ulong)k + 1), (sas[k].Sa.SpiI, sas[k].Sa.SpiR));
            Assert.Equal(["MM1", "MM2", "MM3"], sas[k].Sa.Messages.Select(m => m.Step));
        }
    }
}
