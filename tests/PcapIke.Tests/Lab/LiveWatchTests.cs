using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Tests.Lab;

/// <summary>
/// <c>pcapike watch</c> on the lab's veth: .ci/run starts it (LAB_WATCH hook of tools/lab/record-strongswan.sh) in
/// moon's namespace before each negotiation with <c>--write watch/ID.pcap --format jsonl &gt; watch/ID.jsonl</c>, and
/// the script stops it with SIGINT when it stops tcpdump (meta/ID.watch-stop: seconds to exit, exit code;
/// meta/ID.watch.err: its standard error).
/// </summary>
public sealed class LiveWatchTests
{
    public static TheoryData<string> Scenarios => new(LiveLab.Recorded);

    private static string Watch(string file) => Path.Combine(LiveLab.Root, "watch", file);

    /// <summary>An SA as analyze's JSON writes it, without the file name (the interface for watch).</summary>
    private static string Json(JsonNode sa)
    {
        sa.AsObject().Remove("file");
        return sa.ToJsonString();
    }

    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void The_SAs_watch_printed_equal_analyze_of_tcpdumps_capture(string id)
    {
        var s = LiveLab.Get(id);
        string jsonl = Watch(id + ".jsonl");
        Assert.True(File.Exists(jsonl), $"{jsonl} missing: did .ci/run start pcapike watch (LAB_WATCH)? {File.ReadAllText(Watch("build.log"))}");
        // the last line printed of each SA (one printed again after more messages came replaces the first)
        var printed = new Dictionary<int, string>();
        foreach (string line in File.ReadLines(jsonl).Where(l => l.Length > 0))
        {
            var node = JsonNode.Parse(line)!;
            printed[node["id"]!.GetValue<int>()] = Json(node);
        }
        var analysis = CaptureAnalyzer.Analyze(s.Capture);
        Assert.NotEmpty(analysis.Sas);
        var expected = analysis.Sas.ToDictionary(sa => sa.Sa.Id, sa =>
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer)) AnalyzeJsonWriter.WriteSa(w, s.Capture, sa);
            return Json(JsonNode.Parse(buffer.ToArray())!);
        });
        Assert.Equal(expected.Keys.Order(), printed.Keys.Order());
        foreach (var (saId, json) in expected) Assert.Equal(json, printed[saId]);
        string outcome = s.Established ? "established" : "failed";
        Assert.Contains(printed.Values, j => j.Contains($"\"outcome\":\"{outcome}\"", StringComparison.Ordinal));
    }

    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Tshark_reads_the_capture_watch_wrote_with_the_frames_tcpdump_recorded(string id)
    {
        var s = LiveLab.Get(id);
        string written = Watch(id + ".pcap");
        Assert.True(File.Exists(written), $"{written} missing");
        string Frames(string pcap) => TestSupport.Tool.Run("tshark", "tshark", "-r", pcap, "-T", "fields", "-e", "frame.len", "-e", "ip.id", "-e", "udp.dstport");
        string ours = Frames(written);
        Assert.NotEqual("", ours.Trim());
        Assert.Equal(Frames(s.Capture), ours);
    }

    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void SIGINT_ends_watch_within_a_second_with_the_summary(string id)
    {
        var s = LiveLab.Get(id);
        string stop = Path.Combine(LiveLab.Meta, id + ".watch-stop");
        Assert.True(File.Exists(stop), $"{stop} missing");
        string[] f = File.ReadAllText(stop).Split(' ', StringSplitOptions.TrimEntries);
        double seconds = double.Parse(f[0], CultureInfo.InvariantCulture);
        Assert.True(seconds < 1.0, $"watch took {seconds} s to end after SIGINT");
        Assert.Equal("0", f[1]);
        string[] err = File.ReadAllLines(Path.Combine(LiveLab.Meta, id + ".watch.err"));
        int frames = TestSupport.TextDumps.ReadFrames(s.Capture).Count;
        int sas = CaptureAnalyzer.Analyze(s.Capture).Sas.Count;
        Assert.Matches($@"^watch veth-moon: {frames} packets captured \(0 dropped by the kernel\), \d+ IKE messages, {sas} IKE SAs: .*; wrote {frames} packets to .*/watch/{id}\.pcap$", err[^1]);
        // the status lines came before: the first one as watch started, none in progress at the end
        Assert.Equal("watch veth-moon: 0 packets, 0 SAs done, none in progress", err[0]);
        Assert.Contains(err, l => l.Contains(", in progress: IKEv", StringComparison.Ordinal));
    }
}
