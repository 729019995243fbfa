using System.Text;
using Org.BouncyCastle.Asn1;
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
using Org.BouncyCastle.X509.Extension;
using PcapIke.Findings;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>A forged CA: its key pair and self-signed certificate (serial 01).</summary>
public sealed class ForgedCa
{
    internal ForgedCa(CaSpec spec, AsymmetricCipherKeyPair keys, X509Certificate certificate)
    {
        Spec = spec;
        Keys = keys;
        Certificate = certificate;
        Der = certificate.GetEncoded();
        SubjectDer = certificate.SubjectDN.GetEncoded(Asn1Encodable.Der);
        SpkiSha1 = ForgedPki.SpkiSha1(certificate);
    }

    public CaSpec Spec { get; }
    public string Name => Spec.Name;
    public AsymmetricCipherKeyPair Keys { get; }
    public X509Certificate Certificate { get; }
    public byte[] Der { get; }

    /// <summary>The DER Name: an IKEv1 CERT_REQ's Certificate Authority field (RFC 4945 §3.2.4).</summary>
    public byte[] SubjectDer { get; }

    /// <summary>SHA-1 of the SubjectPublicKeyInfo: this CA's entry in an IKEv2 CERTREQ (RFC 7296 §3.7).</summary>
    public byte[] SpkiSha1 { get; }

    public string Pem => ForgedPki.ToPem(Der);
}

/// <summary>A router's identity certificate enrolled in one trustpoint, with the router's key pair.</summary>
public sealed class ForgedIdentity
{
    internal ForgedIdentity(RouterSpec router, TrustpointSpec trustpoint, ForgedCa ca, AsymmetricCipherKeyPair keys, X509Certificate certificate)
    {
        Router = router;
        Trustpoint = trustpoint;
        Ca = ca;
        Keys = keys;
        Certificate = certificate;
        Der = certificate.GetEncoded();
    }

    public RouterSpec Router { get; }
    public TrustpointSpec Trustpoint { get; }
    public ForgedCa Ca { get; }

    /// <summary>The router's general-purpose key pair: IOS enrolls every trustpoint without <c>rsakeypair</c> with it.</summary>
    public AsymmetricCipherKeyPair Keys { get; }

    public X509Certificate Certificate { get; }
    public byte[] Der { get; }
    public string Pem => ForgedPki.ToPem(Der);
}

/// <summary>
/// The scenario's PKI, deterministic from <see cref="Scenario.Seed"/>: the same scenario gives byte-identical DER.
/// Every key pair draws from its own SHA-256 <see cref="DigestRandomGenerator"/> seeded with SHA-256(seed, label), so
/// adding a CA or a router does not change the others' keys; RSA PKCS#1 v1.5 signatures are deterministic.
/// Serial numbers follow the enrollment timeline (<see cref="TrustpointSpec.Enrolled"/>): each CA's own certificate is
/// 01, then 02, 03 ... in the order it issued; start dates are epoch + step × interval, as the technote's
/// (CA1#2 to R2 at 13:23:49, CA2#3 to R1 at 13:25:01).
/// </summary>
public sealed class ForgedPki
{
    private readonly Dictionary<string, ForgedCa> _cas;
    private readonly List<ForgedIdentity> _identities;

    private ForgedPki(Scenario scenario, Dictionary<string, ForgedCa> cas, List<ForgedIdentity> identities)
    {
        Scenario = scenario;
        _cas = cas;
        _identities = identities;
    }

    public Scenario Scenario { get; }

    /// <summary>The CAs in scenario order.</summary>
    public IReadOnlyList<ForgedCa> Cas => Scenario.Cas.Select(c => _cas[c.Name]).ToArray();

    /// <summary>Every identity certificate in enrollment (timeline) order.</summary>
    public IReadOnlyList<ForgedIdentity> Identities => _identities;

    public ForgedCa Ca(string name) => _cas[name];

    public ForgedIdentity Identity(string router, string trustpoint) =>
        _identities.Single(i => i.Router.Name == router && i.Trustpoint.Name == trustpoint);

    /// <summary>The router's certificate store, newest enrollment first (<c>show crypto pki certificates</c> order).</summary>
    public IReadOnlyList<ForgedIdentity> Store(string router) =>
        _identities.Where(i => i.Router.Name == router).OrderByDescending(i => i.Trustpoint.Enrolled).ToArray();

