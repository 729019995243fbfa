using System.Text;
using PcapIke.Capture;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Model.Ios;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Fuzz;

/// <summary>
/// The fuzz targets: the entry points that read untrusted input, each with the exceptions it is documented to throw
/// for input that is not of its kind (a located error the CLI turns into one line). Anything else escaping is a crash
/// for AFL++ (tools/fuzz.sh) and a failure for the corpus replay test (tests/PcapIke.Tests/Fuzz/FuzzCorpusReplayTests.cs).
/// </summary>
public static class FuzzTargets
{
    /// <summary>Inputs are cut to this many bytes (AFL++ grows some).</summary>
    public const int MaxInput = 1 << 20;

    public static readonly IReadOnlyList<string> Names = ["capture", "keytable", "charonlog", "ios", "scenario", "debug"];

    /// <summary>Runs target <paramref name="name"/> on <paramref name="input"/>; an exception other than the
    /// target's documented ones propagates.</summary>
    public static void Run(string name, ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInput) input = input[..MaxInput];
        switch (name)
        {
            case "capture": Capture(input.ToArray()); break;
            case "keytable": KeyTable(Text(input)); break;
            case "charonlog": CharonLogTarget(Text(input)); break;
            case "ios": Ios(Text(input)); break;
            case "scenario": ScenarioTarget(Text(input)); break;
            case "debug": DebugTarget(Text(input)); break;
            default: throw new ArgumentException($"unknown fuzz target {name}; targets: {string.Join(", ", Names)}");
        }
    }

    private static string Text(ReadOnlySpan<byte> input) => Encoding.UTF8.GetString(input);

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));

    /// <summary>Capture reader (pcap, pcapng, gzip, text dumps) + frame decoder + dissector + correlator + findings
    /// + the analyze text writer. Differential too: the correlator's deferred first messages (docs/scale.md "An SA of
    /// one message") must give the analysis of every message placed on arrival, JSON byte for byte.</summary>
    public static void Capture(byte[] input)
    {
        try
        {
            var analysis = Analyze(input, defer: true);
            var writer = new AnalyzeTextWriter(TextWriter.Null);
            writer.WriteFileHeader(analysis);
            foreach (var sa in analysis.Sas) writer.WriteSa(sa);
            writer.WriteUnattachedDataPlane(analysis);
            if (analysis.Sas.Count > 0 && Json(analysis) != Json(Analyze(input, defer: false)))
                throw new InvalidOperationException("deferring first messages changed the analysis");
        }
        catch (CaptureFormatException)
        {
            // not a capture at all: one error line in the CLI
        }
    }

    private static CaptureAnalysis Analyze(byte[] input, bool defer)
    {
        var malformations = new MalformationList(limit: 1000);
        using var reader = CaptureReader.Open(new MemoryStream(input, writable: false), "fuzz", malformations);
        return CaptureAnalyzer.Analyze(reader, malformations, new AnalysisOptions { DeferFirstMessages = defer });
    }

    private static string Json(CaptureAnalysis analysis)
    {
        var buffer = new MemoryStream();
        using (var w = new AnalyzeJsonWriter(buffer)) w.WriteAnalysis(analysis);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Wireshark's ikev1_decryption_table and ikev2_decryption_table readers.</summary>
    public static void KeyTable(string text)
    {
        try { KeyTables.ParseIkev1("fuzz", Lines(text)); }
        catch (KeyTableException) { }
        try { KeyTables.ParseIkev2("fuzz", Lines(text)); }
        catch (KeyTableException) { }
    }

    /// <summary>The strongSwan charon log reader (documented never to throw on the log's content).</summary>
    public static void CharonLogTarget(string text) => CharonLog.Parse("fuzz", Lines(text));

    /// <summary>The IOS text parsers (documented never to throw) and the scenario builder (which refuses with a
    /// FormatException what does not make two routers); what it builds must be a scenario the forge can encode.</summary>
    public static void Ios(string text)
    {
        // Up to four pasted files, separated by a line "=====".
        var files = text.Split("\n=====\n").Take(4).Select((t, i) => ($"paste-{i + 1}.txt", t)).ToList();
        foreach (var (name, t) in files)
        {
            var paste = IosPaste.Read(t);
            IosConfigParser.Parse(paste, name);
            IosShowParser.ParseCertificates(paste, name);
            IosShowParser.ParseIsakmpProfiles(paste, name);
            IosShowParser.ParseIkev2Profiles(paste, name);
        }
        IosScenario built;
        try
        {
            built = IosScenarioBuilder.Build(files);
        }
        catch (FormatException)
        {
            return;   // "give both routers' configurations" and the like: a usage error in the CLI
        }
        foreach (var ca in built.Scenario.Cas)
            if (IosDn.Problem(ca.Subject) is { } p)
                throw new InvalidOperationException($"the model built CA {ca.Name} with a subject the forge cannot encode: {p}");
        foreach (var router in built.Scenario.Routers)
            foreach (var tp in router.Trustpoints)
                if (IosDn.Problem(ForgedPki.IdentitySubject(tp)) is { } p && ForgedPki.IdentitySubject(tp).Length > 0)
                    throw new InvalidOperationException($"the model built trustpoint {tp.Name} with a subject the forge cannot encode: {p}");
    }

    /// <summary>The routers' debug logs (issue 16, documented never to throw): up to two pasted logs separated by a line
    /// "=====", read, paired into negotiations, summarised (PI801) and written as analyze's text and JSON.</summary>
    public static void DebugTarget(string text)
    {
        var logs = text.Split("\n=====\n").Take(2).Select((t, i) => IosDebugLog.Read(t, $"debug-{i + 1}.txt")).ToList();
        DebugLogAnalysis analysis = DebugLogAnalyzer.Analyze(logs);
        new AnalyzeTextWriter(TextWriter.Null).WriteDebug(analysis);
        DebugJsonWriter.Write(TextWriter.Null, analysis);
    }

    /// <summary>The scenario file parser (strict JSON, ScenarioException naming the JSON path).</summary>
    public static void ScenarioTarget(string text)
    {
        try { ScenarioParser.Parse(text); }
        catch (ScenarioException) { }
    }
}
