using System.CommandLine;

namespace PcapIke.Cli.Commands;

/// <summary><c>pcapike dissect FILE...</c>: one line per IKE message. (Wired to the dissector when it lands.)</summary>
public static class DissectCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "pcap/pcapng files (gzip'd or not), or - for stdin", Arity = ArgumentArity.OneOrMore };
        var command = new Command("dissect", "One line per IKE message, or the whole tree with --verbose") { files };
        command.SetAction(pr => ExitCodes.Ok);
        return command;
    }
}
