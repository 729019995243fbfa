using System.Buffers.Binary;
using System.Security.Cryptography;
using PcapIke.Certificates;
using PcapIke.Frames;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.Exchanges;

/// <summary>Per-SA facts gathered from clear payloads: proposals, vendor IDs, CERT_REQ lists, notifies, NAT.</summary>
public sealed partial class ExchangeCorrelator
{
    private const ushort NotifyCookie = 16390;             // RFC 7296 §3.10.1 COOKIE
    private const ushort NotifyInvalidKe = 17;             // RFC 7296 §3.10.1 INVALID_KE_PAYLOAD
    private const ushort NotifyNatSourceIp = 16388;        // RFC 7296 §2.23 NAT_DETECTION_SOURCE_IP
    private const ushort NotifyNatDestinationIp = 16389;   // RFC 7296 §2.23 NAT_DETECTION_DESTINATION_IP

    private void Summarize(SaState s, SaMessage sm)
    {
        IkeSa sa = s.Sa;
        DissectedMessage m = sm.Message;
        if (m.Source.Port == 4500 || m.Destination.Port == 4500)
            // RFC 3947 §4, RFC 7296 §2.23: the peers moved from 500 to 4500
            sa.FloatedTo4500 |= !s.StartedOn4500;
        if (sm.IsRetransmission) return;

        IkeMessageDissection ike = m.Ike;
        bool phase1 = sm.Exchange is ExchangeKind.MainMode or ExchangeKind.AggressiveMode or ExchangeKind.IkeSaInit;
        int crPosition = 0;
        bool takeCr = !sa.HasCertRequests(sm.Sender);
        bool authExchange = sm.Exchange is ExchangeKind.MainMode or ExchangeKind.AggressiveMode or ExchangeKind.IkeAuth;
        var seen = SeenCertificates(sm);
        if (seen.Count > 0) sa.Certificates.AddRange(seen);
        if (authExchange && seen.FirstOrDefault(c => c.EncodingRaw == CaptureDissector.X509Encoding)?.Info is
                { Subject: { } subject, Issuer: { } issuer })
        {
            if (sm.Sender == Role.Initiator && sa.InitiatorCertificate is null)
                (sa.InitiatorCertificate, sa.InitiatorCertificateIssuer) = (subject, issuer);
            else if (sm.Sender == Role.Responder && sa.ResponderCertificate is null)
                (sa.ResponderCertificate, sa.ResponderCertificateIssuer) = (subject, issuer);
        }
        foreach (IkePayloadSummary p in m.VisiblePayloads)
        {
            switch (p.Details)
            {
                // IKEv1 phase 1 ID (RFC 2409 §5); IKEv2 IDi from the initiator, IDr from the responder (RFC 7296
                // §3.5: an IDr in the request only names the responder the initiator wants)
                case IdentificationDetails id when authExchange:
                    if (sm.Sender == Role.Initiator && p.TypeRaw is (byte)PayloadType.ID or (byte)PayloadType.IDi)
                        sa.InitiatorId ??= id.Value;
                    else if (sm.Sender == Role.Responder && p.TypeRaw is (byte)PayloadType.ID or (byte)PayloadType.IDr
                             && (sa.ResponderId is null || sa.ResponderIdFromRequest))
                    {
                        sa.ResponderId = id.Value;
                        sa.ResponderIdFromRequest = false;
                    }
                    else if (sm.Sender == Role.Initiator && p.TypeRaw == (byte)PayloadType.IDr && sa.ResponderId is null)
                    {
                        sa.ResponderId = id.Value;
                        sa.ResponderIdFromRequest = true;
                    }
                    break;
                case SaDetails saDetails when phase1:
                    if (sm.Sender == Role.Initiator && sa.Offered.Count == 0)
                        foreach (ProposalSummary proposal in saDetails.Proposals)
                        {
                            if (sa.Version == 1)
                                sa.Offered.AddRange(proposal.Transforms.Select(Ikev1View));
                            else
                                sa.Offered.Add(Ikev2View(proposal));
                        }
                    else if (sm.Sender == Role.Responder && sa.Chosen is null && saDetails.Proposals.Count > 0)
                    {
                        ProposalSummary chosen = saDetails.Proposals[0];
                        if (sa.Version == 1 && chosen.Transforms.Count > 0)
                        {
                            sa.Chosen = Ikev1View(chosen.Transforms[0]);
                            s.ChosenHash = chosen.Transforms[0].Attributes.FirstOrDefault(a => a.TypeRaw == 2)?.Value;
                        }
                        else if (sa.Version == 2)
                        {
                            sa.Chosen = Ikev2View(chosen);
                            s.ChosenEncr = chosen.Transforms.FirstOrDefault(t => t.TypeRaw == 1)?.IdRaw;
                            s.ChosenInteg = chosen.Transforms.FirstOrDefault(t => t.TypeRaw == 3)?.IdRaw;
                        }
                    }
                    break;
                case VendorIdDetails vid:
                    if (!sa.VendorIds.Any(v => v.Sender == sm.Sender && v.Hex == vid.Hex))
                        sa.VendorIds.Add(new VendorIdEntry(sm.Sender, vid.Hex, vid.Name, FingerprintOf(vid.Name)));
                    break;
                case CertificateRequestDetails cr when takeCr:
                {
                    var crList = sm.Sender == Role.Initiator ? sa.InitiatorCertRequests : sa.ResponderCertRequests;
                    // IKEv1: one CR per CA, DN as IOS prints it (RFC 2408 §3.10); IKEv2: one entry per 20-byte
                    // SHA-1 SPKI hash (RFC 7296 §3.7)
                    if (sa.Version == 1 || cr.CaHashes.Count == 0)
                        crList.Add(new CertRequestEntry(++crPosition, m.Frame, sm.Step, cr.EncodingRaw, cr.DnIos, cr.DnRfc4514,
                            null, null) { DnWireshark = cr.DnWireshark });
                    else
                        foreach (string hash in cr.CaHashes)
                            crList.Add(new CertRequestEntry(++crPosition, m.Frame, sm.Step, cr.EncodingRaw, null, null, hash, null));
                    break;
                }
                case NotifyDetails n:
                    // error types 1-16383 in both versions (RFC 2408 §3.14.1, RFC 7296 §3.10.1)
                    sa.Notifies.Add(new NotifyEntry(m.Frame, sm.Sender, sm.Step, n.TypeRaw, n.TypeName, n.TypeRaw is >= 1 and <= 16383));
                    if (sa.Version == 2 && sm.Exchange == ExchangeKind.IkeSaInit && ike.IsResponse
                        && n.TypeRaw is NotifyCookie or NotifyInvalidKe)
                        s.RestartNotify = n.TypeName ?? n.TypeRaw.ToString();
                    if (sa.Version == 2 && n.TypeRaw is NotifyNatSourceIp or NotifyNatDestinationIp
                        && !Ikev2NatHashMatches(ike, n, n.TypeRaw == NotifyNatSourceIp ? m.Source : m.Destination))
                        sa.NatHashMismatch = true;
                    break;
            }
        }
        if (sa.Version == 1 && s.ChosenHash is ulong hashAlg)
            CheckIkev1NatD(sa, ike, m, hashAlg);
        sa.NatDetected = sa.NatHashMismatch || sa.FloatedTo4500;
    }

