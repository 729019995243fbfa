using System.Text.Json;
using PcapIke.Findings;
using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Ike;
using PcapIke.Reports;
using PcapIke.Tests.Decryption;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;
using PcapIke.Analysis;

namespace PcapIke.Tests.Certificates;

/// <summary>Every certificate of an SA (clear or decrypted CERT payloads), in analyze's text and JSON.</summary>
public class SaCertificatesTests
{
    private static AnalyzedSa Analyze(string scenario, bool keys = true) =>
        Assert.Single(CaptureAnalyzer.Analyze(RepoCapture(scenario),
            new AnalysisOptions { Keys = keys ? CaptureDecryptionTests.Ring(scenario) : null }).Sas);

    [Fact]
    public void Ikev2LabCapture_DecryptedCertificatesOfBothPeers()
    {
        var sa = Analyze("strongswan-ikev2-aes-cbc");
        Assert.Equal(2, sa.Sa.Certificates.Count);
        var (moon, sun) = (sa.Sa.Certificates[0], sa.Sa.Certificates[1]);
        Assert.Equal((3L, Role.Initiator, "IKE_AUTH request", 1, 1, true), (moon.Frame, moon.Sender, moon.Step, moon.Position, moon.Count, moon.Decrypted));
        Assert.Equal((4L, Role.Responder, "IKE_AUTH response"), (sun.Frame, sun.Sender, sun.Step));
        // as tshark shows them once it decrypts the capture with the same table
        Assert.Equal("CN=moon.lab.example,O=PcapIke Lab,C=CH", moon.Info!.Subject);
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", moon.Info.Issuer);
        Assert.Equal("11", moon.Info.SerialHex);
        Assert.Equal("12", sun.Info!.SerialHex);
        Assert.Equal(new DateTime(2026, 11, 27, 13, 13, 7, DateTimeKind.Utc), moon.Info.NotBefore);
        Assert.Equal(new DateTime(2031, 11, 26, 13, 13, 7, DateTimeKind.Utc), moon.Info.NotAfter);
        Assert.Equal(["DNS:moon.lab.example"], moon.Info.SubjectAltNames);
        Assert.Equal(["DNS:sun.lab.example"], sun.Info.SubjectAltNames);
        Assert.Equal("RSA 2048", moon.Info.KeyText);
        Assert.Equal("SHA-256withRSA", moon.Info.SignatureAlgorithm);
        Assert.Null(moon.IssuerPosition);
        Assert.Null(moon.Problem);
    }

    [Fact]
    public void Ikev1LabCapture_CertificatesOfMm5AndMm6()
    {
        var sa = Analyze("strongswan-ikev1-main-mode");
        Assert.Equal([(5L, "MM5", "CN=moon.lab.example,O=PcapIke Lab,C=CH"), (6L, "MM6", "CN=sun.lab.example,O=PcapIke Lab,C=CH")],
            sa.Sa.Certificates.Select(c => (c.Frame, c.Step, c.Info!.Subject!)).ToList());
        Assert.All(sa.Sa.Certificates, c => Assert.True(c.Decrypted));
    }

    [Fact]
    public void WithoutKeys_EncryptedCertificatesAreNotSeen()
    {
        Assert.Empty(Analyze("strongswan-ikev2-aes-cbc", keys: false).Sa.Certificates);
    }

    private static (Ikev2ExchangeForge Forge, TestPki.Issued Ca, TestPki.Issued Ee) ForgeChain(byte[][]? certReqHashes = null)
    {
        var ca = TestPki.Ca("C=CH,O=Test,CN=Test CA", seed: 11);
        var ee = TestPki.Issue(ca, "C=CH,O=Test,CN=R1", serial: 3, seed: 12, new Org.BouncyCastle.Asn1.X509.GeneralName(
            Org.BouncyCastle.Asn1.X509.GeneralName.DnsName, "r1.example"));
        var suite = new Ikev2CipherSuite(EncryptionTransformId.ENCR_AES_GCM_16, 128, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256);
        var forge = Ikev2ExchangeForge.Create(suite, requestCertificates: [ee.Der, ca.Der], certificateRequestHashes: certReqHashes);
        return (forge, ca, ee);
    }

