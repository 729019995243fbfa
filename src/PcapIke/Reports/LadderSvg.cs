using System.Globalization;
using System.Text;
using PcapIke.Exchanges;

namespace PcapIke.Reports;

/// <summary>
/// The ladder diagram of one negotiation as inline SVG (no script, no external reference, no <c>id</c>/<c>url(#…)</c>
/// so several ladders can share a page): the initiator's and responder's lanes, one <c>&lt;g class="msg"&gt;</c> arrow
/// per IKE message labelled with its step, IP size and time from the start (retransmissions dashed and marked ↻,
/// <c>class="msg retrans"</c>; the failing step red, <c>class="msg failing"</c>), and the reply that never came as a
/// dashed grey arrow ending in ✕ (<c>class="missing"</c>). Step labels longer than the lane gap are cut with "…";
/// each arrow's <c>&lt;title&gt;</c> holds the full text.
/// </summary>
public static class LadderSvg
{
    private const int Width = 860, LeftLane = 170, RightLane = 710, Top = 64, Row = 40, MaxStep = 58;

    public static void Write(StringBuilder sb, NegotiationReport n)
    {
        int rows = n.Ladder.Count + (n.Missing is null ? 0 : 1) + n.Traffic.Count;
        int height = Top + Math.Max(rows, 1) * Row + 16;
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"ladder\" data-sa=\"{n.Id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-label=\"{ReportEscape.Html($"Message ladder of IKE SA {n.Id}: {n.Ladder.Count} messages")}\">\n");
        Lane(sb, LeftLane, LaneTitle(n.InitiatorName, "initiator"), n.Initiator, height);
        Lane(sb, RightLane, LaneTitle(n.ResponderName, "responder"), n.Responder, height);
        for (int i = 0; i < n.Ladder.Count; i++)
        {
            var m = n.Ladder[i];
            int y = Top + i * Row + Row / 2 + 6;
            string cls = "msg" + (m.Retransmission ? " retrans" : "") + (m.Failing ? " failing" : "");
            string full = $"frame {m.Frame.ToString(CultureInfo.InvariantCulture)}: {m.Step} · {m.Size.ToString(CultureInfo.InvariantCulture)} B · {m.Offset} s" +
                          (m.Fragments.Length > 0 ? $" · {m.Fragments}" : "");
            string label = $"{ReportEscape.Truncate(m.Step, MaxStep)} · {m.Size.ToString(CultureInfo.InvariantCulture)} B · {m.Offset} s";
            bool i2r = m.Sender == Role.Initiator;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"{cls}\" data-frame=\"{m.Frame}\"><title>{ReportEscape.Html(full)}</title>");
            Arrow(sb, i2r ? LeftLane : RightLane, i2r ? RightLane : LeftLane, y, dashed: m.Retransmission);
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"frame\" x=\"8\" y=\"{y + 4}\">frame {m.Frame}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{(LeftLane + RightLane) / 2}\" y=\"{y - 7}\" text-anchor=\"middle\">{ReportEscape.Html(label)}</text>");
            if (m.Failing)
                sb.Append(CultureInfo.InvariantCulture, $"<text class=\"mark\" x=\"{RightLane + 14}\" y=\"{y + 4}\">failing step</text>");
            sb.Append("</g>\n");
        }
        if (n.Missing is { } missing)
        {
            int y = Top + n.Ladder.Count * Row + Row / 2 + 6;
            bool fromLeft = missing.From == Role.Initiator;
            int x1 = fromLeft ? LeftLane : RightLane, x2 = fromLeft ? RightLane : LeftLane;
            int mid = (x1 + x2) / 2;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"missing\"><title>{ReportEscape.Html($"missing: {missing.Step} ({missing.Why})")}</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1}\" y1=\"{y}\" x2=\"{mid}\" y2=\"{y}\" stroke-dasharray=\"3 5\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"cross\" x=\"{mid}\" y=\"{y + 6}\" text-anchor=\"middle\">✕</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{mid}\" y=\"{y - 9}\" text-anchor=\"middle\">{ReportEscape.Html($"{missing.Step} {missing.Verdict}: {missing.Why}")}</text>");
            sb.Append("</g>\n");
        }
        // The data plane after the last IKE message: one arrow per direction on the same lanes (class "esp"; the silent
        // direction of PI701 dashed, class "esp silent").
        int first = n.Ladder.Count + (n.Missing is null ? 0 : 1);
        for (int i = 0; i < n.Traffic.Count; i++)
        {
            var t = n.Traffic[i];
            int y = Top + (first + i) * Row + Row / 2 + 6;
            bool i2r = t.Sender == Role.Initiator;
            string cls = t.Silent ? "esp silent" : "esp";
            string title = (i2r ? "initiator → responder: " : "responder → initiator: ") + t.Label;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"{cls}\"><title>{ReportEscape.Html(title)}</title>");
            Arrow(sb, i2r ? LeftLane : RightLane, i2r ? RightLane : LeftLane, y, dashed: t.Packets == 0);
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{(LeftLane + RightLane) / 2}\" y=\"{y - 7}\" text-anchor=\"middle\">{ReportEscape.Html(ReportEscape.Truncate(t.Label, 80))}</text>");
            sb.Append("</g>\n");
        }
        sb.Append("</svg>\n");
    }

    /// <summary>"R2 (initiator)", or the role alone when the side has no name but its address.</summary>
    private static string LaneTitle(string name, string role) =>
        name == role || name.Length == 0 ? role : $"{ReportEscape.Truncate(name, 40)} ({role})";

    private static void Lane(StringBuilder sb, int x, string role, string endpoint, int height)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"lane\"><text class=\"role\" x=\"{x}\" y=\"20\" text-anchor=\"middle\">{ReportEscape.Html(role)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"endpoint\" x=\"{x}\" y=\"38\" text-anchor=\"middle\">{ReportEscape.Html(ReportEscape.Truncate(endpoint, 40))}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{Top - 16}\" x2=\"{x}\" y2=\"{height - 8}\"/></g>\n");
    }

    private static void Arrow(StringBuilder sb, int from, int to, int y, bool dashed)
    {
        int dir = to > from ? 1 : -1;
        int tip = to - dir * 2, back = tip - dir * 11;
        sb.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{from}\" y1=\"{y}\" x2=\"{back}\" y2=\"{y}\"{(dashed ? " stroke-dasharray=\"7 5\"" : "")}/>");
        sb.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{tip},{y} {back},{y - 5} {back},{y + 5}\"/>");
    }
}
