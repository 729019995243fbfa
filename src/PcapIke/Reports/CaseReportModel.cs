using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Model;
using PcapIke.Analysis;

namespace PcapIke.Reports;

/// <summary>
/// <c>pcapike report</c>: everything one case report shows, already worded and (with <c>--redact</c>) pseudonymised,
/// so that the HTML and Markdown writers only lay it out and escape it (docs/case-report.md). Built from an analysis
/// by <see cref="CaseReportBuilder"/>; no key material is ever part of it.
/// </summary>
public sealed record CaseReport(
    string Capture,
    bool Redacted,
    long Frames,
    long IkeMessages,
    IReadOnlyList<string> Malformations,
    IReadOnlyList<NegotiationReport> Negotiations,
    IReadOnlyList<CaseInputHash> Inputs,
    IReadOnlyList<string> Commands)
{
    /// <summary>Negotiations that would have had a full section but were left to the index line (more than
    /// <see cref="CaseReportBuilder.MaxFullSections"/>).</summary>
    public int SectionsLeftOut { get; init; }
    /// <summary>Whether the full sections were chosen with <c>--sa</c>/<c>--address</c>/<c>--spi</c>/<c>--time</c>.</summary>
    public bool Selected { get; init; }
    /// <summary>The routers' debug logs (<c>--debug</c>): one section per negotiation they show.</summary>
    public IReadOnlyList<DebugReportSection> Debug { get; init; } = [];
}

/// <summary>One negotiation of the debug logs in the case report: its title, the logs' reading and notes, its findings.</summary>
public sealed record DebugReportSection(string Title, IReadOnlyList<string> Notes, IReadOnlyList<DebugReportFinding> Findings);

/// <summary>A finding of a debug section: code, severity, message, fix and the steps it lists.</summary>
public sealed record DebugReportFinding(string Id, string Severity, string Message, string? Fix, IReadOnlyList<string> Steps);

/// <summary>An input file and its SHA-256 (lower-case hex), under the role it was given with.</summary>
public sealed record CaseInputHash(string Role, string Name, string Sha256);

/// <summary>One negotiation (IKE SA) of the report.</summary>
public sealed record NegotiationReport(
    int Id,
    string Version,
    string Initiator,
    string Responder,
    /// <summary>established, failed, stalled, incomplete (<see cref="SaReportText.Outcome"/>).</summary>
    string Outcome,
    string OutcomeDetail,
    /// <summary>The last step reached when the negotiation did not complete; null when established.</summary>
    string? StoppedAt,
    CaseFinding? MostImportant,
    IReadOnlyList<(string Label, string Value)> Summary,
    IReadOnlyList<LadderArrow> Ladder,
    MissingReply? Missing,
    CertRequestColumn InitiatorRequests,
    CertRequestColumn ResponderRequests,
    IReadOnlyList<CaseCertificate> Certificates,
    IReadOnlyList<CaseFinding> Findings)
{
    /// <summary>The summary line: <c>IKE SA 1 IKEv1 a → b: stalled at MM5 — PI101 …</c>.</summary>
    public string SummaryLine => $"IKE SA {Id.ToString(CultureInfo.InvariantCulture)} {Version} {Initiator} → {Responder}: {Outcome}" +
                                 (StoppedAt is null ? "" : $" at {StoppedAt}") +
                                 (MostImportant is { } f ? $" — {f.Id} {f.FirstSentence}" : ".");

    /// <summary>The ESP/AH after the last IKE message, one entry per direction that has any (drawn on the ladder's
    /// lanes below the last arrow); empty without data-plane traffic.</summary>
    public IReadOnlyList<LadderTraffic> Traffic { get; init; } = [];

    /// <summary>Whether the report gives this negotiation a full section (evidence, details, findings); otherwise it
    /// is one line of the summary index.</summary>
    public bool Full { get; init; } = true;

    /// <summary>What the sides are called (router names from <c>--config</c>, else IKE IDs, certificate CNs,
    /// addresses): the ladder's lanes.</summary>
    public string InitiatorName { get; init; } = "initiator";
    public string ResponderName { get; init; } = "responder";

    /// <summary>A side as a heading names it: "R2 192.168.0.2:500", or the endpoint alone when the name is its
    /// address (never "192.168.0.2 192.168.0.2:500").</summary>
    public string InitiatorHeading => Heading(InitiatorName, Initiator);
    public string ResponderHeading => Heading(ResponderName, Responder);

    private static string Heading(string name, string endpoint) =>
        endpoint == name || endpoint.StartsWith(name + ":", StringComparison.Ordinal) || endpoint.StartsWith("[" + name + "]:", StringComparison.Ordinal)
            ? endpoint : $"{name} {endpoint}";

    /// <summary>The answer first, for a negotiation that did not complete (<see cref="SaVerdict"/>); null when it was
    /// established.</summary>
    public SaVerdict? Verdict { get; init; }

    /// <summary>The vendor IDs, one line per peer (<see cref="SaReportText.VendorIdsByPeer"/>); the full list with
    /// bytes stays in <see cref="Summary"/>.</summary>
    public IReadOnlyList<string> VendorIdsByPeer { get; init; } = [];

    /// <summary>The summary without addresses or texts, for the batch index: <c>IKE SA 1 IKEv1 stalled at MM5 (PI101)</c>.</summary>
    public string ShortLine => $"IKE SA {Id.ToString(CultureInfo.InvariantCulture)} {Version} {Outcome}" +
                               (StoppedAt is null ? "" : $" at {StoppedAt}") + (MostImportant is { } f ? $" ({f.Id})" : "");
}

