using System.Text;
using Org.BouncyCastle.X509;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// A router's configuration as <c>show running-config</c> prints the parts the forge models, in IOS's section order:
/// trustpoints, certificate chains, IKEv2, ISAKMP, IPsec, interfaces, the route to the peer's LAN. The layout
/// follows the technote's configurations (one-space indent under a section, '!' between sections).
/// </summary>
public static class IosRunningConfig
{
    public static string Write(ForgedPki pki, string routerName)
    {
        Scenario s = pki.Scenario;
        RouterSpec r = s.Router(routerName);
        RouterSpec peer = s.Peer(r);
        var w = new StringBuilder();
        Line(w, "hostname " + r.Hostname);
        Line(w, "!");
        if (r.DomainName is not null)
        {
            Line(w, "ip domain name " + r.DomainName);
            Line(w, "!");
        }

        foreach (TrustpointSpec tp in r.Trustpoints)
        {
            Line(w, "crypto pki trustpoint " + tp.Name);
            if (tp.EnrollmentUrl is not null)
                Line(w, " enrollment url " + tp.EnrollmentUrl);
            if (tp.SerialNumber is not null)
                Line(w, " serial-number");
            if (tp.Fqdn is not null)
                Line(w, " fqdn " + tp.Fqdn);
            if (tp.IpAddress is not null)
                Line(w, " ip-address " + tp.IpAddress);
            if (tp.SubjectName is not null)
                Line(w, " subject-name " + tp.SubjectName);
            Line(w, " revocation-check " + tp.RevocationCheck);
            Line(w, "!");
        }
        foreach (TrustpointSpec tp in r.Trustpoints)
        {
            ForgedIdentity id = pki.Identity(r.Name, tp.Name);
            Line(w, "crypto pki certificate chain " + tp.Name);
            Certificate(w, " certificate ", id.Certificate, id.Der);
            Certificate(w, " certificate ca ", id.Ca.Certificate, id.Ca.Der);
        }
        Line(w, "!");

        if (r.Ikev2 is { } v2)
        {
            Line(w, "crypto ikev2 proposal " + v2.Proposal.Name);
            Line(w, " encryption " + string.Join(' ', v2.Proposal.Encryption));
            Line(w, " integrity " + string.Join(' ', v2.Proposal.Integrity));
            Line(w, " group " + string.Join(' ', v2.Proposal.Group));
            Line(w, "!");
            Line(w, "crypto ikev2 policy " + v2.PolicyName);
            Line(w, " match fvrf any");
            Line(w, " proposal " + v2.Proposal.Name);
            Line(w, "!");
            foreach (Ikev2ProfileSpec p in v2.Profiles)
            {
                Line(w, "crypto ikev2 profile " + p.Name);
                Line(w, " match identity remote " + p.MatchIdentityRemote);
                if (p.IdentityLocal is not null)
                    Line(w, " identity local " + p.IdentityLocal);
                Line(w, " authentication remote " + p.AuthenticationRemote);
                Line(w, " authentication local " + p.AuthenticationLocal);
                foreach (string tp in p.PkiTrustpoints)
                    Line(w, " pki trustpoint " + tp);
                Line(w, "!");
            }
            if (v2.Fragmentation)
            {
                Line(w, $"crypto ikev2 fragmentation mtu {s.Link.Mtu}");
                Line(w, "!");
            }
        }

        if (r.Ikev1 is { } v1)
        {
            IsakmpPolicySpec p = v1.Policy;
            Line(w, $"crypto isakmp policy {p.Priority}");
            Line(w, " encr " + p.Encryption);
            Line(w, " hash " + p.Hash);
            if (p.Authentication != "rsa-sig")           // IOS's default, which running-config omits
                Line(w, " authentication " + p.Authentication);
            Line(w, $" group {p.Group}");
            if (p.Lifetime != 86400)
                Line(w, $" lifetime {p.Lifetime}");
            Line(w, "!");
            foreach (IsakmpProfileSpec profile in v1.Profiles)
            {
                Line(w, "crypto isakmp profile " + profile.Name);
                if (profile.SelfIdentity is not null)
                    Line(w, " self-identity " + profile.SelfIdentity);
                foreach (string tp in profile.CaTrustPoints)
                    Line(w, " ca trust-point " + tp);
                Line(w, " match identity " + profile.MatchIdentity);
                Line(w, "!");
            }
        }

        IpsecSpec ipsec = r.Ipsec;
        Line(w, $"crypto ipsec transform-set {ipsec.TransformSetName} {string.Join(' ', ipsec.Transforms)}");
        Line(w, " mode " + ipsec.Mode);
        Line(w, "!");
        Line(w, "crypto ipsec profile " + ipsec.ProfileName);
        Line(w, " set transform-set " + ipsec.TransformSetName);
        Line(w, ipsec.IsakmpProfile is not null ? " set isakmp-profile " + ipsec.IsakmpProfile : " set ikev2-profile " + ipsec.Ikev2Profile);
        Line(w, "!");

        if (r.Loopback is { } lo)
        {
            Line(w, "interface Loopback0");
            Line(w, $" ip address {lo.Address} {lo.Mask}");
            Line(w, "!");
        }
        Line(w, "interface Tunnel1");
        Line(w, $" ip address {r.Tunnel.Address} {r.Tunnel.Mask}");
        Line(w, " tunnel source Ethernet0/0");
        Line(w, " tunnel mode ipsec ipv4");
        Line(w, " tunnel destination " + peer.Ethernet.Address);
        Line(w, " tunnel protection ipsec profile " + ipsec.ProfileName);
        Line(w, "!");
        Line(w, "interface Ethernet0/0");
        Line(w, $" ip address {r.Ethernet.Address} {r.Ethernet.Mask}");
        if (s.Link.Mtu != 1500)
            Line(w, $" ip mtu {s.Link.Mtu}");
        Line(w, "!");
        if (peer.Loopback is { } peerLo)
        {
            Line(w, $"ip route {Network(peerLo)} {peerLo.Mask} {peer.Tunnel.Address}");
            Line(w, "!");
        }
        Line(w, "end");
        return w.ToString();
    }

    /// <summary>
    /// One certificate of a <c>crypto pki certificate chain</c>: the keyword line with the serial number in hex, the DER as
    /// IOS dumps it (two-space indent, 4-byte upper-case hex words, eight per line), then <c>quit</c> after a tab.
    /// </summary>
    public static void Certificate(StringBuilder w, string keyword, X509Certificate certificate, byte[] der)
    {
        Line(w, keyword + SerialHex(certificate));
        for (int line = 0; line < der.Length; line += 32)
        {
            w.Append("  ");
            for (int word = line; word < Math.Min(line + 32, der.Length); word += 4)
            {
                if (word > line)
                    w.Append(' ');
                w.Append(Convert.ToHexString(der, word, Math.Min(4, der.Length - word)));
            }
            w.Append('\n');
        }
        Line(w, "  \tquit");
    }

    /// <summary>The serial number as IOS prints it: upper-case hex, an even number of digits (<c>03</c>).</summary>
    public static string SerialHex(X509Certificate certificate)
    {
        string hex = certificate.SerialNumber.ToString(16).ToUpperInvariant();
        return hex.Length % 2 == 0 ? hex : "0" + hex;
    }

    private static string Network(InterfaceAddress a)
    {
        byte[] b = a.Address.GetAddressBytes();
        uint v = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        uint m = a.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - a.PrefixLength);
        v &= m;
        return $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}";
    }

    private static void Line(StringBuilder w, string text) => w.Append(text).Append('\n');
}
