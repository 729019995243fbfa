using System.Net;
using PcapIke.Ike;

namespace PcapIke.Model;

/// <summary>A trustpoint as the selection rules see it: its name, its CA's DN (IOS style), the CA Name's DER (an
/// IKEv1 CERT_REQ entry) and the SHA-1 of the CA's SubjectPublicKeyInfo (an IKEv2 CERTREQ entry; null for a built-in
/// CA whose key is not known here), and whether the router holds an identity certificate from it.</summary>
public sealed record TrustpointCa(string Trustpoint, string CaDn, byte[] CaNameDer, byte[]? CaSpkiSha1, bool HasIdentity, bool BuiltIn);

/// <summary>An IKE identity (RFC 2407 §4.6.2, RFC 7296 §3.5): its type and its data as text (an address, an FQDN or a
/// DN).</summary>
public readonly record struct IkeIdentity(IdentificationType Type, string Value)
{
    public override string ToString() => $"{Type} {Value}";
}

/// <summary>Whose rule a decision follows: the rules of selection-model.md (I1–I4 for IKEv1, V1–V4 for IKEv2).</summary>
public sealed record SelectionDecision<T>(T Value, string Rule, string Reason);

/// <summary>
/// The rules by which Cisco IOS (15.3T, the technote in shared/seed) chooses CERT_REQ contents, trustpoints,
/// certificates and profiles — docs/selection-model.md in code. The forge follows them to make its captures; the
/// explanations read them back. Every method is pure: the router's configuration and store in, a decision and the
/// rule that made it out.
/// </summary>
public static class IosSelection
{
    // ---- IKEv1 Main Mode ----

    /// <summary>
    /// I1: the CAs a router names in CERT_REQ. An initiator whose isakmp profile has <c>ca trust-point</c> lines names
    /// only those (MM3); otherwise, and always as responder (MM4: the profile is bound only on MM5), every global
    /// trustpoint's CA, in store order, the built-ins last.
    /// </summary>
    public static SelectionDecision<IReadOnlyList<TrustpointCa>> Ikev1CertRequests(
        IReadOnlyList<TrustpointCa> store, IsakmpProfileSpec? profile, bool initiator)
    {
        if (initiator && profile is { CaTrustPoints.Count: > 0 })
        {
            var listed = profile.CaTrustPoints.Select(n => store.First(t => t.Trustpoint == n)).ToArray();
            return new(listed, "I1", $"initiator with 'ca trust-point {string.Join(", ", profile.CaTrustPoints)}' in isakmp profile {profile.Name}: only those CAs");
        }
        string why = initiator
            ? $"initiator whose isakmp profile {profile?.Name ?? "(none)"} has no 'ca trust-point': every global trustpoint, store order"
            : "responder: the profile is not known before MM5, so every global trustpoint, store order";
        return new(DistinctCas(store), "I1", why);
    }

    /// <summary>
    /// I2: the trustpoint whose certificate and key authenticate the router: the first CERT_REQ entry (payload order)
    /// naming the CA of a candidate trustpoint that holds an identity certificate. Candidates: an initiator's
    /// profile <c>ca trust-point</c> list when it has one, else every global trustpoint. Null when nothing matches.
    /// </summary>
    public static SelectionDecision<TrustpointCa?> Ikev1ChooseTrustpoint(
        IReadOnlyList<TrustpointCa> store, IsakmpProfileSpec? profile, bool initiator, IReadOnlyList<string> requestedCaDns)
    {
        IReadOnlyList<TrustpointCa> candidates = initiator && profile is { CaTrustPoints.Count: > 0 }
            ? store.Where(t => profile.CaTrustPoints.Contains(t.Trustpoint)).ToArray()
            : store;
        for (int i = 0; i < requestedCaDns.Count; i++)
        {
            string key = DnKey(requestedCaDns[i]);
            var hit = candidates.FirstOrDefault(t => t.HasIdentity && DnKey(t.CaDn) == key);
            if (hit is not null)
                return new(hit, "I2", $"CERT_REQ #{i + 1} ({requestedCaDns[i]}) is the first that names a CA of "
                    + (candidates == store ? "a global trustpoint" : "the profile's 'ca trust-point' list")
                    + $": trustpoint {hit.Trustpoint}");
        }
        return new(null, "I2", "no CERT_REQ names a CA of a trustpoint with an identity certificate");
    }

