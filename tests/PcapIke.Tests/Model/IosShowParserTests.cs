using PcapIke.Model.Ios;

namespace PcapIke.Tests.Model;

/// <summary>IosShowParser on the technote's <c>show crypto pki certificates</c> excerpts (verbatim), on the forge's
/// listings, and on profile listings in IOS's layout.</summary>
public class IosShowParserTests
{
    [Fact]
    public void TechnoteR1Listing_ListsTheCa2CertificateFirst_Serial03()
    {
        // The technote prints R1's listing one line per code block, indentation lost, then "<output omitted ...>".
        PkiCertificateListing l = IosShowParser.ParseCertificates(IosTexts.Resource("technote-r1-ikev1-show-crypto-pki-certificates.md"), "r1");
        Assert.Equal(["R1"], l.PromptHostnames);
        Assert.True(l.Truncated);
        PkiListingEntry e = Assert.Single(l.Entries);
        Assert.Equal((PkiEntryKind.Certificate, "Available", "03", "General Purpose"), (e.Kind, e.Status, e.SerialHex, e.Usage));
        Assert.Equal(["cn=CA2", "o=cisco", "o=com"], e.Issuer);
        Assert.Equal("cn=CA2,o=cisco,o=com", e.IssuerDn);
        Assert.Equal(("R1.cisco.com", "192.168.0.1", "100"), (e.SubjectName, e.SubjectIpAddress, e.SubjectSerialNumber));
        Assert.Equal("serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com", e.SubjectDn);
        Assert.Equal(new DateTime(2013, 6, 17, 13, 25, 1), e.ValidFrom!.Local);
        Assert.Equal(("CET", "13:25:01 CET Jun 17 2014"), (e.ValidTo!.Zone, e.ValidTo.Text));
        Assert.Equal(["IOSCA2"], e.AssociatedTrustpoints);
        Assert.False(e.Incomplete); // the omission comes after the entry's last line
        Assert.Equal(IosNoteKind.Gap, Assert.Single(l.Notes).Kind);
    }

    [Fact]
    public void TechnoteR2Listing_ListsTheCa1CertificateFirst_Serial02()
    {
        PkiCertificateListing l = IosShowParser.ParseCertificates(IosTexts.Resource("technote-r2-ikev1-show-crypto-pki-certificates.md"), "r2");
        Assert.Equal(["R2"], l.PromptHostnames);
        PkiListingEntry e = Assert.Single(l.Entries);
        Assert.Equal(("02", "cn=CA1,o=cisco,o=com", "101"), (e.SerialHex, e.IssuerDn, e.SubjectSerialNumber));
        Assert.Equal("serialNumber=101+ipaddress=192.168.0.2+hostname=R2.cisco.com,cn=R2,ou=IT,o=cisco,o=com", e.SubjectDn);
        Assert.Equal(new DateTime(2013, 6, 17, 13, 23, 49), e.ValidFrom!.Local);
        Assert.Equal(["IOSCA1"], e.AssociatedTrustpoints);
        Assert.Equal("nvram:CA1#2.cer", e.Storage);
        Assert.True(l.Truncated);
    }

    [Fact]
    public void TechnoteR1Ikev2Listing_EntryCutShort_IsIncomplete()
    {
        PkiCertificateListing l = IosShowParser.ParseCertificates(IosTexts.Resource("technote-r1-ikev2-show-crypto-pki-certificates.md"), "r1");
        PkiListingEntry e = Assert.Single(l.Entries);
        Assert.Equal(("04", "cn=CA2", true), (e.SerialHex, e.IssuerDn, e.Incomplete));
        Assert.Equal(["TP2"], e.AssociatedTrustpoints);
        Assert.Null(e.ValidFrom);
        Assert.Empty(l.Ignored);
    }

