using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Findings.Rules;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Findings;

/// <summary>
/// Acceptance, end to end: the forged technote captures through <see cref="CaptureAnalyzer"/> (correlator + rules).
/// They need the exchange correlator: until it merges, <see cref="ExchangeCorrelator"/> throws NotImplementedException
/// and these fail (deliberately not skipped).
/// </summary>
[Trait("NeedsCorrelator", "true")]
public class TechnoteScenarioTests
{
    [Fact]
    public void S1_R1Initiates_Established_RestrictedInitiatorAndAllGlobalTrustpointsResponder()
    {
        var analysis = CaptureAnalyzer.Analyze(TechnoteCaptures.WriteS1(TestPaths.NewTempDir()));
        var sa = Assert.Single(analysis.Sas);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Equal(1, sa.Sa.Version);
        Assert.Equal(["cn=CA1,o=cisco,o=com"], sa.Sa.InitiatorCertRequests.Select(e => e.Dn));
        Assert.Equal(TechnoteCaptures.R2StoreOrder, sa.Sa.ResponderCertRequests.Select(e => e.Dn));
        Assert.Equal("cn=CA1,o=cisco,o=com", sa.Sa.ResponderCertRequests[0].Dn);
        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM2", "QM3"], sa.Sa.Messages.Select(m => m.Step));
        Assert.Contains(sa.Findings, f => f.Code == FindingCode.CertRequestRestrictedInitiator && f.Frames.SequenceEqual([3L]));
        Assert.Contains(sa.Findings, f => f.Code == FindingCode.CertRequestAllGlobalTrustpoints && f.Frames.SequenceEqual([4L]));
        Assert.DoesNotContain(sa.Findings, f => f.Severity == Severity.Error);
    }

    [Fact]
    public void S2_R2Initiates_StalledAtMM5_FirstMatchExplained()
    {
        var analysis = CaptureAnalyzer.Analyze(TechnoteCaptures.WriteS2(TestPaths.NewTempDir()));
        var sa = Assert.Single(analysis.Sas);
        Assert.Equal(SaOutcome.Stalled, sa.Sa.Outcome);
        Assert.Contains("MM5", sa.Sa.OutcomeDetail);
        Assert.Equal("cn=CA2,o=cisco,o=com", sa.Sa.ResponderCertRequests[0].Dn);
        Assert.Equal("cn=CA1,o=cisco,o=com", sa.Sa.InitiatorCertRequests[0].Dn);
        Assert.Equal(7, sa.Sa.InitiatorCertRequests.Count);
        Assert.Equal(7, sa.Sa.ResponderCertRequests.Count);
        Assert.DoesNotContain(sa.Sa.Messages, m => m.Step == "MM6");
        Assert.Equal(TechnoteCaptures.S2Mm5Copies, sa.Sa.Messages.Count(m => m.Step == "MM5"));

        var stalled = sa.Findings[0];
        Assert.Equal(FindingCode.MainModeStalledAfterMM5, stalled.Code);
        Assert.Contains("first-match", stalled.Message);
        Assert.Contains(MainModeStalledAfterMM5Rule.FirstMatchExplanation, stalled.Message);
        Assert.Contains("\"cn=CA2,o=cisco,o=com\"", stalled.Message);
        Assert.Equal([3L, 4, 5, 6, 7, 8, 9, 10, 11, 12], stalled.Frames);
        Assert.Contains(sa.Findings, f => f.Code == FindingCode.CertRequestOrderDiffers);
    }
}
