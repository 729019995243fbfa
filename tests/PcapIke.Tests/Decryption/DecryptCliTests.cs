using System.Text.Json;
using PcapIke.Findings;
using PcapIke.Cli;
using static PcapIke.Tests.Cli.CliRun;

namespace PcapIke.Tests.Decryption;

public class DecryptCliTests
{
    private static string Table(string scenario, string name) =>
        Path.Combine(Path.GetDirectoryName(RepoCapture(scenario))!, name);

    [Fact]
    public void Dissect_WithKeys_ShowsDecryptedInnerChain()
    {
        const string s = "strongswan-ikev2-untrusted-ca";
        var (exit, output, error) = Run("dissect", RepoCapture(s), "--keys", Table(s, "ikev2_decryption_table"));
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("", error);
        Assert.Contains("[SK] → {IDi,CERT,N(INITIAL_CONTACT),CERTREQ,IDr,AUTH,SA,TSi,TSr,", output);
        Assert.Contains("[SK] → {N(AUTHENTICATION_FAILED)}", output);
    }

    [Fact]
    public void Dissect_WithKeysOfAnotherCapture_ShowsNoKey()
    {
        var (exit, output, _) = Run("dissect", RepoCapture("strongswan-ikev2-aes-cbc"), "--keys",
            Table("strongswan-ikev2-untrusted-ca", "ikev2_decryption_table"));
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("[SK] decrypt: no key", output);
    }

    [Fact]
    public void Dissect_VerboseWithKeys_PrintsInnerTree()
    {
        const string s = "strongswan-ikev1-main-mode";
        var (exit, output, _) = Run("dissect", "-v", RepoCapture(s), "--keys", Table(s, "ikev1_decryption_table"));
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("[<encrypted>] → {ID,CERT,SIG,CR,CR,N(INITIAL_CONTACT)}", output);
        Assert.Contains("Decrypted payloads", output);
        Assert.Contains("moon.lab.example", output);
    }

    [Fact]
    public void DissectJson_WithKeys_AddsDecrypted()
    {
        const string s = "strongswan-ikev2-aes-gcm";
        var (exit, output, _) = Run("dissect", "-f", "json", RepoCapture(s), "--keys", Table(s, "ikev2_decryption_table"));
        Assert.Equal(ExitCodes.Ok, exit);
        using var doc = JsonDocument.Parse(output);
        var messages = doc.RootElement.GetProperty("files")[0].GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("encrypted").GetBoolean()).ToList();
        Assert.NotEmpty(messages);
        foreach (var m in messages)
        {
            var d = m.GetProperty("decrypted");
            Assert.Equal("Ok", d.GetProperty("status").GetString());
            Assert.True(d.GetProperty("payloads").GetArrayLength() > 0);
        }
    }

    [Fact]
    public void Dissect_KeysMissing_OneErrorLineExit3()
    {
        var (exit, output, error) = Run("dissect", RepoCapture("strongswan-ikev2-aes-cbc"), "--keys", "/nonexistent");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("", output);
        Assert.Equal("pcapike: --keys: /nonexistent: no such file", error.TrimEnd('\n'));
    }

    [Fact]
    public void Dissect_KeysBadLine_LocatedErrorExit3()
    {
        string dir = Directory.CreateTempSubdirectory("pcapike-keys").FullName;
        try
        {
            string table = Path.Combine(dir, "ikev2_decryption_table");
            File.WriteAllLines(table, ["# x", "0102030405060708,1112131415161718,aa,aa,\"Blowfish\",,,\"NONE [RFC4306]\""]);
            var (exit, _, error) = Run("dissect", RepoCapture("strongswan-ikev2-aes-cbc"), "--keys", table);
            Assert.Equal(ExitCodes.UnreadableInput, exit);
            Assert.Equal($"pcapike: --keys: {table}:2: unknown encryption algorithm \"Blowfish\"", error.TrimEnd('\n'));
        }
        finally { Directory.Delete(dir, true); }
    }
}

