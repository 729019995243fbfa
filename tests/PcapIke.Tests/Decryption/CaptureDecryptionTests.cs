using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;
using PcapIke.Tests.Crypto;

namespace PcapIke.Tests.Decryption;

/// <summary>The pipeline decrypts every strongSwan lab capture with its own Wireshark key table.</summary>
public class CaptureDecryptionTests
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (string dir in Directory.GetDirectories(Path.Combine(TestSupport.TestPaths.RepoRoot, "captures"), "strongswan-*"))
            data.Add(Path.GetFileName(dir));
        return data;
    }

    internal static List<DissectedMessage> Run(string scenario, KeyRing ring)
    {
        var list = new List<DissectedMessage>();
        CaptureDissector.Dissect(Path.Combine(LabCaptures.Dir(scenario), "capture.pcap"), new MalformationList(),
            list.Add, keys: ring);
        return list;
    }

    internal static KeyRing Ring(string scenario) =>
        KeyRing.Load(Directory.GetFiles(LabCaptures.Dir(scenario), "ikev*_decryption_table"));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void LabCapture_EveryEncryptedMessageDecryptsWithItsTable(string scenario)
    {
        var messages = Run(scenario, Ring(scenario));
        var encrypted = messages.Where(m => m.Ike.IsEncrypted || m.Ike.EncryptionFlag).ToList();
        Assert.NotEmpty(encrypted);
        foreach (var m in encrypted)
        {
            Assert.NotNull(m.Decryption);
            Assert.True(m.Decryption!.IsOk, $"frame {m.Frame}: {m.Decryption.StatusText}");
            if (m.Decryption.Fragment is null)
            {
                Assert.NotNull(m.Decryption.Inner);
                Assert.False(m.Decryption.Inner!.IsMalformed, $"frame {m.Frame}");
            }
        }
        var firstEncrypted = encrypted[0].Decryption!;
        if (encrypted[0].Ike.MajorVersion == 2)
        {
            // The IKE_AUTH request (RFC 7296 §1.2) starts with IDi; with SKF, the reassembled chain does.
            var authRequests = encrypted.Where(m => m.Ike.ExchangeType == ExchangeType.IKE_AUTH && !m.Ike.IsResponse
                                                    && m.Decryption!.Inner is not null).ToList();
            Assert.NotEmpty(authRequests);
            foreach (var m in authRequests)
                Assert.Equal((byte)PayloadType.IDi, m.Decryption!.Inner!.Payloads[0].TypeRaw);
        }
        else
        {
            // MM5 (RFC 2409 §5) starts with ID.
            Assert.Equal((byte)PayloadType.ID, firstEncrypted.Inner!.Payloads[0].TypeRaw);
            var id = Assert.IsType<IdentificationDetails>(firstEncrypted.Inner.Payloads[0].Details);
            Assert.Contains("moon.lab.example", id.Value);
        }
    }

    [Fact]
    public void Rfc7383_2_6_SkfFragments_ReassembledChainOnCompletingFragment()
    {
        var messages = Run("strongswan-ikev2-skf", Ring("strongswan-ikev2-skf"));
        var reassembled = messages.Where(m => m.Decryption?.Fragment is not null && m.Decryption.Inner is not null).ToList();
        Assert.Equal(2, reassembled.Count);   // request and response
        Assert.Equal((byte)PayloadType.IDi, reassembled[0].Decryption!.Inner!.Payloads[0].TypeRaw);
        Assert.Equal((byte)PayloadType.IDr, reassembled[1].Decryption!.Inner!.Payloads[0].TypeRaw);
    }

    [Fact]
    public void WrongIkev2Key_GivesIntegrityFailed_NoException()
    {
        const string scenario = "strongswan-ikev2-aes-cbc";
        var good = Assert.Single(KeyTables.ParseIkev2("t", File.ReadAllLines(
            Path.Combine(LabCaptures.Dir(scenario), "ikev2_decryption_table"))));
        var bad = good.Keys with { SkAi = good.Keys.SkAi.Select(b => (byte)~b).ToArray(), SkAr = new byte[32] };
        var ring = new KeyRing();
        ring.Add(good with { Keys = bad });
        var encrypted = Run(scenario, ring).Where(m => m.Ike.IsEncrypted).ToList();
        Assert.NotEmpty(encrypted);
        Assert.All(encrypted, m => Assert.Equal(DecryptStatus.IntegrityFailed, m.Decryption!.Status));
        Assert.All(Run(scenario, new KeyRing()).Where(m => m.Ike.IsEncrypted),
            m => Assert.Equal(DecryptStatus.NoKey, m.Decryption!.Status));
    }

    [Fact]
    public void WrongIkev1Key_GivesPlaintextMalformed_NoException()
    {
        const string scenario = "strongswan-ikev1-main-mode";
        var good = Assert.Single(KeyTables.ParseIkev1("t", File.ReadAllLines(
            Path.Combine(LabCaptures.Dir(scenario), "ikev1_decryption_table"))));
        var ring = new KeyRing();
        ring.Add(good with { EncryptionKey = good.EncryptionKey.Select(b => (byte)~b).ToArray() });
        var encrypted = Run(scenario, ring).Where(m => m.Ike.EncryptionFlag).ToList();
        Assert.NotEmpty(encrypted);
        Assert.All(encrypted, m => Assert.Equal(DecryptStatus.PlaintextMalformed, m.Decryption!.Status));
    }

    [Fact]
    public void UntrustedCa_ResponseDecryptsToAuthenticationFailedNotify()
    {
        var messages = Run("strongswan-ikev2-untrusted-ca", Ring("strongswan-ikev2-untrusted-ca"));
        var response = messages.First(m => m.Ike.ExchangeType == ExchangeType.IKE_AUTH && m.Ike.IsResponse);
        var n = Assert.IsType<NotifyDetails>(response.Decryption!.Inner!.Payloads[0].Details);
        Assert.Equal((ushort)Ikev2NotifyType.AUTHENTICATION_FAILED, n.TypeRaw);
    }
}

