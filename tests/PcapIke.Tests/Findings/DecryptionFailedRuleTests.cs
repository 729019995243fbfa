using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Ike;
using PcapIke.Tests.Crypto;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Exchanges.IkeForge;
using PcapIke.Analysis;

namespace PcapIke.Tests.Findings;

/// <summary>PI501: a key was given and a message still did not decrypt; the finding names the frames, the status and
/// the likely cause.</summary>
public class DecryptionFailedRuleTests
{
    private static readonly Ikev2CipherSuite Cbc = new(EncryptionTransformId.ENCR_AES_CBC, 256,
        IntegrityTransformId.AUTH_HMAC_SHA2_256_128, PrfTransformId.PRF_HMAC_SHA2_256);
    private static readonly Ikev2CipherSuite Ctr = new(EncryptionTransformId.ENCR_AES_CTR, 128,
        IntegrityTransformId.AUTH_HMAC_SHA1_96, PrfTransformId.PRF_HMAC_SHA2_256);

    private static AnalyzedSa Analyze(IEnumerable<Sent> datagrams, KeyRing ring)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(Pcap(datagrams)), "forged", malformations);
        return Assert.Single(CaptureAnalyzer.Analyze(reader, malformations, new AnalysisOptions { Keys = ring }).Sas);
    }

    private static KeyRing Ring(Ikev2ExchangeForge f, Ikev2Keys keys) => Ring(new Ikev2KeyEntry(f.SpiI, f.SpiR, f.Suite, keys) { Source = "t:1" });

    private static KeyRing Ring(Ikev2KeyEntry e)
    {
        var ring = new KeyRing();
        ring.Add(e);
        return ring;
    }

    private static byte[] Altered(byte[] key)
    {
        var k = (byte[])key.Clone();
        k[0] ^= 0x55;
        return k;
    }

    private static Finding Pi501(AnalyzedSa sa) => Assert.Single(sa.Findings, f => f.Code == FindingCode.DecryptionFailed);

    [Fact]
    public void WrongKeys_BothDirectionsFailTheIcv_NamedAsKeysOfAnotherSa()
    {
        var f = Ikev2ExchangeForge.Create(Cbc);
        var k = f.Keys;
        var sa = Analyze(f.Datagrams, Ring(f, k with { SkAi = Altered(k.SkAi), SkAr = Altered(k.SkAr), SkEi = Altered(k.SkEi), SkEr = Altered(k.SkEr) }));
        var finding = Pi501(sa);
        Assert.Equal("PI501", finding.Id);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal([3L, 4L], finding.Frames);
        Assert.Equal("2 encrypted messages did not decrypt with the given keys (keys from t:1): frame 3 (IKE_AUTH request, initiator), " +
                     "frame 4 (IKE_AUTH response, responder) — integrity failed. Likely cause: no message of either direction verifies: " +
                     "the keys are not this SA's (another SA, a rekey, or another capture) or the key table names other algorithms than those " +
                     "negotiated (negotiated: ENCR_AES_CBC-256/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256).", finding.Message);
        Assert.NotNull(finding.Fix);
    }

    [Fact]
    public void KeysOfTheTwoDirectionsSwapped_FoundByTryingTheOtherDirection()
    {
        var f = Ikev2ExchangeForge.Create(Cbc);
        var k = f.Keys;
        var sa = Analyze(f.Datagrams, Ring(f, k with { SkAi = k.SkAr, SkAr = k.SkAi, SkEi = k.SkEr, SkEr = k.SkEi }));
        var finding = Pi501(sa);
        Assert.Equal([3L, 4L], finding.Frames);
        Assert.Contains("integrity failed (the other direction's keys decrypt it)", finding.Message);
        Assert.Contains("in each other's columns (SK_ei/SK_er and SK_ai/SK_ar swapped", finding.Message);
        Assert.StartsWith("Swap SK_ei with SK_er and SK_ai with SK_ar", finding.Fix);
    }

    [Fact]
    public void IntegrityKeysSwapped_NamedAsSuch()
    {
        var f = Ikev2ExchangeForge.Create(Ctr);
        var k = f.Keys;
        var sa = Analyze(f.Datagrams, Ring(f, k with { SkAi = k.SkAr, SkAr = k.SkAi }));
        Assert.Contains("SK_ai and SK_ar are swapped in the key table", Pi501(sa).Message);
    }

    [Fact]
    public void OnlyTheResponderKeysWrong_TheOtherDirectionDecrypts()
    {
        var f = Ikev2ExchangeForge.Create(Cbc);
        var sa = Analyze(f.Datagrams, Ring(f, f.Keys with { SkAr = Altered(f.Keys.SkAr) }));
        var finding = Pi501(sa);
        Assert.Equal([4L], finding.Frames);
        Assert.Contains("frame 4 (IKE_AUTH response, responder) — integrity failed", finding.Message);
        Assert.Contains("the initiator's messages decrypt but not the responder's: the responder's keys (SK_er/SK_ar) are wrong", finding.Message);
        Assert.Equal(Ikev2ExchangeForge.InitiatorId, sa.Sa.InitiatorId);   // the request still decrypted
    }

    [Fact]
    public void TruncatedSkPayload_NamedAsCutByTheSnaplen()
    {
        var f = Ikev2ExchangeForge.Create(Cbc);
        // The IKE_AUTH response cut 20 octets short: the header's Length follows, the SK payload's does not.
        byte[] cut = f.AuthResponse[..^20];
        BinaryPrimitives.WriteUInt32BigEndian(cut.AsSpan(24), (uint)cut.Length);
        var datagrams = f.Datagrams.ToList();
        datagrams[3] = datagrams[3] with { Ike = cut };
        var sa = Analyze(datagrams, Ring(f, f.Keys));
        var finding = Pi501(sa);
        Assert.Equal([4L], finding.Frames);
        Assert.Contains("frame 4 (IKE_AUTH response, responder) — truncated. Likely cause: the message or its Encrypted payload ends before " +
                        "its length fields say: the capture's snaplen (or a device on the path) cut it.", finding.Message);
        Assert.Contains("tcpdump -s 0", finding.Fix);
    }

    [Fact]
    public void BadPaddingUnderAValidIcv_NamedAsAWrongEncryptionKeyOrCipher()
    {
        var f = Ikev2ExchangeForge.Create(Ctr);
        // AES-CTR: flipping ciphertext bits flips the same plaintext bits. Pad Length 0 becomes 200 (past the start of
        // the plaintext); the ICV is computed again with SK_ai, as a sender with that bug would.
        byte[] m = (byte[])f.AuthRequest.Clone();
        int icv = Ctr.IcvLength, padAt = m.Length - icv - 1;
        m[padAt] ^= 200;
        System.Security.Cryptography.HMACSHA1.HashData(f.Keys.SkAi, m.AsSpan(0, m.Length - icv))[..icv].CopyTo(m, m.Length - icv);
        var datagrams = f.Datagrams.ToList();
        datagrams[2] = datagrams[2] with { Ike = m };
        var sa = Analyze(datagrams, Ring(f, f.Keys));
        var finding = Pi501(sa);
        Assert.Equal([3L], finding.Frames);
        Assert.Contains("frame 3 (IKE_AUTH request, initiator) — bad padding. Likely cause: the ICV verifies (the integrity key is right) " +
                        "but the decrypted Pad Length points before the plaintext", finding.Message);
    }

    [Fact]
    public void NoKeyForTheSa_OrEverythingDecrypts_NoFinding()
    {
        var f = Ikev2ExchangeForge.Create(Cbc);
        Assert.DoesNotContain(Analyze(f.Datagrams, new KeyRing()).Findings, x => x.Code == FindingCode.DecryptionFailed);
        Assert.DoesNotContain(Analyze(f.Datagrams, Ring(f, f.Keys)).Findings, x => x.Code == FindingCode.DecryptionFailed);
    }

    // ---- IKEv1 (no ICV: a wrong key or IV shows as plaintext that is no payload chain) ----

    private const string Ikev1 = "strongswan-ikev1-main-mode";

    /// <summary>The lab capture again, frames 1-4 on UDP 500 and the rest on 4500, without the frames given.</summary>
    private static List<Sent> Ikev1Datagrams(params long[] without) =>
        LabCaptures.Messages(Ikev1).Where(m => !without.Contains(m.Frame)).Select(m =>
        {
            bool fromInitiator = m.Frame % 2 == 1;
            ushort port = m.Frame <= 4 ? (ushort)500 : (ushort)4500;
            return new Sent(m.Frame * 0.01, fromInitiator ? "192.0.2.1" : "192.0.2.2", port,
                fromInitiator ? "192.0.2.2" : "192.0.2.1", port, m.Message);
        }).ToList();

    private static KeyRing Ikev1Ring(byte[]? ka = null)
    {
        string[] t = LabCaptures.KeyTable(Ikev1, "ikev1_decryption_table");
        var ring = new KeyRing();
        ring.Add(new Ikev1KeyEntry(Convert.ToUInt64(t[0], 16), ka ?? Convert.FromHexString(t[1])));
        return ring;
    }

    [Fact]
    public void Ikev1WrongKa_NothingDecrypts_NamedAsKaOfAnotherSa()
    {
        var sa = Analyze(Ikev1Datagrams(), Ikev1Ring(Altered(Convert.FromHexString(LabCaptures.KeyTable(Ikev1, "ikev1_decryption_table")[1]))));
        var finding = Pi501(sa);
        Assert.Equal([5L, 6L, 7L, 8L, 9L], finding.Frames);
        Assert.Contains("— plaintext is not a payload chain (wrong key?). Likely cause: no encrypted message of this SA decrypts to a payload chain", finding.Message);
        Assert.Contains("Ka is not this SA's", finding.Message);
    }

    [Fact]
    public void Ikev1MissedMm5_Mm6FailsQuickModeDecrypts_NamedAsBrokenIvChain()
    {
        var sa = Analyze(Ikev1Datagrams(without: 5), Ikev1Ring());
        var finding = Pi501(sa);
        Assert.Equal([5L], finding.Frames);   // MM6 is the 5th frame of the capture without MM5
        Assert.Contains("Likely cause: other messages of this SA decrypt with the same Ka, so the key is right and the IV chain is broken: " +
                        "a message in between is missing from the capture", finding.Message);
        Assert.Contains(sa.Sa.Messages, m => m.Exchange == ExchangeKind.QuickMode && m.Message.Decryption is { IsOk: true });
    }
}
