using System.Globalization;
using System.Text;
using PcapIke.Exchanges;

namespace PcapIke.Reports;

/// <summary>
/// The case report as Markdown for ticket systems: the same content as <see cref="HtmlCaseReportWriter"/>, the ladder
/// as a table (time, frame, direction arrow, size, step, marks). Every text is escaped
/// (<see cref="ReportEscape.Markdown"/>: no HTML can form, no emphasis, link or table cell can be broken); the
/// commands are a fenced block longer than any backtick run they hold.
/// </summary>
public static class MarkdownCaseReportWriter
{
    public static string Render(CaseReport report)
    {
        var sb = new StringBuilder(32 * 1024);
        sb.Append("# IKE case report\n\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"Capture {M(report.Capture)}: {report.Frames:N0} frames, {report.IkeMessages:N0} IKE messages, {report.Negotiations.Count} negotiation{(report.Negotiations.Count == 1 ? "" : "s")}.\n\n");
        if (report.Redacted)
            sb.Append("> Redacted (`--redact`): addresses, host names, DN values, identities, SPIs and file names are pseudonyms; the same original has the same pseudonym throughout this report.\n\n");

        foreach (var n in report.Negotiations)
            if (n.Full && n.Verdict is { } v) Verdict(sb, n, v);

        sb.Append("## Summary\n\n");
        if (report.Negotiations.Count == 0) sb.Append("No IKE negotiation in the capture.\n\n");
        foreach (var n in report.Negotiations)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- **IKE SA {n.Id}** {M(n.Version)} {M(n.InitiatorName)} → {M(n.ResponderName)}: **{M(n.Outcome)}**");
            if (n.StoppedAt is { } at) sb.Append($" at **{M(at)}**");
            if (n.MostImportant is { } f) sb.Append($" — **{M(f.Id)}** {M(f.FirstSentence)}");
            else sb.Append('.');
            sb.Append('\n');
        }
        if (report.Negotiations.Count > 0) sb.Append('\n').Append(M(HtmlCaseReportWriter.SectionsNote(report))).Append("\n\n");
        if (report.Malformations.Count > 0)
        {
            sb.Append("Malformations:\n\n");
            foreach (string m in report.Malformations) sb.Append($"- {M(m)}\n");
            sb.Append('\n');
        }

        foreach (var n in report.Negotiations)
            if (n.Full) Negotiation(sb, n);

        foreach (var d in report.Debug)
        {
            sb.Append($"## Debug logs — {M(d.Title)}\n\n");
            foreach (string note in d.Notes) sb.Append($"- note: {M(note)}\n");
            if (d.Notes.Count > 0) sb.Append('\n');
            foreach (var f in d.Findings)
            {
                sb.Append($"- **{M(f.Id)}** {M(f.Severity)}: {M(f.Message)}\n");
                if (f.Fix is not null) sb.Append($"  - fix: {M(f.Fix)}\n");
                foreach (string step in f.Steps) sb.Append($"  - {M(step)}\n");
            }
            sb.Append('\n');
        }

        sb.Append("## Input files (SHA-256)\n\n| role | file | SHA-256 |\n|---|---|---|\n");
        foreach (var i in report.Inputs) sb.Append($"| {M(i.Role)} | {M(i.Name)} | {M(i.Sha256)} |\n");
        sb.Append('\n');

        sb.Append("## Reproduce\n\n");
        string commands = ReportEscape.Visible(string.Join("\n", report.Commands), keepNewlines: true);
        string fence = ReportEscape.Fence(commands);
        sb.Append(fence).Append("sh\n").Append(commands).Append('\n').Append(fence).Append("\n\n");
        sb.Append("No key material is written to this report: key tables, charon logs and Wireshark profiles are named and hashed only.\n");
        return sb.ToString();
    }

