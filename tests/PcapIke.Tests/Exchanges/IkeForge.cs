using System.Buffers.Binary;
using System.Security.Cryptography;
using PcapIke.Findings;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Exchanges;

/// <summary>Builds IKE messages byte by byte (RFC 2408 §3, RFC 7296 §3) and captures of them, for the correlator tests.</summary>
internal static class IkeForge
{
    public const byte MainMode = 2, Aggressive = 4, Informational = 5, QuickMode = 32;
    public const byte IkeSaInit = 34, IkeAuth = 35, CreateChildSa = 36, InformationalV2 = 37;
    public const byte FlagEncrypted = 0x01, FlagInitiator = 0x08, FlagResponse = 0x20;

    public readonly record struct Payload(byte Type, byte[] Body, byte? NextOverride = null);

    /// <summary>ISAKMP header (28 bytes) + a chain of payloads; <paramref name="trailer"/> is appended as is (ciphertext
    /// of an IKEv1 E-flag message: the header's Next Payload then names <paramref name="firstPayloadIfEncrypted"/>).</summary>
    public static byte[] Message(int version, ulong spiI, ulong spiR, byte exchange, byte flags, uint messageId,
        Payload[] payloads, byte[]? trailer = null, byte firstPayloadIfEncrypted = 5)
    {
        var body = new List<byte>();
        for (int i = 0; i < payloads.Length; i++)
        {
            Payload p = payloads[i];
            byte next = p.NextOverride ?? (i + 1 < payloads.Length ? payloads[i + 1].Type : (byte)0);
            int len = 4 + p.Body.Length;
            body.AddRange([next, 0, (byte)(len >> 8), (byte)len]);
            body.AddRange(p.Body);
        }
        if (trailer is not null) body.AddRange(trailer);
        var m = new byte[28 + body.Count];
        BinaryPrimitives.WriteUInt64BigEndian(m, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(m.AsSpan(8), spiR);
        m[16] = payloads.Length > 0 ? payloads[0].Type : firstPayloadIfEncrypted;
        m[17] = (byte)(version << 4);
        m[18] = exchange;
        m[19] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(20), messageId);
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)m.Length);
        body.CopyTo(m, 28);
        return m;
    }

    public static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    // ---- IKEv1 ----

    /// <summary>IKEv1 SA: DOI IPsec, SIT_IDENTITY_ONLY, one ISAKMP proposal with one KEY_IKE transform
    /// 3DES/MD5/PSK/group 2/28800 s (RFC 2409 Appendix A).</summary>
    public static Payload Ikev1Sa()
    {
        byte[] attrs = [0x80, 1, 0, 5, 0x80, 2, 0, 1, 0x80, 3, 0, 1, 0x80, 4, 0, 2, 0x80, 11, 0, 1, 0x80, 12, 0x70, 0x80];
        var transform = new List<byte> { 0, 0, 0, (byte)(8 + attrs.Length), 1, 1, 0, 0 };
        transform.AddRange(attrs);
        var proposal = new List<byte> { 0, 0, 0, (byte)(8 + transform.Count), 1, 1, 0, 1 };
        proposal.AddRange(transform);
        var sa = new List<byte> { 0, 0, 0, 1, 0, 0, 0, 1 };
        sa.AddRange(proposal);
        return new Payload(1, sa.ToArray());
    }

    public static Payload Ke(int seed) => new(4, Bytes(128, seed));
    public static Payload Nonce(int seed) => new(10, Bytes(16, seed));
    public static Payload NatD(byte[] hash) => new(20, hash);

    /// <summary>IKEv1 Notification (RFC 2408 §3.14): DOI 1, protocol ISAKMP, no SPI.</summary>
    public static Payload Ikev1Notify(ushort type) =>
        new(11, [0, 0, 0, 1, 1, 0, (byte)(type >> 8), (byte)type]);

    /// <summary>Cisco fragmentation payload (132): ID, number, flags (1 = last), data.</summary>
    public static Payload CiscoFragment(ushort id, byte number, bool last, byte[] data) =>
        new(132, [(byte)(id >> 8), (byte)id, number, (byte)(last ? 1 : 0), .. data]);

    // ---- IKEv2 ----

    /// <summary>IKEv2 SA: one IKE proposal ENCR_AES_CBC-256, PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, MODP_2048.</summary>
    public static Payload Ikev2Sa()
    {
        byte[] t1 = [3, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 1, 0];
        byte[] t2 = [3, 0, 0, 8, 2, 0, 0, 5];
        byte[] t3 = [3, 0, 0, 8, 3, 0, 0, 12];
        byte[] t4 = [0, 0, 0, 8, 4, 0, 0, 14];
        int len = 8 + t1.Length + t2.Length + t3.Length + t4.Length;
        return new Payload(33, [0, 0, 0, (byte)len, 1, 1, 0, 4, .. t1, .. t2, .. t3, .. t4]);
    }

    public static Payload KeV2(int seed) => new(34, [0, 14, 0, 0, .. Bytes(256, seed)]);
    public static Payload NonceV2(int seed) => new(40, Bytes(32, seed));

    /// <summary>IKEv2 Notify (RFC 7296 §3.10): protocol 0, no SPI.</summary>
    public static Payload Notify(ushort type, byte[]? data = null) => new(41, [0, 0, (byte)(type >> 8), (byte)type, .. data ?? []]);

    /// <summary>SK (RFC 7296 §3.14) with <paramref name="length"/> bytes of IV + ciphertext + ICV; inner first payload IDi/IDr.</summary>
    public static Payload Sk(int length, int seed, byte inner = 35) => new(46, Bytes(length, seed), inner);

    /// <summary>RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP | Port).</summary>
    public static byte[] NatHash(ulong spiI, ulong spiR, string ip, ushort port) =>
        SHA1.HashData(NatInput(spiI, spiR, ip, port));

    public static byte[] NatInput(ulong spiI, ulong spiR, string ip, ushort port)
    {
        byte[] a = System.Net.IPAddress.Parse(ip).GetAddressBytes();
        var b = new byte[16 + a.Length + 2];
        BinaryPrimitives.WriteUInt64BigEndian(b, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), spiR);
        a.CopyTo(b, 16);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(16 + a.Length), port);
        return b;
    }

    // ---- captures ----

    /// <summary>One UDP datagram at a time offset.</summary>
    public readonly record struct Sent(double Seconds, string Src, ushort SrcPort, string Dst, ushort DstPort, byte[] Ike);

    public static CaptureAnalysis Analyze(IEnumerable<Sent> datagrams, AnalysisOptions? options = null)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(Pcap(datagrams)), "forged", malformations);
        var analysis = CaptureAnalyzer.Analyze(reader, malformations, options);
        Assert.Empty(analysis.Malformations);
        return analysis;
    }

    /// <summary>The SAs of <see cref="CaptureAnalyzer.AnalyzeStreaming(CaptureReader, MalformationList, AnalysisOptions?, Action{AnalyzedSa})"/>,
    /// in the order they were handed over.</summary>
    public static List<AnalyzedSa> AnalyzeStreaming(IEnumerable<Sent> datagrams, AnalysisOptions? options = null)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(Pcap(datagrams)), "forged", malformations);
        var sas = new List<AnalyzedSa>();
        var result = CaptureAnalyzer.AnalyzeStreaming(reader, malformations, options, sas.Add);
        Assert.Empty(result.Malformations);
        Assert.Equal(sas.Count, result.SaCount);
        return sas;
    }

    /// <summary>A classic pcap (Ethernet) of the datagrams, timestamps from 1,700,000,000 s.</summary>
    public static byte[] Pcap(IEnumerable<Sent> datagrams)
    {
        var pcap = new PcapBuilder(linkType: 1);
        const long start = 1_700_000_000;
        foreach (Sent d in datagrams)
        {
            // UDP 4500 carries the 4-byte non-ESP marker before IKE (RFC 3948 §2.2)
            byte[] payload = d.SrcPort == 4500 || d.DstPort == 4500 ? [0, 0, 0, 0, .. d.Ike] : d.Ike;
            long micros = (long)Math.Round(d.Seconds * 1_000_000);
            pcap.Record(start + micros / 1_000_000, micros % 1_000_000,
                Packets.Ethernet(Packets.IPv4Udp(d.Src, d.Dst, d.SrcPort, d.DstPort, payload)));
        }
        return pcap.ToArray();
    }
}
