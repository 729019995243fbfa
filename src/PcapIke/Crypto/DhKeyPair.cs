using System.Text;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>
/// A Diffie-Hellman key pair of one of the supported groups, with the public value encoded as the KE payload carries
/// it: MODP groups as g^x mod p, big-endian, left-padded with zeros to the length of the prime (RFC 7296 §3.4,
/// RFC 2409 §5 "g^xi"); ECP groups as x | y, each padded to the field size, no point-format octet (RFC 5903 §7).
/// The shared secret is g^xy padded to the prime's length (RFC 7296 §2.14), or the x coordinate of the shared point
/// (RFC 5903 §7).
/// </summary>
public sealed class DhKeyPair
{
    private readonly BigInteger _x;

    private DhKeyPair(DhGroup group, BigInteger x, byte[] publicValue)
    {
        Group = group;
        _x = x;
        PublicValue = publicValue;
    }

    public DhGroup Group { get; }

    /// <summary>The private value (exponent or scalar), big-endian, padded to the group's element length.</summary>
    public byte[] PrivateValue => Bytes.LeftPad(_x.ToByteArrayUnsigned(), DiffieHellman.SharedSecretLength(Group));

    /// <summary>The Key Exchange Data of the KE payload.</summary>
    public byte[] PublicValue { get; }

    /// <summary>
    /// A key pair derived deterministically from <paramref name="seed"/> (for forged captures): the private value is
    /// prf+(HMAC-SHA2-256, seed, "PcapIke DH group n"), taken modulo the group order into [1, order-1].
    /// </summary>
    public static DhKeyPair FromSeed(DhGroup group, ReadOnlySpan<byte> seed)
    {
        var order = DiffieHellman.Order(group);
        int length = (order.BitLength + 7) / 8 + 8;   // 64 extra bits keep the reduction bias negligible
        byte[] label = Encoding.ASCII.GetBytes($"PcapIke DH group {(int)group}");
        byte[] raw = IkePrf.HmacSha256.PrfPlus(seed, label, length);
        var x = new BigInteger(1, raw).Mod(order.Subtract(BigInteger.One)).Add(BigInteger.One);
        return Create(group, x);
    }

    /// <summary>A key pair from a given private value (big-endian; must lie in [1, order-1]).</summary>
    public static DhKeyPair FromPrivateValue(DhGroup group, ReadOnlySpan<byte> privateValue)
    {
        var x = new BigInteger(1, privateValue.ToArray());
        var order = DiffieHellman.Order(group);
        if (x.SignValue <= 0 || x.CompareTo(order) >= 0)
            throw new ArgumentOutOfRangeException(nameof(privateValue), "private value outside [1, order-1]");
        return Create(group, x);
    }

    private static DhKeyPair Create(DhGroup group, BigInteger x)
    {
        int size = DiffieHellman.SharedSecretLength(group);
        if (DiffieHellman.Curve(group) is { } curve)
        {
            var q = curve.G.Multiply(x).Normalize();
            return new DhKeyPair(group, x, Bytes.Concat(
                Bytes.LeftPad(q.AffineXCoord.ToBigInteger().ToByteArrayUnsigned(), size),
                Bytes.LeftPad(q.AffineYCoord.ToBigInteger().ToByteArrayUnsigned(), size)));
        }
        var p = DiffieHellman.Modp(group)!;
        return new DhKeyPair(group, x, Bytes.LeftPad(p.G.ModPow(x, p.P).ToByteArrayUnsigned(), size));
    }

