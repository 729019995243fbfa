using System.CommandLine;
using PcapIke.Cli.Commands;
using PcapIke.Text;

namespace PcapIke.Cli;

/// <summary>Builds the <c>pcapike</c> command tree and runs it with one-line errors and documented exit codes.</summary>
public static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("PcapIke: forensic analysis of IKEv1/IKEv2 packet captures");
        root.Subcommands.Add(DissectCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(BatchCommand.Create());
        root.Subcommands.Add(ForgeCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(CertsCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        foreach (var command in root.Subcommands.Where(c => c.Name is "dissect" or "analyze"))
            command.Options.Add(new Option<string>("--output", "-o")
            {
                HelpName = "FILE", Description = "Write the output to this file instead of standard output",
            });
        return root;
    }

    /// <summary>The <c>--output</c> of a command that otherwise prints (dissect, analyze): its output goes to that
    /// file, written beside it and renamed at the end so a failed run leaves no half file.</summary>
    private static Option<string>? StdoutFile(ParseResult parsed) =>
        parsed.CommandResult.Command is { Name: "dissect" or "analyze" } c
            ? c.Options.OfType<Option<string>>().FirstOrDefault(o => o.Name == "--output") : null;

    /// <summary>An example per command, the last lines of its <c>--help</c>.</summary>
    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["dissect"] = "pcapike dissect capture.pcap --keys ikev2_decryption_table --address 192.0.2.1",
        ["analyze"] = "pcapike analyze capture.pcap --config R1-running-config.txt --config R2-running-config.txt",
        ["batch"] = "pcapike batch cases/ -o all.csv --reports reports/",
        ["forge"] = "pcapike forge scenario.json -o S2/capture.pcap",
        ["replay"] = "pcapike replay --config R1-running-config.txt --config R2-running-config.txt --swap-initiator",
        ["certs"] = "pcapike certs capture.pcap --keys ikev1_decryption_table -o certs/",
        ["report"] = "pcapike report capture.pcap --config R1-running-config.txt --config R2-running-config.txt -o case.html",
        ["convert"] = "pcapike convert router-dump.txt -o capture.pcap",
        ["watch"] = "pcapike watch -i eth0 --write negotiation.pcap",
    };

    /// <summary>What every command does the same way: an unknown option is an error (never taken as a file name),
    /// and its help ends with an example.</summary>
    private static void Harden(Command command)
    {
        foreach (var argument in command.Arguments) AnalysisInputs.RejectOptionLikeFiles(argument);
        if (Examples.TryGetValue(command.Name, out string? example) && !(command.Description ?? "").Contains("Example:", StringComparison.Ordinal))
            command.Description = $"{command.Description}\n\nExample:\n  {example}";
    }

    /// <summary>Parses and runs; a usage error is one line on <paramref name="error"/> and exit code 2.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(Build(), args, output, error);

    /// <summary>Runs <paramref name="root"/> (a tree with substituted parts, in tests) the same way.</summary>
    public static int Run(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        foreach (var command in root.Subcommands) Harden(command);
        // Every string from the wire or an input file reaches the terminal escaped (PcapIke.Text.SafeText): the
        // writers escape what they print, and these two catch anything one forgot.
        if (output is not SafeTextWriter) output = new SafeTextWriter(output);
        if (error is not SafeTextWriter) error = new SafeTextWriter(error);
        try
        {
            int exit = RunSafe(root, args, output, error);
            try
            {
                output.Flush();
            }
            catch (CliOutputException ex)
            {
                // the output failed only now, at its last flush (OutputStream)
                exit = ex.Report(error);
            }
            return exit;
        }
        finally
        {
            error.Flush();
        }
    }

    /// <summary>The process's standard output. A pipe or a terminal is opened as a file on descriptor 1, which reports
    /// a closed pipe (EPIPE) as an error where the console stream ignores it and the command would run to its end for
    /// nobody (<c>pcapike … | head</c>). A regular file stays the console stream: a FileStream writes a seekable file
    /// at offsets of its own (pwrite) and leaves the descriptor's offset where it was, so the next writer to the same
    /// descriptor (<c>{ pcapike …; echo done; } &gt; out.txt</c>) would overwrite the output.</summary>
    public static Stream OpenStandardOutput()
    {
        if (OperatingSystem.IsWindows()) return Console.OpenStandardOutput();
        try
        {
            var fd1 = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            if (!fd1.CanSeek) return fd1;
            fd1.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // standard output closed or of another kind: the console's stream copes
        }
        return Console.OpenStandardOutput();
    }

    /// <summary>The process's standard output for <see cref="Run(string[], TextWriter, TextWriter)"/>: UTF-8, buffered
    /// (one write per 64 KiB, not per line: a listing of a multi-GB capture can be tens of thousands of lines), over an
    /// <see cref="OutputStream"/> (a failed write is one error line and exit code 3) over a
    /// <see cref="WriteBehindStream"/> (written by a thread of its own). Close it with <see cref="Close"/>.</summary>
    public static StreamWriter StandardOutput(Stream stdout) =>
        new(new OutputStream(new WriteBehindStream(stdout), "to standard output"), new System.Text.UTF8Encoding(false), 1 << 16)
            { AutoFlush = false };

    /// <summary>Closes the output of <see cref="StandardOutput"/> once <see cref="Run(string[], TextWriter, TextWriter)"/>
    /// returned <paramref name="exit"/>: waits until all of it is written; a write that fails only now is one error
    /// line and exit code 3 (one that failed before was said by <c>Run</c>).</summary>
    public static int Close(StreamWriter output, TextWriter error, int exit)
    {
        try
        {
            output.Dispose();
            return exit;
        }
        catch (CliOutputException ex)
        {
            int code = ex.Report(error);
            error.Flush();
            return code;
        }
    }

    private static int RunSafe(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command is { } c && c != root ? $" {c.Name}" : "";
            // an option the command does not have is named as such, whatever else it made the parser stumble on
            string message = UnknownOption(parsed, args) is { } unknown ? $"Unrecognized option '{unknown}'" : Plain(parsed.Errors[0].Message);
            error.WriteLine($"pcapike: {OneLine(message)} (try 'pcapike{command} --help')");
            return ExitCodes.Usage;
        }
        string? outPath = StdoutFile(parsed) is { } o ? parsed.GetValue(o) : null;
        StreamWriter? file = null;
        string? temp = null;
        try
        {
            if (outPath is not null)
            {
                if (Directory.Exists(outPath)) throw new CliInputException($"--output: {outPath} is a directory, not a file");
                temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, $".{Path.GetFileName(outPath)}.{Environment.ProcessId}.tmp");
                try
                {
                    file = new StreamWriter(new OutputStream(new WriteBehindStream(new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.Read)), $"--output {outPath}"),
                        new System.Text.UTF8Encoding(false), 1 << 16);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliInputException($"--output: cannot write {outPath}: {ex.Message}");
                }
            }
            var config = new InvocationConfiguration { Output = file ?? output, Error = error, EnableDefaultExceptionHandler = false };
            int exit = parsed.Invoke(config);
            if (file is not null)
            {
                file.Dispose();
                file = null;
                File.Move(temp!, outPath!, overwrite: true);
                temp = null;
            }
            return exit;
        }
        catch (CliInputException ex)
        {
            error.WriteLine($"pcapike: {OneLine(ex.Message)}");
            return ex.ExitCode;
        }
        catch (CliOutputException ex)
        {
            return ex.Report(error);
        }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions.OfType<CliOutputException>().FirstOrDefault() is { } first)
        {
            // an output that failed while captures were analysed in parallel (batch --jobs)
            return first.Report(error);
        }
        finally
        {
            try { file?.Dispose(); }
            catch (CliOutputException) { }   // it failed already, and said so
            file = null;
            if (temp is not null) try { File.Delete(temp); } catch (IOException) { }
        }
    }

    /// <summary>The first argument that looks like an option (<c>-x</c>, <c>--xyz</c>, before any <c>--</c>) and is
    /// none of the parsed command's options; null when there is none.</summary>
    private static string? UnknownOption(ParseResult parsed, string[] args)
    {
        if (parsed.CommandResult.Command is not { } c) return null;
        var known = new HashSet<string>(StringComparer.Ordinal) { "-h", "--help", "-?", "/?", "/h" };
        foreach (var o in c.Options)
        {
            known.Add(o.Name);
            known.UnionWith(o.Aliases);
        }
        foreach (string a in args)
        {
            if (a == "--") break;
            if (a.Length < 2 || a[0] != '-' || char.IsAsciiDigit(a[1])) continue;
            string name = a.Split('=', 2)[0];
            if (!known.Contains(name)) return name;
        }
        return null;
    }

    /// <summary>A parser message in the option's terms: "Cannot parse argument '70000' for option '--port' as expected
    /// type 'System.UInt16'" becomes "--port: '70000' is not a whole number from 0 to 65535".</summary>
    internal static string Plain(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message,
            @"^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<name>[^']+)' as expected type '(?<type>[^']+)'\.?$");
        if (!m.Success) return message;
        string what = m.Groups["type"].Value switch
        {
            "System.UInt16" => "a whole number from 0 to 65535",
            "System.Int32" => "a whole number",
            "System.Int64" => "a whole number",
            "System.UInt32" => "a whole number from 0 to 4294967295",
            "System.Double" => "a number",
            "System.Boolean" => "true or false",
            _ => "a valid value",
        };
        return $"{m.Groups["name"].Value}: '{m.Groups["value"].Value}' is not {what}";
    }

    /// <summary>Makes a message exactly one line: its hidden characters shown by <see cref="SafeText.Visible"/> (a
    /// line feed inside, from a file name or a paste, as <c>\x0a</c>), the line ends around it trimmed.</summary>
    internal static string OneLine(string message) => SafeText.Visible(message.Trim('\r', '\n', ' '));
}

