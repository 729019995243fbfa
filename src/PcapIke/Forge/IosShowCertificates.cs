using System.Globalization;
using System.Text;
using Org.BouncyCastle.X509;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// A router's <c>show crypto pki certificates</c>, as in the technote: its identity certificates in store order (newest
/// enrollment first), then one <c>CA Certificate</c> entry per CA in the same order, listing every trustpoint that
/// trusts it. Names print one RDN per line, most specific first, in IOS's lower-case style; an identity subject starts
/// with the Name / IP Address / Serial Number lines IOS derives from hostname, ipaddress and serialNumber.
/// </summary>
public static class IosShowCertificates
{
    public static string Write(ForgedPki pki, string routerName)
    {
        ClockZone clock = pki.Scenario.Clock;
        RouterSpec router = pki.Scenario.Router(routerName);
        IReadOnlyList<ForgedIdentity> store = pki.Store(routerName);
        var w = new StringBuilder();
        foreach (ForgedIdentity id in store)
        {
            Entry(w, "Certificate", id.Certificate, "General Purpose", [id.Trustpoint.Name], clock, isCa: false);
            w.Append('\n');
        }
        foreach (ForgedCa ca in store.Select(i => i.Ca).Distinct())
        {
            var trustpoints = router.StoreOrder.Where(t => t.Ca == ca.Name).Select(t => t.Name).ToArray();
            Entry(w, "CA Certificate", ca.Certificate, "Signature", trustpoints, clock, isCa: true);
            w.Append('\n');
        }
        return w.ToString();
    }

    private static void Entry(StringBuilder w, string title, X509Certificate cert, string usage, string[] trustpoints, ClockZone clock, bool isCa)
    {
        string serial = IosRunningConfig.SerialHex(cert);
        var issuer = Rdns(cert.IssuerDN.GetEncoded());
        var subject = Rdns(cert.SubjectDN.GetEncoded());
        w.Append(title).Append('\n');
        w.Append("  Status: Available\n");
        w.Append("  Certificate Serial Number (hex): ").Append(serial).Append('\n');
        w.Append("  Certificate Usage: ").Append(usage).Append('\n');
        w.Append("  Issuer:\n");
        foreach (string rdn in issuer.Select(Rdn))
            w.Append("    ").Append(rdn).Append('\n');
        w.Append("  Subject:\n");
        if (!isCa)
        {
            foreach ((string key, string label) in (ReadOnlySpan<(string, string)>)[("hostname", "Name"), ("ipaddress", "IP Address"), ("serialNumber", "Serial Number")])
                foreach (IosDn.Attribute a in subject.SelectMany(r => r).Where(a => a.Key == key))
                    w.Append("    ").Append(label).Append(": ").Append(Text.SafeText.Visible(a.Value)).Append('\n');
        }
        foreach (string rdn in subject.Select(Rdn))
            w.Append("    ").Append(rdn).Append('\n');
        w.Append("  Validity Date:\n");
        w.Append("    start date: ").Append(Date(cert.NotBefore, clock)).Append('\n');
        w.Append("    end   date: ").Append(Date(cert.NotAfter, clock)).Append('\n');
        w.Append("  Associated Trustpoints: ").Append(string.Join(' ', trustpoints)).Append('\n');
        string issuerCn = issuer.SelectMany(r => r).FirstOrDefault(a => a.Key == "cn").Value ?? trustpoints[0];
        w.Append("  Storage: nvram:").Append(issuerCn).Append('#').Append(serial.TrimStart('0')).Append(isCa ? "CA" : "").Append(".cer\n");
    }

    /// <summary>The certificate's name split into RDNs, most specific first, with the IOS keys
    /// (<see cref="IosDn.FromDer"/>: a value holding <c>+</c> or <c>,</c> stays one value).</summary>
    private static IReadOnlyList<IReadOnlyList<IosDn.Attribute>> Rdns(byte[] der) =>
        IosDn.Parse(IosDn.FromDer(der) ?? throw new InvalidOperationException("a forged certificate has a name that is not text"));

    /// <summary>One RDN as IOS prints it: values as they are (no escapes), control characters made visible.</summary>
    private static string Rdn(IReadOnlyList<IosDn.Attribute> rdn) => string.Join('+', rdn.Select(a => $"{a.Key}={Text.SafeText.Visible(a.Value)}"));

    /// <summary>IOS's date: <c>13:25:01 CET Jun 17 2013</c>.</summary>
    public static string Date(DateTime utc, ClockZone clock)
    {
        DateTime local = DateTime.SpecifyKind(utc, DateTimeKind.Utc) + clock.Offset;
        return local.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " " + clock.Name + " "
            + local.ToString("MMM d yyyy", CultureInfo.InvariantCulture);
    }
}
