using System.Net;
using Org.BouncyCastle.X509;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Model.Ios;
using PcapIke.Tests.Forge;

namespace PcapIke.Tests.Model;

/// <summary>IosConfigParser on the technote's configurations (verbatim, with their markdown) and on the forge's
/// running-configs, whose certificate chains it decodes.</summary>
public class IosConfigParserTests
{
    private static IosRouterConfig Technote(string resource) => IosConfigParser.Parse(IosTexts.Resource(resource), resource);

    [Fact]
    public void TechnoteR1Ikev1_ReadsPolicyProfileTransformSetTunnelAndTrustpoints()
    {
        IosRouterConfig c = Technote("technote-r1-ikev1-config.md");

        IosIsakmpPolicy policy = Assert.Single(c.IsakmpPolicies);
        Assert.Equal((10, "3des", "md5", 2), (policy.Priority, policy.Encryption, policy.Hash, policy.Group));
        // Not in the technote's text: IOS's defaults.
        Assert.Equal(("rsa-sig", 86400), (policy.Authentication, policy.Lifetime));
        Assert.Equal(["authentication", "lifetime"], policy.Defaulted);

        IosIsakmpProfile prof1 = Assert.Single(c.IsakmpProfiles);
        Assert.Equal("prof1", prof1.Name);
        Assert.Equal("fqdn", prof1.SelfIdentity);
        Assert.Equal(["IOSCA1"], prof1.CaTrustPoints);
        Assert.Equal(["host R2.cisco.com"], prof1.MatchIdentities);

        IosTransformSet ts = Assert.Single(c.TransformSets);
        Assert.Equal(("TS", "tunnel", true), (ts.Name, ts.Mode, ts.ModeConfigured));
        Assert.Equal(["esp-aes", "esp-sha256-hmac"], ts.Transforms);
        IosIpsecProfile ipsec = Assert.Single(c.IpsecProfiles);
        Assert.Equal(("prof1", "prof1", null), (ipsec.Name, ipsec.IsakmpProfile, ipsec.Ikev2Profile));
        Assert.Equal(["TS"], ipsec.TransformSets);

        Assert.Equal(["Loopback0", "Tunnel1", "Ethernet0/0"], c.Interfaces.Select(i => i.Name));
        Assert.Equal("Simulate LAN", c.Interface("Loopback0")!.Description);
        Assert.Equal("192.168.100.1/24", c.Interface("Loopback0")!.Address!.Prefix.ToString());
        IosInterface tunnel = c.Interface("Tunnel1")!;
        Assert.Equal(("10.0.0.1/24", "Ethernet0/0", "192.168.0.2", "prof1"),
            (tunnel.Address!.Prefix.ToString(), tunnel.TunnelSource, tunnel.TunnelDestination, tunnel.TunnelProtectionProfile));
        Assert.Equal("192.168.0.1 255.255.255.0", c.Interface("e0/0")!.Address!.ToString());

        Assert.Equal(["IOSCA1", "IOSCA2"], c.Trustpoints.Select(t => t.Name));
        IosTrustpoint tp2 = c.Trustpoint("IOSCA2")!;
        Assert.Equal("http://192.168.0.4:80", tp2.EnrollmentUrl);
        Assert.Equal((IosSerialNumberSetting.Included, null), (tp2.SerialNumber, tp2.SerialNumberValue));
        Assert.Equal(("R1.cisco.com", "192.168.0.1", "CN=R1,OU=IT,O=cisco,O=com"), (tp2.Fqdn, tp2.IpAddress, tp2.SubjectName));
        Assert.Equal(["crl"], tp2.RevocationCheck);
        Assert.Empty(c.CertificateChains);

        Assert.Null(c.Hostname);
        Assert.Empty(c.Notes);
        // The route and the Spanish sentence between the code blocks are the only lines not understood.
        Assert.Equal(["ip route 192.168.200.0 255.255.255.0 10.0.0.2", "En este ejemplo, R1 tiene dos puntos de confianza: uno utiliza IOSCA1 y el segundo utiliza IOSCA2:"],
            c.Ignored.Select(i => i.Text));
    }

    [Fact]
    public void TechnoteR2Ikev1_HasNoCaTrustPointInItsProfile()
    {
        IosRouterConfig c = Technote("technote-r2-ikev1-config.md");
        IosIsakmpProfile prof1 = Assert.Single(c.IsakmpProfiles);
        Assert.Empty(prof1.CaTrustPoints);
        Assert.Equal(["host R1.cisco.com"], prof1.MatchIdentities);
        Assert.Equal(("192.168.0.1", "R2.cisco.com"), (c.Interface("Tunnel1")!.TunnelDestination, c.Trustpoint("IOSCA1")!.Fqdn));
        Assert.Equal(["IOSCA1", "IOSCA2"], c.Trustpoints.Select(t => t.Name));
    }

