using PcapIke.Analysis;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Model.Ios;
using PcapIke.Tests.Forge;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Model;

/// <summary>
/// The routers' debug logs (issue 16, docs/debug-logs.md): the technote's excerpts verbatim read into the events it
/// describes; the forge's narration written as IOS writes it, with and without the capture; a contradicting debug
/// reported, never reconciled.
/// </summary>
public class DebugEvidenceTests
{
    private static string Resource(string name) => Path.Combine(AppContext.BaseDirectory, "Model", "Resources", name);
    private static IosDebugLog Technote(string name) => IosDebugLog.Read(File.ReadAllText(Resource(name)), name);

    private static string Key(IosDebugEvent e) => e.Kind switch
    {
        IosDebugEventKind.StateChange => $"StateChange {e.OldState}>{e.State}",
        IosDebugEventKind.PacketSent or IosDebugEventKind.PacketReceived => $"{e.Kind} {e.Peer} {e.Role} {e.State}",
        IosDebugEventKind.CertRequestSent or IosDebugEventKind.CertRequestReceived or IosDebugEventKind.CertificateSent => $"{e.Kind} {e.Dn ?? "(none)"}",
        IosDebugEventKind.TrustpointChosen or IosDebugEventKind.KeypairUsed or IosDebugEventKind.CertificateChain => $"{e.Kind} {e.Trustpoint}",
        IosDebugEventKind.ProfileMatched or IosDebugEventKind.ProfileRequested => $"{e.Kind} {e.Profile}",
        IosDebugEventKind.ValidationList or IosDebugEventKind.TrustpointsRetrieved => $"{e.Kind} {string.Join(",", e.Trustpoints)}",
        IosDebugEventKind.Authentication => $"Authentication {e.Succeeded}",
        IosDebugEventKind.NotifySent or IosDebugEventKind.NotifyReceived => $"{e.Kind} {e.Notify}",
        IosDebugEventKind.Message => $"Message {e.Exchange} {string.Join(" ", e.Payloads)}",
        IosDebugEventKind.IdentitySearch => $"IdentitySearch {e.Identity} {e.Detail}",
        _ => e.Kind.ToString(),
    };

    private const string CA1 = "cn=CA1,o=cisco,o=com", CA2 = "cn=CA2,o=cisco,o=com";
    private static readonly string[] Others =
    [
        "ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US", "cn=Cisco SSCA2,o=Cisco Systems",
        "cn=Cisco Manufacturing CA,o=Cisco Systems", "cn=Cisco Root CA 2048,o=Cisco Systems", "cn=Cisco Root CA M1,o=Cisco",
    ];
    private const string R1Subject = "serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com";
    private const string R2Subject = "serialNumber=101+ipaddress=192.168.0.2+hostname=R2.cisco.com,cn=R2,ou=IT,o=cisco,o=com";
    private static IEnumerable<string> Received(params string[] dns) => dns.Select(d => "CertRequestReceived " + d);
    private static IEnumerable<string> Sent(params string[] dns) => dns.Select(d => "CertRequestSent " + d);

    [Fact]
    public void Technote_R1_initiates_R1_excerpts_read_as_the_technote_describes()
    {
        var log = Technote("technote-debug-ikev1-r1-initiates-R1.txt");
        Assert.Equal(0, log.UnknownLines);
        Assert.Equal(["R1"], log.Routers);
        Assert.Equal(
        [
            "ProfileRequested prof1", "CertRequestSent " + CA1, "PacketSent 192.168.0.2 I MM_SA_SETUP", "StateChange IKE_I_MM2>IKE_I_MM3",
            "CertRequestReceived " + CA1, "TrustpointChosen IOSCA1", .. Received([CA2, .. Others]),
            "CertificateSent " + R1Subject, "KeypairUsed IOSCA1",
            "PacketReceived 192.168.0.2 I MM_KEY_EXCH", "ValidationList IOSCA1", "ValidationSucceeded", "Authentication True",
            "StateChange IKE_I_MM6>IKE_P1_COMPLETE",
        ], log.Events.Select(Key));
        var n = Assert.Single(log.Negotiations);
        Assert.Equal('I', n.Role);
        Assert.Equal("192.168.0.2", n.Peer);
        Assert.Equal([1010L], n.Connections);
    }