/// <summary>One line of the batch index (<c>batch --reports</c>): the capture, its report (a relative link; null when
/// the capture could not be read) and its one-line summary or error.</summary>
public sealed record CaseIndexEntry(string Capture, string? Report, string Summary);

/// <summary>One message of the ladder: an arrow between the two lanes.</summary>
public sealed record LadderArrow(
    long Frame,
    Role Sender,
    /// <summary>The step as the text ladder writes it, with its retransmission mark (<see cref="SaReportText.StepWithMark"/>).</summary>
    string Step,
    int Size,
    /// <summary>Seconds from the start of the negotiation: <c>+10.021000</c>.</summary>
    string Offset,
    bool Retransmission,
    /// <summary>The step where the negotiation failed or stopped.</summary>
    bool Failing,
    string Fragments);

/// <summary>The data plane of one direction, drawn on the ladder after the last IKE message: <c>ESP 9 packets, 1800 B
/// (SPI 0x1c0d7b38) +13.860464 … +16.930141 s</c>; <see cref="Silent"/> when PI701 names this direction's receiver as
/// the side that sends nothing back.</summary>
public sealed record LadderTraffic(Role Sender, long Packets, long Bytes, string Spis, string First, string Last, bool Silent)
{
    public string Label => $"{(Packets == 0 ? "no ESP" : $"ESP {Packets.ToString(CultureInfo.InvariantCulture)} packets, {Bytes.ToString(CultureInfo.InvariantCulture)} B")}" +
                           (Spis.Length > 0 ? $" (SPI {Spis})" : "") + (First.Length > 0 ? $" {First} … {Last} s" : "");
}

/// <summary>The reply a negotiation that did not complete is still waiting for.</summary>
public sealed record MissingReply(Role From, string Step, string Why)
{
    /// <summary>"never came" when the capture shows the silence (re-sends, time, both directions captured); "not in the
    /// capture" when it cannot (one direction captured, the capture ends right after).</summary>
    public string Verdict { get; init; } = "never came";
}

/// <summary>One side's CERT_REQ list, and which entry the peer's first-match picked from it, where known.</summary>
public sealed record CertRequestColumn(
    string Title,
    IReadOnlyList<CertRequestRow> Entries,
    /// <summary>Who picks from this list (the peer of its sender), and how the pick is known.</summary>
    string? PickNote);

public sealed record CertRequestRow(int Position, string Display, bool Picked);

/// <summary>A certificate sent in the negotiation (clear or decrypted), with its labelled lines.</summary>
public sealed record CaseCertificate(long Frame, string Sender, string Step, bool Decrypted, int Position, int Count,
    IReadOnlyList<(string Label, string Value)> Lines);

/// <summary>A finding with its evidence frames, explanation and fix.</summary>
public sealed record CaseFinding(string Id, string Severity, IReadOnlyList<long> Frames, string Message, string? Fix)
{
    /// <summary>The message up to its first sentence end, whole (never cut), for summary lines.</summary>
    public string FirstSentence => SaVerdict.Sentence(SaVerdict.FirstSentence(Message));

    /// <summary>The reasoning one decision a line (PI602's rule chain), numbered by the writers.</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>The message without the rule chain it ends with when <see cref="Steps"/> lists that chain.</summary>
    public string MessageBeforeSteps =>
        Steps.Count > 0 && Message.IndexOf(" Rule by rule: ", StringComparison.Ordinal) is int cut and > 0 ? Message[..cut] : Message;
}

/// <summary>One argument of a reproduce command: literal text, or an input file (pseudonymised with <c>--redact</c>).</summary>
public readonly record struct CommandArg(string Text, string? FileRole = null)
{
    public static implicit operator CommandArg(string text) => new(text);
    public static CommandArg File(string path, string role) => new(path, role);
}

