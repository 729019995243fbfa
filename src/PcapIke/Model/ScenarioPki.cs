using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using PcapIke.Findings;
using PcapIke.Ike;

namespace PcapIke.Model;

/// <summary>IOS 15.3T's built-in trustpoints: their names and their CAs' DER Names, in <see cref="IosBuiltInCas.Dns"/>
/// order (the tail of a CERT_REQ list that names every global trustpoint, selection-model.md).</summary>
public static class IosBuiltInTrustpoints
{
    public static IReadOnlyList<string> Names { get; } =
        ["TP-self-signed-VeriSign-Class3", "CISCO_IDEVID_SUDI_LEGACY", "CISCO_IDEVID_SUDI_MFG", "CISCO_IDEVID_SUDI", "CISCO_IDEVID_SUDI_M1"];

    public static IReadOnlyList<byte[]> CaDers { get; } = IosBuiltInCas.Dns.Select(IosDn.ToDer).ToArray();
}

/// <summary>One identity certificate as the selection rules see it: who issued it, its serial number, subject (IOS
/// style) and validity — everything the forge's certificate will carry, known without making a key.</summary>
public sealed record ModelCertificate(string Router, TrustpointSpec Trustpoint, CaSpec Ca, long Serial, string Subject, DateTime NotBefore, DateTime NotAfter)
{
    /// <summary>RFC 5280 §4.1.2.5: valid from notBefore to notAfter inclusive.</summary>
    public bool IsValidAt(DateTimeOffset at) => at.UtcDateTime >= NotBefore && at.UtcDateTime <= NotAfter;
}

/// <summary>
/// A scenario's certificates and stores without keys: what the decision engine needs of the PKI the forge makes
/// (<c>ForgedPki</c>): the same subjects, serial numbers (each CA numbers in enrollment order, its own being 01) and
/// validity dates (epoch + step × interval). The CA's key is not made; in the store the IKEv2 CERTREQ entry of a CA
/// (<see cref="TrustpointCa.CaSpkiSha1"/>) is a stand-in that is equal exactly when the CA is the same scenario CA — all
/// the first-match rule (V2) compares.
/// </summary>
public sealed class ScenarioPki
{
    private readonly Dictionary<(string Router, string Trustpoint), ModelCertificate> _certificates = new();
    private readonly Dictionary<string, IReadOnlyList<TrustpointCa>> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _caIosNames = new(StringComparer.Ordinal);

    public ScenarioPki(Scenario scenario)
    {
        Scenario = scenario;
        var caDer = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (CaSpec ca in scenario.Cas)
        {
            X509Name name = IosDn.ToX509Name(ca.Subject);
            caDer[ca.Name] = name.GetEncoded(Asn1Encodable.Der);
            _caIosNames[ca.Name] = IosName(name);
        }
        var nextSerial = scenario.Cas.ToDictionary(c => c.Name, _ => 2L, StringComparer.Ordinal);
        foreach ((RouterSpec router, TrustpointSpec tp) in scenario.Routers
                     .SelectMany(r => r.Trustpoints.Select(t => (r, t)))
                     .OrderBy(x => x.t.Enrolled))
        {
            CaSpec ca = scenario.Cas.First(c => c.Name == tp.Ca);
            // X.509 times have whole seconds (RFC 5280 §4.1.2.5.1).
            DateTime start = TruncateToSeconds(scenario.Epoch.UtcDateTime + scenario.EnrollmentInterval * tp.Enrolled);
            string subject = IosName(IosDn.ToX509Name(IdentitySubject(tp)));
            _certificates[(router.Name, tp.Name)] = new ModelCertificate(router.Name, tp, ca, nextSerial[tp.Ca]++, subject,
                start, start.AddDays(ca.IssuedValidityDays));
        }
        foreach (RouterSpec router in scenario.Routers)
        {
            var store = new List<TrustpointCa>();
            foreach (TrustpointSpec tp in router.Trustpoints.OrderByDescending(t => t.Enrolled))
            {
                CaSpec ca = Certificate(router.Name, tp.Name).Ca;
                store.Add(new TrustpointCa(tp.Name, ca.Subject, caDer[ca.Name], CaKeyStandIn(ca.Name), true, false));
            }
            for (int i = 0; i < IosBuiltInCas.Dns.Count; i++)
                store.Add(new TrustpointCa(IosBuiltInTrustpoints.Names[i], IosBuiltInCas.Dns[i], IosBuiltInTrustpoints.CaDers[i], null, false, true));
            _stores[router.Name] = store;
        }
    }

