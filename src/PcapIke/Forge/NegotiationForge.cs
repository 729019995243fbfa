using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// What both simulated negotiations share: the two routers, the model's <see cref="DecisionTrace"/> the negotiation
/// follows (the forge decides nothing: it makes the keys, DH values, encryption, signatures and bytes of the messages
/// the trace lists, in its order and at its times), the deterministic random values (drawn from the scenario's seed
/// under a label per negotiation and use, so the same scenario gives the same bytes) and the record it writes.
/// </summary>
internal abstract class NegotiationForge
{
    protected readonly ForgePeer _i, _r;
    protected readonly ForgedNegotiation _n;
    protected readonly DecisionTrace _trace;
    protected readonly int _index;
    private readonly string _seed;
    private readonly string _label;
    private readonly IReadOnlyList<Decision> _messages;
    private int _next;
    // RFC 7383 fragments add time the model cannot know (it has no message sizes): per message, the time its
    // fragments after the first took; every later event is that much later.
    private readonly Dictionary<Decision, TimeSpan> _extra = new(ReferenceEqualityComparer.Instance);
    private TimeSpan _shift;
    protected TimeSpan _t;

    protected NegotiationForge(DecisionTrace trace, ForgePeer initiator, ForgePeer responder)
    {
        _i = initiator;
        _r = responder;
        _trace = trace;
        _seed = initiator.Pki.Scenario.Seed;
        _label = $"ikev{trace.Version}/{trace.Index}/";
        _index = trace.Index;
        _messages = trace.Messages;
        _n = new ForgedNegotiation { Version = trace.Version, Initiator = initiator.Name, Responder = responder.Name, Start = trace.Start, Trace = trace };
    }

    protected abstract void Negotiate();

    /// <summary>Writes the trace's messages and returns the record: the trace's decisions timed as sent.</summary>
    protected ForgedNegotiation Run()
    {
        Negotiate();
        if (_next != _messages.Count)
            throw new InvalidOperationException($"the forge stopped before the trace's {_messages[_next].Message}");
        TimeSpan shift = TimeSpan.Zero;
        foreach (Decision d in _trace.Decisions)
        {
            if (d.Text is not null) _n.Log.Add(new TraceLine(d.At + shift, d.Router, d.Rule, d.Text));
            foreach (TraceLine line in d.Debug) _n.Debug.Add(line with { At = line.At + shift });
            if (_extra.TryGetValue(d, out TimeSpan extra)) shift += extra;
        }
        _n.CertRequestLists.AddRange(_trace.CertRequestLists);
        foreach (var (router, tp) in _trace.CertificateSent) _n.CertificateSent[router] = tp;
        foreach (var (router, profile) in _trace.Profile) _n.Profile[router] = profile;
        _n.Outcome = _trace.Outcome;
        return _n;
    }

    protected byte[] Random(string what, int length)
    {
        var b = new byte[length];
        ForgedPki.Random(_seed, _label + what).NextBytes(b);
        return b;
    }

    /// <summary>The label of the trace's next message (null at the end).</summary>
    protected string? NextMessage => _next < _messages.Count ? _messages[_next].Message : null;

    /// <summary>The decision of <paramref name="kind"/> by <paramref name="who"/> the trace holds; throws when it has none.</summary>
    protected Decision Decided(DecisionKind kind, ForgePeer who) =>
        _trace.Find(kind, who.Name) ?? throw new InvalidOperationException($"the trace has no {kind} of {who.Name}");

    /// <summary>The trace's next message, which must be <paramref name="label"/> from <paramref name="from"/> carrying
    /// <paramref name="payloads"/>; the clock moves to its time.</summary>
    private Decision Expect(ForgePeer from, string label, IReadOnlyList<string>? payloads)
    {
        Decision m = _next < _messages.Count ? _messages[_next++]
            : throw new InvalidOperationException($"the forge sends {label}, the trace has no more messages");
        if (m.Message != label || m.Router != from.Name)
            throw new InvalidOperationException($"the forge sends {label} from {from.Name}, the trace {m.Message} from {m.Router}");
        if (payloads is not null && !payloads.SequenceEqual(m.Payloads))
            throw new InvalidOperationException($"{label}: the forge writes {string.Join(' ', payloads)}, the trace has {string.Join(' ', m.Payloads)}");
        _t = m.At + _shift;
        return m;
    }

    /// <summary>The trace's next message, from <paramref name="from"/> to the other router, as one datagram.</summary>
    protected void Send(ForgePeer from, byte[] message, string label, IReadOnlyList<string>? payloads = null)
    {
        Expect(from, label, payloads);
        Datagram(from, message, label);
    }

    /// <summary>The trace's next message as several datagrams (RFC 7383 fragments, <paramref name="gap"/> apart).</summary>
    protected void SendFragments(ForgePeer from, IReadOnlyList<byte[]> fragments, string label, IReadOnlyList<string> payloads, TimeSpan gap)
    {
        Decision m = Expect(from, label, payloads);
        for (int k = 0; k < fragments.Count; k++)
        {
            if (k > 0) _t += gap;
            Datagram(from, fragments[k], $"{label} fragment {k + 1}/{fragments.Count}");
        }
        TimeSpan extra = gap * (fragments.Count - 1);
        _extra[m] = extra;
        _shift += extra;
    }

    /// <summary>Re-sends, while the trace's next messages are retransmissions ("MM4 (retransmission 2)"), the bytes
    /// of the message each repeats.</summary>
    protected void Retransmissions(IReadOnlyDictionary<string, byte[]> sent)
    {
        while (NextMessage is { } label && label.IndexOf(" (retransmission ", StringComparison.Ordinal) is > 0 and var at)
        {
            string original = label[..at];
            ForgePeer from = _messages[_next].Router == _i.Name ? _i : _r;
            Send(from, sent[original], label);
        }
    }

    private void Datagram(ForgePeer from, byte[] message, string label)
    {
        ForgePeer to = ReferenceEquals(from, _i) ? _r : _i;
        _n.Datagrams.Add(new ForgedDatagram(_t, from.Name, to.Name, from.Address, to.Address, 500, 500, message, label));
    }

    /// <summary>Where the forge's own check of a certificate (real signatures, real dates) must agree with the model.</summary>
    protected static void Agree(bool forge, bool model, string what)
    {
        if (forge != model)
            throw new InvalidOperationException($"the forge and the model disagree on {what}: forge {forge}, model {model}");
    }

    /// <summary>When the negotiation is now.</summary>
    protected DateTimeOffset Time => _n.Start + _t;
}
