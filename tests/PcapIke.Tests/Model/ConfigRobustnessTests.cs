using PcapIke.Cli;
using PcapIke.Tests.Cli;
using PcapIke.Tests.Forge;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Model;

/// <summary>Configurations are user input: damaged ones give a usage error line or a finding, never an exception.</summary>
public class ConfigRobustnessTests
{
    [Theory]
    [InlineData("S2-ikev1-r2-initiates")]
    [InlineData("S6-ikev2-r2-initiates-asymmetric")]
    public void RunningConfigsWithLinesDeleted_NeverThrow(string folder)
    {
        string dir = ForgedCaptures.Dir(folder);
        string[] r1 = File.ReadAllLines(Path.Combine(dir, "R1-running-config.txt"));
        string[] r2 = File.ReadAllLines(Path.Combine(dir, "R2-running-config.txt"));
        var random = new Random(7);
        string tmp = TestPaths.NewTempDir();
        int explained = 0;
        for (int round = 0; round < 25; round++)
        {
            // Drop a few configuration lines (not certificate hex) from one router: a profile, a trustpoint line, ...
            string[] victim = round % 2 == 0 ? r1 : r2;
            var kept = victim.Where(l => l.StartsWith("  ", StringComparison.Ordinal) || random.NextDouble() > 0.08).ToArray();
            string a = Path.Combine(tmp, $"a{round}.txt"), b = Path.Combine(tmp, $"b{round}.txt");
            File.WriteAllLines(a, round % 2 == 0 ? kept : r1);
            File.WriteAllLines(b, round % 2 == 0 ? r2 : kept);
            var (exit, output, error) = CliRun.Run("analyze", ForgedCaptures.Capture(folder), "--config", a, "--config", b);
            Assert.True(exit is ExitCodes.Ok or ExitCodes.Usage, $"round {round}: exit {exit}: {error}");
            if (exit == ExitCodes.Usage)
                Assert.Single(error.TrimEnd().Split('\n'));
            else if (output.Contains("PI60", StringComparison.Ordinal))
                explained++;
        }
        Assert.True(explained > 0, "no round reached the model");
    }
}
