using PcapIke.Findings;
using System.Text.Json;
using PcapIke.Exchanges;
using PcapIke.Pipeline;
using PcapIke.Reports;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Reports;

/// <summary>The contract of docs/analyze-json.md, checked field by field.</summary>
public class AnalyzeJsonWriterTests
{
    private static JsonElement Write(Action<AnalyzeJsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var w = new AnalyzeJsonWriter(buffer)) write(w);
        return JsonDocument.Parse(buffer.ToArray()).RootElement;
    }

    private static CaptureAnalysis Analysis(string file, params AnalyzedSa[] sas) => new(file, sas, new ScanStatistics(), [], 0);

    [Fact]
    public void TopLevel_HasSasArray_EachSaCarryingItsFile_AndFilesWithErrors()
    {
        var root = Write(w =>
        {
            w.WriteAnalysis(Analysis("a.pcap", SaBuilder.TechnoteMainModeStall(1), SaBuilder.Ikev2Established(2)));
            w.WriteFileError("bad.pcap", "not a pcap or pcapng capture");
            w.WriteAnalysis(Analysis("b.pcap", SaBuilder.Ikev2Established(1)));
        });
        var sas = root.GetProperty("sas").EnumerateArray().ToList();
        Assert.Equal(["a.pcap", "a.pcap", "b.pcap"], sas.Select(s => s.GetProperty("file").GetString()));
        Assert.Equal([1, 2, 1], sas.Select(s => s.GetProperty("id").GetInt32()));
        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(["a.pcap", "bad.pcap", "b.pcap"], files.Select(f => f.GetProperty("file").GetString()));
        Assert.Equal(2, files[0].GetProperty("sas").GetInt32());
        Assert.Equal("not a pcap or pcapng capture", files[1].GetProperty("error").GetString());
        Assert.False(files[0].TryGetProperty("error", out _));
    }

    [Fact]
    public void Sa_HasTheContractFields()
    {
        var sa = Write(w => w.WriteAnalysis(Analysis("a.pcap", SaBuilder.TechnoteMainModeStall()))).GetProperty("sas")[0];
        Assert.Equal(1, sa.GetProperty("version").GetInt32());
        Assert.Equal("10.0.0.1:500", sa.GetProperty("initiator").GetString());
        Assert.Equal("172.16.0.2:500", sa.GetProperty("responder").GetString());
        Assert.Equal("0011223344556677", sa.GetProperty("spiI").GetString());
        Assert.Equal("8899aabbccddeeff", sa.GetProperty("spiR").GetString());
        Assert.Equal("2026-03-04T05:06:07.123456Z", sa.GetProperty("start").GetString());
        Assert.Equal(20.06, sa.GetProperty("durationSeconds").GetDouble());
        Assert.Equal("MM5", sa.GetProperty("lastStep").GetString());
        Assert.Equal("stalled", sa.GetProperty("outcome").GetString());
        Assert.StartsWith("at MM5: responder re-sent MM4", sa.GetProperty("outcomeDetail").GetString());
        Assert.Equal(3, sa.GetProperty("retransmissions").GetInt32());
        Assert.True(sa.GetProperty("natDetected").GetBoolean());
        Assert.True(sa.GetProperty("floatedTo4500").GetBoolean());
        Assert.Equal(2, sa.GetProperty("offered").GetArrayLength());
        var chosen = sa.GetProperty("chosen");
        Assert.Equal("AES-CBC", chosen.GetProperty("encryption").GetString());
        Assert.Equal(256, chosen.GetProperty("keyLength").GetInt32());
        Assert.Equal("MODP_2048", chosen.GetProperty("dhGroup").GetString());
        Assert.Equal(86400, chosen.GetProperty("lifetimeSeconds").GetInt64());
        var vid = sa.GetProperty("vendorIds")[0];
        Assert.Equal("initiator", vid.GetProperty("sender").GetString());
        Assert.Equal("Cisco Unity", vid.GetProperty("name").GetString());
        Assert.Equal("Cisco IOS / ASA", vid.GetProperty("fingerprint").GetString());
        Assert.Equal("12f5f28c457168a9702d9fe274cc0100", vid.GetProperty("hex").GetString());
    }

    [Fact]
    public void Messages_HaveFrameTimeStepDirectionSize_AndRetransmissionOnlyWhenOne()
    {
        var messages = Write(w => w.WriteAnalysis(Analysis("a.pcap", SaBuilder.TechnoteMainModeStall())))
            .GetProperty("sas")[0].GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(8, messages.Count);
        var mm1 = messages[0];
        Assert.Equal(1, mm1.GetProperty("frame").GetInt64());
        Assert.Equal("2026-03-04T05:06:07.123456Z", mm1.GetProperty("time").GetString());
        Assert.Equal(0, mm1.GetProperty("relativeTime").GetDouble());
        Assert.Equal("MM1", mm1.GetProperty("step").GetString());
        Assert.Equal("i2r", mm1.GetProperty("direction").GetString());
        Assert.Equal(164, mm1.GetProperty("size").GetInt32());
        Assert.False(mm1.TryGetProperty("retransmission", out _));
        Assert.False(mm1.TryGetProperty("retransmissionOf", out _));
        Assert.Equal("r2i", messages[1].GetProperty("direction").GetString());

        var resent = messages[5];
        Assert.Equal(9, resent.GetProperty("frame").GetInt64());
        Assert.Equal(10.06, resent.GetProperty("relativeTime").GetDouble());
        Assert.Equal("MM4", resent.GetProperty("step").GetString());
        Assert.Equal("resentAfterRejectingNext", resent.GetProperty("retransmission").GetString());
        Assert.Equal(4, resent.GetProperty("retransmissionOf").GetInt64());
        Assert.Equal("MM5", resent.GetProperty("rejectedStep").GetString());
        Assert.Equal("sameContent", messages[6].GetProperty("retransmission").GetString());
        Assert.Equal(5, messages[6].GetProperty("retransmissionOf").GetInt64());
        Assert.Equal("UdpNonEspMarker", messages[4].GetProperty("transport").GetString());
    }

    [Fact]
    public void Messages_Fragments_AreNumbered()
    {
        var messages = Write(w => w.WriteAnalysis(Analysis("a.pcap", SaBuilder.Ikev2Established())))
            .GetProperty("sas")[0].GetProperty("messages");
        Assert.Equal("IKE_AUTH request", messages[2].GetProperty("step").GetString());
        Assert.Equal(1, messages[2].GetProperty("fragment").GetInt32());
        Assert.Equal(2, messages[2].GetProperty("fragments").GetInt32());
        Assert.Equal(3, messages[4].GetProperty("ipFragments").GetInt32());
        Assert.Equal(5, messages[4].GetProperty("firstFragmentFrame").GetInt64());
    }

    [Fact]
    public void CertReq_HasInitiatorAndResponderArrays_InPayloadOrder()
    {
        var certReq = Write(w => w.WriteAnalysis(Analysis("a.pcap", SaBuilder.TechnoteMainModeStall())))
            .GetProperty("sas")[0].GetProperty("certReq");
        var ini = certReq.GetProperty("initiator").EnumerateArray().ToList();
        var res = certReq.GetProperty("responder").EnumerateArray().ToList();
        Assert.Single(ini);
        Assert.Equal("cn=CA1,o=cisco,o=com", ini[0].GetProperty("dn").GetString());
        Assert.Equal(3, ini[0].GetProperty("frame").GetInt64());
        Assert.Equal([1, 2, 3], res.Select(e => e.GetProperty("position").GetInt32()));
        Assert.Equal(["cn=CA2,o=cisco,o=com", "cn=CA1,o=cisco,o=com", "ou=Cisco Manufacturing CA,o=Cisco Systems"],
            res.Select(e => e.GetProperty("dn").GetString()));
        Assert.False(res[0].TryGetProperty("caHash", out _));
    }

    [Fact]
    public void CertReq_Ikev2_HasCaHashAndCaName()
    {
        var res = Write(w => w.WriteAnalysis(Analysis("a.pcap", SaBuilder.Ikev2Established())))
            .GetProperty("sas")[0].GetProperty("certReq").GetProperty("responder");
        Assert.Equal("1111111111111111111111111111111111111111", res[0].GetProperty("caHash").GetString());
        Assert.Equal("CN=Lab CA1", res[0].GetProperty("caName").GetString());
        Assert.Equal(JsonValueKind.Null, res[1].GetProperty("caName").ValueKind);
        Assert.False(res[0].TryGetProperty("dn", out _));
    }

    [Fact]
    public void Findings_HaveIdAsCode_NameSeverityFramesMessageFix()
    {
        var findings = Write(w => w.WriteAnalysis(Analysis("a.pcap", SaBuilder.TechnoteMainModeStall())))
            .GetProperty("sas")[0].GetProperty("findings");
        var f = findings[0];
        Assert.Equal("PI101", f.GetProperty("code").GetString());
        Assert.Equal("MainModeStalledAfterMM5", f.GetProperty("name").GetString());
        Assert.Equal(101, f.GetProperty("codeRaw").GetInt32());
        Assert.Equal("error", f.GetProperty("severity").GetString());
        Assert.Equal([5L, 9, 10, 123], f.GetProperty("frames").EnumerateArray().Select(x => x.GetInt64()));
        Assert.StartsWith("The responder re-sent MM4", f.GetProperty("message").GetString());
        Assert.StartsWith("Check the responder", f.GetProperty("fix").GetString());
        Assert.Equal(JsonValueKind.Null, findings[1].GetProperty("fix").ValueKind);
    }

    [Fact]
    public void Notifies_HaveNameAndRawType()
    {
        var n = Write(w => w.WriteAnalysis(Analysis("a.pcap", SaBuilder.Ikev2Established())))
            .GetProperty("sas")[0].GetProperty("notifies")[0];
        Assert.Equal("NAT_DETECTION_SOURCE_IP", n.GetProperty("type").GetString());
        Assert.Equal(16388, n.GetProperty("typeRaw").GetInt32());
        Assert.Equal("initiator", n.GetProperty("sender").GetString());
        Assert.False(n.GetProperty("error").GetBoolean());
    }

    [Fact]
    public void HostileDnStrings_RoundTripThroughJson()
    {
        var sa = SaBuilder.TechnoteMainModeStall();
        string hostile = "cn=\"x\",o=a\\,b\n=cmd|' /C calc'!A0</script>\u0000" + new string('A', 70_000);
        sa.Sa.InitiatorCertRequests[0] = SaBuilder.Dn(1, 3, "MM3", hostile);
        var dn = Write(w => w.WriteAnalysis(Analysis("a.pcap", sa))).GetProperty("sas")[0]
            .GetProperty("certReq").GetProperty("initiator")[0].GetProperty("dn").GetString();
        Assert.Equal(hostile, dn);
    }

    [Fact]
    public void WriteSa_Unindented_IsOneLine_ForJsonl()
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) AnalyzeJsonWriter.WriteSa(w, "a.pcap", SaBuilder.TechnoteMainModeStall());
        string line = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        Assert.DoesNotContain('\n', line);
        Assert.Equal(1, JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt32());
    }
}
