using PcapIke.Forge;
using PcapIke.Ike;
using PcapIke.Model;

namespace PcapIke.Tests.Forge;

/// <summary>The selection rules of selection-model.md, one by one, on small stores.</summary>
public class IosSelectionTests
{
    private static TrustpointCa Tp(string name, string ca, bool identity = true, bool builtIn = false) =>
        new(name, $"cn={ca},o=cisco,o=com", IosDn.ToDer($"cn={ca},o=cisco,o=com"), [(byte)ca[^1]], identity, builtIn);

    // R1 of the technote: newest certificate from CA2, then CA1, then a built-in.
    private static readonly TrustpointCa[] R1Store = [Tp("IOSCA2", "CA2"), Tp("IOSCA1", "CA1"), Tp("BUILTIN", "CA9", identity: false, builtIn: true)];

    private static IsakmpProfileSpec Isakmp(string name, string match, params string[] caTrustPoints) => new(name, "fqdn", caTrustPoints, match);

    private static Ikev2ProfileSpec V2(string name, string match, params string[] tps) => new(name, match, null, "rsa-sig", "rsa-sig", tps);

    [Fact]
    public void I1_InitiatorWithCaTrustPoint_NamesOnlyThoseCas()
    {
        var d = IosSelection.Ikev1CertRequests(R1Store, Isakmp("prof1", "host R2.cisco.com", "IOSCA1"), initiator: true);
        Assert.Equal(["IOSCA1"], d.Value.Select(t => t.Trustpoint));
        Assert.Equal("I1", d.Rule);
    }

    [Fact]
    public void I1_ResponderIgnoresCaTrustPoint_AndNamesEveryGlobalTrustpointInStoreOrder()
    {
        var d = IosSelection.Ikev1CertRequests(R1Store, Isakmp("prof1", "host R2.cisco.com", "IOSCA1"), initiator: false);
        Assert.Equal(["IOSCA2", "IOSCA1", "BUILTIN"], d.Value.Select(t => t.Trustpoint));
    }

    [Fact]
    public void I1_TwoTrustpointsOfOneCa_GiveOneCertReq()
    {
        TrustpointCa[] store = [Tp("A", "CA1"), Tp("B", "CA1"), Tp("C", "CA2")];
        Assert.Equal(["A", "C"], IosSelection.Ikev1CertRequests(store, null, initiator: false).Value.Select(t => t.Trustpoint));
    }

    [Fact]
    public void I2_FirstMatch_FollowsThePeersCertReqOrder_NotTheOwnStore()
    {
        // S2: R1's MM4 names CA2 first; R2 (no ca trust-point) takes IOSCA2 although its newest certificate is from CA1.
        TrustpointCa[] r2Store = [Tp("IOSCA1", "CA1"), Tp("IOSCA2", "CA2")];
        var d = IosSelection.Ikev1ChooseTrustpoint(r2Store, Isakmp("prof1", "host R1.cisco.com"), initiator: true,
            ["cn=CA2,o=cisco,o=com", "cn=CA1,o=cisco,o=com"]);
        Assert.Equal("IOSCA2", d.Value!.Trustpoint);
        Assert.Contains("CERT_REQ #1", d.Reason);
    }

    [Fact]
    public void I2_InitiatorWithCaTrustPoint_SkipsCasOutsideItsList()
    {
        var d = IosSelection.Ikev1ChooseTrustpoint(R1Store, Isakmp("prof1", "host R2.cisco.com", "IOSCA1"), initiator: true,
            ["cn=CA2,o=cisco,o=com", "cn=CA1,o=cisco,o=com"]);
        Assert.Equal("IOSCA1", d.Value!.Trustpoint);
        Assert.Contains("CERT_REQ #2", d.Reason);
    }

    [Fact]
    public void I2_NoCertReqNamesAnOwnCa_ChoosesNothing()
    {
        var d = IosSelection.Ikev1ChooseTrustpoint(R1Store, null, initiator: false, ["cn=CA9,o=cisco,o=com", "cn=Other"]);
        Assert.Null(d.Value); // the built-in CA9 has no identity certificate
    }

    [Fact]
    public void I3_MostSpecificMatchIdentityWins()
    {
        IsakmpProfileSpec[] profiles = [Isakmp("domain", "host domain cisco.com"), Isakmp("host", "host R1.cisco.com"), Isakmp("addr", "address 192.168.0.1")];
        Assert.Equal("host", IosSelection.Ikev1MatchProfile(profiles, new(IdentificationType.ID_FQDN, "R1.cisco.com")).Value!.Name);
        Assert.Equal("domain", IosSelection.Ikev1MatchProfile(profiles, new(IdentificationType.ID_FQDN, "R3.cisco.com")).Value!.Name);
        Assert.Equal("addr", IosSelection.Ikev1MatchProfile(profiles, new(IdentificationType.ID_IPV4_ADDR, "192.168.0.1")).Value!.Name);
        Assert.Null(IosSelection.Ikev1MatchProfile(profiles, new(IdentificationType.ID_FQDN, "R1.example.net")).Value);
    }

