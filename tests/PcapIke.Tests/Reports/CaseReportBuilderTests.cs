using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Reports;

/// <summary>The case report's content for the technote scenarios: ladder marks, the missing reply, the CERT_REQ
/// first-match marks and where each comes from, certificates, findings and the summary line.</summary>
public sealed class CaseReportBuilderTests
{
    private static string Dir(string scenario) => Path.Combine(TestPaths.RepoRoot, "captures", scenario);

    private static CaseReport Build(string scenario, bool withConfig, bool redact = false)
    {
        string dir = Dir(scenario);
        string table = Directory.GetFiles(dir, "ikev*_decryption_table").Single();
        var keys = new KeyRing();
        keys.AddFile(table, File.ReadAllLines(table));
        Scenario? routers = withConfig ? ScenarioParser.ParseFile(Path.Combine(dir, "scenario.json")) : null;
        var options = new AnalysisOptions { Keys = keys, Cas = CaCatalog.Load([dir]) };
        if (routers is not null) options = options.With(routers);
        string capture = Path.Combine(dir, "capture.pcap");
        var analysis = CaptureAnalyzer.Analyze(capture, options);
        return CaseReportBuilder.Build(analysis, new CaseReportOptions
        {
            Inputs = [("capture", capture), ("keys", table)],
            Commands = [["analyze", CommandArg.File(capture, "capture"), "--keys", CommandArg.File(table, "keys")]],
            Routers = routers,
            Redact = redact,
        });
    }

    [Fact]
    public void S2_Ladder_MarksTheRejectedMm5AndTheMissingMm6()
    {
        var n = Assert.Single(Build("S2-ikev1-r2-initiates", withConfig: false).Negotiations);
        Assert.Equal("stalled", n.Outcome);
        Assert.Equal("MM5", n.StoppedAt);
        Assert.Equal(12, n.Ladder.Count);
        Assert.Equal([5L, 7, 9, 11], n.Ladder.Where(a => a.Failing).Select(a => a.Frame));
        Assert.Equal([6L, 7, 8, 9, 10, 11, 12], n.Ladder.Where(a => a.Retransmission).Select(a => a.Frame));
        Assert.Equal("↻ MM4 (re-sent, responder rejected MM5)", n.Ladder[5].Step);
        Assert.Equal((192, "+0.000000", Role.Initiator), (n.Ladder[0].Size, n.Ladder[0].Offset, n.Ladder[0].Sender));
        Assert.Equal("+40.024000", n.Ladder[11].Offset);
        Assert.Equal(new MissingReply(Role.Responder, "MM6", "responder never sent MM6"), n.Missing);
        Assert.Equal("PI101", n.MostImportant!.Id);
        Assert.StartsWith("IKE SA 1 IKEv1 192.168.0.2:500 → 192.168.0.1:500: stalled at MM5 — PI101 Main Mode stalled after MM5", n.SummaryLine);
    }

    [Fact]
    public void S2_FirstMatch_FromTheCertificate_ThenInferred_ThenTheModel()
    {
        var n = Assert.Single(Build("S2-ikev1-r2-initiates", withConfig: false).Negotiations);
        // R2 (initiator) signed with its CA2 certificate: entry 1 of R1's MM4 list.
        Assert.Equal("responder (MM4)", n.ResponderRequests.Title);
        Assert.Equal([1], n.ResponderRequests.Entries.Where(e => e.Picked).Select(e => e.Position));
        Assert.Equal("cn=CA2,o=cisco,o=com", n.ResponderRequests.Entries[0].Display);
        Assert.Equal("initiator's first-match: entry 1 (its certificate's issuer)", n.ResponderRequests.PickNote);
        // R1 (responder) never sent MM6: without configurations, the first entry of R2's list naming a CA R1 requests.
        Assert.Equal("cn=CA1,o=cisco,o=com", n.InitiatorRequests.Entries.Single(e => e.Picked).Display);
        Assert.Equal("responder's first-match: entry 1 (inferred: the first entry naming a CA it requests itself)", n.InitiatorRequests.PickNote);

        var withConfig = Assert.Single(Build("S2-ikev1-r2-initiates", withConfig: true).Negotiations);
        Assert.Equal("responder's first-match: entry 1 (the model's choice from the configurations)", withConfig.InitiatorRequests.PickNote);
        Assert.Equal("initiator's first-match: entry 1 (its certificate's issuer)", withConfig.ResponderRequests.PickNote);
        // The model's explanation and fix are ordinary findings of the SA, first.
        var pi602 = withConfig.Findings[0];
        Assert.Equal(("PI602", "error"), (pi602.Id, pi602.Severity));
        Assert.Contains("Checked with the model: R1 initiates: established, R2 initiates: established.", pi602.Fix);
        Assert.Equal("PI602", withConfig.MostImportant!.Id);
    }

