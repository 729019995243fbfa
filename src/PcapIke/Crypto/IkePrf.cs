using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>
/// The pseudo-random function of an IKE SA: HMAC (RFC 2104) over a hash. IKEv1 uses the HMAC of the negotiated Hash
/// Algorithm as prf when no PRF attribute is negotiated (RFC 2409 §4) and the bare hash for IVs (RFC 2409 Appendix B);
/// IKEv2 negotiates it as Transform Type 2 (RFC 7296 §3.3.2) and expands it with prf+ (RFC 7296 §2.13).
/// </summary>
public sealed class IkePrf
{
    private readonly Func<IDigest> _newDigest;

    private IkePrf(string name, Func<IDigest> newDigest)
    {
        Name = name;
        _newDigest = newDigest;
        OutputLength = newDigest().GetDigestSize();
    }

    /// <summary>"HMAC-SHA1", "HMAC-SHA2-256", ...</summary>
    public string Name { get; }

    /// <summary>Octets of prf output (and of the bare hash): 16, 20, 32, 48 or 64.</summary>
    public int OutputLength { get; }

    public static IkePrf HmacMd5 { get; } = new("HMAC-MD5", () => new MD5Digest());
    public static IkePrf HmacSha1 { get; } = new("HMAC-SHA1", () => new Sha1Digest());
    public static IkePrf HmacSha256 { get; } = new("HMAC-SHA2-256", () => new Sha256Digest());
    public static IkePrf HmacSha384 { get; } = new("HMAC-SHA2-384", () => new Sha384Digest());
    public static IkePrf HmacSha512 { get; } = new("HMAC-SHA2-512", () => new Sha512Digest());

    /// <summary>IKEv1: the HMAC of the Hash Algorithm attribute (RFC 2409 §4, RFC 4868 for SHA2). Null for Tiger
    /// and unknown values.</summary>
    public static IkePrf? ForIkev1Hash(IkeHashAlgorithm hash) => hash switch
    {
        IkeHashAlgorithm.MD5 => HmacMd5,
        IkeHashAlgorithm.SHA => HmacSha1,
        IkeHashAlgorithm.SHA2_256 => HmacSha256,
        IkeHashAlgorithm.SHA2_384 => HmacSha384,
        IkeHashAlgorithm.SHA2_512 => HmacSha512,
        _ => null,
    };

    /// <summary>IKEv2 Transform Type 2 (RFC 7296 §3.3.2, RFC 4868 §4). Null for the non-HMAC PRFs (XCBC, CMAC,
    /// Tiger, Streebog).</summary>
    public static IkePrf? ForIkev2(PrfTransformId prf) => prf switch
    {
        PrfTransformId.PRF_HMAC_MD5 => HmacMd5,
        PrfTransformId.PRF_HMAC_SHA1 => HmacSha1,
        PrfTransformId.PRF_HMAC_SHA2_256 => HmacSha256,
        PrfTransformId.PRF_HMAC_SHA2_384 => HmacSha384,
        PrfTransformId.PRF_HMAC_SHA2_512 => HmacSha512,
        _ => null,
    };

    /// <summary>prf(key, data) = HMAC(key, data), the full hash output.</summary>
    public byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new HMac(_newDigest());
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(data);
        var output = new byte[OutputLength];
        mac.DoFinal(output);
        return output;
    }

    /// <summary>prf(key, part1 | part2 | ...).</summary>
    public byte[] Compute(ReadOnlySpan<byte> key, params ReadOnlySpan<byte[]> parts)
    {
        var mac = new HMac(_newDigest());
        mac.Init(new KeyParameter(key));
        foreach (var part in parts) mac.BlockUpdate(part);
        var output = new byte[OutputLength];
        mac.DoFinal(output);
        return output;
    }

    /// <summary>The bare hash, as IKEv1 uses it for IVs (RFC 2409 Appendix B).</summary>
    public byte[] Hash(params ReadOnlySpan<byte[]> parts)
    {
        var digest = _newDigest();
        foreach (var part in parts) digest.BlockUpdate(part);
        var output = new byte[OutputLength];
        digest.DoFinal(output);
        return output;
    }

    /// <summary>
    /// prf+ (RFC 7296 §2.13): T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), output T1 | T2 | ... truncated to
    /// <paramref name="length"/>. The counter is one octet, so at most 255 blocks.
    /// </summary>
    public byte[] PrfPlus(ReadOnlySpan<byte> key, ReadOnlySpan<byte> seed, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 255 * OutputLength);
        var output = new byte[length];
        var mac = new HMac(_newDigest());
        var t = new byte[OutputLength];
        int written = 0;
        for (int n = 1; written < length; n++)
        {
            mac.Init(new KeyParameter(key));
            if (n > 1) mac.BlockUpdate(t);
            mac.BlockUpdate(seed);
            mac.Update((byte)n);
            mac.DoFinal(t);
            int take = Math.Min(t.Length, length - written);
            t.AsSpan(0, take).CopyTo(output.AsSpan(written));
            written += take;
        }
        return output;
    }

    public override string ToString() => Name;
}
