using System.Globalization;
using System.Text.Json;
using PcapIke.Findings;
using PcapIke.DataPlane;
using PcapIke.Exchanges;
using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.Reports;

/// <summary>
/// The data plane as the reports word it: one row per SPI and direction (and keepalive pair) in order of the first packet
/// — with the child SA negotiations and DELETEs in between, the rekey timeline — for <c>analyze</c> text, JSON
/// (docs/analyze-json.md "dataPlane") and the case report.
/// </summary>
public static class DataPlaneReport
{
    public static string Protocol(IpsecProtocol p) => p switch
    {
        IpsecProtocol.Esp => "esp",
        IpsecProtocol.EspInUdp => "esp-in-udp",
        IpsecProtocol.Ah => "ah",
        _ => "keepalive",
    };

    /// <summary>The address, with the port only when there is one (ESP in UDP, keepalives).</summary>
    public static string Endpoint(NetEndpoint e) => e.Port == 0 ? e.Address.ToString() : e.ToString();

    public static string Direction(TrafficDirection d) => d == TrafficDirection.InitiatorToResponder ? "i→r" : "r→i";
    public static string DirectionJson(TrafficDirection d) => d == TrafficDirection.InitiatorToResponder ? "initiatorToResponder" : "responderToInitiator";

    public static string Evidence(SaFlow f) => f.Evidence switch
    {
        SpiEvidence.Negotiated => string.Create(CultureInfo.InvariantCulture, $"negotiated (frame {f.NegotiatedFrame})"),
        SpiEvidence.Inferred => "inferred",
        _ => "older than the negotiation",
    } + (f.DeletedFrame is { } d ? string.Create(CultureInfo.InvariantCulture, $", deleted (frame {d})") : "");

    public static string EvidenceJson(SpiEvidence e) => e switch
    {
        SpiEvidence.Negotiated => "negotiated",
        SpiEvidence.Inferred => "inferred",
        _ => "olderThanNegotiation",
    };

    /// <summary>"1–9", then the gaps, resets and late packets when there are any.</summary>
    public static string Sequence(IpsecFlow f)
    {
        if (f.IsKeepalive) return "";
        string s = string.Create(CultureInfo.InvariantCulture, $"{f.FirstSequence}–{f.LastSequence}");
        if (f.Missing > 0) s += string.Create(CultureInfo.InvariantCulture, $", {f.Missing} missing in {f.Gaps} gap{(f.Gaps == 1 ? "" : "s")} from frame {f.FirstGapFrame}");
        if (f.Resets > 0) s += string.Create(CultureInfo.InvariantCulture, $", reset to 1 {f.Resets}× from frame {f.FirstResetFrame}");
        if (f.OutOfOrder > 0) s += string.Create(CultureInfo.InvariantCulture, $", {f.OutOfOrder} out of order");
        return s;
    }

    /// <summary>The rows of an SA's timeline: (time of the row, cells). Flows: SPI, direction, protocol, packets,
    /// bytes, first and last (from the SA start), frames, sequence numbers, how it was tied.</summary>
    public static List<string[]> Rows(AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        var rows = new List<(long T, int Order, string[] Cells)>();
        if (analyzed.DataPlane is not { } dp) return [];
        long start = sa.StartNanoseconds;
        string Rel(long t) => (t >= start ? "+" : "−") + SaReportText.Seconds(Math.Abs(t - start));
        foreach (var c in dp.ChildSas)
            rows.Add((c.TimestampNanoseconds, 0, ["child SA", "", "", "", "", Rel(c.TimestampNanoseconds), "",
                c.Frame.ToString(CultureInfo.InvariantCulture), "", $"{c.Step}{(c.RekeysIkeSa ? " (IKE SA rekey)" : "")}"]));
        foreach (var e in dp.Events)
            rows.Add((e.TimestampNanoseconds, 0, [e.Kind switch
            {
                ControlEventKind.DeleteChildSa => "DELETE",
                ControlEventKind.DeleteIkeSa => "DELETE IKE SA",
                ControlEventKind.DpdUnanswered => "DPD unanswered",
                _ => "INFO unanswered",
            }, e.Sender == Role.Initiator ? "i→r" : "r→i", "", "", "", Rel(e.TimestampNanoseconds), "",
                e.Frame.ToString(CultureInfo.InvariantCulture), "", string.Join(", ", e.Spis.Select(s => $"0x{s:x8}"))]));
        foreach (var f in dp.Flows.Concat(dp.Keepalives))
            rows.Add((f.Flow.FirstNanoseconds, 1, [f.Flow.IsKeepalive ? "keepalive" : f.Flow.SpiHex, Direction(f.Direction),
                Protocol(f.Flow.Protocol), f.Flow.Packets.ToString(CultureInfo.InvariantCulture), f.Flow.Bytes.ToString(CultureInfo.InvariantCulture),
                Rel(f.Flow.FirstNanoseconds), Rel(f.Flow.LastNanoseconds),
                string.Create(CultureInfo.InvariantCulture, $"{f.Flow.FirstFrame}–{f.Flow.LastFrame}"), Sequence(f.Flow),
                f.Flow.IsKeepalive ? "" : Evidence(f)]));
        return rows.OrderBy(r => r.T).ThenBy(r => r.Order).Select(r => r.Cells).ToList();
    }