    [Fact]
    public void ForgeListing_IdentityCertificatesNewestFirst_ThenTheCas()
    {
        PkiCertificateListing l = IosShowParser.ParseCertificates(IosTexts.Certificates("S1-ikev1-r1-initiates", "R1"), "R1-show-crypto-pki-certificates.txt");
        Assert.Equal([PkiEntryKind.Certificate, PkiEntryKind.Certificate, PkiEntryKind.CaCertificate, PkiEntryKind.CaCertificate], l.Entries.Select(e => e.Kind));
        Assert.Equal(["IOSCA2", "IOSCA1", "IOSCA2", "IOSCA1"], l.Entries.Select(e => e.AssociatedTrustpoints.Single()));
        Assert.Equal(["03", "03", "01", "01"], l.Entries.Select(e => e.SerialHex));
        PkiListingEntry ca2 = l.Entries[2];
        Assert.Equal(("Signature", "cn=CA2,o=cisco,o=com", "cn=CA2,o=cisco,o=com", "nvram:CA2#1CA.cer"), (ca2.Usage, ca2.IssuerDn, ca2.SubjectDn, ca2.Storage));
        Assert.Null(ca2.SubjectName);
        Assert.Equal(new DateTime(2016, 6, 16, 13, 22, 37), ca2.ValidTo!.Local);
        Assert.Equal(new DateTime(2013, 6, 17, 13, 24, 25), l.Entries[1].ValidFrom!.Local);
        Assert.False(l.Truncated);
        Assert.Empty(l.Ignored);
        Assert.Empty(l.Notes);
    }

    [Fact]
    public void ListingLabelsOfOtherIosReleases_AreRead()
    {
        // Older releases print the serial without "(hex)", a CRL distribution point and renew date; IOS-XE adds key labels.
        const string text = """
            Router Self-Signed Certificate
              Status: Available
              Certificate Serial Number: 0x1
              Certificate Usage: General Purpose
              Issuer:
                cn=IOS-Self-Signed-Certificate-3543345432
              Subject:
                Name: IOS-Self-Signed-Certificate-3543345432
                cn=IOS-Self-Signed-Certificate-3543345432
              Validity Date:
                start date: 9:05:01 UTC Mar 1 2021
                end   date: 00:00:00 UTC Jan  1 2030
              Associated Trustpoints: TP-self-signed-3543345432
            Certificate
              Status: Available
              Certificate Serial Number (hex): 1A2B
              Certificate Usage: General Purpose
              Issuer:
                cn=Issuing CA
                dc=example
              Subject:
                Name: hub.example.com
                hostname=hub.example.com
              CRL Distribution Points:
                http://pki.example.com/Issuing%20CA.crl
              Validity Date:
                start date: 10:00:00 PST Feb 2 2023
                end   date: 10:00:00 PST Feb 2 2024
                renew date: 10:00:00 PST Jan 1 2024
              Associated Trustpoints: HUB-TP SPARE-TP
              Key Label: HUB-KEY
            """;
        PkiCertificateListing l = IosShowParser.ParseCertificates(text, "x");
        Assert.Equal([PkiEntryKind.SelfSigned, PkiEntryKind.Certificate], l.Entries.Select(e => e.Kind));
        Assert.Equal("01", l.Entries[0].SerialHex);
        Assert.Equal(new DateTime(2021, 3, 1, 9, 5, 1), l.Entries[0].ValidFrom!.Local);
        Assert.Equal(new DateTime(2030, 1, 1, 0, 0, 0), l.Entries[0].ValidTo!.Local);
        Assert.Equal(TimeSpan.Zero, l.Entries[0].ValidTo!.KnownOffset);
        PkiListingEntry hub = l.Entries[1];
        Assert.Equal(("1A2B", "cn=Issuing CA,dc=example", "hostname=hub.example.com"), (hub.SerialHex, hub.IssuerDn, hub.SubjectDn));
        Assert.Equal(["HUB-TP", "SPARE-TP"], hub.AssociatedTrustpoints);
        Assert.Null(hub.ValidFrom!.KnownOffset);
        Assert.Equal(["Key Label: HUB-KEY"], l.Ignored.Select(i => i.Text));
    }

