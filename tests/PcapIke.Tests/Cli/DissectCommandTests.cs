using System.Text.Json;
using PcapIke.Cli;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

public class DissectCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = CommandLine.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    private static string Capture(string folder) => Path.Combine(TestPaths.RepoRoot, "captures", folder, "capture.pcap");

    [Fact]
    public void Dissect_PrintsOneLinePerIkeMessage_WithExchangeRoleSpisAndPayloads()
    {
        var (exit, output, error) = Run("dissect", Capture("strongswan-ikev2-aes-cbc"));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Contains("192.0.2.1:500 → 192.0.2.2:500  IKEv2 IKE_SA_INIT (34)  initiator request  mid=00000000", lines[0]);
        Assert.Contains("[SA,KE,Nonce,N(NAT_DETECTION_SOURCE_IP),N(NAT_DETECTION_DESTINATION_IP)", lines[0]);
        Assert.Contains("IKE_SA_INIT (34)  responder response", lines[1]);
        Assert.Contains(",CERTREQ,", lines[1]);
        Assert.Contains("IKE_AUTH (35)  initiator request  mid=00000001", lines[2]);
        Assert.EndsWith("nat-t  encrypted", lines[2].TrimEnd());
        Assert.Contains("4 frames, 4 IKE messages (4 shown), 0 malformations", output);
    }

    [Fact]
    public void Dissect_ReassembledIpFragments_AreShownOnTheCompletingFrame()
    {
        var (exit, output, _) = Run("dissect", Capture("strongswan-ikev2-ip-fragments"));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("     5  ", output);
        Assert.Contains("ip-frags=3 (from frame 3)", output);
        Assert.Contains("8 frames, 4 IKE messages", output);
    }

    [Fact]
    public void Dissect_Verbose_PrintsTheTreeLikeTsharkV()
    {
        var (exit, output, _) = Run("dissect", "--verbose", Path.Combine(TestPaths.SharedCaptures, "ikev1-certs.pcap"));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("Internet Security Association and Key Management Protocol", output);
        Assert.Contains("Initiator SPI: fafaeb49382a763c", output);
        Assert.Contains("Next payload: Security Association (1)", output);
    }

    [Fact]
    public void Dissect_Json_HasFilesMessagesAndPayloadDetails()
    {
        var (exit, output, _) = Run("dissect", "--format", "json", Path.Combine(TestPaths.SharedCaptures, "ikev1-certs.pcap"));

        Assert.Equal(ExitCodes.Ok, exit);
        using var doc = JsonDocument.Parse(output);
        var file = doc.RootElement.GetProperty("files")[0];
        var messages = file.GetProperty("messages");
        Assert.Equal(1, messages[0].GetProperty("frame").GetInt32());
        Assert.Equal("fafaeb49382a763c", messages[0].GetProperty("spiI").GetString());
        Assert.Equal("IdentityProtection", messages[0].GetProperty("exchangeType").GetString());
        var cr = messages.EnumerateArray().SelectMany(m => m.GetProperty("payloads").EnumerateArray())
            .First(p => p.GetProperty("typeRaw").GetInt32() == 7);
        Assert.Equal("dc=at,dc=geblergasse95,cn=SchendlZertifikate".Split(',').Reverse().Aggregate((a, b) => a + "," + b),
            cr.GetProperty("details").GetProperty("dnIos").GetString());
        Assert.Equal(0, file.GetProperty("malformations").GetArrayLength());
    }

    [Fact]
    public void Dissect_FilterBySpi_KeepsOnlyThatSa()
    {
        var all = Run("dissect", Path.Combine(TestPaths.SharedCaptures, "ipsec.cap"));
        var (exit, output, _) = Run("dissect", "--spi", "c6:d1:45:92:85:15:0c:7e", Path.Combine(TestPaths.SharedCaptures, "ipsec.cap"));

        Assert.Equal(ExitCodes.Ok, exit);
        int shown = output.Split('\n').Count(l => l.Contains("spi=c6d14592850c7e", StringComparison.Ordinal) || l.Contains("spi=c6d1459285150c7e", StringComparison.Ordinal));
        Assert.True(shown > 0);
        Assert.DoesNotContain(output.Split('\n'), l => l.Contains(" mid=", StringComparison.Ordinal) && !l.Contains("c6d1459285150c7e", StringComparison.Ordinal));
        Assert.True(output.Length < all.Out.Length || all.Out.Split('\n').Count(l => l.Contains(" mid=")) == shown);
    }

    [Fact]
    public void Dissect_FilterByAddress_KeepsMessagesToOrFromIt()
    {
        var (exit, output, _) = Run("dissect", "--address", "192.0.2.9", Capture("strongswan-ikev2-aes-cbc"));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("4 IKE messages (0 shown)", output);
    }

    [Fact]
    public void Dissect_MissingFile_IsOneErrorLineAndExitCode3()
    {
        var (exit, output, error) = Run("dissect", "/nonexistent/x.pcap");

        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("pcapike: /nonexistent/x.pcap:", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Dissect_NotACapture_IsOneErrorLineAndExitCode3()
    {
        string path = Path.Combine(TestPaths.NewTempDir(), "notes.txt");
        File.WriteAllText(path, "this is not a capture file at all");

        var (exit, _, error) = Run("dissect", path);

        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"pcapike: {path}:", error);
    }

    [Theory]
    [InlineData("dissect")]
    [InlineData("dissect", "--format", "xml", "x.pcap")]
    [InlineData("nosuchcommand")]
    [InlineData("dissect", "--spi", "zz", "x.pcap")]
    [InlineData("dissect", "--address", "300.1.1.1", "x.pcap")]
    public void BadUsage_IsOneErrorLineAndExitCode2(params string[] args)
    {
        var (exit, _, error) = Run(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("pcapike: ", error);
    }

    [Fact]
    public void Dissect_SeveralFiles_OneUnreadable_ReportsItAndStillDissectsTheOthers()
    {
        var (exit, output, error) = Run("dissect", "/nonexistent/x.pcap", Capture("strongswan-ikev2-aes-gcm"));

        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Contains("4 IKE messages", output);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