    public static ForgedPki Create(Scenario scenario)
    {
        var cas = new Dictionary<string, ForgedCa>(StringComparer.Ordinal);
        foreach (CaSpec spec in scenario.Cas)
        {
            SecureRandom rng = Random(scenario.Seed, "ca/" + spec.Name);
            AsymmetricCipherKeyPair keys = Rsa(rng, scenario.Keys.CaBits);
            X509Name name = IosDn.ToX509Name(spec.Subject);
            var g = new X509V3CertificateGenerator();
            g.SetSerialNumber(BigInteger.One);
            g.SetIssuerDN(name);
            g.SetSubjectDN(name);
            g.SetNotBefore(scenario.Epoch.UtcDateTime);
            g.SetNotAfter(scenario.Epoch.UtcDateTime.AddDays(spec.ValidityDays));
            g.SetPublicKey(keys.Public);
            g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
            g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyCertSign | KeyUsage.CrlSign));
            g.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, KeyIdOnly(keys.Public));
            g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keys.Public));
            X509Certificate cert = g.Generate(new Asn1SignatureFactory(scenario.Keys.SignatureAlgorithm, keys.Private, rng));
            cas.Add(spec.Name, new ForgedCa(spec, keys, cert));
        }

        var routerKeys = scenario.Routers.ToDictionary(
            r => r.Name, r => Rsa(Random(scenario.Seed, "router/" + r.Name), scenario.Keys.RouterBits), StringComparer.Ordinal);
        var nextSerial = cas.Keys.ToDictionary(k => k, _ => 2L, StringComparer.Ordinal);
        var identities = new List<ForgedIdentity>();
        foreach ((RouterSpec router, TrustpointSpec tp) in scenario.Routers
                     .SelectMany(r => r.Trustpoints.Select(t => (r, t)))
                     .OrderBy(x => x.t.Enrolled))
        {
            ForgedCa ca = cas[tp.Ca];
            AsymmetricCipherKeyPair keys = routerKeys[router.Name];
            DateTime start = scenario.Epoch.UtcDateTime + scenario.EnrollmentInterval * tp.Enrolled;
            var g = new X509V3CertificateGenerator();
            g.SetSerialNumber(BigInteger.ValueOf(nextSerial[tp.Ca]++));
            g.SetIssuerDN(ca.Certificate.SubjectDN);
            g.SetSubjectDN(IosDn.ToX509Name(IdentitySubject(tp)));
            g.SetNotBefore(start);
            g.SetNotAfter(start.AddDays(ca.Spec.IssuedValidityDays));
            g.SetPublicKey(keys.Public);
            g.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment));
            g.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, KeyIdOnly(ca.Keys.Public));
            g.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keys.Public));
            SecureRandom rng = Random(scenario.Seed, $"sign/{tp.Ca}/{router.Name}/{tp.Name}");
            X509Certificate cert = g.Generate(new Asn1SignatureFactory(scenario.Keys.SignatureAlgorithm, ca.Keys.Private, rng));
            identities.Add(new ForgedIdentity(router, tp, ca, keys, cert));
        }
        return new ForgedPki(scenario, cas, identities);
    }

    /// <summary>The subject IOS requests for a trustpoint (<see cref="ScenarioPki.IdentitySubject"/>).</summary>
    public static string IdentitySubject(TrustpointSpec tp) => ScenarioPki.IdentitySubject(tp);

    /// <summary>The DER Names of the IOS built-in CAs (<see cref="IosBuiltInCas.Dns"/>, in IOS's order): the tail of an
    /// IOS CERT_REQ list that names every global trustpoint.</summary>
    public static IReadOnlyList<byte[]> BuiltInCaDers => IosBuiltInTrustpoints.CaDers;

    /// <summary>An IKEv1 CERT_REQ payload body (after the 4-byte generic header): encoding 4, X.509 Signature
    /// (RFC 2408 §3.10), then the CA's DER Name.</summary>
    public static byte[] CertRequestBody(byte[] caNameDer) => [4, .. caNameDer];

    /// <summary>SHA-1 of a certificate's SubjectPublicKeyInfo DER (RFC 7296 §3.7 CERTREQ Certification Authority).</summary>
    public static byte[] SpkiSha1(X509Certificate certificate) =>
        DigestUtilities.CalculateDigest("SHA-1", certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der));

    /// <summary>RFC 7468 PEM of a DER certificate: 64-character base64 lines, '\n' line ends.</summary>
    public static string ToPem(byte[] der, string label = "CERTIFICATE")
    {
        string b64 = Convert.ToBase64String(der);
        var sb = new StringBuilder();
        sb.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (int i = 0; i < b64.Length; i += 64)
            sb.Append(b64.AsSpan(i, Math.Min(64, b64.Length - i))).Append('\n');
        sb.Append("-----END ").Append(label).Append("-----\n");
        return sb.ToString();
    }

    /// <summary>A deterministic generator for one use: SHA-256 DigestRandomGenerator seeded with SHA-256(seed ‖ 0 ‖ label).</summary>
    internal static SecureRandom Random(string seed, string label) => DecisionEngine.Random(seed, label);

    /// <summary>RFC 5280 §4.2.1.1 with the key identifier only (no issuer name and serial), as an IOS CA issues: it keeps a
    /// 512-bit router certificate at 559 bytes, the size the technote's MM5 736 / MM6 712 leave room for.</summary>
    private static AuthorityKeyIdentifier KeyIdOnly(AsymmetricKeyParameter issuerPublic) =>
        new(X509ExtensionUtilities.CreateSubjectKeyIdentifier(issuerPublic).GetKeyIdentifier());

    private static AsymmetricCipherKeyPair Rsa(SecureRandom rng, int bits)
    {
        var g = new RsaKeyPairGenerator();
        g.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), rng, bits, 80));
        return g.GenerateKeyPair();
    }
}
