using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Ike;

namespace PcapIke.Tests.Decryption;

public class KeyTablesTests
{
    private static string Hex(int octets) => new('a', octets * 2);

    private static string V2Line(string enc, int encOctets, string integ, int integOctets) =>
        $"0102030405060708,1112131415161718,{Hex(encOctets)},{Hex(encOctets)},\"{enc}\",{Hex(integOctets)},{Hex(integOctets)},\"{integ}\"";

    [Fact]
    public void Ikev2Table_CommentsAndBlankLinesSkipped_SpisAndKeysRead()
    {
        var lines = new[]
        {
            "# written by hand",
            "",
            "cb550b54190a5b1e,78ab8bcc965affc4," + Hex(32) + "," + new string('b', 64) +
            ",\"AES-CBC-256 [RFC3602]\"," + new string('c', 64) + "," + new string('d', 64) + ",\"HMAC_SHA2_256_128 [RFC4868]\"",
        };
        var e = Assert.Single(KeyTables.ParseIkev2("t", lines));
        Assert.Equal(0xcb550b54190a5b1eUL, e.InitiatorSpi);
        Assert.Equal(0x78ab8bcc965affc4UL, e.ResponderSpi);
        Assert.Equal(EncryptionTransformId.ENCR_AES_CBC, e.Suite!.Encryption);
        Assert.Equal(256, e.Suite!.KeyLengthBits);
        Assert.Equal(IntegrityTransformId.AUTH_HMAC_SHA2_256_128, e.Suite!.Integrity);
        Assert.Equal(0xbb, e.Keys.SkEr[0]);
        Assert.Equal(0xdd, e.Keys.SkAr[0]);
        Assert.True(e.Suite!.IsSupported);
    }

