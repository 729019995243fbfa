using System.Globalization;
using System.Text.Json.Serialization;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;
using PcapIke.Findings;
using PcapIke.Exchanges;

namespace PcapIke.Reports.Parquet;

// The four tables of batch --parquet DIR (docs/batch-parquet.md). Column names are snake_case like the batch CSV's;
// every text came through the same escaping as the CSV (PcapIke.Text.SafeText). capture_date is not a column of the
// files: it is the Hive partition folder (DIR/TABLE/capture_date=YYYY-MM-DD/), the UTC date of the SA's first message.

/// <summary>One row per IKE SA: the batch CSV's columns, typed.</summary>
public sealed class SaParquetRow
{
    [JsonPropertyName("file")] public string File { get; set; } = "";
    [JsonPropertyName("sa_id")] public int SaId { get; set; }
    [JsonPropertyName("version")] public int Version { get; set; }
    [JsonPropertyName("initiator")] public string Initiator { get; set; } = "";
    [JsonPropertyName("responder")] public string Responder { get; set; } = "";
    [JsonPropertyName("spi_i")] public string SpiI { get; set; } = "";
    [JsonPropertyName("spi_r")] public string SpiR { get; set; } = "";
    [JsonPropertyName("start"), ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)] public DateTime? Start { get; set; }
    [JsonPropertyName("duration_s")] public double? DurationSeconds { get; set; }
    [JsonPropertyName("last_step")] public string? LastStep { get; set; }
    [JsonPropertyName("outcome")] public string Outcome { get; set; } = "";
    [JsonPropertyName("outcome_detail")] public string? OutcomeDetail { get; set; }
    [JsonPropertyName("outcome_confidence")] public string? OutcomeConfidence { get; set; }
    [JsonPropertyName("retransmissions")] public int Retransmissions { get; set; }
    [JsonPropertyName("nat")] public bool Nat { get; set; }
    [JsonPropertyName("messages")] public int Messages { get; set; }
    [JsonPropertyName("initiator_cert_reqs")] public int InitiatorCertReqs { get; set; }
    [JsonPropertyName("responder_cert_reqs")] public int ResponderCertReqs { get; set; }
    [JsonPropertyName("finding_codes")] public string FindingCodes { get; set; } = "";
    [JsonPropertyName("esp_packets_i2r")] public long? EspPacketsI2R { get; set; }
    [JsonPropertyName("esp_packets_r2i")] public long? EspPacketsR2I { get; set; }
    [JsonPropertyName("retry_of")] public int? RetryOf { get; set; }
    [JsonPropertyName("retried_as")] public int? RetriedAs { get; set; }
}

/// <summary>One row per IKE message of an SA, in the SA's order (the analyze ladder).</summary>
public sealed class MessageParquetRow
{
    [JsonPropertyName("file")] public string File { get; set; } = "";
    [JsonPropertyName("sa_id")] public int SaId { get; set; }
    [JsonPropertyName("index")] public int Index { get; set; }
    [JsonPropertyName("frame")] public long Frame { get; set; }
    [JsonPropertyName("time"), ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)] public DateTime? Time { get; set; }
    [JsonPropertyName("sender")] public string Sender { get; set; } = "";
    [JsonPropertyName("source")] public string Source { get; set; } = "";
    [JsonPropertyName("destination")] public string Destination { get; set; } = "";
    [JsonPropertyName("exchange_type")] public string ExchangeType { get; set; } = "";
    [JsonPropertyName("message_id")] public long MessageId { get; set; }
    [JsonPropertyName("step")] public string Step { get; set; } = "";
    [JsonPropertyName("ip_length")] public int IpLength { get; set; }
    [JsonPropertyName("encrypted")] public bool Encrypted { get; set; }
    [JsonPropertyName("retransmission")] public string? Retransmission { get; set; }
    [JsonPropertyName("ip_fragments")] public int IpFragments { get; set; }
    [JsonPropertyName("partial")] public bool Partial { get; set; }
}

/// <summary>One row per CERT_REQ entry (IKEv1 DN, IKEv2 CA hash) of either side, in payload order.</summary>
public sealed class CertReqParquetRow
{
    [JsonPropertyName("file")] public string File { get; set; } = "";
    [JsonPropertyName("sa_id")] public int SaId { get; set; }
    [JsonPropertyName("sender")] public string Sender { get; set; } = "";
    [JsonPropertyName("position")] public int Position { get; set; }
    [JsonPropertyName("frame")] public long Frame { get; set; }
    [JsonPropertyName("step")] public string Step { get; set; } = "";
    [JsonPropertyName("dn")] public string? Dn { get; set; }
    [JsonPropertyName("dn_rfc4514")] public string? DnRfc4514 { get; set; }
    [JsonPropertyName("ca_hash")] public string? CaHash { get; set; }
    [JsonPropertyName("ca_name")] public string? CaName { get; set; }
    [JsonPropertyName("display")] public string Display { get; set; } = "";
}

