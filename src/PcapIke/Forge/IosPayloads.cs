using System.Buffers.Binary;
using System.Net;
using System.Text;
using PcapIke.Crypto;
using PcapIke.Ike;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// Payload bodies (everything after the 4-octet generic header) as IOS 15.3T builds them, for both IKE versions.
/// Field layouts cite their RFC sections; the IOS choices (attribute order, vendor IDs, nonce lengths, lifetimes) are
/// those the technote's captures and debugs show, and where they show nothing, IOS defaults.
/// </summary>
internal static class IosPayloads
{
    // ---- vendor IDs (values as in Ike/VendorIds.cs) ----
    public static readonly byte[] VidRfc3947 = Convert.FromHexString("4a131c81070358455c5728f20e95452f");
    public static readonly byte[] VidNatTDraft07 = Convert.FromHexString("439b59f8ba676c4c7737ae22eab8f582");
    public static readonly byte[] VidNatTDraft03 = Convert.FromHexString("7d9419a65310ca6f2c179d9215529d56");
    public static readonly byte[] VidNatTDraft02N = Convert.FromHexString("90cb80913ebb696e086381b5ec427b1f");
    public static readonly byte[] VidDpd = Convert.FromHexString("afcad71368a1f1c96b8696fc77570100");
    public static readonly byte[] VidXauth = Convert.FromHexString("09002689dfd6b712");
    public static readonly byte[] VidCiscoUnity = Convert.FromHexString("12f5f28c457168a9702d9fe274cc0100");
    public static readonly byte[] VidCiscoCopyright = Encoding.ASCII.GetBytes("CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.");
    public static readonly byte[] VidFlexVpn = Encoding.ASCII.GetBytes("FLEXVPN-SUPPORTED");
    public static readonly byte[] VidCiscoDeleteReason = Encoding.ASCII.GetBytes("CISCO-DELETE-REASON");

    /// <summary>The 16-octet vendor ID IOS sends in MM3/MM4 that Wireshark shows as "Unknown Vendor ID": an
    /// per-session value, here drawn from the session's seed.</summary>
    public static byte[] UnknownVid(byte[] random16) => random16;

    // ---- IKEv1 ----

