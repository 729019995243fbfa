namespace PcapIke.Ike;

/// <summary>
/// Walks the generic payload chain of one ISAKMP/IKE message without allocating:
/// <code>
/// var reader = new IsakmpReader(message);
/// while (reader.ReadPayload())
///     switch (reader.PayloadType) { case PayloadType.N: ... reader.PayloadBody ... }
/// if (!reader.Result.IsSuccess) { /* reader.Result.Status, reader.Result.Offset */ }
/// </code>
/// A failed read leaves the reader where it was (<see cref="BytesConsumed"/> and the current payload unchanged)
/// and every later call returns false with the same <see cref="Result"/>. When the IKEv1 Encryption flag is set, or
/// when the SK (46) or SKF (53) payload is reached, the rest is ciphertext: <see cref="IsEncrypted"/> becomes true,
/// <see cref="EncryptedBody"/> holds it, and the walk stops.
/// </summary>
public ref partial struct IsakmpReader
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly int _messageLength; // the header's Length field, clamped to int
    private int _position;
    private byte _next;
    private State _state;

    private enum State : byte { Walking, End, Failed }

    public IsakmpReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        _position = 0;
        _next = 0;
        _state = State.End;
        Result = default;
        HeaderResult = default;
        IsEncrypted = false;
        EncryptedBody = default;
        PayloadTypeRaw = 0;
        PayloadFlags = 0;
        PayloadOffset = 0;
        PayloadLength = 0;
        PayloadBody = default;
        NextPayloadRaw = 0;

        if (!IsakmpHeader.TryRead(message, out IsakmpHeader header))
        {
            // RFC 2408 §3.1: 28-byte header.
            Header = default;
            _messageLength = 0;
            HeaderResult = Result = new DecodeResult(DecodeStatus.TruncatedHeader, message.Length);
            _state = State.Failed;
            return;
        }
        Header = header;
        _messageLength = header.Length > int.MaxValue ? int.MaxValue : (int)header.Length;
        if (header.Length < IsakmpHeader.Size)
        {
            // RFC 2408 §3.1: Length covers header + payloads, so it is at least 28.
            HeaderResult = Result = new DecodeResult(DecodeStatus.MessageLengthTooSmall, 24);
            _state = State.Failed;
            return;
        }
        if (header.MajorVersion is not (1 or 2))
        {
            // RFC 2408 §3.1 MjVer 1; RFC 7296 §3.1 MjVer 2. Anything else cannot be interpreted.
            HeaderResult = Result = new DecodeResult(DecodeStatus.UnsupportedMajorVersion, 17);
            _state = State.Failed;
            return;
        }
        if (header.Length > (uint)message.Length)
            HeaderResult = new DecodeResult(DecodeStatus.MessageLengthPastBuffer, 24);
        else if (header.Length < (uint)message.Length)
            HeaderResult = new DecodeResult(DecodeStatus.BytesAfterMessage, (int)header.Length);

        _position = IsakmpHeader.Size;
        _next = header.NextPayloadRaw;
        NextPayloadRaw = _next;
        if (header.IsEncrypted)
        {
            // RFC 2408 §3.1 E(ncryption) bit: all payloads after the header are encrypted.
            IsEncrypted = true;
            EncryptedBody = message.Slice(IsakmpHeader.Size, Math.Min(_messageLength, message.Length) - IsakmpHeader.Size);
            _state = State.End;
            return;
        }
        _state = State.Walking;
    }

    public IsakmpHeader Header { get; }
    public int Version => Header.MajorVersion;

    /// <summary>Header-level finding: a malformation that stopped the walk, or a condition such as
    /// <see cref="DecodeStatus.BytesAfterMessage"/> / <see cref="DecodeStatus.MessageLengthPastBuffer"/>.</summary>
    public DecodeResult HeaderResult { get; }

    /// <summary>Why the last <see cref="ReadPayload"/> returned false (Ok for a clean end, or a condition).</summary>
    public DecodeResult Result { get; private set; }

    public bool IsEncrypted { get; private set; }
    /// <summary>IKEv1 with the E flag: everything after the header; IKEv2: the SK/SKF payload body.</summary>
    public ReadOnlySpan<byte> EncryptedBody { get; private set; }

    /// <summary>Bytes from the start of the message up to the end of the last payload read.</summary>
    public int BytesConsumed => _position;

    public byte PayloadTypeRaw { get; private set; }
    public PayloadType PayloadType => (PayloadType)PayloadTypeRaw;
    /// <summary>The generic header's second byte: RESERVED in IKEv1; Critical bit + RESERVED in IKEv2.</summary>
    public byte PayloadFlags { get; private set; }
    /// <summary>RFC 7296 §3.2 Critical bit (IKEv2 only).</summary>
    public bool IsCritical => Header.IsIkev2 && (PayloadFlags & 0x80) != 0;
    /// <summary>Offset of the current payload's generic header in the message.</summary>
    public int PayloadOffset { get; private set; }
    /// <summary>The Payload Length field: generic header included.</summary>
    public int PayloadLength { get; private set; }
    public int BodyOffset => PayloadOffset + 4;
    /// <summary>The payload after its 4-byte generic header (a slice of the input).</summary>
    public ReadOnlySpan<byte> PayloadBody { get; private set; }
    /// <summary>The current payload's Next Payload field (before the first read: the header's).</summary>
    public byte NextPayloadRaw { get; private set; }

    /// <summary>Advances to the next payload. False at the end of the chain, on ciphertext, or on a malformation.</summary>
    public bool ReadPayload()
    {
        if (_state != State.Walking)
            return false;

        int end = Math.Min(_messageLength, _message.Length);
        if (_next == (byte)PayloadType.NONE)
        {
            _state = State.End;
            // RFC 2408 §3.2: NONE ends the chain; anything left inside Length is reported, not fatal.
            if (_position < end)
                Result = new DecodeResult(DecodeStatus.TrailingBytesAfterLastPayload, _position);
            return false;
        }

        DecodeResult r = IkeDecoder.TryReadGenericPayloadHeader(_message, _position, _messageLength,
            out byte next, out byte flags, out int length);
        if (!r.IsSuccess)
        {
            Result = r;
            _state = State.Failed;
            return false;
        }

        PayloadTypeRaw = _next;
        PayloadFlags = flags;
        PayloadOffset = _position;
        PayloadLength = length;
        PayloadBody = _message.Slice(_position + 4, length - 4);
        NextPayloadRaw = next;
        _position += length;
        _next = next;

        if (Header.IsIkev2 && PayloadTypeRaw is (byte)PayloadType.SK or (byte)PayloadType.SKF)
        {
            // RFC 7296 §3.14 / RFC 7383 §2.5: SK/SKF is the last payload; its Next Payload names the first inner one.
            IsEncrypted = true;
            EncryptedBody = PayloadBody;
            _state = State.End;
            if (_position < end)
                Result = new DecodeResult(DecodeStatus.PayloadAfterEncrypted, _position);
        }
        return true;
    }
}
