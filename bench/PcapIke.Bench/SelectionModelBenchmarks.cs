using BenchmarkDotNet.Attributes;
using PcapIke.Forge;
using PcapIke.Model;

namespace PcapIke.Bench;

/// <summary>
/// Issue 15: the fix search over the technote's S2 routers (captures/S2-ikev1-r2-initiates/scenario.json). Before the
/// issue every candidate edit ran the forge (RSA keys, DH, encryption, signatures) in both directions; since, the
/// model is a pure decision engine and the search reads decision traces. <see cref="FixSearchS2"/> is the whole
/// <see cref="FixFinder.Find"/>; <see cref="PredictBothDirectionsS2"/> one candidate's check.
/// </summary>
[MemoryDiagnoser]
public class SelectionModelBenchmarks
{
    private Scenario _s2 = null!;

    [GlobalSetup]
    public void Setup()
    {
        string path = FindFile("captures/S2-ikev1-r2-initiates/scenario.json")
            ?? throw new FileNotFoundException("captures/S2-ikev1-r2-initiates/scenario.json not found above the working directory");
        var s2 = ScenarioParser.ParseFile(path);
        _s2 = s2;
        Console.WriteLine($"// SelectionModelBenchmarks: {path}: {FixFinder.Candidates(s2).Count()} candidate edits, " +
                          $"first fix: {FixFinder.Find(s2).FirstOrDefault()?.Describe() ?? "(none)"}");
    }

    /// <summary>Every single candidate edit checked in both directions (S2 has fixes among the single edits, so no pairs).</summary>
    [Benchmark]
    public int FixSearchS2() => FixFinder.Find(_s2).Count;

    [Benchmark]
    public bool PredictBothDirectionsS2() => SelectionModel.PredictBothDirections(_s2).BothSucceed;

    private static string? FindFile(string relative)
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
