namespace PcapIke.Capture;

/// <summary>
/// One frame as stored in the capture. <see cref="Data"/> is a view into the reader's buffer and is valid only
/// until the next read.
/// </summary>
public readonly ref struct CaptureRecord
{
    public CaptureRecord(long frameNumber, long timestampNanoseconds, LinkType linkType, int interfaceId,
        int originalLength, long fileOffset, ReadOnlySpan<byte> data)
    {
        FrameNumber = frameNumber;
        TimestampNanoseconds = timestampNanoseconds;
        LinkType = linkType;
        InterfaceId = interfaceId;
        OriginalLength = originalLength;
        FileOffset = fileOffset;
        Data = data;
    }

    /// <summary>1-based frame number, counting every packet record of the file as Wireshark does.</summary>
    public long FrameNumber { get; }
    /// <summary>Nanoseconds since the Unix epoch (UTC), with the pcapng interface's if_tsresol and if_tsoffset
    /// applied. 0 for a pcapng Simple Packet Block, which carries no timestamp.</summary>
    public long TimestampNanoseconds { get; }
    public LinkType LinkType { get; }
    /// <summary>pcapng interface id (0 for classic pcap).</summary>
    public int InterfaceId { get; }
    /// <summary>Length of the packet on the wire (may exceed <c>Data.Length</c> when the snaplen cut it).</summary>
    public int OriginalLength { get; }
    /// <summary>Offset of the record (pcap record header / pcapng block) in the decompressed capture stream.</summary>
    public long FileOffset { get; }
    public ReadOnlySpan<byte> Data { get; }

    public DateTime Timestamp => DateTime.UnixEpoch.AddTicks(TimestampNanoseconds / 100);
}
