using System.CommandLine;
using PcapIke.Exchanges;
using PcapIke.Reports;

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
            Arity = ArgumentArity.OneOrMore,
        };
        var ca = AnalysisInputs.CaOption();
        var keys = KeyOptions.Create();
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "json", "csv");
        var ports = PortOptions.Create();
        var configs = ConfigScenario.Option();
        var brief = new Option<bool>("--brief") { Description = "Text: one line per IKE SA (outcome and root cause)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Text: everything, also every vendor ID with its bytes and every notify" };
        var select = SelectionOptions.Create(withSa: true);
        var quiet = ProgressReporter.QuietOption();

        var command = new Command("analyze", "Per IKE SA: the verdict and action plan first, then the message ladder, CERT_REQ lists, certificates and findings")
        {
            files, ca, format, brief, verbose, quiet, ports.Udp, ports.NatT, ports.Tcp, configs,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(brief) && r.GetValue(verbose)) r.AddError("--brief and --verbose exclude each other");
            else if ((r.GetValue(brief) || r.GetValue(verbose)) && !string.Equals(r.GetValue(format) ?? "text", "text", StringComparison.OrdinalIgnoreCase))
                r.AddError($"{(r.GetValue(brief) ? "--brief" : "--verbose")} applies to text output only (JSON and CSV always hold everything)");
        });
        select.AddTo(command);
        keys.AddTo(command);
        command.SetAction(pr =>
        {
            var selection = select.Parse(pr);
            var options = AnalysisInputs.Options(pr, ca, ports, keys);
            if (pr.GetValue(configs) is { Length: > 0 } configFiles)
                options = options.With(ConfigScenario.LoadRouters(configFiles, pr.GetValue(files)!.FirstOrDefault(f => f != "-"), options));
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
            string[] inputs = pr.GetValue(files)!;
            var detail = pr.GetValue(brief) ? TextDetail.Brief : pr.GetValue(verbose) ? TextDetail.Verbose : TextDetail.Normal;
            return pr.GetValue(format)!.ToLowerInvariant() switch
            {
                "json" => RunJson(inputs, run, output, error),
                "csv" => RunCsv(inputs, run, output, error),
                _ => RunText(inputs, run, output, error, new AnalyzeTextWriter(output) { Routers = options.Routers, Detail = detail }),
            };
        });
        return command;
    }

    private static int RunText(string[] files, Func<string, CaptureAnalysis> analyze, TextWriter output, TextWriter error, AnalyzeTextWriter writer)
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
            foreach (var sa in analysis.Sas.OrderBy(s => s.Id)) writer.WriteSa(sa);
            writer.WriteUnattachedDataPlane(analysis);
        }
        return exit;
    }

    private static int RunJson(string[] files, Func<string, CaptureAnalysis> analyze, TextWriter output, TextWriter error)
    {
        int exit = ExitCodes.Ok;
        using (var stream = new TextWriterStream(output))
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
            else csv.Write(analysis.Sas.OrderBy(s => s.Id).Select(sa => BatchCsvRow.FromSa(file, sa)));
        }
        return exit;
    }

    private static void Fail(string file, string failure, TextWriter error, ref int exit)
    {
        error.WriteLine(CommandLine.OneLine($"pcapike: {file}: {failure}"));
        exit = ExitCodes.UnreadableInput;
    }
}
