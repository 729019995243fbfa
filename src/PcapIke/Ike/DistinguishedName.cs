using System.Text;
using Org.BouncyCastle.Asn1;

namespace PcapIke.Ike;

/// <summary>One attribute of a relative distinguished name: OID and value as decoded.</summary>
public sealed record DnAttribute(string Oid, string Value, bool IsString, byte[] ValueDer);

/// <summary>
/// A DER DistinguishedName (X.501 RDNSequence) decoded with BouncyCastle, as carried by an IKEv1 CERT_REQ
/// Certificate Authority field (RFC 4945 §3.2.4) or an ID_DER_ASN1_DN identity. Allocates; decode only on demand.
/// Three renderings: Cisco IOS debug style, RFC 4514, and Wireshark's rdnSequence summary.
/// </summary>
public sealed class DistinguishedName
{
    private DistinguishedName(IReadOnlyList<IReadOnlyList<DnAttribute>> rdns) => Rdns = rdns;

    /// <summary>The RDNs in encoding order (most significant first, e.g. C, O, CN).</summary>
    public IReadOnlyList<IReadOnlyList<DnAttribute>> Rdns { get; }

    /// <summary>Decodes <paramref name="der"/>; never throws. False (and <see cref="DecodeStatus.InvalidDistinguishedName"/>)
    /// when it is not exactly one DER SEQUENCE OF SET OF AttributeTypeAndValue.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> der, out DistinguishedName? name)
    {
        name = null;
        if (der.IsEmpty)
            return false;
        try
        {
            byte[] bytes = der.ToArray();
            using var input = new Asn1InputStream(bytes);
            Asn1Object? obj = input.ReadObject();
            // X.690: exactly one encoding, no trailing bytes.
            if (obj is not Asn1Sequence seq || input.Position != bytes.Length)
                return false;
            var rdns = new List<IReadOnlyList<DnAttribute>>(seq.Count);
            foreach (Asn1Encodable rdnEnc in seq)
            {
                if (rdnEnc is not Asn1Set set || set.Count == 0)
                    return false;
                var atvs = new List<DnAttribute>(set.Count);
                foreach (Asn1Encodable atvEnc in set)
                {
                    if (atvEnc is not Asn1Sequence atv || atv.Count != 2 || atv[0] is not DerObjectIdentifier oid)
                        return false;
                    Asn1Encodable v = atv[1];
                    byte[] vDer = v.GetEncoded(Asn1Encodable.Der);
                    if (v is IAsn1String s && v is not DerBitString)
                        atvs.Add(new DnAttribute(oid.Id, s.GetString(), true, vDer));
                    else
                        atvs.Add(new DnAttribute(oid.Id, "#" + Convert.ToHexString(vDer).ToLowerInvariant(), false, vDer));
                }
                rdns.Add(atvs);
            }
            name = new DistinguishedName(rdns);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Wire input: BouncyCastle signals bad DER with IOException, Asn1ParsingException (InvalidOperationException),
            // ArgumentException (bad OID/string) and others; none may escape the dissector.
            return false;
        }
    }

    /// <summary>
    /// Cisco IOS debug style ("peer wants cert issued by ..."): RDNs last-to-first joined by ',', the attributes of a
    /// multi-valued RDN in encoding order joined by '+', lower-case short keys (serialNumber, ipaddress and hostname
    /// spelled as IOS prints them), values unescaped. E.g. <c>cn=CA1,o=cisco,o=com</c>.
    /// </summary>
    public string ToIosString() => Render(IosKey, static v => Text.SafeText.Visible(v.Value));

    /// <summary>The IOS rendering with each value written by <paramref name="value"/> (the model escapes DN separators
    /// so that the name reads back whole, Model/IosDn.FromDer).</summary>
    public string ToIosString(Func<DnAttribute, string> value) => Render(IosKey, value);

    /// <summary>RFC 4514 §2: RDNs last-to-first, '+' inside an RDN, the §3 short names, §2.4 escaping, '#hex' for non-strings.</summary>
    public string ToRfc4514String() => Render(Rfc4514Key, static v => Text.SafeText.Visible(v.IsString ? EscapeRfc4514(v.Value) : v.Value));

    /// <summary>
    /// What Wireshark (4.0, x509if) prints in the "rdnSequence: n items (...)" label: RDNs last-to-first joined by ',',
    /// '+' inside an RDN, OIDs by their Wireshark names (id-at-commonName, dc, pkcs-9-at-emailAddress ...), values raw.
    /// Wireshark cuts the label at its 240-character item label limit; this string is not cut.
    /// </summary>
    public string ToWiresharkString() => Render(WiresharkKey, static v => v.Value);

