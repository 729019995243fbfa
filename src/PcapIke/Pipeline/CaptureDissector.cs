using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Ike;

namespace PcapIke.Pipeline;

/// <summary>
/// Capture → frames → IKE messages: scans a capture and dissects every IKE message it carries. Frames that are not
/// IKE cost no allocation; each IKE message becomes a <see cref="DissectedMessage"/> handed to a callback, and its
/// decode findings become located <see cref="Malformation"/>s (file, frame, offset in the IKE message).
/// </summary>
public static class CaptureDissector
{
    public static ScanStatistics Dissect(CaptureReader reader, IMalformationSink malformations,
        Action<DissectedMessage> onMessage, FrameDecoderOptions? options = null)
    {
        var sink = new DissectingSink(reader.Name, malformations, onMessage);
        return CaptureScanner.Scan(reader, sink, malformations, options);
    }

    public static ScanStatistics Dissect(string path, IMalformationSink malformations,
        Action<DissectedMessage> onMessage, FrameDecoderOptions? options = null)
    {
        using var reader = CaptureReader.Open(path, malformations);
        return Dissect(reader, malformations, onMessage, options);
    }

    private sealed class DissectingSink(string file, IMalformationSink malformations, Action<DissectedMessage> onMessage)
        : IIkeDatagramSink
    {
        public void OnIkeDatagram(in IkeDatagram d)
        {
            var ike = IkeMessageDissection.Dissect(d.Message);
            foreach (var m in ike.ToMalformations(file, d.FrameNumber)) malformations.Report(m);
            onMessage(new DissectedMessage(d.FrameNumber, d.TimestampNanoseconds, d.Source, d.Destination, d.Transport,
                d.IpLength, d.IpFragmentCount, d.FirstFragmentFrame, ike));
        }
    }
}
