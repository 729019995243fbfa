using PcapIke.Diagnostics;

namespace PcapIke.Capture;

/// <summary>Which container the capture uses.</summary>
public enum CaptureFileFormat : byte { Pcap, PcapNanosecond, PcapNg }

/// <summary>
/// Streams the records of a pcap or pcapng capture (optionally gzip-compressed, detected by magic bytes) from a
/// file or stdin ("-") in constant memory. Only an input that is not a capture at all throws
/// (<see cref="CaptureFormatException"/>); damage after the file header becomes a <see cref="Malformation"/>.
/// CONTRACT ONLY: implemented in the capture-reading work.
/// </summary>
public sealed class CaptureReader : IDisposable
{
    private CaptureReader() { Name = ""; }

    /// <summary>Opens a file by path, or standard input when <paramref name="path"/> is "-".</summary>
    public static CaptureReader Open(string path, IMalformationSink sink) => throw new NotImplementedException();

    /// <summary>Opens a stream; <paramref name="name"/> is used in malformations.</summary>
    public static CaptureReader Open(Stream stream, string name, IMalformationSink sink, bool leaveOpen = false) =>
        throw new NotImplementedException();

    public string Name { get; }
    public CaptureFileFormat Format { get; }
    /// <summary>Bytes of (decompressed) capture consumed so far.</summary>
    public long Position { get; }

    /// <summary>Reads the next packet record; false at the end of the capture (or where damage makes the rest
    /// unreadable, after reporting it).</summary>
    public bool TryRead(out CaptureRecord record) => throw new NotImplementedException();

    public void Dispose() { }
}