/// <summary>One row per finding of an SA.</summary>
public sealed class FindingParquetRow
{
    [JsonPropertyName("file")] public string File { get; set; } = "";
    [JsonPropertyName("sa_id")] public int SaId { get; set; }
    [JsonPropertyName("code")] public string Code { get; set; } = "";
    [JsonPropertyName("severity")] public string Severity { get; set; } = "";
    [JsonPropertyName("confidence")] public string Confidence { get; set; } = "";
    [JsonPropertyName("frames")] public string Frames { get; set; } = "";
    [JsonPropertyName("first_frame")] public long? FirstFrame { get; set; }
    [JsonPropertyName("message")] public string Message { get; set; } = "";
    [JsonPropertyName("fix")] public string? Fix { get; set; }
}

/// <summary>
/// <c>batch --parquet DIR</c>: the SAs, messages, CERT_REQ entries and findings of every capture as Parquet tables
/// (Parquet.Net), partitioned Hive-style by the UTC date of each SA's first message:
/// <c>DIR/sas/capture_date=2026-11-27/part-00003-000.parquet</c> (capture 3 of the batch in ordinal order, its first
/// file for that date). A capture's rows are held until it is finished (or 50,000 SAs are held), then written, so
/// memory follows one capture's rows, not the batch. Thread-safe: captures finish on any thread.
/// </summary>
public sealed class BatchParquetWriter
{
    public static readonly IReadOnlyList<string> Tables = ["sas", "messages", "cert_reqs", "findings"];
    private const int FlushSas = 50_000;

    private readonly string _dir;
    private readonly Dictionary<int, Pending> _pending = new();
    private readonly object _gate = new();
    private long _sas, _files;

    private sealed class Pending
    {
        public readonly Dictionary<string, Rows> ByDate = new(StringComparer.Ordinal);
        public int Chunk;
        public int Held;
    }

    private sealed class Rows
    {
        public readonly List<SaParquetRow> Sas = [];
        public readonly List<MessageParquetRow> Messages = [];
        public readonly List<CertReqParquetRow> CertReqs = [];
        public readonly List<FindingParquetRow> Findings = [];
    }

    /// <summary>Creates <paramref name="dir"/> and removes the <c>part-*.parquet</c> files a previous batch left in
    /// its four tables (nothing else is touched).</summary>
    public BatchParquetWriter(string dir)
    {
        _dir = dir;
        Directory.CreateDirectory(dir);
        foreach (string table in Tables)
        {
            string t = Path.Combine(dir, table);
            if (!Directory.Exists(t)) continue;
            foreach (string old in Directory.EnumerateFiles(t, "part-*.parquet", SearchOption.AllDirectories))
                File.Delete(old);
        }
    }

    /// <summary>SAs and files written so far.</summary>
    public (long Sas, long Files) Written { get { lock (_gate) return (_sas, _files); } }

    /// <summary>The partition value of an SA: the UTC date of its first message (1970-01-01 for an SA of no message).</summary>
    public static string CaptureDate(IkeSa sa) =>
        DateTime.UnixEpoch.AddTicks(sa.StartNanoseconds / 100).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Adds one finished SA of capture number <paramref name="fileIndex"/>.</summary>
    public void Add(int fileIndex, string file, AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        Pending? flush = null;
        lock (_gate)
        {
            if (!_pending.TryGetValue(fileIndex, out var p)) _pending[fileIndex] = p = new Pending();
            string date = CaptureDate(sa);
            if (!p.ByDate.TryGetValue(date, out var rows)) p.ByDate[date] = rows = new Rows();
            AddRows(rows, file, analyzed);
            _sas++;
            if (++p.Held >= FlushSas) flush = Take(p);
        }
        if (flush is not null) Write(fileIndex, flush);
    }

    /// <summary>Capture <paramref name="fileIndex"/> is finished: its rows are written.</summary>
    public void Complete(int fileIndex)
    {
        Pending? p;
        lock (_gate)
        {
            _files++;
            if (!_pending.Remove(fileIndex, out p)) return;
        }
        Write(fileIndex, p);
    }

    // Under the gate: the rows held so far, as the next chunk; the capture goes on with an empty buffer.
    private static Pending Take(Pending p)
    {
        var taken = new Pending { Chunk = p.Chunk };
        foreach (var (k, v) in p.ByDate) taken.ByDate[k] = v;
        p.ByDate.Clear();
        p.Held = 0;
        p.Chunk++;
        return taken;
    }

    private void Write(int fileIndex, Pending p)
    {
        foreach (var (date, rows) in p.ByDate)
        {
            string name = string.Create(CultureInfo.InvariantCulture, $"part-{fileIndex:D5}-{p.Chunk:D3}.parquet");
            WriteTable(Path.Combine(_dir, "sas", "capture_date=" + date), name, rows.Sas);
            WriteTable(Path.Combine(_dir, "messages", "capture_date=" + date), name, rows.Messages);
            WriteTable(Path.Combine(_dir, "cert_reqs", "capture_date=" + date), name, rows.CertReqs);
            WriteTable(Path.Combine(_dir, "findings", "capture_date=" + date), name, rows.Findings);
        }
    }

