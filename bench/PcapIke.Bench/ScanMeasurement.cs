using System.Diagnostics;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;

namespace PcapIke.Bench;

/// <summary>
/// In-process throughput of the hot path (reader + frame decoder + a walk of every IKE message's payloads) on one
/// core, with the bytes allocated over the whole run measured by <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
public static class ScanMeasurement
{
    public static string Run(string path, int repetitions = 3)
    {
        var lines = new List<string>();
        double best = double.MaxValue;
        long frames = 0, ike = 0, bytes = 0, allocated = 0;
        for (int i = 0; i < repetitions; i++)
        {
            var sink = new PayloadWalkingSink();
            var malformations = new MalformationList();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            using (var reader = CaptureReader.Open(path, malformations))
            {
                var decoder = new FrameDecoder(path, malformations);
                frames = 0;
                while (reader.TryRead(out CaptureRecord rec))
                {
                    frames++;
                    decoder.Decode(rec, sink);
                }
                decoder.Flush();
                bytes = reader.Position;
            }
            sw.Stop();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            ike = sink.Messages;
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        lines.Add($"{frames:N0} frames, {ike:N0} IKE messages, {bytes:N0} bytes; best of {repetitions}: {best:F3} s");
        lines.Add($"{bytes / 1e6 / best:N0} MB/s, {frames / 1e6 / best:F2} M frames/s");
        lines.Add($"allocated over the whole run: {allocated:N0} bytes ({(double)allocated / frames:F3} bytes/frame, " +
                  "including the reader's buffer and per-IKE-message work)");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Touches each IKE message (the dissector's payload walk is added where the dissector exists).</summary>
    internal sealed class PayloadWalkingSink : IIkeDatagramSink
    {
        public long Messages;
        public long PayloadBytes;
        public void OnIkeDatagram(in IkeDatagram datagram)
        {
            Messages++;
            PayloadBytes += datagram.Message.Length;
        }
    }
}
