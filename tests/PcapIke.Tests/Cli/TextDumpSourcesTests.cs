using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary>Every command that reads a capture reads a text dump of it the same way (docs/text-dumps.md).</summary>
public sealed class TextDumpSourcesTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();
    private readonly string _folder = Path.Combine(TestPaths.RepoRoot, "captures", "S2-ikev1-r2-initiates");

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>The S2 capture and an IOS EPC dump of it (ms times, as IOS prints), as pasted into a case.</summary>
    private (string Pcap, string Dump) Inputs()
    {
        // the dump keeps ms: compare it with the pcap of the same ms-rounded frames
        var frames = TextDumps.ReadFrames(Path.Combine(_folder, "capture.pcap"));
        string dump = Path.Combine(_dir, "case-paste.txt");
        File.WriteAllText(dump, TextDumps.Pasted(TextDumps.IosEpc(frames)));
        string pcap = Path.Combine(_dir, "case-paste.pcap");
        Assert.Equal(0, CliRun.Run("convert", dump, "-o", pcap).Exit);
        return (pcap, dump);
    }

    private static string Same(string text, string pcap, string dump) => text.Replace(dump, "INPUT").Replace(pcap, "INPUT");

    [Theory]
    [InlineData("dissect")]
    [InlineData("dissect", "--verbose")]
    [InlineData("dissect", "--format", "json")]
    [InlineData("analyze")]
    [InlineData("analyze", "--format", "json")]
    [InlineData("analyze", "--format", "csv")]
    public void Dissect_and_analyze_print_the_same_for_the_dump(params string[] command)
    {
        var (pcap, dump) = Inputs();
        string keys = Path.Combine(_folder, "ikev1_decryption_table");
        var a = CliRun.Run([command[0], pcap, "--keys", keys, .. command[1..]]);
        var b = CliRun.Run([command[0], dump, "--keys", keys, .. command[1..]]);
        Assert.Equal(0, a.Exit);
        Assert.Equal(0, b.Exit);
        Assert.True(a.Out.Length > 1000, a.Out);
        Assert.Equal(Same(a.Out, pcap, dump), Same(b.Out, pcap, dump));
    }

    [Fact]
    public void Certs_batch_report_and_replay_read_the_dump()
    {
        var (pcap, dump) = Inputs();
        string keys = Path.Combine(_folder, "ikev1_decryption_table");
        var certsA = CliRun.Run("certs", pcap, "--out", Path.Combine(_dir, "ca"), "--keys", keys);
        var certsB = CliRun.Run("certs", dump, "--out", Path.Combine(_dir, "cb"), "--keys", keys);
        Assert.Equal(0, certsB.Exit);
        Assert.Contains("R2", certsA.Out);
        Assert.Equal(Same(certsA.Out.Replace(Path.Combine(_dir, "ca"), "OUT"), pcap, dump), Same(certsB.Out.Replace(Path.Combine(_dir, "cb"), "OUT"), pcap, dump));

        Assert.Equal(0, CliRun.Run("batch", pcap, "--csv", Path.Combine(_dir, "a.csv")).Exit);
        Assert.Equal(0, CliRun.Run("batch", dump, "--csv", Path.Combine(_dir, "b.csv")).Exit);
        Assert.Equal(Same(File.ReadAllText(Path.Combine(_dir, "a.csv")), pcap, dump), Same(File.ReadAllText(Path.Combine(_dir, "b.csv")), pcap, dump));

        var report = CliRun.Run("report", dump, "-o", Path.Combine(_dir, "r.md"), "--keys", keys);
        Assert.Equal(0, report.Exit);
        Assert.Contains("MM5", File.ReadAllText(Path.Combine(_dir, "r.md")));

        string[] configs = ["--config", Path.Combine(_folder, "R1-running-config.txt"), "--config", Path.Combine(_folder, "R2-running-config.txt")];
        var replayA = CliRun.Run(["replay", pcap, .. configs]);
        var replayB = CliRun.Run(["replay", dump, .. configs]);
        Assert.Equal(0, replayA.Exit);
        Assert.NotEqual("", replayA.Out);
        Assert.Equal(Same(replayA.Out, pcap, dump), Same(replayB.Out, pcap, dump));
    }
}