    public static TheoryData<string, EncryptionTransformId, int> EncryptionNames() => new()
    {
        { "AES-CBC-128 [RFC3602]", EncryptionTransformId.ENCR_AES_CBC, 128 },
        { "AES-CBC-192 [RFC3602]", EncryptionTransformId.ENCR_AES_CBC, 192 },
        { "AES-CBC-256 [RFC3602]", EncryptionTransformId.ENCR_AES_CBC, 256 },
        { "3DES [RFC2451]", EncryptionTransformId.ENCR_3DES, 192 },
        { "AES-GCM-128 with 8 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_8, 128 },
        { "AES-GCM-192 with 8 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_8, 192 },
        { "AES-GCM-256 with 8 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_8, 256 },
        { "AES-GCM-128 with 12 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_12, 128 },
        { "AES-GCM-192 with 12 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_12, 192 },
        { "AES-GCM-256 with 12 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_12, 256 },
        { "AES-GCM-128 with 16 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_16, 128 },
        { "AES-GCM-192 with 16 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_16, 192 },
        { "AES-GCM-256 with 16 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_GCM_16, 256 },
        { "AES-CTR-128 [RFC5930]", EncryptionTransformId.ENCR_AES_CTR, 128 },
        { "AES-CTR-192 [RFC5930]", EncryptionTransformId.ENCR_AES_CTR, 192 },
        { "AES-CTR-256 [RFC5930]", EncryptionTransformId.ENCR_AES_CTR, 256 },
        { "AES-CCM-128 with 8 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_8, 128 },
        { "AES-CCM-192 with 8 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_8, 192 },
        { "AES-CCM-256 with 8 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_8, 256 },
        { "AES-CCM-128 with 12 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_12, 128 },
        { "AES-CCM-192 with 12 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_12, 192 },
        { "AES-CCM-256 with 12 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_12, 256 },
        { "AES-CCM-128 with 16 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_16, 128 },
        { "AES-CCM-192 with 16 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_16, 192 },
        { "AES-CCM-256 with 16 octet ICV [RFC5282]", EncryptionTransformId.ENCR_AES_CCM_16, 256 },
        { "CHACHA20-POLY1305 [RFC7634]", EncryptionTransformId.ENCR_CHACHA20_POLY1305, 256 },
    };

    [Theory]
    [MemberData(nameof(EncryptionNames))]
    public void Ikev2Table_WiresharkEncryptionName_GivesTransformAndKeyLength(string name, EncryptionTransformId id, int bits)
    {
        var probe = new Ikev2CipherSuite(id, bits, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256);
        bool aead = probe.IsAead;
        var e = Assert.Single(KeyTables.ParseIkev2("t", [V2Line(name, probe.EncryptionKeyLength,
            aead ? "NONE [RFC4306]" : "HMAC_SHA1_96 [RFC2404]", aead ? 0 : 20)]));
        Assert.Equal(id, e.Suite!.Encryption);
        Assert.Equal(bits, e.Suite!.KeyLengthBits);
        Assert.True(e.Suite!.IsSupported);
    }

    [Theory]
    [InlineData("NONE [RFC4306]", IntegrityTransformId.NONE, 0)]
    [InlineData("HMAC_MD5_96 [RFC2403]", IntegrityTransformId.AUTH_HMAC_MD5_96, 16)]
    [InlineData("HMAC_SHA1_96 [RFC2404]", IntegrityTransformId.AUTH_HMAC_SHA1_96, 20)]
    [InlineData("HMAC_SHA2_256_128 [RFC4868]", IntegrityTransformId.AUTH_HMAC_SHA2_256_128, 32)]
    [InlineData("HMAC_SHA2_384_192 [RFC4868]", IntegrityTransformId.AUTH_HMAC_SHA2_384_192, 48)]
    [InlineData("HMAC_SHA2_512_256 [RFC4868]", IntegrityTransformId.AUTH_HMAC_SHA2_512_256, 64)]
    public void Ikev2Table_WiresharkIntegrityName_GivesTransform(string name, IntegrityTransformId id, int octets)
    {
        var e = Assert.Single(KeyTables.ParseIkev2("t", [V2Line("AES-CBC-128 [RFC3602]", 16, name, octets)]));
        Assert.Equal(id, e.Suite!.Integrity);
    }

    [Fact]
    public void Ikev2Table_UnknownEncryptionName_IsLocatedError()
    {
        var ex = Assert.Throws<KeyTableException>(() => KeyTables.ParseIkev2("keys.txt",
            ["# c", "", V2Line("Blowfish [RFC2451]", 16, "NONE [RFC4306]", 0)]));
        Assert.Equal(3, ex.Line);
        Assert.StartsWith("keys.txt:3: unknown encryption algorithm \"Blowfish [RFC2451]\"", ex.Message);
    }

    [Theory]
    [InlineData("0102030405060708,1112131415161718")]                                    // too few fields
    [InlineData("01020304050607,1112131415161718,aa,aa,\"AES-CBC-128 [RFC3602]\",,,\"NONE [RFC4306]\"")]   // short SPI
    [InlineData("0102030405060708,1112131415161718,zz,aa,\"AES-CBC-128 [RFC3602]\",,,\"NONE [RFC4306]\"")] // not hex
    [InlineData("0102030405060708,1112131415161718,aa,aa,\"AES-CBC-128 [RFC3602]\",,,\"NONE [RFC4306]\"")] // key length
    public void Ikev2Table_BadLine_IsLocatedError(string line)
    {
        var ex = Assert.Throws<KeyTableException>(() => KeyTables.ParseIkev2("k", ["", line]));
        Assert.StartsWith("k:2: ", ex.Message);
    }

    [Fact]
    public void Ikev2Table_CtrKeyWithoutItsNonce_IsLocatedErrorNamingBothLengths()
    {
        // RFC 5930 §2: SK_e of AES-CTR-256 is the 32-octet key and the 4-octet nonce (tshark: "does not match the key
        // length (36 octets)").
        var ex = Assert.Throws<KeyTableException>(() => KeyTables.ParseIkev2("k",
            [V2Line("AES-CTR-256 [RFC5930]", 32, "HMAC_SHA2_256_128 [RFC4868]", 32)]));
        Assert.Equal("k:1: SK_ei has 32 octets, AES-CTR-256 [RFC5930] needs 36", ex.Message);
        var ccm = Assert.Single(KeyTables.ParseIkev2("k", [V2Line("AES-CCM-128 with 8 octet ICV [RFC5282]", 19, "NONE [RFC4306]", 0)]));
        Assert.Equal(3, ccm.Suite!.SaltLength);
    }

    [Fact]
    public void Ikev1Table_CookieAndKey_LookedUpInKeyRing()
    {
        var ring = new KeyRing();
        ring.AddFile("dir/ikev1_decryption_table", ["# c", "10fc6220f2f6aad0,252f6a51a251a9500d407c03d5673a6d"]);
        var e = ring.FindIkev1(0x10fc6220f2f6aad0UL);
        Assert.NotNull(e);
        Assert.Equal(16, e!.EncryptionKey.Length);
        Assert.Null(ring.FindIkev1(1));
        var ex = Assert.Throws<KeyTableException>(() => ring.AddFile("ikev1_decryption_table", ["10fc6220f2f6aad0,25"]));
        Assert.StartsWith("ikev1_decryption_table:1: ", ex.Message);
    }

    [Fact]
    public void KeyRing_LoadsEveryLabTable()
    {
        foreach (string dir in Directory.GetDirectories(Path.Combine(TestSupport.TestPaths.RepoRoot, "captures"), "strongswan-*"))
        {
            var ring = KeyRing.Load(Directory.GetFiles(dir, "ikev*_decryption_table"));
            Assert.True(ring.Count >= 1, dir);
        }
    }
}