    /// <summary>I4: the trustpoints a router validates the peer's certificate against ("Creating CERT validation
    /// list"): the bound profile's <c>ca trust-point</c> list, else every global trustpoint.</summary>
    public static SelectionDecision<IReadOnlyList<TrustpointCa>> Ikev1ValidationList(IReadOnlyList<TrustpointCa> store, IsakmpProfileSpec? profile) =>
        profile is { CaTrustPoints.Count: > 0 }
            ? new(profile.CaTrustPoints.Select(n => store.First(t => t.Trustpoint == n)).ToArray(), "I4",
                $"isakmp profile {profile.Name} has 'ca trust-point': validation list {string.Join(", ", profile.CaTrustPoints)}")
            : new(store, "I4", $"isakmp profile {profile?.Name ?? "(none)"} has no 'ca trust-point': every global trustpoint");

    /// <summary>I3: the isakmp profile a responder binds on MM5: the profiles whose <c>match identity</c> matches the
    /// peer's ID; the most specific wins, ties go to the first in configuration order.</summary>
    public static SelectionDecision<IsakmpProfileSpec?> Ikev1MatchProfile(IReadOnlyList<IsakmpProfileSpec> profiles, IkeIdentity peer)
    {
        IsakmpProfileSpec? best = null;
        int bestScore = -1;
        foreach (var p in profiles)
        {
            int score = MatchScore(p.MatchIdentity, peer);
            if (score > bestScore) (best, bestScore) = (p, score);
        }
        return best is null || bestScore < 0
            ? new(null, "I3", $"no isakmp profile matches the peer's identity {peer.Value}")
            : new(best, "I3", $"peer identity {peer.Value} matches 'match identity {best.MatchIdentity}' of isakmp profile {best.Name}");
    }

    /// <summary>The IKEv1 ID a router sends: <c>self-identity fqdn</c> gives ID_FQDN hostname.domain, <c>dn</c> the
    /// certificate's subject, otherwise (IOS default, <c>address</c>) ID_IPV4_ADDR of the interface.</summary>
    public static IkeIdentity Ikev1SelfIdentity(RouterSpec router, IsakmpProfileSpec? profile, string? certificateSubject) =>
        profile?.SelfIdentity?.Split(' ', StringSplitOptions.RemoveEmptyEntries) switch
        {
            ["fqdn"] => new(IdentificationType.ID_FQDN, Fqdn(router)),
            ["fqdn", var name] => new(IdentificationType.ID_FQDN, name),
            ["dn"] when certificateSubject is not null => new(IdentificationType.ID_DER_ASN1_DN, certificateSubject),
            ["user-fqdn", var name] => new(IdentificationType.ID_USER_FQDN, name),
            _ => new(IdentificationType.ID_IPV4_ADDR, router.Ethernet.Address.ToString()),
        };

    // ---- IKEv2 ----

    /// <summary>V1: the CAs a responder names in its IKE_SA_INIT CERTREQ: every global trustpoint's CA, store order
    /// (built-ins only when their key hash is known).</summary>
    public static SelectionDecision<IReadOnlyList<TrustpointCa>> Ikev2ResponderCertRequests(IReadOnlyList<TrustpointCa> store) =>
        new(DistinctCas(store).Where(t => t.CaSpkiSha1 is not null).ToArray(), "V1",
            "responder: the profile is not known before IKE_AUTH, so every global trustpoint, store order");

    /// <summary>The CAs an initiator names in its IKE_AUTH CERTREQ: its profile's <c>pki trustpoint</c>s (store
    /// order), else every global trustpoint.</summary>
    public static IReadOnlyList<TrustpointCa> Ikev2InitiatorCertRequests(IReadOnlyList<TrustpointCa> store, Ikev2ProfileSpec profile) =>
        (profile.PkiTrustpoints.Count > 0
            ? store.Where(t => profile.PkiTrustpoints.Contains(t.Trustpoint)).ToArray()
            : DistinctCas(store)).Where(t => t.CaSpkiSha1 is not null).ToArray();

