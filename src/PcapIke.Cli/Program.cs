using PcapIke.Cli;

// Standard output: buffered (one write per 64 KiB, not per line), written by a thread of its own, and a write to it
// that fails (a full disk) is one error line and exit code 3 (CommandLine.StandardOutput, Run and Close).
var stdout = CommandLine.StandardOutput(CommandLine.OpenStandardOutput());
int exit = CommandLine.Run(args, stdout, Console.Error);
return CommandLine.Close(stdout, Console.Error, exit);
