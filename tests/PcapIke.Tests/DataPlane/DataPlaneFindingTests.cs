using PcapIke.DataPlane;
using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Exchanges.IkeForge;
using PcapIke.Analysis;

namespace PcapIke.Tests.DataPlane;

/// <summary>The PI7xx findings on real captures (a third-party one and the lab's) edited with ESP both ways, one way,
/// before the negotiation, on stale SPIs; and on forged IKEv2 with an unanswered INFORMATIONAL.</summary>
public class DataPlaneFindingTests
{
    // ipsec.cap: IKEv1, 192.168.140.205 (initiator) and .200; QM2 at frame 10, QM3 the last frame (+10.3 s).
    private const string I1 = "192.168.140.205", R1 = "192.168.140.200";
    // The lab's IKEv2 AES-CBC capture: moon 192.0.2.1 initiates; child SA SPIs from the decrypted IKE_AUTH.
    private const string I2 = "192.0.2.1", R2 = "192.0.2.2";
    private const uint ToInitiator = 0x71c40a17, ToResponder = 0xbfb3d3e2;

    private static string IpsecCap => Path.Combine(TestPaths.SharedCaptures, "ipsec.cap");
    private static string LabIkev2 => Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc", "capture.pcap");
    private static AnalysisOptions LabKeys => new()
    {
        Keys = KeyRing.Load([Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc", "ikev2_decryption_table")]),
    };

    private static List<Finding> DataPlaneFindings(AnalyzedSa sa) => sa.Findings.Where(f => (ushort)f.Code >= 700).ToList();

    [Fact]
    public void TwoWayTraffic_ForAMinute_GivesNoOneWayFinding()
    {
        var a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, dropDataPlane: true,
            new EspRun(I1, R1, 0x1111, 0.5, 60), new EspRun(R1, I1, 0x2222, 0.52, 60)));
        var sa = Assert.Single(a.Sas);
        Assert.Empty(DataPlaneFindings(sa));
        Assert.Equal((60L, 60L), (sa.DataPlane!.Packets(TrafficDirection.InitiatorToResponder), sa.DataPlane.Packets(TrafficDirection.ResponderToInitiator)));
    }

