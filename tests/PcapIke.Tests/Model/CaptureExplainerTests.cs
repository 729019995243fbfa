using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Tests.Forge;
using PcapIke.Analysis;

namespace PcapIke.Tests.Model;

/// <summary>seed-scenarios.md, "what PcapIke must say", for S1–S7: from the capture alone, and with the routers'
/// configurations (the scenario files stand in for the parsed running-configs and listings here).</summary>
public class CaptureExplainerTests
{
    private static IReadOnlyList<AnalyzedSa> Analyze(string folder, bool withConfigs, bool withKeys = false) =>
        CaptureAnalyzer.Analyze(ForgedCaptures.Capture(folder), new AnalysisOptions
        {
            Routers = withConfigs ? ForgedCaptures.Scenario(folder) : null,
            Keys = withKeys ? KeyRing.Load(Directory.GetFiles(ForgedCaptures.Dir(folder), "ikev*_decryption_table")) : null,
        }).Sas;

    private static Finding One(AnalyzedSa sa, FindingCode code) => Assert.Single(sa.Findings, f => f.Code == code);

    [Fact]
    public void S1_CaptureAlone_MM3RestrictedToTheProfilesTrustpoint_Established()
    {
        var sa = Assert.Single(Analyze("S1-ikev1-r1-initiates", false));
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Contains("cn=CA1,o=cisco,o=com", One(sa, FindingCode.CertRequestRestrictedInitiator).Message);
    }

    [Fact]
    public void S1_WithConfigs_EachSideChoseIosca1_AndTheReverseIsPredictedToFail()
    {
        var sa = Assert.Single(Analyze("S1-ikev1-r1-initiates", true));
        var f = One(sa, FindingCode.ReverseDirectionFails);
        Assert.Contains("R1 signs with IOSCA1, R2 signs with IOSCA1", f.Message);
        Assert.Contains("when R2 initiates the model predicts: authentication fails", f.Message);
        Assert.Contains("R1 [I4] %CRYPTO-5-IKMP_INVALID_CERT", f.Message);
        Assert.StartsWith("R2's isakmp profile prof1: 'ca trust-point IOSCA1' — R2: crypto isakmp profile prof1 / ca trust-point IOSCA1.", f.Fix);
        Assert.Contains("R1 initiates: established, R2 initiates: established", f.Fix);
    }

    [Fact]
    public void S2_CaptureAlone_FailedAtMM5_FirstMatchOnR1sMM4Order()
    {
        var sa = Assert.Single(Analyze("S2-ikev1-r2-initiates", false));
        var f = One(sa, FindingCode.MainModeStalledAfterMM5);
        Assert.Contains("the responder's MM4 CERT_REQ list starts with \"cn=CA2,o=cisco,o=com\"", f.Message);
        Assert.Contains("`ca trust-point`", f.Fix);
    }

    [Fact]
    public void S2_WithConfigs_RuleByRule_AndAFixCheckedBothWays()
    {
        var sa = Assert.Single(Analyze("S2-ikev1-r2-initiates", true, withKeys: true));
        var f = One(sa, FindingCode.ModelExplainsFailure);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Contains("R2 initiates, IKEv1: authentication fails", f.Message);
        Assert.Contains("R2 [I2] CERT_REQ #1 (cn=CA2,o=cisco,o=com) is the first that names a CA of a global trustpoint: trustpoint IOSCA2", f.Message);
        Assert.Contains("R1 [I4] Creating CERT validation list: IOSCA1", f.Message);
        Assert.Contains("No suitable trustpoints found", f.Message);
        Assert.Contains("ca trust-point IOSCA1", f.Fix);
        Assert.Contains("R1 initiates: established, R2 initiates: established", f.Fix);
        Assert.DoesNotContain(sa.Findings, x => x.Code == FindingCode.ModelContradictsCapture);
    }

    [Fact]
    public void S3_BothDirectionsEstablish_TheCertificateFollowsThePeersStoreOrder()
    {
        var sas = Analyze("S3-ikev1-no-ca-trustpoint", true);
        Assert.Equal(2, sas.Count);
        Assert.All(sas, sa => Assert.Equal(SaOutcome.Established, sa.Sa.Outcome));
        foreach (var sa in sas)
        {
            var f = One(sa, FindingCode.ModelAgrees);
            Assert.Contains("R1 signs with IOSCA1, R2 signs with IOSCA2", f.Message);
            Assert.Contains("CERT_REQ #1 (cn=CA1,o=cisco,o=com)", f.Message);
        }
        // From the capture alone: the two lists start with different CAs, so each side's pick depends on who initiates.
        Assert.All(Analyze("S3-ikev1-no-ca-trustpoint", false), sa => One(sa, FindingCode.CertRequestFirstEntryDiffers));
    }