    private static AnalyzedSa AnalyzeForged(Ikev2ExchangeForge f, CaCatalog? cas = null)
    {
        var ring = new KeyRing();
        ring.Add(new Ikev2KeyEntry(f.SpiI, f.SpiR, f.Suite, f.Keys));
        return Assert.Single(Exchanges.IkeForge.Analyze(f.Datagrams, new AnalysisOptions { Keys = ring, Cas = cas ?? new CaCatalog() }).Sas);
    }

    [Fact]
    public void Rfc7296_3_6_ChainOrderWithinTheMessage()
    {
        var (forge, _, _) = ForgeChain();
        var sa = AnalyzeForged(forge);
        Assert.Equal(2, sa.Sa.Certificates.Count);
        var (ee, ca) = (sa.Sa.Certificates[0], sa.Sa.Certificates[1]);
        Assert.Equal((1, 2, 2), (ee.Position, ee.Count, ee.IssuerPosition));   // CERT 1 is issued by CERT 2
        Assert.Equal((2, (int?)null), (ca.Position, ca.IssuerPosition));
        Assert.True(ca.Info!.IsSelfIssued);
        Assert.True(ca.Info.IsCa);
        Assert.Equal("CN=R1,O=Test,C=CH", sa.Sa.InitiatorCertificate);   // the first certificate: the signing one
    }

    /// <summary>RFC 7296 §3.7: a CERTREQ hash is named by any certificate seen in the capture with that
    /// SubjectPublicKeyInfo — here the CA and even the end-entity certificate sent (decrypted) in IKE_AUTH, no --ca.</summary>
    [Fact]
    public void Rfc7296_3_7_CertReqHashesNamedFromCertificatesSeenInTheCapture()
    {
        var ca = TestPki.Ca("C=CH,O=Test,CN=Test CA", seed: 11);
        var ee = TestPki.Issue(ca, "C=CH,O=Test,CN=R1", serial: 3, seed: 12);
        byte[] unknown = Enumerable.Repeat((byte)0xAB, 20).ToArray();
        byte[] Hash(TestPki.Issued c) => Convert.FromHexString(CaCatalog.HashOf(c.Certificate));
        var (forge, _, _) = ForgeChain([Hash(ca), unknown, Hash(ee)]);
        var sa = AnalyzeForged(forge);
        Assert.Equal(["CN=Test CA,O=Test,C=CH", null, "CN=R1,O=Test,C=CH"], sa.Sa.ResponderCertRequests.Select(e => e.CaName).ToList());
    }

    [Fact]
    public void OtherEncodingsAndDamagedCertificates_AreReportedNotThrown()
    {
        var suite = new Ikev2CipherSuite(EncryptionTransformId.ENCR_AES_CBC, 128, IntegrityTransformId.AUTH_HMAC_SHA1_96, PrfTransformId.PRF_HMAC_SHA1);
        // Cert Encoding 12, Hash and URL of X.509 certificate (RFC 7296 §3.6): a hash and a URL, no certificate
        var hashAndUrl = Ikev2ExchangeForge.Create(suite, requestCertificates: [[.. new byte[20], .. "http://x/c.der"u8.ToArray()]],
            requestCertEncoding: 12);
        var c = Assert.Single(AnalyzeForged(hashAndUrl).Sa.Certificates);
        Assert.Null(c.Info);
        Assert.Equal("Cert Encoding 12 (Hash_And_URL_Of_X509_Certificate) is not an X.509 certificate: not read", c.Problem);

        var damaged = Ikev2ExchangeForge.Create(suite, requestCertificates: [[0x30, 0x82, 0x01, 0x00, 0x01]]);
        var d = Assert.Single(AnalyzeForged(damaged).Sa.Certificates);
        Assert.False(d.Info!.IsParsed);
        Assert.StartsWith("not a DER X.509 certificate: ", d.Problem);
        var text = new StringWriter();
        new AnalyzeTextWriter(text).WriteSa(AnalyzeForged(damaged));
        Assert.Contains("      problem    not a DER X.509 certificate: ", text.ToString());
    }

