namespace PcapIke.Ike;

/// <summary>
/// Why a read of an ISAKMP/IKE structure stopped. <see cref="Ok"/> is success; members marked "condition" describe
/// input that is odd but still fully readable (see <see cref="DecodeStatusInfo.IsCondition"/>); every other member is a
/// malformation. Offsets accompanying a status are always from the first byte of the ISAKMP header.
/// </summary>
public enum DecodeStatus : byte
{
    Ok = 0,

    // ---- header (RFC 2408 §3.1, RFC 7296 §3.1) ----
    /// <summary>Fewer than 28 bytes: no complete ISAKMP header.</summary>
    TruncatedHeader,
    /// <summary>The header's Length field is below 28.</summary>
    MessageLengthTooSmall,
    /// <summary>The header's Length field runs past the bytes available (truncated datagram).</summary>
    MessageLengthPastBuffer,
    /// <summary>Condition: the buffer holds more bytes than the header's Length field claims.</summary>
    BytesAfterMessage,
    /// <summary>Major version is neither 1 (ISAKMP/IKEv1) nor 2 (IKEv2).</summary>
    UnsupportedMajorVersion,

    // ---- generic payload chain (RFC 2408 §3.2, RFC 7296 §3.2) ----
    /// <summary>Fewer than 4 bytes left for a generic payload header although Next Payload is not NONE.</summary>
    TruncatedPayloadHeader,
    /// <summary>Payload Length is 0 (a naive walker would loop for ever).</summary>
    ZeroLengthPayload,
    /// <summary>Payload Length is 1 to 3: below the 4-byte generic payload header.</summary>
    PayloadLengthTooSmall,
    /// <summary>Payload Length runs past the header's Length field.</summary>
    PayloadPastMessage,
    /// <summary>Payload Length stays inside the header's Length but runs past the bytes captured.</summary>
    PayloadPastBuffer,
    /// <summary>Condition: bytes remain inside the header's Length after the payload whose Next Payload is NONE.</summary>
    TrailingBytesAfterLastPayload,
    /// <summary>Condition: a payload follows SK/SKF inside the header's Length (RFC 7296 §3.14: SK must be last).</summary>
    PayloadAfterEncrypted,

    // ---- payload bodies ----
    /// <summary>The payload body is shorter than the fixed fields of its type.</summary>
    TruncatedPayloadBody,
    /// <summary>An SPI Size (or SPI count × size) runs past the end of the payload.</summary>
    SpiPastPayload,
    /// <summary>A proposal/transform header is truncated or its length is below its fixed part.</summary>
    SubstructureLengthTooSmall,
    /// <summary>A proposal/transform runs past the enclosing SA/proposal.</summary>
    SubstructurePastParent,
    /// <summary>The "last substructure" byte is neither 0 nor the expected 2 (proposal) / 3 (transform).</summary>
    InvalidSubstructureType,
    /// <summary>A proposal/transform says another one follows, but its parent has no bytes left.</summary>
    MissingSubstructure,
    /// <summary>Condition: bytes remain after the substructure marked last (or after the last attribute).</summary>
    TrailingBytesAfterLastSubstructure,
    /// <summary>Condition: the Number of Transforms in a proposal differs from the transforms present.</summary>
    TransformCountMismatch,
    /// <summary>A data attribute (RFC 2408 §3.3) is truncated: fewer than 4 bytes, or a TLV value past the end.</summary>
    TruncatedAttribute,
    /// <summary>A traffic selector (RFC 7296 §3.13.1) is truncated or its Selector Length is inconsistent.</summary>
    InvalidTrafficSelector,
    /// <summary>Condition: the Number of TSs/SPIs differs from what is present.</summary>
    CountMismatch,
    /// <summary>An IKEv2 CERTREQ Certification Authority field is not a multiple of 20 bytes (RFC 7296 §3.7).</summary>
    CertificateAuthorityNotMultipleOf20,
    /// <summary>An IKEv1 CERT_REQ Certificate Authority is not a valid DER DistinguishedName (RFC 4945 §3.2.4).</summary>
    InvalidDistinguishedName,
    /// <summary>An identification payload's data does not fit its ID type (e.g. an IPv4 address that is not 4 bytes).</summary>
    InvalidIdentificationData,
    /// <summary>An EAP message's own Length disagrees with the payload (RFC 3748 §4).</summary>
    InvalidEapLength,
}

