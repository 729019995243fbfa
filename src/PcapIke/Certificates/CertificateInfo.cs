using System.Globalization;
using System.Net;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PcapIke.Ike;

namespace PcapIke.Certificates;

/// <summary>
/// What an X.509 certificate says (RFC 5280 §4.1): subject, issuer, serial, validity, SubjectAltNames, public key,
/// signature algorithm, CA flag — the one summary of a certificate, whether it came in a CERT payload or in the hex
/// dump of a router's configuration (<c>crypto pki certificate chain</c>, read by Model/Ios). Read with BouncyCastle
/// from untrusted bytes: every failure is in <see cref="Problems"/> (the fields it affects stay null), never an
/// exception.
/// </summary>
public sealed record CertificateInfo
{
    /// <summary>The certificate as carried (DER).</summary>
    public required byte[] Der { get; init; }
    /// <summary>Subject DN, RFC 4514 (<c>CN=moon.lab.example,O=PcapIke Lab,C=CH</c>).</summary>
    public string? Subject { get; init; }
    /// <summary>Subject and issuer DN as IOS prints them (<see cref="DistinguishedName.ToIosString"/>): the names
    /// engineers compare with <c>show crypto pki certificates</c>.</summary>
    public string? SubjectIos { get; init; }
    public string? IssuerIos { get; init; }
    public string? Issuer { get; init; }
    /// <summary>The subject and issuer names as DER (an IKEv1 CERT_REQ names a CA by this, RFC 4945 §3.2.1).</summary>
    public byte[]? SubjectDer { get; init; }
    public byte[]? IssuerDer { get; init; }
    /// <summary>The subject's (last) commonName, null without one.</summary>
    public string? SubjectCommonName { get; init; }
    /// <summary>Serial number in lower-case hex, an even number of digits (<c>03</c>, <c>0b4f</c>).</summary>
    public string? SerialHex { get; init; }
    public DateTime? NotBefore { get; init; }
    public DateTime? NotAfter { get; init; }
    /// <summary>subjectAltName entries (RFC 5280 §4.2.1.6) as <c>DNS:name</c>, <c>IP:192.0.2.1</c>,
    /// <c>email:a@b</c>, <c>URI:…</c>, <c>DirName:…</c>, in certificate order.</summary>
    public IReadOnlyList<string> SubjectAltNames { get; init; } = [];
    /// <summary><c>RSA</c>, <c>EC</c>, <c>DSA</c>, <c>Ed25519</c>, <c>Ed448</c>, else the algorithm OID.</summary>
    public string? KeyAlgorithm { get; init; }
    /// <summary>Modulus length (RSA), field size (EC), P length (DSA), 256 / 456 (Ed25519 / Ed448).</summary>
    public int? KeyBits { get; init; }
    /// <summary>EC named curve (<c>secp256r1</c>), when one.</summary>
    public string? KeyCurve { get; init; }
    /// <summary>BouncyCastle's name of the signature algorithm (<c>SHA-256withRSA</c>).</summary>
    public string? SignatureAlgorithm { get; init; }
    public string? SignatureAlgorithmOid { get; init; }
    /// <summary>basicConstraints cA (RFC 5280 §4.2.1.9).</summary>
    public bool IsCa { get; init; }
    /// <summary>Lower-case hex SHA-1 of the SubjectPublicKeyInfo: what an IKEv2 CERTREQ names (RFC 7296 §3.7).</summary>
    public string? SpkiSha1 { get; init; }
    /// <summary>Lower-case hex SHA-256 of the DER: the certificate's identity in a capture.</summary>
    public required string Sha256 { get; init; }
    /// <summary>What could not be read, one line each; empty when everything was.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool IsParsed => Subject is not null;

    /// <summary><see cref="SpkiSha1"/> as octets, as a CERTREQ carries it.</summary>
    public byte[]? SpkiSha1Octets => SpkiSha1 is null ? null : Convert.FromHexString(SpkiSha1);

