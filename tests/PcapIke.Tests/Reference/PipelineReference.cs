using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.Tests.Reference;

/// <summary>Runs PcapIke's whole pipeline (reader → frames → dissector) and states the result in the same terms as
/// <see cref="TsharkReference"/>, so the two can be compared field by field.</summary>
public static class PipelineReference
{
    public static IReadOnlyList<ReferenceMessage> Dissect(string path, out MalformationList malformations)
    {
        var list = new List<ReferenceMessage>();
        malformations = new MalformationList();
        CaptureDissector.Dissect(path, malformations, m => list.Add(ToReference(m)));
        return list;
    }

    public static ReferenceMessage ToReference(DissectedMessage m)
    {
        var d = m.Ike;
        return new ReferenceMessage(
            (int)m.Frame, d.InitiatorSpiHex, d.ResponderSpiHex, d.FirstPayloadRaw, d.MajorVersion, d.MinorVersion,
            d.ExchangeTypeRaw, d.FlagsRaw, d.MessageId, (int)d.HeaderLength,
            // Wireshark marks IKEv1 ciphertext at the message level and IKEv2 ciphertext inside the SK/SKF payload.
            Encrypted: d.IsEncrypted && d.MajorVersion == 1,
            d.Payloads.Select(ToReference).ToList());
    }

    private static ReferencePayload ToReference(IkePayloadSummary p) => new(
        p.TypeRaw,
        p.Length,
        NotifyType: p.Details is NotifyDetails n ? n.TypeRaw : null,
        VendorIdHex: p.Details is VendorIdDetails v ? v.Hex : null,
        VendorIdName: p.Details is VendorIdDetails v2 ? v2.Name : null,
        CertificateType: p.Details is CertificateRequestDetails c ? c.EncodingRaw : null,
        CertRequestDn: p.Details is CertificateRequestDetails { DnAttributes: { } attrs }
            ? attrs.Select(a => new KeyValuePair<string, string>(a.Oid, a.Value)).ToList()
            : null,
        Encrypted: p.TypeRaw is (byte)PayloadType.SK or (byte)PayloadType.SKF,
        // RFC 2408 section 3.4/3.5, RFC 7296 section 3.3: the SA payload's proposals and their transforms.
        Children: p.Details is SaDetails sa ? sa.Proposals.Select(ToReference).ToList() : Array.Empty<ReferencePayload>());

    private static ReferencePayload ToReference(ProposalSummary p) =>
        new(2, p.Length, null, null, null, null, null, false, p.Transforms.Select(t =>
            new ReferencePayload(3, t.Length, null, null, null, null, null, false, Array.Empty<ReferencePayload>())).ToList());
}
