using System.Text.RegularExpressions;
using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Reference;

/// <summary>
/// Differential: IKEv2 negotiations encrypted with each cipher added for RFC 5930 (AES-CTR) and RFC 5282 (AES-CCM),
/// in one capture with one <c>ikev2_decryption_table</c>; tshark 4.0 (the table in XDG_CONFIG_HOME/wireshark/)
/// and PcapIke must both decrypt every IKE_AUTH message with it.
/// </summary>
public class TsharkDecryptionTests
{
    public sealed record Case(Ikev2CipherSuite Suite, string Encryption, string Integrity);

    private static Ikev2CipherSuite Suite(EncryptionTransformId e, int bits, IntegrityTransformId i) =>
        new(e, bits, i, PrfTransformId.PRF_HMAC_SHA2_256);

    /// <summary>Every new Wireshark name with a suite; AES-CBC and AES-GCM (already there) as controls.</summary>
    public static IReadOnlyList<Case> Cases { get; } =
    [
        new(Suite(EncryptionTransformId.ENCR_AES_CTR, 128, IntegrityTransformId.AUTH_HMAC_SHA1_96), "AES-CTR-128 [RFC5930]", "HMAC_SHA1_96 [RFC2404]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CTR, 192, IntegrityTransformId.AUTH_HMAC_SHA2_384_192), "AES-CTR-192 [RFC5930]", "HMAC_SHA2_384_192 [RFC4868]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CTR, 256, IntegrityTransformId.AUTH_HMAC_SHA2_256_128), "AES-CTR-256 [RFC5930]", "HMAC_SHA2_256_128 [RFC4868]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_8, 128, IntegrityTransformId.NONE), "AES-CCM-128 with 8 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_8, 192, IntegrityTransformId.NONE), "AES-CCM-192 with 8 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_8, 256, IntegrityTransformId.NONE), "AES-CCM-256 with 8 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_12, 128, IntegrityTransformId.NONE), "AES-CCM-128 with 12 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_12, 192, IntegrityTransformId.NONE), "AES-CCM-192 with 12 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_12, 256, IntegrityTransformId.NONE), "AES-CCM-256 with 12 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_16, 128, IntegrityTransformId.NONE), "AES-CCM-128 with 16 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_16, 192, IntegrityTransformId.NONE), "AES-CCM-192 with 16 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CCM_16, 256, IntegrityTransformId.NONE), "AES-CCM-256 with 16 octet ICV [RFC5282]", "NONE [RFC4306]"),
        new(Suite(EncryptionTransformId.ENCR_AES_CBC, 128, IntegrityTransformId.AUTH_HMAC_SHA2_512_256), "AES-CBC-128 [RFC3602]", "HMAC_SHA2_512_256 [RFC4868]"),
        new(Suite(EncryptionTransformId.ENCR_AES_GCM_12, 256, IntegrityTransformId.NONE), "AES-GCM-256 with 12 octet ICV [RFC5282]", "NONE [RFC4306]"),
    ];

    [Fact]
    public void NewCiphers_TsharkAndPcapIkeDecryptTheSameCaptureWithTheSameTable()
    {
        var forges = Cases.Select((c, i) => Ikev2ExchangeForge.Create(c.Suite, spiI: 0x1000_0000_0000_0001UL + (ulong)i)).ToList();
        string dir = TestPaths.NewTempDir();
        try
        {
            string capture = Path.Combine(dir, "ciphers.pcap");
            File.WriteAllBytes(capture, Exchanges.IkeForge.Pcap(forges.SelectMany((f, i) => f.At(i))));
            string table = WriteTable(dir, forges.Select((f, i) => f.TableLine(Cases[i].Encryption, Cases[i].Integrity)));

            var (output, error) = Tool.Tshark(dir, "-r", capture, "-V", "-Y", "isakmp");
            Assert.DoesNotContain("Error loading table", error);
            var frames = SplitFrames(output);
            Assert.Equal(4 * Cases.Count, frames.Count);
            for (int i = 0; i < Cases.Count; i++)
            {
                var (c, f) = (Cases[i], forges[i]);
                foreach (var (frame, message, id) in new[] { (4 * i + 3, f.AuthRequest, Ikev2ExchangeForge.InitiatorId),
                                                             (4 * i + 4, f.AuthResponse, Ikev2ExchangeForge.ResponderId) })
                {
                    string text = frames[frame];
                    Assert.Contains($"<{c.Encryption}>", text);
                    Assert.Contains($"ID_FQDN: {id}", text);
                    string icv = Convert.ToHexStringLower(message.AsSpan(message.Length - c.Suite.IcvLength));
                    Assert.Matches(new Regex($@"Integrity Checksum Data: {icv} \({c.Suite.IcvLength} bytes\)[^\n]*\[correct\]"), text);
                }
            }

            // PcapIke, same capture, same table: every IKE_AUTH message decrypts to the forged inner payloads.
            var messages = Dissect(capture, KeyRing.Load([table]));
            for (int i = 0; i < Cases.Count; i++)
            {
                Assert.Equal(forges[i].AuthRequestInner, Inner(messages[4 * i + 2]));
                Assert.Equal(forges[i].AuthResponseInner, Inner(messages[4 * i + 3]));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>tshark 4.0 has no ChaCha20-Poly1305 in its IKEv2 table: it refuses the line (so the differential
    /// cannot include it). PcapIke accepts its own name for it and decrypts.</summary>
    [Fact]
    public void ChaCha20Poly1305_Tshark40RefusesTheTable_PcapIkeDecrypts()
    {
        var suite = Suite(EncryptionTransformId.ENCR_CHACHA20_POLY1305, 0, IntegrityTransformId.NONE);
        var forge = Ikev2ExchangeForge.Create(suite);
        string dir = TestPaths.NewTempDir();
        try
        {
            string capture = Path.Combine(dir, "chacha.pcap");
            File.WriteAllBytes(capture, forge.Pcap());
            string table = WriteTable(dir, [forge.TableLine(KeyTables.ChaCha20Poly1305Name, "NONE [RFC4306]")]);
            var (output, error) = Tool.Tshark(dir, "-r", capture, "-V", "-Y", "isakmp");
            Assert.Contains($"ikev2_decryption_table:1: invalid value: {KeyTables.ChaCha20Poly1305Name}", error);
            Assert.DoesNotContain("ID_FQDN: moon.lab.example", output);

            var messages = Dissect(capture, KeyRing.Load([table]));
            Assert.Equal(forge.AuthRequestInner, Inner(messages[2]));
            Assert.Equal(forge.AuthResponseInner, Inner(messages[3]));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string WriteTable(string configHome, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(Path.Combine(configHome, "wireshark"));
        string table = Path.Combine(configHome, "wireshark", "ikev2_decryption_table");
        File.WriteAllLines(table, lines);
        return table;
    }

    /// <summary>tshark -V text by frame number (1-based).</summary>
    private static Dictionary<int, string> SplitFrames(string output)
    {
        var frames = new Dictionary<int, string>();
        foreach (Match m in Regex.Matches(output, @"^Frame (\d+): .*?(?=^Frame \d+: |\z)", RegexOptions.Multiline | RegexOptions.Singleline))
            frames[int.Parse(m.Groups[1].Value)] = m.Value;
        return frames;
    }

    private static List<DissectedMessage> Dissect(string capture, KeyRing ring)
    {
        var list = new List<DissectedMessage>();
        var malformations = new MalformationList();
        CaptureDissector.Dissect(capture, malformations, list.Add, keys: ring);
        Assert.Empty(malformations.Items);
        return list;
    }

    /// <summary>The decrypted inner payload bytes (the inner message less its 28-octet header).</summary>
    private static byte[] Inner(DissectedMessage m)
    {
        Assert.NotNull(m.Decryption);
        Assert.True(m.Decryption!.IsOk, $"frame {m.Frame}: {m.Decryption.StatusText}");
        return m.Decryption.InnerMessage![28..];
    }
}
