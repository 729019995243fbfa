namespace PcapIke.Ike;

/// <summary>IKEv2 header flags (RFC 7296 §3.1).</summary>
[Flags]
public enum Ikev2Flags : byte
{
    None = 0,
    Initiator = 0x08,
    Version = 0x10,
    Response = 0x20,
}

/// <summary>"IKEv2 Security Protocol Identifiers" (RFC 7296 §3.3.1).</summary>
public enum Ikev2ProtocolId : byte
{
    RESERVED = 0,
    IKE = 1,
    AH = 2,
    ESP = 3,
    FC_ESP_HEADER = 4,
    FC_CT_AUTHENTICATION = 5,
}

/// <summary>"Transform Type Values" (RFC 7296 §3.3.2, RFC 9370).</summary>
public enum TransformType : byte
{
    RESERVED = 0,
    ENCR = 1,
    PRF = 2,
    INTEG = 3,
    /// <summary>Formerly D-H, "Diffie-Hellman Group".</summary>
    KE = 4,
    /// <summary>Extended Sequence Numbers (now "Sequence Numbers").</summary>
    ESN = 5,
    ADDKE1 = 6,
    ADDKE2 = 7,
    ADDKE3 = 8,
    ADDKE4 = 9,
    ADDKE5 = 10,
    ADDKE6 = 11,
    ADDKE7 = 12,
}

/// <summary>Transform Type 1, Encryption Algorithm Transform IDs.</summary>
public enum EncryptionTransformId : ushort
{
    RESERVED = 0,
    ENCR_DES_IV64 = 1,
    ENCR_DES = 2,
    ENCR_3DES = 3,
    ENCR_RC5 = 4,
    ENCR_IDEA = 5,
    ENCR_CAST = 6,
    ENCR_BLOWFISH = 7,
    ENCR_3IDEA = 8,
    ENCR_DES_IV32 = 9,
    ENCR_NULL = 11,
    ENCR_AES_CBC = 12,
    ENCR_AES_CTR = 13,
    ENCR_AES_CCM_8 = 14,
    ENCR_AES_CCM_12 = 15,
    ENCR_AES_CCM_16 = 16,
    ENCR_AES_GCM_8 = 18,
    ENCR_AES_GCM_12 = 19,
    ENCR_AES_GCM_16 = 20,
    ENCR_NULL_AUTH_AES_GMAC = 21,
    ENCR_CAMELLIA_CBC = 23,
    ENCR_CAMELLIA_CTR = 24,
    ENCR_CAMELLIA_CCM_8 = 25,
    ENCR_CAMELLIA_CCM_12 = 26,
    ENCR_CAMELLIA_CCM_16 = 27,
    ENCR_CHACHA20_POLY1305 = 28,
    ENCR_AES_CCM_8_IIV = 29,
    ENCR_AES_GCM_16_IIV = 30,
    ENCR_CHACHA20_POLY1305_IIV = 31,
    ENCR_KUZNYECHIK_MGM_KTREE = 32,
    ENCR_MAGMA_MGM_KTREE = 33,
    ENCR_KUZNYECHIK_MGM_MAC_KTREE = 34,
    ENCR_MAGMA_MGM_MAC_KTREE = 35,
}

/// <summary>Transform Type 2, Pseudorandom Function Transform IDs.</summary>
public enum PrfTransformId : ushort
{
    RESERVED = 0,
    PRF_HMAC_MD5 = 1,
    PRF_HMAC_SHA1 = 2,
    PRF_HMAC_TIGER = 3,
    PRF_AES128_XCBC = 4,
    PRF_HMAC_SHA2_256 = 5,
    PRF_HMAC_SHA2_384 = 6,
    PRF_HMAC_SHA2_512 = 7,
    PRF_AES128_CMAC = 8,
    PRF_HMAC_STREEBOG_512 = 9,
}

/// <summary>Transform Type 3, Integrity Algorithm Transform IDs.</summary>
public enum IntegrityTransformId : ushort
{
    NONE = 0,
    AUTH_HMAC_MD5_96 = 1,
    AUTH_HMAC_SHA1_96 = 2,
    AUTH_DES_MAC = 3,
    AUTH_KPDK_MD5 = 4,
    AUTH_AES_XCBC_96 = 5,
    AUTH_HMAC_MD5_128 = 6,
    AUTH_HMAC_SHA1_160 = 7,
    AUTH_AES_CMAC_96 = 8,
    AUTH_AES_128_GMAC = 9,
    AUTH_AES_192_GMAC = 10,
    AUTH_AES_256_GMAC = 11,
    AUTH_HMAC_SHA2_256_128 = 12,
    AUTH_HMAC_SHA2_384_192 = 13,
    AUTH_HMAC_SHA2_512_256 = 14,
}

/// <summary>Transform Type 5, (Extended) Sequence Numbers Transform IDs.</summary>
public enum EsnTransformId : ushort
{
    No_Extended_Sequence_Numbers = 0,
    Extended_Sequence_Numbers = 1,
}

/// <summary>"IKEv2 Transform Attribute Types" (RFC 7296 §3.3.5).</summary>
public enum Ikev2TransformAttributeType : ushort
{
    RESERVED = 0,
    Key_Length = 14,
}

/// <summary>"IKEv2 Authentication Method" (RFC 7296 §3.8, RFC 4754, RFC 6467, RFC 7619, RFC 7427).</summary>
public enum Ikev2AuthMethod : byte
{
    RESERVED = 0,
    RSA_Digital_Signature = 1,
    Shared_Key_Message_Integrity_Code = 2,
    DSS_Digital_Signature = 3,
    ECDSA_SHA256_P256 = 9,
    ECDSA_SHA384_P384 = 10,
    ECDSA_SHA512_P521 = 11,
    Generic_Secure_Password_Authentication_Method = 12,
    NULL_Authentication = 13,
    Digital_Signature = 14,
}

