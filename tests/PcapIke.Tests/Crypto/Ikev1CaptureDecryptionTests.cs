using System.Text;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Tests.Crypto;

/// <summary>
/// Decrypts the real strongSwan 5.9.8 IKEv1 Main Mode + Quick Mode capture (aes128-sha1-modp2048) with its Wireshark
/// key table (ikev1_decryption_table: icookie,Ka), deriving every IV from the capture (RFC 2409 Appendix B).
/// </summary>
public class Ikev1CaptureDecryptionTests
{
    private const string Scenario = "strongswan-ikev1-main-mode";
    private static readonly Ikev1CipherSuite Suite = new(IkeEncryptionAlgorithm.AES_CBC, 128, IkeHashAlgorithm.SHA);

    private sealed record Sa(byte[] Ka, byte[] Gxi, byte[] Gxr, List<byte[]> Encrypted);

    private static Sa Load()
    {
        var t = LabCaptures.KeyTable(Scenario, "ikev1_decryption_table");
        byte[] cookie = Convert.FromHexString(t[0]);
        var messages = LabCaptures.Messages(Scenario).Select(x => x.Message)
            .Where(m => m.AsSpan(0, 8).SequenceEqual(cookie)).ToList();
        // MM3 and MM4 are the clear Main Mode messages carrying KE (RFC 2409 §5): g^xi first, then g^xr.
        var ke = messages
            .Where(m => (LabCaptures.Flags(m) & (byte)Ikev1Flags.Encryption) == 0)
            .Select(m => LabCaptures.ClearPayloads(m.AsSpan(28), m[16]).Where(p => p.Type == (byte)PayloadType.KE)
                .Select(p => p.Body).FirstOrDefault())
            .Where(b => b is not null).Select(b => b!).Distinct(new BytesComparer()).ToList();
        Assert.Equal(2, ke.Count);
        Assert.Equal(256, ke[0].Length);   // MODP 2048
        var encrypted = messages.Where(m => (LabCaptures.Flags(m) & (byte)Ikev1Flags.Encryption) != 0).ToList();
        return new Sa(Convert.FromHexString(t[1]), ke[0], ke[1], encrypted);
    }

    [Fact]
    public void Rfc2409_AppendixB_MainMode5And6_DecryptToIdOfPeers()
    {
        var sa = Load();
        var ivs = Ikev1IvTracker.FromKeyExchange(Suite, sa.Gxi, sa.Gxr);
        var mm = sa.Encrypted.Where(m => LabCaptures.ExchangeType(m) == (byte)ExchangeType.IdentityProtection).ToList();
        Assert.True(mm.Count >= 2);

        var mm5 = Ikev1MessageCrypto.Decrypt(mm[0], Suite, sa.Ka, ivs);
        Assert.Equal(DecryptStatus.Ok, mm5.Status);
        AssertStartsWithId(mm5.Plaintext, mm[0][16], "moon.lab.example");

        var mm6 = Ikev1MessageCrypto.Decrypt(mm[1], Suite, sa.Ka, ivs);   // IV = last ciphertext block of MM5
        Assert.Equal(DecryptStatus.Ok, mm6.Status);
        AssertStartsWithId(mm6.Plaintext, mm[1][16], "sun.lab.example");
        Assert.Equal(mm6.LastBlock, ivs.LastPhase1Block);
    }

