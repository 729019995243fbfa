using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.Forge;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Model;

/// <summary>Issue 15: the decision engine's traces, the one-way dependency Forge → Model, and the forge following the
/// trace it is given.</summary>
public class DecisionTraceTests
{
    [Fact]
    public void ModelSources_NeverImportTheForge()
    {
        string model = Path.Combine(TestPaths.RepoRoot, "src", "PcapIke", "Model");
        var offenders = Directory.GetFiles(model, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadLines(f).Any(l => !l.TrimStart().StartsWith("///", StringComparison.Ordinal)
                                                   && (l.Contains("using PcapIke.Forge", StringComparison.Ordinal) || l.Contains("Forge.", StringComparison.Ordinal))))
            .Select(f => Path.GetRelativePath(model, f)).ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void S2_R2Initiates_TheTraceNamesEachDecisionWithItsRule()
    {
        DecisionTrace t = SelectionModel.Predict(ForgedCaptures.Scenario("S2-ikev1-r2-initiates"), "R2").Trace;
        Assert.Equal(NegotiationOutcome.AuthenticationFailed, t.Outcome);
        var mm3 = Assert.Single(t.Decisions, d => d.Kind == DecisionKind.CertRequestList && d.Message == "MM3");
        Assert.Equal(("R2", "I1", 7), (mm3.Router, mm3.Rule, mm3.CaDns.Count));
        Assert.Equal(7, mm3.Debug.Count(l => l.Text.StartsWith("ISAKMP (0): constructing CERT_REQ for issuer", StringComparison.Ordinal)));
        var mm4 = Assert.Single(t.Decisions, d => d.Kind == DecisionKind.CertRequestList && d.Message == "MM4");
        Assert.Equal("cn=CA2,o=cisco,o=com", mm4.CaDns[0]);
        // I2: R2 answers MM4's first CERT_REQ (CA2); I3/I4: R1 binds prof1 and validates against IOSCA1 only.
        Assert.Equal(("I2", "IOSCA2"), (t.Find(DecisionKind.TrustpointChoice, "R2")!.Rule, t.Find(DecisionKind.TrustpointChoice, "R2")!.Trustpoint));
        Assert.Contains(t.Find(DecisionKind.TrustpointChoice, "R2")!.Debug, l => l.Text == "Choosing trustpoint IOSCA2 as issuer");
        Assert.Equal("prof1", t.Find(DecisionKind.ProfileBinding, "R1")!.Profile);
        Assert.Equal(["IOSCA1"], t.Find(DecisionKind.ValidationList, "R1")!.Trustpoints);
        var rejected = t.Find(DecisionKind.Validation, "R1")!;
        Assert.Equal(("I4", false), (rejected.Rule, rejected.Accepted));
        Assert.Contains(rejected.Debug, l => l.Text == "CRYPTO_PKI: No suitable trustpoints found");
        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM4 (retransmission 1)", "MM5 (retransmission 1)", "MM4 (retransmission 2)",
            "MM5 (retransmission 2)", "MM4 (retransmission 3)", "MM5 (retransmission 3)", "MM4 (retransmission 4)"], t.Messages.Select(m => m.Message));
    }

    [Theory]
    [MemberData(nameof(ForgedCaptures.All), MemberType = typeof(ForgedCaptures))]
    public void TheForge_WritesTheTracesDecisionsAndMessages(string folder)
    {
        ForgeResult result = ForgedCaptures.Result(folder);
        foreach (ForgedNegotiation n in result.Negotiations)
        {
            DecisionTrace t = n.Trace;
            Assert.Equal(t.Outcome, n.Outcome);
            Assert.Equal(t.Log.Select(l => (l.Router, l.Rule, l.Text)), n.Log.Select(l => (l.Router, l.Rule, l.Text)));
            Assert.Equal(t.Debug.Select(l => l.Text), n.Debug.Select(l => l.Text));
            // Every message of the trace is a datagram (or its RFC 7383 fragments), in order, from its sender.
            var labels = n.Datagrams.Select(d => (d.Sender, System.Text.RegularExpressions.Regex.Replace(d.Label, @" fragment \d+/\d+$", ""))).Distinct().ToList();
            Assert.Equal(t.Messages.Select(m => (m.Router, m.Message!)), labels);
            // A prediction is the same trace as the forge's first negotiation.
            if (n == result.Negotiations[0])
            {
                DecisionTrace p = SelectionModel.Predict(result.Scenario, t.Initiator).Trace;
                Assert.Equal(t.Log, p.Log);
                Assert.Equal(t.Debug, p.Debug);
            }
        }
    }
}