/// <summary>"IKEv2 Traffic Selector Types" (RFC 7296 §3.13.1, RFC 4595, RFC 9478).</summary>
public enum TrafficSelectorType : byte
{
    TS_IPV4_ADDR_RANGE = 7,
    TS_IPV6_ADDR_RANGE = 8,
    TS_FC_ADDR_RANGE = 9,
    TS_SECLABEL = 10,
}

/// <summary>"IKEv2 Notify Message Error Types" and "Status Types" (RFC 7296 §3.10.1 and later RFCs).</summary>
public enum Ikev2NotifyType : ushort
{
    RESERVED = 0,
    UNSUPPORTED_CRITICAL_PAYLOAD = 1,
    INVALID_IKE_SPI = 4,
    INVALID_MAJOR_VERSION = 5,
    INVALID_SYNTAX = 7,
    INVALID_MESSAGE_ID = 9,
    INVALID_SPI = 11,
    NO_PROPOSAL_CHOSEN = 14,
    INVALID_KE_PAYLOAD = 17,
    AUTHENTICATION_FAILED = 24,
    SINGLE_PAIR_REQUIRED = 34,
    NO_ADDITIONAL_SAS = 35,
    INTERNAL_ADDRESS_FAILURE = 36,
    FAILED_CP_REQUIRED = 37,
    TS_UNACCEPTABLE = 38,
    INVALID_SELECTORS = 39,
    UNACCEPTABLE_ADDRESSES = 40,
    UNEXPECTED_NAT_DETECTED = 41,
    USE_ASSIGNED_HoA = 42,
    TEMPORARY_FAILURE = 43,
    CHILD_SA_NOT_FOUND = 44,
    INVALID_GROUP_ID = 45,
    AUTHORIZATION_FAILED = 46,
    STATE_NOT_FOUND = 47,
    TS_MAX_QUEUE = 48,
    INITIAL_CONTACT = 16384,
    SET_WINDOW_SIZE = 16385,
    ADDITIONAL_TS_POSSIBLE = 16386,
    IPCOMP_SUPPORTED = 16387,
    NAT_DETECTION_SOURCE_IP = 16388,
    NAT_DETECTION_DESTINATION_IP = 16389,
    COOKIE = 16390,
    USE_TRANSPORT_MODE = 16391,
    HTTP_CERT_LOOKUP_SUPPORTED = 16392,
    REKEY_SA = 16393,
    ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
    NON_FIRST_FRAGMENTS_ALSO = 16395,
    MOBIKE_SUPPORTED = 16396,
    ADDITIONAL_IP4_ADDRESS = 16397,
    ADDITIONAL_IP6_ADDRESS = 16398,
    NO_ADDITIONAL_ADDRESSES = 16399,
    UPDATE_SA_ADDRESSES = 16400,
    COOKIE2 = 16401,
    NO_NATS_ALLOWED = 16402,
    AUTH_LIFETIME = 16403,
    MULTIPLE_AUTH_SUPPORTED = 16404,
    ANOTHER_AUTH_FOLLOWS = 16405,
    REDIRECT_SUPPORTED = 16406,
    REDIRECT = 16407,
    REDIRECTED_FROM = 16408,
    TICKET_LT_OPAQUE = 16409,
    TICKET_REQUEST = 16410,
    TICKET_ACK = 16411,
    TICKET_NACK = 16412,
    TICKET_OPAQUE = 16413,
    LINK_ID = 16414,
    USE_WESP_MODE = 16415,
    ROHC_SUPPORTED = 16416,
    EAP_ONLY_AUTHENTICATION = 16417,
    CHILDLESS_IKEV2_SUPPORTED = 16418,
    QUICK_CRASH_DETECTION = 16419,
    IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420,
    IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED = 16421,
    IKEV2_MESSAGE_ID_SYNC = 16422,
    IPSEC_REPLAY_COUNTER_SYNC = 16423,
    SECURE_PASSWORD_METHODS = 16424,
    PSK_PERSIST = 16425,
    PSK_CONFIRM = 16426,
    ERX_SUPPORTED = 16427,
    IFOM_CAPABILITY = 16428,
    SENDER_REQUEST_ID = 16429,
    IKEV2_FRAGMENTATION_SUPPORTED = 16430,
    SIGNATURE_HASH_ALGORITHMS = 16431,
    CLONE_IKE_SA_SUPPORTED = 16432,
    CLONE_IKE_SA = 16433,
    PUZZLE = 16434,
    USE_PPK = 16435,
    PPK_IDENTITY = 16436,
    NO_PPK_AUTH = 16437,
    INTERMEDIATE_EXCHANGE_SUPPORTED = 16438,
    IP4_ALLOWED = 16439,
    IP6_ALLOWED = 16440,
    ADDITIONAL_KEY_EXCHANGE = 16441,
    USE_AGGFRAG = 16442,
}

/// <summary>EAP codes (RFC 3748 §4).</summary>
public enum EapCode : byte
{
    Request = 1,
    Response = 2,
    Success = 3,
    Failure = 4,
}

/// <summary>A few EAP method types (RFC 3748 §5 and the IANA EAP registry).</summary>
public enum EapType : byte
{
    None = 0,
    Identity = 1,
    Notification = 2,
    Nak = 3,
    MD5_Challenge = 4,
    OTP = 5,
    GTC = 6,
    EAP_TLS = 13,
    LEAP = 17,
    EAP_SIM = 18,
    EAP_TTLS = 21,
    EAP_AKA = 23,
    PEAP = 25,
    MSCHAPv2 = 26,
    EAP_FAST = 43,
    EAP_AKA_PRIME = 50,
}
