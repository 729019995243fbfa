using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace PcapIke.Crypto;

/// <summary>
/// The AEAD transforms of the IKEv2 Encrypted payload (RFC 5282 for AES-GCM and AES-CCM, RFC 7634 for
/// ChaCha20-Poly1305). SK_e is the cipher key followed by the salt; the nonce is salt | IV (GCM 4 + 8 = 12 octets,
/// RFC 5282 §3.1 and RFC 4106 §4; CCM 3 + 8 = 11 octets, RFC 5282 §3.1 and RFC 4309 §4; ChaCha20-Poly1305
/// 4 + 8 = 12 octets, RFC 7634 §2). The tag is the Integrity Checksum Data.
/// </summary>
internal static class IkeAead
{
    private static IAeadCipher Create(Ikev2CipherMode mode) => mode switch
    {
        Ikev2CipherMode.Gcm => new GcmBlockCipher(AesUtilities.CreateEngine()),
        Ikev2CipherMode.Ccm => new CcmBlockCipher(AesUtilities.CreateEngine()),
        Ikev2CipherMode.ChaCha20Poly1305 => new ChaCha20Poly1305(),
        _ => throw new NotSupportedException($"not an AEAD mode: {mode}"),
    };

    private static IAeadCipher Init(Ikev2CipherSuite suite, bool encrypt, ReadOnlySpan<byte> keyMaterial,
        ReadOnlySpan<byte> iv, ReadOnlySpan<byte> aad)
    {
        if (keyMaterial.Length != suite.EncryptionKeyLength || iv.Length != suite.IvLength)
            throw new ArgumentException("key or IV length");
        var key = keyMaterial[..^suite.SaltLength];
        byte[] nonce = [.. keyMaterial[^suite.SaltLength..], .. iv];
        var cipher = Create(suite.Mode!.Value);
        cipher.Init(encrypt, new AeadParameters(new KeyParameter(key), suite.IcvLength * 8, nonce, aad.ToArray()));
        return cipher;
    }

    /// <summary>Ciphertext followed by the tag.</summary>
    public static byte[] Seal(Ikev2CipherSuite suite, ReadOnlySpan<byte> keyMaterial, ReadOnlySpan<byte> iv,
        ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        var cipher = Init(suite, true, keyMaterial, iv, aad);
        var output = new byte[cipher.GetOutputSize(plaintext.Length)];
        int n = cipher.ProcessBytes(plaintext, output);
        n += cipher.DoFinal(output.AsSpan(n));
        return n == output.Length ? output : output[..n];
    }

    /// <summary>The plaintext of ciphertext | tag, or null when the tag does not verify.</summary>
    public static byte[]? Open(Ikev2CipherSuite suite, ReadOnlySpan<byte> keyMaterial, ReadOnlySpan<byte> iv,
        ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertextAndTag)
    {
        var cipher = Init(suite, false, keyMaterial, iv, aad);
        var output = new byte[cipher.GetOutputSize(ciphertextAndTag.Length)];
        try
        {
            int n = cipher.ProcessBytes(ciphertextAndTag, output);
            n += cipher.DoFinal(output.AsSpan(n));
            return n == output.Length ? output : output[..n];
        }
        catch (CryptoException)   // InvalidCipherTextException (the tag), DataLengthException (input shorter than it)
        {
            return null;
        }
    }
}
