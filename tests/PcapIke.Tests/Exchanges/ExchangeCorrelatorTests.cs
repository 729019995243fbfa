using System.Security.Cryptography;
using PcapIke.Exchanges;
using static PcapIke.Tests.Exchanges.IkeForge;
using PcapIke.Analysis;

namespace PcapIke.Tests.Exchanges;

/// <summary>Hand-built negotiations through <see cref="CaptureAnalyzer"/>: stalls, restarts, parallel SAs, partial captures.</summary>
public class ExchangeCorrelatorTests
{
    private const string R1 = "192.168.0.1", R2 = "192.168.0.2";
    private const ulong CkyI = 0x1111111111111111, CkyR = 0x2222222222222222;

    private static string[] Steps(IkeSa sa) => sa.Messages.Select(m => m.Step).ToArray();

    /// <summary>IKEv1 Main Mode MM1-MM4 between R2 (initiator) and R1, with NAT-D payloads that match the addresses
    /// (RFC 3947 §3.2, MD5 as chosen).</summary>
    private static List<Sent> MainModeToMm4(ulong ckyI = CkyI, ulong ckyR = CkyR, string init = R2, string resp = R1, double t0 = 0)
    {
        byte[] Hd(string ip) => MD5.HashData(NatInput(ckyI, ckyR, ip, 500));
        return
        [
            new(t0 + 0.00, init, 500, resp, 500, Message(1, ckyI, 0, MainMode, 0, 0, [Ikev1Sa()])),
            new(t0 + 0.05, resp, 500, init, 500, Message(1, ckyI, ckyR, MainMode, 0, 0, [Ikev1Sa()])),
            new(t0 + 0.10, init, 500, resp, 500, Message(1, ckyI, ckyR, MainMode, 0, 0, [Ke(1), Nonce(2), NatD(Hd(resp)), NatD(Hd(init))])),
            new(t0 + 0.15, resp, 500, init, 500, Message(1, ckyI, ckyR, MainMode, 0, 0, [Ke(3), Nonce(4), NatD(Hd(init)), NatD(Hd(resp))])),
        ];
    }

    private static Sent Mm5(double t, ulong ckyI = CkyI, ulong ckyR = CkyR, string init = R2, string resp = R1) =>
        new(t, init, 500, resp, 500, Message(1, ckyI, ckyR, MainMode, FlagEncrypted, 0, [], Bytes(64, 5)));

    private static Sent Mm6(double t, ulong ckyI = CkyI, ulong ckyR = CkyR, string init = R2, string resp = R1) =>
        new(t, resp, 500, init, 500, Message(1, ckyI, ckyR, MainMode, FlagEncrypted, 0, [], Bytes(64, 6)));

    [Fact]
    public void TechnoteS2_ResponderResendsMm4AfterRejectingMm5_StalledAtMm5()
    {
        var mm = MainModeToMm4();
        Sent mm4 = mm[3], mm5 = Mm5(1.0);
        mm.AddRange([mm5, mm4 with { Seconds = 1.2 }, mm5 with { Seconds = 11.0 }, mm4 with { Seconds = 11.2 },
            mm5 with { Seconds = 21.0 }, mm4 with { Seconds = 21.2 }]);
        var sa = Assert.Single(Analyze(mm).Sas);

        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM4", "MM5", "MM4", "MM5", "MM4"], Steps(sa.Sa));
        var resentMm4 = sa.Sa.Messages.Skip(5).Where(m => m.Step == "MM4").ToList();
        Assert.Equal(3, resentMm4.Count);
        Assert.All(resentMm4, m =>
        {
            Assert.Equal(Role.Responder, m.Sender);
            Assert.Equal(RetransmissionKind.ResentAfterRejectingNext, m.Retransmission);
            Assert.Same(sa.Sa.Messages[3], m.RetransmissionOf);
        });
        var resentMm5 = sa.Sa.Messages.Skip(5).Where(m => m.Step == "MM5").ToList();
        Assert.All(resentMm5, m => Assert.Equal(RetransmissionKind.SameContent, m.Retransmission));
        Assert.Equal(5, sa.Sa.Retransmissions);
        Assert.DoesNotContain(sa.Sa.Messages, m => m.Step == "MM6");

        Assert.Equal(SaOutcome.Stalled, sa.Sa.Outcome);
        Assert.Equal("MM5", sa.Sa.LastStep);
        Assert.Equal("at MM5: initiator re-sent MM5 2 times over 20.0 s; responder re-sent MM4 3 times over 21.1 s; "
            + "responder rejected MM5: it re-sent MM4 instead of answering", sa.Sa.OutcomeDetail);
        Assert.True(sa.Sa.EndsMidNegotiation);
        Assert.False(sa.Sa.NatHashMismatch);
        Assert.False(sa.Sa.NatDetected);
        Assert.Equal("192.168.0.2:500", sa.Sa.Initiator.ToString());
        Assert.Equal("TripleDES_CBC/MD5/MODP_1024/PreSharedKey/28800s", sa.Sa.Chosen!.ToString());
    }