    [Fact]
    public void TechnoteR2Ikev2Responder_KeepsTheThreeProfilesInOrder_AndTunnelLinesThatLostTheirIndentation()
    {
        var paste = IosPaste.Read(IosTexts.Resource("technote-r2-ikev2-responder-config.md"));
        IosRouterConfig c = IosConfigParser.Parse(paste, "responder");

        IosIkev2Proposal proposal = Assert.Single(c.Ikev2Proposals);
        Assert.Equal(("prop-1", "3des", "md5", 2), (proposal.Name, proposal.Encryption.Single(), proposal.Integrity.Single(), proposal.Groups.Single()));
        IosIkev2Policy policy = Assert.Single(c.Ikev2Policies);
        Assert.Equal(("pol-1", "any", "prop-1"), (policy.Name, policy.MatchFvrf, policy.Proposals.Single()));

        Assert.Equal(["profile1", "profile2", "profile3"], c.Ikev2Profiles.Select(p => p.Name));
        Assert.All(c.Ikev2Profiles, p =>
        {
            Assert.Equal(["address 192.168.0.1 255.255.255.255"], p.MatchIdentityRemote);
            Assert.Equal("address 192.168.0.2", p.IdentityLocal);
            Assert.Equal(("rsa-sig", "rsa-sig"), (p.AuthenticationLocal, p.AuthenticationRemote.Single()));
            Assert.Equal([new IosIkev2Trustpoint("TP1", IosTrustpointUse.SignAndVerify)], p.PkiTrustpoints);
        });
        Assert.Equal(("profile1", "profile1"), (c.IpsecProfiles.Single().Name, c.IpsecProfiles.Single().Ikev2Profile));

        // The technote prints Tunnel1's lines at column 0 and splits them over two code blocks: they stay in Tunnel1.
        IosInterface tunnel = c.Interface("Tunnel1")!;
        Assert.Equal(("10.0.0.2/24", "Ethernet0/0", "192.168.0.1", "profile1"),
            (tunnel.Address!.Prefix.ToString(), tunnel.TunnelSource, tunnel.TunnelDestination, tunnel.TunnelProtectionProfile));
        Assert.Equal("192.168.200.1/32", c.Interface("Loopback0")!.Address!.Prefix.ToString());

        // The debug lines after the configuration are dropped; the wrapped half of one of them is kept as ignored.
        Assert.Equal(2, paste.DebugLines);
        Assert.Contains(c.Ignored, i => i.Text == "type 'IPv4 address'");
        Assert.Empty(c.Notes);
    }

    [Theory]
    [InlineData("technote-r2-ikev2-initiator-profile.md", "address 192.168.0.1 255.255.255.255", new[] { "TP1", "TP2" })]
    [InlineData("technote-r1-ikev2-responder-profile.md", "address 192.168.0.2 255.255.255.255", new[] { "TP1" })]
    [InlineData("technote-ikev2-initiator-without-trustpoint.md", "address 192.168.0.2 255.255.255.255", new string[0])]
    public void TechnoteIkev2Profiles_WithoutIndentation(string resource, string matchRemote, string[] trustpoints)
    {
        IosRouterConfig c = Technote(resource);
        IosIkev2Profile p = Assert.Single(c.Ikev2Profiles);
        Assert.Equal("profile1", p.Name);
        Assert.Equal([matchRemote], p.MatchIdentityRemote);
        Assert.Equal(trustpoints, p.PkiTrustpoints.Select(t => t.Name));
        Assert.Equal(["rsa-sig"], p.AuthenticationRemote);
    }

    [Fact]
    public void TwoRoutersProfilesOfOneName_AreMergedAsIosWould_AndNoted()
    {
        string both = IosTexts.Resource("technote-r2-ikev2-initiator-profile.md") + IosTexts.Resource("technote-r1-ikev2-responder-profile.md");
        IosRouterConfig c = IosConfigParser.Parse(both, "both");
        IosIkev2Profile p = Assert.Single(c.Ikev2Profiles);
        Assert.Equal(["address 192.168.0.1 255.255.255.255", "address 192.168.0.2 255.255.255.255"], p.MatchIdentityRemote);
        Assert.Equal("address 192.168.0.1", p.IdentityLocal); // the later line wins
        IosNote note = Assert.Single(c.Notes);
        Assert.Equal(IosNoteKind.Assumption, note.Kind);
        Assert.Contains("'crypto ikev2 profile profile1' appears again (line 4 first)", note.Text);
    }

