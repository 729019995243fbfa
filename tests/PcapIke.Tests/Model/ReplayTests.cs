using System.Text.RegularExpressions;
using PcapIke.Cli;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Model;

/// <summary><c>pcapike replay</c>: the technote's debug sequences, what-if changes, and a re-forged capture.</summary>
public partial class ReplayTests
{
    private static string Scenario(string folder) => Path.Combine(TestPaths.RepoRoot, "captures", folder, "scenario.json");

    /// <summary>The decisions in a debug text, in order: constructing CERT_REQ / peer wants / Choosing trustpoint /
    /// constructing CERT payload / keypair to sign / peer matches / validation list / No suitable trustpoints /
    /// IKMP_INVALID_CERT. DNs compared as IOS prints them without spaces.</summary>
    internal static List<string> Decisions(string debugText)
    {
        // A code fence ends whatever a debug line was printing (the technote's prose follows it).
        string t = Regex.Replace(debugText.Replace("```", " |END| "), @"\s+", " ");
        var events = new List<(int At, string Event)>();
        void Add(string pattern, Func<Match, string> f)
        {
            foreach (Match m in Regex.Matches(t, pattern)) events.Add((m.Index, f(m)));
        }
        const string End = @"(?= \*\w{3} \d| R\d[#>]| R\d +\*| \|END\||$)";
        Add(@"constructing CERT_REQ for (?:\|END\| )*issuer (?:\|END\| )*(.+?)" + End, m => "CERT_REQ " + IosBuiltInCas.DnKey(m.Groups[1].Value));
        Add(@"peer wants cert issued by (?:\|END\| )*(.+?)" + End, m => "wants " + IosBuiltInCas.DnKey(m.Groups[1].Value));
        Add(@"Choosing trustpoint (\S+) as issuer", m => "choose " + m.Groups[1].Value);
        Add(@"constructing CERT payload for (?:\|END\| )*(.+?)" + End, m => "cert " + IosBuiltInCas.DnKey(m.Groups[1].Value));
        Add(@"using the (\S+) trustpoint's keypair to sign", m => "sign " + m.Groups[1].Value);
        Add(@"peer matches (\S+) profile", m => "profile " + m.Groups[1].Value);
        Add(@"Creating CERT validation list: ([\w-]+(?:, (?![\w-]+ \*)[\w-]+)*)", m => "validate " + m.Groups[1].Value);
        Add(@"No suitable trustpoints found", _ => "no suitable trustpoint");
        Add(@"%CRYPTO-5-IKMP_INVALID_CERT", _ => "invalid cert");
        return events.OrderBy(e => e.At).Select(e => e.Event).ToList();
    }

