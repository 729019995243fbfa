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

/// <summary>Found by AFL++ (fuzz/corpus/crashes/ios/b2f6866617eaa8a4): a CA certificate in a configuration whose name
/// has an attribute type the certificate decoder prints but <see cref="PcapIke.Model.IosDn"/> did not read (<c>sn</c>,
/// surname) was handed to the forge, which could not encode it. <c>IosDn</c> now reads every key the decoder prints,
/// and a name that still does not parse as shown (a value holding <c>+</c>) is written again from the certificate's
/// own DER with escapes.</summary>
public sealed class CertificateNameRoundTripTests
{
    private static string S2(string file) => Path.Combine(TestPaths.RepoRoot, "captures", "S2-ikev1-r2-initiates", file);

    /// <summary>A self-signed CA certificate (ECDSA P-256) with the given name, as IOS lists it in a certificate
    /// chain: hex in groups of 8, 8 groups a line.</summary>
    private static (byte[] Der, string Hex) Certificate(Org.BouncyCastle.Asn1.X509.X509Name name)
    {
        var keys = new Org.BouncyCastle.Crypto.Generators.ECKeyPairGenerator();
        keys.Init(new Org.BouncyCastle.Crypto.Parameters.ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1,
            new Org.BouncyCastle.Security.SecureRandom()));
        var pair = keys.GenerateKeyPair();
        var g = new Org.BouncyCastle.X509.X509V3CertificateGenerator();
        g.SetSerialNumber(Org.BouncyCastle.Math.BigInteger.One);
        g.SetIssuerDN(name);
        g.SetSubjectDN(name);
        g.SetNotBefore(new DateTime(2013, 6, 17, 0, 0, 0, DateTimeKind.Utc));
        g.SetNotAfter(new DateTime(2016, 6, 16, 0, 0, 0, DateTimeKind.Utc));
        g.SetPublicKey(pair.Public);
        byte[] der = g.Generate(new Org.BouncyCastle.Crypto.Operators.Asn1SignatureFactory("SHA256WITHECDSA", pair.Private)).GetEncoded();
        string hex = Convert.ToHexString(der);
        var lines = Enumerable.Range(0, (hex.Length + 63) / 64).Select(i => hex.Substring(i * 64, Math.Min(64, hex.Length - i * 64)))
            .Select(l => "  " + string.Join(' ', Enumerable.Range(0, (l.Length + 7) / 8).Select(j => l.Substring(j * 8, Math.Min(8, l.Length - j * 8)))));
        return (der, string.Join('\n', lines));
    }

    private static Org.BouncyCastle.Asn1.X509.X509Name Name(params (Org.BouncyCastle.Asn1.DerObjectIdentifier Oid, string Value)[] mostSpecificLast)
    {
        var seq = new Org.BouncyCastle.Asn1.Asn1EncodableVector();
        foreach (var (oid, value) in mostSpecificLast)
            seq.Add(new Org.BouncyCastle.Asn1.DerSet(new Org.BouncyCastle.Asn1.DerSequence(oid, new Org.BouncyCastle.Asn1.DerUtf8String(value))));
        return Org.BouncyCastle.Asn1.X509.X509Name.GetInstance(new Org.BouncyCastle.Asn1.DerSequence(seq));
    }

    [Fact]
    public void Every_key_the_decoder_prints_is_read_back()
    {
        var name = Name((Org.BouncyCastle.Asn1.X509.X509Name.DC, "com"), (Org.BouncyCastle.Asn1.X509.X509Name.DC, "example"),
            (Org.BouncyCastle.Asn1.X509.X509Name.Street, "1 Main St"), (Org.BouncyCastle.Asn1.X509.X509Name.T, "Dr"),
            (Org.BouncyCastle.Asn1.X509.X509Name.Surname, "Smith"), (Org.BouncyCastle.Asn1.X509.X509Name.GivenName, "Ann"),
            (Org.BouncyCastle.Asn1.X509.X509Name.Initials, "AS"), (Org.BouncyCastle.Asn1.X509.X509Name.UID, "asmith"),
            (Org.BouncyCastle.Asn1.X509.X509Name.SerialNumber, "42"), (new Org.BouncyCastle.Asn1.DerObjectIdentifier("2.5.4.65"), "pseudo"),
            (Org.BouncyCastle.Asn1.X509.X509Name.CN, "CA1"));
        byte[] der = name.GetEncoded();
        Assert.True(PcapIke.Ike.DistinguishedName.TryDecode(der, out var dn));
        string shown = dn!.ToIosString();
        Assert.Equal("cn=CA1,2.5.4.65=pseudo,serialNumber=42,uid=asmith,initials=AS,gn=Ann,sn=Smith,t=Dr,street=1 Main St,dc=example,dc=com", shown);
        var parsed = PcapIke.Model.IosDn.Parse(shown);
        Assert.Equal(name.GetOidList().Reverse().Select(o => o.Id), parsed.Select(r => r.Single().Oid.Id));
        Assert.Equal(name.GetValueList().Reverse(), parsed.Select(r => r.Single().Value));
        // domainComponent is an IA5String (RFC 4519 §2.4) when written again
        var written = Org.BouncyCastle.Asn1.X509.X509Name.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(PcapIke.Model.IosDn.ToDer(shown)));
        Assert.Equal(shown, PcapIke.Model.IosDn.FromDer(written.GetEncoded()));
        Assert.IsType<Org.BouncyCastle.Asn1.DerIA5String>(((Org.BouncyCastle.Asn1.Asn1Sequence)((Org.BouncyCastle.Asn1.Asn1Set)((Org.BouncyCastle.Asn1.Asn1Sequence)written.ToAsn1Object())[0])[0])[1]);
    }

    [Fact]
    public void FromDer_escapes_separators_and_refuses_what_is_not_a_name()
    {
        byte[] der = Name((Org.BouncyCastle.Asn1.X509.X509Name.O, @"a\b"), (Org.BouncyCastle.Asn1.X509.X509Name.CN, "CA+1, cn=x")).GetEncoded();
        string? written = PcapIke.Model.IosDn.FromDer(der);
        Assert.Equal(@"cn=CA\+1\, cn=x,o=a\\b", written);
        Assert.Equal([["CA+1, cn=x"], [@"a\b"]], PcapIke.Model.IosDn.Parse(written!).Select(r => r.Select(a => a.Value).ToArray()).ToArray());
        Assert.Null(PcapIke.Model.IosDn.FromDer([0x30, 0x03, 0x02, 0x01, 0x05]));          // a SEQUENCE of an INTEGER
        Assert.Null(PcapIke.Model.IosDn.FromDer([0x30, 0x80, 0xFF]));                       // not DER
        Assert.Null(PcapIke.Model.IosDn.FromDer([]));
        var octets = new Org.BouncyCastle.Asn1.DerSequence(new Org.BouncyCastle.Asn1.DerSet(new Org.BouncyCastle.Asn1.DerSequence(
            Org.BouncyCastle.Asn1.X509.X509Name.CN, new Org.BouncyCastle.Asn1.DerOctetString([1, 2]))));
        Assert.Null(PcapIke.Model.IosDn.FromDer(octets.GetEncoded()));                   // a value that is not a string
    }

    [Theory]
    [InlineData("sn")]     // the fuzz input's case: a surname the model could not read
    [InlineData("plus")]   // a value holding '+', which splits an RDN when read as shown
    public void A_CA_certificate_name_from_a_configuration_reaches_the_forge_encodable(string kind)
    {
        var name = kind == "sn"
            ? Name((Org.BouncyCastle.Asn1.X509.X509Name.O, "com"), (Org.BouncyCastle.Asn1.X509.X509Name.Surname, "Smith"), (Org.BouncyCastle.Asn1.X509.X509Name.CN, "CA1"))
            : Name((Org.BouncyCastle.Asn1.X509.X509Name.O, "com"), (Org.BouncyCastle.Asn1.X509.X509Name.CN, "CA+1"));
        var (_, hex) = Certificate(name);
        string r1 = File.ReadAllText(S2("R1-running-config.txt"));
        int chain = r1.IndexOf("crypto pki certificate chain IOSCA1", StringComparison.Ordinal);
        int ca = r1.IndexOf(" certificate ca 01\n", chain, StringComparison.Ordinal) + " certificate ca 01\n".Length;
        int quit = r1.IndexOf("  \tquit", ca, StringComparison.Ordinal);
        r1 = r1[..ca] + hex + "\n" + r1[quit..];
        var built = PcapIke.Model.Ios.IosScenarioBuilder.Build([("R1-running-config.txt", r1), ("R2-running-config.txt", File.ReadAllText(S2("R2-running-config.txt")))], null);
        Assert.All(built.Scenario.Cas, c => Assert.Null(PcapIke.Model.IosDn.Problem(c.Subject)));
        if (kind == "sn")
            Assert.Contains(built.Scenario.Cas, c => c.Subject == "cn=CA1,sn=Smith,o=com");
        else
        {
            var spec = Assert.Single(built.Scenario.Cas, c => c.Subject == @"cn=CA\+1,o=com");
            Assert.Equal("CA+1", PcapIke.Model.IosDn.Parse(spec.Subject)[0].Single().Value);
            Assert.Contains(built.Notes, n => n.Kind == PcapIke.Model.Ios.IosNoteKind.Approximation
                && n.Text.Contains(@"is written again from the certificate's own name, with escapes: cn=CA\+1,o=com", StringComparison.Ordinal));
        }
    }
}
