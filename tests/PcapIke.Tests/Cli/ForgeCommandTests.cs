using PcapIke.Cli;
using PcapIke.Exchanges;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Cli;

public class ForgeCommandTests
{
    private static string Scenario(string folder) => Path.Combine(TestPaths.RepoRoot, "captures", folder, "scenario.json");

    [Fact]
    public void Forge_WritesTheCaptureAndCompanions_ThatAnalyzeExplains()
    {
        string dir = TestPaths.NewTempDir();
        string pcap = Path.Combine(dir, "out.pcap");
        var (exit, output, error) = CliRun.Run("forge", Scenario("S2-ikev1-r2-initiates"), "-o", pcap);
        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Equal("", error);
        Assert.Contains("IKEv1 R2 -> R1: 12 messages, AuthenticationFailed; R2 sent its IOSCA2 certificate", output);
        foreach (string f in new[] { "ikev1_decryption_table", "CA1.pem", "CA2.pem", "R1-running-config.txt", "R2-running-config.txt",
                     "R1-show-crypto-pki-certificates.txt", "R2-show-crypto-pki-certificates.txt", "forge-log.txt" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        // The same bytes as the committed capture, whatever the output name.
        Assert.Equal(File.ReadAllBytes(CliRun.RepoCapture("S2-ikev1-r2-initiates")), File.ReadAllBytes(pcap));

        var analysis = CaptureAnalyzer.Analyze(pcap, new AnalysisOptions());
        var sa = Assert.Single(analysis.Sas);
        Assert.Equal(12, sa.Sa.Messages.Count);
        Assert.Contains(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.MainModeStalledAfterMM5);
    }

    [Fact]
    public void Forge_MissingScenario_OneLineAndExit3()
    {
        var (exit, _, error) = CliRun.Run("forge", "/nonexistent/scenario.json", "-o", Path.Combine(TestPaths.NewTempDir(), "x.pcap"));
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("pcapike: /nonexistent/scenario.json: no such file\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Forge_InvalidScenario_NamesTheJsonPath()
    {
        string dir = TestPaths.NewTempDir();
        string bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, File.ReadAllText(Scenario("S1-ikev1-r1-initiates")).Replace("\"initiator\": \"R1\"", "\"initiator\": \"R9\""));
        var (exit, _, error) = CliRun.Run("forge", bad, "-o", Path.Combine(dir, "x.pcap"));
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal($"pcapike: {bad}: $.initiator: unknown router \"R9\"", error.TrimEnd());
    }

    [Fact]
    public void Forge_WithoutOutput_IsAUsageError()
    {
        var (exit, _, error) = CliRun.Run("forge", Scenario("S1-ikev1-r1-initiates"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--output", error);
    }
}
