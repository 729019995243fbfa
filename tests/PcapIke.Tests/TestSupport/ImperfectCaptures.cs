using System.Buffers.Binary;

namespace PcapIke.Tests.TestSupport;

/// <summary>
/// The imperfect captures of the evidence issue, made from the bundled clean ones with <see cref="CaptureEdit"/>: each
/// is what a support engineer is handed when a fragment is lost, the capture point sees one direction, the snap length
/// is short, the peers retry with new SPIs, or an encrypted answer comes without keys. Built once per test run into a
/// temporary folder; `tools/imperfect-captures.sh DIR` writes them to DIR (the test
/// <c>ImperfectCaptureTests.Corpus_WritesEveryCase</c> with PCAPIKE_IMPERFECT_OUT set).
/// </summary>
internal static class ImperfectCaptures
{
    private static readonly Lazy<string> s_dir = new(() =>
    {
        string dir = Environment.GetEnvironmentVariable("PCAPIKE_IMPERFECT_OUT") is { Length: > 0 } o ? o : TestPaths.NewTempDir();
        WriteAll(dir);
        return dir;
    });

    public static string Path(string name) => System.IO.Path.Combine(s_dir.Value, name + ".pcap");

    private static CaptureEdit Bundled(string folder) =>
        CaptureEdit.Load(System.IO.Path.Combine(TestPaths.RepoRoot, "captures", folder, "capture.pcap"));

    /// <summary>Every case, by name: what it is made of.</summary>
    public static IReadOnlyDictionary<string, Func<CaptureEdit>> Cases { get; } = new Dictionary<string, Func<CaptureEdit>>
    {
        // strongswan-ikev2-ip-fragments: 1 IKE_SA_INIT request, 2 response, 3-5 IKE_AUTH request (3 IP fragments),
        // 6-8 response. The middle fragment of the request is lost, every time; the initiator re-sends twice (2 s and
        // 6 s later, new IP IDs) and the responder never answers.
        ["ikev2-ip-fragment-lost"] = () => Bundled("strongswan-ikev2-ip-fragments").Keep(1, 2, 3, 5)
            .Resend(TimeSpan.FromSeconds(2), 1, 3, 4).Resend(TimeSpan.FromSeconds(6), 2, 3, 4),
        // the same capture without the request's first fragment (frame 3) and without the response: the later
        // fragments are seen, the UDP and IKE headers are not
        ["ikev2-first-ip-fragment-lost"] = () => Bundled("strongswan-ikev2-ip-fragments").Keep(1, 2, 4, 5),
        // strongswan-ikev2-skf: 3-5 IKE_AUTH request as SKF 1/3, 2/3, 3/3; 6-8 the response. SKF 2/3 is lost each time;
        // the request is re-sent once, 4 s later.
        ["ikev2-skf-fragment-lost"] = () => Bundled("strongswan-ikev2-skf").Keep(1, 2, 3, 5)
            .Resend(TimeSpan.FromSeconds(4), 1, 3, 4),
        // the same, with the response's SKF 2/3 lost instead: the response was sent, the negotiation completed
        ["ikev2-skf-response-fragment-lost"] = () => Bundled("strongswan-ikev2-skf").Drop(7),
        // S2 seen from a capture point that only sees R2's (the initiator's) packets
        ["ikev1-initiator-only"] = () => Bundled("S2-ikev1-r2-initiates").OnlyFrom("192.168.0.2"),
        // an established IKEv2 negotiation, only the responder's packets captured
        ["ikev2-responder-only"] = () => Bundled("strongswan-ikev2-aes-cbc").OnlyFrom("192.0.2.2"),
        // S1 without the responder's MM4 (the capture missed it; MM5 and MM6 follow)
        ["ikev1-mm4-not-captured"] = () => Bundled("S1-ikev1-r1-initiates").Drop(4),
        // snap length 96: Ethernet + IPv4 + UDP (+ non-ESP marker) + the ISAKMP header and a few payload bytes
        ["ikev1-snaplen-96"] = () => Bundled("strongswan-ikev1-main-mode").Snap(96),
        ["ikev1-s2-snaplen-80"] = () => Bundled("S2-ikev1-r2-initiates").Snap(80),
        // S1 cut after MM5, then the responder's encrypted Informational (its error notify, unreadable without keys)
        ["ikev1-encrypted-info-after-mm5"] = () =>
        {
            var s1 = Bundled("S1-ikev1-r1-initiates").Keep(1, 2, 3, 4, 5);
            byte[] mm4 = s1.Ike(4);
            var info = new byte[28 + 64];
            mm4.AsSpan(0, 16).CopyTo(info);            // the SA's cookies
            info[16] = 8;                              // next payload HASH (RFC 2409 §5.7)
            info[17] = 0x10;                           // version 1.0
            info[18] = 5;                              // Informational
            info[19] = 0x01;                           // E: encrypted
            BinaryPrimitives.WriteUInt32BigEndian(info.AsSpan(20), 0x5a17c0de);
            BinaryPrimitives.WriteUInt32BigEndian(info.AsSpan(24), (uint)info.Length);
            new Random(7).NextBytes(info.AsSpan(28));
            return s1.InsertLike(4, info, afterFrame: 5, TimeSpan.FromMilliseconds(9));
        },
        // S5 (the initiator stops after IKE_SA_INIT) three times, 30 s apart, each with a new SPIi
        ["ikev2-three-attempts"] = () =>
        {
            var s5 = Bundled("S5-ikev2-initiator-without-trustpoint");
            ulong spi = BinaryPrimitives.ReadUInt64BigEndian(s5.Ike(1));
            return s5.Then(s5.WithInitiatorSpi(spi, spi ^ 0x1111111111111111), TimeSpan.FromSeconds(30))
                .Then(s5.WithInitiatorSpi(spi, spi ^ 0x2222222222222222), TimeSpan.FromSeconds(30));
        },
        // S1's MM1 with its ISAKMP Length field set to 0 (a header the dissector cannot walk)
        ["ikev1-mm1-length-zero"] = () => Bundled("S1-ikev1-r1-initiates").PatchIke(1, 24, 0, 0, 0, 0),
        // S5 ending 10 ms after the IKE_SA_INIT request (the response not yet there): no claim of silence
        ["ikev2-request-then-capture-ends"] = () => Bundled("S5-ikev2-initiator-without-trustpoint").Keep(1),
    };

    private static void WriteAll(string dir)
    {
        foreach (var (name, make) in Cases)
            make().Write(System.IO.Path.Combine(dir, name + ".pcap"));
    }
}
