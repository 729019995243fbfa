using System.Text;
using PcapIke.Cli;
using PcapIke.Cli.Commands;
using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.Cli;
using PcapIke.Tests.Forge;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Model;

/// <summary>
/// Golden comparison for the selection model on S1–S7 (issue 15): the <c>replay</c> narration of both directions, the
/// <c>analyze --config</c> explanations (PI6xx, from the scenario file and from the routers' IOS text, both routers or
/// one) and the fix search, recorded in Model/Resources/Golden/ before the model became a decision engine separate from
/// the forge. Any change of a decision, an explanation or a fix shows as a diff. To record again (only when a change
/// of the model's output is intended): <c>PCAPIKE_UPDATE_GOLDEN=1 dotnet test --filter ModelGolden</c>.
/// </summary>
public class ModelGoldenTests
{
    private static string GoldenPath(string folder) =>
        Path.Combine(TestPaths.RepoRoot, "tests", "PcapIke.Tests", "Model", "Resources", "Golden", folder + ".txt");

    [Theory]
    [MemberData(nameof(ForgedCaptures.All), MemberType = typeof(ForgedCaptures))]
    public void ReplayExplanationsAndFixes_AreTheRecordedOnes(string folder)
    {
        string actual = Record(folder);
        string path = GoldenPath(folder);
        if (Environment.GetEnvironmentVariable("PCAPIKE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
        }
        Assert.True(File.Exists(path), $"{path}: no golden file (record with PCAPIKE_UPDATE_GOLDEN=1)");
        string expected = File.ReadAllText(path);
        if (expected != actual)
        {
            string[] e = expected.Split('\n'), a = actual.Split('\n');
            int i = 0;
            while (i < e.Length && i < a.Length && e[i] == a[i]) i++;
            Assert.Fail($"{folder}: differs from {path} at line {i + 1}:\n  golden: {(i < e.Length ? e[i] : "(end)")}\n  actual: {(i < a.Length ? a[i] : "(end)")}");
        }
    }

    /// <summary>Everything the golden file holds for one folder, as text.</summary>
    internal static string Record(string folder)
    {
        string dir = ForgedCaptures.Dir(folder);
        string scenarioFile = Path.Combine(dir, "scenario.json");
        string capture = ForgedCaptures.Capture(folder);
        string keys = Directory.GetFiles(dir, "ikev*_decryption_table").Single();
        var b = new StringBuilder();

        foreach (string[] extra in new[] { Array.Empty<string>(), ["--swap-initiator"] })
        {
            var (exit, output, error) = CliRun.Run(["replay", scenarioFile, .. extra]);
            b.Append($"### replay {string.Join(' ', extra)}\nexit {exit}\n").Append(output).Append(error);
        }

        Scenario scenario = ScenarioParser.ParseFile(scenarioFile);
        KeyRing ring = KeyRing.Load([keys]);
        CaCatalog cas = CaCatalog.Load([dir]);
        Section(b, "analyze --config scenario.json --keys", CaptureAnalyzer.Analyze(capture, new AnalysisOptions { Keys = ring, Routers = scenario }));
        Section(b, "analyze --config scenario.json", CaptureAnalyzer.Analyze(capture, new AnalysisOptions { Routers = scenario }));

        string Text(string name) => Path.Combine(dir, name);
        var configs = new (string Label, string[] Files)[]
        {
            ("both routers' IOS text", [Text("R1-running-config.txt"), Text("R2-running-config.txt"), Text("R1-show-crypto-pki-certificates.txt"), Text("R2-show-crypto-pki-certificates.txt")]),
            ("R1's IOS text only", [Text("R1-running-config.txt"), Text("R1-show-crypto-pki-certificates.txt")]),
            ("R2's IOS text only", [Text("R2-running-config.txt"), Text("R2-show-crypto-pki-certificates.txt")]),
        };
        foreach (var (label, files) in configs)
        {
            var options = new AnalysisOptions { Keys = ring, Cas = cas };
            try
            {
                Scenario routers = IosConfigInputs.Load(files, capture, options);
                Section(b, $"analyze --config {label} --keys --ca", CaptureAnalyzer.Analyze(capture, options.With(routers)));
            }
            catch (CliInputException ex)
            {
                b.Append($"### analyze --config {label} --keys --ca\nerror: {ex.Message}\n");
            }
        }

        b.Append("### fix search\n");
        var candidates = FixFinder.Candidates(scenario).ToList();
        foreach (ConfigEdit c in candidates)
            b.Append($"candidate {c.Cost,3} {c.Describe()}\n");
        foreach (VerifiedFix f in FixFinder.Find(scenario, max: 100))
            b.Append($"fix {f.Cost,3} {f.Describe()} :: {string.Join(", ", f.After.Directions.Select(d => $"{d.Initiator} {d.Outcome}"))}\n");
        return b.ToString().Replace("\r\n", "\n");
    }

    private static void Section(StringBuilder b, string label, CaptureAnalysis analysis)
    {
        b.Append($"### {label}\n");
        foreach (AnalyzedSa sa in analysis.Sas)
            foreach (Finding f in sa.Findings.Where(f => f.Id.StartsWith("PI6", StringComparison.Ordinal)))
                b.Append($"SA {sa.Sa.Id} {f.Id} {f.Severity} frames {string.Join(',', f.Frames)}\n  {f.Message}\n  fix: {f.Fix}\n");
    }
}
