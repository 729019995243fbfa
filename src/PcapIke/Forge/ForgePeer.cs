using System.Net;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PcapIke.Findings;
using PcapIke.Ike;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>One simulated IOS router in a negotiation: its configuration, its certificate store as the selection rules
/// see it (<see cref="TrustpointCa"/>, newest enrollment first, then the built-in CAs), its key pair and certificates.</summary>
internal sealed class ForgePeer
{
    public ForgePeer(ForgedPki pki, RouterSpec spec)
    {
        Pki = pki;
        Spec = spec;
        var store = new List<TrustpointCa>();
        foreach (ForgedIdentity id in pki.Store(spec.Name))
            store.Add(new TrustpointCa(id.Trustpoint.Name, id.Ca.Spec.Subject, id.Ca.SubjectDer, id.Ca.SpkiSha1, true, false));
        for (int i = 0; i < IosBuiltInCas.Dns.Count; i++)
            store.Add(new TrustpointCa(BuiltInTrustpointNames[i], IosBuiltInCas.Dns[i], ForgedPki.BuiltInCaDers[i], null, false, true));
        Store = store;
    }

    /// <summary>The names IOS 15.3T gives its built-in trustpoints, in <see cref="IosBuiltInCas.Dns"/> order.</summary>
    public static IReadOnlyList<string> BuiltInTrustpointNames => IosBuiltInTrustpoints.Names;

    public ForgedPki Pki { get; }
    public RouterSpec Spec { get; }
    public string Name => Spec.Name;
    public IPAddress Address => Spec.Ethernet.Address;
    public IReadOnlyList<TrustpointCa> Store { get; }

    public ForgedIdentity Identity(string trustpoint) => Pki.Identity(Spec.Name, trustpoint);

    /// <summary>The ISAKMP profile the tunnel's <c>crypto ipsec profile</c> sets (an initiator knows it from the start).</summary>
    public IsakmpProfileSpec? TunnelIsakmpProfile => DecisionEngine.TunnelIsakmpProfile(Spec);

    public Ikev2ProfileSpec? TunnelIkev2Profile => DecisionEngine.TunnelIkev2Profile(Spec);

    /// <summary>
    /// Checks a peer certificate as IOS PKI would against <paramref name="validation"/>: issued (DN and signature) by
    /// the CA of one of those trustpoints and valid at <paramref name="at"/>. Returns the trustpoint, or null with the
    /// reason.
    /// </summary>
    public string? Validate(X509Certificate peer, IReadOnlyList<TrustpointCa> validation, DateTimeOffset at, out string reason)
    {
        foreach (TrustpointCa tp in validation.Where(t => !t.BuiltIn))
        {
            ForgedCa ca = Pki.Identity(Spec.Name, tp.Trustpoint).Ca;
            if (!ca.Certificate.SubjectDN.Equivalent(peer.IssuerDN)) continue;
            try
            {
                peer.Verify(ca.Certificate.GetPublicKey());
            }
            catch (Exception e) when (e is InvalidKeyException or SignatureException or GeneralSecurityException)
            {
                continue;
            }
            if (!peer.IsValid(at.UtcDateTime))
            {
                reason = $"certificate {peer.SerialNumber} not valid at {at:u}";
                return null;
            }
            reason = $"issued by {ca.Spec.Subject} (trustpoint {tp.Trustpoint})";
            return tp.Trustpoint;
        }
        reason = $"issuer {IosName(peer.IssuerDN)} is not the CA of any of {string.Join(", ", validation.Where(t => !t.BuiltIn).Select(t => t.Trustpoint))}: No suitable trustpoints found";
        return null;
    }

    /// <summary>IKEv1 RSA signature (RFC 2409 §5.1): the PKCS#1 v1.5 block type 1 of HASH_I/HASH_R itself, with no
    /// DigestInfo, as IOS and strongSwan compute it.</summary>
    public static byte[] Ikev1Sign(AsymmetricKeyParameter privateKey, byte[] hash)
    {
        var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
        rsa.Init(true, privateKey);
        return rsa.ProcessBlock(hash, 0, hash.Length);
    }

    public static bool Ikev1Verify(AsymmetricKeyParameter publicKey, byte[] hash, byte[] signature)
    {
        try
        {
            var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
            rsa.Init(false, publicKey);
            return rsa.ProcessBlock(signature, 0, signature.Length).AsSpan().SequenceEqual(hash);
        }
        catch (InvalidCipherTextException)
        {
            return false;
        }
    }

    /// <summary>IKEv2 AUTH method 1, RSA Digital Signature (RFC 7296 §3.8): RSASSA-PKCS1-v1_5 with SHA-1.</summary>
    public static byte[] Ikev2Sign(AsymmetricKeyParameter privateKey, byte[] octets)
    {
        ISigner s = SignerUtilities.GetSigner("SHA-1withRSA");
        s.Init(true, privateKey);
        s.BlockUpdate(octets, 0, octets.Length);
        return s.GenerateSignature();
    }

    public static bool Ikev2Verify(AsymmetricKeyParameter publicKey, byte[] octets, byte[] signature)
    {
        ISigner s = SignerUtilities.GetSigner("SHA-1withRSA");
        s.Init(false, publicKey);
        s.BlockUpdate(octets, 0, octets.Length);
        return s.VerifySignature(signature);
    }

    /// <summary>A certificate subject as IOS prints it (<c>serialNumber=100+ipaddress=…,cn=R1,…</c>).</summary>
    public static string IosSubject(X509Certificate cert) => IosName(cert.SubjectDN);

    /// <summary>A Name as IOS prints it (<c>cn=CA2,o=cisco,o=com</c>).</summary>
    public static string IosName(Org.BouncyCastle.Asn1.X509.X509Name name) => ScenarioPki.IosName(name);
}
