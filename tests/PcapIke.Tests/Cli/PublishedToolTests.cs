using System.Diagnostics;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary>
/// The tool as it is installed — compiled ahead of time (Native AOT, README "Install", docs/scale.md "Publishing") —
/// against the build every other test runs: each command below, run by both, gives the same exit code, the same
/// standard output and error byte for byte, and the same files. Ahead-of-time compilation removes what reflection
/// would have found at run time (a JSON serialiser, Parquet.Net's row serialiser both failed there before they were
/// replaced), so the commands cover every output format and every writer of files.
/// </summary>
/// <remarks>.ci/run publishes the tool and sets <see cref="Variable"/>; without it a developer's <c>dotnet test</c>
/// skips these tests, under CI they fail.</remarks>
public sealed class PublishedToolTests
{
    public const string Variable = "PCAPIKE_PUBLISHED_CLI";

    internal static string? SkipReason => Ci.SkipReason(Variable,
        ".ci/run publishes the tool (dotnet publish src/PcapIke.Cli -c Release -r linux-x64 -p:PublishAot=true -o DIR) " +
        $"and sets {Variable}=DIR/PcapIke.Cli");

    private static string S(string folder, string file = "capture.pcap") => Path.Combine(TestPaths.RepoRoot, "captures", folder, file);

    /// <summary>Command lines; "OUT" is a fresh directory of each side's own (the same relative name in both).</summary>
    public static TheoryData<string, string[]> Commands()
    {
        string s2 = "S2-ikev1-r2-initiates", cbc = "strongswan-ikev2-aes-cbc", gcm = "strongswan-ikev2-aes-gcm";
        string[] bundled = Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "captures"))
            .Select(d => Path.Combine(d, "capture.pcap")).Where(File.Exists).Order(StringComparer.Ordinal).ToArray();
        string openswan = Path.Combine(TestPaths.SharedCaptures, "openswan");
        return new TheoryData<string, string[]>
        {
            { "analyze with the routers' configurations", ["analyze", S(s2), "--config", S(s2, "R1-running-config.txt"), "--config", S(s2, "R2-running-config.txt")] },
            { "analyze --format json", ["analyze", S(s2), "--format", "json"] },
            { "analyze --format jsonl, decrypted", ["analyze", S(cbc), "--keys", S(cbc, "ikev2_decryption_table"), "--format", "jsonl"] },
            { "analyze, charon log keys", ["analyze", S(cbc), "--keys-from-charon-log", S(cbc, "charon-moon.trimmed.log")] },
            { "dissect --format json of every bundled capture", ["dissect", .. bundled, "--format", "json"] },
            { "dissect --verbose, decrypted", ["dissect", S(gcm), "--keys", S(gcm, "ikev2_decryption_table"), "--verbose"] },
            { "dissect of the openswan captures (damaged ones among them)", ["dissect", openswan] },
            { "batch --csv - --jobs 2", ["batch", Path.Combine(TestPaths.RepoRoot, "captures"), "--csv", "-", "--jobs", "2"] },
            { "batch --parquet and --jsonl", ["batch", Path.Combine(TestPaths.RepoRoot, "captures"), openswan, "--csv", "OUT/sas.csv", "--jsonl", "OUT/sas.jsonl", "--parquet", "OUT/parquet"] },
            { "report, HTML", ["report", S(s2), "--config", S(s2, "R1-running-config.txt"), "--config", S(s2, "R2-running-config.txt"), "-o", "OUT/case.html"] },
            { "report, Markdown", ["report", S(s2), "--format", "md"] },
            { "replay", ["replay", "--config", S(s2, "R1-running-config.txt"), "--config", S(s2, "R2-running-config.txt")] },
            { "forge", ["forge", S(s2, "scenario.json"), "-o", "OUT/s2/capture.pcap"] },
            { "certs", ["certs", S(s2), "--keys", S(s2, "ikev1_decryption_table"), "-o", "OUT/certs"] },
            { "convert", ["convert", S(s2), "-o", "OUT/converted.pcap"] },
            { "a capture that does not exist", ["analyze", "no-such-capture.pcap"] },
            { "a bad option", ["batch", "--jobs", "0", "x"] },
            { "help", ["batch", "--help"] },
        };
    }

    [PublishedToolTheory]
    [MemberData(nameof(Commands))]
    public void PublishedTool_GivesWhatTheTestedBuildGives(string what, string[] args)
    {
        string published = Environment.GetEnvironmentVariable(Variable) ?? "";
        Assert.True(File.Exists(published), $"{Variable}={published}: no published tool there (.ci/run's publish failed? see its log)");
        string tested = Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll");

        // the same working directory for both (an error names the path it could not open), its OUT emptied between
        string cwd = TestPaths.NewTempDir();
        var a = Run(published, [], args, cwd);
        var b = Run("dotnet", [tested], args, cwd);
        Assert.True(a.Exit == b.Exit, $"{what}: exit {a.Exit} published, {b.Exit} tested; stderr:\n{a.Err}\n---\n{b.Err}");
        Assert.Equal(b.Err, a.Err);
        Assert.True(b.Out == a.Out, $"{what}: standard output differs ({a.Out.Length} against {b.Out.Length} chars)");
        var filesA = Files(a.Dir);
        var filesB = Files(b.Dir);
        Assert.Equal(filesB.Keys, filesA.Keys);
        foreach (var (name, bytes) in filesB)
            Assert.True(bytes.AsSpan().SequenceEqual(filesA[name]), $"{what}: {name} differs");
        if (args.Any(x => x.StartsWith("OUT/", StringComparison.Ordinal)))
            Assert.NotEmpty(filesB);
    }

    private static (int Exit, string Out, string Err, string Dir) Run(string program, string[] before, string[] args, string dir)
    {
        string kept = Path.Combine(dir, "OUT");
        Directory.CreateDirectory(kept);
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string x in before) psi.ArgumentList.Add(x);
        foreach (string x in args) psi.ArgumentList.Add(x);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), $"{program} {string.Join(' ', args)}: did not finish");
        string moved = kept + ".run-" + Guid.NewGuid().ToString("N");
        Directory.Move(kept, moved);
        return (p.ExitCode, output, err.GetAwaiter().GetResult(), moved);
    }

    private static SortedDictionary<string, byte[]> Files(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes), StringComparer.Ordinal);
}

/// <summary>Skipped without <see cref="PublishedToolTests.Variable"/> outside CI.</summary>
public sealed class PublishedToolTheoryAttribute : TheoryAttribute
{
    public PublishedToolTheoryAttribute()
    {
        if (PublishedToolTests.SkipReason is { } reason) Skip = reason;
    }
}
