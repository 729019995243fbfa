using System.Globalization;
using System.Text;
using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Model;
using PcapIke.Frames;
using PcapIke.Analysis;

namespace PcapIke.Reports;

/// <summary>
/// <c>pcapike analyze</c> as text, for pasting into a case: per IKE SA a summary, the message ladder, the two
/// CERT_REQ lists side by side and the findings. Plain aligned text, no colour codes; every line ends with '\n'
/// whatever the platform, so pasted reports look the same everywhere.
/// </summary>
public sealed class AnalyzeTextWriter(TextWriter output)
{
    private const string Indent = "  ";
    private const int LabelWidth = 17;

    /// <summary>The routers' configurations (<c>--config</c>): the sides are then named by router.</summary>
    public Scenario? Routers { get; init; }

    /// <summary>How much to print per SA (<c>--brief</c>, default, <c>--verbose</c>).</summary>
    public TextDetail Detail { get; init; } = TextDetail.Normal;

    public void WriteFileHeader(CaptureAnalysis analysis)
    {
        int malformations = analysis.Malformations.Count + (int)analysis.DroppedMalformations;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"# {analysis.File}: {Count(analysis.Sas.Count, "IKE SA")} ({analysis.Statistics.Frames:N0} frames, {analysis.Statistics.IkeMessages:N0} IKE messages, {Count(malformations, "malformation")})"));
        foreach (var m in analysis.Malformations) Line($"! {m}");
        if (analysis.DroppedMalformations > 0) Line($"! ... and {analysis.DroppedMalformations} more malformations not listed");
    }

    /// <summary>One SA: the verdict and action plan first when it did not complete, then the evidence (ladder,
    /// CERT_REQ lists, certificates, data plane), then the details (summary, notifies, findings). With
    /// <see cref="TextDetail.Brief"/> one line.</summary>
    public void WriteSa(AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        if (Detail == TextDetail.Brief)
        {
            WriteBrief(analyzed);
            return;
        }
        string ini = SaNames.Of(sa, Role.Initiator, Routers), res = SaNames.Of(sa, Role.Responder, Routers);
        Line("");
        Line(string.Create(CultureInfo.InvariantCulture,
            $"IKE SA {sa.Id}  {SaReportText.Version(sa)}  {Named(ini, sa.Initiator)} → {Named(res, sa.Responder)}"));
        if (SaVerdict.For(analyzed, Routers) is { } verdict) WriteVerdict(verdict);
        WriteLadder(sa, ini, res);
        WriteCertRequests(sa);
        WriteCertificates(sa);
        WriteDataPlane(analyzed);
        Line("");
        Line($"{Indent}Details");
        WriteSummary(sa);
        if (Detail == TextDetail.Verbose) WriteNotifies(sa);
        WriteFindings(analyzed);
    }

    private static string Named(string name, NetEndpoint e) =>
        name == e.Address.ToString() ? e.ToString() : $"{name} {e}";

    /// <summary><c>IKE SA 1  IKEv1  R2 → R1  stalled at MM5  PI602: … (high)</c>.</summary>
    private void WriteBrief(AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        var verdict = SaVerdict.For(analyzed, Routers);
        string outcome = SaReportText.Outcome(sa.Outcome) + (verdict is not null && sa.LastStep is { } at ? $" at {at}" : "");
        string cause = verdict is { Source.Length: > 0 } v ? $"  {v.Source}: {v.Cause}" : "";
        Line(string.Create(CultureInfo.InvariantCulture,
            $"IKE SA {sa.Id}  {SaReportText.Version(sa)}  {SaNames.Of(sa, Role.Initiator, Routers)} → {SaNames.Of(sa, Role.Responder, Routers)}  {outcome}{cause}"));
    }

    /// <summary>The answer first: what failed, the root cause, the action plan and how to confirm it.</summary>
    private void WriteVerdict(SaVerdict v)
    {
        Field("Verdict", v.Headline);
        Field("What happened", v.WhatHappened);
        Field("Root cause", v.Cause + (v.Source.Length > 0 ? $" ({v.Source})" : ""));
        if (v.Confidence.Length > 0) Field("Confidence", v.Confidence);
        for (int i = 0; i < v.Steps.Count; i++)
            Field(i == 0 ? "Step by step" : "", string.Create(CultureInfo.InvariantCulture, $"{i + 1,2}. {v.Steps[i]}"));
        foreach (var fix in v.Configuration)
        {
            Field("Action plan", $"on {fix.Router} ({fix.Checked}):");
            foreach (string line in SaVerdict.PasteBlock(fix)) Line($"{Indent}{new string(' ', LabelWidth)}    {line}".TrimEnd());
        }
        if (v.Configuration.Count == 0 && v.Advice is { } advice) Field("Action plan", advice);
        if (v.ConfirmWith.Count > 0) Field("Confirm with", string.Join("; ", v.ConfirmWith));
    }

    /// <summary>The SA's ESP/AH per SPI and direction, with its child SAs and DELETEs in time order (the rekey
    /// timeline); absent when the capture has no data-plane packet of the SA.</summary>
    private void WriteDataPlane(AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        if (!DataPlaneReport.HasTraffic(analyzed)) return;
        Line("");
        Line($"{Indent}Data plane ({DataPlaneReport.Counts(analyzed)}; time from the SA start, bytes = IP lengths)");
        Table(DataPlaneReport.Header, DataPlaneReport.Rows(analyzed), rightAligned: [false, false, false, true, true, true, true, false, false, false]);
    }

    /// <summary>The capture's data plane tied to no IKE SA (ESP with no negotiation in the capture) and what the bounded
    /// table could not count; absent when there is neither.</summary>
    public void WriteUnattachedDataPlane(CaptureAnalysis analysis)
    {
        var dp = analysis.DataPlane;
        if (dp.Unattached.Count == 0 && dp.DroppedPackets == 0) return;
        Line("");
        Line("Data plane without IKE");
        var rows = dp.Unattached.Select(f => new[]
        {
            f.IsKeepalive ? "keepalive" : f.SpiHex, $"{DataPlaneReport.Endpoint(f.Source)} → {DataPlaneReport.Endpoint(f.Destination)}", DataPlaneReport.Protocol(f.Protocol),
            f.Packets.ToString(CultureInfo.InvariantCulture), f.Bytes.ToString(CultureInfo.InvariantCulture),
            SaReportText.UtcTime(f.FirstNanoseconds), SaReportText.UtcTime(f.LastNanoseconds),
            string.Create(CultureInfo.InvariantCulture, $"{f.FirstFrame}–{f.LastFrame}"), DataPlaneReport.Sequence(f),
        }).ToList();
        if (rows.Count > 0)
            Table(["spi", "from → to", "protocol", "packets", "bytes", "first", "last", "frames", "sequence"], rows,
                rightAligned: [false, false, false, true, true, false, false, false, false]);
        if (dp.DroppedPackets > 0)
            Line(string.Create(CultureInfo.InvariantCulture,
                $"{Indent}! {dp.DroppedPackets:N0} ESP/AH packets from frame {dp.FirstDroppedFrame} not counted per SPI: more than {dp.Capacity:N0} SPIs and directions"));
        WriteFindingList(analysis.DataPlaneFindings);
    }

    private void Table(string[] header, List<string[]> rows, bool[] rightAligned)
    {
        var all = new List<string[]>(rows.Count + 1) { header };
        all.AddRange(rows);
        int[] widths = new int[header.Length];
        foreach (var r in all)
            for (int c = 0; c < r.Length; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        var sb = new StringBuilder();
        foreach (var r in all)
        {
            sb.Clear().Append(Indent).Append(Indent);
            for (int c = 0; c < r.Length; c++)
            {
                if (c > 0) sb.Append("  ");
                if (c == r.Length - 1) sb.Append(r[c]);
                else sb.Append(rightAligned[c] ? r[c].PadLeft(widths[c]) : r[c].PadRight(widths[c]));
            }
            Line(sb.ToString().TrimEnd());
        }
    }

    private void WriteSummary(IkeSa sa)
    {
        Field(sa.Version == 1 ? "Cookies" : "SPIs", $"i {SaReportText.Spi(sa.SpiI)}  r {SaReportText.Spi(sa.SpiR)}");
        if (sa.Messages.Count > 0)
            Field("Started", SaReportText.Started(sa));
        Field("NAT", (sa.NatDetected ? "detected" : "not detected") + (sa.FloatedTo4500 ? ", floated to UDP 4500" : ""));
        if (sa.Offered.Count == 0) Field("Offered", "(not seen)");
        for (int i = 0; i < sa.Offered.Count; i++)
            Field(i == 0 ? "Offered" : "", string.Create(CultureInfo.InvariantCulture, $"{i + 1}. {Proposal(sa.Offered[i])}"));
        Field("Chosen", sa.Chosen is { } c ? Proposal(c) : "(not seen)");
        if (sa.InitiatorId is not null || sa.ResponderId is not null)
            Field("IDs", $"i {sa.InitiatorId ?? "(not seen)"}  r {sa.ResponderId ?? "(not seen)"}"
                + (sa.ResponderIdFromRequest ? " (IDr requested by the initiator)" : ""));
        if (SaReportText.Certificate(sa, Role.Initiator) is { } ic) Field("Cert (i)", ic.Issuer is { } ii ? $"{ic.Subject}, issued by {ii}" : ic.Subject);
        if (SaReportText.Certificate(sa, Role.Responder) is { } rc) Field("Cert (r)", rc.Issuer is { } ri ? $"{rc.Subject}, issued by {ri}" : rc.Subject);
        if (sa.VendorIds.Count == 0) Field("Vendor IDs", "none");
        if (Detail == TextDetail.Verbose)
            for (int i = 0; i < sa.VendorIds.Count; i++)
            {
                var v = sa.VendorIds[i];
                string what = v.Name is { } name ? SaReportText.VendorName(name) : "unknown";
                if (v.Fingerprint is { } fp) what += $" [{fp}]";
                Field(i == 0 ? "Vendor IDs" : "", $"{SaReportText.Role(v.Sender),-9}  {what}  {v.Hex}");
            }
        else
        {
            var folded = SaReportText.VendorIdsByPeer(sa);
            for (int i = 0; i < folded.Count; i++) Field(i == 0 ? "Vendor IDs" : "", folded[i]);
        }
        Field("Last step", sa.LastStep ?? "(none)");
        Field("Outcome", SaReportText.OutcomeLine(sa));
        Field("Retransmissions", sa.Retransmissions.ToString(CultureInfo.InvariantCulture));
        if (sa.RetryOf is { } retry) Field("Retry of", string.Create(CultureInfo.InvariantCulture, $"IKE SA {retry.Id}"));
        if (sa.RetriedAs is { } later) Field("Retried as", string.Create(CultureInfo.InvariantCulture, $"IKE SA {later.Id}"));
        if (sa.OnlyDirection is { } only) Field("Captured", $"the {SaReportText.Role(only)}'s messages only (one direction)");
        foreach (var h in sa.HeaderlessDatagrams)
            Field("Headerless", string.Create(CultureInfo.InvariantCulture, $"frame {h.FirstFrame}: {h.Fragments} later IP fragments from {h.Source} (IP ID 0x{h.IpId:X}, {h.Bytes} bytes), first fragment not captured"));
        foreach (var u in sa.Unseen)
            Field("Not captured", string.Create(CultureInfo.InvariantCulture, $"{SaReportText.Role(u.Sender)}'s {u.Step}, proven by {u.ProvenByStep} (frame {u.ProvenByFrame})"));
        if (sa.StartsMidNegotiation || sa.EndsMidNegotiation)
            Field("Capture", (sa.StartsMidNegotiation, sa.EndsMidNegotiation) switch
            {
                (true, true) => "starts and ends in the middle of the negotiation",
                (true, false) => "starts in the middle of the negotiation",
                _ => "ends in the middle of the negotiation",
            });
    }

    private void WriteLadder(IkeSa sa, string initiatorName, string responderName)
    {
        Line("");
        if (sa.Messages.Count == 0)
        {
            Line($"{Indent}Messages: none");
            return;
        }
        string left = sa.Initiator.Address.ToString(), right = sa.Responder.Address.ToString();
        string leftTitle = initiatorName == left ? "initiator" : $"{initiatorName} (initiator)";
        string rightTitle = responderName == right ? "responder" : $"{responderName} (responder)";
        int leftWidth = Math.Max(left.Length, leftTitle.Length), rightWidth = Math.Max(right.Length, rightTitle.Length);
        var rows = new List<string[]>(sa.Messages.Count + 1)
        {
            new[] { "time", "frame", leftTitle.PadLeft(leftWidth), "", rightTitle.PadRight(rightWidth), "ports I/R", "size", "step" },
        };
        foreach (var m in sa.Messages)
        {
            bool i2r = m.Sender == Role.Initiator;
            rows.Add(
            [
                SaReportText.Offset(sa, m),
                m.Frame.ToString(CultureInfo.InvariantCulture),
                left.PadLeft(leftWidth),
                i2r ? "────▶" : "◀────",
                right.PadRight(rightWidth),
                Ports(m, i2r),
                m.Size.ToString(CultureInfo.InvariantCulture),
                SaReportText.StepWithMark(sa, m) + Fragments(m),
            ]);
        }
        Line($"{Indent}Messages ({SaReportText.TimeColumn(sa)}, size = IP length)");
        // Right-align the numbers, left-align the text; the last column is not padded.
        bool[] right_ = [true, true, false, false, false, false, true, false];
        int[] widths = new int[rows[0].Length];
        foreach (var r in rows)
            for (int c = 0; c < r.Length; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            sb.Clear().Append(Indent).Append(Indent);
            for (int c = 0; c < r.Length; c++)
            {
                if (c > 0) sb.Append("  ");
                if (c == r.Length - 1) sb.Append(r[c]);
                else sb.Append(right_[c] ? r[c].PadLeft(widths[c]) : r[c].PadRight(widths[c]));
            }
            Line(sb.ToString().TrimEnd());
        }
    }

    private static string Ports(SaMessage m, bool i2r)
    {
        var (i, r) = i2r ? (m.Message.Source.Port, m.Message.Destination.Port) : (m.Message.Destination.Port, m.Message.Source.Port);
        string transport = m.Message.Transport switch
        {
            IkeTransport.UdpNonEspMarker => "nat-t",
            IkeTransport.Tcp => "tcp",
            _ => "udp",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{transport} {i}/{r}");
    }

    private static string Fragments(SaMessage m) => string.Concat(SaReportText.FragmentParts(m).Select(p => $"  [{p}]"));

    private void WriteCertRequests(IkeSa sa)
    {
        Line("");
        var ini = sa.InitiatorCertRequests;
        var res = sa.ResponderCertRequests;
        if (ini.Count == 0 && res.Count == 0)
        {
            Line($"{Indent}CERT_REQ: none");
            return;
        }
        Line($"{Indent}CERT_REQ (payload order)");
        string leftTitle = ini.Count == 0 ? "initiator: none" : $"initiator ({string.Join(", ", ini.Select(e => e.Step).Distinct())})";
        string rightTitle = res.Count == 0 ? "responder: none" : $"responder ({string.Join(", ", res.Select(e => e.Step).Distinct())})";
        var leftCells = ini.Select(Entry).ToList();
        var rightCells = res.Select(Entry).ToList();
        int width = Math.Max(leftTitle.Length, leftCells.Count == 0 ? 0 : leftCells.Max(s => s.Length));
        Line($"{Indent}{Indent}{leftTitle.PadRight(width)} | {rightTitle}");
        for (int i = 0; i < Math.Max(leftCells.Count, rightCells.Count); i++)
        {
            string l = i < leftCells.Count ? leftCells[i] : "";
            string r = i < rightCells.Count ? rightCells[i] : "";
            Line($"{Indent}{Indent}{l.PadRight(width)} | {r}".TrimEnd());
        }
    }

    private static string Entry(CertRequestEntry e)
    {
        string what = e.Dn ?? (e.CaName, e.CaHash) switch
        {
            ({ } name, { } hash) => $"{name} (sha1 {hash})",
            (null, { } hash) => $"sha1 {hash}",
            ({ } name, null) => name,
            _ => "(any CA)",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{e.Position,2}. {what}");
    }

    /// <summary>Every certificate of the SA (clear or decrypted CERT payloads), per message in payload order. Absent
    /// when there is none.</summary>
    private void WriteCertificates(IkeSa sa)
    {
        if (sa.Certificates.Count == 0) return;
        Line("");
        Line($"{Indent}Certificates (per message, in payload order)");
        foreach (var c in sa.Certificates)
        {
            Line(string.Create(CultureInfo.InvariantCulture,
                $"{Indent}{Indent}frame {c.Frame}  {SaReportText.Role(c.Sender)}  {c.Step}{(c.Decrypted ? " (decrypted)" : "")}  CERT {c.Position}/{c.Count}"));
            foreach (var (label, value) in CertificateLines(c)) Line($"{Indent}{Indent}{Indent}{label,-11}{value}");
        }
    }

    /// <summary>The labelled lines of one certificate, as the text report shows them.</summary>
    public static IEnumerable<(string Label, string Value)> CertificateLines(SeenCertificate c)
    {
        if (c.Info is { } i)
        {
            if ((i.SubjectIos ?? i.Subject) is { } subject) yield return ("subject", subject);
            if ((i.IssuerIos ?? i.Issuer) is { } issuer)
                yield return ("issuer", issuer + (i.IsSelfIssued ? " (self-signed)"
                    : c.IssuerPosition is { } p ? string.Create(CultureInfo.InvariantCulture, $" (CERT {p} of this message)")
                    : " (not in this message)"));
            if (i.SerialHex is not null) yield return ("serial", i.SerialHex);
            if (i.NotBefore is { } nb && i.NotAfter is { } na) yield return ("valid", $"{SaReportText.Date(nb)} to {SaReportText.Date(na)}");
            if (i.SubjectAltNames.Count > 0) yield return ("alt names", string.Join(", ", i.SubjectAltNames));
            if (i.KeyText is { } key) yield return ("key", key + (i.IsCa ? ", CA" : ""));
            if (i.SignatureAlgorithm is not null) yield return ("signature", i.SignatureAlgorithm);
        }
        if (c.Problem is { } problem) yield return ("problem", problem);
    }

    private void WriteNotifies(IkeSa sa)
    {
        if (sa.Notifies.Count == 0) return;
        Line("");
        Line($"{Indent}Notifies");
        int stepWidth = sa.Notifies.Max(n => n.Step.Length);
        int frameWidth = sa.Notifies.Max(n => n.Frame.ToString(CultureInfo.InvariantCulture).Length);
        foreach (var n in sa.Notifies)
            Line(string.Create(CultureInfo.InvariantCulture,
                $"{Indent}{Indent}frame {n.Frame.ToString(CultureInfo.InvariantCulture).PadLeft(frameWidth)}  {SaReportText.Role(n.Sender),-9}  {n.Step.PadRight(stepWidth)}  {n.TypeName ?? "unknown"} ({n.TypeRaw}){(n.IsError ? "  error" : "")}"));
    }

    private void WriteFindings(AnalyzedSa analyzed)
    {
        Line("");
        if (analyzed.Findings.Count == 0)
        {
            Line($"{Indent}Findings: none");
            return;
        }
        Line($"{Indent}Findings");
        WriteFindingList(analyzed.Findings);
    }

    /// <summary>The debug logs (<c>--debug</c>, or debug files given as inputs): each log's reading, then per negotiation
    /// the logs' account and the findings, with the steps each finding lists (the frames each logged packet matched).</summary>
    public void WriteDebug(DebugLogAnalysis debug)
    {
        foreach (var log in debug.Logs)
        {
            Line(string.Create(CultureInfo.InvariantCulture,
                $"# debug {log.Source}: {string.Join(", ", log.Routers.DefaultIfEmpty("no router"))}: {Count(log.Events.Count, "event")} from {Count(log.Records, "debug line")}, {Count(log.UnknownLines, "line")} not read{(log.UnknownLineNumbers.Count > 0 ? " (lines " + string.Join(", ", log.UnknownLineNumbers.Take(10)) + (log.UnknownLines > 10 ? ", …" : "") + ")" : "")}"));
            foreach (var note in log.Notes) Line($"  note: {note}");
        }
        if (debug.Negotiations.Count == 0)
        {
            Line("  no IKE negotiation in the debug");
            return;
        }
        foreach (var n in debug.Negotiations)
        {
            Line("");
            Line($"Negotiation from the debug: {n.View}{(n.CapturedSa is { } sa ? $" (capture: IKE SA #{sa.Sa.Id})" : "")}");
            if (n.NotInCapture is { } why) Line(Indent + why + ".");
            string pad = new(' ', 2 * Indent.Length + 5 + 2 + 7 + 2);
            WriteFindingList(n.Findings);
            foreach (var f in n.Findings.Where(f => f.Code == FindingCode.DebugMatchesCapture))
                foreach (string step in f.Steps) Line(pad + "- " + step);
        }
    }

    private void WriteFindingList(IReadOnlyList<Findings.Finding> findings)
    {
        string pad = new(' ', 2 * Indent.Length + 5 + 2 + 7 + 2);
        foreach (var f in findings)
        {
            string frames = f.Frames.Count == 0 ? "" : (f.Frames.Count == 1 ? "frame " : "frames ") +
                string.Join(", ", f.Frames.Select(x => x.ToString(CultureInfo.InvariantCulture)));
            Line($"{Indent}{Indent}{f.Id,-5}  {SaReportText.Severity(f.Severity),-7}  {frames}".TrimEnd());
            foreach (string line in f.Message.Split('\n')) Line(pad + line.TrimEnd('\r'));
            if (!string.IsNullOrEmpty(f.Fix))
            {
                string[] fix = f.Fix.Split('\n');
                for (int i = 0; i < fix.Length; i++) Line(pad + (i == 0 ? "fix: " : "     ") + fix[i].TrimEnd('\r'));
            }
        }
    }

    private static string Proposal(ProposalView p) => SaReportText.Proposal(p);

    private void Field(string label, string value) =>
        Line($"{Indent}{label.PadRight(LabelWidth)}{value}".TrimEnd());

    private void Line(string line)
    {
        output.Write(line);
        output.Write('\n');
    }

    private static string Count(long n, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{n:N0} {noun}{(n == 1 ? "" : "s")}");
}

/// <summary>How much <c>analyze</c> prints per SA as text.</summary>
public enum TextDetail
{
    /// <summary>One line per SA (<c>--brief</c>).</summary>
    Brief,
    /// <summary>The verdict and action plan, the evidence, the details.</summary>
    Normal,
    /// <summary>Everything: also every vendor ID with its bytes and every notify (<c>--verbose</c>).</summary>
    Verbose,
}
