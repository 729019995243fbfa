using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Reports;

public class AnalyzeTextWriterTests
{
    private static string Write(params AnalyzedSa[] sas)
    {
        var o = new StringWriter();
        var w = new AnalyzeTextWriter(o);
        foreach (var sa in sas) w.WriteSa(sa);
        return o.ToString();
    }

    private static List<string> Lines(string text) => text.Split('\n').ToList();

    [Fact]
    public void TechnoteStall_IsWrittenExactlyAsTheCaseReportLayout()
    {
        // The whole report of one SA, frozen: any change to the layout engineers paste into cases shows here. The
        // answer first (verdict, cause, action plan), then the evidence (ladder, CERT_REQ), then the details.
        const string expected = """

IKE SA 1  IKEv1  10.0.0.1:500 → 172.16.0.2:500
  Verdict          IKE SA 1: 10.0.0.1 (initiator) → 172.16.0.2 (responder), IKEv1: stalled at MM5.
  What happened    Responder re-sent MM4 2 times over 20.0 s, initiator waited.
  Root cause       The responder re-sent MM4 after each MM5: it rejected MM5 (typically certificate validation). (PI101)
  Confidence       seen: all of it is on the wire.
  Action plan      Check the responder's debug crypto pki for the initiator's certificate.

  Messages (time from the SA start, size = IP length)
          time  frame  initiator         responder   ports I/R        size  step
     +0.000000      1   10.0.0.1  ────▶  172.16.0.2  udp 500/500       164  MM1
     +0.004000      2   10.0.0.1  ◀────  172.16.0.2  udp 500/500       144  MM2
     +0.021000      3   10.0.0.1  ────▶  172.16.0.2  udp 500/500       376  MM3
     +0.060000      4   10.0.0.1  ◀────  172.16.0.2  udp 500/500       396  MM4
     +0.081000      5   10.0.0.1  ────▶  172.16.0.2  nat-t 4500/4500  1228  MM5
    +10.060000      9   10.0.0.1  ◀────  172.16.0.2  udp 500/500       396  ↻ MM4 (re-sent, responder rejected MM5)
    +10.081000     10   10.0.0.1  ────▶  172.16.0.2  nat-t 4500/4500  1228  ↻ MM5 (re-sent, same as frame 5)
    +20.060000    123   10.0.0.1  ◀────  172.16.0.2  udp 500/500       396  ↻ MM4 (re-sent, responder rejected MM5)

  CERT_REQ (payload order)
    initiator (MM3)          | responder (MM4)
     1. cn=CA1,o=cisco,o=com |  1. cn=CA2,o=cisco,o=com
                             |  2. cn=CA1,o=cisco,o=com
                             |  3. ou=Cisco Manufacturing CA,o=Cisco Systems

  Details
  Cookies          i 0011223344556677  r 8899aabbccddeeff
  Started          2026-03-04T05:06:07.123456Z, lasted 20.060000 s, 8 messages
  NAT              detected, floated to UDP 4500
  Offered          1. AES-CBC-256/SHA2-256/group 14 (MODP_2048)/RSA_SIG/86400s
                   2. 3DES-CBC/SHA/group 2 (MODP_1024)/RSA_SIG/86400s
  Chosen           AES-CBC-256/SHA2-256/group 14 (MODP_2048)/RSA_SIG/86400s
  Vendor IDs       initiator (Cisco IOS / ASA): Cisco Unity
                   responder: DPD
  Last step        MM5
  Outcome          stalled: at MM5: responder re-sent MM4 2 times over 20.0 s, initiator waited
  Retransmissions  3

  Findings
    PI101  error    frames 5, 9, 10, 123
                    The responder re-sent MM4 after each MM5: it rejected MM5 (typically certificate validation).
                    fix: Check the responder's debug crypto pki for the initiator's certificate.
    PI204  warning  frames 3, 4
                    The initiator requests CA1 first, the responder CA2.

""";
        Assert.Equal(expected.Replace("\r\n", "\n"), Write(SaBuilder.TechnoteMainModeStall()));
    }

