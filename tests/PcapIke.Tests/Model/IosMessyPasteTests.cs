using System.Text;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Model.Ios;

namespace PcapIke.Tests.Model;

/// <summary>
/// The same IOS text pasted the way engineers paste it — prompts, <c>--More--</c> with and without backspaces,
/// interleaved syslog and debug lines, CRLF, tabs, changed indentation, config-mode transcripts, markdown — parses to
/// the same result as the clean text; and nothing, however broken, makes a parser throw.
/// </summary>
public class IosMessyPasteTests
{
    private const string Folder = "S6-ikev2-r2-initiates-asymmetric";
    private static readonly string s_erase = new string('\b', 9) + new string(' ', 9) + new string('\b', 9);

    private static string Lines(IEnumerable<string> lines, string end) => string.Join(end, lines) + end;

    [Fact]
    public void RunningConfig_FromATerminalSession_ParsesAsTheCleanOne()
    {
        string clean = IosTexts.RunningConfig(Folder, "R1");
        var messy = new List<string>
        {
            "R1#terminal length 24", "R1#sh run", "Building configuration...", "", "Current configuration : 6012 bytes", "!",
            "! Last configuration change at 13:20:01 CET Mon Jul 15 2013", "version 15.3",
        };
        string[] lines = clean.TrimEnd('\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            // Indentation changes: one blank becomes a tab, two become four.
            line = line.StartsWith("  ", StringComparison.Ordinal) ? "    " + line[2..] : line.StartsWith(' ') ? "\t" + line[1..] : line;
            if (i % 7 == 3)
                messy.Add($"*Jul 17 18:0{i % 10}:04.542: %SYS-5-CONFIG_I: Configured from console by console");
            if (i % 23 == 22)
                line = " --More-- " + s_erase + line;
            messy.Add(line);
        }
        messy.Add("R1#");
        string pasted = Lines(messy, "\r\n");

        IosRouterConfig expected = IosConfigParser.Parse(clean, "clean");
        IosRouterConfig actual = IosConfigParser.Parse(pasted, "messy");
        Assert.Equal(IosTexts.Content(expected), IosTexts.Content(actual));
        Assert.Equal(["R1"], actual.PromptHostnames);
        Assert.Contains(actual.Ignored, i => i.Text == "version 15.3");
        Assert.Equal(2, actual.CertificateChains.Count(c => c.Identity?.Certificate is not null));
    }

    [Fact]
    public void CertificateListing_WithoutIndentation_WithPagerAndDebug_ParsesAsTheCleanOne()
    {
        string clean = IosTexts.Certificates(Folder, "R1");
        var messy = new List<string> { "R1#sh cry pki cert" };
        string[] lines = clean.TrimEnd('\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (i % 10 == 9)
                messy.Add(" --More-- ");
            if (i % 8 == 5)
                messy.Add("*Jul 17 18:09:04.550: IKEv2:(SA ID = 1):[PKI -> IKEv2] Validation of certificate chain FAILED");
            messy.Add(lines[i].Trim());
        }
        string pasted = Lines(messy, "\r\n");

        PkiCertificateListing expected = IosShowParser.ParseCertificates(clean, "clean");
        PkiCertificateListing actual = IosShowParser.ParseCertificates(pasted, "messy");
        Assert.Equal(IosTexts.Content(expected), IosTexts.Content(actual));
        Assert.Equal(4, actual.Entries.Count);
        Assert.Empty(actual.Ignored);
    }

    [Fact]
    public void ConfigModeTranscript_ParsesAsTheRunningConfig()
    {
        // What an engineer pastes after typing the configuration: every command after a prompt naming its mode.
        string clean = IosTexts.RunningConfig("S1-ikev1-r1-initiates", "R1");
        var transcript = new List<string> { "R1#conf t", "Enter configuration commands, one per line.  End with CNTL/Z." };
        foreach (string line in clean.TrimEnd('\n').Split('\n'))
        {
            if (line == "!")
                continue;
            transcript.Add(line.StartsWith(' ') ? "R1(config-sub)#" + line.Trim() : "R1(config)#" + line);
        }
        IosRouterConfig expected = IosConfigParser.Parse(clean, "clean");
        IosRouterConfig actual = IosConfigParser.Parse(Lines(transcript, "\n"), "transcript");
        Assert.Equal(IosTexts.Content(expected), IosTexts.Content(actual));
        Assert.Empty(actual.Notes);
    }

    [Fact]
    public void MarkdownPaste_ParsesAsTheCleanOne()
    {
        string clean = IosTexts.RunningConfig("S4-ikev2-overlapping-profiles", "R2");
        string body = clean.Replace("hostname R2\n", "- **hostname R2**\n").Replace("crypto ipsec profile profile1\n", "`crypto ipsec profile profile1`\n");
        string markdown = "## R2\n\nEsta es la configuración de **R2**:\n\n```\n" + body + "```\n\n### show crypto pki certificates\n\n```\n"
            + IosTexts.Certificates("S4-ikev2-overlapping-profiles", "R2") + "```\n";
        Assert.Equal(IosTextKinds.RunningConfig | IosTextKinds.PkiCertificates, IosPaste.Detect(markdown));
        Assert.Equal(IosTexts.Content(IosConfigParser.Parse(clean, "clean")), IosTexts.Content(IosConfigParser.Parse(markdown, "md")));
        Assert.Equal(
            IosTexts.Content(IosShowParser.ParseCertificates(IosTexts.Certificates("S4-ikev2-overlapping-profiles", "R2"), "clean")),
            IosTexts.Content(IosShowParser.ParseCertificates(markdown, "md")));
    }

