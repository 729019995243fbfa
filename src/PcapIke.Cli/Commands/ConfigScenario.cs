using PcapIke.Forge;

namespace PcapIke.Cli.Commands;

/// <summary>The two routers of a capture, from their configurations and show outputs (<c>--config</c>).</summary>
internal static class ConfigScenario
{
    public static (Scenario Scenario, string Initiator) FromCapture(string capture, string[] configs)
    {
        if (configs.Length == 0)
            throw new CliInputException($"{capture}: not a scenario file; a capture needs its routers' configurations (--config R1.txt --config R2.txt)", ExitCodes.Usage);
        throw new CliInputException($"{capture}: reading router configurations is not available in this build", ExitCodes.Usage);
    }
}
