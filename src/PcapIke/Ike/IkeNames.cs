namespace PcapIke.Ike;

/// <summary>Names for raw values: the IANA member name, or null/"Unknown" when the value is not assigned here.</summary>
public static class IkeNames
{
    /// <summary>The enum member name for <paramref name="value"/>, or null when it is not a named member.</summary>
    public static string? Of<T>(T value) where T : struct, Enum => Enum.IsDefined(value) ? value.ToString() : null;

    /// <summary>"NAME (raw)" or "Unknown (raw)".</summary>
    public static string WithRaw(string? name, long raw) => $"{name ?? "Unknown"} ({raw})";

    /// <summary>Payload type names as Wireshark prints them ("Security Association", "NAT-D (RFC 3947)").</summary>
    public static string PayloadDisplayName(byte raw) => raw switch
    {
        0 => "NONE / No Next Payload ",
        1 => "Security Association",
        2 => "Proposal",
        3 => "Transform",
        4 => "Key Exchange",
        5 => "Identification",
        6 => "Certificate",
        7 => "Certificate Request",
        8 => "Hash",
        9 => "Signature",
        10 => "Nonce",
        11 => "Notification",
        12 => "Delete",
        13 => "Vendor ID",
        14 => "Attributes (ISAKMP Mode Config)",
        15 => "SA KEK Payload",
        16 => "SA TEK Payload",
        17 => "Key Download",
        18 => "Sequence Number",
        19 => "Proof of Possession",
        20 => "NAT-D (RFC 3947)",
        21 => "NAT-OA (RFC 3947)",
        22 => "Group Associated Policy",
        33 => "Security Association",
        34 => "Key Exchange",
        35 => "Identification - Initiator",
        36 => "Identification - Responder",
        37 => "Certificate",
        38 => "Certificate Request",
        39 => "Authentication",
        40 => "Nonce",
        41 => "Notify",
        42 => "Delete",
        43 => "Vendor ID",
        44 => "Traffic Selector - Initiator",
        45 => "Traffic Selector - Responder",
        46 => "Encrypted and Authenticated",
        47 => "Configuration",
        48 => "Extensible Authentication",
        49 => "Generic Secure Password Method",
        50 => "Group Identification",
        51 => "Group Security Association",
        52 => "Key Download",
        53 => "Encrypted and Authenticated Fragment",
        54 => "Puzzle Solution",
        130 => "NAT-D (draft-ietf-ipsec-nat-t-ike-01 to 03)",
        131 => "NAT-OA (draft-ietf-ipsec-nat-t-ike-01 to 04)",
        132 => "Cisco-Fragmentation",
        _ => "Unknown",
    };

    /// <summary>Exchange type names as Wireshark prints them.</summary>
    public static string ExchangeDisplayName(byte raw) => raw switch
    {
        0 => "NONE",
        1 => "Base",
        2 => "Identity Protection (Main Mode)",
        3 => "Authentication Only",
        4 => "Aggressive",
        5 => "Informational",
        6 => "Transaction (Config Mode)",
        32 => "Quick Mode",
        33 => "New Group Mode",
        _ => Of((ExchangeType)raw) ?? "Unknown",
    };

    /// <summary>The name of a transform ID, by version and (IKEv1) protocol or (IKEv2) transform type.</summary>
    public static string? TransformIdName(int version, byte protocolOrType, ushort id)
    {
        if (version == 1)
        {
            return (Ikev1ProtocolId)protocolOrType switch
            {
                Ikev1ProtocolId.PROTO_ISAKMP => Of((IsakmpTransformId)id),
                Ikev1ProtocolId.PROTO_IPSEC_AH => Of((AhTransformId)id),
                Ikev1ProtocolId.PROTO_IPSEC_ESP => Of((EspTransformId)id),
                Ikev1ProtocolId.PROTO_IPCOMP => Of((IpcompTransformId)id),
                _ => null,
            };
        }
        return (TransformType)protocolOrType switch
        {
            TransformType.ENCR => Of((EncryptionTransformId)id),
            TransformType.PRF => Of((PrfTransformId)id),
            TransformType.INTEG => Of((IntegrityTransformId)id),
            TransformType.ESN => Of((EsnTransformId)id),
            >= TransformType.KE and <= TransformType.ADDKE7 => Of((DhGroup)id),
            _ => null,
        };
    }

    /// <summary>Attribute type name: IKE attributes for PROTO_ISAKMP (and IKEv2 transforms), IPsec DOI attributes otherwise.</summary>
    public static string? AttributeTypeName(int version, byte protocolId, ushort type) =>
        version == 2 ? Of((Ikev2TransformAttributeType)type)
        : protocolId == (byte)Ikev1ProtocolId.PROTO_ISAKMP ? Of((IkeAttributeType)type)
        : Of((IpsecAttributeType)type);

    /// <summary>Name of an attribute's value where the attribute has a value registry.</summary>
    public static string? AttributeValueName(int version, byte protocolId, ushort type, ulong value)
    {
        if (version == 2 || value > ushort.MaxValue)
            return null;
        ushort v = (ushort)value;
        if (protocolId == (byte)Ikev1ProtocolId.PROTO_ISAKMP)
        {
            return (IkeAttributeType)type switch
            {
                IkeAttributeType.Encryption_Algorithm => Of((IkeEncryptionAlgorithm)v),
                IkeAttributeType.Hash_Algorithm => Of((IkeHashAlgorithm)v),
                IkeAttributeType.Authentication_Method => Of((IkeAuthenticationMethod)v),
                IkeAttributeType.Group_Description => Of((DhGroup)v),
                IkeAttributeType.Group_Type => Of((IkeGroupType)v),
                IkeAttributeType.Life_Type => Of((LifeType)v),
                _ => null,
            };
        }
        return (IpsecAttributeType)type switch
        {
            IpsecAttributeType.SA_Life_Type => Of((LifeType)v),
            IpsecAttributeType.Group_Description => Of((DhGroup)v),
            IpsecAttributeType.Encapsulation_Mode => Of((EncapsulationMode)v),
            IpsecAttributeType.Authentication_Algorithm => Of((IpsecAuthenticationAlgorithm)v),
            _ => null,
        };
    }

    public static string? ProtocolName(int version, byte protocolId) =>
        version == 1 ? Of((Ikev1ProtocolId)protocolId) : Of((Ikev2ProtocolId)protocolId);

    public static string? NotifyName(int version, ushort type) =>
        version == 1 ? Of((Ikev1NotifyType)type) : Of((Ikev2NotifyType)type);

    /// <summary>IKEv2 uses ID_RFC822_ADDR (3) and ID_FC_NAME (12) where IKEv1 has ID_USER_FQDN and ID_LIST.</summary>
    public static string? IdentificationTypeName(int version, byte type) => (version, type) switch
    {
        (2, 3) => "ID_RFC822_ADDR",
        (2, 12) => "ID_FC_NAME",
        (1, 13) => null,
        _ => Of((IdentificationType)type),
    };
}