    [Fact]
    public void Ladder_ArrowPointsFromSenderToReceiver_AndColumnsAlign()
    {
        var lines = Lines(Write(SaBuilder.TechnoteMainModeStall()));
        var ladder = lines.Where(l => l.Contains("10.0.0.1  ") && (l.Contains("────▶") || l.Contains("◀────"))).ToList();
        Assert.Equal(8, ladder.Count);
        Assert.Contains("────▶", ladder[0]); // MM1 initiator → responder
        Assert.Contains("◀────", ladder[1]); // MM2 responder → initiator
        // Steps start in one column, whatever the widths of time and frame.
        int stepColumn = ladder[0].IndexOf("MM1", StringComparison.Ordinal);
        Assert.All(ladder, l => Assert.True(l.IndexOf("MM", StringComparison.Ordinal) == stepColumn || l.IndexOf("↻ MM", StringComparison.Ordinal) == stepColumn, l));
        int arrowColumn = ladder[0].IndexOf("────▶", StringComparison.Ordinal);
        Assert.All(ladder, l => Assert.True(Math.Max(l.IndexOf("────▶", StringComparison.Ordinal), l.IndexOf("◀────", StringComparison.Ordinal)) == arrowColumn, l));
    }

    [Fact]
    public void Ladder_TimesAreRelativeToTheSaStart_WithMicroseconds()
    {
        var lines = Lines(Write(SaBuilder.TechnoteMainModeStall()));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("+0.000000      1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("+20.060000    123", StringComparison.Ordinal));
    }

    [Fact]
    public void Ladder_MarksRetransmissions_WithWhatTheSenderRejected()
    {
        string text = Write(SaBuilder.TechnoteMainModeStall());
        Assert.Contains("↻ MM4 (re-sent, responder rejected MM5)", text);
        Assert.Contains("↻ MM5 (re-sent, same as frame 5)", text);
    }

    [Fact]
    public void Ladder_ShowsSizesPortsAndFragments()
    {
        string text = Write(SaBuilder.Ikev2Established());
        Assert.Contains("nat-t 4500/4500   576  IKE_AUTH request  [fragment 1/2]", text);
        Assert.Contains("IKE_AUTH response  [3 IP fragments from frame 5]", text);
        Assert.Contains("udp 500/500       521  IKE_SA_INIT response", text);
    }

    [Fact]
    public void CertRequests_AreSideBySide_InPayloadOrder_Numbered()
    {
        var lines = Lines(Write(SaBuilder.TechnoteMainModeStall()));
        int title = lines.FindIndex(l => l.Contains("initiator (MM3)", StringComparison.Ordinal));
        Assert.True(title > 0);
        Assert.Contains("| responder (MM4)", lines[title]);
        Assert.Contains(" 1. cn=CA1,o=cisco,o=com |  1. cn=CA2,o=cisco,o=com", lines[title + 1]);
        Assert.EndsWith("|  2. cn=CA1,o=cisco,o=com", lines[title + 2]);
        Assert.EndsWith("|  3. ou=Cisco Manufacturing CA,o=Cisco Systems", lines[title + 3]);
        int bar = lines[title].IndexOf('|');
        Assert.All(lines.Skip(title).Take(4), l => Assert.Equal(bar, l.IndexOf('|')));
    }

    [Fact]
    public void CertRequests_Ikev2_ShowTheCaNameAndHash_OrTheHashAlone()
    {
        string text = Write(SaBuilder.Ikev2Established());
        Assert.Contains("initiator: none | responder (IKE_SA_INIT response)", text);
        Assert.Contains("|  1. CN=Lab CA1 (sha1 1111111111111111111111111111111111111111)", text);
        Assert.Contains("|  2. sha1 2222222222222222222222222222222222222222", text);
    }

    [Fact]
    public void Findings_ShowIdSeverityFramesMessageAndFix()
    {
        string text = Write(SaBuilder.TechnoteMainModeStall());
        Assert.Contains("    PI101  error    frames 5, 9, 10, 123\n", text);
        Assert.Contains("fix: Check the responder's debug crypto pki", text);
        Assert.Contains("    PI204  warning  frames 3, 4\n", text);
        Assert.Contains("Findings: none", Write(SaBuilder.Ikev2Established()));
    }

    [Fact]
    public void Output_HasNoColourCodes_NoTrailingSpaces_AndLfLineEnds()
    {
        string text = Write(SaBuilder.TechnoteMainModeStall(), SaBuilder.Ikev2Established());
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\r', text);
        Assert.All(Lines(text), l => Assert.Equal(l.TrimEnd(), l));
    }

    [Fact]
    public void FileHeader_CountsSasFramesMessagesAndMalformations()
    {
        var o = new StringWriter();
        var stats = new PcapIke.Pipeline.ScanStatistics();
        new AnalyzeTextWriter(o).WriteFileHeader(new CaptureAnalysis("x.pcap", [SaBuilder.Ikev2Established()], stats, [], 0));
        Assert.Equal("# x.pcap: 1 IKE SA (0 frames, 0 IKE messages, 0 malformations)\n", o.ToString());
    }
}
