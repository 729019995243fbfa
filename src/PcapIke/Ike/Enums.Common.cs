namespace PcapIke.Ike;

// Enum members follow the IANA registries' names (notation column where there is one), adapted to C# identifiers
// ('-' and ' ' become '_'). Values not listed are kept as their raw number: every enum is the wire width, so a cast
// of an unknown value round-trips and IkeNames renders it as "Unknown (n)".

/// <summary>
/// Exchange types of both versions. The registries are disjoint: IKEv2 reserves 0-33 for ISAKMP/IKEv1
/// ("ISAKMP Exchange Types", RFC 2408 §3.1 / RFC 2409; "IKEv2 Exchange Types", RFC 7296 §3.1).
/// </summary>
public enum ExchangeType : byte
{
    None = 0,
    Base = 1,
    /// <summary>Main Mode (RFC 2409 §5).</summary>
    IdentityProtection = 2,
    AuthenticationOnly = 3,
    Aggressive = 4,
    Informational = 5,
    /// <summary>draft-ietf-ipsec-isakmp-mode-cfg (Mode Config, XAUTH).</summary>
    Transaction = 6,
    QuickMode = 32,
    NewGroupMode = 33,
    IKE_SA_INIT = 34,
    IKE_AUTH = 35,
    CREATE_CHILD_SA = 36,
    INFORMATIONAL = 37,
    IKE_SESSION_RESUME = 38,
    GSA_AUTH = 39,
    GSA_REGISTRATION = 40,
    GSA_REKEY = 41,
    GSA_INBAND_REKEY = 42,
    IKE_INTERMEDIATE = 43,
    IKE_FOLLOWUP_KE = 44,
}

/// <summary>
/// Next Payload values of both versions ("ISAKMP Next Payload Types" and "IKEv2 Payload Types"); the assigned ranges
/// are disjoint (IKEv1 0-22 and 128-132, IKEv2 33-54), so one enum serves both.
/// IKEv1 members use the IKEv1 notation; IKEv2 members the IKEv2 notation with a "V2" suffix where it clashes.
/// </summary>
public enum PayloadType : byte
{
    NONE = 0,
    // IKEv1 (RFC 2408 §3.1, RFC 3947, RFC 6407, draft-ietf-ipsec-isakmp-mode-cfg)
    SA = 1,
    P = 2,
    T = 3,
    KE = 4,
    ID = 5,
    CERT = 6,
    CR = 7,
    HASH = 8,
    SIG = 9,
    NONCE = 10,
    N = 11,
    D = 12,
    VID = 13,
    ATTR = 14,
    SAK = 15,
    SAT = 16,
    KD = 17,
    SEQ = 18,
    POP = 19,
    NAT_D = 20,
    NAT_OA = 21,
    GAP = 22,
    /// <summary>NAT-D as in draft-ietf-ipsec-nat-t-ike-01..03.</summary>
    NAT_D_Draft = 130,
    /// <summary>NAT-OA as in draft-ietf-ipsec-nat-t-ike-01..03.</summary>
    NAT_OA_Draft = 131,
    /// <summary>Cisco proprietary IKEv1 fragmentation payload.</summary>
    CiscoFragmentation = 132,
    // IKEv2 (RFC 7296 §3.2, RFC 7383, RFC 5723, G-IKEv2)
    SAv2 = 33,
    KEv2 = 34,
    IDi = 35,
    IDr = 36,
    CERTv2 = 37,
    CERTREQ = 38,
    AUTH = 39,
    Nonce = 40,
    Nv2 = 41,
    Dv2 = 42,
    V = 43,
    TSi = 44,
    TSr = 45,
    SK = 46,
    CP = 47,
    EAP = 48,
    GSPM = 49,
    IDg = 50,
    GSA = 51,
    KDv2 = 52,
    SKF = 53,
    PS = 54,
}

/// <summary>
/// Diffie-Hellman groups: IKEv1 "Group Description" (IKE attribute 4, IPsec attribute 3) and IKEv2 Transform Type 4
/// "Key Exchange Method Transform IDs" share one number space.
/// </summary>
public enum DhGroup : ushort
{
    NONE = 0,
    MODP_768 = 1,
    MODP_1024 = 2,
    EC2N_155 = 3,
    EC2N_185 = 4,
    MODP_1536 = 5,
    MODP_2048 = 14,
    MODP_3072 = 15,
    MODP_4096 = 16,
    MODP_6144 = 17,
    MODP_8192 = 18,
    ECP_256 = 19,
    ECP_384 = 20,
    ECP_521 = 21,
    MODP_1024_S160 = 22,
    MODP_2048_S224 = 23,
    MODP_2048_S256 = 24,
    ECP_192 = 25,
    ECP_224 = 26,
    BrainpoolP224r1 = 27,
    BrainpoolP256r1 = 28,
    BrainpoolP384r1 = 29,
    BrainpoolP512r1 = 30,
    Curve25519 = 31,
    Curve448 = 32,
    GOST3410_2012_256 = 33,
    GOST3410_2012_512 = 34,
    ML_KEM_512 = 35,
    ML_KEM_768 = 36,
    ML_KEM_1024 = 37,
}

