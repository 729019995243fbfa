using System.Diagnostics;
using System.Text.RegularExpressions;
using PcapIke.Fuzz;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;
using Xunit.Abstractions;

namespace PcapIke.Tests.Fuzz;

/// <summary>
/// The coverage-guided fuzz harness's regression side (issue 14): every input in <c>fuzz/corpus/crashes/TARGET/</c>
/// (AFL++'s finds, saved by <c>tools/fuzz.sh --save</c>, and the issue's own crash inputs) goes through the same
/// target as under AFL++ (<see cref="FuzzTargets"/>) and must neither throw nor hang; the same targets get a short
/// seeded in-process run; and when <c>.ci/run</c> ran AFL++ (<c>PCAPIKE_FUZZ_RESULT</c>), its result is checked:
/// every target ran, executed inputs, and found no crash.
/// </summary>
public sealed class FuzzCorpusReplayTests(ITestOutputHelper output)
{
    private static readonly string s_crashes = Path.Combine(TestPaths.RepoRoot, "fuzz", "corpus", "crashes");

    public static TheoryData<string, string> CrashInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string dir in Directory.GetDirectories(s_crashes).OrderBy(d => d, StringComparer.Ordinal))
            foreach (string file in Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal))
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void TheCorpus_HoldsTheIssuesCrashInputs_ForKnownTargets()
    {
        var inputs = CrashInputs().Select(r => ((string)r[0], (string)r[1])).ToList();
        Assert.True(inputs.Count >= 4, $"{inputs.Count} crash inputs");
        Assert.All(inputs, i => Assert.Contains(i.Item1, FuzzTargets.Names));
        Assert.Contains(("ios", "issue14-stray-word-in-ca-subject.txt"), inputs);
        Assert.Contains(("ios", "issue14-empty-subject-serial.txt"), inputs);
        Assert.Contains(("charonlog", "issue14-selected-proposal-huge-key-size.log"), inputs);
    }

    [Theory]
    [MemberData(nameof(CrashInputs))]
    public void CrashInput_ReplaysWithoutExceptionOrHang(string target, string file)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(s_crashes, target, file));
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { FuzzTargets.Run(target, input); }
            catch (Exception ex) { failure = ex; }
        }, 64 << 20);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), $"{target}/{file}: still running after 30 s (a hang)");
        Assert.True(failure is null, $"{target}/{file}: {failure}");
    }

    [Fact]
    public void EveryTarget_SeededMutations_InProcess_NeverThrow()
    {
        // The same targets as AFL++ runs, without coverage: seeded byte mutations of the repository's inputs, 3 s a target.
        var seeds = new Dictionary<string, string[]>
        {
            ["capture"] = [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "capture.pcap", SearchOption.AllDirectories),
                           .. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "fuzz", "corpus", "seeds", "capture"))],
            ["keytable"] = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "ikev*_decryption_table", SearchOption.AllDirectories),
            ["charonlog"] = [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "charon-*.log", SearchOption.AllDirectories),
                             .. Directory.GetFiles(Path.Combine(s_crashes, "charonlog"))],
            ["ios"] = [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "R*-*.txt", SearchOption.AllDirectories),
                       .. Directory.GetFiles(Path.Combine(s_crashes, "ios"))],
            ["scenario"] = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "scenario.json", SearchOption.AllDirectories),
            ["debug"] = [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "R*-debug.txt", SearchOption.AllDirectories),
                         .. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests", "PcapIke.Tests", "Model", "Resources"), "technote-debug-*.txt")],
        };
        foreach (string target in FuzzTargets.Names)
        {
            var corpus = seeds[target].Select(File.ReadAllBytes).Where(b => b.Length < 256 << 10).ToList();
            Assert.True(corpus.Count > 0, $"no seeds for {target}");
            var clock = Stopwatch.StartNew();
            int runs = 0;
            for (int seed = 1; clock.Elapsed < TimeSpan.FromSeconds(3); seed++, runs++)
            {
                byte[] input = new SeededMutator(seed).Mutate(corpus[seed % corpus.Count]);
                try { FuzzTargets.Run(target, input); }
                catch (Exception ex) { Assert.Fail($"{target}, seed {seed} (SeededMutator over seed file {seed % corpus.Count}): {ex}"); }
            }
            output.WriteLine($"{target}: {runs} mutated inputs in {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(runs > 10, $"{target}: only {runs} inputs");
        }
    }

    /// <summary>The capture target's text dump seeds for AFL++ (fuzz/corpus/seeds/capture/): S2's capture rendered in
    /// every layout the reader knows, as <see cref="TextDumps"/> renders them. PCAPIKE_WRITE_FUZZ_SEEDS=1 rewrites them.</summary>
    [Fact]
    public void TextDumpSeeds_AreTheRenderedCapture_AndReplay()
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "fuzz", "corpus", "seeds", "capture");
        var frames = TextDumps.ReadFrames(CliRun.RepoCapture("S2-ikev1-r2-initiates"));
        foreach (DumpLayout layout in Enum.GetValues<DumpLayout>())
        {
            string path = Path.Combine(dir, $"S2-{layout}.txt");
            string text = TextDumps.Render(frames, layout);
            if (Environment.GetEnvironmentVariable("PCAPIKE_WRITE_FUZZ_SEEDS") == "1")
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(path, text);
            }
            Assert.Equal(text, File.ReadAllText(path));
            FuzzTargets.Run("capture", File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void CiFuzzRun_RanEveryTarget_AndFoundNoCrash()
    {
        string? result = Environment.GetEnvironmentVariable("PCAPIKE_FUZZ_RESULT");
        if (result is null)
        {
            Assert.False(TestSupport.Ci.Active, "CI=true but .ci/run set no PCAPIKE_FUZZ_RESULT");
            return;   // a developer's run: tools/fuzz.sh is run by hand
        }
        Assert.True(File.Exists(result), $"{result}: tools/fuzz.sh wrote no result (did it start?)");
        string[] lines = File.ReadAllLines(result);
        foreach (string target in FuzzTargets.Names)
        {
            string? line = lines.FirstOrDefault(l => l.StartsWith($"fuzz {target}: ", StringComparison.Ordinal));
            Assert.True(line is not null, $"no result line for {target} in {result}: {string.Join(" | ", lines)}");
            output.WriteLine(line);
            Match m = Regex.Match(line!, @"^fuzz \w+: (\d+) execs in (\d+) s, (\d+) crashes, (\d+) hangs");
            Assert.True(m.Success, line);
            Assert.True(long.Parse(m.Groups[1].Value) > 100, $"{target}: too few executions: {line}");
            Assert.True(m.Groups[3].Value == "0", $"{target}: AFL++ found a crash: {line} (tools/fuzz.sh {target} N --save keeps it under fuzz/corpus/crashes/{target})");
        }
    }
}
