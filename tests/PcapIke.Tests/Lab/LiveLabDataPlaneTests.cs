using System.Globalization;
using System.Text.RegularExpressions;
using PcapIke.DataPlane;
using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Frames;
using PcapIke.Analysis;

namespace PcapIke.Tests.Lab;

/// <summary>
/// Issue 12: .ci/run records the ikev2-aes-cbc scenario with PING_THROUGH, so 5 pings cross the tunnel (ESP in UDP 4500
/// both ways, kernel-libipsec) and both daemons' <c>swanctl --list-sas</c> are kept in meta/. PcapIke's
/// per-SPI counts must be charon's.
/// </summary>
public partial class LiveLabDataPlaneTests
{
    public const string PingScenario = "ikev2-aes-cbc";

    /// <summary>charon's child SA lines: <c>in  2173b47b,    420 bytes,     5 packets,     1s ago</c>.</summary>
    [GeneratedRegex(@"^\s+(in|out)\s+([0-9a-f]{8})(?: \([^)]*\))?,\s+(\d+) bytes,\s+(\d+) packets", RegexOptions.Multiline)]
    private static partial Regex SpiLine();

    private static List<(string Dir, uint Spi, long Bytes, long Packets)> ListSas(Scenario s, string daemon)
    {
        string path = Path.Combine(LiveLab.Meta, $"{s.Id}.swanctl-list-sas.{daemon}.txt");
        Assert.True(File.Exists(path), $"{path} missing: record with PING_THROUGH={PingScenario} (.ci/run does)");
        return SpiLine().Matches(File.ReadAllText(path)).Select(m => (m.Groups[1].Value,
            uint.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture))).ToList();
    }

    [LiveLabFact]
    public void PingThroughTheTunnel_CountsPerSpi_AreCharons()
    {
        var s = LiveLab.Get(PingScenario);
        var moon = ListSas(s, "moon");
        var sun = ListSas(s, "sun");
        Assert.Equal(2, moon.Count);
        Assert.All(moon, x => Assert.True(x.Packets >= 5, $"{x.Dir} {x.Spi:x8}: {x.Packets} packets (5 pings)"));
        // The two daemons agree: moon's inbound SPI is sun's outbound, with the same counts.
        Assert.Equal(moon.Single(x => x.Dir == "in") with { Dir = "" }, sun.Single(x => x.Dir == "out") with { Dir = "" });

        var a = CaptureAnalyzer.Analyze(s.Capture, new AnalysisOptions { Keys = KeyRing.Load([s.KeyTable]) });
        var sa = Assert.Single(a.Sas);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        var flows = sa.DataPlane!.Flows;
        Assert.Equal(2, flows.Count);
        foreach (var (dir, spi, bytes, packets) in moon)
        {
            // moon's "in" SPI is what sun sends to moon (192.0.2.1), tied by the decrypted IKE_AUTH SA payloads.
            var f = Assert.Single(flows, x => x.Flow.Spi == spi);
            Assert.Equal(dir == "in" ? TrafficDirection.ResponderToInitiator : TrafficDirection.InitiatorToResponder, f.Direction);
            Assert.Equal(SpiEvidence.Negotiated, f.Evidence);
            Assert.Equal(IpsecProtocol.EspInUdp, f.Flow.Protocol);
            Assert.Equal(packets, f.Flow.Packets);
            Assert.Equal((1u, (uint)packets, 0L), (f.Flow.FirstSequence, f.Flow.MaxSequence, f.Flow.Missing));
            // charon counts the inner packets' bytes; the capture the IP datagrams: IPv4 20 + UDP 8 + ESP 8 + IV 16
            // + padding (0-15) + 2 + ICV 16 more per packet (AES-CBC-256, HMAC-SHA2-256-128).
            Assert.InRange(f.Flow.Bytes - bytes, packets * (20 + 8 + 8 + 16 + 2 + 16), packets * (20 + 8 + 8 + 16 + 15 + 2 + 16));
        }
        Assert.DoesNotContain(sa.Findings, x => (ushort)x.Code >= 700);       // two-way traffic: no PI701
        Assert.Empty(a.DataPlane.Unattached);
    }
}
