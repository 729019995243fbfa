using System.Diagnostics;
using PcapIke.Capture;
using PcapIke.Cli.Commands;
using PcapIke.Cli.Live;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Cli;

/// <summary>
/// The watch loop on a replayed capture instead of an interface: the frames come in real time (the capture's
/// gaps scaled down), each SA is printed once it finishes — before the stop — and what is printed is analyze of
/// the capture watch wrote.
/// </summary>
public sealed class WatchSessionTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Hands out the frames of a capture at their (scaled) times, stamped with the wall clock; once all are
    /// out and <paramref name="after"/> has passed, takes a snapshot of the output and asks the loop to stop.</summary>
    private sealed class Replay(List<OwnedFrame> frames, double scale, TimeSpan after, Func<string> snapshot, CancellationTokenSource stop)
        : IPacketSource
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _next;
        private TimeSpan _lastDelivery;
        public string? Snapshot;
        public string Name => "replay0";
        public LinkType LinkType => frames[0].LinkType;

        public bool TryNext(out long timestampNanoseconds, out ReadOnlySpan<byte> data, out int originalLength)
        {
            timestampNanoseconds = 0;
            data = default;
            originalLength = 0;
            if (_next < frames.Count)
            {
                long due = (long)((frames[_next].TimestampNanoseconds - frames[0].TimestampNanoseconds) * scale / 100);
                if (_clock.Elapsed.Ticks >= due)
                {
                    var f = frames[_next++];
                    _lastDelivery = _clock.Elapsed;
                    timestampNanoseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
                    data = f.Data;
                    originalLength = f.Data.Length;
                    return true;
                }
            }
            else if (_clock.Elapsed - _lastDelivery > after && Snapshot is null)
            {
                Snapshot = snapshot();
                stop.Cancel();
            }
            Thread.Sleep(5);
            return false;
        }

        public (long Received, long Dropped)? Statistics() => (frames.Count, 0);
    }

    [Theory]
    [InlineData("S2-ikev1-r2-initiates", "stalled")]           // finished by --idle (1 s here)
    [InlineData("strongswan-ikev2-untrusted-ca", "failed")]   // finished 2 s after its last message
    [InlineData("strongswan-ikev1-main-mode", "established")]
    public void Each_SA_is_printed_when_it_finishes_as_analyze_prints_the_written_capture(string capture, string outcome)
    {
        var frames = TextDumps.ReadFrames(CliRun.RepoCapture(capture));
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var source = new Replay(frames, 0.02, TimeSpan.FromSeconds(3), () => output.ToString(), stop);
        var session = new WatchSession(source, new AnalysisOptions(), output, error, jsonl: false, TimeSpan.FromSeconds(1), terminal: false);
        string written = Path.Combine(_dir, "watch.pcap");
        session.WriteTo(written);

        Assert.Equal(0, session.Run(stop.Token));

        var analysis = CaptureAnalyzer.Analyze(written);
        var sa = Assert.Single(analysis.Sas);
        Assert.Equal(outcome, sa.Sa.Outcome.ToString().ToLowerInvariant());
        var expected = new StringWriter();
        new AnalyzeTextWriter(expected).WriteSa(sa);
        // printed before the stop, because it finished (not at the end)
        Assert.StartsWith(expected.ToString(), source.Snapshot);
        Assert.Equal(expected + "\n", source.Snapshot);
        // after the stop: the summary only
        Assert.Equal($"{expected}\nwatch replay0: {frames.Count} packets captured (0 dropped by the kernel), {frames.Count} IKE messages, 1 IKE SAs: "
            + $"{(outcome == "established" ? 1 : 0)} established, {(outcome == "failed" ? 1 : 0)} failed, {(outcome == "stalled" ? 1 : 0)} stalled, 0 incomplete; wrote {frames.Count} packets to {written}\n",
            output.ToString());
        // the written capture: the frames byte for byte
        Assert.Equal(frames.Select(f => Convert.ToHexString(f.Data)), TextDumps.ReadFrames(written).Select(f => Convert.ToHexString(f.Data)));
        // the status lines: the SA in progress, then none
        string[] status = error.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal("watch replay0: 0 packets, 0 SAs done, none in progress", status[0]);
        Assert.Contains(status, l => l.Contains(", 0 SAs done, in progress: IKEv", StringComparison.Ordinal));
        Assert.EndsWith(", 1 SAs done, none in progress", status[^1]);
    }
}
