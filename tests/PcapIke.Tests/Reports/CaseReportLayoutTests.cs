using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Reports;

/// <summary>
/// Answer first, measured in a real browser (issue 17): the S2, S4 and S6 reports with their routers'
/// configurations, laid out by headless Chromium in a 1400 × 900 window. The page's own geometry and rendered text
/// are read by a probe script added to a copy of the report (the report itself allows no script: its
/// Content-Security-Policy is taken out of the copy only): the first verdict box ends inside the first 900 px and
/// holds the root cause and a configuration block to paste; every summary and verdict sentence ends with a full stop;
/// no raw backtick shows; the ladder's lanes are named R1 and R2.
/// </summary>
public sealed class CaseReportLayoutTests
{
    private const int Width = 1400, Fold = 900;

    /// <summary>Writes what the page shows into <c>pre#probe</c> as JSON.</summary>
    private const string Probe = """
        <pre id="probe"></pre><script>
        (function () {
          const text = e => (e.innerText ?? e.textContent).replace(/\s+/g, ' ').trim();
          const verdicts = [...document.querySelectorAll('section.verdict')].map(v => {
            const r = v.getBoundingClientRect();
            const row = name => [...v.querySelectorAll('table.facts tr')].filter(t => text(t.querySelector('th')) === name).map(t => text(t.querySelector('td')))[0] || '';
            return {
              top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
              headline: text(v.querySelector('.headline')),
              happened: row('What happened'), rootCause: row('Root cause'), confidence: row('Confidence'),
              fixes: [...v.querySelectorAll('pre.config')].map(p => p.innerText),
            };
          });
          document.getElementById('probe').textContent = JSON.stringify({
            width: document.documentElement.clientWidth,
            verdicts: verdicts,
            summaries: [...document.querySelectorAll('ul.summary > li')].map(text),
            outcomes: [...document.querySelectorAll('section.sa > p:first-of-type')].map(text),
            lanes: [...document.querySelectorAll('svg.ladder .lane .role')].map(text),
            backticks: (document.body.innerText.match(/`/g) || []).length,
          });
        })();
        </script>
        """;

    [Theory]
    [InlineData("S2-ikev1-r2-initiates", "R2", "ca trust-point IOSCA1")]
    [InlineData("S4-ikev2-overlapping-profiles", "R2", "no crypto ikev2 profile profile3")]
    [InlineData("S6-ikev2-r2-initiates-asymmetric", "R1", "pki trustpoint TP2")]
    public void VerdictIsAboveTheFold(string scenario, string fixedRouter, string fixLine)
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "captures", scenario);
        string table = Directory.GetFiles(dir, "ikev*_decryption_table").Single();
        string work = TestPaths.NewTempDir();
        string html = Path.Combine(work, "case.html");
        var (exit, _, err) = CliRun.Run(["report", Path.Combine(dir, "capture.pcap"), "--keys", table, "--ca", dir,
            "--config", Path.Combine(dir, "scenario.json"), "-o", html]);
        Assert.True(exit == 0, err);

        // The screenshot an engineer sees first: a real page, the verdict box's red border within it.
        string png = Path.Combine(work, "fold.png");
        HeadlessChromium.Screenshot(html, png, Width, Fold);
        var (w, h, colours) = HeadlessChromium.PngStats(png);
        Assert.Equal((Width, Fold), (w, h));
        Assert.True(colours >= 8, $"the screenshot has {colours} colours: a blank page");

        string report = File.ReadAllText(html);
        string probed = Path.Combine(work, "probed.html");
        string withoutPolicy = Regex.Replace(report, "<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "");
        Assert.NotEqual(report, withoutPolicy);
        File.WriteAllText(probed, withoutPolicy.Replace("</body>", Probe + "</body>", StringComparison.Ordinal));
        var (dom, _) = HeadlessChromium.DumpDom(probed, Width, Fold);
        var m = Regex.Match(dom, "<pre id=\"probe\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(m.Success && m.Groups[1].Length > 0, "the probe did not run");
        using var json = JsonDocument.Parse(WebUtility.HtmlDecode(m.Groups[1].Value));
        var page = json.RootElement;
        Assert.Equal(Width, page.GetProperty("width").GetInt32());

        var verdicts = page.GetProperty("verdicts").EnumerateArray().ToList();
        Assert.NotEmpty(verdicts);
        var first = verdicts[0];
        double bottom = first.GetProperty("bottom").GetDouble();
        Assert.True(first.GetProperty("top").GetDouble() > 0 && bottom <= Fold,
            $"the first verdict box spans y={first.GetProperty("top").GetDouble()}..{bottom}, not inside the first {Fold} px");
        string rootCause = first.GetProperty("rootCause").GetString()!;
        Assert.Matches(@"\(PI60[1-5]\)$", rootCause);
        Assert.StartsWith("high", first.GetProperty("confidence").GetString()!, StringComparison.Ordinal);
        var fixes = first.GetProperty("fixes").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains(fixes, f => f.StartsWith($"{fixedRouter}# configure terminal\n", StringComparison.Ordinal)
                                    && f.Contains(fixLine, StringComparison.Ordinal) && f.TrimEnd().EndsWith("\nend", StringComparison.Ordinal));

        foreach (var v in verdicts)
        {
            EndsWithFullStop(v.GetProperty("headline").GetString()!);
            EndsWithFullStop(v.GetProperty("happened").GetString()!);
            // The root cause is a sentence followed by its rule: "… MM5 dropped. (PI602)".
            EndsWithFullStop(Regex.Replace(v.GetProperty("rootCause").GetString()!, @"\s*\(PI\d{3}\)$", ""));
            EndsWithFullStop(v.GetProperty("confidence").GetString()!);
        }
        var summaries = page.GetProperty("summaries").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.NotEmpty(summaries);
        foreach (string s in summaries) EndsWithFullStop(s);
        foreach (var o in page.GetProperty("outcomes").EnumerateArray()) EndsWithFullStop(o.GetString()!);

        Assert.Equal(0, page.GetProperty("backticks").GetInt32());
        var lanes = page.GetProperty("lanes").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.NotEmpty(lanes);
        Assert.All(lanes, l => Assert.Matches(@"^R[12] \((initiator|responder)\)$", l));
        Assert.Contains(lanes, l => l.StartsWith("R1", StringComparison.Ordinal));
        Assert.Contains(lanes, l => l.StartsWith("R2", StringComparison.Ordinal));
    }

    private static void EndsWithFullStop(string sentence)
    {
        Assert.False(string.IsNullOrWhiteSpace(sentence), "an empty summary or verdict line");
        Assert.True(sentence.EndsWith('.') && !sentence.EndsWith("…", StringComparison.Ordinal) && !sentence.EndsWith("...", StringComparison.Ordinal),
            $"not a whole sentence: \"{sentence}\"");
    }
}
