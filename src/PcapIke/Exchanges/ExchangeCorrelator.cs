using PcapIke.Pipeline;

namespace PcapIke.Exchanges;

/// <summary>
/// Groups IKE messages into IKE SAs and names each message's step. CONTRACT: implemented in the exchanges work.
/// IKEv1 by cookie pair (MM1's zero responder cookie bound to the reply), IKEv2 by SPI pair, message ID and flags.
/// </summary>
public sealed class ExchangeCorrelator
{
    public ExchangeCorrelator(CaCatalog? cas = null) { }

    /// <summary>Adds the next message, in capture order.</summary>
    public void Add(DissectedMessage message) => throw new NotImplementedException();

    /// <summary>At the end of the capture: the SAs in order of their first message, with steps, retransmissions,
    /// last step and outcome set.</summary>
    public IReadOnlyList<IkeSa> Complete() => throw new NotImplementedException();
}
