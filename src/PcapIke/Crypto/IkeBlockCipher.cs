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
}
