namespace PcapIke.Ike;

// Typed, non-allocating views over payload bodies (the bytes after the 4-byte generic header).
// Each TryRead takes the body and its offset in the message; failures carry message offsets.

/// <summary>IKEv1 SA payload (RFC 2408 §3.4; RFC 2407 §4.6.1 for the IPsec DOI's 4-byte Situation).</summary>
public readonly ref struct Ikev1SecurityAssociation
{
    public uint Doi { get; init; }
    public DomainOfInterpretation DomainOfInterpretation => (DomainOfInterpretation)Doi;
    public uint Situation { get; init; }
    public ReadOnlySpan<byte> ProposalBytes { get; init; }
    public int ProposalOffset { get; init; }
    public ProposalReader GetProposals() => new(ProposalBytes, ProposalOffset, version: 1);
}

/// <summary>IKEv2 SA payload (RFC 7296 §3.3): proposals only.</summary>
public readonly ref struct Ikev2SecurityAssociation
{
    public ReadOnlySpan<byte> ProposalBytes { get; init; }
    public int ProposalOffset { get; init; }
    public ProposalReader GetProposals() => new(ProposalBytes, ProposalOffset, version: 2);
}

/// <summary>IKEv2 KE payload (RFC 7296 §3.4). IKEv1 KE (RFC 2408 §3.7) is the raw body.</summary>
public readonly ref struct Ikev2KeyExchange
{
    public ushort GroupRaw { get; init; }
    public DhGroup Group => (DhGroup)GroupRaw;
    public ReadOnlySpan<byte> Data { get; init; }
}

/// <summary>Identification payload: IKEv1 (RFC 2407 §4.6.2) or IKEv2 (RFC 7296 §3.5).</summary>
public readonly ref struct IdentificationPayload
{
    public byte TypeRaw { get; init; }
    public IdentificationType Type => (IdentificationType)TypeRaw;
    /// <summary>IKEv1 only: IP protocol ID (0 = ignore).</summary>
    public byte ProtocolId { get; init; }
    /// <summary>IKEv1 only: port (0 = ignore).</summary>
    public ushort Port { get; init; }
    public ReadOnlySpan<byte> Data { get; init; }
    public int DataOffset { get; init; }
}

/// <summary>CERT (RFC 2408 §3.9, RFC 7296 §3.6) and CR/CERTREQ (RFC 2408 §3.10, RFC 7296 §3.7).</summary>
public readonly ref struct CertificatePayload
{
    public byte EncodingRaw { get; init; }
    public CertificateEncoding Encoding => (CertificateEncoding)EncodingRaw;
    /// <summary>Certificate Data, or the Certification Authority field of a request.</summary>
    public ReadOnlySpan<byte> Data { get; init; }
    public int DataOffset { get; init; }
}

/// <summary>Notification payload: IKEv1 (RFC 2408 §3.14) has a DOI first; IKEv2 (RFC 7296 §3.10) does not.</summary>
public readonly ref struct NotifyPayload
{
    public uint Doi { get; init; }
    public byte ProtocolId { get; init; }
    public byte SpiSize { get; init; }
    public ushort NotifyTypeRaw { get; init; }
    public Ikev1NotifyType Ikev1Type => (Ikev1NotifyType)NotifyTypeRaw;
    public Ikev2NotifyType Ikev2Type => (Ikev2NotifyType)NotifyTypeRaw;
    public ReadOnlySpan<byte> Spi { get; init; }
    public ReadOnlySpan<byte> Data { get; init; }
    public int DataOffset { get; init; }
}

/// <summary>Delete payload: IKEv1 (RFC 2408 §3.15) or IKEv2 (RFC 7296 §3.11).</summary>
public readonly ref struct DeletePayload
{
    public uint Doi { get; init; }
    public byte ProtocolId { get; init; }
    public byte SpiSize { get; init; }
    public ushort SpiCount { get; init; }
    /// <summary>SpiCount × SpiSize bytes.</summary>
    public ReadOnlySpan<byte> Spis { get; init; }
    public ReadOnlySpan<byte> GetSpi(int index) => Spis.Slice(index * SpiSize, SpiSize);
}

