using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Findings.Rules;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Findings;

/// <summary>Each rule fires on the SA that should trigger it, with its evidence frames, and stays quiet on clean SAs.</summary>
public class FindingRulesTests
{
    private static List<Finding> Apply(IkeSa sa)
    {
        var analyzed = new AnalyzedSa(sa);
        FindingRules.Apply(analyzed);
        return analyzed.Findings;
    }

    private static Finding Single(IkeSa sa, FindingCode code) => Assert.Single(Apply(sa), f => f.Code == code);

    /// <summary>A clean IKEv2 SA: IKE_SA_INIT and IKE_AUTH, each answered.</summary>
    private static IkeSa CleanIkev2()
    {
        var b = new SaBuilder(2);
        b.Add(Role.Initiator, ExchangeKind.IkeSaInit, "IKE_SA_INIT request", IkeBytes.V2(34, false, 0));
        b.Add(Role.Responder, ExchangeKind.IkeSaInit, "IKE_SA_INIT response", IkeBytes.V2(34, true, 0));
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", IkeBytes.V2(35, false, 1, 900));
        b.Add(Role.Responder, ExchangeKind.IkeAuth, "IKE_AUTH response", IkeBytes.V2(35, true, 1, 700));
        return b.Done(SaOutcome.Established);
    }

    [Fact]
    public void CleanEstablishedIkev2Sa_HasNoFindings() => Assert.Empty(Apply(CleanIkev2()));

    [Fact]
    public void TechnoteS1_Established_OnlyTheTwoCertRequestInfos()
    {
        var findings = Apply(TechnoteSas.S1());
        Assert.Equal([FindingCode.CertRequestRestrictedInitiator, FindingCode.CertRequestAllGlobalTrustpoints], findings.Select(f => f.Code));
        Assert.All(findings, f => Assert.Equal(Severity.Info, f.Severity));
        var restricted = findings[0];
        Assert.Equal([3L], restricted.Frames);
        Assert.Contains("\"cn=CA1,o=cisco,o=com\"", restricted.Message);
        Assert.Contains("ca trust-point", restricted.Message);
        var all = findings[1];
        Assert.Equal([4L], all.Frames);
        Assert.Contains("responder", all.Message);
        Assert.Contains("5 IOS built-in CAs", all.Message);
    }

    [Theory]
    [MemberData(nameof(RulesExceptS1CertRequestInfos))]
    public void EveryOtherRule_IsQuietOnTechnoteS1(string rule)
    {
        var found = new List<Finding>();
        FindingRules.All.Single(r => r.GetType().Name == rule).Evaluate(TechnoteSas.S1(), found);
        Assert.Empty(found);
    }

    public static TheoryData<string> RulesExceptS1CertRequestInfos()
    {
        var data = new TheoryData<string>();
        foreach (var r in FindingRules.All.Where(r => r is not (CertRequestRestrictedInitiatorRule or CertRequestAllGlobalTrustpointsRule)))
            data.Add(r.GetType().Name);
        return data;
    }

    [Fact]
    public void TechnoteS2_MainModeStalledAfterMM5_NamesTheFirstMatchRuleAndBothListsFirstEntries()
    {
        var findings = Apply(TechnoteSas.S2());
        var f = findings[0];
        Assert.Equal(FindingCode.MainModeStalledAfterMM5, f.Code);
        Assert.Equal("PI101", f.Id);
        Assert.Equal(Severity.Error, f.Severity);
        // MM3 (3), first MM4 (4), the four MM5 (5, 7, 9, 11) and the re-sent MM4 (6, 8, 10, 12): technote frames 4–13.
        Assert.Equal([3L, 4, 5, 6, 7, 8, 9, 10, 11, 12], f.Frames);
        Assert.Contains(MainModeStalledAfterMM5Rule.FirstMatchExplanation, f.Message);
        Assert.Contains("(IOS first-match rule)", f.Message);
        Assert.Contains("responder's MM4 CERT_REQ list starts with \"cn=CA2,o=cisco,o=com\" (7 entries)", f.Message);
        Assert.Contains("initiator's MM3 list starts with \"cn=CA1,o=cisco,o=com\" (7 entries)", f.Message);
        Assert.Contains("4 times over 30.0 s", f.Message);
        Assert.Contains("symmetric", f.Fix);
        Assert.Contains("re-enrol", f.Fix);
        Assert.DoesNotContain(findings, x => x.Code is FindingCode.MainModeStalled or FindingCode.Retransmissions);
    }

