using PcapIke.Capture;
using PcapIke.Diagnostics;

namespace PcapIke.Frames;

/// <summary>Which ports carry IKE, and the bounds of IP reassembly.</summary>
public sealed class FrameDecoderOptions
{
    /// <summary>UDP ports carrying plain IKE (RFC 7296 section 2: 500).</summary>
    public IReadOnlyCollection<ushort> IkePorts { get; init; } = new ushort[] { 500 };
    /// <summary>UDP ports carrying NAT-T (non-ESP marker, RFC 3948: 4500).</summary>
    public IReadOnlyCollection<ushort> NatTraversalPorts { get; init; } = new ushort[] { 4500 };
    /// <summary>TCP ports carrying RFC 8229 encapsulation (default 4500).</summary>
    public IReadOnlyCollection<ushort> TcpPorts { get; init; } = new ushort[] { 4500 };
    /// <summary>Bytes held across all incomplete IP datagrams at most; the oldest are evicted past it.</summary>
    public int MaxReassemblyBytes { get; init; } = 16 << 20;
    /// <summary>Incomplete IP datagrams held at most.</summary>
    public int MaxPendingDatagrams { get; init; } = 4096;
    /// <summary>An incomplete datagram is dropped (and reported) when no fragment arrived for this long, in capture time.</summary>
    public TimeSpan ReassemblyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Decodes link, network and transport layers of a frame and hands each IKE message to a sink. Allocates nothing
/// for frames that are not IKE. CONTRACT ONLY: implemented in the frame-decoding work.
/// </summary>
public sealed class FrameDecoder
{
    public FrameDecoder(string fileName, IMalformationSink malformations, FrameDecoderOptions? options = null)
    {
        throw new NotImplementedException();
    }

    /// <summary>Decodes one frame; calls <paramref name="sink"/> for each IKE message in it.</summary>
    public FrameKind Decode(in CaptureRecord record, IIkeDatagramSink sink) => throw new NotImplementedException();

    /// <summary>At the end of the capture: reports datagrams still incomplete.</summary>
    public void Flush() => throw new NotImplementedException();
}