    /// <summary>The values of a subject attribute, e.g. <see cref="SerialNumberOid"/> (what IOS's
    /// <c>serial-number</c> puts in), <see cref="HostnameOid"/> (<c>fqdn</c>), <see cref="IpAddressOid"/>.</summary>
    public IReadOnlyList<string> SubjectValues(string oid) =>
        SubjectDer is not null && DistinguishedName.TryDecode(SubjectDer, out var dn) && dn is not null
            ? dn.Rdns.SelectMany(r => r).Where(a => a.Oid == oid).Select(a => a.Value).ToArray()
            : [];

    public static readonly string SerialNumberOid = X509Name.SerialNumber.Id;
    public static readonly string HostnameOid = Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.Pkcs9AtUnstructuredName.Id;
    public static readonly string IpAddressOid = Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.Pkcs9AtUnstructuredAddress.Id;
    public static readonly string CommonNameOid = X509Name.CN.Id;
    public bool IsSelfIssued => Subject is not null && Subject == Issuer;

    /// <summary>"RSA 2048", "EC 256 (secp256r1)", null when unknown.</summary>
    public string? KeyText => KeyAlgorithm is null ? null
        : KeyBits is { } b ? $"{KeyAlgorithm} {b.ToString(CultureInfo.InvariantCulture)}{(KeyCurve is null ? "" : $" ({KeyCurve})")}"
        : KeyAlgorithm;