    [Fact]
    public void S1_Established_HasNoFailingStepAndNoMissingReply()
    {
        var n = Assert.Single(Build("S1-ikev1-r1-initiates", withConfig: false).Negotiations);
        Assert.Equal("established", n.Outcome);
        Assert.Null(n.StoppedAt);
        Assert.Null(n.Missing);
        Assert.DoesNotContain(n.Ladder, a => a.Failing);
        // Both certificates were decrypted: both picks come from their issuers.
        Assert.Equal("initiator's first-match: entry 1 (its certificate's issuer)", n.ResponderRequests.PickNote);
        Assert.Equal("responder's first-match: entry 1 (its certificate's issuer)", n.InitiatorRequests.PickNote);
        Assert.Equal(2, n.Certificates.Count);
        Assert.Equal([("initiator", "MM5", "03"), ("responder", "MM6", "02")],
            n.Certificates.Select(c => (c.Sender, c.Step, c.Lines.Single(l => l.Label == "serial").Value)));
        Assert.Equal("cn=CA1,o=cisco,o=com (not in this message)", n.Certificates[0].Lines.Single(l => l.Label == "issuer").Value);
    }

    [Fact]
    public void S6_Ikev2Failure_HighlightsTheErrorNotify()
    {
        var n = Assert.Single(Build("S6-ikev2-r2-initiates-asymmetric", withConfig: false).Negotiations);
        Assert.Equal(("failed", "IKE_AUTH response"), (n.Outcome, n.StoppedAt));
        Assert.Equal([4L], n.Ladder.Where(a => a.Failing).Select(a => a.Frame));
        Assert.Null(n.Missing);
        // IKEv2 CERTREQ hashes named by the CAs (--ca): R2 signed with its CA2 certificate, the first hash of R1's list.
        Assert.Equal("CN=CA2,O=cisco,O=com (sha1 317a420930e44ac58f1a1f92f189ee5a4a27baf1)", n.ResponderRequests.Entries[0].Display);
        Assert.True(n.ResponderRequests.Entries[0].Picked);
        var cert = Assert.Single(n.Certificates);
        Assert.Equal(("initiator", "IKE_AUTH request", true), (cert.Sender, cert.Step, cert.Decrypted));
        Assert.Equal("2013-07-17T08:03:23Z to 2014-07-17T08:03:23Z", cert.Lines.Single(l => l.Label == "valid").Value);
    }

    [Fact]
    public void S5_InitiatorThatNeverSendsIkeAuth_StopsAtTheAnsweredIkeSaInit()
    {
        var n = Assert.Single(Build("S5-ikev2-initiator-without-trustpoint", withConfig: true).Negotiations);
        Assert.Equal("IKE_SA_INIT response", n.StoppedAt);
        Assert.Equal(2, n.Ladder.Count);
        Assert.Null(n.Missing);   // the exchange was answered; the initiator stopped (PI111)
        Assert.Contains(n.Findings, f => f.Id == "PI111");
    }

    [Fact]
    public void InputsAreHashed_AndCommandsQuoted()
    {
        var report = Build("S2-ikev1-r2-initiates", withConfig: false);
        string dir = Dir("S2-ikev1-r2-initiates");
        Assert.Equal(CaseReportBuilder.Sha256(Path.Combine(dir, "capture.pcap")), report.Inputs[0].Sha256);
        Assert.Equal("187eb2913a288731cfaab37f3d9ba5877b8ee4e5b8337a7bf765614d1277a2a3", report.Inputs[0].Sha256);
        Assert.Equal(["capture", "keys"], report.Inputs.Select(i => i.Role));
        Assert.Equal($"pcapike analyze {dir}/capture.pcap --keys {dir}/ikev1_decryption_table", Assert.Single(report.Commands));
        Assert.Equal("'a b'", CaseReportBuilder.ShellQuote("a b"));
        Assert.Equal(@"'it'\''s'", CaseReportBuilder.ShellQuote("it's"));
        Assert.Equal("--keys", CaseReportBuilder.ShellQuote("--keys"));
    }

    [Fact]
    public void Redacted_UsesThePseudonymsConsistently()
    {
        var report = Build("S2-ikev1-r2-initiates", withConfig: true, redact: true);
        var n = Assert.Single(report.Negotiations);
        Assert.True(report.Redacted);
        Assert.Equal("capture-1.pcap", report.Capture);
        Assert.Equal(["capture-1.pcap", "keys-1"], report.Inputs.Select(i => i.Name));
        Assert.Equal("pcapike analyze capture-1.pcap --keys keys-1", Assert.Single(report.Commands));
        Assert.Matches(@"^10\.255\.0\.\d+:500$", n.Initiator);
        Assert.Matches(@"^10\.255\.0\.\d+:500$", n.Responder);
        Assert.NotEqual(n.Initiator, n.Responder);
        Assert.Equal(("Cookies", "i spi-1  r spi-2"), n.Summary[0]);
        // The same CA is the same pseudonym in both lists and in the findings.
        string ca2 = n.ResponderRequests.Entries[0].Display, ca1 = n.InitiatorRequests.Entries[0].Display;
        Assert.Matches("^cn=name-\\d+,o=name-\\d+,o=name-\\d+$", ca2);
        Assert.Equal(ca2, n.InitiatorRequests.Entries[1].Display);
        Assert.Equal(ca1, n.ResponderRequests.Entries[1].Display);
        Assert.Contains($"starts with \"{ca2}\"", n.Findings.Single(f => f.Id == "PI101").Message);
        Assert.Contains(n.Initiator[..^4], n.Summary.Single(s => s.Label == "Cert (i)").Value);
    }
}
