using PcapIke.Exchanges;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Exchanges;

/// <summary>The acceptance cases: real captures through <see cref="CaptureAnalyzer.Analyze(string, AnalysisOptions?)"/>.</summary>
public class CaptureAnalyzerAcceptanceTests
{
    private static CaptureAnalysis Shared(string name) => CaptureAnalyzer.Analyze(Path.Combine(TestPaths.SharedCaptures, name));

    private static CaptureAnalysis Lab(string scenario, AnalysisOptions? options = null) =>
        CaptureAnalyzer.Analyze(Path.Combine(TestPaths.RepoRoot, "captures", scenario, "capture.pcap"), options);

    private static string[] Steps(IkeSa sa) => sa.Messages.Select(m => m.Step).ToArray();

    [Fact]
    public void Ikev1Certs_OneMainModeSaEstablished_CertReqDnAsWireshark_QuickModeRetransmissionCounted()
    {
        var a = Shared("ikev1-certs.pcap");
        var sa = Assert.Single(a.Sas);
        Assert.Empty(a.Malformations);
        Assert.Equal(1, sa.Sa.Version);
        Assert.Equal("192.168.12.118:500", sa.Sa.Initiator.ToString());
        Assert.Equal("172.16.1.103:500", sa.Sa.Responder.ToString());
        Assert.Equal(0xfafaeb49382a763cUL, sa.Sa.SpiI);
        Assert.Equal(0x36e65ad2f66f4403UL, sa.Sa.SpiR);
        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM1", "QM2", "QM3"], Steps(sa.Sa));
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Equal("QM3", sa.Sa.LastStep);
        Assert.False(sa.Sa.StartsMidNegotiation);
        Assert.False(sa.Sa.EndsMidNegotiation);

        // frame 8 re-sends frame 7 (QM1) byte for byte, 10 s later
        Assert.Equal(1, sa.Sa.Retransmissions);
        SaMessage retx = sa.Sa.Messages.Single(m => m.IsRetransmission);
        Assert.Equal(8, retx.Frame);
        Assert.Equal(RetransmissionKind.SameContent, retx.Retransmission);
        Assert.Equal(7, retx.RetransmissionOf!.Frame);
        Assert.Equal(Role.Initiator, retx.Sender);
        Assert.InRange(retx.TimestampNanoseconds - retx.RetransmissionOf.TimestampNanoseconds, 10_000_000_000, 10_001_000_000);

        // MM4's CERT_REQ: tshark shows rdnSequence CN=SchendlZertifikate, DC=geblergasse95, DC=at (encoding 4)
        Assert.Empty(sa.Sa.InitiatorCertRequests);
        CertRequestEntry cr = Assert.Single(sa.Sa.ResponderCertRequests);
        Assert.Equal((1, 4L, "MM4", (byte)4), (cr.Position, cr.Frame, cr.Step, cr.EncodingRaw));
        Assert.Equal("cn=SchendlZertifikate,dc=geblergasse95,dc=at", cr.Dn);
        Assert.Equal("CN=SchendlZertifikate,DC=geblergasse95,DC=at", cr.DnRfc4514);
        Assert.Equal("id-at-commonName=SchendlZertifikate,dc=geblergasse95,dc=at", cr.DnWireshark);

        Assert.Equal("TripleDES_CBC/MD5/MODP_1024/RSA_Signatures/28800s", Assert.Single(sa.Sa.Offered).ToString());
        Assert.Equal("TripleDES_CBC/MD5/MODP_1024/RSA_Signatures/28800s", sa.Sa.Chosen!.ToString());
        Assert.Contains(sa.Sa.VendorIds, v => v.Sender == Role.Initiator && v.Fingerprint == "libreswan/Openswan");
        Assert.Contains(sa.Sa.VendorIds, v => v.Sender == Role.Responder && v.Fingerprint == "Juniper NetScreen");
    }