    [Fact]
    public void TechnoteS2WithFragmentedMM5_AlsoFragmentedMessageUnanswered_AndPI101NamesThatCandidate()
    {
        var findings = Apply(TechnoteSas.S2(mm5Fragments: 2));
        Assert.Equal(FindingCode.MainModeStalledAfterMM5, findings[0].Code);
        Assert.Contains("MM5 travelled in 2 IP fragments", findings[0].Message);
        var f = Assert.Single(findings, x => x.Code == FindingCode.FragmentedMessageUnanswered);
        // MM5 copies: fragments 5+6, 8+9, 11+12, 14+15 (MM4 re-sent at 7, 10, 13, 16).
        Assert.Equal([5L, 6, 8, 9, 11, 12, 14, 15], f.Frames);
        Assert.Contains("4 times over 30.0 s", f.Message);
    }

    [Fact]
    public void TechnoteS2_CertRequestOrderAndFirstEntryDiffer_BothListsCarryTheBuiltIns()
    {
        var findings = Apply(TechnoteSas.S2());
        var order = Assert.Single(findings, f => f.Code == FindingCode.CertRequestOrderDiffers);
        Assert.Equal([3L, 4], order.Frames);
        Assert.Equal(Severity.Warning, order.Severity);
        var first = Assert.Single(findings, f => f.Code == FindingCode.CertRequestFirstEntryDiffers);
        Assert.Equal([3L, 4], first.Frames);
        Assert.Contains("initiator \"cn=CA1,o=cisco,o=com\"", first.Message);
        Assert.Contains("responder \"cn=CA2,o=cisco,o=com\"", first.Message);
        var builtIns = findings.Where(f => f.Code == FindingCode.CertRequestAllGlobalTrustpoints).ToList();
        Assert.Equal(2, builtIns.Count);
        Assert.Contains("no `ca trust-point` restriction", builtIns[0].Message);
        Assert.DoesNotContain(findings, f => f.Code == FindingCode.CertRequestRestrictedInitiator);
    }

    [Fact]
    public void Findings_AreOrderedErrorWarningInfo()
    {
        var severities = Apply(TechnoteSas.S2()).Select(f => f.Severity).ToList();
        Assert.Equal(severities.OrderByDescending(s => s), severities);
        Assert.Equal([Severity.Error, Severity.Warning, Severity.Info], severities.Distinct());
    }

    [Fact]
    public void MM5ResentOnceThenMM6_IsARetransmissionNotAStall()
    {
        var b = new SaBuilder(1);
        var s1 = TechnoteCaptures.S1();
        for (int i = 0; i < 5; i++) b.Add(s1[i], i % 2 == 0 ? Role.Initiator : Role.Responder, ExchangeKind.MainMode);
        b.Add(Role.Initiator, ExchangeKind.MainMode, "MM5", s1[4].Ike, 10.0, RetransmissionKind.SameContent);
        b.Add(Role.Responder, ExchangeKind.MainMode, "MM6", s1[5].Ike, 0.008);
        var findings = Apply(b.Done(SaOutcome.Established));
        var f = Assert.Single(findings, x => x.Code == FindingCode.Retransmissions);
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal([5L, 6], f.Frames);
        Assert.StartsWith("Seen: 1 retransmission before", f.Message);
        Assert.Contains("MM5 from the initiator sent twice over 10.0 s", f.Message);
        Assert.DoesNotContain(findings, x => x.Severity == Severity.Error);
    }

