using PcapIke.Exchanges;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Reports;

/// <summary>
/// Every case report renders in a real browser (Debian's headless Chromium): the seven forged technote scenarios
/// with their key tables, with and without their routers' configurations, and every third-party capture in
/// ../shared/captures. Each report is loaded via file://: the screenshot is a real page (not blank), the console has
/// no error, and each ladder has one <c>class="msg"</c> arrow per IKE message of its negotiation.
/// </summary>
public sealed class CaseReportBrowserTests
{
    public static TheoryData<string, bool> Scenarios()
    {
        var data = new TheoryData<string, bool>();
        foreach (string dir in Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "captures"), "S*").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir), false);
            data.Add(Path.GetFileName(dir), true);
        }
        return data;
    }

    public static TheoryData<string> SharedCaptures()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(TestPaths.SharedCaptures).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".cap", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void TheSevenScenariosAreThere() => Assert.Equal(14, Scenarios().Count);

    /// <summary>The console check is not vacuous: a page that breaks the reports' Content-Security-Policy (an image to
    /// fetch, an inline script) shows in the console lines, and its script does not run.</summary>
    [Fact]
    public void ConsoleCheck_SeesPolicyViolations()
    {
        string page = Path.Combine(TestPaths.NewTempDir(), "violation.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"" +
            PcapIke.Reports.HtmlCaseReportWriter.ContentSecurityPolicy + "\"></head><body><p id=\"p\">x</p>" +
            "<img src=\"http://127.0.0.1:9/x.png\"><script>document.getElementById('p').textContent='ran'</script></body></html>");
        var (dom, console) = HeadlessChromium.DumpDom(page);
        Assert.Equal(2, console.Count);
        Assert.Contains(console, l => l.Contains("Loading the image", StringComparison.Ordinal));
        Assert.Contains(console, l => l.Contains("Executing inline script violates", StringComparison.Ordinal));
        Assert.Contains("<p id=\"p\">x</p>", dom);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void ScenarioReport_RendersInChromium(string scenario, bool withConfig)
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "captures", scenario);
        string table = Directory.GetFiles(dir, "ikev*_decryption_table").Single();
        var args = new List<string> { "report", Path.Combine(dir, "capture.pcap"), "--keys", table, "--ca", dir };
        if (withConfig) args.AddRange(["--config", Path.Combine(dir, "scenario.json")]);
        var report = RenderAndCheck(args, Path.Combine(dir, "capture.pcap"));
        if (withConfig) Assert.Matches("PI60[1-5]", report);
        // Decrypted: the certificates sent are shown with their validity (S5's initiator never sends IKE_AUTH).
        bool authSent = CaptureAnalyzer.Analyze(Path.Combine(dir, "capture.pcap")).Sas.Any(sa => sa.Sa.Messages.Any(m => m.Step is "MM5" or "IKE_AUTH request"));
        Assert.Equal(authSent, report.Contains("<th>valid</th>", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SharedCaptures))]
    public void SharedCaptureReport_RendersInChromium(string file)
    {
        string path = Path.Combine(TestPaths.SharedCaptures, file);
        RenderAndCheck(["report", path], path);
    }

    /// <summary>Writes the report, loads it in Chromium and checks screenshot, console and ladders; returns the HTML.</summary>
    private static string RenderAndCheck(List<string> args, string capture)
    {
        string dir = TestPaths.NewTempDir();
        string html = Path.Combine(dir, "case.html");
        var (exit, _, err) = CliRun.Run([.. args, "-o", html]);
        Assert.True(exit == 0, err);
        string text = File.ReadAllText(html);

        string png = Path.Combine(dir, "case.png");
        HeadlessChromium.Screenshot(html, png);
        var (width, height, colours) = HeadlessChromium.PngStats(png);
        Assert.Equal((1200, 1600), (width, height));
        Assert.True(colours >= 8, $"the screenshot has {colours} colours: a blank page");
        Assert.True(new FileInfo(png).Length > 10_000, "the screenshot is too small to show a report");

        var (dom, console) = HeadlessChromium.DumpDom(html);
        Assert.Empty(console);
        Assert.Contains("<h1>IKE case report</h1>", dom);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        var analysis = CaptureAnalyzer.Analyze(capture);
        if (analysis.Sas.Count == 0)
        {
            // IPsec_ESP-AH_tunnel_mode.cap: ESP and AH only.
            Assert.Contains("No IKE negotiation in the capture.", dom);
            Assert.DoesNotContain("class=\"ladder\"", dom);
        }
        foreach (var sa in analysis.Sas)
        {
            Assert.Equal(sa.Sa.Messages.Count, HeadlessChromium.CountInLadder(dom, sa.Sa.Id, "msg"));
            Assert.Equal(sa.Sa.Retransmissions, HeadlessChromium.CountInLadder(dom, sa.Sa.Id, "retrans"));
        }
        return text;
    }
}
