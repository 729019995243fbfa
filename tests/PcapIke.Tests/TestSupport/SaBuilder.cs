using System.Net;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Frames;
using PcapIke.Ike;
using VendorIdEntry = PcapIke.Exchanges.VendorIdEntry;
using PcapIke.Pipeline;
using PcapIke.Tests.Ike;

namespace PcapIke.Tests.TestSupport;

/// <summary>
/// Builds IKE SAs in code, as the correlator would, for testing the report writers without it. Every message wraps a
/// real dissection of real IKE bytes (IkeTestData); only the framing (frame, time, endpoints, size) is chosen.
/// </summary>
internal sealed class SaBuilder
{
    private static readonly IkeMessageDissection s_v1 = IkeMessageDissection.Dissect(IkeTestData.H(IkeTestData.Ikev1Mm1));
    private static readonly IkeMessageDissection s_v2 = IkeMessageDissection.Dissect(IkeTestData.H(IkeTestData.Ikev2Init));

    /// <summary>2026-03-04T05:06:07.123456Z in nanoseconds since the Unix epoch.</summary>
    public static readonly long T0 = (new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100 + 123_456_000;

    public IkeSa Sa { get; }

    public SaBuilder(int id, int version, string initiator, ushort iPort, string responder, ushort rPort)
    {
        Sa = new IkeSa
        {
            Id = id,
            Version = version,
            Initiator = Ep(initiator, iPort),
            Responder = Ep(responder, rPort),
        };
    }

    public static NetEndpoint Ep(string ip, ushort port) => new(NetAddress.FromIPAddress(IPAddress.Parse(ip)), port);

    /// <summary>Adds a message sent by <paramref name="sender"/> at <paramref name="seconds"/> after <see cref="T0"/>.</summary>
    public SaMessage Add(long frame, double seconds, Role sender, string step, int size, ushort? port = null,
        RetransmissionKind retransmission = RetransmissionKind.None, SaMessage? of = null,
        int fragment = 0, int fragments = 0, int ipFragments = 1, ExchangeKind? exchange = null)
    {
        var i = Sa.Initiator with { Port = port ?? Sa.Initiator.Port };
        var r = Sa.Responder with { Port = port ?? Sa.Responder.Port };
        var (src, dst) = sender == Role.Initiator ? (i, r) : (r, i);
        var dm = new DissectedMessage(frame, T0 + (long)Math.Round(seconds * 1e9), src, dst,
            port == 4500 ? IkeTransport.UdpNonEspMarker : IkeTransport.Udp, size, ipFragments,
            ipFragments > 1 ? frame - ipFragments + 1 : frame, Sa.Version == 2 ? s_v2 : s_v1);
        var m = new SaMessage
        {
            Message = dm,
            Sender = sender,
            Exchange = exchange ?? (Sa.Version == 2 ? ExchangeKind.IkeAuth : ExchangeKind.MainMode),
            Step = step,
            Retransmission = retransmission,
            RetransmissionOf = of,
            FragmentNumber = fragment,
            FragmentTotal = fragments,
        };
        Sa.Messages.Add(m);
        return m;
    }

    public static CertRequestEntry Dn(int position, long frame, string step, string dn) =>
        new(position, frame, step, 4, dn, dn, null, null);

    public static CertRequestEntry Hash(int position, long frame, string step, string hash, string? name) =>
        new(position, frame, step, 4, null, null, hash, name);

    /// <summary>
    /// The technote's one-sided tunnel: IKEv1 Main Mode, NAT between the peers (MM5 on 4500), the initiator's
    /// CERT_REQ restricted to CA1, the responder's listing CA2 first; the responder rejects MM5 and re-sends MM4,
    /// the initiator re-sends MM5; no MM6.
    /// </summary>
    public static AnalyzedSa TechnoteMainModeStall(int id = 1)
    {
        var b = new SaBuilder(id, 1, "10.0.0.1", 500, "172.16.0.2", 500);
        var sa = b.Sa;
        sa.SpiI = 0x0011223344556677;
        sa.SpiR = 0x8899aabbccddeeff;
        b.Add(1, 0, Role.Initiator, "MM1", 164);
        b.Add(2, 0.004, Role.Responder, "MM2", 144);
        b.Add(3, 0.021, Role.Initiator, "MM3", 376);
        var mm4 = b.Add(4, 0.06, Role.Responder, "MM4", 396);
        var mm5 = b.Add(5, 0.081, Role.Initiator, "MM5", 1228, port: 4500);
        b.Add(9, 10.06, Role.Responder, "MM4", 396, retransmission: RetransmissionKind.ResentAfterRejectingNext, of: mm4);
        b.Add(10, 10.081, Role.Initiator, "MM5", 1228, port: 4500, retransmission: RetransmissionKind.SameContent, of: mm5);
        b.Add(123, 20.06, Role.Responder, "MM4", 396, retransmission: RetransmissionKind.ResentAfterRejectingNext, of: mm4);
        sa.NatDetected = true;
        sa.FloatedTo4500 = true;
        sa.Offered.Add(new ProposalView("AES-CBC", 256, "SHA2-256", null, "MODP_2048", "RSA_SIG", 86400));
        sa.Offered.Add(new ProposalView("3DES-CBC", null, "SHA", null, "MODP_1024", "RSA_SIG", 86400));
        sa.Chosen = sa.Offered[0];
        sa.VendorIds.Add(new VendorIdEntry(Role.Initiator, "12f5f28c457168a9702d9fe274cc0100", "Cisco Unity", "Cisco IOS / ASA"));
        sa.VendorIds.Add(new VendorIdEntry(Role.Responder, "afcad71368a1f1c96b8696fc77570100", "RFC 3706 DPD", null));
        sa.InitiatorCertRequests.Add(Dn(1, 3, "MM3", "cn=CA1,o=cisco,o=com"));
        sa.ResponderCertRequests.Add(Dn(1, 4, "MM4", "cn=CA2,o=cisco,o=com"));
        sa.ResponderCertRequests.Add(Dn(2, 4, "MM4", "cn=CA1,o=cisco,o=com"));
        sa.ResponderCertRequests.Add(Dn(3, 4, "MM4", "ou=Cisco Manufacturing CA,o=Cisco Systems"));
        sa.LastStep = "MM5";
        sa.Outcome = SaOutcome.Stalled;
        sa.OutcomeDetail = "at MM5: responder re-sent MM4 2 times over 20.0 s, initiator waited";
        var analyzed = new AnalyzedSa(sa);
        analyzed.Findings.Add(new Finding(FindingCode.MainModeStalledAfterMM5, Severity.Error, [5, 9, 10, 123],
            "The responder re-sent MM4 after each MM5: it rejected MM5 (typically certificate validation).",
            "Check the responder's debug crypto pki for the initiator's certificate."));
        analyzed.Findings.Add(new Finding(FindingCode.CertRequestFirstEntryDiffers, Severity.Warning, [3, 4],
            "The initiator requests CA1 first, the responder CA2."));
        return analyzed;
    }

    /// <summary>An established IKEv2 SA with CERTREQ hashes (one named by --ca), SKF fragments and a notify.</summary>
    public static AnalyzedSa Ikev2Established(int id = 2)
    {
        var b = new SaBuilder(id, 2, "192.0.2.1", 500, "192.0.2.2", 500);
        var sa = b.Sa;
        sa.SpiI = 0x1122334455667788;
        sa.SpiR = 0x99aabbccddeeff00;
        b.Add(1, 0, Role.Initiator, "IKE_SA_INIT request", 500, exchange: ExchangeKind.IkeSaInit);
        b.Add(2, 0.0125, Role.Responder, "IKE_SA_INIT response", 521, exchange: ExchangeKind.IkeSaInit);
        b.Add(3, 0.02, Role.Initiator, "IKE_AUTH request", 576, port: 4500, fragment: 1, fragments: 2);
        b.Add(4, 0.02, Role.Initiator, "IKE_AUTH request", 300, port: 4500, fragment: 2, fragments: 2);
        b.Add(7, 0.05, Role.Responder, "IKE_AUTH response", 1400, port: 4500, ipFragments: 3);
        sa.NatDetected = true;
        sa.FloatedTo4500 = true;
        sa.Offered.Add(new ProposalView("ENCR_AES_CBC", 256, "AUTH_HMAC_SHA2_256_128", "PRF_HMAC_SHA2_256", "MODP_2048", null, null));
        sa.Chosen = sa.Offered[0];
        sa.ResponderCertRequests.Add(Hash(1, 2, "IKE_SA_INIT response", "1111111111111111111111111111111111111111", "CN=Lab CA1"));
        sa.ResponderCertRequests.Add(Hash(2, 2, "IKE_SA_INIT response", "2222222222222222222222222222222222222222", null));
        sa.Notifies.Add(new NotifyEntry(1, Role.Initiator, "IKE_SA_INIT request", 16388, "NAT_DETECTION_SOURCE_IP", false));
        sa.LastStep = "IKE_AUTH response";
        sa.Outcome = SaOutcome.Established;
        return new AnalyzedSa(sa);
    }
}
