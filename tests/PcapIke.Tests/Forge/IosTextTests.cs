using PcapIke.Forge;
using PcapIke.Model;

namespace PcapIke.Tests.Forge;

public class IosTextTests
{
    private static readonly Lazy<ForgedPki> s_s1 = new(() => ForgedPki.Create(ScenarioParserTests.S1()));

    private static ForgedPki S1 => s_s1.Value;

    private static string[] Lines(string text) => text.Split('\n');

    [Fact]
    public void ShowCertificatesForS1R1ListsTheCa2IdentityCertificateFirst()
    {
        string show = IosShowCertificates.Write(S1, "R1");
        // The technote's R1 listing, first entry (indentation as IOS prints it).
        string expected = """
            Certificate
              Status: Available
              Certificate Serial Number (hex): 03
              Certificate Usage: General Purpose
              Issuer:
                cn=CA2
                o=cisco
                o=com
              Subject:
                Name: R1.cisco.com
                IP Address: 192.168.0.1
                Serial Number: 100
                serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com
                cn=R1
                ou=IT
                o=cisco
                o=com
              Validity Date:
                start date: 13:25:01 CET Jun 17 2013
                end   date: 13:25:01 CET Jun 17 2014
              Associated Trustpoints: IOSCA2
              Storage: nvram:CA2#3.cer

            """;
        Assert.StartsWith(expected.ReplaceLineEndings("\n"), show);
        string[] titles = Lines(show).Where(l => l.Length > 0 && l[0] != ' ').ToArray();
        Assert.Equal(["Certificate", "Certificate", "CA Certificate", "CA Certificate"], titles);
        string[] trustpoints = Lines(show).Where(l => l.StartsWith("  Associated Trustpoints: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["IOSCA2", "IOSCA1", "IOSCA2", "IOSCA1"], trustpoints.Select(l => l.Split(": ")[1]));
    }

    [Fact]
    public void ShowCertificatesForS1R2MatchesTheTechnotesFirstEntry()
    {
        string show = IosShowCertificates.Write(S1, "R2");
        string[] first = Lines(show).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal("  Certificate Serial Number (hex): 02", first[2]);
        Assert.Equal("    cn=CA1", first[5]);
        Assert.Equal("    serialNumber=101+ipaddress=192.168.0.2+hostname=R2.cisco.com", first[12]);
        Assert.Equal("    start date: 13:23:49 CET Jun 17 2013", first[18]);
        Assert.Equal("  Associated Trustpoints: IOSCA1", first[20]);
        Assert.Equal("  Storage: nvram:CA1#2.cer", first[21]);
    }

    [Fact]
    public void ShowCertificatesCaEntryIsSelfIssued()
    {
        string show = IosShowCertificates.Write(S1, "R1");
        string ca = show[show.IndexOf("CA Certificate", StringComparison.Ordinal)..];
        Assert.StartsWith("""
            CA Certificate
              Status: Available
              Certificate Serial Number (hex): 01
              Certificate Usage: Signature
              Issuer:
                cn=CA2
                o=cisco
                o=com
              Subject:
                cn=CA2
                o=cisco
                o=com
              Validity Date:
                start date: 13:22:37 CET Jun 17 2013
                end   date: 13:22:37 CET Jun 16 2016
              Associated Trustpoints: IOSCA2
              Storage: nvram:CA2#1CA.cer
            """.ReplaceLineEndings("\n"), ca);
    }

    [Fact]
    public void RunningConfigHasTheTechnotesIsakmpSections()
    {
        string r1 = IosRunningConfig.Write(S1, "R1");
        Assert.Contains("""
            crypto isakmp policy 10
             encr 3des
             hash md5
             group 2
            !
            crypto isakmp profile prof1
             self-identity fqdn
             ca trust-point IOSCA1
             match identity host R2.cisco.com
            !
            crypto ipsec transform-set TS esp-aes esp-sha256-hmac
             mode tunnel
            !
            crypto ipsec profile prof1
             set transform-set TS
             set isakmp-profile prof1
            !
            """.ReplaceLineEndings("\n"), r1);
        string r2 = IosRunningConfig.Write(S1, "R2");
        Assert.Contains("crypto isakmp profile prof1\n self-identity fqdn\n match identity host R1.cisco.com\n!\n", r2);
        Assert.DoesNotContain("ca trust-point", r2);
    }

    [Fact]
    public void RunningConfigHasTheTechnotesTrustpointsAndInterfaces()
    {
        string r1 = IosRunningConfig.Write(S1, "R1");
        Assert.Contains("""
            crypto pki trustpoint IOSCA2
             enrollment url http://192.168.0.4:80
             serial-number
             fqdn R1.cisco.com
             ip-address 192.168.0.1
             subject-name CN=R1,OU=IT,O=cisco,O=com
             revocation-check crl
            !
            """.ReplaceLineEndings("\n"), r1);
        Assert.Contains("""
            interface Tunnel1
             ip address 10.0.0.1 255.255.255.0
             tunnel source Ethernet0/0
             tunnel mode ipsec ipv4
             tunnel destination 192.168.0.2
             tunnel protection ipsec profile prof1
            !
            interface Ethernet0/0
             ip address 192.168.0.1 255.255.255.0
            !
            ip route 192.168.200.0 255.255.255.0 10.0.0.2
            """.ReplaceLineEndings("\n"), r1);
    }

    [Fact]
    public void CertificateChainDumpsTheDerAsIosDoes()
    {
        string r1 = IosRunningConfig.Write(S1, "R1");
        int at = r1.IndexOf("crypto pki certificate chain IOSCA2\n", StringComparison.Ordinal);
        Assert.True(at >= 0);
        string[] lines = Lines(r1[at..]);
        Assert.Equal(" certificate 03", lines[1]);
        ForgedIdentity id = S1.Identity("R1", "IOSCA2");
        var hexLines = lines.Skip(2).TakeWhile(l => l != "  \tquit").ToArray();
        Assert.All(hexLines, l => Assert.Matches("^  [0-9A-F]{1,8}( [0-9A-F]{1,8}){0,7}$", l));
        Assert.Equal(id.Der, Convert.FromHexString(string.Concat(hexLines).Replace(" ", "")));
        Assert.Equal(" certificate ca 01", lines[2 + hexLines.Length + 1]);
    }

    [Fact]
    public void Ikev2SectionsFollowTheTechnote()
    {
        Scenario s = ScenarioParserTests.S1();
        RouterSpec r2 = s.Router("R2") with
        {
            Ikev1 = null,
            Ikev2 = new Ikev2Spec(
                new Ikev2ProposalSpec("prop-1", ["3des"], ["md5"], [2]), "pol-1",
                [new Ikev2ProfileSpec("profile1", "address 192.168.0.1 255.255.255.255", "address 192.168.0.2", "rsa-sig", "rsa-sig", ["IOSCA1"])],
                Fragmentation: true),
            Ipsec = new IpsecSpec("trans", ["esp-3des", "esp-sha-hmac"], "tunnel", "profile1", null, "profile1"),
        };
        s = s with { Routers = [s.Router("R1"), r2] };
        string text = IosRunningConfig.Write(ForgedPki.Create(s), "R2");
        Assert.Contains("""
            crypto ikev2 proposal prop-1
             encryption 3des
             integrity md5
             group 2
            !
            crypto ikev2 policy pol-1
             match fvrf any
             proposal prop-1
            !
            crypto ikev2 profile profile1
             match identity remote address 192.168.0.1 255.255.255.255
             identity local address 192.168.0.2
             authentication remote rsa-sig
             authentication local rsa-sig
             pki trustpoint IOSCA1
            !
            crypto ikev2 fragmentation mtu 1500
            !
            """.ReplaceLineEndings("\n"), text);
        Assert.Contains("crypto ipsec profile profile1\n set transform-set trans\n set ikev2-profile profile1\n", text);
        Assert.DoesNotContain("isakmp", text);
    }

    [Fact]
    public void TextIsDeterministic()
    {
        ForgedPki again = ForgedPki.Create(ScenarioParserTests.S1());
        Assert.Equal(IosRunningConfig.Write(S1, "R2"), IosRunningConfig.Write(again, "R2"));
        Assert.Equal(IosShowCertificates.Write(S1, "R2"), IosShowCertificates.Write(again, "R2"));
    }
}

public class ForgeArtifactsTests
{
    [Fact]
    public void WritesPemsConfigsAndListingsByteIdenticallyTwice()
    {
        string a = TestSupport.TestPaths.NewTempDir(), b = TestSupport.TestPaths.NewTempDir();
        try
        {
            IReadOnlyList<string> first = ForgeArtifacts.Write(ForgedPki.Create(ScenarioParserTests.S1()), a);
            IReadOnlyList<string> second = ForgeArtifacts.Write(ForgedPki.Create(ScenarioParserTests.S1()), b);
            Assert.Equal(
                ["CA1.pem", "CA2.pem", "R1-IOSCA1.pem", "R1-IOSCA2.pem", "R1-running-config.txt", "R1-show-crypto-pki-certificates.txt",
                 "R2-IOSCA1.pem", "R2-IOSCA2.pem", "R2-running-config.txt", "R2-show-crypto-pki-certificates.txt"],
                first.Select(Path.GetFileName));
            for (int i = 0; i < first.Count; i++)
                Assert.Equal(File.ReadAllBytes(first[i]), File.ReadAllBytes(second[i]));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }
}