    [Fact]
    public void Technote_R1_initiates_R2_excerpts_read_as_the_technote_describes()
    {
        var log = Technote("technote-debug-ikev1-r1-initiates-R2.txt");
        Assert.Equal(0, log.UnknownLines);
        Assert.Equal(
        [
            "CertRequestReceived " + CA1, "TrustpointChosen IOSCA1", .. Sent([CA1, CA2, .. Others]),
            "PacketSent 192.168.0.1 R MM_KEY_EXCH", "StateChange IKE_R_MM3>IKE_R_MM4",
            "ProfileMatched prof1", "ValidationSucceeded", "Authentication True",
            "CertificateSent " + R2Subject, "KeypairUsed IOSCA1", "PacketSent 192.168.0.1 R MM_KEY_EXCH",
        ], log.Events.Select(Key));
    }

    [Fact]
    public void Technote_R2_initiates_excerpts_read_as_the_technote_describes()
    {
        var r2 = Technote("technote-debug-ikev1-r2-initiates-R2.txt");
        Assert.Equal(0, r2.UnknownLines);
        var keys = r2.Events.Select(Key).ToList();
        Assert.Equal([.. Sent([CA1, CA2, .. Others]), "PacketSent 192.168.0.1 I MM_SA_SETUP"], keys.Take(8));
        // MM4's first CERT_REQ names CA2: R2 chooses IOSCA2 (the technote's point), then signs with it.
        Assert.Equal(["CertRequestReceived " + CA2, "TrustpointChosen IOSCA2"], keys.Skip(8).Take(2));
        Assert.Equal(["CertificateSent " + R2Subject, "KeypairUsed IOSCA2", "PacketSent 192.168.0.1 I MM_KEY_EXCH"], keys.TakeLast(3));

        var r1 = Technote("technote-debug-ikev1-r2-initiates-R1.txt");
        Assert.Equal(0, r1.UnknownLines);
        keys = r1.Events.Select(Key).ToList();
        Assert.Equal(["CertRequestReceived " + CA1, "TrustpointChosen IOSCA1"], keys.Take(2));
        Assert.Equal(Sent([CA2, CA1, .. Others]), keys.Skip(8).Take(7));
        Assert.Equal(["ProfileMatched prof1", "ValidationList IOSCA1", "ValidationFailed", "ValidationFailed", "ValidationFailed"], keys.TakeLast(5));
        Assert.Contains(r1.Events, e => e.Kind == IosDebugEventKind.ValidationFailed && e.Detail!.StartsWith("%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from 192.168.0.2 is bad", StringComparison.Ordinal));
        // The technote's R1 excerpt switches connection id (1099 → 1100) and clock (18:08:14 → 18:08:44): one
        // negotiation, and both said.
        var n = Assert.Single(r1.Negotiations);
        Assert.Equal([1099L, 1100L], n.Connections);
        Assert.Contains(r1.Notes, x => x.Text.Contains("connection id changes from 1099 to 1100", StringComparison.Ordinal));
        Assert.Contains(r1.Notes, x => x.Text.Contains("jump by 30.015 s", StringComparison.Ordinal));
    }

