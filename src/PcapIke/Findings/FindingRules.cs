using PcapIke.Exchanges;

namespace PcapIke.Findings;

/// <summary>
/// The rules that turn a correlated IKE SA into findings. CONTRACT: implemented in the findings work; each rule
/// reads the SA (messages, steps, retransmissions, CERT_REQ lists, notifies) and adds findings with evidence frames.
/// </summary>
public static class FindingRules
{
    public static void Apply(IkeSa sa) { }
}
