using System.Text.Json;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.DataPlane;

/// <summary>The data plane in every report: analyze text and JSON, the case report (ladder lanes, summary).</summary>
public class DataPlaneReportTests
{
    private static string IpsecCap => Path.Combine(TestPaths.SharedCaptures, "ipsec.cap");
    private static string EspAh => Path.Combine(TestPaths.SharedCaptures, "IPsec_ESP-AH_tunnel_mode.cap");

    private static string Text(CaptureAnalysis a)
    {
        var o = new StringWriter();
        var w = new AnalyzeTextWriter(o);
        w.WriteFileHeader(a);
        foreach (var sa in a.Sas) w.WriteSa(sa);
        w.WriteUnattachedDataPlane(a);
        return o.ToString();
    }

    private static JsonDocument Json(CaptureAnalysis a)
    {
        var buffer = new MemoryStream();
        using (var w = new AnalyzeJsonWriter(buffer)) w.WriteAnalysis(a);
        return JsonDocument.Parse(buffer.ToArray());
    }

    [Fact]
    public void AnalyzeText_HasADataPlaneBlockPerSa_WithTheTimeline()
    {
        string text = Text(CaptureAnalyzer.Analyze(IpsecCap));
        Assert.Contains("  Data plane (i→r 9 packets, r→i 7 packets; time from the SA start, bytes = IP lengths)\n" +
                        "    spi         dir  protocol  packets  bytes       first        last  frames  sequence  tied\n" +
                        "    child SA                                   +10.109646              10                QM2\n" +
                        "    0x1c0d7b38  i→r  esp             9   1800  +13.860464  +16.930141  12–27   1–9       inferred\n" +
                        "    0x0879355b  r→i  esp             7   1208  +13.861386  +16.852581  13–26   1–7       inferred\n", text);
        Assert.DoesNotContain("Data plane without IKE", text);
    }

    [Fact]
    public void AnalyzeText_WithoutIke_ListsTheSpisAndPI702()
    {
        string text = Text(CaptureAnalyzer.Analyze(EspAh));
        Assert.Contains("Data plane without IKE\n    spi         from → to            protocol  packets  bytes", text);
        Assert.Contains("    0x48dac2e4  10.0.0.1 → 10.0.0.2  esp             5    900  2008-06-21T12:38:46.994809Z", text);
        Assert.Contains("    PI702  info     frames 1, 2\n", text);
    }

    [Fact]
    public void AnalyzeJson_HasTheSaDataPlane_AndTheFileDataPlane()
    {
        using var doc = Json(CaptureAnalyzer.Analyze(IpsecCap));
        var dp = doc.RootElement.GetProperty("sas")[0].GetProperty("dataPlane");
        Assert.Equal((9, 7), (dp.GetProperty("packetsInitiatorToResponder").GetInt32(), dp.GetProperty("packetsResponderToInitiator").GetInt32()));
        Assert.Equal(10, dp.GetProperty("childSas")[0].GetProperty("frame").GetInt32());
        var flow = dp.GetProperty("flows")[1];
        Assert.Equal(("0x0879355b", "responderToInitiator", "esp", "192.168.140.200", "inferred", 7, 1208),
            (flow.GetProperty("spi").GetString(), flow.GetProperty("direction").GetString(), flow.GetProperty("protocol").GetString(),
             flow.GetProperty("source").GetString(), flow.GetProperty("tied").GetString(), flow.GetProperty("packets").GetInt32(),
             flow.GetProperty("bytes").GetInt32()));
        Assert.Equal((1, 7, 0), (flow.GetProperty("firstSequence").GetInt32(), flow.GetProperty("maxSequence").GetInt32(), flow.GetProperty("missing").GetInt32()));
        var file = doc.RootElement.GetProperty("files")[0].GetProperty("dataPlane");
        Assert.Equal((16, 2, 4096, 0), (file.GetProperty("packets").GetInt32(), file.GetProperty("flows").GetInt32(),
            file.GetProperty("capacity").GetInt32(), file.GetProperty("droppedPackets").GetInt32()));
        Assert.Equal(0, file.GetProperty("unattached").GetArrayLength());

        using var ah = Json(CaptureAnalyzer.Analyze(EspAh));
        var f2 = ah.RootElement.GetProperty("files")[0].GetProperty("dataPlane");
        Assert.Equal(4, f2.GetProperty("unattached").GetArrayLength());
        Assert.Equal("PI702", f2.GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void CaseReport_DrawsTheTrafficOnTheLanes_AndPutsTheOneWayFindingInTheSummary()
    {
        var twoWay = CaseReportBuilder.Build(CaptureAnalyzer.Analyze(IpsecCap), new CaseReportOptions()).Negotiations[0];
        Assert.Equal([(Role.Initiator, 9L, false), (Role.Responder, 7L, false)],
            twoWay.Traffic.Select(t => (t.Sender, t.Packets, t.Silent)));
        Assert.Equal("ESP 9 packets, 1800 B (SPI 0x1c0d7b38) +13.860464 … +16.930141 s", twoWay.Traffic[0].Label);
        Assert.Contains(twoWay.Summary, r => r == ("Data plane", "i→r 9 packets, r→i 7 packets (SPIs tied by address and time: inferred)"));
        Assert.DoesNotContain(twoWay.Summary, r => r.Label == "One-way ESP");

        var analysis = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, true,
            new EspRun("192.168.140.205", "192.168.140.200", 0x1111, 0.5, 21)));
        var report = CaseReportBuilder.Build(analysis, new CaseReportOptions());
        var n = report.Negotiations[0];
        Assert.Equal([(Role.Initiator, 21L, false), (Role.Responder, 0L, true)], n.Traffic.Select(t => (t.Sender, t.Packets, t.Silent)));
        Assert.Equal("no ESP", n.Traffic[1].Label);
        var row = Assert.Single(n.Summary, r => r.Label == "One-way ESP");
        Assert.Equal("ESP one way only: the responder 192.168.140.200 sends nothing back for 20.0 s. (PI701)", row.Value);
        string html = HtmlCaseReportWriter.Render(report);
        Assert.Contains("<g class=\"esp\"><title>initiator → responder: ESP 21 packets, 1932 B (SPI 0x00001111)", html);
        Assert.Contains("<g class=\"esp silent\"><title>responder → initiator: no ESP</title>", html);
        string md = MarkdownCaseReportWriter.Render(report);
        Assert.Contains("| | |  | ◀══ | sends | | no ESP | **the other side sends nothing back** |", md);
    }
}
