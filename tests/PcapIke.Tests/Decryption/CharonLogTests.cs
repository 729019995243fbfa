using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;
using PcapIke.Tests.Crypto;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Decryption;

/// <summary>Keys from strongSwan charon logs (ike level 4): untrimmed logs rebuilt from the lab captures' trimmed logs
/// and key tables, and from forged negotiations.</summary>
public class CharonLogTests
{
    [Theory]
    [InlineData("strongswan-ikev2-aes-cbc")]
    [InlineData("strongswan-ikev2-aes-gcm")]
    [InlineData("strongswan-ikev2-skf")]
    [InlineData("strongswan-ikev2-untrusted-ca")]
    public void Ikev2LabLog_GivesTheTablesKeysAndSpis_AndDecryptsTheCapture(string scenario)
    {
        var keys = CharonLog.Parse("moon.log", CharonLogForge.ForIkev2LabCapture(scenario));
        var fromLog = Assert.Single(keys.Ikev2);
        var fromTable = Assert.Single(KeyTables.ParseIkev2("t", File.ReadAllLines(Path.Combine(LabCaptures.Dir(scenario), "ikev2_decryption_table"))));
        Assert.Equal(fromTable.InitiatorSpi, fromLog.InitiatorSpi);
        Assert.Equal(fromTable.ResponderSpi, fromLog.ResponderSpi);
        Assert.Equal(fromTable.Keys.SkEi, fromLog.Keys.SkEi);
        Assert.Equal(fromTable.Keys.SkEr, fromLog.Keys.SkEr);
        Assert.Equal(fromTable.Keys.SkAi, fromLog.Keys.SkAi);
        Assert.Equal(fromTable.Keys.SkAr, fromLog.Keys.SkAr);
        Assert.Null(fromLog.Suite);                                   // algorithms: from the capture
        Assert.Equal(fromTable.Suite!.Encryption, fromLog.LoggedSuite!.Encryption);
        Assert.Equal(fromTable.Suite.KeyLengthBits, fromLog.LoggedSuite.KeyLengthBits);
        Assert.Equal(fromTable.Suite.Integrity, fromLog.LoggedSuite.Integrity);
        Assert.Equal(PrfTransformId.PRF_HMAC_SHA2_256, fromLog.LoggedSuite.Prf);
        Assert.StartsWith("moon.log:", fromLog.Source);

        var ring = new KeyRing();
        ring.Add(keys);
        var encrypted = CaptureDecryptionTests.Run(scenario, ring).Where(m => m.Ike.IsEncrypted).ToList();
        Assert.NotEmpty(encrypted);
        Assert.All(encrypted, m => Assert.Equal(DecryptStatus.Ok, m.Decryption!.Status));
        Assert.Contains(encrypted, m => m.Decryption!.Inner is { Payloads: [{ TypeRaw: (byte)PayloadType.IDi }, ..] });
    }

    [Fact]
    public void Ikev1LabLog_GivesKaByInitiatorCookie_AndDecryptsMainAndQuickMode()
    {
        const string scenario = "strongswan-ikev1-main-mode";
        var keys = CharonLog.Parse("moon.log", CharonLogForge.ForIkev1LabCapture(scenario));
        var e = Assert.Single(keys.Ikev1);
        string[] table = LabCaptures.KeyTable(scenario, "ikev1_decryption_table");
        Assert.Equal(Convert.ToUInt64(table[0], 16), e.InitiatorCookie);
        Assert.Equal(Convert.FromHexString(table[1]), e.EncryptionKey);
        Assert.Empty(keys.Ikev2);
        var ring = new KeyRing();
        ring.Add(keys);
        var encrypted = CaptureDecryptionTests.Run(scenario, ring).Where(m => m.Ike.EncryptionFlag).ToList();
        Assert.True(encrypted.Count >= 5);   // MM5, MM6, QM1-QM3
        Assert.All(encrypted, m => Assert.Equal(DecryptStatus.Ok, m.Decryption!.Status));
    }

    [Fact]
    public void TrimmedLog_HasNoKeys()
    {
        var keys = CharonLog.Parse("t", File.ReadAllLines(Path.Combine(LabCaptures.Dir("strongswan-ikev2-aes-cbc"), "charon-moon.trimmed.log")));
        Assert.Equal(0, keys.Count);
    }

