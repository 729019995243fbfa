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
        AnalysisInputs.RejectOptionLikeFiles(files);
        var ca = AnalysisInputs.CaOption();
        var keys = KeyOptions.Create();
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "json", "csv");
        var ports = PortOptions.Create();
        var configs = ConfigScenario.Option();

        var command = new Command("analyze", "Per IKE SA: summary, message ladder, CERT_REQ lists and findings")
        {
            files, ca, format, ports.Udp, ports.NatT, ports.Tcp, configs,
        };
        keys.AddTo(command);
        command.SetAction(pr =>
        {
            var options = AnalysisInputs.Options(pr, ca, ports, keys);
            if (pr.GetValue(configs) is { Length: > 0 } configFiles)
                options = options.With(ConfigScenario.LoadRouters(configFiles, pr.GetValue(files)!.FirstOrDefault(f => f != "-"), options));
            Func<string, CaptureAnalysis> run = analyze is null
                ? f => CaptureAnalyzer.Analyze(f, options)
                : f => analyze(f, options);
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            string[] inputs = pr.GetValue(files)!;
            return pr.GetValue(format)!.ToLowerInvariant() switch
            {
                "json" => RunJson(inputs, run, output, error),
                "csv" => RunCsv(inputs, run, output, error),
                _ => RunText(inputs, run, output, error),
            };
        });
        return command;
    }

    private static int RunText(string[] files, Func<string, CaptureAnalysis> analyze, TextWriter output, TextWriter error)
    {
        var writer = new AnalyzeTextWriter(output);
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
