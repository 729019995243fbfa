using System.Text;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Tests.Crypto;

/// <summary>Decrypts the IKE_AUTH exchange of real strongSwan 5.9.8 captures with their Wireshark key tables
/// (ikev2_decryption_table: SPIi,SPIr,SK_ei,SK_er,"ENC",SK_ai,SK_ar,"INTEG").</summary>
public class Ikev2CaptureDecryptionTests
{
    public static TheoryData<string, Ikev2CipherSuite> Scenarios() => new()
    {
        { "strongswan-ikev2-aes-cbc", new(EncryptionTransformId.ENCR_AES_CBC, 256,
            IntegrityTransformId.AUTH_HMAC_SHA2_256_128, PrfTransformId.PRF_HMAC_SHA2_256) },
        { "strongswan-ikev2-aes-gcm", new(EncryptionTransformId.ENCR_AES_GCM_16, 256,
            IntegrityTransformId.NONE, PrfTransformId.PRF_HMAC_SHA2_256) },
    };

    private static readonly Ikev2CipherSuite AesCbc256Sha256 = new(EncryptionTransformId.ENCR_AES_CBC, 256,
        IntegrityTransformId.AUTH_HMAC_SHA2_256_128, PrfTransformId.PRF_HMAC_SHA2_256);

    [Fact]
    public void Rfc7383_2_5_SkfFragmentsOfIkeAuth_EachDecryptAndReassembleToIdentities()
    {
        const string scenario = "strongswan-ikev2-skf";
        var keys = Keys(scenario, out byte[] spiI);
        var auth = LabCaptures.Messages(scenario).Select(x => x.Message)
            .Where(m => m.AsSpan(0, 8).SequenceEqual(spiI) && LabCaptures.ExchangeType(m) == (byte)ExchangeType.IKE_AUTH)
            .ToList();
        foreach (bool response in new[] { false, true })
        {
            var fragments = new SortedDictionary<ushort, Ikev2DecryptResult>();
            ushort total = 0;
            foreach (var m in auth.Where(m => ((LabCaptures.Flags(m) & (byte)Ikev2Flags.Response) != 0) == response))
            {
                Assert.True(Ikev2EncryptedPayload.TryFind(m, out int at, out var type));
                Assert.Equal(PayloadType.SKF, type);
                var r = Ikev2EncryptedPayload.Decrypt(m, AesCbc256Sha256, keys);
                Assert.Equal(DecryptStatus.Ok, r.Status);
                ushort number = (ushort)(m[at + 4] << 8 | m[at + 5]);
                total = (ushort)(m[at + 6] << 8 | m[at + 7]);
                fragments[number] = r;   // a retransmitted fragment decrypts to the same bytes
            }
            Assert.Equal(3, total);
            Assert.Equal(new ushort[] { 1, 2, 3 }, fragments.Keys);
            // RFC 7383 §2.5: only the first fragment names the first inner payload.
            Assert.Equal(PayloadType.NONE, fragments[2].FirstPayload);
            var first = fragments[1];
            var whole = new Ikev2DecryptResult(DecryptStatus.Ok, first.FirstPayload,
                fragments.Values.SelectMany(f => f.Plaintext).ToArray(), 0, first.PayloadOffset);
            if (response) AssertIdentity(whole, PayloadType.IDr, "sun.lab.example");
            else AssertIdentity(whole, PayloadType.IDi, "moon.lab.example");
        }
    }

    [Fact]
    public void Rfc7296_3_10_1_UntrustedCaResponse_DecryptsToAuthenticationFailed()
    {
        const string scenario = "strongswan-ikev2-untrusted-ca";
        var keys = Keys(scenario, out byte[] spiI);
        var response = LabCaptures.Messages(scenario).Select(x => x.Message)
            .First(m => m.AsSpan(0, 8).SequenceEqual(spiI) && LabCaptures.ExchangeType(m) == (byte)ExchangeType.IKE_AUTH
                        && (LabCaptures.Flags(m) & (byte)Ikev2Flags.Response) != 0);
        var r = Ikev2EncryptedPayload.Decrypt(response, AesCbc256Sha256, keys);
        Assert.Equal(DecryptStatus.Ok, r.Status);
        Assert.Equal(PayloadType.Nv2, r.FirstPayload);
        var notify = LabCaptures.ClearPayloads(r.Plaintext, (byte)r.FirstPayload)[0].Body;
        // Protocol ID (1), SPI Size (1), Notify Message Type (2) (RFC 7296 §3.10)
        Assert.Equal(Ikev2NotifyType.AUTHENTICATION_FAILED, (Ikev2NotifyType)(notify[2] << 8 | notify[3]));
    }

