using System.Globalization;
using PcapIke.Exchanges;
using PcapIke.Frames;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.DataPlane;

/// <summary>A DELETE of child SAs or of the IKE SA, or a liveness check (DPD) that got no answer.</summary>
/// <param name="Spis">The ESP/AH SPIs deleted (the sender's inbound ones, RFC 7296 §3.11); empty for an IKE SA delete, a
/// DPD, or a DELETE not readable without keys.</param>
public sealed record ControlEvent(long Frame, long TimestampNanoseconds, Role Sender, ControlEventKind Kind, IReadOnlyList<uint> Spis);

public enum ControlEventKind : byte
{
    /// <summary>A DELETE payload for ESP/AH SAs.</summary>
    DeleteChildSa,
    /// <summary>A DELETE payload for the IKE SA (IKEv1 ISAKMP SA, IKEv2 IKE SA).</summary>
    DeleteIkeSa,
    /// <summary>IKEv1 R-U-THERE (RFC 3706 §5) with no R-U-THERE-ACK after it.</summary>
    DpdUnanswered,
    /// <summary>IKEv2 INFORMATIONAL request with no response (RFC 7296 §1.4: a liveness check is an empty one; without
    /// keys its content is not known).</summary>
    InformationalUnanswered,
}

/// <summary>
/// Ties the counted SPIs to the IKE SAs (an <see cref="SaDataPlane"/> each): first by the SPIs the negotiation carried
/// (clear or decrypted SA payloads, RFC 2409 §5.5, RFC 7296 §1.3/§3.3.1), then, inferred, by the two addresses (and
/// UDP ports) and time: the latest SA of the two peers whose child SA completed before the first packet.
/// </summary>
public static class DataPlaneCorrelator
{
    /// <summary>ESP and AH protocol IDs in SA, Notify and Delete payloads (IANA: 2 AH, 3 ESP, both versions).</summary>
    private const byte ProtoAh = 2, ProtoEsp = 3;
    private const ushort NotifyRUThere = 36136, NotifyRUThereAck = 36137;

    /// <summary>What one IKE SA's messages say about its child SAs.</summary>
    public sealed class Negotiation
    {
        public required IkeSa Sa { get; init; }
        /// <summary>What is tied to the SA (the correlator's result for it).</summary>
        public SaDataPlane Plane { get; } = new();
        public List<ChildSaEvent> Children { get; } = new();
        /// <summary>(SPI, AH?, receiver address) → the message that carried it.</summary>
        public Dictionary<(uint Spi, bool Ah, NetAddress Receiver), long> Spis { get; } = new();
        public List<ControlEvent> Events { get; } = new();
        public HashSet<NetEndpoint> Endpoints { get; } = new();

        public NetAddress AddressOf(Role r) => r == Role.Initiator ? Sa.Initiator.Address : Sa.Responder.Address;
    }

    /// <summary>The whole capture: the <see cref="SaDataPlane"/> of every SA, in the order of <paramref name="sas"/>;
    /// flows tied to none go to <see cref="DataPlaneAnalysis.Unattached"/>.</summary>
    public static SaDataPlane[] Attach(IReadOnlyList<IkeSa> sas, DataPlaneAnalysis dataPlane)
    {
        var negotiations = sas.Select(Read).ToList();
        foreach (var n in negotiations)
        {
            n.Plane.ChildSas.AddRange(n.Children);
            n.Plane.Events.AddRange(n.Events);
        }
        // Every rule below needs the SA's two addresses: index the SAs by them, both ways (a capture of thousands of
        // SAs and the table's 4096 SPIs would otherwise compare every pair).
        var byPair = new Dictionary<(NetAddress, NetAddress), List<Negotiation>>();
        foreach (var n in negotiations)
        {
            Index(byPair, (n.Sa.Initiator.Address, n.Sa.Responder.Address), n);
            if (n.Sa.Initiator.Address != n.Sa.Responder.Address) Index(byPair, (n.Sa.Responder.Address, n.Sa.Initiator.Address), n);
        }
        foreach (var flow in dataPlane.Flows)
            if (!byPair.TryGetValue((flow.Source.Address, flow.Destination.Address), out var candidates) || !AttachOne(flow, candidates))
                dataPlane.Unattached.Add(flow);
        return negotiations.Select(n => n.Plane).ToArray();
    }

    private static void Index(Dictionary<(NetAddress, NetAddress), List<Negotiation>> byPair, (NetAddress, NetAddress) key, Negotiation n)
    {
        if (!byPair.TryGetValue(key, out var list)) byPair[key] = list = new List<Negotiation>(1);
        list.Add(n);
    }

