using System.Net;
using System.Text;

namespace PcapIke.Ike;

/// <summary>
/// An owned summary of one IKE message, built by <see cref="Dissect"/> from a span that may be reused afterwards.
/// Allocates (it is meant for the IKE messages only). Never throws on any input: every problem becomes an
/// <see cref="IkeDecodeFinding"/> in <see cref="Findings"/>.
/// </summary>
public sealed class IkeMessageDissection
{
    private readonly List<IkePayloadSummary> _payloads = new();
    private List<IkeDecodeFinding>? _findings;   // made with the first finding: most messages have none

    private IkeMessageDissection() { }

    /// <summary>True when at least the 28-byte header was present.</summary>
    public bool HasHeader { get; private init; }
    public int MajorVersion { get; private init; }
    public int MinorVersion { get; private init; }
    public byte ExchangeTypeRaw { get; private init; }
    public ExchangeType ExchangeType => (ExchangeType)ExchangeTypeRaw;
    /// <summary>IANA name (IdentityProtection, IKE_SA_INIT ...) or null when unassigned.</summary>
    public string? ExchangeTypeName { get; private init; }
    public byte FlagsRaw { get; private init; }
    /// <summary>IKEv2 I flag.</summary>
    public bool IsInitiator { get; private init; }
    /// <summary>IKEv2 R flag.</summary>
    public bool IsResponse { get; private init; }
    /// <summary>IKEv2 V flag.</summary>
    public bool IsHigherVersionSupported { get; private init; }
    /// <summary>IKEv1 E flag.</summary>
    public bool EncryptionFlag { get; private init; }
    /// <summary>IKEv1 C flag.</summary>
    public bool CommitFlag { get; private init; }
    /// <summary>IKEv1 A flag.</summary>
    public bool AuthenticationOnlyFlag { get; private init; }
    public uint MessageId { get; private init; }
    public ulong InitiatorSpi { get; private init; }
    public ulong ResponderSpi { get; private init; }
    public string InitiatorSpiHex => InitiatorSpi.ToString("x16");
    public string ResponderSpiHex => ResponderSpi.ToString("x16");
    public byte FirstPayloadRaw { get; private init; }
    /// <summary>The header's Length field.</summary>
    public uint HeaderLength { get; private init; }
    /// <summary>The bytes given to <see cref="Dissect"/>.</summary>
    public int BufferLength { get; private init; }
    /// <summary>The rest is ciphertext: IKEv1 E flag, or an SK/SKF payload.</summary>
    public bool IsEncrypted { get; private set; }
    /// <summary>Length of the ciphertext part (IKEv1: after the header; IKEv2: the SK/SKF body).</summary>
    public int EncryptedLength { get; private set; }
    public IReadOnlyList<IkePayloadSummary> Payloads => _payloads;
    public IReadOnlyList<IkeDecodeFinding> Findings => (IReadOnlyList<IkeDecodeFinding>?)_findings ?? Array.Empty<IkeDecodeFinding>();
    public IEnumerable<IkeDecodeFinding> Malformations => Findings.Where(f => !f.IsCondition);
    public bool IsMalformed => _findings is { } f && f.Exists(x => !x.IsCondition);