    public Scenario Scenario { get; }

    /// <summary>The router's store as the selection rules see it: its trustpoints newest enrollment first (store
    /// order), then the built-in CAs.</summary>
    public IReadOnlyList<TrustpointCa> Store(string router) => _stores[router];

    public ModelCertificate Certificate(string router, string trustpoint) => _certificates[(router, trustpoint)];

    /// <summary>The CA's name as IOS prints it from a certificate (<c>cn=CA2,o=cisco,o=com</c>).</summary>
    public string CaIosName(string ca) => _caIosNames[ca];

    /// <summary>
    /// IOS PKI's check of a peer certificate against <paramref name="validation"/>: issued by the CA of one of those
    /// trustpoints (its DN and its signature: the same scenario CA) and valid at <paramref name="at"/> (I4, V4).
    /// Returns the trustpoint, or null with the reason.
    /// </summary>
    public string? Validate(string router, ModelCertificate peer, IReadOnlyList<TrustpointCa> validation, DateTimeOffset at, out string reason)
    {
        foreach (TrustpointCa tp in validation.Where(t => !t.BuiltIn))
        {
            CaSpec ca = Certificate(router, tp.Trustpoint).Ca;
            if (ca.Name != peer.Ca.Name) continue;
            if (!peer.IsValidAt(at))
            {
                reason = $"certificate {peer.Serial} not valid at {at:u}";
                return null;
            }
            reason = $"issued by {ca.Subject} (trustpoint {tp.Trustpoint})";
            return tp.Trustpoint;
        }
        reason = $"issuer {CaIosName(peer.Ca.Name)} is not the CA of any of {string.Join(", ", validation.Where(t => !t.BuiltIn).Select(t => t.Trustpoint))}: No suitable trustpoints found";
        return null;
    }

    /// <summary>
    /// The subject IOS requests for a trustpoint, most specific RDN first: one multi-valued RDN
    /// <c>serialNumber=…+ipaddress=…+hostname=…</c> from <c>serial-number</c>, <c>ip-address</c> and <c>fqdn</c>
    /// (those present), then the <c>subject-name</c> RDNs. E.g.
    /// <c>serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com</c>.
    /// </summary>
    public static string IdentitySubject(TrustpointSpec tp)
    {
        var first = new List<string>(3);
        if (tp.SerialNumber is not null)
            first.Add("serialNumber=" + tp.SerialNumber);
        if (tp.IpAddress is not null)
            first.Add("ipaddress=" + tp.IpAddress);
        if (tp.Fqdn is not null)
            first.Add("hostname=" + tp.Fqdn);
        var rdns = new List<string>(2);
        if (first.Count > 0)
            rdns.Add(string.Join('+', first));
        if (tp.SubjectName is not null)
            rdns.Add(IosDn.Normalize(tp.SubjectName));
        return string.Join(',', rdns);
    }

    /// <summary>A Name as IOS prints it (<c>cn=CA2,o=cisco,o=com</c>), from its DER as a certificate carries it.</summary>
    public static string IosName(X509Name name) =>
        DistinguishedName.TryDecode(name.GetEncoded(), out var dn) && dn is not null ? dn.ToIosString() : name.ToString();

    /// <summary>Equal for the same scenario CA, different for different ones: the model's stand-in for the SHA-1 of
    /// the CA's SubjectPublicKeyInfo, whose key the forge alone makes (each CA's key is drawn from the seed under its
    /// own name).</summary>
    private static byte[] CaKeyStandIn(string ca) => SHA1.HashData(Encoding.UTF8.GetBytes("model CA key\0" + ca));

    private static DateTime TruncateToSeconds(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
