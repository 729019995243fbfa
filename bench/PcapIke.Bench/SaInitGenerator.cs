using System.Buffers.Binary;

namespace PcapIke.Bench;

/// <summary>
/// Issue 14's SA-scaling workload: a classic pcap (Ethernet, UDP 500) of <c>count</c> IKEv2 IKE_SA_INIT requests, each
/// with a random SPIi (SPIr 0) from a random initiator in 10.0.0.0/8 towards one of 254 responders in 198.51.100.0/24,
/// spread evenly over <c>spanSeconds</c> of capture time. None is answered, so every one is its own IKE SA that stays
/// open until it idles out (180 s of capture time by default) or the live-SA cap finishes it. A span shorter than the
/// idle window keeps every SA open at once (the worst case for the correlator); a longer one lets them idle out while
/// the capture is read (the streamed case). Deterministic for a seed.
/// </summary>
public static class SaInitGenerator
{
    public static CaptureGenerator.Result Generate(string path, int count, double spanSeconds, int seed = 14)
    {
        var rng = new Random(seed);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        CaptureGenerator.WritePcapHeader(fs);
        // the SA_INIT request of the sample generator (SA, KE, Ni, NAT-D), its SPIi replaced per message
        byte[] ike = CaptureGenerator.SampleIkeMessages()[1];
        int ikeLen = ike.Length;
        var frame = new byte[42 + ikeLen];
        Span<byte> rec = stackalloc byte[16];
        long bytes = 24;
        long startUsec = 1_700_000_000L * 1_000_000;
        double stepUsec = count > 1 ? spanSeconds * 1e6 / count : 0;
        for (int i = 0; i < count; i++)
        {
            uint src = 0x0a000000u | (uint)rng.Next(1, 0xfffffe);
            uint dst = 0xc6336400u | (uint)rng.Next(1, 255);
            ulong spi;
            do spi = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33); while (spi == 0);
            WriteFrame(frame, src, dst, ikeLen, (ushort)i);
            ike.CopyTo(frame, 42);
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(42), spi);
            long usec = startUsec + (long)(i * stepUsec);
            BinaryPrimitives.WriteUInt32LittleEndian(rec, (uint)(usec / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[4..], (uint)(usec % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[8..], (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(rec[12..], (uint)frame.Length);
            fs.Write(rec);
            fs.Write(frame);
            bytes += 16 + frame.Length;
        }
        return new CaptureGenerator.Result(count, count, bytes);
    }

    private static void WriteFrame(byte[] f, uint src, uint dst, int ikeLength, ushort ipId)
    {
        f.AsSpan(0, 42).Clear();
        f[0] = 0x02; f[5] = 1; f[6] = 0x02; f[11] = 2;
        f[12] = 0x08;
        var ip = f.AsSpan(14, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(28 + ikeLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], ipId);
        ip[6] = 0x40;
        ip[8] = 64;
        ip[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], src);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], dst);
        uint sum = 0;
        for (int i = 0; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        var udp = f.AsSpan(34, 8);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 500);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 500);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + ikeLength));
    }
}
