using System.Text.RegularExpressions;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Architecture;

/// <summary>
/// The stages of <c>src/PcapIke/</c> depend on each other in one direction only: the order documented in
/// docs/architecture.md ("Dependency order"). Every reference from one stage to another — <c>using</c>,
/// <c>using static</c>, an alias, a <c>PcapIke.X.Type</c> or a stage-relative <c>X.Type</c> in code — is found in the
/// source text and checked against that order.
/// </summary>
public sealed partial class StageDependencyTests
{
    private static string Source => Path.Combine(TestPaths.RepoRoot, "src", "PcapIke");

    /// <summary>The documented order: the line after the <c>&lt;!-- stage-order --&gt;</c> marker.</summary>
    internal static List<string> DocumentedOrder()
    {
        string[] lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "docs", "architecture.md"));
        int marker = Array.FindIndex(lines, l => l.Trim() == "<!-- stage-order -->");
        Assert.True(marker >= 0 && marker + 1 < lines.Length, "docs/architecture.md has no <!-- stage-order --> line");
        var stages = Regex.Matches(lines[marker + 1], "`([A-Za-z]+)`").Select(m => m.Groups[1].Value).ToList();
        Assert.True(stages.Count >= 10, $"the stage order line names {stages.Count} stages: {lines[marker + 1]}");
        Assert.Equal(stages.Count, stages.Distinct().Count());
        return stages;
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(Source, f).Split(Path.DirectorySeparatorChar) is not ["bin" or "obj", ..]);

    private static string StageOf(string file) => Path.GetRelativePath(Source, file).Split(Path.DirectorySeparatorChar)[0];

    /// <summary>The text with comments, string and character literals blanked out (an approximation that errs on
    /// missing a reference inside a literal, never on inventing one).</summary>
    internal static string Code(string text)
    {
        text = BlockComment().Replace(text, " ");
        text = RawString().Replace(text, "\"\"");
        text = StringLiteral().Replace(text, "\"\"");
        text = CharLiteral().Replace(text, "' '");
        return LineComment().Replace(text, "");
    }

    /// <summary>Each reference of <paramref name="code"/> to another stage: (stage, the text that makes it).</summary>
    internal static IEnumerable<(string Stage, string Reference)> References(string code, IReadOnlyDictionary<string, HashSet<string>> typesByStage)
    {
        foreach (Match m in Qualified().Matches(code))
            yield return (m.Groups[1].Value, m.Value);
        foreach (Match m in Relative().Matches(code))
        {
            string stage = m.Groups[1].Value, name = m.Groups[2].Value;
            if (typesByStage.TryGetValue(stage, out var types) && types.Contains(name))
                yield return (stage, m.Value);
        }
    }

    private static Dictionary<string, HashSet<string>> TypesByStage(IEnumerable<string> files)
    {
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string f in files)
        {
            string code = Code(File.ReadAllText(f));
            var set = types.TryGetValue(StageOf(f), out var s) ? s : types[StageOf(f)] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in TypeDeclaration().Matches(code)) set.Add(m.Groups[1].Value);
            foreach (Match m in SubNamespace().Matches(code)) set.Add(m.Groups[2].Value);
        }
        return types;
    }

    private static List<string> BackEdges()
    {
        var order = DocumentedOrder();
        var files = SourceFiles().ToList();
        var types = TypesByStage(files);
        var edges = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string f in files)
        {
            string own = StageOf(f);
            int ownRank = order.IndexOf(own);
            foreach (var (stage, reference) in References(Code(File.ReadAllText(f)), types))
            {
                if (stage == own) continue;
                int rank = order.IndexOf(stage);
                if (rank < 0) continue;   // not a stage (e.g. PcapIke.Tests in a comment-free string): the folder test covers stages
                if (rank > ownRank)
                    edges.Add($"{Path.GetRelativePath(Source, f).Replace(Path.DirectorySeparatorChar, '/')} → {stage}  ({reference.Trim()})");
            }
        }
        return edges.ToList();
    }

    /// <summary>Stage → the other stages its files reference.</summary>
    private static SortedDictionary<string, SortedSet<string>> Uses()
    {
        var order = DocumentedOrder();
        var files = SourceFiles().ToList();
        var types = TypesByStage(files);
        var uses = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (string stage in order) uses[stage] = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string f in files)
        {
            string own = StageOf(f);
            if (!uses.TryGetValue(own, out var set)) continue;
            foreach (var (stage, _) in References(Code(File.ReadAllText(f)), types))
                if (stage != own && order.Contains(stage)) set.Add(stage);
        }
        return uses;
    }

    /// <summary>The stage table's "uses" column (rows whose folder is a stage folder, <c>src/PcapIke/Stage/</c>).</summary>
    private static Dictionary<string, SortedSet<string>> DocumentedUses()
    {
        var rows = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var order = DocumentedOrder();
        foreach (string line in File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "docs", "architecture.md")))
        {
            var m = Regex.Match(line, @"^\| [^|]+ \| `src/PcapIke/([A-Za-z]+)/` \| ([^|]*) \|");
            if (!m.Success) continue;
            // the stages named in the column (type names in a remark are not stages)
            var used = Regex.Matches(m.Groups[2].Value, "`([A-Za-z]+)`").Select(x => x.Groups[1].Value).Where(order.Contains);
            rows[m.Groups[1].Value] = new SortedSet<string>(used, StringComparer.Ordinal);
        }
        return rows;
    }

    /// <summary>docs/architecture.md's stage table says, per stage, which stages it uses (issue 15): exactly the ones
    /// its files reference, each earlier in the order.</summary>
    [Fact]
    public void The_stage_table_says_what_each_stage_uses()
    {
        var actual = Uses();
        var documented = DocumentedUses();
        var wrong = new List<string>();
        foreach (var (stage, used) in actual)
        {
            if (!documented.TryGetValue(stage, out var doc)) { wrong.Add($"{stage}: no row `src/PcapIke/{stage}/` in the stage table"); continue; }
            if (!doc.SetEquals(used))
                wrong.Add($"{stage}: the table says {string.Join(", ", doc)}; its files use {string.Join(", ", used)}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Every_stage_folder_is_in_the_documented_order_and_declares_its_own_namespace()
    {
        var order = DocumentedOrder();
        var folders = SourceFiles().Select(StageOf).Where(s => !s.EndsWith(".cs", StringComparison.Ordinal)).Distinct().Order().ToList();
        Assert.DoesNotContain(folders, f => !order.Contains(f));
        Assert.DoesNotContain(SourceFiles(), f => StageOf(f).EndsWith(".cs", StringComparison.Ordinal));   // no file outside a stage
        var wrong = SourceFiles()
            .Select(f => (File: Path.GetRelativePath(Source, f), Ns: FileNamespace().Match(File.ReadAllText(f)).Groups[1].Value))
            .Where(x => x.Ns != $"PcapIke.{StageOf(Path.Combine(Source, x.File))}" && !x.Ns.StartsWith($"PcapIke.{StageOf(Path.Combine(Source, x.File))}.", StringComparison.Ordinal))
            .Select(x => $"{x.File}: namespace {x.Ns}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>One summary of a certificate (issue 15): <c>Certificates/CertificateInfo</c>, whether the certificate
    /// came in a CERT payload or in a router's configuration; no other stage declares its own.</summary>
    [Fact]
    public void One_certificate_summary_type()
    {
        var declared = SourceFiles()
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\b(?:class|record|struct)\s+(\w*Certificate(?:Info|Summary)\w*)\b")
                .Select(m => $"{Path.GetRelativePath(Source, f)}: {m.Groups[1].Value}"))
            .ToList();
        Assert.Equal([Path.Combine("Certificates", "CertificateInfo.cs") + ": CertificateInfo"], declared);
    }

    /// <summary>The reports read the analysis result (issue 15, point 4): they never run a stage themselves — no
    /// capture reading, dissection, correlation, rules or model prediction.</summary>
    [Fact]
    public void Reports_read_the_analysis_result_only()
    {
        string[] runners = ["CaptureReader", "CaptureDissector", "CaptureScanner", "ExchangeCorrelator", "DataPlaneCorrelator",
            "FindingRules", "DataPlaneRules.Apply", "CaptureExplainer", "SelectionModel", "DecisionEngine", "FixFinder", "CaptureAnalyzer", "DebugLogAnalyzer", "DebugEvidence", "DebugAlignment", "IosDebugLog.Read"];
        var found = SourceFiles().Where(f => StageOf(f) == "Reports")
            .SelectMany(f => runners.Where(r => Regex.IsMatch(Code(File.ReadAllText(f)), $@"\b{Regex.Escape(r)}\b"))
                .Select(r => $"{Path.GetRelativePath(Source, f)}: {r}"))
            .ToList();
        Assert.True(found.Count == 0, "reports that run a stage instead of reading the analysis result:\n" + string.Join("\n", found));
    }

    [Fact]
    public void No_stage_uses_a_later_one()
    {
        var found = BackEdges();
        Assert.True(found.Count == 0,
            "references against the stage order of docs/architecture.md (file → later stage, and the reference):\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_reader_finds_each_kind_of_reference_and_ignores_comments_and_strings()
    {
        var types = new Dictionary<string, HashSet<string>>
        {
            ["Forge"] = ["Forger", "Scenario"],
            ["Model"] = ["SelectionModel"],
            ["DataPlane"] = ["DataPlaneAnalysis"],
        };
        const string text = """
            using PcapIke.Forge;
            using static PcapIke.Model.SelectionModel;
            using Alias = PcapIke.DataPlane.DataPlaneAnalysis;
            // using PcapIke.Reports;  a comment
            /* PcapIke.Analysis.Nothing */
            var a = "PcapIke.Exchanges.Text in a string";
            var b = Forge.Forger.Run(x);
            var c = sa.DataPlane.Flows;      // a property, not the stage
            var d = DataPlane.Flows;         // no such type in DataPlane
            var e = Model.SelectionModel.Predict(s, i);
            """;
        var refs = References(Code(text), types).Select(r => $"{r.Stage}:{r.Reference.Trim()}").ToList();
        Assert.Equal(
            ["Forge:PcapIke.Forge", "Model:PcapIke.Model", "DataPlane:PcapIke.DataPlane", "Forge:Forge.Forger", "Model:Model.SelectionModel"],
            refs);
    }

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)] private static partial Regex BlockComment();
    [GeneratedRegex("\"\"\".*?\"\"\"", RegexOptions.Singleline)] private static partial Regex RawString();
    [GeneratedRegex(@"@?\$?@?""(?:[^""\\\n]|\\.|"""")*""")] private static partial Regex StringLiteral();
    [GeneratedRegex(@"'(?:[^'\\\n]|\\.)+'")] private static partial Regex CharLiteral();
    [GeneratedRegex(@"//[^\n]*")] private static partial Regex LineComment();
    [GeneratedRegex(@"\bPcapIke\.([A-Z][A-Za-z]*)\b")] private static partial Regex Qualified();
    [GeneratedRegex(@"(?<![\w.])([A-Z][A-Za-z]*)\.([A-Z]\w*)\b")] private static partial Regex Relative();
    [GeneratedRegex(@"\b(?:class|record|struct|enum|interface)\s+([A-Z]\w*)")] private static partial Regex TypeDeclaration();
    [GeneratedRegex(@"\bnamespace\s+PcapIke\.([A-Z]\w*)\.([A-Z]\w*)")] private static partial Regex SubNamespace();
    [GeneratedRegex(@"\bnamespace\s+([\w.]+)")] private static partial Regex FileNamespace();
}
