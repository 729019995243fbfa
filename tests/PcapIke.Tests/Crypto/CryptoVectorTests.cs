using System.Text;
using Org.BouncyCastle.Math;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Tests.Crypto;

/// <summary>Published test vectors for the prf and the key exchange groups.</summary>
public class CryptoVectorTests
{
    private static readonly byte[] Jefe = Encoding.ASCII.GetBytes("Jefe");
    private static readonly byte[] WhatDoYaWant = Encoding.ASCII.GetBytes("what do ya want for nothing?");

    // RFC 2202 §2 and §3 test case 2; RFC 4231 §4.3 test case 2.
    [Theory]
    [InlineData(IkeHashAlgorithm.MD5, "750c783e6ab0b503eaa86e310a5db738")]
    [InlineData(IkeHashAlgorithm.SHA, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")]
    [InlineData(IkeHashAlgorithm.SHA2_256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData(IkeHashAlgorithm.SHA2_384,
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")]
    [InlineData(IkeHashAlgorithm.SHA2_512,
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")]
    public void Rfc2202_Rfc4231_TestCase2_PrfMatches(IkeHashAlgorithm hash, string expected)
    {
        var prf = IkePrf.ForIkev1Hash(hash)!;
        Assert.Equal(expected, Convert.ToHexString(prf.Compute(Jefe, WhatDoYaWant)), ignoreCase: true);
        Assert.Equal(expected.Length / 2, prf.OutputLength);
    }

    [Fact]
    public void Rfc4231_TestCase2_Ikev2PrfAndSplitInputAgree()
    {
        var prf = IkePrf.ForIkev2(PrfTransformId.PRF_HMAC_SHA2_256)!;
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Convert.ToHexString(prf.Compute(Jefe, WhatDoYaWant[..10], WhatDoYaWant[10..])), ignoreCase: true);
        Assert.Null(IkePrf.ForIkev2(PrfTransformId.PRF_AES128_XCBC));
    }

    [Fact]
    public void Rfc7296_2_13_PrfPlus_IsTheChainOfPrfBlocks()
    {
        var prf = IkePrf.HmacSha1;
        byte[] key = Encoding.ASCII.GetBytes("key"), seed = Encoding.ASCII.GetBytes("seed");
        byte[] t1 = prf.Compute(key, [.. seed, 0x01]);
        byte[] t2 = prf.Compute(key, [.. t1, .. seed, 0x02]);
        byte[] t3 = prf.Compute(key, [.. t2, .. seed, 0x03]);
        byte[] stream = prf.PrfPlus(key, seed, 50);
        Assert.Equal([.. t1, .. t2, .. t3[..10]], stream);
        Assert.Equal(stream[..7], prf.PrfPlus(key, seed, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => prf.PrfPlus(key, seed, 255 * 20 + 1));
    }

    // RFC 5903 §8.1 (256-bit random ECP group): i, g^i = (gix, giy), r, g^r = (grx, gry), g^ir x coordinate.
    private const string I = "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433";
    private const string Gi = "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180" +
                              "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3";
    private const string R = "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53";
    private const string Gr = "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63" +
                              "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB";
    private const string Girx = "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE";

    [Fact]
    public void Rfc5903_8_1_Ecp256_PublicValuesAndSharedSecret()
    {
        var i = DhKeyPair.FromPrivateValue(DhGroup.ECP_256, Convert.FromHexString(I));
        var r = DhKeyPair.FromPrivateValue(DhGroup.ECP_256, Convert.FromHexString(R));
        Assert.Equal(Gi, Convert.ToHexString(i.PublicValue));   // KE data = x | y (RFC 5903 §7)
        Assert.Equal(Gr, Convert.ToHexString(r.PublicValue));
        Assert.True(i.TryComputeSharedSecret(r.PublicValue, out var sI));
        Assert.True(r.TryComputeSharedSecret(i.PublicValue, out var sR));
        Assert.Equal(Girx, Convert.ToHexString(sI));             // shared secret = x only
        Assert.Equal(sI, sR);
        Assert.Equal(I, Convert.ToHexString(i.PrivateValue));
    }

    [Fact]
    public void Rfc6989_Ecp256_PointNotOnCurveOrWrongLength_IsRejected()
    {
        var i = DhKeyPair.FromPrivateValue(DhGroup.ECP_256, Convert.FromHexString(I));
        byte[] bad = Convert.FromHexString(Gr);
        bad[^1] ^= 1;
        Assert.False(i.TryComputeSharedSecret(bad, out _));
        Assert.False(i.TryComputeSharedSecret(Convert.FromHexString(Gr)[..63], out _));
        Assert.False(i.TryComputeSharedSecret(new byte[64], out _));
    }

    // RFC 2409 §6.2 and RFC 3526 §3: p = 2^n - 2^(n-64) - 1 + 2^64 * (...), so the top and bottom 64 bits are all
    // ones; p is a safe prime and the generator is 2.
    [Theory]
    [InlineData(DhGroup.MODP_1024, 1024)]
    [InlineData(DhGroup.MODP_2048, 2048)]
    public void Rfc2409_Rfc3526_ModpPrimeHasTheRfcShape(DhGroup group, int bits)
    {
        byte[] p = DiffieHellman.Prime(group);
        Assert.Equal(bits / 8, p.Length);
        Assert.All(p[..8], b => Assert.Equal(0xFF, b));
        Assert.All(p[^8..], b => Assert.Equal(0xFF, b));
        Assert.Equal("C90FDAA2", Convert.ToHexString(p, 8, 4));   // the digits of pi begin after the first 64 bits
        var prime = new BigInteger(1, p);
        Assert.True(prime.IsProbablePrime(20));
        Assert.True(prime.ShiftRight(1).IsProbablePrime(20));
        Assert.Equal(bits / 8, DiffieHellman.PublicValueLength(group));
    }

    [Theory]
    [InlineData(DhGroup.MODP_1024)]
    [InlineData(DhGroup.MODP_2048)]
    public void Rfc6989_2_1_ModpPeerValueOutOfRange_IsRejected(DhGroup group)
    {
        var a = DhKeyPair.FromSeed(group, [1]);
        int n = DiffieHellman.PublicValueLength(group);
        var one = new byte[n];
        one[^1] = 1;
        Assert.False(a.TryComputeSharedSecret(one, out _));
        byte[] pMinus1 = DiffieHellman.Prime(group);
        pMinus1[^1]--;
        Assert.False(a.TryComputeSharedSecret(pMinus1, out _));
        Assert.False(a.TryComputeSharedSecret(DiffieHellman.Prime(group), out _));
        Assert.False(a.TryComputeSharedSecret(new byte[n - 1], out _));
    }

    [Theory]
    [InlineData(DhGroup.MODP_1024)]
    [InlineData(DhGroup.MODP_2048)]
    [InlineData(DhGroup.ECP_256)]
    public void SeededKeyPairs_AreDeterministicPaddedAndAgree(DhGroup group)
    {
        byte[] seedI = Encoding.ASCII.GetBytes("initiator"), seedR = Encoding.ASCII.GetBytes("responder");
        var i = DhKeyPair.FromSeed(group, seedI);
        var r = DhKeyPair.FromSeed(group, seedR);
        Assert.Equal(i.PublicValue, DhKeyPair.FromSeed(group, seedI).PublicValue);
        Assert.NotEqual(i.PublicValue, r.PublicValue);
        Assert.Equal(DiffieHellman.PublicValueLength(group), i.PublicValue.Length);
        Assert.Equal(i.PublicValue, DhKeyPair.FromPrivateValue(group, i.PrivateValue).PublicValue);
        Assert.True(i.TryComputeSharedSecret(r.PublicValue, out var sI));
        Assert.True(r.TryComputeSharedSecret(i.PublicValue, out var sR));
        Assert.Equal(sI, sR);
        Assert.Equal(DiffieHellman.SharedSecretLength(group), sI.Length);
    }

    [Fact]
    public void UnsupportedGroup_IsReportedNotGuessed()
    {
        Assert.False(DiffieHellman.IsSupported(DhGroup.MODP_1536));
        Assert.Throws<NotSupportedException>(() => DhKeyPair.FromSeed(DhGroup.MODP_1536, [1]));
    }
}
