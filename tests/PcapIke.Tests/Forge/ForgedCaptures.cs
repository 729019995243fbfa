using System.Buffers.Binary;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.Crypto;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Forge;

/// <summary>The forged technote captures committed in captures/S1..S7 and what the forge makes of their scenarios.</summary>
internal static class ForgedCaptures
{
    public static readonly string[] Folders =
    [
        "S1-ikev1-r1-initiates",
        "S2-ikev1-r2-initiates",
        "S3-ikev1-no-ca-trustpoint",
        "S4-ikev2-overlapping-profiles",
        "S5-ikev2-initiator-without-trustpoint",
        "S6-ikev2-r2-initiates-asymmetric",
        "S7-ikev2-symmetric",
    ];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (string f in Folders) data.Add(f);
        return data;
    }

    public static string Dir(string folder) => LabCaptures.Dir(folder);

    public static string Capture(string folder) => Path.Combine(Dir(folder), "capture.pcap");

    public static Scenario Scenario(string folder) => ScenarioParser.ParseFile(Path.Combine(Dir(folder), "scenario.json"));

    private static readonly Dictionary<string, ForgeResult> s_results = new();

    /// <summary>The forge run of a folder's scenario (cached: RSA key generation takes a moment).</summary>
    public static ForgeResult Result(string folder)
    {
        lock (s_results)
        {
            if (!s_results.TryGetValue(folder, out var r))
                s_results[folder] = r = Forger.Run(Scenario(folder));
            return r;
        }
    }

    /// <summary>The capture's IKE messages grouped by initiator SPI/cookie, in frame order.</summary>
    public static List<(ulong Spi, List<(long Frame, byte[] Message)> Messages)> BySa(string folder) =>
        LabCaptures.Messages(folder)
            .GroupBy(m => BinaryPrimitives.ReadUInt64BigEndian(m.Message))
            .Select(g => (g.Key, g.ToList()))
            .ToList();
}
