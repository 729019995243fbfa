using PcapIke.Certificates;
using System.Net;

namespace PcapIke.Model.Ios;

/// <summary>
/// What <see cref="IosConfigParser"/> read from a router's configuration: the parts the selection model needs, in
/// configuration order, with the 1-based line each section starts on. Everything the parser did not understand is in
/// <see cref="Ignored"/>; what it could not read is a <see cref="IosNoteKind.Problem"/> note. Names keep IOS's case;
/// keywords are stored as IOS prints them in running-config.
/// </summary>
public sealed record IosRouterConfig(
    string SourceName,
    string? Hostname,
    string? DomainName,
    IosClockZone? Clock,
    IReadOnlyList<IosInterface> Interfaces,
    IReadOnlyList<IosTrustpoint> Trustpoints,
    IReadOnlyList<IosCertificateChain> CertificateChains,
    IReadOnlyList<IosIsakmpPolicy> IsakmpPolicies,
    IReadOnlyList<IosIsakmpProfile> IsakmpProfiles,
    string? IsakmpIdentity,
    IReadOnlyList<IosIkev2Proposal> Ikev2Proposals,
    IReadOnlyList<IosIkev2Policy> Ikev2Policies,
    IReadOnlyList<IosIkev2Profile> Ikev2Profiles,
    int? Ikev2FragmentationMtu,
    bool Ikev2Fragmentation,
    IReadOnlyList<IosTransformSet> TransformSets,
    IReadOnlyList<IosIpsecProfile> IpsecProfiles,
    IReadOnlyList<IosCryptoMapEntry> CryptoMaps,
    IReadOnlyList<string> PromptHostnames,
    IReadOnlyList<IosIgnoredLine> Ignored,
    IReadOnlyList<IosNote> Notes)
{
    /// <summary>How many lines were kept as ignored.</summary>
    public int IgnoredCount => Ignored.Count;

    /// <summary>The hostname the configuration sets, else the one its prompts show.</summary>
    public string? EffectiveHostname => Hostname ?? (PromptHostnames.Count > 0 ? PromptHostnames[0] : null);

    public IosInterface? Interface(string name) =>
        Interfaces.FirstOrDefault(i => string.Equals(i.Name, IosInterfaceName.Canonical(name), StringComparison.OrdinalIgnoreCase));

    public IosTrustpoint? Trustpoint(string name) => Trustpoints.FirstOrDefault(t => t.Name == name);

    public IosCertificateChain? Chain(string trustpoint) => CertificateChains.FirstOrDefault(c => c.Trustpoint == trustpoint);

    public IosIpsecProfile? IpsecProfile(string name) => IpsecProfiles.FirstOrDefault(p => p.Name == name);

    public IosTransformSet? TransformSet(string name) => TransformSets.FirstOrDefault(t => t.Name == name);

    public IosIsakmpProfile? IsakmpProfile(string name) => IsakmpProfiles.FirstOrDefault(p => p.Name == name);

    public IosIkev2Profile? Ikev2Profile(string name) => Ikev2Profiles.FirstOrDefault(p => p.Name == name);
}

/// <summary><c>clock timezone NAME HOURS [MINUTES]</c>: the name <c>show</c> commands print dates in and its offset.</summary>
public sealed record IosClockZone(string Name, TimeSpan Offset);

/// <summary>An IPv4 address with its dotted mask as configured (<c>ip address 192.168.0.1 255.255.255.0</c>);
/// <see cref="Prefix"/> is null when the mask is not contiguous.</summary>
public sealed record IosIpv4Address(IPAddress Address, IPAddress Mask)
{
    public int? PrefixLength
    {
        get
        {
            uint m = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Mask.GetAddressBytes());
            int ones = System.Numerics.BitOperations.PopCount(m);
            uint contiguous = ones == 0 ? 0 : uint.MaxValue << (32 - ones);
            return m == contiguous ? ones : null;
        }
    }

    public InterfaceAddress? Prefix => PrefixLength is { } p ? new InterfaceAddress(Address, p) : null;

    public override string ToString() => $"{Address} {Mask}";
}

