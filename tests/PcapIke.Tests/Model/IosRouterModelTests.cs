using PcapIke.Forge;
using PcapIke.Ike;
using PcapIke.Model;
using PcapIke.Model.Ios;
using PcapIke.Tests.Forge;

namespace PcapIke.Tests.Model;

/// <summary>IosRouterModel: the forge's own text read back gives the scenario's routers; the technote's excerpts give
/// the store orders the technote describes; the selection rules and the forge run on the result.</summary>
public class IosRouterModelTests
{
    public static TheoryData<string, string> Routers()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in ForgedCaptures.Folders)
        {
            data.Add(folder, "R1");
            data.Add(folder, "R2");
        }
        return data;
    }

    private static IosModeledRouter FromForgeText(string folder, string router, bool withListing = true) =>
        IosRouterModel.Build(
            IosConfigParser.Parse(IosTexts.RunningConfig(folder, router), $"{router}-running-config.txt"),
            withListing ? IosShowParser.ParseCertificates(IosTexts.Certificates(folder, router), $"{router}-show-crypto-pki-certificates.txt") : null);

    /// <summary>The scenario's router with its enrollment steps renumbered 1..n within the router, as text alone can
    /// tell them (the scenario-wide timeline interleaves both routers).</summary>
    private static RouterSpec Local(RouterSpec r)
    {
        var ranks = r.Trustpoints.OrderBy(t => t.Enrolled).Select((t, i) => (t.Name, Rank: i + 1)).ToDictionary(x => x.Name, x => x.Rank);
        return r with { Trustpoints = r.Trustpoints.Select(t => t with { Enrolled = ranks[t.Name] }).ToArray() };
    }

    private static void AssertSameRouter(RouterSpec expected, RouterSpec actual)
    {
        Assert.Equal((expected.Name, expected.Hostname, expected.DomainName), (actual.Name, actual.Hostname, actual.DomainName));
        Assert.Equal((expected.Ethernet, expected.Tunnel, expected.Loopback), (actual.Ethernet, actual.Tunnel, actual.Loopback));
        Assert.Equal(expected.Trustpoints, actual.Trustpoints);
        Assert.Equal(expected.StoreOrder.Select(t => t.Name), actual.StoreOrder.Select(t => t.Name));
        Assert.Equal(expected.Ikev1?.Policy, actual.Ikev1?.Policy);
        Assert.Equal(expected.Ikev1?.Profiles.Select(Text), actual.Ikev1?.Profiles.Select(Text));
        Assert.Equal(expected.Ikev2 is null, actual.Ikev2 is null);
        if (expected.Ikev2 is { } e2)
        {
            Ikev2Spec a2 = actual.Ikev2!;
            Assert.Equal((e2.Proposal.Name, e2.PolicyName, e2.Fragmentation), (a2.Proposal.Name, a2.PolicyName, a2.Fragmentation));
            Assert.Equal(e2.Proposal.Encryption, a2.Proposal.Encryption);
            Assert.Equal(e2.Proposal.Integrity, a2.Proposal.Integrity);
            Assert.Equal(e2.Proposal.Group, a2.Proposal.Group);
            Assert.Equal(e2.Profiles.Select(Text), a2.Profiles.Select(Text));
        }
        Assert.Equal(Text(expected.Ipsec), Text(actual.Ipsec));
    }

    private static string Text(IsakmpProfileSpec p) => $"{p.Name}|{p.SelfIdentity}|{string.Join(",", p.CaTrustPoints)}|{p.MatchIdentity}";

    private static string Text(Ikev2ProfileSpec p) =>
        $"{p.Name}|{p.MatchIdentityRemote}|{p.IdentityLocal}|{p.AuthenticationLocal}|{p.AuthenticationRemote}|{string.Join(",", p.PkiTrustpoints)}";

    private static string Text(IpsecSpec s) =>
        $"{s.TransformSetName}|{string.Join(",", s.Transforms)}|{s.Mode}|{s.ProfileName}|{s.IsakmpProfile}|{s.Ikev2Profile}";

    private static readonly IosNoteKind[] s_bad = [IosNoteKind.Problem, IosNoteKind.Gap, IosNoteKind.Conflict];

    [Theory]
    [MemberData(nameof(Routers))]
    public void ForgeTextReadBack_GivesTheScenariosRouterAndCas(string folder, string router)
    {
        Scenario s = ForgedCaptures.Scenario(folder);
        IosModeledRouter m = FromForgeText(folder, router);
        AssertSameRouter(Local(s.Router(router)), m.Router);
        Assert.Equal(s.Router(router).Trustpoints.Select(t => s.Ca(t.Ca)).Distinct(), m.Cas);
        Assert.Equal(new ClockZone(s.Clock.Name, s.Clock.Offset), m.Clock);
        Assert.DoesNotContain(m.Notes, n => s_bad.Contains(n.Kind));
    }

    [Theory]
    [MemberData(nameof(Routers))]
    public void ForgeConfigAlone_TakesTheStoreOrderFromTheCertificatesStartDates(string folder, string router)
    {
        Scenario s = ForgedCaptures.Scenario(folder);
        IosModeledRouter m = FromForgeText(folder, router, withListing: false);
        AssertSameRouter(Local(s.Router(router)), m.Router);
        Assert.Contains(m.Notes, n => n.Kind == IosNoteKind.Assumption
            && n.Text.StartsWith("no show crypto pki certificates given: store order taken from the certificates' start dates", StringComparison.Ordinal));
        Assert.Null(m.Clock); // no listing to compare the certificates' UTC dates with
    }

    [Fact]
    public void ForgeText_StoreAsTheSelectionRulesSeeIt_HasTheRealCaHashes()
    {
        IosModeledRouter m = FromForgeText("S6-ikev2-r2-initiates-asymmetric", "R1");
        ForgedPki pki = ForgedCaptures.Result("S6-ikev2-r2-initiates-asymmetric").Pki;
        Assert.Equal(["TP2", "TP1", .. ForgePeer.BuiltInTrustpointNames], m.Store.Select(t => t.Trustpoint));
        Assert.Equal(pki.Ca("CA2").SpkiSha1, m.Store[0].CaSpkiSha1);
        Assert.Equal(pki.Ca("CA1").SubjectDer, m.Store[1].CaNameDer);
        Assert.All(m.Store.Skip(2), t => Assert.True(t.BuiltIn && !t.HasIdentity && t.CaSpkiSha1 is null));
        // V1: R1 as responder names CA2's key hash first (the technote: TP2 is R1's newest).
        var v1 = IosSelection.Ikev2ResponderCertRequests(m.Store);
        Assert.Equal([pki.Ca("CA2").SpkiSha1, pki.Ca("CA1").SpkiSha1], v1.Value.Select(t => t.CaSpkiSha1!));
        Assert.Equal(new DateTime(2013, 7, 17, 8, 4, 35, DateTimeKind.Utc), m.EnrollmentStarts["TP2"]);
    }

    [Fact]
    public void TechnoteR1Ikev1_ListingPutsIosca2First_SoItsResponderCertReqsNameCa2First()
    {
        IosRouterConfig config = IosConfigParser.Parse(IosTexts.Resource("technote-r1-ikev1-config.md"), "r1-config");
        PkiCertificateListing listing = IosShowParser.ParseCertificates(IosTexts.Resource("technote-r1-ikev1-show-crypto-pki-certificates.md"), "r1-listing");
        IosModeledRouter m = IosRouterModel.Build(config, listing);

        RouterSpec r1 = m.Router;
        Assert.Equal(("R1", "R1"), (r1.Name, r1.Hostname)); // from the listing's prompt
        Assert.Equal(("192.168.0.1/24", "10.0.0.1/24", "192.168.100.1/24"), (r1.Ethernet.ToString(), r1.Tunnel.ToString(), r1.Loopback.ToString()));
        Assert.Equal(["IOSCA1", "IOSCA2"], r1.Trustpoints.Select(t => t.Name));
        Assert.Equal(["IOSCA2", "IOSCA1"], r1.StoreOrder.Select(t => t.Name));
        TrustpointSpec tp2 = r1.Trustpoint("IOSCA2");
        Assert.Equal(("CA2", "100", "R1.cisco.com", "192.168.0.1", "CN=R1,OU=IT,O=cisco,O=com", "crl"),
            (tp2.Ca, tp2.SerialNumber, tp2.Fqdn, tp2.IpAddress!.ToString(), tp2.SubjectName, tp2.RevocationCheck));
        Assert.Equal(new CaSpec("CA2", "cn=CA2,o=cisco,o=com", "http://192.168.0.4:80", 1095, 365), m.Cas.Single(c => c.Name == "CA2"));
        // The listing stops after IOSCA2's certificate: IOSCA1's CA is unknown, the router's serial is still 100.
        Assert.Equal(("IOSCA1", "cn=IOSCA1", "100"), (r1.Trustpoint("IOSCA1").Ca, m.Cas.Single(c => c.Name == "IOSCA1").Subject, r1.Trustpoint("IOSCA1").SerialNumber));
        Assert.Contains(m.Notes, n => n.Kind == IosNoteKind.Gap && n.Text == "trustpoint IOSCA1: no certificate shows its CA; a placeholder CA cn=IOSCA1 stands in for it");
        Assert.Contains(m.Notes, n => n.Kind == IosNoteKind.Assumption && n.Text.StartsWith("the listing does not show IOSCA1 (output omitted)", StringComparison.Ordinal));

        // I1 on the built store: as responder R1's MM4 names CA2 first, then the other trustpoint and the five built-ins
        // (technote: "constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com" first); as initiator only IOSCA1's CA.
        IsakmpProfileSpec prof1 = r1.Ikev1!.Profiles.Single();
        var responder = IosSelection.Ikev1CertRequests(m.Store, prof1, initiator: false);
        Assert.Equal(7, responder.Value.Count);
        Assert.Equal("cn=CA2,o=cisco,o=com", responder.Value[0].CaDn);
        Assert.Equal(["IOSCA2", "IOSCA1"], responder.Value.Take(2).Select(t => t.Trustpoint));
        Assert.Equal(["IOSCA1"], IosSelection.Ikev1CertRequests(m.Store, prof1, initiator: true).Value.Select(t => t.Trustpoint));
        // I4: R1 validates R2's certificate against IOSCA1 only.
        Assert.Equal(["IOSCA1"], IosSelection.Ikev1ValidationList(m.Store, prof1).Value.Select(t => t.Trustpoint));
    }

    [Fact]
    public void TechnoteR2Ikev1_WithItsListing_PutsIosca1First_WithoutIt_AssumesConfigurationOrder()
    {
        IosRouterConfig config = IosConfigParser.Parse(IosTexts.Resource("technote-r2-ikev1-config.md"), "r2-config");
        PkiCertificateListing listing = IosShowParser.ParseCertificates(IosTexts.Resource("technote-r2-ikev1-show-crypto-pki-certificates.md"), "r2-listing");

        IosModeledRouter listed = IosRouterModel.Build(config, listing);
        Assert.Equal(["IOSCA1", "IOSCA2"], listed.Router.StoreOrder.Select(t => t.Name));
        Assert.Equal(("CA1", "101"), (listed.Router.Trustpoint("IOSCA1").Ca, listed.Router.Trustpoint("IOSCA1").SerialNumber));
        // R2 initiates with no ca trust-point: its MM3 names every global CA, CA1 first (technote, "R2 como iniciador IKEv1").
        var mm3 = IosSelection.Ikev1CertRequests(listed.Store, listed.Router.Ikev1!.Profiles.Single(), initiator: true);
        Assert.Equal("cn=CA1,o=cisco,o=com", mm3.Value[0].CaDn);
        Assert.Equal(7, mm3.Value.Count);

        IosModeledRouter unlisted = IosRouterModel.Build(config, routerName: "R2");
        Assert.Equal("R2", unlisted.Router.Name);
        Assert.Equal(["IOSCA2", "IOSCA1"], unlisted.Router.StoreOrder.Select(t => t.Name));
        Assert.Contains(unlisted.Notes, n => n.Kind == IosNoteKind.Assumption
            && n.Text == "no certificate listing and no certificate dates: the trustpoints are assumed enrolled in configuration order, so the last configured is the newest and listed first: IOSCA2, IOSCA1");
        Assert.Contains(unlisted.Notes, n => n.Kind == IosNoteKind.Gap && n.Text == "no hostname line and no prompt: the router is called R2");
    }

    [Fact]
    public void Ikev2ProfileListing_DecidesWhichOverlappingProfileIosSelects()
    {
        const string s4 = "S4-ikev2-overlapping-profiles";
        IosRouterConfig config = IosConfigParser.Parse(IosTexts.RunningConfig(s4, "R2"), "R2");
        PkiCertificateListing certs = IosShowParser.ParseCertificates(IosTexts.Certificates(s4, "R2"), "R2");
        var peer = new IkeIdentity(IdentificationType.ID_IPV4_ADDR, "192.168.0.1");

        // The technote's order (profile3 listed first): IOS selects profile3, not the tunnel's profile1.
        Ikev2ProfileListing technoteOrder = IosShowParser.ParseIkev2Profiles(IosShowParserTests.S4R2Ikev2Profiles, "show");
        IosModeledRouter m = IosRouterModel.Build(config, certs, technoteOrder);
        Assert.Equal(["profile3", "profile2", "profile1"], IosSelection.Ikev2ShowOrder(m.Router.Ikev2!.Profiles).Select(p => p.Name));
        Assert.Equal("profile3", IosSelection.Ikev2MatchProfile(m.Router.Ikev2.Profiles, peer).Value!.Name);
        Assert.Equal("profile1", m.Router.Ipsec.Ikev2Profile);
        Assert.DoesNotContain(m.Notes, n => n.Text.Contains("show crypto ikev2 profile", StringComparison.Ordinal));

        // Without a listing the technote's rule is assumed, and said.
        IosModeledRouter assumed = IosRouterModel.Build(config, certs);
        Assert.Equal("profile3", IosSelection.Ikev2MatchProfile(assumed.Router.Ikev2!.Profiles, peer).Value!.Name);
        Assert.Contains(assumed.Notes, n => n.Kind == IosNoteKind.Assumption && n.Text.StartsWith("no show crypto ikev2 profile given", StringComparison.Ordinal));

        // A listing in configuration order wins over the rule: profile1 first, so profile1 is selected.
        string configOrder = IosShowParserTests.S4R2Ikev2Profiles.Replace("profile3", "profileX").Replace("profile1", "profile3").Replace("profileX", "profile1");
        IosModeledRouter listed = IosRouterModel.Build(config, certs, IosShowParser.ParseIkev2Profiles(configOrder, "show"));
        Assert.Equal("profile1", IosSelection.Ikev2MatchProfile(listed.Router.Ikev2!.Profiles, peer).Value!.Name);
        Assert.Contains(listed.Notes, n => n.Kind == IosNoteKind.Assumption
            && n.Text.StartsWith("show crypto ikev2 profile lists profile1, profile2, profile3, not the reverse of the configuration order", StringComparison.Ordinal));

        // A listing from another router (or another day) names a profile the configuration does not have: said, left out.
        string foreign = "IKEv2 profile: ghost\n Trustpoint(s): TP9\n" + IosShowParserTests.S4R2Ikev2Profiles.Replace("R2#show crypto ikev2 profile\n", "");
        IosModeledRouter mixed = IosRouterModel.Build(config, certs, IosShowParser.ParseIkev2Profiles(foreign, "show"));
        Assert.Equal(["profile1", "profile2", "profile3"], mixed.Router.Ikev2!.Profiles.Select(p => p.Name));
        IosNote ghost = Assert.Single(mixed.Notes, n => n.Kind == IosNoteKind.Conflict);
        Assert.Equal(("the listing shows ikev2 profile ghost, which the configuration does not have: left out", 1), (ghost.Text, ghost.Line));
    }

    [Fact]
    public void IsakmpProfileListing_DisagreeingWithTheConfiguration_IsAConflict()
    {
        const string s1 = "S1-ikev1-r1-initiates";
        IosRouterConfig config = IosConfigParser.Parse(IosTexts.RunningConfig(s1, "R1"), "R1");
        var listing = IosShowParser.ParseIsakmpProfiles("ISAKMP PROFILE prof1\n   Identities matched are:\n  host R2.cisco.com\n   trustpoints: <all>\n", "isa");
        IosModeledRouter m = IosRouterModel.Build(config, isakmpProfiles: listing);
        Assert.Equal(["IOSCA1"], m.Router.Ikev1!.Profiles.Single().CaTrustPoints);
        IosNote conflict = Assert.Single(m.Notes, n => n.Kind == IosNoteKind.Conflict);
        Assert.Equal(("isa", 1), (conflict.Source, conflict.Line));
        Assert.Contains("the configuration is used", conflict.Text);
    }

    [Fact]
    public void CryptoMapRouter_IsModelledFromItsMapEntry_WithNotes()
    {
        IosModeledRouter m = IosRouterModel.Build(IosConfigParser.Parse(IosConfigParserTests.CryptoMapConfig, "hub"));
        RouterSpec hub = m.Router;
        Assert.Equal(("HUB", "198.51.100.2/30", "0.0.0.0/32"), (hub.Name, hub.Ethernet.ToString(), hub.Tunnel.ToString()));
        // The lowest sequence of the map on the interface: VPN 10, which binds ikev2 profile v2.
        Assert.Equal("STRONG|esp-aes 256,esp-sha-hmac|transport|VPN 10||v2", Text(hub.Ipsec));
        Assert.Equal((20, "aes 256", "sha256", 14, "rsa-sig", 28800), (hub.Ikev1!.Policy.Priority, hub.Ikev1.Policy.Encryption, hub.Ikev1.Policy.Hash,
            hub.Ikev1.Policy.Group, hub.Ikev1.Policy.Authentication, hub.Ikev1.Policy.Lifetime));
        Assert.Equal("branches|dn||address 203.0.113.0 255.255.255.0", Text(hub.Ikev1.Profiles.Single()));
        Assert.Equal("v2|fqdn domain example.com|dn|rsa-sig|rsa-sig|SIGN-TP,VERIFY-TP", Text(hub.Ikev2!.Profiles.Single()));
        Assert.Equal("default", hub.Ikev2.Proposal.Name);
        Assert.Equal(["aes-cbc-256", "aes-cbc-192", "aes-cbc-128"], hub.Ikev2.Proposal.Encryption);
        Assert.Equal(new ClockZone("PST", TimeSpan.FromHours(-8)), m.Clock);
        Assert.Equal((null, null, null, "CN=hub.example.com", "crl"), (hub.Trustpoint("SIGN-TP").SerialNumber, hub.Trustpoint("SIGN-TP").Fqdn,
            hub.Trustpoint("SIGN-TP").IpAddress, hub.Trustpoint("SIGN-TP").SubjectName, hub.Trustpoint("SIGN-TP").RevocationCheck));

        string[] notes = m.Notes.Select(n => $"{n.Kind}: {n.Text}").ToArray();
        Assert.Contains("Approximation: crypto map VPN on GigabitEthernet0/1, no tunnel interface: the IKE address is GigabitEthernet0/1's and RouterSpec's tunnel address is a placeholder, 0.0.0.0/32", notes);
        Assert.Contains("Approximation: the IPsec side is crypto map VPN 10 (peer 203.0.113.8), modelled as an ipsec profile of that name", notes);
        Assert.Contains("Approximation: ikev2 profile v2: pki trustpoint SIGN-TP sign, pki trustpoint VERIFY-TP verify: RouterSpec has one trustpoint list for signing and validating, so every listed trustpoint is used for both", notes);
        Assert.Contains("Approximation: ikev2 profile v2 accepts rsa-sig, pre-share from the peer: only rsa-sig is modelled", notes);
        Assert.Contains("Approximation: isakmp profile branches: match certificate BRANCH-MAP is not modelled", notes);
        Assert.Contains("Approximation: trustpoint SIGN-TP: revocation-check crl none is modelled by its first method, crl", notes);
        Assert.Contains("Approximation: trustpoint SIGN-TP: rsakeypair HUB-KEY is not modelled (the forge gives a router one key pair)", notes);
        Assert.Contains("Assumption: isakmp profile branches has no self-identity: the global 'crypto isakmp identity dn' applies", notes);
        Assert.Contains("Assumption: no crypto ikev2 proposal: IOS's default proposal assumed (AES-CBC 256/192/128, SHA-512/384/256/1, MD5, groups 5 and 2)", notes);
        Assert.Contains("Gap: trustpoint VERIFY-TP: no subject field is configured (subject-name, fqdn, ip-address, serial-number); IOS asks at enrollment, the forge cannot", notes);
    }

    [Fact]
    public void SelfSignedTrustpoint_IsItsOwnCa_AndTheListingsOrderStillRules()
    {
        // A router's HTTPS trustpoint (enrollment selfsigned) beside S1's: its self-signed certificate is CA1's here,
        // dumped the way IOS dumps chains.
        const string s1 = "S1-ikev1-r1-initiates";
        var selfSigned = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(File.ReadAllBytes(Path.Combine(ForgedCaptures.Dir(s1), "CA1.pem")));
        var dump = new System.Text.StringBuilder("crypto pki trustpoint TP-self-signed-42\n enrollment selfsigned\n revocation-check none\n rsakeypair TP-self-signed-42\n!\n"
            + "crypto pki certificate chain TP-self-signed-42\n");
        IosRunningConfig.Certificate(dump, " certificate self-signed ", selfSigned, selfSigned.GetEncoded());
        IosRouterConfig config = IosConfigParser.Parse(dump + IosTexts.RunningConfig(s1, "R1"), "R1");
        Assert.Equal(IosChainCertificateKind.SelfSigned, config.Chain("TP-self-signed-42")!.Certificates.Single().Kind);

        IosModeledRouter m = IosRouterModel.Build(config, IosShowParser.ParseCertificates(IosTexts.Certificates(s1, "R1"), "listing"));
        Assert.Equal(["IOSCA2", "IOSCA1", "TP-self-signed-42"], m.Router.StoreOrder.Select(t => t.Name));
        Assert.Equal(("CA1", "cn=CA1,o=cisco,o=com"), (m.Router.Trustpoint("TP-self-signed-42").Ca, m.Store[2].CaDn));
        Assert.Contains(m.Notes, n => n.Kind == IosNoteKind.Approximation && n.Text == "trustpoint TP-self-signed-42 holds a self-signed certificate: modelled as a CA of its own that enrolled it");
        Assert.Contains(m.Notes, n => n.Kind == IosNoteKind.Assumption && n.Text.StartsWith("the listing does not show TP-self-signed-42: placed after the listed ones, newest start date first", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("S1-ikev1-r1-initiates")]
    [InlineData("S2-ikev1-r2-initiates")]
    [InlineData("S3-ikev1-no-ca-trustpoint")]
    public void ScenarioRebuiltFromTheText_ForgesTheSameCaptureByteForByte(string folder)
    {
        // Both routers read back from their running-config and listing and put on one enrollment timeline by their
        // certificates' start dates: everything the forge draws from them is the scenario's again.
        Scenario s = ForgedCaptures.Scenario(folder);
        IosRouterPair pair = IosRouterModel.Pair(FromForgeText(folder, "R1"), FromForgeText(folder, "R2"));
        Assert.Empty(pair.Notes);
        Assert.Equal(s.Routers.SelectMany(r => r.Trustpoints), pair.Routers.SelectMany(r => r.Trustpoints));
        Assert.Equal(s.Cas, pair.Cas);

        ForgeResult rebuilt = Forger.Run(s with { Cas = pair.Cas, Routers = pair.Routers });
        ForgeResult original = ForgedCaptures.Result(folder);
        Assert.Equal(original.Negotiations.Select(n => n.Outcome), rebuilt.Negotiations.Select(n => n.Outcome));
        Assert.Equal(Forger.CaptureBytes(original), Forger.CaptureBytes(rebuilt));
    }

    [Fact]
    public void Pair_KeepsEachRoutersStoreOrder_AndMergesCasBySubject()
    {
        IosModeledRouter r1 = IosRouterModel.Build(IosConfigParser.Parse(IosTexts.Resource("technote-r1-ikev1-config.md"), "r1"),
            IosShowParser.ParseCertificates(IosTexts.Resource("technote-r1-ikev1-show-crypto-pki-certificates.md"), "r1l"));
        IosModeledRouter r2 = IosRouterModel.Build(IosConfigParser.Parse(IosTexts.Resource("technote-r2-ikev1-config.md"), "r2"),
            IosShowParser.ParseCertificates(IosTexts.Resource("technote-r2-ikev1-show-crypto-pki-certificates.md"), "r2l"));
        IosRouterPair pair = IosRouterModel.Pair(r1, r2);
        Assert.Equal(["IOSCA2", "IOSCA1"], pair.Routers[0].StoreOrder.Select(t => t.Name));
        Assert.Equal(["IOSCA1", "IOSCA2"], pair.Routers[1].StoreOrder.Select(t => t.Name));
        Assert.Equal(4, pair.Routers.SelectMany(r => r.Trustpoints).Select(t => t.Enrolled).Distinct().Count());
        // R2's CA1 (from its listing) joins R1's CA2; neither excerpt shows the other CA, so each router has a placeholder.
        Assert.Equal(["IOSCA1", "CA2", "CA1", "IOSCA2"], pair.Cas.Select(c => c.Name));
        Assert.Equal("CA1", pair.Routers[1].Trustpoint("IOSCA1").Ca);
    }
}
