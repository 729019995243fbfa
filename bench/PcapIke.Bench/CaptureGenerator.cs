using System.Buffers.Binary;

namespace PcapIke.Bench;

/// <summary>
/// Writes a large classic pcap (Ethernet) of mixed traffic in which about 1% of the frames are IKE on UDP 500:
/// the workload of a multi-GB rolling capture where IKE is a tiny fraction. Deterministic for a given seed.
/// </summary>
public static class CaptureGenerator
{
    public sealed record Result(long Frames, long IkeFrames, long Bytes);

    public static Result Generate(string path, long targetBytes, double ikeFraction = 0.01, int seed = 1)
    {
        var rng = new Random(seed);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1); // LINKTYPE_ETHERNET
        fs.Write(header);

        byte[][] ike = SampleIkeMessages();
        var frame = new byte[1600];
        Span<byte> rec = stackalloc byte[16];
        long frames = 0, ikeFrames = 0, bytes = 24;
        long usec = 1_700_000_000L * 1_000_000;
        while (bytes < targetBytes)
        {
            int len;
            if (rng.NextDouble() < ikeFraction)
            {
                byte[] msg = ike[rng.Next(ike.Length)];
                len = BuildUdp(frame, rng, 500, 500, msg.Length);
                msg.CopyTo(frame, 42);
                ikeFrames++;
            }
            else if (rng.Next(3) == 0)
            {
                int payload = rng.Next(20, 1400);
                ushort port = (ushort)rng.Next(40000, 60000);
                if (port == 500 || port == 4500) port = 501;
                len = BuildUdp(frame, rng, port, (ushort)rng.Next(1024, 65535), payload);
                rng.NextBytes(frame.AsSpan(42, payload));
            }
            else
            {
                int payload = rng.Next(0, 1400);
                len = BuildTcp(frame, rng, payload);
            }
            usec += rng.Next(1, 2000);
            BinaryPrimitives.WriteUInt32LittleEndian(rec, (uint)(usec / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[4..], (uint)(usec % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[8..], (uint)len);
            BinaryPrimitives.WriteUInt32LittleEndian(rec[12..], (uint)len);
            fs.Write(rec);
            fs.Write(frame, 0, len);
            bytes += 16 + len;
            frames++;
        }
        return new Result(frames, ikeFrames, bytes);
    }

    private static int WriteEthIpv4(byte[] f, Random rng, byte protocol, int l4Length)
    {
        // Ethernet II
        f[0] = 0x02; f[1] = 0; f[2] = 0; f[3] = 0; f[4] = 0; f[5] = 1;
        f[6] = 0x02; f[7] = 0; f[8] = 0; f[9] = 0; f[10] = 0; f[11] = 2;
        f[12] = 0x08; f[13] = 0x00;
        // IPv4, no options, checksum left as computed below
        var ip = f.AsSpan(14, 20);
        ip.Clear();
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + l4Length));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)rng.Next(65536));
        ip[6] = 0x40; // DF
        ip[8] = 64;
        ip[9] = protocol;
        ip[12] = 192; ip[13] = 0; ip[14] = 2; ip[15] = (byte)rng.Next(1, 255);
        ip[16] = 198; ip[17] = 51; ip[18] = 100; ip[19] = (byte)rng.Next(1, 255);
        uint sum = 0;
        for (int i = 0; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        return 34;
    }

    private static int BuildUdp(byte[] f, Random rng, ushort sport, ushort dport, int payload)
    {
        int o = WriteEthIpv4(f, rng, 17, 8 + payload);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(o), sport);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(o + 2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(o + 4), (ushort)(8 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(o + 6), 0); // no checksum (allowed for UDP over IPv4)
        return o + 8 + payload;
    }

    private static int BuildTcp(byte[] f, Random rng, int payload)
    {
        int o = WriteEthIpv4(f, rng, 6, 20 + payload);
        var t = f.AsSpan(o, 20);
        t.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(t, 443);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)rng.Next(1024, 65535));
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], (uint)rng.Next());
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], (uint)rng.Next());
        t[12] = 0x50; t[13] = 0x18;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], 65535);
        rng.NextBytes(f.AsSpan(o + 20, payload));
        return o + 20 + payload;
    }

    /// <summary>A few well-formed IKE messages: an IKEv1 Main Mode MM1 (SA + VIDs) and an IKEv2 IKE_SA_INIT
    /// request (SA, KE, Ni, NAT-D notifies).</summary>
    public static byte[][] SampleIkeMessages() => new[] { IkeV1MainMode1(), IkeV2SaInitRequest() };

    private static byte[] IkeV1MainMode1()
    {
        var w = new List<byte>();
        // RFC 2408 section 3.1 header: SPIi, SPIr=0, next=SA(1), version 1.0, exchange 2 (Identity Protection)
        w.AddRange(Convert.FromHexString("0102030405060708" + "0000000000000000" + "01" + "10" + "02" + "00" + "00000000" + "00000000"));
        // SA payload (next VID 13): DOI 1, situation 1, one proposal with one transform (3DES, MD5, RSA-sig, group 2, 86400 s)
        string transform = "00" + "00" + "0024" + "01" + "01" + "0000"
            + "80010005" + "80020001" + "80030003" + "80040002" + "800b0001" + "000c0004" + "00015180";
        string proposal = "00" + "00" + "002c" + "01" + "01" + "00" + "01" + transform;
        string sa = "0d" + "00" + "0038" + "00000001" + "00000001" + proposal;
        w.AddRange(Convert.FromHexString(sa));
        // VID RFC 3947, then VID DPD (last)
        w.AddRange(Convert.FromHexString("0d000014" + "4a131c81070358455c5728f20e95452f"));
        w.AddRange(Convert.FromHexString("00000014" + "afcad71368a1f1c96b8696fc77570100"));
        byte[] m = w.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)m.Length);
        return m;
    }

    private static byte[] IkeV2SaInitRequest()
    {
        var w = new List<byte>();
        // RFC 7296 section 3.1: next=SA(33), version 2.0, exchange 34 IKE_SA_INIT, flags Initiator (0x08)
        w.AddRange(Convert.FromHexString("1112131415161718" + "0000000000000000" + "21" + "20" + "22" + "08" + "00000000" + "00000000"));
        // SA: one proposal, protocol IKE, 4 transforms: ENCR_AES_CBC/256, PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, DH 14
        string t1 = "03" + "00" + "000c" + "01" + "00" + "000c" + "800e0100";
        string t2 = "03" + "00" + "0008" + "02" + "00" + "0005";
        string t3 = "03" + "00" + "0008" + "03" + "00" + "000c";
        string t4 = "00" + "00" + "0008" + "04" + "00" + "000e";
        string prop = "00" + "00" + "002c" + "01" + "01" + "00" + "04" + t1 + t2 + t3 + t4;
        w.AddRange(Convert.FromHexString("22" + "00" + "0030" + prop));
        // KE (next Nonce 40): group 14, 256 bytes of public value
        w.AddRange(Convert.FromHexString("28" + "00" + "0108" + "000e" + "0000"));
        for (int i = 0; i < 256; i++) w.Add((byte)(i * 7 + 3));
        // Nonce (next N 41): 32 bytes
        w.AddRange(Convert.FromHexString("29" + "00" + "0024"));
        for (int i = 0; i < 32; i++) w.Add((byte)(i * 13 + 1));
        // N(NAT_DETECTION_SOURCE_IP 16388), N(NAT_DETECTION_DESTINATION_IP 16389), each a SHA-1 hash
        w.AddRange(Convert.FromHexString("29" + "00" + "001c" + "00" + "00" + "4004"));
        for (int i = 0; i < 20; i++) w.Add((byte)i);
        w.AddRange(Convert.FromHexString("00" + "00" + "001c" + "00" + "00" + "4005"));
        for (int i = 0; i < 20; i++) w.Add((byte)(255 - i));
        byte[] m = w.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)m.Length);
        return m;
    }
}
