using System.CommandLine;
using System.Text;
using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike report CAPTURE [--config FILE]... [key options] [--ca FILE|DIR]... -o OUT [--format html|md] [--redact]</c>:
/// the case report, one self-contained HTML file (or Markdown) to attach to a support case (docs/case-report.md).
/// A capture or input that cannot be read is one error line and exit code 3; so is an output that cannot be written.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var capture = new Argument<string>("capture") { Description = "The pcap or pcapng capture, gzip'd or not, or a text dump (docs/text-dumps.md)" };
        var output = new Option<string>("--output", "-o") { HelpName = "OUT", Description = "The report file to write", Required = true };
        var format = new Option<string>("--format", "-f")
        {
            Description = "html (one self-contained file) or md (Markdown for ticket systems); default: md for an OUT ending in .md, else html",
        };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "html", "md");
        var redact = new Option<bool>("--redact")
        {
            Description = "Replace addresses, host names, DN values, identities, SPIs and file names by consistent pseudonyms",
        };
        var ca = AnalysisInputs.CaOption();
        var keys = KeyOptions.Create();
        var ports = PortOptions.Create();
        var configs = ConfigScenario.Option();
        var select = SelectionOptions.Create(withSa: true);
        var quiet = ProgressReporter.QuietOption();
        var debug = DebugInputs.Option();

        var command = new Command("report", "The case report: one self-contained HTML (or Markdown) file to attach to a support case")
        {
            capture, output, format, redact, quiet, configs, ca, ports.Udp, ports.NatT, ports.Tcp, debug,
        };
        select.AddTo(command);
        keys.AddTo(command);
        command.SetAction(pr =>
        {
            var selection = select.Parse(pr);
            var options = AnalysisInputs.Options(pr, ca, ports, keys);
            string[] configFiles = pr.GetValue(configs) ?? [];
            Scenario? routers = configFiles.Length > 0 ? ConfigScenario.LoadRouters(configFiles, pr.GetValue(capture), options) : null;
            if (routers is not null) options = options.With(routers);
            string file = pr.GetValue(capture)!;
            string outPath = pr.GetValue(output)!;
            string fmt = (pr.GetValue(format) ?? (outPath.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "md" : "html")).ToLowerInvariant();
            bool redacted = pr.GetValue(redact);

            var sources = new CaseReportSources(
                pr.GetValue(keys.Tables) ?? [], pr.GetValue(keys.CharonLogs) ?? [], pr.GetValue(keys.Profile),
                ProfileFolder(keys, pr.GetValue(keys.Profile)), configFiles, pr.GetValue(ca) ?? [],
                PortArgs(pr, ports));
            bool progress = ProgressReporter.Wanted(pr.GetValue(quiet));
            var analysis = AnalysisInputs.TryAnalyze(file, f => ProgressReporter.Analyze(f, options, progress, pr.InvocationConfiguration.Error), out string? failure)
                ?? throw new CliInputException($"{file}: {failure}");
            string[] debugSpecs = pr.GetValue(debug) ?? [];
            var logs = DebugInputs.Load(debugSpecs);
            var reportArgs = new List<CommandArg> { "report" };
            reportArgs.AddRange(sources.Arguments(file));
            reportArgs.Add("-o");
            reportArgs.Add(CommandArg.File(outPath, "report"));
            if (pr.GetValue(format) is not null) { reportArgs.Add("--format"); reportArgs.Add(fmt); }
            if (redacted) reportArgs.Add("--redact");
            foreach (string d in debugSpecs) { reportArgs.Add("--debug"); reportArgs.Add(CommandArg.File(d, "debug")); }
            var report = CaseReportBuilder.Build(analysis, new CaseReportOptions
            {
                Inputs = [.. sources.Inputs(file), .. debugSpecs.Select(d => ("debug", DebugInputs.PathOf(d)))],
                Commands = [reportArgs, ["analyze", .. sources.Arguments(file)]],
                Routers = routers,
                Redact = redacted,
                Debug = logs.Count == 0 ? null : DebugLogAnalyzer.Analyze(logs, routers, analysis),
                Selected = selection.IsEmpty ? null : selection.Matches,
            });
            CaseReportSources.Write(outPath, fmt == "md" ? MarkdownCaseReportWriter.Render(report) : HtmlCaseReportWriter.Render(report), "--output");
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string? ProfileFolder(KeyOptions keys, string? profile) =>
        profile is null ? null : WiresharkProfile.Resolve(profile, keys.Environment("XDG_CONFIG_HOME"), keys.Environment("HOME"));

    internal static List<string> PortArgs(ParseResult pr, PortOptions ports)
    {
        var args = new List<string>();
        foreach (var (option, name) in new[] { (ports.Udp, "--port"), (ports.NatT, "--nat-t-port"), (ports.Tcp, "--tcp-port") })
            foreach (ushort p in pr.GetValue(option) ?? [])
            {
                args.Add(name);
                args.Add(p.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        return args;
    }
}

/// <summary>The inputs of a case report besides the capture (<c>report</c> and <c>batch --reports</c>): each becomes a
/// hashed input file and an argument of the reproduce commands.</summary>
internal sealed record CaseReportSources(
    string[] KeyTables, string[] CharonLogs, string? Profile, string? ProfileFolder, string[] Configs, string[] Cas,
    IReadOnlyList<string> PortArgs)
{
    /// <summary>The capture, then every file read: key tables, charon logs, the profile's tables, configs, CA files
    /// (those of a CA folder that <see cref="CaCatalog"/> reads).</summary>
    public IReadOnlyList<(string Role, string Path)> Inputs(string capture)
    {
        var list = new List<(string, string)> { ("capture", capture) };
        list.AddRange(KeyTables.Select(k => ("keys", k)));
        list.AddRange(CharonLogs.Select(l => ("charon-log", l)));
        if (ProfileFolder is not null)
            list.AddRange(WiresharkProfile.Tables(ProfileFolder).Select(t => ("wireshark-profile", t)));
        list.AddRange(Configs.Select(c => ("config", c)));
        foreach (string ca in Cas)
        {
            if (Directory.Exists(ca))
                list.AddRange(Directory.GetFiles(ca).Where(CaCatalog.IsCertificateFileName).Order(StringComparer.Ordinal).Select(f => ("ca", f)));
            else list.Add(("ca", ca));
        }
        return list;
    }

    /// <summary>The capture and the options that analyse it as this report did (for <c>report</c> and <c>analyze</c>).</summary>
    public IEnumerable<CommandArg> Arguments(string capture)
    {
        yield return CommandArg.File(capture, "capture");
        foreach (string c in Configs) { yield return "--config"; yield return CommandArg.File(c, "config"); }
        foreach (string k in KeyTables) { yield return "--keys"; yield return CommandArg.File(k, "keys"); }
        foreach (string l in CharonLogs) { yield return "--keys-from-charon-log"; yield return CommandArg.File(l, "charon-log"); }
        if (Profile is not null) { yield return "--wireshark-profile"; yield return CommandArg.File(Profile, "wireshark-profile"); }
        foreach (string ca in Cas) { yield return "--ca"; yield return CommandArg.File(ca, "ca"); }
        foreach (string p in PortArgs) yield return p;
    }

    /// <summary>Writes a report (UTF-8, no BOM); a path that cannot be written is one error line and exit code 3.</summary>
    public static void Write(string path, string content, string option)
    {
        try
        {
            File.WriteAllText(path, content, new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CliInputException($"{option}: cannot write {path}: {ex.Message}");
        }
    }
}

/// <summary>
/// <c>batch --reports DIR</c>: one case report per capture (analysed again, whole, since a report needs every SA of
/// its capture) and <c>index.html</c> linking them by relative links, one line per capture. Report names come from
/// the capture's file name (letters, digits, '.', '_', '-' kept; a second capture with the same name gets -2, -3 …);
/// with <c>--redact</c> they are <c>report-001.html</c> … in file order, so no file name leaks.
/// </summary>
internal static class CaseReportBatch
{
    public static int Write(IReadOnlyList<string> files, string dir, AnalysisOptions options, CaseReportSources sources,
        bool redact, int parallelism, TextWriter error)
    {
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliInputException($"--reports: cannot create {dir}: {ex.Message}");
        }
        var names = ReportNames(files, redact);
        var entries = new CaseIndexEntry[files.Count];
        int errors = 0;
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
        {
            string file = files[i];
            string shown = redact ? $"capture {(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}" : file;
            var analysis = AnalysisInputs.TryAnalyze(file, f => CaptureAnalyzer.Analyze(f, options), out string? failure);
            if (analysis is null)
            {
                Interlocked.Increment(ref errors);
                entries[i] = new CaseIndexEntry(shown, null, $"error: {(redact ? "the capture could not be read" : failure)}");
                return;
            }
            var report = CaseReportBuilder.Build(analysis, new CaseReportOptions
            {
                Inputs = sources.Inputs(file),
                Commands =
                [
                    ["report", .. sources.Arguments(file), "-o", CommandArg.File(names[i], "report"), .. redact ? new CommandArg[] { "--redact" } : []],
                    ["analyze", .. sources.Arguments(file)],
                ],
                Redact = redact,
            });
            CaseReportSources.Write(Path.Combine(dir, names[i]), HtmlCaseReportWriter.Render(report), "--reports");
            string summary = report.Negotiations.Count == 0
                ? "no IKE negotiation"
                : $"{report.Negotiations.Count} negotiation{(report.Negotiations.Count == 1 ? "" : "s")}: " +
                  string.Join("; ", report.Negotiations.Select(n => n.ShortLine));
            entries[i] = new CaseIndexEntry(shown, names[i], summary);
        });
        CaseReportSources.Write(Path.Combine(dir, "index.html"), HtmlCaseReportWriter.RenderIndex(entries, redact), "--reports");
        return errors;
    }

    /// <summary>A report file name per capture, distinct (case-insensitively) and never <c>index.html</c>.</summary>
    public static IReadOnlyList<string> ReportNames(IReadOnlyList<string> files, bool redact)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "index.html" };
        var names = new List<string>(files.Count);
        for (int i = 0; i < files.Count; i++)
        {
            string stem = redact
                ? $"report-{(i + 1).ToString("000", System.Globalization.CultureInfo.InvariantCulture)}"
                : new string(Path.GetFileNameWithoutExtension(files[i]).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
            if (stem.Length == 0 || stem[0] == '.') stem = "capture" + stem;
            string name = stem + ".html";
            for (int n = 2; !used.Add(name); n++) name = $"{stem}-{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}.html";
            names.Add(name);
        }
        return names;
    }
}