    /// <summary>Reads a DER certificate; never throws.</summary>
    public static CertificateInfo Parse(byte[] der)
    {
        string sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(der));
        X509Certificate cert;
        try
        {
            cert = new X509CertificateParser().ReadCertificate(der) ?? throw new InvalidDataException("no certificate in it");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new CertificateInfo { Der = der, Sha256 = sha256, Problems = [$"not a DER X.509 certificate: {OneLine(ex.Message)}"] };
        }
        var problems = new List<string>();
        T? Try<T>(string what, Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                problems.Add($"{what}: {OneLine(ex.Message)}");
                return default;
            }
        }
        var key = Try("public key", () => ReadKey(cert));
        var info = new CertificateInfo
        {
            Der = der,
            Sha256 = sha256,
            Subject = Try("subject", () => Rfc4514(cert.SubjectDN)),
            SubjectIos = Try("subject", () => Ios(cert.SubjectDN)),
            IssuerIos = Try("issuer", () => Ios(cert.IssuerDN)),
            Issuer = Try("issuer", () => Rfc4514(cert.IssuerDN)),
            SubjectDer = Try("subject", () => cert.SubjectDN.GetEncoded(Asn1Encodable.Der)),
            IssuerDer = Try("issuer", () => cert.IssuerDN.GetEncoded(Asn1Encodable.Der)),
            SubjectCommonName = Try("subject commonName", () => CommonName(cert.SubjectDN)),
            SerialHex = Try("serial number", () => SerialHexOf(cert)),
            NotBefore = Try("notBefore", () => (DateTime?)DateTime.SpecifyKind(cert.NotBefore, DateTimeKind.Utc)),
            NotAfter = Try("notAfter", () => (DateTime?)DateTime.SpecifyKind(cert.NotAfter, DateTimeKind.Utc)),
            SubjectAltNames = Try("subjectAltName", () => AltNames(cert)) ?? [],
            KeyAlgorithm = key.Algorithm,
            KeyBits = key.Bits,
            KeyCurve = key.Curve,
            SignatureAlgorithm = Try("signature algorithm", () => cert.SigAlgName),
            SignatureAlgorithmOid = Try("signature algorithm", () => cert.SigAlgOid),
            IsCa = Try("basicConstraints", () => cert.GetBasicConstraints() >= 0),
            SpkiSha1 = Try("SubjectPublicKeyInfo", () => Convert.ToHexStringLower(
                DigestUtilities.CalculateDigest("SHA-1", cert.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der)))),
        };
        // octets after the certificate (a hex dump or CERT payload longer than the DER it holds)
        if (Try("encoding", () => cert.GetEncoded().Length) is int encoded and > 0 && encoded < der.Length)
            problems.Add($"{der.Length - encoded} octets after the certificate's DER");
        return info with { Problems = problems.Distinct().ToList() };
    }

    /// <summary>The DN as IOS prints it (<c>show crypto pki certificates</c>, debug): <c>serialNumber=101+ipaddress=…+hostname=…,cn=R2,o=cisco,o=com</c>.</summary>
    private static string Ios(X509Name name) =>
        DistinguishedName.TryDecode(name.GetEncoded(), out DistinguishedName? dn) ? dn!.ToIosString() : name.ToString();

    private static string Rfc4514(X509Name name) =>
        DistinguishedName.TryDecode(name.GetEncoded(), out DistinguishedName? dn) ? dn!.ToRfc4514String() : Text.SafeText.Visible(name.ToString());

    private static string? CommonName(X509Name name)
    {
        var values = name.GetValueList(X509Name.CN);
        return values.Count == 0 ? null : Text.SafeText.Visible(values[^1]);
    }

    private static string SerialHexOf(X509Certificate cert)
    {
        string hex = Convert.ToHexStringLower(cert.SerialNumber.ToByteArrayUnsigned());
        return hex.Length == 0 ? "00" : hex;
    }

    private static (string? Algorithm, int? Bits, string? Curve) ReadKey(X509Certificate cert)
    {
        var spki = cert.CertificateStructure.SubjectPublicKeyInfo;
        string oid = spki.Algorithm.Algorithm.Id;
        var key = cert.GetPublicKey();
        return key switch
        {
            RsaKeyParameters rsa => ("RSA", rsa.Modulus.BitLength, null),
            ECPublicKeyParameters ec => ("EC", ec.Parameters.Curve.FieldSize,
                // RFC 5480 §2.1.1.1 names (secp256r1), else any BouncyCastle knows, else the OID
                spki.Algorithm.Parameters is DerObjectIdentifier curve
                    ? Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetName(curve)
                      ?? Org.BouncyCastle.Asn1.X9.ECNamedCurveTable.GetName(curve) ?? curve.Id
                    : null),
            DsaPublicKeyParameters dsa => ("DSA", dsa.Parameters?.P.BitLength, null),
            Ed25519PublicKeyParameters => ("Ed25519", 256, null),
            Ed448PublicKeyParameters => ("Ed448", 456, null),
            _ => (oid, null, null),
        };
    }

    /// <summary>subjectAltName GeneralNames (RFC 5280 §4.2.1.6), each as <c>type:value</c>.</summary>
    private static List<string> AltNames(X509Certificate cert)
    {
        var value = cert.GetExtensionValue(X509Extensions.SubjectAlternativeName);
        if (value is null) return [];
        var names = GeneralNames.GetInstance(Asn1Object.FromByteArray(value.GetOctets()));
        var list = new List<string>();
        foreach (GeneralName g in names.GetNames())
        {
            list.Add(Text.SafeText.Visible(g.TagNo switch
            {
                GeneralName.DnsName => "DNS:" + ((IAsn1String)g.Name).GetString(),
                GeneralName.Rfc822Name => "email:" + ((IAsn1String)g.Name).GetString(),
                GeneralName.UniformResourceIdentifier => "URI:" + ((IAsn1String)g.Name).GetString(),
                GeneralName.IPAddress => "IP:" + IpText(Asn1OctetString.GetInstance(g.Name).GetOctets()),
                GeneralName.DirectoryName => "DirName:" + Rfc4514(X509Name.GetInstance(g.Name)),
                GeneralName.RegisteredID => "RID:" + DerObjectIdentifier.GetInstance(g.Name).Id,
                _ => $"othername({g.TagNo}):#" + Convert.ToHexStringLower(g.Name.ToAsn1Object().GetEncoded(Asn1Encodable.Der)),
            }));
        }
        return list;
    }

    private static string IpText(byte[] octets) =>
        octets.Length is 4 or 16 ? new IPAddress(octets).ToString() : "#" + Convert.ToHexStringLower(octets);

    private static string OneLine(string s) => string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The certificate as PEM (RFC 7468 §5), lines of 64 characters, '\n' line ends.</summary>
    public string ToPem()
    {
        string b64 = Convert.ToBase64String(Der);
        var sb = new System.Text.StringBuilder("-----BEGIN CERTIFICATE-----\n");
        for (int i = 0; i < b64.Length; i += 64) sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        return sb.Append("-----END CERTIFICATE-----\n").ToString();
    }
}
