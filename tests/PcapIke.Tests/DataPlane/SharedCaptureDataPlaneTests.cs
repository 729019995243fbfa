using PcapIke.DataPlane;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.DataPlane;

/// <summary>The third-party captures' ESP and AH, counted per SPI and direction, against tshark.</summary>
public class SharedCaptureDataPlaneTests
{
    /// <summary>(source, destination, SPI) → packets, as tshark's ESP or AH dissector counts them.</summary>
    private static Dictionary<(string, string, string), long> TsharkCounts(string path, string proto)
    {
        string output = Tool.Run("tshark", "tshark", "-r", path, "-Y", proto, "-T", "fields", "-E", "separator=,",
            "-e", "ip.src", "-e", "ip.dst", "-e", $"{proto}.spi");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(','))
            .GroupBy(c => (c[0], c[1], c[2].ToLowerInvariant()))
            .ToDictionary(g => g.Key, g => (long)g.Count());
    }

    private static Dictionary<(string, string, string), long> Ours(CaptureAnalysis a, bool ah) =>
        a.DataPlane.Flows.Where(f => ah ? f.Protocol == IpsecProtocol.Ah : f.IsEsp)
            .ToDictionary(f => (f.Source.Address.ToString(), f.Destination.Address.ToString(), f.SpiHex), f => f.Packets);

    [Theory]
    [InlineData("ipsec.cap", 16, 0)]
    [InlineData("IPsec_ESP-AH_tunnel_mode.cap", 10, 10)]
    public void EveryEspAndAhFrame_IsCountedPerSpiAndDirection_AsTsharkCountsThem(string name, int esp, int ah)
    {
        string path = Path.Combine(TestPaths.SharedCaptures, name);
        var analysis = CaptureAnalyzer.Analyze(path);
        var tsharkEsp = TsharkCounts(path, "esp");
        var tsharkAh = TsharkCounts(path, "ah");

        Assert.Equal(esp, tsharkEsp.Values.Sum());
        Assert.Equal(ah, tsharkAh.Values.Sum());
        Assert.Equal(tsharkEsp.OrderBy(k => k.Key), Ours(analysis, ah: false).OrderBy(k => k.Key));
        Assert.Equal(tsharkAh.OrderBy(k => k.Key), Ours(analysis, ah: true).OrderBy(k => k.Key));
        Assert.Equal(esp + ah, analysis.DataPlane.TotalPackets);
        Assert.Equal(0, analysis.DataPlane.DroppedPackets);
    }

    [Fact]
    public void IpsecCap_EspIsTiedToTheQuickModeSa_BothWays_WithoutAFinding()
    {
        var analysis = CaptureAnalyzer.Analyze(Path.Combine(TestPaths.SharedCaptures, "ipsec.cap"));
        var sa = Assert.Single(analysis.Sas);
        var dp = sa.DataPlane!;
        Assert.Equal([10L], dp.ChildSas.Select(c => c.Frame));          // QM2
        Assert.Equal(
            [("0x1c0d7b38", TrafficDirection.InitiatorToResponder, 9L, 12L, 27L), ("0x0879355b", TrafficDirection.ResponderToInitiator, 7L, 13L, 26L)],
            dp.Flows.Select(f => (f.Flow.SpiHex, f.Direction, f.Flow.Packets, f.Flow.FirstFrame, f.Flow.LastFrame)));
        Assert.All(dp.Flows, f => Assert.Equal(SpiEvidence.Inferred, f.Evidence));
        Assert.All(dp.Flows, f => Assert.Equal((0L, 0L, 0L), (f.Flow.Missing, f.Flow.OutOfOrder, f.Flow.Resets)));
        Assert.Equal(9u, dp.Flows[0].Flow.MaxSequence);
        Assert.Equal(1800L, dp.Flows[0].Flow.Bytes);          // tshark: sum of ip.len from 192.168.140.205
        Assert.DoesNotContain(sa.Findings, f => (ushort)f.Code >= 700);
        Assert.Empty(analysis.DataPlane.Unattached);
    }

    [Fact]
    public void EspAhTunnelCapture_WithoutIke_IsOneCaptureLevelFinding()
    {
        var analysis = CaptureAnalyzer.Analyze(Path.Combine(TestPaths.SharedCaptures, "IPsec_ESP-AH_tunnel_mode.cap"));
        Assert.Empty(analysis.Sas);
        Assert.Equal(4, analysis.DataPlane.Unattached.Count);
        var f = Assert.Single(analysis.DataPlaneFindings);
        Assert.Equal(FindingCode.EspWithoutNegotiation, f.Code);
        Assert.Equal([1L, 2L], f.Frames);
        Assert.Contains("older than the capture", f.Message);
    }
}