    public override string ToString() => ToRfc4514String();

    private string Render(Func<string, string> key, Func<DnAttribute, string> value)
    {
        var sb = new StringBuilder();
        for (int i = Rdns.Count - 1; i >= 0; i--)
        {
            if (sb.Length > 0)
                sb.Append(',');
            IReadOnlyList<DnAttribute> rdn = Rdns[i];
            for (int j = 0; j < rdn.Count; j++)
            {
                if (j > 0)
                    sb.Append('+');
                sb.Append(key(rdn[j].Oid)).Append('=').Append(value(rdn[j]));
            }
        }
        return sb.ToString();
    }

    /// <summary>The attribute types IOS names, OID and key (<see cref="ToIosString()"/>); a type not listed is written
    /// as its dotted OID. The one table: the model reads these keys back (Model/IosDn).</summary>
    public static IReadOnlyList<(string Oid, string Key)> IosKeys { get; } =
    [
        ("2.5.4.3", "cn"),
        ("2.5.4.4", "sn"),
        ("2.5.4.5", "serialNumber"),
        ("2.5.4.6", "c"),
        ("2.5.4.7", "l"),
        ("2.5.4.8", "st"),
        ("2.5.4.9", "street"),
        ("2.5.4.10", "o"),
        ("2.5.4.11", "ou"),
        ("2.5.4.12", "t"),
        ("2.5.4.42", "gn"),
        ("2.5.4.43", "initials"),
        ("1.2.840.113549.1.9.1", "ea"),
        ("1.2.840.113549.1.9.2", "hostname"),
        ("1.2.840.113549.1.9.8", "ipaddress"),
        ("0.9.2342.19200300.100.1.25", "dc"),
        ("0.9.2342.19200300.100.1.1", "uid"),
    ];

    private static string IosKey(string oid)
    {
        foreach (var (o, key) in IosKeys)
            if (o == oid) return key;
        return oid;
    }

    private static string Rfc4514Key(string oid) => oid switch
    {
        // RFC 4514 §3
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => oid,
    };

    private static string WiresharkKey(string oid) => oid switch
    {
        "2.5.4.3" => "id-at-commonName",
        "2.5.4.4" => "id-at-surname",
        "2.5.4.5" => "id-at-serialNumber",
        "2.5.4.6" => "id-at-countryName",
        "2.5.4.7" => "id-at-localityName",
        "2.5.4.8" => "id-at-stateOrProvinceName",
        "2.5.4.9" => "id-at-streetAddress",
        "2.5.4.10" => "id-at-organizationName",
        "2.5.4.11" => "id-at-organizationalUnitName",
        "2.5.4.12" => "id-at-title",
        "2.5.4.13" => "id-at-description",
        "2.5.4.17" => "id-at-postalCode",
        "2.5.4.42" => "id-at-givenName",
        "2.5.4.43" => "id-at-initials",
        "2.5.4.46" => "id-at-dnQualifier",
        "1.2.840.113549.1.9.1" => "pkcs-9-at-emailAddress",
        "1.2.840.113549.1.9.8" => "pkcs-9-at-unstructuredAddress",
        "0.9.2342.19200300.100.1.25" => "dc",
        "0.9.2342.19200300.100.1.1" => "id-userid",
        // Wireshark 4.0 names unregistered OIDs by their longest registered arc (checked with tshark 4.0.17:
        // 1.2.840.113549.1.9.2, unstructuredName, prints as "ISO assigned OIDs, USA.113549.1.9.2").
        _ when oid.StartsWith("1.2.840.", StringComparison.Ordinal) => "ISO assigned OIDs, USA." + oid.Substring(8),
        _ when oid.StartsWith("1.", StringComparison.Ordinal) => "iso." + oid.Substring(2),
        _ => oid,
    };

    private static string EscapeRfc4514(string v)
    {
        var sb = new StringBuilder(v.Length + 4);
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            // RFC 4514 §2.4: escape '"', '+', ',', ';', '<', '>', '\\'; a leading '#' or space; a trailing space; NUL.
            if (c is '"' or '+' or ',' or ';' or '<' or '>' or '\\'
                || (i == 0 && (c == '#' || c == ' ')) || (i == v.Length - 1 && c == ' '))
                sb.Append('\\').Append(c);
            else if (c == '\0')
                sb.Append("\\00");
            else
                sb.Append(c);
        }
        return sb.ToString();
    }
}
