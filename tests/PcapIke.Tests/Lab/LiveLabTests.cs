using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PacketDotNet;
using PcapIke.Cli;
using PcapIke.Decryption;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Ike;
using PcapIke.Pipeline;
using SharpPcap;
using SharpPcap.LibPcap;
using static PcapIke.Tests.Cli.CliRun;
using PcapIke.Analysis;

namespace PcapIke.Tests.Lab;

/// <summary>
/// Issue 5, "real peers in CI": PcapIke on captures that .ci/run records moments before the tests, between two
/// strongSwan daemons in network namespaces (see <see cref="LiveLab"/>). Every expected value comes from the
/// recording itself: the certificates the script issued (read with .NET), what it configured (scenarios.tsv), what
/// charon logged it generated and selected, and what tshark decrypts with the same key tables.
/// </summary>
public class LiveLabTests
{
    private const string MoonIp = "192.0.2.1", SunIp = "192.0.2.2";
    private const byte Sk = 46, Skf = 53;

    public static TheoryData<string> Scenarios => new(LiveLab.Recorded);

    public static TheoryData<string> EstablishedScenarios =>
        new(LiveLab.Recorded.Where(id => id != "ikev2-untrusted-ca"));

    private static AnalyzedSa Analyze(Scenario s, CaCatalog? cas = null)
    {
        var a = CaptureAnalyzer.Analyze(s.Capture, new AnalysisOptions { Keys = KeyRing.Load([s.KeyTable]), Cas = cas ?? new CaCatalog() });
        Assert.Empty(a.Malformations);
        return Assert.Single(a.Sas);
    }

    private static bool SentBy(DissectedMessage m, string ip) => m.Source.Address.ToString() == ip;

    private static string DnsName(X509Certificate2 c) =>
        Assert.Single(c.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());

    /// <summary>The CA file a peer certificate file was issued from: moon-ca2.pem → ca2.pem.</summary>
    private static string IssuingCaFile(string certFile) => certFile[(certFile.IndexOf('-') + 1)..];

    private static bool IsFragmentWithoutMessage(DissectedMessage m) => m.Decryption is { Fragment: not null, Inner: null };

    /// <summary>INFORMATIONAL (IKEv2 37, IKEv1 5): charon may send one (a MOBIKE address update, whose response is
    /// empty) within the second tcpdump keeps recording after the negotiation.</summary>
    private static bool IsInformational(byte exchangeType) => exchangeType is 37 or 5;

    // ---------------------------------------------------------------------------------------------------------------

