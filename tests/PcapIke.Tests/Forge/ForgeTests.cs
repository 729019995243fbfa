using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Ike;
using PcapIke.Tests.Crypto;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Forge;

/// <summary>
/// The forge against the technote (seed-scenarios.md): frame sizes, what each router chose, signatures that verify
/// with the certificates in the capture, and the committed captures/S1..S7 regenerating byte for byte.
/// </summary>
public class ForgeTests
{
    public static TheoryData<string> Folders() => ForgedCaptures.All();

    private static int IpLength(byte[] ikeMessage) => 20 + 8 + ikeMessage.Length;

    [Fact]
    public void S1_FrameSizesAreTheTechnotes()
    {
        // Technote frames 18-23: MM1 192, MM2 132, MM3 355, MM4 755, MM5 736, MM6 712 (IP lengths, raw-IP EPC export).
        var sizes = LabCaptures.Messages("S1-ikev1-r1-initiates").Select(m => IpLength(m.Message)).ToArray();
        Assert.Equal([192, 132, 355, 755, 736, 712], sizes[..6]);
        Assert.Equal(3, sizes.Length - 6); // QM1, QM2, QM3
    }

    [Fact]
    public void S2_FrameSizesAndRetransmissionsAreTheTechnotes()
    {
        // Technote frames 2-13: MM1 192, MM2 132, MM3 735, MM4 755, MM5 736, then MM4 755 / MM5 736 re-sent, never MM6.
        var messages = LabCaptures.Messages("S2-ikev1-r2-initiates");
        Assert.Equal([192, 132, 735, 755, 736, 755, 736, 755, 736, 755, 736, 755], messages.Select(m => IpLength(m.Message)).ToArray());
        byte[] mm4 = messages[3].Message, mm5 = messages[4].Message;
        foreach (int i in new[] { 5, 7, 9, 11 }) Assert.Equal(mm4, messages[i].Message);
        foreach (int i in new[] { 6, 8, 10 }) Assert.Equal(mm5, messages[i].Message);
    }