    [Fact]
    public void Technote_Ikev2_excerpts_read_as_the_technote_describes()
    {
        Assert.Equal(["IdentitySearch 192.168.0.1 IPv4 address", "ProfileMatched profile3", "NotifySent TS_UNACCEPTABLE"],
            IosDebugLog.Read(File.ReadAllText(Resource("technote-debug-ikev2-responder-profile.txt")), "responder.txt", "R2").Events.Select(Key));
        Assert.Equal(["TrustpointsRetrieved TP1", "TrustpointsRetrieved TP2", "CertificatePayloadFailed"],
            Technote("technote-debug-ikev2-initiator-no-trustpoint-R1.txt").Events.Select(Key));
        Assert.Equal(["TrustpointsRetrieved TP2", "CertificateChain TP2"], Technote("technote-debug-ikev2-two-trustpoints-R2.txt").Events.Select(Key));
        var r1 = Technote("technote-debug-ikev2-two-trustpoints-R1.txt");
        Assert.Equal(["TrustpointsRetrieved TP1", "CertificateChain TP1", "ValidationFailed", "Authentication False", "NotifySent AUTHENTICATION_FAILED", "Message  NOTIFY(AUTHENTICATION_FAILED)"],
            r1.Events.Select(Key));
        Assert.Equal("Validation of certificate chain FAILED", r1.Events[2].Detail);
        Assert.All(r1.Events, e => Assert.Equal(1L, e.Connection));
    }

    /// <summary>Who initiated, said only as far as the lines show it. The technote's two-trustpoint excerpts: R2
    /// "Processing IKE_SA_INIT message" then retrieves trustpoints from the received CERTREQ hashes, which only an
    /// IKE_SA_INIT response carries (RFC 7296 §1.2), so R2 initiated — as the technote says (R2 sends packet 3). R1's
    /// excerpt alone does not show its role, and no statement of who initiated is made; two logs neither of which
    /// shows it are taken in the order given, and the summary says so.</summary>
    [Fact]
    public void Who_initiated_is_said_only_as_the_lines_show_it()
    {
        var pair = Assert.Single(DebugLogAnalyzer.Analyze([Technote("technote-debug-ikev2-two-trustpoints-R1.txt"), Technote("technote-debug-ikev2-two-trustpoints-R2.txt")]).Negotiations);
        Assert.Equal("R2", pair.View.InitiatorName);
        Assert.False(pair.View.RolesAssumed);
        Assert.Contains("IKEv2, R2 initiates to R1: failed: R1 refused R2's certificate: Validation of certificate chain FAILED", pair.Findings[0].Message);

        var alone = Assert.Single(DebugLogAnalyzer.Analyze([Technote("technote-debug-ikev2-two-trustpoints-R1.txt")]).Negotiations);
        Assert.True(alone.View.RoleUnknown);
        Assert.Equal("IKEv2 R1 (its log does not show whether it initiated)", alone.View.ToString());
        Assert.DoesNotContain("initiates", alone.Findings[0].Message);
        Assert.Contains("IKEv2, R1 (no line shows whether it initiated): failed: R1 refused the peer's certificate", alone.Findings[0].Message);

        static IosDebugLog Retrieval(string router, string tp) => IosDebugLog.Read(
            $"{router}#\n*Jul 17 18:09:04.550: IKEv2:(SA ID = 1):[PKI -> IKEv2] Retrieved trustpoint(s): '{tp}'\n" +
            $"*Jul 17 18:09:04.551: IKEv2:(SA ID = 1):[IKEv2 -> PKI] Getting cert chain for the trustpoint {tp}\n", $"{router}.txt");
        var assumed = Assert.Single(DebugLogAnalyzer.Analyze([Retrieval("R1", "TP1"), Retrieval("R2", "TP2")]).Negotiations);
        Assert.True(assumed.View.RolesAssumed);
        Assert.Contains("IKEv2, R1 and R2 (no line shows who initiated: R1, whose log was given first, is taken as the initiator)", assumed.Findings[0].Message);
        Assert.EndsWith("(who initiated is not in the logs: taken in the order given)", assumed.View.ToString());
    }

    private static readonly string[] TechnoteConfigs =
        ["technote-r1-ikev1-config.md", "technote-r2-ikev1-config.md", "technote-r1-ikev1-show-crypto-pki-certificates.md", "technote-r2-ikev1-show-crypto-pki-certificates.md"];

    private static Scenario TechnoteRouters() =>
        IosScenarioBuilder.Build(TechnoteConfigs.Select(f => (f, File.ReadAllText(Resource(f)))).ToList(), null).Scenario;

