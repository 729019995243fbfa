using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>
/// The negotiated IKE SA transforms that fix key lengths and the Encrypted payload's layout (RFC 7296 §3.3.2).
/// </summary>
/// <param name="KeyLengthBits">The Key Length attribute of the ENCR transform (AES: 128/192/256; ignored for 3DES).</param>
/// <param name="Integrity">AUTH_NONE for AEAD (RFC 5282 §8).</param>
public sealed record Ikev2CipherSuite(EncryptionTransformId Encryption, int KeyLengthBits,
    IntegrityTransformId Integrity, PrfTransformId Prf)
{
    public bool IsSupported => IkePrf.ForIkev2(Prf) is not null && (IsAead
        ? Integrity == IntegrityTransformId.NONE && KeyLengthBits is 128 or 192 or 256
        : Cbc is { } c && IntegrityDigest is not null && IkeBlockCipher.IsValidKeyLength(c, EncryptionKeyLength));

    /// <summary>AES-GCM with an 8, 12 or 16-octet ICV (RFC 5282).</summary>
    public bool IsAead => Encryption is EncryptionTransformId.ENCR_AES_GCM_8 or EncryptionTransformId.ENCR_AES_GCM_12
        or EncryptionTransformId.ENCR_AES_GCM_16;

    public CbcAlgorithm? Cbc => Encryption switch
    {
        EncryptionTransformId.ENCR_DES => CbcAlgorithm.Des,
        EncryptionTransformId.ENCR_3DES => CbcAlgorithm.TripleDes,
        EncryptionTransformId.ENCR_AES_CBC => CbcAlgorithm.Aes,
        _ => null,
    };

    /// <summary>Octets of SK_ei / SK_er: the cipher key, plus the 4-octet salt for AES-GCM (RFC 5282 §7.1).</summary>
    public int EncryptionKeyLength => Encryption switch
    {
        EncryptionTransformId.ENCR_DES => 8,
        EncryptionTransformId.ENCR_3DES => 24,
        _ when IsAead => KeyLengthBits / 8 + SaltLength,
        _ => KeyLengthBits / 8,
    };

    /// <summary>4 for AES-GCM (RFC 5282 §7.1), 0 otherwise.</summary>
    public int SaltLength => IsAead ? 4 : 0;

    /// <summary>Octets of the IV field: the block size for CBC (RFC 3602 §3), 8 for GCM (RFC 5282 §3.1).</summary>
    public int IvLength => IsAead ? 8 : Cbc is { } c ? IkeBlockCipher.BlockSize(c) : 0;

    /// <summary>Plaintext alignment: the cipher block for CBC, 1 for GCM (a stream mode, RFC 5282 §3.2).</summary>
    public int BlockSize => IsAead ? 1 : IvLength;

    /// <summary>Octets of SK_ai / SK_ar: the HMAC's key length (RFC 2404, RFC 4868 §2.1.1); 0 for AEAD.</summary>
    public int IntegrityKeyLength => Integrity switch
    {
        IntegrityTransformId.AUTH_HMAC_MD5_96 => 16,
        IntegrityTransformId.AUTH_HMAC_SHA1_96 => 20,
        IntegrityTransformId.AUTH_HMAC_SHA2_256_128 => 32,
        IntegrityTransformId.AUTH_HMAC_SHA2_384_192 => 48,
        IntegrityTransformId.AUTH_HMAC_SHA2_512_256 => 64,
        _ => 0,
    };

    /// <summary>Octets of the Integrity Checksum Data: the truncated HMAC, or the AEAD tag.</summary>
    public int IcvLength => Encryption switch
    {
        EncryptionTransformId.ENCR_AES_GCM_8 => 8,
        EncryptionTransformId.ENCR_AES_GCM_12 => 12,
        EncryptionTransformId.ENCR_AES_GCM_16 => 16,
        _ => Integrity switch
        {
            IntegrityTransformId.AUTH_HMAC_MD5_96 or IntegrityTransformId.AUTH_HMAC_SHA1_96 => 12,
            IntegrityTransformId.AUTH_HMAC_SHA2_256_128 => 16,
            IntegrityTransformId.AUTH_HMAC_SHA2_384_192 => 24,
            IntegrityTransformId.AUTH_HMAC_SHA2_512_256 => 32,
            _ => 0,
        },
    };

    /// <summary>Octets of SK_d, SK_pi, SK_pr: the prf's preferred key size, its output length for HMAC
    /// (RFC 7296 §2.13).</summary>
    public int PrfKeyLength => PrfFunction.OutputLength;

    public IkePrf PrfFunction => IkePrf.ForIkev2(Prf) ?? throw new NotSupportedException($"IKEv2 prf {Prf}");

    internal IkePrf? IntegrityDigest => Integrity switch
    {
        IntegrityTransformId.AUTH_HMAC_MD5_96 => IkePrf.HmacMd5,
        IntegrityTransformId.AUTH_HMAC_SHA1_96 => IkePrf.HmacSha1,
        IntegrityTransformId.AUTH_HMAC_SHA2_256_128 => IkePrf.HmacSha256,
        IntegrityTransformId.AUTH_HMAC_SHA2_384_192 => IkePrf.HmacSha384,
        IntegrityTransformId.AUTH_HMAC_SHA2_512_256 => IkePrf.HmacSha512,
        _ => null,
    };
}