    [Fact]
    public void ForgeRunningConfig_DecodesEveryCertificateOfTheChains()
    {
        const string s1 = "S1-ikev1-r1-initiates";
        IosRouterConfig c = IosConfigParser.Parse(IosTexts.RunningConfig(s1, "R1"), "R1-running-config.txt");
        Assert.Equal(("R1", "cisco.com"), (c.Hostname, c.DomainName));
        Assert.Equal(["IOSCA1", "IOSCA2"], c.CertificateChains.Select(x => x.Trustpoint));

        PcapIke.Certificates.CertificateInfo id2 = c.Chain("IOSCA2")!.Identity!.Certificate!;
        Assert.Equal("03", id2.SerialHex);
        Assert.Equal("cn=CA2,o=cisco,o=com", id2.IssuerIos);
        Assert.Equal("serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com", id2.SubjectIos);
        // 13:25:01 CET in the technote's listing.
        Assert.Equal(new DateTime(2013, 6, 17, 12, 25, 1, DateTimeKind.Utc), id2.NotBefore);
        Assert.Equal(new DateTime(2014, 6, 17, 12, 25, 1, DateTimeKind.Utc), id2.NotAfter);
        Assert.Equal(["100"], id2.SubjectValues(PcapIke.Certificates.CertificateInfo.SerialNumberOid));
        Assert.Equal(["R1.cisco.com"], id2.SubjectValues(PcapIke.Certificates.CertificateInfo.HostnameOid));
        Assert.False(id2.IsCa);
        Assert.Equal(Pem(s1, "R1-IOSCA2.pem").GetEncoded(), id2.Der);

        IosChainCertificate ca1 = c.Chain("IOSCA1")!.Certificates[1];
        Assert.Equal((IosChainCertificateKind.Ca, "01", null), (ca1.Kind, ca1.Serial, ca1.Problem));
        Assert.Equal("cn=CA1,o=cisco,o=com", ca1.Certificate!.SubjectIos);
        Assert.True(ca1.Certificate.IsCa);
        Assert.Equal(new DateTime(2016, 6, 16, 12, 22, 37, DateTimeKind.Utc), ca1.Certificate.NotAfter);
        // The CA's IKEv2 CERTREQ hash equals the one the forge computes from CA1.pem.
        Assert.Equal(ForgedPki.SpkiSha1(Pem(s1, "CA1.pem")), ca1.Certificate.SpkiSha1Octets);
        Assert.Equal(Pem(s1, "CA1.pem").SubjectDN.GetEncoded(), ca1.Certificate.SubjectDer);
        Assert.Empty(c.Notes);
    }

    private static X509Certificate Pem(string folder, string file) =>
        new X509CertificateParser().ReadCertificate(File.ReadAllBytes(Path.Combine(ForgedCaptures.Dir(folder), file)));

    [Fact]
    public void MalformedDumps_AreProblems_AndTheOtherCertificatesAreStillRead()
    {
        string text = IosTexts.RunningConfig("S1-ikev1-r1-initiates", "R1");
        string[] lines = text.Split('\n');
        // IOSCA1's identity dump: one hex digit dropped (odd length). IOSCA2's identity dump: a line of its DER replaced.
        int first = Array.IndexOf(lines, " certificate 03");
        lines[first + 1] = lines[first + 1][..^1];
        int second = Array.IndexOf(lines, " certificate 03", first + 1);
        lines[second + 2] = "  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000";
        IosRouterConfig c = IosConfigParser.Parse(string.Join('\n', lines), "broken.txt");

        IosChainCertificate odd = c.Chain("IOSCA1")!.Certificates[0];
        Assert.Null(odd.Certificate);
        Assert.StartsWith("the hex dump has an odd number of digits", odd.Problem);
        IosChainCertificate garbled = c.Chain("IOSCA2")!.Certificates[0];
        Assert.Null(garbled.Certificate);
        Assert.StartsWith("not a DER X.509 certificate", garbled.Problem);
        Assert.NotNull(c.Chain("IOSCA1")!.Ca!.Certificate);
        Assert.NotNull(c.Chain("IOSCA2")!.Ca!.Certificate);

        Assert.Equal(2, c.Notes.Count);
        Assert.All(c.Notes, n => Assert.Equal(IosNoteKind.Problem, n.Kind));
        Assert.Equal([first + 1, second + 1], c.Notes.Select(n => n.Line));
        Assert.StartsWith("crypto pki certificate chain IOSCA1: certificate 03: the hex dump has an odd number of digits", c.Notes[0].Text);
    }

