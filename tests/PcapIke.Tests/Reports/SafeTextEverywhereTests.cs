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
using PcapIke.Text;
using static PcapIke.Tests.Exchanges.IkeForge;
using PcapIke.Analysis;

namespace PcapIke.Tests.Reports;

/// <summary>
/// Issue 14, safe text everywhere: a certificate (built with BouncyCastle) whose subject CN holds an ANSI colour
/// sequence, NUL, U+202E and a line feed, sent in an IKEv1 Aggressive Mode AM2 whose CERT_REQ names the same DN, goes
/// through analyze (text), certs (text), batch (CSV), report (Markdown and HTML) and standard error: none has a raw
/// control or bidi character, the CN is shown as <c>\x1b[31m</c> … <c>\x00</c> … <c>\u202E</c> … <c>\x0a</c>, and the
/// line feed splits no line.
/// </summary>
public sealed class SafeTextEverywhereTests
{
    private const string HostileCn = "red\u001b[31mRED\u0000nul\u202Eevil\nsplit-line";
    private const string ShownCn = @"red\x1b[31mRED\x00nul\u202Eevil\x0asplit-line";

    // Any C0 control but \n (and \t), DEL, C1, the bidi controls and marks, LS/PS.
    private static readonly Regex Hidden = new("[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]");

    private static byte[] Dn(params (DerObjectIdentifier Oid, string Value)[] attributes) =>
        new DerSequence(attributes.Select(a => (Asn1Encodable)new DerSet(new DerSequence(a.Oid, new DerUtf8String(a.Value)))).ToArray()).GetEncoded();

