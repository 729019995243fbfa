using PcapIke.Model.Ios;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary>
/// Issue 14: <c>report --config</c> with a slightly damaged <c>show crypto pki certificates</c> paste ended in a
/// FormatException out of <c>IosDn.Parse</c> while <c>analyze</c> with the same files did not. It needs the CA's
/// name to come from the listing, i.e. a running-config without its certificate chains (as <c>show running-config
/// brief</c> prints it). The inputs are S2's files, edited here.
/// </summary>
public sealed class DamagedPasteReportTests
{
    private static string S2(string file) => Path.Combine(TestPaths.RepoRoot, "captures", "S2-ikev1-r2-initiates", file);

    /// <summary>R2's running-config without the <c>crypto pki certificate chain</c> blocks.</summary>
    private static string Brief(string config)
    {
        var kept = new List<string>();
        bool chain = false;
        foreach (string line in config.Split('\n'))
        {
            if (line.StartsWith("crypto pki certificate chain", StringComparison.Ordinal)) { chain = true; continue; }
            if (chain && (line.StartsWith(' ') || line.Trim() == "quit")) continue;
            chain = false;
            kept.Add(line);
        }
        return string.Join('\n', kept);
    }

    public static TheoryData<string, string, string> Damages() => new()
    {
        // the issue's two: an empty Associated Trustpoints value and a stray word before "Serial Number"
        { "empty-trustpoints-stray-word", "  Associated Trustpoints: IOSCA1", "  Associated Trustpoints:" },
        { "stray-word-serial", "    Serial Number: 101", "    x Serial Number: 101" },
        // what crashed report before the fix: an empty subject serial (serialNumber= with no value) …
        { "empty-serial", "    Serial Number: 101", "    Serial Number:" },
        // … and a stray word in the CA's subject RDN line (unknown attribute "x cn")
        { "stray-word-ca-dn", "  Subject:\n    cn=CA1", "  Subject:\n    x cn=CA1" },
        { "stray-word-before-serialNumber-rdn", "    serialNumber=101+", "    x serialNumber=101+" },
    };

    private static string[] Inputs(string dir, string damage, string find, string replace)
    {
        string listing = File.ReadAllText(S2("R2-show-crypto-pki-certificates.txt"));
        Assert.Contains(find, listing);
        File.WriteAllText(Path.Combine(dir, "R2-brief.txt"), Brief(File.ReadAllText(S2("R2-running-config.txt"))));
        File.WriteAllText(Path.Combine(dir, $"R2-show-{damage}.txt"), ReplaceFirst(listing, find, replace));
        return ["--keys", S2("ikev1_decryption_table"),
            "--config", S2("R1-running-config.txt"), "--config", S2("R1-show-crypto-pki-certificates.txt"),
            "--config", Path.Combine(dir, "R2-brief.txt"), "--config", Path.Combine(dir, $"R2-show-{damage}.txt")];
    }