    /// <summary>One SA alone (a streamed analysis, where the others are gone or not finished): its flows among
    /// <paramref name="flows"/>, by the same rules with no other SA to compare with.</summary>
    public static SaDataPlane AttachAlone(IkeSa sa, IEnumerable<IpsecFlow> flows)
    {
        var n = Read(sa);
        n.Plane.ChildSas.AddRange(n.Children);
        n.Plane.Events.AddRange(n.Events);
        var one = new[] { n };
        foreach (var flow in flows) AttachOne(flow, one);
        return n.Plane;
    }

    private static bool AttachOne(IpsecFlow flow, IReadOnlyList<Negotiation> negotiations)
    {
        if (flow.IsKeepalive)
        {
            // RFC 3948 §2.3: sent between the IKE endpoints on the NAT-T port; to the latest SA using them.
            var k = negotiations.Where(n => n.Endpoints.Contains(flow.Source) && n.Endpoints.Contains(flow.Destination))
                .OrderBy(n => n.Sa.StartNanoseconds <= flow.FirstNanoseconds ? 0 : 1).ThenByDescending(n => n.Sa.StartNanoseconds)
                .FirstOrDefault();
            if (k is null) return false;
            k.Plane.Keepalives.Add(new SaFlow(flow, DirectionOf(k.Sa, flow), SpiEvidence.Inferred, null, null));
            return true;
        }
        bool ah = flow.Protocol == IpsecProtocol.Ah;
        foreach (var n in negotiations)
            if (n.Spis.TryGetValue((flow.Spi, ah, flow.Destination.Address), out long frame) && SamePair(n.Sa, flow))
            {
                n.Plane.Flows.Add(new SaFlow(flow, DirectionOf(n.Sa, flow), SpiEvidence.Negotiated, frame, DeletedBy(n, flow)));
                return true;
            }
        // ESP in UDP: the IKE SA's own ports once it floated to 4500 (RFC 3948 §2.1, RFC 7296 §2.23); by address otherwise.
        var candidates = negotiations.Where(n => SamePair(n.Sa, flow)
            && (flow.Protocol != IpsecProtocol.EspInUdp || !n.Endpoints.Any(e => e.Port == 4500)
                || n.Endpoints.Contains(flow.Source) && n.Endpoints.Contains(flow.Destination))).ToList();
        var after = candidates.Select(n => (n, t: n.Children.Where(c => !c.RekeysIkeSa && c.TimestampNanoseconds <= flow.FirstNanoseconds)
                .Select(c => c.TimestampNanoseconds).DefaultIfEmpty(long.MinValue).Max()))
            .Where(x => x.t != long.MinValue).OrderByDescending(x => x.t).Select(x => x.n).FirstOrDefault();
        if (after is not null)
        {
            after.Plane.Flows.Add(new SaFlow(flow, DirectionOf(after.Sa, flow), SpiEvidence.Inferred, null, DeletedBy(after, flow)));
            return true;
        }
        var older = candidates.Where(n => n.Children.Any(c => !c.RekeysIkeSa))
            .OrderBy(n => n.Children.Min(c => c.TimestampNanoseconds)).FirstOrDefault();
        if (older is null) return false;
        older.Plane.Flows.Add(new SaFlow(flow, DirectionOf(older.Sa, flow), SpiEvidence.OlderThanNegotiation, null, DeletedBy(older, flow)));
        return true;
    }

    private static long? DeletedBy(Negotiation n, IpsecFlow flow) =>
        n.Events.FirstOrDefault(e => e.Kind == ControlEventKind.DeleteChildSa && e.Spis.Contains(flow.Spi)
            && n.AddressOf(e.Sender) == flow.Destination.Address)?.Frame;

    private static bool SamePair(IkeSa sa, IpsecFlow f) =>
        f.Source.Address == sa.Initiator.Address && f.Destination.Address == sa.Responder.Address
        || f.Source.Address == sa.Responder.Address && f.Destination.Address == sa.Initiator.Address;

    private static TrafficDirection DirectionOf(IkeSa sa, IpsecFlow f) =>
        f.Source.Address == sa.Initiator.Address ? TrafficDirection.InitiatorToResponder : TrafficDirection.ResponderToInitiator;