    [Fact]
    public void Captures_AreRawIpAsTheEpcExport_OrEthernetWhenTheScenarioSaysSo()
    {
        foreach (string folder in ForgedCaptures.Folders)
        {
            byte[] file = File.ReadAllBytes(ForgedCaptures.Capture(folder));
            uint linkType = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20));
            var expected = ForgedCaptures.Scenario(folder).Link.Capture == CaptureLink.Ethernet ? 1u : 101u;
            Assert.True(expected == linkType, $"{folder}: link type {linkType}");
        }
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void CommittedFolder_RegeneratesByteIdentical(string folder)
    {
        string dir = TestPaths.NewTempDir();
        IReadOnlyList<string> written = Forger.Write(ForgedCaptures.Result(folder), Path.Combine(dir, "capture.pcap"));
        var committed = Directory.GetFiles(ForgedCaptures.Dir(folder)).Select(Path.GetFileName)
            .Where(n => n is not "scenario.json").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(committed, written.Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (string path in written)
        {
            byte[] expected = File.ReadAllBytes(Path.Combine(ForgedCaptures.Dir(folder), Path.GetFileName(path)));
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(path)),
                $"{folder}/{Path.GetFileName(path)} differs from a fresh forge run (run tools/forge-captures.sh and commit)");
        }
    }

    /// <summary>seed-scenarios.md, "what PcapIke must say": the outcome and the trustpoint whose certificate each side
    /// sent, per negotiation.</summary>
    public static TheoryData<string, int, NegotiationOutcome, string> Expectations() => new()
    {
        { "S1-ikev1-r1-initiates", 0, NegotiationOutcome.Established, "R1:IOSCA1 R2:IOSCA1" },
        { "S2-ikev1-r2-initiates", 0, NegotiationOutcome.AuthenticationFailed, "R2:IOSCA2" },
        // No ca trust-point: R1 → R2, R1's MM3 names its newest CA (CA2) first... R2 picks IOSCA2; R2's MM4 names CA1 first.
        { "S3-ikev1-no-ca-trustpoint", 0, NegotiationOutcome.Established, "R1:IOSCA1 R2:IOSCA2" },
        { "S3-ikev1-no-ca-trustpoint", 1, NegotiationOutcome.Established, "R1:IOSCA1 R2:IOSCA2" },
        { "S4-ikev2-overlapping-profiles", 0, NegotiationOutcome.ChildSaFailed, "R1:TP1 R2:TP1" },
        { "S5-ikev2-initiator-without-trustpoint", 0, NegotiationOutcome.InitiatorAborted, "" },
        { "S6-ikev2-r2-initiates-asymmetric", 0, NegotiationOutcome.AuthenticationFailed, "R2:TP2" },
        { "S7-ikev2-symmetric", 0, NegotiationOutcome.Established, "R1:TP2 R2:TP2" },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Negotiation_EndsAndChoosesAsTheTechnoteSays(string folder, int index, NegotiationOutcome outcome, string sent)
    {
        ForgedNegotiation n = ForgedCaptures.Result(folder).Negotiations[index];
        Assert.Equal(outcome, n.Outcome);
        Assert.Equal(sent, string.Join(' ', n.CertificateSent.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}:{c.Value}")));
    }

    [Fact]
    public void S4_ResponderSelectsProfile3_TheFirstThatShowCryptoIkev2ProfileLists()
    {
        ForgedNegotiation n = ForgedCaptures.Result("S4-ikev2-overlapping-profiles").Negotiations[0];
        Assert.Equal("profile3", n.Profile["R2"]);
        Assert.Equal("profile1", n.Profile["R1"]);
    }

    [Fact]
    public void S1_Mm3HasOneCertReqForCa1_Mm4HasSevenCa1First()
    {
        var m = LabCaptures.Messages("S1-ikev1-r1-initiates");
        var mm3 = CertReqNames(m[2].Message);
        var mm4 = CertReqNames(m[3].Message);
        Assert.Equal(["cn=CA1,o=cisco,o=com"], mm3);
        Assert.Equal(7, mm4.Count);
        Assert.Equal("cn=CA1,o=cisco,o=com", mm4[0]);
        Assert.Equal("ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US", mm4[2]);
        var s2 = LabCaptures.Messages("S2-ikev1-r2-initiates");
        Assert.Equal("cn=CA1,o=cisco,o=com", CertReqNames(s2[2].Message)[0]);
        Assert.Equal("cn=CA2,o=cisco,o=com", CertReqNames(s2[3].Message)[0]);
    }

    private static List<string> CertReqNames(byte[] message) =>
        LabCaptures.ClearPayloads(message.AsSpan(28), message[16])
            .Where(p => p.Type == (byte)PayloadType.CR)
            .Select(p => DistinguishedName.TryDecode(p.Body.AsSpan(1), out var dn) ? dn!.ToIosString() : "?")
            .ToList();

    // ---- signatures ----

    /// <summary>
    /// Every signature in every forged capture verifies with the certificate sent beside it, computed from the
    /// capture's own bytes (cookies/SPIs, SA, KE, nonces, IDs) and only the DH shared secret from the forge. The keys
    /// derived from it equal the committed key table, so the secret belongs to this capture; and the certificate is
    /// the one the model chose (<see cref="ForgedNegotiation.CertificateSent"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(Folders))]
    public void Signatures_VerifyWithTheCertificatesInTheCapture(string folder)
    {
        ForgeResult result = ForgedCaptures.Result(folder);
        int verified = 0;
        foreach (var (spi, messages) in ForgedCaptures.BySa(folder))
        {
            ForgedNegotiation n = result.Negotiations.Single(x =>
                (x.Ikev1Keys?.InitiatorCookie ?? x.Ikev2Keys?.InitiatorSpi) == spi);
            verified += n.Version == 1 ? VerifyIkev1(folder, result, n, messages) : VerifyIkev2(folder, result, n, messages);
        }
        int expected = result.Negotiations.Sum(n => n.CertificateSent.Count);
        Assert.Equal(expected, verified);
    }

    private static int VerifyIkev1(string folder, ForgeResult result, ForgedNegotiation n, List<(long Frame, byte[] Message)> frames)
    {
        var distinct = new List<byte[]>();
        foreach (var (_, m) in frames)
            if (!distinct.Any(d => d.AsSpan().SequenceEqual(m)) && m[18] == (byte)ExchangeType.IdentityProtection)
                distinct.Add(m);
        var p = distinct.Select(m => m[19] == 0 ? LabCaptures.ClearPayloads(m.AsSpan(28), m[16]) : null).ToList();
        byte[] saiB = p[0]!.First(x => x.Type == (byte)PayloadType.SA).Body;
        byte[] gxi = p[2]!.First(x => x.Type == (byte)PayloadType.KE).Body, ni = p[2]!.First(x => x.Type == (byte)PayloadType.NONCE).Body;
        byte[] gxr = p[3]!.First(x => x.Type == (byte)PayloadType.KE).Body, nr = p[3]!.First(x => x.Type == (byte)PayloadType.NONCE).Body;
        byte[] ckyI = distinct[2][..8], ckyR = distinct[2][8..16];
        var (suite, _) = IosAlgorithms.Ikev1Suite(result.Scenario.Router(n.Initiator).Ikev1!.Policy);
        IkePrf prf = suite.Prf;
        Ikev1Keys keys = Ikev1KeyDerivation.Derive(suite, ni, nr, n.SharedSecret!, ckyI, ckyR);
        string table = File.ReadAllText(Path.Combine(ForgedCaptures.Dir(folder), "ikev1_decryption_table"));
        Assert.Contains($"{Convert.ToHexStringLower(ckyI)},{Convert.ToHexStringLower(keys.EncryptionKey)}", table);

        int verified = 0;
        byte[] iv = Ikev1KeyDerivation.Phase1Iv(prf, gxi, gxr, suite.BlockSize);
        for (int k = 4; k < Math.Min(6, distinct.Count); k++)
        {
            var dec = Ikev1MessageCrypto.Decrypt(distinct[k], suite, keys.EncryptionKey, iv);
            Assert.True(dec.IsOk, $"{folder}: MM{k + 1} does not decrypt: {dec.Status}");
            iv = dec.LastBlock;
            var inner = LabCaptures.ClearPayloads(dec.Plaintext, distinct[k][16]);
            byte[] id = inner.First(x => x.Type == (byte)PayloadType.ID).Body;
            var cert = new X509CertificateParser().ReadCertificate(inner.First(x => x.Type == (byte)PayloadType.CERT).Body[1..]);
            byte[] sig = inner.First(x => x.Type == (byte)PayloadType.SIG).Body;
            bool initiator = k == 4;
            byte[] hash = initiator
                ? Ikev1KeyDerivation.HashI(prf, keys.Skeyid, gxi, gxr, ckyI, ckyR, saiB, id)
                : Ikev1KeyDerivation.HashR(prf, keys.Skeyid, gxi, gxr, ckyI, ckyR, saiB, id);
            // RFC 2409 §5.1: SIG is the PKCS#1 v1.5 (block type 1) RSA signature of HASH_I / HASH_R.
            var rsa = new Pkcs1Encoding(new RsaEngine());
            rsa.Init(false, cert.GetPublicKey());
            Assert.Equal(hash, rsa.ProcessBlock(sig, 0, sig.Length));
            string sender = initiator ? n.Initiator : n.Responder;
            Assert.Equal(result.Pki.Identity(sender, n.CertificateSent[sender]).Der, cert.GetEncoded());
            verified++;
        }
        return verified;
    }

    private static int VerifyIkev2(string folder, ForgeResult result, ForgedNegotiation n, List<(long Frame, byte[] Message)> frames)
    {
        byte[] m1 = frames.First(f => f.Message[18] == (byte)ExchangeType.IKE_SA_INIT && (f.Message[19] & 0x20) == 0).Message;
        byte[] m2 = frames.First(f => f.Message[18] == (byte)ExchangeType.IKE_SA_INIT && (f.Message[19] & 0x20) != 0).Message;
        var p1 = LabCaptures.ClearPayloads(m1.AsSpan(28), m1[16]);
        var p2 = LabCaptures.ClearPayloads(m2.AsSpan(28), m2[16]);
        byte[] ni = p1.First(x => x.Type == (byte)PayloadType.Nonce).Body, nr = p2.First(x => x.Type == (byte)PayloadType.Nonce).Body;
        Ikev2CipherSuite suite = n.Ikev2Keys!.Suite!;
        Ikev2Keys keys = Ikev2KeyDerivation.DeriveFromSharedSecret(suite, ni, nr, n.SharedSecret!, m2[..8], m2[8..16]);
        string table = File.ReadAllText(Path.Combine(ForgedCaptures.Dir(folder), "ikev2_decryption_table"));
        Assert.Contains($"{Convert.ToHexStringLower(m2[..8])},{Convert.ToHexStringLower(m2[8..16])},{Convert.ToHexStringLower(keys.SkEi)},{Convert.ToHexStringLower(keys.SkEr)},", table);

        int verified = 0;
        foreach (bool initiator in new[] { true, false })
        {
            // The IKE_AUTH message of this direction: SK, or SKF fragments in order (RFC 7383 §2.6).
            var parts = frames.Where(f => f.Message[18] == (byte)ExchangeType.IKE_AUTH && ((f.Message[19] & 0x08) != 0) == initiator).ToList();
            if (parts.Count == 0) continue;
            PayloadType first = PayloadType.NONE;
            var plain = new List<byte>();
            foreach (var (_, m) in parts)
            {
                var d = Ikev2EncryptedPayload.Decrypt(m, suite, keys);
                Assert.True(d.IsOk, $"{folder}: IKE_AUTH does not decrypt: {d.Status}");
                if (first == PayloadType.NONE) first = d.FirstPayload;
                plain.AddRange(d.Plaintext);
            }
            var inner = LabCaptures.ClearPayloads(plain.ToArray(), (byte)first);
            if (!inner.Any(x => x.Type == (byte)PayloadType.AUTH)) continue; // AUTHENTICATION_FAILED only
            byte[] id = inner.First(x => x.Type == (byte)(initiator ? PayloadType.IDi : PayloadType.IDr)).Body;
            var cert = new X509CertificateParser().ReadCertificate(inner.First(x => x.Type == (byte)PayloadType.CERTv2).Body[1..]);
            byte[] auth = inner.First(x => x.Type == (byte)PayloadType.AUTH).Body;
            Assert.Equal((byte)Ikev2AuthMethod.RSA_Digital_Signature, auth[0]);
            // RFC 7296 §2.15: signed octets = RealMessage | peer's nonce | prf(SK_p, RestOfIDPayload).
            byte[] octets = initiator
                ? [.. m1, .. nr, .. suite.PrfFunction.Compute(keys.SkPi, id)]
                : [.. m2, .. ni, .. suite.PrfFunction.Compute(keys.SkPr, id)];
            var verifier = SignerUtilities.GetSigner("SHA-1withRSA");
            verifier.Init(false, cert.GetPublicKey());
            verifier.BlockUpdate(octets, 0, octets.Length);
            Assert.True(verifier.VerifySignature(auth[4..]), $"{folder}: AUTH of the {(initiator ? "initiator" : "responder")} does not verify");
            string sender = initiator ? n.Initiator : n.Responder;
            Assert.Equal(result.Pki.Identity(sender, n.CertificateSent[sender]).Der, cert.GetEncoded());
            verified++;
        }
        return verified;
    }
}