    private static Ikev2Keys Keys(string scenario, out byte[] spiI)
    {
        var t = LabCaptures.KeyTable(scenario, "ikev2_decryption_table");
        spiI = Convert.FromHexString(t[0]);
        byte[] H(string s) => s.Length == 0 ? [] : Convert.FromHexString(s);
        return new Ikev2Keys([], H(t[5]), H(t[6]), H(t[2]), H(t[3]), [], []);
    }

    private static (Ikev2Keys Keys, byte[] Request, byte[] Response) Load(string scenario)
    {
        var t = LabCaptures.KeyTable(scenario, "ikev2_decryption_table");
        byte[] spiI = Convert.FromHexString(t[0]);
        byte[] H(string s) => s.Length == 0 ? [] : Convert.FromHexString(s);
        var keys = new Ikev2Keys([], H(t[5]), H(t[6]), H(t[2]), H(t[3]), [], []);
        var auth = LabCaptures.Messages(scenario)
            .Select(x => x.Message)
            .Where(m => m.AsSpan(0, 8).SequenceEqual(spiI) && LabCaptures.ExchangeType(m) == (byte)ExchangeType.IKE_AUTH)
            .ToList();
        var request = auth.First(m => (LabCaptures.Flags(m) & (byte)Ikev2Flags.Response) == 0);
        var response = auth.First(m => (LabCaptures.Flags(m) & (byte)Ikev2Flags.Response) != 0);
        return (keys, request, response);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Rfc7296_3_14_IkeAuthRequest_DecryptsToIDiOfMoon(string scenario, Ikev2CipherSuite suite)
    {
        var (keys, request, _) = Load(scenario);
        Assert.True(suite.IsSupported);
        var r = Ikev2EncryptedPayload.Decrypt(request, suite, keys);   // Initiator flag set: SK_ei / SK_ai
        Assert.Equal(DecryptStatus.Ok, r.Status);
        AssertIdentity(r, PayloadType.IDi, "moon.lab.example");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Rfc7296_3_14_IkeAuthResponse_DecryptsToIDrOfSun(string scenario, Ikev2CipherSuite suite)
    {
        var (keys, _, response) = Load(scenario);
        var r = Ikev2EncryptedPayload.Decrypt(response, suite, keys);   // from the responder: SK_er / SK_ar
        Assert.Equal(DecryptStatus.Ok, r.Status);
        AssertIdentity(r, PayloadType.IDr, "sun.lab.example");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void FlippedByteAnywhereCovered_GivesIntegrityFailed(string scenario, Ikev2CipherSuite suite)
    {
        var (keys, request, _) = Load(scenario);
        Assert.True(Ikev2EncryptedPayload.TryFind(request, out int sk, out _));
        // IKE header (AAD / HMAC input), SK header, IV, ciphertext, ICV.
        foreach (int at in new[] { 5, 20, sk + 1, sk + 4, sk + 30, request.Length / 2, request.Length - 1 })
        {
            var copy = (byte[])request.Clone();
            copy[at] ^= 0x01;
            Assert.Equal(DecryptStatus.IntegrityFailed, Ikev2EncryptedPayload.Decrypt(copy, suite, keys).Status);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void WrongDirectionKeys_GiveIntegrityFailed(string scenario, Ikev2CipherSuite suite)
    {
        var (keys, request, _) = Load(scenario);
        Assert.Equal(DecryptStatus.IntegrityFailed, Ikev2EncryptedPayload.Decrypt(request, suite, keys.Responder).Status);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void TruncatedMessage_GivesTruncatedNotException(string scenario, Ikev2CipherSuite suite)
    {
        var (keys, request, _) = Load(scenario);
        for (int n = 0; n < request.Length; n += 7)
            Assert.Equal(DecryptStatus.Truncated, Ikev2EncryptedPayload.Decrypt(request.AsSpan(0, n), suite, keys).Status);
    }

    private static void AssertIdentity(Ikev2DecryptResult r, PayloadType expected, string identity)
    {
        Assert.Equal(expected, r.FirstPayload);
        Assert.Equal(r.Plaintext.Length, LabCaptures.ChainLength(r.Plaintext, (byte)r.FirstPayload));
        var id = LabCaptures.ClearPayloads(r.Plaintext, (byte)r.FirstPayload)[0].Body;
        // ID Type (1), RESERVED (3), Identification Data (RFC 7296 §3.5)
        var type = (IdentificationType)id[0];
        string data = Encoding.ASCII.GetString(id, 4, id.Length - 4);
        if (type == IdentificationType.ID_FQDN) Assert.Equal(identity, data);
        else
        {
            Assert.Equal(IdentificationType.ID_DER_ASN1_DN, type);
            Assert.Contains(identity, data);
        }
    }
}
