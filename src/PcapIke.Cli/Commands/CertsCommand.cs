using System.CommandLine;
using PcapIke.Certificates;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike certs FILE... --out DIR [key options] [--format text|json]</c>: every distinct certificate of the
/// captures' CERT payloads (clear, and decrypted with the given keys) written as PEM into DIR, and a table of them on
/// standard output. A capture that cannot be read is one error line and exit code 3; the others are still read.
/// </summary>
public static class CertsCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "pcap or pcapng captures, gzip'd or not, or text dumps (IOS/IOS-XE/ASA capture dumps, od/Wireshark hex: docs/text-dumps.md); - reads standard input",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = new Option<string>("--out", "--output", "-o")
        {
            HelpName = "DIR",
            Description = "Write each certificate as PEM into this directory (created if missing), named by subject CN and serial",
            Required = true,
        };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "json");
        var keys = KeyOptions.Create();
        var ports = PortOptions.Create();

        var command = new Command("certs", "Export every certificate seen (decrypted with the keys given) as PEM, and list them")
        {
            files, outDir, format, ports.Udp, ports.NatT, ports.Tcp,
        };
        keys.AddTo(command);
        command.SetAction(pr =>
        {
            var options = new AnalysisOptions { Decoder = ports.ToDecoderOptions(pr), Keys = keys.Load(pr) };
            string dir = pr.GetValue(outDir)!;
            try
            {
                Directory.CreateDirectory(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliInputException($"--out: cannot create {dir}: {ex.Message}");
            }
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            int exit = ExitCodes.Ok;
            var collector = new CertificateCollector();
            var read = new List<(string File, string? Error)>();
            foreach (string file in pr.GetValue(files)!)
            {
                var analysis = AnalysisInputs.TryAnalyze(file, f => CaptureAnalyzer.Analyze(f, options), out string? failure);
                read.Add((file, failure));
                if (analysis is null)
                {
                    error.WriteLine(CommandLine.OneLine($"pcapike: {file}: {failure}"));
                    exit = ExitCodes.UnreadableInput;
                    continue;
                }
                collector.Add(analysis);
            }
            foreach (var c in collector.Items)
            {
                if (c.PemName is null) continue;
                string path = Path.Combine(dir, c.PemName);
                try
                {
                    File.WriteAllText(path, c.First.Info!.ToPem());
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliInputException($"--out: cannot write {path}: {ex.Message}");
                }
            }
            if (string.Equals(pr.GetValue(format), "json", StringComparison.OrdinalIgnoreCase))
            {
                using (var stream = new TextWriterStream(output))
                    CertificateReport.WriteJson(stream, collector.Items, read, dir);
                output.Write('\n');
            }
            else CertificateReport.WriteText(output, collector.Items, read, dir);
            return exit;
        });
        return command;
    }
}
