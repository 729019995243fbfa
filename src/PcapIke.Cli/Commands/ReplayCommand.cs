using System.CommandLine;
using PcapIke.Analysis;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Reports;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike replay SCENARIO|CAPTURE [--config FILE]... [--swap-initiator] [--store-order R:TP,TP]... [--set EDIT]...
/// [--forge OUT.pcap]</c>: the model's prediction of a negotiation as the IOS debug narration, the decisions with their
/// rules, the expected wire and the outcome — for the routers as they are or with what-if changes.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A scenario file (JSON), or a capture with --config for its routers" };
        var configs = new Option<string[]>("--config") { Description = "A router's running-config and/or show output (repeatable; needed with a capture)", HelpName = "FILE" };
        var swap = new Option<bool>("--swap-initiator") { Description = "Let the other router initiate" };
        var storeOrder = new Option<string[]>("--store-order") { Description = "A router's certificate store order, newest first: R1:IOSCA1,IOSCA2 (repeatable)", HelpName = "R:TP,TP" };
        var set = new Option<string[]>("--set") { Description = "A configuration change, e.g. \"R2 isakmp-profile prof1: ca trust-point IOSCA1\" (repeatable)", HelpName = "EDIT" };
        var debug = DebugInputs.Option();
        var forge = new Option<string>("--forge", "--output", "-o") { Description = "Also forge the predicted negotiation into this capture (with its companion files)", HelpName = "OUT.pcap" };
        var command = new Command("replay", "Predict a negotiation with the IOS selection model, as the routers' debug output")
        {
            input, configs, swap, storeOrder, set, forge, debug,
        };
        command.SetAction(pr =>
        {
            var notes = new List<Model.Ios.IosNote>();
            var (scenario, initiator) = ScenarioInputs.Load(pr.GetValue(input)!, pr.GetValue(configs) ?? [], notes);
            var edits = new List<ConfigEdit>();
            try
            {
                edits.AddRange((pr.GetValue(storeOrder) ?? []).Select(ConfigEdit.ParseStoreOrder));
                edits.AddRange((pr.GetValue(set) ?? []).Select(ConfigEdit.Parse));
                foreach (ConfigEdit e in edits)
                {
                    e.Validate(scenario);
                    scenario = e.Apply(scenario);
                }
            }
            catch (FormatException ex)
            {
                throw new CliInputException(ex.Message, ExitCodes.Usage);
            }
            if (pr.GetValue(swap))
                initiator = scenario.Peer(scenario.Router(initiator)).Name;
            DirectionPrediction prediction;
            IReadOnlyList<ForgedDatagram> wire;
            try
            {
                // The model decides; the forge writes that trace with small keys for the expected wire's sizes.
                prediction = SelectionModel.Predict(scenario, initiator);
                wire = Forger.Run(SelectionModel.WithPredictionKeys(scenario), prediction.Trace).Negotiations[0].Datagrams;
            }
            catch (Exception ex) when (ex is not CliInputException and not OutOfMemoryException)
            {
                // Configurations are user input: one the model cannot simulate is one line, not a stack trace.
                throw new CliInputException($"the selection model cannot run on these configurations: {ex.Message}", ExitCodes.Usage);
            }
            var output = pr.InvocationConfiguration.Output;
            foreach (var note in notes)
                output.WriteLine($"# note ({note.Kind.ToString().ToLowerInvariant()}): {note.Text}");
            ReplayTextWriter.Write(output, scenario, prediction, edits,
                wire.Select(d => new ReplayTextWriter.WireLine(d.At, d.Sender, d.Receiver, d.Label, Forger.IpLength(d))).ToList());
            if (DebugInputs.Load(pr.GetValue(debug) ?? []) is { Count: > 0 } logs)
            {
                // The routers' real debug against this prediction (with the what-ifs applied): every difference said.
                output.WriteLine();
                output.WriteLine("## the routers' debug against this prediction");
                new AnalyzeTextWriter(output) { Routers = scenario }.WriteDebug(DebugLogAnalyzer.Analyze(logs, scenario));
            }
            if (pr.GetValue(forge) is { } outPath)
            {
                ForgeResult result = Forger.Run(scenario with { Initiator = initiator, Negotiations = [initiator] });
                try
                {
                    var written = Forger.Write(result, outPath);
                    output.WriteLine($"forged {outPath} ({written.Count} files)");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliInputException($"{outPath}: cannot write: {ex.Message}");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>Loads the routers and the initiator of <c>replay</c>: a scenario file, or a capture with <c>--config</c>.</summary>
internal static class ScenarioInputs
{
    public static (Scenario Scenario, string Initiator) Load(string path, string[] configs, List<Model.Ios.IosNote> notes)
    {
        if (!File.Exists(path))
            throw new CliInputException($"{path}: no such file");
        if (!ConfigScenario.LooksLikeJson(path))
            return ConfigScenario.FromCapture(path, configs, notes);
        try
        {
            Scenario s = ScenarioParser.ParseFile(path);
            return (s, s.Initiator);
        }
        catch (ScenarioException ex)
        {
            throw new CliInputException($"{path}: {ex.Message}");
        }
    }
}