    [Fact]
    public void MainModeComplete_Established_AndNatDMismatchDetected()
    {
        var mm = MainModeToMm4();
        // the responder's NAT-D for the initiator does not match what the capture shows: a NAT rewrote it
        mm[3] = mm[3] with { Ike = Message(1, CkyI, CkyR, MainMode, 0, 0, [Ke(3), Nonce(4), NatD(new byte[16]), NatD(MD5.HashData(NatInput(CkyI, CkyR, R1, 500)))]) };
        mm.AddRange([Mm5(0.2), Mm6(0.25)]);
        var sa = Assert.Single(Analyze(mm).Sas);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Equal("MM6", sa.Sa.LastStep);
        Assert.True(sa.Sa.NatHashMismatch);
        Assert.True(sa.Sa.NatDetected);
        Assert.False(sa.Sa.FloatedTo4500);
    }

    [Fact]
    public void CaptureStartingAtMm3_StartsMidNegotiation_RolesFromTheStep()
    {
        var mm = MainModeToMm4().Skip(2).ToList();
        mm.AddRange([Mm5(0.2), Mm6(0.25)]);
        var sa = Assert.Single(Analyze(mm).Sas);
        Assert.True(sa.Sa.StartsMidNegotiation);
        Assert.Equal(["MM3", "MM4", "MM5", "MM6"], Steps(sa.Sa));
        Assert.Equal("192.168.0.2:500", sa.Sa.Initiator.ToString());
        Assert.Equal(Role.Responder, sa.Sa.Messages[1].Sender);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Equal(CkyR, sa.Sa.SpiR);
    }

    [Fact]
    public void CaptureStartingAtMm2_ResponderInferredFromTheSaUnderANonZeroCookie()
    {
        var mm = MainModeToMm4().Skip(1).ToList();
        var sa = Assert.Single(Analyze(mm).Sas);
        Assert.True(sa.Sa.StartsMidNegotiation);
        Assert.Equal(["MM2", "MM3", "MM4"], Steps(sa.Sa));
        Assert.Equal(Role.Responder, sa.Sa.Messages[0].Sender);
        Assert.Equal("192.168.0.2:500", sa.Sa.Initiator.ToString());
        Assert.Equal(SaOutcome.Incomplete, sa.Sa.Outcome);
        Assert.Equal("capture starts mid-negotiation (first seen: MM2) and ends after MM4", sa.Sa.OutcomeDetail);
        Assert.True(sa.Sa.EndsMidNegotiation);
    }

