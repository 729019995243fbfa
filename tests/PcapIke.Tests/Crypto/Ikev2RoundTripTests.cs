using System.Buffers.Binary;
using System.Text;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Tests.Crypto;

/// <summary>End-to-end IKEv2: both peers derive SKEYSEED and the SK_* keys from seeded DH key pairs
/// (RFC 7296 §2.14), then protect IKE_AUTH with SK (§3.14) and SKF (RFC 7383) and open each other's messages.</summary>
public class Ikev2RoundTripTests
{
    public static TheoryData<EncryptionTransformId, int, IntegrityTransformId, PrfTransformId, DhGroup> Suites() => new()
    {
        { EncryptionTransformId.ENCR_AES_CBC, 256, IntegrityTransformId.AUTH_HMAC_SHA2_256_128, PrfTransformId.PRF_HMAC_SHA2_256, DhGroup.MODP_2048 },
        { EncryptionTransformId.ENCR_AES_CBC, 128, IntegrityTransformId.AUTH_HMAC_SHA1_96, PrfTransformId.PRF_HMAC_SHA1, DhGroup.MODP_1024 },
        { EncryptionTransformId.ENCR_AES_CBC, 192, IntegrityTransformId.AUTH_HMAC_SHA2_384_192, PrfTransformId.PRF_HMAC_SHA2_384, DhGroup.ECP_256 },
        { EncryptionTransformId.ENCR_3DES, 0, IntegrityTransformId.AUTH_HMAC_SHA2_512_256, PrfTransformId.PRF_HMAC_SHA2_512, DhGroup.MODP_1024 },
        { EncryptionTransformId.ENCR_AES_GCM_16, 256, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256, DhGroup.ECP_256 },
        { EncryptionTransformId.ENCR_AES_GCM_16, 128, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA1, DhGroup.MODP_2048 },
        { EncryptionTransformId.ENCR_AES_GCM_8, 128, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256, DhGroup.ECP_256 },
        { EncryptionTransformId.ENCR_AES_CTR, 128, IntegrityTransformId.AUTH_HMAC_SHA1_96, PrfTransformId.PRF_HMAC_SHA1, DhGroup.ECP_256 },
        { EncryptionTransformId.ENCR_AES_CTR, 256, IntegrityTransformId.AUTH_HMAC_SHA2_256_128, PrfTransformId.PRF_HMAC_SHA2_256, DhGroup.MODP_2048 },
        { EncryptionTransformId.ENCR_AES_CCM_8, 128, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256, DhGroup.ECP_256 },
        { EncryptionTransformId.ENCR_AES_CCM_12, 192, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_384, DhGroup.ECP_256 },
        { EncryptionTransformId.ENCR_AES_CCM_16, 256, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_512, DhGroup.MODP_2048 },
        { EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256, DhGroup.ECP_256 },
    };

    private static readonly byte[] SpiI = Convert.FromHexString("0102030405060708");
    private static readonly byte[] SpiR = Convert.FromHexString("A1A2A3A4A5A6A7A8");
    private static readonly byte[] Ni = Enumerable.Range(0, 32).Select(i => (byte)(i * 3)).ToArray();
    private static readonly byte[] Nr = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray();