/// <summary>IKEv1 NAT-OA (RFC 3947 §5.2): ID type, 3 reserved bytes, then an IPv4 or IPv6 address.</summary>
public readonly ref struct NatOriginalAddress
{
    public byte IdTypeRaw { get; init; }
    public IdentificationType IdType => (IdentificationType)IdTypeRaw;
    public ReadOnlySpan<byte> Address { get; init; }
}

/// <summary>Cisco IKEv1 fragmentation payload (type 132): Fragment ID, Fragment Number, Flags (1 = last).</summary>
public readonly ref struct CiscoFragment
{
    public ushort FragmentId { get; init; }
    public byte FragmentNumber { get; init; }
    public byte Flags { get; init; }
    public bool IsLast => (Flags & 0x01) != 0;
    public ReadOnlySpan<byte> Data { get; init; }
}

/// <summary>IKEv2 AUTH payload (RFC 7296 §3.8).</summary>
public readonly ref struct AuthenticationPayload
{
    public byte MethodRaw { get; init; }
    public Ikev2AuthMethod Method => (Ikev2AuthMethod)MethodRaw;
    public ReadOnlySpan<byte> Data { get; init; }
}

/// <summary>IKEv2 TSi/TSr payload (RFC 7296 §3.13).</summary>
public readonly ref struct TrafficSelectorPayload
{
    public byte Count { get; init; }
    public ReadOnlySpan<byte> SelectorBytes { get; init; }
    public int SelectorOffset { get; init; }
    public TrafficSelectorReader GetSelectors() => new(SelectorBytes, SelectorOffset);
}

/// <summary>IKEv2 SKF payload (RFC 7383 §2.5).</summary>
public readonly ref struct EncryptedFragment
{
    public ushort FragmentNumber { get; init; }
    public ushort TotalFragments { get; init; }
    /// <summary>IV, ciphertext and ICV, opaque.</summary>
    public ReadOnlySpan<byte> Encrypted { get; init; }
}

/// <summary>IKEv2 CP (RFC 7296 §3.15) or IKEv1 Attribute payload (Mode Config: type, reserved, identifier).</summary>
public readonly ref struct ConfigurationPayload
{
    public byte TypeRaw { get; init; }
    public ConfigurationType Type => (ConfigurationType)TypeRaw;
    /// <summary>IKEv1 only: the transaction Identifier.</summary>
    public ushort Identifier { get; init; }
    public ReadOnlySpan<byte> AttributeBytes { get; init; }
    public int AttributeOffset { get; init; }
    /// <summary>IKEv2: always TLV with the R bit; IKEv1: ISAKMP data attributes (TV/TLV).</summary>
    public AttributeReader GetAttributes(int version) =>
        new(AttributeBytes, AttributeOffset, version == 2 ? AttributeFormat.Ikev2Configuration : AttributeFormat.Isakmp);
}

/// <summary>IKEv2 EAP payload (RFC 7296 §3.16): an EAP message (RFC 3748 §4).</summary>
public readonly ref struct EapPayload
{
    public byte CodeRaw { get; init; }
    public EapCode Code => (EapCode)CodeRaw;
    public byte Identifier { get; init; }
    public ushort Length { get; init; }
    /// <summary>Request/Response only; 0 for Success/Failure.</summary>
    public byte TypeRaw { get; init; }
    public EapType Type => (EapType)TypeRaw;
    public ReadOnlySpan<byte> TypeData { get; init; }
}

public static partial class IkeDecoder
{
    public static DecodeResult TryReadIkev1SecurityAssociation(ReadOnlySpan<byte> body, int bodyOffset,
        out Ikev1SecurityAssociation value)
    {
        value = default;
        // RFC 2408 §3.4: DOI (4) + Situation (variable; 4 bytes for the IPsec DOI, RFC 2407 §4.6.1).
        if (body.Length < 8)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new Ikev1SecurityAssociation
        {
            Doi = U32(body, 0),
            Situation = U32(body, 4),
            ProposalBytes = body.Slice(8),
            ProposalOffset = bodyOffset + 8,
        };
        return DecodeResult.Success;
    }

    public static Ikev2SecurityAssociation ReadIkev2SecurityAssociation(ReadOnlySpan<byte> body, int bodyOffset) =>
        new() { ProposalBytes = body, ProposalOffset = bodyOffset };

