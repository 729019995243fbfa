using System.Runtime.CompilerServices;
using PcapIke.Frames;

namespace PcapIke.Pipeline;

/// <summary>Receives the ESP, AH and NAT-keepalive packets of a scan (<see cref="CaptureDissector"/>): the flow
/// table, or a hand-off that applies them to the table on another thread in capture order.</summary>
public interface IIpsecPacketSink
{
    void Add(in IpsecPacket packet);
}

/// <summary>
/// The data plane's counters, filled during the one pass over the frames (<see cref="CaptureDissector"/>; tied to the
/// IKE SAs and judged later, in DataPlane/): one entry per (protocol, source, destination, SPI), i.e. per SPI and direction (RFC 4301
/// §4.1: an SA is simplex, its SPI chosen by the receiver). Keepalives count per source/destination endpoint with SPI 0.
/// Bounded: at most <see cref="Capacity"/> entries (default <see cref="DefaultCapacity"/>); packets of further new
/// entries are counted in <see cref="DroppedPackets"/> and not tracked, so a capture full of random SPIs costs at most
/// the table's memory. <see cref="Add"/> allocates nothing, except when the table grows (doubling, up to the capacity).
/// </summary>
public sealed class IpsecFlowTable : IIpsecPacketSink
{
    /// <summary>Entries tracked at most unless given otherwise: 4096 (about 1 MiB with the index).</summary>
    public const int DefaultCapacity = 4096;

    private Entry[] _entries;
    private int[] _index;            // open addressing, linear probing: entry number + 1, 0 = empty
    private int _count;

    public IpsecFlowTable(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        int initial = Math.Min(capacity, 64);
        _entries = new Entry[initial];
        _index = new int[IndexSizeFor(initial)];
    }

    public int Capacity { get; }
    public int Count => _count;
    /// <summary>Packets of entries that did not fit (the table was full).</summary>
    public long DroppedPackets { get; private set; }
    /// <summary>The first frame whose packet was dropped; 0 when none was.</summary>
    public long FirstDroppedFrame { get; private set; }
    /// <summary>Every packet handed to <see cref="Add"/>, tracked or dropped.</summary>
    public long TotalPackets { get; private set; }
    /// <summary>The latest timestamp of a packet handed to <see cref="Add"/>.</summary>
    public long LastNanoseconds { get; private set; }

    /// <summary>Counts one packet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(in IpsecPacket p)
    {
        TotalPackets++;
        if (p.TimestampNanoseconds > LastNanoseconds) LastNanoseconds = p.TimestampNanoseconds;
        int mask = _index.Length - 1;
        int slot = Hash(p) & mask;
        while (true)
        {
            int e = _index[slot];
            if (e == 0) break;
            ref Entry x = ref _entries[e - 1];
            if (x.Spi == p.Spi && x.Protocol == p.Protocol && x.Source == p.Source && x.Destination == p.Destination)
            {
                x.Count(p);
                return;
            }
            slot = (slot + 1) & mask;
        }
        if (_count == Capacity)
        {
            if (DroppedPackets++ == 0) FirstDroppedFrame = p.FrameNumber;
            return;
        }
        if (_count == _entries.Length)
        {
            Grow();
            Add2(p);
            return;
        }
        _index[slot] = _count + 1;
        _entries[_count++] = Entry.Start(p);
    }

