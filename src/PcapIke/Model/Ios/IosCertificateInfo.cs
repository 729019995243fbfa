using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PcapIke.Ike;

namespace PcapIke.Model.Ios;

/// <summary>
/// A certificate read from the DER a configuration dumps: serial number as IOS prints it (upper-case hex, even
/// length), issuer and subject in IOS's debug style (<c>cn=CA1,o=cisco,o=com</c>) with their DER, validity in UTC, the
/// SHA-1 of the SubjectPublicKeyInfo (its IKEv2 CERTREQ hash, RFC 7296 §3.7), and the DER itself.
/// </summary>
public sealed record IosCertificateInfo(
    string SerialHex,
    string Issuer,
    string Subject,
    DateTime NotBeforeUtc,
    DateTime NotAfterUtc,
    bool IsCa,
    byte[] IssuerDer,
    byte[] SubjectDer,
    byte[] SpkiSha1,
    byte[] Der)
{
    /// <summary>The values of a subject attribute, e.g. <see cref="SerialNumberOid"/> (the router serial
    /// <c>serial-number</c> puts in), <see cref="HostnameOid"/> (<c>fqdn</c>), <see cref="IpAddressOid"/>.</summary>
    public IReadOnlyList<string> SubjectValues(string oid) =>
        DistinguishedName.TryDecode(SubjectDer, out var dn) && dn is not null
            ? dn.Rdns.SelectMany(r => r).Where(a => a.Oid == oid).Select(a => a.Value).ToArray()
            : [];

    public static readonly string SerialNumberOid = X509Name.SerialNumber.Id;
    public static readonly string HostnameOid = PkcsObjectIdentifiers.Pkcs9AtUnstructuredName.Id;
    public static readonly string IpAddressOid = PkcsObjectIdentifiers.Pkcs9AtUnstructuredAddress.Id;
    public static readonly string CommonNameOid = X509Name.CN.Id;

    /// <summary>The certificate as BouncyCastle reads it, e.g. to verify a peer's signature with.</summary>
    public X509Certificate ToX509() => new X509CertificateParser().ReadCertificate(Der);

    /// <summary>Reads a DER X.509 certificate with BouncyCastle's <see cref="X509CertificateParser"/>; null and a
    /// one-line reason when it is not one. Never throws.</summary>
    public static IosCertificateInfo? TryRead(byte[] der, out string? problem)
    {
        problem = null;
        X509Certificate? cert;
        try
        {
            cert = new X509CertificateParser().ReadCertificate(der);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // BouncyCastle reports bad DER with CertificateException, IOException, Asn1 parsing and argument exceptions.
            problem = $"not a DER X.509 certificate ({e.GetType().Name}: {FirstLine(e.Message)})";
            return null;
        }
        if (cert is null)
        {
            problem = "not a DER X.509 certificate (no certificate in the dump)";
            return null;
        }
        try
        {
            byte[] issuerDer = cert.IssuerDN.GetEncoded(Asn1Encodable.Der);
            byte[] subjectDer = cert.SubjectDN.GetEncoded(Asn1Encodable.Der);
            byte[] encoded = cert.GetEncoded();
            if (encoded.Length != der.Length)
                problem = $"{der.Length - encoded.Length} octets after the certificate's DER";
            return new IosCertificateInfo(
                SerialHexOf(cert),
                IosName(issuerDer, cert.IssuerDN),
                IosName(subjectDer, cert.SubjectDN),
                DateTime.SpecifyKind(cert.NotBefore, DateTimeKind.Utc),
                DateTime.SpecifyKind(cert.NotAfter, DateTimeKind.Utc),
                cert.GetBasicConstraints() >= 0,
                issuerDer,
                subjectDer,
                SpkiSha1Of(cert),
                encoded);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problem = $"unreadable certificate fields ({e.GetType().Name}: {FirstLine(e.Message)})";
            return null;
        }
    }

    /// <summary>The serial number as IOS prints it: upper-case hex, even length.</summary>
    private static string SerialHexOf(X509Certificate certificate)
    {
        string hex = certificate.SerialNumber.ToString(16).ToUpperInvariant();
        return hex.Length % 2 == 0 ? hex : "0" + hex;
    }

    /// <summary>SHA-1 of the SubjectPublicKeyInfo DER (RFC 7296 §3.7: the CA's entry in an IKEv2 CERTREQ).</summary>
    private static byte[] SpkiSha1Of(X509Certificate certificate) =>
        DigestUtilities.CalculateDigest("SHA-1", certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der));

    private static string IosName(byte[] der, X509Name name) =>
        DistinguishedName.TryDecode(der, out var dn) && dn is not null ? dn.ToIosString() : name.ToString();

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