    [Fact]
    public void I4_ValidationList_IsTheProfilesCaTrustPoint_ElseEveryGlobalTrustpoint()
    {
        Assert.Equal(["IOSCA1"], IosSelection.Ikev1ValidationList(R1Store, Isakmp("p", "host x", "IOSCA1")).Value.Select(t => t.Trustpoint));
        Assert.Equal(3, IosSelection.Ikev1ValidationList(R1Store, Isakmp("p", "host x")).Value.Count);
    }

    [Fact]
    public void V1_ResponderCertReq_EveryGlobalTrustpointWithAKnownKeyHash()
    {
        TrustpointCa[] store = [Tp("TP2", "CA2"), Tp("TP1", "CA1"), Tp("BUILTIN", "CA9", false, true) with { CaSpkiSha1 = null }];
        Assert.Equal(["TP2", "TP1"], IosSelection.Ikev2ResponderCertRequests(store).Value.Select(t => t.Trustpoint));
    }

    [Fact]
    public void V2_InitiatorWithoutPkiTrustpoint_CannotSign()
    {
        var d = IosSelection.Ikev2ChooseTrustpoint(R1Store, V2("profile1", "address 192.168.0.2 255.255.255.255"), initiator: true, [[(byte)'2']]);
        Assert.Null(d.Value);
        Assert.Contains("cannot build its certificate payload", d.Reason);
    }

    [Fact]
    public void V2_FirstCertReqHashNamingAProfileTrustpoint()
    {
        // S6: R1's CERTREQ lists CA2 first; R2's profile has TP1 and TP2 → TP2.
        TrustpointCa[] r2Store = [Tp("TP2", "CA2"), Tp("TP1", "CA1")];
        var both = V2("profile1", "address 192.168.0.1 255.255.255.255", "TP1", "TP2");
        Assert.Equal("TP2", IosSelection.Ikev2ChooseTrustpoint(r2Store, both, true, [[(byte)'2'], [(byte)'1']]).Value!.Trustpoint);
        var tp1Only = V2("profile1", "address 192.168.0.1 255.255.255.255", "TP1");
        Assert.Equal("TP1", IosSelection.Ikev2ChooseTrustpoint(r2Store, tp1Only, true, [[(byte)'2'], [(byte)'1']]).Value!.Trustpoint);
    }

    [Fact]
    public void V2_OverlappingProfiles_TheFirstOfShowCryptoIkev2Profile_WhichIsTheLastConfigured()
    {
        Ikev2ProfileSpec[] profiles = [.. new[] { "profile1", "profile2", "profile3" }.Select(n => V2(n, "address 192.168.0.1 255.255.255.255", "TP1"))];
        var d = IosSelection.Ikev2MatchProfile(profiles, new(IdentificationType.ID_IPV4_ADDR, "192.168.0.1"));
        Assert.Equal("profile3", d.Value!.Name);
        Assert.Contains("3 ikev2 profiles match", d.Reason);
        // Different rules: the most specific wins whatever the order.
        Ikev2ProfileSpec[] mixed = [V2("host", "address 192.168.0.1 255.255.255.255"), V2("net", "address 192.168.0.0 255.255.255.0")];
        Assert.Equal("host", IosSelection.Ikev2MatchProfile(mixed, new(IdentificationType.ID_IPV4_ADDR, "192.168.0.1")).Value!.Name);
        Assert.Equal("net", IosSelection.Ikev2MatchProfile(mixed, new(IdentificationType.ID_IPV4_ADDR, "192.168.0.7")).Value!.Name);
    }

    [Theory]
    [InlineData("address 192.168.0.1 255.255.255.255", IdentificationType.ID_IPV4_ADDR, "192.168.0.1", 32)]
    [InlineData("address 192.168.0.0 255.255.255.0", IdentificationType.ID_IPV4_ADDR, "192.168.0.9", 24)]
    [InlineData("address 0.0.0.0", IdentificationType.ID_IPV4_ADDR, "192.168.0.9", -1)]
    [InlineData("address 0.0.0.0 0.0.0.0", IdentificationType.ID_IPV4_ADDR, "192.168.0.9", 0)]
    [InlineData("host R2.cisco.com", IdentificationType.ID_FQDN, "r2.CISCO.com", 1000)]
    [InlineData("host R2.cisco.com", IdentificationType.ID_IPV4_ADDR, "192.168.0.2", -1)]
    [InlineData("fqdn domain cisco.com", IdentificationType.ID_FQDN, "R2.cisco.com", 509)]
    [InlineData("any", IdentificationType.ID_FQDN, "anything", 0)]
    [InlineData("bogus rule", IdentificationType.ID_FQDN, "R2.cisco.com", -1)]
    public void MatchScore(string rule, IdentificationType type, string value, int score) =>
        Assert.Equal(score, IosSelection.MatchScore(rule, new IkeIdentity(type, value)));
}