    [Fact]
    public void OneWayTraffic_NamesTheSilentSide_AndForHowLong()
    {
        var a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, dropDataPlane: true, new EspRun(I1, R1, 0x1111, 0.5, 21)));
        var sa = Assert.Single(a.Sas);
        var f = Assert.Single(DataPlaneFindings(sa));
        Assert.Equal((FindingCode.EspOneWay, "PI701", Severity.Warning), (f.Code, f.Id, f.Severity));
        Assert.Equal([10L, 12L, 32L], f.Frames);                       // QM2, first and last ESP (11 IKE frames before)
        Assert.StartsWith($"ESP one way only: the responder {R1} sends nothing back for 20.0 s.", f.Message);
        Assert.Contains($"the initiator {I1} sent 21 ESP packets (SPI 0x00001111, frames 12–32, over 20.0 s)", f.Message);
        Assert.Contains("Alternatives: the capture point sees only one direction", f.Message);
        Assert.Contains("#pkts encaps", f.Fix);
        // The same from the other side.
        a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, true, new EspRun(R1, I1, 0x2222, 0.5, 21)));
        Assert.StartsWith($"ESP one way only: the initiator {I1} sends nothing back", Assert.Single(DataPlaneFindings(a.Sas[0])).Message);
    }

    [Theory]
    [InlineData(5, false)]     // 4 s of one-way traffic: under the 5 s threshold
    [InlineData(6, true)]      // 5 s: at the threshold
    public void OneWay_FiresExactlyFromTheThreshold(int packets, bool fires)
    {
        var a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, true, new EspRun(I1, R1, 0x1111, 0.5, packets)));
        Assert.Equal(fires, a.Sas[0].Findings.Any(f => f.Code == FindingCode.EspOneWay));
        // With a longer threshold, not even at 5 s.
        a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, true, new EspRun(I1, R1, 0x1111, 0.5, packets)),
            new AnalysisOptions { DataPlane = new DataPlaneOptions { SilenceThreshold = TimeSpan.FromSeconds(30) } });
        Assert.DoesNotContain(a.Sas[0].Findings, f => f.Code == FindingCode.EspOneWay);
    }

    [Fact]
    public void OneSideStops_WhileTheOtherGoesOn()
    {
        var a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, true,
            new EspRun(I1, R1, 0x1111, 0.5, 30), new EspRun(R1, I1, 0x2222, 0.51, 10)));
        var f = Assert.Single(DataPlaneFindings(a.Sas[0]));
        Assert.Equal(FindingCode.EspOneWay, f.Code);
        Assert.StartsWith($"ESP one way only: the responder {R1} sends nothing back for 20.0 s.", f.Message);
        Assert.Contains("stopped sending ESP at frame 31 (SPI 0x00002222)", f.Message);
    }

    [Fact]
    public void TheOriginalIpsecCap_HasNoDataPlaneFinding()
    {
        var sa = Assert.Single(CaptureAnalyzer.Analyze(IpsecCap).Sas);
        Assert.Empty(DataPlaneFindings(sa));
    }

    [Fact]
    public void WithKeys_SpisComeFromTheDecryptedIkeAuth_AndTwoWayIsQuiet()
    {
        // The lab's peers see a NAT (kernel-libipsec fakes NAT-D, captures/README.md): ESP in UDP 4500 on the IKE ports.
        byte[] capture = EspCaptureEditor.Edit(LabIkev2, false,
            new EspRun(I2, R2, ToResponder, 0.1, 20, Udp: true), new EspRun(R2, I2, ToInitiator, 0.11, 20, Udp: true));
        var sa = Assert.Single(EspCaptureEditor.Analyze(capture, LabKeys).Sas);
        var dp = sa.DataPlane!;
        var child = Assert.Single(dp.ChildSas);
        Assert.Equal((4L, ToInitiator, ToResponder), (child.Frame, child.InboundToInitiator, child.InboundToResponder));
        Assert.Equal([(ToResponder, TrafficDirection.InitiatorToResponder, SpiEvidence.Negotiated, (long?)4),
                (ToInitiator, TrafficDirection.ResponderToInitiator, SpiEvidence.Negotiated, (long?)3)],
            dp.Flows.Select(f => (f.Flow.Spi, f.Direction, f.Evidence, f.NegotiatedFrame)));
        Assert.Empty(DataPlaneFindings(sa));

        // Without keys the same SPIs are tied by address and time: inferred.
        sa = Assert.Single(EspCaptureEditor.Analyze(capture).Sas);
        Assert.All(sa.DataPlane!.Flows, f => Assert.Equal(SpiEvidence.Inferred, f.Evidence));
        Assert.Equal(4L, Assert.Single(sa.DataPlane.ChildSas).Frame);
        Assert.Empty(DataPlaneFindings(sa));
    }

    [Fact]
    public void StaleSpi_AfterANewerChildSa_WithKeys_IsHighConfidence()
    {
        // moon keeps sending on an SPI no negotiation in the capture created, begun before this IKE SA; sun uses the
        // negotiated one back; a newer negotiated SPI exists in moon's direction too, but moon never uses it.
        byte[] capture = EspCaptureEditor.Edit(LabIkev2, false,
            new EspRun(I2, R2, 0xdead0001, -3, 20, FirstSequence: 500, Udp: true),
            new EspRun(I2, R2, ToResponder, 0.1, 2, Udp: true),
            new EspRun(R2, I2, ToInitiator, 0.11, 16, Udp: true));
        var sa = Assert.Single(EspCaptureEditor.Analyze(capture, LabKeys).Sas);
        var stale = Assert.Single(sa.Findings, f => f.Code == FindingCode.StaleSpi);
        Assert.Contains("still sends ESP on SPI 0xdead0001", stale.Message);
        Assert.Contains("Inferred (high confidence): the responder 192.0.2.2", stale.Message);
        Assert.Equal(7L, sa.DataPlane!.ChildSas[0].Frame);            // the IKE_AUTH response, after 3 ESP frames
        Assert.Equal([1L, 7L, 42L], stale.Frames);               // first and last packet of the old SPI (38 ESP + 4 IKE frames)
        Assert.Contains(sa.Findings, f => f.Code == FindingCode.EspWithoutNegotiation);
        Assert.Equal(SpiEvidence.OlderThanNegotiation, sa.DataPlane!.Flows.Single(f => f.Flow.Spi == 0xdead0001).Evidence);
    }

    [Fact]
    public void OldSpiFadingRightAfterARekey_IsNotStale()
    {
        // The old SPI's last packets within the threshold after the new child SA: a normal rekey (the timeline shows both).
        byte[] capture = EspCaptureEditor.Edit(LabIkev2, false,
            new EspRun(I2, R2, 0xdead0001, -3, 5, FirstSequence: 500, Udp: true),
            new EspRun(R2, I2, 0xdead0002, -3, 5, FirstSequence: 700, Udp: true),
            new EspRun(I2, R2, ToResponder, 1.5, 20, Udp: true), new EspRun(R2, I2, ToInitiator, 1.51, 20, Udp: true));
        var sa = Assert.Single(EspCaptureEditor.Analyze(capture, LabKeys).Sas);
        Assert.DoesNotContain(sa.Findings, f => f.Code is FindingCode.StaleSpi or FindingCode.EspOneWay);
        Assert.Equal([0xdead0001u, 0xdead0002u, ToResponder, ToInitiator], sa.DataPlane!.Flows.Select(f => f.Flow.Spi));
    }

    [Fact]
    public void EspBeforeTheNegotiation_IsOlderThanTheCapture()
    {
        var a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, true,
            new EspRun(I1, R1, 0x3333, -40, 5), new EspRun(R1, I1, 0x4444, -39.9, 5)));
        var sa = Assert.Single(a.Sas);
        var f = Assert.Single(sa.Findings, x => x.Code == FindingCode.EspWithoutNegotiation);
        Assert.Equal([1L, 10L + 10L], f.Frames.Order());             // first ESP frame; QM2 is frame 20 now (10 ESP frames before)
        Assert.Contains("negotiated before the capture started", f.Message);
        Assert.All(sa.DataPlane!.Flows, x => Assert.Equal(SpiEvidence.OlderThanNegotiation, x.Evidence));
    }

    [Fact]
    public void Protocol50_WhenNatWasDetected_IsAWarning()
    {
        byte[] capture = EspCaptureEditor.Edit(LabIkev2, false,
            new EspRun(I2, R2, ToResponder, 0.1, 20), new EspRun(R2, I2, ToInitiator, 0.11, 20));
        var sa = Assert.Single(EspCaptureEditor.Analyze(capture, LabKeys).Sas);
        Assert.True(sa.Sa.NatHashMismatch);
        var f = Assert.Single(DataPlaneFindings(sa));
        Assert.Equal((FindingCode.EncapsulationMismatch, Severity.Warning, "PI705"), (f.Code, f.Severity, f.Id));
        Assert.Equal([5L, 6L], f.Frames);
        Assert.Contains("ESP on SPI 0xbfb3d3e2, 0x71c40a17 is sent as IP protocol 50", f.Message);
    }

    [Fact]
    public void EspInUdp_WithoutNat_IsAnInfo_AndProtocol50WithoutNat_IsNothing()
    {
        var a = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(IpsecCap, true,
            new EspRun(I1, R1, 0x1111, 0.5, 10, Udp: true), new EspRun(R1, I1, 0x2222, 0.51, 10, Udp: true)));
        var sa = Assert.Single(a.Sas);
        Assert.False(sa.Sa.NatHashMismatch);
        var f = Assert.Single(DataPlaneFindings(sa));
        Assert.Equal((FindingCode.EncapsulationMismatch, Severity.Info), (f.Code, f.Severity));
        Assert.Contains("sent in UDP (RFC 3948)", f.Message);
        Assert.All(sa.DataPlane!.Flows, x => Assert.Equal(PcapIke.Frames.IpsecProtocol.EspInUdp, x.Flow.Protocol));
    }

    [Fact]
    public void UnansweredInformational_ThenNoEsp_IsPI704()
    {
        // Forged IKEv2: SA_INIT, IKE_AUTH (SK, established), ESP both ways, then an INFORMATIONAL request never answered,
        // and the capture goes on (one unrelated keepalive pair) 20 s.
        const ulong si = 0x1122334455667788, sr = 0x99aabbccddeeff00;
        var ike = new List<Sent>
        {
            new(0, "10.0.0.1", 500, "10.0.0.2", 500, Message(2, si, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(2)])),
            new(0.01, "10.0.0.2", 500, "10.0.0.1", 500, Message(2, si, sr, IkeSaInit, FlagResponse, 0, [Ikev2Sa(), KeV2(3), NonceV2(4)])),
            new(0.02, "10.0.0.1", 500, "10.0.0.2", 500, Message(2, si, sr, IkeAuth, FlagInitiator, 1, [Sk(300, 5)])),
            new(0.03, "10.0.0.2", 500, "10.0.0.1", 500, Message(2, si, sr, IkeAuth, FlagResponse, 1, [Sk(280, 6, inner: 36)])),
            new(20, "10.0.0.1", 500, "10.0.0.2", 500, Message(2, si, sr, InformationalV2, FlagInitiator, 2, [Sk(60, 7, inner: 0)])),
            new(21, "10.0.0.1", 500, "10.0.0.2", 500, Message(2, si, sr, InformationalV2, FlagInitiator, 2, [Sk(60, 7, inner: 0)])),
            new(40, "10.9.0.1", 500, "10.9.0.2", 500, Message(2, 77, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(8), NonceV2(9)])),
        };
        byte[] pcap = EspCaptureEditor.Edit(Pcap(ike), false,
            new EspRun("10.0.0.1", "10.0.0.2", 0xa1, -39.9, 15), new EspRun("10.0.0.2", "10.0.0.1", 0xb1, -39.89, 15));
        var sa = EspCaptureEditor.Analyze(pcap).Sas[0];
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        var f = Assert.Single(sa.Findings, x => x.Code == FindingCode.EspStopsAfterDelete);
        Assert.Contains("ESP stops after an INFORMATIONAL request (DPD or DELETE) that got no response from the initiator 10.0.0.1", f.Message);
        Assert.Contains("none follows in the 20.0 s the capture goes on", f.Message);
        Assert.DoesNotContain(sa.Findings, x => x.Code == FindingCode.EspOneWay);

        // ESP that goes on after the request: the check was lost, the tunnel was not.
        pcap = EspCaptureEditor.Edit(Pcap(ike), false,
            new EspRun("10.0.0.1", "10.0.0.2", 0xa1, -39.9, 30), new EspRun("10.0.0.2", "10.0.0.1", 0xb1, -39.89, 30));
        Assert.DoesNotContain(EspCaptureEditor.Analyze(pcap).Sas[0].Findings, x => x.Code == FindingCode.EspStopsAfterDelete);
    }

    [Fact]
    public void DeleteOfTheChildSa_ClosesItsSpi_AndEspStops()
    {
        // Forged IKEv2 with the INFORMATIONAL's Delete payload in clear (RFC 7296 §3.11: protocol ESP, SPI size 4, one
        // SPI, the sender's inbound one): the initiator deletes 0x000000b1, the SPI it receives on.
        const ulong si = 0x1122334455667788, sr = 0x99aabbccddeeff00;
        byte[] delete = [3, 4, 0, 1, 0, 0, 0, 0xb1];
        var ike = new List<Sent>
        {
            new(0, "10.0.0.1", 500, "10.0.0.2", 500, Message(2, si, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(2)])),
            new(0.01, "10.0.0.2", 500, "10.0.0.1", 500, Message(2, si, sr, IkeSaInit, FlagResponse, 0, [Ikev2Sa(), KeV2(3), NonceV2(4)])),
            new(0.02, "10.0.0.1", 500, "10.0.0.2", 500, Message(2, si, sr, IkeAuth, FlagInitiator, 1, [Sk(300, 5)])),
            new(0.03, "10.0.0.2", 500, "10.0.0.1", 500, Message(2, si, sr, IkeAuth, FlagResponse, 1, [Sk(280, 6, inner: 36)])),
            new(20, "10.0.0.1", 500, "10.0.0.2", 500, Message(2, si, sr, InformationalV2, FlagInitiator, 2, [new Payload(42, delete)])),
            new(20.01, "10.0.0.2", 500, "10.0.0.1", 500, Message(2, si, sr, InformationalV2, FlagResponse, 2, [new Payload(42, [3, 4, 0, 1, 0, 0, 0, 0xa1])])),
            new(40, "10.9.0.1", 500, "10.9.0.2", 500, Message(2, 77, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(8), NonceV2(9)])),
        };
        byte[] pcap = EspCaptureEditor.Edit(Pcap(ike), false,
            new EspRun("10.0.0.1", "10.0.0.2", 0xa1, -39.9, 19), new EspRun("10.0.0.2", "10.0.0.1", 0xb1, -39.89, 19));
        var sa = EspCaptureEditor.Analyze(pcap).Sas[0];
        var dp = sa.DataPlane!;
        Assert.Equal([(PcapIke.DataPlane.ControlEventKind.DeleteChildSa, 1, (uint?)0xb1), (PcapIke.DataPlane.ControlEventKind.DeleteChildSa, 2, 0xa1)],
            dp.Events.Select(e => (e.Kind, e.Sender == Role.Initiator ? 1 : 2, (uint?)e.Spis.Single())));
        long deleteFrame = dp.Events[0].Frame;
        Assert.Equal([(0xa1u, (long?)dp.Events[1].Frame), (0xb1u, deleteFrame)], dp.Flows.Select(f => (f.Flow.Spi, f.DeletedFrame)));
        var f = Assert.Single(sa.Findings, x => x.Code == FindingCode.EspStopsAfterDelete);
        Assert.Contains("ESP stops after a DELETE of SPI 0x000000b1 from the initiator 10.0.0.1", f.Message);
        Assert.Equal(deleteFrame, f.Frames.Max());
    }

    [Fact]
    public void StreamedAnalysis_TiesTheEspSeenSoFar()
    {
        var malformations = new PcapIke.Diagnostics.MalformationList();
        using var reader = PcapIke.Capture.CaptureReader.Open(IpsecCap, malformations);
        var sas = new List<AnalyzedSa>();
        var result = CaptureAnalyzer.AnalyzeStreaming(reader, malformations, null, sas.Add);
        var sa = Assert.Single(sas);
        Assert.Equal((9L, 7L), (sa.DataPlane!.CountedPackets(TrafficDirection.InitiatorToResponder),
            sa.DataPlane.CountedPackets(TrafficDirection.ResponderToInitiator)));
        Assert.Equal(16, result.DataPlane.TotalPackets);
        Assert.DoesNotContain(sa.Findings, x => (ushort)x.Code >= 700);
    }
}