    [Fact]
    public void TwoSimultaneousMainModesBetweenTheSamePeers_KeptApartByCookies()
    {
        var a = MainModeToMm4(CkyI, CkyR, R1, R2, 0);
        var b = MainModeToMm4(0x3333333333333333, 0x4444444444444444, R2, R1, 0.01);
        var all = a.Concat(b).Concat([Mm5(0.3, CkyI, CkyR, R1, R2), Mm6(0.31, CkyI, CkyR, R1, R2)]).OrderBy(s => s.Seconds).ToList();
        var sas = Analyze(all).Sas;
        Assert.Equal(2, sas.Count);
        Assert.Equal((CkyI, CkyR), (sas[0].Sa.SpiI, sas[0].Sa.SpiR));
        Assert.Equal((0x3333333333333333UL, 0x4444444444444444UL), (sas[1].Sa.SpiI, sas[1].Sa.SpiR));
        Assert.Equal("192.168.0.1:500", sas[0].Sa.Initiator.ToString());
        Assert.Equal("192.168.0.2:500", sas[1].Sa.Initiator.ToString());
        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM6"], Steps(sas[0].Sa));
        Assert.Equal(["MM1", "MM2", "MM3", "MM4"], Steps(sas[1].Sa));
        Assert.Equal(SaOutcome.Established, sas[0].Sa.Outcome);
        Assert.Equal(SaOutcome.Incomplete, sas[1].Sa.Outcome);
        Assert.Equal(0, sas[0].Sa.Retransmissions + sas[1].Sa.Retransmissions);
        Assert.Equal([1, 2], sas.Select(s => s.Sa.Id));
    }

    [Fact]
    public void Ikev1InformationalErrorAfterMm1_FailedNamingTheNotifyAndStep()
    {
        List<Sent> msgs =
        [
            new(0, R2, 500, R1, 500, Message(1, CkyI, 0, MainMode, 0, 0, [Ikev1Sa()])),
            new(0.1, R1, 500, R2, 500, Message(1, CkyI, 0, Informational, 0, 0, [Ikev1Notify(14)])),
        ];
        var sa = Assert.Single(Analyze(msgs).Sas);
        Assert.Equal(["MM1", "INFO"], Steps(sa.Sa));
        Assert.Equal(SaOutcome.Failed, sa.Sa.Outcome);
        Assert.Equal("notify NO_PROPOSAL_CHOSEN at MM1 (INFO from the responder, frame 2)", sa.Sa.OutcomeDetail);
        NotifyEntry n = Assert.Single(sa.Sa.Notifies);
        Assert.True(n.IsError);
        Assert.Equal(Role.Responder, n.Sender);
    }

    [Fact]
    public void CiscoFragmentsOfMm5_GroupedUnderOneStep_NotRetransmissions()
    {
        var mm = MainModeToMm4();
        mm.Add(new(0.2, R2, 500, R1, 500, Message(1, CkyI, CkyR, MainMode, 0, 0, [CiscoFragment(7, 1, false, Bytes(400, 1))])));
        mm.Add(new(0.2, R2, 500, R1, 500, Message(1, CkyI, CkyR, MainMode, 0, 0, [CiscoFragment(7, 2, true, Bytes(300, 2))])));
        mm.Add(Mm6(0.3));
        var sa = Assert.Single(Analyze(mm).Sas);
        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM5", "MM6"], Steps(sa.Sa));
        Assert.Equal([1, 2], sa.Sa.Messages.Where(m => m.Step == "MM5").Select(m => m.FragmentNumber));
        Assert.Equal(2, sa.Sa.Messages[5].FragmentTotal);
        Assert.Equal(0, sa.Sa.Retransmissions);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
    }

    // ---- IKEv2 ----

    private const ulong SpiI = 0xaaaaaaaaaaaaaaaa, SpiR = 0xbbbbbbbbbbbbbbbb;

    private static Sent InitRequest(double t, ulong spiI = SpiI, int seed = 1, Payload? extra = null, string src = R1, string dst = R2) =>
        new(t, src, 500, dst, 500, Message(2, spiI, 0, IkeSaInit, FlagInitiator, 0,
            extra is { } e ? [e, Ikev2Sa(), KeV2(seed), NonceV2(seed + 1)] : [Ikev2Sa(), KeV2(seed), NonceV2(seed + 1)]));

