using System.Buffers.Binary;
using System.Net;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace PcapIke.Tests.TestSupport;

/// <summary>One frame of a technote capture: a raw IPv4 datagram (LINKTYPE_RAW, so frame length = IP length) and
/// the Main Mode / Quick Mode step it carries.</summary>
internal sealed record TechnoteFrame(long TimestampNanoseconds, string Source, string Destination, string Step, byte[] Ike, byte[] Ip)
{
    public int IpLength => Ip.Length;
}

/// <summary>
/// Forges the IKEv1 captures of the Cisco technote "IOS IKEv1/IKEv2 selection rules for keyrings and profiles"
/// (../shared/seed/ios-ikev1-ikev2-multiple-certificates.es.md), scenarios S1 (R1 initiates, established) and S2
/// (R2 initiates, stalled after MM5), as the Embedded Packet Capture export the technote shows: raw IPv4, UDP 500.
/// The clear messages (MM1–MM4) are built payload by payload (RFC 2408 §3, RFC 2409 §5, RFC 3947 §3); MM5, MM6 and
/// Quick Mode are encrypted (E flag), so they are deterministic random bytes of the technote's length (3DES: 8-byte
/// multiples). Every length comes out as the technote's (IP lengths): S1 192 132 355 755 736 712 192 192 (+ QM3 80,
/// which the technote's frame list does not show); S2 192 132 735 755 then 736/755 alternating.
/// Frame numbers: the technote's S1 list starts at frame 18 (ours: 1), its S2 list at frame 2 (ours: 1).
/// </summary>
internal static class TechnoteCaptures
{
    public const string R1 = "192.168.0.1";
    public const string R2 = "192.168.0.2";

    public const ulong S1CookieI = 0x2a710318c5500119;   // the technote's frame 20 and 21
    public const ulong S1CookieR = 0x62717993a5cb95ad;
    public const ulong S2CookieI = 0x8d3c5e21b04f7a96;   // not in the technote: fixed, arbitrary
    public const ulong S2CookieR = 0x4e19a7c2d6053f88;

    public const string Ca1 = "cn=CA1,o=cisco,o=com";
    public const string Ca2 = "cn=CA2,o=cisco,o=com";

    /// <summary>IOS debug style, and the DER encoding order (most significant RDN first).</summary>
    public static readonly (string Ios, (DerObjectIdentifier Oid, string Value)[] Der)[] Cas =
    [
        (Ca1, [(X509Name.O, "com"), (X509Name.O, "cisco"), (X509Name.CN, "CA1")]),
        (Ca2, [(X509Name.O, "com"), (X509Name.O, "cisco"), (X509Name.CN, "CA2")]),
        ("ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US",
            [(X509Name.C, "US"), (X509Name.O, "VeriSign, Inc."), (X509Name.OU, "Class 3 Public Primary Certification Authority")]),
        ("cn=Cisco SSCA2,o=Cisco Systems", [(X509Name.O, "Cisco Systems"), (X509Name.CN, "Cisco SSCA2")]),
        ("cn=Cisco Manufacturing CA,o=Cisco Systems", [(X509Name.O, "Cisco Systems"), (X509Name.CN, "Cisco Manufacturing CA")]),
        ("cn=Cisco Root CA 2048,o=Cisco Systems", [(X509Name.O, "Cisco Systems"), (X509Name.CN, "Cisco Root CA 2048")]),
        ("cn=Cisco Root CA M1,o=Cisco", [(X509Name.O, "Cisco"), (X509Name.CN, "Cisco Root CA M1")]),
    ];

    /// <summary>R2's store order (newest certificate from CA1): its CERT_REQ list as responder (S1 MM4) and as an
    /// unrestricted initiator (S2 MM3).</summary>
    public static string[] R2StoreOrder => Cas.Select(c => c.Ios).ToArray();
    /// <summary>R1's store order (newest certificate from CA2): its CERT_REQ list as responder (S2 MM4).</summary>
    public static string[] R1StoreOrder => [Ca2, Ca1, .. Cas.Skip(2).Select(c => c.Ios)];