/// <summary>A status and the offset (from the first byte of the ISAKMP header) where it was found.</summary>
public readonly record struct DecodeResult(DecodeStatus Status, int Offset)
{
    public static DecodeResult Success => default;
    public bool IsSuccess => Status == DecodeStatus.Ok;
    public bool IsMalformed => DecodeStatusInfo.IsMalformation(Status);
    public static implicit operator bool(DecodeResult r) => r.Status == DecodeStatus.Ok;
    public override string ToString() => $"{Status} at offset {Offset}";
}

public static class DecodeStatusInfo
{
    /// <summary>True for statuses that describe readable-but-odd input rather than a malformation.</summary>
    public static bool IsCondition(DecodeStatus status) => status is DecodeStatus.BytesAfterMessage
        or DecodeStatus.TrailingBytesAfterLastPayload or DecodeStatus.PayloadAfterEncrypted
        or DecodeStatus.TrailingBytesAfterLastSubstructure or DecodeStatus.TransformCountMismatch
        or DecodeStatus.CountMismatch;

    public static bool IsMalformation(DecodeStatus status) => status != DecodeStatus.Ok && !IsCondition(status);

    /// <summary>One line of English for a report.</summary>
    public static string Describe(DecodeStatus status) => status switch
    {
        DecodeStatus.Ok => "ok",
        DecodeStatus.TruncatedHeader => "fewer than 28 bytes: truncated ISAKMP header (RFC 2408 §3.1)",
        DecodeStatus.MessageLengthTooSmall => "ISAKMP Length field below 28 (RFC 2408 §3.1)",
        DecodeStatus.MessageLengthPastBuffer => "ISAKMP Length field runs past the captured bytes (truncated message)",
        DecodeStatus.BytesAfterMessage => "bytes after the end given by the ISAKMP Length field",
        DecodeStatus.UnsupportedMajorVersion => "major version is neither 1 nor 2",
        DecodeStatus.TruncatedPayloadHeader => "truncated generic payload header (RFC 2408 §3.2, RFC 7296 §3.2)",
        DecodeStatus.ZeroLengthPayload => "payload length 0",
        DecodeStatus.PayloadLengthTooSmall => "payload length below 4, the generic payload header",
        DecodeStatus.PayloadPastMessage => "payload runs past the ISAKMP Length",
        DecodeStatus.PayloadPastBuffer => "payload runs past the captured bytes",
        DecodeStatus.TrailingBytesAfterLastPayload => "bytes after the last payload (Next Payload NONE)",
        DecodeStatus.PayloadAfterEncrypted => "payload after the Encrypted (SK/SKF) payload (RFC 7296 §3.14)",
        DecodeStatus.TruncatedPayloadBody => "payload body shorter than its fixed fields",
        DecodeStatus.SpiPastPayload => "SPI runs past the end of the payload",
        DecodeStatus.SubstructureLengthTooSmall => "proposal/transform length below its fixed part",
        DecodeStatus.SubstructurePastParent => "proposal/transform runs past its enclosing structure",
        DecodeStatus.MissingSubstructure => "a proposal/transform announces another one but none follows",
        DecodeStatus.InvalidSubstructureType => "proposal/transform 'last substructure' byte is not 0, 2 or 3",
        DecodeStatus.TrailingBytesAfterLastSubstructure => "bytes after the last proposal/transform/attribute",
        DecodeStatus.TransformCountMismatch => "Number of Transforms differs from the transforms present",
        DecodeStatus.TruncatedAttribute => "truncated data attribute (RFC 2408 §3.3, RFC 7296 §3.3.5)",
        DecodeStatus.InvalidTrafficSelector => "invalid traffic selector (RFC 7296 §3.13.1)",
        DecodeStatus.CountMismatch => "count field differs from the items present",
        DecodeStatus.CertificateAuthorityNotMultipleOf20 => "CERTREQ authority field is not a multiple of 20 bytes (RFC 7296 §3.7)",
        DecodeStatus.InvalidDistinguishedName => "CERT_REQ authority is not a valid DER DistinguishedName",
        DecodeStatus.InvalidIdentificationData => "identification data does not fit its ID type",
        DecodeStatus.InvalidEapLength => "EAP Length disagrees with the payload (RFC 3748 §4)",
        _ => status.ToString(),
    };
}