    /// <summary>
    /// V2: the trustpoint a router signs IKE_AUTH with: the first CERTREQ hash naming one of its profile's
    /// <c>pki trustpoint</c>s. An initiator without <c>pki trustpoint</c> cannot sign ("Failed to build certificate
    /// payload"); a responder without one takes the first hash naming any global trustpoint.
    /// </summary>
    public static SelectionDecision<TrustpointCa?> Ikev2ChooseTrustpoint(
        IReadOnlyList<TrustpointCa> store, Ikev2ProfileSpec profile, bool initiator, IReadOnlyList<byte[]> requestedHashes)
    {
        if (profile.PkiTrustpoints.Count == 0 && initiator)
            return new(null, "V2", $"ikev2 profile {profile.Name} has no 'pki trustpoint': an initiator cannot build its certificate payload");
        IReadOnlyList<TrustpointCa> candidates = profile.PkiTrustpoints.Count > 0
            ? store.Where(t => profile.PkiTrustpoints.Contains(t.Trustpoint)).ToArray()
            : store;
        for (int i = 0; i < requestedHashes.Count; i++)
        {
            var hit = candidates.FirstOrDefault(t => t.HasIdentity && t.CaSpkiSha1 is { } h && h.AsSpan().SequenceEqual(requestedHashes[i]));
            if (hit is not null)
                return new(hit, "V2", $"CERTREQ hash #{i + 1} is the first that names a trustpoint of ikev2 profile {profile.Name}: {hit.Trustpoint}");
        }
        // No usable hint: IOS signs with the profile's first trustpoint.
        var first = candidates.FirstOrDefault(t => t.HasIdentity);
        return new(first, "V2", first is null
            ? $"no trustpoint of ikev2 profile {profile.Name} holds a certificate"
            : $"no CERTREQ hash names a trustpoint of ikev2 profile {profile.Name}: its first, {first.Trustpoint}");
    }

    /// <summary>V4: the trustpoints the peer's certificate is validated against: the profile's <c>pki trustpoint</c>s,
    /// else every global trustpoint.</summary>
    public static SelectionDecision<IReadOnlyList<TrustpointCa>> Ikev2ValidationList(IReadOnlyList<TrustpointCa> store, Ikev2ProfileSpec profile) =>
        profile.PkiTrustpoints.Count > 0
            ? new(store.Where(t => profile.PkiTrustpoints.Contains(t.Trustpoint)).ToArray(), "V4",
                $"ikev2 profile {profile.Name}: 'pki trustpoint {string.Join(", ", profile.PkiTrustpoints)}'")
            : new(store, "V4", $"ikev2 profile {profile.Name} has no 'pki trustpoint': every global trustpoint");

    /// <summary>The order <c>show crypto ikev2 profile</c> lists profiles in: the last configured first (the technote's
    /// profile3 before profile1).</summary>
    public static IReadOnlyList<Ikev2ProfileSpec> Ikev2ShowOrder(IReadOnlyList<Ikev2ProfileSpec> profiles) =>
        profiles.Reverse().ToArray();

    /// <summary>The ikev2 profile a responder selects for the initiator's IDi: the most specific <c>match identity
    /// remote</c>; among equally specific ones, the first in <see cref="Ikev2ShowOrder"/> (technote: profile3).</summary>
    public static SelectionDecision<Ikev2ProfileSpec?> Ikev2MatchProfile(IReadOnlyList<Ikev2ProfileSpec> profiles, IkeIdentity peer)
    {
        Ikev2ProfileSpec? best = null;
        int bestScore = -1;
        foreach (var p in Ikev2ShowOrder(profiles))
        {
            int score = MatchScore(p.MatchIdentityRemote, peer);
            if (score > bestScore) (best, bestScore) = (p, score);
        }
        if (best is null || bestScore < 0)
            return new(null, "V2", $"no ikev2 profile matches the peer's identity {peer.Value}");
        int ties = profiles.Count(p => MatchScore(p.MatchIdentityRemote, peer) == bestScore);
        return new(best, "V2", ties > 1
            ? $"{ties} ikev2 profiles match identity {peer.Value} equally; IOS takes the first that 'show crypto ikev2 profile' lists: {best.Name}"
            : $"peer identity {peer.Value} matches 'match identity remote {best.MatchIdentityRemote}' of ikev2 profile {best.Name}");
    }