    private static (Ikev2CipherSuite Suite, Ikev2Keys I, Ikev2Keys R) Negotiate(EncryptionTransformId enc, int bits,
        IntegrityTransformId integ, PrfTransformId prf, DhGroup group)
    {
        var suite = new Ikev2CipherSuite(enc, bits, integ, prf);
        Assert.True(suite.IsSupported);
        var dhI = DhKeyPair.FromSeed(group, "moon"u8);
        var dhR = DhKeyPair.FromSeed(group, "sun"u8);
        Assert.True(dhI.TryComputeSharedSecret(dhR.PublicValue, out var girI));
        Assert.True(dhR.TryComputeSharedSecret(dhI.PublicValue, out var girR));
        return (suite, Ikev2KeyDerivation.DeriveFromSharedSecret(suite, Ni, Nr, girI, SpiI, SpiR),
            Ikev2KeyDerivation.DeriveFromSharedSecret(suite, Ni, Nr, girR, SpiI, SpiR));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rfc7296_2_14_BothPeersDeriveTheSameKeysOfTheRightLengths(EncryptionTransformId enc, int bits,
        IntegrityTransformId integ, PrfTransformId prf, DhGroup group)
    {
        var (suite, i, r) = Negotiate(enc, bits, integ, prf, group);
        Assert.Equal(i, r, new KeysComparer());
        int prfLength = suite.PrfFunction.OutputLength;
        Assert.Equal(prfLength, i.SkD.Length);
        Assert.Equal(prfLength, i.SkPi.Length);
        Assert.Equal(prfLength, i.SkPr.Length);
        Assert.Equal(suite.IntegrityKeyLength, i.SkAi.Length);
        Assert.Equal(suite.EncryptionKeyLength, i.SkEr.Length);
        // RFC 5282 §7.1: GCM keying material includes a 4-octet salt, CCM a 3-octet one; RFC 5930 §2: CTR a
        // 4-octet nonce; RFC 7634 §3: ChaCha20-Poly1305 a 256-bit key and a 4-octet salt.
        int expectedEnc = enc switch
        {
            EncryptionTransformId.ENCR_3DES => 24,
            EncryptionTransformId.ENCR_CHACHA20_POLY1305 => 36,
            EncryptionTransformId.ENCR_AES_CCM_8 or EncryptionTransformId.ENCR_AES_CCM_12 or EncryptionTransformId.ENCR_AES_CCM_16 => bits / 8 + 3,
            EncryptionTransformId.ENCR_AES_CBC => bits / 8,
            _ => bits / 8 + 4,
        };
        Assert.Equal(expectedEnc, i.SkEi.Length);
        // The keys are consecutive prf+ output (RFC 7296 §2.14).
        var skeyseed = Ikev2KeyDerivation.Skeyseed(suite.PrfFunction, Ni, Nr, SharedSecret(group));
        byte[] stream = suite.PrfFunction.PrfPlus(skeyseed, [.. Ni, .. Nr, .. SpiI, .. SpiR], 3 * prfLength +
            2 * suite.IntegrityKeyLength + 2 * suite.EncryptionKeyLength);
        Assert.Equal([.. i.SkD, .. i.SkAi, .. i.SkAr, .. i.SkEi, .. i.SkEr, .. i.SkPi, .. i.SkPr], stream);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rfc7296_3_14_IkeAuthRoundTrip_BothDirections(EncryptionTransformId enc, int bits,
        IntegrityTransformId integ, PrfTransformId prf, DhGroup group)
    {
        var (suite, i, r) = Negotiate(enc, bits, integ, prf, group);
        byte[] inner = InnerPayloads("moon.lab.example");
        byte[] iv = Enumerable.Range(7, suite.IvLength).Select(x => (byte)x).ToArray();

        byte[] request = Ikev2EncryptedPayload.Encrypt(Header(Ikev2Flags.Initiator, 1), PayloadType.IDi, inner,
            suite, i.Initiator, iv);
        Assert.Equal((byte)PayloadType.SK, request[16]);
        Assert.Equal((uint)request.Length, BinaryPrimitives.ReadUInt32BigEndian(request.AsSpan(24)));
        var opened = Ikev2EncryptedPayload.Decrypt(request, suite, r);
        Assert.Equal(DecryptStatus.Ok, opened.Status);
        Assert.Equal(PayloadType.IDi, opened.FirstPayload);
        Assert.Equal(inner, opened.Plaintext);
        Assert.Equal(28, opened.PayloadOffset);

        byte[] response = Ikev2EncryptedPayload.Encrypt(Header(Ikev2Flags.Response, 1), PayloadType.IDr,
            InnerPayloads("sun.lab.example"), suite, r.Responder, iv);
        var back = Ikev2EncryptedPayload.Decrypt(response, suite, i);
        Assert.Equal(DecryptStatus.Ok, back.Status);
        Assert.Equal(PayloadType.IDr, back.FirstPayload);

        // The peer's keys for the other direction, or any altered octet, fail the ICV.
        Assert.Equal(DecryptStatus.IntegrityFailed, Ikev2EncryptedPayload.Decrypt(request, suite, r.Responder).Status);
        for (int at = 0; at < request.Length; at += 13)
        {
            if (at is >= 24 and < 28) continue;   // the Length field: changes framing, not only integrity
            var copy = (byte[])request.Clone();
            copy[at] ^= 0x80;
            Assert.Equal(DecryptStatus.IntegrityFailed, Ikev2EncryptedPayload.Decrypt(copy, suite, r).Status);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rfc7383_2_5_SkfFragments_DecryptAndAuthenticateTheirHeaders(EncryptionTransformId enc, int bits,
        IntegrityTransformId integ, PrfTransformId prf, DhGroup group)
    {
        var (suite, i, r) = Negotiate(enc, bits, integ, prf, group);
        byte[] inner = InnerPayloads("moon.lab.example");
        byte[] iv = new byte[suite.IvLength];
        int half = inner.Length / 2;
        byte[] f1 = Ikev2EncryptedPayload.Encrypt(Header(Ikev2Flags.Initiator, 1), PayloadType.IDi, inner[..half],
            suite, i.Initiator, iv, fragment: new Ikev2FragmentInfo(1, 2));
        byte[] f2 = Ikev2EncryptedPayload.Encrypt(Header(Ikev2Flags.Initiator, 1), PayloadType.NONE, inner[half..],
            suite, i.Initiator, iv, fragment: new Ikev2FragmentInfo(2, 2));
        Assert.Equal((byte)PayloadType.SKF, f1[16]);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(f2.AsSpan(28 + 4)));
        var d1 = Ikev2EncryptedPayload.Decrypt(f1, suite, r);
        var d2 = Ikev2EncryptedPayload.Decrypt(f2, suite, r);
        Assert.Equal(DecryptStatus.Ok, d1.Status);
        Assert.Equal(DecryptStatus.Ok, d2.Status);
        Assert.Equal(PayloadType.IDi, d1.FirstPayload);
        Assert.Equal(PayloadType.NONE, d2.FirstPayload);
        Assert.Equal(inner, d1.Plaintext.Concat(d2.Plaintext).ToArray());
        var renumbered = (byte[])f2.Clone();
        renumbered[28 + 5] = 1;   // Fragment Number 2 -> 1: covered by the ICV
        Assert.Equal(DecryptStatus.IntegrityFailed, Ikev2EncryptedPayload.Decrypt(renumbered, suite, r).Status);
    }

    [Fact]
    public void Rfc7296_3_14_ExplicitPaddingAndClearPayloadBeforeSk_RoundTrip()
    {
        var (suite, i, r) = Negotiate(EncryptionTransformId.ENCR_AES_CBC, 128, IntegrityTransformId.AUTH_HMAC_SHA1_96,
            PrfTransformId.PRF_HMAC_SHA1, DhGroup.ECP_256);
        byte[] inner = InnerPayloads("moon");
        int minimal = (16 - (inner.Length + 1) % 16) % 16;
        // A clear Vendor ID before SK: its Next Payload becomes SK and it is covered by the ICV.
        byte[] prefix = [.. Header(Ikev2Flags.Initiator, 2), 0, 0, 0, 8, 0xDE, 0xAD, 0xBE, 0xEF];
        prefix[16] = (byte)PayloadType.V;
        byte[] m = Ikev2EncryptedPayload.Encrypt(prefix, PayloadType.IDi, inner, suite, i.Initiator, new byte[16],
            padLength: minimal + 16);
        Assert.Equal((byte)PayloadType.V, m[16]);
        Assert.Equal((byte)PayloadType.SK, m[28]);
        var d = Ikev2EncryptedPayload.Decrypt(m, suite, r);
        Assert.Equal(DecryptStatus.Ok, d.Status);
        Assert.Equal(minimal + 16, d.PadLength);
        Assert.Equal(36, d.PayloadOffset);
        Assert.Equal(inner, d.Plaintext);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ikev2EncryptedPayload.Encrypt(prefix, PayloadType.IDi, inner,
            suite, i.Initiator, new byte[16], padLength: minimal + 1));
        var altered = (byte[])m.Clone();
        altered[32] ^= 1;
        Assert.Equal(DecryptStatus.IntegrityFailed, Ikev2EncryptedPayload.Decrypt(altered, suite, r).Status);
    }

    [Fact]
    public void BadInput_GivesStatusesNotExceptions()
    {
        var (suite, i, r) = Negotiate(EncryptionTransformId.ENCR_AES_GCM_16, 256, IntegrityTransformId.NONE,
            PrfTransformId.PRF_HMAC_SHA2_256, DhGroup.ECP_256);
        byte[] m = Ikev2EncryptedPayload.Encrypt(Header(Ikev2Flags.Initiator, 1), PayloadType.IDi, InnerPayloads("x"),
            suite, i.Initiator, new byte[8]);
        Assert.Equal(DecryptStatus.BadKey, Ikev2EncryptedPayload.Decrypt(m, suite, new Ikev2DirectionKeys(new byte[32], [])).Status);
        var unsupported = suite with { Encryption = EncryptionTransformId.ENCR_CAMELLIA_CCM_16 };
        Assert.Equal(DecryptStatus.UnsupportedAlgorithm, Ikev2EncryptedPayload.Decrypt(m, unsupported, r).Status);
        byte[] clear = Header(Ikev2Flags.Initiator, 1);
        BinaryPrimitives.WriteUInt32BigEndian(clear.AsSpan(24), 28);
        Assert.Equal(DecryptStatus.NotEncrypted, Ikev2EncryptedPayload.Decrypt(clear, suite, r).Status);
        var lying = (byte[])m.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(lying.AsSpan(30), (ushort)(m.Length - 28 + 1));   // SK length past the end
        Assert.Equal(DecryptStatus.Truncated, Ikev2EncryptedPayload.Decrypt(lying, suite, r).Status);
        var shortSk = (byte[])m.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(shortSk.AsSpan(30), 4 + 8 + 16);   // no room for ciphertext
        Assert.Equal(DecryptStatus.Truncated, Ikev2EncryptedPayload.Decrypt(shortSk, suite, r).Status);
    }

    private static byte[] SharedSecret(DhGroup group)
    {
        Assert.True(DhKeyPair.FromSeed(group, "moon"u8).TryComputeSharedSecret(
            DhKeyPair.FromSeed(group, "sun"u8).PublicValue, out var gir));
        return gir;
    }

    /// <summary>IDi/IDr (ID_FQDN) followed by an AUTH payload (RFC 7296 §3.5, §3.8).</summary>
    private static byte[] InnerPayloads(string fqdn)
    {
        byte[] id = [(byte)IdentificationType.ID_FQDN, 0, 0, 0, .. Encoding.ASCII.GetBytes(fqdn)];
        byte[] auth = [(byte)Ikev2AuthMethod.Shared_Key_Message_Integrity_Code, 0, 0, 0, .. new byte[32]];
        return [(byte)PayloadType.AUTH, 0, .. Be16(4 + id.Length), .. id, 0, 0, .. Be16(4 + auth.Length), .. auth];
    }

    private static byte[] Header(Ikev2Flags flags, uint mid)
    {
        byte[] h = [.. SpiI, .. SpiR, 0, 0x20, (byte)ExchangeType.IKE_AUTH, (byte)flags, 0, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(20), mid);
        return h;
    }

    private static byte[] Be16(int v) => [(byte)(v >> 8), (byte)v];

    private sealed class KeysComparer : IEqualityComparer<Ikev2Keys>
    {
        public bool Equals(Ikev2Keys? a, Ikev2Keys? b) => a!.SkD.AsSpan().SequenceEqual(b!.SkD) &&
            a.SkAi.AsSpan().SequenceEqual(b.SkAi) && a.SkAr.AsSpan().SequenceEqual(b.SkAr) &&
            a.SkEi.AsSpan().SequenceEqual(b.SkEi) && a.SkEr.AsSpan().SequenceEqual(b.SkEr) &&
            a.SkPi.AsSpan().SequenceEqual(b.SkPi) && a.SkPr.AsSpan().SequenceEqual(b.SkPr);
        public int GetHashCode(Ikev2Keys k) => 0;
    }
}
