using System.Text.RegularExpressions;
using PcapIke.Reports;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Exchanges.IkeForge;

namespace PcapIke.Tests.Reports;

/// <summary>
/// A head-end's capture of 2,000 IKEv2 negotiations (issue 17): 1,960 complete, 30 refused with NO_PROPOSAL_CHOSEN,
/// 10 never answered. The case report stays an index of one line per SA plus at most
/// <see cref="CaseReportBuilder.MaxFullSections"/> full sections (under 2 MB in HTML and Markdown), and
/// <c>--sa N</c> gives exactly the one negotiation asked for in full, whichever its outcome.
/// </summary>
public sealed class CaseReportScaleTests
{
    private const int Total = 2000, Refused = 30, Unanswered = 10;
    private static readonly Lazy<string> s_capture = new(Write);

    /// <summary>SA k (1-based, in time order) from 10.(k/250).(k%250).1 to the head-end 192.0.2.2, 50 ms apart;
    /// every 50th refused (NO_PROPOSAL_CHOSEN, RFC 7296 §3.10.1), every 200th from the 100th never answered.</summary>
    private static string Write()
    {
        var sent = new List<Sent>();
        int refused = 0, unanswered = 0;
        for (int k = 1; k <= Total; k++)
        {
            double t = k * 0.05;
            string peer = $"10.{k / 250}.{k % 250}.1";
            ulong spiI = 0x1000_0000_0000_0000UL + (ulong)k, spiR = 0x2000_0000_0000_0000UL + (ulong)k;
            sent.Add(new(t, peer, 500, "192.0.2.2", 500,
                Message(2, spiI, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(k), NonceV2(k)])));
            if (k % 200 == 100 && unanswered < Unanswered)
            {
                unanswered++;
                continue;
            }
            if (k % 50 == 0 && refused < Refused)
            {
                refused++;
                sent.Add(new(t + 0.002, "192.0.2.2", 500, peer, 500,
                    Message(2, spiI, 0, IkeSaInit, FlagResponse, 0, [Notify(14)])));
                continue;
            }
            sent.Add(new(t + 0.002, "192.0.2.2", 500, peer, 500,
                Message(2, spiI, spiR, IkeSaInit, FlagResponse, 0, [Ikev2Sa(), KeV2(k + 7), NonceV2(k + 7)])));
            sent.Add(new(t + 0.004, peer, 500, "192.0.2.2", 500,
                Message(2, spiI, spiR, IkeAuth, FlagInitiator, 1, [Sk(320, k)])));
            sent.Add(new(t + 0.006, "192.0.2.2", 500, peer, 500,
                Message(2, spiI, spiR, IkeAuth, FlagResponse, 1, [Sk(240, k + 7)])));
        }
        Assert.Equal((Refused, Unanswered), (refused, unanswered));
        string path = Path.Combine(TestPaths.NewTempDir(), "head-end-2000.pcap");
        File.WriteAllBytes(path, Pcap(sent));
        return path;
    }

    [Theory]
    [InlineData("html")]
    [InlineData("md")]
    public void TwoThousandSas_IndexAndCappedSections(string format)
    {
        string output = Path.Combine(TestPaths.NewTempDir(), "case." + format);
        var (exit, _, err) = CliRun.Run("report", s_capture.Value, "-o", output);
        Assert.True(exit == 0, err);
        long size = new FileInfo(output).Length;
        Assert.True(size < 2_000_000, $"the report is {size} bytes");
        string report = File.ReadAllText(output);

        // one index line per SA, full sections only for the first MaxFullSections failures
        Assert.Equal(Total, IndexLines(report, format));
        var sections = FullSections(report, format);
        Assert.Equal(CaseReportBuilder.MaxFullSections, sections.Count);
        var failed = FailedIds().Take(CaseReportBuilder.MaxFullSections).ToList();
        Assert.Equal(failed, sections);
        Assert.Contains($"{Refused + Unanswered - CaseReportBuilder.MaxFullSections} more did not complete and are listed only", report);
    }

    [Theory]
    [InlineData("html", 1234)]  // completed: shown in full only because it was asked for
    [InlineData("md", 1234)]
    [InlineData("html", 1900)]  // refused, beyond the cap of full sections without a selection
    public void TwoThousandSas_SaSelectsOneFullSection(string format, int id)
    {
        string output = Path.Combine(TestPaths.NewTempDir(), "case." + format);
        var (exit, _, err) = CliRun.Run("report", s_capture.Value, "--sa", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", output);
        Assert.True(exit == 0, err);
        string report = File.ReadAllText(output);
        Assert.True(report.Length < 2_000_000);
        Assert.Equal([id], FullSections(report, format));
        Assert.Equal(Total, IndexLines(report, format));
        Assert.Contains($"192.0.2.2", report);
        Assert.Contains($"10.{id / 250}.{id % 250}.1", report);
    }

    /// <summary>The ids of the SAs that did not complete, in order: refused every 50th, unanswered every 200th from the
    /// 100th (as <see cref="Write"/> makes them).</summary>
    private static IEnumerable<int> FailedIds()
    {
        int refused = 0, unanswered = 0;
        for (int k = 1; k <= Total; k++)
        {
            if (k % 200 == 100 && unanswered < Unanswered) { unanswered++; yield return k; }
            else if (k % 50 == 0 && refused < Refused) { refused++; yield return k; }
        }
    }

    private static int IndexLines(string report, string format) => format == "html"
        ? Regex.Matches(Between(report, "<ul class=\"summary\">", "</ul>"), "<li>").Count
        : Regex.Matches(Between(report, "## Summary", "\n## "), @"^- \*\*IKE SA \d+\*\*", RegexOptions.Multiline).Count;

    private static List<int> FullSections(string report, string format) => (format == "html"
            ? Regex.Matches(report, "<section class=\"sa\" id=\"sa-(\\d+)\">")
            : Regex.Matches(report, @"^## IKE SA (\d+) ", RegexOptions.Multiline))
        .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static string Between(string s, string from, string to)
    {
        int i = s.IndexOf(from, StringComparison.Ordinal);
        Assert.True(i >= 0, $"no \"{from}\" in the report");
        int j = s.IndexOf(to, i + from.Length, StringComparison.Ordinal);
        return j < 0 ? s[i..] : s[i..j];
    }
}
