using PcapIke.Fuzz;
using SharpFuzz;

// pcapike-fuzz TARGET        under afl-fuzz (tools/fuzz.sh): the AFL++ forkserver loop over the instrumented PcapIke.dll
// pcapike-fuzz TARGET FILE…  runs the target once on each file (reproducing a crash without AFL++)
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: PcapIke.Fuzz TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}
string target = args[0];
if (args.Length > 1)
{
    foreach (string file in args.Skip(1))
    {
        FuzzTargets.Run(target, File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }
    return 0;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var ms = new MemoryStream();
    stream.CopyTo(ms);
    FuzzTargets.Run(target, ms.GetBuffer().AsSpan(0, (int)ms.Length));
});
return 0;
