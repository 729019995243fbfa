using System.Text;
using System.Text.Json;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Reports;

/// <summary>The columns of docs/batch-csv.md; the file read back by an independent parser (Python's csv module).</summary>
public class BatchCsvWriterTests
{
    public const string Header =
        "file,sa_id,version,initiator,responder,spi_i,spi_r,start,duration_s,last_step,outcome,outcome_detail," +
        "retransmissions,nat,initiator_cert_req,responder_cert_req,finding_codes,error,esp_packets_i2r,esp_packets_r2i," +
        "outcome_confidence,retry_of,retried_as";

    private static string Write(params BatchCsvRow[] rows)
    {
        var o = new StringWriter();
        using (var w = new BatchCsvWriter(o, leaveOpen: true)) w.Write(rows);
        return o.ToString();
    }

    /// <summary>Reads a CSV file with Python's csv module and returns its records.</summary>
    internal static List<List<string>> ReadWithPython(string path)
    {
        const string script = "import csv, json, sys\n" +
            "csv.field_size_limit(sys.maxsize)\n" +
            "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n" +
            "    json.dump(list(csv.reader(f, strict=True)), sys.stdout)\n";
        string json = Tool.Run("python3", "python3", "-c", script, path);
        return JsonSerializer.Deserialize<List<List<string>>>(json)!;
    }

    [Fact]
    public void Header_IsTheDocumentedColumns_InOrder_EvenWithoutRows()
    {
        Assert.Equal(Header + "\n", Write());
    }

    [Fact]
    public void SaRow_HasTheDocumentedValues()
    {
        string csv = Write(BatchCsvRow.FromSa("caps/a.pcap", SaBuilder.TechnoteMainModeStall()));
        var lines = csv.Split('\n');
        Assert.Equal(
            "caps/a.pcap,1,1,10.0.0.1:500,172.16.0.2:500,0011223344556677,8899aabbccddeeff,2026-03-04T05:06:07.123456Z,20.060000," +
            "MM5,stalled,\"at MM5: responder re-sent MM4 2 times over 20.0 s, initiator waited\",3,true," +
            "\"cn=CA1,o=cisco,o=com\",\"cn=CA2,o=cisco,o=com | cn=CA1,o=cisco,o=com | ou=Cisco Manufacturing CA,o=Cisco Systems\"," +
            "PI101 PI204,,,,seen,,", lines[1]);
        Assert.Equal("", lines[2]);
    }

    [Fact]
    public void EspColumns_ArePacketsEachWay_FromTheDataPlane()
    {
        // ipsec.cap: 9 ESP packets initiator → responder, 7 back (tshark -Y esp agrees, SharedCaptureDataPlaneTests).
        var analysis = CaptureAnalyzer.Analyze(Path.Combine(TestPaths.SharedCaptures, "ipsec.cap"));
        var row = BatchCsvRow.FromSa("ipsec.cap", Assert.Single(analysis.Sas));
        Assert.Equal((9L, 7L), (row.EspPacketsI2R, row.EspPacketsR2I));
        Assert.EndsWith(",PI301 PI402 PI108 PI302,,9,7,seen,,", Write(row).Split('\n')[1]);
        // One way only: 0 back, and PI701 among the codes.
        var oneWay = EspCaptureEditor.Analyze(EspCaptureEditor.Edit(Path.Combine(TestPaths.SharedCaptures, "ipsec.cap"), true,
            new EspRun("192.168.140.205", "192.168.140.200", 0x1111, 0.5, 21)));
        row = BatchCsvRow.FromSa("x.pcap", oneWay.Sas[0]);
        Assert.Equal((21L, 0L), (row.EspPacketsI2R, row.EspPacketsR2I));
        Assert.Contains("PI701", row.FindingCodes);
    }