    /// <summary>The CERT payloads of a message as the SA's certificates: X.509 ones read (<see cref="CertificateInfo"/>),
    /// each with its position in the message and the position of its issuer there (chain order, RFC 7296 §3.6: the
    /// first certificate holds the key used for AUTH; RFC 4945 §3.3 for IKEv1).</summary>
    private static IReadOnlyList<SeenCertificate> SeenCertificates(SaMessage sm)
    {
        var payloads = sm.Message.CertificatePayloads;
        if (payloads.Count == 0) return Array.Empty<SeenCertificate>();
        var list = new List<SeenCertificate>(payloads.Count);
        for (int i = 0; i < payloads.Count; i++)
        {
            var p = payloads[i];
            var info = p.EncodingRaw == CaptureDissector.X509Encoding ? CertificateInfo.Parse(p.Data) : null;
            list.Add(new SeenCertificate(sm.Frame, sm.Sender, sm.Step, sm.Exchange, i + 1, payloads.Count, p.Decrypted,
                p.EncodingRaw, p.EncodingName, info));
        }
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Info is not { Issuer: { } issuer } info || info.IsSelfIssued) continue;
            int j = list.FindIndex(c => c.Info?.Subject == issuer);
            if (j >= 0) list[i] = list[i] with { IssuerPosition = j + 1 };
        }
        return list;
    }

    /// <summary>
    /// RFC 3947 §3.2: HASH = HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash; the first NAT-D is the
    /// receiver's address, the next ones the sender's. A hash that matches none of the addresses seen means NAT.
    /// </summary>
    private static void CheckIkev1NatD(IkeSa sa, IkeMessageDissection ike, DissectedMessage m, ulong hashAlgorithm)
    {
        var natD = ike.Payloads.Where(p => p.TypeRaw is (byte)PayloadType.NAT_D or (byte)PayloadType.NAT_D_Draft)
            .Select(p => p.Details).OfType<DataDetails>().ToList();
        if (natD.Count == 0) return;
        Func<byte[], byte[]>? hash = hashAlgorithm switch
        {
            1 => MD5.HashData,
            2 => SHA1.HashData,
            4 => SHA256.HashData,
            5 => SHA384.HashData,
            6 => SHA512.HashData,
            _ => null,
        };
        if (hash is null) return;
        string Expected(NetEndpoint e) => Convert.ToHexStringLower(hash(NatInput(ike.InitiatorSpi, ike.ResponderSpi, e)));
        if (!string.Equals(natD[0].Hex, Expected(m.Destination), StringComparison.OrdinalIgnoreCase))
            sa.NatHashMismatch = true;
        string local = Expected(m.Source);
        if (natD.Count > 1 && !natD.Skip(1).Any(d => string.Equals(d.Hex, local, StringComparison.OrdinalIgnoreCase)))
            sa.NatHashMismatch = true;
    }

    /// <summary>RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP | Port), with the SPIs of the message's header.</summary>
    private static bool Ikev2NatHashMatches(IkeMessageDissection ike, NotifyDetails n, NetEndpoint endpoint)
    {
        // SHA-1 of a 38-byte input at most, into stack buffers: nothing allocated per NAT_DETECTION notify
        Span<byte> input = stackalloc byte[16 + 16 + 2];
        int length = WriteNatInput(input, ike.InitiatorSpi, ike.ResponderSpi, endpoint);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..length], hash);
        Span<char> hex = stackalloc char[2 * SHA1.HashSizeInBytes];
        Convert.TryToHexStringLower(hash, hex, out _);
        return n.DataHex.AsSpan().Equals(hex, StringComparison.OrdinalIgnoreCase);
    }

    private static int WriteNatInput(Span<byte> b, ulong spiI, ulong spiR, NetEndpoint e)
    {
        int addressLength = e.Address.IsIPv6 ? 16 : 4;
        BinaryPrimitives.WriteUInt64BigEndian(b, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], spiR);
        e.Address.WriteBytes(b[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[(16 + addressLength)..], e.Port);
        return 16 + addressLength + 2;
    }

    private static byte[] NatInput(ulong spiI, ulong spiR, NetEndpoint e)
    {
        int addressLength = e.Address.IsIPv6 ? 16 : 4;
        var b = new byte[16 + addressLength + 2];
        BinaryPrimitives.WriteUInt64BigEndian(b, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), spiR);
        e.Address.WriteBytes(b.AsSpan(16));
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(16 + addressLength), e.Port);
        return b;
    }

    /// <summary>One IKEv1 ISAKMP transform as a proposal view (RFC 2409 Appendix A attributes).</summary>
    private static ProposalView Ikev1View(TransformSummary t)
    {
        AttributeSummary? A(ushort type) => t.Attributes.FirstOrDefault(a => a.TypeRaw == type);
        string? Name(ushort type) => A(type) is { } a ? a.ValueName ?? a.Value?.ToString() ?? a.ValueHex : null;
        // Life Type (11) 1 = seconds, then Life Duration (12)
        long? life = null;
        for (int i = 0; i < t.Attributes.Count; i++)
            if (t.Attributes[i].TypeRaw == 11 && t.Attributes[i].Value == 1 && i + 1 < t.Attributes.Count
                && t.Attributes[i + 1].TypeRaw == 12 && t.Attributes[i + 1].Value is ulong v)
                life = (long)v;
        return new ProposalView(Name(1), A(14)?.Value is ulong k ? (int)k : null, Name(2), Name(13), Name(4), Name(3), life);
    }

    /// <summary>One IKEv2 proposal as a view: the first transform of each type (RFC 7296 §3.3.2).</summary>
    private static ProposalView Ikev2View(ProposalSummary p)
    {
        TransformSummary? T(byte type) => p.Transforms.FirstOrDefault(t => t.TypeRaw == type);
        string? Name(byte type) => T(type) is { } t ? t.IdName ?? t.IdRaw.ToString() : null;
        int? keyLength = T(1)?.Attributes.FirstOrDefault(a => a.TypeRaw == 14)?.Value is ulong k ? (int)k : null;
        return new ProposalView(Name(1), keyLength, Name(3), Name(2), Name(4), null, null);
    }

    /// <summary>Vendor IDs only Cisco's own IOS / IOS-XE send.</summary>
    internal static bool IsCiscoOnly(string name) =>
        name is "Cisco IOS device" or "CISCO-DYNAMIC-ROUTE" or "FLEXVPN-SUPPORTED" or "CISCOVPN-REV-02" or "Cisco Copyright (c) 2009";

    /// <summary>Cisco-defined vendor IDs that other implementations send too, to work with Cisco peers (strongSwan sends
    /// "IKE Fragmentation (Cisco)" by default and CISCO-UNITY, CISCO-DELETE-REASON when asked): alone they fingerprint
    /// nothing.</summary>
    internal static bool IsCiscoCompatible(string name) =>
        name.StartsWith("CISCO-UNITY", StringComparison.Ordinal) || name.StartsWith("Cisco-Unity", StringComparison.Ordinal)
        || name is "CISCO-DELETE-REASON" or "IKE Fragmentation (Cisco, 80000000)";

    /// <summary>What a vendor ID name says about the peer's implementation, alone (the SA's whole set decides, see
    /// <see cref="PeerPlatform.Of"/>).</summary>
    public static string? FingerprintOf(string? vendorIdName)
    {
        if (vendorIdName is null) return null;
        if (IsCiscoOnly(vendorIdName) || IsCiscoCompatible(vendorIdName))
            return "Cisco IOS";
        if (vendorIdName.StartsWith("CISCO-CONCENTRATOR", StringComparison.Ordinal)) return "Cisco ASA";
        if (vendorIdName == "strongSwan") return "strongSwan";
        if (vendorIdName.StartsWith("MS NT5 ISAKMPOAKLEY", StringComparison.Ordinal) || vendorIdName.StartsWith("Microsoft", StringComparison.Ordinal)
            || vendorIdName is "MS-Negotiation Discovery Capable" or "IKE CGA version 1" or "MS-MamieExists")
            return "Windows";
        if (vendorIdName.StartsWith("Libreswan", StringComparison.Ordinal) || vendorIdName.StartsWith("Openswan", StringComparison.Ordinal))
            return "libreswan/Openswan";
        if (vendorIdName is "KAME/racoon" or "IPsec-Tools") return "racoon/IPsec-Tools";
        if (vendorIdName.StartsWith("Netscreen", StringComparison.Ordinal)) return "Juniper NetScreen";
        if (vendorIdName is "Shrew Soft" or "Check Point" or "SonicWall") return vendorIdName;
        return null;
    }
}