    // ---- robustness ----

    private static void ReadEverything(string text)
    {
        IosTextKinds kinds = IosPaste.Detect(text);
        IosRouterConfig config = IosConfigParser.Parse(text, "t");
        PkiCertificateListing listing = IosShowParser.ParseCertificates(text, "t");
        Ikev2ProfileListing v2 = IosShowParser.ParseIkev2Profiles(text, "t");
        IsakmpProfileListing v1 = IosShowParser.ParseIsakmpProfiles(text, "t");
        IosModeledRouter m = IosRouterModel.Build(config, listing, v2, v1);
        Assert.NotNull(m.Router);
        Assert.All(m.Notes, n => Assert.False(string.IsNullOrWhiteSpace(n.Text)));
        // The selection rules run on whatever was built: every profile's trustpoints are in the store.
        foreach (IsakmpProfileSpec p in m.Router.Ikev1?.Profiles ?? [])
        {
            IosSelection.Ikev1CertRequests(m.Store, p, initiator: true);
            IosSelection.Ikev1ValidationList(m.Store, p);
        }
        foreach (Ikev2ProfileSpec p in m.Router.Ikev2?.Profiles ?? [])
            IosSelection.Ikev2ChooseTrustpoint(m.Store, p, initiator: true, [new byte[20]]);
        IosRouterModel.Pair(m, m);
        if (kinds == IosTextKinds.None)
            Assert.Contains(config.Notes, n => n.Kind == IosNoteKind.Problem && n.Text == "no IOS configuration found in the text");
    }

    [Fact]
    public void RandomText_NeverThrows_AndSaysNothingWasFound()
    {
        var random = new Random(20130617);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEF0123456789 !#=:,.+-()<>*`\t\b\r\n\u00e9\u00a0\u200b\x1b[";
        for (int round = 0; round < 300; round++)
        {
            var b = new StringBuilder();
            int length = random.Next(0, 600);
            for (int i = 0; i < length; i++)
                b.Append(alphabet[random.Next(alphabet.Length)]);
            ReadEverything(b.ToString());
        }
    }

    [Fact]
    public void MutatedIosText_NeverThrows()
    {
        string[] sources =
        [
            IosTexts.RunningConfig("S1-ikev1-r1-initiates", "R1") + IosTexts.Certificates("S1-ikev1-r1-initiates", "R1"),
            IosTexts.RunningConfig("S7-ikev2-symmetric", "R2"),
            IosConfigParserTests.CryptoMapConfig + IosShowParserTests.S4R2Ikev2Profiles,
            IosTexts.Resource("technote-r1-ikev1-config.md") + IosTexts.Resource("technote-r1-ikev1-show-crypto-pki-certificates.md"),
            IosTexts.Resource("technote-r2-ikev2-responder-config.md") + IosTexts.Resource("technote-r1-ikev2-show-crypto-pki-certificates.md"),
        ];
        string[] inserts =
        [
            " --More-- " + s_erase, "*Jun 20 13:00:37.610: ISAKMP:(0): SA request profile is prof1", "R1#", "R1(config)#", "```", "!", "end",
            "crypto pki certificate chain X", " certificate ca ZZ", "  \tquit", "Certificate", "  Status: Available", "IKEv2 profile: p",
            "ISAKMP PROFILE p", "interface", "crypto map", "crypto isakmp policy x", " pki trustpoint", " ca trust-point", "....",
        ];
        var random = new Random(4945);
        for (int round = 0; round < 250; round++)
        {
            var lines = sources[random.Next(sources.Length)].Split('\n').ToList();
            for (int k = random.Next(1, 8); k > 0 && lines.Count > 0; k--)
            {
                int at = random.Next(lines.Count);
                switch (random.Next(7))
                {
                    case 0:
                        lines.RemoveRange(at, Math.Min(random.Next(1, 12), lines.Count - at));
                        break;
                    case 1:
                        lines.Insert(at, lines[random.Next(lines.Count)]);
                        break;
                    case 2:
                        (lines[at], lines[random.Next(lines.Count)]) = (lines[random.Next(lines.Count)], lines[at]);
                        break;
                    case 3:
                        lines[at] = lines[at][..random.Next(lines[at].Length + 1)];
                        break;
                    case 4:
                        lines.Insert(at, inserts[random.Next(inserts.Length)]);
                        break;
                    case 5:
                        lines[at] = lines[at].TrimStart();
                        break;
                    default:
                        char[] chars = lines[at].ToCharArray();
                        if (chars.Length > 0)
                            chars[random.Next(chars.Length)] = "0F =:#\b"[random.Next(7)];
                        lines[at] = new string(chars);
                        break;
                }
            }
            ReadEverything(string.Join(random.Next(2) == 0 ? "\n" : "\r\n", lines));
        }
    }

    [Fact]
    public void EmptyAndBlankText_GiveNotes()
    {
        foreach (string text in new[] { "", "\n\n", "   \r\n\t", "```\n```" })
        {
            ReadEverything(text);
            IosModeledRouter m = IosRouterModel.Build(IosConfigParser.Parse(text, "empty"), routerName: "R9");
            Assert.Equal("R9", m.Router.Name);
            Assert.Contains(m.Notes, n => n.Kind == IosNoteKind.Gap && n.Text.StartsWith("no crypto pki trustpoint", StringComparison.Ordinal));
            Assert.Contains(m.Notes, n => n.Kind == IosNoteKind.Gap && n.Text.StartsWith("no interface with an address", StringComparison.Ordinal));
        }
    }
}