    private static Sent InitResponse(double t, ulong spiI = SpiI, ulong spiR = SpiR, string src = R2, string dst = R1) =>
        new(t, src, 500, dst, 500, Message(2, spiI, spiR, IkeSaInit, FlagResponse, 0, [Ikev2Sa(), KeV2(9), NonceV2(10)]));

    private static Sent AuthRequest(double t, uint mid = 1, ulong spiI = SpiI, ulong spiR = SpiR) =>
        new(t, R1, 4500, R2, 4500, Message(2, spiI, spiR, IkeAuth, FlagInitiator, mid, [Sk(1200, (int)mid)]));

    private static Sent AuthResponse(double t, uint mid = 1, int length = 1100, ulong spiI = SpiI, ulong spiR = SpiR) =>
        new(t, R2, 4500, R1, 4500, Message(2, spiI, spiR, IkeAuth, FlagResponse, mid, [Sk(length, 100 + (int)mid, 36)]));

    /// <summary>PI116: an IKE_AUTH response large enough for IDr/AUTH, then at once an INFORMATIONAL with content (a
    /// DELETE's size) and nothing after — the SA was torn down, not established (what S4 looks like without keys).</summary>
    [Theory]
    [InlineData(0.003, 96, 88, true)]      // S4's sizes: 3 ms later, the request 8 bytes longer than the empty answer
    [InlineData(1.9, 96, 0, true)]         // unanswered, within the window
    [InlineData(0.003, 88, 88, false)]     // an empty INFORMATIONAL (liveness check) answered in kind: still established
    [InlineData(2.5, 96, 88, false)]       // beyond the 2 s window: an SA in use
    public void Ikev2InformationalAtOnceAfterIkeAuth_TornDown(double after, int request, int response, bool tornDown)
    {
        // IP length = 20 + 8 + 4 (non-ESP marker) + 28 (IKE header) + 4 (SK header) + body
        const int overhead = 20 + 8 + 4 + 28 + 4;
        var sent = new List<Sent> { InitRequest(0), InitResponse(0.01), AuthRequest(0.02), AuthResponse(0.03) };
        sent.Add(new(0.03 + after, R1, 4500, R2, 4500, Message(2, SpiI, SpiR, InformationalV2, FlagInitiator, 2, [Sk(request - overhead, 5, 42)])));
        if (response > 0)
            sent.Add(new(0.035 + after, R2, 4500, R1, 4500, Message(2, SpiI, SpiR, InformationalV2, FlagResponse, 2, [Sk(response - overhead, 6, 0)])));
        var analysis = Analyze(sent);
        var sa = Assert.Single(analysis.Sas);
        Assert.Equal(request, sa.Sa.Messages[4].Size);
        if (tornDown)
        {
            Assert.Equal(SaOutcome.Failed, sa.Sa.Outcome);
            Assert.Equal(Confidence.Medium, sa.Sa.OutcomeConfidence);
            Assert.Same(sa.Sa.Messages[4], sa.Sa.TornDownBy);
            Assert.StartsWith("IKE_AUTH response received (encrypted: large enough for IDr/AUTH), then torn down at once: the initiator started an INFORMATIONAL exchange with content", sa.Sa.OutcomeDetail);
            var f = Assert.Single(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.TornDownAfterAuth);
            Assert.Equal([4L, 5L], f.Frames);
            Assert.DoesNotContain(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.FailedInsideEncryptedMessage);
        }
        else
        {
            Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
            Assert.Null(sa.Sa.TornDownBy);
            Assert.DoesNotContain(sa.Findings, f => f.Code == PcapIke.Findings.FindingCode.TornDownAfterAuth);
        }
    }

