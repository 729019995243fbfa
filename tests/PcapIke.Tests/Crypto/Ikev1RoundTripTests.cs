using System.Buffers.Binary;
using System.Text;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Tests.Crypto;

/// <summary>End-to-end IKEv1: both peers derive from seeded DH key pairs and exchanged nonces/cookies
/// (RFC 2409 §5), then encrypt with one side's state and decrypt with the other's (Appendix B IV chains).</summary>
public class Ikev1RoundTripTests
{
    public static TheoryData<IkeEncryptionAlgorithm, int, IkeHashAlgorithm, DhGroup> Suites() => new()
    {
        { IkeEncryptionAlgorithm.TripleDES_CBC, 0, IkeHashAlgorithm.MD5, DhGroup.MODP_1024 },     // Ka expanded: 16 < 24
        { IkeEncryptionAlgorithm.AES_CBC, 256, IkeHashAlgorithm.SHA, DhGroup.MODP_2048 },         // Ka expanded: 20 < 32
        { IkeEncryptionAlgorithm.AES_CBC, 128, IkeHashAlgorithm.SHA2_256, DhGroup.ECP_256 },
        { IkeEncryptionAlgorithm.AES_CBC, 192, IkeHashAlgorithm.SHA2_384, DhGroup.MODP_1024 },
        { IkeEncryptionAlgorithm.AES_CBC, 256, IkeHashAlgorithm.SHA2_512, DhGroup.ECP_256 },
        { IkeEncryptionAlgorithm.DES_CBC, 0, IkeHashAlgorithm.SHA, DhGroup.MODP_1024 },
    };