    [Fact]
    public void Ikev2CertReq_IsTheCaNameElseTheHash()
    {
        var row = BatchCsvRow.FromSa("b.pcap", SaBuilder.Ikev2Established());
        Assert.Equal("", row.InitiatorCertReq);
        Assert.Equal("CN=Lab CA1 | 2222222222222222222222222222222222222222", row.ResponderCertReq);
        Assert.Equal("", row.FindingCodes);
        Assert.Equal("established", row.Outcome);
        Assert.Equal("0.050000", row.DurationSeconds);
    }

    [Fact]
    public void ErrorRow_HasFileAndError_OtherColumnsEmpty()
    {
        var lines = Write(BatchCsvRow.FromError("bad.pcap", "not a pcap or pcapng capture")).Split('\n');
        Assert.Equal("bad.pcap,,,,,,,,,,,,,,,,,not a pcap or pcapng capture,,,,,", lines[1]);
    }

    public static TheoryData<string> HostileDns => new()
    {
        "cn=\"quoted\",o=x",
        "cn=a,o=comma, inside",
        "cn=line\nbreak,o=x\r\nand crlf",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=tab first",
        "'already quoted",
        "cn=trailing space ",
        " cn=leading space",
        "cn=ünïcödé ✓,o=日本",
        new string('x', 100_000) + ",\"\n",
    };

    [Theory]
    [MemberData(nameof(HostileDns))]
    public void HostileDn_RoundTripsThroughPython_ExceptTheNeutralisationPrefix(string dn)
    {
        var sa = SaBuilder.TechnoteMainModeStall();
        sa.Sa.InitiatorCertRequests[0] = SaBuilder.Dn(1, 3, "MM3", dn);
        sa.Sa.OutcomeDetail = dn;
        var rows = new[] { BatchCsvRow.FromSa(dn, sa), BatchCsvRow.FromError(dn, dn) };

        string path = Path.Combine(TestPaths.NewTempDir(), "out.csv");
        using (var f = File.Create(path))
        using (var w = new BatchCsvWriter(f)) w.Write(rows);

        var records = ReadWithPython(path);
        Assert.Equal(3, records.Count);
        Assert.Equal(Header.Split(','), records[0]);
        // Hidden characters are shown (PcapIke.Text.SafeText: a line feed as \x0a, a tab as \x09), then a cell a
        // spreadsheet would run as a formula gets one leading apostrophe; nothing else changes.
        string shown = PcapIke.Text.SafeText.Visible(dn);
        string expected = "=+-@\t\r".Contains(shown[0]) ? "'" + shown : shown;
        int file = 0, detail = 11, initiatorCertReq = 14, error = 17;
        Assert.Equal(expected, records[1][file]);
        Assert.Equal(expected, records[1][detail]);
        Assert.Equal(expected, records[1][initiatorCertReq]);
        Assert.Equal("", records[1][error]);
        Assert.Equal(expected, records[2][file]);
        Assert.Equal(expected, records[2][error]);
        Assert.All(records[2].Skip(1).Take(16), c => Assert.Equal("", c));
        Assert.All(records, r => Assert.Equal(Header.Split(',').Length, r.Count));
    }

    [Fact]
    public void FormulaCells_AreNeutralised_NumbersAreNot()
    {
        var sa = SaBuilder.TechnoteMainModeStall();
        sa.Sa.InitiatorCertRequests[0] = SaBuilder.Dn(1, 3, "MM3", "=1+1");
        string csv = Write(BatchCsvRow.FromSa("a.pcap", sa));
        Assert.Contains(",\"'=1+1\",", csv);
        Assert.Contains(",20.060000,", csv);
    }

    [Fact]
    public void Stream_IsUtf8WithoutByteOrderMark()
    {
        var buffer = new MemoryStream();
        using (var w = new BatchCsvWriter(buffer, leaveOpen: true)) w.Write(BatchCsvRow.FromError("é.pcap", "x"));
        byte[] bytes = buffer.ToArray();
        Assert.Equal((byte)'f', bytes[0]);
        Assert.Contains("é.pcap", Encoding.UTF8.GetString(bytes));
    }
}
