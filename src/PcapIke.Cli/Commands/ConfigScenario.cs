using System.CommandLine;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>
/// The two routers a command reasons about, from <c>--config</c> files: a scenario file (JSON, docs/scenario-format.md),
/// or the routers' running-configs and show outputs.
/// </summary>
internal static class ConfigScenario
{
    public static Option<string[]> Option() => new("--config")
    {
        HelpName = "FILE",
        Description = "The routers' configurations: running-config and show crypto pki certificates / isakmp / ikev2 profile output, in any order and any number of files, or one scenario file (JSON)",
    };

    /// <summary>The routers of <paramref name="files"/>; with one router's configuration only, its peer is inferred
    /// from <paramref name="capture"/> when one is given;
    /// <paramref name="notes"/>, when given, receives the model's notes on IOS text (a scenario file has none).</summary>
    public static Scenario LoadRouters(string[] files, string? capture = null, AnalysisOptions? analysis = null, List<Model.Ios.IosNote>? notes = null)
    {
        foreach (string f in files)
            if (!File.Exists(f))
                throw new CliInputException($"--config: {f}: no such file");
        var json = files.Where(LooksLikeJson).ToArray();
        if (json.Length > 0)
        {
            if (files.Length > 1)
                throw new CliInputException($"--config: {json[0]} is a scenario file; give it alone, or give the routers' IOS outputs instead", ExitCodes.Usage);
            try
            {
                return ScenarioParser.ParseFile(json[0]);
            }
            catch (ScenarioException ex)
            {
                throw new CliInputException($"--config: {json[0]}: {ex.Message}");
            }
        }
        return IosConfigInputs.Load(files, capture, analysis, notes);
    }

    /// <summary>A capture and its routers: the initiator is the router whose address starts the capture's first SA.</summary>
    public static (Scenario Scenario, string Initiator) FromCapture(string capture, string[] configs, List<Model.Ios.IosNote>? notes = null)
    {
        if (configs.Length == 0)
            throw new CliInputException($"{capture}: not a scenario file; a capture needs its routers' configurations (--config R1.txt --config R2.txt)", ExitCodes.Usage);
        Scenario routers = LoadRouters(configs, capture, notes: notes);
        CaptureAnalysis analysis;
        try
        {
            analysis = CaptureAnalyzer.Analyze(capture, new AnalysisOptions());
        }
        catch (Exception ex) when (ex is CaptureFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CliInputException($"{capture}: {ex.Message}");
        }
        IkeSa sa = analysis.Sas.FirstOrDefault()?.Sa ?? throw new CliInputException($"{capture}: no IKE negotiation in the capture");
        var address = sa.Initiator.Address.ToIPAddress();
        RouterSpec initiator = routers.Routers.FirstOrDefault(r => r.Ethernet.Address.Equals(address))
            ?? throw new CliInputException($"{capture}: the first negotiation's initiator {address} is none of the configured routers ({string.Join(", ", routers.Routers.Select(r => $"{r.Name} {r.Ethernet.Address}"))})");
        return (routers, initiator.Name);
    }

    internal static bool LooksLikeJson(string path)
    {
        using var f = File.OpenRead(path);
        int b;
        while ((b = f.ReadByte()) is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF) { }
        return b == '{';
    }
}

/// <summary>The routers from their IOS outputs (running-config, show commands); the model's assumptions go to
/// standard error as notes, so the report itself stays about the capture.</summary>
internal static class IosConfigInputs
{
    /// <summary>The routers of the IOS texts <paramref name="files"/>; the model's notes go to <paramref name="notes"/>
    /// (per call: commands run side by side in one process, so no state is kept between loads).</summary>
    public static Scenario Load(string[] files, string? capture = null, AnalysisOptions? analysis = null, List<Model.Ios.IosNote>? notes = null)
    {
        var texts = new List<(string, string)>();
        foreach (string f in files)
        {
            try
            {
                texts.Add((f, File.ReadAllText(f)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"--config: {f}: {ex.Message}");
            }
        }
        try
        {
            Func<System.Net.IPAddress, IkeSa?>? negotiationOf = capture is null ? null : address =>
            {
                try
                {
                    // The capture as the command reads it (keys, CAs): what it shows of the peer stands in for its configuration.
                    var options = analysis is null ? new AnalysisOptions() : new AnalysisOptions { Cas = analysis.Cas, Decoder = analysis.Decoder, Keys = analysis.Keys };
                    return CaptureAnalyzer.Analyze(capture, options).Sas.Select(a => a.Sa).FirstOrDefault(sa =>
                        sa.Initiator.Address.ToIPAddress().Equals(address) || sa.Responder.Address.ToIPAddress().Equals(address));
                }
                catch (Exception ex) when (ex is CaptureFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    throw new CliInputException($"{capture}: {ex.Message}");
                }
            };
            var built = Model.Ios.IosScenarioBuilder.Build(texts, negotiationOf);
            notes?.AddRange(built.Notes);
            return built.Scenario;
        }
        catch (FormatException ex)
        {
            throw new CliInputException($"--config: {ex.Message}", ExitCodes.Usage);
        }
    }
}
