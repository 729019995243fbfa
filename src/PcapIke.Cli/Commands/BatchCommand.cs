using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike batch DIR|FILE... --csv OUT [--jsonl OUT] [--ca ...]</c>: many captures in parallel, one CSV row per
/// IKE SA (docs/batch-csv.md) and optionally one JSON line per SA (the SA object of docs/analyze-json.md). A capture
/// that cannot be read becomes an error row; the exit code is then 3.
/// </summary>
public static class BatchCommand
{
    public static Command Create() => Create(null);

    /// <summary><paramref name="analyze"/> (tests) replaces the streaming
    /// <see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{AnalyzedSa})"/>: each file's SAs are then
    /// written in order of id.</summary>
    public static Command Create(Func<string, AnalysisOptions, CaptureAnalysis>? analyze)
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Captures or text dumps, or directories searched recursively for *.pcap, *.pcapng, *.cap and *.gz",
            Arity = ArgumentArity.OneOrMore,
        };
        var csv = new Option<string>("--csv", "--output", "-o") { HelpName = "OUT", Description = "Write one row per IKE SA to this CSV file (- for standard output)", Required = true };
        var jsonl = new Option<string>("--jsonl") { HelpName = "OUT", Description = "Also write one JSON object per IKE SA per line to this file" };
        var reports = new Option<string>("--reports")
        {
            HelpName = "DIR", Description = "Also write one case report (HTML) per capture into DIR, with an index.html linking them",
        };
        var redact = new Option<bool>("--redact") { Description = "With --reports: pseudonymise the reports (as report --redact)" };
        var parquet = new Option<string>("--parquet")
        {
            HelpName = "DIR",
            Description = "Also write the SAs, messages, CERT_REQ entries and findings as Parquet tables into DIR, partitioned by capture date (DIR/sas/capture_date=YYYY-MM-DD/part-*.parquet; docs/batch-parquet.md)",
        };
        var ca = AnalysisInputs.CaOption();
        var keys = KeyOptions.Create();
        var ports = PortOptions.Create();

        var select = SelectionOptions.Create(withSa: true);
        var maxOpen = AnalysisInputs.MaxOpenSasOption();
        var jobs = new Option<int>("--jobs", "-j")
        {
            HelpName = "N",
            Description = $"Analyse N captures at once (default: the number of processors, here {Environment.ProcessorCount}); the rows are in input order whatever N",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        jobs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--jobs must be at least 1");
        });

        var command = new Command("batch", "Analyse many captures in parallel: one CSV row per IKE SA")
        {
            inputs, csv, jsonl, parquet, reports, redact, ca, ports.Udp, ports.NatT, ports.Tcp, jobs, maxOpen,
        };
        select.AddTo(command);
        keys.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(redact) && r.GetValue(reports) is null)
                r.AddError("--redact applies to the case reports: give --reports DIR too (the CSV and JSON lines are not pseudonymised)");
        });
        command.SetAction(pr =>
        {
            var selection = select.Parse(pr);
            int degree = pr.GetValue(jobs);
            var files = BatchRunner.ExpandInputs(pr.GetValue(inputs)!, out var emptyDirectories);
            // A directory without a capture is almost always the wrong one: said, and the exit code says it too.
            foreach (string dir in emptyDirectories)
            {
                string line = $"{dir}: no capture in this directory ({BatchRunner.CaptureExtensions}, searched recursively)";
                if (files.Count == 0) throw new CliInputException(line);
                pr.InvocationConfiguration.Error.WriteLine("pcapike: " + CommandLine.OneLine(line));
            }
            var options = BatchRunner.PerCapture(AnalysisInputs.Options(pr, ca, ports, keys).WithMaxLiveSas(pr.GetValue(maxOpen)),
                degree, files.Count);
            BatchRunner runner = analyze is null
                ? new BatchRunner((f, onSa) => CaptureAnalyzer.AnalyzeStreaming(f, options, onSa)) { MaxDegreeOfParallelism = degree }
                : new BatchRunner(f => analyze(f, options)) { MaxDegreeOfParallelism = degree };
            if (!selection.IsEmpty) runner.Filter = selection.Matches;
            if (pr.GetValue(parquet) is { } parquetDir)
            {
                try { runner.Parquet = new Reports.Parquet.BatchParquetWriter(parquetDir); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliInputException($"--parquet: cannot write {parquetDir}: {ex.Message}");
                }
            }
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            using var csvStream = OpenOutput(pr.GetValue(csv)!, "--csv", output);
            using var jsonlStream = pr.GetValue(jsonl) is { } j ? OpenOutput(j, "--jsonl", output) : null;
            BatchResult result;
            try
            {
                result = runner.Run(files, csvStream, jsonlStream, error);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is IOException or UnauthorizedAccessException))
            {
                throw new CliInputException($"cannot write the output: {ex.InnerExceptions[0].Message}");
            }
            catch (IOException ex)
            {
                throw new CliInputException($"cannot write the output: {ex.Message}");
            }
            if (pr.GetValue(reports) is { } reportDir)
            {
                var sources = new CaseReportSources(pr.GetValue(keys.Tables) ?? [], pr.GetValue(keys.CharonLogs) ?? [],
                    pr.GetValue(keys.Profile), ReportCommand.ProfileFolder(keys, pr.GetValue(keys.Profile)), [],
                    pr.GetValue(ca) ?? [], ReportCommand.PortArgs(pr, ports));
                CaseReportBatch.Write(files, reportDir, options, sources, pr.GetValue(redact), runner.MaxDegreeOfParallelism, error);
            }
            return result.Errors > 0 || emptyDirectories.Count > 0 ? ExitCodes.UnreadableInput : ExitCodes.Ok;
        });
        return command;
    }

    private static Stream OpenOutput(string path, string option, TextWriter stdout)
    {
        if (path == "-") return new TextWriterStream(stdout);
        try
        {
            return new OutputStream(new WriteBehindStream(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16)), $"{option} {path}");
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
/// Runs the analysis of many captures on all cores and writes their rows in a deterministic order although the
/// files finish in any order: by file (ordinal path order), then within a file in the order its SAs finish (see
/// <see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{AnalyzedSa})"/>: SAs idle for the idle
/// window in order of eviction, then the rest by SA id at the end of the capture; a deterministic function of the
/// capture). Each SA is reduced to its row and JSON line as soon as it finishes. The rows of the earliest unfinished
/// file are written at once; those of later files wait in their slot until every file before them is written, so
/// only rows are ever held, never analyses, and a single huge capture streams its rows with bounded memory.
/// </summary>
public sealed class BatchRunner
{
    private static readonly string[] s_extensions = [".pcap", ".pcapng", ".cap", ".gz"];

    /// <summary>The file names a directory is searched for, as the help and the messages say them.</summary>
    public static string CaptureExtensions => string.Join(", ", s_extensions.Select(e => "*" + e));

    /// <summary>Analyses one file, handing each SA to the callback as it finishes; throws when the file cannot be read.</summary>
    private readonly Action<string, Action<AnalyzedSa>> _analyze;

    /// <summary>Streams each file's SAs (<see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{AnalyzedSa})"/>).</summary>
    public BatchRunner(Action<string, Action<AnalyzedSa>> analyzeStreaming) => _analyze = analyzeStreaming;

    /// <summary>Whole analyses (tests): each file's SAs are written in order of id.</summary>
    public BatchRunner(Func<string, CaptureAnalysis> analyze) : this((file, onSa) =>
    {
        foreach (var sa in analyze(file).Sas.OrderBy(s => s.Sa.Id)) onSa(sa);
    })
    {
    }

    /// <summary>How often progress is written to standard error while a batch runs.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The SAs to write (<c>--sa</c>, <c>--address</c>, <c>--spi</c>, <c>--time</c>); null: all.</summary>
    public Func<AnalyzedSa, bool>? Filter { get; set; }

    /// <summary><c>--parquet DIR</c>: also each SA into the Parquet tables, each capture's written when it is finished.</summary>
    public Reports.Parquet.BatchParquetWriter? Parquet { get; set; }

    /// <summary>
    /// The options of each capture's analysis when <paramref name="degree"/> of <paramref name="files"/> captures are
    /// analysed at once: the read-ahead and analysis threads of one capture only while there are more processors
    /// than captures at once. With a capture per core already, they are two more threads per core to switch between,
    /// and the bytes read on one core are decoded on another (out of its cache): on 2 cores, `--jobs 2` over 8 captures
    /// took 0.31 s with one thread per capture against 0.37 s with three (bench/README.md, 2026-12-04).
    /// </summary>
    public static AnalysisOptions PerCapture(AnalysisOptions options, int degree, int files)
    {
        int atOnce = Math.Max(1, Math.Min(degree, files));
        bool helpers = Environment.ProcessorCount > atOnce;
        return options with
        {
            ReadAhead = options.ReadAhead && helpers, SecondThread = options.SecondThread && helpers, CapturesAtOnce = atOnce,
        };
    }

    /// <summary>
    /// Directories are searched recursively for *.pcap, *.pcapng, *.cap and *.gz (symbolic links to files included,
    /// links to directories not followed); anything else is taken as a file (a missing one becomes an error row).
    /// Sorted in ordinal order, each path once.
    /// </summary>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> inputs) => ExpandInputs(inputs, out _);

    /// <param name="empty">The directories in which no capture was found.</param>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> inputs, out IReadOnlyList<string> empty)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var none = new List<string>();
        empty = none;
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                int before = files.Count;
                // A symbolic link to a capture is a capture (case folders are often links into an archive); a link to
                // a directory is not followed (a link back up the tree would never end).
                var found = new System.IO.Enumeration.FileSystemEnumerable<string>(input,
                    (ref System.IO.Enumeration.FileSystemEntry e) => e.ToSpecifiedFullPath(),
                    new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
                {
                    ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => !e.IsDirectory,
                    ShouldRecursePredicate = (ref System.IO.Enumeration.FileSystemEntry e) =>
                        (e.Attributes & FileAttributes.ReparsePoint) == 0,
                };
                foreach (string f in found)
                    if (s_extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase))) files.Add(f);
                if (files.Count == before) none.Add(input);
            }
            else files.Add(input);
        }
        return files.ToList();
    }

    /// <summary>One file's rows and JSON lines not written yet (they wait for the files before it).</summary>
    private sealed class Slot
    {
        public readonly List<BatchCsvRow> Rows = new();
        public MemoryStream? JsonLines;
        public bool Done;
    }

    public BatchResult Run(IReadOnlyList<string> files, Stream csvOutput, Stream? jsonlOutput, TextWriter error)
    {
        using var csv = new BatchCsvWriter(csvOutput, leaveOpen: true);
        var slots = new Slot?[files.Count];
        for (int i = 0; i < slots.Length; i++) slots[i] = new Slot();
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
                    $"batch: {done:N0}/{files.Count:N0} files, {sas:N0} SAs{(final ? "" : " so far")}{(errors > 0 ? $", {errors:N0} unreadable" : "")}"));
                error.Flush();
            }
        }

        // Under the gate: writes the rows held for file i (when it has become the earliest unfinished file).
        void Drain(Slot slot)
        {
            csv.Write(slot.Rows);
            slot.Rows.Clear();
            if (slot.JsonLines is { Length: > 0 } lines) lines.WriteTo(jsonlOutput!);
            slot.JsonLines = null;
        }

        // Under the gate: a row (and JSON line) of file i, written now if no unfinished file comes before it.
        void Emit(int i, BatchCsvRow row, byte[]? jsonLine)
        {
            Slot slot = slots[i]!;
            if (next == i)
            {
                csv.Write(row);
                if (jsonLine is not null) jsonlOutput!.Write(jsonLine);
            }
            else
            {
                slot.Rows.Add(row);
                if (jsonLine is not null) (slot.JsonLines ??= new MemoryStream()).Write(jsonLine);
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
                string file = files[i];
                bool ok = AnalysisInputs.TryRun(file, () => _analyze(file, sa =>
                {
                    if (Filter is { } keep && !keep(sa)) return;
                    var row = BatchCsvRow.FromSa(file, sa);
                    Parquet?.Add(i, file, sa);
                    byte[]? line = jsonlOutput is null ? null : JsonLine(file, sa);
                    lock (gate)
                    {
                        sas++;
                        Emit(i, row, line);
                    }
                }), out string? failure);
                Parquet?.Complete(i);
                lock (gate)
                {
                    done++;
                    if (!ok)
                    {
                        errors++;
                        error.WriteLine(CommandLine.OneLine($"pcapike: {file}: {failure}"));
                        Emit(i, BatchCsvRow.FromError(file, failure!), null);
                    }
                    slots[i]!.Done = true;
                    // Write every finished file that has no unfinished file before it, then what the next one holds.
                    while (next < slots.Length && slots[next]!.Done)
                    {
                        Drain(slots[next]!);
                        slots[next++] = null;
                    }
                    if (next < slots.Length) Drain(slots[next]!);
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

    private static byte[] JsonLine(string file, AnalyzedSa sa)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
            AnalyzeJsonWriter.WriteSa(w, file, sa);
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
