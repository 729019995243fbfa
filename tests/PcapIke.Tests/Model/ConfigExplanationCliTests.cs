using System.Text.RegularExpressions;
using PcapIke.Cli;
using PcapIke.Tests.Cli;
using PcapIke.Tests.Forge;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Model;

/// <summary>
/// <c>analyze --config</c> and <c>replay CAPTURE --config</c> with the routers' IOS text: the forge's own
/// running-configs and listings for S1–S7 (explained exactly as from the scenario files), and the technote's excerpts
/// verbatim (truncated listings, no hostnames: the capture fills in what they do not show).
/// </summary>
public class ConfigExplanationCliTests
{
    private static string[] IosTexts(string folder) =>
        new[] { "R1-running-config.txt", "R2-running-config.txt", "R1-show-crypto-pki-certificates.txt", "R2-show-crypto-pki-certificates.txt" }
            .Select(f => Path.Combine(ForgedCaptures.Dir(folder), f)).ToArray();

    private static string Resource(string name) => Path.Combine(AppContext.BaseDirectory, "Model", "Resources", name);

    private static string[] ConfigArgs(IEnumerable<string> files) => files.SelectMany(f => new[] { "--config", f }).ToArray();

    /// <summary>The model findings (PI6xx) of an analyze text output: code and message, in order.</summary>
    private static List<string> ModelFindings(string output) =>
        Regex.Matches(output, @"(PI60\d)\s+\w+\s+frames? [^\n]*\n\s+([^\n]*)").Select(m => m.Groups[1].Value + " " + m.Groups[2].Value).ToList();