public class MessageDecryptorRobustnessTests
{
    [Theory]
    [MemberData(nameof(CaptureDecryptionTests.Scenarios), MemberType = typeof(CaptureDecryptionTests))]
    public void TruncatedOrAlteredEncryptedMessages_GiveStatusNeverException(string scenario)
    {
        var ring = CaptureDecryptionTests.Ring(scenario);
        var messages = LabCaptures.Messages(scenario).Select(x => x.Message).ToList();
        foreach (var m in messages.Where(m => (m[19] & 0x01) != 0 || m[16] is 46 or 53).Take(3))
        {
            for (int n = 0; n <= m.Length; n += 7)
            {
                var d = new MessageDecryptor(ring);
                foreach (var clear in messages.TakeWhile(x => x != m)) d.Process(clear, IkeMessageDissection.Dissect(clear));
                var cut = m[..n];
                // Keep the header's Length consistent with the cut so the body itself is short.
                if (n >= 28) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(cut.AsSpan(24), (uint)n);
                var r = d.Process(cut, IkeMessageDissection.Dissect(cut));
                if (n < m.Length && r is not null && m[17] >> 4 == 2) Assert.NotEqual(DecryptStatus.Ok, r.Status);
            }
            var flipped = (byte[])m.Clone();
            flipped[^1] ^= 0x80;
            var d2 = new MessageDecryptor(ring);
            var r2 = d2.Process(flipped, IkeMessageDissection.Dissect(flipped));
            Assert.NotNull(r2);
            Assert.NotEqual(DecryptStatus.Ok, r2!.Status);   // IKEv2: ICV; IKEv1: no IV without MM2..MM4
        }
    }

    public static TheoryData<EncryptionTransformId, int, IntegrityTransformId> NewCiphers() => new()
    {
        { EncryptionTransformId.ENCR_AES_CTR, 128, IntegrityTransformId.AUTH_HMAC_SHA1_96 },
        { EncryptionTransformId.ENCR_AES_CCM_8, 192, IntegrityTransformId.NONE },
        { EncryptionTransformId.ENCR_AES_CCM_16, 256, IntegrityTransformId.NONE },
        { EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0, IntegrityTransformId.NONE },
    };

    /// <summary>Every octet of an AES-CTR / AES-CCM / ChaCha20-Poly1305 IKE_AUTH message altered in turn, and every
    /// length cut, through the decryptor (with the key and, where they fit, the other direction's keys tried): a
    /// status each time, never an exception, and never Ok for altered bytes.</summary>
    [Theory]
    [MemberData(nameof(NewCiphers))]
    public void NewCiphers_AlteredOrCutMessages_GiveStatusNeverException(EncryptionTransformId enc, int bits, IntegrityTransformId integ)
    {
        var forge = TestSupport.Ikev2ExchangeForge.Create(new Ikev2CipherSuite(enc, bits, integ, PrfTransformId.PRF_HMAC_SHA2_256));
        var ring = new KeyRing();
        ring.Add(new Ikev2KeyEntry(forge.SpiI, forge.SpiR, forge.Suite, forge.Keys));
        byte[] m = forge.AuthRequest;
        for (int at = 0; at < m.Length; at++)
        {
            if (at is >= 24 and < 28) continue;   // the Length field changes framing, covered by the cuts below
            var altered = (byte[])m.Clone();
            altered[at] ^= 0x41;
            var r = new MessageDecryptor(ring).Process(altered, IkeMessageDissection.Dissect(altered));
            if (r is not null && at >= 16) Assert.NotEqual(DecryptStatus.Ok, r.Status);
        }
        for (int n = 0; n < m.Length; n++)
        {
            var cut = m[..n];
            if (n >= 28) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(cut.AsSpan(24), (uint)n);
            var r = new MessageDecryptor(ring).Process(cut, IkeMessageDissection.Dissect(cut));
            if (r is not null) Assert.NotEqual(DecryptStatus.Ok, r.Status);
        }
    }
}
