using System.Net;
using PcapIke.Decryption;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>One UDP datagram a forged router sends: when (from the negotiation's start), who to whom, the IKE message,
/// and a label for people (<c>MM5</c>, <c>MM5 (retransmission 2)</c>, <c>IKE_AUTH response</c>).</summary>
public sealed record ForgedDatagram(
    TimeSpan At, string Sender, string Receiver, IPAddress Source, IPAddress Destination,
    ushort SourcePort, ushort DestinationPort, byte[] Message, string Label);

/// <summary>
/// A negotiation the forge made: the model's <see cref="Trace"/> it follows, its datagrams, each router's decisions
/// (the trace's, timed as sent), its outcome, the keys (for the Wireshark tables) and, per router, the trustpoint whose
/// certificate it sent (absent when it sent none).
/// </summary>
public sealed class ForgedNegotiation
{
    public required int Version { get; init; }
    public required string Initiator { get; init; }
    public required string Responder { get; init; }
    public required DateTimeOffset Start { get; init; }

    /// <summary>The decisions the forge followed (<see cref="DecisionEngine"/>).</summary>
    public required DecisionTrace Trace { get; init; }
    public List<ForgedDatagram> Datagrams { get; } = [];
    public List<TraceLine> Log { get; } = [];

    /// <summary>What each router would print with <c>debug crypto isakmp</c> / <c>debug crypto ikev2</c> /
    /// <c>debug crypto pki validation</c>, in the technote's wording (the <c>replay</c> narration).</summary>
    public List<TraceLine> Debug { get; } = [];

    /// <summary>The CERT_REQ list of each message that carries one, by the message's label (MM3, MM4, IKE_SA_INIT
    /// response, IKE_AUTH request): the CAs' DNs in payload order, IOS style.</summary>
    public List<(string Message, string Sender, IReadOnlyList<string> CaDns)> CertRequestLists { get; } = [];
    public NegotiationOutcome Outcome { get; set; }

    /// <summary>Router name → the trustpoint whose identity certificate it sent and signed with.</summary>
    public Dictionary<string, string> CertificateSent { get; } = new(StringComparer.Ordinal);

    /// <summary>Router name → the profile it bound the negotiation to.</summary>
    public Dictionary<string, string> Profile { get; } = new(StringComparer.Ordinal);

    /// <summary>The Diffie-Hellman shared secret (g^xy, g^ir): with it and the capture, SKEYID / SKEYSEED and every
    /// key can be derived again — what the signature tests do. Never written to the capture or the key tables.</summary>
    public byte[]? SharedSecret { get; set; }

    public Ikev1KeyEntry? Ikev1Keys { get; set; }
    public Ikev2KeyEntry? Ikev2Keys { get; set; }
}