public class DecryptAnalysisTests
{
    private static PcapIke.Findings.AnalyzedSa Analyze(string scenario) =>
        Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(RepoCapture(scenario),
            new PcapIke.Analysis.AnalysisOptions { Keys = CaptureDecryptionTests.Ring(scenario) }).Sas);

    [Fact]
    public void UntrustedCa_WithKeys_FailedByDecryptedAuthenticationFailed()
    {
        var sa = Analyze("strongswan-ikev2-untrusted-ca");
        Assert.Equal(PcapIke.Exchanges.SaOutcome.Failed, sa.Sa.Outcome);
        Assert.Equal("notify AUTHENTICATION_FAILED at IKE_AUTH response", sa.Sa.OutcomeDetail);
        Assert.Contains(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.ErrorNotify);
        Assert.DoesNotContain(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.FailedInsideEncryptedMessage);
        Assert.Equal("moon.lab.example", sa.Sa.InitiatorId);
        Assert.Equal("sun.lab.example", sa.Sa.ResponderId);
        Assert.True(sa.Sa.ResponderIdFromRequest);
        Assert.Equal("CN=moon.lab.example,O=PcapIke Lab,C=CH", sa.Sa.InitiatorCertificate);
    }

    [Fact]
    public void UntrustedCa_WithoutKeys_StillThe_TooSmall_Inference()
    {
        var sa = Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(RepoCapture("strongswan-ikev2-untrusted-ca")).Sas);
        Assert.Equal(PcapIke.Exchanges.SaOutcome.Failed, sa.Sa.Outcome);
        Assert.Contains(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.FailedInsideEncryptedMessage);
        Assert.Null(sa.Sa.ResponderId);
    }

    [Theory]
    [InlineData("strongswan-ikev1-main-mode")]
    [InlineData("strongswan-ikev2-aes-cbc")]
    [InlineData("strongswan-ikev2-aes-gcm")]
    [InlineData("strongswan-ikev2-skf")]
    public void EstablishedLabCaptures_WithKeys_IdsAndCertificatesOfBothSides(string scenario)
    {
        var sa = Analyze(scenario);
        Assert.Equal(PcapIke.Exchanges.SaOutcome.Established, sa.Sa.Outcome);
        Assert.DoesNotContain("not verified", sa.Sa.OutcomeDetail);
        Assert.Equal("moon.lab.example", sa.Sa.InitiatorId);
        Assert.Equal("sun.lab.example", sa.Sa.ResponderId);
        Assert.False(sa.Sa.ResponderIdFromRequest);
        Assert.Equal("CN=moon.lab.example,O=PcapIke Lab,C=CH", sa.Sa.InitiatorCertificate);
        Assert.Equal("CN=sun.lab.example,O=PcapIke Lab,C=CH", sa.Sa.ResponderCertificate);
    }

    [Fact]
    public void AnalyzeCli_WithKeys_PrintsIdsAndCertificates()
    {
        const string s = "strongswan-ikev2-untrusted-ca";
        var (exit, output, error) = Run("analyze", RepoCapture(s), "--keys",
            Path.Combine(Path.GetDirectoryName(RepoCapture(s))!, "ikev2_decryption_table"));
        Assert.Equal("", error);
        Assert.Contains("IDs              i moon.lab.example  r sun.lab.example (IDr requested by the initiator)", output);
        Assert.Contains("Cert (i)         cn=moon.lab.example,o=PcapIke Lab,c=CH", output);
        Assert.Contains("failed: notify AUTHENTICATION_FAILED at IKE_AUTH response", output);
        Assert.Contains("PI301", output);
        Assert.DoesNotContain("PI110", output);
        Assert.NotEqual(ExitCodes.Usage, exit);
    }

    [Fact]
    public void AnalyzeCli_KeysMissing_OneErrorLineExit3()
    {
        var (exit, output, error) = Run("analyze", RepoCapture("strongswan-ikev2-aes-cbc"), "--keys", "/nonexistent");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("", output);
        Assert.Equal("pcapike: --keys: /nonexistent: no such file", error.TrimEnd('\n'));
    }
}
