namespace PcapIke.Capture;

/// <summary>The input cannot be read as a capture at all (not pcap/pcapng, or unreadable). Problems found after
/// a valid file header are reported as malformations instead.</summary>
public sealed class CaptureFormatException : Exception
{
    public CaptureFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
