using System.Text;

namespace PcapIke.Ike;

public enum VendorIdMatch : byte
{
    /// <summary>The payload equals the entry.</summary>
    Exact,
    /// <summary>The payload starts with the entry (the rest is a version, feature flags, ...).</summary>
    Prefix,
}

/// <summary>A known Vendor ID. <see cref="Source"/> says where its bytes were checked.</summary>
public sealed record VendorIdEntry(string Name, byte[] Bytes, VendorIdMatch Match, string Source);

/// <summary>
/// Vendor ID recognition (RFC 2408 §3.16 payloads). Exact entries must match the whole payload; prefix entries the
/// start of it. The longest matching entry wins, so "draft-beaulieu-ike-xauth-02" beats "XAUTH" and the Cisco
/// fragmentation VID with 80000000 beats the bare 16-byte one. Lookup does not allocate; <see cref="Describe"/> does.
/// Sources: Wireshark epan/dissectors/packet-isakmp.c vendor table ("ws"), libreswan programs/pluto/vendor.c
/// ("lsw"), strongSwan ike_vendor.c ("ssw"), and ASCII strings that are their own bytes.
/// </summary>
public static class VendorIds
{
    private static VendorIdEntry Hex(string name, string hex, VendorIdMatch match, string source) =>
        new(name, Convert.FromHexString(hex), match, source);

    /// <summary>Vendor IDs that are the MD5 of a fixed string (the derivation shown instead of a hex constant).</summary>
    private static VendorIdEntry Md5(string name, string text, string source) =>
        new(name, System.Security.Cryptography.MD5.HashData(Encoding.ASCII.GetBytes(text)), VendorIdMatch.Exact, source);

    private static VendorIdEntry Ascii(string name, string text, VendorIdMatch match, string source) =>
        new(name, Encoding.ASCII.GetBytes(text), match, source);

