using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PcapIke.Bench;

/// <summary>
/// Writes a large classic pcap (Ethernet) of mixed traffic in which about 1% of the frames are IKE on UDP 500:
/// the workload of a multi-GB rolling capture where IKE is a tiny fraction. Deterministic for a given seed.
/// The IKE traffic is a mix of distinct negotiations (<see cref="Negotiation"/>), each with its own SPIs/cookies and
/// peers, a few of them interleaved at any time and spread over the whole timeline: IKEv1 Main Mode MM1-MM4 in clear,
/// MM5/MM6 and Quick Mode encrypted (E flag, random ciphertext); IKEv2 IKE_SA_INIT and IKE_AUTH (SK of random
/// bytes). Replies go the other way; some messages are re-sent and some negotiations stop early.
/// </summary>
public static class CaptureGenerator
{
    /// <summary>A classic pcap file header (microsecond, little-endian, snap length 65535, Ethernet): what both
    /// generators write first.</summary>
    public static void WritePcapHeader(Stream fs)
    {
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1); // LINKTYPE_ETHERNET
        fs.Write(header);
    }

    public sealed record Result(long Frames, long IkeFrames, long Bytes, long EspFrames = 0);

    /// <param name="espFraction">Share of the frames that are ESP (issue 12's benchmark: 0.3) instead of other
    /// TCP/UDP: the tunnels of the negotiations that completed (the last <see cref="Tunnels"/>), each way, with their own
    /// SPIs and sequence numbers, two thirds IP protocol 50 and one third in UDP 4500 (RFC 3948). 0 (the default) draws
    /// nothing more from the random sequence, so the capture is byte-identical to the one without the option.</param>
    public static Result Generate(string path, long targetBytes, double ikeFraction = 0.01, int seed = 1, double espFraction = 0)
    {
        var rng = new Random(seed);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WritePcapHeader(fs);

        var active = new List<Negotiation>();
        var tunnels = new List<Tunnel>();
        long espFrames = 0;
        var frame = new byte[1600];
        Span<byte> rec = stackalloc byte[16];
        long frames = 0, ikeFrames = 0, bytes = 24;
        long usec = 1_700_000_000L * 1_000_000;
        while (bytes < targetBytes)
        {
            int len;
            if (rng.NextDouble() < ikeFraction)
            {
                // a few negotiations in flight at a time: one of them sends its next message
                while (active.Count < ConcurrentNegotiations) active.Add(Negotiation.Start(rng));
                int k = rng.Next(active.Count);
                Negotiation n = active[k];
                var (msg, fromInitiator) = n.Messages[n.Next];
                // about 3% of the messages are re-sent (the same bytes again) before the negotiation goes on
                if (rng.Next(100) >= 3 && ++n.Next == n.Messages.Count)
                {
                    active.RemoveAt(k);
                    if (espFraction > 0)
                    {
                        if (tunnels.Count == Tunnels) tunnels.RemoveAt(0);
                        tunnels.Add(new Tunnel(n.InitiatorIp, n.ResponderIp, (uint)rng.Next(0x100, int.MaxValue),
                            (uint)rng.Next(0x100, int.MaxValue), rng.Next(3) == 0));
                    }
                }
                (uint src, uint dst) = fromInitiator ? (n.InitiatorIp, n.ResponderIp) : (n.ResponderIp, n.InitiatorIp);
                len = BuildUdp(frame, rng, 500, 500, msg.Length, src, dst);
                msg.CopyTo(frame, 42);
                ikeFrames++;
            }
            else if (espFraction > 0 && tunnels.Count > 0 && rng.NextDouble() < espFraction / (1 - ikeFraction))
            {
                // RFC 4303 §2: SPI and sequence number in clear, then the encrypted payload (random bytes here)
                Tunnel t = tunnels[rng.Next(tunnels.Count)];
                bool toResponder = rng.Next(2) == 0;
                int payload = rng.Next(60, 1400);
                (uint src, uint dst) = toResponder ? (t.Initiator, t.Responder) : (t.Responder, t.Initiator);
                int o = t.Udp ? BuildUdp(frame, rng, 4500, 4500, payload, src, dst) - payload
                    : WriteEthIpv4(frame, rng, 50, payload, src, dst);
                rng.NextBytes(frame.AsSpan(o + 8, payload - 8));
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(o), toResponder ? t.SpiToResponder : t.SpiToInitiator);
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(o + 4), toResponder ? ++t.SeqToResponder : ++t.SeqToInitiator);
                len = o + payload;
                espFrames++;
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
        return new Result(frames, ikeFrames, bytes, espFrames);
    }

    private const int ConcurrentNegotiations = 8;
    /// <summary>Tunnels carrying ESP at a time (the most recently established).</summary>
    public const int Tunnels = 64;

    private sealed class Tunnel(uint initiator, uint responder, uint spiToResponder, uint spiToInitiator, bool udp)
    {
        public uint Initiator => initiator;
        public uint Responder => responder;
        public uint SpiToResponder => spiToResponder;
        public uint SpiToInitiator => spiToInitiator;
        public bool Udp => udp;
        public uint SeqToResponder, SeqToInitiator;
    }

    private static int WriteEthIpv4(byte[] f, Random rng, byte protocol, int l4Length, uint src = 0, uint dst = 0)
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
        if (src != 0) BinaryPrimitives.WriteUInt32BigEndian(ip[12..], src);
        if (dst != 0) BinaryPrimitives.WriteUInt32BigEndian(ip[16..], dst);
        uint sum = 0;
        for (int i = 0; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        return 34;
    }

    private static int BuildUdp(byte[] f, Random rng, ushort sport, ushort dport, int payload, uint src = 0, uint dst = 0)
    {
        int o = WriteEthIpv4(f, rng, 17, 8 + payload, src, dst);
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

    /// <summary>One IKE negotiation: its messages in order (bytes, sent by the initiator?) between two peers.</summary>
    private sealed class Negotiation
    {
        public required uint InitiatorIp { get; init; }
        public required uint ResponderIp { get; init; }
        public required List<(byte[] Bytes, bool FromInitiator)> Messages { get; init; }
        public int Next;

        public static Negotiation Start(Random rng)
        {
            // initiators in 10.0.0.0/8, responders in 198.51.100.0/24 (RFC 5737), on UDP 500
            uint initiator = 0x0a000000u | (uint)rng.Next(1, 0xfffffe);
            uint responder = 0xc6336400u | (uint)rng.Next(1, 255);
            ulong spiI = NonZero(rng), spiR = NonZero(rng);
            var messages = rng.Next(2) == 0
                ? Ikev1MainMode(rng, spiI, spiR, initiator, responder)
                : Ikev2(rng, spiI, spiR, initiator, responder);
            // about 10% stop early: no answer, or the capture of that pair ends there
            if (rng.Next(10) == 0)
            {
                int cut = 1 + rng.Next(messages.Count - 1);
                messages.RemoveRange(cut, messages.Count - cut);
            }
            return new Negotiation { InitiatorIp = initiator, ResponderIp = responder, Messages = messages };
        }

        private static ulong NonZero(Random rng)
        {
            ulong v;
            do v = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33); while (v == 0);
            return v;
        }
    }

    private static readonly string Ikev1Transform = "00" + "00" + "0024" + "01" + "01" + "0000"
        + "80010005" + "80020001" + "80030001" + "80040002" + "800b0001" + "000c0004" + "00007080";

    /// <summary>RFC 2409 Main Mode with pre-shared keys (3DES/MD5/group 2), then Quick Mode most of the time.</summary>
    private static List<(byte[], bool)> Ikev1MainMode(Random rng, ulong spiI, ulong spiR, uint ipI, uint ipR)
    {
        string proposal = "00" + "00" + "002c" + "01" + "01" + "00" + "01" + Ikev1Transform;
        byte[] sa = Convert.FromHexString("00000001" + "00000001" + proposal);
        byte[] vidNatT = Convert.FromHexString("4a131c81070358455c5728f20e95452f");   // RFC 3947
        byte[] vidDpd = Convert.FromHexString("afcad71368a1f1c96b8696fc77570100");    // RFC 3706
        var list = new List<(byte[], bool)>
        {
            (Isakmp(1, spiI, 0, 2, 0, 0, [(1, sa), (13, vidNatT), (13, vidDpd)]), true),
            (Isakmp(1, spiI, spiR, 2, 0, 0, [(1, sa), (13, vidNatT), (13, vidDpd)]), false),
        };
        // MM3/MM4: KE (group 2: 128 bytes), Nonce, NAT-D of the receiver then of the sender (RFC 3947 §3.2, MD5)
        foreach (bool fromI in new[] { true, false })
        {
            (uint me, uint peer) = fromI ? (ipI, ipR) : (ipR, ipI);
            list.Add((Isakmp(1, spiI, spiR, 2, 0, 0,
            [
                (4, Random(rng, 128)), (10, Random(rng, rng.Next(16, 33))),
                (20, MD5.HashData(NatInput(spiI, spiR, peer))), (20, MD5.HashData(NatInput(spiI, spiR, me))),
            ]), fromI));
        }
        // MM5/MM6 (IDii/IDir, HASH): 3DES ciphertext, a multiple of 8 bytes
        list.Add((Encrypted(rng, spiI, spiR, 2, 0, 5, 8 * rng.Next(7, 12)), true));
        list.Add((Encrypted(rng, spiI, spiR, 2, 0, 5, 8 * rng.Next(7, 12)), false));
        if (rng.Next(10) < 7)
        {
            uint mid = (uint)rng.Next(1, int.MaxValue);
            list.Add((Encrypted(rng, spiI, spiR, 32, mid, 8, 8 * rng.Next(20, 40)), true));
            list.Add((Encrypted(rng, spiI, spiR, 32, mid, 8, 8 * rng.Next(20, 40)), false));
            list.Add((Encrypted(rng, spiI, spiR, 32, mid, 8, 8 * rng.Next(6, 8)), true));
        }
        return list;
    }

    /// <summary>RFC 7296 IKE_SA_INIT (AES-CBC-256/SHA2-256/group 14) and one IKE_AUTH round (SK: IV, ciphertext, ICV).</summary>
    private static List<(byte[], bool)> Ikev2(Random rng, ulong spiI, ulong spiR, uint ipI, uint ipR)
    {
        string t1 = "03" + "00" + "000c" + "01" + "00" + "000c" + "800e0100";
        string t2 = "03" + "00" + "0008" + "02" + "00" + "0005";
        string t3 = "03" + "00" + "0008" + "03" + "00" + "000c";
        string t4 = "00" + "00" + "0008" + "04" + "00" + "000e";
        byte[] sa = Convert.FromHexString("00" + "00" + "002c" + "01" + "01" + "00" + "04" + t1 + t2 + t3 + t4);
        byte[] Ke() => [0, 14, 0, 0, .. Random(rng, 256)];
        // N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP): SHA-1(SPIi | SPIr | IP | Port) of the header's SPIs
        byte[] Nat(ushort type, ulong r, uint ip) => [0, 0, (byte)(type >> 8), (byte)type, .. SHA1.HashData(NatInput(spiI, r, ip))];
        var list = new List<(byte[], bool)>
        {
            (Isakmp(2, spiI, 0, 34, 0x08, 0, [(33, sa), (34, Ke()), (40, Random(rng, 32)),
                (41, Nat(16388, 0, ipI)), (41, Nat(16389, 0, ipR))]), true),
            (Isakmp(2, spiI, spiR, 34, 0x20, 0, [(33, sa), (34, Ke()), (40, Random(rng, 32)),
                (41, Nat(16388, spiR, ipR)), (41, Nat(16389, spiR, ipI))]), false),
        };
        // IKE_AUTH: SK with IV 16 + ciphertext (AES blocks) + ICV 16; PSK or certificates
        bool certs = rng.Next(2) == 0;
        int Body() => 16 + 16 * (certs ? rng.Next(40, 75) : rng.Next(10, 20)) + 16;
        list.Add((Isakmp(2, spiI, spiR, 35, 0x08, 1, [(46, Random(rng, Body()))], innerFirst: 35), true));
        list.Add((Isakmp(2, spiI, spiR, 35, 0x20, 1, [(46, Random(rng, Body()))], innerFirst: 36), false));
        return list;
    }

    /// <summary>Header (RFC 2408 §3.1, RFC 7296 §3.1) and a chain of generic payloads (type, body).
    /// <paramref name="innerFirst"/>: the Next Payload of a last SK payload (the first inner payload).</summary>
    private static byte[] Isakmp(int version, ulong spiI, ulong spiR, byte exchange, byte flags, uint messageId,
        (byte Type, byte[] Body)[] payloads, byte innerFirst = 0)
    {
        int length = 28 + payloads.Sum(p => 4 + p.Body.Length);
        var m = new byte[length];
        BinaryPrimitives.WriteUInt64BigEndian(m, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(m.AsSpan(8), spiR);
        m[16] = payloads[0].Type;
        m[17] = (byte)(version << 4);
        m[18] = exchange;
        m[19] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(20), messageId);
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)length);
        int o = 28;
        for (int i = 0; i < payloads.Length; i++)
        {
            var (type, body) = payloads[i];
            m[o] = i + 1 < payloads.Length ? payloads[i + 1].Type : type == 46 ? innerFirst : (byte)0;
            BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(o + 2), (ushort)(4 + body.Length));
            body.CopyTo(m, o + 4);
            o += 4 + body.Length;
        }
        return m;
    }

    /// <summary>An IKEv1 message with the E flag: header (Next Payload names the first encrypted payload) + ciphertext.</summary>
    private static byte[] Encrypted(Random rng, ulong spiI, ulong spiR, byte exchange, uint messageId, byte firstPayload, int length)
    {
        var m = new byte[28 + length];
        BinaryPrimitives.WriteUInt64BigEndian(m, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(m.AsSpan(8), spiR);
        m[16] = firstPayload;
        m[17] = 0x10;
        m[18] = exchange;
        m[19] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(20), messageId);
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)m.Length);
        rng.NextBytes(m.AsSpan(28));
        return m;
    }

    private static byte[] Random(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>SPIi | SPIr | IPv4 | port 500: the NAT-D input (RFC 3947 §3.2, RFC 7296 §2.23).</summary>
    private static byte[] NatInput(ulong spiI, ulong spiR, uint ip)
    {
        var b = new byte[22];
        BinaryPrimitives.WriteUInt64BigEndian(b, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), spiR);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), ip);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(20), 500);
        return b;
    }
}

