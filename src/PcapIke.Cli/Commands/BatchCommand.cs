using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PcapIke.Exchanges;
using PcapIke.Reports;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike batch DIR|FILE... --csv OUT [--jsonl OUT] [--ca ...]</c>: many captures in parallel, one CSV row per
/// IKE SA (docs/batch-csv.md) and optionally one JSON line per SA (the SA object of docs/analyze-json.md). A capture
/// that cannot be read becomes an error row; the exit code is then 3.
/// </summary>
public static class BatchCommand
{
    public static Command Create() => Create(null);

    /// <summary><paramref name="analyze"/> replaces <see cref="CaptureAnalyzer.Analyze(string, AnalysisOptions)"/> (tests).</summary>
    public static Command Create(Func<string, AnalysisOptions, CaptureAnalysis>? analyze)
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Captures, or directories searched recursively for *.pcap, *.pcapng, *.cap and *.gz",
            Arity = ArgumentArity.OneOrMore,
        };
        AnalysisInputs.RejectOptionLikeFiles(inputs);
        var csv = new Option<string>("--csv") { HelpName = "OUT", Description = "Write one row per IKE SA to this CSV file (- for standard output)", Required = true };
        var jsonl = new Option<string>("--jsonl") { HelpName = "OUT", Description = "Also write one JSON object per IKE SA per line to this file" };
        var ca = AnalysisInputs.CaOption();
        var ports = PortOptions.Create();

        var command = new Command("batch", "Analyse many captures in parallel: one CSV row per IKE SA")
        {
            inputs, csv, jsonl, ca, ports.Udp, ports.NatT, ports.Tcp,
        };
        command.SetAction(pr =>
        {
            var options = AnalysisInputs.Options(pr, ca, ports);
            Func<string, CaptureAnalysis> run = analyze is null
                ? f => CaptureAnalyzer.Analyze(f, options)
                : f => analyze(f, options);
            var files = BatchRunner.ExpandInputs(pr.GetValue(inputs)!);
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            using var csvStream = OpenOutput(pr.GetValue(csv)!, "--csv", output);
            using var jsonlStream = pr.GetValue(jsonl) is { } j ? OpenOutput(j, "--jsonl", output) : null;
            BatchResult result;
            try
            {
                result = new BatchRunner(run).Run(files, csvStream, jsonlStream, error);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is IOException or UnauthorizedAccessException))
            {
                throw new CliInputException($"cannot write the output: {ex.InnerExceptions[0].Message}");
            }
            catch (IOException ex)
            {
                throw new CliInputException($"cannot write the output: {ex.Message}");
            }
            return result.Errors > 0 ? ExitCodes.UnreadableInput : ExitCodes.Ok;
        });
        return command;
    }

    private static Stream OpenOutput(string path, string option, TextWriter stdout)
    {
        if (path == "-") return new TextWriterStream(stdout);
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option}: cannot write {path}: {ex.Message}");
        }
    }
}

/// <summary>What a batch did: files read, files that could not be, IKE SAs written.</summary>
public sealed record BatchResult(int Files, int Errors, long Sas);

/// <summary>
/// Runs the analysis of many captures on all cores and writes their rows in a deterministic order (by file, in
/// ordinal path order, then by SA id) although the files finish in any order: each finished file waits in a slot
/// until every file before it is written, so only the rows of files that finished early are held, never the
/// analyses (which are reduced to rows and JSON lines as soon as they finish).
/// </summary>
public sealed class BatchRunner(Func<string, CaptureAnalysis> analyze)
{
    private static readonly string[] s_extensions = [".pcap", ".pcapng", ".cap", ".gz"];

    /// <summary>How often progress is written to standard error while a batch runs.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Directories are searched recursively for *.pcap, *.pcapng, *.cap and *.gz; anything else is taken as a file
    /// (a missing one becomes an error row). Sorted in ordinal order, each path once.
    /// </summary>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> inputs)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", new EnumerationOptions
                {
                    RecurseSubdirectories = true,
                    IgnoreInaccessible = true,
                    AttributesToSkip = FileAttributes.ReparsePoint,
                });
                foreach (string f in found)
                    if (s_extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase))) files.Add(f);
            }
            else files.Add(input);
        }
        return files.ToList();
    }

    private sealed record FileResult(List<BatchCsvRow> Rows, byte[]? JsonLines, string? Error);

    public BatchResult Run(IReadOnlyList<string> files, Stream csvOutput, Stream? jsonlOutput, TextWriter error)
    {
        using var csv = new BatchCsvWriter(csvOutput, leaveOpen: true);
        var slots = new FileResult?[files.Count];
        int next = 0, done = 0, errors = 0;
        long sas = 0;
        var gate = new object();
        bool progressShown = false, finished = false;

        void Progress(bool final)
        {
            lock (gate)
            {
                // A timer callback still in flight after the run ended must not print after the final line.
                if (finished || (final && !progressShown)) return;
                finished = final;
                progressShown = true;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch: {done:N0}/{files.Count:N0} files, {sas:N0} SAs{(errors > 0 ? $", {errors:N0} unreadable" : "")}"));
                error.Flush();
            }
        }

        // Progress runs on its own thread, not a thread-pool timer: while every pool thread is busy analysing,
        // a timer callback could wait until the end and the progress would never show.
        using var stop = new ManualResetEventSlim();
        var progress = new Thread(() => { while (!stop.Wait(ProgressInterval)) Progress(final: false); })
            { IsBackground = true, Name = "pcapike batch progress" };
        progress.Start();
        try
        {
            var source = Partitioner.Create(Enumerable.Range(0, files.Count), EnumerablePartitionerOptions.NoBuffering);
            Parallel.ForEach(source, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, MaxDegreeOfParallelism) }, i =>
            {
                var result = Analyze(files[i], jsonlOutput != null);
                lock (gate)
                {
                    slots[i] = result;
                    done++;
                    sas += result.Rows.Count(r => r.Error is null);
                    if (result.Error != null)
                    {
                        errors++;
                        error.WriteLine($"pcapike: {files[i]}: {result.Error}");
                    }
                    // Write every finished file that has no unfinished file before it.
                    while (next < slots.Length && slots[next] is { } ready)
                    {
                        csv.Write(ready.Rows);
                        if (ready.JsonLines is { Length: > 0 } lines) jsonlOutput!.Write(lines);
                        slots[next++] = null;
                    }
                }
            });
        }
        finally
        {
            stop.Set();
            progress.Join();
        }
        csv.Flush();
        jsonlOutput?.Flush();
        Progress(final: true);
        lock (gate) finished = true;
        return new BatchResult(files.Count, errors, sas);
    }

    private FileResult Analyze(string file, bool jsonl)
    {
        var analysis = AnalysisInputs.TryAnalyze(file, analyze, out string? failure);
        if (analysis is null) return new FileResult([BatchCsvRow.FromError(file, failure!)], null, failure);
        var rows = new List<BatchCsvRow>(analysis.Sas.Count);
        foreach (var sa in analysis.Sas.OrderBy(s => s.Id)) rows.Add(BatchCsvRow.FromSa(file, sa));
        byte[]? lines = null;
        if (jsonl && analysis.Sas.Count > 0)
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
            {
                foreach (var sa in analysis.Sas.OrderBy(s => s.Id))
                {
                    AnalyzeJsonWriter.WriteSa(w, file, sa);
                    w.Flush();
                    buffer.WriteByte((byte)'\n');
                    w.Reset(buffer);
                }
            }
            lines = buffer.ToArray();
        }
        return new FileResult(rows, lines, null);
    }
}