    [Fact]
    public void S4_ResponderSelectedProfile3_ChildSaRefused_RemoveTheOverlap()
    {
        var alone = Assert.Single(Analyze("S4-ikev2-overlapping-profiles", false, withKeys: true));
        Assert.Contains("overlapping", One(alone, FindingCode.ErrorNotify).Fix);
        var sa = Assert.Single(Analyze("S4-ikev2-overlapping-profiles", true, withKeys: true));
        var f = One(sa, FindingCode.ModelExplainsFailure);
        Assert.Contains("3 ikev2 profiles match identity 192.168.0.1 equally; IOS takes the first that 'show crypto ikev2 profile' lists: profile3", f.Message);
        Assert.Contains("ikev2 profile profile3 is not the one of crypto ipsec profile profile1", f.Message);
        Assert.Contains("remove R2's ikev2 profile profile2; remove R2's ikev2 profile profile3", f.Fix);
    }

    [Fact]
    public void S5_InitiatorWithoutPkiTrustpoint()
    {
        var alone = Assert.Single(Analyze("S5-ikev2-initiator-without-trustpoint", false));
        Assert.Contains("IKEv2 profile without `pki trustpoint`", One(alone, FindingCode.InitiatorStoppedAfterIkeSaInit).Message);
        var sa = Assert.Single(Analyze("S5-ikev2-initiator-without-trustpoint", true));
        var f = One(sa, FindingCode.ModelExplainsFailure);
        Assert.Contains("ikev2 profile profile1 has no 'pki trustpoint': an initiator cannot build its certificate payload", f.Message);
        Assert.Contains("R1: crypto ikev2 profile profile1 / pki trustpoint TP1", f.Fix);
    }

    [Fact]
    public void S6_R2SignedWithTp2ByFirstMatch_R1TrustsTp1Only()
    {
        var alone = Assert.Single(Analyze("S6-ikev2-r2-initiates-asymmetric", false, withKeys: true));
        Assert.Contains("AUTHENTICATION_FAILED", One(alone, FindingCode.ErrorNotify).Message);
        var sa = Assert.Single(Analyze("S6-ikev2-r2-initiates-asymmetric", true, withKeys: true));
        var f = One(sa, FindingCode.ModelExplainsFailure);
        Assert.Contains("R2 [V2] CERTREQ hash #1 is the first that names a trustpoint of ikev2 profile profile1: TP2", f.Message);
        Assert.Contains("R1 [V4] validating against TP1", f.Message);
        Assert.Contains("pki trustpoint TP1, TP2", f.Fix);
    }

    [Fact]
    public void S7_Established_BothWays()
    {
        var sa = Assert.Single(Analyze("S7-ikev2-symmetric", true, withKeys: true));
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Contains("R1 signs with TP2, R2 signs with TP2", One(sa, FindingCode.ModelAgrees).Message);
    }

    [Fact]
    public void ConfigurationsOfOtherRouters_AreSaidToNotMatch()
    {
        var s1 = ForgedCaptures.Scenario("S1-ikev1-r1-initiates");
        var other = s1 with { Routers = s1.Routers.Select(r => r with { Ethernet = r.Ethernet with { Address = System.Net.IPAddress.Parse(r.Name == "R1" ? "10.9.9.1" : "10.9.9.2") } }).ToArray() };
        var sa = Assert.Single(CaptureAnalyzer.Analyze(ForgedCaptures.Capture("S1-ikev1-r1-initiates"), new AnalysisOptions { Routers = other }).Sas);
        Assert.Contains("are not those of this negotiation's peers (192.168.0.1 → 192.168.0.2)", One(sa, FindingCode.ConfigurationsDoNotMatch).Message);
    }

    [Fact]
    public void ACaptureThatContradictsTheListing_IsSaid()
    {
        // R1's store order changed after the capture (IOSCA1 re-enrolled): its MM4 in the capture names CA2 first.
        var s2 = ForgedCaptures.Scenario("S2-ikev1-r2-initiates");
        var changed = new PcapIke.Model.Reenroll("R1", "IOSCA1").Apply(s2);
        var sa = Assert.Single(CaptureAnalyzer.Analyze(ForgedCaptures.Capture("S2-ikev1-r2-initiates"), new AnalysisOptions { Routers = changed }).Sas);
        var f = One(sa, FindingCode.ModelContradictsCapture);
        Assert.Contains("R1's MM4 asks for cn=CA2,o=cisco,o=com, cn=CA1,o=cisco,o=com", f.Message);
    }
}
