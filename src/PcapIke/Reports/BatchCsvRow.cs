using System.Globalization;
using CsvHelper;
using PcapIke.Findings;
using PcapIke.Exchanges;

namespace PcapIke.Reports;

/// <summary>
/// One row of <c>pcapike batch --csv</c> (and <c>pcapike analyze --format csv</c>): one IKE SA, or one capture that
/// could not be read (<see cref="Error"/> set, the other columns empty). The columns, in this order, are the
/// contract of docs/batch-csv.md: never rename or reorder one; add new ones at the end.
/// </summary>
[CsvRecord]
public sealed partial class BatchCsvRow
{
    [CsvColumn("file")] public string File { get; set; } = "";
    [CsvColumn("sa_id")] public int? SaId { get; set; }
    [CsvColumn("version")] public int? Version { get; set; }
    [CsvColumn("initiator")] public string? Initiator { get; set; }
    [CsvColumn("responder")] public string? Responder { get; set; }
    [CsvColumn("spi_i")] public string? SpiI { get; set; }
    [CsvColumn("spi_r")] public string? SpiR { get; set; }
    /// <summary>UTC, ISO 8601 with microseconds.</summary>
    [CsvColumn("start")] public string? Start { get; set; }
    /// <summary>Seconds from the first to the last message, six decimals.</summary>
    [CsvColumn("duration_s")] public string? DurationSeconds { get; set; }
    [CsvColumn("last_step")] public string? LastStep { get; set; }
    [CsvColumn("outcome")] public string? Outcome { get; set; }
    [CsvColumn("outcome_detail")] public string? OutcomeDetail { get; set; }
    [CsvColumn("retransmissions")] public int? Retransmissions { get; set; }
    /// <summary><c>true</c>/<c>false</c>: NAT detected (see <see cref="IkeSa.NatDetected"/>).</summary>
    [CsvColumn("nat")] public string? Nat { get; set; }
    [CsvColumn("initiator_cert_req")] public string? InitiatorCertReq { get; set; }
    [CsvColumn("responder_cert_req")] public string? ResponderCertReq { get; set; }
    /// <summary>Finding ids, space-separated, in the SA's order: <c>PI101 PI204</c>.</summary>
    [CsvColumn("finding_codes")] public string? FindingCodes { get; set; }
    [CsvColumn("error")] public string? Error { get; set; }
    /// <summary>ESP packets (AH when the SA has no ESP) tied to the SA, initiator → responder and back
    /// (src/PcapIke/DataPlane/); empty when the capture has none of the SA's.</summary>
    [CsvColumn("esp_packets_i2r")] public long? EspPacketsI2R { get; set; }
    [CsvColumn("esp_packets_r2i")] public long? EspPacketsR2I { get; set; }
    /// <summary>seen, high, medium or low: how the outcome is known.</summary>
    [CsvColumn("outcome_confidence")] public string? OutcomeConfidence { get; set; }
    /// <summary>The SA id of the earlier attempt this one repeats, and of the later one that repeats it.</summary>
    [CsvColumn("retry_of")] public int? RetryOf { get; set; }
    [CsvColumn("retried_as")] public int? RetriedAs { get; set; }

    public static BatchCsvRow FromSa(string file, AnalyzedSa analyzed)
    {
        IkeSa sa = analyzed.Sa;
        return new()
        {
            File = file,
            SaId = sa.Id,
            Version = sa.Version,
            Initiator = sa.Initiator.ToString(),
            Responder = sa.Responder.ToString(),
            SpiI = SaReportText.Spi(sa.SpiI),
            SpiR = SaReportText.Spi(sa.SpiR),
            // a capture without times (a text dump) has no start or duration to give: empty cells
            Start = sa.Messages.Count > 0 && !sa.TimesUnknown ? SaReportText.UtcTime(sa.StartNanoseconds) : null,
            DurationSeconds = sa.TimesUnknown ? "" : SaReportText.Seconds(sa.DurationNanoseconds),
            LastStep = sa.LastStep,
            Outcome = SaReportText.Outcome(sa.Outcome),
            OutcomeDetail = sa.OutcomeDetail,
            Retransmissions = sa.Retransmissions,
            Nat = sa.NatDetected ? "true" : "false",
            InitiatorCertReq = SaReportText.CertRequestList(sa.InitiatorCertRequests),
            ResponderCertReq = SaReportText.CertRequestList(sa.ResponderCertRequests),
            FindingCodes = string.Join(" ", analyzed.Findings.Select(f => f.Id)),
            EspPacketsI2R = analyzed.DataPlane is { Flows.Count: > 0 } d1 ? d1.CountedPackets(DataPlane.TrafficDirection.InitiatorToResponder) : null,
            EspPacketsR2I = analyzed.DataPlane is { Flows.Count: > 0 } d2 ? d2.CountedPackets(DataPlane.TrafficDirection.ResponderToInitiator) : null,
            OutcomeConfidence = Findings.Finding.ConfidenceText(sa.OutcomeConfidence),
            RetryOf = sa.RetryOf?.Id,
            RetriedAs = sa.RetriedAs?.Id,
        };
    }

    public static BatchCsvRow FromError(string file, string error) => new() { File = file, Error = error };

    /// <summary>The row with every text cell through <see cref="Text.SafeText.Visible"/> (a file name or an error
    /// message may hold anything; the wire's strings are escaped where they are read): no cell has a raw control,
    /// line feed or bidi character.</summary>
    public BatchCsvRow Visible()
    {
        static string? V(string? s) => s is null ? null : Text.SafeText.Visible(s);
        var row = (BatchCsvRow)MemberwiseClone();
        row.File = V(File)!;
        row.Initiator = V(Initiator);
        row.Responder = V(Responder);
        row.SpiI = V(SpiI);
        row.SpiR = V(SpiR);
        row.Start = V(Start);
        row.DurationSeconds = V(DurationSeconds);
        row.LastStep = V(LastStep);
        row.Outcome = V(Outcome);
        row.OutcomeDetail = V(OutcomeDetail);
        row.Nat = V(Nat);
        row.InitiatorCertReq = V(InitiatorCertReq);
        row.ResponderCertReq = V(ResponderCertReq);
        row.FindingCodes = V(FindingCodes);
        row.Error = V(Error);
        row.OutcomeConfidence = V(OutcomeConfidence);
        return row;
    }
}

/// <summary>
/// Writes <see cref="BatchCsvRow"/>s with CsvHelper: RFC 4180 quoting, '\n' line ends, and text cells that begin
/// with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR neutralised with a leading <c>'</c> (reports are opened in
/// spreadsheets and DNs come from the wire). The header is written first, even when there are no rows.
/// </summary>
public sealed class BatchCsvWriter : IDisposable
{
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        Injection = CsvInjection.Escape,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private readonly CsvWriter _csv;

    public BatchCsvWriter(Stream output, bool leaveOpen = false)
    {
        _csv = CsvWriter.Create(output, Options, leaveOpen);
        _csv.WriteHeader<BatchCsvRow>();
    }

    public BatchCsvWriter(TextWriter output, bool leaveOpen = false)
    {
        _csv = CsvWriter.Create(output, Options, leaveOpen);
        _csv.WriteHeader<BatchCsvRow>();
    }

    public void Write(BatchCsvRow row) => _csv.WriteRecord(row.Visible());

    public void Write(IEnumerable<BatchCsvRow> rows)
    {
        foreach (var row in rows) _csv.WriteRecord(row.Visible());
    }

    public void Flush() => _csv.Flush();

    public void Dispose() => _csv.Dispose();
}