    [Fact]
    public void Technote_S2_debug_alone_names_the_outcome_first_match_and_failure_and_explains_it_as_the_capture()
    {
        var logs = new[] { Technote("technote-debug-ikev1-r2-initiates-R1.txt"), Technote("technote-debug-ikev1-r2-initiates-R2.txt") };
        var alone = DebugLogAnalyzer.Analyze(logs);
        var n = Assert.Single(alone.Negotiations);
        Assert.Equal("R2", n.View.InitiatorName);
        Assert.Equal("R1", n.View.ResponderName);
        var summary = Assert.Single(n.Findings);
        Assert.Equal(FindingCode.DebugShowsNegotiation, summary.Code);
        Assert.Equal(Severity.Error, summary.Severity);
        Assert.Contains("R2 (192.168.0.2) initiates to R1 (192.168.0.1): failed: R1 refused R2's certificate: No suitable trustpoints found (its validation list: IOSCA1)", summary.Message);
        Assert.Contains("R2 chose trustpoint IOSCA2 for CERT_REQ #1 (cn=CA2,o=cisco,o=com): the first match (R2 line 25)", summary.Message);

        // With the configurations: the same explanation and fix as from the S2 capture with them.
        Scenario routers = TechnoteRouters();
        var configured = DebugLogAnalyzer.Analyze(logs, routers);
        var fromDebug = Assert.Single(configured.Negotiations[0].Findings, f => f.Code == FindingCode.ModelExplainsFailure);
        Assert.DoesNotContain(configured.Negotiations[0].Findings, f => f.Code == FindingCode.ModelContradictsDebug);
        var capture = CaptureAnalyzer.Analyze(ForgedCaptures.Capture("S2-ikev1-r2-initiates"), new AnalysisOptions { Routers = routers });
        var fromCapture = Assert.Single(capture.Sas[0].Findings, f => f.Code == FindingCode.ModelExplainsFailure);
        Assert.Equal(fromCapture.Cause, fromDebug.Cause);
        Assert.Equal(fromCapture.Steps, fromDebug.Steps);
        Assert.Equal(fromCapture.Fix, fromDebug.Fix);
        Assert.Contains("ca trust-point IOSCA1", fromDebug.Fix);
    }

    [Fact]
    public void A_debug_that_chose_IOSCA1_where_the_configuration_predicts_IOSCA2_is_a_contradiction_never_reconciled()
    {
        string text = File.ReadAllText(Resource("technote-debug-ikev1-r2-initiates-R2.txt"));
        Assert.Contains("Choosing trustpoint IOSCA2 as issuer", text);
        string edited = text.Replace("Choosing trustpoint IOSCA2 as issuer", "Choosing trustpoint IOSCA1 as issuer", StringComparison.Ordinal)
            .Replace("using the IOSCA2 trustpoint's", "using the IOSCA1 trustpoint's", StringComparison.Ordinal);
        var logs = new[] { Technote("technote-debug-ikev1-r2-initiates-R1.txt"), IosDebugLog.Read(edited, "R2-edited.txt") };
        var n = Assert.Single(DebugLogAnalyzer.Analyze(logs, TechnoteRouters()).Negotiations);
        var contradiction = Assert.Single(n.Findings, f => f.Code == FindingCode.ModelContradictsDebug);
        Assert.Contains("model: R2: Choosing trustpoint IOSCA2 as issuer; R2 logged: IOSCA1 (R2 line 25).", contradiction.Message);
        Assert.Contains("The routers did not run these configurations", contradiction.Message);
        // never silently reconciled: no explanation of the failure from the configurations beside it
        Assert.DoesNotContain(n.Findings, f => f.Code is FindingCode.ModelExplainsFailure or FindingCode.ModelAgrees or FindingCode.ReverseDirectionFails);
    }

