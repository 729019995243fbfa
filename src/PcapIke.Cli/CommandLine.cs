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
        return root;
    }

    /// <summary>Parses and runs; a usage error is one line on <paramref name="error"/> and exit code 2.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(Build(), args, output, error);

    /// <summary>Runs <paramref name="root"/> (a tree with substituted parts, in tests) the same way.</summary>
    public static int Run(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        // Every string from the wire or an input file reaches the terminal escaped (PcapIke.Text.SafeText): the
        // writers escape what they print, and these two catch anything one forgot.
        if (output is not SafeTextWriter) output = new SafeTextWriter(output);
        if (error is not SafeTextWriter) error = new SafeTextWriter(error);
        try
        {
            return RunSafe(root, args, output, error);
        }
        finally
        {
            output.Flush();
            error.Flush();
        }
    }

    private static int RunSafe(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"pcapike: {OneLine(parsed.Errors[0].Message)} (try 'pcapike --help')");
            return ExitCodes.Usage;
        }
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return parsed.Invoke(config);
        }
        catch (CliInputException ex)
        {
            error.WriteLine($"pcapike: {OneLine(ex.Message)}");
            return ex.ExitCode;
        }
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
