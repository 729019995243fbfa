using System.Net;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;
using PcapIke.Ike;

namespace PcapIke.Model;

/// <summary>
/// The selection model as a pure decision engine (issue 15): two routers, who initiates and the IKE version (the
/// initiator's tunnel profile) in, a <see cref="DecisionTrace"/> out — every CERT_REQ list, first-match choice,
/// profile binding, validation, message and the outcome, each with its rule of selection-model.md (I1–I4, V1–V4) and
/// the IOS debug lines it corresponds to. No key is made and no byte written: the forge writes a capture that
/// follows the trace. The message schedule (IKEv1: MM3→MM4 7 ms …, docs/forge.md) is the model's, so the trace's
/// times are the capture's (RFC 7383 fragments aside, which only the forge can size).
/// </summary>
public static class DecisionEngine
{
    /// <summary>IOS re-sends an unanswered phase-1 message every 10 seconds (approximation, docs/forge.md).</summary>
    public static readonly TimeSpan RetransmitInterval = TimeSpan.FromSeconds(10);

    /// <summary>The trace of the negotiation <paramref name="initiator"/> starts at <paramref name="start"/>, the
    /// <paramref name="index"/>-th of its capture (IOS's connection id in the debugs).</summary>
    public static DecisionTrace Run(Scenario scenario, string initiator, DateTimeOffset start, int index = 0, ScenarioPki? pki = null)
    {
        pki ??= new ScenarioPki(scenario);
        RouterSpec i = scenario.Router(initiator);
        RouterSpec r = scenario.Peer(i);
        NegotiationModel m = i.Ipsec.Ikev2Profile is not null
            ? new Ikev2Model(pki, i, r, start, index)
            : new Ikev1Model(pki, i, r, start, index);
        return m.Run();
    }

    /// <summary>A deterministic byte string of the scenario (SHA-256 DigestRandomGenerator seeded with
    /// SHA-256(seed ‖ 0 ‖ label)): the forge draws its keys, nonces and SPIs this way; the model only the values IOS
    /// prints in its debugs (the Quick Mode M-ID).</summary>
    public static SecureRandom Random(string seed, string label)
    {
        byte[] material = DigestUtilities.CalculateDigest("SHA-256", Encoding.UTF8.GetBytes(seed + "\0" + label));
        var generator = new DigestRandomGenerator(new Sha256Digest());
        generator.AddSeedMaterial(material);
        return new SecureRandom(generator);
    }

    /// <summary>The identification data length of an ID payload (RFC 2407 §4.6.2, RFC 7296 §3.5): what IOS prints
    /// as the ID payload's length.</summary>
    public static int IdentityDataLength(IkeIdentity id) => id.Type switch
    {
        IdentificationType.ID_IPV4_ADDR => IPAddress.Parse(id.Value).GetAddressBytes().Length,
        IdentificationType.ID_DER_ASN1_DN => IosDn.ToDer(id.Value).Length,
        _ => Encoding.ASCII.GetByteCount(id.Value),
    };

    /// <summary>The ISAKMP profile the tunnel's <c>crypto ipsec profile</c> sets (an initiator knows it from the start, I3).</summary>
    public static IsakmpProfileSpec? TunnelIsakmpProfile(RouterSpec r) =>
        r.Ipsec.IsakmpProfile is { } n ? r.Ikev1?.Profiles.FirstOrDefault(p => p.Name == n) : null;

    public static Ikev2ProfileSpec? TunnelIkev2Profile(RouterSpec r) =>
        r.Ipsec.Ikev2Profile is { } n ? r.Ikev2?.Profiles.FirstOrDefault(p => p.Name == n) : null;
}

/// <summary>What both protocol models share: the two routers, the clock, and the trace being written.</summary>
internal abstract class NegotiationModel
{
    protected readonly ScenarioPki _pki;
    protected readonly RouterSpec _i, _r;
    protected readonly IReadOnlyList<TrustpointCa> _iStore, _rStore;
    protected readonly DateTimeOffset _start;
    protected readonly int _index;
    private readonly int _version;
    private readonly List<Decision> _decisions = [];
    protected TimeSpan _t;
    protected NegotiationOutcome _outcome;

    protected NegotiationModel(int version, ScenarioPki pki, RouterSpec initiator, RouterSpec responder, DateTimeOffset start, int index)
    {
        _version = version;
        _pki = pki;
        _i = initiator;
        _r = responder;
        _iStore = pki.Store(initiator.Name);
        _rStore = pki.Store(responder.Name);
        _start = start;
        _index = index;
    }

    protected abstract void Negotiate();

    public DecisionTrace Run()
    {
        Negotiate();
        return new DecisionTrace(_version, _i.Name, _r.Name, _start, _index, _decisions, _outcome);
    }

    /// <summary>When the negotiation is now.</summary>
    protected DateTimeOffset Time => _start + _t;

    protected RouterSpec Other(RouterSpec who) => ReferenceEquals(who, _i) ? _r : _i;

    /// <summary>Records <paramref name="d"/> (made at the current time) and returns it.</summary>
    protected Decision Add(Decision d)
    {
        _decisions.Add(d);
        return d;
    }

    /// <summary>One debug line of <paramref name="who"/>: part of its latest decision, or a protocol step of its own
    /// when the latest entry is a message or another router's.</summary>
    protected void DebugLine(RouterSpec who, string text)
    {
        Decision? last = _decisions.Count > 0 ? _decisions[^1] : null;
        if (last is null || last.Kind == DecisionKind.Message || last.Router != who.Name)
            last = Add(new Decision(DecisionKind.Protocol, _t, who.Name, "", null));
        last.AddDebug(new TraceLine(_t, who.Name, "", text));
    }

    /// <summary>A message from <paramref name="from"/> to the other router, <paramref name="delay"/> after the last event.</summary>
    protected void Send(RouterSpec from, TimeSpan delay, string label, IReadOnlyList<string> payloads)
    {
        _t += delay;
        Add(new Decision(DecisionKind.Message, _t, from.Name, "", null) { Message = label, Receiver = Other(from).Name, Payloads = payloads });
    }

    protected static string Names(IReadOnlyList<TrustpointCa> list) => string.Join(", ", list.Select(t => t.Trustpoint));

    protected static string ConfiguredNames(IReadOnlyList<TrustpointCa> list) => Names(list.Where(t => !t.BuiltIn).ToArray());
}
