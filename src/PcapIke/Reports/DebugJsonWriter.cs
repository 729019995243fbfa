using System.Text.Json;
using PcapIke.Analysis;
using PcapIke.Model.Ios;

namespace PcapIke.Reports;

/// <summary><c>analyze DEBUG.txt --format json</c> (no capture): each log's reading and each negotiation with its
/// findings, the finding objects as <c>analyze</c>'s JSON writes them (docs/debug-logs.md).</summary>
public static class DebugJsonWriter
{
    public static void Write(TextWriter output, DebugLogAnalysis debug)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("debug_logs");
            foreach (IosDebugLog log in debug.Logs)
            {
                w.WriteStartObject();
                w.WriteString("source", log.Source);
                w.WriteStartArray("routers");
                foreach (string r in log.Routers) w.WriteStringValue(r);
                w.WriteEndArray();
                w.WriteNumber("lines", log.Lines);
                w.WriteNumber("debug_lines", log.Records);
                w.WriteNumber("events", log.Events.Count);
                w.WriteNumber("unknown_lines", log.UnknownLines);
                w.WriteStartArray("notes");
                foreach (IosNote n in log.Notes) w.WriteStringValue(n.ToString());
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("negotiations");
            foreach (DebugNegotiationResult n in debug.Negotiations)
            {
                w.WriteStartObject();
                w.WriteNumber("version", n.View.Version);
                w.WriteString("initiator", n.View.InitiatorName);
                w.WriteString("responder", n.View.ResponderName);
                var o = n.View.Outcome();
                w.WriteString("outcome", o.Outcome.ToString().ToLowerInvariant());
                w.WriteString("outcome_detail", o.Text);
                w.WriteStartArray("findings");
                foreach (var f in n.Findings) AnalyzeJsonWriter.WriteFinding(w, f);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }
}