    private static string TechnoteSection(string heading, string nextHeading)
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.SharedCaptures, "..", "seed", "ios-ikev1-ikev2-multiple-certificates.es.md"));
        int a = text.IndexOf(heading, StringComparison.Ordinal), b = text.IndexOf(nextHeading, a, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, "technote section not found");
        return text[a..b];
    }

    [Fact]
    public void S2Replay_ReproducesTheTechnotesR2InitiatorDebugSequence()
    {
        var technote = Decisions(TechnoteSection("## R2 como iniciador IKEv1", "IKEv1 sin un comando"));
        var (exit, output, error) = CliRun.Run("replay", Scenario("S2-ikev1-r2-initiates"));
        Assert.True(exit == ExitCodes.Ok, error);
        string debug = output[..output.IndexOf("## decisions", StringComparison.Ordinal)];
        var replay = Decisions(debug);

        // The technote's sequence: R2's seven CERT_REQ, R1 picking IOSCA1 from them, R2 picking IOSCA2 from R1's MM4,
        // R2 signing with IOSCA2, R1 binding prof1, validating against IOSCA1 only and rejecting the certificate.
        Assert.Equal(14, technote.Count(e => e.StartsWith("CERT_REQ ", StringComparison.Ordinal)));
        Assert.Equal(["choose IOSCA1", "choose IOSCA2"], technote.Where(e => e.StartsWith("choose", StringComparison.Ordinal)));
        Assert.Contains("validate IOSCA1", technote);

        // Same decisions, same order, event for event.
        Assert.True(technote.SequenceEqual(replay), $"technote: {string.Join(" | ", technote)}\nreplay:   {string.Join(" | ", replay)}");
        Assert.Contains("outcome: authentication failed; R2 sends its IOSCA2 certificate", output);
    }

    [Fact]
    public void S1Replay_ReproducesTheTechnotesR1InitiatorDecisions()
    {
        var technote = Decisions(TechnoteSection("## R1 como iniciador IKEv1", "## R2 como iniciador IKEv1"));
        var (_, output, _) = CliRun.Run("replay", Scenario("S1-ikev1-r1-initiates"));
        var replay = Decisions(output[..output.IndexOf("## decisions", StringComparison.Ordinal)]);
        // The technote's R1-initiator excerpts: signing with IOSCA1 on both sides, R2 binding prof1, R1 validating
        // against IOSCA1.
        var key = technote.Where(e => e.StartsWith("sign", StringComparison.Ordinal) || e.StartsWith("profile", StringComparison.Ordinal)
                                      || e.StartsWith("validate", StringComparison.Ordinal)).ToList();
        Assert.Equal(["sign IOSCA1", "profile prof1", "sign IOSCA1", "validate IOSCA1"], key);
        var replayed = replay.Where(e => e.StartsWith("sign", StringComparison.Ordinal) || e.StartsWith("profile", StringComparison.Ordinal)
                                         || e == "validate IOSCA1").ToList();
        Assert.True(key.SequenceEqual(replayed), string.Join(" | ", replay));
        Assert.Contains("outcome: established", output);
    }

    [Fact]
    public void S4Replay_NarratesTheOverlappingProfileChoice()
    {
        var (_, output, _) = CliRun.Run("replay", Scenario("S4-ikev2-overlapping-profiles"));
        Assert.Contains("R2  *Jul 17 09:23:48.", output);
        Assert.Contains("IKEv2:(SA ID = 1):Searching policy based on peer's identity '192.168.0.1' of type 'IPv4 address'", output);
        Assert.Contains("IKEv2:found matching IKEv2 profile 'profile3'", output);
        Assert.Contains("IPSEC(ipsec_process_proposal): proxy identities not supported", output);
        Assert.Contains("IKEv2:(SA ID = 1):Sending TS unacceptable notify", output);
        Assert.Contains("IKEv2 IKE_AUTH Exchange REQUEST Payload contents: VID IDi CERT CERTREQ NOTIFY(HTTP_CERT_LOOKUP_SUPPORTED) AUTH CFG SA TSi TSr NOTIFY(INITIAL_CONTACT) NOTIFY(SET_WINDOW_SIZE) NOTIFY(ESP_TFC_PADDING_NOT_SUPPORTED) NOTIFY(NON_FIRST_FRAGMENTS_ALSO)", output);
    }

    [Fact]
    public void S5Replay_FailedToBuildCertificatePayload()
    {
        var (_, output, _) = CliRun.Run("replay", Scenario("S5-ikev2-initiator-without-trustpoint"));
        Assert.Contains("IKEv2:(SA ID = 1):Failed to build certificate payload", output);
        Assert.Contains("IKEv2 IKE_SA_INIT Exchange RESPONSE Payload contents: SA KE N VID VID NOTIFY(NAT_DETECTION_SOURCE_IP) NOTIFY(NAT_DETECTION_DESTINATION_IP) CERTREQ NOTIFY(HTTP_CERT_LOOKUP_SUPPORTED)", output);
        Assert.Contains("outcome: the initiator stops before IKE_AUTH", output);
    }

    /// <summary>The acceptance of issue 6: S2's fix, applied with --set, makes both directions succeed in the model
    /// and in a re-forged capture that analyze reports as established.</summary>
    [Fact]
    public void S2Fix_AppliedWithSet_BothDirectionsEstablish_InTheModelAndInAReforgedCapture()
    {
        const string fix = "R2 isakmp-profile prof1: ca trust-point IOSCA1";
        foreach (bool swap in new[] { false, true })
        {
            string dir = TestPaths.NewTempDir();
            string pcap = Path.Combine(dir, "fixed.pcap");
            string[] args = ["replay", Scenario("S2-ikev1-r2-initiates"), "--set", fix, "--forge", pcap, .. swap ? new[] { "--swap-initiator" } : []];
            var (exit, output, error) = CliRun.Run(args);
            Assert.True(exit == ExitCodes.Ok, error);
            Assert.Contains("# what-if: R2's isakmp profile prof1: 'ca trust-point IOSCA1'", output);
            Assert.Contains("outcome: established", output);
            Assert.Contains(swap ? "# replay: IKEv1, R1 initiates to R2" : "# replay: IKEv1, R2 initiates to R1", output);
            var sa = Assert.Single(CaptureAnalyzer.Analyze(pcap, new AnalysisOptions()).Sas);
            Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
            Assert.DoesNotContain(sa.Findings, f => f.Code == FindingCode.MainModeStalledAfterMM5);
        }
    }

    [Theory]
    [InlineData("R9 isakmp-profile prof1: ca trust-point IOSCA1", "pcapike: no router R9 (routers: R1, R2)")]
    [InlineData("R2 isakmp-profile nope: ca trust-point IOSCA1", "pcapike: R2 has no isakmp profile nope")]
    [InlineData("R2 isakmp-profile prof1: ca trust-point IOSCA7", "pcapike: R2 has no trustpoint IOSCA7 (it has IOSCA1, IOSCA2)")]
    public void Replay_BadSet_OneLineUsageError(string set, string message)
    {
        var (exit, _, error) = CliRun.Run("replay", Scenario("S2-ikev1-r2-initiates"), "--set", set);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(message, error.TrimEnd());
    }

    [Fact]
    public void Replay_StoreOrder_ChangesTheFirstCertReqAndTheOutcome()
    {
        // R1 with its CA1 certificate newest: R1's MM4 names CA1 first, R2 picks IOSCA1, R1 accepts it (technote).
        var (_, output, _) = CliRun.Run("replay", Scenario("S2-ikev1-r2-initiates"), "--store-order", "R1:IOSCA1,IOSCA2");
        Assert.Contains("R2  *Jun 17 18:08:14.314: Choosing trustpoint IOSCA1 as issuer", output);
        Assert.Contains("outcome: established", output);
    }

    [Fact]
    public void Replay_CaptureWithoutConfigs_SaysWhatItNeeds()
    {
        var (exit, _, error) = CliRun.Run("replay", CliRun.RepoCapture("S2-ikev1-r2-initiates"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("a capture needs its routers' configurations (--config R1.txt --config R2.txt)", error);
    }
}
