using System.Text.Json;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Analysis;

namespace PcapIke.Reports;

/// <summary>
/// <c>pcapike analyze --format json</c>: one document with a top-level <c>sas</c> array (every SA carries its
/// <c>file</c>) and a <c>files</c> array (one entry per input, with its error when it could not be read). The
/// contract is docs/analyze-json.md. The SA object is also the line format of <c>pcapike batch --jsonl</c>
/// (<see cref="WriteSa"/>). Strings from the wire are escaped by <see cref="Utf8JsonWriter"/>.
/// </summary>
public sealed class AnalyzeJsonWriter : IDisposable
{
    private readonly Utf8JsonWriter _w;
    private readonly List<FileEntry> _files = new();

    private sealed record FileEntry(string File, long? Frames, long? IkeMessages, int? Sas, long? Malformations, string? Error,
        DataPlane.DataPlaneAnalysis? DataPlane = null, long CutShortSas = 0, IReadOnlyList<Finding>? DataPlaneFindings = null);

    public AnalyzeJsonWriter(Stream output, bool indented = true)
    {
        _w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        _w.WriteStartObject();
        _w.WriteString("tool", "pcapike");
        _w.WriteNumber("schemaVersion", 1);
        _w.WriteStartArray("sas");
    }

    /// <summary>Writes the SAs of one capture (streamed) and remembers its file entry.</summary>
    public void WriteAnalysis(CaptureAnalysis analysis)
    {
        foreach (var sa in analysis.Sas.OrderBy(s => s.Sa.Id))
        {
            WriteSa(_w, analysis.File, sa);
            // streamed to the output every ~64 KiB: the document is never held whole
            if (_w.BytesPending >= DissectJsonWriter.FlushThreshold) _w.Flush();
        }
        _w.Flush();
        _files.Add(new FileEntry(analysis.File, analysis.Statistics.Frames, analysis.Statistics.IkeMessages, analysis.Sas.Count,
            analysis.Malformations.Count + analysis.DroppedMalformations, null, analysis.DataPlane, analysis.CutShortSas, analysis.DataPlaneFindings));
    }

    /// <summary>An input that could not be read: listed in <c>files</c> with its error, no SAs.</summary>
    public void WriteFileError(string file, string error) => _files.Add(new FileEntry(file, null, null, null, null, error));

    public void Dispose()
    {
        _w.WriteEndArray();
        _w.WriteStartArray("files");
        foreach (var f in _files)
        {
            _w.WriteStartObject();
            _w.WriteString("file", f.File);
            if (f.Error is null)
            {
                _w.WriteNumber("frames", f.Frames!.Value);
                _w.WriteNumber("ikeMessages", f.IkeMessages!.Value);
                _w.WriteNumber("sas", f.Sas!.Value);
                _w.WriteNumber("malformations", f.Malformations!.Value);
                if (f.CutShortSas > 0) _w.WriteNumber("cutShortSas", f.CutShortSas);
                if (f.DataPlane is { } dp) WriteFileDataPlane(_w, dp, f.DataPlaneFindings ?? []);
            }
            else _w.WriteString("error", f.Error);
            _w.WriteEndObject();
        }
        _w.WriteEndArray();
        _w.WriteEndObject();
        _w.Flush();
        _w.Dispose();
    }

