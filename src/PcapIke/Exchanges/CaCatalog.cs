namespace PcapIke.Exchanges;

/// <summary>
/// CA certificates known to the analysis, by the SHA-1 of their SubjectPublicKeyInfo (the IKEv2 CERTREQ "CA hash",
/// RFC 7296 §3.7). CONTRACT: implemented in the exchanges work.
/// </summary>
public sealed class CaCatalog
{
    /// <summary>Loads PEM or DER certificates from a file, or from every file of a directory.</summary>
    public static CaCatalog Load(IEnumerable<string> paths) => throw new NotImplementedException();

    /// <summary>Adds a DER certificate (e.g. one seen in the capture).</summary>
    public void Add(ReadOnlySpan<byte> certificateDer) => throw new NotImplementedException();

    /// <summary>The CA's subject (RFC 4514) for a lower-case hex SHA-1 SPKI hash, or null.</summary>
    public string? NameOf(string caHashHex) => null;

    public int Count => 0;
}