    [Fact]
    public void MM1ResentWithNoMM2_MainModeStalledAtMM1()
    {
        var b = new SaBuilder(1);
        byte[] mm1 = TechnoteCaptures.S1()[0].Ike;
        b.Add(Role.Initiator, ExchangeKind.MainMode, "MM1", mm1);
        b.Add(Role.Initiator, ExchangeKind.MainMode, "MM1", mm1, 10, RetransmissionKind.SameContent);
        b.Add(Role.Initiator, ExchangeKind.MainMode, "MM1", mm1, 10, RetransmissionKind.SameContent);
        var f = Single(b.Done(SaOutcome.Stalled), FindingCode.MainModeStalled);
        Assert.Equal([1L, 2, 3], f.Frames);
        Assert.Contains("stopped at MM1", f.Message);
        Assert.Contains("3 times over 20.0 s", f.Message);
        Assert.Contains("UDP 500", f.Fix);
    }

    [Fact]
    public void MM5UnansweredWithoutMM4Resent_IsMainModeStalledNotAfterMM5()
    {
        var b = new SaBuilder(1);
        var s1 = TechnoteCaptures.S1();
        for (int i = 0; i < 5; i++) b.Add(s1[i], i % 2 == 0 ? Role.Initiator : Role.Responder, ExchangeKind.MainMode);
        b.Add(Role.Initiator, ExchangeKind.MainMode, "MM5", s1[4].Ike, 10, RetransmissionKind.SameContent);
        var findings = Apply(b.Done(SaOutcome.Stalled));
        var f = Assert.Single(findings, x => x.Code == FindingCode.MainModeStalled);
        Assert.Equal([5L, 6], f.Frames);
        Assert.DoesNotContain(findings, x => x.Code == FindingCode.MainModeStalledAfterMM5);
    }

    [Fact]
    public void IkeAuthRequestResentWithNoResponse_IkeAuthNoResponse()
    {
        var b = new SaBuilder(2);
        b.Add(Role.Initiator, ExchangeKind.IkeSaInit, "IKE_SA_INIT request", IkeBytes.V2(34, false, 0));
        b.Add(Role.Responder, ExchangeKind.IkeSaInit, "IKE_SA_INIT response", IkeBytes.V2(34, true, 0));
        byte[] auth = IkeBytes.V2(35, false, 1, 900);
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", auth);
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", auth, 2, RetransmissionKind.SameContent);
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", auth, 4, RetransmissionKind.SameContent);
        var findings = Apply(b.Done(SaOutcome.Stalled));
        var f = Assert.Single(findings, x => x.Code == FindingCode.IkeAuthNoResponse);
        Assert.Equal([3L, 4, 5], f.Frames);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Contains("3 times over 6.0 s", f.Message);
        Assert.DoesNotContain(findings, x => x.Code is FindingCode.IkeSaInitNoResponse or FindingCode.FragmentedMessageUnanswered);
    }

    [Fact]
    public void IkeSaInitRequestWithNoResponse_IkeSaInitNoResponse()
    {
        var b = new SaBuilder(2);
        b.Add(Role.Initiator, ExchangeKind.IkeSaInit, "IKE_SA_INIT request", IkeBytes.V2(34, false, 0));
        b.Add(Role.Initiator, ExchangeKind.IkeSaInit, "IKE_SA_INIT request", IkeBytes.V2(34, false, 0), 1, RetransmissionKind.SameContent);
        var f = Single(b.Done(SaOutcome.Stalled), FindingCode.IkeSaInitNoResponse);
        Assert.Equal([1L, 2], f.Frames);
        Assert.Equal("PI104", f.Id);
    }

    [Fact]
    public void FragmentedIkeAuthResentUnanswered_FragmentedMessageUnanswered_WithFragmentFrames()
    {
        var b = new SaBuilder(2);
        b.Add(Role.Initiator, ExchangeKind.IkeSaInit, "IKE_SA_INIT request", IkeBytes.V2(34, false, 0));
        b.Add(Role.Responder, ExchangeKind.IkeSaInit, "IKE_SA_INIT response", IkeBytes.V2(34, true, 0));
        byte[] auth = IkeBytes.V2(35, false, 1, 1700);
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", auth, ipFragments: 2);          // frames 3, 4
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", auth, 2, RetransmissionKind.SameContent, ipFragments: 2);   // 5, 6
        var findings = Apply(b.Done(SaOutcome.Stalled));
        var f = Assert.Single(findings, x => x.Code == FindingCode.FragmentedMessageUnanswered);
        Assert.Equal([3L, 4, 5, 6], f.Frames);
        Assert.Contains("in 2 IP fragments", f.Message);
        Assert.Contains("fragment loss", f.Message);
        Assert.Contains("Enable IKEv2 fragmentation (RFC 7383)", f.Fix);
        Assert.DoesNotContain("crypto ikev2", f.Fix);    // no vendor ID says IOS: vendor-neutral advice
        Assert.Contains(findings, x => x.Code == FindingCode.IkeAuthNoResponse);
    }