    [Theory]
    [MemberData(nameof(ForgedCaptures.All), MemberType = typeof(ForgedCaptures))]
    public void IosTextOfTheRouters_ExplainsAsTheScenarioFileDoes(string folder)
    {
        string capture = ForgedCaptures.Capture(folder);
        string keys = Directory.GetFiles(ForgedCaptures.Dir(folder), "ikev*_decryption_table").Single();
        var fromScenario = CliRun.Run(["analyze", capture, "--keys", keys, "--config", Path.Combine(ForgedCaptures.Dir(folder), "scenario.json")]);
        var fromIos = CliRun.Run(["analyze", capture, "--keys", keys, .. ConfigArgs(IosTexts(folder))]);
        Assert.True(fromIos.Exit == ExitCodes.Ok, fromIos.Err);
        var expected = ModelFindings(fromScenario.Out);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ModelFindings(fromIos.Out));
    }

    [Fact]
    public void TechnoteExcerptsVerbatim_ExplainS2_WithTheFixCheckedBothWays()
    {
        string[] configs = ["technote-r1-ikev1-config.md", "technote-r2-ikev1-config.md",
                            "technote-r1-ikev1-show-crypto-pki-certificates.md", "technote-r2-ikev1-show-crypto-pki-certificates.md"];
        var (exit, output, error) = CliRun.Run(["analyze", ForgedCaptures.Capture("S2-ikev1-r2-initiates"), .. ConfigArgs(configs.Select(Resource))]);
        Assert.True(exit == ExitCodes.Ok, error);
        string pi602 = Assert.Single(ModelFindings(output), f => f.StartsWith("PI602", StringComparison.Ordinal));
        Assert.Contains("R2 [I2] CERT_REQ #1 (cn=CA2,o=cisco,o=com) is the first that names a CA of a global trustpoint: trustpoint IOSCA2", pi602);
        Assert.Contains("R1 [I4] Creating CERT validation list: IOSCA1", pi602);
        // The truncated listings do not show the second CA of each router: the capture's CERT_REQ lists do.
        Assert.Contains("From the capture: the CA of trustpoint IOSCA2 is cn=CA2,o=cisco,o=com (MM3 CERT_REQ #2", pi602);
        Assert.Contains("fix: R2's isakmp profile prof1: 'ca trust-point IOSCA1' — R2: crypto isakmp profile prof1 / ca trust-point IOSCA1. Checked with the model: R1 initiates: established, R2 initiates: established.", output);
    }

    [Fact]
    public void TechnoteExcerptsVerbatim_S1_WorksButTheReverseIsPredictedToFail()
    {
        string[] configs = ["technote-r1-ikev1-config.md", "technote-r2-ikev1-config.md",
                            "technote-r1-ikev1-show-crypto-pki-certificates.md", "technote-r2-ikev1-show-crypto-pki-certificates.md"];
        var (exit, output, error) = CliRun.Run(["analyze", ForgedCaptures.Capture("S1-ikev1-r1-initiates"), .. ConfigArgs(configs.Select(Resource))]);
        Assert.True(exit == ExitCodes.Ok, error);
        string pi603 = Assert.Single(ModelFindings(output), f => f.StartsWith("PI603", StringComparison.Ordinal));
        Assert.Contains("R1 signs with IOSCA1, R2 signs with IOSCA1", pi603);
        Assert.Contains("when R2 initiates the model predicts: authentication fails", pi603);
    }

    [Fact]
    public void ReplayOfACapture_WithTheRoutersIosText_NarratesItsInitiator()
    {
        string folder = "S2-ikev1-r2-initiates";
        var (exit, output, error) = CliRun.Run(["replay", ForgedCaptures.Capture(folder), .. ConfigArgs(IosTexts(folder))]);
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("# replay: IKEv1, R2 initiates to R1", output);
        Assert.Contains("Choosing trustpoint IOSCA2 as issuer", output);
        Assert.Contains("outcome: authentication failed; R2 sends its IOSCA2 certificate", output);
    }

    [Fact]
    public void NoRunningConfig_IsAUsageErrorSayingWhatIsMissing()
    {
        string folder = "S1-ikev1-r1-initiates";
        var (exit, _, error) = CliRun.Run("analyze", ForgedCaptures.Capture(folder), "--config", IosTexts(folder)[2]);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("pcapike: --config: the configurations hold 0 running-configs; give both routers' (show running-config), with their show outputs", error.TrimEnd());
    }

    [Fact]
    public void TextThatIsNotIos_IsAUsageError()
    {
        string junk = Path.Combine(TestPaths.NewTempDir(), "notes.txt");
        File.WriteAllText(junk, "the tunnel is down again, please check\n");
        var (exit, _, error) = CliRun.Run("analyze", ForgedCaptures.Capture("S1-ikev1-r1-initiates"), "--config", junk, "--config", IosTexts("S1-ikev1-r1-initiates")[0]);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal($"pcapike: --config: {junk}: no IOS running-config or show output recognised", error.TrimEnd());
    }

    // ---- one router's configuration, the capture standing in for its peer ----

    private static string[] OneRouter(string folder, string router) =>
        [Path.Combine(ForgedCaptures.Dir(folder), $"{router}-running-config.txt"), Path.Combine(ForgedCaptures.Dir(folder), $"{router}-show-crypto-pki-certificates.txt")];

    [Fact]
    public void OneRouter_R1Only_S2_TheRejectionIsR1sOwnValidationList()
    {
        var (exit, output, error) = CliRun.Run(["analyze", ForgedCaptures.Capture("S2-ikev1-r2-initiates"), .. ConfigArgs(OneRouter("S2-ikev1-r2-initiates", "R1"))]);
        Assert.True(exit == ExitCodes.Ok, error);
        string pi602 = Assert.Single(ModelFindings(output), f => f.StartsWith("PI602", StringComparison.Ordinal));
        Assert.Contains("R1 [I4] %CRYPTO-5-IKMP_INVALID_CERT: issuer cn=CA2,o=cisco,o=com is not the CA of any of IOSCA1", pi602);
    }

    /// <summary>The technote's point, from R2's side only: R1's MM4 lists every CA (a responder always does, I1), so
    /// its `ca trust-point` cannot be seen on the wire; the model finds the one restriction of R1 that reproduces the
    /// capture, and the fix on the router that was given.</summary>
    [Fact]
    public void OneRouter_R2Only_S2_InfersThePeersHiddenCaTrustPoint_AndFixesOnR2()
    {
        var (exit, output, error) = CliRun.Run(["analyze", ForgedCaptures.Capture("S2-ikev1-r2-initiates"), .. ConfigArgs(OneRouter("S2-ikev1-r2-initiates", "R2"))]);
        Assert.True(exit == ExitCodes.Ok, error);
        string pi602 = Assert.Single(ModelFindings(output), f => f.StartsWith("PI602", StringComparison.Ordinal));
        Assert.Contains("Inferred, as the only change of the unseen PEER that reproduces the capture: PEER's isakmp profile peer-profile: 'ca trust-point PEER-TP2' (PEER-TP2 = cn=CA1,o=cisco,o=com)", pi602);
        Assert.Contains("fix: R2's isakmp profile prof1: 'ca trust-point IOSCA1' — R2: crypto isakmp profile prof1 / ca trust-point IOSCA1. Checked with the model: R2 initiates: established, PEER initiates: established.", output);
    }

    [Fact]
    public void OneRouter_R2Only_S6_Ikev2WithTheCasNamingTheHashes()
    {
        string folder = "S6-ikev2-r2-initiates-asymmetric";
        string dir = ForgedCaptures.Dir(folder);
        var (exit, output, error) = CliRun.Run(["analyze", ForgedCaptures.Capture(folder), "--keys", Path.Combine(dir, "ikev2_decryption_table"), "--ca", dir,
            .. ConfigArgs(OneRouter(folder, "R2"))]);
        Assert.True(exit == ExitCodes.Ok, error);
        string pi602 = Assert.Single(ModelFindings(output), f => f.StartsWith("PI602", StringComparison.Ordinal));
        Assert.Contains("'pki trustpoint PEER-TP2' (PEER-TP2 = cn=CA1,o=cisco,o=com)", pi602);
        Assert.Contains("fix: R2's ikev2 profile profile1: 'pki trustpoint TP1'", output);
        // Without the CAs the IKEv2 hashes name nothing: said in one line.
        var (exit2, _, error2) = CliRun.Run(["analyze", ForgedCaptures.Capture(folder), .. ConfigArgs(OneRouter(folder, "R2"))]);
        Assert.Equal(ExitCodes.Usage, exit2);
        Assert.Contains("give the peer's configuration too, or its CA certificates with --ca", error2);
    }

    [Fact]
    public void Replay_prints_its_own_notes_when_commands_run_side_by_side()
    {
        // The notes of one load were kept in a static: a replay beside another (tests, batch in one process) printed
        // the other's notes. Two replays whose notes differ (with and without the listings), 16 times each at once.
        string capture = ForgedCaptures.Capture("S2-ikev1-r2-initiates");
        string[] configsOnly = ["replay", capture, .. ConfigArgs(IosTexts("S2-ikev1-r2-initiates").Take(2))];
        string[] withListings = ["replay", capture, .. ConfigArgs(IosTexts("S2-ikev1-r2-initiates"))];
        string aloneA = CliRun.Run(configsOnly).Out, aloneB = CliRun.Run(withListings).Out;
        Assert.Contains("# note (assumption): R2: no show crypto pki certificates given", aloneA);
        Assert.DoesNotContain("no show crypto pki certificates given", aloneB);
        var outputs = Enumerable.Range(0, 32).AsParallel().WithDegreeOfParallelism(4)
            .Select(i => (i, CliRun.Run(i % 2 == 0 ? configsOnly : withListings).Out)).ToList();
        foreach (var (i, output) in outputs)
            Assert.Equal(i % 2 == 0 ? aloneA : aloneB, output);
    }
}
