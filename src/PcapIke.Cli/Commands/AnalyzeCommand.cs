using System.CommandLine;
using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike analyze FILE... [--ca FILE|DIR]... [--format text|json|csv]</c>: per IKE SA a summary, the message
/// ladder, the CERT_REQ lists side by side and the findings. A capture that cannot be read is one error line on
/// standard error and exit code 3; the other files are still analysed.
/// </summary>
public static class AnalyzeCommand
{
    public static Command Create() => Create(null);

    /// <summary><paramref name="analyze"/> replaces <see cref="CaptureAnalyzer.Analyze(string, AnalysisOptions)"/> (tests).</summary>
    public static Command Create(Func<string, AnalysisOptions, CaptureAnalysis>? analyze)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "pcap or pcapng captures, gzip'd or not, or text dumps (IOS/IOS-XE/ASA capture dumps, od/Wireshark hex: docs/text-dumps.md); - reads standard input",
            // none when the routers' debug logs come with --debug alone (docs/debug-logs.md)
            Arity = ArgumentArity.ZeroOrMore,
        };
        var ca = AnalysisInputs.CaOption();
        var keys = KeyOptions.Create();
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "json", "jsonl", "csv");
        var maxOpen = AnalysisInputs.MaxOpenSasOption();
        var ports = PortOptions.Create();
        var configs = ConfigScenario.Option();
        var brief = new Option<bool>("--brief") { Description = "Text: one line per IKE SA (outcome and root cause)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Text: everything, also every vendor ID with its bytes and every notify" };
        var select = SelectionOptions.Create(withSa: true);
        var quiet = ProgressReporter.QuietOption();
        var debug = DebugInputs.Option();

        var command = new Command("analyze", "Per IKE SA: the verdict and action plan first, then the message ladder, CERT_REQ lists, certificates and findings")
        {
            files, ca, format, brief, verbose, quiet, ports.Udp, ports.NatT, ports.Tcp, configs, maxOpen, debug,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(files) is not { Length: > 0 } && r.GetValue(debug) is not { Length: > 0 })
                r.AddError("give a capture, a text dump or a debug log to analyse (or --debug FILE)");
            else if (r.GetValue(brief) && r.GetValue(verbose)) r.AddError("--brief and --verbose exclude each other");
            else if ((r.GetValue(brief) || r.GetValue(verbose)) && !string.Equals(r.GetValue(format) ?? "text", "text", StringComparison.OrdinalIgnoreCase))
                r.AddError($"{(r.GetValue(brief) ? "--brief" : "--verbose")} applies to text output only (JSON and CSV always hold everything)");
        });
        select.AddTo(command);
        keys.AddTo(command);
        command.SetAction(pr =>
        {
            var selection = select.Parse(pr);
            // Inputs that hold IOS debug output rather than a capture are debug logs (docs/debug-logs.md).
            string[] given = pr.GetValue(files)!;
            string[] debugFiles = given.Where(DebugInputs.IsDebugFile).ToArray();
            string[] captures = given.Except(debugFiles).ToArray();
            var logs = DebugInputs.Load([.. debugFiles, .. pr.GetValue(debug) ?? []]);
            string fmt = pr.GetValue(format)!.ToLowerInvariant();
            if (logs.Count > 0 && fmt is not ("text" or "json") || logs.Count > 0 && captures.Length > 0 && fmt != "text")
                throw new CliInputException("debug logs are read with --format text (and json when no capture is given)", ExitCodes.Usage);
            var options = AnalysisInputs.Options(pr, ca, ports, keys).WithMaxLiveSas(pr.GetValue(maxOpen));
            if (pr.GetValue(configs) is { Length: > 0 } configFiles)
                options = options.With(ConfigScenario.LoadRouters(configFiles, captures.FirstOrDefault(f => f != "-"), options));
            if (captures.Length == 0)
            {
                // No capture: the negotiation as the routers logged it.
                var alone = DebugLogAnalyzer.Analyze(logs, options.Routers);
                if (fmt == "json") DebugJsonWriter.Write(pr.InvocationConfiguration.Output, alone);
                else new AnalyzeTextWriter(pr.InvocationConfiguration.Output) { Routers = options.Routers }.WriteDebug(alone);
                return ExitCodes.Ok;
            }
            bool progress = ProgressReporter.Wanted(pr.GetValue(quiet));
            var errorOut = pr.InvocationConfiguration.Error;
            Func<string, CaptureAnalysis> analyzeOne = analyze is null
                ? f => ProgressReporter.Analyze(f, options, progress, errorOut)
                : f => analyze(f, options);
            // the selection keeps the SAs' numbers as analyze gives them without it
            Func<string, CaptureAnalysis> run = selection.IsEmpty ? analyzeOne
                : f => analyzeOne(f) is var a ? a with { Sas = a.Sas.Where(selection.Matches).ToList() } : null!;
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            string[] inputs = captures;
            var detail = pr.GetValue(brief) ? TextDetail.Brief : pr.GetValue(verbose) ? TextDetail.Verbose : TextDetail.Normal;
            return pr.GetValue(format)!.ToLowerInvariant() switch
            {
                "json" => RunJson(inputs, run, output, error),
                "jsonl" when analyze is null => RunJsonLines(inputs, (f, onSa) => ProgressReporter.AnalyzeStreaming(f, options, progress, errorOut,
                    selection.IsEmpty ? onSa : sa => { if (selection.Matches(sa)) onSa(sa); }), output, error),
                "jsonl" => RunJsonLines(inputs, (f, onSa) => { foreach (var sa in run(f).Sas.OrderBy(s => s.Sa.Id)) onSa(sa); }, output, error),
                "csv" => RunCsv(inputs, run, output, error),
                _ => RunText(inputs, run, output, error, new AnalyzeTextWriter(output) { Routers = options.Routers, Detail = detail },
                    logs.Count == 0 ? null : (analysis, w) => w.WriteDebug(DebugLogAnalyzer.Analyze(logs, options.Routers, analysis))),
            };
        });
        return command;
    }

    private static int RunText(string[] files, Func<string, CaptureAnalysis> analyze, TextWriter output, TextWriter error, AnalyzeTextWriter writer,
        Action<CaptureAnalysis, AnalyzeTextWriter>? debug = null)
    {
        int exit = ExitCodes.Ok;
        bool first = true;
        for (int i = 0; i < files.Length; i++)
        {
            var analysis = AnalysisInputs.TryAnalyze(files[i], analyze, out string? failure);
            if (analysis is null)
            {
                Fail(files[i], failure!, error, ref exit);
                continue;
            }
            if (!first) output.Write('\n');
            first = false;
            writer.WriteFileHeader(analysis);
            foreach (var sa in analysis.Sas.OrderBy(s => s.Sa.Id)) writer.WriteSa(sa);
            writer.WriteUnattachedDataPlane(analysis);
            if (debug is not null)
            {
                output.Write('\n');
                debug(analysis, writer);
            }
            if (analysis.CutShortSas > 0)
                output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{analysis.CutShortSas:N0} IKE SA{(analysis.CutShortSas == 1 ? " was" : "s were")} cut short: finished early at the cap of open SAs (--max-open-sas; docs/scale.md)"));
        }
        return exit;
    }

    /// <summary>
    /// <c>--format jsonl</c>: one SA object per line (the <c>batch --jsonl</c> object, docs/analyze-json.md), each written
    /// as soon as the SA is finished (idle, cut short at the cap, or at the end of the capture; the order of
    /// <see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{AnalyzedSa})"/>), streamed to standard
    /// output in ~64 KiB writes: memory is bounded by the SAs open at once, not by the capture.
    /// </summary>
    private static int RunJsonLines(string[] files, Action<string, Action<AnalyzedSa>> analyze, TextWriter output, TextWriter error)
    {
        int exit = ExitCodes.Ok;
        using var stream = CommandOutput.OpenBytes(output);
        using var buffered = new BufferedStream(stream, Reports.DissectJsonWriter.FlushThreshold);
        using var w = new System.Text.Json.Utf8JsonWriter(buffered, new System.Text.Json.JsonWriterOptions { Indented = false });
        foreach (string file in files)
        {
            bool ok = AnalysisInputs.TryRun(file, () => analyze(file, sa =>
            {
                AnalyzeJsonWriter.WriteSa(w, file, sa);
                w.Flush();
                w.Reset();
                buffered.WriteByte((byte)'\n');
            }), out string? failure);
            if (!ok) Fail(file, failure!, error, ref exit);
        }
        buffered.Flush();
        return exit;
    }

    private static int RunJson(string[] files, Func<string, CaptureAnalysis> analyze, TextWriter output, TextWriter error)
    {
        int exit = ExitCodes.Ok;
        using (var stream = CommandOutput.OpenBytes(output))
        using (var writer = new AnalyzeJsonWriter(stream))
        {
            foreach (string file in files)
            {
                var analysis = AnalysisInputs.TryAnalyze(file, analyze, out string? failure);
                if (analysis is null)
                {
                    Fail(file, failure!, error, ref exit);
                    writer.WriteFileError(file, failure!);
                }
                else writer.WriteAnalysis(analysis);
            }
        }
        output.Write('\n');
        return exit;
    }

    private static int RunCsv(string[] files, Func<string, CaptureAnalysis> analyze, TextWriter output, TextWriter error)
    {
        int exit = ExitCodes.Ok;
        using var csv = new BatchCsvWriter(output, leaveOpen: true);
        foreach (string file in files)
        {
            var analysis = AnalysisInputs.TryAnalyze(file, analyze, out string? failure);
            if (analysis is null)
            {
                Fail(file, failure!, error, ref exit);
                csv.Write(BatchCsvRow.FromError(file, failure!));
            }
            else csv.Write(analysis.Sas.OrderBy(s => s.Sa.Id).Select(sa => BatchCsvRow.FromSa(file, sa)));
        }
        return exit;
    }

    private static void Fail(string file, string failure, TextWriter error, ref int exit)
    {
        error.WriteLine(CommandLine.OneLine($"pcapike: {file}: {failure}"));
        exit = ExitCodes.UnreadableInput;
    }
}