    public static DecodeResult TryReadIkev2KeyExchange(ReadOnlySpan<byte> body, int bodyOffset, out Ikev2KeyExchange value)
    {
        value = default;
        // RFC 7296 §3.4: Diffie-Hellman Group Num (2) + RESERVED (2).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new Ikev2KeyExchange { GroupRaw = U16(body, 0), Data = body.Slice(4) };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadIdentification(ReadOnlySpan<byte> body, int bodyOffset, int version,
        out IdentificationPayload value)
    {
        value = default;
        // RFC 2407 §4.6.2: ID Type, Protocol ID, Port. RFC 7296 §3.5: ID Type, RESERVED (3).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new IdentificationPayload
        {
            TypeRaw = body[0],
            ProtocolId = version == 1 ? body[1] : (byte)0,
            Port = version == 1 ? U16(body, 2) : (ushort)0,
            Data = body.Slice(4),
            DataOffset = bodyOffset + 4,
        };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadCertificate(ReadOnlySpan<byte> body, int bodyOffset, out CertificatePayload value)
    {
        value = default;
        // RFC 2408 §3.9/§3.10, RFC 7296 §3.6/§3.7: one Encoding byte, then data.
        if (body.Length < 1)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset);
        value = new CertificatePayload { EncodingRaw = body[0], Data = body.Slice(1), DataOffset = bodyOffset + 1 };
        return DecodeResult.Success;
    }