    /// <summary>The forge's narration of a scenario written as each router's IOS terminal would show it (its clock
    /// <paramref name="skewR2"/> off for R2, lines wrapped at 80 columns), read back.</summary>
    private static (IosDebugLog[] Logs, Scenario Scenario, DecisionTrace Trace) Narration(string folder, TimeSpan skewR2)
    {
        Scenario s = ScenarioParser.ParseFile(Path.Combine(ForgedCaptures.Dir(folder), "scenario.json"));
        DecisionTrace trace = SelectionModel.Predict(s, s.Initiator).Trace;
        var logs = new[] { "R1", "R2" }.Select(r => IosDebugLog.Read(
            IosDebugText.Write(trace, r, s.Clock, r == "R2" ? skewR2 : TimeSpan.Zero, width: 80), $"{r}-debug.txt")).ToArray();
        return (logs, s, trace);
    }

    [Theory]
    [InlineData("S2-ikev1-r2-initiates", "R1 refused R2's certificate")]
    [InlineData("S6-ikev2-r2-initiates-asymmetric", "R1 refused R2's certificate: Validation of certificate chain FAILED")]
    public void Forge_narration_alone_names_the_outcome_and_failure_as_the_capture(string folder, string failure)
    {
        var (logs, s, trace) = Narration(folder, TimeSpan.Zero);
        Assert.All(logs, l => Assert.Equal(0, l.UnknownLines));
        // every debug line of the trace is read back as one record
        foreach (var l in logs) Assert.Equal(trace.Debug.Count(d => d.Router == l.Routers[0]), l.Records);
        var n = Assert.Single(DebugLogAnalyzer.Analyze(logs).Negotiations);
        Assert.Equal("R2", n.View.InitiatorName);
        var summary = n.Findings[0];
        Assert.Contains(failure, summary.Message);
        Assert.Equal(SaOutcome.Failed, n.View.Outcome().Outcome);
        // the capture of the same negotiation failed too, and at the same router's refusal
        var capture = CaptureAnalyzer.Analyze(ForgedCaptures.Capture(folder), new AnalysisOptions());
        Assert.NotEqual(SaOutcome.Established, capture.Sas[0].Sa.Outcome);
        // with the configurations, the model agrees with every logged decision, and explains the failure as for the capture
        var configured = DebugLogAnalyzer.Analyze(logs, s).Negotiations[0];
        Assert.DoesNotContain(configured.Findings, f => f.Code == FindingCode.ModelContradictsDebug);
        var fromCapture = CaptureAnalyzer.Analyze(ForgedCaptures.Capture(folder), new AnalysisOptions { Routers = s }).Sas[0].Findings.Single(f => f.Code == FindingCode.ModelExplainsFailure);
        Assert.Equal(fromCapture.Cause, configured.Findings.Single(f => f.Code == FindingCode.ModelExplainsFailure).Cause);
    }