    private static string ReplaceFirst(string s, string find, string replace)
    {
        int i = s.IndexOf(find, StringComparison.Ordinal);
        return s[..i] + replace + s[(i + find.Length)..];
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void Report_WithDamagedListing_WritesTheReport_AsAnalyzeReadsIt(string damage, string find, string replace)
    {
        string dir = TestPaths.NewTempDir();
        string[] inputs = Inputs(dir, damage, find, replace);
        foreach (string fmt in new[] { "md", "html" })
        {
            string outPath = Path.Combine(dir, "case." + fmt);
            var report = CliRun.Run(["report", S2("capture.pcap"), .. inputs, "-o", outPath]);
            Assert.True(report.Exit == 0, $"{damage} {fmt}: exit {report.Exit}: {report.Err}");
            string text = File.ReadAllText(outPath);
            Assert.Contains("MM5", text);
        }
        var analyze = CliRun.Run(["analyze", S2("capture.pcap"), .. inputs]);
        Assert.Equal(0, analyze.Exit);
        // The model ran on the tolerant input: no "could not be applied" (PI604 of an exception) for either.
        Assert.DoesNotContain("could not be applied", analyze.Out);
        Assert.DoesNotContain("FormatException", analyze.Out);
    }

    [Fact]
    public void DamagedCaName_IsANotedProblem_AndThePlaceholderStandsIn()
    {
        string dir = TestPaths.NewTempDir();
        Inputs(dir, "stray-word-ca-dn", "  Subject:\n    cn=CA1", "  Subject:\n    x cn=CA1");
        var texts = new[] { S2("R1-running-config.txt"), S2("R1-show-crypto-pki-certificates.txt"),
                Path.Combine(dir, "R2-brief.txt"), Path.Combine(dir, "R2-show-stray-word-ca-dn.txt") }
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToList();
        var built = IosScenarioBuilder.Build(texts, null);
        Assert.Contains(built.Notes, n => n.Kind == IosNoteKind.Problem && n.Text.Contains("is not a distinguished name (unknown attribute \"x cn\")"));
        // Every CA subject the model hands the forge encodes.
        Assert.All(built.Scenario.Cas, c => Assert.True(PcapIke.Model.IosDn.IsValid(c.Subject), c.Subject));
    }

    [Fact]
    public void EmptySubjectSerial_IsNotASerial()
    {
        string listing = ReplaceFirst(File.ReadAllText(S2("R2-show-crypto-pki-certificates.txt")), "    Serial Number: 101", "    Serial Number:");
        var parsed = IosShowParser.ParseCertificates(listing, "R2-show.txt");
        Assert.Null(parsed.Entries[0].SubjectSerialNumber);
        Assert.Equal("101", parsed.Entries[1].SubjectSerialNumber);
    }

    /// <summary>Found by AFL++ in CI (fuzz/corpus/crashes/ios/8f92ed6e1d881e93, ee7c518ebf5b9d98): a name with a DN
    /// separator became other attributes once written into a DN. A trustpoint named <c>+OSCA2</c> with no certificate
    /// gave the placeholder CA <c>cn=+OSCA2</c> (an empty cn and a bare "OSCA2"); <c>subject-name CN=R1,\U=IT</c>
    /// (one cn, "R1,U=IT") was normalised to <c>cn=R1,U=IT</c> (an unknown attribute U). Both are escaped now.</summary>
    [Fact]
    public void Names_with_DN_separators_stay_one_attribute_value()
    {
        Assert.Equal(@"cn=R1\,U=IT,o=cisco", PcapIke.Model.IosDn.Normalize(@"CN=R1,\U=IT,O=cisco"));
        Assert.Equal([["cn=R1,U=IT"], ["o=cisco"]],
            PcapIke.Model.IosDn.Parse(PcapIke.Model.IosDn.Normalize(@"CN=R1,\U=IT,O=cisco")).Select(r => r.Select(a => $"{a.Key}={a.Value}").ToArray()).ToArray());
        Assert.Equal(@"a\+b\\c\,d", PcapIke.Model.IosDn.EscapeValue(@"a+b\c,d"));
        // fuzz/corpus/crashes/ios/b46002fc586e22ab: a CA name with an attribute type no table names, as the
        // certificate decoder prints it (a dotted OID, RFC 4514 §3), is written back with that OID
        var oidName = PcapIke.Model.IosDn.Parse("2.5.4.0=CA1,o=cisco,cn=x,1.3.6.1.4.1.9.2=y");
        Assert.Equal(["2.5.4.0", "2.5.4.10", "2.5.4.3", "1.3.6.1.4.1.9.2"], oidName.Select(r => r[0].Oid.Id).ToArray());
        Assert.True(PcapIke.Model.IosDn.IsValid("2.5.4.0=CA1,o=cisco,o=com"));
        Assert.Equal("2.5.4.0=CA1,o=cisco,o=com", PcapIke.Model.IosDn.Normalize("2.5.4.0=CA1,O=cisco,O=com"));
        Assert.False(PcapIke.Model.IosDn.IsValid("3.1=x"));     // the first arc is 0, 1 or 2
        Assert.False(PcapIke.Model.IosDn.IsValid("2.=x"));

        string r1 = File.ReadAllText(S2("R1-running-config.txt"))
            .Replace("crypto pki trustpoint IOSCA2", "crypto pki trustpoint +OSCA2")
            .Replace("crypto pki trustpoint IOSCA1\n enrollment url http://192.168.0.3:80", "crypto pki trustpoint IOSCA1\n enrollment url http://192.168.0.3:80");
        r1 = ReplaceFirst(r1, " subject-name CN=R1,OU=IT,O=cisco,O=com", @" subject-name CN=R1,\U=IT,O=cisco,O=com");
        var texts = new[] { ("R1-running-config.txt", r1), ("R2-running-config.txt", File.ReadAllText(S2("R2-running-config.txt"))) }.ToList();
        var built = IosScenarioBuilder.Build(texts, null);
        Assert.Contains(built.Scenario.Cas, c => c.Name == "+OSCA2" && c.Subject == @"cn=\+OSCA2");
        Assert.All(built.Scenario.Cas, c => Assert.True(PcapIke.Model.IosDn.IsValid(c.Subject), c.Subject));
        foreach (var router in built.Scenario.Routers)
            foreach (var tp in router.Trustpoints)
                Assert.Null(PcapIke.Model.IosDn.Problem(PcapIke.Forge.ForgedPki.IdentitySubject(tp)));
        var tp1 = built.Scenario.Routers.Single(r => r.Name == "R1").Trustpoints.Single(t => t.Name == "IOSCA1");
        Assert.Contains(@"cn=R1\,U=IT", PcapIke.Forge.ForgedPki.IdentitySubject(tp1));
    }
}