/// <summary>What a report is made from besides the analysis.</summary>
public sealed class CaseReportOptions
{
    /// <summary>The input files with their roles (<c>capture</c>, <c>keys</c>, <c>charon-log</c>, <c>wireshark-profile</c>,
    /// <c>config</c>, <c>ca</c>); each is hashed.</summary>
    public IReadOnlyList<(string Role, string Path)> Inputs { get; init; } = [];
    /// <summary>The command lines that reproduce the report (without the program name).</summary>
    public IReadOnlyList<IReadOnlyList<CommandArg>> Commands { get; init; } = [];
    /// <summary>The routers' configurations (<c>--config</c>): the first-match picks are then the model's where the
    /// capture does not show them.</summary>
    public Scenario? Routers { get; init; }
    public bool Redact { get; init; }
    /// <summary>The debug logs read beside the capture (<c>--debug</c>).</summary>
    public DebugLogAnalysis? Debug { get; init; }
    /// <summary>The negotiations to show in full (<c>--sa</c>, <c>--address</c>, <c>--spi</c>, <c>--time</c>); null: those
    /// that did not complete. Every negotiation has its line in the summary either way.</summary>
    public Func<IkeSa, bool>? Selected { get; init; }
}

/// <summary>Turns an analysis into a <see cref="CaseReport"/>: the same data as <c>analyze</c> (via
/// <see cref="SaReportText"/> and <see cref="AnalyzeTextWriter.CertificateLines"/>), worded for the report.</summary>
public static class CaseReportBuilder
{
    /// <summary>At most this many negotiations get a full section (the rest keep their summary line): a capture of
    /// thousands of SAs gives a report of a few MB at most, and <c>--sa N</c> shows any one of them.</summary>
    public const int MaxFullSections = 20;

    public static CaseReport Build(CaptureAnalysis analysis, CaseReportOptions options)
    {
        var r = options.Redact ? new ReportRedactor() : ReportRedactor.None;
        // Known values first, so that the free texts (findings, details) are redacted with the same pseudonyms.
        if (r.Enabled)
        {
            foreach (var (role, path) in options.Inputs) r.File(path, role);
            if (options.Routers is { } routers) RegisterRouters(r, routers);
            foreach (var sa in analysis.Sas) RegisterSa(r, sa.Sa);
        }
        string capture = options.Inputs.FirstOrDefault(i => i.Role == "capture") is { Path: not null } c
            ? r.File(c.Path, "capture") : r.Enabled ? r.File(analysis.File, "capture") : analysis.File;
        var picks = new ModelPicks(options.Routers, analysis.ModelTraces);
        int full = 0, leftOut = 0;
        // without a selection: the negotiations that did not complete; when all completed, all of them
        bool anyFailed = analysis.Sas.Any(sa => sa.Sa.Outcome != SaOutcome.Established);
        var negotiations = new List<NegotiationReport>(analysis.Sas.Count);
        foreach (var analyzed in analysis.Sas.OrderBy(s => s.Sa.Id))
        {
            IkeSa sa = analyzed.Sa;
            bool wanted = options.Selected?.Invoke(sa) ?? (!anyFailed || sa.Outcome != SaOutcome.Established);
            if (wanted && full >= MaxFullSections)
            {
                wanted = false;
                leftOut++;
            }
            if (wanted) full++;
            negotiations.Add(wanted ? Negotiation(analyzed, r, picks, options.Routers) : IndexLine(analyzed, r, options.Routers));
        }
        var inputs = options.Inputs.Select(i => new CaseInputHash(i.Role, r.File(i.Path, i.Role), Sha256(i.Path))).ToList();
        var commands = options.Commands.Select(cmd => "pcapike " + string.Join(" ", cmd.Select(a =>
            ShellQuote(a.FileRole is { } role ? r.File(a.Text, role) : r.Text(a.Text))))).ToList();
        var malformations = analysis.Malformations.Select(m => r.Text(m.ToString())).ToList();
        if (analysis.DroppedMalformations > 0)
            malformations.Add($"… and {analysis.DroppedMalformations.ToString(CultureInfo.InvariantCulture)} more malformations not listed");
        var debug = options.Debug is null ? [] : options.Debug.Negotiations.Select(n => new DebugReportSection(
            r.Text($"{n.View}{(n.CapturedSa is { } csa ? $" (IKE SA {csa.Sa.Id} of the capture)" : n.NotInCapture is { } why ? $" ({why})" : "")}"),
            options.Debug.Logs.SelectMany(l => l.Notes).Select(x => r.Text(x.ToString())).ToList(),
            n.Findings.Select(f => new DebugReportFinding(f.Id, SaReportText.Severity(f.Severity), r.Text(f.Message), f.Fix is null ? null : r.Text(f.Fix),
                f.Code == FindingCode.DebugMatchesCapture ? f.Steps.Select(r.Text).ToList() : [])).ToList())).ToList();
        return new CaseReport(capture, r.Enabled, analysis.Statistics.Frames, analysis.Statistics.IkeMessages, malformations,
            negotiations, inputs, commands) { SectionsLeftOut = leftOut, Selected = options.Selected is not null, Debug = debug };
    }