    [Fact]
    public void FragmentedIkeAuthResentThenAnswered_IsNotFragmentLoss()
    {
        var b = new SaBuilder(2);
        b.Add(Role.Initiator, ExchangeKind.IkeSaInit, "IKE_SA_INIT request", IkeBytes.V2(34, false, 0));
        b.Add(Role.Responder, ExchangeKind.IkeSaInit, "IKE_SA_INIT response", IkeBytes.V2(34, true, 0));
        byte[] auth = IkeBytes.V2(35, false, 1, 1700);
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", auth, ipFragments: 2);
        b.Add(Role.Initiator, ExchangeKind.IkeAuth, "IKE_AUTH request", auth, 2, RetransmissionKind.SameContent, ipFragments: 2);
        b.Add(Role.Responder, ExchangeKind.IkeAuth, "IKE_AUTH response", IkeBytes.V2(35, true, 1, 600));
        var findings = Apply(b.Done(SaOutcome.Established));
        Assert.DoesNotContain(findings, x => x.Code is FindingCode.FragmentedMessageUnanswered or FindingCode.IkeAuthNoResponse);
        Assert.Equal([FindingCode.Retransmissions], findings.Select(x => x.Code));
    }

    [Fact]
    public void ErrorNotifies_OneFindingPerDistinctNotifyAndStep_WithMeaning()
    {
        var b = new SaBuilder(1);
        b.Add(Role.Initiator, ExchangeKind.MainMode, "MM1", TechnoteCaptures.S1()[0].Ike);
        byte[] info = IkeBytes.V1(5, false, 0x1234, IkeBytes.CookieR, IkeBytes.V1Notify(14));
        b.Add(Role.Responder, ExchangeKind.Informational, "INFO", info);
        b.Add(Role.Responder, ExchangeKind.Informational, "INFO", info, 1);
        b.Add(Role.Responder, ExchangeKind.Informational, "INFO", IkeBytes.V1(5, false, 0x5678, IkeBytes.CookieR, IkeBytes.V1Notify(18)), 1);
        var findings = Apply(b.Done(SaOutcome.Failed)).Where(f => f.Code == FindingCode.ErrorNotify).ToList();
        Assert.Equal(2, findings.Count);
        Assert.Equal([2L, 3], findings[0].Frames);
        Assert.Contains("responder sent NO_PROPOSAL_CHOSEN at INFO (twice)", findings[0].Message);
        Assert.Contains("none of the offered proposals", findings[0].Message);
        Assert.NotNull(findings[0].Fix);
        Assert.Equal([4L], findings[1].Frames);
        Assert.Contains("INVALID_ID_INFORMATION", findings[1].Message);
        Assert.Contains("crypto ACLs", findings[1].Message);
    }

    [Theory]
    [InlineData((ushort)24, "AUTHENTICATION_FAILED", "pre-shared key")]
    [InlineData((ushort)20, "INVALID_CERTIFICATE", "certificate failed validation")]
    public void ErrorNotify_NamesAndExplainsTheCommonOnes(ushort type, string name, string meaning)
    {
        var b = new SaBuilder(1);
        b.Add(Role.Responder, ExchangeKind.Informational, "INFO", IkeBytes.V1(5, false, 7, IkeBytes.CookieR, IkeBytes.V1Notify(type)));
        var f = Single(b.Done(SaOutcome.Failed), FindingCode.ErrorNotify);
        Assert.Contains(name, f.Message);
        Assert.Contains(meaning, f.Message);
    }