    public static readonly string[] Header = ["spi", "dir", "protocol", "packets", "bytes", "first", "last", "frames", "sequence", "tied"];

    /// <summary>"i→r 9 packets, r→i 7 packets" (ESP, else AH), for summaries.</summary>
    public static string Counts(AnalyzedSa analyzed) => analyzed.DataPlane is not { } dp ? "" : string.Create(CultureInfo.InvariantCulture,
        $"i→r {dp.CountedPackets(TrafficDirection.InitiatorToResponder)} packets, r→i {dp.CountedPackets(TrafficDirection.ResponderToInitiator)} packets");

    public static bool HasTraffic(AnalyzedSa analyzed) => analyzed.DataPlane is { } dp && (dp.Flows.Count > 0 || dp.Keepalives.Count > 0);

    // ---- JSON ----

    public static void WriteFlow(Utf8JsonWriter w, IpsecFlow f)
    {
        w.WriteString("spi", f.SpiHex);
        w.WriteString("protocol", Protocol(f.Protocol));
        w.WriteString("source", Endpoint(f.Source));
        w.WriteString("destination", Endpoint(f.Destination));
        w.WriteNumber("packets", f.Packets);
        w.WriteNumber("bytes", f.Bytes);
        w.WriteNumber("firstFrame", f.FirstFrame);
        w.WriteNumber("lastFrame", f.LastFrame);
        w.WriteString("first", SaReportText.UtcTime(f.FirstNanoseconds));
        w.WriteString("last", SaReportText.UtcTime(f.LastNanoseconds));
        if (f.IsKeepalive) return;
        w.WriteNumber("firstSequence", f.FirstSequence);
        w.WriteNumber("lastSequence", f.LastSequence);
        w.WriteNumber("maxSequence", f.MaxSequence);
        w.WriteNumber("missing", f.Missing);
        w.WriteNumber("gaps", f.Gaps);
        w.WriteNumber("outOfOrder", f.OutOfOrder);
        w.WriteNumber("resets", f.Resets);
    }

    /// <summary>The SA's <c>dataPlane</c> object.</summary>
    public static void WriteSa(Utf8JsonWriter w, AnalyzedSa analyzed)
    {
        if (analyzed.DataPlane is not { } dp) return;
        w.WriteStartObject("dataPlane");
        w.WriteNumber("packetsInitiatorToResponder", dp.CountedPackets(TrafficDirection.InitiatorToResponder));
        w.WriteNumber("packetsResponderToInitiator", dp.CountedPackets(TrafficDirection.ResponderToInitiator));
        w.WriteStartArray("childSas");
        foreach (var c in dp.ChildSas)
        {
            w.WriteStartObject();
            w.WriteNumber("frame", c.Frame);
            w.WriteString("time", SaReportText.UtcTime(c.TimestampNanoseconds));
            w.WriteString("step", c.Step);
            if (c.InboundToInitiator is { } a) w.WriteString("spiToInitiator", $"0x{a:x8}");
            if (c.InboundToResponder is { } b) w.WriteString("spiToResponder", $"0x{b:x8}");
            if (c.RekeysIkeSa) w.WriteBoolean("rekeysIkeSa", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("events");
        foreach (var e in dp.Events)
        {
            w.WriteStartObject();
            w.WriteNumber("frame", e.Frame);
            w.WriteString("time", SaReportText.UtcTime(e.TimestampNanoseconds));
            w.WriteString("sender", SaReportText.Role(e.Sender));
            w.WriteString("kind", e.Kind switch
            {
                ControlEventKind.DeleteChildSa => "deleteChildSa",
                ControlEventKind.DeleteIkeSa => "deleteIkeSa",
                ControlEventKind.DpdUnanswered => "dpdUnanswered",
                _ => "informationalUnanswered",
            });
            w.WriteStartArray("spis");
            foreach (uint s in e.Spis) w.WriteStringValue($"0x{s:x8}");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("flows");
        foreach (var f in dp.Flows.Concat(dp.Keepalives))
        {
            w.WriteStartObject();
            w.WriteString("direction", DirectionJson(f.Direction));
            WriteFlow(w, f.Flow);
            if (!f.Flow.IsKeepalive) w.WriteString("tied", EvidenceJson(f.Evidence));
            if (f.NegotiatedFrame is { } n) w.WriteNumber("negotiatedFrame", n);
            if (f.DeletedFrame is { } d) w.WriteNumber("deletedFrame", d);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