    /// <summary>The IKEv2 ID a router sends: <c>identity local address|fqdn|email|dn</c>; IOS's default is the address.</summary>
    public static IkeIdentity Ikev2LocalIdentity(RouterSpec router, Ikev2ProfileSpec profile, string? certificateSubject) =>
        profile.IdentityLocal?.Split(' ', StringSplitOptions.RemoveEmptyEntries) switch
        {
            ["address", var a] => new(IdentificationType.ID_IPV4_ADDR, a),
            ["fqdn", var name] => new(IdentificationType.ID_FQDN, name),
            ["email", var name] => new(IdentificationType.ID_USER_FQDN, name),
            ["dn"] when certificateSubject is not null => new(IdentificationType.ID_DER_ASN1_DN, certificateSubject),
            _ => new(IdentificationType.ID_IPV4_ADDR, router.Ethernet.Address.ToString()),
        };

    // ---- shared ----

    /// <summary>Trustpoints with distinct CAs, first occurrence kept (two trustpoints of one CA give one CERT_REQ).</summary>
    private static IReadOnlyList<TrustpointCa> DistinctCas(IReadOnlyList<TrustpointCa> store)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return store.Where(t => seen.Add(DnKey(t.CaDn))).ToArray();
    }

    /// <summary>How specifically a <c>match identity</c> rule matches <paramref name="id"/>: −1 no match; an address
    /// scores its prefix length, an FQDN 1000, a domain 500 + its length, <c>any</c> 0.</summary>
    public static int MatchScore(string rule, IkeIdentity id)
    {
        string[] w = rule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (w.Length == 0) return -1;
        if (w is ["any"]) return 0;
        if (w[0] == "address")
        {
            if (w.Length < 2 || id.Type != IdentificationType.ID_IPV4_ADDR
                || !IPAddress.TryParse(w[1], out var net) || !IPAddress.TryParse(id.Value, out var addr))
                return -1;
            int prefix = w.Length > 2 && IPAddress.TryParse(w[2], out var mask) ? PrefixLength(mask) : 32;
            return SameNetwork(net, addr, prefix) ? prefix : -1;
        }
        string? domain = w switch
        {
            ["host", "domain", var d] => d,
            ["fqdn", "domain", var d] => d,
            ["domain", var d] => d,
            _ => null,
        };
        if (domain is not null)
            return id.Type == IdentificationType.ID_FQDN && id.Value.EndsWith(domain.TrimStart('.'), StringComparison.OrdinalIgnoreCase)
                ? 500 + domain.Length : -1;
        if (w.Length != 2) return -1;
        return w[0] switch
        {
            "host" or "fqdn" => id.Type == IdentificationType.ID_FQDN && string.Equals(w[1], id.Value, StringComparison.OrdinalIgnoreCase) ? 1000 : -1,
            "email" or "user-fqdn" => id.Type == IdentificationType.ID_USER_FQDN && string.Equals(w[1], id.Value, StringComparison.OrdinalIgnoreCase) ? 1000 : -1,
            _ => -1,
        };
    }

    private static string Fqdn(RouterSpec r) => r.DomainName is null ? r.Hostname : $"{r.Hostname}.{r.DomainName}";

    private static int PrefixLength(IPAddress mask)
    {
        uint m = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mask.GetAddressBytes());
        return System.Numerics.BitOperations.PopCount(m);
    }

    private static bool SameNetwork(IPAddress a, IPAddress b, int prefix)
    {
        uint x = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());
        uint y = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.GetAddressBytes());
        uint m = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        return (x & m) == (y & m);
    }

    private static string DnKey(string dn) => Findings.IosBuiltInCas.DnKey(dn);
}