    private static readonly byte[] CkyI = Convert.FromHexString("1122334455667788");
    private static readonly byte[] CkyR = Convert.FromHexString("99AABBCCDDEEFF00");
    private static readonly byte[] Ni = Enumerable.Range(0, 20).Select(i => (byte)i).ToArray();
    private static readonly byte[] Nr = Enumerable.Range(100, 24).Select(i => (byte)i).ToArray();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rfc2409_5_BothPeersDeriveTheSameKeysAndDecryptEachOther(IkeEncryptionAlgorithm enc, int bits,
        IkeHashAlgorithm hash, DhGroup group)
    {
        var suite = new Ikev1CipherSuite(enc, bits, hash);
        Assert.True(suite.IsSupported);
        var dhI = DhKeyPair.FromSeed(group, "moon"u8);
        var dhR = DhKeyPair.FromSeed(group, "sun"u8);
        byte[] gxi = dhI.PublicValue, gxr = dhR.PublicValue;
        Assert.True(dhI.TryComputeSharedSecret(gxr, out var gxyI));
        Assert.True(dhR.TryComputeSharedSecret(gxi, out var gxyR));

        var keysI = Ikev1KeyDerivation.Derive(suite, Ni, Nr, gxyI, CkyI, CkyR);
        var keysR = Ikev1KeyDerivation.Derive(suite, Ni, Nr, gxyR, CkyI, CkyR);
        Assert.Equal(keysI.Skeyid, keysR.Skeyid);
        Assert.Equal(keysI.SkeyidD, keysR.SkeyidD);
        Assert.Equal(keysI.SkeyidA, keysR.SkeyidA);
        Assert.Equal(keysI.SkeyidE, keysR.SkeyidE);
        Assert.Equal(keysI.EncryptionKey, keysR.EncryptionKey);
        Assert.Equal(suite.KeyLength, keysI.EncryptionKey.Length);
        Assert.Equal(suite.Prf.OutputLength, keysI.SkeyidE.Length);
        if (keysI.SkeyidE.Length < suite.KeyLength)   // Appendix B: K1 = prf(SKEYID_e, 0)
            Assert.Equal(suite.Prf.Compute(keysI.SkeyidE, [0]), keysI.EncryptionKey[..suite.Prf.OutputLength]);
        else
            Assert.Equal(keysI.SkeyidE[..suite.KeyLength], keysI.EncryptionKey);

        // MM5 (initiator) and MM6 (responder), RFC 2409 §5.1: ID, HASH_I / HASH_R.
        byte[] saiB = [0, 0, 0, 1, 0, 0, 0, 1], idiiB = Id("moon.lab.example"), idirB = Id("sun.lab.example");
        byte[] hashI = Ikev1KeyDerivation.HashI(suite.Prf, keysI.Skeyid, gxi, gxr, CkyI, CkyR, saiB, idiiB);
        byte[] hashR = Ikev1KeyDerivation.HashR(suite.Prf, keysR.Skeyid, gxi, gxr, CkyI, CkyR, saiB, idirB);
        Assert.NotEqual(hashI, hashR);

        var ivsI = Ikev1IvTracker.FromKeyExchange(suite, gxi, gxr);
        var ivsR = Ikev1IvTracker.FromKeyExchange(suite, gxi, gxr);
        byte[] mm5Clear = Message(ExchangeType.IdentityProtection, 0, idiiB, hashI);
        byte[] mm5 = Ikev1MessageCrypto.Encrypt(mm5Clear, suite, keysI.EncryptionKey, ivsI);
        Assert.Equal(0, (mm5.Length - 28) % suite.BlockSize);
        Assert.Equal((uint)mm5.Length, BinaryPrimitives.ReadUInt32BigEndian(mm5.AsSpan(24)));
        Assert.Equal((byte)Ikev1Flags.Encryption, mm5[19]);
        AssertDecryptsTo(mm5, mm5Clear, suite, keysR.EncryptionKey, ivsR);

        byte[] mm6Clear = Message(ExchangeType.IdentityProtection, 0, idirB, hashR);
        byte[] mm6 = Ikev1MessageCrypto.Encrypt(mm6Clear, suite, keysR.EncryptionKey, ivsR);
        AssertDecryptsTo(mm6, mm6Clear, suite, keysI.EncryptionKey, ivsI);
        // A byte-identical re-sent MM5 still decrypts (distinct-message chaining).
        AssertDecryptsTo(mm5, mm5Clear, suite, keysR.EncryptionKey, ivsR);
        Assert.Equal(ivsI.LastPhase1Block, ivsR.LastPhase1Block);

        // Quick Mode: IV = hash(last phase-1 block | M-ID), then chained within the exchange.
        const uint mid = 0xC0FFEE01;
        Assert.Equal(Ikev1KeyDerivation.Phase2Iv(suite.Prf, mm6[^suite.BlockSize..], mid, suite.BlockSize),
            ivsR.CurrentIv(mid));
        byte[] qm1Clear = Message(ExchangeType.QuickMode, mid, new byte[suite.Prf.OutputLength], Ni);
        byte[] qm2Clear = Message(ExchangeType.QuickMode, mid, new byte[suite.Prf.OutputLength], Nr);
        byte[] qm1 = Ikev1MessageCrypto.Encrypt(qm1Clear, suite, keysI.EncryptionKey, ivsI, Ikev1Padding.ZerosThenPadLength);
        AssertDecryptsTo(qm1, qm1Clear, suite, keysR.EncryptionKey, ivsR);
        byte[] qm2 = Ikev1MessageCrypto.Encrypt(qm2Clear, suite, keysR.EncryptionKey, ivsR);
        AssertDecryptsTo(qm2, qm2Clear, suite, keysI.EncryptionKey, ivsI);
    }

