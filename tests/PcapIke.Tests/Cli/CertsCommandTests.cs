using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Org.BouncyCastle.Asn1.X509;
using PcapIke.Certificates;
using PcapIke.Cli;
using PcapIke.Crypto;
using PcapIke.Ike;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;

namespace PcapIke.Tests.Cli;

/// <summary><c>pcapike certs</c>: PEM files named by CN and serial, the table, JSON, errors.</summary>
public sealed class CertsCommandTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();
    private string Out => Path.Combine(_dir, "out");

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Table(string scenario, string name) => Path.Combine(TestPaths.RepoRoot, "captures", scenario, name);

    [Fact]
    public void LabCaptureWithKeys_BothPeersCertificatesWrittenAsPemAndListed()
    {
        const string s = "strongswan-ikev2-aes-cbc";
        var (exit, output, error) = Run("certs", RepoCapture(s), "--out", Out, "--keys", Table(s, "ikev2_decryption_table"));
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(["moon.lab.example-serial-11.pem", "sun.lab.example-serial-12.pem"],
            Directory.GetFiles(Out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        // .NET's own X.509 reader (not BouncyCastle) reads the PEM back
        var moon = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Out, "moon.lab.example-serial-11.pem")));
        Assert.Equal("11", moon.SerialNumber);
        Assert.Equal("CN=moon.lab.example, O=PcapIke Lab, C=CH", moon.Subject);
        Assert.Equal("CN=Lab CA1, O=PcapIke Lab, C=CH", moon.Issuer);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^frame +dir +exchange +subject +issuer +serial +valid +key +pem$", lines[0]);
        Assert.Matches(@"^3 +i→r +IKE_AUTH request +CN=moon\.lab\.example,O=PcapIke Lab,C=CH +CN=Lab CA1,O=PcapIke Lab,C=CH +11 +2026-11-27\.\.2031-11-26 +RSA 2048 +moon\.lab\.example-serial-11\.pem$", lines[1]);
        Assert.Matches(@"^4 +r→i +IKE_AUTH response +CN=sun\.lab\.example,O=PcapIke Lab,C=CH +CN=Lab CA1,O=PcapIke Lab,C=CH +12 +2026-11-27\.\.2031-11-26 +RSA 2048 +sun\.lab\.example-serial-12\.pem$", lines[2]);
        Assert.Equal($"2 distinct certificates (2 seen) in 1 capture; 2 written to {Out}", lines[3]);
    }

    [Fact]
    public void WithoutKeys_EncryptedCertificatesAreNotSeen()
    {
        var (exit, output, _) = Run("certs", RepoCapture("strongswan-ikev2-aes-cbc"), "--out", Out);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal($"0 distinct certificates (0 seen) in 1 capture; 0 written to {Out}\n", output);
        Assert.Empty(Directory.GetFiles(Out));
    }

    [Fact]
    public void TwoCapturesOfOneLab_SameCertificatesOnceEach_CaptureColumn()
    {
        var (exit, output, _) = Run("certs", RepoCapture("strongswan-ikev2-aes-cbc"), RepoCapture("strongswan-ikev1-main-mode"),
            "--out", Out, "--keys", Table("strongswan-ikev2-aes-cbc", "ikev2_decryption_table"),
            "--keys", Table("strongswan-ikev1-main-mode", "ikev1_decryption_table"));
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith("capture ", output);
        Assert.EndsWith($"2 distinct certificates (4 seen) in 2 captures; 2 written to {Out}\n", output);
        Assert.Equal(2, Directory.GetFiles(Out).Length);
    }

    [Fact]
    public void Json_CertificatesAndFiles()
    {
        const string s = "strongswan-ikev1-main-mode";
        var (exit, output, _) = Run("certs", RepoCapture(s), "--out", Out, "--format", "json", "--keys", Table(s, "ikev1_decryption_table"));
        Assert.Equal(ExitCodes.Ok, exit);
        using var doc = JsonDocument.Parse(output);
        var certs = doc.RootElement.GetProperty("certificates");
        Assert.Equal(2, certs.GetArrayLength());
        var moon = certs[0];
        Assert.Equal(5, moon.GetProperty("frame").GetInt32());
        Assert.Equal("i2r", moon.GetProperty("direction").GetString());
        Assert.Equal("MM5", moon.GetProperty("step").GetString());
        Assert.Equal("MainMode", moon.GetProperty("exchange").GetString());
        Assert.Equal("moon.lab.example-serial-11.pem", moon.GetProperty("pem").GetString());
        Assert.Equal("11", moon.GetProperty("serial").GetString());
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", moon.GetProperty("issuer").GetString());
        Assert.Equal("2031-11-26T13:13:07Z", moon.GetProperty("notAfter").GetString());
        Assert.Equal(1, moon.GetProperty("seen").GetInt32());
        Assert.True(moon.GetProperty("decrypted").GetBoolean());
        Assert.Equal("r2i", certs[1].GetProperty("direction").GetString());
        var file = doc.RootElement.GetProperty("files")[0];
        Assert.Equal(2, file.GetProperty("certificates").GetInt32());
    }

    [Fact]
    public void UnsafeCommonNameAndNameClash_SafeDistinctFileNames()
    {
        var ca = TestPki.Ca("C=CH,O=Test,CN=Test CA", seed: 21);
        var a = TestPki.Issue(ca, "O=Test,CN=../../etc/r1 x", serial: 5, seed: 22);
        var b = TestPki.Issue(ca, "O=Test,CN=../../etc/r1 x", serial: 5, seed: 23);   // same CN and serial, other key
        var forge = Ikev2ExchangeForge.Create(new Ikev2CipherSuite(EncryptionTransformId.ENCR_AES_CCM_8, 128, IntegrityTransformId.NONE,
            PrfTransformId.PRF_HMAC_SHA2_256), requestCertificates: [a.Der, ca.Der], responseCertificates: [b.Der]);
        string capture = Path.Combine(_dir, "forged.pcap");
        File.WriteAllBytes(capture, forge.Pcap());
        string table = Path.Combine(_dir, "ikev2_decryption_table");
        File.WriteAllText(table, forge.TableLine("AES-CCM-128 with 8 octet ICV [RFC5282]", "NONE [RFC4306]") + "\n");
        var (exit, _, error) = Run("certs", capture, "--out", Out, "--keys", table);
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        string bSha = CertificateInfo.Parse(b.Der).Sha256[..8];
        Assert.Equal(["Test_CA-serial-01.pem", $"etc_r1_x-serial-05-{bSha}.pem", "etc_r1_x-serial-05.pem"],
            Directory.GetFiles(Out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        Assert.Empty(Directory.GetDirectories(Out));
        // the first seen (the initiator's) keeps the plain name
        Assert.Equal(a.Der, CertificateInfo.Parse(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Out, "etc_r1_x-serial-05.pem"))).RawData).Der);
    }

    [Theory]
    [InlineData("R1", "R1")]
    [InlineData("Lab CA1", "Lab_CA1")]
    [InlineData("../../x", "x")]
    [InlineData("a/b\\c\0d", "a_b_c_d")]
    [InlineData("", "certificate")]
    [InlineData(null, "certificate")]
    [InlineData("..", "certificate")]
    [InlineData("zürich-vpn", "z_rich-vpn")]
    public void SafeName_KeepsOnlyPortableFileNameCharacters(string? cn, string expected)
    {
        Assert.Equal(expected, CertificateCollector.SafeName(cn));
    }

    [Fact]
    public void UnreadableCapture_OneErrorLineExit3_OthersStillRead()
    {
        const string s = "strongswan-ikev2-aes-cbc";
        string junk = Junk(_dir);
        var (exit, output, error) = Run("certs", junk, RepoCapture(s), "--out", Out, "--keys", Table(s, "ikev2_decryption_table"));
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.StartsWith($"pcapike: {junk}: ", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains($"2 distinct certificates (2 seen) in 1 capture; 2 written to {Out}", output);
    }

    [Fact]
    public void OutMissing_UsageError_OutNotADirectory_Exit3()
    {
        var (exit, _, error) = Run("certs", RepoCapture("strongswan-ikev2-aes-cbc"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("pcapike: Option '--out' is required.", error);
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        (exit, _, error) = Run("certs", RepoCapture("strongswan-ikev2-aes-cbc"), "--out", file);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.StartsWith($"pcapike: --out: cannot create {file}: ", error);
    }

    [Fact]
    public void KeysFromCharonLog_AlsoOnCerts()
    {
        string log = Path.Combine(_dir, "charon.log");
        File.WriteAllLines(log, CharonLogForge.ForIkev2LabCapture("strongswan-ikev2-skf"));
        var (exit, output, error) = Run("certs", RepoCapture("strongswan-ikev2-skf"), "--out", Out, "--keys-from-charon-log", log);
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("2 distinct certificates (2 seen) in 1 capture; 2 written to", output);
    }
}
