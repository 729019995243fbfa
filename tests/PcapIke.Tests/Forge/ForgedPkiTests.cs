using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using PcapIke.Findings;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Ike;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Forge;

public class ForgedPkiTests
{
    private static readonly Lazy<ForgedPki> s_s1 = new(() => ForgedPki.Create(ScenarioParserTests.S1()));

    private static ForgedPki S1 => s_s1.Value;

    private static string Ios(X509Name name)
    {
        Assert.True(DistinguishedName.TryDecode(name.GetEncoded(), out DistinguishedName? dn));
        return dn!.ToIosString();
    }

    [Fact]
    public void SameSeedGivesByteIdenticalDer()
    {
        ForgedPki again = ForgedPki.Create(ScenarioParserTests.S1());
        Assert.Equal(S1.Cas.Select(c => c.Der), again.Cas.Select(c => c.Der));
        Assert.Equal(S1.Identities.Select(i => i.Der), again.Identities.Select(i => i.Der));
        // S2 is the same routers and seed: the same PKI.
        Assert.Equal(S1.Identities.Select(i => i.Der), ForgedPki.Create(ScenarioParserTests.S2()).Identities.Select(i => i.Der));
    }

    [Fact]
    public void OutputIsStableAcrossProcessesAndVersions()
    {
        // Golden digests: a change here changes every forged capture; update deliberately.
        Assert.Equal("60D89F4A923DA6B6EC00F55B2A289959303AEB64F42A6373B0A4F817026FDF77", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(S1.Ca("CA1").Der)));
        Assert.Equal("D5F3D4DA6856516E9566DA3BE4C1463127C300D3EF76C985C3CE6FB09AF87197", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(S1.Identity("R1", "IOSCA2").Der)));
    }

    [Fact]
    public void DifferentSeedGivesDifferentKeysAndCertificates()
    {
        Scenario other = ScenarioParserTests.S1() with { Seed = "another seed" };
        ForgedPki pki = ForgedPki.Create(other);
        Assert.NotEqual(S1.Ca("CA1").Der, pki.Ca("CA1").Der);
        Assert.NotEqual(S1.Identity("R1", "IOSCA1").Der, pki.Identity("R1", "IOSCA1").Der);
        // Only the keys and signatures change: names, serials and dates come from the scenario.
        Assert.Equal(S1.Ca("CA1").SubjectDer, pki.Ca("CA1").SubjectDer);
    }

    [Fact]
    public void CertificatesVerifyAgainstTheirCa()
    {
        foreach (ForgedCa ca in S1.Cas)
            ca.Certificate.Verify(ca.Certificate.GetPublicKey());
        foreach (ForgedIdentity id in S1.Identities)
        {
            id.Certificate.Verify(id.Ca.Certificate.GetPublicKey());
            Assert.Equal(id.Ca.Certificate.SubjectDN, id.Certificate.IssuerDN);
            Assert.Throws<Org.BouncyCastle.Security.InvalidKeyException>(() =>
                id.Certificate.Verify(S1.Cas.Single(c => c != id.Ca).Certificate.GetPublicKey()));
        }
    }

    [Fact]
    public void KeySizesAreTheTechnotes()
    {
        Assert.All(S1.Cas, c => Assert.Equal(1024, ((RsaKeyParameters)c.Keys.Public).Modulus.BitLength));
        Assert.All(S1.Identities, i => Assert.Equal(512, ((RsaKeyParameters)i.Keys.Public).Modulus.BitLength));
        Assert.All(S1.Identities, i => Assert.Equal("SHA-256withRSA", i.Certificate.SigAlgName));
        // One general-purpose key pair per router, shared by its trustpoints (no rsakeypair configured).
        Assert.Equal(S1.Identity("R1", "IOSCA1").Keys.Public, S1.Identity("R1", "IOSCA2").Keys.Public);
        Assert.NotEqual(S1.Identity("R1", "IOSCA1").Keys.Public, S1.Identity("R2", "IOSCA1").Keys.Public);
    }

    [Fact]
    public void RouterCertificatesFitTheTechnotesMm5AndMm6()
    {
        // MM5 736 IP bytes = 20 + 8 + 28 + 680 encrypted: ID_FQDN 20, CERT 5 + c, SIG 4 + 64 (512-bit key),
        // INITIAL-CONTACT 28, padding; MM6 712 = 656 encrypted without the notify. Both hold c = 552..559.
        Assert.All(S1.Identities, i => Assert.Equal(559, i.Der.Length));
    }

    [Fact]
    public void Sha1WithRsaIsAllowed()
    {
        Scenario s = ScenarioParserTests.S1() with { Keys = new KeySettings(1024, 512, KeySettings.Sha1WithRsa) };
        ForgedPki pki = ForgedPki.Create(s);
        Assert.Equal("SHA-1withRSA", pki.Identity("R2", "IOSCA2").Certificate.SigAlgName);
        pki.Identity("R2", "IOSCA2").Certificate.Verify(pki.Ca("CA2").Certificate.GetPublicKey());
    }

    [Fact]
    public void SubjectsRenderInIosStyleAsTheTechnotePrintsThem()
    {
        Assert.Equal(TechnoteCaptures.Ca1, Ios(S1.Ca("CA1").Certificate.SubjectDN));
        Assert.Equal(TechnoteCaptures.Ca2, Ios(S1.Ca("CA2").Certificate.IssuerDN));
        Assert.Equal("serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com",
            Ios(S1.Identity("R1", "IOSCA2").Certificate.SubjectDN));
        Assert.Equal("serialNumber=101+ipaddress=192.168.0.2+hostname=R2.cisco.com,cn=R2,ou=IT,o=cisco,o=com",
            Ios(S1.Identity("R2", "IOSCA1").Certificate.SubjectDN));
        Assert.Equal("cn=CA1,o=cisco,o=com", Ios(S1.Identity("R2", "IOSCA1").Certificate.IssuerDN));
    }

    [Fact]
    public void StoreOrderIsNewestEnrollmentFirst()
    {
        Assert.Equal(["CA2", "CA1"], S1.Store("R1").Select(i => i.Ca.Name));
        Assert.Equal(["CA1", "CA2"], S1.Store("R2").Select(i => i.Ca.Name));
    }

    [Fact]
    public void SerialsAndStartDatesFollowTheEnrollmentTimelineAsInTheTechnote()
    {
        // Technote: R1's CA2 certificate is serial 03 from 13:25:01 CET Jun 17 2013; R2's CA1 certificate 02 from 13:23:49.
        X509Certificate r1 = S1.Identity("R1", "IOSCA2").Certificate, r2 = S1.Identity("R2", "IOSCA1").Certificate;
        Assert.Equal(3, r1.SerialNumber.IntValue);
        Assert.Equal(2, r2.SerialNumber.IntValue);
        Assert.Equal(new DateTime(2013, 6, 17, 12, 25, 1, DateTimeKind.Utc), r1.NotBefore);
        Assert.Equal(new DateTime(2014, 6, 17, 12, 25, 1, DateTimeKind.Utc), r1.NotAfter);
        Assert.Equal(new DateTime(2013, 6, 17, 12, 23, 49, DateTimeKind.Utc), r2.NotBefore);
        Assert.Equal(1, S1.Ca("CA1").Certificate.SerialNumber.IntValue);
    }

    [Fact]
    public void Ca1CertRequestIsTheTechnotes51BytePayload()
    {
        byte[] body = ForgedPki.CertRequestBody(S1.Ca("CA1").SubjectDer);
        Assert.Equal(51, 4 + body.Length);                       // RFC 2408 §3.10: generic header + encoding + DER Name
        Assert.Equal(TechnoteCaptures.DnDer(TechnoteCaptures.Ca1), S1.Ca("CA1").SubjectDer);
    }

    [Fact]
    public void BuiltInCaDersRenderAsTheIosList()
    {
        Assert.Equal(IosBuiltInCas.Dns, ForgedPki.BuiltInCaDers.Select(d =>
        {
            Assert.True(DistinguishedName.TryDecode(d, out DistinguishedName? dn));
            return dn!.ToIosString();
        }));
        Assert.Equal(TechnoteCaptures.Cas.Skip(2).Select(c => TechnoteCaptures.DnDer(c.Ios)), ForgedPki.BuiltInCaDers);
    }

    [Fact]
    public void SpkiSha1IsTheHashOfTheSubjectPublicKeyInfo()
    {
        ForgedCa ca = S1.Ca("CA2");
        byte[] spki = ca.Certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded();
        Assert.Equal(System.Security.Cryptography.SHA1.HashData(spki), ca.SpkiSha1);
        Assert.NotEqual(S1.Ca("CA1").SpkiSha1, ca.SpkiSha1);
    }

    [Fact]
    public void PemRoundTripsThroughDotNet()
    {
        ForgedCa ca = S1.Ca("CA1");
        Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", ca.Pem);
        Assert.All(ca.Pem.Split('\n'), line => Assert.True(line.Length <= 64));
        using var x = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(ca.Pem);
        Assert.Equal(ca.Der, x.RawData);
    }
}