    [Fact]
    public void Ikev2TsUnacceptable_IsNamedWithItsStep()
    {
        var sa = CleanIkev2();
        sa.Notifies.Add(new NotifyEntry(4, Role.Responder, "IKE_AUTH response", 38, "TS_UNACCEPTABLE", true));
        var f = Single(sa, FindingCode.ErrorNotify);
        Assert.Equal([4L], f.Frames);
        Assert.Contains("TS_UNACCEPTABLE at IKE_AUTH response", f.Message);
    }

    [Fact]
    public void InformationalWithZeroResponderCookie_Fires()
    {
        var b = new SaBuilder(1);
        b.Add(Role.Initiator, ExchangeKind.MainMode, "MM1", TechnoteCaptures.S1()[0].Ike);
        b.Add(Role.Responder, ExchangeKind.Informational, "INFO", IkeBytes.V1(5, false, 0x42, 0, IkeBytes.V1Notify(14)));
        var findings = Apply(b.Done(SaOutcome.Failed));
        var f = Assert.Single(findings, x => x.Code == FindingCode.InformationalWithZeroResponderCookie);
        Assert.Equal([2L], f.Frames);
        Assert.Contains("zero responder cookie", f.Message);
        Assert.Contains("NO_PROPOSAL_CHOSEN", f.Message);
        Assert.Equal(FindingCode.ErrorNotify, findings[0].Code);
    }

    [Fact]
    public void DeleteOfTheIsakmpSa_Fires()
    {
        var sa = TechnoteSas.S1();
        var b = new SaBuilder(1);
        b.Add(Role.Initiator, ExchangeKind.Informational, "INFO", IkeBytes.V1(5, false, 0x99, IkeBytes.CookieR, IkeBytes.V1DeleteIsakmp()));
        var f = Single(b.Done(SaOutcome.Established), FindingCode.Delete);
        Assert.Equal([1L], f.Frames);
        Assert.Contains("initiator deleted the IKE SA", f.Message);
        Assert.DoesNotContain(Apply(sa), x => x.Code == FindingCode.Delete);
    }

    [Fact]
    public void NatDetectedAndFloated_Fires()
    {
        var sa = TechnoteSas.S1();
        sa.NatDetected = true;
        sa.FloatedTo4500 = true;
        var f = Single(sa, FindingCode.NatDetected);
        Assert.Equal([3L, 4], f.Frames);   // the NAT-D payloads of MM3 and MM4
        Assert.Contains("UDP 4500", f.Message);
    }

    [Fact]
    public void IkeSaInitRetriedAfterInvalidKe_Fires()
    {
        var first = new SaBuilder(2);
        first.Add(Role.Initiator, ExchangeKind.IkeSaInit, "IKE_SA_INIT request", IkeBytes.V2(34, false, 0));
        first.Add(Role.Responder, ExchangeKind.IkeSaInit, "IKE_SA_INIT response", IkeBytes.V2(34, true, 0));
        first.Sa.Notifies.Add(new NotifyEntry(2, Role.Responder, "IKE_SA_INIT response", 17, "INVALID_KE_PAYLOAD", true));
        var retry = CleanIkev2();
        retry.RetryOf = first.Done(SaOutcome.Failed);
        retry.RetryKind = RetryKind.Restart;
        var f = Single(retry, FindingCode.IkeSaInitRetried);
        Assert.Equal([1L, 2], f.Frames);
        Assert.Contains("INVALID_KE_PAYLOAD", f.Message);
    }

    [Fact]
    public void QuickModeWithoutQm2_ExchangeIncomplete()
    {
        var b = new SaBuilder(1);
        var s1 = TechnoteCaptures.S1();
        for (int i = 0; i < 6; i++) b.Add(s1[i], i % 2 == 0 ? Role.Initiator : Role.Responder, ExchangeKind.MainMode);
        b.Add(s1[6], Role.Initiator, ExchangeKind.QuickMode);
        b.Add(Role.Initiator, ExchangeKind.QuickMode, "QM1", s1[6].Ike, 10, RetransmissionKind.SameContent);
        var f = Single(b.Done(SaOutcome.Stalled), FindingCode.ExchangeIncomplete);
        Assert.Equal([7L, 8], f.Frames);
        Assert.Contains("Quick Mode", f.Message);
    }

