using System.Text.Json;
using PcapIke.Tests.Cli;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Evidence;

/// <summary>What the evidence work adds to every output: JSON, text, CSV and dissect show the same seen/inferred facts.</summary>
public class EvidenceOutputTests
{
    [Fact]
    public void AnalyzeJson_CarriesPartialMessages_Confidence_Alternatives_AndTheRetryChain()
    {
        var (exit, json, _) = CliRun.Run("analyze", ImperfectCaptures.Path("ikev2-ip-fragment-lost"), "--format", "json");
        Assert.Equal(0, exit);
        var sa = JsonDocument.Parse(json).RootElement.GetProperty("sas")[0];
        Assert.Equal("stalled", sa.GetProperty("outcome").GetString());
        Assert.Equal("seen", sa.GetProperty("outcomeConfidence").GetString());
        var partial = sa.GetProperty("messages").EnumerateArray().Where(m => m.TryGetProperty("partial", out _)).ToList();
        Assert.Equal(3, partial.Count);
        var p = partial[0].GetProperty("partial");
        Assert.Equal(("ipFragmentsMissing", 540, 1440),   // the first fragment: 552 data bytes less UDP (8) and the non-ESP marker (4)
            (p.GetProperty("cause").GetString(), p.GetProperty("capturedBytes").GetInt32(), p.GetProperty("messageBytes").GetInt32()));
        var pi103 = sa.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("code").GetString() == "PI103");
        Assert.Equal("medium", pi103.GetProperty("confidence").GetString());
        Assert.StartsWith("No IKE_AUTH response: the initiator sent", pi103.GetProperty("seen").GetString());
        Assert.True(pi103.GetProperty("alternatives").GetArrayLength() >= 2);

        var (_, chain, _) = CliRun.Run("analyze", ImperfectCaptures.Path("ikev2-three-attempts"), "--format", "json");
        var sas = JsonDocument.Parse(chain).RootElement.GetProperty("sas").EnumerateArray().ToList();
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Number, JsonValueKind.Number], sas.Select(s => s.GetProperty("retryOf").ValueKind));
        Assert.Equal(2, sas[0].GetProperty("retriedAs").GetInt32());
        Assert.Equal("newAttempt", sas[1].GetProperty("retryKind").GetString());
    }

    [Theory]
    [InlineData("ikev1-initiator-only", "messages were captured")]
    [InlineData("ikev2-request-then-capture-ends", "the capture ends 0.000000 s after IKE")]
    public void CaseReport_DrawsTheMissingReplyAsNotCaptured_NotAsNeverCame(string name, string why)
    {
        string dir = TestPaths.NewTempDir();
        foreach (string ext in new[] { "md", "html" })
        {
            string output = Path.Combine(dir, "case." + ext);
            Assert.Equal(0, CliRun.Run("report", ImperfectCaptures.Path(name), "-o", output).Exit);
            string report = File.ReadAllText(output);
            Assert.Contains("not in the capture", report);
            Assert.Contains(why, report);
            Assert.DoesNotContain("never came", report);
            Assert.DoesNotContain("never sent", report);
        }
    }

    [Fact]
    public void AnalyzeText_Csv_AndDissect_SayTheSame()
    {
        var (_, text, _) = CliRun.Run("analyze", ImperfectCaptures.Path("ikev1-initiator-only"));
        Assert.Contains("Captured         the initiator's messages only (one direction)", text);
        Assert.Contains("Not captured     responder's MM4, proven by MM5 (frame 3)", text);
        Assert.Contains("(inferred, medium confidence)", text);

        var (_, csv, _) = CliRun.Run("analyze", ImperfectCaptures.Path("ikev2-three-attempts"), "--format", "csv");
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(["", "1", "2"], rows.Select(r => r[^2]));   // retry_of
        Assert.Equal(["2", "3", ""], rows.Select(r => r[^1]));   // retried_as

        var (_, dissect, _) = CliRun.Run("dissect", ImperfectCaptures.Path("ikev1-snaplen-96"));
        Assert.Contains("PARTIAL (", dissect);
        Assert.DoesNotContain("MALFORMED", dissect);
    }
}
