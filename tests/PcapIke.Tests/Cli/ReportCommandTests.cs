using System.Net;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1.X509;
using PcapIke.Exchanges;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Cli;

/// <summary>
/// <c>pcapike report</c> and <c>batch --reports</c> end to end: formats and exit codes, the reproduce commands (run
/// again, they give the same report byte for byte), input hashes, <c>--redact</c> (no address, host name or DN value
/// of the input left, taken from the capture's own analysis and the configurations) and key material (never written).
/// </summary>
public sealed class ReportCommandTests
{
    private static string Scenario(string name) => Path.Combine(TestPaths.RepoRoot, "captures", name);

    [Fact]
    public void Report_FormatFromOptionOrExtension_AndExitCodes()
    {
        string dir = TestPaths.NewTempDir();
        string capture = CliRun.RepoCapture("S2-ikev1-r2-initiates");
        Assert.Equal(0, CliRun.Run("report", capture, "-o", Path.Combine(dir, "a.html")).Exit);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Path.Combine(dir, "a.html")));
        Assert.Equal(0, CliRun.Run("report", capture, "-o", Path.Combine(dir, "a.md")).Exit);
        Assert.StartsWith("# IKE case report\n", File.ReadAllText(Path.Combine(dir, "a.md")));
        Assert.Equal(0, CliRun.Run("report", capture, "-o", Path.Combine(dir, "b.txt"), "--format", "md").Exit);
        Assert.StartsWith("# IKE case report\n", File.ReadAllText(Path.Combine(dir, "b.txt")));

        var missing = CliRun.Run("report", Path.Combine(dir, "nope.pcap"), "-o", Path.Combine(dir, "c.html"));
        Assert.Equal(3, missing.Exit);
        Assert.Single(missing.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("pcapike: ", missing.Err);
        Assert.False(File.Exists(Path.Combine(dir, "c.html")));

        var junk = CliRun.Run("report", CliRun.Junk(dir), "-o", Path.Combine(dir, "c.html"));
        Assert.Equal(3, junk.Exit);
        var unwritable = CliRun.Run("report", capture, "-o", Path.Combine(dir, "no-such-dir", "c.html"));
        Assert.Equal(3, unwritable.Exit);
        Assert.Contains("--output: cannot write", unwritable.Err);
        Assert.Equal(2, CliRun.Run("report", capture).Exit);   // -o is required
        Assert.Equal(2, CliRun.Run("report", capture, "-o", "x.html", "--format", "pdf").Exit);
        Assert.Equal(3, CliRun.Run("report", capture, "-o", Path.Combine(dir, "d.html"), "--keys", Path.Combine(dir, "none")).Exit);
    }

    [Fact]
    public void ReproduceCommands_RunAgain_GiveTheSameReport()
    {
        string dir = TestPaths.NewTempDir();
        string s = Scenario("S2-ikev1-r2-initiates");
        string html = Path.Combine(dir, "case.html");
        var args = new[] { "report", Path.Combine(s, "capture.pcap"), "--config", Path.Combine(s, "scenario.json"),
            "--keys", Path.Combine(s, "ikev1_decryption_table"), "--ca", s, "-o", html };
        Assert.Equal(0, CliRun.Run(args).Exit);
        string first = File.ReadAllText(html);
        string[] commands = Regex.Match(first, "<pre>(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value.Split('\n');
        Assert.Equal(2, commands.Length);
        Assert.Equal("pcapike " + string.Join(" ", args), commands[0]);
        Assert.Equal("pcapike analyze " + string.Join(" ", args[1..^2]), commands[1]);

        File.Delete(html);
        Assert.Equal(0, CliRun.Run(commands[0].Split(' ')[1..]).Exit);
        Assert.Equal(first, File.ReadAllText(html));
        var analyze = CliRun.Run(commands[1].Split(' ')[1..]);
        Assert.Equal(0, analyze.Exit);
        Assert.Contains("PI602  error", analyze.Out);

        // Every input file, with its SHA-256: the capture, the key table, the scenario and the CA folder's certificates.
        var hashes = Regex.Matches(first, "<tr><td>([a-z-]+)</td><td class=\"mono\">([^<]+)</td><td class=\"mono\">([0-9a-f]{64})</td></tr>")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
        var expected = new List<(string, string)> { ("capture", Path.Combine(s, "capture.pcap")), ("keys", Path.Combine(s, "ikev1_decryption_table")),
            ("config", Path.Combine(s, "scenario.json")) };
        expected.AddRange(Directory.GetFiles(s, "*.pem").Order(StringComparer.Ordinal).Select(f => ("ca", f)));
        Assert.Equal(expected.Select(e => (e.Item1, e.Item2, CaseReportBuilder.Sha256(e.Item2))), hashes);
    }

    /// <summary>The inputs of each redaction case: the capture and its report options.</summary>
    public static TheoryData<string, string[]> RedactionCases() => new()
    {
        { "S2-ikev1-r2-initiates", ["--keys", "ikev1_decryption_table", "--config", "scenario.json", "--ca", "."] },
        { "S6-ikev2-r2-initiates-asymmetric", ["--keys", "ikev2_decryption_table", "--config", "scenario.json", "--ca", "."] },
        { "strongswan-ikev2-untrusted-ca", ["--keys", "ikev2_decryption_table", "--ca", "."] },
        { "strongswan-ikev1-main-mode", ["--keys", "ikev1_decryption_table"] },
        { "shared:ikev1-certs.pcap", [] },
        { "shared:ipsec-ikev1-isakmp-aggressive-mode.pcap", [] },
    };

    [Theory]
    [MemberData(nameof(RedactionCases))]
    public void Redact_LeavesNoAddressHostOrDnValueOfTheInput(string source, string[] options)
    {
        string capture, folder;
        if (source.StartsWith("shared:", StringComparison.Ordinal))
        {
            folder = TestPaths.SharedCaptures;
            capture = Path.Combine(folder, source["shared:".Length..]);
        }
        else
        {
            folder = Scenario(source);
            capture = Path.Combine(folder, "capture.pcap");
        }
        string[] resolved = options.Select(o => o.StartsWith('-') ? o : o == "." ? folder : Path.Combine(folder, o)).ToArray();
        string dir = TestPaths.NewTempDir();
        string html = Path.Combine(dir, "case.html"), md = Path.Combine(dir, "case.md");
        Assert.Equal(0, CliRun.Run(["report", capture, .. resolved, "-o", html, "--redact"]).Exit);
        Assert.Equal(0, CliRun.Run(["report", capture, .. resolved, "-o", md, "--redact"]).Exit);
        string htmlText = WebUtility.HtmlDecode(File.ReadAllText(html));
        string mdText = WebUtility.HtmlDecode(Regex.Replace(File.ReadAllText(md), @"\\([\\`*_\[\]|#~!{}])", "$1"));

        var secrets = InputValues(capture, resolved);
        Assert.NotEmpty(secrets);
        foreach (string secret in secrets)
        {
            var whole = new Regex($@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(secret)}(?![\p{{L}}\p{{N}}])");
            Assert.False(whole.IsMatch(htmlText), $"'{secret}' is in the redacted HTML");
            Assert.False(whole.IsMatch(mdText), $"'{secret}' is in the redacted Markdown");
        }
        // File names and folders too; the report still says what it is.
        foreach (string text in new[] { htmlText, mdText })
        {
            Assert.DoesNotContain(folder, text);
            Assert.DoesNotContain(Path.GetFileName(folder), text);
            Assert.DoesNotContain(Path.GetFileName(capture) + " ", text);
            Assert.Contains("capture-1.pcap", text);
            Assert.Contains("Redacted", text);
        }
    }

    /// <summary>Every address, host name, identity and DN attribute value the input holds: from the capture's own
    /// analysis (endpoints, IDs, CERT_REQ DNs, certificates with their SubjectAltNames) and the configuration.</summary>
    private static HashSet<string> InputValues(string capture, string[] options)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        string? keys = Option(options, "--keys"), config = Option(options, "--config"), ca = Option(options, "--ca");
        var analysisOptions = new AnalysisOptions { Cas = ca is null ? new CaCatalog() : CaCatalog.Load([ca]) };
        if (keys is not null)
        {
            var ring = new PcapIke.Decryption.KeyRing();
            ring.AddFile(keys, File.ReadAllLines(keys));
            analysisOptions = new AnalysisOptions { Cas = analysisOptions.Cas, Keys = ring };
        }
        void Dn(string? dn)
        {
            if (dn is null) return;
            foreach (string v in new X509Name(dn).GetValueList()) values.Add(v);
        }
        foreach (var sa in CaptureAnalyzer.Analyze(capture, analysisOptions).Sas)
        {
            foreach (var m in sa.Sa.Messages)
            {
                values.Add(m.Message.Source.Address.ToString());
                values.Add(m.Message.Destination.Address.ToString());
            }
            if (sa.Sa.InitiatorId is { } i) values.Add(i);
            if (sa.Sa.ResponderId is { } r) values.Add(r);
            foreach (var e in sa.Sa.InitiatorCertRequests.Concat(sa.Sa.ResponderCertRequests))
            {
                Dn(e.DnRfc4514);
                Dn(e.CaName);
            }
            foreach (var c in sa.Sa.Certificates.Where(c => c.Info is not null))
            {
                var cert = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(c.Info!.Der);
                foreach (string v in cert.SubjectDN.GetValueList().Concat(cert.IssuerDN.GetValueList())) values.Add(v);
                foreach (string san in c.Info.SubjectAltNames) values.Add(san[(san.IndexOf(':') + 1)..]);
            }
            values.Add(SaReportText.Spi(sa.Sa.SpiI));
            if (sa.Sa.SpiR != 0) values.Add(SaReportText.Spi(sa.Sa.SpiR));
        }
        if (config is not null)
        {
            Scenario s = ScenarioParser.ParseFile(config);
            foreach (var c in s.Cas) Dn(c.Subject);
            foreach (var router in s.Routers)
            {
                values.UnionWith([router.Name, router.Hostname, router.Ethernet.Address.ToString(), router.Tunnel.Address.ToString()]);
                if (router.DomainName is { } d) values.Add(d);
                if (router.Loopback is { } lo) values.Add(lo.Address.ToString());
                foreach (var tp in router.Trustpoints)
                {
                    if (tp.Fqdn is { } f) values.Add(f);
                    if (tp.IpAddress is { } a) values.Add(a.ToString());
                    Dn(tp.SubjectName);
                }
            }
        }
        // A one-character value cannot be looked for as a word.
        values.RemoveWhere(v => v.Length < 2);
        return values;
    }

    private static string? Option(string[] options, string name)
    {
        int i = Array.IndexOf(options, name);
        return i < 0 ? null : options[i + 1];
    }

    public static TheoryData<string, string> KeyCases() => new()
    {
        { "S2-ikev1-r2-initiates", "ikev1_decryption_table" },
        { "S7-ikev2-symmetric", "ikev2_decryption_table" },
        { "strongswan-ikev2-aes-gcm", "ikev2_decryption_table" },
        { "strongswan-ikev1-main-mode", "ikev1_decryption_table" },
    };

    [Theory]
    [MemberData(nameof(KeyCases))]
    public void KeyMaterial_IsNeverWritten(string scenario, string table)
    {
        string folder = Scenario(scenario);
        string tablePath = Path.Combine(folder, table);
        // IKEv1 lines: icookie,Ka; IKEv2: SPIi,SPIr,SK_ei,SK_er,"ENC",SK_ai,SK_ar,"INTEG" (the SPIs are not keys).
        var keys = File.ReadAllLines(tablePath).Where(l => l.Length > 0 && l[0] != '#').SelectMany(l =>
        {
            string[] f = l.Split(',');
            return table.StartsWith("ikev1", StringComparison.Ordinal) ? [f[1]] : new[] { f[2], f[3], f[5], f[6] };
        }).Select(k => k.Trim('"').ToLowerInvariant()).Where(k => k.Length >= 8).ToList();
        Assert.NotEmpty(keys);
        string dir = TestPaths.NewTempDir();
        foreach (string output in new[] { "case.html", "case.md" })
            foreach (bool redact in new[] { false, true })
            {
                string path = Path.Combine(dir, (redact ? "r-" : "") + output);
                var (exit, _, err) = CliRun.Run(["report", Path.Combine(folder, "capture.pcap"), "--keys", tablePath, "-o", path, .. redact ? new[] { "--redact" } : []]);
                Assert.True(exit == 0, err);
                string text = File.ReadAllText(path).ToLowerInvariant();
                Assert.Contains("decrypted", text);   // the keys were used
                foreach (string key in keys)
                {
                    Assert.DoesNotContain(key, text);
                    Assert.DoesNotContain(key[..16], text);   // not even a prefix
                }
            }
    }

    [Fact]
    public void KeyMaterial_FromACharonLog_IsNeverWritten()
    {
        string folder = Scenario("strongswan-ikev2-aes-gcm");
        string dir = TestPaths.NewTempDir();
        string log = Path.Combine(dir, "charon.log");
        File.WriteAllLines(log, CharonLogForge.ForIkev2LabCapture("strongswan-ikev2-aes-gcm"));
        string[] f = File.ReadAllLines(Path.Combine(folder, "ikev2_decryption_table")).First(l => l.Length > 0).Split(',');
        var keys = new[] { f[2], f[3] }.Select(k => k.Trim().ToLowerInvariant()).ToList();
        foreach (bool redact in new[] { false, true })
            foreach (string output in new[] { "case.html", "case.md" })
            {
                string path = Path.Combine(dir, (redact ? "r-" : "") + output);
                var (exit, _, err) = CliRun.Run(["report", Path.Combine(folder, "capture.pcap"), "--keys-from-charon-log", log, "-o", path, .. redact ? new[] { "--redact" } : []]);
                Assert.True(exit == 0, err);
                string text = File.ReadAllText(path).ToLowerInvariant();
                Assert.Contains("(decrypted)", text);
                Assert.Contains("charon-log", text);   // named and hashed as an input
                Assert.Contains(CaseReportBuilder.Sha256(log), text);
                foreach (string key in keys)
                {
                    Assert.DoesNotContain(key[..16], text);
                    // nor as charon dumps it: "12 34 56 …"
                    Assert.DoesNotContain(string.Join(" ", Enumerable.Range(0, 8).Select(i => key.Substring(2 * i, 2))), text);
                }
                Assert.DoesNotContain("sk_ei", text);
            }
    }

    [Fact]
    public void Batch_Reports_OneReportPerCapture_AndAnIndexWithRelativeLinks()
    {
        string input = TestPaths.NewTempDir();
        foreach (string s in new[] { "S1-ikev1-r1-initiates", "S2-ikev1-r2-initiates", "S6-ikev2-r2-initiates-asymmetric" })
        {
            Directory.CreateDirectory(Path.Combine(input, s));
            File.Copy(CliRun.RepoCapture(s), Path.Combine(input, s, "capture.pcap"));
        }
        CliRun.Junk(input, "broken.pcap");
        string output = TestPaths.NewTempDir();
        string reports = Path.Combine(output, "reports");
        var (exit, _, err) = CliRun.Run("batch", input, "--csv", Path.Combine(output, "sas.csv"), "--reports", reports);
        Assert.Equal(3, exit);   // the junk file
        Assert.Contains("broken.pcap", err);

        Assert.Equal(["capture-2.html", "capture-3.html", "capture.html", "index.html"],
            Directory.GetFiles(reports).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string index = File.ReadAllText(Path.Combine(reports, "index.html"));
        var rows = Regex.Matches(index, "<tr><td class=\"mono\">([^<]*)</td><td>(.*?)</td><td>([^<]*)</td></tr>")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, WebUtility.HtmlDecode(m.Groups[3].Value))).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal((Path.Combine(input, "S1-ikev1-r1-initiates", "capture.pcap"), "<a href=\"capture.html\">capture.html</a>",
            "1 negotiation: IKE SA 1 IKEv1 established (PI402)"), rows[0]);
        Assert.Equal("1 negotiation: IKE SA 1 IKEv1 stalled at MM5 (PI101)", rows[1].Item3);
        Assert.Equal("1 negotiation: IKE SA 1 IKEv2 failed at IKE_AUTH response (PI110)", rows[2].Item3);
        Assert.Equal("(none)", rows[3].Item2);
        Assert.StartsWith("error: ", rows[3].Item3);
        Assert.Contains("S2-ikev1-r2-initiates", File.ReadAllText(Path.Combine(reports, "capture-2.html")));

        // The index in the browser: its three links, nothing else.
        var (dom, console) = HeadlessChromium.DumpDom(Path.Combine(reports, "index.html"));
        Assert.Empty(console);
        Assert.Equal(["capture.html", "capture-2.html", "capture-3.html"], Regex.Matches(dom, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value));

        // Redacted: numbered names, no file name in the index.
        string redacted = Path.Combine(output, "redacted");
        CliRun.Run("batch", input, "--csv", Path.Combine(output, "sas2.csv"), "--reports", redacted, "--redact");
        Assert.Equal(["index.html", "report-001.html", "report-002.html", "report-003.html"],
            Directory.GetFiles(redacted).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string redactedIndex = File.ReadAllText(Path.Combine(redacted, "index.html"));
        Assert.DoesNotContain(input, redactedIndex);
        Assert.DoesNotContain("broken", redactedIndex);
        Assert.Contains("<td class=\"mono\">capture 4</td><td>(none)</td><td>error: the capture could not be read</td>", redactedIndex);
        Assert.DoesNotContain("192.168.0", File.ReadAllText(Path.Combine(redacted, "report-002.html")));
    }
}