    private static void Negotiation(StringBuilder sb, NegotiationReport n)
    {
        sb.Append(CultureInfo.InvariantCulture, $"## IKE SA {n.Id} — {M(n.Version)} {M(n.InitiatorHeading)} → {M(n.ResponderHeading)}\n\n");
        sb.Append($"**{M(n.Outcome)}**");
        if (n.StoppedAt is { } at) sb.Append($" at **{M(at)}**");
        string detail = SaReportText.DetailAfterStep(n.OutcomeDetail, n.StoppedAt);
        if (detail.Length > 0) sb.Append($": {M(SaVerdict.Sentence(detail))}");
        sb.Append("\n\n");

        sb.Append(CultureInfo.InvariantCulture, $"### Evidence: messages ({n.Ladder.Count})\n\n");
        if (n.Ladder.Count == 0) sb.Append("None.\n\n");
        else
        {
            sb.Append($"| time | frame | {M(Lane(n.InitiatorName, "initiator"))} {M(n.Initiator)} | | {M(Lane(n.ResponderName, "responder"))} {M(n.Responder)} | size | step | mark |\n|---:|---:|---|:-:|---|---:|---|---|\n");
            foreach (var m in n.Ladder)
            {
                bool i2r = m.Sender == Role.Initiator;
                var marks = new List<string>();
                if (m.Retransmission) marks.Add("retransmission");
                if (m.Failing) marks.Add("**failing step**");
                if (m.Fragments.Length > 0) marks.Add(M(m.Fragments));
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {M(m.Offset)} | {m.Frame} | {(i2r ? "sends" : "")} | {(i2r ? "──▶" : "◀──")} | {(i2r ? "" : "sends")} | {m.Size} | {M(m.Step)} | {string.Join(", ", marks)} |\n");
            }
            if (n.Missing is { } missing)
                sb.Append($"| | | {(missing.From == Role.Initiator ? "✕" : "")} | ✕ | {(missing.From == Role.Responder ? "✕" : "")} | | **{M(missing.Step)} {M(missing.Verdict)}** | {M(missing.Why)} |\n");
            foreach (var t in n.Traffic)
            {
                bool i2r = t.Sender == Role.Initiator;
                sb.Append($"| | | {(i2r ? "sends" : "")} | {(i2r ? "══▶" : "◀══")} | {(i2r ? "" : "sends")} | | {M(t.Label)} | {(t.Silent ? "**the other side sends nothing back**" : "data plane")} |\n");
            }
            sb.Append('\n');
        }

        sb.Append("### CERT_REQ (payload order)\n\n");
        var ini = n.InitiatorRequests;
        var res = n.ResponderRequests;
        if (ini.Entries.Count == 0 && res.Entries.Count == 0) sb.Append("None.\n\n");
        else
        {
            sb.Append($"| # | {M(ini.Title)} | # | {M(res.Title)} |\n|---:|---|---:|---|\n");
            for (int i = 0; i < Math.Max(ini.Entries.Count, res.Entries.Count); i++)
                sb.Append($"| {Cell(i < ini.Entries.Count ? ini.Entries[i] : null, "the responder")} | {Cell(i < res.Entries.Count ? res.Entries[i] : null, "the initiator")} |\n");
            sb.Append('\n');
            foreach (var note in new[] { res.PickNote, ini.PickNote })
                if (note is not null) sb.Append($"- ◀ {M(note)}\n");
            if (res.PickNote is not null || ini.PickNote is not null) sb.Append('\n');
        }

        sb.Append("### Certificates\n\n");
        if (n.Certificates.Count == 0) sb.Append("None seen (without keys the certificates of encrypted messages are not read).\n\n");
        foreach (var c in n.Certificates)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"Frame {c.Frame}, {M(c.Sender)}, {M(c.Step)}{(c.Decrypted ? " (decrypted)" : "")}, CERT {c.Position}/{c.Count}:\n\n| | |\n|---|---|\n");
            foreach (var (label, value) in c.Lines) sb.Append($"| {M(label)} | {M(value)} |\n");
            sb.Append('\n');
        }

        sb.Append("### Details\n\n| | |\n|---|---|\n");
        bool vendorsDone = false;
        foreach (var (label, value) in n.Summary)
        {
            if (label == "Vendor ID")
            {
                if (!vendorsDone) sb.Append($"| Vendor IDs | {string.Join("; ", n.VendorIdsByPeer.Select(M))} |\n");
                vendorsDone = true;
                continue;
            }
            sb.Append($"| {M(label)} | {M(value)} |\n");
        }
        sb.Append('\n');
        if (vendorsDone)
        {
            sb.Append("Every vendor ID with its bytes:\n\n");
            foreach (var (_, value) in n.Summary.Where(x => x.Label == "Vendor ID")) sb.Append($"- {M(value)}\n");
            sb.Append('\n');
        }

        sb.Append("### Findings\n\n");
        if (n.Findings.Count == 0) sb.Append("None.\n\n");
        foreach (var f in n.Findings)
        {
            sb.Append($"- **{M(f.Id)}** {M(f.Severity)}");
            if (f.Frames.Count > 0)
                sb.Append($" — {(f.Frames.Count == 1 ? "frame" : "frames")} {string.Join(", ", f.Frames.Select(x => x.ToString(CultureInfo.InvariantCulture)))}");
            sb.Append('\n');
            string message = f.MessageBeforeSteps;
            foreach (string line in message.Split('\n')) sb.Append($"  {P(line.TrimEnd('\r'))}\n");
            for (int i = 0; i < f.Steps.Count; i++)
                sb.Append(CultureInfo.InvariantCulture, $"  {i + 1}. {P(f.Steps[i])}\n");
            if (f.Fix is { } fix)
            {
                string[] lines = fix.Split('\n');
                for (int i = 0; i < lines.Length; i++) sb.Append($"  {(i == 0 ? "*fix:* " : "")}{P(lines[i].TrimEnd('\r'))}\n");
            }
        }
        sb.Append('\n');
    }

    /// <summary>The verdict of a negotiation that did not complete, first in the report: what failed, the root cause,
    /// the action plan (configuration per router in a fenced block), how to confirm it, the reasoning.</summary>
    private static void Verdict(StringBuilder sb, NegotiationReport n, SaVerdict v)
    {
        sb.Append(CultureInfo.InvariantCulture, $"## Verdict — IKE SA {n.Id}\n\n**{M(v.Headline)}**\n\n");
        sb.Append($"- **What happened:** {P(v.WhatHappened)}\n");
        sb.Append($"- **Root cause:** {P(v.Cause)}{(v.Source.Length > 0 ? $" ({M(v.Source)})" : "")}\n");
        if (v.Confidence.Length > 0) sb.Append($"- **Confidence:** {P(v.Confidence)}\n");
        if (v.Configuration.Count == 0)
            sb.Append($"- **Action plan:** {(v.Advice is { } a ? P(a) : "No change is known that fixes it; see the findings below.")}\n");
        if (v.ConfirmWith.Count > 0)
            sb.Append($"- **Confirm with:** {string.Join(", ", v.ConfirmWith.Select(c => "`" + ReportEscape.Visible(c, keepNewlines: false).Replace("`", "'", StringComparison.Ordinal) + "`"))}.\n");
        sb.Append('\n');
        foreach (var fix in v.Configuration)
        {
            string block = ReportEscape.Visible(string.Join("\n", SaVerdict.PasteBlock(fix)), keepNewlines: true);
            string fence = ReportEscape.Fence(block);
            sb.Append($"**Action plan — on {M(fix.Router)}** ({M(fix.Checked)}):\n\n");
            sb.Append(fence).Append('\n').Append(block).Append('\n').Append(fence).Append("\n\n");
        }
        for (int i = 0; i < v.Steps.Count; i++)
        {
            if (i == 0) sb.Append("Why, step by step:\n\n");
            sb.Append(CultureInfo.InvariantCulture, $"{i + 1}. {P(v.Steps[i])}\n");
        }
        if (v.Steps.Count > 0) sb.Append('\n');
    }

    private static string Lane(string name, string role) => name == role ? role : $"{name} ({role})";

    private static string Cell(CertRequestRow? row, string picker) =>
        row is null ? " | " : string.Create(CultureInfo.InvariantCulture,
            $"{row.Position} | {(row.Picked ? $"**{M(row.Display)}** ◀ first match of {picker}" : M(row.Display))}");

    private static string M(string text) => ReportEscape.Markdown(text);

    /// <summary>Our prose: code spans kept (<see cref="ReportEscape.MarkdownProse"/>).</summary>
    private static string P(string text) => ReportEscape.MarkdownProse(text);

}
