using System.Text.Json;
using PcapIke.Cli;
using PcapIke.Tests.Reports;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;

namespace PcapIke.Tests.Cli;

public class AnalyzeCommandTests
{
    private static void AssertOneLine(string error)
    {
        Assert.StartsWith("pcapike: ", error);
        Assert.EndsWith("\n", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("analyze", "x.pcap", "--format", "xml")]
    [InlineData("analyze", "x.pcap", "--bogus")]
    [InlineData("analyze", "x.pcap", "--ca")]
    [InlineData("analyze", "x.pcap", "--port", "notaport")]
    [InlineData("batch")]
    [InlineData("batch", "dir")]
    [InlineData("batch", "dir", "--csv")]
    [InlineData("batch", "dir", "--csv", "out.csv", "--format", "json")]
    public void UsageError_IsOneLine_ExitCode2(params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        AssertOneLine(error);
    }

    [Fact]
    public void MissingCaPath_IsOneLine_ExitCode3()
    {
        string missing = Path.Combine(TestPaths.NewTempDir(), "nope.pem");
        var (exit, output, error) = Run("analyze", "--ca", missing, "x.pcap");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("", output);
        AssertOneLine(error);
        Assert.Contains($"--ca: {missing}: no such file or directory", error);
    }

    [Fact]
    public void CaFileThatIsNotACertificate_IsOneLine_ExitCode3_NothingAnalysed()
    {
        string junk = Junk(TestPaths.NewTempDir(), "ca.pem");
        var fake = new FakeAnalyzer(_ => 1);
        var (exit, output, error) = RunWith(fake.Analyze, "analyze", "--ca", junk, "good.pcap");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("", output);
        AssertOneLine(error);
        Assert.StartsWith("pcapike: --ca: ", error);
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public void UnreadableCaptures_AreOneLineEach_ExitCode3()
    {
        string dir = TestPaths.NewTempDir();
        string junk = Junk(dir);
        string missing = Path.Combine(dir, "missing.pcap");
        var (exit, output, error) = Run("analyze", junk, missing);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("", output);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"pcapike: {junk}: not a pcap or pcapng capture", lines[0]);
        Assert.StartsWith($"pcapike: {missing}: cannot open", lines[1]);
    }

    [Fact]
    public void UnreadableCapture_OtherFilesAreStillAnalysed()
    {
        var fake = new FakeAnalyzer(_ => 1);
        var (exit, output, error) = RunWith(fake.Analyze, "analyze", "bad.pcap", "good.pcap");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("pcapike: bad.pcap: not a pcap or pcapng capture (first bytes 74686973)\n", error);
        Assert.StartsWith("# good.pcap: 1 IKE SA", output);
        Assert.Contains("IKE SA 1  IKEv1  10.0.0.1:500 → 172.16.0.2:500", output);
        Assert.Contains("↻ MM4 (re-sent, responder rejected MM5)", output);
    }

    [Fact]
    public void Text_SeveralFiles_EachWithItsHeader()
    {
        var fake = new FakeAnalyzer(f => f.StartsWith('a') ? 2 : 1);
        var (exit, output, _) = RunWith(fake.Analyze, "analyze", "a.pcap", "b.pcap");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("# a.pcap: 2 IKE SAs", output);
        Assert.Contains("\n\n# b.pcap: 1 IKE SA", output);
        Assert.Contains("IKE SA 2  IKEv2  192.0.2.1:500 → 192.0.2.2:500", output);
    }

    [Fact]
    public void Json_HasTopLevelSas_AndTheUnreadableFileInFiles()
    {
        var fake = new FakeAnalyzer(_ => 2);
        var (exit, output, error) = RunWith(fake.Analyze, "analyze", "--format", "JSON", "a.pcap", "bad.pcap");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        var root = JsonDocument.Parse(output).RootElement;
        var sas = root.GetProperty("sas");
        Assert.Equal(2, sas.GetArrayLength());
        Assert.Equal("a.pcap", sas[0].GetProperty("file").GetString());
        Assert.Equal(2, sas[1].GetProperty("id").GetInt32()); // in the analysis' own order
        var files = root.GetProperty("files");
        Assert.Equal("bad.pcap", files[1].GetProperty("file").GetString());
        Assert.StartsWith("not a pcap or pcapng capture", files[1].GetProperty("error").GetString());
    }

    [Fact]
    public void Csv_IsTheBatchRowFormat_WithErrorRows()
    {
        var fake = new FakeAnalyzer(_ => 1);
        var (exit, output, _) = RunWith(fake.Analyze, "analyze", "-f", "csv", "a.pcap", "bad.pcap");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        var lines = output.Split('\n');
        Assert.Equal(BatchCsvWriterTests.Header, lines[0]);
        Assert.StartsWith("a.pcap,1,1,10.0.0.1:500,", lines[1]);
        Assert.StartsWith("bad.pcap,,,,,,,,,,,,,,,,,not a pcap", lines[2]);
    }

    // ---- end to end, once the correlator is in (ExchangeCorrelator) ----

    [Fact]
    [Trait("NeedsCorrelator", "true")]
    public void EndToEnd_Ikev1MainMode_Text()
    {
        var (exit, output, error) = Run("analyze", RepoCapture("strongswan-ikev1-main-mode"));
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("IKE SA 1  IKEv1  192.0.2.1:500 → 192.0.2.2:500", output);
        Assert.Contains("  MM1", output);
        Assert.Contains("  MM6", output);
        Assert.Contains("Outcome          established", output);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    [Trait("NeedsCorrelator", "true")]
    public void EndToEnd_Ikev2_Json_FollowsTheContract_AndCaNamesHashes()
    {
        string folder = Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc");
        var (exit, output, error) = Run("analyze", "--format", "json", RepoCapture("strongswan-ikev2-aes-cbc"),
            "--ca", Path.Combine(folder, "ca1.pem"), "--ca", Path.Combine(folder, "ca2.pem"));
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        var sa = JsonDocument.Parse(output).RootElement.GetProperty("sas")[0];
        Assert.Equal(2, sa.GetProperty("version").GetInt32());
        Assert.Equal("192.0.2.1:500", sa.GetProperty("initiator").GetString());
        Assert.Equal("192.0.2.2:500", sa.GetProperty("responder").GetString());
        Assert.Equal(16, sa.GetProperty("spiI").GetString()!.Length);
        var first = sa.GetProperty("messages")[0];
        Assert.Equal("IKE_SA_INIT request", first.GetProperty("step").GetString());
        Assert.Equal("i2r", first.GetProperty("direction").GetString());
        Assert.Equal("r2i", sa.GetProperty("messages")[1].GetProperty("direction").GetString());
        Assert.Equal("established", sa.GetProperty("outcome").GetString());
        var responderCertReq = sa.GetProperty("certReq").GetProperty("responder").EnumerateArray().ToList();
        Assert.NotEmpty(responderCertReq);
        Assert.Contains(responderCertReq, e => e.GetProperty("caName").ValueKind == JsonValueKind.String);
    }
}
