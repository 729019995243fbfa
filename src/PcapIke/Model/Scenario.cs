using System.Net;

namespace PcapIke.Model;

/// <summary>
/// One forge scenario (docs/scenario-format.md): the CAs, two routers with their trustpoints and IKE/IPsec
/// configuration, who initiates and the link: what the decision engine (<see cref="DecisionEngine"/>) reads and the
/// forge writes captures of. Immutable; built by the forge's <c>ScenarioParser</c> from a scenario file, which has already
/// checked every reference (trustpoint → CA, profile → trustpoint, ipsec profile → IKE profile).
/// <paramref name="Negotiations"/> names the initiator of each negotiation the capture holds, in order (the first is
/// <paramref name="Initiator"/>); <paramref name="Start"/> is when the first begins.
/// </summary>
public sealed record Scenario(
    string Name,
    string? Description,
    string Seed,
    DateTimeOffset Epoch,
    TimeSpan EnrollmentInterval,
    ClockZone Clock,
    KeySettings Keys,
    IReadOnlyList<CaSpec> Cas,
    IReadOnlyList<RouterSpec> Routers,
    string Initiator,
    LinkSpec Link,
    IReadOnlyList<string> Negotiations,
    DateTimeOffset Start)
{
    /// <summary>Routers not configured but inferred from a capture (one router's configuration given, its peer as the
    /// capture shows it): the explanation may try hypotheses about what the capture cannot show of them.</summary>
    public IReadOnlyList<string> InferredRouters { get; init; } = [];

    public RouterSpec Router(string name) => Routers.Single(r => r.Name == name);
    public CaSpec Ca(string name) => Cas.Single(c => c.Name == name);

    /// <summary>The router that is not <paramref name="router"/> (scenarios have exactly two).</summary>
    public RouterSpec Peer(RouterSpec router) => Routers.Single(r => !ReferenceEquals(r, router));
}

/// <summary>The time zone IOS prints dates in (<c>clock timezone CET 1</c>).</summary>
public sealed record ClockZone(string Name, TimeSpan Offset);

/// <summary>RSA modulus sizes and the certificate signature algorithm (BouncyCastle name).</summary>
public sealed record KeySettings(int CaBits, int RouterBits, string SignatureAlgorithm)
{
    public const int DefaultBits = 2048;
    public const string Sha256WithRsa = "SHA256WITHRSA";
    public const string Sha1WithRsa = "SHA1WITHRSA";
}

/// <summary>A certification authority: <paramref name="Subject"/> in IOS debug style (<c>cn=CA1,o=cisco,o=com</c>);
/// <paramref name="ValidityDays"/> is the CA certificate's lifetime, <paramref name="IssuedValidityDays"/> that of the
/// identity certificates it issues (IOS CA server defaults: 3 years and 1 year).</summary>
public sealed record CaSpec(string Name, string Subject, string? EnrollmentUrl, int ValidityDays, int IssuedValidityDays);

/// <summary>The link both routers sit on: its MTU and the capture's link type.</summary>
public sealed record LinkSpec(int Mtu, CaptureLink Capture);

/// <summary>How the forged capture frames datagrams: raw IP (an IOS Embedded Packet Capture export) or Ethernet.</summary>
public enum CaptureLink
{
    RawIp,
    Ethernet,
}

/// <summary>An IPv4 address with its prefix length (<c>192.168.0.1/24</c>).</summary>
public readonly record struct InterfaceAddress(IPAddress Address, int PrefixLength)
{
    /// <summary>The dotted mask IOS prints (<c>255.255.255.0</c>).</summary>
    public string Mask
    {
        get
        {
            uint m = PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
            return $"{m >> 24}.{(m >> 16) & 0xFF}.{(m >> 8) & 0xFF}.{m & 0xFF}";
        }
    }

    public override string ToString() => $"{Address}/{PrefixLength}";
}