    [Fact]
    public void Rfc2409_5_PreSharedKeySkeyid_IsPrfOfTheKeyOverTheNonces()
    {
        var prf = IkePrf.HmacSha1;
        byte[] psk = Encoding.ASCII.GetBytes("cisco123");
        Assert.Equal(prf.Compute(psk, [.. Ni, .. Nr]), Ikev1KeyDerivation.SkeyidForPreSharedKey(prf, psk, Ni, Nr));
        var suite = new Ikev1CipherSuite(IkeEncryptionAlgorithm.TripleDES_CBC, 0, IkeHashAlgorithm.SHA);
        byte[] gxy = new byte[128];
        gxy[^1] = 7;
        var withPsk = Ikev1KeyDerivation.Derive(suite, Ni, Nr, gxy, CkyI, CkyR, psk);
        Assert.Equal(Ikev1KeyDerivation.SkeyidForPreSharedKey(prf, psk, Ni, Nr), withPsk.Skeyid);
        Assert.NotEqual(withPsk.Skeyid, Ikev1KeyDerivation.Derive(suite, Ni, Nr, gxy, CkyI, CkyR).Skeyid);
        // SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
        Assert.Equal(prf.Compute(withPsk.Skeyid, [.. gxy, .. CkyI, .. CkyR, 0]), withPsk.SkeyidD);
    }

    [Theory]
    [InlineData(Ikev1Padding.Zeros, 20, 32)]
    [InlineData(Ikev1Padding.Zeros, 32, 32)]
    [InlineData(Ikev1Padding.ZerosThenPadLength, 20, 32)]
    [InlineData(Ikev1Padding.ZerosThenPadLength, 32, 48)]
    public void Padding_FillsToTheBlockSize(Ikev1Padding padding, int chainLength, int expectedBody)
    {
        var suite = new Ikev1CipherSuite(IkeEncryptionAlgorithm.AES_CBC, 128, IkeHashAlgorithm.SHA);
        byte[] key = new byte[16], iv = new byte[16];
        var clear = new byte[28 + chainLength];
        Array.Fill(clear, (byte)0xAB, 28, chainLength);
        byte[] m = Ikev1MessageCrypto.Encrypt(clear, suite, key, iv, padding);
        Assert.Equal(28 + expectedBody, m.Length);
        var r = Ikev1MessageCrypto.Decrypt(m, suite, key, iv);
        Assert.Equal(clear[28..], r.Plaintext[..chainLength]);
        int pad = expectedBody - chainLength;
        if (padding == Ikev1Padding.ZerosThenPadLength) Assert.Equal(pad - 1, r.Plaintext[^1]);
        Assert.All(r.Plaintext[chainLength..^(padding == Ikev1Padding.Zeros || pad == 0 ? 0 : 1)], b => Assert.Equal(0, b));
    }

    private static void AssertDecryptsTo(byte[] message, byte[] clear, Ikev1CipherSuite suite, byte[] key,
        Ikev1IvTracker ivs)
    {
        var r = Ikev1MessageCrypto.Decrypt(message, suite, key, ivs);
        Assert.Equal(DecryptStatus.Ok, r.Status);
        Assert.Equal(clear[28..], r.Plaintext[..(clear.Length - 28)]);
        Assert.Equal(message[^suite.BlockSize..], r.LastBlock);
    }

    private static byte[] Id(string fqdn) => [(byte)IdentificationType.ID_FQDN, 17, 1, 244, .. Encoding.ASCII.GetBytes(fqdn)];

    /// <summary>A clear IKEv1 message: header, then payload 1 (ID or HASH) and payload 2 (HASH or NONCE).</summary>
    private static byte[] Message(ExchangeType exchange, uint mid, byte[] body1, byte[] body2)
    {
        var first = exchange == ExchangeType.QuickMode ? PayloadType.HASH : PayloadType.ID;
        var second = exchange == ExchangeType.QuickMode ? PayloadType.NONCE : PayloadType.HASH;
        var m = new List<byte>();
        m.AddRange(CkyI);
        m.AddRange(CkyR);
        m.AddRange([(byte)first, 0x10, (byte)exchange, 0]);
        m.AddRange(Bytes4(mid));
        m.AddRange(Bytes4(0));
        m.AddRange([(byte)second, 0, .. Bytes2(4 + body1.Length), .. body1]);
        m.AddRange([0, 0, .. Bytes2(4 + body2.Length), .. body2]);
        var a = m.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(a.AsSpan(24), (uint)a.Length);
        return a;
    }

    private static byte[] Bytes4(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); return b; }
    private static byte[] Bytes2(int v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v); return b; }
}