    // After a grow: insert without counting the packet twice in TotalPackets.
    private void Add2(in IpsecPacket p)
    {
        int mask = _index.Length - 1;
        int slot = Hash(p) & mask;
        while (_index[slot] != 0) slot = (slot + 1) & mask;
        _index[slot] = _count + 1;
        _entries[_count++] = Entry.Start(p);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        int size = Math.Min(Capacity, _entries.Length * 2);
        Array.Resize(ref _entries, size);
        _index = new int[IndexSizeFor(size)];
        int mask = _index.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            ref Entry x = ref _entries[i];
            int slot = Hash(x.Protocol, x.Source, x.Destination, x.Spi) & mask;
            while (_index[slot] != 0) slot = (slot + 1) & mask;
            _index[slot] = i + 1;
        }
    }

    // At most half full: probes stay short.
    private static int IndexSizeFor(int entries) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)entries * 2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(in IpsecPacket p) => Hash(p.Protocol, p.Source, p.Destination, p.Spi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(IpsecProtocol protocol, NetEndpoint source, NetEndpoint destination, uint spi)
    {
        // The SPI is random per SA; the addresses separate keepalives (SPI 0) and equal SPIs of other peers.
        uint h = spi * 0x9E3779B1u;
        h ^= (uint)source.GetHashCode() * 0x85EBCA77u;
        h ^= (uint)destination.GetHashCode() * 0xC2B2AE3Du + (uint)protocol;
        return (int)(h ^ (h >> 15));
    }

    /// <summary>The entries, in order of their first packet.</summary>
    public IReadOnlyList<IpsecFlow> Snapshot()
    {
        var list = new IpsecFlow[_count];
        for (int i = 0; i < _count; i++) list[i] = _entries[i].ToFlow();
        return list;
    }

    /// <summary>The entries between two addresses, either way, in order of their first packet.</summary>
    public List<IpsecFlow> Between(NetAddress a, NetAddress b)
    {
        var list = new List<IpsecFlow>();
        for (int i = 0; i < _count; i++)
        {
            ref Entry x = ref _entries[i];
            if (x.Source.Address == a && x.Destination.Address == b || x.Source.Address == b && x.Destination.Address == a)
                list.Add(x.ToFlow());
        }
        return list;
    }

    private struct Entry
    {
        public IpsecProtocol Protocol;
        public NetEndpoint Source, Destination;
        public uint Spi;
        public long Packets, Bytes;
        public long FirstFrame, LastFrame, FirstNs, LastNs;
        public uint FirstSequence, LastSequence, MaxSequence;
        public long Missing, Gaps, OutOfOrder, Resets;
        public long FirstGapFrame, FirstResetFrame;

        public static Entry Start(in IpsecPacket p) => new()
        {
            Protocol = p.Protocol, Source = p.Source, Destination = p.Destination, Spi = p.Spi,
            Packets = 1, Bytes = p.IpLength,
            FirstFrame = p.FrameNumber, LastFrame = p.FrameNumber, FirstNs = p.TimestampNanoseconds, LastNs = p.TimestampNanoseconds,
            FirstSequence = p.Sequence, LastSequence = p.Sequence, MaxSequence = p.Sequence,
        };

        public void Count(in IpsecPacket p)
        {
            Packets++;
            Bytes += p.IpLength;
            LastFrame = p.FrameNumber;
            LastNs = p.TimestampNanoseconds;
            if (Protocol == IpsecProtocol.NatKeepalive) return;
            uint s = p.Sequence;
            // RFC 4303 §3.3.3: the sender's counter starts at 0 for a new SA, so its first packet is 1, and it grows by
            // one per packet. A jump forward = packets lost before the capture point (or not captured); 1 again after
            // more = the same SPI reused by a new SA (manual keying, a restarted peer); lower otherwise = reordered or
            // replayed.
            if (s > MaxSequence)
            {
                if (s - MaxSequence > 1)
                {
                    if (Gaps++ == 0) FirstGapFrame = p.FrameNumber;
                    Missing += s - MaxSequence - 1;
                }
                MaxSequence = s;
            }
            else if (s == 1 && MaxSequence > 1)
            {
                if (Resets++ == 0) FirstResetFrame = p.FrameNumber;
                MaxSequence = 1;
            }
            else OutOfOrder++;
            LastSequence = s;
        }

        public readonly IpsecFlow ToFlow() => new(Protocol, Source, Destination, Spi, Packets, Bytes, FirstFrame, LastFrame,
            FirstNs, LastNs, FirstSequence, LastSequence, MaxSequence, Missing, Gaps, OutOfOrder, Resets, FirstGapFrame,
            FirstResetFrame);
    }
}

/// <summary>One SPI in one direction (or the keepalives of one endpoint pair), as counted by <see cref="IpsecFlowTable"/>.</summary>
/// <param name="Bytes">Sum of the IP datagram lengths.</param>
/// <param name="MaxSequence">Highest sequence number since the last reset.</param>
/// <param name="Missing">Sequence numbers skipped by forward jumps (RFC 4303 §2.2: lost upstream of the capture point).</param>
/// <param name="Gaps">Forward jumps of more than one.</param>
/// <param name="OutOfOrder">Packets whose sequence number was not above the highest (reordered, duplicated, replayed).</param>
/// <param name="Resets">Times the sequence number fell back to 1 (a new SA on the same SPI).</param>
public sealed record IpsecFlow(IpsecProtocol Protocol, NetEndpoint Source, NetEndpoint Destination, uint Spi,
    long Packets, long Bytes, long FirstFrame, long LastFrame, long FirstNanoseconds, long LastNanoseconds,
    uint FirstSequence, uint LastSequence, uint MaxSequence, long Missing, long Gaps, long OutOfOrder, long Resets,
    long FirstGapFrame, long FirstResetFrame)
{
    public string SpiHex => $"0x{Spi:x8}";
    public bool IsKeepalive => Protocol == IpsecProtocol.NatKeepalive;
    /// <summary>ESP, ESP in UDP: the same SA may move between them after a NAT-T float.</summary>
    public bool IsEsp => Protocol is IpsecProtocol.Esp or IpsecProtocol.EspInUdp;
}
