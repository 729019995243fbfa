using PcapIke.Analysis;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Pipeline;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Exchanges.IkeForge;
using static PcapIke.Tests.TestSupport.AnalysisOutput;

namespace PcapIke.Tests.Analysis;

/// <summary>
/// Issue 14: correlation, the finished SAs' rules and the data-plane counters on a second thread
/// (<see cref="AnalysisThread"/>) give the analysis of one thread, byte for byte, across many batch boundaries; the
/// hand-off keeps capture order, is bounded, and an exception on the analysis side reaches the caller as thrown.
/// </summary>
public class AnalysisThreadTests
{
    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*.pcap", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(TestPaths.SharedCaptures).Where(f => f.EndsWith(".pcap") || f.EndsWith(".cap")))
                     .Order(StringComparer.Ordinal))
            data.Add(f);
        return data;
    }

    private static readonly AnalysisOptions OneThread = new() { SecondThread = false };
    /// <summary>Two events per batch: every capture crosses many batch boundaries and the reading side waits on a full queue.</summary>
    private static readonly AnalysisOptions TwoThreads = new() { SecondThread = true, HandoffBatchSize = 2 };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Two_threads_give_the_analysis_of_one(string path)
    {
        byte[] capture = File.ReadAllBytes(path);
        string one = Json(Analyze(capture, OneThread));
        Assert.Contains("\"sas\"", one, StringComparison.Ordinal);
        Assert.Equal(one, Json(Analyze(capture, TwoThreads)));
        Assert.Equal(JsonLines(capture, OneThread), JsonLines(capture, TwoThreads));
    }

    /// <summary>400 IKEv2 negotiations over 2,000 s of capture time (so most idle out while the capture is still read,
    /// and their rules run on the analysis thread), a third of them answered, with a cap of 50 open SAs cutting others
    /// short: the same SAs, outcomes and findings, in the same order.</summary>
    [Fact]
    public void Sas_finished_while_the_capture_is_read_are_the_same_on_two_threads()
    {
        var sent = new List<Sent>();
        for (int i = 0; i < 400; i++)
        {
            string init = $"10.1.{i / 200}.{i % 200 + 1}";
            ulong spiI = 0x1000_0000UL + (ulong)i;
            double t = i * 5.0 + (i % 7) * 0.01;
            sent.Add(new(t, init, 500, "10.9.0.1", 500, Message(2, spiI, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(i)])));
            if (i % 3 == 0)
                sent.Add(new(t + 0.2, "10.9.0.1", 500, init, 500, Message(2, spiI, 0x2000_0000UL + (ulong)i, IkeSaInit, FlagResponse, 0,
                    [Ikev2Sa(), KeV2(3), NonceV2(i + 1)])));
            else if (i % 3 == 1)
                sent.Add(new(t + 2, init, 500, "10.9.0.1", 500, Message(2, spiI, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(i)])));
        }
        byte[] capture = Pcap(sent);
        foreach (var options in new[] { (One: OneThread, Two: TwoThreads),
                     (One: new AnalysisOptions { SecondThread = false, MaxLiveSas = 50 }, Two: new AnalysisOptions { SecondThread = true, HandoffBatchSize = 3, MaxLiveSas = 50 }) })
        {
            var one = Analyze(capture, options.One);
            Assert.Equal(400, one.Sas.Count);
            Assert.Contains(one.Sas, s => s.Findings.Count > 0);
            Assert.Equal(Json(one), Json(Analyze(capture, options.Two)));
            Assert.Equal(JsonLines(capture, options.One), JsonLines(capture, options.Two));
        }
    }

    private static DissectedMessage MessageAt(long frame) =>
        new(frame, frame * 1000, new NetEndpoint(NetAddress.FromIPv4([10, 0, 0, 1]), 500), new NetEndpoint(NetAddress.FromIPv4([10, 0, 0, 2]), 500),
            IkeTransport.Udp, 100, 1, frame, PcapIke.Ike.IkeMessageDissection.Dissect(new byte[28]));

    [Fact]
    public void Events_reach_the_analysis_thread_in_the_order_posted_and_the_batches_are_bounded()
    {
        var seen = new List<(char Kind, long Frame)>();
        var threads = new HashSet<int>();
        var table = new IpsecFlowTable();
        var posted = new List<(char Kind, long Frame)>();
        var analysis = new AnalysisThread(
            m => { seen.Add(('m', m.Frame)); threads.Add(Environment.CurrentManagedThreadId); Thread.SpinWait(200); },
            h => seen.Add(('h', h.FirstFrame)), table, threaded: true, batchSize: 4);
        var src = new NetEndpoint(NetAddress.FromIPv4([10, 0, 0, 1]), 0);
        var dst = new NetEndpoint(NetAddress.FromIPv4([10, 0, 0, 2]), 0);
        for (long f = 1; f <= 3000; f++)
        {
            switch (f % 3)
            {
                case 0: analysis.Post(MessageAt(f)); posted.Add(('m', f)); break;
                case 1: analysis.Post(new HeaderlessDatagram(f, f, src.Address, dst.Address, (uint)f, 17, 1, 1480, "later fragment only")); posted.Add(('h', f)); break;
                default: analysis.Add(new IpsecPacket(f, f, src, dst, IpsecProtocol.Esp, 0x1234, (uint)f, 100)); break;
            }
        }
        analysis.Finish();
        Assert.NotNull(analysis.SecondThread);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
        Assert.Equal(posted, seen);
        Assert.Equal(1000, table.TotalPackets);
        Assert.Equal(2999, table.LastNanoseconds);   // the last ESP packet (frames 2, 5 … 2999)
        Assert.InRange(analysis.BatchesMade, 2, AnalysisThread.MaxBatchesWaiting + 2);
    }

    /// <summary>A batch goes over at 32 IKE messages though it has room for 256 events (what waits in the hand-off is
    /// live when the collector runs: bench/README.md, 2026-12-04); ESP packets fill it to 256.</summary>
    [Fact]
    public void A_batch_goes_over_at_32_messages_and_at_256_packets()
    {
        var seen = new List<long>();
        var analysis = new AnalysisThread(m => { lock (seen) seen.Add(m.Frame); }, _ => { }, new IpsecFlowTable(), threaded: true);
        for (long f = 1; f < AnalysisThread.MessagesPerBatch; f++) analysis.Post(MessageAt(f));
        Assert.Null(analysis.SecondThread);
        analysis.Post(MessageAt(AnalysisThread.MessagesPerBatch));
        Assert.NotNull(analysis.SecondThread);
        analysis.Finish();
        Assert.Equal(Enumerable.Range(1, AnalysisThread.MessagesPerBatch).Select(i => (long)i), seen);

        var packets = new AnalysisThread(_ => { }, _ => { }, new IpsecFlowTable(), threaded: true);
        var src = new NetEndpoint(NetAddress.FromIPv4([10, 0, 0, 1]), 0);
        var dst = new NetEndpoint(NetAddress.FromIPv4([10, 0, 0, 2]), 0);
        for (long f = 1; f <= AnalysisThread.BatchSize; f++)
            packets.Add(new IpsecPacket(f, f, src, dst, IpsecProtocol.Esp, 0x1234, (uint)f, 100));
        Assert.Null(packets.SecondThread);   // full, handed over with the next event
        packets.Add(new IpsecPacket(257, 257, src, dst, IpsecProtocol.Esp, 0x1234, 257, 100));
        Assert.NotNull(packets.SecondThread);
        packets.Finish();
    }

    [Fact]
    public void A_capture_of_one_batch_is_analysed_on_the_calling_thread()
    {
        int thread = 0;
        var analysis = new AnalysisThread(_ => thread = Environment.CurrentManagedThreadId, _ => { }, new IpsecFlowTable(), threaded: true);
        analysis.Post(MessageAt(1));
        Assert.Equal(0, thread);   // not applied before Finish
        analysis.Finish();
        Assert.Null(analysis.SecondThread);
        Assert.Equal(Environment.CurrentManagedThreadId, thread);
    }

    [Fact]
    public void An_exception_on_the_analysis_thread_reaches_the_caller_as_thrown_and_stops_the_reading()
    {
        var sent = Enumerable.Range(0, 300).Select(i => new Sent(i * 200.0, $"10.2.0.{i % 250 + 1}", 500, "10.9.0.1", 500,
            Message(2, 0x3000UL + (ulong)i, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(i)]))).ToList();
        byte[] capture = Pcap(sent);
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "capture", malformations);
        int handed = 0;
        var ex = Assert.Throws<IOException>(() => CaptureAnalyzer.AnalyzeStreaming(reader, malformations,
            new AnalysisOptions { SecondThread = true, HandoffBatchSize = 2 }, _ =>
            {
                if (++handed == 5) throw new IOException("Broken pipe");
            }));
        Assert.Equal("Broken pipe", ex.Message);
        Assert.Equal(5, handed);
    }
}

public sealed class GcHeadroomTests
{
    /// <summary>The region without collections is asked for once per process (re-asking per capture cost more than it
    /// saved, bench/README.md): after a scan in this test process it is not asked again, and the analysis is the same
    /// (every bundled capture's JSON is compared across settings above).</summary>
    [Fact]
    public void Headroom_is_asked_for_once_per_process()
    {
        var a = CaptureAnalyzer.Analyze(Path.Combine(TestPaths.RepoRoot, "captures", "S2-ikev1-r2-initiates", "capture.pcap"));
        Assert.NotEmpty(a.Sas);
        Assert.False(GcHeadroom.ForFirstScan());
        Assert.False(GcHeadroom.ForFirstScan());
        Assert.Equal(128L * 1024 * 1024, GcHeadroom.Bytes);
    }
}