/// <summary>
/// <c>interface NAME</c> (the name canonical, <c>Ethernet0/0</c>): its primary address, the tunnel settings of a
/// tunnel interface (<c>tunnel source</c> is an interface name or an address, as written), the ipsec profile it is
/// protected with (and the IKE profile <c>tunnel protection ipsec profile P isakmp-profile|ikev2-profile X</c> may
/// add), and the <c>crypto map</c> applied to it.
/// </summary>
public sealed record IosInterface(
    string Name,
    int Line,
    string? Description,
    IosIpv4Address? Address,
    string? TunnelSource,
    string? TunnelDestination,
    string? TunnelMode,
    string? TunnelProtectionProfile,
    string? TunnelProtectionIkeProfile,
    string? CryptoMap,
    int? IpMtu,
    bool Shutdown)
{
    public bool IsTunnel => Name.StartsWith("Tunnel", StringComparison.OrdinalIgnoreCase);
    public bool IsLoopback => Name.StartsWith("Loopback", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Whether <c>serial-number</c> is configured: absent, <c>serial-number</c> (the router's serial goes into
/// the request; a value after it is kept), or <c>serial-number none</c>.</summary>
public enum IosSerialNumberSetting
{
    NotConfigured,
    Included,
    Excluded,
}

/// <summary>
/// <c>crypto pki trustpoint NAME</c> (or the older <c>crypto ca trustpoint</c>): enrollment, the subject fields the
/// router requests (<c>serial-number</c>, <c>fqdn</c>, <c>ip-address</c> — an address, an interface name or
/// <c>none</c> — and <c>subject-name</c> as written), <c>revocation-check</c> methods in order and <c>rsakeypair</c>.
/// </summary>
public sealed record IosTrustpoint(
    string Name,
    int Line,
    string? EnrollmentUrl,
    string? Enrollment,
    IosSerialNumberSetting SerialNumber,
    string? SerialNumberValue,
    string? Fqdn,
    string? IpAddress,
    string? SubjectName,
    IReadOnlyList<string> RevocationCheck,
    string? RsaKeyPair);

/// <summary>What a <c>certificate</c> line of a chain says the certificate is.</summary>
public enum IosChainCertificateKind
{
    /// <summary><c>certificate NN</c>: the router's identity certificate.</summary>
    Identity,

    /// <summary><c>certificate ca NN</c>.</summary>
    Ca,

    /// <summary><c>certificate self-signed NN</c>.</summary>
    SelfSigned,

    /// <summary>Any other keyword (<c>certificate rollover …</c>).</summary>
    Other,
}

/// <summary><c>crypto pki certificate chain TRUSTPOINT</c> and its certificates in configuration order.</summary>
public sealed record IosCertificateChain(string Trustpoint, int Line, IReadOnlyList<IosChainCertificate> Certificates)
{
    public IosChainCertificate? Identity => Certificates.FirstOrDefault(c => c.Kind == IosChainCertificateKind.Identity && c.Certificate is not null);
    public IosChainCertificate? Ca => Certificates.FirstOrDefault(c => c.Kind == IosChainCertificateKind.Ca && c.Certificate is not null);
}

/// <summary>
/// One certificate of a chain: its kind, the serial number the keyword line gives (hex, as written), its line, the
/// certificate decoded from the hex dump (null when the dump is missing or malformed — <see cref="Problem"/> says why),
/// and where IOS keeps it when the configuration names a file instead of a dump (<c>certificate ca 01 nvram:CA1#1CA.cer</c>).
/// </summary>
public sealed record IosChainCertificate(
    IosChainCertificateKind Kind,
    string Serial,
    int Line,
    CertificateInfo? Certificate,
    string? Storage,
    string? Problem);

/// <summary><c>crypto isakmp policy N</c> with IOS's defaults for what it omits (<see cref="Defaulted"/> names them).</summary>
public sealed record IosIsakmpPolicy(
    int Priority,
    int Line,
    string Encryption,
    string Hash,
    string Authentication,
    int Group,
    int Lifetime,
    IReadOnlyList<string> Defaulted)
{
    // Cisco IOS Security Command Reference, "crypto isakmp policy": a policy's parameters default to 56-bit DES-CBC,
    // SHA-1, RSA signatures, Diffie-Hellman group 1 (768-bit) and 86,400 s; running-config omits a default value.
    public const string DefaultEncryption = "des";
    public const string DefaultHash = "sha";
    public const string DefaultAuthentication = "rsa-sig";
    public const int DefaultGroup = 1;
    public const int DefaultLifetime = 86400;
}

/// <summary>
/// <c>crypto isakmp profile NAME</c>: <c>ca trust-point</c> lines, <c>match identity</c> lines (the text after
/// "match identity", e.g. <c>host R2.cisco.com</c>), <c>match certificate</c> maps, <c>self-identity</c>,
/// <c>keyring</c>, <c>vrf</c>, <c>local-address</c>.
/// </summary>
public sealed record IosIsakmpProfile(
    string Name,
    int Line,
    IReadOnlyList<string> CaTrustPoints,
    IReadOnlyList<string> MatchIdentities,
    IReadOnlyList<string> MatchCertificates,
    string? SelfIdentity,
    string? Keyring,
    string? Vrf,
    string? LocalAddress);

/// <summary><c>crypto ikev2 proposal NAME</c>: the transforms of each kind in the order written.</summary>
public sealed record IosIkev2Proposal(
    string Name,
    int Line,
    IReadOnlyList<string> Encryption,
    IReadOnlyList<string> Integrity,
    IReadOnlyList<string> Prf,
    IReadOnlyList<int> Groups);

/// <summary><c>crypto ikev2 policy NAME</c>: its proposals and match criteria.</summary>
public sealed record IosIkev2Policy(string Name, int Line, IReadOnlyList<string> Proposals, string? MatchFvrf, IReadOnlyList<string> MatchAddressLocal);

/// <summary>How a <c>pki trustpoint</c> line of an IKEv2 profile uses its trustpoint: both ways, or only to sign
/// (<c>pki trustpoint TP sign</c>) or only to verify (<c>pki trustpoint TP verify</c>).</summary>
public enum IosTrustpointUse
{
    SignAndVerify,
    Sign,
    Verify,
}

/// <summary>One <c>pki trustpoint</c> line of an IKEv2 profile.</summary>
public sealed record IosIkev2Trustpoint(string Name, IosTrustpointUse Use);

/// <summary>
/// <c>crypto ikev2 profile NAME</c>: <c>match identity remote</c> lines (the text after it), <c>match certificate</c>,
/// <c>match fvrf</c>, <c>match address local</c>, <c>identity local</c> (text after it), the authentication methods
/// (local: one; remote: one per line), <c>pki trustpoint</c> lines in order, <c>keyring</c>, <c>lifetime</c>.
/// </summary>
public sealed record IosIkev2Profile(
    string Name,
    int Line,
    IReadOnlyList<string> MatchIdentityRemote,
    IReadOnlyList<string> MatchCertificates,
    string? MatchFvrf,
    IReadOnlyList<string> MatchAddressLocal,
    string? IdentityLocal,
    string? AuthenticationLocal,
    IReadOnlyList<string> AuthenticationRemote,
    IReadOnlyList<IosIkev2Trustpoint> PkiTrustpoints,
    string? Keyring,
    int? Lifetime);

/// <summary><c>crypto ipsec transform-set NAME t1 t2 …</c> (a key size stays with its transform: <c>esp-aes 256</c>) and
/// its <c>mode</c> (IOS's default, tunnel, when absent: <see cref="ModeConfigured"/> says which).</summary>
public sealed record IosTransformSet(string Name, int Line, IReadOnlyList<string> Transforms, string Mode, bool ModeConfigured);

/// <summary><c>crypto ipsec profile NAME</c>: its transform sets, the IKE profile it binds, PFS.</summary>
public sealed record IosIpsecProfile(string Name, int Line, IReadOnlyList<string> TransformSets, string? IsakmpProfile, string? Ikev2Profile, string? Pfs);

/// <summary>One <c>crypto map NAME SEQ ipsec-isakmp</c> entry (or <c>crypto dynamic-map</c>, <see cref="Dynamic"/>):
/// peers, transform sets, the IKE profile, the access list it matches.</summary>
public sealed record IosCryptoMapEntry(
    string Map,
    int Sequence,
    int Line,
    string? Type,
    bool Dynamic,
    IReadOnlyList<string> Peers,
    IReadOnlyList<string> TransformSets,
    string? IsakmpProfile,
    string? Ikev2Profile,
    string? MatchAddress);
