using PcapIke.Bench;

if (args.Length >= 2 && args[0] == "generate")
{
    long size = args.Length >= 3 ? ParseSize(args[2]) : 1_000_000_000;
    // optional 4th argument: the share of ESP frames (issue 12's benchmark: 0.3)
    double esp = args.Length >= 4 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0;
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var r = CaptureGenerator.Generate(args[1], size, espFraction: esp);
    Console.WriteLine($"wrote {args[1]}: {r.Frames:N0} frames, {r.IkeFrames:N0} IKE, {r.EspFrames:N0} ESP, {r.Bytes:N0} bytes in {sw.Elapsed.TotalSeconds:F1} s");
    return 0;
}
if (args.Length >= 3 && args[0] == "sa-init")
{
    // sa-init OUT.pcap COUNT [SPAN_SECONDS]: COUNT unanswered IKE_SA_INIT requests with random SPIs (issue 14)
    int count = (int)ParseSize(args[2]);
    double span = args.Length >= 4 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 60;
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var r = SaInitGenerator.Generate(args[1], count, span);
    Console.WriteLine($"wrote {args[1]}: {r.Frames:N0} IKE_SA_INIT requests over {span} s, {r.Bytes:N0} bytes in {sw.Elapsed.TotalSeconds:F1} s");
    return 0;
}
if (args.Length >= 2 && args[0] == "sa-cost")
{
    // "sa-cost FILE one-thread": the analysis on the calling thread only (AnalysisOptions.SecondThread false)
    Console.WriteLine(SaScalingMeasurement.Run(args[1], secondThread: !(args.Length >= 3 && args[2] == "one-thread")));
    return 0;
}
if (args.Length >= 2 && args[0] == "sa-gc")
{
    // sa-gc FILE [STAGE] [one-thread] [allocations] [repeat=N]: one run of a stage with the collector's events per
    // generation (SaScalingMeasurement.RunWithGcEvents); STAGE dissect, correlate, stream (default) or analyze-json
    string stage = args.Length >= 3 && !args[2].Contains('=') && args[2] is not ("one-thread" or "allocations") ? args[2] : "stream";
    if (stage is not ("dissect" or "correlate" or "stream" or "analyze-json"))
    {
        Console.Error.WriteLine($"sa-gc: unknown stage {stage} (dissect, correlate, stream or analyze-json)");
        return 2;
    }
    int repeat = args.Skip(2).Where(a => a.StartsWith("repeat=", StringComparison.Ordinal)).Select(a => int.TryParse(a[7..], System.Globalization.CultureInfo.InvariantCulture, out int r) ? Math.Clamp(r, 0, 1000) : 0).LastOrDefault();
    Console.WriteLine(SaScalingMeasurement.RunWithGcEvents(args[1], stage, secondThread: !args.Contains("one-thread"),
        allocations: args.Contains("allocations"), repeat));
    return 0;
}
if (args.Length >= 2 && args[0] == "scan")
{
    Console.WriteLine(ScanMeasurement.Run(args[1]));
    return 0;
}
if (args.Length >= 2 && args[0] == "pipeline")
{
    Console.WriteLine(ScanMeasurement.RunPipeline(args[1]));
    return 0;
}
if (args.Length >= 2 && args[0] == "analyze")
{
    Console.WriteLine(EspMeasurement.Run(args[1]));
    return 0;
}
if (args.Length >= 1 && args[0] == "bdn")
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(CaptureGenerator).Assembly).Run(args[1..]);
    return 0;
}
Console.Error.WriteLine("usage: PcapIke.Bench generate OUT.pcap [SIZE like 1G, 50M] [ESP share like 0.3] | sa-init OUT.pcap COUNT [SPAN_SECONDS] | sa-cost FILE [one-thread] | sa-gc FILE [dissect|correlate|stream|analyze-json] [one-thread] [allocations] [repeat=N] | scan FILE | pipeline FILE | analyze FILE | bdn [BenchmarkDotNet args]");
return 2;

static long ParseSize(string s)
{
    long mult = 1;
    char last = char.ToUpperInvariant(s[^1]);
    if (last is 'K' or 'M' or 'G') { mult = last == 'K' ? 1_000 : last == 'M' ? 1_000_000 : 1_000_000_000; s = s[..^1]; }
    return (long)(double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) * mult);
}
