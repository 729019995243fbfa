namespace PcapIke.Model.Ios;

/// <summary>
/// Interface names as running-config prints them: IOS accepts <c>interface tunnel 1</c>, <c>int Tu1</c>,
/// <c>tunnel source e0/0</c> or <c>Gi0/0.100</c> and shows <c>Tunnel1</c>, <c>Ethernet0/0</c>,
/// <c>GigabitEthernet0/0.100</c>. Unknown types are kept as written (spaces removed).
/// </summary>
public static class IosInterfaceName
{
    // Full type names, and the abbreviations IOS resolves for the common ones (its parser takes the first type a
    // prefix names in this order: "e" is Ethernet, "g" GigabitEthernet, "t" is ambiguous and not resolved).
    private static readonly string[] s_types =
    [
        "Ethernet", "FastEthernet", "GigabitEthernet", "TenGigabitEthernet", "FortyGigabitEthernet", "HundredGigE",
        "Tunnel", "Loopback", "Serial", "Dialer", "Vlan", "Virtual-Template", "Virtual-Access", "Port-channel",
        "Cellular", "BDI", "Multilink", "NVI", "Null",
    ];

    private static readonly Dictionary<string, string> s_abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["e"] = "Ethernet", ["et"] = "Ethernet", ["eth"] = "Ethernet",
        ["f"] = "FastEthernet", ["fa"] = "FastEthernet",
        ["g"] = "GigabitEthernet", ["gi"] = "GigabitEthernet", ["gig"] = "GigabitEthernet",
        ["te"] = "TenGigabitEthernet", ["ten"] = "TenGigabitEthernet",
        ["tu"] = "Tunnel", ["tun"] = "Tunnel",
        ["lo"] = "Loopback", ["loop"] = "Loopback",
        ["se"] = "Serial", ["di"] = "Dialer", ["vl"] = "Vlan", ["po"] = "Port-channel", ["vt"] = "Virtual-Template",
    };

    /// <summary>The canonical name of <paramref name="name"/> (<c>tunnel 1</c> → <c>Tunnel1</c>).</summary>
    public static string Canonical(string name)
    {
        string joined = string.Concat(name.Where(c => !char.IsWhiteSpace(c)));
        int digit = 0;
        while (digit < joined.Length && !char.IsAsciiDigit(joined[digit]))
            digit++;
        if (digit == 0 || digit == joined.Length)
            return joined;
        string type = joined[..digit], rest = joined[digit..];
        string? full = s_types.FirstOrDefault(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));
        if (full is null && !s_abbreviations.TryGetValue(type, out full))
            full = s_types.FirstOrDefault(t => t.StartsWith(type, StringComparison.OrdinalIgnoreCase) && type.Length >= 3);
        return (full ?? type) + rest;
    }
}