    [Theory]
    [InlineData("13:25:01 CET Jun 17 2013", 2013, 6, 17, 13, 25, 1, "CET")]
    [InlineData("00:00:00 UTC Jan  1 2030", 2030, 1, 1, 0, 0, 0, "UTC")]
    [InlineData("9:05:01.123 PST Dec 3 2021", 2021, 12, 3, 9, 5, 1, "PST")]
    [InlineData("23:59:59 Feb 29 2024", 2024, 2, 29, 23, 59, 59, null)]
    public void ShowTime_ReadsIosDates(string text, int y, int mo, int d, int h, int mi, int s, string? zone)
    {
        IosShowTime t = IosShowTime.TryParse(text)!;
        Assert.Equal((new DateTime(y, mo, d, h, mi, s), zone), (t.Local, t.Zone));
    }

    [Theory]
    [InlineData("")]
    [InlineData("13:25:01 CET Jun 31 2013")]
    [InlineData("yesterday")]
    [InlineData("25:00:00 UTC Jan 1 2020")]
    public void ShowTime_RejectsOtherText(string text) => Assert.Null(IosShowTime.TryParse(text));

    // S4's R2 in the layout IOS 15 and IOS-XE print (Ref Count, Match criteria, Identities, Trustpoint(s) …), profile3
    // first as the technote says "show crypto ikev2 profile" lists it.
    internal const string S4R2Ikev2Profiles = """
        R2#show crypto ikev2 profile

        IKEv2 profile: profile3
         Ref Count: 1
         Match criteria:
          Fvrf: global
          Local address/interface: none
          Identities:
           address 192.168.0.1 255.255.255.255
          Certificate maps: none
         Local identity: address 192.168.0.2
         Remote identity: none
         Local authentication method: rsa-sig
         Remote authentication method(s): rsa-sig
         EAP options: none
         Keyring: none
         Trustpoint(s): TP1
         Lifetime: 86400 seconds
         DPD: disabled
        IKEv2 profile: profile2
         Ref Count: 1
         Match criteria:
          Fvrf: global
          Local address/interface: none
          Identities:
           address 192.168.0.1 255.255.255.255
          Certificate maps: none
         Local identity: address 192.168.0.2
         Remote identity: none
         Local authentication method: rsa-sig
         Remote authentication method(s): rsa-sig
         Trustpoint(s): TP1
        IKEv2 profile: profile1
         Ref Count: 5
         Match criteria:
          Fvrf: global
          Local address/interface: none
          Identities:
           address 192.168.0.1 255.255.255.255
          Certificate maps: none
         Local identity: address 192.168.0.2
         Remote identity: none
         Local authentication method: rsa-sig
         Remote authentication method(s): rsa-sig
         Trustpoint(s): TP1
        """;

