using System.Diagnostics;
using PcapIke.Capture;
using PcapIke.DataPlane;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Frames;
using PcapIke.Analysis;
using PcapIke.Pipeline;

namespace PcapIke.Bench;

/// <summary>
/// Issue 12's benchmark: in-process <see cref="CaptureAnalyzer.Analyze(string, AnalysisOptions?)"/> (what
/// <c>pcapike analyze</c> runs: frames, IKE dissection, correlation, the ESP table, findings) on one core, best of 3,
/// and the steady-state allocation per ESP frame decoded and counted in an <see cref="IpsecFlowTable"/>.
/// </summary>
public static class EspMeasurement
{
    public static string Run(string path, int repetitions = 3)
    {
        var lines = new List<string>();
        double best = double.MaxValue, first = 0;
        CaptureAnalysis? a = null;
        for (int i = 0; i < repetitions; i++)
        {
            var sw = Stopwatch.StartNew();
            a = CaptureAnalyzer.Analyze(path);
            sw.Stop();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            if (i == 0) first = sw.Elapsed.TotalSeconds;
        }
        var s = a!.Statistics;
        var dp = a.DataPlane;
        lines.Add($"{s.Frames:N0} frames ({s[FrameKind.Esp]:N0} ESP), {s.IkeMessages:N0} IKE messages, {a.Sas.Count:N0} SAs, " +
                  $"{s.StreamBytes:N0} bytes; data plane: {dp.TotalPackets:N0} packets in {dp.Flows.Count:N0} SPIs and directions " +
                  $"({dp.DroppedPackets:N0} dropped past {dp.Capacity:N0}), {a.Sas.Sum(x => x.DataPlane?.Flows.Count ?? 0):N0} tied to SAs");
        lines.Add($"analyze, best of {repetitions}: {best:F3} s, {s.StreamBytes / 1e6 / best:N0} MB/s (first run, cold: {first:F3} s); " +
                  $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1} MiB");
        lines.Add(SteadyState(path));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Copies up to 10,000 ESP frames out of the capture, then decodes them 20 times into a flow table after
    /// 3 warm-up rounds: the bytes allocated per frame.</summary>
    private static string SteadyState(string path)
    {
        var frames = new List<(byte[] Data, long Frame, long Ns)>();
        var malformations = new MalformationList();
        using (var reader = CaptureReader.Open(path, malformations))
        {
            var probe = new FrameDecoder(path, malformations);
            var none = new Counting(new IpsecFlowTable());
            while (frames.Count < 10_000 && reader.TryRead(out CaptureRecord r))
                if (probe.Decode(r, none) == FrameKind.Esp) frames.Add((r.Data.ToArray(), r.FrameNumber, r.TimestampNanoseconds));
        }
        if (frames.Count == 0) return "no ESP frames in the capture";
        var table = new IpsecFlowTable();
        var sink = new Counting(table);
        var decoder = new FrameDecoder(path, malformations);
        void Round()
        {
            foreach (var (data, frame, ns) in frames)
            {
                var rec = new CaptureRecord(frame, ns, LinkType.Ethernet, 0, data.Length, 0, data);
                decoder.Decode(rec, sink);
            }
        }
        for (int i = 0; i < 3; i++) Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return $"steady state over 20 rounds after warm-up: {(double)allocated / (20.0 * frames.Count):F3} bytes allocated per ESP " +
               $"frame decoded and counted ({frames.Count:N0} frames, {allocated:N0} bytes in all, {table.Count:N0} SPIs and directions)";
    }

    private sealed class Counting(IpsecFlowTable table) : IIkeDatagramSink
    {
        public void OnIkeDatagram(in IkeDatagram datagram) { }
        public void OnIpsecPacket(in IpsecPacket packet) => table.Add(packet);
    }
}
