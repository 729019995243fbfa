using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.Forge;

namespace PcapIke.Tests.Model;

/// <summary>The model engine and the fix search on the technote's routers (seed-scenarios.md).</summary>
public class SelectionModelTests
{
    [Fact]
    public void S1Routers_R1InitiatesEstablishes_TheReverseIsPredictedToFail()
    {
        var p = SelectionModel.PredictBothDirections(ForgedCaptures.Scenario("S1-ikev1-r1-initiates"));
        Assert.Equal(NegotiationOutcome.Established, p.From("R1").Outcome);
        Assert.Equal(NegotiationOutcome.AuthenticationFailed, p.From("R2").Outcome);
        Assert.Equal("IOSCA2", p.From("R2").Trace.CertificateSent["R2"]);
        Assert.Equal(["cn=CA2,o=cisco,o=com", "cn=CA1,o=cisco,o=com"], p.From("R2").Trace.CertRequestLists.Single(c => c.Message == "MM4").CaDns.Take(2));
    }

    public static TheoryData<string, string> Fixes() => new()
    {
        { "S2-ikev1-r2-initiates", "R2's isakmp profile prof1: 'ca trust-point IOSCA1'" },
        { "S4-ikev2-overlapping-profiles", "remove R2's ikev2 profile profile2; remove R2's ikev2 profile profile3" },
        { "S5-ikev2-initiator-without-trustpoint", "R1's ikev2 profile profile1: 'pki trustpoint TP1'" },
        { "S6-ikev2-r2-initiates-asymmetric", "R1's ikev2 profile profile1: 'pki trustpoint TP1, TP2'" },
    };

    [Theory]
    [MemberData(nameof(Fixes))]
    public void FixFinder_FirstFix_MakesBothDirectionsSucceed(string folder, string expected)
    {
        Scenario s = ForgedCaptures.Scenario(folder);
        Assert.False(SelectionModel.PredictBothDirections(s).BothSucceed);
        var fixes = FixFinder.Find(s);
        Assert.NotEmpty(fixes);
        Assert.Equal(expected, fixes[0].Describe());
        Assert.True(fixes[0].After.BothSucceed);
    }

    [Fact]
    public void S7_AndS3_AlreadySucceedBothWays()
    {
        Assert.True(SelectionModel.PredictBothDirections(ForgedCaptures.Scenario("S7-ikev2-symmetric")).BothSucceed);
        Assert.True(SelectionModel.PredictBothDirections(ForgedCaptures.Scenario("S3-ikev1-no-ca-trustpoint")).BothSucceed);
    }
}