    /// <summary>
    /// Phase-1 SA (RFC 2408 §3.4–3.6, RFC 2409 Appendix A): DOI IPsec, SIT_IDENTITY_ONLY, one proposal (PROTO_ISAKMP,
    /// no SPI) with one KEY_IKE transform whose attributes are in IOS's order: encryption, [key length], hash, group,
    /// authentication, life type seconds, life duration. 3DES/MD5/group 2/RSA-sig/86400 makes the 56-octet SA payload of
    /// the technote's MM2 (132 = 20 + 8 + 28 + 56 + 20).
    /// </summary>
    public static byte[] Ikev1Phase1Sa(IsakmpPolicySpec policy)
    {
        var (suite, group) = IosAlgorithms.Ikev1Suite(policy);
        var attrs = new List<byte>();
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IkeAttributeType.Encryption_Algorithm, (ushort)suite.Encryption);
        if (suite.Encryption == IkeEncryptionAlgorithm.AES_CBC)
            IkeMessageBuilder.AttributeTv(attrs, (ushort)IkeAttributeType.Key_Length, (ushort)suite.KeyLengthBits);
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IkeAttributeType.Hash_Algorithm, (ushort)suite.Hash);
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IkeAttributeType.Group_Description, (ushort)group);
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IkeAttributeType.Authentication_Method,
            policy.Authentication == "pre-share" ? (ushort)IkeAuthenticationMethod.PreSharedKey : (ushort)IkeAuthenticationMethod.RSA_Signatures);
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IkeAttributeType.Life_Type, (ushort)LifeType.Seconds);
        IkeMessageBuilder.AttributeTlv(attrs, (ushort)IkeAttributeType.Life_Duration, (ulong)policy.Lifetime);
        byte[] transform = Substructure(0, [1, (byte)IsakmpTransformId.KEY_IKE, 0, 0, .. attrs]);
        byte[] proposal = Substructure(0, [1, (byte)Ikev1ProtocolId.PROTO_ISAKMP, 0, 1, .. transform]);
        return [.. DoiSituation(), .. proposal];
    }

    /// <summary>
    /// Quick Mode SA (RFC 2407 §4.5–4.6): one ESP proposal with a 4-octet SPI and one transform from the transform set;
    /// attributes in IOS's order: encapsulation mode, life type/duration in seconds (3600) and kilobytes (4608000),
    /// authentication algorithm, key length.
    /// </summary>
    public static byte[] Ikev1QuickModeSa(IpsecSpec ipsec, uint spi)
    {
        var (esp, keyBits, auth) = IosAlgorithms.EspTransform(ipsec);
        var attrs = new List<byte>();
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IpsecAttributeType.Encapsulation_Mode,
            ipsec.Mode == "transport" ? (ushort)EncapsulationMode.Transport : (ushort)EncapsulationMode.Tunnel);
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IpsecAttributeType.SA_Life_Type, (ushort)LifeType.Seconds);
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IpsecAttributeType.SA_Life_Duration, 3600);
        IkeMessageBuilder.AttributeTv(attrs, (ushort)IpsecAttributeType.SA_Life_Type, (ushort)LifeType.Kilobytes);
        IkeMessageBuilder.AttributeTlv(attrs, (ushort)IpsecAttributeType.SA_Life_Duration, 4608000);
        if (auth != IpsecAuthenticationAlgorithm.RESERVED)
            IkeMessageBuilder.AttributeTv(attrs, (ushort)IpsecAttributeType.Authentication_Algorithm, (ushort)auth);
        if (keyBits > 0)
            IkeMessageBuilder.AttributeTv(attrs, (ushort)IpsecAttributeType.Key_Length, (ushort)keyBits);
        byte[] transform = Substructure(0, [1, (byte)esp, 0, 0, .. attrs]);
        byte[] spiBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(spiBytes, spi);
        byte[] proposal = Substructure(0, [1, (byte)Ikev1ProtocolId.PROTO_IPSEC_ESP, 4, 1, .. spiBytes, .. transform]);
        return [.. DoiSituation(), .. proposal];
    }

    /// <summary>IKEv1 phase-1 ID (RFC 2407 §4.6.2): ID type, protocol UDP, port 500, the identification data.</summary>
    public static byte[] Ikev1Id(IkeIdentity id) => [(byte)id.Type, 17, 0x01, 0xF4, .. IdentityData(id)];

    /// <summary>Quick Mode client ID for a VTI: ID_IPV4_ADDR_SUBNET 0.0.0.0/0.0.0.0, any protocol and port.</summary>
    public static byte[] Ikev1ProxyAny() => [(byte)IdentificationType.ID_IPV4_ADDR_SUBNET, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>CERT/CR with encoding 4, X.509 Certificate – Signature (RFC 2408 §3.9–3.10).</summary>
    public static byte[] X509Signature(byte[] der) => [4, .. der];

    /// <summary>IKEv1 Notification (RFC 2408 §3.14): DOI IPsec, protocol ISAKMP, the SPI given (INITIAL-CONTACT
    /// carries the two cookies, RFC 2407 §4.6.3.3), no data.</summary>
    public static byte[] Ikev1Notify(ushort type, byte[] spi, byte protocol = (byte)Ikev1ProtocolId.PROTO_ISAKMP)
    {
        var b = new byte[8 + spi.Length];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)DomainOfInterpretation.IPSEC);
        b[4] = protocol;
        b[5] = (byte)spi.Length;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(6), type);
        spi.CopyTo(b, 8);
        return b;
    }

    /// <summary>NAT-D (RFC 3947 §3.2): HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash.</summary>
    public static byte[] Ikev1NatD(IkePrf hash, byte[] ckyI, byte[] ckyR, IPAddress address, ushort port) =>
        hash.Hash(ckyI, ckyR, address.GetAddressBytes(), [(byte)(port >> 8), (byte)port]);

    // ---- IKEv2 ----

    /// <summary>
    /// An IKEv2 SA payload with one proposal (RFC 7296 §3.3.1): protocol, SPI and transforms, each transform
    /// (§3.3.2) with a Key Length attribute (§3.3.5) where the algorithm has variable key sizes.
    /// </summary>
    public static byte[] Ikev2Sa(Ikev2ProtocolId protocol, byte[] spi, IReadOnlyList<(TransformType Type, ushort Id, int KeyBits)> transforms)
    {
        var body = new List<byte>();
        for (int i = 0; i < transforms.Count; i++)
        {
            var (type, id, bits) = transforms[i];
            var t = new List<byte> { (byte)type, 0, (byte)(id >> 8), (byte)id };
            if (bits > 0)
                IkeMessageBuilder.AttributeTv(t, (ushort)Ikev2TransformAttributeType.Key_Length, (ushort)bits);
            body.AddRange(Substructure(i + 1 < transforms.Count ? (byte)3 : (byte)0, t.ToArray()));
        }
        return Substructure(0, [1, (byte)protocol, (byte)spi.Length, (byte)transforms.Count, .. spi, .. body]);
    }

    /// <summary>KE (RFC 7296 §3.4): DH group, reserved, the public value.</summary>
    public static byte[] Ikev2Ke(DhGroup group, byte[] publicValue) => [(byte)((ushort)group >> 8), (byte)group, 0, 0, .. publicValue];

    /// <summary>Notify (RFC 7296 §3.10): protocol ID, SPI size, type, SPI, data.</summary>
    public static byte[] Ikev2Notify(Ikev2NotifyType type, byte[]? data = null, Ikev2ProtocolId protocol = 0, byte[]? spi = null)
    {
        spi ??= [];
        data ??= [];
        return [(byte)protocol, (byte)spi.Length, (byte)((ushort)type >> 8), (byte)type, .. spi, .. data];
    }

    /// <summary>NAT_DETECTION_*_IP data (RFC 7296 §2.23): SHA-1(SPIi | SPIr | IP | Port).</summary>
    public static byte[] Ikev2NatDetection(byte[] spiI, byte[] spiR, IPAddress address, ushort port) =>
        System.Security.Cryptography.SHA1.HashData([.. spiI, .. spiR, .. address.GetAddressBytes(), (byte)(port >> 8), (byte)port]);

    /// <summary>IDi/IDr body (RFC 7296 §3.5): ID type, three reserved octets, the data; also RestOfInitIDPayload.</summary>
    public static byte[] Ikev2Id(IkeIdentity id) => [(byte)id.Type, 0, 0, 0, .. IdentityData(id)];

    /// <summary>AUTH (RFC 7296 §3.8): method, reserved, the authentication data.</summary>
    public static byte[] Ikev2Auth(Ikev2AuthMethod method, byte[] data) => [(byte)method, 0, 0, 0, .. data];

    /// <summary>TSi/TSr for a VTI: one TS_IPV4_ADDR_RANGE covering everything (RFC 7296 §3.13.1).</summary>
    public static byte[] Ikev2TrafficSelectorAny() =>
        [1, 0, 0, 0, (byte)TrafficSelectorType.TS_IPV4_ADDR_RANGE, 0, 0, 16, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];

    /// <summary>CP (RFC 7296 §3.15): CFG_REQUEST with no attributes, as IOS sends it without a config-exchange set.</summary>
    public static byte[] Ikev2ConfigRequest() => [(byte)ConfigurationType.CFG_REQUEST, 0, 0, 0];

    private static byte[] IdentityData(IkeIdentity id) => id.Type switch
    {
        IdentificationType.ID_IPV4_ADDR => IPAddress.Parse(id.Value).GetAddressBytes(),
        IdentificationType.ID_DER_ASN1_DN => IosDn.ToDer(id.Value),
        _ => Encoding.ASCII.GetBytes(id.Value),
    };

    private static byte[] DoiSituation() => [0, 0, 0, 1, 0, 0, 0, 1];

    /// <summary>A proposal or transform substructure (RFC 2408 §3.5–3.6, RFC 7296 §3.3.1–3.3.2): Next / Last-More (0
    /// last, 2 proposal, 3 transform), reserved, length, then the body.</summary>
    private static byte[] Substructure(byte next, byte[] body)
    {
        int length = 4 + body.Length;
        return [next, 0, (byte)(length >> 8), (byte)length, .. body];
    }
}
