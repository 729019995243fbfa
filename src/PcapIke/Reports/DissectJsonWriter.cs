using System.Text.Json;
using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.Reports;

/// <summary>
/// <c>pcapike dissect --format json</c>: the schema is documented in docs/dissect-json.md. Every value is written as
/// its IANA name and its raw number; strings from the wire are escaped by <see cref="Utf8JsonWriter"/>.
/// </summary>
public sealed class DissectJsonWriter : IDisposable
{
    /// <summary>The writer hands its bytes to the stream whenever this many are pending (after a message): the
    /// document is streamed, never held whole (a capture of a million messages gives gigabytes of JSON).</summary>
    public const int FlushThreshold = 64 * 1024;

    private readonly Utf8JsonWriter _w;

    public DissectJsonWriter(Stream output, bool indented = true)
    {
        _w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        _w.WriteStartObject();
        _w.WriteString("tool", "pcapike");
        _w.WriteStartArray("files");
    }

    public void BeginFile(string file)
    {
        _w.WriteStartObject();
        _w.WriteString("file", file);
        _w.WriteStartArray("messages");
    }

    public void WriteMessage(DissectedMessage m)
    {
        var d = m.Ike;
        _w.WriteStartObject();
        _w.WriteNumber("frame", m.Frame);
        _w.WriteString("time", m.Timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"));
        _w.WriteString("source", m.Source.ToString());
        _w.WriteString("destination", m.Destination.ToString());
        _w.WriteString("transport", m.Transport.ToString());
        _w.WriteNumber("ipLength", m.IpLength);
        _w.WriteNumber("ipFragments", m.IpFragmentCount);
        WritePartial(_w, m);
        if (m.IpFragmentCount > 1) _w.WriteNumber("firstFragmentFrame", m.FirstFragmentFrame);
        _w.WriteBoolean("hasHeader", d.HasHeader);
        if (d.HasHeader)
        {
            _w.WriteNumber("version", d.MajorVersion);
            _w.WriteNumber("minorVersion", d.MinorVersion);
            _w.WriteString("exchangeType", d.ExchangeTypeName);
            _w.WriteNumber("exchangeTypeRaw", d.ExchangeTypeRaw);
            _w.WriteNumber("flags", d.FlagsRaw);
            if (d.MajorVersion == 2)
            {
                _w.WriteBoolean("initiator", d.IsInitiator);
                _w.WriteBoolean("response", d.IsResponse);
            }
            _w.WriteNumber("messageId", d.MessageId);
            _w.WriteString("spiI", d.InitiatorSpiHex);
            _w.WriteString("spiR", d.ResponderSpiHex);
            _w.WriteNumber("length", d.HeaderLength);
        }
        _w.WriteBoolean("encrypted", d.IsEncrypted);
        _w.WriteStartArray("payloads");
        foreach (var p in d.Payloads) WritePayload(p);
        _w.WriteEndArray();
        if (m.Decryption is { } dec)
        {
            _w.WriteStartObject("decrypted");
            _w.WriteString("status", dec.Status.ToString());
            _w.WriteString("statusText", dec.StatusText);
            if (dec.MixUp != Decryption.KeyMixUp.None) _w.WriteString("mixUp", dec.MixUp.ToString());
            if (dec.KeySource is { Length: > 0 } source) _w.WriteString("keySource", source);
            if (dec.Fragment is { } fr)
            {
                _w.WriteNumber("fragmentNumber", fr.Number);
                _w.WriteNumber("totalFragments", fr.Total);
            }
            if (dec.Inner is { } inner)
            {
                // Offsets are plaintext offsets plus 28 (IkeMessageDissection.DissectInner).
                _w.WriteStartArray("payloads");
                foreach (var p in inner.Payloads) WritePayload(p);
                _w.WriteEndArray();
                _w.WriteBoolean("malformed", inner.IsMalformed);
                WriteFindings(inner);
            }
            _w.WriteEndObject();
        }
        _w.WriteBoolean("malformed", d.IsMalformed);
        WriteFindings(d);
        _w.WriteEndObject();
        if (_w.BytesPending >= FlushThreshold) _w.Flush();
    }

    /// <summary>The <c>partial</c> object of a message the capture holds only in part (dissect and analyze JSON alike).</summary>
    internal static void WritePartial(Utf8JsonWriter w, DissectedMessage m)
    {
        if (!m.IsPartial) return;
        w.WriteStartObject("partial");
        w.WriteString("cause", m.Gap == Frames.MessageGap.SnapLength ? "snapLength" : "ipFragmentsMissing");
        w.WriteNumber("capturedBytes", m.Ike.BufferLength);
        w.WriteNumber("messageBytes", m.DeclaredLength);
        w.WriteString("detail", m.GapDetail);
        w.WriteEndObject();
    }

    private void WriteFindings(IkeMessageDissection d)
    {
        _w.WriteStartArray("findings");
        foreach (var f in d.Findings)
        {
            _w.WriteStartObject();
            _w.WriteNumber("offset", f.Offset);
            _w.WriteString("status", f.Status.ToString());
            _w.WriteString("text", f.Text);
            _w.WriteBoolean("malformation", !f.IsCondition);
            _w.WriteEndObject();
        }
        _w.WriteEndArray();
    }

    private void WritePayload(IkePayloadSummary p)
    {
        _w.WriteStartObject();
        // IANA abbreviation without the "v2" the shared enum needs where IKEv1 and IKEv2 names collide.
        _w.WriteString("type", p.TypeName?.Replace("v2", "", StringComparison.Ordinal));
        _w.WriteNumber("typeRaw", p.TypeRaw);
        _w.WriteNumber("offset", p.Offset);
        _w.WriteNumber("length", p.Length);
        if (p.IsCritical) _w.WriteBoolean("critical", true);
        if (p.Details is { } details)
        {
            _w.WritePropertyName("details");
            // The details records are plain data: serialised by their runtime type, with contracts made at compile time.
            JsonSerializer.Serialize(_w, details, details.GetType(), PayloadDetailsJsonContext.Default);
        }
        _w.WriteEndObject();
    }

    public void EndFile(ScanStatistics? stats, IReadOnlyList<Malformation> malformations, string? error)
    {
        _w.WriteEndArray();
        if (stats != null)
        {
            _w.WriteNumber("frames", stats.Frames);
            _w.WriteNumber("ikeMessages", stats.IkeMessages);
        }
        if (error != null) _w.WriteString("error", error);
        _w.WriteStartArray("malformations");
        foreach (var m in malformations)
        {
            _w.WriteStartObject();
            _w.WriteNumber("frame", m.Frame);
            _w.WriteString("layer", m.Layer.ToString());
            _w.WriteNumber("offset", m.Offset);
            _w.WriteString("reason", m.Reason);
            _w.WriteEndObject();
        }
        _w.WriteEndArray();
        _w.WriteEndObject();
    }

    /// <summary>Closes the document, unless something failed in the middle of a file (the output itself, e.g. a full
    /// disk): then the document stays open and only the writer is let go, so the failure is what the caller sees.</summary>
    public void Dispose()
    {
        if (_w.CurrentDepth == 2)
        {
            _w.WriteEndArray();
            _w.WriteEndObject();
            _w.Flush();
        }
        _w.Dispose();
    }
}