    [Fact]
    public void AggressiveModeWithoutAm3_ExchangeIncomplete()
    {
        var b = new SaBuilder(1);
        b.Add(Role.Initiator, ExchangeKind.AggressiveMode, "AM1", IkeBytes.V1(4, false, 0, 0, (1, new byte[8])));
        b.Add(Role.Responder, ExchangeKind.AggressiveMode, "AM2", IkeBytes.V1(4, false, 0, IkeBytes.CookieR, (1, new byte[8])));
        // the capture ending right after AM2 says nothing of AM3
        Assert.DoesNotContain(Apply(b.Done(SaOutcome.Incomplete)), x => x.Code == FindingCode.ExchangeIncomplete);
        var f = Single(b.Done(SaOutcome.Stalled, observedAfter: 10), FindingCode.ExchangeIncomplete);
        Assert.Equal([1L, 2], f.Frames);
        Assert.Contains("stopped after AM2", f.Message);
        Assert.Contains("the capture went on 10.0 s after the last copy", f.Message);
    }

    [Fact]
    public void CaptureEndingAfterMM4_CaptureTruncatesNegotiation_NotAStall()
    {
        var sa = TechnoteSas.S1(upToFrame: 4);
        sa.EndsMidNegotiation = true;
        var findings = Apply(sa);
        var f = Assert.Single(findings, x => x.Code == FindingCode.CaptureTruncatesNegotiation);
        Assert.Equal([4L], f.Frames);
        Assert.Contains("ends 0.0 s after MM4", f.Message);
        Assert.DoesNotContain(findings, x => x.Code is FindingCode.MainModeStalled or FindingCode.MainModeStalledAfterMM5);
    }

    [Fact]
    public void SingleCertRequestFromTheResponder_IsNotRestrictedInitiator()
    {
        var sa = TechnoteSas.S1();
        sa.InitiatorCertRequests.Clear();
        Assert.DoesNotContain(Apply(sa), f => f.Code is FindingCode.CertRequestRestrictedInitiator or FindingCode.CertRequestOrderDiffers);
    }

    [Theory]
    [InlineData("ou=Class 3 Public Primary Certification Authority,o=VeriSign\\, Inc.,c=US", true)]
    [InlineData("CN=Cisco Root CA M1, O=Cisco", true)]
    [InlineData("cn=CA1,o=cisco,o=com", false)]
    public void IosBuiltInCas_MatchIgnoringCaseSpacesAndEscapes(string dn, bool builtIn) =>
        Assert.Equal(builtIn, IosBuiltInCas.IsBuiltIn(dn));

    [Fact]
    public void EveryFindingCode_HasARuleThatCanEmitIt_AndAnId()
    {
        // One rule per code; the 6xx codes come from the selection model with --config (Model/CaptureExplainer,
        // each covered in Model/CaptureExplainerTests), not from a capture-only rule.
        Assert.Equal(Enum.GetValues<FindingCode>().Count(c => (ushort)c < 600), FindingRules.All.Count);
        Assert.Equal(5, Enum.GetValues<FindingCode>().Count(c => (ushort)c is >= 600 and < 700));
        // The 7xx codes: one data-plane rule each (Findings/Rules/DataPlaneRules.cs).
        Assert.Equal(Enum.GetValues<FindingCode>().Count(c => (ushort)c is >= 700 and < 800), PcapIke.Findings.Rules.DataPlaneRules.All.Count);
        // The 8xx codes come from the routers' debug logs (Model/DebugEvidence, DebugAlignment; Model/DebugEvidenceTests).
        Assert.Equal(4, Enum.GetValues<FindingCode>().Count(c => (ushort)c >= 800));
        foreach (FindingCode code in Enum.GetValues<FindingCode>())
            Assert.Matches(@"^PI\d{3}$", FindingCodes.Id(code));
    }
}