    /// <summary>
    /// A payload whose generic header was captured but whose body runs past the captured bytes (a frame cut by the snap
    /// length, an IP fragment missing): listed with <see cref="IkePayloadSummary.IsCut"/> so the message's shape stays
    /// known. IKEv2 SK/SKF (RFC 7296 §3.14, RFC 7383 §2.5) mark the message encrypted; SKF's fragment number and total
    /// (its first 4 body bytes) are read when captured.
    /// </summary>
    private void AddCutPayload(ReadOnlySpan<byte> message, int at, byte type, int version)
    {
        if (at < IsakmpHeader.Size || at + 4 > message.Length) return;
        int length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(message.Slice(at + 2, 2));
        IkePayloadDetails? details = null;
        if (version == 2 && type == (byte)PayloadType.SKF && at + 8 <= message.Length && length >= 8)
            details = new EncryptedFragmentDetails(System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(message.Slice(at + 4, 2)),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(message.Slice(at + 6, 2)), length - 8);
        else if (version == 2 && type == (byte)PayloadType.SK && length >= 4)
            details = new EncryptedDetails(length - 4);
        if (version == 2 && type is (byte)PayloadType.SK or (byte)PayloadType.SKF)
        {
            IsEncrypted = true;
            EncryptedLength = Math.Max(0, length - (type == (byte)PayloadType.SKF ? 8 : 4));
        }
        _payloads.Add(new IkePayloadSummary(type, IkeNames.Of((PayloadType)type), IkeNames.PayloadDisplayName(type), at, length,
            message[at], message[at + 1], version == 2 && (message[at + 1] & 0x80) != 0, details) { IsCut = true });
    }

    /// <summary>Dissects one ISAKMP/IKE message starting at its header.</summary>
    public static IkeMessageDissection Dissect(ReadOnlySpan<byte> message)
    {
        var reader = new IsakmpReader(message);
        IsakmpHeader h = reader.Header;
        bool hasHeader = message.Length >= IsakmpHeader.Size;
        int version = h.MajorVersion;
        var d = new IkeMessageDissection
        {
            HasHeader = hasHeader,
            MajorVersion = version,
            MinorVersion = h.MinorVersion,
            ExchangeTypeRaw = h.ExchangeTypeRaw,
            ExchangeTypeName = hasHeader ? IkeNames.Of(h.ExchangeType) : null,
            FlagsRaw = h.FlagsRaw,
            IsInitiator = version == 2 && h.IsInitiator,
            IsResponse = version == 2 && h.IsResponse,
            IsHigherVersionSupported = version == 2 && h.IsHigherVersionSupported,
            EncryptionFlag = version == 1 && (h.FlagsRaw & 0x01) != 0,
            CommitFlag = version == 1 && h.IsCommit,
            AuthenticationOnlyFlag = version == 1 && h.IsAuthenticationOnly,
            MessageId = h.MessageId,
            InitiatorSpi = h.InitiatorSpi,
            ResponderSpi = h.ResponderSpi,
            FirstPayloadRaw = h.NextPayloadRaw,
            HeaderLength = h.Length,
            BufferLength = message.Length,
        };
        if (reader.HeaderResult.Status != DecodeStatus.Ok)
            d.Add(reader.HeaderResult, null);

        while (reader.ReadPayload())
        {
            IkePayloadDetails? details = d.DecodeDetails(ref reader, version);
            byte type = reader.PayloadTypeRaw;
            d._payloads.Add(new IkePayloadSummary(type, IkeNames.Of((PayloadType)type), IkeNames.PayloadDisplayName(type),
                reader.PayloadOffset, reader.PayloadLength, reader.NextPayloadRaw, reader.PayloadFlags, reader.IsCritical, details));
        }
        if (reader.IsEncrypted)
        {
            d.IsEncrypted = true;
            d.EncryptedLength = reader.EncryptedBody.Length;
        }
        if (reader.Result.Status != DecodeStatus.Ok && reader.Result != reader.HeaderResult)
            d.Add(reader.Result, null);
        if (reader.Result.Status == DecodeStatus.PayloadPastBuffer)
            d.AddCutPayload(message, reader.Result.Offset, reader.NextPayloadRaw, version);
        // exact size: the summaries stay in memory while the message's SA is open (issue 14)
        if (d._payloads.Count < d._payloads.Capacity) d._payloads.Capacity = d._payloads.Count;
        return d;
    }

