namespace PcapIke.Ike;

/// <summary>A malformation or condition found in one message: offset from the first header byte, status, text.</summary>
public sealed record IkeDecodeFinding(int Offset, DecodeStatus Status, string Text)
{
    public bool IsCondition => DecodeStatusInfo.IsCondition(Status);
    public override string ToString() => $"offset {Offset}: {Text}";
}

/// <summary>One payload of the chain, in order.</summary>
public sealed record IkePayloadSummary(
    byte TypeRaw,
    string? TypeName,
    string DisplayName,
    int Offset,
    int Length,
    byte NextPayloadRaw,
    byte FlagsRaw,
    bool IsCritical,
    IkePayloadDetails? Details)
{
    /// <summary>Only the start of this payload was captured (its body runs past the captured bytes): its type and
    /// length are from its generic header, its body is not read.</summary>
    public bool IsCut { get; init; }
}

/// <summary>Per-type details; null on a payload whose body could not be decoded (see the findings).</summary>
public abstract record IkePayloadDetails;

public sealed record AttributeSummary(ushort TypeRaw, string? TypeName, bool IsTypeValue, ulong? Value, string ValueHex, string? ValueName);

public sealed record TransformSummary(byte Number, byte TypeRaw, string? TypeName, ushort IdRaw, string? IdName,
    IReadOnlyList<AttributeSummary> Attributes, int Length);

public sealed record ProposalSummary(byte Number, byte ProtocolIdRaw, string? ProtocolName, byte SpiSize, string SpiHex,
    byte TransformCount, IReadOnlyList<TransformSummary> Transforms, int Length);

public sealed record SaDetails(uint? Doi, string? DoiName, uint? Situation, IReadOnlyList<ProposalSummary> Proposals) : IkePayloadDetails;

public sealed record KeyExchangeDetails(ushort? GroupRaw, string? GroupName, int DataLength) : IkePayloadDetails;

public sealed record IdentificationDetails(byte TypeRaw, string? TypeName, byte ProtocolId, ushort Port, string Value) : IkePayloadDetails;

public sealed record CertificateDetails(byte EncodingRaw, string? EncodingName, int DataLength) : IkePayloadDetails;

/// <summary>
/// IKEv1 CR: <see cref="DnIos"/>/<see cref="DnRfc4514"/>/<see cref="DnWireshark"/> when the authority is a DN (all null
/// and <see cref="AuthorityLength"/> 0 for "any CA"). IKEv2 CERTREQ: <see cref="CaHashes"/>, lower-case hex SHA-1s.
/// <see cref="DnAttributes"/>: the DN's attributes in encoding order (OID, value), when it decoded.
/// </summary>
public sealed record CertificateRequestDetails(byte EncodingRaw, string? EncodingName, int AuthorityLength,
    string? DnIos, string? DnRfc4514, string? DnWireshark, IReadOnlyList<string> CaHashes,
    IReadOnlyList<DnAttributeValue>? DnAttributes = null) : IkePayloadDetails;

/// <summary>One attribute of a distinguished name: dotted OID and value text.</summary>
public sealed record DnAttributeValue(string Oid, string Value);

public sealed record NotifyDetails(uint? Doi, byte ProtocolId, string? ProtocolName, byte SpiSize, string SpiHex,
    ushort TypeRaw, string? TypeName, int DataLength, string DataHex) : IkePayloadDetails;

public sealed record DeleteDetails(uint? Doi, byte ProtocolId, string? ProtocolName, byte SpiSize, ushort SpiCount,
    IReadOnlyList<string> Spis) : IkePayloadDetails;

public sealed record VendorIdDetails(string Hex, string? Name) : IkePayloadDetails;

/// <summary>HASH, SIG, NONCE, NAT-D and other opaque bodies.</summary>
public sealed record DataDetails(int Length, string Hex) : IkePayloadDetails;

public sealed record NatOriginalAddressDetails(byte IdTypeRaw, string Address) : IkePayloadDetails;

public sealed record CiscoFragmentDetails(ushort FragmentId, byte FragmentNumber, bool IsLast, int DataLength) : IkePayloadDetails;

public sealed record AuthenticationDetails(byte MethodRaw, string? MethodName, int DataLength) : IkePayloadDetails;

public sealed record TrafficSelectorSummary(byte TypeRaw, string? TypeName, byte IpProtocolId, ushort StartPort, ushort EndPort,
    string StartAddress, string EndAddress);

public sealed record TrafficSelectorDetails(byte Count, IReadOnlyList<TrafficSelectorSummary> Selectors) : IkePayloadDetails;

public sealed record EncryptedDetails(int Length) : IkePayloadDetails;

public sealed record EncryptedFragmentDetails(ushort FragmentNumber, ushort TotalFragments, int Length) : IkePayloadDetails;

public sealed record ConfigurationAttributeSummary(ushort TypeRaw, string? TypeName, int Length, string ValueText);

public sealed record ConfigurationDetails(byte TypeRaw, string? TypeName, ushort Identifier,
    IReadOnlyList<ConfigurationAttributeSummary> Attributes) : IkePayloadDetails;

public sealed record EapDetails(byte CodeRaw, string? CodeName, byte Identifier, ushort Length, byte TypeRaw, string? TypeName) : IkePayloadDetails;
