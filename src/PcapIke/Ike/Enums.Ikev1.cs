namespace PcapIke.Ike;

/// <summary>IKEv1 header flags (RFC 2408 §3.1).</summary>
[Flags]
public enum Ikev1Flags : byte
{
    None = 0,
    Encryption = 0x01,
    Commit = 0x02,
    AuthenticationOnly = 0x04,
}

/// <summary>Domain of Interpretation (RFC 2408 §3.4, "ISAKMP Domain of Interpretation").</summary>
public enum DomainOfInterpretation : uint
{
    ISAKMP = 0,
    IPSEC = 1,
    GDOI = 2,
}

/// <summary>IPsec DOI Security Protocol Identifiers (RFC 2407 §4.4.1).</summary>
public enum Ikev1ProtocolId : byte
{
    RESERVED = 0,
    PROTO_ISAKMP = 1,
    PROTO_IPSEC_AH = 2,
    PROTO_IPSEC_ESP = 3,
    PROTO_IPCOMP = 4,
    PROTO_GIGABEAM_RADIO = 5,
}

/// <summary>IPsec DOI ISAKMP transform identifiers (RFC 2407 §4.4.2).</summary>
public enum IsakmpTransformId : byte
{
    RESERVED = 0,
    KEY_IKE = 1,
}

/// <summary>IPsec DOI AH transform identifiers (RFC 2407 §4.4.3).</summary>
public enum AhTransformId : byte
{
    RESERVED = 0,
    AH_MD5 = 2,
    AH_SHA = 3,
    AH_DES = 4,
    AH_SHA2_256 = 5,
    AH_SHA2_384 = 6,
    AH_SHA2_512 = 7,
    AH_RIPEMD = 8,
    AH_AES_XCBC_MAC = 9,
    AH_RSA = 10,
    AH_AES_128_GMAC = 11,
    AH_AES_192_GMAC = 12,
    AH_AES_256_GMAC = 13,
}

/// <summary>IPsec DOI ESP transform identifiers (RFC 2407 §4.4.4 and later).</summary>
public enum EspTransformId : byte
{
    RESERVED = 0,
    ESP_DES_IV64 = 1,
    ESP_DES = 2,
    ESP_3DES = 3,
    ESP_RC5 = 4,
    ESP_IDEA = 5,
    ESP_CAST = 6,
    ESP_BLOWFISH = 7,
    ESP_3IDEA = 8,
    ESP_DES_IV32 = 9,
    ESP_RC4 = 10,
    ESP_NULL = 11,
    ESP_AES = 12,
    ESP_AES_CTR = 13,
    ESP_AES_CCM_8 = 14,
    ESP_AES_CCM_12 = 15,
    ESP_AES_CCM_16 = 16,
    ESP_AES_GCM_8 = 18,
    ESP_AES_GCM_12 = 19,
    ESP_AES_GCM_16 = 20,
    ESP_SEED_CBC = 21,
    ESP_CAMELLIA = 22,
    ESP_NULL_AUTH_AES_GMAC = 23,
}

/// <summary>IPsec DOI IPCOMP transform identifiers (RFC 2407 §4.4.5).</summary>
public enum IpcompTransformId : byte
{
    RESERVED = 0,
    IPCOMP_OUI = 1,
    IPCOMP_DEFLATE = 2,
    IPCOMP_LZS = 3,
    IPCOMP_LZJH = 4,
}

/// <summary>IKE (phase 1) attribute classes ("IKE Attributes" registry, RFC 2409 Appendix A).</summary>
public enum IkeAttributeType : ushort
{
    RESERVED = 0,
    Encryption_Algorithm = 1,
    Hash_Algorithm = 2,
    Authentication_Method = 3,
    Group_Description = 4,
    Group_Type = 5,
    Group_Prime_Irreducible_Polynomial = 6,
    Group_Generator_One = 7,
    Group_Generator_Two = 8,
    Group_Curve_A = 9,
    Group_Curve_B = 10,
    Life_Type = 11,
    Life_Duration = 12,
    PRF = 13,
    Key_Length = 14,
    Field_Size = 15,
    Group_Order = 16,
    Block_Size = 17,
}

/// <summary>IKE attribute 1, Encryption Algorithm.</summary>
public enum IkeEncryptionAlgorithm : ushort
{
    RESERVED = 0,
    DES_CBC = 1,
    IDEA_CBC = 2,
    Blowfish_CBC = 3,
    RC5_R16_B64_CBC = 4,
    TripleDES_CBC = 5,
    CAST_CBC = 6,
    AES_CBC = 7,
    CAMELLIA_CBC = 8,
}

/// <summary>IKE attribute 2, Hash Algorithm.</summary>
public enum IkeHashAlgorithm : ushort
{
    RESERVED = 0,
    MD5 = 1,
    SHA = 2,
    Tiger = 3,
    SHA2_256 = 4,
    SHA2_384 = 5,
    SHA2_512 = 6,
}