    /// <summary>The file's <c>dataPlane</c>: what was counted and dropped, the flows of no SA and their findings.</summary>
    private static void WriteFileDataPlane(Utf8JsonWriter w, DataPlane.DataPlaneAnalysis dp, IReadOnlyList<Finding> findings)
    {
        w.WriteStartObject("dataPlane");
        w.WriteNumber("packets", dp.TotalPackets);
        w.WriteNumber("flows", dp.Flows.Count);
        w.WriteNumber("capacity", dp.Capacity);
        w.WriteNumber("droppedPackets", dp.DroppedPackets);
        if (dp.DroppedPackets > 0) w.WriteNumber("firstDroppedFrame", dp.FirstDroppedFrame);
        w.WriteStartArray("unattached");
        foreach (var f in dp.Unattached)
        {
            w.WriteStartObject();
            DataPlaneReport.WriteFlow(w, f);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("findings");
        foreach (var f in findings) WriteFinding(w, f);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>One SA object, as in the <c>sas</c> array and as one <c>--jsonl</c> line.</summary>
    public static void WriteSa(Utf8JsonWriter w, string file, AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        w.WriteStartObject();
        w.WriteNumber("id", sa.Id);
        w.WriteString("file", file);
        w.WriteNumber("version", sa.Version);
        w.WriteString("initiator", sa.Initiator.ToString());
        w.WriteString("responder", sa.Responder.ToString());
        w.WriteString("spiI", SaReportText.Spi(sa.SpiI));
        w.WriteString("spiR", SaReportText.Spi(sa.SpiR));
        if (sa.TimesUnknown)
        {
            // a text dump without times: no date or duration can be said (docs/analyze-json.md)
            w.WriteNull("start");
            w.WriteNull("durationSeconds");
            w.WriteBoolean("timesUnknown", true);
        }
        else if (sa.Messages.Count > 0)
        {
            w.WriteString("start", SaReportText.UtcTime(sa.StartNanoseconds));
            w.WriteNumber("durationSeconds", Math.Round(sa.DurationNanoseconds / 1e9, 6));
        }
        else
        {
            w.WriteNull("start");
            w.WriteNumber("durationSeconds", 0);
        }
        w.WriteStartArray("messages");
        foreach (var m in sa.Messages) WriteMessage(w, sa, m);
        w.WriteEndArray();
        w.WriteString("lastStep", sa.LastStep);
        w.WriteString("outcome", SaReportText.Outcome(sa.Outcome));
        w.WriteString("outcomeDetail", sa.OutcomeDetail);
        w.WriteString("outcomeConfidence", Finding.ConfidenceText(sa.OutcomeConfidence));
        if (sa.InitiatorId is not null) w.WriteString("initiatorId", sa.InitiatorId);
        if (sa.ResponderId is not null) w.WriteString("responderId", sa.ResponderId);
        if (sa.ResponderIdFromRequest) w.WriteBoolean("responderIdFromRequest", true);
        if (sa.InitiatorCertificate is not null) w.WriteString("initiatorCertificate", sa.InitiatorCertificate);
        if (sa.ResponderCertificate is not null) w.WriteString("responderCertificate", sa.ResponderCertificate);
        if (sa.InitiatorCertificateIssuer is not null) w.WriteString("initiatorCertificateIssuer", sa.InitiatorCertificateIssuer);
        if (sa.ResponderCertificateIssuer is not null) w.WriteString("responderCertificateIssuer", sa.ResponderCertificateIssuer);
        w.WriteNumber("retransmissions", sa.Retransmissions);
        w.WriteBoolean("natDetected", sa.NatDetected);
        w.WriteBoolean("natHashMismatch", sa.NatHashMismatch);
        w.WriteBoolean("floatedTo4500", sa.FloatedTo4500);
        w.WriteBoolean("startsMidNegotiation", sa.StartsMidNegotiation);
        w.WriteBoolean("endsMidNegotiation", sa.EndsMidNegotiation);
        if (sa.CutShort) w.WriteBoolean("cutShort", true);
        if (sa.RetryOf is { } retry) w.WriteNumber("retryOf", retry.Id);
        else w.WriteNull("retryOf");
        if (sa.RetriedAs is { } later) w.WriteNumber("retriedAs", later.Id);
        else w.WriteNull("retriedAs");
        w.WriteString("retryKind", sa.RetryKind switch { RetryKind.Restart => "restart", RetryKind.NewAttempt => "newAttempt", _ => null });
        if (sa.OnlyDirection is { } only) w.WriteString("onlyDirection", SaReportText.Role(only));
        else w.WriteNull("onlyDirection");
        w.WriteStartArray("unseen");
        foreach (var u in sa.Unseen)
        {
            w.WriteStartObject();
            w.WriteString("sender", SaReportText.Role(u.Sender));
            w.WriteString("step", u.Step);
            w.WriteNumber("provenByFrame", u.ProvenByFrame);
            w.WriteString("provenByStep", u.ProvenByStep);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("offered");
        foreach (var p in sa.Offered) WriteProposal(w, p);
        w.WriteEndArray();
        w.WritePropertyName("chosen");
        if (sa.Chosen is { } chosen) WriteProposal(w, chosen);
        else w.WriteNullValue();
        w.WriteStartArray("vendorIds");
        foreach (var v in sa.VendorIds)
        {
            w.WriteStartObject();
            w.WriteString("sender", SaReportText.Role(v.Sender));
            w.WriteString("hex", v.Hex);
            w.WriteString("name", v.Name);
            w.WriteString("fingerprint", v.Fingerprint);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("certReq");
        WriteCertRequests(w, "initiator", sa.InitiatorCertRequests);
        WriteCertRequests(w, "responder", sa.ResponderCertRequests);
        w.WriteEndObject();
        w.WriteStartArray("certificates");
        foreach (var c in sa.Certificates) WriteCertificate(w, c);
        w.WriteEndArray();
        w.WriteStartArray("notifies");
        foreach (var n in sa.Notifies)
        {
            w.WriteStartObject();
            w.WriteNumber("frame", n.Frame);
            w.WriteString("sender", SaReportText.Role(n.Sender));
            w.WriteString("step", n.Step);
            w.WriteString("type", n.TypeName);
            w.WriteNumber("typeRaw", n.TypeRaw);
            w.WriteBoolean("error", n.IsError);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("findings");
        foreach (var f in analyzed.Findings) WriteFinding(w, f);
        w.WriteEndArray();
        DataPlaneReport.WriteSa(w, analyzed);
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, IkeSa sa, SaMessage m)
    {
        var d = m.Message;
        w.WriteStartObject();
        w.WriteNumber("frame", m.Frame);
        if (m.TimeUnknown)
        {
            w.WriteNull("time");
            w.WriteNull("relativeTime");
        }
        else
        {
            w.WriteString("time", SaReportText.UtcTime(m.TimestampNanoseconds));
            w.WriteNumber("relativeTime", Math.Round((m.TimestampNanoseconds - sa.StartNanoseconds) / 1e9, 6));
        }
        w.WriteString("step", m.Step);
        w.WriteString("exchange", m.Exchange.ToString());
        if (d.Ike.HasHeader) w.WriteNumber("exchangeTypeRaw", d.Ike.ExchangeTypeRaw);
        w.WriteString("direction", m.Sender == Role.Initiator ? "i2r" : "r2i");
        w.WriteString("source", d.Source.ToString());
        w.WriteString("destination", d.Destination.ToString());
        w.WriteString("transport", d.Transport.ToString());
        w.WriteNumber("size", m.Size);
        if (d.Ike.HasHeader) w.WriteNumber("messageId", d.Ike.MessageId);
        w.WriteBoolean("encrypted", d.Ike.IsEncrypted);
        if (m.IsRetransmission)
        {
            w.WriteString("retransmission", SaReportText.RetransmissionKind(m.Retransmission));
            if (m.RetransmissionOf is { } of) w.WriteNumber("retransmissionOf", of.Frame);
            if (m.Retransmission == RetransmissionKind.ResentAfterRejectingNext && SaReportText.RejectedStep(sa, m) is { } rejected)
                w.WriteString("rejectedStep", rejected);
        }
        if (m.FragmentTotal > 0)
        {
            w.WriteNumber("fragment", m.FragmentNumber);
            w.WriteNumber("fragments", m.FragmentTotal);
        }
        if (d.IpFragmentCount > 1)
        {
            w.WriteNumber("ipFragments", d.IpFragmentCount);
            w.WriteNumber("firstFragmentFrame", d.FirstFragmentFrame);
        }
        DissectJsonWriter.WritePartial(w, d);
        w.WriteEndObject();
    }

    private static void WriteProposal(Utf8JsonWriter w, ProposalView p)
    {
        w.WriteStartObject();
        w.WriteString("encryption", p.Encryption);
        if (p.KeyLength is { } k) w.WriteNumber("keyLength", k); else w.WriteNull("keyLength");
        w.WriteString("integrity", p.Integrity);
        w.WriteString("prf", p.Prf);
        w.WriteString("dhGroup", p.DhGroup);
        w.WriteString("authMethod", p.AuthMethod);
        if (p.LifetimeSeconds is { } l) w.WriteNumber("lifetimeSeconds", l); else w.WriteNull("lifetimeSeconds");
        w.WriteString("text", p.ToString());
        w.WriteEndObject();
    }

    private static void WriteCertRequests(Utf8JsonWriter w, string name, IReadOnlyList<CertRequestEntry> entries)
    {
        w.WriteStartArray(name);
        foreach (var e in entries)
        {
            w.WriteStartObject();
            w.WriteNumber("position", e.Position);
            w.WriteNumber("frame", e.Frame);
            w.WriteString("step", e.Step);
            w.WriteNumber("encodingRaw", e.EncodingRaw);
            if (e.Dn is not null || e.DnRfc4514 is not null)
            {
                w.WriteString("dn", e.Dn);
                w.WriteString("dnRfc4514", e.DnRfc4514);
            }
            if (e.CaHash is not null)
            {
                w.WriteString("caHash", e.CaHash);
                w.WriteString("caName", e.CaName);
            }
            w.WriteString("display", e.Display);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>One certificate: where it was sent and what it says (docs/analyze-json.md, "Certificate").</summary>
    public static void WriteCertificate(Utf8JsonWriter w, SeenCertificate c)
    {
        w.WriteStartObject();
        w.WriteNumber("frame", c.Frame);
        w.WriteString("sender", SaReportText.Role(c.Sender));
        w.WriteString("step", c.Step);
        w.WriteString("exchange", c.Exchange.ToString());
        w.WriteNumber("position", c.Position);
        w.WriteNumber("count", c.Count);
        w.WriteBoolean("decrypted", c.Decrypted);
        w.WriteNumber("encodingRaw", c.EncodingRaw);
        w.WriteString("encoding", c.EncodingName);
        if (c.IssuerPosition is { } ip) w.WriteNumber("issuerPosition", ip); else w.WriteNull("issuerPosition");
        WriteCertificateFields(w, c.Info);
        w.WriteString("problem", c.Problem);
        w.WriteEndObject();
    }

    /// <summary>The fields read from the certificate, each null when not read.</summary>
    public static void WriteCertificateFields(Utf8JsonWriter w, Certificates.CertificateInfo? i)
    {
        w.WriteString("subject", i?.Subject);
        w.WriteString("subjectIos", i?.SubjectIos);
        w.WriteString("issuer", i?.Issuer);
        w.WriteString("issuerIos", i?.IssuerIos);
        w.WriteString("serial", i?.SerialHex);
        if (i?.NotBefore is { } nb) w.WriteString("notBefore", SaReportText.Date(nb)); else w.WriteNull("notBefore");
        if (i?.NotAfter is { } na) w.WriteString("notAfter", SaReportText.Date(na)); else w.WriteNull("notAfter");
        w.WriteStartArray("subjectAltNames");
        foreach (string n in i?.SubjectAltNames ?? []) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteString("keyAlgorithm", i?.KeyAlgorithm);
        if (i?.KeyBits is { } bits) w.WriteNumber("keyBits", bits); else w.WriteNull("keyBits");
        w.WriteString("keyCurve", i?.KeyCurve);
        w.WriteString("signatureAlgorithm", i?.SignatureAlgorithm);
        w.WriteString("signatureAlgorithmOid", i?.SignatureAlgorithmOid);
        w.WriteBoolean("isCa", i?.IsCa ?? false);
        w.WriteBoolean("selfSigned", i?.IsSelfIssued ?? false);
        w.WriteString("spkiSha1", i?.SpkiSha1);
        w.WriteString("sha256", i?.Sha256);
    }

    internal static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("code", f.Id);
        w.WriteString("name", f.Code.ToString());
        w.WriteNumber("codeRaw", (ushort)f.Code);
        w.WriteString("severity", SaReportText.Severity(f.Severity));
        w.WriteStartArray("frames");
        foreach (long frame in f.Frames) w.WriteNumberValue(frame);
        w.WriteEndArray();
        w.WriteString("message", f.Message);
        w.WriteString("fix", f.Fix);
        w.WriteString("confidence", Finding.ConfidenceText(f.Confidence));
        w.WriteString("seen", f.Seen);
        w.WriteString("inferred", f.Inferred);
        w.WriteStartArray("alternatives");
        foreach (string a in f.Alternatives) w.WriteStringValue(a);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