    [Fact]
    public void InterleavedThreadsAndIncompleteDumps_AreReadPerThread()
    {
        byte[] ei = Enumerable.Range(1, 36).Select(i => (byte)i).ToArray();
        byte[] er = Enumerable.Range(101, 36).Select(i => (byte)i).ToArray();
        var a = CharonLogForge.Dump("Jan  1 00:00:00 05[IKE]", "Sk_ei secret", ei).ToList();
        var b = CharonLogForge.Dump("Jan  1 00:00:00 07[IKE]", "Sk_ai secret", new byte[20]).ToList();
        // thread 07's dump is cut short by another message of its own: dropped, not mixed into thread 05's key
        var lines = new List<string> { a[0], b[0], a[1], b[1], "Jan  1 00:00:00 07[IKE] something else", a[2], a[3] };
        lines.AddRange(CharonLogForge.Dump("Jan  1 00:00:00 05[IKE]", "Sk_er secret", er));
        lines.AddRange(CharonLogForge.NatdChunk("Jan  1 00:00:00 05[IKE]", 0x1111, 0x2222, "192.0.2.2", 4500));
        var e = Assert.Single(CharonLog.Parse("x", lines).Ikev2);
        Assert.Equal(ei, e.Keys.SkEi);
        Assert.Equal(er, e.Keys.SkEr);
        Assert.Empty(e.Keys.SkAi);
        Assert.Equal((0x1111UL, 0x2222UL), (e.InitiatorSpi, e.ResponderSpi));
    }

    [Theory]
    [InlineData("AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048", EncryptionTransformId.ENCR_AES_CBC, 256, IntegrityTransformId.AUTH_HMAC_SHA2_256_128, PrfTransformId.PRF_HMAC_SHA2_256)]
    [InlineData("AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256", EncryptionTransformId.ENCR_AES_GCM_16, 256, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256)]
    [InlineData("AES_CCM_12_128/PRF_HMAC_SHA2_384/CURVE_25519", EncryptionTransformId.ENCR_AES_CCM_12, 128, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_384)]
    [InlineData("AES_CTR_192/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/MODP_3072", EncryptionTransformId.ENCR_AES_CTR, 192, IntegrityTransformId.AUTH_HMAC_SHA2_384_192, PrfTransformId.PRF_HMAC_SHA2_384)]
    [InlineData("CHACHA20_POLY1305/PRF_HMAC_SHA2_512/CURVE_25519", EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_512)]
    [InlineData("3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024", EncryptionTransformId.ENCR_3DES, 0, IntegrityTransformId.AUTH_HMAC_SHA1_96, PrfTransformId.PRF_HMAC_SHA1)]
    public void StrongSwanProposalString_GivesTheSuite(string text, EncryptionTransformId enc, int bits, IntegrityTransformId integ, PrfTransformId prf)
    {
        Assert.Equal(new Ikev2CipherSuite(enc, bits, integ, prf), CharonLog.ParseProposal(text));
    }

    [Fact]
    public void StrongSwanProposalString_WithoutEncryptionOrPrf_IsNull()
    {
        Assert.Null(CharonLog.ParseProposal("SERPENT_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"));
        Assert.Null(CharonLog.ParseProposal("AES_CBC_256/HMAC_SHA2_256_128/PRF_AES128_XCBC/MODP_2048"));
    }

    /// <summary>Without the IKE_SA_INIT exchange in the capture, the log's "selected proposal" line gives the
    /// algorithms; without that line either, the status says the algorithms are unknown.</summary>
    [Fact]
    public void NoIkeSaInitInCapture_LoggedProposalGivesTheAlgorithms()
    {
        var suite = new Ikev2CipherSuite(EncryptionTransformId.ENCR_AES_CTR, 256, IntegrityTransformId.AUTH_HMAC_SHA2_256_128, PrfTransformId.PRF_HMAC_SHA2_256);
        var forge = Ikev2ExchangeForge.Create(suite);
        const string p = "Jan  1 00:00:00 09[IKE]";
        var keyLines = CharonLogForge.Ikev2Keys(p, forge.Keys.SkAi, forge.Keys.SkAr, forge.Keys.SkEi, forge.Keys.SkEr)
            .Concat(CharonLogForge.NatdChunk(p, forge.SpiI, forge.SpiR, "192.0.2.1", 500)).ToList();
        string[] withProposal = ["Jan  1 00:00:00 09[CFG] selected proposal: IKE:AES_CTR_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256", .. keyLines];
        var authOnly = forge.Datagrams.Skip(2).ToList();

        var ring = new KeyRing();
        ring.Add(CharonLog.Parse("log", withProposal));
        Assert.All(Dissect(authOnly, ring), m => Assert.Equal(DecryptStatus.Ok, m.Decryption!.Status));

        var bare = new KeyRing();
        bare.Add(CharonLog.Parse("log", keyLines));
        Assert.All(Dissect(authOnly, bare), m => Assert.Equal(DecryptStatus.NoAlgorithms, m.Decryption!.Status));
        // ... and with IKE_SA_INIT in the capture its response's SA payload gives them.
        Assert.All(Dissect(forge.Datagrams, bare).Where(m => m.Ike.IsEncrypted), m => Assert.Equal(DecryptStatus.Ok, m.Decryption!.Status));
    }

