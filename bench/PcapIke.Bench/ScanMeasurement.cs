using System.Diagnostics;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.Bench;

/// <summary>
/// In-process throughput of the hot path (reader + frame decoder + a walk of every IKE message's payloads with
/// <see cref="IsakmpReader"/>) on one core, with the bytes allocated over the whole run measured by
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>, and the steady-state allocation per non-IKE frame and per IKE
/// message walked.
/// </summary>
public static class ScanMeasurement
{
    public static string Run(string path, int repetitions = 3)
    {
        var lines = new List<string>();
        double best = double.MaxValue, first = 0;
        long frames = 0, ike = 0, payloads = 0, bytes = 0, allocated = 0;
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
            payloads = sink.Payloads;
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            if (i == 0) first = sw.Elapsed.TotalSeconds;
        }
        lines.Add($"{frames:N0} frames, {ike:N0} IKE messages ({payloads:N0} payloads walked), {bytes:N0} bytes; " +
                  $"best of {repetitions}: {best:F3} s");
        lines.Add($"{bytes / 1e6 / best:N0} MB/s, {frames / 1e6 / best:F2} M frames/s (first run, code still being " +
                  $"tiered up: {first:F3} s, {bytes / 1e6 / first:N0} MB/s)");
        lines.Add($"allocated over the whole run: {allocated:N0} bytes ({(double)allocated / frames:F3} bytes/frame, " +
                  "including the reader's buffer, the decoder's tables and per-open setup)");
        lines.Add(MeasureAllocations(path));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// In-process time of the library pipeline the CLI's <c>dissect</c> uses (<see cref="CaptureDissector.Dissect(string, IMalformationSink, Action{DissectedMessage}, FrameDecoderOptions?)"/>,
    /// which builds an owned <see cref="IkeMessageDissection"/> per IKE message) with a callback that prints nothing:
    /// the first (cold) run and the best of <paramref name="repetitions"/>.
    /// </summary>
    public static string RunPipeline(string path, int repetitions = 3)
    {
        double best = double.MaxValue, first = 0;
        long messages = 0, allocated = 0;
        ScanStatistics? stats = null;
        for (int i = 0; i < repetitions; i++)
        {
            messages = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            stats = CaptureDissector.Dissect(path, new MalformationList(), _ => messages++);
            sw.Stop();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            if (i == 0) first = sw.Elapsed.TotalSeconds;
        }
        long bytes = stats!.StreamBytes;
        return $"CaptureDissector.Dissect (owned dissection of each IKE message, no output): {stats.Frames:N0} frames, " +
               $"{messages:N0} messages; first run {first:F3} s ({bytes / 1e6 / first:N0} MB/s), best of {repetitions} " +
               $"{best:F3} s ({bytes / 1e6 / best:N0} MB/s); allocated per run {allocated:N0} bytes " +
               $"({(double)allocated / Math.Max(1, messages):N0} bytes per IKE message)";
    }

