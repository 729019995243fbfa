namespace PcapIke.Forge;

/// <summary>
/// What both simulated negotiations share: the two routers, the negotiation being recorded, its clock, the
/// deterministic random values (drawn from the scenario's seed under a label per negotiation and use, so the same
/// scenario gives the same bytes) and the records of decisions, debug lines and datagrams.
/// </summary>
internal abstract class NegotiationForge
{
    protected readonly ForgePeer _i, _r;
    protected readonly ForgedNegotiation _n;
    protected readonly int _index;
    private readonly string _seed;
    private readonly string _label;
    protected TimeSpan _t;

    protected NegotiationForge(int version, ForgePeer initiator, ForgePeer responder, DateTimeOffset start, int index)
    {
        _i = initiator;
        _r = responder;
        _seed = initiator.Pki.Scenario.Seed;
        _label = $"ikev{version}/{index}/";
        _index = index;
        _n = new ForgedNegotiation { Version = version, Initiator = initiator.Name, Responder = responder.Name, Start = start };
    }

    protected abstract void Negotiate();

    /// <summary>Runs the negotiation and returns its record.</summary>
    protected ForgedNegotiation Run()
    {
        Negotiate();
        return _n;
    }

    protected byte[] Random(string what, int length)
    {
        var b = new byte[length];
        ForgedPki.Random(_seed, _label + what).NextBytes(b);
        return b;
    }

    /// <summary>A decision of <paramref name="who"/> with the selection-model rule behind it.</summary>
    protected void Log(ForgePeer who, string rule, string text) => _n.Log.Add(new ForgeLogLine(_t, who.Name, rule, text));

    /// <summary>A datagram from <paramref name="from"/> to the other router, <paramref name="delay"/> after the last event.</summary>
    protected void Send(ForgePeer from, TimeSpan delay, byte[] message, string label)
    {
        _t += delay;
        ForgePeer to = ReferenceEquals(from, _i) ? _r : _i;
        _n.Datagrams.Add(new ForgedDatagram(_t, from.Name, to.Name, from.Address, to.Address, 500, 500, message, label));
    }

    /// <summary>When the negotiation is now.</summary>
    protected DateTimeOffset Time => _n.Start + _t;
}