    [Fact]
    public void Rfc2409_AppendixB_QuickModeIvFromLastPhase1Block_DecryptsToHashPayloads()
    {
        var sa = Load();
        var ivs = Ikev1IvTracker.FromKeyExchange(Suite, sa.Gxi, sa.Gxr);
        int quick = 0;
        foreach (var m in sa.Encrypted)
        {
            var r = Ikev1MessageCrypto.Decrypt(m, Suite, sa.Ka, ivs);
            Assert.Equal(DecryptStatus.Ok, r.Status);
            // Every payload chain must fit its plaintext, leaving less than one block of padding.
            int covered = LabCaptures.ChainLength(r.Plaintext, m[16]);
            Assert.True(r.Plaintext.Length - covered < Suite.BlockSize, $"{r.Plaintext.Length - covered} octets after the chain");
            if (LabCaptures.ExchangeType(m) == (byte)ExchangeType.QuickMode)
            {
                quick++;
                Assert.Equal((byte)PayloadType.HASH, m[16]);   // HASH(1), HASH(2), HASH(3) come first (RFC 2409 §5.5)
                // The first block holds the HASH payload's header: a wrong IV would garble its length (4 + 20 for SHA1).
                Assert.Equal(20, LabCaptures.ClearPayloads(r.Plaintext, m[16])[0].Body.Length);
                Assert.Equal(0, r.Plaintext[1]);   // RESERVED
            }
        }
        Assert.Equal(3, quick);
    }

    [Fact]
    public void ByteIdenticalRetransmission_GetsTheIvOfItsFirstCopy()
    {
        var sa = Load();
        var ivs = Ikev1IvTracker.FromKeyExchange(Suite, sa.Gxi, sa.Gxr);
        var mm5 = sa.Encrypted[0];
        // Messages that cannot be decrypted leave the chain alone.
        var before = ivs.CurrentIv(0);
        Assert.Equal(DecryptStatus.Truncated, Ikev1MessageCrypto.Decrypt(mm5[..^16], Suite, sa.Ka, ivs).Status);
        Assert.Equal(DecryptStatus.BadKey, Ikev1MessageCrypto.Decrypt(mm5, Suite, sa.Ka[..8], ivs).Status);
        Assert.Null(ivs.IvFor(mm5[..28]));
        Assert.Equal(before, ivs.CurrentIv(0));
        byte[] first = Ikev1MessageCrypto.Decrypt(mm5, Suite, sa.Ka, ivs).Plaintext;
        AssertStartsWithId(first, mm5[16], "moon.lab.example");
        // A re-sent MM5 after MM5 (Wireshark would chain it from MM5's last block and fail).
        var again = Ikev1MessageCrypto.Decrypt(mm5, Suite, sa.Ka, ivs);
        Assert.Equal(first, again.Plaintext);
        var mm6 = Ikev1MessageCrypto.Decrypt(sa.Encrypted[1], Suite, sa.Ka, ivs);
        AssertStartsWithId(mm6.Plaintext, sa.Encrypted[1][16], "sun.lab.example");
    }

    [Fact]
    public void TruncatedOrMisalignedMessage_GivesStatusNotException()
    {
        var sa = Load();
        byte[] iv = new byte[16];
        var mm5 = sa.Encrypted[0];
        for (int n = 0; n < mm5.Length; n += 5)
            Assert.Equal(DecryptStatus.Truncated, Ikev1MessageCrypto.Decrypt(mm5.AsSpan(0, n), Suite, sa.Ka, iv).Status);
        var misaligned = mm5[..^1];
        misaligned[27]--;   // header length says so too
        Assert.Equal(DecryptStatus.BadLength, Ikev1MessageCrypto.Decrypt(misaligned, Suite, sa.Ka, iv).Status);
        Assert.Equal(DecryptStatus.BadKey, Ikev1MessageCrypto.Decrypt(mm5, Suite, sa.Ka[..15], iv).Status);
    }

    private static void AssertStartsWithId(byte[] plaintext, byte firstPayload, string identity)
    {
        Assert.Equal((byte)PayloadType.ID, firstPayload);
        var id = LabCaptures.ClearPayloads(plaintext, firstPayload)[0].Body;
        // ID Type (1), Protocol ID (1), Port (2), Identification Data (RFC 2407 §4.6.2)
        var type = (IdentificationType)id[0];
        string data = Encoding.ASCII.GetString(id, 4, id.Length - 4);
        if (type == IdentificationType.ID_FQDN) Assert.Equal(identity, data);
        else
        {
            Assert.Equal(IdentificationType.ID_DER_ASN1_DN, type);
            Assert.Contains(identity, data);
        }
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] b) => b.Length == 0 ? 0 : HashCode.Combine(b.Length, b[0], b[^1]);
    }
}
