using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;
using PcapIke.Tests.Forge;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Reference;

/// <summary>
/// Every forged capture decrypts with its key tables in PcapIke, and the decrypted fields equal what tshark shows with
/// the same tables: per frame the payload types (clear and decrypted, SKF reassembled on the completing fragment),
/// ID types and values, notify types, AUTH methods and certificate serial numbers.
/// </summary>
public class ForgedDecryptionDifferentialTests
{
    public static TheoryData<string> Folders() => ForgedCaptures.All();

    private sealed record FrameFields(string Types, string IdTypes, string Ids, string Notifies, string AuthMethods, string Serials);

    private static string J(IEnumerable<object> values) => string.Join(',', values);

    private static Dictionary<long, FrameFields> Tshark(string folder)
    {
        string output = Tool.TsharkWithKeys(Directory.GetFiles(ForgedCaptures.Dir(folder), "ikev*_decryption_table"),
            "-r", ForgedCaptures.Capture(folder), "-T", "fields", "-e", "frame.number", "-e", "isakmp.typepayload",
            "-e", "isakmp.id.type", "-e", "isakmp.id.data.fqdn", "-e", "isakmp.id.data.ipv4_addr", "-e", "isakmp.notify.msgtype",
            "-e", "isakmp.auth.method", "-e", "x509af.serialNumber", "-e", "_ws.malformed",
            "-E", "aggregator=,", "-E", "occurrence=a");
        var result = new Dictionary<long, FrameFields>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.TrimEnd('\r').Split('\t');
            if (f.Length > 8 && f[8].Length > 0) continue; // malformed in Wireshark: compared separately
            string ids = J(new[] { f[3], f[4] }.Where(x => x.Length > 0).SelectMany(x => x.Split(',')).Order(StringComparer.Ordinal));
            string serials = f[7].Length == 0 ? "" : J(f[7].Split(',').Select(Serial));
            // Wireshark counts IKEv1 proposal (2) and transform (3) substructures as payloads; PcapIke does not.
            string types = J(f[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Where(t => t is not ("2" or "3")));
            result[long.Parse(f[0])] = new FrameFields(types, f[2], ids, f[5], f[6], serials);
        }
        return result;
    }

    private static string Serial(string hex) => hex.Replace("0x", "").Replace(":", "").TrimStart('0').ToLowerInvariant();

    private static FrameFields PcapIke(DissectedMessage m)
    {
        var visible = m.VisiblePayloads.ToList();
        // tshark lists the SK/SKF payload itself and then its contents.
        var typesWithSk = visible.Select(p => (object)p.TypeRaw);
        var ids = visible.Select(p => p.Details).OfType<IdentificationDetails>().ToList();
        return new FrameFields(
            J(typesWithSk),
            J(ids.Select(i => (object)i.TypeRaw)),
            // tshark's ipv4_addr field also holds the address of an ID_IPV4_ADDR_SUBNET (its ipv4_subnet the mask).
            J(ids.Where(i => i.TypeRaw is (byte)IdentificationType.ID_FQDN or (byte)IdentificationType.ID_IPV4_ADDR or (byte)IdentificationType.ID_IPV4_ADDR_SUBNET)
                .Select(i => i.Value.Split('/')[0]).Order(StringComparer.Ordinal)),
            J(visible.Select(p => p.Details).OfType<NotifyDetails>().Select(n => (object)n.TypeRaw)),
            J(visible.Select(p => p.Details).OfType<AuthenticationDetails>().Select(a => (object)a.MethodRaw)),
            J(m.Certificates.Select(der => (object)Serial(new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(der).SerialNumber.ToString(16)))));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void DecryptedFields_EqualTsharksWithTheSameTables(string folder)
    {
        KeyRing ring = KeyRing.Load(Directory.GetFiles(ForgedCaptures.Dir(folder), "ikev*_decryption_table"));
        var messages = new List<DissectedMessage>();
        var malformations = new MalformationList();
        CaptureDissector.Dissect(ForgedCaptures.Capture(folder), malformations, messages.Add, keys: ring);
        Assert.Empty(malformations.Items);

        // PcapIke decrypts every encrypted message, re-sent copies included.
        var encrypted = messages.Where(m => m.Ike.IsEncrypted || m.Ike.EncryptionFlag).ToList();
        Assert.True(encrypted.Count > 0 || folder.StartsWith("S5", StringComparison.Ordinal), $"{folder}: nothing encrypted");
        Assert.All(encrypted, m => Assert.True(m.Decryption is { IsOk: true } || m.Decryption?.Fragment is not null,
            $"{folder} frame {m.Frame}: {m.Decryption?.StatusText ?? "not decrypted"}"));

        var tshark = Tshark(folder);
        int compared = 0;
        foreach (DissectedMessage m in messages)
        {
            if (!tshark.TryGetValue(m.Frame, out FrameFields? t))
            {
                // Only Wireshark's own limit: a byte-identical re-sent IKEv1 message it cannot decrypt (its IV chain
                // advanced). PcapIke must have decrypted it to what the first copy holds.
                var first = messages.First(x => x.ContentHash == m.ContentHash);
                Assert.True(first.Frame < m.Frame, $"{folder} frame {m.Frame}: malformed in tshark and not a re-sent copy");
                Assert.Equal(PcapIke(first), PcapIke(m));
                continue;
            }
            FrameFields mine = PcapIke(m);
            Assert.True(t == mine, $"{folder} frame {m.Frame}:\n  tshark  {t}\n  PcapIke {mine}");
            compared++;
        }
        Assert.True(compared >= messages.Count - 3, $"{folder}: only {compared} of {messages.Count} frames compared");
        // Not vacuous: the certificates the routers sent were seen, by both, in the decrypted messages.
        int sent = ForgedCaptures.Result(folder).Negotiations.Sum(n => n.CertificateSent.Count);
        Assert.Equal(sent > 0, tshark.Values.Any(f => f.Serials.Length > 0));
    }
}
