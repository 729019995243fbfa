using System.Text.Json;
using PcapIke.Cli;
using PcapIke.Cli.Commands;
using PcapIke.Tests.Reports;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;

namespace PcapIke.Tests.Cli;

public class BatchCommandTests
{
    /// <summary>a.pcap, bad.pcap, d.pcap.gz, sub/b.pcapng, sub/deeper/c.cap, and notes.txt that batch ignores.</summary>
    private static string Tree()
    {
        string dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "sub", "deeper"));
        foreach (string f in new[] { "a.pcap", "bad.pcap", "d.pcap.gz", "notes.txt", "sub/b.pcapng", "sub/deeper/c.cap" })
            File.WriteAllText(Path.Combine(dir, f), "");
        return dir;
    }

    private static int SasFor(string file) => Path.GetFileName(file) switch
    {
        "a.pcap" => 3,
        "sub/b.pcapng" or "b.pcapng" => 1,
        "c.cap" => 0,
        "d.pcap.gz" => 2,
        _ => 1,
    };

    [Fact]
    public void Directory_IsSearchedRecursively_RowsByFileThenSaId_ErrorRow_ExitCode3()
    {
        string dir = Tree();
        string csv = Path.Combine(TestPaths.NewTempDir(), "out.csv");
        string jsonl = Path.Combine(TestPaths.NewTempDir(), "out.jsonl");
        // Later files finish first: the order of the rows must not depend on it.
        var fake = new FakeAnalyzer(SasFor, f => Path.GetFileName(f) switch { "a.pcap" => 300, "bad.pcap" => 200, _ => 10 });
        var (exit, output, error) = RunWith(fake.Analyze, "batch", dir, "--csv", csv, "--jsonl", jsonl);

        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("", output);
        Assert.Equal($"pcapike: {Path.Combine(dir, "bad.pcap")}: not a pcap or pcapng capture (first bytes 74686973)\n", error);
        Assert.Equal(5, fake.Calls);

        var records = BatchCsvWriterTests.ReadWithPython(csv);
        Assert.Equal(BatchCsvWriterTests.Header.Split(','), records[0]);
        string P(string f) => Path.Combine(dir, f);
        Assert.Equal(
            [
                (P("a.pcap"), "1"), (P("a.pcap"), "2"), (P("a.pcap"), "3"),
                (P("bad.pcap"), ""),
                (P("d.pcap.gz"), "1"), (P("d.pcap.gz"), "2"),
                (P("sub/b.pcapng"), "1"),
            ],
            records.Skip(1).Select(r => (r[0], r[1])));
        var errorRow = records[4];
        Assert.Equal("not a pcap or pcapng capture (first bytes 74686973)", errorRow[17]);
        Assert.All(errorRow.Skip(1).Take(16), c => Assert.Equal("", c));

        var lines = File.ReadAllLines(jsonl);
        Assert.Equal(6, lines.Length);
        var sas = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(records.Skip(1).Where(r => r[1] != "").Select(r => (r[0], int.Parse(r[1]))),
            sas.Select(s => (s.GetProperty("file").GetString()!, s.GetProperty("id").GetInt32())));
        Assert.All(sas, s => Assert.True(s.TryGetProperty("certReq", out _) && s.TryGetProperty("messages", out _)));
    }

    [Fact]
    public void AllFilesRead_ExitCode0()
    {
        var fake = new FakeAnalyzer(_ => 1);
        string csv = Path.Combine(TestPaths.NewTempDir(), "out.csv");
        var (exit, _, error) = RunWith(fake.Analyze, "batch", "x.pcap", "y.pcap", "--csv", csv);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("", error);
        Assert.Equal(3, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public void CsvToStandardOutput_WithDash()
    {
        var fake = new FakeAnalyzer(_ => 2);
        var (exit, output, _) = RunWith(fake.Analyze, "batch", "x.pcap", "--csv", "-");
        Assert.Equal(ExitCodes.Ok, exit);
        var lines = output.Split('\n');
        Assert.Equal(BatchCsvWriterTests.Header, lines[0]);
        Assert.StartsWith("x.pcap,1,1,", lines[1]);
        Assert.StartsWith("x.pcap,2,2,", lines[2]);
    }

    [Fact]
    public void UnwritableCsv_IsOneLine_ExitCode3()
    {
        var fake = new FakeAnalyzer(_ => 1);
        string csv = Path.Combine(TestPaths.NewTempDir(), "no-such-dir", "out.csv");
        var (exit, _, error) = RunWith(fake.Analyze, "batch", "x.pcap", "--csv", csv);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.StartsWith($"pcapike: --csv: cannot write {csv}", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void RealAnalyzer_DirectoryWithAnUnreadableCapture_GivesItsErrorRow_ExitCode3()
    {
        string dir = TestPaths.NewTempDir();
        string junk = Junk(dir, "broken.pcapng");
        string csv = Path.Combine(TestPaths.NewTempDir(), "out.csv");
        var (exit, _, error) = Run("batch", dir, "--csv", csv);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.StartsWith($"pcapike: {junk}: not a pcap or pcapng capture", error);
        var records = BatchCsvWriterTests.ReadWithPython(csv);
        Assert.Equal(2, records.Count);
        Assert.Equal(junk, records[1][0]);
        Assert.StartsWith("not a pcap or pcapng capture", records[1][17]);
    }

    [Fact]
    public void Progress_IsWrittenToStandardError_WhenItRunsLong()
    {
        var fake = new FakeAnalyzer(_ => 2, _ => 300);
        var error = new StringWriter();
        var runner = new BatchRunner(f => fake.Analyze(f, new())) { ProgressInterval = TimeSpan.FromMilliseconds(40), MaxDegreeOfParallelism = 1 };
        var result = runner.Run(["a.pcap", "b.pcap", "c.pcap"], new MemoryStream(), null, error);
        Assert.Equal(new BatchResult(3, 0, 6), result);
        var lines = error.ToString().TrimEnd('\n').Split('\n');
        Assert.True(lines.Length >= 2, error.ToString());
        Assert.All(lines[..^1], l => Assert.Matches(@"^batch: \d/3 files, \d+ SAs so far$", l));
        Assert.Equal("batch: 3/3 files, 6 SAs", lines[^1]);
    }

    [Fact]
    public void QuickBatch_PrintsNoProgress()
    {
        var fake = new FakeAnalyzer(_ => 1);
        var error = new StringWriter();
        new BatchRunner(f => fake.Analyze(f, new())).Run(["a.pcap"], new MemoryStream(), null, error);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void ExpandInputs_FindsCaptureExtensions_SortedOrdinal_Once()
    {
        string dir = Tree();
        var files = BatchRunner.ExpandInputs([dir, Path.Combine(dir, "a.pcap"), "zz-missing.pcap"]);
        string P(string f) => Path.Combine(dir, f);
        Assert.Equal(new[] { P("a.pcap"), P("bad.pcap"), P("d.pcap.gz"), P("sub/b.pcapng"), P("sub/deeper/c.cap"), "zz-missing.pcap" }
            .OrderBy(x => x, StringComparer.Ordinal), files);
    }

    [Fact]
    public void ExpandInputs_FollowsLinksToCaptures_NotLinksToDirectories()
    {
        string dir = TestPaths.NewTempDir(), archive = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(archive, "case1.pcap"), "x");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.CreateSymbolicLink(Path.Combine(dir, "linked.pcap"), Path.Combine(archive, "case1.pcap"));
        File.CreateSymbolicLink(Path.Combine(dir, "sub", "dangling.pcap"), Path.Combine(archive, "gone.pcap"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "sub", "loop"), dir);            // back up the tree
        Directory.CreateSymbolicLink(Path.Combine(dir, "archive"), archive);
        var files = BatchRunner.ExpandInputs([dir]);
        // the link to a capture and the dangling one (an error row: the engineer sees it) are taken; nothing is
        // found twice or through the directory links
        Assert.Equal(new[] { Path.Combine(dir, "linked.pcap"), Path.Combine(dir, "sub", "dangling.pcap") }
            .Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void ADirectoryWithoutACapture_IsSaid_AndTheExitCodeSaysIt()
    {
        string empty = TestPaths.NewTempDir(), csv = Path.Combine(TestPaths.NewTempDir(), "o.csv");
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not a capture");
        // nothing at all to analyse: one error line, no CSV
        var (exit, _, err) = Run("batch", empty, "--csv", csv);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal($"pcapike: {empty}: no capture in this directory (*.pcap, *.pcapng, *.cap, *.gz, searched recursively)\n", err);
        Assert.False(File.Exists(csv));
        // beside a capture: the capture's rows, the same line, exit 3 as for a missing file
        var (exit2, _, err2) = Run("batch", empty, RepoCapture("S2-ikev1-r2-initiates"), "--csv", csv);
        Assert.Equal(ExitCodes.UnreadableInput, exit2);
        Assert.Equal($"pcapike: {empty}: no capture in this directory (*.pcap, *.pcapng, *.cap, *.gz, searched recursively)\n", err2);
        Assert.Equal(2, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public void PerCapture_HelperThreadsOnlyWhileProcessorsExceedTheCapturesAtOnce()
    {
        int n = Environment.ProcessorCount;
        var all = new PcapIke.Analysis.AnalysisOptions { ReadAhead = true, SecondThread = true, MaxLiveSas = 123 };
        // a capture on every processor: each is read and analysed on its own thread alone
        var busy = BatchRunner.PerCapture(all, degree: n, files: 10 * n);
        Assert.False(busy.ReadAhead);
        Assert.False(busy.SecondThread);
        Assert.Equal(123, busy.MaxLiveSas);   // the rest of the options kept
        Assert.Equal(n, busy.CapturesAtOnce);
        Assert.Equal(3, BatchRunner.PerCapture(all, degree: 8, files: 3).CapturesAtOnce);   // no more than there are
        Assert.Equal(1, BatchRunner.PerCapture(all, degree: 1, files: 3).CapturesAtOnce);
        // one capture at a time, or fewer captures than jobs: the helpers when there is a processor for them
        foreach (var (degree, files) in new[] { (1, 10), (n + 4, 1) })
        {
            var o = BatchRunner.PerCapture(all, degree, files);
            Assert.Equal(n > 1, o.ReadAhead);
            Assert.Equal(n > 1, o.SecondThread);
        }
        // never turned on where the caller turned them off
        Assert.False(BatchRunner.PerCapture(all with { ReadAhead = false }, 1, 1).ReadAhead);
    }

    // ---- end to end, once the correlator is in (ExchangeCorrelator) ----

    [Fact]
    [Trait("NeedsCorrelator", "true")]
    public void EndToEnd_RepoCaptures_PlusAnUnreadableOne()
    {
        string dir = TestPaths.NewTempDir();
        // The strongSwan lab captures: all six are initiated by 192.0.2.1.
        foreach (string folder in Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "captures"), "strongswan-*"))
            File.Copy(Path.Combine(folder, "capture.pcap"), Path.Combine(dir, Path.GetFileName(folder) + ".pcap"));
        string junk = Junk(dir, "zz-broken.pcap");
        string csv = Path.Combine(TestPaths.NewTempDir(), "out.csv");
        string jsonl = Path.Combine(TestPaths.NewTempDir(), "out.jsonl");

        var (exit, _, error) = Run("batch", dir, "--csv", csv, "--jsonl", jsonl);

        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal($"pcapike: {junk}: not a pcap or pcapng capture (first bytes 74686973)\n", error);
        var records = BatchCsvWriterTests.ReadWithPython(csv);
        var saRows = records.Skip(1).Where(r => r[17] == "").ToList();
        Assert.Equal(6, saRows.Select(r => r[0]).Distinct().Count());
        Assert.All(saRows, r => Assert.Equal("192.0.2.1:500", r[3]));
        Assert.Contains(saRows, r => r[0].EndsWith("strongswan-ikev1-main-mode.pcap", StringComparison.Ordinal) && r[2] == "1" && r[10] == "established");
        Assert.Equal(junk, records[^1][0]);
        Assert.Equal(saRows.Count, File.ReadAllLines(jsonl).Length);
    }
}
