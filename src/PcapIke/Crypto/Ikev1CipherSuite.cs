using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>
/// The phase-1 algorithms that matter for keying and encryption: Encryption Algorithm, Key Length and Hash Algorithm
/// attributes (RFC 2409 Appendix A).
/// </summary>
/// <param name="KeyLengthBits">The Key Length attribute (AES); 0 means the default (128 for AES, RFC 3602 §5 via
/// RFC 2409 Appendix A); ignored for DES and 3DES, whose lengths are fixed.</param>
public sealed record Ikev1CipherSuite(IkeEncryptionAlgorithm Encryption, int KeyLengthBits, IkeHashAlgorithm Hash)
{
    public bool IsSupported => Cbc is not null && IkePrf.ForIkev1Hash(Hash) is not null &&
        IkeBlockCipher.IsValidKeyLength(Cbc.Value, KeyLength);

    /// <summary>The block cipher, or null when the Encryption Algorithm is not implemented.</summary>
    public CbcAlgorithm? Cbc => Encryption switch
    {
        IkeEncryptionAlgorithm.DES_CBC => CbcAlgorithm.Des,
        IkeEncryptionAlgorithm.TripleDES_CBC => CbcAlgorithm.TripleDes,
        IkeEncryptionAlgorithm.AES_CBC => CbcAlgorithm.Aes,
        _ => null,
    };

    /// <summary>Octets of the encryption key Ka: 8 (DES), 24 (3DES), 16/24/32 (AES).</summary>
    public int KeyLength => Encryption switch
    {
        IkeEncryptionAlgorithm.DES_CBC => 8,
        IkeEncryptionAlgorithm.TripleDES_CBC => 24,
        IkeEncryptionAlgorithm.AES_CBC => KeyLengthBits == 0 ? 16 : KeyLengthBits / 8,
        _ => 0,
    };

    public int BlockSize => Cbc is { } c ? IkeBlockCipher.BlockSize(c) : 0;

    /// <summary>HMAC of the Hash Algorithm (RFC 2409 §4); throws for an unsupported hash.</summary>
    public IkePrf Prf => IkePrf.ForIkev1Hash(Hash) ?? throw new NotSupportedException($"IKEv1 hash {Hash}");
}
