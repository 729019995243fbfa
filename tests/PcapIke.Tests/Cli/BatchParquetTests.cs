using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary>
/// <c>batch --parquet DIR</c> (issue 14, docs/batch-parquet.md): the tables read back with DuckDB (DuckDB.NET, an
/// independent reader) hold as many SAs as the CSV has SA rows, per capture and per capture date, as many messages,
/// CERT_REQ entries and findings as the SAs say, and the values of a known negotiation (S2: the responder listed CA2
/// first, the negotiation stalled at MM5).
/// </summary>
public sealed class BatchParquetTests
{
    private static string Table(string dir, string table) =>
        $"read_parquet('{Path.Combine(dir, table).Replace("'", "''")}/*/*.parquet', hive_partitioning = true)";

    private static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return rows;
    }

    private static long Count(string sql) => Query(sql).Single()[0] switch
    {
        System.Numerics.BigInteger b => (long)b,   // sum() of integers is a HUGEINT
        var v => Convert.ToInt64(v, CultureInfo.InvariantCulture),
    };

    /// <summary>RFC 4180 rows (quoted cells may hold commas; the batch CSV has no raw line feed in a cell).</summary>
    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllText(path).TrimEnd('\n').Split('\n');
        string[] header = Cells(lines[0]);
        return lines.Skip(1).Select(l => header.Zip(Cells(l)).ToDictionary(p => p.First, p => p.Second)).ToList();

        static string[] Cells(string line)
        {
            var cells = new List<string>();
            var cell = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else cell.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
                else cell.Append(c);
            }
            cells.Add(cell.ToString());
            return cells.ToArray();
        }
    }

    /// <summary>A text dump without times (docs/text-dumps.md) gives no duration and no message times (null), where
    /// the same negotiation as a pcap gives both: the tables state no more than the CSV and analyze do.</summary>
    [Fact]
    public void UntimedDump_HasNullDurationAndTimes_ThePcapHasBoth()
    {
        string dir = TestPaths.NewTempDir();
        string dump = Evidence.UntimedDumpTests.Dump("S2-ikev1-r2-initiates", DumpLayout.IosXe);
        string pcap = CliRun.RepoCapture("S2-ikev1-r2-initiates");
        foreach (var (input, timed) in new[] { (dump, false), (pcap, true) })
        {
            string parquet = Path.Combine(dir, timed ? "timed" : "untimed");
            var run = CliRun.Run("batch", input, "--csv", parquet + ".csv", "--parquet", parquet);
            Assert.True(run.Exit == 0, run.Err);
            var sa = Assert.Single(Query($"SELECT duration_s, start, CAST(capture_date AS VARCHAR) FROM {Table(parquet, "sas")}"));
            long timedMessages = Count($"SELECT count(time) FROM {Table(parquet, "messages")}");
            long allMessages = Count($"SELECT count(*) FROM {Table(parquet, "messages")}");
            Assert.Equal(12, allMessages);
            if (timed)
            {
                Assert.True((double)sa[0]! > 30, $"duration {sa[0]}");
                Assert.NotNull(sa[1]);
                Assert.Equal("2013-06-17", sa[2]);
                Assert.Equal(12, timedMessages);
            }
            else
            {
                Assert.Equal([null, null, "1970-01-01"], sa);
                Assert.Equal(0, timedMessages);
            }
        }
    }

    [Fact]
    public void ParquetTables_ReadBackWithDuckDb_MatchTheCsv()
    {
        string dir = TestPaths.NewTempDir();
        string csv = Path.Combine(dir, "sas.csv"), parquet = Path.Combine(dir, "archive");
        string junk = CliRun.Junk(dir);
        var run = CliRun.Run("batch", Path.Combine(TestPaths.RepoRoot, "captures"), TestPaths.SharedCaptures, junk,
            "--csv", csv, "--parquet", parquet, "--jobs", "2");
        Assert.Equal(3, run.Exit);   // the junk file: an error row in the CSV, no row in the tables
        var rows = ReadCsv(csv);
        var saRows = rows.Where(r => r["error"] == "").ToList();
        Assert.True(saRows.Count > 100, $"{saRows.Count} SA rows");
        Assert.Single(rows, r => r["error"] != "");

        string sas = Table(parquet, "sas"), messages = Table(parquet, "messages"), certReqs = Table(parquet, "cert_reqs"), findings = Table(parquet, "findings");
        Assert.Equal(saRows.Count, Count($"SELECT count(*) FROM {sas}"));
        // Per capture, and per capture date (the partition): the UTC date of the CSV's start column.
        foreach (var g in saRows.GroupBy(r => r["file"]))
            Assert.Equal(g.Count(), Count($"SELECT count(*) FROM {sas} WHERE file = '{g.Key.Replace("'", "''")}'"));
        foreach (var g in saRows.GroupBy(r => r["start"].Length >= 10 ? r["start"][..10] : "1970-01-01"))
            Assert.Equal(g.Count(), Count($"SELECT count(*) FROM {sas} WHERE capture_date = DATE '{g.Key}'"));
        Assert.True(saRows.Select(r => r["start"][..10]).Distinct().Count() > 3);
        // Findings: as many as the CSV's finding codes; the same codes.
        var csvCodes = saRows.SelectMany(r => r["finding_codes"].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(csvCodes.Count, Count($"SELECT count(*) FROM {findings}"));
        Assert.Equal(csvCodes.Count(c => c == "PI202"), Count($"SELECT count(*) FROM {findings} WHERE code = 'PI202'"));
        // Messages and CERT_REQ entries: as many as each SA row counts.
        Assert.Equal(Count($"SELECT sum(messages) FROM {sas}"), Count($"SELECT count(*) FROM {messages}"));
        Assert.Equal(Count($"SELECT sum(initiator_cert_reqs + responder_cert_reqs) FROM {sas}"), Count($"SELECT count(*) FROM {certReqs}"));
        Assert.Equal(saRows.Sum(r => int.Parse(r["retransmissions"], CultureInfo.InvariantCulture)),
            Count($"SELECT count(*) FROM {messages} WHERE retransmission IS NOT NULL"));
        // Every value of every table decodes (a count(*) is answered from the files' footers and passes over a data
        // page no reader can decode), and the SAs' values are the CSV's, row for row.
        foreach (string t in new[] { sas, messages, certReqs, findings })
            Assert.True(Query($"SELECT * FROM {t}").Count > 0, t);
        static string Line(IEnumerable<object?> cells) => string.Join('|', cells.Select(c => Convert.ToString(c, CultureInfo.InvariantCulture)));
        var parquetSas = Query($"SELECT file, sa_id, version, initiator, responder, spi_i, spi_r, last_step, outcome, retransmissions, finding_codes FROM {sas}")
            .Select(Line).Order(StringComparer.Ordinal).ToList();
        var csvSas = saRows.Select(r => Line(new[] { "file", "sa_id", "version", "initiator", "responder", "spi_i", "spi_r", "last_step", "outcome", "retransmissions", "finding_codes" }
            .Select(c => r[c]))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(csvSas, parquetSas);
        // No orphan: every message, CERT_REQ entry and finding belongs to an SA of the same partition.
        foreach (string t in new[] { messages, certReqs, findings })
            Assert.Equal(0, Count($"SELECT count(*) FROM {t} x ANTI JOIN {sas} s USING (file, sa_id, capture_date)"));

        // The technote's S2: R2's MM4 listed CA2 first; the negotiation stalled at MM5.
        var s2 = Query($"""
            SELECT s.outcome, s.last_step, c.dn, CAST(s.capture_date AS VARCHAR), s.version
            FROM {sas} s JOIN {certReqs} c USING (file, sa_id)
            WHERE s.file LIKE '%S2-ikev1-r2-initiates/capture.pcap' AND c.sender = 'responder' AND c.position = 1
            """);
        var row = Assert.Single(s2);
        Assert.Equal(["stalled", "MM5", "cn=CA2,o=cisco,o=com", "2013-06-17", 1], row);
        var s2Csv = Assert.Single(saRows, r => r["file"].EndsWith("S2-ikev1-r2-initiates/capture.pcap", StringComparison.Ordinal));
        Assert.StartsWith("cn=CA2,o=cisco,o=com | ", s2Csv["responder_cert_req"]);
        Assert.Equal(s2Csv["start"][..10], (string)row[3]!);
    }

    [Fact]
    public void SecondRun_IntoTheSameDir_ReplacesItsParts()
    {
        string dir = TestPaths.NewTempDir();
        string parquet = Path.Combine(dir, "p");
        string s2 = CliRun.RepoCapture("S2-ikev1-r2-initiates"), s1 = CliRun.RepoCapture("S1-ikev1-r1-initiates");
        Assert.Equal(0, CliRun.Run("batch", s1, s2, "--csv", Path.Combine(dir, "a.csv"), "--parquet", parquet).Exit);
        Assert.Equal(2, Count($"SELECT count(*) FROM {Table(parquet, "sas")}"));
        Assert.Equal(0, CliRun.Run("batch", s2, "--csv", Path.Combine(dir, "b.csv"), "--parquet", parquet).Exit);
        Assert.Equal(1, Count($"SELECT count(*) FROM {Table(parquet, "sas")}"));
        File.WriteAllText(Path.Combine(dir, "file"), "x");
        var bad = CliRun.Run("batch", s2, "--csv", Path.Combine(dir, "c.csv"), "--parquet", Path.Combine(dir, "file"));
        Assert.Equal(3, bad.Exit);
        Assert.StartsWith("pcapike: --parquet: cannot write ", bad.Err);
    }
}