    /// <summary>
    /// IKEv2 CERTREQ authority: concatenated 20-byte SHA-1 hashes of trust anchors' SubjectPublicKeyInfo
    /// (RFC 7296 §3.7). Returns the count of whole hashes; a remainder is <see cref="DecodeStatus.CertificateAuthorityNotMultipleOf20"/>
    /// at the offset of the partial hash.
    /// </summary>
    public static DecodeResult TryCountCertificateAuthorityHashes(ReadOnlySpan<byte> authority, int authorityOffset, out int count)
    {
        count = authority.Length / 20;
        if (authority.Length % 20 != 0)
            return Fail(DecodeStatus.CertificateAuthorityNotMultipleOf20, authorityOffset + count * 20);
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadNotify(ReadOnlySpan<byte> body, int bodyOffset, int version, out NotifyPayload value)
    {
        value = default;
        // RFC 2408 §3.14: DOI (4), Protocol-ID (1), SPI Size (1), Notify Message Type (2).
        // RFC 7296 §3.10: Protocol ID (1), SPI Size (1), Notify Message Type (2).
        DecodeResult head = TryReadProtocolHeader(body, bodyOffset, version, out uint doi, out int p);
        if (!head.IsSuccess)
            return head;
        byte spiSize = body[p + 1];
        if (!TrySlice(body, p + 4, spiSize, out ReadOnlySpan<byte> spi))
            return Fail(DecodeStatus.SpiPastPayload, bodyOffset + p + 1);
        value = new NotifyPayload
        {
            Doi = doi,
            ProtocolId = body[p],
            SpiSize = spiSize,
            NotifyTypeRaw = U16(body, p + 2),
            Spi = spi,
            Data = body.Slice(p + 4 + spiSize),
            DataOffset = bodyOffset + p + 4 + spiSize,
        };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadDelete(ReadOnlySpan<byte> body, int bodyOffset, int version, out DeletePayload value)
    {
        value = default;
        // RFC 2408 §3.15: DOI (4), Protocol-Id (1), SPI Size (1), # of SPIs (2).
        // RFC 7296 §3.11: Protocol ID (1), SPI Size (1), Num of SPIs (2).
        DecodeResult head = TryReadProtocolHeader(body, bodyOffset, version, out uint doi, out int p);
        if (!head.IsSuccess)
            return head;
        byte spiSize = body[p + 1];
        ushort count = U16(body, p + 2);
        // The SPIs are count × size bytes; the product of a byte and a ushort cannot overflow int.
        if (!TrySlice(body, p + 4, spiSize * count, out ReadOnlySpan<byte> spis))
            return Fail(DecodeStatus.SpiPastPayload, bodyOffset + p + 2);
        value = new DeletePayload { Doi = doi, ProtocolId = body[p], SpiSize = spiSize, SpiCount = count, Spis = spis };
        if (body.Length != p + 4 + spiSize * count)
            return Fail(DecodeStatus.CountMismatch, bodyOffset + p + 4 + spiSize * count);
        return DecodeResult.Success;
    }

    /// <summary>
    /// The fixed head that N and D share: IKEv1 a 4-byte DOI first (RFC 2408 §3.14/§3.15), then in both versions
    /// Protocol ID (1), SPI Size (1) and a 2-byte field. <paramref name="protocolAt"/> is where Protocol ID is.
    /// </summary>
    private static DecodeResult TryReadProtocolHeader(ReadOnlySpan<byte> body, int bodyOffset, int version, out uint doi,
        out int protocolAt)
    {
        doi = 0;
        protocolAt = version == 1 ? 4 : 0;
        if (body.Length < protocolAt + 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        if (version == 1)
            doi = U32(body, 0);
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadNatOriginalAddress(ReadOnlySpan<byte> body, int bodyOffset, out NatOriginalAddress value)
    {
        value = default;
        // RFC 3947 §5.2: ID Type (1), RESERVED (1), RESERVED (2), then IPv4 (4) or IPv6 (16).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        byte type = body[0];
        int expected = type == (byte)IdentificationType.ID_IPV4_ADDR ? 4 : type == (byte)IdentificationType.ID_IPV6_ADDR ? 16 : -1;
        if (expected < 0 || body.Length - 4 != expected)
            return Fail(DecodeStatus.InvalidIdentificationData, bodyOffset);
        value = new NatOriginalAddress { IdTypeRaw = type, Address = body.Slice(4) };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadCiscoFragment(ReadOnlySpan<byte> body, int bodyOffset, out CiscoFragment value)
    {
        value = default;
        // Cisco fragmentation payload: Fragment ID (2), Fragment Number (1), Flags (1).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new CiscoFragment { FragmentId = U16(body, 0), FragmentNumber = body[2], Flags = body[3], Data = body.Slice(4) };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadAuthentication(ReadOnlySpan<byte> body, int bodyOffset, out AuthenticationPayload value)
    {
        value = default;
        // RFC 7296 §3.8: Auth Method (1), RESERVED (3).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new AuthenticationPayload { MethodRaw = body[0], Data = body.Slice(4) };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadTrafficSelectors(ReadOnlySpan<byte> body, int bodyOffset, out TrafficSelectorPayload value)
    {
        value = default;
        // RFC 7296 §3.13: Number of TSs (1), RESERVED (3).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new TrafficSelectorPayload { Count = body[0], SelectorBytes = body.Slice(4), SelectorOffset = bodyOffset + 4 };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadEncryptedFragment(ReadOnlySpan<byte> body, int bodyOffset, out EncryptedFragment value)
    {
        value = default;
        // RFC 7383 §2.5: Fragment Number (2), Total Fragments (2).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new EncryptedFragment { FragmentNumber = U16(body, 0), TotalFragments = U16(body, 2), Encrypted = body.Slice(4) };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadConfiguration(ReadOnlySpan<byte> body, int bodyOffset, int version, out ConfigurationPayload value)
    {
        value = default;
        // RFC 7296 §3.15: CFG Type (1), RESERVED (3). Mode Config: Type (1), RESERVED (1), Identifier (2).
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        value = new ConfigurationPayload
        {
            TypeRaw = body[0],
            Identifier = version == 1 ? U16(body, 2) : (ushort)0,
            AttributeBytes = body.Slice(4),
            AttributeOffset = bodyOffset + 4,
        };
        return DecodeResult.Success;
    }

    public static DecodeResult TryReadEap(ReadOnlySpan<byte> body, int bodyOffset, out EapPayload value)
    {
        value = default;
        // RFC 3748 §4: Code (1), Identifier (1), Length (2) [, Type (1) for Request/Response].
        if (body.Length < 4)
            return Fail(DecodeStatus.TruncatedPayloadBody, bodyOffset + body.Length);
        ushort length = U16(body, 2);
        if (length != body.Length)
            return Fail(DecodeStatus.InvalidEapLength, bodyOffset + 2);
        byte code = body[0];
        bool hasType = code is (byte)EapCode.Request or (byte)EapCode.Response;
        if (hasType && body.Length < 5)
            return Fail(DecodeStatus.InvalidEapLength, bodyOffset + 2);
        value = new EapPayload
        {
            CodeRaw = code,
            Identifier = body[1],
            Length = length,
            TypeRaw = hasType ? body[4] : (byte)0,
            TypeData = body.Slice(hasType ? 5 : 4),
        };
        return DecodeResult.Success;
    }
}
