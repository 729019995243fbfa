using System.Buffers.Binary;
using System.Text;
using PcapIke.Crypto;
using PcapIke.Ike;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Crypto;

/// <summary>AES-CTR (RFC 5930), AES-CCM (RFC 5282) and ChaCha20-Poly1305 (RFC 7634) in the Encrypted payload:
/// published vectors, the suite's layout, and cross-checks against .NET's own (OpenSSL) AEAD implementations.</summary>
public class Ikev2CipherTests
{
    private static Ikev2CipherSuite Suite(EncryptionTransformId e, int bits, IntegrityTransformId i = IntegrityTransformId.NONE) =>
        new(e, bits, i, PrfTransformId.PRF_HMAC_SHA2_256);

    // RFC 3686 §6, Test Vectors #1 and #2 (the counter block RFC 5930 §2 uses for IKEv2).
    [Theory]
    [InlineData("AE6852F8121067CC4BF7A5765577F39E", "00000030", "0000000000000000",
        "53696E676C6520626C6F636B206D7367", "E4095D4FB7A7B3792D6175A3261311B8")]
    [InlineData("7E24067817FAE0D743D6CE1F32539163", "006CB6DB", "C0543B59DA48D90B",
        "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
        "5104A106168A72D9790D41EE8EDAD388EB2E1EFC46DA57C8FCE630DF9141BE28")]
    public void Rfc3686_6_AesCtrTestVectors(string key, string nonce, string iv, string plaintext, string ciphertext)
    {
        byte[] ct = IkeBlockCipher.AesCtr(Convert.FromHexString(key), Convert.FromHexString(nonce), Convert.FromHexString(iv),
            Convert.FromHexString(plaintext));
        Assert.Equal(ciphertext, Convert.ToHexString(ct));
        // The same operation decrypts; a partial last block uses only the key stream it needs.
        Assert.Equal(plaintext, Convert.ToHexString(IkeBlockCipher.AesCtr(Convert.FromHexString(key),
            Convert.FromHexString(nonce), Convert.FromHexString(iv), ct)));
        Assert.Equal(ciphertext[..14], Convert.ToHexString(IkeBlockCipher.AesCtr(Convert.FromHexString(key),
            Convert.FromHexString(nonce), Convert.FromHexString(iv), Convert.FromHexString(plaintext)[..7])));
    }

    // RFC 8439 §2.8.2 (the AEAD RFC 7634 uses): nonce = 07000000 | 4041424344454647, i.e. salt | IV in IKEv2.
    private const string SunscreenCiphertext =
        "D31A8D34648E60DB7B86AFBC53EF7EC2A4ADED51296E08FEA9E2B5A736EE62D63DBEA45E8CA9671282FAFB69DA92728B1A71DE0A9E060B2905D6A5B67ECD3B36" +
        "92DDBD7F2D778B8C9803AEE328091B58FAB324E4FAD675945585808B4831D7BC3FF4DEF08E4B7A9DE576D26586CEC64B6116";
    private const string SunscreenTag = "1AE10B594F09E26A7E902ECBD0600691";