    // Vendor IDs as IOS 15.3 sends them (values as Wireshark and strongSwan know them).
    private static readonly byte[] VidRfc3947 = Convert.FromHexString("4a131c81070358455c5728f20e95452f");
    private static readonly byte[] VidNatTDraft07 = Convert.FromHexString("439b59f8ba676c4c7737ae22eab8f582");
    private static readonly byte[] VidNatTDraft03 = Convert.FromHexString("7d9419a65310ca6f2c179d9215529d56");
    private static readonly byte[] VidNatTDraft02N = Convert.FromHexString("90cb80913ebb696e086381b5ec427b1f");
    private static readonly byte[] VidDpd = Convert.FromHexString("afcad71368a1f1c96b8696fc77570100");
    private static readonly byte[] VidCiscoUnity10 = Convert.FromHexString("12f5f28c457168a9702d9fe274cc0100");
    private static readonly byte[] VidXauth = Convert.FromHexString("09002689dfd6b712");

    // RFC 2408 §3.1 payload types.
    private const byte PSa = 1, PKe = 4, PId = 5, PCr = 7, PHash = 8, PNonce = 10, PVid = 13, PNatD = 20;
    private const byte ExchMainMode = 2, ExchQuickMode = 32;

    /// <summary>S1: R1 initiates (profile restricted to IOSCA1): MM1–MM6, then Quick Mode QM1–QM3. Established.</summary>
    public static IReadOnlyList<TechnoteFrame> S1()
    {
        var rng = new Random(20130620);
        var s = new Session(S1CookieI, S1CookieR, R1, R2, rng);
        // 2013-06-20 13:00:37.609, the time of R1's "SA request profile is prof1".
        long t0 = new DateTimeOffset(2013, 6, 20, 13, 0, 37, 609, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        long Ms(double ms) => t0 + (long)Math.Round(ms * 1_000_000);
        uint qmId = (uint)rng.Next() | 0x8000_0000u;
        return
        [
            s.Frame(Ms(0.8), "MM1", R1, R2, s.Mm1()),
            s.Frame(Ms(3.4), "MM2", R2, R1, s.Mm2()),
            s.Frame(Ms(5.1), "MM3", R1, R2, s.Mm3Or4(fromInitiator: true, [Ca1], includeUnity: false)),
            s.Frame(Ms(8.2), "MM4", R2, R1, s.Mm3Or4(fromInitiator: false, R2StoreOrder, includeUnity: true)),
            s.Frame(Ms(15.3), "MM5", R1, R2, s.Encrypted(ExchMainMode, 0, PId, 736)),
            s.Frame(Ms(23.0), "MM6", R2, R1, s.Encrypted(ExchMainMode, 0, PId, 712)),
            s.Frame(Ms(29.6), "QM1", R1, R2, s.Encrypted(ExchQuickMode, qmId, PHash, 192)),
            s.Frame(Ms(33.9), "QM2", R2, R1, s.Encrypted(ExchQuickMode, qmId, PHash, 192)),
            // Not in the technote's list (it stops at frame 25); RFC 2409 §5.5 HASH(3): 28 + 24 (20-byte payload
            // padded to 8) = 52-byte ISAKMP message, 80 IP bytes.
            s.Frame(Ms(35.2), "QM3", R1, R2, s.Encrypted(ExchQuickMode, qmId, PHash, 80)),
        ];
    }

    /// <summary>How many times S2's initiator sends MM5 (the technote's frames 6, 8, 10 and 12).</summary>
    public const int S2Mm5Copies = 4;
    /// <summary>Seconds between S2's MM5 copies. The technote's frame lists give dates only; IOS re-sends a phase 1
    /// message about every 10 s, so 10 s is used.</summary>
    public const int S2RetransmitSeconds = 10;

    /// <summary>S2: R2 initiates (no `ca trust-point`): MM1–MM4, then MM5 from R2 and MM4 re-sent by R1 alternating
    /// (MM5 736 / MM4 755, the technote's frames 6–13), never MM6.</summary>
    public static IReadOnlyList<TechnoteFrame> S2()
    {
        var rng = new Random(20130617);
        var s = new Session(S2CookieI, S2CookieR, R2, R1, rng);
        // 2013-06-17 18:08:44.321, R2's "sending packet to 192.168.0.1 ... (I) MM_SA_SETUP" is MM3.
        long t0 = new DateTimeOffset(2013, 6, 17, 18, 8, 44, 300, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        long Ms(double ms) => t0 + (long)Math.Round(ms * 1_000_000);
        byte[] mm4 = s.Mm3Or4(fromInitiator: false, R1StoreOrder, includeUnity: true);
        byte[] mm5 = s.Encrypted(ExchMainMode, 0, PId, 736);
        var frames = new List<TechnoteFrame>
        {
            s.Frame(Ms(0.0), "MM1", R2, R1, s.Mm1()),
            s.Frame(Ms(6.3), "MM2", R1, R2, s.Mm2()),
            s.Frame(Ms(21.0), "MM3", R2, R1, s.Mm3Or4(fromInitiator: true, R2StoreOrder, includeUnity: false)),
            s.Frame(Ms(35.4), "MM4", R1, R2, mm4),
        };
        for (int i = 0; i < S2Mm5Copies; i++)
        {
            double at = 41.7 + i * S2RetransmitSeconds * 1000.0;
            // The initiator re-sends the identical MM5; the responder, rejecting it, re-sends its identical MM4.
            frames.Add(s.Frame(Ms(at), "MM5", R2, R1, mm5));
            frames.Add(s.Frame(Ms(at + 2.6), "MM4", R1, R2, mm4));
        }
        return frames;
    }

    public static string WriteS1(string directory) => Write(Path.Combine(directory, "s1-ikev1-r1-initiates.pcap"), S1());
    public static string WriteS2(string directory) => Write(Path.Combine(directory, "s2-ikev1-r2-initiates.pcap"), S2());

    public static string Write(string path, IEnumerable<TechnoteFrame> frames)
    {
        File.WriteAllBytes(path, ToPcap(frames));
        return path;
    }

    /// <summary>A classic pcap, LINKTYPE_RAW (101), microsecond timestamps.</summary>
    public static byte[] ToPcap(IEnumerable<TechnoteFrame> frames)
    {
        var pcap = new PcapBuilder(101);
        foreach (var f in frames)
            pcap.Record(f.TimestampNanoseconds / 1_000_000_000, f.TimestampNanoseconds % 1_000_000_000 / 1000, f.Ip);
        return pcap.ToArray();
    }

    /// <summary>The DER DistinguishedName of one of <see cref="Cas"/> (BouncyCastle <see cref="X509Name"/>, in encoding
    /// order, PrintableString values): cn=CA1,o=cisco,o=com is 46 bytes, a 51-byte CR payload as in the technote.</summary>
    public static byte[] DnDer(string iosDn)
    {
        var (_, der) = Cas.Single(c => c.Ios == iosDn);
        var name = new X509Name(der.Select(d => d.Oid).ToList(), der.Select(d => d.Value).ToList(), new PrintableConverter());
        return name.GetEncoded(Asn1Encodable.Der);
    }

    private sealed class PrintableConverter : X509NameEntryConverter
    {
        public override Asn1Object GetConvertedValue(DerObjectIdentifier oid, string value) => new DerPrintableString(value);
    }

    /// <summary>One IKE SA's cookies, addresses and RNG; builds its messages.</summary>
    private sealed class Session(ulong cookieI, ulong cookieR, string initiator, string responder, Random rng)
    {
        private ushort _ipId = (ushort)rng.Next(0x1000, 0xF000);

        public TechnoteFrame Frame(long t, string step, string src, string dst, byte[] ike) =>
            new(t, src, dst, step, ike, Ipv4Udp(src, dst, 500, 500, ike, _ipId++));

        /// <summary>MM1: SA + the NAT-T vendor IDs IOS sends (RFC 3947, draft-07, draft-03, draft-02\n): 192 IP bytes.</summary>
        public byte[] Mm1() => Message(cookieR: 0, ExchMainMode, 0, encrypted: false,
            [(PSa, SaPayloadBody()), (PVid, VidRfc3947), (PVid, VidNatTDraft07), (PVid, VidNatTDraft03), (PVid, VidNatTDraft02N)]);

        /// <summary>MM2: SA + the RFC 3947 vendor ID only: 132 IP bytes.</summary>
        public byte[] Mm2() => Message(cookieR, ExchMainMode, 0, encrypted: false, [(PSa, SaPayloadBody()), (PVid, VidRfc3947)]);

        /// <summary>MM3/MM4: KE (group 2, 128 bytes), NONCE (20 bytes), the CERT_REQs, the vendor IDs of the
        /// technote's excerpts (MM4 adds CISCO-UNITY 1.0 first) and two NAT-D (RFC 3947 §3.2: remote, then local).</summary>
        public byte[] Mm3Or4(bool fromInitiator, IEnumerable<string> certRequests, bool includeUnity)
        {
            var payloads = new List<(byte, byte[])> { (PKe, Bytes(128)), (PNonce, Bytes(20)) };
            foreach (var dn in certRequests)
                payloads.Add((PCr, [4, .. DnDer(dn)]));                    // RFC 2408 §3.10: encoding 4 = X.509 Signature
            if (includeUnity) payloads.Add((PVid, VidCiscoUnity10));
            payloads.Add((PVid, VidDpd));
            payloads.Add((PVid, UnnamedIosVid));
            payloads.Add((PVid, VidXauth));
            string local = fromInitiator ? initiator : responder, remote = fromInitiator ? responder : initiator;
            payloads.Add((PNatD, NatD(remote, 500)));
            payloads.Add((PNatD, NatD(local, 500)));
            return Message(cookieR, ExchMainMode, 0, encrypted: false, payloads);
        }

        /// <summary>An encrypted message of <paramref name="ipLength"/> IP bytes: header + ciphertext (8-byte multiple).</summary>
        public byte[] Encrypted(byte exchange, uint messageId, byte firstPayload, int ipLength)
        {
            int body = ipLength - 20 - 8 - 28;
            if (body % 8 != 0) throw new InvalidOperationException($"3DES ciphertext of {body} bytes");
            var m = Header(cookieR, firstPayload, exchange, 0x01, messageId, 28 + body);
            return [.. m, .. Bytes(body)];
        }

        // IOS sends one 16-byte vendor ID no dissector names (Wireshark: "Unknown Vendor ID"), the same all session.
        private byte[] UnnamedIosVid { get; } = UnknownVid(rng);

        private static byte[] UnknownVid(Random rng)
        {
            var v = new byte[16];
            rng.NextBytes(v);
            v[0] = 0x5c;   // not the prefix of any vendor ID Wireshark or PcapIke knows
            return v;
        }

        private byte[] Bytes(int n)
        {
            var b = new byte[n];
            rng.NextBytes(b);
            return b;
        }

        /// <summary>RFC 3947 §3.2: HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash, MD5.</summary>
        private byte[] NatD(string ip, ushort port)
        {
            var input = new byte[8 + 8 + 4 + 2];
            BinaryPrimitives.WriteUInt64BigEndian(input, cookieI);
            BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(8), cookieR);
            IPAddress.Parse(ip).GetAddressBytes().CopyTo(input, 16);
            BinaryPrimitives.WriteUInt16BigEndian(input.AsSpan(20), port);
            return System.Security.Cryptography.MD5.HashData(input);
        }

        private byte[] Message(ulong cookieR, byte exchange, uint messageId, bool encrypted, IReadOnlyList<(byte Type, byte[] Body)> payloads)
        {
            int length = 28 + payloads.Sum(p => 4 + p.Body.Length);
            var m = new List<byte>(Header(cookieR, payloads[0].Type, exchange, (byte)(encrypted ? 1 : 0), messageId, length));
            for (int i = 0; i < payloads.Count; i++)
            {
                // RFC 2408 §3.2 generic payload header: next payload, reserved, payload length.
                byte next = i + 1 < payloads.Count ? payloads[i + 1].Type : (byte)0;
                int len = 4 + payloads[i].Body.Length;
                m.AddRange([next, 0, (byte)(len >> 8), (byte)len]);
                m.AddRange(payloads[i].Body);
            }
            return m.ToArray();
        }

        /// <summary>RFC 2408 §3.1 ISAKMP header.</summary>
        private byte[] Header(ulong cookieR, byte firstPayload, byte exchange, byte flags, uint messageId, int length)
        {
            var h = new byte[28];
            BinaryPrimitives.WriteUInt64BigEndian(h, cookieI);
            BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(8), cookieR);
            h[16] = firstPayload;
            h[17] = 0x10;                   // version 1.0
            h[18] = exchange;
            h[19] = flags;
            BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(20), messageId);
            BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(24), (uint)length);
            return h;
        }
    }

    /// <summary>
    /// SA body (RFC 2408 §3.4–3.6, RFC 2409 Appendix A): DOI IPsec, SIT_IDENTITY_ONLY, one ISAKMP proposal with one
    /// KEY_IKE transform: 3DES-CBC, MD5, RSA signatures, group 2, lifetime 86400 s. 52 bytes (56 with its header).
    /// </summary>
    private static byte[] SaPayloadBody()
    {
        byte[] attributes =
        [
            0x80, 0x01, 0x00, 0x05,             // Encryption Algorithm: 3DES-CBC
            0x80, 0x02, 0x00, 0x01,             // Hash Algorithm: MD5
            0x80, 0x03, 0x00, 0x03,             // Authentication Method: RSA signatures
            0x80, 0x04, 0x00, 0x02,             // Group Description: 1024-bit MODP (2)
            0x80, 0x0b, 0x00, 0x01,             // Life Type: seconds
            0x00, 0x0c, 0x00, 0x04, 0x00, 0x01, 0x51, 0x80,   // Life Duration (variable, 4 bytes): 86400
        ];
        int transformLength = 8 + attributes.Length;
        byte[] transform = [0, 0, 0, (byte)transformLength, 1, 1, 0, 0, .. attributes];   // last, #1, KEY_IKE
        int proposalLength = 8 + transform.Length;
        byte[] proposal = [0, 0, 0, (byte)proposalLength, 1, 1, 0, 1, .. transform];        // last, #1, PROTO_ISAKMP, SPI 0, 1 transform
        return [0, 0, 0, 1, 0, 0, 0, 1, .. proposal];                                        // DOI IPsec, SIT_IDENTITY_ONLY
    }

    /// <summary>IPv4 (IHL 5, TTL 255 as IOS sends, no DF) + UDP with both checksums.</summary>
    private static byte[] Ipv4Udp(string src, string dst, ushort sport, ushort dport, byte[] payload, ushort id)
    {
        var b = new byte[28 + payload.Length];
        b[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)b.Length);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), id);
        b[8] = 255;
        b[9] = 17;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(b, 12);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(b, 16);
        Packets.SetIPv4Checksum(b);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(20), sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(22), dport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(24), (ushort)(8 + payload.Length));
        payload.CopyTo(b, 28);
        // RFC 768: checksum over the pseudo-header, UDP header and data.
        uint sum = 0;
        for (int i = 12; i < 20; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i));
        sum += 17 + (uint)(8 + payload.Length);
        for (int i = 20; i < b.Length; i += 2)
            sum += i + 1 < b.Length ? BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i)) : (uint)(b[i] << 8);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        ushort c = (ushort)~sum;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(26), c == 0 ? (ushort)0xFFFF : c);
        return b;
    }
}
