namespace PcapIke.Findings;

/// <summary>
/// The CAs of the trustpoints IOS 15.3T has built in (docs: selection-model.md, technote MM4 debug): their presence in
/// a CERT_REQ list fingerprints an IOS peer that requested every global trustpoint. The one place this list lives.
/// </summary>
public static class IosBuiltInCas
{
    /// <summary>IOS debug style, in the order IOS lists them after the configured trustpoints.</summary>
    public static IReadOnlyList<string> Dns { get; } =
    [
        "ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US",
        "cn=Cisco SSCA2,o=Cisco Systems",
        "cn=Cisco Manufacturing CA,o=Cisco Systems",
        "cn=Cisco Root CA 2048,o=Cisco Systems",
        "cn=Cisco Root CA M1,o=Cisco",
    ];

    private static readonly HashSet<string> s_keys = Dns.Select(DnKey).ToHashSet(StringComparer.Ordinal);

    public static bool IsBuiltIn(string? dn) => dn is not null && s_keys.Contains(DnKey(dn));

    /// <summary>A comparison key for DNs as IOS or RFC 4514 print them: case, spaces and escapes ignored.</summary>
    public static string DnKey(string dn)
    {
        var b = new System.Text.StringBuilder(dn.Length);
        foreach (char c in dn)
            if (c != ' ' && c != '\\' && c != '"')
                b.Append(char.ToLowerInvariant(c));
        return b.ToString();
    }
}