    [Theory]
    [InlineData("S2-ikev1-r2-initiates", 30.0)]
    [InlineData("S6-ikev2-r2-initiates-asymmetric", -12.5)]
    [InlineData("S1-ikev1-r1-initiates", 0.25)]
    public void Forge_narration_with_the_capture_matches_every_logged_packet_and_finds_the_clock_offset(string folder, double skew)
    {
        var (logs, s, _) = Narration(folder, TimeSpan.FromSeconds(skew));
        var capture = CaptureAnalyzer.Analyze(ForgedCaptures.Capture(folder), new AnalysisOptions());
        var n = Assert.Single(DebugLogAnalyzer.Analyze(logs, null, capture).Negotiations);
        Assert.NotNull(n.CapturedSa);
        Assert.Null(n.NotInCapture);   // lined up: no "not in the capture" line
        var alignment = n.Alignment!;
        int logged = logs.Sum(l => l.Events.Count(e => e.Kind is IosDebugEventKind.PacketSent or IosDebugEventKind.PacketReceived
            || e.Kind == IosDebugEventKind.Message && e.Exchange is not null));
        Assert.True(logged > 0);
        Assert.Equal(logged, alignment.Matches.Count);
        // each logged send matched to a frame its router sent
        foreach (var m in alignment.Matches)
            Assert.Equal(m.Logged.Router == n.View.InitiatorName ? Role.Initiator : Role.Responder, m.Frame.Sender);
        double zone = s.Clock.Offset.TotalSeconds;
        // and to the very frame it logs: the forge stamps a router's line at the wire time of its datagram, so the
        // logged time less the router's true clock offset is the frame's time (a packet matched by order alone, MM3's
        // line to MM1's frame, is 7 ms off)
        int year = capture.Sas[0].Sa.Messages[0].Message.Timestamp.Year;
        foreach (var m in alignment.Matches)
        {
            double trueOffset = zone + (m.Logged.Router == "R2" ? skew : 0);
            Assert.InRange(m.Logged.Stamp!.Value.Seconds(year) - trueOffset - m.Frame.TimestampNanoseconds / 1e9, -0.0015, 0.0015);
        }
        var r2 = Assert.Single(alignment.Offsets, o => o.Router == "R2");
        var r1 = Assert.Single(alignment.Offsets, o => o.Router == "R1");
        // a router logs a packet a few ms from the wire (the forge's processing delays), the same way on both: the
        // offset between the two routers is the skew within the logs' ms resolution, each against the capture its zone within 50 ms
        Assert.InRange(r2.Seconds - r1.Seconds, skew - 0.005, skew + 0.005);
        Assert.InRange(r1.Seconds - zone, -0.05, 0.05);
        Assert.True(r1.Spread < 0.05, $"spread {r1.Spread}");
        var pi803 = Assert.Single(n.Findings, f => f.Code == FindingCode.DebugMatchesCapture);
        Assert.Equal(alignment.Matches.Select(m => m.Frame.Frame).Distinct().Order(), pi803.Frames);
    }

    /// <summary>Frames a log does not show are placed against the time the log covers: the narration stops at MM5,
    /// so S2's re-sends come after its last line, and MM1 (sent 7 ms before R2's first line) is within it; a log cut
    /// to begin at MM5 did not see MM1 and MM3 because it started later. Never "started later" for a log that covers
    /// the frame.</summary>
    [Fact]
    public void Unlogged_frames_are_said_against_the_time_the_log_covers()
    {
        var (logs, _, trace) = Narration("S2-ikev1-r2-initiates", TimeSpan.Zero);
        var capture = CaptureAnalyzer.Analyze(ForgedCaptures.Capture("S2-ikev1-r2-initiates"), new AnalysisOptions());
        var whole = Assert.Single(DebugLogAnalyzer.Analyze(logs, null, capture).Negotiations).Alignment!;
        string r2Sent = Assert.Single(whole.Differences, d => d.StartsWith("The capture holds 4 messages R2 sent", StringComparison.Ordinal));
        Assert.Contains("frame 1 within the time its lines cover", r2Sent);
        Assert.Contains("frames 7, 9, 11 after its last line", r2Sent);
        Assert.DoesNotContain(whole.Differences, d => d.Contains("started later", StringComparison.Ordinal));

        // R2's log from its MM5 send on: MM1 and MM3 went before it started
        Scenario s = ScenarioParser.ParseFile(Path.Combine(ForgedCaptures.Dir("S2-ikev1-r2-initiates"), "scenario.json"));
        string text = IosDebugText.Write(trace, "R2", s.Clock);
        string[] lines = text.Split('\n');
        int mm5 = Array.FindIndex(lines, l => l.Contains("sending packet", StringComparison.Ordinal) && l.EndsWith("MM_KEY_EXCH", StringComparison.Ordinal));
        Assert.True(mm5 > 0);
        var cut = IosDebugLog.Read("R2#\n" + string.Join('\n', lines[mm5..]), "R2-debug.txt");
        var late = Assert.Single(DebugLogAnalyzer.Analyze([logs[0], cut], null, capture).Negotiations).Alignment!;
        string sent = Assert.Single(late.Differences, d => d.StartsWith("The capture holds 5 messages R2 sent", StringComparison.Ordinal));
        Assert.Contains("frames 1, 3 before its first line (the debug started later)", sent);
        var m5 = Assert.Single(late.Matches, m => m.Logged.Router == "R2");
        Assert.Equal(5, m5.Frame.Frame);
    }

