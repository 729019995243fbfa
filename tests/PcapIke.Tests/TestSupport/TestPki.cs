using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace PcapIke.Tests.TestSupport;

/// <summary>Small deterministic EC P-256 certificates made with BouncyCastle, for the certificate tests.</summary>
internal static class TestPki
{
    public sealed record Issued(X509Certificate Certificate, AsymmetricCipherKeyPair Keys)
    {
        public byte[] Der => Certificate.GetEncoded();
    }

    private static SecureRandom Random(int seed)
    {
        var r = new SecureRandom(new DigestRandomGenerator(new Sha256Digest()));
        r.SetSeed(BitConverter.GetBytes(seed));
        return r;
    }

    public static AsymmetricCipherKeyPair EcKeys(int seed)
    {
        var g = new ECKeyPairGenerator();
        g.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, Random(seed)));
        return g.GenerateKeyPair();
    }

    public static readonly DateTime From = new(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    public static readonly DateTime To = new(2034, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    /// <summary>A self-signed CA (basicConstraints cA).</summary>
    public static Issued Ca(string dn, int seed, long serial = 1)
    {
        var keys = EcKeys(seed);
        return new Issued(Build(new X509Name(dn), new X509Name(dn), keys.Public, keys.Private, serial, ca: true, sans: null, seed), keys);
    }

    /// <summary>An end-entity certificate issued by <paramref name="ca"/>.</summary>
    public static Issued Issue(Issued ca, string dn, long serial, int seed, params GeneralName[] sans)
    {
        var keys = EcKeys(seed);
        return new Issued(Build(new X509Name(dn), ca.Certificate.SubjectDN, keys.Public, ca.Keys.Private, serial, ca: false, sans, seed), keys);
    }

    private static X509Certificate Build(X509Name subject, X509Name issuer, AsymmetricKeyParameter publicKey,
        AsymmetricKeyParameter signer, long serial, bool ca, GeneralName[]? sans, int seed)
    {
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(BigInteger.ValueOf(serial));
        g.SetSubjectDN(subject);
        g.SetIssuerDN(issuer);
        g.SetNotBefore(From);
        g.SetNotAfter(To);
        g.SetPublicKey(publicKey);
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(ca));
        if (sans is { Length: > 0 }) g.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(sans));
        return g.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", signer, Random(seed + 1000)));
    }
}