    /// <summary>A value from the wire shown inert: one that a spreadsheet would run as a formula (starting with =, +,
    /// -, @, tab or CR, e.g. <c>=cmd|' /C calc'!A0</c>) gets a leading apostrophe, as the batch CSV does.</summary>
    public static string Inert(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    /// <summary>SHA-256 of a file, lower-case hex; for standard input (<c>-</c>), which cannot be read twice, a note.</summary>
    public static string Sha256(string path)
    {
        if (path == "-") return "(standard input: not hashed; save it to a file to have it hashed)";
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    /// <summary>POSIX shell quoting: the argument as is when it is plain, else in single quotes.</summary>
    public static string ShellQuote(string arg) =>
        arg.Length > 0 && arg.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_./=:,+@%".Contains(ch))
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void RegisterSa(ReportRedactor r, IkeSa sa)
    {
        r.Address(sa.Initiator.Address.ToIPAddress());
        r.Address(sa.Responder.Address.ToIPAddress());
        foreach (var m in sa.Messages)
        {
            r.Address(m.Message.Source.Address.ToIPAddress());
            r.Address(m.Message.Destination.Address.ToIPAddress());
        }
        r.Spi(sa.SpiI);
        r.Spi(sa.SpiR);
        foreach (string? id in new[] { sa.InitiatorId, sa.ResponderId })
            if (id is not null) r.Identity(id);
        foreach (string? dn in new[] { sa.InitiatorCertificate, sa.ResponderCertificate, sa.InitiatorCertificateIssuer, sa.ResponderCertificateIssuer })
            if (dn is not null) r.Dn(dn);
        foreach (var e in sa.InitiatorCertRequests.Concat(sa.ResponderCertRequests))
        {
            if (e.Dn is not null) r.Dn(e.Dn);
            if (e.DnRfc4514 is not null) r.Dn(e.DnRfc4514);
            if (e.CaName is not null) r.Dn(e.CaName);
            if (e.CaHash is not null) r.Hash(e.CaHash);
        }
        foreach (var c in sa.Certificates)
        {
            if (c.Info is not { } i) continue;
            if (i.Subject is not null) r.Dn(i.Subject);
            if (i.Issuer is not null) r.Dn(i.Issuer);
            if (i.SubjectIos is not null) r.Dn(i.SubjectIos);
            if (i.IssuerIos is not null) r.Dn(i.IssuerIos);
            foreach (string san in i.SubjectAltNames) AltName(r, san);
        }
    }

    private static void RegisterRouters(ReportRedactor r, Scenario s)
    {
        foreach (var ca in s.Cas)
        {
            r.Dn(ca.Subject);
            if (ca.EnrollmentUrl is not null) r.Text(ca.EnrollmentUrl);
        }
        foreach (var router in s.Routers)
        {
            r.Name(router.Name);
            r.Name(router.Hostname);
            if (router.DomainName is not null) r.Name(router.DomainName);
            r.Name($"{router.Hostname}.{router.DomainName}".TrimEnd('.'));
            r.Address(router.Ethernet.Address);
            r.Address(router.Tunnel.Address);
            if (router.Loopback is { } lo) r.Address(lo.Address);
            foreach (var tp in router.Trustpoints)
            {
                if (tp.Fqdn is not null) r.Name(tp.Fqdn);
                if (tp.IpAddress is not null) r.Address(tp.IpAddress);
                if (tp.SubjectName is not null) r.Dn(tp.SubjectName);
                if (tp.SerialNumber is not null) r.Name(tp.SerialNumber);
                if (tp.EnrollmentUrl is not null) r.Text(tp.EnrollmentUrl);
            }
        }
    }

    private static string AltName(ReportRedactor r, string san)
    {
        int colon = san.IndexOf(':');
        if (colon <= 0) return r.Identity(san);
        string kind = san[..colon], value = san[(colon + 1)..];
        return kind + ":" + (kind is "URI" ? r.Text(value) : r.Identity(value));
    }

    private static NegotiationReport Negotiation(AnalyzedSa analyzed, ReportRedactor r, ModelPicks picks, Scenario? routers)
    {
        IkeSa sa = analyzed.Sa;
        string initiator = Endpoint(r, sa.Initiator), responder = Endpoint(r, sa.Responder);
        var findings = analyzed.Findings.Select(f => new CaseFinding(f.Id, SaReportText.Severity(f.Severity), f.Frames,
            r.Text(f.Message), f.Fix is null ? null : r.Text(f.Fix)) { Steps = f.Steps.Select(r.Text).ToList() }).ToList();
        bool established = sa.Outcome == SaOutcome.Established;
        var failing = FailingFrames(sa);
        var ladder = sa.Messages.Select(m => new LadderArrow(m.Frame, m.Sender, SaReportText.StepWithMark(sa, m), m.Size,
            SaReportText.Offset(sa, m), m.IsRetransmission, failing.Contains(m),
            Fragments(m))).ToList();
        var (iPick, rPick) = FirstMatch(analyzed, picks);
        return new NegotiationReport(
            sa.Id, SaReportText.Version(sa), initiator, responder, SaReportText.Outcome(sa.Outcome), r.Text(OutcomeDetail(sa)),
            established ? null : sa.LastStep, findings.FirstOrDefault(), Summary(analyzed, r), ladder,
            established ? null : Missing(sa),
            Column(sa.InitiatorCertRequests, "initiator", rPick, "responder", r),
            Column(sa.ResponderCertRequests, "responder", iPick, "initiator", r),
            sa.Certificates.Select(c => Certificate(c, r)).ToList(), findings)
        {
            Traffic = Traffic(analyzed, findings),
            InitiatorName = Name(r, sa, Role.Initiator, routers),
            ResponderName = Name(r, sa, Role.Responder, routers),
            Verdict = SaVerdict.For(analyzed, routers) is { } v ? Redacted(v, r) : null,
            VendorIdsByPeer = SaReportText.VendorIdsByPeer(sa).Select(r.Text).ToList(),
        };
    }

    /// <summary>A negotiation the report lists on one line only: its outcome and most important finding, nothing
    /// heavy (no ladder, lists or certificates are built).</summary>
    private static NegotiationReport IndexLine(AnalyzedSa analyzed, ReportRedactor r, Scenario? routers)
    {
        IkeSa sa = analyzed.Sa;
        var first = analyzed.Findings.FirstOrDefault();
        var f = first is null ? null : new CaseFinding(first.Id, SaReportText.Severity(first.Severity), first.Frames, r.Text(first.Message), null);
        var none = new CertRequestColumn("", [], null);
        return new NegotiationReport(sa.Id, SaReportText.Version(sa), Endpoint(r, sa.Initiator), Endpoint(r, sa.Responder),
            SaReportText.Outcome(sa.Outcome), "", sa.Outcome == SaOutcome.Established ? null : sa.LastStep, f, [], [], null,
            none, none, [], f is null ? [] : [f])
        {
            Full = false,
            InitiatorName = Name(r, sa, Role.Initiator, routers),
            ResponderName = Name(r, sa, Role.Responder, routers),
        };
    }

    /// <summary>A side's name (<see cref="SaNames"/>), pseudonymised like the rest with <c>--redact</c>.</summary>
    private static string Name(ReportRedactor r, IkeSa sa, Role side, Scenario? routers)
    {
        string name = SaNames.Of(sa, side, routers);
        var endpoint = side == Role.Initiator ? sa.Initiator : sa.Responder;
        return name == endpoint.Address.ToString() ? r.Address(endpoint.Address.ToIPAddress()) : r.Text(name);
    }

    private static SaVerdict Redacted(SaVerdict v, ReportRedactor r) => !r.Enabled ? v : v with
    {
        Headline = r.Text(v.Headline),
        WhatHappened = r.Text(v.WhatHappened),
        Cause = r.Text(v.Cause),
        Steps = v.Steps.Select(r.Text).ToList(),
        Configuration = v.Configuration.Select(c => new Findings.ConfigFix(r.Text(c.Router), c.Lines.Select(r.Text).ToList(), r.Text(c.Checked))).ToList(),
        Advice = v.Advice is null ? null : r.Text(v.Advice),
    };

    /// <summary>Per direction, the SA's ESP (AH without ESP), both directions as soon as one has any: the silent one shows
    /// "no ESP". SPIs are random per SA and not pseudonymised (they name no one).</summary>
    private static List<LadderTraffic> Traffic(AnalyzedSa analyzed, List<CaseFinding> findings)
    {
        IkeSa sa = analyzed.Sa;
        if (analyzed.DataPlane is not { Flows.Count: > 0 }) return [];
        var flows = Findings.Rules.DataPlaneRules.Traffic(analyzed);
        long start = sa.StartNanoseconds;
        bool oneWay = findings.Any(f => f.Id == Findings.FindingCodes.Id(Findings.FindingCode.EspOneWay));
        var list = new List<LadderTraffic>();
        foreach (var d in new[] { DataPlane.TrafficDirection.InitiatorToResponder, DataPlane.TrafficDirection.ResponderToInitiator })
        {
            var mine = flows.Where(f => f.Direction == d).ToList();
            bool none = mine.Count == 0;
            list.Add(new LadderTraffic(d == DataPlane.TrafficDirection.InitiatorToResponder ? Role.Initiator : Role.Responder,
                mine.Sum(f => f.Flow.Packets), mine.Sum(f => f.Flow.Bytes), string.Join(", ", mine.Select(f => f.Flow.SpiHex).Distinct()),
                none ? "" : "+" + SaReportText.Seconds(mine.Min(f => f.Flow.FirstNanoseconds) - start),
                none ? "" : "+" + SaReportText.Seconds(mine.Max(f => f.Flow.LastNanoseconds) - start),
                oneWay && (none || mine.Max(f => f.Flow.LastNanoseconds) < flows.Max(f => f.Flow.LastNanoseconds))));
        }
        return list;
    }

    /// <summary>The outcome detail, with how it is known when it is inferred.</summary>
    private static string OutcomeDetail(IkeSa sa) =>
        sa.OutcomeConfidence == Confidence.Seen ? sa.OutcomeDetail
            : $"{sa.OutcomeDetail} (inferred, {Findings.Finding.ConfidenceText(sa.OutcomeConfidence)} confidence)";

    private static string Endpoint(ReportRedactor r, Frames.NetEndpoint e)
    {
        string address = r.Address(e.Address.ToIPAddress());
        return e.Address.IsIPv6 ? $"[{address}]:{e.Port.ToString(CultureInfo.InvariantCulture)}" : $"{address}:{e.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static List<(string, string)> Summary(AnalyzedSa analyzed, ReportRedactor r)
    {
        IkeSa sa = analyzed.Sa;
        var rows = new List<(string, string)>
        {
            (sa.Version == 1 ? "Cookies" : "SPIs", $"i {r.Spi(sa.SpiI)}  r {r.Spi(sa.SpiR)}"),
        };
        if (sa.Messages.Count > 0)
            rows.Add(("Started", SaReportText.Started(sa)));
        rows.Add(("NAT", (sa.NatDetected ? "detected" : "not detected") + (sa.FloatedTo4500 ? ", floated to UDP 4500" : "")));
        rows.Add(("Offered", sa.Offered.Count == 0 ? "(not seen)" : string.Join("; ", sa.Offered.Select((p, i) => $"{(i + 1).ToString(CultureInfo.InvariantCulture)}. {p}"))));
        rows.Add(("Chosen", sa.Chosen?.ToString() ?? "(not seen)"));
        if (sa.InitiatorId is not null || sa.ResponderId is not null)
            rows.Add(("IDs", $"i {(sa.InitiatorId is { } ii ? Inert(r.Identity(ii)) : "(not seen)")}  r {(sa.ResponderId is { } ri ? Inert(r.Identity(ri)) : "(not seen)")}"
                + (sa.ResponderIdFromRequest ? " (IDr requested by the initiator)" : "")));
        if (SaReportText.Certificate(sa, Role.Initiator) is { } ic)
            rows.Add(("Cert (i)", r.Dn(ic.Subject) + (ic.Issuer is { } iis ? ", issued by " + r.Dn(iis) : "")));
        if (SaReportText.Certificate(sa, Role.Responder) is { } rc)
            rows.Add(("Cert (r)", r.Dn(rc.Subject) + (rc.Issuer is { } ris ? ", issued by " + r.Dn(ris) : "")));
        foreach (var v in sa.VendorIds)
        {
            string what = v.Name is null ? "unknown" + r.Text(VendorText(v.Hex)) : r.Text(SaReportText.VendorName(v.Name));
            if (v.Fingerprint is { } fp) what += $" [{r.Text(fp)}]";
            rows.Add(("Vendor ID", $"{SaReportText.Role(v.Sender)}: {what} {v.Hex}"));
        }
        rows.Add(("Outcome", r.Text(SaReportText.OutcomeLine(sa))));
        rows.Add(("Retransmissions", sa.Retransmissions.ToString(CultureInfo.InvariantCulture)));
        if (analyzed.DataPlane is { Flows.Count: > 0 })
            rows.Add(("Data plane", DataPlaneReport.Counts(analyzed) + (analyzed.DataPlane.Flows.All(f => f.Evidence == DataPlane.SpiEvidence.Negotiated)
                ? " (SPIs from the negotiation)" : " (SPIs tied by address and time: inferred)")));
        if (analyzed.Findings.FirstOrDefault(f => f.Code == Findings.FindingCode.EspOneWay) is { } oneWay)
            rows.Add(("One-way ESP", new CaseFinding(oneWay.Id, "", oneWay.Frames, r.Text(oneWay.Message), null).FirstSentence + $" ({oneWay.Id})"));
        if (sa.RetryOf is { } retry) rows.Add(("Retry of", $"IKE SA {retry.Id.ToString(CultureInfo.InvariantCulture)}"));
        if (sa.RetriedAs is { } later) rows.Add(("Retried as", $"IKE SA {later.Id.ToString(CultureInfo.InvariantCulture)}"));
        if (sa.OnlyDirection is { } only) rows.Add(("Captured", $"the {SaReportText.Role(only)}'s messages only (one direction)"));
        foreach (var u in sa.Unseen)
            rows.Add(("Not captured", $"{SaReportText.Role(u.Sender)}'s {u.Step}, proven by {u.ProvenByStep} (frame {u.ProvenByFrame.ToString(CultureInfo.InvariantCulture)})"));
        if (sa.StartsMidNegotiation || sa.EndsMidNegotiation)
            rows.Add(("Capture", (sa.StartsMidNegotiation, sa.EndsMidNegotiation) switch
            {
                (true, true) => "starts and ends in the middle of the negotiation",
                (true, false) => "starts in the middle of the negotiation",
                _ => "ends in the middle of the negotiation",
            }));
        return rows;
    }

    /// <summary>An unknown vendor ID whose bytes are text (many are: "FLEXVPN-SUPPORTED"): that text in quotes, as the
    /// peer sent it (attacker-controlled: the writers escape it; <c>--redact</c> pseudonymises what it names).</summary>
    private static string VendorText(string hex)
    {
        byte[] bytes;
        try { bytes = Convert.FromHexString(hex); }
        catch (FormatException) { return ""; }
        int printable = bytes.Count(b => b is >= 0x20 and < 0x7F);
        if (bytes.Length < 4 || printable < bytes.Length * 3 / 4) return "";
        return " \"" + Inert(Encoding.Latin1.GetString(bytes)) + "\"";
    }

    private static string Fragments(SaMessage m) => string.Join(", ", SaReportText.FragmentParts(m));

    /// <summary>The messages of the step where the negotiation failed (those carrying its error notify) or stopped
    /// (every copy of the last step); none when it was established.</summary>
    private static HashSet<SaMessage> FailingFrames(IkeSa sa)
    {
        var set = new HashSet<SaMessage>();
        if (sa.Outcome == SaOutcome.Established) return set;
        if (sa.Outcome == SaOutcome.Failed)
        {
            var errorFrames = sa.Notifies.Where(n => n.IsError).Select(n => n.Frame).ToHashSet();
            foreach (var m in sa.Messages)
                if (errorFrames.Contains(m.Frame)) set.Add(m);
        }
        if (set.Count == 0 && sa.LastStep is { } last)
            foreach (var m in sa.Messages)
                if (m.Step == last) set.Add(m);
        return set;
    }

    /// <summary>The reply the last step asks for and never got: IKEv1 MM1/MM3/MM5 → MM2/MM4/MM6, AM1/AM2 → AM2/AM3,
    /// QM1/QM2 → QM2/QM3; IKEv2 a request without its response.</summary>
    private static MissingReply? Missing(IkeSa sa)
    {
        if (Expected(sa) is not { } m) return null;
        // the silence is seen only with both directions captured and re-sends or time after the last message
        var last = sa.Messages[^1];
        bool seen = sa.OnlyDirection is null && (sa.Retransmissions > 0 || sa.RetriedAs is not null
            || sa.ObservedUntilNanoseconds - last.TimestampNanoseconds >= Findings.SaFacts.NoAnswerWindowNanoseconds);
        if (seen) return m;
        return m with
        {
            Verdict = "not in the capture",
            Why = sa.OnlyDirection is { } only
                ? $"only the {SaReportText.Role(only)}'s messages were captured"
                : sa.CutShort ? $"it was cut short at the cap of open SAs {SaReportText.Seconds(sa.ObservedUntilNanoseconds - last.TimestampNanoseconds)} s after {last.Step}, while the capture went on"
                : sa.TimesUnknown ? $"the capture ends after {last.Step} (it has no times: how long after is unknown)"
                : $"the capture ends {SaReportText.Seconds(sa.ObservedUntilNanoseconds - last.TimestampNanoseconds)} s after {last.Step}",
        };
    }

    private static MissingReply? Expected(IkeSa sa)
    {
        if (sa.LastStep is not { } last || sa.Messages.Count == 0) return null;
        var lastMessage = sa.Messages.Last(m => m.Step == last);
        Role other = lastMessage.Sender == Role.Initiator ? Role.Responder : Role.Initiator;
        if (last.EndsWith(" request", StringComparison.Ordinal))
        {
            string exchange = last[..^" request".Length];
            if (sa.Messages.Any(m => m.Step == exchange + " response" && m.TimestampNanoseconds >= lastMessage.TimestampNanoseconds)) return null;
            return new MissingReply(other, exchange + " response", $"no {exchange} response in the capture");
        }
        if (last.Length == 3 && last[..2] is "MM" or "AM" or "QM" && char.IsAsciiDigit(last[2]))
        {
            int n = last[2] - '0';
            int max = last[..2] == "MM" ? 6 : 3;
            if (n >= max) return null;
            string next = $"{last[..2]}{(n + 1).ToString(CultureInfo.InvariantCulture)}";
            return new MissingReply(other, next, $"{SaReportText.Role(other)} never sent {next}");
        }
        return null;
    }

    private static CertRequestColumn Column(List<CertRequestEntry> entries, string sender, Pick? pick, string picker, ReportRedactor r)
    {
        string title = entries.Count == 0 ? $"{sender}: none" : $"{sender} ({string.Join(", ", entries.Select(e => e.Step).Distinct())})";
        var rows = entries.Select(e => new CertRequestRow(e.Position, Inert(EntryText(e, r)), pick is { } p && p.Position == e.Position)).ToList();
        string? note = pick is { } pk ? $"{picker}'s first-match: entry {pk.Position.ToString(CultureInfo.InvariantCulture)} ({pk.Source})" : null;
        return new CertRequestColumn(title, rows, note);
    }

    private static string EntryText(CertRequestEntry e, ReportRedactor r)
    {
        if (e.Dn is not null) return r.Dn(e.Dn);
        return (e.CaName, e.CaHash) switch
        {
            ({ } name, { } hash) => $"{r.Dn(name)} (sha1 {r.Hash(hash)})",
            (null, { } hash) => $"sha1 {r.Hash(hash)}",
            ({ } name, null) => r.Dn(name),
            _ => "(any CA)",
        };
    }

    private readonly record struct Pick(int Position, string Source);

    /// <summary>The entry of the responder's list the initiator's first-match picked, and the entry of the initiator's
    /// list the responder picked: from the certificate each sent (its issuer), else the model's choice (--config), else
    /// the first entry naming a CA the picker itself requests (so has a trustpoint for).</summary>
    private static (Pick? Initiator, Pick? Responder) FirstMatch(AnalyzedSa analyzed, ModelPicks picks)
    {
        IkeSa sa = analyzed.Sa;
        Pick? Find(List<CertRequestEntry> peerList, List<CertRequestEntry> ownList, string? issuer, Role picker)
        {
            if (peerList.Count == 0) return null;
            if (issuer is not null && peerList.FirstOrDefault(e => Names(e).Contains(DnKey(issuer))) is { } byCert)
                return new Pick(byCert.Position, "its certificate's issuer");
            if (picks.CaSubject(analyzed, picker) is { } modelCa && peerList.FirstOrDefault(e => Names(e).Contains(DnKey(modelCa))) is { } byModel)
                return new Pick(byModel.Position, "the model's choice from the configurations");
            var own = ownList.SelectMany(Names).ToHashSet(StringComparer.Ordinal);
            if (own.Count > 0 && peerList.FirstOrDefault(e => Names(e).Any(own.Contains)) is { } inferred)
                return new Pick(inferred.Position, "inferred: the first entry naming a CA it requests itself");
            return null;
        }
        return (Find(sa.ResponderCertRequests, sa.InitiatorCertRequests, sa.InitiatorCertificateIssuer, Role.Initiator),
                Find(sa.InitiatorCertRequests, sa.ResponderCertRequests, sa.ResponderCertificateIssuer, Role.Responder));
    }

    private static IEnumerable<string> Names(CertRequestEntry e)
    {
        if (e.Dn is not null) yield return DnKey(e.Dn);
        if (e.DnRfc4514 is not null) yield return DnKey(e.DnRfc4514);
        if (e.CaName is not null) yield return DnKey(e.CaName);
        if (e.CaHash is not null) yield return "sha1:" + e.CaHash.ToLowerInvariant();
    }

    /// <summary>A DN compared by attribute types and values, case and spacing ignored.</summary>
    private static string DnKey(string dn)
    {
        var parts = ReportRedactor.SplitDn(dn);
        if (parts.Count == 0) return dn.Trim().ToLowerInvariant();
        return string.Join(",", parts.Select(p => p.Type.ToLowerInvariant() + "=" + p.Value.Trim().ToLowerInvariant()));
    }

    /// <summary>With the routers' configurations: the CA of the certificate each router chooses, from the selection
    /// model's decision trace the analysis kept for the SA (<see cref="CaptureAnalysis.ModelTraces"/>; none when the
    /// configurations are not those of its peers or the model could not simulate them, PI604).</summary>
    private sealed class ModelPicks(Scenario? routers, IReadOnlyDictionary<AnalyzedSa, Model.DecisionTrace> traces)
    {
        public string? CaSubject(AnalyzedSa analyzed, Role picker)
        {
            if (routers is null || !traces.TryGetValue(analyzed, out var trace)) return null;
            IkeSa sa = analyzed.Sa;
            var endpoint = picker == Role.Initiator ? sa.Initiator : sa.Responder;
            var router = routers.Routers.FirstOrDefault(r => r.Ethernet.Address.Equals(endpoint.Address.ToIPAddress()));
            if (router is null) return null;
            // The certificate the router sent, else its first-match decision in the model's trace (I2/V2: a responder
            // that rejected the initiator chose but never sent).
            if (!trace.CertificateSent.TryGetValue(router.Name, out string? tp))
                tp = trace.Find(Model.DecisionKind.TrustpointChoice, router.Name)?.Trustpoint;
            if (tp is null) return null;
            var trustpoint = router.Trustpoints.FirstOrDefault(t => t.Name == tp);
            return trustpoint is null ? null : routers.Cas.FirstOrDefault(c => c.Name == trustpoint.Ca)?.Subject;
        }
    }

    private static CaseCertificate Certificate(SeenCertificate c, ReportRedactor r)
    {
        var lines = AnalyzeTextWriter.CertificateLines(c).Select(l => (l.Label, l.Label switch
        {
            "subject" => r.Dn(l.Value),
            "issuer" when (c.Info?.IssuerIos ?? c.Info?.Issuer) is { } issuer && l.Value.StartsWith(issuer, StringComparison.Ordinal) => r.Dn(issuer) + l.Value[issuer.Length..],
            "alt names" when c.Info is { } info => string.Join(", ", info.SubjectAltNames.Select(s => AltName(r, s))),
            _ => r.Text(l.Value),
        })).Select(l => (l.Label, Inert(l.Item2))).ToList();
        return new CaseCertificate(c.Frame, SaReportText.Role(c.Sender), c.Step, c.Decrypted, c.Position, c.Count, lines);
    }
}
