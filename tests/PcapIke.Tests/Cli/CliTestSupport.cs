using System.CommandLine;
using PcapIke.Capture;
using PcapIke.Cli;
using PcapIke.Cli.Commands;
using PcapIke.Exchanges;
using PcapIke.Pipeline;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Cli;

internal static class CliRun
{
    /// <summary>Runs the real command tree.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = CommandLine.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    /// <summary>Runs analyze and batch with <paramref name="analyze"/> in place of the capture analyzer.</summary>
    public static (int Exit, string Out, string Err) RunWith(Func<string, AnalysisOptions, CaptureAnalysis> analyze, params string[] args)
    {
        var root = new RootCommand("test") { AnalyzeCommand.Create(analyze), BatchCommand.Create(analyze) };
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = CommandLine.Run(root, args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    public static string RepoCapture(string folder) => Path.Combine(TestPaths.RepoRoot, "captures", folder, "capture.pcap");

    /// <summary>A file that is not a capture.</summary>
    public static string Junk(string dir, string name = "junk.pcap")
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, "this is not a capture\n");
        return path;
    }
}

/// <summary>
/// Stands in for the correlator: a file whose name contains "bad" is unreadable; any other gets the SAs that
/// <see cref="SasFor"/> names, built by <see cref="SaBuilder"/>, returned in reverse id order and after a delay
/// that makes later files finish first.
/// </summary>
internal sealed class FakeAnalyzer(Func<string, int> sasFor, Func<string, int>? delayMs = null)
{
    public int Calls;

    public Func<string, int> SasFor { get; } = sasFor;

    public CaptureAnalysis Analyze(string file, AnalysisOptions options)
    {
        Interlocked.Increment(ref Calls);
        if (delayMs != null) Thread.Sleep(delayMs(file));
        if (Path.GetFileName(file).Contains("bad", StringComparison.Ordinal))
            throw new CaptureFormatException($"{file}: not a pcap or pcapng capture (first bytes 74686973)");
        var sas = Enumerable.Range(1, SasFor(file))
            .Select(id => id % 2 == 1 ? SaBuilder.TechnoteMainModeStall(id) : SaBuilder.Ikev2Established(id))
            .Reverse().ToList();
        return new CaptureAnalysis(file, sas, new ScanStatistics(), [], 0);
    }
}
