using System.Text;
using PcapIke.Cli;

// Standard output is buffered (one write per 64 KiB, not per line) and flushed once at the end: a listing of a
// multi-GB capture can be tens of thousands of lines.
// Written on a thread of its own; a write to it that fails (a full disk) is one error line and exit code 3
// (CommandLine.Run and Close, OutputStream).
var stdout = CommandLine.StandardOutput(CommandLine.OpenStandardOutput());
int exit = CommandLine.Run(args, stdout, Console.Error);
return CommandLine.Close(stdout, Console.Error, exit);