    /// <summary>
    /// Steady-state allocation: copies up to 10,000 non-IKE frames and up to 1,000 IKE frames out of the capture,
    /// warms up, then measures <see cref="GC.GetAllocatedBytesForCurrentThread"/> around (a) decoding only the
    /// non-IKE frames, (b) walking the payloads of the IKE messages alone, and (c) decoding the IKE frames with the
    /// payload-walking sink.
    /// </summary>
    public static string MeasureAllocations(string path, int rounds = 20)
    {
        var nonIke = new List<byte[]>();
        var ikeFrames = new List<byte[]>();
        var collector = new CollectingSink();
        using (var reader = CaptureReader.Open(path, new MalformationList()))
        {
            var probe = new FrameDecoder("probe", new MalformationList());
            while ((nonIke.Count < 10_000 || ikeFrames.Count < 1_000) && reader.TryRead(out CaptureRecord rec))
            {
                int before = collector.Messages.Count;
                FrameKind kind = probe.Decode(rec, collector);
                if (kind == FrameKind.Ike && collector.Messages.Count == before + 1 && ikeFrames.Count < 1_000)
                    ikeFrames.Add(rec.Data.ToArray());
                else if (kind != FrameKind.Ike && kind != FrameKind.IpFragmentHeld && nonIke.Count < 10_000)
                    nonIke.Add(rec.Data.ToArray());
            }
        }
        byte[][] messages = collector.Messages.Take(ikeFrames.Count).ToArray();

        var decoder = new FrameDecoder("alloc", new MalformationList());
        var sink = new PayloadWalkingSink();
        long nonIkeBytes = 0, walkBytes = 0, ikeFrameBytes = 0, payloads = 0;
        for (int round = -3; round < rounds; round++) // 3 warm-up rounds (tiering), then measured rounds
        {
            long a = GC.GetAllocatedBytesForCurrentThread();
            foreach (byte[] f in nonIke) decoder.Decode(Record(f), sink);
            long b = GC.GetAllocatedBytesForCurrentThread();
            long p = 0;
            foreach (byte[] m in messages) p += WalkPayloads(m, out int _);
            long c = GC.GetAllocatedBytesForCurrentThread();
            foreach (byte[] f in ikeFrames) decoder.Decode(Record(f), sink);
            long d = GC.GetAllocatedBytesForCurrentThread();
            if (round < 0) continue;
            nonIkeBytes += b - a; walkBytes += c - b; ikeFrameBytes += d - c; payloads += p;
        }
        double perNonIke = nonIke.Count == 0 ? 0 : (double)nonIkeBytes / ((long)nonIke.Count * rounds);
        double perWalk = messages.Length == 0 ? 0 : (double)walkBytes / ((long)messages.Length * rounds);
        double perIkeFrame = ikeFrames.Count == 0 ? 0 : (double)ikeFrameBytes / ((long)ikeFrames.Count * rounds);
        return $"steady state over {rounds} rounds after warm-up: {perNonIke:F3} bytes allocated per non-IKE frame " +
               $"({nonIke.Count:N0} frames, {nonIkeBytes:N0} bytes in all); {perWalk:F3} bytes per IKE message walked " +
               $"({messages.Length:N0} messages, {payloads / Math.Max(1, rounds):N0} payloads a round, {walkBytes:N0} bytes in all); " +
               $"{perIkeFrame:F3} bytes per IKE frame decoded and walked ({ikeFrameBytes:N0} bytes in all)";

        static CaptureRecord Record(byte[] f) => new(1, 0, LinkType.Ethernet, 0, f.Length, 0, f);
    }

    /// <summary>Walks the ISAKMP header and every payload of <paramref name="message"/> with <see cref="IsakmpReader"/>,
    /// touching each payload's type, length and body; returns the number of payloads (allocation-free).</summary>
    public static int WalkPayloads(ReadOnlySpan<byte> message) => WalkPayloads(message, out _);

    /// <inheritdoc cref="WalkPayloads(ReadOnlySpan{byte})"/>
    /// <param name="checksum">A sum of what was touched, so that the JIT cannot drop the reads.</param>
    public static int WalkPayloads(ReadOnlySpan<byte> message, out int checksum)
    {
        var reader = new IsakmpReader(message);
        int count = 0;
        checksum = reader.Header.ExchangeTypeRaw;
        while (reader.ReadPayload())
        {
            count++;
            checksum += reader.PayloadTypeRaw + reader.PayloadLength;
            ReadOnlySpan<byte> body = reader.PayloadBody;
            if (!body.IsEmpty) checksum += body[0] + body[^1];
        }
        if (!reader.Result.IsSuccess) checksum++;
        return count;
    }

    /// <summary>Walks every IKE message's payloads (header + each payload) with <see cref="IsakmpReader"/>; allocates nothing.</summary>
    internal sealed class PayloadWalkingSink : IIkeDatagramSink
    {
        public long Messages;
        public long Payloads;
        public long PayloadBytes;
        public long Checksum;
        public void OnIkeDatagram(in IkeDatagram datagram)
        {
            Messages++;
            PayloadBytes += datagram.Message.Length;
            Payloads += WalkPayloads(datagram.Message, out int checksum);
            Checksum += checksum;
        }
    }

    /// <summary>Copies each IKE message (set-up only, not measured).</summary>
    private sealed class CollectingSink : IIkeDatagramSink
    {
        public readonly List<byte[]> Messages = new();
        public void OnIkeDatagram(in IkeDatagram datagram) => Messages.Add(datagram.Message.ToArray());
    }
}
