namespace PcapIke.Diagnostics;

/// <summary>The layer at which a malformation was found.</summary>
public enum MalformationLayer : byte
{
    /// <summary>The capture file's own structure (pcap/pcapng headers and records). Offset is a file offset.</summary>
    Capture,
    /// <summary>Link layer (Ethernet, VLAN, SLL, NULL). Offset is a byte offset in the frame.</summary>
    Link,
    /// <summary>IPv4/IPv6 headers, extension headers and fragment reassembly. Offset is in the frame.</summary>
    Network,
    /// <summary>UDP/TCP and the NAT-T / RFC 8229 framing. Offset is in the frame.</summary>
    Transport,
    /// <summary>The ISAKMP message. Offset is in the IKE message (from its first header byte).</summary>
    Ike,
}

/// <summary>
/// A located finding about malformed input: which file, which frame (1-based, as Wireshark numbers them;
/// 0 when the problem is in the file header), which byte, and why. Reading always goes on after one.
/// </summary>
public sealed record Malformation(
    string File,
    long Frame,
    long Offset,
    MalformationLayer Layer,
    string Reason)
{
    public override string ToString() =>
        $"{File}: frame {Frame}: {Layer.ToString().ToLowerInvariant()} offset {Offset}: {Reason}";
}

/// <summary>Receives malformations as they are found. Only the malformed path allocates.</summary>
public interface IMalformationSink
{
    void Report(Malformation malformation);
}

/// <summary>A sink that keeps what it is given, up to a bound (so a hostile file cannot grow memory without end).</summary>
public sealed class MalformationList : IMalformationSink
{
    private readonly List<Malformation> _items = new();
    public MalformationList(int limit = 10_000) => Limit = limit;
    public int Limit { get; }
    /// <summary>How many were reported beyond <see cref="Limit"/> and dropped.</summary>
    public long Dropped { get; private set; }
    public IReadOnlyList<Malformation> Items => _items;
    public void Report(Malformation malformation)
    {
        if (_items.Count < Limit) _items.Add(malformation);
        else Dropped++;
    }
}
