using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Reference;

/// <summary>
/// PcapIke against Wireshark, field by field (SPIs, exchange type, flags, message ID, length, payload chain with
/// lengths, notify types, vendor IDs, CERT_REQ DNs), through the whole pipeline (reader, frame decoder, IP
/// reassembly, dissector). Two references: the stored <c>*.tshark.json</c> beside each third-party capture, and
/// tshark run now (installed by .ci/run) on every capture in captures/ and ../shared/captures/.
/// Deliberate differences are documented in docs/wireshark-differences.md; none of them touches these fields.
/// </summary>
public class DifferentialTests
{
    public static TheoryData<string> SharedCaptures()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestPaths.SharedCaptures).Where(IsCapture).OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    public static TheoryData<string> AllCaptures()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*", SearchOption.AllDirectories)
                     .Where(IsCapture).OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(TestPaths.RepoRoot, f));
        foreach (var f in Directory.EnumerateFiles(TestPaths.SharedCaptures).Where(IsCapture).OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(TestPaths.RepoRoot, f));
        return data;
    }

    private static bool IsCapture(string f) =>
        f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".cap", StringComparison.Ordinal) ||
        f.EndsWith(".pcapng", StringComparison.Ordinal) || f.EndsWith(".pcap.gz", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(SharedCaptures))]
    public void SharedCapture_MatchesStoredWiresharkDissection(string name)
    {
        string capture = Path.Combine(TestPaths.SharedCaptures, name);
        var expected = TsharkReference.Load(capture + ".tshark.json");
        var actual = PipelineReference.Dissect(capture, out var malformations);

        var diffs = DissectionComparer.Compare(expected, actual);
        Assert.True(diffs.Count == 0, DissectionComparer.Describe(diffs));
        Assert.Empty(malformations.Items);
    }

    [Theory]
    [MemberData(nameof(AllCaptures))]
    public void Capture_MatchesTsharkRunNow(string relativePath)
    {
        string capture = Path.Combine(TestPaths.RepoRoot, relativePath);
        string json = Tool.Run("tshark", "tshark", "-r", capture, "-T", "json", "-J", "isakmp");
        var expected = TsharkReference.Parse(json);
        var actual = PipelineReference.Dissect(capture, out var malformations);

        var diffs = DissectionComparer.Compare(expected, actual);
        Assert.True(diffs.Count == 0, DissectionComparer.Describe(diffs));
        Assert.Empty(malformations.Items);
    }

    [Fact]
    public void EveryReferenceHasIkeMessages_ExceptTheEspAhCapture()
    {
        // Guards the differential tests against comparing two empty lists everywhere.
        foreach (var name in Directory.EnumerateFiles(TestPaths.SharedCaptures).Where(IsCapture).Select(Path.GetFileName).OfType<string>())
        {
            var expected = TsharkReference.Load(Path.Combine(TestPaths.SharedCaptures, name + ".tshark.json"));
            if (name.StartsWith("IPsec_ESP-AH", StringComparison.Ordinal)) Assert.Empty(expected);
            else Assert.NotEmpty(expected);
        }
    }
}