    [Fact]
    public void Ikev2ProfileListing_KeepsTheListedOrder_AndEveryField()
    {
        Ikev2ProfileListing l = IosShowParser.ParseIkev2Profiles(S4R2Ikev2Profiles, "R2");
        Assert.Equal(["profile3", "profile2", "profile1"], l.Profiles.Select(p => p.Name));
        Ikev2ProfileListingEntry p3 = l.Profiles[0];
        Assert.Equal(["address 192.168.0.1 255.255.255.255"], p3.Identities);
        Assert.Empty(p3.CertificateMaps);
        Assert.Equal(("address 192.168.0.2", null, "rsa-sig"), (p3.LocalIdentity, p3.RemoteIdentity, p3.LocalAuthentication));
        Assert.Equal(["rsa-sig"], p3.RemoteAuthentication);
        Assert.Equal([new IosIkev2Trustpoint("TP1", IosTrustpointUse.SignAndVerify)], p3.Trustpoints);
        Assert.Equal(["ref count=1", "fvrf=global", "local address/interface=none", "eap options=none", "keyring=none", "lifetime=86400 seconds", "dpd=disabled"],
            p3.Other.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal(["R2"], l.PromptHostnames);
        Assert.Empty(l.Ignored);
        Assert.Empty(l.Notes);
    }

    [Fact]
    public void Ikev2ProfileListing_BestEffortLayouts_AndSignVerifyTrustpoints()
    {
        const string text = """
            IKEv2 profile: profile3
             Match criteria:
              Identities:
               address 192.168.0.1 255.255.255.255
             Local identity: address 192.168.0.2
             PKI trustpoint(s): TP1
            IKEv2 profile: split
             Match criteria:
              Identities: fqdn domain example.com
             Trustpoint(s): SIGN-TP(sign) VERIFY-TP(verify) BOTH-TP
            IKEv2 profile: split2
             Trustpoint(s): sign: A
                            verify: B C
            """;
        Ikev2ProfileListing l = IosShowParser.ParseIkev2Profiles(text, "x");
        Assert.Equal([new IosIkev2Trustpoint("TP1", IosTrustpointUse.SignAndVerify)], l.Profiles[0].Trustpoints);
        Assert.Equal("address 192.168.0.2", l.Profiles[0].LocalIdentity);
        Assert.Equal(["fqdn domain example.com"], l.Profiles[1].Identities);
        Assert.Equal(
            [new IosIkev2Trustpoint("SIGN-TP", IosTrustpointUse.Sign), new IosIkev2Trustpoint("VERIFY-TP", IosTrustpointUse.Verify), new IosIkev2Trustpoint("BOTH-TP", IosTrustpointUse.SignAndVerify)],
            l.Profiles[1].Trustpoints);
        Assert.Equal(
            [new IosIkev2Trustpoint("A", IosTrustpointUse.Sign), new IosIkev2Trustpoint("B", IosTrustpointUse.Verify), new IosIkev2Trustpoint("C", IosTrustpointUse.Verify)],
            l.Profiles[2].Trustpoints);
    }

    [Fact]
    public void IsakmpProfileListing_BestEffortLayout()
    {
        const string text = """
            R1#sh cry isa prof
            ISAKMP PROFILE prof2
               Identities matched are:
              ip-address 10.1.1.0 255.255.255.0
               Certificate maps matched are:
              BRANCH-MAP
               keyring(s): <none>
               trustpoints: <all>
            ISAKMP PROFILE prof1
               Identities matched are:
              host R2.cisco.com
               Certificate maps matched are:
              Identity presented is: fqdn
               keyring(s): <none>
               trustpoints: IOSCA1
            """;
        IsakmpProfileListing l = IosShowParser.ParseIsakmpProfiles(text, "x");
        Assert.Equal(["prof2", "prof1"], l.Profiles.Select(p => p.Name));
        Assert.Equal(["ip-address 10.1.1.0 255.255.255.0"], l.Profiles[0].Identities);
        Assert.Equal(["BRANCH-MAP"], l.Profiles[0].CertificateMaps);
        Assert.True(l.Profiles[0].AllTrustpoints);
        IsakmpProfileListingEntry prof1 = l.Profiles[1];
        Assert.Equal(["host R2.cisco.com"], prof1.Identities);
        Assert.Empty(prof1.CertificateMaps);
        Assert.Equal(("fqdn", false), (prof1.IdentityPresented, prof1.AllTrustpoints));
        Assert.Equal(["IOSCA1"], prof1.Trustpoints);
        Assert.Empty(prof1.Keyrings);
        Assert.Empty(l.Ignored);
    }

    [Fact]
    public void ListingParsers_OnOtherText_GiveNotes()
    {
        string config = IosTexts.RunningConfig("S1-ikev1-r1-initiates", "R1");
        Assert.Equal(IosNoteKind.Problem, Assert.Single(IosShowParser.ParseCertificates(config, "c").Notes).Kind);
        Assert.Equal(IosNoteKind.Problem, Assert.Single(IosShowParser.ParseIkev2Profiles(config, "c").Notes).Kind);
        Assert.Equal(IosNoteKind.Problem, Assert.Single(IosShowParser.ParseIsakmpProfiles(config, "c").Notes).Kind);
    }
}