    [LiveLabFact]
    public void Recording_HoldsEveryScenario_InTheShapeOfTheCommittedCaptures()
    {
        foreach (string id in new[] { "ikev2-aes-gcm", "ikev2-aes-cbc", "ikev1-main-mode", "ikev2-untrusted-ca" })
            Assert.True(LiveLab.Recorded.Contains(id), id);
        foreach (string id in LiveLab.Recorded)
        {
            Scenario s = LiveLab.Get(id);
            // the same files as the committed captures/strongswan-<id>/ (fixtures of other tests)
            string committed = Path.Combine(TestSupport.TestPaths.RepoRoot, "captures", "strongswan-" + id);
            Assert.Equal(Directory.GetFiles(committed).Select(Path.GetFileName).Order(),
                Directory.GetFiles(s.Dir).Select(Path.GetFileName).Order());
            // the folder's CA files are the run's CAs (the ones that issued the peers' certificates)
            foreach (string ca in new[] { "ca1.pem", "ca2.pem" })
                Assert.Equal(LiveLab.Cert(ca).RawData, X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(s.Dir, ca))).RawData);
            Assert.Contains("generating", File.ReadAllText(s.MoonLog));
            Assert.Contains("generating", File.ReadAllText(s.SunLog));
            // the trimmed logs and key table folder hold no private key
            Assert.All(Directory.GetFiles(s.Dir), f => Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(f)));
        }
    }

    /// <summary>No frame on the veth link (the unfiltered capture of the whole run of a scenario) names an address
    /// outside the pair: IPv4 between 192.0.2.1 and 192.0.2.2 and ARP between them, nothing else. Read with
    /// SharpPcap/PacketDotNet, not with PcapIke.</summary>
    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Wire_OnlyTheVethPairsAddressesAreEverUsed(string id)
    {
        Scenario s = LiveLab.Get(id);
        string[] pair = [MoonIp, SunIp];
        using var dev = new CaptureFileReaderDevice(Path.Combine(LiveLab.Meta, id + ".wire.pcap"));
        dev.Open();
        int ipv4 = 0, arp = 0;
        while (dev.GetNextPacket(out PacketCapture e) == GetPacketStatus.PacketRead)
        {
            var raw = e.GetPacket();
            Assert.Equal(LinkLayers.Ethernet, raw.LinkLayerType);
            var eth = Assert.IsType<EthernetPacket>(raw.GetPacket());
            switch (eth.PayloadPacket)
            {
                case IPv4Packet ip:
                    Assert.Contains(ip.SourceAddress.ToString(), pair);
                    Assert.Contains(ip.DestinationAddress.ToString(), pair);
                    ipv4++;
                    break;
                case ArpPacket a:
                    Assert.Contains(a.SenderProtocolAddress.ToString(), pair);
                    Assert.Contains(a.TargetProtocolAddress.ToString(), pair);
                    arp++;
                    break;
                default:
                    Assert.Fail($"{id}: frame of type {eth.Type} on the link");
                    break;
            }
        }
        var (messages, _) = LiveLab.Dissect(s);
        Assert.True(ipv4 >= messages.Count, $"{ipv4} IPv4 frames on the link, {messages.Count} IKE messages captured");
        Assert.True(arp >= 1);
    }

    /// <summary>IKE_SA_INIT / MM1–MM4 are clear; every later message is encrypted and decrypts with the key table the
    /// script built from charon's log (its SPIs are the capture's), to a well-formed payload chain.</summary>
    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Decryption_EveryMessageAfterTheKeyExchange_DecryptsWithTheTableFromCharonsLog(string id)
    {
        Scenario s = LiveLab.Get(id);
        var (messages, malformations) = LiveLab.Dissect(s);
        Assert.Empty(malformations.Items);
        string[] table = File.ReadAllLines(s.KeyTable).First(l => l.Length > 0).Split(',');
        Assert.All(messages, m => Assert.Equal(table[0], m.Ike.InitiatorSpiHex));
        if (s.Version == 2)
            Assert.All(messages.Skip(1), m => Assert.Equal(table[1], m.Ike.ResponderSpiHex));

        int clearCount = s.Version == 2 ? 2 : 4;   // IKE_SA_INIT request/response; MM1..MM4
        var clear = messages.Take(clearCount).ToList();
        var later = messages.Skip(clearCount).ToList();
        Assert.Equal(clearCount, clear.Count);
        Assert.NotEmpty(later);
        foreach (var m in clear)
        {
            Assert.Equal(s.Version == 2 ? (byte)ExchangeType.IKE_SA_INIT : (byte)2, m.Ike.ExchangeTypeRaw);
            Assert.False(m.Ike.IsEncrypted || m.Ike.EncryptionFlag, $"frame {m.Frame}");
            Assert.Null(m.Decryption);
        }
        foreach (var m in later)
        {
            Assert.True(s.Version == 2 ? m.Ike.IsEncrypted : m.Ike.EncryptionFlag, $"frame {m.Frame} is not encrypted");
            Assert.True(m.Decryption is { IsOk: true }, $"frame {m.Frame}: {m.Decryption?.StatusText ?? "not decrypted"}");
            if (IsFragmentWithoutMessage(m)) continue;
            Assert.NotNull(m.Decryption!.Inner);
            Assert.False(m.Decryption.Inner!.IsMalformed, $"frame {m.Frame}: {string.Join("; ", m.Decryption.Inner.Malformations)}");
            if (!IsInformational(m.Ike.ExchangeTypeRaw)) Assert.NotEmpty(m.Decryption.Inner.Payloads);
        }
        // SKF: every fragmented message was reassembled, on its last fragment
        var fragments = later.Where(m => m.Decryption!.Fragment is not null).ToList();
        Assert.Equal(fragments.Select(m => (m.Ike.MessageId, m.Ike.IsResponse)).Distinct().Count(),
            fragments.Count(m => m.Decryption!.Inner is not null));
        Assert.Equal(id == "ikev2-skf", fragments.Count > 0);
    }

    /// <summary>Each message PcapIke read (clear, decrypted, reassembled) is the one charon logged it generated: same
    /// exchange, message ID, request/response, payload types in order and notify types — and every message of the
    /// negotiation charon generated is in the capture.</summary>
    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Decryption_EachMessageCarriesThePayloadsCharonGenerated(string id)
    {
        Scenario s = LiveLab.Get(id);
        var (messages, _) = LiveLab.Dissect(s);
        foreach (var (ip, log) in new[] { (MoonIp, s.MoonLog), (SunIp, s.SunLog) })
        {
            var generated = CharonMessage.Generated(log);
            var sent = messages.Where(m => SentBy(m, ip) && !IsFragmentWithoutMessage(m)).DistinctBy(m => m.ContentHash).ToList();
            Assert.NotEmpty(sent);
            Assert.True(sent.Count <= generated.Count, $"{ip}: {sent.Count} messages captured, charon generated {generated.Count}");
            for (int i = 0; i < sent.Count; i++)
            {
                CharonMessage g = generated[i];
                DissectedMessage m = sent[i];
                string where = $"{id} frame {m.Frame} vs charon '{g}'";
                Assert.True(CharonMessage.ExchangeTypeOf(g.Exchange) == m.Ike.ExchangeTypeRaw, where);
                Assert.True(g.MessageId == m.Ike.MessageId, where);
                if (s.Version == 2) Assert.True(g.IsResponse == m.Ike.IsResponse, where);
                Assert.True(LiveLab.Hex(g.PayloadTypes(s.Version)) == LiveLab.Hex(LiveLab.VisibleTypes(m).Where(t => t is not (Sk or Skf))),
                    $"{where}: PcapIke shows {LiveLab.Hex(LiveLab.VisibleTypes(m))}");
                var charonNotifies = g.Payloads.Where(p => p.StartsWith("N(", StringComparison.Ordinal)).Select(p => NotifyType(p[2..^1], s.Version));
                var notifies = m.VisiblePayloads.Select(p => p.Details).OfType<NotifyDetails>().Select(n => n.TypeRaw);
                Assert.True(charonNotifies.SequenceEqual(notifies), $"{where}: notifies {string.Join(",", notifies)}");
            }
            // what the capture lacks is only what charon sent after tcpdump stopped: the DELETEs of the shutdown
            Assert.All(generated.Skip(sent.Count), g => Assert.StartsWith("INFORMATIONAL", g.Exchange));
        }
    }

    /// <summary>strongSwan's notify short names (src/libcharon/encoding/payloads/notify_payload.c) → notify type.</summary>
    private static ushort NotifyType(string shortName, int version) => (version, shortName) switch
    {
        (1, "INITIAL_CONTACT") => 24578,
        (2, "AUTH_FAILED") => 24,
        (2, "INIT_CONTACT") => 16384,
        (2, "MULT_AUTH") => 16404,
        (2, "MOBIKE_SUP") => 16396,
        (2, "NO_ADD_ADDR") => 16399,
        (2, "NATD_S_IP") => 16388,
        (2, "NATD_D_IP") => 16389,
        (2, "REDIR_SUP") => 16406,
        (2, "EAP_ONLY") => 16417,
        (2, "CHDLESS_SUP") => 16418,
        (2, "MSG_ID_SYN_SUP") => 16420,
        (2, "FRAG_SUP") => 16430,
        (2, "HASH_ALG") => 16431,
        _ => throw new InvalidOperationException($"charon notify {shortName} (IKEv{version}) not mapped"),
    };

    /// <summary>The certificates PcapIke finds in the decrypted messages are byte for byte the ones the script issued
    /// (moon's from the CA the scenario names, sun's from Lab CA1), each in a message of its sender; the analysis names
    /// their subjects, issuers and the peers' IDs (the certificates' subjectAltName).</summary>
    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Certificates_FoundAreTheOnesTheScriptIssued(string id)
    {
        Scenario s = LiveLab.Get(id);
        X509Certificate2 moon = LiveLab.Cert(s.MoonCertFile), sun = LiveLab.Cert(s.SunCertFile);
        X509Certificate2 moonCa = LiveLab.Cert(IssuingCaFile(s.MoonCertFile)), sunCa = LiveLab.Cert(IssuingCaFile(s.SunCertFile));
        // what the script issued, checked with .NET: moon/sun certificates signed by Lab CA<n>
        Assert.Equal("moon.lab.example", LiveLab.CommonName(moon.SubjectName));
        Assert.Equal("sun.lab.example", LiveLab.CommonName(sun.SubjectName));
        Assert.Equal(id == "ikev2-untrusted-ca" ? "Lab CA2" : "Lab CA1", LiveLab.CommonName(moonCa.SubjectName));
        Assert.Equal("Lab CA1", LiveLab.CommonName(sunCa.SubjectName));
        foreach (var (leaf, ca) in new[] { (moon, moonCa), (sun, sunCa) })
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(leaf), $"{leaf.Subject} does not chain to {ca.Subject}");
        }

        var (messages, _) = LiveLab.Dissect(s);
        var fromMoon = messages.Where(m => SentBy(m, MoonIp)).SelectMany(m => m.Certificates).ToList();
        var fromSun = messages.Where(m => SentBy(m, SunIp)).SelectMany(m => m.Certificates).ToList();
        Assert.Equal(moon.RawData, Assert.Single(fromMoon));
        if (s.Established) Assert.Equal(sun.RawData, Assert.Single(fromSun));
        else Assert.Empty(fromSun);   // the responder rejected moon before sending its own
        // in the message that carries the authentication (IKE_AUTH, or MM5/MM6)
        Assert.All(messages.Where(m => m.Certificates.Count > 0),
            m => Assert.Equal(s.Version == 2 ? (byte)ExchangeType.IKE_AUTH : (byte)2, m.Ike.ExchangeTypeRaw));

        var sa = Analyze(s);
        Assert.Equal(LiveLab.Rfc4514(moon.SubjectName), sa.Sa.InitiatorCertificate);
        Assert.Equal(LiveLab.Rfc4514(moonCa.SubjectName), sa.Sa.InitiatorCertificateIssuer);
        Assert.Equal(DnsName(moon), sa.Sa.InitiatorId);
        Assert.Equal(DnsName(sun), sa.Sa.ResponderId);   // from sun's IDr, or the IDr moon asked for
        Assert.Equal(!s.Established, sa.Sa.ResponderIdFromRequest);
        if (s.Established)
        {
            Assert.Equal(LiveLab.Rfc4514(sun.SubjectName), sa.Sa.ResponderCertificate);
            Assert.Equal(LiveLab.Rfc4514(sunCa.SubjectName), sa.Sa.ResponderCertificateIssuer);
        }
        else
        {
            Assert.Null(sa.Sa.ResponderCertificate);
            Assert.Null(sa.Sa.ResponderCertificateIssuer);
        }
    }

    /// <summary>IKEv2 AES-GCM and AES-CBC/HMAC (and SKF, IP fragments): IKE_SA_INIT + IKE_AUTH established; IKEv1: Main
    /// Mode + Quick Mode established — as both charon daemons logged, with the proposal the responder logged it
    /// selected, and no retransmission unless charon logged one.</summary>
    [LiveLabTheory]
    [MemberData(nameof(EstablishedScenarios))]
    public void Analysis_EstablishedAsBothCharonsLogged_WithTheProposalTheResponderSelected(string id)
    {
        Scenario s = LiveLab.Get(id);
        string moonLog = File.ReadAllText(s.MoonLog), sunLog = File.ReadAllText(s.SunLog);
        string moonId = DnsName(LiveLab.Cert(s.MoonCertFile)), sunId = DnsName(LiveLab.Cert(s.SunCertFile));
        Assert.Contains($"IKE_SA lab[1] established between {MoonIp}[{moonId}]...{SunIp}[{sunId}]", moonLog);
        Assert.Contains($"IKE_SA lab[1] established between {SunIp}[{sunId}]...{MoonIp}[{moonId}]", sunLog);
        Assert.Contains("CHILD_SA net{1} established", moonLog);
        Assert.Contains("CHILD_SA net{1} established", sunLog);

        var sa = Analyze(s);
        Assert.Equal(s.Version, sa.Sa.Version);
        Assert.Equal(SaOutcome.Established, sa.Sa.Outcome);
        Assert.DoesNotContain("decrypt to confirm", sa.Sa.OutcomeDetail);
        Assert.DoesNotContain("not verified", sa.Sa.OutcomeDetail);
        var negotiation = sa.Sa.Messages.Where(m => !IsInformational(m.Message.Ike.ExchangeTypeRaw)).ToList();
        string[] steps = negotiation.Select(m => m.Step).Distinct().ToArray();
        if (s.Version == 2)
            Assert.Equal(["IKE_SA_INIT request", "IKE_SA_INIT response", "IKE_AUTH request", "IKE_AUTH response"], steps);
        else
            Assert.Equal(["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "QM1", "QM2", "QM3"], steps);
        if (negotiation.Count == sa.Sa.Messages.Count) Assert.Equal(steps[^1], sa.Sa.LastStep);
        Assert.DoesNotContain(sa.Findings, f => f.Code is FindingCode.ErrorNotify or FindingCode.FailedInsideEncryptedMessage);
        Assert.DoesNotContain(sa.Sa.Notifies, n => n.IsError);
        Assert.Equal(sunLog.Split('\n').Count(l => l.Contains("retransmit ", StringComparison.Ordinal))
                     + moonLog.Split('\n').Count(l => l.Contains("retransmit ", StringComparison.Ordinal)), sa.Sa.Retransmissions);

        // "selected proposal: IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256" (charon's names)
        string selected = sunLog.Split('\n').First(l => l.Contains("selected proposal: IKE:", StringComparison.Ordinal));
        string[] t = selected[(selected.IndexOf("IKE:", StringComparison.Ordinal) + 4)..].Trim().Split('/');
        ProposalView chosen = sa.Sa.Chosen!;
        int cut = t[0].LastIndexOf('_');
        Assert.EndsWith(t[0][..cut], chosen.Encryption!);                  // AES_CBC / AES_GCM_16
        Assert.Equal(int.Parse(t[0][(cut + 1)..]), chosen.KeyLength);     // 128 / 256
        Assert.Equal(t[^1], chosen.DhGroup);                              // MODP_2048 / ECP_256
        string? integrity = t.FirstOrDefault(x => x.StartsWith("HMAC_", StringComparison.Ordinal));
        if (s.Version == 2)
        {
            Assert.Equal(integrity is null ? null : "AUTH_" + integrity, chosen.Integrity);
            Assert.Equal(t.Single(x => x.StartsWith("PRF_", StringComparison.Ordinal)), chosen.Prf);
        }
        else
        {
            Assert.Equal(integrity switch { "HMAC_SHA1_96" => "SHA", var other => other }, chosen.Integrity);
            Assert.Equal("RSA_Signatures", chosen.AuthMethod);
        }
        if (id == "ikev2-aes-gcm") Assert.Null(chosen.Integrity);   // AEAD: no integrity transform
    }

    /// <summary>The responder trusts only Lab CA1, moon presents its Lab CA2 certificate: PcapIke names the failure
    /// (AUTHENTICATION_FAILED in the decrypted IKE_AUTH response, as sun logged it sent) and that moon signed with a
    /// certificate from a CA that is not among those the responder asked for (its CERTREQ, the CAs it trusts).</summary>
    [LiveLabFact]
    public void UntrustedCa_FailureNamed_AuthenticationFailed_InitiatorCertificateFromACaTheResponderDoesNotTrust()
    {
        Scenario s = LiveLab.Get("ikev2-untrusted-ca");
        X509Certificate2 moon = LiveLab.Cert(s.MoonCertFile);
        X509Certificate2 moonCa = LiveLab.Cert(IssuingCaFile(s.MoonCertFile));
        var trusted = s.SunTrusts.Select(LiveLab.Cert).ToList();
        Assert.DoesNotContain(IssuingCaFile(s.MoonCertFile), s.SunTrusts);   // the scenario as configured
        string sunLog = File.ReadAllText(s.SunLog), moonLog = File.ReadAllText(s.MoonLog);
        Assert.Contains("generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]", sunLog);
        Assert.Contains($"issuer is \"{LiveLab.CharonDn(moonCa.SubjectName)}\"", sunLog);
        Assert.Contains("received AUTHENTICATION_FAILED notify error", moonLog);

        var cas = CaCatalog.Load([Path.Combine(LiveLab.Meta, "ca1.pem"), Path.Combine(LiveLab.Meta, "ca2.pem")]);
        var sa = Analyze(s, cas);
        Assert.Equal(SaOutcome.Failed, sa.Sa.Outcome);
        Assert.Equal("IKE_AUTH response", sa.Sa.LastStep);
        Assert.Equal("notify AUTHENTICATION_FAILED at IKE_AUTH response", sa.Sa.OutcomeDetail);
        SaMessage response = sa.Sa.Messages.Single(m => m.Step == "IKE_AUTH response");
        NotifyEntry error = Assert.Single(sa.Sa.Notifies, n => n.IsError);
        Assert.Equal((response.Frame, Role.Responder, "IKE_AUTH response", (ushort)24, "AUTHENTICATION_FAILED"),
            (error.Frame, error.Sender, error.Step, error.TypeRaw, error.TypeName));

        Finding pi301 = Assert.Single(sa.Findings, f => f.Code == FindingCode.ErrorNotify);
        Assert.Equal([response.Frame], pi301.Frames);
        Assert.Contains("AUTHENTICATION_FAILED", pi301.Message);
        Assert.DoesNotContain(sa.Findings, f => f.Code == FindingCode.FailedInsideEncryptedMessage);

        // the responder's CERTREQ asks for exactly the CAs it trusts (hashes computed here with .NET, RFC 7296 §3.7:
        // SHA-1 of the CA's SubjectPublicKeyInfo) ...
        Assert.Equal(trusted.Select(c => Convert.ToHexStringLower(SHA1.HashData(c.PublicKey.ExportSubjectPublicKeyInfo()))),
            sa.Sa.ResponderCertRequests.Select(c => c.CaHash));
        Assert.Equal(trusted.Select(c => LiveLab.Rfc4514(c.SubjectName)), sa.Sa.ResponderCertRequests.Select(c => c.CaName));
        // ... moon's certificate comes from another one ...
        Assert.Equal(LiveLab.Rfc4514(moon.SubjectName), sa.Sa.InitiatorCertificate);
        Assert.Equal(LiveLab.Rfc4514(moonCa.SubjectName), sa.Sa.InitiatorCertificateIssuer);
        Assert.DoesNotContain(sa.Sa.InitiatorCertificateIssuer, sa.Sa.ResponderCertRequests.Select(c => c.CaName));
        // ... and the CERT_REQ finding says so: moon signed with its certificate from that CA, sun sent none
        Finding pi204 = Assert.Single(sa.Findings, f => f.Code == FindingCode.CertRequestFirstEntryDiffers);
        Assert.Contains($"The initiator signed with its certificate from {LiveLab.Rfc4514(moonCa.SubjectName)}", pi204.Message);
        Assert.Contains($"responder \"{LiveLab.Rfc4514(trusted[0].SubjectName)}\"", pi204.Message);
        Assert.Contains("the responder sent no certificate", pi204.Message);
    }

    /// <summary>The CLI as a support engineer runs it (README): analyze with --keys and --ca on the capture folder.</summary>
    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Cli_Analyze_WithKeysAndCas_ShowsIdsCertificatesOutcomeAndFindings(string id)
    {
        Scenario s = LiveLab.Get(id);
        X509Certificate2 moon = LiveLab.Cert(s.MoonCertFile), sun = LiveLab.Cert(s.SunCertFile);
        var (exit, output, error) = Run("analyze", s.Capture, "--keys", s.KeyTable, "--ca", s.Dir);
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        // the sides named by their IKE IDs where seen (issue 17), the addresses always
        Assert.Matches($@"IKE SA 1  IKEv{s.Version}  (\S+ )?{System.Text.RegularExpressions.Regex.Escape(MoonIp)}:500 → (\S+ )?{System.Text.RegularExpressions.Regex.Escape(SunIp)}:500\n", output);
        Assert.Contains($"Cert (i)         {LiveLab.Ios(moon.SubjectName)}, issued by {LiveLab.Ios(moon.IssuerName)}", output);
        Assert.DoesNotContain("decrypt to confirm", output);
        Assert.DoesNotContain("PI110", output);
        if (s.Established)
        {
            Assert.Contains($"IDs              i {DnsName(moon)}  r {DnsName(sun)}\n", output);
            Assert.Contains($"Cert (r)         {LiveLab.Ios(sun.SubjectName)}, issued by {LiveLab.Ios(sun.IssuerName)}", output);
            Assert.Contains("Outcome          established\n", output);
            Assert.DoesNotContain("PI301", output);
        }
        else
        {
            Assert.Contains($"IDs              i {DnsName(moon)}  r {DnsName(sun)} (IDr requested by the initiator)", output);
            Assert.DoesNotContain("Cert (r)", output);
            Assert.Contains("Outcome          failed: notify AUTHENTICATION_FAILED at IKE_AUTH response", output);
            Assert.Contains("PI301  error", output);
            Assert.Contains("PI204  warning", output);
            Assert.Contains($"signed with its certificate from {LiveLab.Rfc4514(moon.IssuerName)}", output.Replace("\n                    ", " "));
        }
    }

    /// <summary>dissect --format json --keys: no message is left encrypted or failed to decrypt.</summary>
    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Cli_DissectJson_WithKeys_NoMessageLeftEncrypted(string id)
    {
        Scenario s = LiveLab.Get(id);
        var (exit, output, error) = Run("dissect", "-f", "json", s.Capture, "--keys", s.KeyTable);
        Assert.Equal(("", ExitCodes.Ok), (error, exit));
        using var doc = JsonDocument.Parse(output);
        var messages = doc.RootElement.GetProperty("files")[0].GetProperty("messages").EnumerateArray().ToList();
        var encrypted = messages.Where(m => m.GetProperty("encrypted").GetBoolean()).ToList();
        Assert.Equal(messages.Count - (s.Version == 2 ? 2 : 4), encrypted.Count);
        int withPayloads = 0;
        foreach (var m in encrypted)
        {
            var d = m.GetProperty("decrypted");
            Assert.Equal("Ok", d.GetProperty("status").GetString());
            if (d.TryGetProperty("payloads", out var p) && p.GetArrayLength() > 0) withPayloads++;
            else Assert.True(d.TryGetProperty("fragmentNumber", out _) || IsInformational(m.GetProperty("exchangeTypeRaw").GetByte()),
                $"frame {m.GetProperty("frame")}: no payloads");
        }
        Assert.True(withPayloads >= 2);

        var (_, text, _) = Run("dissect", s.Capture, "--keys", s.KeyTable);
        Assert.DoesNotContain("decrypt:", text);   // "decrypt: no key", "decrypt: integrity failed" ...
    }

    /// <summary>tshark, given the same key table, decrypts the same messages to the same payload chains and finds the
    /// same certificates (serial numbers) in the same frames.</summary>
    [LiveLabTheory]
    [MemberData(nameof(Scenarios))]
    public void Tshark_DecryptsTheSameMessagesToTheSamePayloadsAndCertificates(string id)
    {
        Scenario s = LiveLab.Get(id);
        var (messages, _) = LiveLab.Dissect(s);
        string fields = LiveLab.Tshark(s, "-T", "fields", "-e", "frame.number", "-e", "isakmp.typepayload",
            "-e", "x509af.serialNumber", "-E", "aggregator=,", "-E", "occurrence=a");
        var tshark = fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t'))
            .Where(f => f.Length >= 2 && f[1].Length > 0)
            .ToDictionary(f => long.Parse(f[0]), f => (
                Types: LiveLab.Hex(f[1].Split(',').Select(byte.Parse).Where(t => t is not (2 or 3))),   // not Proposal/Transform
                Serials: f.Length > 2 && f[2].Length > 0 ? f[2].Split(',').Select(Serial).ToList() : []));

        Assert.Equal(tshark.Keys.Order(), messages.Select(m => m.Frame).Order());
        foreach (var m in messages)
        {
            Assert.True(tshark[m.Frame].Types == LiveLab.Hex(LiveLab.VisibleTypes(m)),
                $"frame {m.Frame}: tshark {tshark[m.Frame].Types}, PcapIke {LiveLab.Hex(LiveLab.VisibleTypes(m))}");
            Assert.Equal(tshark[m.Frame].Serials,
                m.Certificates.Select(der => Serial(X509CertificateLoader.LoadCertificate(der).SerialNumber)).ToList());
        }
        Assert.Contains(tshark.Values, v => v.Serials.Count > 0);
    }

    private static string Serial(string hex) => hex.Replace("0x", "").Replace(":", "").TrimStart('0').ToLowerInvariant();
}
