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

    /// <summary>Every algorithm name the key table parser takes (but PcapIke's own ChaCha20-Poly1305 name) is one
    /// tshark 4.0 loads without complaint, with keys of the lengths PcapIke requires for it.</summary>
    [Fact]
    public void EveryAcceptedName_Tshark40LoadsTheTableWithTheSameKeyLengths()
    {
        var lines = new List<string>();
        string Hex(int n, int seed) => Convert.ToHexStringLower(Enumerable.Range(seed, n).Select(i => (byte)i).ToArray());
        int spi = 1;
        string Line(string enc, string integ, int encOctets, int integOctets) =>
            $"{spi++:x16},{0xff00 + spi:x16},{Hex(encOctets, 1)},{Hex(encOctets, 2)},\"{enc}\",{Hex(integOctets, 3)},{Hex(integOctets, 4)},\"{integ}\"";
        foreach (string enc in KeyTables.EncryptionNames.Where(n => n != KeyTables.ChaCha20Poly1305Name))
        {
            var probe = Assert.Single(KeyTables.ParseIkev2("probe", [ProbeLine(enc)])).Suite!;
            string integ = probe.IsAead ? "NONE [RFC4306]" : "HMAC_SHA1_96 [RFC2404]";
            lines.Add(Line(enc, integ, probe.EncryptionKeyLength, probe.IsAead ? 0 : 20));
        }
        foreach (string integ in KeyTables.IntegrityNames.Where(n => n != "NONE [RFC4306]"))
        {
            int octets = Assert.Single(KeyTables.ParseIkev2("probe", [ProbeLine("AES-CBC-128 [RFC3602]", integ)])).Suite!.IntegrityKeyLength;
            lines.Add(Line("AES-CBC-128 [RFC3602]", integ, 16, octets));
        }
        Assert.Equal(KeyTables.EncryptionNames.Count() - 1 + KeyTables.IntegrityNames.Count() - 1, lines.Count);
        string dir = TestPaths.NewTempDir();
        try
        {
            WriteTable(dir, lines);
            string capture = Path.Combine(dir, "c.pcap");
            File.WriteAllBytes(capture, Ikev2ExchangeForge.Create(Cases[0].Suite).Pcap());
            var (_, error) = Tool.Tshark(dir, "-r", capture, "-Y", "isakmp");
            Assert.DoesNotContain("Error loading table", error);
            Assert.DoesNotContain("invalid value", error);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A line with keys of whatever length the parser demands: read the length from its error, if any.</summary>
    private static string ProbeLine(string enc, string integ = "NONE [RFC4306]")
    {
        int e = 16, a = 0;
        for (int round = 0; round < 3; round++)
        {
            string line = $"0102030405060708,1112131415161718,{new string('a', 2 * e)},{new string('a', 2 * e)},\"{enc}\"," +
                          $"{new string('b', 2 * a)},{new string('b', 2 * a)},\"{integ}\"";
            try
            {
                KeyTables.ParseIkev2("probe", [line]);
                return line;
            }
            catch (KeyTableException ex)
            {
                var m = Regex.Match(ex.Reason, @"^(SK_e|SK_a)\w has \d+ octets, .* needs (\d+)$");
                Assert.True(m.Success, ex.Reason);
                if (m.Groups[1].Value == "SK_e") e = int.Parse(m.Groups[2].Value); else a = int.Parse(m.Groups[2].Value);
            }
        }
        throw new InvalidOperationException(enc);
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
