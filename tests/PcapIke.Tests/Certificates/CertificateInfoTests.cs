using System.Net;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using PcapIke.Certificates;
using PcapIke.Exchanges;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Certificates;

public class CertificateInfoTests
{
    private static byte[] LabCa1 => new X509CertificateParser().ReadCertificate(
        File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc", "ca1.pem"))).GetEncoded();

    /// <summary>Values as openssl x509 -text prints them for the lab's CA1.</summary>
    [Fact]
    public void Rfc5280_LabCa_AllFieldsRead()
    {
        var i = CertificateInfo.Parse(LabCa1);
        Assert.Empty(i.Problems);
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", i.Subject);
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", i.Issuer);
        Assert.Equal("Lab CA1", i.SubjectCommonName);
        Assert.Equal("01", i.SerialHex);
        Assert.Equal(new DateTime(2026, 11, 27, 13, 13, 6, DateTimeKind.Utc), i.NotBefore);
        Assert.Equal(new DateTime(2036, 11, 24, 13, 13, 6, DateTimeKind.Utc), i.NotAfter);
        Assert.Empty(i.SubjectAltNames);
        Assert.Equal("RSA", i.KeyAlgorithm);
        Assert.Equal(2048, i.KeyBits);
        Assert.Equal("RSA 2048", i.KeyText);
        Assert.Equal("SHA-256withRSA", i.SignatureAlgorithm);
        Assert.Equal("1.2.840.113549.1.1.11", i.SignatureAlgorithmOid);
        Assert.True(i.IsCa);
        Assert.True(i.IsSelfIssued);
        // the hash the strongSwan responder's CERTREQ carries for Lab CA1 (RFC 7296 §3.7)
        Assert.Equal("94b4bf2d5aa50c9f96b775b693a6a9b668066c78", i.SpkiSha1);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(LabCa1)), i.Sha256);
    }

    [Fact]
    public void Rfc5280_4_2_1_6_EcCertificateWithEveryKindOfAltName()
    {
        var ca = TestPki.Ca("C=CH,O=Test,CN=Test CA", seed: 1);
        var ee = TestPki.Issue(ca, "C=CH,O=Test,CN=r1.example", serial: 0x0304, seed: 2,
            new GeneralName(GeneralName.DnsName, "r1.example"),
            new GeneralName(GeneralName.IPAddress, "192.0.2.1"),
            new GeneralName(GeneralName.IPAddress, "2001:db8::1"),
            new GeneralName(GeneralName.Rfc822Name, "vpn@example.org"),
            new GeneralName(GeneralName.UniformResourceIdentifier, "https://example.org/r1"));
        var i = CertificateInfo.Parse(ee.Der);
        Assert.Empty(i.Problems);
        Assert.Equal("CN=r1.example,O=Test,C=CH", i.Subject);
        Assert.Equal("CN=Test CA,O=Test,C=CH", i.Issuer);
        Assert.Equal("0304", i.SerialHex);
        Assert.Equal(["DNS:r1.example", "IP:192.0.2.1", "IP:2001:db8::1", "email:vpn@example.org", "URI:https://example.org/r1"],
            i.SubjectAltNames);
        Assert.Equal("EC 256 (secp256r1)", i.KeyText);
        Assert.Equal("SHA-256withECDSA", i.SignatureAlgorithm);
        Assert.False(i.IsCa);
        Assert.False(i.IsSelfIssued);
        Assert.Equal(TestPki.From, i.NotBefore);
        Assert.Equal(TestPki.To, i.NotAfter);
        Assert.Equal(CaCatalog.HashOf(ee.Certificate), i.SpkiSha1);
    }

    [Fact]
    public void DamagedBytes_AreProblemsNeverExceptions()
    {
        var garbage = CertificateInfo.Parse([0x30, 0x03, 0x02, 0x01, 0x05]);
        Assert.False(garbage.IsParsed);
        Assert.StartsWith("not a DER X.509 certificate: ", Assert.Single(garbage.Problems));
        Assert.False(CertificateInfo.Parse([]).IsParsed);
        byte[] der = LabCa1;
        for (int cut = 1; cut < der.Length; cut += 37)
        {
            var i = CertificateInfo.Parse(der[..cut]);
            Assert.True(i.Problems.Count > 0 || i.IsParsed, $"cut at {cut}");
        }
        for (int at = 4; at < der.Length; at += 41)
        {
            var copy = (byte[])der.Clone();
            copy[at] ^= 0xFF;
            _ = CertificateInfo.Parse(copy);   // whatever it reads, it does not throw
        }
    }

    /// <summary>A dump or payload longer than the certificate it holds: read, and the extra octets named.</summary>
    [Fact]
    public void TrailingOctets_AreAProblem_TheCertificateStillRead()
    {
        var i = CertificateInfo.Parse([.. LabCa1, 0, 0, 0]);
        Assert.True(i.IsParsed);
        Assert.Equal(["3 octets after the certificate's DER"], i.Problems);
        Assert.Empty(CertificateInfo.Parse(LabCa1).Problems);
        Assert.Equal(CertificateInfo.Parse(LabCa1).SubjectDer, new X509CertificateParser().ReadCertificate(LabCa1).SubjectDN.GetEncoded());
    }

    [Fact]
    public void Rfc7468_Pem_RoundTripsAndWrapsAt64()
    {
        var i = CertificateInfo.Parse(LabCa1);
        string pem = i.ToPem();
        Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", pem);
        Assert.EndsWith("\n-----END CERTIFICATE-----\n", pem);
        Assert.All(pem.Split('\n'), l => Assert.True(l.Length <= 64));
        Assert.Equal(LabCa1, new X509CertificateParser().ReadCertificate(System.Text.Encoding.ASCII.GetBytes(pem)).GetEncoded());
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc", "ca1.pem")).Replace("\r\n", "\n"), pem);
    }
}