    [Fact]
    public void IpsecCap_NoProposalChosenWithZeroResponderCookie_AttachedByInitiatorCookie_ThenEstablished()
    {
        var a = Shared("ipsec.cap");
        var sa = Assert.Single(a.Sas);
        Assert.Equal(["MM1", "MM2", "INFO", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM2", "QM3"], Steps(sa.Sa));
        Assert.Equal(0xc6d1459285150c7eUL, sa.Sa.SpiI);
        Assert.Equal(0x6e961f01bf179b35UL, sa.Sa.SpiR);

        NotifyEntry n = Assert.Single(sa.Sa.Notifies);
        Assert.Equal((3L, Role.Initiator, "INFO", (ushort)14, "NO_PROPOSAL_CHOSEN", true), (n.Frame, n.Sender, n.Step, n.TypeRaw, n.TypeName, n.IsError));

        SaMessage resent = sa.Sa.Messages[3];
        Assert.Equal(4, resent.Frame);
        Assert.Equal(RetransmissionKind.SameContent, resent.Retransmission);
        Assert.Equal(2, resent.RetransmissionOf!.Frame);
        Assert.Equal(1, sa.Sa.Retransmissions);

        // a notify followed by progress does not fail the SA
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Equal("QM3", sa.Sa.LastStep);
        // NAT-D (RFC 3947 §3.2, SHA from the chosen SA) recomputed: both match, no NAT, no float
        Assert.False(sa.Sa.NatHashMismatch);
        Assert.False(sa.Sa.NatDetected);
        Assert.False(sa.Sa.FloatedTo4500);
        Assert.Equal("TripleDES_CBC/SHA/MODP_1024/PreSharedKey/7800s", sa.Sa.Chosen!.ToString());
    }

    [Theory]
    [InlineData("ipsec-ikev1-isakmp-main-mode.pcap", "MM1,MM2,MM3,MM4,MM5,MM6,QM1,QM2,QM3")]
    [InlineData("ipsec-ikev1-isakmp-aggressive-mode.pcap", "AM1,AM2,AM3,QM1,QM2,QM3")]
    public void CloudSharkIkev1_Established(string file, string steps)
    {
        var sa = Assert.Single(Shared(file).Sas);
        Assert.Equal(steps.Split(','), Steps(sa.Sa));
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Equal(0, sa.Sa.Retransmissions);
        Assert.False(sa.Sa.NatDetected);
        Assert.Equal("AES_CBC-128/SHA/MODP_1024/PreSharedKey/86400s", sa.Sa.Chosen!.ToString());
        // IOS: CISCO-UNITY plus its unnamed 16-byte VID
        Assert.Contains(sa.Sa.VendorIds, v => v.Sender == Role.Responder && v.Name is null && v.Fingerprint == "Cisco IOS");
    }

    [Fact]
    public void EspAhOnly_NoSaAndNoError()
    {
        var a = Shared("IPsec_ESP-AH_tunnel_mode.cap");
        Assert.Empty(a.Sas);
        Assert.Empty(a.Malformations);
    }

    [Fact]
    public void WeakDh_OneIkev2Sa_RequestOnly_IncompleteBecauseCaptureEnds()
    {
        var sa = Assert.Single(Shared("ikev2-sa-init-weak-dh.pcap").Sas);
        Assert.Equal(2, sa.Sa.Version);
        Assert.Equal(["IKE_SA_INIT request"], Steps(sa.Sa));
        Assert.Equal(SaOutcome.Incomplete, sa.Sa.Outcome);
        Assert.True(sa.Sa.EndsMidNegotiation);
        Assert.False(sa.Sa.StartsMidNegotiation);
        Assert.Equal("IKE_SA_INIT request", sa.Sa.LastStep);
        Assert.Equal("capture ends 0.0 s after IKE_SA_INIT request", sa.Sa.OutcomeDetail);
        Assert.Equal(0UL, sa.Sa.SpiR);
        Assert.Null(sa.Sa.Chosen);
        Assert.NotEmpty(sa.Sa.Offered);
    }

    [Theory]
    [InlineData("strongswan-ikev2-aes-cbc", "ENCR_AES_CBC-256/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")]
    [InlineData("strongswan-ikev2-aes-gcm", "ENCR_AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256")]
    [InlineData("strongswan-ikev2-ip-fragments", "ENCR_AES_CBC-256/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")]
    public void StrongSwanIkev2_Established(string scenario, string chosen)
    {
        var sa = Assert.Single(Lab(scenario).Sas);
        Assert.Equal(["IKE_SA_INIT request", "IKE_SA_INIT response", "IKE_AUTH request", "IKE_AUTH response"], Steps(sa.Sa));
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Contains("decrypt to confirm", sa.Sa.OutcomeDetail);
        Assert.Equal("IKE_AUTH response", sa.Sa.LastStep);
        Assert.Equal(chosen, sa.Sa.Chosen!.ToString());
        // the lab fakes NAT_DETECTION_SOURCE_IP (captures/README.md): the SHA-1 does not match, and IKE_AUTH is on 4500
        Assert.True(sa.Sa.NatHashMismatch);
        Assert.True(sa.Sa.FloatedTo4500);
        Assert.True(sa.Sa.NatDetected);
        Assert.Equal(2, sa.Sa.ResponderCertRequests.Count);
        Assert.Equal(0, sa.Sa.Retransmissions);
    }

    [Fact]
    public void StrongSwanIpFragments_IkeAuthReassembled()
    {
        var sa = Assert.Single(Lab("strongswan-ikev2-ip-fragments").Sas);
        SaMessage request = sa.Sa.Messages[2];
        Assert.Equal((5L, 3, 3L, 1472), (request.Frame, request.Message.IpFragmentCount, request.Message.FirstFragmentFrame, request.Size));
        Assert.Equal(0, request.FragmentNumber);
    }

    [Fact]
    public void StrongSwanSkf_ThreePlusThreeFragmentsGrouped_NotRetransmissions_Established()
    {
        var sa = Assert.Single(Lab("strongswan-ikev2-skf").Sas);
        Assert.Equal(8, sa.Sa.Messages.Count);
        var request = sa.Sa.Messages.Where(m => m.Step == "IKE_AUTH request").ToList();
        var response = sa.Sa.Messages.Where(m => m.Step == "IKE_AUTH response").ToList();
        Assert.Equal([1, 2, 3], request.Select(m => m.FragmentNumber));
        Assert.Equal([1, 2, 3], response.Select(m => m.FragmentNumber));
        Assert.All(request.Concat(response), m => Assert.Equal(3, m.FragmentTotal));
        Assert.All(request, m => Assert.Equal(Role.Initiator, m.Sender));
        Assert.All(response, m => Assert.Equal(Role.Responder, m.Sender));
        Assert.Equal(0, sa.Sa.Retransmissions);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
    }

    [Fact]
    public void StrongSwanIkev1MainMode_EstablishedWithQuickMode_FloatedAndNatDetected()
    {
        var sa = Assert.Single(Lab("strongswan-ikev1-main-mode").Sas);
        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM2", "QM3"], Steps(sa.Sa));
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.True(sa.Sa.FloatedTo4500);
        Assert.True(sa.Sa.NatHashMismatch);
        Assert.True(sa.Sa.NatDetected);
        Assert.Equal(4500, sa.Sa.Messages[4].Message.Source.Port);
        // MM4 asks for Lab CA2 then Lab CA1, in payload order
        Assert.Equal(["cn=Lab CA2,o=PcapIke Lab,c=CH", "cn=Lab CA1,o=PcapIke Lab,c=CH"], sa.Sa.ResponderCertRequests.Select(c => c.Dn));
        Assert.Equal([1, 2], sa.Sa.ResponderCertRequests.Select(c => c.Position));
        Assert.Equal("AES_CBC-128/SHA/MODP_2048/RSA_Signatures/15840s", sa.Sa.Chosen!.ToString());
    }

    /// <summary>The IKE_AUTH size rule (<see cref="ExchangeCorrelator.MinimumAuthPlaintext"/>): untrusted-ca's 48-byte SK
    /// body cannot hold IDr + AUTH, aes-cbc's 1296 can.</summary>
    [Fact]
    public void StrongSwanUntrustedCa_SmallIkeAuthResponse_FailedWithoutClaimingTheNotify()
    {
        var sa = Assert.Single(Lab("strongswan-ikev2-untrusted-ca").Sas);
        Assert.Equal(SaOutcome.Failed, sa.Sa.Outcome);
        Assert.Equal("IKE_AUTH response", sa.Sa.LastStep);
        Assert.Equal("IKE_AUTH response too small to carry IDr/AUTH (48 bytes encrypted, at most 16 of plaintext): "
            + "likely an error notify (decrypt to confirm)", sa.Sa.OutcomeDetail);
        Assert.DoesNotContain("AUTHENTICATION_FAILED", sa.Sa.OutcomeDetail);
        Assert.False(sa.Sa.EndsMidNegotiation);

        var ok = Assert.Single(Lab("strongswan-ikev2-aes-cbc").Sas);
        Assert.Equal(SaOutcome.Established, ok.Sa.Outcome);
        Assert.Equal("IKE_AUTH response received, encrypted: contents not verified (decrypt to confirm)", ok.Sa.OutcomeDetail);
    }

    [Fact]
    public void StrongSwanCertReqHashes_NamedFromCaFiles()
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc");
        var cas = CaCatalog.Load([Path.Combine(dir, "ca1.pem"), Path.Combine(dir, "ca2.pem")]);
        var sa = Assert.Single(Lab("strongswan-ikev2-aes-cbc", new AnalysisOptions { Cas = cas }).Sas);
        Assert.Equal(["1c4219872f10e5f23be97fa2288195dc0e4855b9", "94b4bf2d5aa50c9f96b775b693a6a9b668066c78"],
            sa.Sa.ResponderCertRequests.Select(c => c.CaHash));
        Assert.All(sa.Sa.ResponderCertRequests, c => Assert.StartsWith("CN=Lab CA", c.CaName));
        Assert.All(sa.Sa.ResponderCertRequests, c => Assert.Equal("IKE_SA_INIT response", c.Step));
        Assert.NotEqual(sa.Sa.ResponderCertRequests[0].CaName, sa.Sa.ResponderCertRequests[1].CaName);

        // untrusted-ca: the responder trusts only Lab CA1, so its single hash names CA1
        var untrusted = Assert.Single(Lab("strongswan-ikev2-untrusted-ca", new AnalysisOptions { Cas = cas }).Sas);
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", Assert.Single(untrusted.Sa.ResponderCertRequests).CaName);
    }
}

public class VendorIdFingerprintTests
{
    [Fact]
    public void IpsecCap_StrongSwanPeersSendingCiscoUnity_AreNotFingerprintedAsCiscoIos()
    {
        var sa = Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(
            Path.Combine(PcapIke.Tests.TestSupport.TestPaths.SharedCaptures, "ipsec.cap")).Sas);

        Assert.Contains(sa.Sa.VendorIds, v => v.Fingerprint == "strongSwan");
        Assert.DoesNotContain(sa.Sa.VendorIds, v => v.Fingerprint == "Cisco IOS");
        Assert.Contains(sa.Sa.VendorIds, v => v.Name == "CISCO-UNITY 1.0" && v.Fingerprint is null);
    }
}

public class CaCatalogDirectoryTests
{
    [Fact]
    public void Directory_LoadsOnlyCertificateFiles_SoACaptureFolderCanBeGiven()
    {
        string dir = Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-untrusted-ca");
        var catalog = PcapIke.Exchanges.CaCatalog.Load([dir]); // also holds capture.pcap, README.md, the key table

        Assert.Equal(2, catalog.Count);
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", catalog.NameOf("94b4bf2d5aa50c9f96b775b693a6a9b668066c78"));
    }

    [Fact]
    public void ExplicitNonCertificateFile_IsStillAnError()
    {
        string readme = Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-untrusted-ca", "README.md");
        var ex = Assert.Throws<InvalidDataException>(() => PcapIke.Exchanges.CaCatalog.Load([readme]));
        Assert.Contains("README.md", ex.Message);
    }
}
