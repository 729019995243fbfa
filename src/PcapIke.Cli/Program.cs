using System.Text;
using PcapIke.Cli;

// Standard output is buffered (one write per 64 KiB, not per line) and flushed once at the end: a listing of a
// multi-GB capture can be tens of thousands of lines.
using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
int exit = CommandLine.Run(args, stdout, Console.Error);
stdout.Flush();
return exit;