    private static readonly VendorIdEntry[] s_entries =
    {
        Hex("RFC 3947 Negotiation of NAT-Traversal in the IKE", "4a131c81070358455c5728f20e95452f", VendorIdMatch.Exact, "ws, lsw: MD5(\"RFC 3947\")"),
        Hex("draft-ietf-ipsec-nat-t-ike", "4df37928e9fc4fd1b3262170d515c662", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-00", "4485152d18b6bbcd0be8a8469579ddcc", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-01", "16f6ca16e4a4066d83821a0f0aeaa862", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-02", "cd60464335df21f87cfdb2fc68b6a448", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-02\\n", "90cb80913ebb696e086381b5ec427b1f", VendorIdMatch.Exact, "ws, lsw: MD5 of the name with a newline"),
        Hex("draft-ietf-ipsec-nat-t-ike-03", "7d9419a65310ca6f2c179d9215529d56", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-04", "9909b64eed937c6573de52ace952fa6b", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-05", "80d0bb3def54565ee84645d4c85ce3ee", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-06", "4d1e0e136deafa34c4f3ea9f02ec7285", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-07", "439b59f8ba676c4c7737ae22eab8f582", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-08", "8f8d83826d246b6fc7a8a6a428c11de8", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-ietf-ipsec-nat-t-ike-09", "42ea5b6f898d9773a575df26e7dd19e1", VendorIdMatch.Exact, "ws"),
        Hex("Testing NAT-T RFC", "c40fee00d5d39ddb1fc762e09b7cfea7", VendorIdMatch.Exact, "ws"),
        Hex("draft-stenberg-ipsec-nat-traversal-01", "27bab5dc01ea0760ea4e3190ac27c0d0", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-stenberg-ipsec-nat-traversal-02", "6105c422e76847e43f9684801292aecd", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-huttunen-ipsec-esp-in-udp-00.txt", "6a7434c19d7e36348090a02334c9c805", VendorIdMatch.Exact, "ws, lsw"),
        Hex("draft-huttunen-ipsec-esp-in-udp-01.txt (ESPThruNAT)", "50760f624c63e5c53eea386c685ca083", VendorIdMatch.Exact, "ws, lsw"),
        Hex("RFC 3706 DPD (Dead Peer Detection)", "afcad71368a1f1c96b8696fc77570100", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("XAUTH", "09002689dfd6b712", VendorIdMatch.Prefix, "ws, lsw: truncated MD5(\"draft-ietf-ipsra-isakmp-xauth-06.txt\")"),
        Hex("draft-beaulieu-ike-xauth-02.txt", "09002689dfd6b71280a224dec33b81e5", VendorIdMatch.Prefix, "ws"),
        Hex("CISCO-UNITY", "12f5f28c457168a9702d9fe274cc", VendorIdMatch.Prefix, "ws, lsw: MD5(\"CISCO-UNITY\") with the last two bytes = major, minor"),
        Hex("Cisco-Unity FW type", "800100018002000180030002", VendorIdMatch.Exact, "lsw"),
        Hex("CISCO-CONCENTRATOR (VPN 3000)", "1f07f70eaa6514d3b0fa96542a50", VendorIdMatch.Prefix, "ws, lsw: truncated MD5(\"ALTIGA GATEWAY\") + version"),
        Hex("Cisco IOS device", "3e984048", VendorIdMatch.Prefix, "lsw"),
        Ascii("CISCO-DELETE-REASON", "CISCO-DELETE-REASON", VendorIdMatch.Exact, "lsw, ssw"),
        Ascii("CISCO-DYNAMIC-ROUTE", "CISCO-DYNAMIC-ROUTE", VendorIdMatch.Exact, "lsw"),
        Ascii("FLEXVPN-SUPPORTED", "FLEXVPN-SUPPORTED", VendorIdMatch.Exact, "lsw, ssw"),
        Ascii("CISCOVPN-REV-02", "CISCOVPN-REV-02", VendorIdMatch.Exact, "lsw"),
        Ascii("Cisco Copyright (c) 2009", "CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.", VendorIdMatch.Exact, "ssw"),
        Hex("IKE Fragmentation", "4048b7d56ebce88525e7de7f00d6c2d3", VendorIdMatch.Prefix, "ws (as MS L2TP/IPSec VPN Client), lsw, ssw: FRAGMENTATION"),
        Hex("IKE Fragmentation (Cisco, 80000000)", "4048b7d56ebce88525e7de7f00d6c2d380000000", VendorIdMatch.Prefix, "ws: Cisco Fragmentation"),
        Hex("strongSwan", "882fe56d6fd20dbc2251613b2ebe5beb", VendorIdMatch.Exact, "ws, lsw, ssw: MD5(\"strongSwan\")"),
        Hex("MS NT5 ISAKMPOAKLEY", "1e2b516905991c7d7c96fcbfb587e461", VendorIdMatch.Prefix, "ws, lsw: followed by a 4-byte version"),
        Hex("Microsoft Vid-Initial-Contact", "26244d38eddb61b3172a36e3d0cfb819", VendorIdMatch.Exact, "ws, lsw"),
        Md5("MS-Negotiation Discovery Capable", "MS-Negotiation Discovery Capable", "ws, lsw: MD5 of the name (Windows Vista and later, AuthIP)"),
        Md5("IKE CGA version 1", "IKE CGA version 1", "ws, lsw: MD5 of the name (Windows)"),
        Md5("MS-MamieExists", "MS-MamieExists", "ws, lsw: MD5 of the name (Windows)"),
        Hex("A GSS-API Authentication Method for IKE", "b46d8914f3aaa3f2fedeb7c7db2943ca", VendorIdMatch.Exact, "ws"),
        Hex("GSSAPI", "621b04bb09882ac1e15935fefa24aeee", VendorIdMatch.Exact, "ws"),
        Hex("KAME/racoon", "7003cbc1097dbe9c2600ba6983bc8b35", VendorIdMatch.Exact, "ws"),
        Hex("IPsec-Tools", "20a3622c1cea7ce37bee3ca484425276", VendorIdMatch.Exact, "ws"),
        Hex("Shrew Soft", "f14b94b7bff1fef02773b8c49feded26", VendorIdMatch.Exact, "ws, lsw"),
        Hex("Check Point", "f4ed19e0c114eb516faaac0ee37daf2807b4381f", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("SonicWall", "404bf439522ca3f6", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Heartbeat Notify", "4865617274426561745f4e6f74696679", VendorIdMatch.Prefix, "ws, lsw: ASCII \"HeartBeat_Notify\""),
        Hex("DWR: Delete with reason", "2d7922c6b301d9b0e1342739e9cfbbd5", VendorIdMatch.Exact, "ws"),
        Ascii("Libreswan (3.6+)", "OE-Libreswan-", VendorIdMatch.Prefix, "lsw"),
        Ascii("Libreswan 3.0 - 3.5", "OEN", VendorIdMatch.Prefix, "lsw"),
        Ascii("Openswan (xeleranized)", "OSW", VendorIdMatch.Prefix, "lsw"),
        Ascii("Openswan (project)", "OE", VendorIdMatch.Prefix, "lsw"),
        Hex("Netscreen-1", "299ee8289f40a8973bc78687e2e7226b532c3b76", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-2", "3a15e1f3cf2a63582e3ac82d1c64cbe3b6d779e7", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-3", "47d2b126bfcd83489760e2cf8c5d4d5a03497c15", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-4", "4a4340b543e02b84c88a8b96a8af9ebe77d9accc", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-5", "64405f46f03b7660a23be116a1975058e69e8387", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-6", "699369228741c6d4ca094c93e242c9de19e7b7c6", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-7", "8c0dc6cf62a0ef1b5c6eabd1b67ba69866adf16a", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-8", "92d27a9ecb31d99246986d3453d0c3d57a222a61", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-9", "9b096d9ac3275a7d6fe8b91c583111b09efed1a0", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-10", "bf03746108d746c904f1f3547de24f78479fed12", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-11", "c2e80500f4cc5fbf5daaeed3bb59abaeee56c652", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-12", "c8660a62b03b1b6130bf781608d32a6a8d0fb89f", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-13", "f885da40b1e7a9abd17655ec5bbec0f21f0ed52e", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-14", "2a2bcac19b8e91b426107807e02e7249569d6fd3", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-15", "166f932d55eb64d8e4df4fd37e2313f0d0fd8451", VendorIdMatch.Prefix, "ws, lsw"),
        Hex("Netscreen-16", "a35bfd05ca1ac0b3d2f24e9e82bfcbff9c9e52b5", VendorIdMatch.Prefix, "ws, lsw"),
    };

    public static IReadOnlyList<VendorIdEntry> Entries => s_entries;

    /// <summary>The longest entry matching <paramref name="vendorId"/>, or null. Does not allocate.</summary>
    public static VendorIdEntry? Find(ReadOnlySpan<byte> vendorId)
    {
        VendorIdEntry? best = null;
        foreach (VendorIdEntry e in s_entries)
        {
            bool hit = e.Match == VendorIdMatch.Exact ? vendorId.SequenceEqual(e.Bytes) : vendorId.StartsWith(e.Bytes);
            if (hit && (best is null || e.Bytes.Length > best.Bytes.Length))
                best = e;
        }
        return best;
    }

    /// <summary>The recognized name with any decodable suffix (Cisco Unity version, MS NT5 version), or null.</summary>
    public static string? Describe(ReadOnlySpan<byte> vendorId)
    {
        VendorIdEntry? e = Find(vendorId);
        if (e is null)
            return null;
        ReadOnlySpan<byte> rest = vendorId.Slice(e.Bytes.Length);
        if (e.Name == "CISCO-UNITY" && rest.Length == 2)
            return $"CISCO-UNITY {rest[0]}.{rest[1]}";
        if (e.Name == "MS NT5 ISAKMPOAKLEY" && rest.Length == 4)
        {
            uint v = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(rest);
            string windows = v switch
            {
                2 => "Windows 2000",
                3 => "Windows XP SP1",
                4 => "Windows 2003 and Windows XP SP2",
                5 => "Windows Vista",
                _ => $"version {v}",
            };
            return $"MS NT5 ISAKMPOAKLEY ({windows})";
        }
        return e.Name;
    }
}
