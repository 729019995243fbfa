using PcapIke.Decryption;
using PcapIke.Frames;
using PcapIke.Ike;

namespace PcapIke.Pipeline;

/// <summary>One IKE message of a capture, owned (safe to keep after the frame loop moved on).</summary>
public sealed record DissectedMessage(
    long Frame,
    long TimestampNanoseconds,
    NetEndpoint Source,
    NetEndpoint Destination,
    IkeTransport Transport,
    int IpLength,
    int IpFragmentCount,
    long FirstFragmentFrame,
    IkeMessageDissection Ike)
{
    public DateTime Timestamp => DateTime.UnixEpoch.AddTicks(TimestampNanoseconds / 100);

    /// <summary>The capture gives no time for this message (<see cref="Capture.CaptureReader.TimesInvented"/>): its
    /// timestamp only orders it, and no duration or date may be said from it.</summary>
    public bool TimeUnknown { get; init; }

    /// <summary>Why the capture holds only the start of this message (IP fragments never seen, the snap length), or
    /// <see cref="MessageGap.None"/>. Its header (SPIs, exchange, flags, message ID) is known either way.</summary>
    public MessageGap Gap { get; init; }
    /// <summary>What is missing, e.g. "the fragment at offset 1480 (data 1480–2959) never seen; 1480 of 3480 data bytes
    /// captured in 1 fragment; the capture ended ..."; null when whole.</summary>
    public string? GapDetail { get; init; }
    /// <summary>Bytes of the IKE message on the wire (UDP payload less any non-ESP marker); the captured part is
    /// <c>Ike.BufferLength</c>.</summary>
    public int DeclaredLength { get; init; }
    public bool IsPartial => Gap != MessageGap.None;

    /// <summary>The first 8 bytes (big-endian) of the SHA-256 of the IKE message bytes: equal hashes mean a byte-identical
    /// re-send (RFC 7296 §2.1, RFC 2408 retransmission). 0 when not computed.</summary>
    public ulong ContentHash { get; init; }

    /// <summary>DER X.509 certificates carried in CERT payloads (encoding 4, RFC 2408 §3.9 / RFC 7296 §3.6), clear
    /// ones first, then those of the decrypted payloads; in payload order. Empty for most messages (IKEv1 MM5/MM6 and
    /// IKEv2 IKE_AUTH are encrypted).</summary>
    public IReadOnlyList<byte[]> Certificates { get; init; } = Array.Empty<byte[]>();

    /// <summary>Every CERT payload of the message, whatever its encoding: clear ones, then decrypted ones.</summary>
    public IReadOnlyList<CertificatePayload> CertificatePayloads { get; init; } = Array.Empty<CertificatePayload>();

    /// <summary>The decryption of an encrypted message when keys were given (<see cref="CaptureDissector"/> with a
    /// <see cref="KeyRing"/>); null otherwise.</summary>
    public MessageDecryption? Decryption { get; init; }

    /// <summary>
    /// A copy of the message's bytes when <see cref="CanBeKeptAsBytes"/>, so that the correlator can keep an SA that
    /// has only this message as these bytes and dissect them again when it needs the SA (docs/scale.md "An SA of one
    /// message"); null otherwise. The correlator takes it and clears it.
    /// </summary>
    internal byte[]? OpeningBytes { get; set; }

    /// <summary>The longest first message kept as bytes (<see cref="OpeningBytes"/>): an IKE_SA_INIT request or MM1 in
    /// one frame is well under it; a longer one is kept dissected.</summary>
    internal const int MaxOpeningBytes = 2048;

    /// <summary>
    /// The message may open a negotiation and holds nothing beyond its bytes, so that dissecting the bytes again makes
    /// the same message: the header of a clean first message (IKEv1 Main or Aggressive Mode with a zero responder
    /// cookie, RFC 2408 §2.5.3; an IKEv2 IKE_SA_INIT request with a zero responder SPI, RFC 7296 §2.6, §3.1), not
    /// encrypted, whole (no gap), no decryption, no CERT payload, at most <see cref="MaxOpeningBytes"/>.
    /// </summary>
    internal bool CanBeKeptAsBytes =>
        Gap == MessageGap.None && Decryption is null && CertificatePayloads.Count == 0
        && Ike is { HasHeader: true, ResponderSpi: 0, IsEncrypted: false, BufferLength: <= MaxOpeningBytes } ike
        && ike.MajorVersion switch
        {
            1 => ike.ExchangeType is ExchangeType.IdentityProtection or ExchangeType.Aggressive,
            2 => ike.ExchangeType == ExchangeType.IKE_SA_INIT && !ike.IsResponse && ike.IsInitiator,
            _ => false,
        };

    /// <summary>The clear payloads, then the decrypted inner payloads when decryption succeeded (SK/SKF contents,
    /// IKEv1 encrypted body). Inner offsets are plaintext offsets plus 28 (<see cref="IkeMessageDissection.DissectInner"/>).</summary>
    public IEnumerable<IkePayloadSummary> VisiblePayloads =>
        Decryption is { IsOk: true, Inner: { } inner } ? Ike.Payloads.Concat(inner.Payloads) : Ike.Payloads;
}

/// <summary>One CERT payload: its Cert Encoding (RFC 2408 §3.9, RFC 7296 §3.6), data, and whether it was inside the
/// decrypted part of the message.</summary>
public sealed record CertificatePayload(byte EncodingRaw, string? EncodingName, byte[] Data, bool Decrypted);
