using System.Globalization;
using PcapIke.Findings;
using PcapIke.Exchanges;

namespace PcapIke.Reports.Parquet;

// The four tables of batch --parquet DIR (docs/batch-parquet.md). Column names are snake_case like the batch CSV's;
// every text came through the same escaping as the CSV (PcapIke.Text.SafeText). capture_date is not a column of the
// files: it is the Hive partition folder (DIR/TABLE/capture_date=YYYY-MM-DD/), the UTC date of the SA's first message.

/// <summary>One row per IKE SA: the batch CSV's columns, typed.</summary>
public sealed class SaParquetRow
{
    public string File { get; set; } = "";
    public int SaId { get; set; }
    public int Version { get; set; }
    public string Initiator { get; set; } = "";
    public string Responder { get; set; } = "";
    public string SpiI { get; set; } = "";
    public string SpiR { get; set; } = "";
    public DateTime? Start { get; set; }
    public double? DurationSeconds { get; set; }
    public string? LastStep { get; set; }
    public string Outcome { get; set; } = "";
    public string? OutcomeDetail { get; set; }
    public string? OutcomeConfidence { get; set; }
    public int Retransmissions { get; set; }
    public bool Nat { get; set; }
    public int Messages { get; set; }
    public int InitiatorCertReqs { get; set; }
    public int ResponderCertReqs { get; set; }
    public string FindingCodes { get; set; } = "";
    public long? EspPacketsI2R { get; set; }
    public long? EspPacketsR2I { get; set; }
    public int? RetryOf { get; set; }
    public int? RetriedAs { get; set; }
}

/// <summary>One row per IKE message of an SA, in the SA's order (the analyze ladder).</summary>
public sealed class MessageParquetRow
{
    public string File { get; set; } = "";
    public int SaId { get; set; }
    public int Index { get; set; }
    public long Frame { get; set; }
    public DateTime? Time { get; set; }
    public string Sender { get; set; } = "";
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
    public string ExchangeType { get; set; } = "";
    public long MessageId { get; set; }
    public string Step { get; set; } = "";
    public int IpLength { get; set; }
    public bool Encrypted { get; set; }
    public string? Retransmission { get; set; }
    public int IpFragments { get; set; }
    public bool Partial { get; set; }
}

/// <summary>One row per CERT_REQ entry (IKEv1 DN, IKEv2 CA hash) of either side, in payload order.</summary>
public sealed class CertReqParquetRow
{
    public string File { get; set; } = "";
    public int SaId { get; set; }
    public string Sender { get; set; } = "";
    public int Position { get; set; }
    public long Frame { get; set; }
    public string Step { get; set; } = "";
    public string? Dn { get; set; }
    public string? DnRfc4514 { get; set; }
    public string? CaHash { get; set; }
    public string? CaName { get; set; }
    public string Display { get; set; } = "";
}

/// <summary>One row per finding of an SA.</summary>
public sealed class FindingParquetRow
{
    public string File { get; set; } = "";
    public int SaId { get; set; }
    public string Code { get; set; } = "";
    public string Severity { get; set; } = "";
    public string Confidence { get; set; } = "";
    public string Frames { get; set; } = "";
    public long? FirstFrame { get; set; }
    public string Message { get; set; } = "";
    public string? Fix { get; set; }
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

    // The four tables' columns, in file order (docs/batch-parquet.md "Schema").
    internal static readonly ParquetTable<SaParquetRow> SasTable = new ParquetTable<SaParquetRow>()
        .Text("file", r => r.File)
        .Value("sa_id", r => r.SaId)
        .Value("version", r => r.Version)
        .Text("initiator", r => r.Initiator)
        .Text("responder", r => r.Responder)
        .Text("spi_i", r => r.SpiI)
        .Text("spi_r", r => r.SpiR)
        .Timestamp("start", r => r.Start)
        .Nullable("duration_s", r => r.DurationSeconds)
        .Text("last_step", r => r.LastStep)
        .Text("outcome", r => r.Outcome)
        .Text("outcome_detail", r => r.OutcomeDetail)
        .Text("outcome_confidence", r => r.OutcomeConfidence)
        .Value("retransmissions", r => r.Retransmissions)
        .Value("nat", r => r.Nat)
        .Value("messages", r => r.Messages)
        .Value("initiator_cert_reqs", r => r.InitiatorCertReqs)
        .Value("responder_cert_reqs", r => r.ResponderCertReqs)
        .Text("finding_codes", r => r.FindingCodes)
        .Nullable("esp_packets_i2r", r => r.EspPacketsI2R)
        .Nullable("esp_packets_r2i", r => r.EspPacketsR2I)
        .Nullable("retry_of", r => r.RetryOf)
        .Nullable("retried_as", r => r.RetriedAs);

    internal static readonly ParquetTable<MessageParquetRow> MessagesTable = new ParquetTable<MessageParquetRow>()
        .Text("file", r => r.File)
        .Value("sa_id", r => r.SaId)
        .Value("index", r => r.Index)
        .Value("frame", r => r.Frame)
        .Timestamp("time", r => r.Time)
        .Text("sender", r => r.Sender)
        .Text("source", r => r.Source)
        .Text("destination", r => r.Destination)
        .Text("exchange_type", r => r.ExchangeType)
        .Value("message_id", r => r.MessageId)
        .Text("step", r => r.Step)
        .Value("ip_length", r => r.IpLength)
        .Value("encrypted", r => r.Encrypted)
        .Text("retransmission", r => r.Retransmission)
        .Value("ip_fragments", r => r.IpFragments)
        .Value("partial", r => r.Partial);

    internal static readonly ParquetTable<CertReqParquetRow> CertReqsTable = new ParquetTable<CertReqParquetRow>()
        .Text("file", r => r.File)
        .Value("sa_id", r => r.SaId)
        .Text("sender", r => r.Sender)
        .Value("position", r => r.Position)
        .Value("frame", r => r.Frame)
        .Text("step", r => r.Step)
        .Text("dn", r => r.Dn)
        .Text("dn_rfc4514", r => r.DnRfc4514)
        .Text("ca_hash", r => r.CaHash)
        .Text("ca_name", r => r.CaName)
        .Text("display", r => r.Display);

    internal static readonly ParquetTable<FindingParquetRow> FindingsTable = new ParquetTable<FindingParquetRow>()
        .Text("file", r => r.File)
        .Value("sa_id", r => r.SaId)
        .Text("code", r => r.Code)
        .Text("severity", r => r.Severity)
        .Text("confidence", r => r.Confidence)
        .Text("frames", r => r.Frames)
        .Nullable("first_frame", r => r.FirstFrame)
        .Text("message", r => r.Message)
        .Text("fix", r => r.Fix);

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
            WriteTable(Path.Combine(_dir, "sas", "capture_date=" + date), name, SasTable, rows.Sas);
            WriteTable(Path.Combine(_dir, "messages", "capture_date=" + date), name, MessagesTable, rows.Messages);
            WriteTable(Path.Combine(_dir, "cert_reqs", "capture_date=" + date), name, CertReqsTable, rows.CertReqs);
            WriteTable(Path.Combine(_dir, "findings", "capture_date=" + date), name, FindingsTable, rows.Findings);
        }
    }

    // A table with no row for this capture and date gets no file (DuckDB, Spark and Trino read the others; an empty
    // file would need its schema written without rows).
    private static void WriteTable<T>(string dir, string name, ParquetTable<T> table, List<T> rows)
    {
        if (rows.Count == 0) return;
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        table.WriteAsync(stream, rows).GetAwaiter().GetResult();
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
