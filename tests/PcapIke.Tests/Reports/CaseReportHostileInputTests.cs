using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;
using PcapIke.Exchanges;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Exchanges.IkeForge;
using PcapIke.Analysis;

namespace PcapIke.Tests.Reports;

/// <summary>
/// DNs, IDs and vendor IDs are the peer's bytes: a capture of IKEv1 Aggressive Mode whose CERT_REQ DNs, certificate
/// subject, IDs and vendor IDs hold markup, quotes, a spreadsheet formula, <c>&lt;/svg&gt;</c>, a 3,000-character value
/// and control characters yields an HTML report that executes nothing in Chromium (no script element, no event
/// handler attribute, no javascript: URL, no console error) and stays readable (the long value folded, complete and
/// escaped), and a Markdown report in which no HTML or table cell can form.
/// </summary>
public sealed class CaseReportHostileInputTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Formula = "=cmd|' /C calc'!A0";
    private const string SvgBreak = "</svg><img src=x onerror=alert(2)><svg onload=alert(3)>";
    private static readonly string Long = "L" + string.Concat(Enumerable.Repeat("0123456789abcdefghij", 150));
    private const string Controls = "bell\u0007esc\u001b[31mnul\u0000rlo\u202Eevil\u0085end";
    private const string Quotes = "\"double\" 'single' `tick` | pipe *star* _u_ [link](javascript:alert(4))";

    private static readonly DerObjectIdentifier Cn = X509Name.CN, O = X509Name.O, Ou = X509Name.OU, L = X509Name.L, St = X509Name.ST, Street = X509Name.Street;

    /// <summary>A DER DN built by hand: BouncyCastle's X509Name refuses values longer than the X.520 upper bounds,
    /// a peer does not.</summary>
    private static byte[] Dn(params (DerObjectIdentifier Oid, string Value)[] attributes) =>
        new DerSequence(attributes.Select(a => (Asn1Encodable)new DerSet(new DerSequence(a.Oid, new DerUtf8String(a.Value)))).ToArray()).GetEncoded();

    private static byte[] HostileCertificate()
    {
        var keys = TestPki.EcKeys(77);
        var subject = X509Name.GetInstance(Asn1Object.FromByteArray(Dn((Cn, Script), (O, Formula), (Ou, SvgBreak), (L, Controls))));
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(BigInteger.ValueOf(66));
        g.SetSubjectDN(subject);
        g.SetIssuerDN(X509Name.GetInstance(Asn1Object.FromByteArray(Dn((Cn, Quotes)))));
        g.SetNotBefore(TestPki.From);
        g.SetNotAfter(TestPki.To);
        g.SetPublicKey(keys.Public);
        return g.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private)).GetEncoded();
    }

    private static Payload Id(byte type, byte[] data) => new(5, [type, 17, 1, 244, .. data]);
    private static Payload CertReq(byte[] dn) => new(7, [4, .. dn]);
    private static Payload Vid(string text) => new(13, Encoding.Latin1.GetBytes(text));

    /// <summary>AM1 and AM2 with the hostile payloads, in the clear.</summary>
    public static string WriteCapture(string dir)
    {
        const ulong spiI = 0x1122334455667788, spiR = 0x99aabbccddeeff00;
        byte[] am1 = Message(1, spiI, 0, Aggressive, 0, 0,
        [
            Ikev1Sa(), Ke(1), Nonce(2),
            Id(2, Encoding.Latin1.GetBytes("<script>alert(1)</script>.evil.example")),
            CertReq(Dn((Cn, Script), (O, Formula))),
            CertReq(Dn((Cn, SvgBreak), (Ou, Quotes))),
            CertReq(Dn((Cn, Long))),
            CertReq(Dn((St, Controls), (Street, "javascript:alert(5)"))),
            Vid(Script), Vid(SvgBreak + " javascript:alert(6)"),
        ]);
        byte[] am2 = Message(1, spiI, spiR, Aggressive, 0, 0,
        [
            Ikev1Sa(), Ke(3), Nonce(4),
            Id(2, Encoding.Latin1.GetBytes(Formula)),
            new Payload(6, [4, .. HostileCertificate()]),
            CertReq(Dn((Cn, Long))),
            CertReq(Dn((Cn, Script), (O, Formula))),
            Vid(Controls + Quotes),
        ]);
        string path = Path.Combine(dir, "hostile.pcap");
        File.WriteAllBytes(path, Pcap(
        [
            new Sent(0, "192.0.2.1", 500, "192.0.2.2", 500, am1),
            new Sent(0.01, "192.0.2.2", 500, "192.0.2.1", 500, am2),
        ]));
        return path;
    }

    [Fact]
    public void TheCaptureCarriesTheHostileStrings()
    {
        string capture = WriteCapture(TestPaths.NewTempDir());
        var sa = Assert.Single(CaptureAnalyzer.Analyze(capture).Sas);
        Assert.Equal(2, sa.Sa.Messages.Count);
        Assert.Equal(4, sa.Sa.InitiatorCertRequests.Count);
        Assert.Contains(Script, sa.Sa.InitiatorCertRequests[0].Dn);
        Assert.Contains(Long, sa.Sa.ResponderCertRequests[0].Dn);
        Assert.Equal(Formula, sa.Sa.ResponderId);
        Assert.StartsWith("L=bell", sa.Sa.ResponderCertificate);
        Assert.Contains("alert(1)", sa.Sa.ResponderCertificate);
    }

    [Fact]
    public void HtmlReport_ExecutesNothing_AndStaysReadable()
    {
        string dir = TestPaths.NewTempDir();
        string capture = WriteCapture(dir);
        string html = Path.Combine(dir, "hostile.html");
        var (exit, _, err) = CliRun.Run("report", capture, "-o", html);
        Assert.True(exit == 0, err);
        string text = File.ReadAllText(html);

        // Nothing from the wire forms markup: every angle bracket of it is escaped.
        Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("</svg><", text, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", text);
        Assert.Contains("&lt;/svg&gt;&lt;img src=x onerror=alert(2)&gt;", text);
        // Control and bidi characters are shown, not passed on.
        Assert.Contains(@"bell\x07esc\x1b[31mnul\x00rlo\u202Eevil\x85end", text);
        Assert.DoesNotMatch("[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E]", text);
        // The spreadsheet formula is shown inert (the ID alone in its cell starts with an apostrophe).
        Assert.Contains("&#39;=cmd|&#39; /C calc&#39;!A0", text);
        // The long value: its start, then "…", then the whole value in <details>.
        Assert.Matches("cn=L0123456789[0-9a-j]+… <details class=\"full\"><summary>all 3004 characters</summary><code>cn=" + Long + "</code>", text);

        var (dom, console) = HeadlessChromium.DumpDom(html);
        Assert.Empty(console);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        foreach (Match tag in Regex.Matches(dom, @"<[a-zA-Z][^>]*>"))
        {
            foreach (Match attr in Regex.Matches(tag.Value, @"\s([^\s=/>]+)\s*=\s*(""[^""]*""|'[^']*'|[^\s>]+)"))
            {
                Assert.False(attr.Groups[1].Value.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"event handler attribute in {tag.Value}");
                Assert.DoesNotContain("javascript:", attr.Groups[2].Value, StringComparison.OrdinalIgnoreCase);
            }
        }
        // The only links are the report's own anchors.
        Assert.All(Regex.Matches(dom, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value), h => Assert.StartsWith("#sa-", h));
        // Readable: the ladder is there with its two arrows, the hostile text is text.
        Assert.Equal(2, HeadlessChromium.CountInLadder(dom, 1, "msg"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom);

        string png = Path.Combine(dir, "hostile.png");
        HeadlessChromium.Screenshot(html, png);
        Assert.True(HeadlessChromium.PngStats(png).Colours >= 8);
    }

    [Fact]
    public void MarkdownReport_FormsNoHtmlAndNoExtraCells()
    {
        string dir = TestPaths.NewTempDir();
        string capture = WriteCapture(dir);
        foreach (bool redact in new[] { false, true })
        {
            string md = Path.Combine(dir, redact ? "r.md" : "hostile.md");
            var (exit, _, err) = CliRun.Run(["report", capture, "-o", md, .. redact ? new[] { "--redact" } : []]);
            Assert.True(exit == 0, err);
            string text = File.ReadAllText(md);
            Assert.DoesNotContain("<", text.Replace("<br>", ""), StringComparison.Ordinal);
            Assert.DoesNotContain(">", string.Join("\n", text.Split('\n').Where(l => !l.StartsWith("> ", StringComparison.Ordinal))), StringComparison.Ordinal);
            Assert.DoesNotMatch("[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E]", text);
            // Every row of the CERT_REQ table has its 4 cells: the pipes and brackets of the DNs are escaped.
            string[] rows = text.Split('\n').SkipWhile(l => !l.StartsWith("### CERT_REQ", StringComparison.Ordinal)).Skip(2)
                .TakeWhile(l => l.StartsWith('|')).ToArray();
            Assert.Equal(2 + 4, rows.Length);
            foreach (string row in rows) Assert.Equal(5, Regex.Matches(row, @"(?<!\\)\|").Count);
            Assert.DoesNotMatch(@"(?<!\\)\]\(javascript:", text);
            if (!redact)
            {
                Assert.Contains(@"&lt;script&gt;alert(1)&lt;/script&gt;", text);
                Assert.Contains(Long, text);
                Assert.Contains(@"\[link\](javascript:alert(4))", text);
            }
        }
    }

}