/// <summary>IKE attribute 3, Authentication Method (RFC 2409, RFC 4754, draft-ietf-ipsec-isakmp-hybrid-auth, XAUTH).</summary>
public enum IkeAuthenticationMethod : ushort
{
    RESERVED = 0,
    PreSharedKey = 1,
    DSS_Signatures = 2,
    RSA_Signatures = 3,
    Encryption_With_RSA = 4,
    Revised_Encryption_With_RSA = 5,
    Encryption_With_El_Gamal = 6,
    Revised_Encryption_With_El_Gamal = 7,
    ECDSA_Signatures = 8,
    ECDSA_SHA256_P256 = 9,
    ECDSA_SHA384_P384 = 10,
    ECDSA_SHA512_P521 = 11,
    HybridInitRSA = 64221,
    HybridRespRSA = 64222,
    HybridInitDSS = 64223,
    HybridRespDSS = 64224,
    XAUTHInitPreShared = 65001,
    XAUTHRespPreShared = 65002,
    XAUTHInitDSS = 65003,
    XAUTHRespDSS = 65004,
    XAUTHInitRSA = 65005,
    XAUTHRespRSA = 65006,
    XAUTHInitRSAEncryption = 65007,
    XAUTHRespRSAEncryption = 65008,
    XAUTHInitRSARevisedEncryption = 65009,
    XAUTHRespRSARevisedEncryption = 65010,
}

/// <summary>IKE attribute 5, Group Type.</summary>
public enum IkeGroupType : ushort
{
    RESERVED = 0,
    MODP = 1,
    ECP = 2,
    EC2N = 3,
}

/// <summary>IKE attribute 11 and IPsec attribute 1, Life Type.</summary>
public enum LifeType : ushort
{
    RESERVED = 0,
    Seconds = 1,
    Kilobytes = 2,
}

/// <summary>IPsec DOI SA attributes (RFC 2407 §4.5).</summary>
public enum IpsecAttributeType : ushort
{
    RESERVED = 0,
    SA_Life_Type = 1,
    SA_Life_Duration = 2,
    Group_Description = 3,
    Encapsulation_Mode = 4,
    Authentication_Algorithm = 5,
    Key_Length = 6,
    Key_Rounds = 7,
    Compress_Dictionary_Size = 8,
    Compress_Private_Algorithm = 9,
    ECN_Tunnel = 10,
    Extended_Sequence_Number = 11,
    Authentication_Key_Length = 12,
    Signature_Encoding_Algorithm = 13,
    Address_Preservation = 14,
    SA_Direction = 15,
}

/// <summary>IPsec attribute 4, Encapsulation Mode (RFC 2407, RFC 3947 and the NAT-T drafts' 61443/61444).</summary>
public enum EncapsulationMode : ushort
{
    RESERVED = 0,
    Tunnel = 1,
    Transport = 2,
    UDP_Encapsulated_Tunnel = 3,
    UDP_Encapsulated_Transport = 4,
    UDP_Encapsulated_Tunnel_Draft = 61443,
    UDP_Encapsulated_Transport_Draft = 61444,
}

/// <summary>IPsec attribute 5, Authentication Algorithm.</summary>
public enum IpsecAuthenticationAlgorithm : ushort
{
    RESERVED = 0,
    HMAC_MD5 = 1,
    HMAC_SHA = 2,
    DES_MAC = 3,
    KPDK = 4,
    HMAC_SHA2_256 = 5,
    HMAC_SHA2_384 = 6,
    HMAC_SHA2_512 = 7,
    HMAC_RIPEMD = 8,
    AES_XCBC_MAC = 9,
    SIG_RSA = 10,
    AES_128_GMAC = 11,
    AES_192_GMAC = 12,
    AES_256_GMAC = 13,
}

/// <summary>IKEv1 Notify Message Types (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706, Cisco).</summary>
public enum Ikev1NotifyType : ushort
{
    RESERVED = 0,
    INVALID_PAYLOAD_TYPE = 1,
    DOI_NOT_SUPPORTED = 2,
    SITUATION_NOT_SUPPORTED = 3,
    INVALID_COOKIE = 4,
    INVALID_MAJOR_VERSION = 5,
    INVALID_MINOR_VERSION = 6,
    INVALID_EXCHANGE_TYPE = 7,
    INVALID_FLAGS = 8,
    INVALID_MESSAGE_ID = 9,
    INVALID_PROTOCOL_ID = 10,
    INVALID_SPI = 11,
    INVALID_TRANSFORM_ID = 12,
    ATTRIBUTES_NOT_SUPPORTED = 13,
    NO_PROPOSAL_CHOSEN = 14,
    BAD_PROPOSAL_SYNTAX = 15,
    PAYLOAD_MALFORMED = 16,
    INVALID_KEY_INFORMATION = 17,
    INVALID_ID_INFORMATION = 18,
    INVALID_CERT_ENCODING = 19,
    INVALID_CERTIFICATE = 20,
    CERT_TYPE_UNSUPPORTED = 21,
    INVALID_CERT_AUTHORITY = 22,
    INVALID_HASH_INFORMATION = 23,
    AUTHENTICATION_FAILED = 24,
    INVALID_SIGNATURE = 25,
    ADDRESS_NOTIFICATION = 26,
    NOTIFY_SA_LIFETIME = 27,
    CERTIFICATE_UNAVAILABLE = 28,
    UNSUPPORTED_EXCHANGE_TYPE = 29,
    UNEQUAL_PAYLOAD_LENGTHS = 30,
    CONNECTED = 16384,
    RESPONDER_LIFETIME = 24576,
    REPLAY_STATUS = 24577,
    INITIAL_CONTACT = 24578,
    R_U_THERE = 36136,
    R_U_THERE_ACK = 36137,
    UNITY_LOAD_BALANCE = 40501,
}
