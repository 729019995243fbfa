using System.Buffers.Binary;

namespace PcapIke.Tests.Ike;

/// <summary>Hand-built fixtures (annotated per field) and a minimal reader for the shared third-party captures.</summary>
internal static class IkeTestData
{
    /// <summary>Parses hex, ignoring spaces, '|' and '_' used as visual separators.</summary>
    public static byte[] H(string hex) =>
        Convert.FromHexString(new string(hex.Where(Uri.IsHexDigit).ToArray()));

    // IKEv1 Main Mode 1: header, SA (1 proposal, 1 transform, 7 attributes), VID (DPD). 108 bytes.
    public const string Ikev1Mm1 =
        "0011223344556677" +      // 0  Initiator cookie
        "0000000000000000" +      // 8  Responder cookie
        "01" +                    // 16 Next payload: SA
        "10" +                    // 17 Version 1.0
        "02" +                    // 18 Exchange: Identity Protection
        "00" +                    // 19 Flags
        "00000000" +              // 20 Message ID
        "0000006c" +              // 24 Length 108
        // 28 SA payload
        "0d" + "00" + "003c" +    // 28 next VID, reserved, length 60
        "00000001" +              // 32 DOI IPSEC
        "00000001" +              // 36 Situation SIT_IDENTITY_ONLY
        // 40 Proposal
        "00" + "00" + "0030" +    // 40 last, reserved, length 48
        "01" + "01" + "00" + "01" + // 44 #1, PROTO_ISAKMP, SPI size 0, 1 transform
        // 48 Transform
        "00" + "00" + "0028" +    // 48 last, reserved, length 40
        "01" + "01" + "0000" +    // 52 #1, KEY_IKE, reserved2
        "80010007" +              // 56 Encryption Algorithm = AES-CBC (TV)
        "800e0080" +              // 60 Key Length = 128
        "80020002" +              // 64 Hash = SHA
        "8004000e" +              // 68 Group = 14
        "80030001" +              // 72 Auth = pre-shared key
        "800b0001" +              // 76 Life Type = seconds
        "000c0004" + "00015180" + // 80 Life Duration (TLV, 4 bytes) = 86400
        // 88 VID payload
        "00" + "00" + "0014" +    // 88 next NONE, reserved, length 20
        "afcad71368a1f1c96b8696fc77570100"; // 92 RFC 3706 DPD

    // IKEv2 IKE_SA_INIT response-like: SA, KE, Nonce, N(NAT_DETECTION_SOURCE_IP), CERTREQ (2 hashes). 181 bytes.
    public const string Ikev2Init =
        "1122334455667788" +      // 0  SPIi
        "0000000000000000" +      // 8  SPIr
        "21" +                    // 16 Next payload: SA (33)
        "20" +                    // 17 Version 2.0
        "22" +                    // 18 IKE_SA_INIT
        "08" +                    // 19 Flags: Initiator
        "00000000" +              // 20 Message ID
        "000000b5" +              // 24 Length 181
        // 28 SA
        "22" + "00" + "0030" +    // 28 next KE, not critical, length 48
        "00" + "00" + "002c" +    // 32 last proposal, length 44
        "01" + "01" + "00" + "04" + // 36 #1, IKE, SPI size 0, 4 transforms
        "03" + "00" + "000c" + "01" + "00" + "000c" + "800e0100" + // 40 ENCR_AES_CBC, Key Length 256
        "03" + "00" + "0008" + "02" + "00" + "0005" +              // 52 PRF_HMAC_SHA2_256
        "03" + "00" + "0008" + "03" + "00" + "000c" +              // 60 AUTH_HMAC_SHA2_256_128
        "00" + "00" + "0008" + "04" + "00" + "000e" +              // 68 KE MODP_2048 (last)
        // 76 KE
        "28" + "00" + "000c" +    // 76 next Nonce, length 12
        "000e" + "0000" +         // 80 group 14, reserved
        "01020304" +              // 84 key exchange data
        // 88 Nonce
        "29" + "00" + "0014" +    // 88 next N, length 20
        "000102030405060708090a0b0c0d0e0f" + // 92 nonce
        // 108 Notify
        "26" + "00" + "001c" +    // 108 next CERTREQ, length 28
        "00" + "00" + "4004" +    // 112 protocol 0, SPI size 0, NAT_DETECTION_SOURCE_IP
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3" + // 116 SHA-1 of SPIs/IP/port
        // 136 CERTREQ
        "00" + "00" + "002d" +    // 136 next NONE, length 45
        "04" +                    // 140 X.509 Certificate - Signature
        "1111111111111111111111111111111111111111" + // 141 CA hash 1
        "2222222222222222222222222222222222222222";  // 161 CA hash 2

    /// <summary>../shared/captures beside the repository (fails, never skips, when absent).</summary>
    public static string CapturesDirectory => TestSupport.TestPaths.SharedCaptures;

    public static string CapturePath(string name)
    {
        string path = Path.Combine(CapturesDirectory, name);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Shared capture {name} is missing: this test needs /work/shared/captures (../shared/captures from the repo root).", path);
        return path;
    }

    /// <summary>
    /// The IKE messages of a classic pcap (Ethernet or raw IPv4; IPv4; UDP 500 or 4500 with the non-ESP marker),
    /// with their 1-based frame numbers. IP fragments, ESP and keepalives are skipped. Test-only: does not use the
    /// project's capture reader.
    /// </summary>
    public static List<(int Frame, byte[] Message)> ReadIkeMessages(string path)
    {
        byte[] f = File.ReadAllBytes(path);
        bool le = BinaryPrimitives.ReadUInt32LittleEndian(f) == 0xa1b2c3d4;
        uint U32(int o) => le ? BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(o)) : BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(o));
        uint linkType = U32(20);
        var result = new List<(int, byte[])>();
        int pos = 24, frame = 0;
        while (pos + 16 <= f.Length)
        {
            int incl = (int)U32(pos + 8);
            ReadOnlySpan<byte> data = f.AsSpan(pos + 16, incl);
            pos += 16 + incl;
            frame++;
            int ip = 0;
            if (linkType == 1)
            {
                int etherType = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(12));
                ip = 14;
                if (etherType == 0x8100) { etherType = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(16)); ip = 18; }
                if (etherType != 0x0800) continue;
            }
            if ((data[ip] >> 4) != 4) continue;
            int ihl = (data[ip] & 0x0f) * 4;
            int totalLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(ip + 2));
            ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(ip + 6));
            if (data[ip + 9] != 17 || (fragment & 0x3fff) != 0) continue;
            int udp = ip + ihl;
            int sport = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(udp));
            int dport = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(udp + 2));
            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(udp + 4));
            ReadOnlySpan<byte> payload = data.Slice(udp + 8, Math.Min(udpLength, totalLength - ihl) - 8);
            if (sport == 4500 || dport == 4500)
            {
                if (payload.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(payload) != 0) continue;
                payload = payload.Slice(4);
            }
            else if (sport != 500 && dport != 500) continue;
            result.Add((frame, payload.ToArray()));
        }
        return result;
    }
}
