using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.DataPlane;

/// <summary>Which way a data-plane packet went, in the IKE SA's roles.</summary>
public enum TrafficDirection : byte
{
    InitiatorToResponder,
    ResponderToInitiator,
}

/// <summary>How an SPI was tied to an IKE SA.</summary>
public enum SpiEvidence : byte
{
    /// <summary>Seen: the SPI is in an SA payload of the negotiation (Quick Mode, IKE_AUTH, CREATE_CHILD_SA; clear or
    /// decrypted), sent by the packets' receiver (RFC 2408 §3.5, RFC 7296 §3.3.1: the SPI the sender wants inbound).</summary>
    Negotiated,
    /// <summary>Inferred: ESP/AH between the SA's two addresses (and, in UDP, its ports) starting after one of its child
    /// SAs completed; the latest such SA of the two peers.</summary>
    Inferred,
    /// <summary>Inferred: ESP/AH between the SA's two addresses that started before any child SA of it completed: an
    /// SA negotiated before the capture (or not negotiated in it).</summary>
    OlderThanNegotiation,
}

/// <summary>What the data plane needs to know.</summary>
public sealed class DataPlaneOptions
{
    /// <summary>Entries of <see cref="IpsecFlowTable"/> (per SPI and direction) tracked at most.</summary>
    public int Capacity { get; init; } = IpsecFlowTable.DefaultCapacity;

    /// <summary>A direction silent this long while the other one sends (PI701), an old SPI still used this long after a
    /// newer child SA (PI703), the capture going on this long after a DELETE or unanswered DPD (PI704): 5 s, i.e. five
    /// pings, two IOS DPD retries.</summary>
    public TimeSpan SilenceThreshold { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>One child SA negotiation that completed (IKEv1 QM2, IKEv2 IKE_AUTH / CREATE_CHILD_SA response), with the
/// SPIs seen in it (with keys or in clear; none without).</summary>
/// <param name="Frame">The response that completed it.</param>
/// <param name="InboundToInitiator">The SPI the initiator of the IKE SA receives on (from the SA payload it sent), or null.</param>
/// <param name="InboundToResponder">The SPI the responder receives on, or null.</param>
public sealed record ChildSaEvent(long Frame, long TimestampNanoseconds, string Step, uint? InboundToInitiator,
    uint? InboundToResponder, bool RekeysIkeSa = false);

/// <summary>An ESP/AH SPI of one direction tied to an IKE SA.</summary>
/// <param name="NegotiatedFrame">The message whose SA payload carried the SPI (null when inferred).</param>
/// <param name="DeletedFrame">The DELETE that closed it (null when none was seen).</param>
public sealed record SaFlow(IpsecFlow Flow, TrafficDirection Direction, SpiEvidence Evidence, long? NegotiatedFrame,
    long? DeletedFrame);

/// <summary>The data plane of one IKE SA: its child SA negotiations and the SPIs tied to it, in order of their first
/// packet (the rekey timeline: a new SPI pair starts, the old one fades).</summary>
public sealed class SaDataPlane
{
    public List<ChildSaEvent> ChildSas { get; } = new();
    /// <summary>DELETEs and liveness checks that got no answer, in frame order.</summary>
    public List<ControlEvent> Events { get; } = new();
    public List<SaFlow> Flows { get; } = new();
    /// <summary>NAT-keepalives between the SA's endpoints (RFC 3948 §2.3), per direction.</summary>
    public List<SaFlow> Keepalives { get; } = new();

    public long Packets(TrafficDirection d) => Flows.Where(f => f.Direction == d && f.Flow.Protocol != IpsecProtocol.Ah).Sum(f => f.Flow.Packets);
    public long Bytes(TrafficDirection d) => Flows.Where(f => f.Direction == d && f.Flow.Protocol != IpsecProtocol.Ah).Sum(f => f.Flow.Bytes);
    /// <summary>Data-plane packets counted for the batch row: ESP, or AH when the SA carries no ESP.</summary>
    public long CountedPackets(TrafficDirection d)
    {
        bool esp = Flows.Any(f => f.Flow.IsEsp);
        return Flows.Where(f => f.Direction == d && (esp ? f.Flow.IsEsp : f.Flow.Protocol == IpsecProtocol.Ah)).Sum(f => f.Flow.Packets);
    }
}

/// <summary>The data plane of one capture: every SPI and direction counted, what could not be tracked, and the flows
/// tied to no IKE SA (their findings are in the analysis result).</summary>
public sealed class DataPlaneAnalysis
{
    /// <summary>No data-plane packet (a new instance: its lists are mutable).</summary>
    public static DataPlaneAnalysis Empty => new(Array.Empty<IpsecFlow>(), 0, 0, 0, IpsecFlowTable.DefaultCapacity);

    public DataPlaneAnalysis(IReadOnlyList<IpsecFlow> flows, long totalPackets, long droppedPackets, long firstDroppedFrame,
        int capacity)
    {
        Flows = flows;
        TotalPackets = totalPackets;
        DroppedPackets = droppedPackets;
        FirstDroppedFrame = firstDroppedFrame;
        Capacity = capacity;
    }

    /// <summary>Every SPI and direction (and keepalive endpoint pair), in order of the first packet.</summary>
    public IReadOnlyList<IpsecFlow> Flows { get; }
    public long TotalPackets { get; }
    /// <summary>Packets not counted per SPI because the table was full (<see cref="Capacity"/> entries).</summary>
    public long DroppedPackets { get; }
    public long FirstDroppedFrame { get; }
    public int Capacity { get; }
    /// <summary>Flows tied to no IKE SA.</summary>
    public List<IpsecFlow> Unattached { get; } = new();
}
