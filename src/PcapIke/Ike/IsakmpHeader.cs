using System.Buffers.Binary;

namespace PcapIke.Ike;

/// <summary>
/// The fixed 28-byte ISAKMP header (RFC 2408 §3.1; RFC 7296 §3.1), decoded by value. Holds no reference to the buffer.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// !                 Initiator Cookie / IKE SA Initiator's SPI     !  0
/// !                 Responder Cookie / IKE SA Responder's SPI     !  8
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     ! 16
/// !                          Message ID                           ! 20
/// !                            Length                             ! 24
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly struct IsakmpHeader
{
    public const int Size = 28;

    public IsakmpHeader(ulong initiatorSpi, ulong responderSpi, byte nextPayload, byte version, byte exchangeType,
        byte flags, uint messageId, uint length)
    {
        InitiatorSpi = initiatorSpi;
        ResponderSpi = responderSpi;
        NextPayloadRaw = nextPayload;
        VersionRaw = version;
        ExchangeTypeRaw = exchangeType;
        FlagsRaw = flags;
        MessageId = messageId;
        Length = length;
    }

    public ulong InitiatorSpi { get; }
    public ulong ResponderSpi { get; }
    public byte NextPayloadRaw { get; }
    public PayloadType NextPayload => (PayloadType)NextPayloadRaw;
    public byte VersionRaw { get; }
    public int MajorVersion => VersionRaw >> 4;
    public int MinorVersion => VersionRaw & 0x0F;
    public bool IsIkev2 => MajorVersion == 2;
    public byte ExchangeTypeRaw { get; }
    public ExchangeType ExchangeType => (ExchangeType)ExchangeTypeRaw;
    public byte FlagsRaw { get; }
    public uint MessageId { get; }
    /// <summary>The Length field: the whole message, header included.</summary>
    public uint Length { get; }

    // RFC 2408 §3.1 flags (IKEv1)
    public Ikev1Flags Ikev1Flags => (Ikev1Flags)(FlagsRaw & 0x07);
    public bool IsEncrypted => !IsIkev2 && (FlagsRaw & (byte)Ikev1Flags.Encryption) != 0;
    public bool IsCommit => (FlagsRaw & (byte)Ikev1Flags.Commit) != 0;
    public bool IsAuthenticationOnly => (FlagsRaw & (byte)Ikev1Flags.AuthenticationOnly) != 0;

    // RFC 7296 §3.1 flags (IKEv2)
    public Ikev2Flags Ikev2Flags => (Ikev2Flags)(FlagsRaw & 0x38);
    public bool IsInitiator => (FlagsRaw & (byte)Ikev2Flags.Initiator) != 0;
    public bool IsHigherVersionSupported => (FlagsRaw & (byte)Ikev2Flags.Version) != 0;
    public bool IsResponse => (FlagsRaw & (byte)Ikev2Flags.Response) != 0;

    /// <summary>Decodes the header from the first 28 bytes; checks only that they are there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IsakmpHeader header)
    {
        // RFC 2408 §3.1: the header is 28 octets.
        if (source.Length < Size)
        {
            header = default;
            return false;
        }
        header = new IsakmpHeader(
            BinaryPrimitives.ReadUInt64BigEndian(source),
            BinaryPrimitives.ReadUInt64BigEndian(source.Slice(8)),
            source[16], source[17], source[18], source[19],
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(20)),
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(24)));
        return true;
    }
}
