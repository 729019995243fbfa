using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>How an IKEv2 encryption transform protects the Encrypted payload.</summary>
public enum Ikev2CipherMode : byte
{
    /// <summary>CBC with an HMAC integrity transform (RFC 7296 §3.14; RFC 2451, RFC 3602).</summary>
    Cbc,
    /// <summary>AES counter mode with an HMAC integrity transform (RFC 5930, counter block as RFC 3686 §4).</summary>
    Ctr,
    /// <summary>AES-GCM, an AEAD: the tag is the ICV, no integrity transform (RFC 5282).</summary>
    Gcm,
    /// <summary>AES-CCM, an AEAD (RFC 5282).</summary>
    Ccm,
    /// <summary>ChaCha20-Poly1305, an AEAD (RFC 7634 §3, the AEAD of RFC 8439 §2.8).</summary>
    ChaCha20Poly1305,
}

/// <summary>
/// The negotiated IKE SA transforms that fix key lengths and the Encrypted payload's layout (RFC 7296 §3.3.2).
/// </summary>
/// <param name="KeyLengthBits">The Key Length attribute of the ENCR transform (AES: 128/192/256; ignored for 3DES;
/// absent, 0, for ChaCha20-Poly1305, whose key is always 256 bits, RFC 7634 §3).</param>
/// <param name="Integrity">AUTH_NONE for AEAD (RFC 5282 §8, RFC 7634 §3).</param>
public sealed record Ikev2CipherSuite(EncryptionTransformId Encryption, int KeyLengthBits,
    IntegrityTransformId Integrity, PrfTransformId Prf)
{
    public bool IsSupported => IkePrf.ForIkev2(Prf) is not null && Mode switch
    {
        Ikev2CipherMode.Cbc => IntegrityDigest is not null && IkeBlockCipher.IsValidKeyLength(Cbc!.Value, CipherKeyLength),
        Ikev2CipherMode.Ctr => IntegrityDigest is not null && KeyLengthBits is 128 or 192 or 256,
        Ikev2CipherMode.Gcm or Ikev2CipherMode.Ccm => Integrity == IntegrityTransformId.NONE && KeyLengthBits is 128 or 192 or 256,
        Ikev2CipherMode.ChaCha20Poly1305 => Integrity == IntegrityTransformId.NONE && KeyLengthBits is 0 or 256,
        _ => false,
    };

    /// <summary>The mode of the encryption transform; null when it is not implemented here.</summary>
    public Ikev2CipherMode? Mode => Encryption switch
    {
        EncryptionTransformId.ENCR_DES or EncryptionTransformId.ENCR_3DES or EncryptionTransformId.ENCR_AES_CBC => Ikev2CipherMode.Cbc,
        EncryptionTransformId.ENCR_AES_CTR => Ikev2CipherMode.Ctr,
        EncryptionTransformId.ENCR_AES_GCM_8 or EncryptionTransformId.ENCR_AES_GCM_12 or EncryptionTransformId.ENCR_AES_GCM_16
            => Ikev2CipherMode.Gcm,
        EncryptionTransformId.ENCR_AES_CCM_8 or EncryptionTransformId.ENCR_AES_CCM_12 or EncryptionTransformId.ENCR_AES_CCM_16
            => Ikev2CipherMode.Ccm,
        EncryptionTransformId.ENCR_CHACHA20_POLY1305 => Ikev2CipherMode.ChaCha20Poly1305,
        _ => null,
    };

    /// <summary>AES-GCM or AES-CCM with an 8, 12 or 16-octet ICV (RFC 5282), ChaCha20-Poly1305 (RFC 7634).</summary>
    public bool IsAead => Mode is Ikev2CipherMode.Gcm or Ikev2CipherMode.Ccm or Ikev2CipherMode.ChaCha20Poly1305;

    public CbcAlgorithm? Cbc => Encryption switch
    {
        EncryptionTransformId.ENCR_DES => CbcAlgorithm.Des,
        EncryptionTransformId.ENCR_3DES => CbcAlgorithm.TripleDes,
        EncryptionTransformId.ENCR_AES_CBC => CbcAlgorithm.Aes,
        _ => null,
    };

    /// <summary>Octets of the cipher key proper, without salt or nonce.</summary>
    public int CipherKeyLength => Encryption switch
    {
        EncryptionTransformId.ENCR_DES => 8,
        EncryptionTransformId.ENCR_3DES => 24,
        EncryptionTransformId.ENCR_CHACHA20_POLY1305 => 32,
        _ => KeyLengthBits / 8,
    };

    /// <summary>Octets of SK_ei / SK_er: the cipher key, then the salt or nonce taken from the keying material
    /// (RFC 5282 §7.1, RFC 5930 §2, RFC 7634 §3).</summary>
    public int EncryptionKeyLength => CipherKeyLength + SaltLength;

    /// <summary>The octets at the end of SK_e that are not cipher key: 4 for AES-GCM (RFC 5282 §7.1), 3 for AES-CCM
    /// (RFC 5282 §7.1), 4 for ChaCha20-Poly1305 (RFC 7634 §3), the 4-octet nonce for AES-CTR (RFC 5930 §2, as
    /// RFC 3686 §5.1); 0 for CBC.</summary>
    public int SaltLength => Mode switch
    {
        Ikev2CipherMode.Gcm or Ikev2CipherMode.Ctr or Ikev2CipherMode.ChaCha20Poly1305 => 4,
        Ikev2CipherMode.Ccm => 3,
        _ => 0,
    };

    /// <summary>Octets of the IV field: the block size for CBC (RFC 3602 §3), 8 for CTR, GCM, CCM and
    /// ChaCha20-Poly1305 (RFC 5930 §2, RFC 5282 §3.1, RFC 7634 §3).</summary>
    public int IvLength => Mode switch
    {
        Ikev2CipherMode.Cbc => IkeBlockCipher.BlockSize(Cbc!.Value),
        null => 0,
        _ => 8,
    };

    /// <summary>Plaintext alignment: the cipher block for CBC, 1 for the stream modes CTR, GCM, CCM and
    /// ChaCha20-Poly1305, which need no padding (RFC 5930 §2, RFC 5282 §3.2, RFC 7634 §3).</summary>
    public int BlockSize => Mode == Ikev2CipherMode.Cbc ? IvLength : 1;

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
        EncryptionTransformId.ENCR_AES_GCM_8 or EncryptionTransformId.ENCR_AES_CCM_8 => 8,
        EncryptionTransformId.ENCR_AES_GCM_12 or EncryptionTransformId.ENCR_AES_CCM_12 => 12,
        EncryptionTransformId.ENCR_AES_GCM_16 or EncryptionTransformId.ENCR_AES_CCM_16
            or EncryptionTransformId.ENCR_CHACHA20_POLY1305 => 16,
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

    /// <summary>
    /// The suite of a negotiated IKE SA proposal (RFC 7296 §3.3.2): its first ENCR (with its Key Length attribute,
    /// §3.3.5), INTEG (none for AEAD) and PRF transforms. Null when the proposal has no ENCR or PRF transform.
    /// </summary>
    public static Ikev2CipherSuite? FromProposal(ProposalSummary proposal)
    {
        TransformSummary? First(byte type) => proposal.Transforms.FirstOrDefault(t => t.TypeRaw == type);
        if (First(1) is not { } encr || First(2) is not { } prf) return null;
        int bits = encr.Attributes.FirstOrDefault(a => a.TypeRaw == 14)?.Value is ulong k ? (int)k : 0;
        var integ = First(3) is { } i ? (IntegrityTransformId)i.IdRaw : IntegrityTransformId.NONE;
        return new Ikev2CipherSuite((EncryptionTransformId)encr.IdRaw, bits, integ, (PrfTransformId)prf.IdRaw);
    }
}
