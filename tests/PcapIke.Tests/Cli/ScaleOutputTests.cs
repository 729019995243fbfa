using System.Text;
using System.Text.Json;
using PcapIke.Cli;
using PcapIke.Cli.Commands;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Pipeline;
using PcapIke.Reports;
using PcapIke.Tests.Exchanges;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;
using PcapIke.Analysis;

namespace PcapIke.Tests.Cli;

/// <summary>
/// Issue 14: dissect/analyze JSON written straight to the output as it is produced, with the same bytes as the
/// document built in memory before; analyze --format jsonl; batch --jobs N giving the same rows as --jobs 1.
/// </summary>
public class ScaleOutputTests
{
    public static TheoryData<string> BundledCaptures()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*.pcap", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(TestPaths.RepoRoot, f)).Order(StringComparer.Ordinal))
            data.Add(f);
        return data;
    }

    /// <summary>What <c>dissect --format json</c> printed before issue 14: the whole document built in a
    /// MemoryStream, then written as one string and a newline.</summary>
    private static string OldDissectJson(string file)
    {
        var buffer = new MemoryStream();
        using (var writer = new DissectJsonWriter(buffer))
        {
            var malformations = new MalformationList();
            writer.BeginFile(file);
            using var reader = PcapIke.Capture.CaptureReader.Open(file, malformations);
            var stats = CaptureDissector.Dissect(reader, malformations, writer.WriteMessage);
            writer.EndFile(stats, malformations.Items, null);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    /// <summary>What <c>analyze --format json</c> printed before: one AnalyzeJsonWriter over the whole run.</summary>
    private static string OldAnalyzeJson(string file)
    {
        var buffer = new MemoryStream();
        using (var writer = new AnalyzeJsonWriter(buffer)) writer.WriteAnalysis(CaptureAnalyzer.Analyze(file));
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    [Theory]
    [MemberData(nameof(BundledCaptures))]
    public void DissectAndAnalyzeJson_Streamed_GiveTheBytesOfTheBufferedDocument(string relative)
    {
        string path = Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, relative));
        var (exit, output, _) = Run("dissect", path, "--format", "json");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(OldDissectJson(path), output);

        // the byte path (what standard output gets in the real process)
        var bytes = new MemoryStream();
        DissectCommand.WriteJson([path], Selection.All, new PcapIke.Frames.FrameDecoderOptions(), null, bytes, TextWriter.Null);
        Assert.Equal(OldDissectJson(path), Encoding.UTF8.GetString(bytes.ToArray()) + "\n");

        var (aexit, aoutput, _) = Run("analyze", path, "--format", "json", "--quiet");
        Assert.Equal(ExitCodes.Ok, aexit);
        Assert.Equal(OldAnalyzeJson(path), aoutput);
    }

    /// <summary>A stream that records the size of every write.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public readonly List<int> Writes = new();
        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add(count);
            base.Write(buffer, offset, count);
        }
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes.Add(buffer.Length);
            base.Write(buffer);
        }
    }

    private static string ManyMessagesCapture(int n)
    {
        var list = new List<IkeForge.Sent>();
        for (int i = 1; i <= n; i++)
            list.Add(new(i * 0.001, "10.0.0.1", 500, "10.9.0.1", 500,
                IkeForge.Message(2, (ulong)i, 0, IkeForge.IkeSaInit, IkeForge.FlagInitiator, 0, [IkeForge.Ikev2Sa(), IkeForge.KeV2(i), IkeForge.NonceV2(i)])));
        string path = Path.Combine(TestPaths.NewTempDir(), "many.pcap");
        File.WriteAllBytes(path, IkeForge.Pcap(list));
        return path;
    }

    [Fact]
    public void DissectJson_GoesToTheStreamInChunksOfAbout64KiB_NotAsOneDocument()
    {
        string path = ManyMessagesCapture(3_000);
        var stream = new RecordingStream();
        DissectCommand.WriteJson([path], Selection.All, new PcapIke.Frames.FrameDecoderOptions(), null, stream, TextWriter.Null);
        long total = stream.Length;
        Assert.True(total > 4_000_000, $"{total} bytes");
        // every write is one flush of ~64 KiB (plus at most one message), so the document is never held whole
        Assert.True(stream.Writes.Count >= total / (2 * DissectJsonWriter.FlushThreshold), $"{stream.Writes.Count} writes");
        Assert.True(stream.Writes.Max() < 2 * DissectJsonWriter.FlushThreshold, $"largest write {stream.Writes.Max()}");
        Assert.Equal(OldDissectJson(path), Encoding.UTF8.GetString(stream.ToArray()) + "\n");
    }

    [Fact]
    public void CommandOutput_OnTheProcessStandardOutput_WritesBytesInOrderWithTheText()
    {
        var sink = new MemoryStream();
        var stdout = new StreamWriter(sink, new UTF8Encoding(false), 1 << 16);
        var output = new PcapIke.Text.SafeTextWriter(stdout);
        output.Write("before ");
        using (var bytes = CommandOutput.OpenBytes(output))
        {
            Assert.IsNotType<TextWriterStream>(bytes);
            bytes.Write("{\"a\":1}"u8);
        }
        output.Write(" after");
        output.Flush();
        Assert.Equal("before {\"a\":1} after", Encoding.UTF8.GetString(sink.ToArray()));
        Assert.True(sink.CanWrite); // standard output stays open
        Assert.IsType<TextWriterStream>(CommandOutput.OpenBytes(new StringWriter()));
    }

    /// <summary>The SA object unindented, without <c>dataPlane</c>: a streamed analysis (batch --jsonl, analyze --format
    /// jsonl) attaches the data plane only when the capture has ESP/AH (these captures have none).</summary>
    private static string Normalized(JsonElement e)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!.AsObject();
        node.Remove("dataPlane");
        return node.ToJsonString();
    }

    [Fact]
    public void AnalyzeJsonLines_HoldsTheSasOfAnalyzeJson_OnePerLine()
    {
        string dir = TestPaths.NewTempDir();
        string a = RepoCapture("S2-ikev1-r2-initiates"), b = Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-untrusted-ca", "capture.pcap");
        var (exit, json, _) = Run("analyze", a, b, "--format", "json", "--quiet");
        var (lexit, lines, _) = Run("analyze", a, b, "--format", "jsonl", "--quiet");
        Assert.Equal((0, 0), (exit, lexit));
        using var doc = JsonDocument.Parse(json);
        var expected = doc.RootElement.GetProperty("sas").EnumerateArray().Select(Normalized).Order(StringComparer.Ordinal).ToList();
        var got = lines.TrimEnd('\n').Split('\n');
        Assert.True(expected.Count >= 2);
        Assert.Equal(expected, got.Select(l => { using var d = JsonDocument.Parse(l); return Normalized(d.RootElement); }).Order(StringComparer.Ordinal));
        Assert.All(got, l => Assert.DoesNotContain("\"dataPlane\"", l, StringComparison.Ordinal));

        // an unreadable file: one error line, exit code 3, the other file's SAs still written
        string junk = Junk(dir);
        var (jexit, jlines, jerror) = Run("analyze", junk, a, "--format", "jsonl", "--quiet");
        Assert.Equal(ExitCodes.UnreadableInput, jexit);
        Assert.StartsWith($"pcapike: {junk}: not a pcap", jerror);
        Assert.Single(jerror.TrimEnd('\n').Split('\n'));
        Assert.NotEmpty(jlines.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void AnalyzeJsonLines_AtTheCap_MarksTheCutShortSas()
    {
        var list = new List<IkeForge.Sent>();
        for (int i = 1; i <= 10; i++)
            list.Add(new(i, $"10.0.0.{i}", 500, "10.9.0.1", 500,
                IkeForge.Message(2, (ulong)i, 0, IkeForge.IkeSaInit, IkeForge.FlagInitiator, 0, [IkeForge.Ikev2Sa(), IkeForge.KeV2(i), IkeForge.NonceV2(i)])));
        string path = Path.Combine(TestPaths.NewTempDir(), "ten.pcap");
        File.WriteAllBytes(path, IkeForge.Pcap(list));
        var (exit, lines, _) = Run("analyze", path, "--format", "jsonl", "--max-open-sas", "4", "--quiet");
        Assert.Equal(0, exit);
        var sas = lines.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // the 6 oldest are cut short as SAs 5-10 start, in that order; the last 4 are finished at the end
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sas.Select(s => s.GetProperty("id").GetInt32()));
        Assert.Equal(6, sas.Count(s => s.TryGetProperty("cutShort", out var c) && c.GetBoolean()));
        Assert.All(sas.Take(6), s => Assert.True(s.GetProperty("cutShort").GetBoolean()));

        var (texit, text, _) = Run("analyze", path, "--max-open-sas", "4", "--quiet");
        Assert.Equal(0, texit);
        Assert.Contains("6 IKE SAs were cut short", text, StringComparison.Ordinal);
        // each cut-short SA's outcome says so, once, and none says the capture ended there
        var outcomes = text.Split('\n').Where(l => l.TrimStart().StartsWith("Outcome ", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, outcomes.Count);
        Assert.Equal(6, outcomes.Count(l => l.Contains("before it was cut short at the cap of open SAs (the capture goes on)", StringComparison.Ordinal)));
        Assert.Equal(4, outcomes.Count(l => l.Contains("capture ends", StringComparison.Ordinal)));

        var (bad, _, berr) = Run("analyze", path, "--max-open-sas", "0");
        Assert.Equal(2, bad);
        Assert.Contains("--max-open-sas must be at least 1", berr, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_Jobs2_GivesTheSameCsvAndJsonLinesAsJobs1()
    {
        string dir = TestPaths.NewTempDir();
        var sources = Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*.pcap", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(8).ToList();
        Assert.True(sources.Count >= 4);
        for (int i = 0; i < sources.Count; i++) File.Copy(sources[i], Path.Combine(dir, $"{i:D2}.pcap"));
        Junk(dir, "05-junk.pcap");
        string Out(string name) => Path.Combine(TestPaths.NewTempDir(), name);
        string csv1 = Out("1.csv"), csv2 = Out("2.csv"), jl1 = Out("1.jsonl"), jl2 = Out("2.jsonl");
        var r1 = Run("batch", dir, "--csv", csv1, "--jsonl", jl1, "--jobs", "1");
        var r2 = Run("batch", dir, "--csv", csv2, "--jsonl", jl2, "--jobs", "2");
        Assert.Equal((ExitCodes.UnreadableInput, ExitCodes.UnreadableInput), (r1.Exit, r2.Exit));
        Assert.Equal(File.ReadAllBytes(csv1), File.ReadAllBytes(csv2));
        Assert.Equal(File.ReadAllBytes(jl1), File.ReadAllBytes(jl2));
        Assert.True(File.ReadAllLines(csv1).Length > sources.Count);

        var (bad, _, err) = Run("batch", dir, "--csv", csv1, "--jobs", "0");
        Assert.Equal(2, bad);
        Assert.Contains("--jobs must be at least 1", err, StringComparison.Ordinal);
    }
}