    [Fact]
    public void Rfc8439_2_8_2_ChaCha20Poly1305_SaltAndIvFormTheNonce()
    {
        var suite = Suite(EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0);
        byte[] key = [.. Enumerable.Range(0x80, 32).Select(i => (byte)i), 0x07, 0, 0, 0];   // SK_e = key | salt
        byte[] iv = Convert.FromHexString("4041424344454647");
        byte[] aad = Convert.FromHexString("50515253C0C1C2C3C4C5C6C7");
        byte[] plaintext = Encoding.ASCII.GetBytes(
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        byte[] sealedBytes = IkeAead.Seal(suite, key, iv, aad, plaintext);
        Assert.Equal(SunscreenCiphertext + SunscreenTag, Convert.ToHexString(sealedBytes));
        Assert.Equal(plaintext, IkeAead.Open(suite, key, iv, aad, sealedBytes));
        sealedBytes[^1] ^= 1;
        Assert.Null(IkeAead.Open(suite, key, iv, aad, sealedBytes));
    }

    [Theory]
    //                              transform                                bits  SK_e  salt IV ICV block
    [InlineData(EncryptionTransformId.ENCR_AES_CTR, 128, 20, 4, 8, 12, 1)]
    [InlineData(EncryptionTransformId.ENCR_AES_CTR, 256, 36, 4, 8, 12, 1)]
    [InlineData(EncryptionTransformId.ENCR_AES_CCM_8, 128, 19, 3, 8, 8, 1)]
    [InlineData(EncryptionTransformId.ENCR_AES_CCM_12, 192, 27, 3, 8, 12, 1)]
    [InlineData(EncryptionTransformId.ENCR_AES_CCM_16, 256, 35, 3, 8, 16, 1)]
    [InlineData(EncryptionTransformId.ENCR_AES_GCM_16, 256, 36, 4, 8, 16, 1)]
    [InlineData(EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0, 36, 4, 8, 16, 1)]
    [InlineData(EncryptionTransformId.ENCR_AES_CBC, 256, 32, 0, 16, 12, 16)]
    public void Rfc5930_Rfc5282_Rfc7634_SuiteLayout(EncryptionTransformId id, int bits, int skE, int salt, int iv, int icv, int block)
    {
        bool aead = id is not (EncryptionTransformId.ENCR_AES_CTR or EncryptionTransformId.ENCR_AES_CBC);
        var suite = Suite(id, bits, aead ? IntegrityTransformId.NONE : IntegrityTransformId.AUTH_HMAC_SHA1_96);
        Assert.True(suite.IsSupported);
        Assert.Equal(aead, suite.IsAead);
        Assert.Equal(skE, suite.EncryptionKeyLength);
        Assert.Equal(salt, suite.SaltLength);
        Assert.Equal(iv, suite.IvLength);
        Assert.Equal(icv, suite.IcvLength);
        Assert.Equal(block, suite.BlockSize);
        Assert.Equal(aead ? 0 : 20, suite.IntegrityKeyLength);
    }

    [Fact]
    public void UnusableCombinations_AreNotSupported()
    {
        Assert.False(Suite(EncryptionTransformId.ENCR_AES_CTR, 256).IsSupported);                                    // CTR needs an HMAC
        Assert.False(Suite(EncryptionTransformId.ENCR_AES_CCM_16, 256, IntegrityTransformId.AUTH_HMAC_SHA1_96).IsSupported); // AEAD: no INTEG
        Assert.False(Suite(EncryptionTransformId.ENCR_AES_CCM_8, 100).IsSupported);
        Assert.False(Suite(EncryptionTransformId.ENCR_CHACHA20_POLY1305, 128).IsSupported);                        // always 256-bit
        Assert.False(Suite(EncryptionTransformId.ENCR_CAMELLIA_CBC, 128, IntegrityTransformId.AUTH_HMAC_SHA1_96).IsSupported);
        Assert.Null(Suite(EncryptionTransformId.ENCR_CAMELLIA_CBC, 128).Mode);
    }

    public static TheoryData<EncryptionTransformId, int> AeadSuites() => new()
    {
        { EncryptionTransformId.ENCR_AES_CCM_8, 128 },
        { EncryptionTransformId.ENCR_AES_CCM_12, 192 },
        { EncryptionTransformId.ENCR_AES_CCM_16, 256 },
        { EncryptionTransformId.ENCR_AES_GCM_12, 128 },
        { EncryptionTransformId.ENCR_AES_GCM_16, 256 },
        { EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0 },
    };

    /// <summary>An SK payload sealed here opens with .NET's AesCcm / AesGcm / ChaCha20Poly1305 (OpenSSL) given
    /// nonce = salt | IV and AAD = IKE header .. SK header (RFC 5282 §5.1, RFC 7634 §3): an independent check of
    /// the layout, the salt lengths and the AAD.</summary>
    [Theory]
    [MemberData(nameof(AeadSuites))]
    public void Rfc5282_Rfc7634_SealedSkOpensWithAnIndependentImplementation(EncryptionTransformId id, int bits)
    {
        var suite = Suite(id, bits);
        var forge = Ikev2ExchangeForge.Create(suite);
        byte[] m = forge.AuthRequest;
        byte[] key = forge.Keys.SkEi;
        int sk = 28, ivStart = sk + 4, ctStart = ivStart + 8, icvStart = m.Length - suite.IcvLength;
        byte[] nonce = [.. key[^suite.SaltLength..], .. m[ivStart..ctStart]];
        byte[] aad = m[..ivStart];
        byte[] ct = m[ctStart..icvStart], tag = m[icvStart..];
        byte[] plain = new byte[ct.Length];
        byte[] cipherKey = key[..^suite.SaltLength];
        switch (suite.Mode)
        {
            case Ikev2CipherMode.Ccm:
                Assert.Equal(11, nonce.Length);
                using (var ccm = new System.Security.Cryptography.AesCcm(cipherKey)) ccm.Decrypt(nonce, ct, tag, plain, aad);
                break;
            case Ikev2CipherMode.Gcm:
                using (var gcm = new System.Security.Cryptography.AesGcm(cipherKey, tag.Length)) gcm.Decrypt(nonce, ct, tag, plain, aad);
                break;
            default:
                using (var chacha = new System.Security.Cryptography.ChaCha20Poly1305(cipherKey)) chacha.Decrypt(nonce, ct, tag, plain, aad);
                break;
        }
        // plaintext = inner payloads | Pad Length 0 (no padding: stream modes, RFC 5282 §3.2)
        Assert.Equal([.. forge.AuthRequestInner, 0], plain);
    }

    [Fact]
    public void Rfc5930_CtrSk_IsHmacOverCiphertextAndTheNonceComesFromSkE()
    {
        var suite = Suite(EncryptionTransformId.ENCR_AES_CTR, 128, IntegrityTransformId.AUTH_HMAC_SHA2_256_128);
        var forge = Ikev2ExchangeForge.Create(suite);
        byte[] m = forge.AuthResponse;
        byte[] key = forge.Keys.SkEr;
        int ivStart = 28 + 4, ctStart = ivStart + 8, icvStart = m.Length - 16;
        byte[] plain = IkeBlockCipher.AesCtr(key[..16], key[16..], m[ivStart..ctStart], m[ctStart..icvStart]);
        Assert.Equal([.. forge.AuthResponseInner, 0], plain);
        byte[] mac = System.Security.Cryptography.HMACSHA256.HashData(forge.Keys.SkAr, m[..icvStart]);
        Assert.Equal(mac[..16], m[icvStart..]);
        Assert.Equal((uint)m.Length, BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(24)));
    }

    [Fact]
    public void Rfc7296_3_3_2_SuiteFromTheNegotiatedProposal()
    {
        foreach (var suite in new[]
                 {
                     Suite(EncryptionTransformId.ENCR_AES_CTR, 192, IntegrityTransformId.AUTH_HMAC_SHA2_384_192),
                     Suite(EncryptionTransformId.ENCR_AES_CCM_12, 256),
                     Suite(EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0),
                 })
        {
            var forge = Ikev2ExchangeForge.Create(suite);
            var response = IkeMessageDissection.Dissect(forge.InitResponse);
            var sa = Assert.IsType<SaDetails>(response.Payloads[0].Details);
            Assert.Equal(suite, Ikev2CipherSuite.FromProposal(sa.Proposals[0]));
        }
    }
}
