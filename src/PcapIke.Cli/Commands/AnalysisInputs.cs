using System.CommandLine;
using PcapIke.Capture;
using PcapIke.Exchanges;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>What <c>analyze</c> and <c>batch</c> share: the <c>--ca</c> option, the port options, and turning a
/// capture that cannot be analysed into one line of text.</summary>
internal static class AnalysisInputs
{
    /// <summary><c>--max-open-sas N</c> (analyze, batch): the cap of SAs open at once (docs/scale.md).</summary>
    public static Option<int> MaxOpenSasOption()
    {
        var option = new Option<int>("--max-open-sas")
        {
            HelpName = "N",
            Description = $"At most N IKE SAs open at once (default {ExchangeCorrelator.DefaultMaxLiveSas:N0}); past it the least recently active is finished early and marked as cut short",
            DefaultValueFactory = _ => ExchangeCorrelator.DefaultMaxLiveSas,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--max-open-sas must be at least 1");
        });
        return option;
    }

    public static Option<string[]> CaOption() => new("--ca")
    {
        HelpName = "FILE|DIR",
        Description = "A CA certificate (PEM or DER) or a directory of them, to name IKEv2 CERTREQ hashes (repeatable)",
    };

    /// <summary>
    /// An unknown option (<c>--bogus</c>) would otherwise be taken as a file name: make it a usage error (every
    /// command's arguments get this in <see cref="CommandLine.Run(System.CommandLine.RootCommand, string[], TextWriter, TextWriter)"/>). A file whose
    /// name starts with '-' is given as <c>./-name</c>; <c>-</c> alone is standard input.
    /// </summary>
    public static void RejectOptionLikeFiles(Argument files) =>
        files.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (token.Value.Length > 1 && token.Value[0] == '-')
                {
                    result.AddError($"Unrecognized option '{token.Value}'");
                    return;
                }
        });

    /// <summary>Loads the <c>--ca</c> certificates; a missing or unreadable path is one error line and exit code 3.</summary>
    public static CaCatalog LoadCas(string[] paths)
    {
        if (paths.Length == 0) return new CaCatalog();
        foreach (string p in paths)
            if (!File.Exists(p) && !Directory.Exists(p))
                throw new CliInputException($"--ca: {p}: no such file or directory");
        try
        {
            return CaCatalog.Load(paths);
        }
        catch (Exception ex) when (ex is not CliInputException and not OutOfMemoryException)
        {
            // CaCatalog.Load names the file in its message (InvalidDataException).
            throw new CliInputException(ex is InvalidDataException ? $"--ca: {ex.Message}" : $"--ca: cannot load {string.Join(", ", paths)}: {ex.Message}");
        }
    }

    public static AnalysisOptions Options(ParseResult pr, Option<string[]> ca, PortOptions ports,
        KeyOptions? keys = null) => new()
    {
        Cas = LoadCas(pr.GetValue(ca) ?? []),
        Decoder = ports.ToDecoderOptions(pr),
        Keys = keys?.Load(pr),
    };

    /// <summary>
    /// Analyses one capture. A capture that cannot be read (missing, unreadable, not pcap/pcapng) or whose analysis
    /// fails returns null and the reason, without the file name: the caller names the file.
    /// </summary>
    public static CaptureAnalysis? TryAnalyze(string file, Func<string, CaptureAnalysis> analyze, out string? error)
    {
        CaptureAnalysis? result = null;
        return TryRun(file, () => result = analyze(file), out error) ? result : null;
    }

    /// <summary>Runs the analysis of one capture; false and the reason (without the file name) when the capture cannot
    /// be read or the analysis fails, as <see cref="TryAnalyze"/>.</summary>
    public static bool TryRun(string file, Action analyze, out string? error)
    {
        try
        {
            error = null;
            analyze();
            return true;
        }
        catch (Exception ex) when (ex is CaptureFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = WithoutFile(file, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not CliOutputException)
        {
            // (a CliOutputException is the command's output failing, OutputStream: not this capture's failure)
            error = $"analysis failed: {ex.GetType().Name}: {ex.Message}";
        }
        error = CommandLine.OneLine(error);
        return false;
    }

    private static string WithoutFile(string file, string message) =>
        message.StartsWith(file + ": ", StringComparison.Ordinal) ? message[(file.Length + 2)..] : message;
}
