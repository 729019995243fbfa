using PcapIke.Frames;
using PcapIke.Ike;

namespace PcapIke.Pipeline;

/// <summary>One IKE message of a capture, owned (safe to keep after the frame loop moved on).</summary>
public sealed record DissectedMessage(
    long Frame,
    long TimestampNanoseconds,
    NetEndpoint Source,
    NetEndpoint Destination,
    IkeTransport Transport,
    int IpLength,
    int IpFragmentCount,
    long FirstFragmentFrame,
    IkeMessageDissection Ike)
{
    public DateTime Timestamp => DateTime.UnixEpoch.AddTicks(TimestampNanoseconds / 100);
}