    /// <summary>A capture point that sees one direction (S2 with only R2's packets): R2's sends still line up and set
    /// its clock; R1's logged MM4 send has no frame, and with no matched packet of R1's to set R1's clock the tool
    /// names both possibilities — never "the capture ended first" or "started later", which would need that clock.</summary>
    [Fact]
    public void A_one_direction_capture_is_said_to_miss_that_path()
    {
        var (logs, s, _) = Narration("S2-ikev1-r2-initiates", TimeSpan.Zero);
        var capture = CaptureAnalyzer.Analyze(ImperfectCaptures.Path("ikev1-initiator-only"), new AnalysisOptions());
        var n = Assert.Single(DebugLogAnalyzer.Analyze(logs, null, capture).Negotiations);
        Assert.NotNull(n.CapturedSa);
        var a = n.Alignment!;
        Assert.All(a.Matches, m => Assert.Equal("R2", m.Logged.Router));
        Assert.Equal(["MM3", "MM5"], a.Matches.Select(m => m.Frame.Step).ToArray());
        string r1 = Assert.Single(a.Differences, d => d.StartsWith("R1 logged 1 packet sent", StringComparison.Ordinal));
        Assert.EndsWith("that the capture does not hold: the capture point does not see that path, or the capture was not running then.", r1);
        Assert.DoesNotContain(a.Differences, d => d.Contains("ended first", StringComparison.Ordinal) || d.Contains("started later", StringComparison.Ordinal));
        Assert.InRange(Assert.Single(a.Offsets).Seconds - s.Clock.Offset.TotalSeconds, -0.0015, 0.0015);
    }

    /// <summary>IOS's own state lines name the step: the responder sends MM4 and MM6 both in MM_KEY_EXCH, so a log
    /// holding only its MM6 send (matched by state or order alone it would take MM4's frame) is placed by the state
    /// change after it ("Old State = IKE_R_MM5 New State = IKE_P1_COMPLETE"); "New State = IKE_I_MM3" names MM3.</summary>
    [Fact]
    public void A_state_change_after_a_packet_line_names_its_step()
    {
        var s1 = CaptureAnalyzer.Analyze(ForgedCaptures.Capture("S1-ikev1-r1-initiates"), new AnalysisOptions());
        string responder = """
            R2#
            *Jun 20 13:00:37.629: ISAKMP:(1010): sending packet to 192.168.0.1 my_port 500 peer_port 500 (R) MM_KEY_EXCH
            *Jun 20 13:00:37.629: ISAKMP:(1010):Input = IKE_MESG_INTERNAL, IKE_PROCESS_COMPLETE
            *Jun 20 13:00:37.629: ISAKMP:(1010):Old State = IKE_R_MM5 New State = IKE_P1_COMPLETE
            """;
        var a = Assert.Single(DebugLogAnalyzer.Analyze([IosDebugLog.Read(responder, "R2-debug.txt")], null, s1).Negotiations).Alignment!;
        var mm6 = Assert.Single(a.Matches);
        Assert.Equal("MM6", mm6.Frame.Step);
        Assert.True(mm6.Sent);
        Assert.InRange(Assert.Single(a.Offsets).Seconds - s_s2Zone, -0.0015, 0.0015);

        var s2 = CaptureAnalyzer.Analyze(ForgedCaptures.Capture("S2-ikev1-r2-initiates"), new AnalysisOptions());
        string initiator = """
            R2#
            *Jun 17 18:08:14.307: ISAKMP:(0): sending packet to 192.168.0.1 my_port 500 peer_port 500 (I) MM_SA_SETUP
            *Jun 17 18:08:14.307: ISAKMP:(0):Input = IKE_MESG_INTERNAL, IKE_PROCESS_COMPLETE
            *Jun 17 18:08:14.307: ISAKMP:(0):Old State = IKE_I_MM2 New State = IKE_I_MM3
            *Jun 17 18:08:14.314: ISAKMP (1010): received packet from 192.168.0.1 dport 500 sport 500 Global (I) MM_SA_SETUP
            *Jun 17 18:08:14.314: ISAKMP:(1010):Old State = IKE_I_MM3 New State = IKE_I_MM4
            """;
        var b = Assert.Single(DebugLogAnalyzer.Analyze([IosDebugLog.Read(initiator, "R2-debug.txt")], null, s2).Negotiations).Alignment!;
        Assert.Equal(["MM3", "MM4"], b.Matches.Select(m => m.Frame.Step).ToArray());
        Assert.Equal([true, false], b.Matches.Select(m => m.Sent).ToArray());
    }