    /// <summary>
    /// Dissects a decrypted inner payload chain (the plaintext of an SK payload, reassembled SKF fragments, or an
    /// IKEv1 message body) as if it were a clear message: <paramref name="header"/>'s 28-octet header with its Next
    /// Payload set to <paramref name="firstPayload"/>, the IKEv1 E flag cleared and its Length set to 28 plus the
    /// plaintext. Offsets in the result are thus those of the plaintext plus 28 (the header size), not offsets in the
    /// captured message.
    /// </summary>
    public static IkeMessageDissection DissectInner(ReadOnlySpan<byte> header, byte firstPayload, ReadOnlySpan<byte> plaintext) =>
        Dissect(InnerMessage(header, firstPayload, plaintext));

    /// <summary>The synthetic clear message <see cref="DissectInner"/> dissects.</summary>
    public static byte[] InnerMessage(ReadOnlySpan<byte> header, byte firstPayload, ReadOnlySpan<byte> plaintext)
    {
        var message = new byte[IsakmpHeader.Size + plaintext.Length];
        header[..IsakmpHeader.Size].CopyTo(message);
        message[16] = firstPayload;
        if (message[17] >> 4 == 1) message[19] &= 0xFE;   // RFC 2408 §3.1 E flag
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(24), (uint)message.Length);
        plaintext.CopyTo(message.AsSpan(IsakmpHeader.Size));
        return message;
    }

    /// <summary>
    /// The findings as <see cref="Diagnostics.Malformation"/>s of the IKE layer for a given file and frame (the offset
    /// stays relative to the ISAKMP header). Conditions (odd but readable input) are left out unless asked for.
    /// </summary>
    public IEnumerable<Diagnostics.Malformation> ToMalformations(string file, long frame, bool includeConditions = false) =>
        Findings.Where(f => includeConditions || !f.IsCondition)
            .Select(f => new Diagnostics.Malformation(file, frame, f.Offset, Diagnostics.MalformationLayer.Ike, f.Text));

    private void Add(DecodeResult r, PayloadContext? context)
    {
        string text = DecodeStatusInfo.Describe(r.Status);
        (_findings ??= new()).Add(new IkeDecodeFinding(r.Offset, r.Status, context is { } c ? $"{c}: {text}" : text));
    }

    private IkePayloadDetails? DecodeDetails(ref IsakmpReader reader, int version)
    {
        ReadOnlySpan<byte> body = reader.PayloadBody;
        int at = reader.BodyOffset;
        var context = new PayloadContext(reader.PayloadTypeRaw, reader.PayloadOffset);
        DecodeResult r;
        switch ((PayloadType)reader.PayloadTypeRaw)
        {
            case PayloadType.SA:
            {
                r = IkeDecoder.TryReadIkev1SecurityAssociation(body, at, out Ikev1SecurityAssociation sa);
                if (!r) { Add(r, context); return null; }
                var proposals = ReadProposals(sa.GetProposals(), context);
                return new SaDetails(sa.Doi, IkeNames.Of(sa.DomainOfInterpretation), sa.Situation, proposals);
            }
            case PayloadType.SAv2:
                return new SaDetails(null, null, null,
                    ReadProposals(IkeDecoder.ReadIkev2SecurityAssociation(body, at).GetProposals(), context));
            case PayloadType.KE:
            case PayloadType.NONCE:
            case PayloadType.Nonce:
            case PayloadType.HASH:
            case PayloadType.SIG:
            case PayloadType.NAT_D:
            case PayloadType.NAT_D_Draft:
                return new DataDetails(body.Length, Hex(body));
            case PayloadType.KEv2:
            {
                r = IkeDecoder.TryReadIkev2KeyExchange(body, at, out Ikev2KeyExchange ke);
                if (!r) { Add(r, context); return null; }
                return new KeyExchangeDetails(ke.GroupRaw, IkeNames.Of(ke.Group), ke.Data.Length);
            }
            case PayloadType.ID:
            case PayloadType.IDi:
            case PayloadType.IDr:
            {
                r = IkeDecoder.TryReadIdentification(body, at, version, out IdentificationPayload id);
                if (!r) { Add(r, context); return null; }
                string value = IdentificationText(id.TypeRaw, id.Data, out bool ok);
                if (!ok)
                    Add(new DecodeResult(DecodeStatus.InvalidIdentificationData, id.DataOffset), context);
                return new IdentificationDetails(id.TypeRaw, IkeNames.IdentificationTypeName(version, id.TypeRaw), id.ProtocolId, id.Port, value);
            }
            case PayloadType.CERT:
            case PayloadType.CERTv2:
            {
                r = IkeDecoder.TryReadCertificate(body, at, out CertificatePayload cert);
                if (!r) { Add(r, context); return null; }
                return new CertificateDetails(cert.EncodingRaw, IkeNames.Of(cert.Encoding), cert.Data.Length);
            }
            case PayloadType.CR:
            case PayloadType.CERTREQ:
                return DecodeCertificateRequest(body, at, version, context);
            case PayloadType.N:
            case PayloadType.Nv2:
            {
                r = IkeDecoder.TryReadNotify(body, at, version, out NotifyPayload n);
                if (!r) { Add(r, context); return null; }
                return new NotifyDetails(version == 1 ? n.Doi : null, n.ProtocolId, IkeNames.ProtocolName(version, n.ProtocolId),
                    n.SpiSize, Hex(n.Spi), n.NotifyTypeRaw, IkeNames.NotifyName(version, n.NotifyTypeRaw), n.Data.Length, Hex(n.Data));
            }
            case PayloadType.D:
            case PayloadType.Dv2:
            {
                r = IkeDecoder.TryReadDelete(body, at, version, out DeletePayload del);
                if (!r)
                {
                    Add(r, context);
                    if (r.IsMalformed)
                        return null;
                }
                var spis = new List<string>(del.SpiCount);
                for (int i = 0; i < del.SpiCount; i++)
                    spis.Add(Hex(del.GetSpi(i)));
                return new DeleteDetails(version == 1 ? del.Doi : null, del.ProtocolId, IkeNames.ProtocolName(version, del.ProtocolId),
                    del.SpiSize, del.SpiCount, spis);
            }
            case PayloadType.VID:
            case PayloadType.V:
                return new VendorIdDetails(Hex(body), VendorIds.Describe(body));
            case PayloadType.NAT_OA:
            case PayloadType.NAT_OA_Draft:
            {
                r = IkeDecoder.TryReadNatOriginalAddress(body, at, out NatOriginalAddress oa);
                if (!r) { Add(r, context); return null; }
                return new NatOriginalAddressDetails(oa.IdTypeRaw, new IPAddress(oa.Address).ToString());
            }
            case PayloadType.CiscoFragmentation:
            {
                r = IkeDecoder.TryReadCiscoFragment(body, at, out CiscoFragment f);
                if (!r) { Add(r, context); return null; }
                return new CiscoFragmentDetails(f.FragmentId, f.FragmentNumber, f.IsLast, f.Data.Length);
            }
            case PayloadType.AUTH:
            {
                r = IkeDecoder.TryReadAuthentication(body, at, out AuthenticationPayload a);
                if (!r) { Add(r, context); return null; }
                return new AuthenticationDetails(a.MethodRaw, IkeNames.Of(a.Method), a.Data.Length);
            }
            case PayloadType.TSi:
            case PayloadType.TSr:
                return DecodeTrafficSelectors(body, at, context);
            case PayloadType.SK:
                return new EncryptedDetails(body.Length);
            case PayloadType.SKF:
            {
                r = IkeDecoder.TryReadEncryptedFragment(body, at, out EncryptedFragment f);
                if (!r) { Add(r, context); return null; }
                return new EncryptedFragmentDetails(f.FragmentNumber, f.TotalFragments, f.Encrypted.Length);
            }
            case PayloadType.ATTR:
            case PayloadType.CP:
                return DecodeConfiguration(body, at, version, context);
            case PayloadType.EAP:
            {
                r = IkeDecoder.TryReadEap(body, at, out EapPayload e);
                if (!r) { Add(r, context); return null; }
                return new EapDetails(e.CodeRaw, IkeNames.Of(e.Code), e.Identifier, e.Length, e.TypeRaw,
                    e.TypeRaw == 0 ? null : IkeNames.Of(e.Type));
            }
            default:
                return new DataDetails(body.Length, Hex(body));
        }
    }

    // The summaries are kept as exact-size arrays, not the lists that built them: a message's tree stays in memory
    // while its SA is open, and every object of it is one the GC copies and marks (bench/README.md, issue 14).
    private IReadOnlyList<ProposalSummary> ReadProposals(ProposalReader proposals, PayloadContext context)
    {
        var list = new List<ProposalSummary>();
        while (proposals.ReadNext())
        {
            Proposal p = proposals.Current;
            var transforms = new List<TransformSummary>();
            TransformReader tr = p.GetTransforms();
            while (tr.ReadNext())
            {
                Transform t = tr.Current;
                byte selector = p.Version == 1 ? p.ProtocolId : t.TypeRaw;
                var attrs = new List<AttributeSummary>();
                AttributeReader ar = t.GetAttributes();
                while (ar.ReadNext())
                {
                    DataAttribute a = ar.Current;
                    ulong? v = a.TryGetInteger(out ulong n) ? n : null;
                    attrs.Add(new AttributeSummary(a.TypeRaw, IkeNames.AttributeTypeName(p.Version, p.ProtocolId, a.TypeRaw),
                        a.IsTypeValue, v, Hex(a.Value),
                        v is { } vv ? IkeNames.AttributeValueName(p.Version, p.ProtocolId, a.TypeRaw, vv) : null));
                }
                if (ar.Result.Status != DecodeStatus.Ok)
                    Add(ar.Result, context);
                transforms.Add(new TransformSummary(t.Number, t.TypeRaw, p.Version == 2 ? IkeNames.Of(t.Type) : null,
                    t.IdRaw, IkeNames.TransformIdName(p.Version, selector, t.IdRaw), Exact(attrs), t.Length));
            }
            if (tr.Result.Status != DecodeStatus.Ok)
                Add(tr.Result, context);
            else if (tr.Count != p.TransformCount)
                Add(new DecodeResult(DecodeStatus.TransformCountMismatch, p.Offset + 7), context);
            list.Add(new ProposalSummary(p.Number, p.ProtocolId, IkeNames.ProtocolName(p.Version, p.ProtocolId), p.SpiSize,
                Hex(p.Spi), p.TransformCount, Exact(transforms), p.Length));
        }
        if (proposals.Result.Status != DecodeStatus.Ok)
            Add(proposals.Result, context);
        return Exact(list);
    }

    private static IReadOnlyList<T> Exact<T>(List<T> list) => list.Count == 0 ? Array.Empty<T>() : list.ToArray();

    private IkePayloadDetails? DecodeCertificateRequest(ReadOnlySpan<byte> body, int at, int version, PayloadContext context)
    {
        DecodeResult r = IkeDecoder.TryReadCertificate(body, at, out CertificatePayload cr);
        if (!r) { Add(r, context); return null; }
        string? encodingName = IkeNames.Of(cr.Encoding);
        if (version == 2)
        {
            r = IkeDecoder.TryCountCertificateAuthorityHashes(cr.Data, cr.DataOffset, out int count);
            if (!r)
                Add(r, context);
            var hashes = new List<string>(count);
            foreach (ReadOnlySpan<byte> hash in new CertificateAuthorityHashes(cr.Data, cr.DataOffset))
                hashes.Add(Hex(hash));
            return new CertificateRequestDetails(cr.EncodingRaw, encodingName, cr.Data.Length, null, null, null, hashes);
        }
        // RFC 4945 §3.2.4 / RFC 2408 §3.10: an empty authority asks for any CA; otherwise a DER DistinguishedName.
        if (cr.Data.IsEmpty)
            return new CertificateRequestDetails(cr.EncodingRaw, encodingName, 0, null, null, null, Array.Empty<string>());
        if (!DistinguishedName.TryDecode(cr.Data, out DistinguishedName? dn))
        {
            Add(new DecodeResult(DecodeStatus.InvalidDistinguishedName, cr.DataOffset), context);
            return new CertificateRequestDetails(cr.EncodingRaw, encodingName, cr.Data.Length, null, null, null, Array.Empty<string>());
        }
        return new CertificateRequestDetails(cr.EncodingRaw, encodingName, cr.Data.Length,
            dn!.ToIosString(), dn.ToRfc4514String(), dn.ToWiresharkString(), Array.Empty<string>(),
            dn.Rdns.SelectMany(rdn => rdn).Select(a => new DnAttributeValue(a.Oid, a.Value)).ToList());
    }

    private IkePayloadDetails? DecodeTrafficSelectors(ReadOnlySpan<byte> body, int at, PayloadContext context)
    {
        DecodeResult r = IkeDecoder.TryReadTrafficSelectors(body, at, out TrafficSelectorPayload ts);
        if (!r) { Add(r, context); return null; }
        var list = new List<TrafficSelectorSummary>();
        TrafficSelectorReader sr = ts.GetSelectors();
        while (sr.ReadNext())
        {
            TrafficSelector s = sr.Current;
            bool isRange = !s.StartAddress.IsEmpty;
            list.Add(new TrafficSelectorSummary(s.TypeRaw, IkeNames.Of(s.Type), s.IpProtocolId, s.StartPort, s.EndPort,
                isRange ? new IPAddress(s.StartAddress).ToString() : Hex(s.Data),
                isRange ? new IPAddress(s.EndAddress).ToString() : ""));
        }
        if (sr.Result.Status != DecodeStatus.Ok)
            Add(sr.Result, context);
        else if (sr.Count != ts.Count)
            Add(new DecodeResult(DecodeStatus.CountMismatch, at), context);
        return new TrafficSelectorDetails(ts.Count, list);
    }

    private IkePayloadDetails? DecodeConfiguration(ReadOnlySpan<byte> body, int at, int version, PayloadContext context)
    {
        DecodeResult r = IkeDecoder.TryReadConfiguration(body, at, version, out ConfigurationPayload cp);
        if (!r) { Add(r, context); return null; }
        var attrs = new List<ConfigurationAttributeSummary>();
        AttributeReader ar = cp.GetAttributes(version);
        while (ar.ReadNext())
        {
            DataAttribute a = ar.Current;
            var type = (ConfigurationAttributeType)a.TypeRaw;
            attrs.Add(new ConfigurationAttributeSummary(a.TypeRaw, IkeNames.Of(type), a.Value.Length, ConfigValueText(type, a)));
        }
        if (ar.Result.Status != DecodeStatus.Ok)
            Add(ar.Result, context);
        return new ConfigurationDetails(cp.TypeRaw, IkeNames.Of(cp.Type), cp.Identifier, attrs);
    }

    private static string ConfigValueText(ConfigurationAttributeType type, DataAttribute a)
    {
        ReadOnlySpan<byte> v = a.Value;
        switch (type)
        {
            case ConfigurationAttributeType.INTERNAL_IP4_ADDRESS or ConfigurationAttributeType.INTERNAL_IP4_NETMASK
                or ConfigurationAttributeType.INTERNAL_IP4_DNS or ConfigurationAttributeType.INTERNAL_IP4_NBNS
                or ConfigurationAttributeType.INTERNAL_IP4_DHCP when v.Length == 4:
            case ConfigurationAttributeType.INTERNAL_IP6_DNS or ConfigurationAttributeType.INTERNAL_IP6_NBNS
                or ConfigurationAttributeType.INTERNAL_IP6_DHCP when v.Length == 16:
                return new IPAddress(v).ToString();
            case ConfigurationAttributeType.INTERNAL_IP6_ADDRESS or ConfigurationAttributeType.INTERNAL_IP6_SUBNET when v.Length == 17:
                return $"{new IPAddress(v.Slice(0, 16))}/{v[16]}";
            case ConfigurationAttributeType.APPLICATION_VERSION or ConfigurationAttributeType.INTERNAL_DNS_DOMAIN
                or ConfigurationAttributeType.XAUTH_USER_NAME or ConfigurationAttributeType.XAUTH_MESSAGE
                or ConfigurationAttributeType.XAUTH_DOMAIN or ConfigurationAttributeType.UNITY_BANNER
                or ConfigurationAttributeType.UNITY_DEF_DOMAIN:
                return Printable(v);
            default:
                return a.TryGetInteger(out ulong n) && v.Length <= 4 ? n.ToString() : Hex(v);
        }
    }

    /// <summary>Text for an ID payload's data by type; <paramref name="ok"/> false when the data does not fit the type.</summary>
    public static string IdentificationText(byte type, ReadOnlySpan<byte> data, out bool ok)
    {
        ok = true;
        switch ((IdentificationType)type)
        {
            // RFC 2407 §4.6.2.2-§4.6.2.12, RFC 7296 §3.5
            case IdentificationType.ID_IPV4_ADDR when data.Length == 4:
            case IdentificationType.ID_IPV6_ADDR when data.Length == 16:
                return new IPAddress(data).ToString();
            case IdentificationType.ID_FQDN:
            case IdentificationType.ID_USER_FQDN:
                return Printable(data);
            case IdentificationType.ID_IPV4_ADDR_SUBNET when data.Length == 8:
                return $"{new IPAddress(data.Slice(0, 4))}/{new IPAddress(data.Slice(4, 4))}";
            case IdentificationType.ID_IPV4_ADDR_RANGE when data.Length == 8:
                return $"{new IPAddress(data.Slice(0, 4))}-{new IPAddress(data.Slice(4, 4))}";
            case IdentificationType.ID_IPV6_ADDR_SUBNET when data.Length == 32:
                return $"{new IPAddress(data.Slice(0, 16))}/{new IPAddress(data.Slice(16, 16))}";
            case IdentificationType.ID_IPV6_ADDR_RANGE when data.Length == 32:
                return $"{new IPAddress(data.Slice(0, 16))}-{new IPAddress(data.Slice(16, 16))}";
            case IdentificationType.ID_DER_ASN1_DN:
                if (DistinguishedName.TryDecode(data, out DistinguishedName? dn))
                    return dn!.ToRfc4514String();
                ok = false;
                return Hex(data);
            case IdentificationType.ID_IPV4_ADDR:
            case IdentificationType.ID_IPV6_ADDR:
            case IdentificationType.ID_IPV4_ADDR_SUBNET:
            case IdentificationType.ID_IPV4_ADDR_RANGE:
            case IdentificationType.ID_IPV6_ADDR_SUBNET:
            case IdentificationType.ID_IPV6_ADDR_RANGE:
                ok = false;
                return Hex(data);
            default:
                return Hex(data);
        }
    }

    /// <summary>Which payload a decode finding is about; its text ("SA payload at offset 28") is made only when a
    /// finding needs it, not for every payload dissected.</summary>
    private readonly record struct PayloadContext(byte Type, int Offset)
    {
        public override string ToString() => $"{IkeNames.PayloadDisplayName(Type).TrimEnd()} payload at offset {Offset}";
    }

    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    internal static string Printable(ReadOnlySpan<byte> bytes) => Text.SafeText.Printable(bytes);
}
