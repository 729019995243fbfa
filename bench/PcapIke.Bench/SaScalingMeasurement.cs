using System.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Bench;

/// <summary>
/// Issue 14: in process, what one IKE SA costs in the streamed analysis (<see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{IkeSa})"/>,
/// what <c>batch</c> and <c>analyze --format jsonl</c> run): wall time, bytes allocated and GCs per SA, once with the
/// CSV row only (batch) and once with the JSON line too. Best of <c>repetitions</c>.
/// </summary>
public static class SaScalingMeasurement
{
    public static string Run(string path, int repetitions = 3, bool secondThread = true)
    {
        var options = new AnalysisOptions { SecondThread = secondThread };
        var lines = new List<string>();
        foreach (bool json in new[] { false, true })
        {
            double best = double.MaxValue, bestCpu = 0;
            long allocated = 0, sas = 0;
            int g0 = 0, g1 = 0, g2 = 0;
            double pause = 0;
            for (int i = 0; i < repetitions; i++)
            {
                GC.Collect();
                long before = GC.GetTotalAllocatedBytes(precise: true);
                int c0 = GC.CollectionCount(0), c1 = GC.CollectionCount(1), c2 = GC.CollectionCount(2);
                var sink = new MemoryStream();
                var w = new System.Text.Json.Utf8JsonWriter(Stream.Null);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                TimeSpan pause0 = GC.GetTotalPauseDuration();
                var sw = Stopwatch.StartNew();
                long n = 0;
                CaptureAnalyzer.AnalyzeStreaming(path, options, sa =>
                {
                    n++;
                    _ = BatchCsvRow.FromSa(path, sa);
                    if (json)
                    {
                        AnalyzeJsonWriter.WriteSa(w, path, sa);
                        w.Flush();
                        w.Reset();
                    }
                });
                sw.Stop();
                if (sw.Elapsed.TotalSeconds < best)
                {
                    best = sw.Elapsed.TotalSeconds;
                    bestCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                    allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    sas = n;
                    (g0, g1, g2) = (GC.CollectionCount(0) - c0, GC.CollectionCount(1) - c1, GC.CollectionCount(2) - c2);
                    pause = (GC.GetTotalPauseDuration() - pause0).TotalSeconds;
                }
            }
            lines.Add($"{(json ? "streamed + CSV row + JSON line" : "streamed + CSV row")}: {sas:N0} SAs, best of {repetitions}: {best:F3} s = " +
                      $"{best * 1e6 / Math.Max(1, sas):F1} µs per SA (CPU, all threads: {bestCpu:F3} s = {bestCpu * 1e6 / Math.Max(1, sas):F1} µs per SA); {allocated / (double)Math.Max(1, sas):N0} bytes allocated per SA; GCs gen0/1/2 {g0}/{g1}/{g2}, paused {pause:F3} s; " +
                      $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1} MiB");
        }
        lines.Add(Phases(path, repetitions));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// One run of a stage of the analysis with the collector's events summed per generation (<see cref="GcEvents"/>):
    /// <c>dissect</c> (capture → IKE messages, nothing kept), <c>correlate</c> (the SAs kept open and finished, no
    /// finding rule, one thread), <c>stream</c> (the streamed analysis with a CSV row per SA: what <c>batch</c> runs) or
    /// <c>analyze-json</c> (every SA kept, then the <c>analyze --format json</c> document written to nowhere; with
    /// <paramref name="repeat"/> &gt; 0 written that many times more, warm, best time printed).
    /// </summary>
    public static string RunWithGcEvents(string path, string stage, bool secondThread, bool allocations, int repeat)
    {
        GC.Collect();
        using var gc = new GcEvents(allocations);
        var options = new AnalysisOptions { SecondThread = secondThread };
        var lines = new List<string>();
        var sw = Stopwatch.StartNew();
        long n = 0;
        var m = new Diagnostics.MalformationList();
        switch (stage)
        {
            case "dissect":
            {
                using var reader = Capture.CaptureReader.Open(path, m);
                n = Pipeline.CaptureDissector.Dissect(reader, m, _ => { }).IkeMessages;
                break;
            }
            case "correlate":
            {
                using var reader = Capture.CaptureReader.Open(path, m);
                var c = new ExchangeCorrelator(onFinished: _ => n++);
                Pipeline.CaptureDissector.Dissect(reader, m, c.Add, dataPlane: new Pipeline.IpsecFlowTable());
                c.Complete();
                break;
            }
            case "stream":
                CaptureAnalyzer.AnalyzeStreaming(path, options, sa => { n++; _ = BatchCsvRow.FromSa(path, sa); });
                break;
            case "analyze-json":
            {
                var a = CaptureAnalyzer.Analyze(path, options);
                n = a.Sas.Count;
                lines.Add($"scan {sw.Elapsed.TotalSeconds:F3} s; {gc.Summary()}");
                using (var w = new AnalyzeJsonWriter(Stream.Null)) w.WriteAnalysis(a);
                double best = double.MaxValue;
                for (int i = 0; i < repeat; i++)
                {
                    var t = Stopwatch.StartNew();
                    using (var w = new AnalyzeJsonWriter(Stream.Null)) w.WriteAnalysis(a);
                    best = Math.Min(best, t.Elapsed.TotalSeconds);
                }
                if (repeat > 0) lines.Add($"the JSON document written {repeat} times more: best {best:F3} s");
                break;
            }
            default:
                throw new ArgumentException($"unknown stage {stage}: dissect, correlate, stream or analyze-json");
        }
        sw.Stop();
        Thread.Sleep(500); // the runtime's events reach the listener a little later
        lines.Add($"{stage}: {n:N0} {(stage == "dissect" ? "IKE messages" : "SAs")} in {sw.Elapsed.TotalSeconds:F3} s; {gc.Summary()}");
        if (allocations) lines.Add("allocations sampled, by type:" + Environment.NewLine + gc.TopAllocations(30));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Where an SA's time goes: the CPU time of dissection alone, then with correlation (the SAs finished but
    /// no finding rule), then the whole streamed analysis, best of <paramref name="repetitions"/> each.</summary>
    private static string Phases(string path, int repetitions)
    {
        var allocs = new List<long>();
        double Best(Action run)
        {
            double best = double.MaxValue;
            long alloc = 0;
            for (int i = 0; i < repetitions; i++)
            {
                GC.Collect();
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                long a0 = GC.GetTotalAllocatedBytes(precise: true);
                run();
                alloc = GC.GetTotalAllocatedBytes(precise: true) - a0;
                best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            }
            allocs.Add(alloc);
            return best;
        }
        long n = 0;
        double dissect = Best(() =>
        {
            var m = new Diagnostics.MalformationList();
            using var reader = Capture.CaptureReader.Open(path, m);
            n = Pipeline.CaptureDissector.Dissect(reader, m, _ => { }).IkeMessages;
        });
        double correlate = Best(() =>
        {
            var m = new Diagnostics.MalformationList();
            using var reader = Capture.CaptureReader.Open(path, m);
            var c = new ExchangeCorrelator(onFinished: _ => { });
            Pipeline.CaptureDissector.Dissect(reader, m, c.Add, dataPlane: new Pipeline.IpsecFlowTable());
            c.Complete();
        });
        double all = Best(() => CaptureAnalyzer.AnalyzeStreaming(path, null, _ => { }));
        // each rule over the finished SAs (kept, so this part holds them all)
        var sas = new List<IkeSa>();
        {
            var m = new Diagnostics.MalformationList();
            using var reader = Capture.CaptureReader.Open(path, m);
            var c = new ExchangeCorrelator(onFinished: sas.Add);
            Pipeline.CaptureDissector.Dissect(reader, m, c.Add);
            c.Complete();
        }
        var perRule = new List<(string, double, long)>();
        foreach (var rule in Findings.FindingRules.All)
        {
            var found = new List<Findings.Finding>();
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            foreach (var sa in sas) { found.Clear(); rule.Evaluate(sa, found); }
            perRule.Add((rule.GetType().Name, sw.Elapsed.TotalSeconds * 1e6 / Math.Max(1, sas.Count),
                (GC.GetAllocatedBytesForCurrentThread() - a0) / Math.Max(1, sas.Count)));
        }
        string rules = string.Join(", ", perRule.OrderByDescending(r => r.Item2).Take(8).Select(r => $"{r.Item1} {r.Item2:F1} µs"));
        string ruleBytes = string.Join(", ", perRule.OrderByDescending(r => r.Item3).Take(8).Select(r => $"{r.Item1} {r.Item3:N0} B"));
        string Us(double s) => $"{s * 1e6 / Math.Max(1, n):F1} µs";
        return $"CPU per IKE message (all threads, best of {repetitions}): dissect {Us(dissect)}, + correlate and finish {Us(correlate - dissect)}, " +
               $"+ finding rules {Us(all - correlate)}; in all {Us(all)}; " +
               $"bytes allocated per IKE message: dissect {allocs[0] / Math.Max(1, n):N0}, + correlate and finish {(allocs[1] - allocs[0]) / Math.Max(1, n):N0}, + rules {(allocs[2] - allocs[1]) / Math.Max(1, n):N0}" +
               $"{Environment.NewLine}dearest rules per SA (wall, one pass): {rules}" +
               $"{Environment.NewLine}most allocating rules per SA: {ruleBytes}";
    }
}
