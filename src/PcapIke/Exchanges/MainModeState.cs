namespace PcapIke.Exchanges;

/// <summary>What the Main Mode transition table needs to know about one message (RFC 2409 §5).</summary>
public readonly record struct MainModeFacts(Role Sender, bool HasSa, bool HasKeyExchange, bool IsEncrypted, bool IsCiscoFragment);

/// <summary>The result of one Main Mode transition.</summary>
public readonly record struct MainModeStep(
    MainModeState Next,
    /// <summary>1..6 (MM1..MM6).</summary>
    int Step,
    /// <summary>The sender had already sent this step: a re-send.</summary>
    bool RepeatsStep,
    /// <summary>A responder re-sent step n after the initiator had sent step n+1: it rejected that message (the
    /// technote's MM4 re-sent after MM5).</summary>
    bool RejectsPeersNext);

/// <summary>
/// Main Mode progress as a pure transition table: the furthest step each side has sent. RFC 2409 §5 (Main Mode with
/// signatures / pre-shared keys): MM1/MM2 carry SA, MM3/MM4 KE and NONCE (plus CR and NAT-D, RFC 3947 §3.2), MM5/MM6
/// are encrypted (E flag, RFC 2408 §3.1). The initiator sends the odd steps, the responder the even ones.
/// </summary>
public readonly record struct MainModeState(int InitiatorStep, int ResponderStep)
{
    /// <summary>The initiator sent MM5 but the responder never got past MM4: the technote's missing MM6.</summary>
    public bool IsMissingMm6 => InitiatorStep >= 5 && ResponderStep < 6 && ResponderStep >= 4;
    public bool IsComplete => ResponderStep >= 6;

    public MainModeStep Advance(MainModeFacts m)
    {
        bool initiator = m.Sender == Role.Initiator;
        int last = initiator ? InitiatorStep : ResponderStep;
        int step;
        if (m.IsCiscoFragment)
            // a Cisco fragment does not show its content: the sender's next step (MM5/MM6 in practice)
            step = last == 0 ? (initiator ? 1 : 2) : Math.Min(last + 2, initiator ? 5 : 6);
        else if (m.IsEncrypted)
            step = initiator ? 5 : 6;
        else if (m.HasSa)
            step = initiator ? 1 : 2;
        else if (m.HasKeyExchange)
            step = initiator ? 3 : 4;
        else
            step = initiator ? 5 : 6;   // a clear MM5/MM6 (ID, CERT, SIG/HASH)

        bool repeats = step <= last;
        bool rejects = !initiator && repeats && InitiatorStep >= step + 1;
        var next = initiator ? this with { InitiatorStep = Math.Max(InitiatorStep, step) }
                             : this with { ResponderStep = Math.Max(ResponderStep, step) };
        return new MainModeStep(next, step, repeats, rejects);
    }
}
