using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PcapIke.Cli;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.Forge;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary><c>analyze</c>, <c>report</c> and <c>replay</c> with the routers' debug logs (docs/debug-logs.md).</summary>
public sealed class DebugCommandTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();
    public void Dispose() => Directory.Delete(_dir, true);

    private static string Resource(string name) => Path.Combine(AppContext.BaseDirectory, "Model", "Resources", name);
    private static readonly string[] TechnoteS2 = [Resource("technote-debug-ikev1-r2-initiates-R1.txt"), Resource("technote-debug-ikev1-r2-initiates-R2.txt")];

    /// <summary>S2's routers' debug as the forge narrates it, R2's clock <paramref name="skew"/> s off, one file per router.</summary>
    private (string R1, string R2, Scenario S) Narration(string folder, double skew)
    {
        Scenario s = ScenarioParser.ParseFile(Path.Combine(ForgedCaptures.Dir(folder), "scenario.json"));
        DecisionTrace trace = SelectionModel.Predict(s, s.Initiator).Trace;
        string r1 = Path.Combine(_dir, "R1-debug.txt"), r2 = Path.Combine(_dir, "R2-debug.txt");
        File.WriteAllText(r1, IosDebugText.Write(trace, "R1", s.Clock));
        File.WriteAllText(r2, IosDebugText.Write(trace, "R2", s.Clock, TimeSpan.FromSeconds(skew), width: 80));
        return (r1, r2, s);
    }

    [Fact]
    public void Analyze_debug_files_alone_reads_the_negotiation()
    {
        var (exit, output, error) = CliRun.Run(["analyze", .. TechnoteS2]);
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("# debug technote-debug-ikev1-r2-initiates-R1.txt: R1: 23 events from 54 debug lines, 0 lines not read", output);
        Assert.Contains("Negotiation from the debug: IKEv1 R2 → R1", output);
        Assert.Contains("PI801  error", output);
        Assert.Contains("R1 refused R2's certificate: No suitable trustpoints found (its validation list: IOSCA1) (R1 line 91)", output);

        var json = CliRun.Run(["analyze", .. TechnoteS2, "--format", "json"]);
        Assert.Equal(0, json.Exit);
        var doc = JsonDocument.Parse(json.Out).RootElement;
        var n = Assert.Single(doc.GetProperty("negotiations").EnumerateArray());
        Assert.Equal("failed", n.GetProperty("outcome").GetString());
        Assert.Equal("R2", n.GetProperty("initiator").GetString());
        Assert.Equal(2, doc.GetProperty("debug_logs").GetArrayLength());
    }

    /// <summary>The README's command on the debug the forge writes beside S2's capture: the negotiation from the logs
    /// (PI801) and, with both configurations, the model's explanation and fix (PI602) with no capture at all.</summary>
    [Fact]
    public void Bundled_S2_debug_with_the_configurations_explains_the_failure()
    {
        string dir = ForgedCaptures.Dir("S2-ikev1-r2-initiates");
        var (exit, output, error) = CliRun.Run("analyze", Path.Combine(dir, "R1-debug.txt"), Path.Combine(dir, "R2-debug.txt"),
            "--config", Path.Combine(dir, "R1-running-config.txt"), "--config", Path.Combine(dir, "R2-running-config.txt"));
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("# debug R1-debug.txt: R1: ", output);
        Assert.Contains("# debug R2-debug.txt: R2: ", output);
        Assert.Contains("Negotiation from the debug: IKEv1 R2 → R1", output);
        Assert.Contains("R1 refused R2's certificate: No suitable trustpoints found (its validation list: IOSCA1)", output);
        Assert.Contains("R2 chose trustpoint IOSCA2 for CERT_REQ #1 (cn=CA2,o=cisco,o=com): the first match", output);
        Assert.Contains("PI602  error", output);
        Assert.Contains("fix: R2's isakmp profile prof1: 'ca trust-point IOSCA1'", output);
        Assert.DoesNotContain("PI802", output);
    }

    /// <summary><c>--debug</c> alone is a whole input (no capture needed); nothing at all is one error line.</summary>
    [Fact]
    public void Analyze_with_debug_option_alone_needs_no_capture()
    {
        string r2 = Path.Combine(ForgedCaptures.Dir("S2-ikev1-r2-initiates"), "R2-debug.txt");
        var (exit, output, error) = CliRun.Run("analyze", "--debug", "R2=" + r2);
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("# debug R2-debug.txt: R2: ", output);
        Assert.Contains("Negotiation from the debug: IKEv1 R2 → the responder", output);

        var none = CliRun.Run("analyze");
        Assert.Equal(ExitCodes.Usage, none.Exit);
        Assert.Equal("", none.Out);
        Assert.StartsWith("pcapike: give a capture, a text dump or a debug log to analyse (or --debug FILE)", none.Err);
        Assert.Single(none.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Analyze_capture_with_debug_matches_the_frames_and_finds_the_clock_offset()
    {
        var (r1, r2, s) = Narration("S2-ikev1-r2-initiates", 30);
        var (exit, output, error) = CliRun.Run("analyze", ForgedCaptures.Capture("S2-ikev1-r2-initiates"), "--debug", r1, "--debug", r2);
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("PI803", output);
        var m = Regex.Match(output, @"R2's clock is (\d+\.\d{3}) s ahead of the capture's");
        Assert.True(m.Success, output);
        double r2Offset = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var m1 = Regex.Match(output, @"R1's clock is (\d+\.\d{3}) s ahead of the capture's");
        Assert.True(m1.Success, output);
        Assert.InRange(r2Offset - double.Parse(m1.Groups[1].Value, CultureInfo.InvariantCulture), 29.995, 30.005);
        Assert.InRange(r2Offset, s.Clock.Offset.TotalSeconds + 29.95, s.Clock.Offset.TotalSeconds + 30.05);
        Assert.Matches(@"- frame \d+ MM3 \(initiator\): R2 logged sending it at \*Jun 17 ", output);
    }

    [Fact]
    public void Bad_debug_inputs_are_one_line_and_an_exit_code()
    {
        var missing = CliRun.Run("analyze", ForgedCaptures.Capture("S2-ikev1-r2-initiates"), "--debug", Path.Combine(_dir, "nope.txt"));
        Assert.Equal(ExitCodes.UnreadableInput, missing.Exit);
        Assert.Equal($"pcapike: --debug: {Path.Combine(_dir, "nope.txt")}: no such file", missing.Err.Trim());
        var csv = CliRun.Run(["analyze", .. TechnoteS2, "--format", "csv"]);
        Assert.Equal(ExitCodes.Usage, csv.Exit);
        Assert.Single(csv.Err.Trim().Split('\n'));
        Assert.Contains("--format text", csv.Err);
        // random text as a debug log: read, nothing invented
        string junk = Path.Combine(_dir, "junk.txt");
        File.WriteAllText(junk, "hello\n\u0001\u0002 ISAKMP garbage (((\n*Jun 99 99:99:99.999: IKEv2:(SA ID = x):\n");
        var read = CliRun.Run("analyze", ForgedCaptures.Capture("S2-ikev1-r2-initiates"), "--debug", junk);
        Assert.Equal(0, read.Exit);
        Assert.Contains("# debug junk.txt: no router: 0 events", read.Out);
        Assert.Contains("no IKE negotiation in the debug", read.Out);
    }

    [Fact]
    public void Report_carries_the_debug_section()
    {
        var (r1, r2, _) = Narration("S2-ikev1-r2-initiates", 30);
        string md = Path.Combine(_dir, "r.md");
        var (exit, _, error) = CliRun.Run("report", ForgedCaptures.Capture("S2-ikev1-r2-initiates"), "-o", md, "--debug", r1, "--debug", r2);
        Assert.True(exit == ExitCodes.Ok, error);
        string text = File.ReadAllText(md);
        Assert.Contains("## Debug logs — IKEv1 R2 → R1 (IKE SA 1 of the capture)", text);
        Assert.Contains("**PI803** info", text);
        Assert.Contains($"| debug | {r1} |", text);
        Assert.Contains("--debug", text);
    }

    [Fact]
    public void Replay_sets_the_real_debug_against_its_prediction()
    {
        string r2 = Path.Combine(_dir, "R2-debug.txt");
        File.WriteAllText(r2, File.ReadAllText(Resource("technote-debug-ikev1-r2-initiates-R2.txt")).Replace("Choosing trustpoint IOSCA2", "Choosing trustpoint IOSCA1", StringComparison.Ordinal));
        var (exit, output, error) = CliRun.Run("replay", Path.Combine(ForgedCaptures.Dir("S2-ikev1-r2-initiates"), "scenario.json"),
            "--debug", Resource("technote-debug-ikev1-r2-initiates-R1.txt"), "--debug", r2);
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("## the routers' debug against this prediction", output);
        Assert.Contains("PI802", output);
        Assert.Contains("model: R2: Choosing trustpoint IOSCA2 as issuer; R2 logged: IOSCA1", output);
    }
}