    [Fact]
    public void AnalyzeText_ShowsEachCertificateWithItsChainPlace()
    {
        var (forge, _, _) = ForgeChain();
        var w = new StringWriter();
        new AnalyzeTextWriter(w).WriteSa(AnalyzeForged(forge));
        string text = w.ToString();
        Assert.Contains("""
              Certificates (per message, in payload order)
                frame 3  initiator  IKE_AUTH request (decrypted)  CERT 1/2
                  subject    cn=R1,o=Test,c=CH
                  issuer     cn=Test CA,o=Test,c=CH (CERT 2 of this message)
                  serial     03
                  valid      2024-01-02T03:04:05Z to 2034-01-02T03:04:05Z
                  alt names  DNS:r1.example
                  key        EC 256 (secp256r1)
                  signature  SHA-256withECDSA
                frame 3  initiator  IKE_AUTH request (decrypted)  CERT 2/2
                  subject    cn=Test CA,o=Test,c=CH
                  issuer     cn=Test CA,o=Test,c=CH (self-signed)
                  serial     01
                  valid      2024-01-02T03:04:05Z to 2034-01-02T03:04:05Z
                  key        EC 256 (secp256r1), CA
                  signature  SHA-256withECDSA
            """.Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void AnalyzeJson_CertificatesArray()
    {
        const string s = "strongswan-ikev2-aes-cbc";
        var (exit, output, error) = Run("analyze", "-f", "json", RepoCapture(s), "--keys",
            Path.Combine(TestPaths.RepoRoot, "captures", s, "ikev2_decryption_table"));
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var certs = doc.RootElement.GetProperty("sas")[0].GetProperty("certificates");
        Assert.Equal(2, certs.GetArrayLength());
        var moon = certs[0];
        Assert.Equal(3, moon.GetProperty("frame").GetInt32());
        Assert.Equal("initiator", moon.GetProperty("sender").GetString());
        Assert.Equal("IKE_AUTH request", moon.GetProperty("step").GetString());
        Assert.Equal("IkeAuth", moon.GetProperty("exchange").GetString());
        Assert.Equal(1, moon.GetProperty("position").GetInt32());
        Assert.True(moon.GetProperty("decrypted").GetBoolean());
        Assert.Equal(4, moon.GetProperty("encodingRaw").GetInt32());
        Assert.Equal("CN=moon.lab.example,O=PcapIke Lab,C=CH", moon.GetProperty("subject").GetString());
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", moon.GetProperty("issuer").GetString());
        Assert.Equal("11", moon.GetProperty("serial").GetString());
        Assert.Equal("2026-11-27T13:13:07Z", moon.GetProperty("notBefore").GetString());
        Assert.Equal("2031-11-26T13:13:07Z", moon.GetProperty("notAfter").GetString());
        Assert.Equal("DNS:moon.lab.example", moon.GetProperty("subjectAltNames")[0].GetString());
        Assert.Equal("RSA", moon.GetProperty("keyAlgorithm").GetString());
        Assert.Equal(2048, moon.GetProperty("keyBits").GetInt32());
        Assert.Equal("SHA-256withRSA", moon.GetProperty("signatureAlgorithm").GetString());
        Assert.False(moon.GetProperty("isCa").GetBoolean());
        Assert.Equal(JsonValueKind.Null, moon.GetProperty("issuerPosition").ValueKind);
        Assert.Equal(JsonValueKind.Null, moon.GetProperty("problem").ValueKind);
        Assert.Equal(40, moon.GetProperty("spkiSha1").GetString()!.Length);
    }
}