    // A table with no row for this capture and date gets no file (DuckDB, Spark and Trino read the others; an empty
    // file would need its schema written without rows).
    private static void WriteTable<T>(string dir, string name, List<T> rows)
    {
        if (rows.Count == 0) return;
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
    }

    private static string V(string s) => Text.SafeText.Visible(s);
    private static string? Vn(string? s) => s is null ? null : Text.SafeText.Visible(s);

    private static void AddRows(Rows rows, string file, AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        string f = V(file);
        rows.Sas.Add(new SaParquetRow
        {
            File = f,
            SaId = sa.Id,
            Version = sa.Version,
            Initiator = V(sa.Initiator.ToString()),
            Responder = V(sa.Responder.ToString()),
            SpiI = SaReportText.Spi(sa.SpiI),
            SpiR = SaReportText.Spi(sa.SpiR),
            Start = sa.Messages.Count > 0 && !sa.TimesUnknown ? DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(sa.StartNanoseconds / 100), DateTimeKind.Utc) : null,
            // a capture without times (a text dump) has no duration or message times to give: null, as the CSV's empty cells
            DurationSeconds = sa.TimesUnknown ? null : sa.DurationNanoseconds / 1e9,
            LastStep = Vn(sa.LastStep),
            Outcome = SaReportText.Outcome(sa.Outcome),
            OutcomeDetail = Vn(sa.OutcomeDetail),
            OutcomeConfidence = Findings.Finding.ConfidenceText(sa.OutcomeConfidence),
            Retransmissions = sa.Retransmissions,
            Nat = sa.NatDetected,
            Messages = sa.Messages.Count,
            InitiatorCertReqs = sa.InitiatorCertRequests.Count,
            ResponderCertReqs = sa.ResponderCertRequests.Count,
            FindingCodes = string.Join(" ", analyzed.Findings.Select(x => x.Id)),
            EspPacketsI2R = analyzed.DataPlane is { Flows.Count: > 0 } d1 ? d1.CountedPackets(DataPlane.TrafficDirection.InitiatorToResponder) : null,
            EspPacketsR2I = analyzed.DataPlane is { Flows.Count: > 0 } d2 ? d2.CountedPackets(DataPlane.TrafficDirection.ResponderToInitiator) : null,
            RetryOf = sa.RetryOf?.Id,
            RetriedAs = sa.RetriedAs?.Id,
        });
        for (int i = 0; i < sa.Messages.Count; i++)
        {
            SaMessage m = sa.Messages[i];
            var ike = m.Message.Ike;
            rows.Messages.Add(new MessageParquetRow
            {
                File = f,
                SaId = sa.Id,
                Index = i + 1,
                Frame = m.Frame,
                Time = m.TimeUnknown ? null : DateTime.SpecifyKind(m.Message.Timestamp, DateTimeKind.Utc),
                Sender = SaReportText.Role(m.Sender),
                Source = V(m.Message.Source.ToString()),
                Destination = V(m.Message.Destination.ToString()),
                ExchangeType = ike.ExchangeTypeName ?? ike.ExchangeTypeRaw.ToString(CultureInfo.InvariantCulture),
                MessageId = ike.MessageId,
                Step = V(m.Step),
                IpLength = m.Size,
                Encrypted = ike.IsEncrypted,
                Retransmission = SaReportText.RetransmissionKind(m.Retransmission),
                IpFragments = m.Message.IpFragmentCount,
                Partial = m.Message.IsPartial,
            });
        }
        foreach (var (sender, list) in new[] { ("initiator", sa.InitiatorCertRequests), ("responder", sa.ResponderCertRequests) })
            foreach (CertRequestEntry c in list)
                rows.CertReqs.Add(new CertReqParquetRow
                {
                    File = f,
                    SaId = sa.Id,
                    Sender = sender,
                    Position = c.Position,
                    Frame = c.Frame,
                    Step = V(c.Step),
                    Dn = Vn(c.Dn),
                    DnRfc4514 = Vn(c.DnRfc4514),
                    CaHash = c.CaHash,
                    CaName = Vn(c.CaName),
                    Display = V(c.Display),
                });
        foreach (var x in analyzed.Findings)
            rows.Findings.Add(new FindingParquetRow
            {
                File = f,
                SaId = sa.Id,
                Code = x.Id,
                Severity = SaReportText.Severity(x.Severity),
                Confidence = Findings.Finding.ConfidenceText(x.Confidence),
                Frames = string.Join(" ", x.Frames.Select(n => n.ToString(CultureInfo.InvariantCulture))),
                FirstFrame = x.Frames.Count > 0 ? x.Frames[0] : null,
                Message = V(x.Message),
                Fix = Vn(x.Fix),
            });
    }
}
