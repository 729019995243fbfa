using PcapIke.Cli;
using PcapIke.Tests.Exchanges;
using PcapIke.Tests.Reports;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;

namespace PcapIke.Tests.Cli;

/// <summary><c>batch</c> with the real, streaming analyzer: rows by file, then in the order the SAs finish.</summary>
public class BatchStreamingTests
{
    [Fact]
    public void RowsWithinAFile_InOrderOfCompletion_IdleSasFirst_ThenTheRestById_JsonlLikewise()
    {
        string dir = TestPaths.NewTempDir();
        string timeline = Path.Combine(dir, "a-timeline.pcap");
        File.WriteAllBytes(timeline, IkeForge.Pcap(SaEvictionTests.Timeline()));
        string lab = Path.Combine(dir, "b-lab.pcap");
        File.Copy(RepoCapture("strongswan-ikev2-aes-cbc"), lab);
        string csv = Path.Combine(TestPaths.NewTempDir(), "out.csv");
        string jsonl = Path.Combine(TestPaths.NewTempDir(), "out.jsonl");

        var (exit, _, error) = Run("batch", dir, "--csv", csv, "--jsonl", jsonl);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("", error);
        var records = BatchCsvWriterTests.ReadWithPython(csv).Skip(1).ToList();
        // SAs 1 and 3 were idle for 180 s of capture time and finished first; 2, 4, 5 at the end of the capture
        Assert.Equal(
            [(timeline, "1"), (timeline, "3"), (timeline, "2"), (timeline, "4"), (timeline, "5"), (lab, "1")],
            records.Select(r => (r[0], r[1])));
        Assert.Equal(["stalled", "established", "established", "established", "incomplete", "established"], records.Select(r => r[10]));
        var ids = File.ReadAllLines(jsonl).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("file").GetString(), e.GetProperty("id").GetInt32()));
        Assert.Equal(records.Select(r => ((string?)r[0], int.Parse(r[1]))), ids);
    }
}