/// <summary>Identification types (RFC 2407 §4.6.2.1 for IKEv1; RFC 7296 §3.5 for IKEv2, which reuses the numbers).</summary>
public enum IdentificationType : byte
{
    RESERVED = 0,
    ID_IPV4_ADDR = 1,
    ID_FQDN = 2,
    /// <summary>IKEv1 ID_USER_FQDN; IKEv2 calls the same number ID_RFC822_ADDR.</summary>
    ID_USER_FQDN = 3,
    ID_IPV4_ADDR_SUBNET = 4,
    ID_IPV6_ADDR = 5,
    ID_IPV6_ADDR_SUBNET = 6,
    ID_IPV4_ADDR_RANGE = 7,
    ID_IPV6_ADDR_RANGE = 8,
    ID_DER_ASN1_DN = 9,
    ID_DER_ASN1_GN = 10,
    ID_KEY_ID = 11,
    /// <summary>IKEv1 ID_LIST (RFC 3554); IKEv2 ID_FC_NAME (RFC 4595).</summary>
    ID_LIST = 12,
    /// <summary>IKEv2 ID_NULL (RFC 7619).</summary>
    ID_NULL = 13,
}

/// <summary>Certificate encodings (RFC 2408 §3.9 for IKEv1; RFC 7296 §3.6 "IKEv2 Certificate Encodings").</summary>
public enum CertificateEncoding : byte
{
    NONE = 0,
    PKCS7_Wrapped_X509 = 1,
    PGP_Certificate = 2,
    DNS_Signed_Key = 3,
    X509_Certificate_Signature = 4,
    X509_Certificate_Key_Exchange = 5,
    Kerberos_Tokens = 6,
    Certificate_Revocation_List = 7,
    Authority_Revocation_List = 8,
    SPKI_Certificate = 9,
    X509_Certificate_Attribute = 10,
    Raw_RSA_Key = 11,
    Hash_And_URL_Of_X509_Certificate = 12,
    Hash_And_URL_Of_X509_Bundle = 13,
    OCSP_Content = 14,
    Raw_Public_Key = 15,
}

/// <summary>Configuration payload / ISAKMP Mode Config message types (RFC 7296 §3.15; draft-ietf-ipsec-isakmp-mode-cfg).</summary>
public enum ConfigurationType : byte
{
    RESERVED = 0,
    CFG_REQUEST = 1,
    CFG_REPLY = 2,
    CFG_SET = 3,
    CFG_ACK = 4,
}

/// <summary>Configuration attribute types (RFC 7296 §3.15.1 and later; IKEv1 Mode Config, XAUTH and Cisco Unity).</summary>
public enum ConfigurationAttributeType : ushort
{
    RESERVED = 0,
    INTERNAL_IP4_ADDRESS = 1,
    INTERNAL_IP4_NETMASK = 2,
    INTERNAL_IP4_DNS = 3,
    INTERNAL_IP4_NBNS = 4,
    INTERNAL_ADDRESS_EXPIRY = 5,
    INTERNAL_IP4_DHCP = 6,
    APPLICATION_VERSION = 7,
    INTERNAL_IP6_ADDRESS = 8,
    INTERNAL_IP6_NETMASK = 9,
    INTERNAL_IP6_DNS = 10,
    INTERNAL_IP6_NBNS = 11,
    INTERNAL_IP6_DHCP = 12,
    INTERNAL_IP4_SUBNET = 13,
    SUPPORTED_ATTRIBUTES = 14,
    INTERNAL_IP6_SUBNET = 15,
    MIP6_HOME_PREFIX = 16,
    INTERNAL_IP6_LINK = 17,
    INTERNAL_IP6_PREFIX = 18,
    HOME_AGENT_ADDRESS = 19,
    P_CSCF_IP4_ADDRESS = 20,
    P_CSCF_IP6_ADDRESS = 21,
    FTT_KAT = 22,
    EXTERNAL_SOURCE_IP4_NAT_INFO = 23,
    TIMEOUT_PERIOD_FOR_LIVENESS_CHECK = 24,
    INTERNAL_DNS_DOMAIN = 25,
    INTERNAL_DNSSEC_TA = 26,
    XAUTH_TYPE = 16520,
    XAUTH_USER_NAME = 16521,
    XAUTH_USER_PASSWORD = 16522,
    XAUTH_PASSCODE = 16523,
    XAUTH_MESSAGE = 16524,
    XAUTH_CHALLENGE = 16525,
    XAUTH_DOMAIN = 16526,
    XAUTH_STATUS = 16527,
    XAUTH_NEXT_PIN = 16528,
    XAUTH_ANSWER = 16529,
    UNITY_BANNER = 28672,
    UNITY_SAVE_PASSWD = 28673,
    UNITY_DEF_DOMAIN = 28674,
    UNITY_SPLIT_DNS = 28675,
    UNITY_SPLIT_INCLUDE = 28676,
    UNITY_NATT_PORT = 28677,
    UNITY_LOCAL_LAN = 28678,
    UNITY_PFS = 28679,
    UNITY_FW_TYPE = 28680,
    UNITY_BACKUP_SERVERS = 28681,
    UNITY_DDNS_HOSTNAME = 28682,
}