/// <summary>A problem with the caller's input that ends the command with one line and a given exit code.</summary>
public sealed class CliInputException(string message, int exitCode = ExitCodes.UnreadableInput) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The command's output could not be written (<see cref="Commands.OutputStream"/>): one error line and exit
/// code 3 for the whole command. Its own type, so that no handler of an input's failure takes it for one.</summary>
public sealed class CliOutputException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The reader at the other end of a pipe is gone (EPIPE: <c>pcapike … | head</c>): the command stops
    /// quietly, as a command killed by SIGPIPE does (<see cref="ExitCodes.OutputClosed"/>), not with an error line.</summary>
    public bool ReaderGone => !OperatingSystem.IsWindows() && InnerException is IOException { HResult: EPipe };

    public int ExitCode => ReaderGone ? ExitCodes.OutputClosed : ExitCodes.UnreadableInput;

    /// <summary>errno EPIPE on Linux and the BSDs, the HResult .NET gives a write's IOException on Unix.</summary>
    private const int EPipe = 32;

    /// <summary>What the command says of it: one error line, or nothing when the reader went away.</summary>
    public int Report(TextWriter error)
    {
        if (!ReaderGone) error.WriteLine($"pcapike: {CommandLine.OneLine(Message)}");
        return ExitCode;
    }
}
