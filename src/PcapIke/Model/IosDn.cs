using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;

namespace PcapIke.Model;

/// <summary>
/// Distinguished names as IOS writes them: <c>cn=CA1,o=cisco,o=com</c> in <c>show</c> and debug output,
/// <c>subject-name CN=R1,OU=IT,O=cisco,O=com</c> in configuration. Most specific RDN first (RFC 4514 order), keys
/// case-insensitive, <c>\,</c> escapes a comma (a comma no <c>key=</c> follows needs no escape). Encoded to DER with
/// PrintableString values (UTF8String when a value is not printable), except PKCS#9 unstructuredName (hostname),
/// an IA5String (RFC 2985 §5.4.3).
/// </summary>
public static class IosDn
{
    /// <summary>One attribute: its OID, the IOS key, the value.</summary>
    public readonly record struct Attribute(DerObjectIdentifier Oid, string Key, string Value);

    /// <summary>Why <paramref name="dn"/> does not parse, or null when it does.</summary>
    public static string? Problem(string dn)
    {
        try
        {
            Parse(dn);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The RDNs most specific first, as written; throws <see cref="FormatException"/> naming the bad part.</summary>
    public static IReadOnlyList<IReadOnlyList<Attribute>> Parse(string dn)
    {
        var rdns = new List<IReadOnlyList<Attribute>>();
        foreach (string rdn in Split(dn, ','))
        {
            var atvs = new List<Attribute>();
            foreach (string atv in Split(rdn, '+'))
            {
                int eq = atv.IndexOf('=');
                if (eq <= 0)
                    throw new FormatException($"\"{atv}\" is not key=value");
                string key = Unescape(atv[..eq].Trim());
                string value = Unescape(atv[(eq + 1)..].Trim());
                if (value.Length == 0)
                    throw new FormatException($"\"{key}\" has an empty value");
                (DerObjectIdentifier oid, string iosKey) = Key(key) ?? throw new FormatException($"unknown attribute \"{key}\"");
                atvs.Add(new Attribute(oid, iosKey, value));
            }
            rdns.Add(atvs);
        }
        return rdns;
    }

    /// <summary>True when <paramref name="dn"/> parses.</summary>
    public static bool IsValid(string dn)
    {
        try
        {
            Parse(dn);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The X.501 Name: RDNs reversed into encoding order (least specific first), each RDN a DER SET
    /// (attributes sorted by their encoding, X.690 §11.6).</summary>
    public static X509Name ToX509Name(IReadOnlyList<IReadOnlyList<Attribute>> rdns)
    {
        var seq = new Asn1EncodableVector();
        for (int i = rdns.Count - 1; i >= 0; i--)
        {
            var set = new Asn1EncodableVector();
            foreach (Attribute a in rdns[i])
                set.Add(new DerSequence(a.Oid, Value(a)));
            seq.Add(new DerSet(set));
        }
        return X509Name.GetInstance(new DerSequence(seq));
    }

    public static X509Name ToX509Name(string dn) => ToX509Name(Parse(dn));

    /// <summary>DER of the Name: the body of an IKEv1 CERT_REQ after its 1-byte encoding (RFC 4945 §3.2.4).</summary>
    public static byte[] ToDer(string dn) => ToX509Name(dn).GetEncoded(Asn1Encodable.Der);

    /// <summary>The IOS lower-case rendering of a name written in any case: <c>CN=R1,OU=IT</c> → <c>cn=R1,ou=IT</c>.</summary>
    public static string Normalize(string dn) =>
        string.Join(',', Parse(dn).Select(r => string.Join('+', r.Select(a => $"{a.Key}={EscapeValue(a.Value)}"))));

    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var b = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
            b.Append(s[i] == '\\' && i + 1 < s.Length ? s[++i] : s[i]);
        return b.ToString();
    }

    /// <summary>An attribute value written so that <see cref="Parse"/> reads it back whole: a backslash before each
    /// <c>\</c>, <c>,</c> and <c>+</c> (the separators it splits on, RFC 4514 §2.4). A trustpoint named
    /// <c>+OSCA2</c> or a subject-name value <c>R1,\U=IT</c> is otherwise read back as other attributes.</summary>
    public static string EscapeValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', ',', '+') < 0) return value;
        var b = new System.Text.StringBuilder(value.Length + 4);
        foreach (char c in value)
        {
            if (c is '\\' or ',' or '+') b.Append('\\');
            b.Append(c);
        }
        return b.ToString();
    }

    private static Asn1Encodable Value(Attribute a)
    {
        // IA5String: PKCS#9 unstructuredName (RFC 2985 §5.4.3) and domainComponent (RFC 4519 §2.4) when ASCII
        if (a.Oid.Equals(PkcsObjectIdentifiers.Pkcs9AtUnstructuredName) || a.Oid.Equals(X509Name.DC) && DerIA5String.IsIA5String(a.Value))
            return new DerIA5String(a.Value);
        return DerPrintableString.IsPrintableString(a.Value) ? new DerPrintableString(a.Value) : new DerUtf8String(a.Value);
    }

    /// <summary>The attribute types by IOS key: the keys the certificate decoder prints
    /// (<see cref="Ike.DistinguishedName.IosKeys"/>, so a name taken from a certificate can be written again), and the
    /// other spellings read.</summary>
    private static readonly Dictionary<string, (DerObjectIdentifier Oid, string Key)> s_types = Types();

    private static Dictionary<string, (DerObjectIdentifier, string)> Types()
    {
        var types = new Dictionary<string, (DerObjectIdentifier, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (oid, key) in Ike.DistinguishedName.IosKeys)
            types[key] = (new DerObjectIdentifier(oid), key);
        foreach (var (alias, key) in (ReadOnlySpan<(string, string)>)[("title", "t"), ("surname", "sn"), ("givenname", "gn"), ("e", "ea"),
                     ("unstructuredname", "hostname"), ("unstructuredaddress", "ipaddress")])
            types[alias] = types[key];
        return types;
    }

    private static (DerObjectIdentifier, string)? Key(string key) =>
        s_types.TryGetValue(key, out var type) ? type : NumericOid(key) is { } numeric ? (numeric, key) : null;

    /// <summary>
    /// A certificate's name (DER) written so that <see cref="Parse"/> reads back the same attributes in the same RDNs:
    /// the IOS rendering (<see cref="Ike.DistinguishedName.ToIosString(Func{Ike.DnAttribute, string})"/>) with each value
    /// escaped (<see cref="EscapeValue"/>). Null when the DER is not a Name or a value is not a non-empty string (RFC 5280
    /// §4.1.2.4 DirectoryString, IA5String, PrintableString): such a name cannot be written as text.
    /// </summary>
    public static string? FromDer(byte[] der) =>
        Ike.DistinguishedName.TryDecode(der, out var dn) && dn!.Rdns.Count > 0 && dn.Rdns.All(r => r.All(a => a.IsString && a.Value.Length > 0))
            ? dn.ToIosString(a => EscapeValue(a.Value))
            : null;

    /// <summary>An attribute type written as a dotted OID (RFC 4514 §3 numericoid), as a certificate's name with a type
    /// no table knows is printed (<c>2.5.4.0=CA1</c>); null when it is not one.</summary>
    private static DerObjectIdentifier? NumericOid(string key)
    {
        if (key.Length is < 3 or > 128 || !System.Text.RegularExpressions.Regex.IsMatch(key, @"^[0-2](\.(0|[1-9][0-9]{0,17}))+$"))
            return null;
        try
        {
            return new DerObjectIdentifier(key);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return null;
        }
    }

    // A ',' inside a value ("o=VeriSign, Inc.", as IOS prints it unescaped) is one that no "key=" follows.
    private static bool StartsAttribute(ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart();
        int n = 0;
        bool numeric = rest.Length > 0 && char.IsAsciiDigit(rest[0]);   // a dotted OID (RFC 4514 §3)
        while (n < rest.Length && (numeric ? char.IsAsciiDigit(rest[n]) || rest[n] == '.' : char.IsAsciiLetter(rest[n])))
            n++;
        return n > 0 && n < rest.Length && rest[n] == '=';
    }

    /// <summary>Splits on unescaped separators; escapes are kept for the next level (an escaped <c>+</c> inside an RDN)
    /// and removed only from the key and value (<see cref="Unescape"/>).</summary>
    private static IEnumerable<string> Split(string s, char sep)
    {
        var b = new System.Text.StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
                b.Append('\\').Append(s[++i]);
            else if (s[i] == sep && (sep == '+' || StartsAttribute(s.AsSpan(i + 1))))
            {
                yield return b.ToString();
                b.Clear();
            }
            else
                b.Append(s[i]);
        }
        yield return b.ToString();
    }
}