    private static byte[] Certificate()
    {
        var keys = TestPki.EcKeys(1414);
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(BigInteger.ValueOf(1414));
        g.SetSubjectDN(X509Name.GetInstance(Asn1Object.FromByteArray(Dn((X509Name.O, "PcapIke Lab"), (X509Name.CN, HostileCn)))));
        g.SetIssuerDN(X509Name.GetInstance(Asn1Object.FromByteArray(Dn((X509Name.CN, "issuer\u202Efdp.exe\u001b]0;title\u0007")))));
        g.SetNotBefore(TestPki.From);
        g.SetNotAfter(TestPki.To);
        g.SetPublicKey(keys.Public);
        return g.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private)).GetEncoded();
    }

    private static string WriteCapture(string dir, string name = "hostile-dn.pcap")
    {
        const ulong spiI = 0x0102030405060708, spiR = 0x1112131415161718;
        byte[] am1 = Message(1, spiI, 0, Aggressive, 0, 0,
            [Ikev1Sa(), Ke(1), Nonce(2), new Payload(5, [2, 17, 1, 244, .. Encoding.Latin1.GetBytes("id\u001b[2Jwipe.example")]),
             new Payload(7, [4, .. Dn((X509Name.CN, HostileCn))])]);
        byte[] am2 = Message(1, spiI, spiR, Aggressive, 0, 0,
            [Ikev1Sa(), Ke(3), Nonce(4), new Payload(5, [2, 17, 1, 244, .. Encoding.Latin1.GetBytes("peer.example")]),
             new Payload(6, [4, .. Certificate()]), new Payload(7, [4, .. Dn((X509Name.CN, HostileCn), (X509Name.O, "x\u2066y"))])]);
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, Pcap([new Sent(0, "192.0.2.1", 500, "192.0.2.2", 500, am1), new Sent(0.01, "192.0.2.2", 500, "192.0.2.1", 500, am2)]));
        return path;
    }

    private static void AssertSafe(string what, string text)
    {
        Match m = Hidden.Match(text);
        Assert.False(m.Success, $"{what}: raw U+{(m.Success ? (int)m.Value[0] : 0):X4} at {m.Index}");
        Assert.DoesNotContain("\nsplit-line", text);
    }

    [Fact]
    public void TheModelHoldsTheCnEscaped_AsIdsAre()
    {
        var sa = Assert.Single(CaptureAnalyzer.Analyze(WriteCapture(TestPaths.NewTempDir())).Sas);
        var cert = Assert.Single(sa.Sa.Certificates);
        // RFC 4514 §2.4 writes NUL as \00 in its rendering; the rest as SafeText shows it.
        Assert.Equal("CN=" + ShownCn.Replace(@"\x00", @"\00") + ",O=PcapIke Lab", cert.Info!.Subject);
        Assert.Equal(ShownCn, cert.Info.SubjectCommonName);
        Assert.Equal(@"CN=issuer\u202Efdp.exe\x1b]0\;title\x07", cert.Info.Issuer);   // RFC 4514 escapes the ;
        Assert.Equal("cn=" + ShownCn, sa.Sa.InitiatorCertRequests[0].Dn);
        Assert.Equal(@"id\x1b[2Jwipe.example", sa.Sa.InitiatorId);
    }

    [Fact]
    public void AnalyzeAndCertsText_ShowTheCnEscaped()
    {
        string dir = TestPaths.NewTempDir();
        string capture = WriteCapture(dir);
        var analyze = CliRun.Run("analyze", capture);
        Assert.Equal(0, analyze.Exit);
        AssertSafe("analyze", analyze.Out + analyze.Err);
        Assert.Contains("cn=" + ShownCn, analyze.Out);                          // the CERT_REQ DN, IOS style
        Assert.Contains("subject    cn=" + ShownCn + ",o=PcapIke Lab", analyze.Out);   // the certificate subject, IOS style (issue 17)
        Assert.Contains(@"id\x1b[2Jwipe.example", analyze.Out);

        var certs = CliRun.Run("certs", capture, "--out", Path.Combine(dir, "pem"));
        Assert.Equal(0, certs.Exit);
        AssertSafe("certs", certs.Out + certs.Err);
        Assert.Contains("CN=" + ShownCn.Replace(@"\x00", @"\00"), certs.Out);
        Assert.Equal(3, certs.Out.TrimEnd('\n').Split('\n').Length);   // header, the certificate, the summary
        // The PEM's file name keeps letters, digits, '.', '_', '-' only.
        Assert.All(Directory.GetFiles(Path.Combine(dir, "pem")), f => Assert.Matches("^[A-Za-z0-9._-]+$", Path.GetFileName(f)));
    }

    [Fact]
    public void BatchCsv_HasNoRawControl_AndOneLinePerRow()
    {
        string dir = TestPaths.NewTempDir();
        string capture = WriteCapture(dir);
        string csv = Path.Combine(dir, "out.csv");
        var batch = CliRun.Run("batch", capture, "--csv", csv);
        Assert.Equal(0, batch.Exit);
        string text = File.ReadAllText(csv);
        AssertSafe("csv", text);
        Assert.Equal(2, text.TrimEnd('\n').Split('\n').Length);
        Assert.Contains("cn=" + ShownCn, text);
    }

    [Fact]
    public void MarkdownAndHtmlReports_HaveNoRawControl()
    {
        string dir = TestPaths.NewTempDir();
        string capture = WriteCapture(dir);
        foreach (string ext in new[] { "md", "html" })
        {
            string outPath = Path.Combine(dir, "case." + ext);
            var run = CliRun.Run("report", capture, "-o", outPath);
            Assert.True(run.Exit == 0, run.Err);
            string text = File.ReadAllText(outPath);
            AssertSafe(ext, text);
            Assert.Contains(ext == "md" ? @"\\u202Eevil\\x0asplit" : @"\u202Eevil\x0asplit", text);
        }
    }

    [Fact]
    public void StandardError_ShowsAHostileFileName_Escaped()
    {
        string dir = TestPaths.NewTempDir();
        // A file name is input too: ESC, a bidi override and a line feed are all legal in a Linux file name.
        string name = "case\u001b[31m\u202Egnp.exe\nsplit-line.pcap";
        File.WriteAllText(Path.Combine(dir, name), "not a capture\n");
        foreach (string[] args in new[]
                 {
                     new[] { "analyze", Path.Combine(dir, name) },
                     new[] { "dissect", Path.Combine(dir, name) },
                     new[] { "batch", Path.Combine(dir, name), "--csv", Path.Combine(dir, "e.csv") },
                     new[] { "report", Path.Combine(dir, name), "-o", Path.Combine(dir, "e.md") },
                 })
        {
            var run = CliRun.Run(args);
            Assert.Equal(3, run.Exit);
            AssertSafe(args[0] + " stderr", run.Err);
            Assert.Contains(@"case\x1b[31m\u202Egnp.exe\x0asplit-line.pcap", run.Err);
        }
        AssertSafe("csv error row", File.ReadAllText(Path.Combine(dir, "e.csv")));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a\u001b[31mb", @"a\x1b[31mb")]
    [InlineData("nul\u0000", @"nul\x00")]
    [InlineData("rlo\u202Eltr\u200Eiso\u2066\u2069", @"rlo\u202Eltr\u200Eiso\u2066\u2069")]
    [InlineData("line\nfeed\ttab\rcr", @"line\x0afeed\x09tab\x0dcr")]
    [InlineData("c1\u0085del\u007f", @"c1\x85del\x7f")]
    [InlineData("emoji \U0001F600 kept", "emoji \U0001F600 kept")]
    public void Visible_EscapesHiddenCharacters(string input, string shown) => Assert.Equal(shown, SafeText.Visible(input));

    [Fact]
    public void Visible_ShowsALoneSurrogate() => Assert.Equal(@"lone \uD800 surrogate", SafeText.Visible("lone \uD800 surrogate"));

    [Fact]
    public void Writer_KeepsLineFeeds_AndEscapesTheRest_EvenCharByChar()
    {
        var inner = new StringWriter();
        var w = new SafeTextWriter(inner);
        w.Write("a\u001bb\n");
        foreach (char c in "\U0001F600\u202E") w.Write(c);
        w.WriteLine("x\ty");
        SafeTextWriter.WriteControl(w, "\r\u001b[K");
        w.Flush();
        Assert.Equal("a\\x1bb\n\U0001F600\\u202Ex\ty\n\r\u001b[K", inner.ToString());
    }
}
