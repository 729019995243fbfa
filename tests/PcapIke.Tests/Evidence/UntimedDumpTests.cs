using System.Text.Json;
using PcapIke.Exchanges;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Evidence;

/// <summary>
/// A text dump without times (IOS-XE's <c>buffer dump</c>, od, Wireshark hex) keeps the frames' order only: the
/// reader places them 1 µs apart. Nothing may then say a duration or a date — no "re-sent MM5 3 times over 0.0 s", no
/// "capture ends 0.0 s after", no "Started 1970-01-01" — while the same capture as a pcap keeps every one of them.
/// </summary>
public sealed class UntimedDumpTests
{
    internal static string Dump(string folder, DumpLayout layout)
    {
        var frames = TextDumps.ReadFrames(CliRun.RepoCapture(folder));
        string path = Path.Combine(TestPaths.NewTempDir(), $"{folder}-{layout}.txt");
        File.WriteAllText(path, TextDumps.Render(frames, layout));
        return path;
    }

    [Theory]
    [InlineData(DumpLayout.Od)]
    [InlineData(DumpLayout.WiresharkHex)]
    [InlineData(DumpLayout.IosXe)]
    public void S2AsUntimedDump_SaysNoDurationOrDate(DumpLayout layout)
    {
        string dump = Dump("S2-ikev1-r2-initiates", layout);
        var sa = Assert.Single(CaptureAnalyzer.Analyze(dump).Sas);
        Assert.True(sa.Sa.TimesUnknown);
        Assert.Equal(SaOutcome.Stalled, sa.Sa.Outcome);
        Assert.Equal("at MM5: initiator re-sent MM5 3 times; responder re-sent MM4 4 times; responder rejected MM5: it re-sent MM4 instead of answering", sa.Sa.OutcomeDetail);

        var (exit, text, err) = CliRun.Run("analyze", dump, "--verbose");
        Assert.True(exit == 0, err);
        AssertNoDuration(text);
        Assert.Contains("  Started          not in the capture (a text dump without times: no date or duration), 12 messages", text);
        Assert.Contains("  Messages (no times in the capture: in capture order, size = IP length)", text);
        Assert.Matches(@"\n +— +1 +192\.168\.0\.2 +────▶", text);

        string report = Path.Combine(TestPaths.NewTempDir(), "case.md");
        (exit, _, err) = CliRun.Run("report", dump, "-o", report);
        Assert.True(exit == 0, err);
        AssertNoDuration(File.ReadAllText(report));

        (exit, string json, err) = CliRun.Run("analyze", dump, "--format", "json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(json);
        var s = doc.RootElement.GetProperty("sas")[0];
        Assert.Equal(JsonValueKind.Null, s.GetProperty("start").ValueKind);
        Assert.Equal(JsonValueKind.Null, s.GetProperty("durationSeconds").ValueKind);
        Assert.True(s.GetProperty("timesUnknown").GetBoolean());
        Assert.All(s.GetProperty("messages").EnumerateArray(), m => Assert.Equal(JsonValueKind.Null, m.GetProperty("time").ValueKind));
        AssertNoDuration(string.Join("\n", s.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("message").GetString())));
    }

    /// <summary>The check is not vacuous: the same negotiation as a pcap (and as a timed IOS dump) says its durations.</summary>
    [Fact]
    public void S2WithTimes_SaysItsDurations()
    {
        foreach (string capture in new[] { CliRun.RepoCapture("S2-ikev1-r2-initiates"), Dump("S2-ikev1-r2-initiates", DumpLayout.IosEpc) })
        {
            var sa = Assert.Single(CaptureAnalyzer.Analyze(capture).Sas);
            Assert.False(sa.Sa.TimesUnknown);
            Assert.Contains("initiator re-sent MM5 3 times over 30.0 s", sa.Sa.OutcomeDetail);
            var (exit, text, err) = CliRun.Run("analyze", capture);
            Assert.True(exit == 0, err);
            Assert.Contains(" over 30.0 s", text);
        }
    }

    private static void AssertNoDuration(string text)
    {
        foreach (string wrong in new[] { " over 0.0 s", "0.0 s", "0.000", "1970-01-01", " s later", "lasted" })
            Assert.DoesNotContain(wrong, text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b\d+\.\d+ s\b", text);
    }
}
