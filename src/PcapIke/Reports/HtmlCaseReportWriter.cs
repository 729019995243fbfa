using System.Globalization;
using System.Text;

namespace PcapIke.Reports;

/// <summary>
/// The case report as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched (a
/// Content-Security-Policy of <c>default-src 'none'</c> says so to the browser too), readable offline and printable.
/// Every text is escaped (<see cref="ReportEscape.Html"/>); values longer than <see cref="LongValue"/> characters
/// show their start and keep the full value in a <c>&lt;details&gt;</c> element. Layout: docs/case-report.md.
/// </summary>
public static class HtmlCaseReportWriter
{
    /// <summary>Values longer than this are folded (start shown, full value in &lt;details&gt;).</summary>
    public const int LongValue = 240;

    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1b1f24;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
        h3{font-size:15px;margin:18px 0 6px}code,pre,.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
        table{border-collapse:collapse;margin:4px 0 8px;width:100%}th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}
        th{background:#f6f8fa;font-weight:600}td,li,p,pre,summary{overflow-wrap:anywhere;word-break:break-word}
        pre{white-space:pre-wrap;background:#f6f8fa;border:1px solid #d0d7de;padding:8px;margin:4px 0}
        table.facts th{width:150px}.redacted{background:#fff8c5;border:1px solid #d4a72c;padding:4px 8px;display:inline-block}
        .outcome{font-weight:600;padding:1px 6px;border-radius:3px}.o-established{background:#dafbe1;color:#116329}
        .o-failed,.o-stalled{background:#ffebe9;color:#a40e26}.o-incomplete{background:#fff8c5;color:#7d4e00}
        ul.summary{padding-left:18px}ul.summary li{margin:3px 0}
        .finding{border-left:4px solid #8c959f;padding:2px 10px;margin:8px 0}.finding.sev-error{border-color:#cf222e}.finding.sev-warning{border-color:#bf8700}
        .finding h4{margin:2px 0;font-size:14px}.finding p{margin:3px 0}.fix{color:#0a3069}
        table.certreq td.picked{background:#dafbe1;font-weight:600}.pick{color:#116329;font-weight:600}
        svg.ladder{max-width:100%;height:auto;border:1px solid #d0d7de;background:#fcfcfd}
        svg.ladder text{font:12px "DejaVu Sans Mono",Menlo,monospace;fill:#1b1f24}svg.ladder .role{font-weight:700}svg.ladder .label{font-size:11.5px}
        svg.ladder .lane line{stroke:#8c959f;stroke-width:2}svg.ladder .msg line{stroke:#0969da;stroke-width:2}svg.ladder .msg polygon{fill:#0969da}
        svg.ladder .msg.retrans line{stroke:#9a6700}svg.ladder .msg.retrans polygon{fill:#9a6700}svg.ladder .msg.retrans .label{fill:#7d4e00}
        svg.ladder .msg.failing line{stroke:#cf222e;stroke-width:3}svg.ladder .msg.failing polygon{fill:#cf222e}svg.ladder .msg.failing .label,svg.ladder .mark{fill:#a40e26;font-weight:700}
        svg.ladder .frame{fill:#57606a}svg.ladder .missing line{stroke:#8c959f;stroke-width:2}svg.ladder .missing text{fill:#57606a}svg.ladder .cross{font-size:18px;fill:#cf222e}
        svg.ladder .esp line{stroke:#1a7f37;stroke-width:4}svg.ladder .esp polygon{fill:#1a7f37}svg.ladder .esp.silent line{stroke:#cf222e}svg.ladder .esp.silent polygon{fill:#cf222e}svg.ladder .esp.silent .label{fill:#a40e26;font-weight:700}
        details.full{display:inline}details.full summary{cursor:pointer;color:#0969da;display:inline}
        section.verdict{border:2px solid #cf222e;border-radius:6px;padding:10px 16px;margin:12px 0 18px;background:#fffafa}
        section.verdict h2{margin:0 0 6px;border:0;font-size:17px}section.verdict .headline{font-size:15px;font-weight:600;margin:2px 0 8px}
        section.verdict table.facts th{width:120px}pre.config{background:#0d1117;color:#e6edf3;border-color:#0d1117;margin:4px 0 2px;white-space:pre}
        .checked{color:#116329;font-size:12.5px;margin:0 0 8px}ol.steps{margin:4px 0 6px;padding-left:26px}ol.steps li{margin:1px 0}
        ul.established{padding-left:18px;color:#57606a}details.raw summary{cursor:pointer;color:#0969da}
        footer{margin-top:32px;color:#57606a;font-size:12px}
        @media print{body{margin:0;max-width:none}details.full>*{display:inline}}
        """;

    public static string Render(CaseReport report)
    {
        var sb = new StringBuilder(64 * 1024);
        Head(sb, $"IKE case report: {ReportEscape.Truncate(report.Capture, 80)}");

        sb.Append("<header>\n<h1>IKE case report</h1>\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"<p>Capture <code>{Value(report.Capture)}</code>: {report.Frames:N0} frames, {report.IkeMessages:N0} IKE messages, {Count(report.Negotiations.Count, "negotiation")}.</p>\n");
        if (report.Redacted)
            sb.Append("<p class=\"redacted\">Redacted (<code>--redact</code>): addresses, host names, DN values, identities, SPIs and file names are pseudonyms; the same original has the same pseudonym throughout this report.</p>\n");
        sb.Append("</header>\n");

        foreach (var n in report.Negotiations)
            if (n.Full && n.Verdict is { } v) Verdict(sb, n, v);

        sb.Append("<section id=\"summary\">\n<h2>Summary</h2>\n");
        if (report.Negotiations.Count == 0) sb.Append("<p>No IKE negotiation in the capture.</p>\n");
        else
        {
            sb.Append("<ul class=\"summary\">\n");
            foreach (var n in report.Negotiations)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<li>{(n.Full ? $"<a href=\"#sa-{n.Id}\">IKE SA {n.Id}</a>" : $"IKE SA {n.Id}")} {ReportEscape.Html(n.Version)} <span class=\"mono\">{Value(n.InitiatorName)} → {Value(n.ResponderName)}</span>: ");
                sb.Append($"<span class=\"outcome o-{n.Outcome}\">{ReportEscape.Html(n.Outcome)}</span>");
                if (n.StoppedAt is { } at) sb.Append($" at <strong>{ReportEscape.Html(at)}</strong>");
                if (n.MostImportant is { } f) sb.Append($" — <strong>{ReportEscape.Html(f.Id)}</strong> {Prose(f.FirstSentence)}");
                else sb.Append('.');
                sb.Append("</li>\n");
            }
            sb.Append("</ul>\n");
            sb.Append($"<p>{ReportEscape.Html(SectionsNote(report))}</p>\n");
        }
        if (report.Malformations.Count > 0)
        {
            sb.Append("<h3>Malformations</h3>\n<ul>\n");
            foreach (string m in report.Malformations) sb.Append($"<li class=\"mono\">{Value(m)}</li>\n");
            sb.Append("</ul>\n");
        }
        sb.Append("</section>\n");

        foreach (var n in report.Negotiations)
            if (n.Full) Negotiation(sb, n);

        for (int i = 0; i < report.Debug.Count; i++)
        {
            var d = report.Debug[i];
            sb.Append(CultureInfo.InvariantCulture, $"<section id=\"debug-{i + 1}\">\n<h2>Debug logs — {ReportEscape.Html(d.Title)}</h2>\n<ul>\n");
            foreach (string note in d.Notes) sb.Append($"<li>note: {ReportEscape.Html(note)}</li>\n");
            foreach (var f in d.Findings)
            {
                sb.Append($"<li><b>{ReportEscape.Html(f.Id)}</b> {ReportEscape.Html(f.Severity)}: {ReportEscape.Html(f.Message)}");
                if (f.Fix is not null || f.Steps.Count > 0)
                {
                    sb.Append("\n<ul>\n");
                    if (f.Fix is not null) sb.Append($"<li>fix: {ReportEscape.Html(f.Fix)}</li>\n");
                    foreach (string step in f.Steps) sb.Append($"<li>{ReportEscape.Html(step)}</li>\n");
                    sb.Append("</ul>\n");
                }
                sb.Append("</li>\n");
            }
            sb.Append("</ul>\n</section>\n");
        }

        sb.Append("<section id=\"inputs\">\n<h2>Input files (SHA-256)</h2>\n<table>\n<tr><th>role</th><th>file</th><th>SHA-256</th></tr>\n");
        foreach (var i in report.Inputs)
            sb.Append($"<tr><td>{ReportEscape.Html(i.Role)}</td><td class=\"mono\">{Value(i.Name)}</td><td class=\"mono\">{ReportEscape.Html(i.Sha256)}</td></tr>\n");
        sb.Append("</table>\n</section>\n");

        sb.Append("<section id=\"reproduce\">\n<h2>Reproduce</h2>\n<p>The commands that make this report and the same analysis as text:</p>\n<pre>");
        sb.Append(ReportEscape.Html(string.Join("\n", report.Commands), keepNewlines: true));
        sb.Append("</pre>\n</section>\n");
        sb.Append("<footer>Made by pcapike report. No key material is written to this report: key tables, charon logs and Wireshark profiles are named and hashed only.</footer>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>The index of <c>batch --reports</c>: one line per capture with a relative link to its report.</summary>
    public static string RenderIndex(IReadOnlyList<CaseIndexEntry> entries, bool redacted)
    {
        var sb = new StringBuilder(16 * 1024);
        Head(sb, "IKE case reports");
        sb.Append(CultureInfo.InvariantCulture, $"<header>\n<h1>IKE case reports</h1>\n<p>{Count(entries.Count, "capture")}, {entries.Count(e => e.Report is not null)} reports.</p>\n");
        if (redacted) sb.Append("<p class=\"redacted\">Redacted (<code>--redact</code>): captures are named by number; each report has its own pseudonyms.</p>\n");
        sb.Append("</header>\n<table class=\"index\">\n<tr><th>capture</th><th>report</th><th>summary</th></tr>\n");
        foreach (var e in entries)
        {
            sb.Append($"<tr><td class=\"mono\">{Value(e.Capture)}</td><td>");
            sb.Append(e.Report is { } href ? $"<a href=\"{ReportEscape.Html(href)}\">{ReportEscape.Html(href)}</a>" : "(none)");
            sb.Append($"</td><td>{Value(e.Summary)}</td></tr>\n");
        }
        sb.Append("</table>\n<footer>Made by pcapike batch --reports.</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Head(StringBuilder sb, string title)
    {
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"{ContentSecurityPolicy}\">\n");
        sb.Append("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<meta name=\"generator\" content=\"pcapike report\">\n");
        sb.Append($"<title>{ReportEscape.Html(title)}</title>\n");
        sb.Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
    }

    private static void Negotiation(StringBuilder sb, NegotiationReport n)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<section class=\"sa\" id=\"sa-{n.Id}\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>IKE SA {n.Id} — {ReportEscape.Html(n.Version)} <span class=\"mono\">{Value(n.InitiatorHeading)} → {Value(n.ResponderHeading)}</span></h2>\n");
        sb.Append($"<p><span class=\"outcome o-{n.Outcome}\">{ReportEscape.Html(n.Outcome)}</span>");
        if (n.StoppedAt is { } at) sb.Append($" at <strong>{ReportEscape.Html(at)}</strong>");
        string detail = SaReportText.DetailAfterStep(n.OutcomeDetail, n.StoppedAt);
        if (detail.Length > 0) sb.Append($": {Value(SaVerdict.Sentence(detail))}");
        sb.Append("</p>\n");

        sb.Append("<h3>Evidence: messages (").Append(n.Ladder.Count.ToString(CultureInfo.InvariantCulture)).Append(")</h3>\n");
        if (n.Ladder.Count == 0) sb.Append("<p>None.</p>\n");
        else LadderSvg.Write(sb, n);

        CertRequests(sb, n);
        Certificates(sb, n);

        sb.Append("<h3>Details</h3>\n<table class=\"facts\">\n");
        bool vendorsDone = false;
        foreach (var (label, value) in n.Summary)
        {
            if (label == "Vendor ID")
            {
                if (vendorsDone) continue;
                vendorsDone = true;
                sb.Append("<tr><th>Vendor IDs</th><td>");
                foreach (string line in n.VendorIdsByPeer) sb.Append($"{Value(line)}<br>");
                sb.Append("<details class=\"raw\"><summary>every vendor ID with its bytes</summary>");
                foreach (var (l, v) in n.Summary.Where(x => x.Label == "Vendor ID")) sb.Append($"<div class=\"mono\">{Value(v)}</div>");
                sb.Append("</details></td></tr>\n");
                continue;
            }
            sb.Append($"<tr><th>{ReportEscape.Html(label)}</th><td>{Value(value)}</td></tr>\n");
        }
        sb.Append("</table>\n");

        sb.Append("<h3>Findings</h3>\n");
        if (n.Findings.Count == 0) sb.Append("<p>None.</p>\n");
        foreach (var f in n.Findings)
        {
            sb.Append($"<div class=\"finding sev-{ReportEscape.Html(f.Severity)}\">\n<h4>{ReportEscape.Html(f.Id)} {ReportEscape.Html(f.Severity)}");
            if (f.Frames.Count > 0)
                sb.Append($" — {(f.Frames.Count == 1 ? "frame" : "frames")} {string.Join(", ", f.Frames.Select(x => x.ToString(CultureInfo.InvariantCulture)))}");
            sb.Append("</h4>\n");
            string message = f.MessageBeforeSteps;
            foreach (string line in message.Split('\n')) sb.Append($"<p>{Prose(line.TrimEnd('\r'))}</p>\n");
            if (f.Steps.Count > 0)
            {
                sb.Append("<ol class=\"steps\">");
                foreach (string decision in f.Steps) sb.Append($"<li>{Prose(decision)}</li>");
                sb.Append("</ol>\n");
            }
            if (f.Fix is { } fix)
            {
                string[] lines = fix.Split('\n');
                for (int i = 0; i < lines.Length; i++)
                    sb.Append($"<p class=\"fix\">{(i == 0 ? "<strong>fix:</strong> " : "")}{Prose(lines[i].TrimEnd('\r'))}</p>\n");
            }
            sb.Append("</div>\n");
        }
        sb.Append("</section>\n");
    }

    private static void CertRequests(StringBuilder sb, NegotiationReport n)
    {
        var ini = n.InitiatorRequests;
        var res = n.ResponderRequests;
        sb.Append("<h3>CERT_REQ (payload order)</h3>\n");
        if (ini.Entries.Count == 0 && res.Entries.Count == 0)
        {
            sb.Append("<p>None.</p>\n");
            return;
        }
        sb.Append($"<table class=\"certreq\">\n<tr><th>#</th><th>{ReportEscape.Html(ini.Title)}</th><th>#</th><th>{ReportEscape.Html(res.Title)}</th></tr>\n");
        for (int i = 0; i < Math.Max(ini.Entries.Count, res.Entries.Count); i++)
        {
            sb.Append("<tr>");
            Cell(sb, i < ini.Entries.Count ? ini.Entries[i] : null, "the responder");
            Cell(sb, i < res.Entries.Count ? res.Entries[i] : null, "the initiator");
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");
        foreach (var note in new[] { res.PickNote, ini.PickNote })
            if (note is not null) sb.Append($"<p class=\"pick\">◀ {ReportEscape.Html(note)}</p>\n");
    }

    private static void Cell(StringBuilder sb, CertRequestRow? row, string picker)
    {
        if (row is null)
        {
            sb.Append("<td></td><td></td>");
            return;
        }
        sb.Append(CultureInfo.InvariantCulture, $"<td>{row.Position}</td>");
        if (row.Picked) sb.Append($"<td class=\"picked\">{Value(row.Display)} <span class=\"pick\">◀ first match of {picker}</span></td>");
        else sb.Append($"<td class=\"mono\">{Value(row.Display)}</td>");
    }

    private static void Certificates(StringBuilder sb, NegotiationReport n)
    {
        sb.Append("<h3>Certificates</h3>\n");
        if (n.Certificates.Count == 0)
        {
            sb.Append("<p>None seen (without keys the certificates of encrypted messages are not read).</p>\n");
            return;
        }
        foreach (var c in n.Certificates)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<table class=\"facts cert\">\n<tr><th colspan=\"2\">frame {c.Frame}, {ReportEscape.Html(c.Sender)}, {ReportEscape.Html(c.Step)}{(c.Decrypted ? " (decrypted)" : "")}, CERT {c.Position}/{c.Count}</th></tr>\n");
            foreach (var (label, value) in c.Lines)
                sb.Append($"<tr><th>{ReportEscape.Html(label)}</th><td class=\"mono\">{Value(value)}</td></tr>\n");
            sb.Append("</table>\n");
        }
    }

    /// <summary>Which negotiations have a section below, and how to see another one.</summary>
    internal static string SectionsNote(CaseReport report)
    {
        int full = report.Negotiations.Count(n => n.Full);
        string shown = report.Selected ? $"{Count(full, "negotiation")} selected on the command line {(full == 1 ? "has" : "have")} a full section below"
            : report.Negotiations.All(n => n.Outcome == "established") ? $"Every negotiation completed; {(full == 1 ? "it has" : $"{full} have")} a full section below"
            : $"The {Count(full, "negotiation")} that did not complete {(full == 1 ? "has" : "have")} a full section below; the others are the lines above";
        string more = report.SectionsLeftOut == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; {report.SectionsLeftOut} more did not complete and are listed only (a report shows at most {CaseReportBuilder.MaxFullSections} in full): choose with report --sa N, --address, --spi or --time");
        return shown + more + ".";
    }

    /// <summary>The verdict box of one negotiation that did not complete: what failed and where, the root cause and
    /// its confidence, the action plan (configuration to paste per router, or the advice), how to confirm it, then
    /// the reasoning step by step.</summary>
    private static void Verdict(StringBuilder sb, NegotiationReport n, SaVerdict v)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<section class=\"verdict\" id=\"verdict-{n.Id}\">\n<h2>Verdict — <a href=\"#sa-{n.Id}\">IKE SA {n.Id}</a></h2>\n");
        sb.Append($"<p class=\"headline\">{Prose(v.Headline)}</p>\n<table class=\"facts\">\n");
        sb.Append($"<tr><th>What happened</th><td>{Prose(v.WhatHappened)}</td></tr>\n");
        sb.Append($"<tr><th>Root cause</th><td><strong>{Prose(v.Cause)}</strong>{(v.Source.Length > 0 ? $" ({ReportEscape.Html(v.Source)})" : "")}</td></tr>\n");
        if (v.Confidence.Length > 0) sb.Append($"<tr><th>Confidence</th><td>{Prose(v.Confidence)}</td></tr>\n");
        sb.Append("<tr><th>Action plan</th><td>");
        foreach (var fix in v.Configuration)
        {
            sb.Append($"<div class=\"config\">On <strong>{ReportEscape.Html(fix.Router)}</strong>:</div>");
            sb.Append("<pre class=\"config\">").Append(ReportEscape.Html(string.Join("\n", SaVerdict.PasteBlock(fix)), keepNewlines: true)).Append("</pre>");
            sb.Append($"<p class=\"checked\">✓ {ReportEscape.Html(SaVerdict.Sentence(char.ToUpperInvariant(fix.Checked[0]) + fix.Checked[1..]))}</p>");
        }
        if (v.Configuration.Count == 0) sb.Append(v.Advice is { } a ? Prose(a) : "No change is known that fixes it; see the findings below.");
        sb.Append("</td></tr>\n");
        if (v.ConfirmWith.Count > 0)
            sb.Append("<tr><th>Confirm with</th><td>").Append(string.Join(", ", v.ConfirmWith.Select(c => $"<code>{ReportEscape.Html(c)}</code>"))).Append(".</td></tr>\n");
        sb.Append("</table>\n");
        if (v.Steps.Count > 0)
        {
            sb.Append("<details><summary>Why, step by step (").Append(v.Steps.Count.ToString(CultureInfo.InvariantCulture)).Append(" decisions)</summary>\n<ol class=\"steps\">");
            foreach (string step in v.Steps) sb.Append($"<li>{Prose(step)}</li>");
            sb.Append("</ol>\n</details>\n");
        }
        sb.Append("</section>\n");
    }

    /// <summary>Prose from a finding: escaped, with <c>`code`</c> spans (the findings' Markdown) as &lt;code&gt;.</summary>
    private static string Prose(string text)
    {
        string html = ReportEscape.Html(text);
        var sb = new StringBuilder(html.Length + 16);
        int i = 0;
        while (i < html.Length)
        {
            int open = html.IndexOf('`', i);
            int close = open < 0 ? -1 : html.IndexOf('`', open + 1);
            if (close < 0)
            {
                sb.Append(html, i, html.Length - i);
                break;
            }
            sb.Append(html, i, open - i).Append("<code>").Append(html, open + 1, close - open - 1).Append("</code>");
            i = close + 1;
        }
        return sb.ToString().Replace("`", "&#96;", StringComparison.Ordinal);
    }

    /// <summary>An escaped value; a long one shows its start and keeps the whole value, escaped, in &lt;details&gt;.</summary>
    private static string Value(string value)
    {
        if (value.Length <= LongValue) return ReportEscape.Html(value);
        return ReportEscape.Html(ReportEscape.Truncate(value, 160)) +
               string.Create(CultureInfo.InvariantCulture, $" <details class=\"full\"><summary>all {value.Length} characters</summary><code>{ReportEscape.Html(value)}</code></details>");
    }

    private static string Count(int n, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");
}