public class FindingRulesOnRealCapturesTests
{
    [Fact]
    public void SkfFragments_AreNotReportedAsRetransmissions()
    {
        string path = Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-skf", "capture.pcap");
        var sa = Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(path).Sas);

        Assert.Equal(0, sa.Sa.Retransmissions);
        Assert.DoesNotContain(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.Retransmissions);
    }
}

public class FailedInsideEncryptedMessageTests
{
    [Fact]
    public void UntrustedCa_SmallEncryptedIkeAuthResponse_IsAnErrorFindingOnItsFrame()
    {
        string path = Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-untrusted-ca", "capture.pcap");
        var sa = Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(path).Sas);

        var f = Assert.Single(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.FailedInsideEncryptedMessage);
        Assert.Equal(PcapIke.Findings.Severity.Error, f.Severity);
        Assert.Equal(new long[] { 4 }, f.Frames);
        Assert.Contains("IKE_AUTH response", f.Message);
        Assert.Equal("PI110", f.Id);
        Assert.Same(f, sa.Findings[0]); // the most important finding comes first
    }

    [Fact]
    public void EstablishedIkev2_HasNoSuchFinding()
    {
        string path = Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc", "capture.pcap");
        var sa = Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(path).Sas);

        Assert.DoesNotContain(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.FailedInsideEncryptedMessage);
    }
}

public class WeakAlgorithmsRuleTests
{
    private static AnalyzedSa Analyze(string path) =>
        Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(path).Sas);

    [Fact]
    public void WeakDhCapture_OfferingModp1024_IsAWarningOnTheSaInitRequest()
    {
        var sa = Analyze(Path.Combine(PcapIke.Tests.TestSupport.TestPaths.SharedCaptures, "ikev2-sa-init-weak-dh.pcap"));
        var f = Assert.Single(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.WeakAlgorithms);
        Assert.Equal(PcapIke.Findings.Severity.Warning, f.Severity);
        Assert.Contains("MODP_1024", f.Message);
        Assert.Contains("offered", f.Message);
        Assert.Equal(new long[] { 1 }, f.Frames);
    }

    [Fact]
    public void Ikev1Certs_Chosen3DesMd5Group2_IsAWarningNamingEachAndIkev1Deprecation()
    {
        var sa = Analyze(Path.Combine(PcapIke.Tests.TestSupport.TestPaths.SharedCaptures, "ikev1-certs.pcap"));
        var f = Assert.Single(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.WeakAlgorithms);
        Assert.Contains("chosen", f.Message);
        Assert.Contains("MD5", f.Message);
        Assert.Contains("MODP_1024", f.Message);
        Assert.Contains("TripleDES_CBC", f.Message);
        Assert.Contains("RFC 9395", f.Message);
    }

    [Fact]
    public void StrongSwanAesGcmEcp256_HasNoWeakAlgorithmFinding()
    {
        var sa = Analyze(Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-gcm", "capture.pcap"));
        Assert.DoesNotContain(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.WeakAlgorithms);
    }
}

public class CertRequestFirstEntryWithDecryptedCertificatesTests
{
    [Fact]
    public void UntrustedCa_WithKeys_StatesTheCaTheInitiatorReallySignedWith()
    {
        string dir = Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-untrusted-ca");
        var options = new PcapIke.Analysis.AnalysisOptions
        {
            Keys = PcapIke.Decryption.KeyRing.Load([Path.Combine(dir, "ikev2_decryption_table")]),
            Cas = PcapIke.Exchanges.CaCatalog.Load([dir]),
        };
        var sa = Assert.Single(PcapIke.Analysis.CaptureAnalyzer.Analyze(Path.Combine(dir, "capture.pcap"), options).Sas);

        Assert.Equal("CN=Lab CA2,O=PcapIke Lab,C=CH", sa.Sa.InitiatorCertificateIssuer);
        var f = Assert.Single(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.CertRequestFirstEntryDiffers);
        Assert.Contains("The initiator signed with its certificate from CN=Lab CA2,O=PcapIke Lab,C=CH", f.Message);
        Assert.Contains("the responder sent no certificate", f.Message);
        Assert.DoesNotContain("most likely", f.Message);
    }
}