    private static readonly double s_s2Zone = ScenarioParser.ParseFile(Path.Combine(ForgedCaptures.Dir("S2-ikev1-r2-initiates"), "scenario.json")).Clock.Offset.TotalSeconds;

    [Fact]
    public void A_debug_of_other_peers_is_not_lined_up_with_the_capture()
    {
        var (logs, _, _) = Narration("S2-ikev1-r2-initiates", TimeSpan.Zero);
        var other = CaptureAnalyzer.Analyze(Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev1-main-mode", "capture.pcap"), new AnalysisOptions());
        var n = Assert.Single(DebugLogAnalyzer.Analyze(logs, null, other).Negotiations);
        Assert.Null(n.CapturedSa);
        Assert.DoesNotContain(n.Findings, f => f.Code is FindingCode.DebugMatchesCapture or FindingCode.DebugAndCaptureDiffer);
        // and it says why
        Assert.StartsWith("not in the capture: it holds no IKEv1 SA with 192.168.0.", n.NotInCapture);
        Assert.Contains("192.168.0.1", n.NotInCapture);
        Assert.Contains("192.168.0.2", n.NotInCapture);
        Assert.Null(Assert.Single(DebugLogAnalyzer.Analyze(logs).Negotiations).NotInCapture);   // no capture given: nothing to say

        // the technote's IKEv2 excerpts log no peer address: never tied to a capture's SA, and that is said
        var technote = new[] { "R1", "R2" }.Select(r => IosDebugLog.Read(File.ReadAllText(Resource($"technote-debug-ikev2-two-trustpoints-{r}.txt")), $"{r}.txt", r)).ToArray();
        var s7 = CaptureAnalyzer.Analyze(ForgedCaptures.Capture("S7-ikev2-symmetric"), new AnalysisOptions());
        var t = Assert.Single(DebugLogAnalyzer.Analyze(technote, null, s7).Negotiations);
        Assert.Null(t.CapturedSa);
        Assert.Equal("not lined up with the capture: its lines name no peer address, so no captured SA can be tied to it", t.NotInCapture);
    }

    [Theory]
    [MemberData(nameof(ForgedCaptures.All), MemberType = typeof(ForgedCaptures))]
    public void The_forge_narration_of_every_scenario_agrees_with_the_model_and_its_capture(string folder)
    {
        // must not fire: PI802 on the routers' own narration with their configurations; PI804 against their capture
        // for what the narration logs (the capture's retransmissions are not in it: only fewer logged than captured)
        var (logs, s, trace) = Narration(folder, TimeSpan.FromSeconds(3));
        var capture = CaptureAnalyzer.Analyze(ForgedCaptures.Capture(folder), new AnalysisOptions());
        var result = DebugLogAnalyzer.Analyze(logs, s, capture);
        var n = Assert.Single(result.Negotiations);
        Assert.DoesNotContain(n.Findings, f => f.Code == FindingCode.ModelContradictsDebug);
        Assert.DoesNotContain(n.Findings, f => f.Code == FindingCode.ConfigurationsDoNotMatch);
        Assert.Contains(n.Findings, f => f.Code is FindingCode.ModelExplainsFailure or FindingCode.ModelAgrees or FindingCode.ReverseDirectionFails);
        Assert.Equal(trace.Succeeds, n.View.Outcome().Outcome == SaOutcome.Established);
        Assert.DoesNotContain(n.Alignment?.Differences ?? [], d => d.Contains("that the capture does not hold", StringComparison.Ordinal));
    }
}