    [Fact]
    public void DumpCutShort_BeforeQuit_IsAProblem()
    {
        string text = IosTexts.RunningConfig("S1-ikev1-r1-initiates", "R2");
        int cut = text.IndexOf(" certificate ca 01", StringComparison.Ordinal);
        IosRouterConfig c = IosConfigParser.Parse(text[..(cut + 200)], "cut.txt");
        IosChainCertificate ca = c.Chain("IOSCA1")!.Certificates[1];
        Assert.Null(ca.Certificate);
        Assert.NotNull(ca.Problem);
        Assert.NotNull(c.Chain("IOSCA1")!.Identity!.Certificate);
        Assert.Contains(c.Notes, n => n.Kind == IosNoteKind.Problem && n.Text.StartsWith("crypto pki certificate chain IOSCA1: certificate ca 01:", StringComparison.Ordinal));
    }

    [Fact]
    public void IsakmpPolicy_WithoutParameters_TakesIosDefaults()
    {
        IosRouterConfig c = IosConfigParser.Parse("crypto isakmp policy 20\n authentication pre-share\ncrypto isakmp policy 5\n", "p");
        Assert.Equal(
            [(20, "des", "sha", "pre-share", 1, 86400), (5, "des", "sha", "rsa-sig", 1, 86400)],
            c.IsakmpPolicies.Select(p => (p.Priority, p.Encryption, p.Hash, p.Authentication, p.Group, p.Lifetime)));
        Assert.Equal(["encryption", "hash", "group", "lifetime"], c.IsakmpPolicies[0].Defaulted);
    }

    // A crypto-map router written for this test in the layout of Cisco's "IKEv2 and Legacy VPNs" examples, with the
    // settings the model reads: sign/verify trustpoints, a transform set with a key size, transport mode, clock zone.
    internal const string CryptoMapConfig = """
        hostname HUB
        clock timezone PST -8 0
        crypto pki trustpoint SIGN-TP
         enrollment terminal
         serial-number none
         fqdn none
         subject-name CN=hub.example.com
         revocation-check crl none
         rsakeypair HUB-KEY 2048
        !
        crypto pki trustpoint VERIFY-TP
         enrollment terminal
         revocation-check none
        !
        crypto isakmp policy 20
         encr aes 256
         hash sha256
         group 14
         lifetime 28800
        crypto isakmp identity dn
        crypto isakmp profile branches
           vrf BLUE
           keyring BRANCH-KEYS
           match identity address 203.0.113.0 255.255.255.0
           match certificate BRANCH-MAP
           local-address GigabitEthernet0/1
        !
        crypto ikev2 profile v2
         match identity remote fqdn domain example.com
         identity local dn
         authentication local rsa-sig
         authentication remote rsa-sig
         authentication remote pre-share
         pki trustpoint SIGN-TP sign
         pki trustpoint VERIFY-TP verify
         lifetime 3600
        !
        crypto ipsec transform-set STRONG esp-aes 256 esp-sha-hmac
         mode transport
        !
        crypto map VPN 20 ipsec-isakmp
         set peer 203.0.113.9
         set transform-set STRONG
         set isakmp-profile branches
         match address BRANCH-TRAFFIC
        crypto map VPN 10 ipsec-isakmp
         set peer 203.0.113.8
         set transform-set STRONG
         set ikev2-profile v2
         match address OTHER-TRAFFIC
        !
        interface GigabitEthernet0/1
         description uplink
         ip address 198.51.100.2 255.255.255.252
         crypto map VPN
        !
        router ospf 1
         network 10.0.0.0 0.255.255.255 area 0
        !
        line vty 0 4
         transport input ssh
        end
        """;