public sealed record RouterSpec(
    string Name,
    string Hostname,
    string? DomainName,
    InterfaceAddress Ethernet,
    InterfaceAddress Tunnel,
    InterfaceAddress? Loopback,
    IReadOnlyList<TrustpointSpec> Trustpoints,
    Ikev1Spec? Ikev1,
    Ikev2Spec? Ikev2,
    IpsecSpec Ipsec)
{
    /// <summary>The trustpoints newest enrollment first: the order of <c>show crypto pki certificates</c> and of
    /// the CERT_REQ payloads IOS sends for all global trustpoints (selection-model.md, "certificate store order").</summary>
    public IReadOnlyList<TrustpointSpec> StoreOrder => Trustpoints.OrderByDescending(t => t.Enrolled).ToArray();

    public TrustpointSpec Trustpoint(string name) => Trustpoints.Single(t => t.Name == name);
}

/// <summary>
/// <c>crypto pki trustpoint</c>: the CA it trusts and the identity certificate enrolled from it. <paramref name="Enrolled"/>
/// is the enrollment's step on the scenario-wide timeline (1, 2, ...): it fixes the certificate's start date, its serial
/// number (each CA numbers its certificates in timeline order, its own being 01) and the router's store order.
/// </summary>
public sealed record TrustpointSpec(
    string Name,
    string Ca,
    int Enrolled,
    string? EnrollmentUrl,
    string? SerialNumber,
    string? Fqdn,
    IPAddress? IpAddress,
    string? SubjectName,
    string RevocationCheck);

/// <summary>IKEv1: <c>crypto isakmp policy</c> and the <c>crypto isakmp profile</c>s.</summary>
public sealed record Ikev1Spec(IsakmpPolicySpec Policy, IReadOnlyList<IsakmpProfileSpec> Profiles);

public sealed record IsakmpPolicySpec(int Priority, string Encryption, string Hash, int Group, string Authentication, int Lifetime);

/// <summary><c>crypto isakmp profile</c>: <c>self-identity</c>, <c>ca trust-point</c> lines (may be empty) and one
/// <c>match identity</c> (<paramref name="MatchIdentity"/> is the IOS text after "match identity", e.g. <c>host R2.cisco.com</c>).</summary>
public sealed record IsakmpProfileSpec(string Name, string? SelfIdentity, IReadOnlyList<string> CaTrustPoints, string MatchIdentity);

/// <summary>IKEv2: proposal, policy, profiles (in configuration order), and whether fragmentation is on.</summary>
public sealed record Ikev2Spec(Ikev2ProposalSpec Proposal, string PolicyName, IReadOnlyList<Ikev2ProfileSpec> Profiles, bool Fragmentation);

public sealed record Ikev2ProposalSpec(string Name, IReadOnlyList<string> Encryption, IReadOnlyList<string> Integrity, IReadOnlyList<int> Group);

/// <summary><c>crypto ikev2 profile</c>; <paramref name="MatchIdentityRemote"/> and <paramref name="IdentityLocal"/> are the
/// IOS text after the keywords (<c>address 192.168.0.1 255.255.255.255</c>, <c>address 192.168.0.2</c>).</summary>
public sealed record Ikev2ProfileSpec(
    string Name,
    string MatchIdentityRemote,
    string? IdentityLocal,
    string AuthenticationLocal,
    string AuthenticationRemote,
    IReadOnlyList<string> PkiTrustpoints);

/// <summary><c>crypto ipsec transform-set</c> and the <c>crypto ipsec profile</c> that <c>interface Tunnel1</c>
/// protects with, bound to one IKEv1 or IKEv2 profile.</summary>
public sealed record IpsecSpec(string TransformSetName, IReadOnlyList<string> Transforms, string Mode, string ProfileName, string? IsakmpProfile, string? Ikev2Profile);

/// <summary>What a scenario leaves out defaults to (docs/scenario-format.md): the values the forge's scenario parser and
/// the routers built from IOS text share (ScenarioDefaultsTests checks the parser agrees).</summary>
public static class ScenarioDefaults
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const int EnrollmentIntervalSeconds = 36;
    /// <summary>IOS CA server defaults: CA certificates 3 years, issued certificates 1 year.</summary>
    public const int CaValidityDays = 3 * 365;
    public const int IssuedValidityDays = 365;
    public const int Mtu = 1500;
}