    /// <summary>S4 (the responder refuses the Child SA with TS_UNACCEPTABLE, then IOS deletes the SA): without its key
    /// table it is not "established" but torn down at once (PI116); with it, the notify is seen and PI116 stays out.</summary>
    [Fact]
    public void S4_WithoutKeys_TornDown_WithKeys_TheNotify()
    {
        string dir = Path.Combine(PcapIke.Tests.TestSupport.TestPaths.RepoRoot, "captures", "S4-ikev2-overlapping-profiles");
        var blind = Assert.Single(CaptureAnalyzer.Analyze(Path.Combine(dir, "capture.pcap")).Sas);
        Assert.Equal((SaOutcome.Failed, Confidence.Medium, 5L), (blind.Sa.Outcome, blind.Sa.OutcomeConfidence, blind.Sa.TornDownBy!.Frame));
        Assert.Contains(blind.Findings, f => f.Code == PcapIke.Findings.FindingCode.TornDownAfterAuth);
        var keys = PcapIke.Decryption.KeyRing.Load([Path.Combine(dir, "ikev2_decryption_table")]);
        var seen = Assert.Single(CaptureAnalyzer.Analyze(Path.Combine(dir, "capture.pcap"), new AnalysisOptions { Keys = keys }).Sas);
        Assert.Equal(SaOutcome.Failed, seen.Sa.Outcome);
        Assert.Null(seen.Sa.TornDownBy);
        Assert.Contains("TS_UNACCEPTABLE", seen.Sa.OutcomeDetail);
        Assert.DoesNotContain(seen.Findings, f => f.Code == PcapIke.Findings.FindingCode.TornDownAfterAuth);
    }

    [Fact]
    public void Ikev2IkeAuthRequestResentThreeTimes_NoResponse_Stalled()
    {
        Sent auth = AuthRequest(0.2);
        var sa = Assert.Single(Analyze([InitRequest(0), InitResponse(0.1), auth, auth with { Seconds = 2.2 },
            auth with { Seconds = 6.2 }, auth with { Seconds = 14.2 }]).Sas);
        Assert.Equal(["IKE_SA_INIT request", "IKE_SA_INIT response", "IKE_AUTH request", "IKE_AUTH request", "IKE_AUTH request", "IKE_AUTH request"], Steps(sa.Sa));
        Assert.Equal(3, sa.Sa.Retransmissions);
        Assert.All(sa.Sa.Messages.Skip(3), m => Assert.Same(sa.Sa.Messages[2], m.RetransmissionOf));
        Assert.Equal(SaOutcome.Stalled, sa.Sa.Outcome);
        Assert.Equal("IKE_AUTH request", sa.Sa.LastStep);
        Assert.Equal("at IKE_AUTH request: initiator re-sent IKE_AUTH request 3 times over 14.0 s; responder never answered IKE_AUTH request",
            sa.Sa.OutcomeDetail);
        Assert.True(sa.Sa.FloatedTo4500);
    }

    [Fact]
    public void Ikev2RequestResentWithOtherBytesUnderTheSameMessageId_SameMessageId()
    {
        Sent auth = AuthRequest(0.2);
        Sent other = auth with { Seconds = 2.2, Ike = Message(2, SpiI, SpiR, IkeAuth, FlagInitiator, 1, [Sk(1200, 77)]) };
        var sa = Assert.Single(Analyze([InitRequest(0), InitResponse(0.1), auth, other]).Sas);
        Assert.Equal(RetransmissionKind.SameMessageId, sa.Sa.Messages[3].Retransmission);
        Assert.Equal(SaOutcome.Stalled, sa.Sa.Outcome);
    }

