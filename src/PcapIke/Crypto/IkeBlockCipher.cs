using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace PcapIke.Crypto;

/// <summary>The CBC block ciphers both IKE versions use, without padding (IKE pads itself).</summary>
public enum CbcAlgorithm : byte
{
    /// <summary>DES-CBC, 8-octet key (RFC 2409 Appendix A "DES-CBC"; RFC 2405).</summary>
    Des,
    /// <summary>3DES-EDE-CBC, 24-octet key K1|K2|K3 (RFC 2451).</summary>
    TripleDes,
    /// <summary>AES-CBC, 16, 24 or 32-octet key (RFC 3602).</summary>
    Aes,
}

internal static class IkeBlockCipher
{
    public static int BlockSize(CbcAlgorithm algorithm) => algorithm == CbcAlgorithm.Aes ? 16 : 8;

    public static bool IsValidKeyLength(CbcAlgorithm algorithm, int length) => algorithm switch
    {
        CbcAlgorithm.Des => length == 8,
        CbcAlgorithm.TripleDes => length == 24,
        CbcAlgorithm.Aes => length is 16 or 24 or 32,
        _ => false,
    };

    /// <summary>CBC over whole blocks; <paramref name="input"/>.Length must be a multiple of the block size.</summary>
    public static byte[] Cbc(CbcAlgorithm algorithm, bool encrypt, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv,
        ReadOnlySpan<byte> input)
    {
        IBlockCipher engine = algorithm switch
        {
            CbcAlgorithm.Des => new DesEngine(),
            CbcAlgorithm.TripleDes => new DesEdeEngine(),
            _ => AesUtilities.CreateEngine(),
        };
        var cbc = new CbcBlockCipher(engine);
        // KeyParameter, not DesEdeParameters: the latter rejects weak DES sub-keys, which a capture may well use.
        cbc.Init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
        int bs = cbc.GetBlockSize();
        var output = new byte[input.Length];
        for (int i = 0; i < input.Length; i += bs)
            cbc.ProcessBlock(input.Slice(i, bs), output.AsSpan(i, bs));
        return output;
    }

    /// <summary>
    /// AES counter mode as IKEv2 uses it (RFC 5930 §2): counter block = nonce (4, the end of SK_e) | IV (8) |
    /// block counter (4, big-endian, starting at 1), RFC 3686 §4; the key stream is XORed over the input, no padding
    /// needed. Encryption and decryption are the same operation.
    /// </summary>
    public static byte[] AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input)
    {
        if (nonce.Length != 4 || iv.Length != 8) throw new ArgumentException("AES-CTR needs a 4-octet nonce and an 8-octet IV");
        var engine = AesUtilities.CreateEngine();
        engine.Init(true, new KeyParameter(key));
        Span<byte> counter = stackalloc byte[16];
        Span<byte> stream = stackalloc byte[16];
        nonce.CopyTo(counter);
        iv.CopyTo(counter[4..]);
        var output = new byte[input.Length];
        uint block = 1;
        for (int i = 0; i < input.Length; i += 16, block++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(counter[12..], block);
            engine.ProcessBlock(counter, stream);
            int n = Math.Min(16, input.Length - i);
            for (int j = 0; j < n; j++) output[i + j] = (byte)(input[i + j] ^ stream[j]);
        }
        return output;
    }
}
