using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Evidence;

/// <summary>
/// The claims audit: for every finding code, captures whose evidence contradicts the claim it makes must not raise it
/// (a finding the capture contradicts is the worst defect this tool can have). Adding a code without an entry here
/// fails <see cref="EveryFindingCode_HasContradictingCaptures"/>.
/// </summary>
public class ClaimsAuditTests
{
    private static string Bundled(string folder) => Path.Combine(TestPaths.RepoRoot, "captures", folder, "capture.pcap");
    private static string Shared(string name) => Path.Combine(TestPaths.SharedCaptures, name);
    private static string Imperfect(string name) => ImperfectCaptures.Path(name);

    private static AnalysisOptions Keys(string folder) =>
        new() { Keys = KeyRing.Load(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "captures", folder), "ikev*_decryption_table")) };

    private static AnalysisOptions Config(string folder) =>
        new() { Routers = ScenarioParser.ParseFile(Path.Combine(TestPaths.RepoRoot, "captures", folder, "scenario.json")) };

    /// <summary>Per code: captures (with the options that matter) that contradict the claim, and why.</summary>
    public static TheoryData<FindingCode, string, string, string> Contradictions()
    {
        var data = new TheoryData<FindingCode, string, string, string>();
        void Add(FindingCode code, string capture, string why, string options = "") => data.Add(code, capture, options, why);
        Add(FindingCode.MainModeStalledAfterMM5, Bundled("S1-ikev1-r1-initiates"), "MM6 came");
        Add(FindingCode.MainModeStalledAfterMM5, Imperfect("ikev1-initiator-only"), "the responder's messages are not in the capture: no re-sent MM4 is seen");
        Add(FindingCode.MainModeStalled, Bundled("S1-ikev1-r1-initiates"), "established");
        Add(FindingCode.MainModeStalled, Imperfect("ikev1-initiator-only"), "one direction: no silence is seen");
        Add(FindingCode.MainModeStalled, Imperfect("ikev1-mm4-not-captured"), "MM5 proves MM4 came");
        Add(FindingCode.IkeAuthNoResponse, Bundled("strongswan-ikev2-ip-fragments"), "the response is there");
        Add(FindingCode.IkeAuthNoResponse, Imperfect("ikev2-skf-response-fragment-lost"), "the response is there, in part");
        Add(FindingCode.IkeAuthNoResponse, Imperfect("ikev2-responder-only"), "one direction");
        Add(FindingCode.IkeSaInitNoResponse, Bundled("S5-ikev2-initiator-without-trustpoint"), "answered");
        Add(FindingCode.IkeSaInitNoResponse, Imperfect("ikev2-request-then-capture-ends"), "no time went by after the request");
        Add(FindingCode.FragmentedMessageUnanswered, Bundled("strongswan-ikev2-ip-fragments"), "answered");
        Add(FindingCode.FragmentedMessageUnanswered, Imperfect("ikev2-skf-fragment-lost"), "no IP fragments (IKE fragments)");
        Add(FindingCode.ExchangeIncomplete, Bundled("S1-ikev1-r1-initiates"), "Quick Mode completed");
        Add(FindingCode.ExchangeIncomplete, Shared("ipsec-ikev1-isakmp-aggressive-mode.pcap"), "AM3 is there");
        Add(FindingCode.CaptureTruncatesNegotiation, Bundled("S1-ikev1-r1-initiates"), "the whole negotiation");
        Add(FindingCode.CaptureTruncatesNegotiation, Imperfect("ikev2-three-attempts"), "the earlier attempts were abandoned, not cut off", "first");
        Add(FindingCode.CaptureTruncatesNegotiation, Imperfect("ikev1-encrypted-info-after-mm5"), "the encrypted answer ends it");
        Add(FindingCode.Retransmissions, Bundled("S1-ikev1-r1-initiates"), "nothing re-sent");
        Add(FindingCode.Retransmissions, Imperfect("ikev2-skf-response-fragment-lost"), "fragments of one message are not re-sends");
        Add(FindingCode.IkeSaInitRetried, Imperfect("ikev2-three-attempts"), "new attempts, not a COOKIE / INVALID_KE restart");
        Add(FindingCode.FailedInsideEncryptedMessage, Bundled("S6-ikev2-r2-initiates-asymmetric"), "decrypted: the notify is seen", "keys");
        Add(FindingCode.FailedInsideEncryptedMessage, Imperfect("ikev2-skf-response-fragment-lost"), "a fragmented response is no lone error notify");
        Add(FindingCode.InitiatorStoppedAfterIkeSaInit, Imperfect("ikev2-ip-fragment-lost"), "the initiator sent IKE_AUTH (in part)");
        Add(FindingCode.InitiatorStoppedAfterIkeSaInit, Imperfect("ikev2-skf-fragment-lost"), "the initiator sent IKE_AUTH");
        Add(FindingCode.InitiatorStoppedAfterIkeSaInit, Imperfect("ikev2-first-ip-fragment-lost"), "the initiator's later IP fragments follow the response");
        Add(FindingCode.MessageIncomplete, Bundled("strongswan-ikev2-ip-fragments"), "every fragment captured");
        Add(FindingCode.MessageIncomplete, Bundled("strongswan-ikev2-skf"), "every SKF fragment captured");
        Add(FindingCode.MessagesNotCaptured, Bundled("S2-ikev1-r2-initiates"), "both directions, nothing proven missing");
        Add(FindingCode.MessagesNotCaptured, Imperfect("ikev2-request-then-capture-ends"), "nothing proves a missing message");
        Add(FindingCode.ShortSnapLength, Bundled("strongswan-ikev1-main-mode"), "whole frames");
        Add(FindingCode.ShortSnapLength, Imperfect("ikev2-ip-fragment-lost"), "fragments lost, not cut");
        Add(FindingCode.TornDownAfterAuth, Bundled("S4-ikev2-overlapping-profiles"), "decrypted: TS_UNACCEPTABLE is seen", "keys");
        Add(FindingCode.TornDownAfterAuth, Bundled("strongswan-ikev2-aes-cbc"), "established, nothing after IKE_AUTH");
        Add(FindingCode.TornDownAfterAuth, Bundled("strongswan-ikev2-untrusted-ca"), "a lone error notify in IKE_AUTH (PI110)");
        Add(FindingCode.TornDownAfterAuth, Bundled("S7-ikev2-symmetric"), "established");
        Add(FindingCode.RepeatedAttempts, Bundled("S3-ikev1-no-ca-trustpoint"), "two negotiations, one from each side");
        Add(FindingCode.RepeatedAttempts, Bundled("S2-ikev1-r2-initiates"), "re-sends under the same cookies are not new attempts");
        Add(FindingCode.CertRequestOrderDiffers, Bundled("S1-ikev1-r1-initiates"), "the initiator's list has one entry");
        Add(FindingCode.CertRequestOrderDiffers, Bundled("S7-ikev2-symmetric"), "same trustpoints both sides", "keys");
        Add(FindingCode.CertRequestAllGlobalTrustpoints, Bundled("strongswan-ikev1-main-mode"), "no IOS built-in CA listed");
        Add(FindingCode.CertRequestRestrictedInitiator, Bundled("S2-ikev1-r2-initiates"), "the initiator listed 7 CAs");
        Add(FindingCode.CertRequestFirstEntryDiffers, Bundled("S1-ikev1-r1-initiates"), "both lists start with CA1");
        Add(FindingCode.ErrorNotify, Bundled("S1-ikev1-r1-initiates"), "no error notify");
        Add(FindingCode.InformationalWithZeroResponderCookie, Bundled("S2-ikev1-r2-initiates"), "no Informational");
        Add(FindingCode.Delete, Bundled("S1-ikev1-r1-initiates"), "no DELETE");
        Add(FindingCode.NatDetected, Bundled("S1-ikev1-r1-initiates"), "NAT-D hashes match, UDP 500 throughout");
        Add(FindingCode.NatDetected, Imperfect("ikev2-three-attempts"), "SPIs rewritten with the NAT-D hashes that go with them");
        Add(FindingCode.WeakAlgorithms, Bundled("strongswan-ikev2-aes-gcm"), "AES-GCM, ECP-256");
        Add(FindingCode.DecryptionFailed, Bundled("S2-ikev1-r2-initiates"), "the right keys decrypt every message", "keys");
        Add(FindingCode.DecryptionFailed, Bundled("S2-ikev1-r2-initiates"), "no keys: nothing was tried");
        Add(FindingCode.EspOneWay, Shared("ipsec.cap"), "ESP both ways (9 and 7 packets)");
        Add(FindingCode.EspOneWay, Bundled("S1-ikev1-r1-initiates"), "no ESP at all");
        Add(FindingCode.EspWithoutNegotiation, Shared("ipsec.cap"), "its ESP follows the Quick Mode that created it");
        Add(FindingCode.StaleSpi, Shared("ipsec.cap"), "one child SA, its own SPIs");
        Add(FindingCode.EspStopsAfterDelete, Shared("ipsec.cap"), "no DELETE, no unanswered DPD");
        Add(FindingCode.EncapsulationMismatch, Shared("ipsec.cap"), "no NAT and ESP as protocol 50");
        Add(FindingCode.ModelContradictsCapture, Bundled("S2-ikev1-r2-initiates"), "its own configurations", "config");
        Add(FindingCode.ModelExplainsFailure, Bundled("S1-ikev1-r1-initiates"), "established", "config");
        Add(FindingCode.ReverseDirectionFails, Bundled("S3-ikev1-no-ca-trustpoint"), "works both ways", "config");
        Add(FindingCode.ConfigurationsDoNotMatch, Bundled("S2-ikev1-r2-initiates"), "the configurations are these routers'", "config");
        Add(FindingCode.ModelAgrees, Bundled("S2-ikev1-r2-initiates"), "failed", "config");
        return data;
    }

    [Theory]
    [MemberData(nameof(Contradictions))]
    public void Finding_IsNotRaisedByACaptureThatContradictsIt(FindingCode code, string capture, string options, string why)
    {
        string folder = Path.GetFileName(Path.GetDirectoryName(capture))!;
        AnalysisOptions? o = options switch
        {
            "keys" => Keys(folder),
            "config" => Config(folder),
            _ => null,
        };
        var sas = CaptureAnalyzer.Analyze(capture, o).Sas;
        Assert.NotEmpty(sas);
        if (options == "first") sas = sas.Take(sas.Count - 1).ToList();
        var analysis = CaptureAnalyzer.Analyze(capture, o);
        var raised = sas.SelectMany(s => s.Findings).Concat(options == "first" ? [] : analysis.DataPlaneFindings)
            .Where(f => f.Code == code).ToList();
        Assert.True(raised.Count == 0, $"{FindingCodes.Id(code)} raised on {Path.GetFileName(capture)} ({why}): {raised.FirstOrDefault()?.Message}");
    }

    [Fact]
    public void EveryFindingCode_HasContradictingCaptures()
    {
        var audited = Contradictions().Select(row => (FindingCode)row[0]).ToHashSet();
        // The 8xx codes read debug logs, not captures: their must-not-fire cases are in Model/DebugEvidenceTests.
        Assert.DoesNotContain(Enum.GetValues<FindingCode>(), c => (ushort)c < 800 && !audited.Contains(c));
    }

    /// <summary>Every finding that infers says so: a confidence below "seen", what it infers, and the alternatives.</summary>
    [Fact]
    public void InferredFindings_StateTheirConfidenceAndAlternatives()
    {
        var all = ImperfectCaptures.Cases.Keys.SelectMany(n => CaptureAnalyzer.Analyze(Imperfect(n)).Sas)
            .SelectMany(s => s.Findings).Where(f => f.Confidence != Confidence.Seen).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, f =>
        {
            Assert.False(string.IsNullOrEmpty(f.Inferred), f.Id);
            Assert.NotEmpty(f.Alternatives);
            Assert.Contains($"confidence", f.Message);
        });
    }
}
