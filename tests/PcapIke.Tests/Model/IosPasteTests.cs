using PcapIke.Model.Ios;

namespace PcapIke.Tests.Model;

/// <summary>The tolerance rules of docs/ios-parsers.md: what a paste holds and how its lines are cleaned.</summary>
public class IosPasteTests
{
    [Theory]
    [InlineData("technote-r1-ikev1-config.md", IosTextKinds.RunningConfig)]
    [InlineData("technote-r2-ikev2-responder-config.md", IosTextKinds.RunningConfig)]
    [InlineData("technote-r1-ikev2-responder-profile.md", IosTextKinds.RunningConfig)]
    [InlineData("technote-r1-ikev1-show-crypto-pki-certificates.md", IosTextKinds.PkiCertificates)]
    [InlineData("technote-r2-ikev1-show-crypto-pki-certificates.md", IosTextKinds.PkiCertificates)]
    [InlineData("technote-r1-ikev2-show-crypto-pki-certificates.md", IosTextKinds.PkiCertificates)]
    public void Detect_TechnoteExcerpts(string resource, IosTextKinds expected) =>
        Assert.Equal(expected, IosPaste.Detect(IosTexts.Resource(resource)));

    [Fact]
    public void Detect_FindsEveryKindInOneFile_InAnyOrder()
    {
        string text = IosTexts.Certificates("S4-ikev2-overlapping-profiles", "R2")
            + "R2#show crypto ikev2 profile\nIKEv2 profile: profile3\n Match criteria:\n  Identities:\n   address 192.168.0.1 255.255.255.255\n"
            + IosTexts.RunningConfig("S4-ikev2-overlapping-profiles", "R2")
            + "ISAKMP PROFILE prof1\n   Identities matched are:\n  host R2.cisco.com\n   trustpoints: IOSCA1\n";
        Assert.Equal(IosTextKinds.RunningConfig | IosTextKinds.PkiCertificates | IosTextKinds.Ikev2Profiles | IosTextKinds.IsakmpProfiles,
            IosPaste.Detect(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world\nthis is not a router\n")]
    [InlineData("*Jun 20 13:00:37.610: ISAKMP (0): constructing CERT_REQ for issuer\ncn=CA1,o=cisco,o=com\n")]
    [InlineData("Certificate\nof deposit\n")] // a title without the labels of an entry after it
    public void Detect_TextWithoutIos_IsNone(string text) => Assert.Equal(IosTextKinds.None, IosPaste.Detect(text));

    [Theory]
    [InlineData("show running-config", IosTextKinds.RunningConfig)]
    [InlineData("sh run", IosTextKinds.RunningConfig)]
    [InlineData("sh run | section crypto", IosTextKinds.RunningConfig)]
    [InlineData("show startup-config", IosTextKinds.RunningConfig)]
    [InlineData("more system:running-config", IosTextKinds.RunningConfig)]
    [InlineData("wr t", IosTextKinds.RunningConfig)]
    [InlineData("do sh run", IosTextKinds.RunningConfig)]
    [InlineData("show crypto pki certificates", IosTextKinds.PkiCertificates)]
    [InlineData("sh cry pki cert", IosTextKinds.PkiCertificates)]
    [InlineData("sh crypto pki certificates verbose", IosTextKinds.PkiCertificates)]
    [InlineData("show crypto ca certificates", IosTextKinds.PkiCertificates)]
    [InlineData("sh cry isa prof", IosTextKinds.IsakmpProfiles)]
    [InlineData("show crypto isakmp profile", IosTextKinds.IsakmpProfiles)]
    [InlineData("show crypto ikev2 profile", IosTextKinds.Ikev2Profiles)]
    [InlineData("sh cry ikev2 prof", IosTextKinds.Ikev2Profiles)]
    [InlineData("sh cry ikev2 pro", IosTextKinds.None)] // ambiguous in IOS: profile or proposal
    [InlineData("show crypto pki trustpoints", IosTextKinds.None)]
    [InlineData("debug crypto isakmp", IosTextKinds.None)]
    [InlineData("s run", IosTextKinds.None)] // too short to be show
    public void ShowCommandKind_AcceptsIosAbbreviations(string command, IosTextKinds expected) =>
        Assert.Equal(expected, IosPaste.ShowCommandKind(command));

    [Fact]
    public void PromptCommand_TagsTheOutputAfterIt_AndNamesTheHost()
    {
        IosPasteText p = IosPaste.Read("R1#sh cry pki cert\nCertificate\n  Status: Available\nR1#\nR1#sh run | i hostname\nhostname R1\n");
        Assert.Equal(["R1"], p.PromptHostnames);
        Assert.Equal([("Certificate", IosTextKinds.PkiCertificates), ("Status: Available", IosTextKinds.PkiCertificates), ("hostname R1", IosTextKinds.RunningConfig)],
            p.Lines.Select(l => (l.Text, l.Kind)));
        Assert.Equal([2, 3, 6], p.Lines.Select(l => l.Number));
    }

    [Fact]
    public void ConfigPrompts_AreConfiguration_WithTheirMode()
    {
        IosPasteText p = IosPaste.Read("R1(config)#crypto isakmp profile prof1\nR1(conf-isa-prof)#ca trust-point IOSCA1\nR1(conf-isa-prof)#end\n");
        Assert.Equal(
            [("crypto isakmp profile prof1", IosPromptMode.Global), ("ca trust-point IOSCA1", IosPromptMode.Submode), ("end", IosPromptMode.Submode)],
            p.Lines.Select(l => (l.Text, l.Mode)));
        Assert.All(p.Lines, l => Assert.Equal(IosTextKinds.RunningConfig, l.Kind));
    }

    [Fact]
    public void MorePrompt_WithTheBackspacesIosSends_IsErasedAsATerminalWould()
    {
        // IOS writes " --More-- ", then 9 backspaces, 9 blanks and 9 backspaces, then the next line over it.
        string erase = new string('\b', 9) + new string(' ', 9) + new string('\b', 9);
        IosPasteText p = IosPaste.Read($"Certificate\n --More-- {erase}  Status: Available\n  Certificate Serial Number (hex): 03\n");
        Assert.Equal(["Certificate", "Status: Available", "Certificate Serial Number (hex): 03"], p.Lines.Select(l => l.Text));
        Assert.Equal(IosTextKinds.PkiCertificates, p.Kinds);
    }

    [Theory]
    [InlineData(" --More-- ")]
    [InlineData(" --More--           ")]
    [InlineData("<--- More --->")]
    [InlineData("-- More --")]
    public void MorePrompt_WithoutBackspaces_IsRemoved(string more)
    {
        IosPasteText alone = IosPaste.Read($"crypto isakmp policy 10\n{more}\n encr 3des\n");
        Assert.Equal(["crypto isakmp policy 10", "encr 3des"], alone.Lines.Select(l => l.Text));
        Assert.Equal(1, alone.NoiseLines);
        IosPasteText inline = IosPaste.Read($"crypto isakmp policy 10\n{more} encr 3des\n");
        Assert.Equal(["crypto isakmp policy 10", "encr 3des"], inline.Lines.Select(l => l.Text));
    }

    [Fact]
    public void SyslogAndDebugLines_AreDropped()
    {
        IosPasteText p = IosPaste.Read(string.Join('\n',
            "crypto isakmp profile prof1",
            "*Jun 20 13:00:37.610: ISAKMP (0): constructing CERT_REQ for issuer",
            " self-identity fqdn",
            ".Jun 20 13:00:37.610: %SYS-5-CONFIG_I: Configured from console by console",
            "000123: *Jun 20 2013 13:00:37 CET: %LINK-3-UPDOWN: Interface Tunnel1, changed state to up",
            "00:01:23: %LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback0, changed state to up",
            "%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from 192.168.0.2 is bad",
            "IKEv2:(SA ID = 1):Searching policy based on peer's identity '192.168.0.1' of",
            "CRYPTO_PKI: (900C5) No suitable trustpoints found",
            " match identity host R2.cisco.com"));
        Assert.Equal(["crypto isakmp profile prof1", "self-identity fqdn", "match identity host R2.cisco.com"], p.Lines.Select(l => l.Text));
        Assert.Equal(7, p.DebugLines);
    }

    [Fact]
    public void Markdown_IsStripped()
    {
        IosPasteText p = IosPaste.Read(string.Join("\r\n",
            "#### R2#sh crypto pki certificates",
            "```",
            "- **Certificate**",
            "> Status: Available",
            "`Certificate Serial Number (hex): 02`",
            "<b>Certificate Usage:</b> General Purpose",
            "```"));
        Assert.Equal(["Certificate", "Status: Available", "Certificate Serial Number (hex): 02", "Certificate Usage: General Purpose"], p.Lines.Select(l => l.Text));
        Assert.Equal(["R2"], p.PromptHostnames);
        Assert.Equal(2, p.NoiseLines);
        Assert.All(p.Lines, l => Assert.Equal(IosTextKinds.PkiCertificates, l.Kind));
    }

    [Fact]
    public void Tabs_CrLf_AndIndentation_AreNormalised()
    {
        IosPasteText p = IosPaste.Read("interface Tunnel1\r\n\ttunnel source Ethernet0/0  \r\n    ip address 10.0.0.1 255.255.255.0\r");
        Assert.Equal([("interface Tunnel1", 0), ("tunnel source Ethernet0/0", 1), ("ip address 10.0.0.1 255.255.255.0", 4)],
            p.Lines.Select(l => (l.Text, l.Indent)));
    }

    [Fact]
    public void TheWholeTechnote_HoldsConfigurationsAndCertificateListings()
    {
        string technote = File.ReadAllText(Path.Combine(TestSupport.TestPaths.RepoRoot, "..", "shared", "seed", "ios-ikev1-ikev2-multiple-certificates.es.md"));
        IosPasteText p = IosPaste.Read(technote);
        Assert.Equal(IosTextKinds.RunningConfig | IosTextKinds.PkiCertificates, p.Kinds);
        Assert.Equal(["R1", "R2"], p.PromptHostnames);
        Assert.True(p.DebugLines > 150, $"{p.DebugLines} debug lines dropped");
    }
}