    [Fact]
    public void CryptoMapsSignVerifyTrustpointsAndTransportMode()
    {
        IosRouterConfig c = IosConfigParser.Parse(CryptoMapConfig, "hub");
        Assert.Equal(new IosClockZone("PST", TimeSpan.FromHours(-8)), c.Clock);

        IosTrustpoint sign = c.Trustpoint("SIGN-TP")!;
        Assert.Equal(("terminal", IosSerialNumberSetting.Excluded, null, "CN=hub.example.com", "HUB-KEY"),
            (sign.Enrollment, sign.SerialNumber, sign.Fqdn, sign.SubjectName, sign.RsaKeyPair));
        Assert.Equal(["crl", "none"], sign.RevocationCheck);

        IosIsakmpPolicy policy = c.IsakmpPolicies.Single();
        Assert.Equal(("aes 256", "sha256", 14, 28800), (policy.Encryption, policy.Hash, policy.Group, policy.Lifetime));
        Assert.Equal("dn", c.IsakmpIdentity);
        IosIsakmpProfile branches = c.IsakmpProfiles.Single();
        Assert.Equal(("BLUE", "BRANCH-KEYS", "GigabitEthernet0/1", null), (branches.Vrf, branches.Keyring, branches.LocalAddress, branches.SelfIdentity));
        Assert.Equal(["address 203.0.113.0 255.255.255.0"], branches.MatchIdentities);
        Assert.Equal(["BRANCH-MAP"], branches.MatchCertificates);

        IosIkev2Profile v2 = c.Ikev2Profiles.Single();
        Assert.Equal([new IosIkev2Trustpoint("SIGN-TP", IosTrustpointUse.Sign), new IosIkev2Trustpoint("VERIFY-TP", IosTrustpointUse.Verify)], v2.PkiTrustpoints);
        Assert.Equal(["rsa-sig", "pre-share"], v2.AuthenticationRemote);
        Assert.Equal(("fqdn domain example.com", "dn", 3600), (v2.MatchIdentityRemote.Single(), v2.IdentityLocal, v2.Lifetime));

        IosTransformSet ts = c.TransformSets.Single();
        Assert.Equal(["esp-aes 256", "esp-sha-hmac"], ts.Transforms);
        Assert.Equal("transport", ts.Mode);

        Assert.Equal([("VPN", 20, "branches", null, "BRANCH-TRAFFIC"), ("VPN", 10, null, "v2", "OTHER-TRAFFIC")],
            c.CryptoMaps.Select(m => (m.Map, m.Sequence, m.IsakmpProfile, m.Ikev2Profile, m.MatchAddress)));
        Assert.Equal(("ipsec-isakmp", "203.0.113.9"), (c.CryptoMaps[0].Type, c.CryptoMaps[0].Peers.Single()));
        IosInterface uplink = c.Interface("Gi0/1")!;
        Assert.Equal(("VPN", "uplink", "198.51.100.2/30"), (uplink.CryptoMap, uplink.Description, uplink.Address!.Prefix.ToString()));

        // OSPF and the vty line are not the model's: kept as ignored, each under no crypto section.
        Assert.Equal(["router ospf 1", "network 10.0.0.0 0.255.255.255 area 0", "line vty 0 4", "transport input ssh"], c.Ignored.Select(i => i.Text));
        Assert.All(c.Ignored, i => Assert.Null(i.Section));
        Assert.Empty(c.Notes);
    }

    [Fact]
    public void UnknownSubcommands_AreIgnoredUnderTheirSection()
    {
        IosRouterConfig c = IosConfigParser.Parse(
            "crypto isakmp profile prof1\n keepalive 10 retry 2\n match identity host R2.cisco.com\n initiate mode aggressive\ninterface Tunnel1\n no ip redirects\n ip address 10.0.0.1 255.255.255.0\n",
            "x");
        Assert.Equal([("keepalive 10 retry 2", "crypto isakmp profile prof1"), ("initiate mode aggressive", "crypto isakmp profile prof1"), ("no ip redirects", "interface Tunnel1")],
            c.Ignored.Select(i => (i.Text, i.Section)));
        Assert.Equal(3, c.IgnoredCount);
        Assert.Equal(["host R2.cisco.com"], c.IsakmpProfiles.Single().MatchIdentities);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), c.Interface("Tunnel1")!.Address!.Address);
    }

    [Fact]
    public void BadValues_AreProblemsOnTheirLine()
    {
        IosRouterConfig c = IosConfigParser.Parse("interface Ethernet0/0\n ip address 192.168.0.300 255.255.255.0\ncrypto isakmp policy 10\n group two\n", "bad");
        Assert.Null(c.Interface("Ethernet0/0")!.Address);
        Assert.Equal([(2, IosNoteKind.Problem), (4, IosNoteKind.Problem)], c.Notes.Select(n => (n.Line, n.Kind)));
        Assert.Equal(IosIsakmpPolicy.DefaultGroup, c.IsakmpPolicies.Single().Group);
    }

    [Fact]
    public void TextWithoutConfiguration_IsANote()
    {
        IosRouterConfig c = IosConfigParser.Parse(IosTexts.Certificates("S1-ikev1-r1-initiates", "R1"), "listing.txt");
        Assert.Empty(c.Trustpoints);
        IosNote note = Assert.Single(c.Notes);
        Assert.Equal((IosNoteKind.Problem, "no IOS configuration found in the text", "listing.txt"), (note.Kind, note.Text, note.Source));
    }
}
