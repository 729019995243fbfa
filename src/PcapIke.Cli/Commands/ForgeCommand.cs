using System.CommandLine;
using PcapIke.Forge;
using PcapIke.Model;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike forge SCENARIO -o OUT.pcap</c>: the capture two simulated IOS routers would produce for a scenario
/// (docs/scenario-format.md), with its key tables, CA certificates, configurations, certificate listings and the
/// routers' decisions written beside it.
/// </summary>
public static class ForgeCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario file (JSON, docs/scenario-format.md)" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The capture to write (pcap); the companion files go into its folder",
            Required = true,
            HelpName = "OUT.pcap",
        };
        var command = new Command("forge", "Make the capture two simulated IOS routers would produce for a scenario") { scenario, output };
        command.SetAction(pr =>
        {
            string path = pr.GetValue(scenario)!;
            string outPath = pr.GetValue(output)!;
            if (!File.Exists(path))
                throw new CliInputException($"{path}: no such file");
            Scenario s;
            try
            {
                s = ScenarioParser.ParseFile(path);
            }
            catch (ScenarioException ex)
            {
                throw new CliInputException($"{path}: {ex.Message}");
            }
            ForgeResult result;
            try
            {
                result = Forger.Run(s);
            }
            catch (ScenarioException ex)
            {
                throw new CliInputException($"{path}: {ex.Message}");
            }
            IReadOnlyList<string> written;
            try
            {
                written = Forger.Write(result, outPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"{outPath}: cannot write: {ex.Message}");
            }
            var o = pr.InvocationConfiguration.Output;
            foreach (ForgedNegotiation n in result.Negotiations)
                o.WriteLine($"IKEv{n.Version} {n.Initiator} -> {n.Responder}: {n.Datagrams.Count} messages, {n.Outcome}"
                    + string.Concat(n.CertificateSent.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"; {c.Key} sent its {c.Value} certificate")));
            o.WriteLine($"wrote {written.Count} files: {string.Join(", ", written.Select(Path.GetFileName))}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