    [Fact]
    public void Rfc7296_2_6_CookieRetry_SameSpiI_NewSaLinkedViaRetryOf()
    {
        byte[] cookie = Bytes(16, 42);
        var sas = Analyze(
        [
            InitRequest(0),
            new(0.01, R2, 500, R1, 500, Message(2, SpiI, 0, IkeSaInit, FlagResponse, 0, [Notify(16390, cookie)])),
            InitRequest(0.02, extra: Notify(16390, cookie)),
            InitResponse(0.03),
            AuthRequest(0.04),
            AuthResponse(0.05),
        ]).Sas;
        Assert.Equal(2, sas.Count);
        Assert.Equal(["IKE_SA_INIT request", "IKE_SA_INIT response"], Steps(sas[0].Sa));
        Assert.Equal(["IKE_SA_INIT request", "IKE_SA_INIT response", "IKE_AUTH request", "IKE_AUTH response"], Steps(sas[1].Sa));
        Assert.Same(sas[0].Sa, sas[1].Sa.RetryOf);
        Assert.Equal(SpiI, sas[1].Sa.SpiI);
        Assert.Equal(0UL, sas[0].Sa.SpiR);
        Assert.Equal(SpiR, sas[1].Sa.SpiR);
        Assert.Equal(SaOutcome.Incomplete, sas[0].Sa.Outcome);
        Assert.Equal("responder asked for COOKIE at IKE_SA_INIT response; the initiator restarted as IKE SA #2", sas[0].Sa.OutcomeDetail);
        Assert.Equal(SaOutcome.Established, sas[1].Sa.Outcome);
        Assert.Equal(0, sas[1].Sa.Retransmissions);
    }

    [Fact]
    public void Rfc7296_1_2_InvalidKeRetryWithNewSpiI_LinkedViaRetryOf_FirstFailed()
    {
        const ulong newSpiI = 0xcccccccccccccccc;
        var sas = Analyze(
        [
            InitRequest(0),
            new(0.01, R2, 500, R1, 500, Message(2, SpiI, 0, IkeSaInit, FlagResponse, 0, [Notify(17, [0, 14])])),
            InitRequest(1.5, newSpiI, seed: 20),
            InitResponse(1.6, newSpiI),
        ]).Sas;
        Assert.Equal(2, sas.Count);
        Assert.Same(sas[0].Sa, sas[1].Sa.RetryOf);
        Assert.Equal(SaOutcome.Failed, sas[0].Sa.Outcome);
        Assert.Equal("notify INVALID_KE_PAYLOAD at IKE_SA_INIT response; retried as IKE SA #2 1.5 s later", sas[0].Sa.OutcomeDetail);
        Assert.Equal(RetryKind.Restart, sas[1].Sa.RetryKind);
        Assert.Equal(SaOutcome.Incomplete, sas[1].Sa.Outcome);

        // too late to be a restart: a new attempt by the same initiator, linked as such
        var late = Analyze([InitRequest(0),
            new(0.01, R2, 500, R1, 500, Message(2, SpiI, 0, IkeSaInit, FlagResponse, 0, [Notify(17, [0, 14])])),
            InitRequest(30, newSpiI, seed: 20)]).Sas;
        Assert.Same(late[0].Sa, late[1].Sa.RetryOf);
        Assert.Equal(RetryKind.NewAttempt, late[1].Sa.RetryKind);
    }

    [Fact]
    public void Ikev2EapRounds_NumberedIkeAuthSteps()
    {
        var sa = Assert.Single(Analyze([InitRequest(0), InitResponse(0.1), AuthRequest(0.2, 1), AuthResponse(0.3, 1),
            AuthRequest(0.4, 2), AuthResponse(0.5, 2), AuthRequest(0.6, 3), AuthResponse(0.7, 3, 300)]).Sas);
        Assert.Equal(["IKE_SA_INIT request", "IKE_SA_INIT response", "IKE_AUTH request", "IKE_AUTH response",
            "IKE_AUTH#2 request", "IKE_AUTH#2 response", "IKE_AUTH#3 request", "IKE_AUTH#3 response"], Steps(sa.Sa));
        Assert.Equal("IKE_AUTH#3 response", sa.Sa.LastStep);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
    }

    [Fact]
    public void Rfc7296_2_23_NatDetectionHashes_MatchOrNot()
    {
        Payload src = Notify(16388, NatHash(SpiI, 0, R1, 500));
        Payload dst = Notify(16389, NatHash(SpiI, 0, R2, 500));
        Sent request = new(0, R1, 500, R2, 500, Message(2, SpiI, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(2), src, dst]));
        var clean = Assert.Single(Analyze([request]).Sas);
        Assert.False(clean.Sa.NatHashMismatch);
        Assert.False(clean.Sa.NatDetected);
        Assert.Equal(2, clean.Sa.Notifies.Count);
        Assert.All(clean.Sa.Notifies, n => Assert.False(n.IsError));

