using System.Diagnostics;
using PcapIke.Capture;
using PcapIke.DataPlane;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Tests.Fuzz;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.DataPlane;

/// <summary>Untrusted input: mutated captures with ESP through analyze and every report never throw; a flood of random
/// SPIs stays within the table's bound and the report says what was dropped.</summary>
public class DataPlaneRobustnessTests
{
    private static string IpsecCap => Path.Combine(TestPaths.SharedCaptures, "ipsec.cap");

    [Fact]
    public void MutatedEspCaptures_ThroughAnalyzeAndTheReports_NeverThrow()
    {
        var corpus = new List<byte[]>
        {
            File.ReadAllBytes(IpsecCap),
            File.ReadAllBytes(Path.Combine(TestPaths.SharedCaptures, "IPsec_ESP-AH_tunnel_mode.cap")),
            EspCaptureEditor.Edit(IpsecCap, true, new EspRun("192.168.140.205", "192.168.140.200", 0x1111, 0.5, 30),
                new EspRun("192.168.140.200", "192.168.140.205", 0x2222, -20, 10, Udp: true)),
        };
        var clock = Stopwatch.StartNew();
        int runs = 0, analysed = 0;
        long packets = 0;
        for (int seed = 1; clock.Elapsed < TimeSpan.FromSeconds(6); seed++, runs++)
        {
            byte[] input = new SeededMutator(seed).Mutate(corpus[seed % corpus.Count]);
            CaptureAnalysis a;
            var malformations = new MalformationList(limit: 1000);
            try
            {
                using var reader = CaptureReader.Open(new MemoryStream(input, writable: false), $"seed-{seed}", malformations);
                a = CaptureAnalyzer.Analyze(reader, malformations);
            }
            catch (CaptureFormatException)
            {
                continue;
            }
            analysed++;
            packets += a.DataPlane.TotalPackets;
            var text = new StringWriter();
            var w = new AnalyzeTextWriter(text);
            w.WriteFileHeader(a);
            foreach (var sa in a.Sas) w.WriteSa(sa);
            w.WriteUnattachedDataPlane(a);
            using (var json = new AnalyzeJsonWriter(Stream.Null)) json.WriteAnalysis(a);
            foreach (var sa in a.Sas) _ = BatchCsvRow.FromSa("x", sa);
            var report = CaseReportBuilder.Build(a, new CaseReportOptions());
            _ = HtmlCaseReportWriter.Render(report);
            _ = MarkdownCaseReportWriter.Render(report);
        }
        Assert.True(runs > 30, $"only {runs} inputs");
        Assert.True(analysed > runs / 2, $"{analysed} of {runs} inputs analysed");
        Assert.True(packets > analysed, $"only {packets} data-plane packets over {analysed} captures");
    }

    [Fact]
    public void RandomSpis_AreBounded_AndTheDropIsReported()
    {
        var rng = new Random(4);
        var runs = Enumerable.Range(0, 500).Select(i => new EspRun($"10.1.{rng.Next(256)}.{rng.Next(1, 255)}", "10.2.0.1",
            (uint)rng.Next(1, int.MaxValue), 0.001 * i, 1, Body: 16)).ToArray();
        byte[] capture = EspCaptureEditor.Edit(IpsecCap, true, runs);
        var a = EspCaptureEditor.Analyze(capture, new AnalysisOptions { DataPlane = new DataPlaneOptions { Capacity = 100 } });
        Assert.Equal((100, 400L, 500L), (a.DataPlane.Flows.Count, a.DataPlane.DroppedPackets, a.DataPlane.TotalPackets));
        Assert.Equal(12 + 100, a.DataPlane.FirstDroppedFrame);           // 11 IKE frames, then the 101st new SPI
        var text = new StringWriter();
        new AnalyzeTextWriter(text).WriteUnattachedDataPlane(a);
        Assert.Contains("! 400 ESP/AH packets from frame 112 not counted per SPI: more than 100 SPIs and directions", text.ToString());
    }
}