    /// <summary>Child SA completions, SPIs, DELETEs and unanswered liveness checks of one SA, from its messages.</summary>
    public static Negotiation Read(IkeSa sa)
    {
        var n = new Negotiation { Sa = sa };
        foreach (var m in sa.Messages)
        {
            n.Endpoints.Add(m.Message.Source);
            n.Endpoints.Add(m.Message.Destination);
        }
        var firsts = sa.Messages.Where(m => !m.IsRetransmission && m.FragmentNumber <= 1).ToList();
        foreach (var g in firsts.Where(m => m.Exchange is ExchangeKind.QuickMode or ExchangeKind.IkeAuth or ExchangeKind.CreateChildSa)
                     .GroupBy(m => (m.Exchange, m.Message.Ike.MessageId)))
        {
            uint? toI = null, toR = null;
            bool ikeRekey = false, childSeen = false;
            foreach (var m in g)
                foreach (var p in m.Message.VisiblePayloads)
                {
                    if (p.Details is not SaDetails sd) continue;
                    foreach (var prop in sd.Proposals)
                    {
                        if (prop.ProtocolIdRaw == 1) ikeRekey |= g.Key.Exchange == ExchangeKind.CreateChildSa;
                        if (prop.ProtocolIdRaw is not (ProtoAh or ProtoEsp) || prop.SpiSize != 4
                            || !uint.TryParse(prop.SpiHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint spi)) continue;
                        childSeen = true;
                        n.Spis.TryAdd((spi, prop.ProtocolIdRaw == ProtoAh, m.Message.Source.Address), m.Frame);
                        if (m.Sender == Role.Initiator) toI ??= spi; else toR ??= spi;
                    }
                }
            // The answer completes it: QM2 (RFC 2409 §5.5), the IKE_AUTH / CREATE_CHILD_SA response (RFC 7296 §1.2, §1.3).
            var answer = g.Key.Exchange == ExchangeKind.QuickMode
                ? g.FirstOrDefault(m => m.Step == "QM2")
                : g.FirstOrDefault(m => m.Message.Ike.IsResponse);
            if (answer is null) continue;
            bool visible = answer.Message.Decryption is { IsOk: true } || !answer.Message.Ike.IsEncrypted;
            bool completed = g.Key.Exchange switch
            {
                ExchangeKind.IkeAuth => visible ? childSeen || HasSa(answer) : sa.Outcome == SaOutcome.Established,
                ExchangeKind.CreateChildSa => !visible || HasSa(answer),
                _ => true,
            };
            if (!completed) continue;
            n.Children.Add(new ChildSaEvent(answer.Frame, answer.TimestampNanoseconds, answer.Step, toI, toR, ikeRekey && !childSeen));
        }
        n.Children.Sort((a, b) => a.TimestampNanoseconds.CompareTo(b.TimestampNanoseconds));

        foreach (var m in firsts.Where(m => m.Exchange is ExchangeKind.Informational or ExchangeKind.InformationalV2))
            foreach (var p in m.Message.VisiblePayloads)
                if (p.Details is DeleteDetails d)
                {
                    var spis = new List<uint>();
                    if (d.ProtocolId is ProtoAh or ProtoEsp)
                        foreach (string s in d.Spis)
                            if (uint.TryParse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint v)) spis.Add(v);
                    n.Events.Add(new ControlEvent(m.Frame, m.TimestampNanoseconds, m.Sender,
                        d.ProtocolId is ProtoAh or ProtoEsp ? ControlEventKind.DeleteChildSa : ControlEventKind.DeleteIkeSa, spis));
                }
        // IKEv1 DPD (RFC 3706 §5): R-U-THERE answered by R-U-THERE-ACK from the other side.
        foreach (var q in sa.Notifies.Where(x => x.TypeRaw == NotifyRUThere))
        {
            bool acked = sa.Notifies.Any(a => a.TypeRaw == NotifyRUThereAck && a.Sender != q.Sender && a.Frame > q.Frame);
            var m = sa.Messages.FirstOrDefault(x => x.Frame == q.Frame);
            if (!acked && m is not null)
                n.Events.Add(new ControlEvent(q.Frame, m.TimestampNanoseconds, q.Sender, ControlEventKind.DpdUnanswered, []));
        }
        // IKEv2: a request whose message ID never got a response (RFC 7296 §2.1).
        foreach (var g in sa.Messages.Where(m => m.Exchange == ExchangeKind.InformationalV2).GroupBy(m => (m.Sender, m.Message.Ike.MessageId)))
        {
            var req = g.FirstOrDefault(m => !m.Message.Ike.IsResponse);
            if (req is null) continue;
            bool answered = sa.Messages.Any(m => m.Exchange == ExchangeKind.InformationalV2 && m.Sender != req.Sender
                && m.Message.Ike.IsResponse && m.Message.Ike.MessageId == req.Message.Ike.MessageId);
            if (!answered)
                n.Events.Add(new ControlEvent(req.Frame, req.TimestampNanoseconds, req.Sender, ControlEventKind.InformationalUnanswered, []));
        }
        n.Events.Sort((a, b) => a.Frame.CompareTo(b.Frame));
        return n;
    }

    private static bool HasSa(SaMessage m) => m.Message.VisiblePayloads.Any(p => p.Details is SaDetails);
}