        Payload faked = Notify(16388, NatHash(SpiI, 0, "10.9.9.9", 500));
        Sent natted = request with { Ike = Message(2, SpiI, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(1), NonceV2(2), faked, dst]) };
        var sa = Assert.Single(Analyze([natted]).Sas);
        Assert.True(sa.Sa.NatHashMismatch);
        Assert.True(sa.Sa.NatDetected);
        Assert.Equal("ENCR_AES_CBC-256/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048", Assert.Single(sa.Sa.Offered).ToString());
    }

    [Fact]
    public void Ikev2CaptureStartingWithInformational_EstablishedBeforeTheCapture()
    {
        Sent dpd = new(0, R1, 4500, R2, 4500, Message(2, SpiI, SpiR, InformationalV2, FlagInitiator, 5, [Sk(64, 1, 0)]));
        Sent reply = new(0.01, R2, 4500, R1, 4500, Message(2, SpiI, SpiR, InformationalV2, FlagResponse, 5, [Sk(64, 2, 0)]));
        var sa = Assert.Single(Analyze([dpd, reply]).Sas);
        Assert.True(sa.Sa.StartsMidNegotiation);
        Assert.Equal(["INFORMATIONAL request", "INFORMATIONAL response"], Steps(sa.Sa));
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.Equal("IKE SA established before the capture (first seen: INFORMATIONAL request)", sa.Sa.OutcomeDetail);
    }

    [Fact]
    public void Rfc7296_3_7_CertReqHash_NamedFromACaCertificateSeenInTheCapture()
    {
        string pem = File.ReadAllText(Path.Combine(TestSupport.TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc", "ca1.pem"));
        byte[] der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim())));
        byte[] ca1Hash = Convert.FromHexString("94b4bf2d5aa50c9f96b775b693a6a9b668066c78");
        byte[] unknown = Bytes(20, 3);
        Sent response = new(0.1, R2, 500, R1, 500, Message(2, SpiI, SpiR, IkeSaInit, FlagResponse, 0,
            [Ikev2Sa(), KeV2(9), NonceV2(10), new Payload(38, [4, .. unknown, .. ca1Hash]), new Payload(37, [4, .. der])]));
        var sa = Assert.Single(Analyze([InitRequest(0), response]).Sas);
        Assert.Equal(2, sa.Sa.ResponderCertRequests.Count);
        Assert.Equal((1, Convert.ToHexStringLower(unknown), (string?)null), (sa.Sa.ResponderCertRequests[0].Position, sa.Sa.ResponderCertRequests[0].CaHash, sa.Sa.ResponderCertRequests[0].CaName));
        Assert.Equal((2, "94b4bf2d5aa50c9f96b775b693a6a9b668066c78", "CN=Lab CA1,O=PcapIke Lab,C=CH"),
            (sa.Sa.ResponderCertRequests[1].Position, sa.Sa.ResponderCertRequests[1].CaHash, sa.Sa.ResponderCertRequests[1].CaName));
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", sa.Sa.ResponderCertRequests[1].Display);
        Assert.Empty(sa.Sa.InitiatorCertRequests);
    }

    [Fact]
    public void TwoSimultaneousIkev2SasBetweenTheSamePeers_KeptApartBySpis()
    {
        const ulong spiI2 = 0xdddddddddddddddd, spiR2 = 0xeeeeeeeeeeeeeeee;
        var sas = Analyze(
        [
            InitRequest(0),
            InitRequest(0.001, spiI2, seed: 30, src: R2, dst: R1),
            InitResponse(0.002),
            InitResponse(0.003, spiI2, spiR2, src: R1, dst: R2),
            AuthRequest(0.004),
            AuthResponse(0.005),
        ]).Sas;
        Assert.Equal(2, sas.Count);
        Assert.Equal((SpiI, SpiR, "192.168.0.1:500"), (sas[0].Sa.SpiI, sas[0].Sa.SpiR, sas[0].Sa.Initiator.ToString()));
        Assert.Equal((spiI2, spiR2, "192.168.0.2:500"), (sas[1].Sa.SpiI, sas[1].Sa.SpiR, sas[1].Sa.Initiator.ToString()));
        Assert.Equal(SaOutcome.Established, sas[0].Sa.Outcome);
        Assert.Equal(SaOutcome.Incomplete, sas[1].Sa.Outcome);
        Assert.Null(sas[1].Sa.RetryOf);
        Assert.Equal(0, sas[0].Sa.Retransmissions + sas[1].Sa.Retransmissions);
    }

    [Fact]
    public void QuickModeRequestResentWithoutReply_StalledAtQm1()
    {
        var mm = MainModeToMm4();
        Sent qm1 = new(1.0, R2, 500, R1, 500, Message(1, CkyI, CkyR, QuickMode, FlagEncrypted, 0x01020304, [], Bytes(120, 9), 8));
        mm.AddRange([Mm5(0.2), Mm6(0.25), qm1, qm1 with { Seconds = 11.0 }, qm1 with { Seconds = 21.0 }]);
        var sa = Assert.Single(Analyze(mm).Sas);
        Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM1", "QM1"], Steps(sa.Sa));
        Assert.Equal(SaOutcome.Stalled, sa.Sa.Outcome);
        Assert.Equal("QM1", sa.Sa.LastStep);
        Assert.Equal("at QM1: initiator re-sent QM1 2 times over 20.0 s; responder never answered QM1", sa.Sa.OutcomeDetail);
    }

    [Fact]
    public void QuickModeStartedByThePhase1Responder_StepsFollowTheMessageId()
    {
        var mm = MainModeToMm4();
        byte[] Qm(int seed) => Message(1, CkyI, CkyR, QuickMode, FlagEncrypted, 7, [], Bytes(100, seed), 8);
        mm.AddRange([Mm5(0.2), Mm6(0.25), new(1, R1, 500, R2, 500, Qm(1)), new(1.1, R2, 500, R1, 500, Qm(2)), new(1.2, R1, 500, R2, 500, Qm(3))]);
        var sa = Assert.Single(Analyze(mm).Sas);
        Assert.Equal(["QM1", "QM2", "QM3"], Steps(sa.Sa).Skip(6));
        Assert.Equal(Role.Responder, sa.Sa.Messages[6].Sender);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
    }

    [Fact]
    public void MainModeState_PureTransitionTable()
    {
        var s = new MainModeState();
        MainModeStep r = s.Advance(new MainModeFacts(Role.Initiator, true, false, false, false));
        Assert.Equal((1, false, false), (r.Step, r.RepeatsStep, r.RejectsPeersNext));
        r = r.Next.Advance(new MainModeFacts(Role.Responder, true, false, false, false));
        r = r.Next.Advance(new MainModeFacts(Role.Initiator, false, true, false, false));
        r = r.Next.Advance(new MainModeFacts(Role.Responder, false, true, false, false));
        Assert.Equal(4, r.Step);
        r = r.Next.Advance(new MainModeFacts(Role.Initiator, false, false, true, false));
        Assert.Equal(5, r.Step);
        Assert.True(r.Next.IsMissingMm6);
        r = r.Next.Advance(new MainModeFacts(Role.Responder, false, true, false, false));
        Assert.Equal((4, true, true), (r.Step, r.RepeatsStep, r.RejectsPeersNext));
        r = r.Next.Advance(new MainModeFacts(Role.Responder, false, false, true, false));
        Assert.Equal(6, r.Step);
        Assert.True(r.Next.IsComplete);
        Assert.False(r.Next.IsMissingMm6);
    }
}