    /// <summary>
    /// The shared secret with the peer's KE data. False (no exception) when the peer value has the wrong length, is
    /// out of range (MODP: 1 &lt; y &lt; p-1, RFC 6989 §2.1) or is not a point on the curve (RFC 6989 §2.3).
    /// </summary>
    public bool TryComputeSharedSecret(ReadOnlySpan<byte> peerPublicValue, out byte[] sharedSecret)
    {
        sharedSecret = [];
        int size = DiffieHellman.SharedSecretLength(Group);
        if (peerPublicValue.Length != DiffieHellman.PublicValueLength(Group)) return false;
        if (DiffieHellman.Curve(Group) is { } curve)
        {
            var px = new BigInteger(1, peerPublicValue[..size].ToArray());
            var py = new BigInteger(1, peerPublicValue[size..].ToArray());
            var fieldP = curve.Curve.Field.Characteristic;
            if (px.CompareTo(fieldP) >= 0 || py.CompareTo(fieldP) >= 0) return false;
            ECPoint peer;
            try
            {
                peer = curve.Curve.ValidatePoint(px, py);
            }
            catch (ArgumentException)
            {
                return false;
            }
            var s = peer.Multiply(_x).Normalize();
            if (s.IsInfinity) return false;
            sharedSecret = Bytes.LeftPad(s.AffineXCoord.ToBigInteger().ToByteArrayUnsigned(), size);
            return true;
        }
        var p = DiffieHellman.Modp(Group)!;
        var y = new BigInteger(1, peerPublicValue.ToArray());
        if (y.CompareTo(BigInteger.One) <= 0 || y.CompareTo(p.P.Subtract(BigInteger.One)) >= 0) return false;
        sharedSecret = Bytes.LeftPad(y.ModPow(_x, p.P).ToByteArrayUnsigned(), size);
        return true;
    }
}

/// <summary>Parameters of the supported key exchange groups.</summary>
public static class DiffieHellman
{
    public static bool IsSupported(DhGroup group) =>
        group is DhGroup.MODP_1024 or DhGroup.MODP_2048 or DhGroup.ECP_256;

    /// <summary>Length of the KE payload's Key Exchange Data: 128 (group 2), 256 (group 14), 64 (group 19).</summary>
    public static int PublicValueLength(DhGroup group) =>
        group == DhGroup.ECP_256 ? 64 : SharedSecretLength(group);

    /// <summary>Length of g^xy / g^ir: the prime's length, or the x coordinate's (RFC 5903 §7).</summary>
    public static int SharedSecretLength(DhGroup group) => group switch
    {
        DhGroup.MODP_1024 => 128,
        DhGroup.MODP_2048 => 256,
        DhGroup.ECP_256 => 32,
        _ => throw Unsupported(group),
    };

    // RFC 2409 §6.2 (Second Oakley Group) and RFC 3526 §3 (2048-bit MODP Group), generator 2; the constants are
    // BouncyCastle's copies of the RFC primes.
    internal static Org.BouncyCastle.Crypto.Parameters.DHParameters? Modp(DhGroup group) => group switch
    {
        DhGroup.MODP_1024 => DHStandardGroups.rfc2409_1024,
        DhGroup.MODP_2048 => DHStandardGroups.rfc3526_2048,
        _ => null,
    };

    // RFC 5903 §3.1: the NIST P-256 curve (secp256r1).
    private static readonly Lazy<X9ECParameters> P256 = new(() => SecNamedCurves.GetByName("secp256r1"));

    internal static X9ECParameters? Curve(DhGroup group) => group == DhGroup.ECP_256 ? P256.Value : null;

    /// <summary>The prime modulus of a MODP group (for tests and diagnostics).</summary>
    public static byte[] Prime(DhGroup group) =>
        (Modp(group) ?? throw Unsupported(group)).P.ToByteArrayUnsigned();

    /// <summary>The range bound for private values: (p-1)/2 for the safe-prime MODP groups, n for ECP.</summary>
    internal static BigInteger Order(DhGroup group)
    {
        if (Curve(group) is { } c) return c.N;
        var p = Modp(group) ?? throw Unsupported(group);
        return p.P.Subtract(BigInteger.One).ShiftRight(1);
    }

    private static NotSupportedException Unsupported(DhGroup group) =>
        new($"Diffie-Hellman group {(int)group} ({group}) is not supported");
}