    /// <summary>A second key set with no SPI pair left (a rekeyed IKE SA logs no NAT-D) is tried on messages of
    /// unknown SPIs and bound to the SA whose ICV it verifies.</summary>
    [Fact]
    public void KeySetWithoutSpis_IsBoundToTheSaItsIcvVerifies()
    {
        var suite = new Ikev2CipherSuite(EncryptionTransformId.ENCR_AES_CCM_16, 256, IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256);
        var first = Ikev2ExchangeForge.Create(suite, spiI: 0x1111_0000_0000_0001);
        var second = Ikev2ExchangeForge.Create(new Ikev2CipherSuite(EncryptionTransformId.ENCR_AES_CBC, 128,
            IntegrityTransformId.AUTH_HMAC_SHA1_96, PrfTransformId.PRF_HMAC_SHA1), DhGroup.MODP_2048, spiI: 0x2222_0000_0000_0002);
        const string p = "Jan  1 00:00:00 09[IKE]";
        var log = CharonLogForge.NatdChunk(p, first.SpiI, first.SpiR, "192.0.2.1", 500)
            .Concat(CharonLogForge.Ikev2Keys(p, first.Keys.SkAi, first.Keys.SkAr, first.Keys.SkEi, first.Keys.SkEr))
            .Concat(Enumerable.Repeat("Jan  1 00:10:00 11[IKE] rekeying IKE_SA", 50))
            .Concat(CharonLogForge.Ikev2Keys(p, second.Keys.SkAi, second.Keys.SkAr, second.Keys.SkEi, second.Keys.SkEr)).ToList();
        var keys = CharonLog.Parse("log", log);
        Assert.Equal(2, keys.Ikev2.Count);
        Assert.False(keys.Ikev2[0].IsUnbound);
        Assert.True(keys.Ikev2[1].IsUnbound);
        var ring = new KeyRing();
        ring.Add(keys);
        Assert.Single(ring.Unbound);
        var messages = Dissect(first.At(0).Concat(second.At(1)), ring).Where(m => m.Ike.IsEncrypted).ToList();
        Assert.Equal(4, messages.Count);
        Assert.All(messages, m => Assert.Equal(DecryptStatus.Ok, m.Decryption!.Status));
        Assert.Equal(second.AuthResponseInner, messages[3].Decryption!.InnerMessage![28..]);
        Assert.Single(ring.Unbound);   // bound per capture, the ring itself is not changed
    }

    private static List<DissectedMessage> Dissect(IEnumerable<Exchanges.IkeForge.Sent> datagrams, KeyRing ring)
    {
        var list = new List<DissectedMessage>();
        var malformations = new MalformationList();
        using var reader = PcapIke.Capture.CaptureReader.Open(new MemoryStream(Exchanges.IkeForge.Pcap(datagrams)), "forged", malformations);
        CaptureDissector.Dissect(reader, malformations, list.Add, keys: ring);
        return list;
    }
}

/// <summary>Untrusted numbers in a charon log's proposal line never throw (a key size past int, or none a cipher has).</summary>
public class CharonLogProposalNumberTests
{
    [Theory]
    [InlineData("AES_CBC_99999999999/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")]
    [InlineData("AES_CBC_4096/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")]
    [InlineData("AES_CBC_0/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")]
    public void HugeOrImpossibleKeySize_IsAnUnknownSuite(string proposal) =>
        Assert.Null(PcapIke.Decryption.CharonLog.ParseProposal(proposal));

    [Fact]
    public void UsualKeySize_StillParses() =>
        Assert.Equal(256, PcapIke.Decryption.CharonLog.ParseProposal("AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")!.KeyLengthBits);
}
