using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace PcapIke.Exchanges;

/// <summary>
/// CA certificates known to the analysis, by the SHA-1 of their SubjectPublicKeyInfo (the IKEv2 CERTREQ "CA hash",
/// RFC 7296 §3.7). Loaded from <c>--ca FILE|DIR</c> (PEM or DER) and completed with the certificates seen in CERT
/// payloads of the capture (clear or decrypted).
/// </summary>
public sealed class CaCatalog
{
    private readonly Dictionary<string, string> _byHash = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads PEM or DER certificates from a file, or from every file of a directory (not recursive). A missing path, a
    /// file that holds no certificate or one that does not parse throws <see cref="InvalidDataException"/> naming the
    /// file: one line for the CLI.
    /// </summary>
    public static CaCatalog Load(IEnumerable<string> paths)
    {
        var catalog = new CaCatalog();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                // A directory holds more than certificates (a capture folder has the pcap, README, key tables):
                // take the files named as certificates; a file named explicitly must be one.
                foreach (string file in Directory.GetFiles(path).Where(IsCertificateFileName).Order(StringComparer.Ordinal))
                    catalog.LoadFile(file);
            }
            else if (File.Exists(path))
                catalog.LoadFile(path);
            else
                throw new InvalidDataException($"{path}: no such CA certificate file or directory");
        }
        return catalog;
    }

    private static readonly string[] s_certificateExtensions = [".pem", ".crt", ".cer", ".der"];

    /// <summary>A file that <see cref="Load"/> reads from a directory (by extension).</summary>
    public static bool IsCertificateFileName(string file) =>
        s_certificateExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase);

    private void LoadFile(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{file}: cannot read CA certificate file ({e.Message})", e);
        }
        int count = 0;
        try
        {
            // X509CertificateParser reads both PEM ("-----BEGIN CERTIFICATE-----") and DER, several per file.
            foreach (X509Certificate cert in new X509CertificateParser().ReadCertificates(bytes))
            {
                AddCertificate(cert);
                count++;
            }
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"{file}: not a PEM or DER X.509 certificate ({e.Message})", e);
        }
        if (count == 0)
            throw new InvalidDataException($"{file}: no PEM or DER X.509 certificate in it");
    }

    /// <summary>Adds a DER certificate (e.g. one seen in the capture). Throws <see cref="InvalidDataException"/> when it
    /// does not parse.</summary>
    public void Add(ReadOnlySpan<byte> certificateDer)
    {
        X509Certificate cert;
        try
        {
            cert = new X509CertificateParser().ReadCertificate(certificateDer.ToArray())
                ?? throw new InvalidDataException("empty certificate");
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"not a DER X.509 certificate ({e.Message})", e);
        }
        AddCertificate(cert);
    }

    /// <summary>Adds a DER certificate only when it is a CA (basicConstraints cA, RFC 5280 §4.2.1.9); false otherwise or
    /// when it does not parse. For certificates seen in the capture, where end-entity certificates are common.</summary>
    public bool TryAddCa(ReadOnlySpan<byte> certificateDer)
    {
        try
        {
            var cert = new X509CertificateParser().ReadCertificate(certificateDer.ToArray());
            if (cert is null || cert.GetBasicConstraints() < 0) return false;
            AddCertificate(cert);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Adds a DER certificate, CA or not; false when it does not parse. For the certificates seen in the
    /// capture: a CERTREQ hash names whichever of them has that SubjectPublicKeyInfo.</summary>
    public bool TryAdd(ReadOnlySpan<byte> certificateDer)
    {
        try
        {
            var cert = new X509CertificateParser().ReadCertificate(certificateDer.ToArray());
            if (cert is null) return false;
            AddCertificate(cert);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private void AddCertificate(X509Certificate cert)
    {
        _byHash[HashOf(cert)] = cert.SubjectDN.ToString(true, X509Name.RFC2253Symbols);
    }

    /// <summary>Lower-case hex SHA-1 of the certificate's SubjectPublicKeyInfo DER (RFC 7296 §3.7 CA hash).</summary>
    public static string HashOf(X509Certificate cert)
    {
        byte[] spki = cert.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der);
        return Convert.ToHexStringLower(DigestUtilities.CalculateDigest("SHA-1", spki));
    }

    /// <summary>The CA's subject (RFC 4514) for a lower-case hex SHA-1 SPKI hash, or null.</summary>
    public string? NameOf(string caHashHex) =>
        _byHash.TryGetValue(caHashHex.ToLowerInvariant(), out string? name) ? name : null;

    /// <summary>The known hashes and subjects.</summary>
    public IReadOnlyDictionary<string, string> Entries => _byHash;

    public int Count => _byHash.Count;
}
