using System.Diagnostics;
using System.IO.Compression;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using Xunit.Abstractions;

namespace PcapIke.Tests.Fuzz;

/// <summary>
/// A seeded mutator over every capture (ours and the third-party ones, plain and gzip'd) run through the whole
/// pipeline — reader, frame decoder, reassembly, dissector, tree and JSON writers — for a bounded time
/// (PCAPIKE_FUZZ_SECONDS, default 20). No exception may escape except <see cref="CaptureFormatException"/> for an
/// input that is no longer a capture at all, no input may take longer than a few seconds (a hang), and the
/// malformation list stays bounded. A failure names the seed that reproduces it.
/// </summary>
public class PipelineFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_perInputLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public void MutatedCaptures_ThroughTheWholePipeline_NeverThrowNorHang()
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("PCAPIKE_FUZZ_SECONDS"), out int s) ? s : 20;
        var corpus = Corpus();
        Assert.True(corpus.Count >= 10, "the fuzz corpus should hold every capture");
        var clock = Stopwatch.StartNew();
        int runs = 0, rejected = 0;
        long messages = 0;
        for (int seed = 1; clock.Elapsed < TimeSpan.FromSeconds(seconds); seed++)
        {
            byte[] input = new SeededMutator(seed).Mutate(corpus[seed % corpus.Count]);
            if (seed % 7 == 0) input = Gzip(input);
            var outcome = RunOnce(input, seed);
            runs++;
            if (outcome.Rejected) rejected++;
            messages += outcome.Messages;
        }
        output.WriteLine($"{runs} inputs in {clock.Elapsed.TotalSeconds:F1} s, {rejected} rejected as not a capture, {messages} IKE messages dissected");
        // The mutator must mostly produce inputs that still parse as captures, or it tests nothing past the header.
        Assert.True(runs > 50, $"only {runs} inputs in {seconds} s");
        Assert.True(rejected < runs / 2, $"{rejected} of {runs} inputs were rejected as not a capture");
        Assert.True(messages > runs, $"only {messages} IKE messages over {runs} inputs");
    }

    private sealed record Outcome(bool Rejected, long Messages);

    private static Outcome RunOnce(byte[] input, int seed)
    {
        Outcome? outcome = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var malformations = new MalformationList(limit: 1000);
                long n = 0;
                using var json = new DissectJsonWriter(Stream.Null);
                json.BeginFile("fuzz");
                try
                {
                    using var reader = CaptureReader.Open(new MemoryStream(input, writable: false), $"seed-{seed}", malformations);
                    var stats = CaptureDissector.Dissect(reader, malformations, m =>
                    {
                        n++;
                        _ = IkeTreeWriter.ToText(m.Ike);
                        json.WriteMessage(m);
                    });
                    json.EndFile(stats, malformations.Items, null);
                    Assert.True(malformations.Items.Count <= 1000);
                    outcome = new Outcome(false, n);
                }
                catch (CaptureFormatException)
                {
                    json.EndFile(null, malformations.Items, "not a capture");
                    outcome = new Outcome(true, 0);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, maxStackSize: 16 << 20) { IsBackground = true };
        thread.Start();
        bool finished = thread.Join(s_perInputLimit);
        Assert.True(finished, $"seed {seed}: no result after {s_perInputLimit.TotalSeconds} s (a hang)");
        if (failure != null)
            Assert.Fail($"seed {seed}: {failure.GetType().Name} escaped the pipeline: {failure}");
        return outcome!;
    }

    private static List<byte[]> Corpus()
    {
        var files = Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*.pcap", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(TestPaths.SharedCaptures).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".cap", StringComparison.Ordinal)))
            .OrderBy(f => f, StringComparer.Ordinal);
        return files.Select(File.ReadAllBytes).ToList();
    }

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }
}
