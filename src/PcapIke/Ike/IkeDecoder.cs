using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PcapIke.Ike;

/// <summary>
/// Stateless decoders: span in, value out. Each returns a <see cref="DecodeResult"/> whose offset is
/// <c>baseOffset</c> plus the position in the given span of the offending field, so callers that pass the body
/// offset get offsets from the start of the ISAKMP header. A failed decode leaves the out value default.
/// </summary>
public static partial class IkeDecoder
{
    /// <summary>
    /// The one checked slice: true and <paramref name="slice"/> = source[offset..offset+length] when it fits,
    /// false otherwise. Overflow-safe: the comparison is done in unsigned 64-bit arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TrySlice(ReadOnlySpan<byte> source, int offset, int length, out ReadOnlySpan<byte> slice)
    {
        if ((ulong)(uint)offset + (ulong)(uint)length > (ulong)(uint)source.Length || offset < 0 || length < 0)
        {
            slice = default;
            return false;
        }
        slice = source.Slice(offset, length);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort U16(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt16BigEndian(s.Slice(offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint U32(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt32BigEndian(s.Slice(offset));

    internal static DecodeResult Fail(DecodeStatus status, int offset) => new(status, offset);

    /// <summary>
    /// Reads a generic payload header (RFC 2408 §3.2, RFC 7296 §3.2) at <paramref name="position"/> of
    /// <paramref name="message"/>: 4 bytes, Payload Length ≥ 4, inside <paramref name="messageLength"/> (the header's
    /// Length) and inside the buffer. On success <paramref name="payloadLength"/> is the whole payload's length.
    /// </summary>
    public static DecodeResult TryReadGenericPayloadHeader(ReadOnlySpan<byte> message, int position, int messageLength,
        out byte nextPayload, out byte flags, out int payloadLength)
    {
        nextPayload = 0;
        flags = 0;
        payloadLength = 0;
        // RFC 2408 §3.2: Next Payload (1), RESERVED (1), Payload Length (2).
        if (messageLength - position < 4)
            return Fail(DecodeStatus.TruncatedPayloadHeader, position);
        if (!TrySlice(message, position, 4, out ReadOnlySpan<byte> generic))
            return Fail(DecodeStatus.PayloadPastBuffer, position);
        int length = U16(generic, 2);
        // RFC 2408 §3.2 / RFC 7296 §3.2: Payload Length includes the generic header.
        if (length == 0)
            return Fail(DecodeStatus.ZeroLengthPayload, position + 2);
        if (length < 4)
            return Fail(DecodeStatus.PayloadLengthTooSmall, position + 2);
        // RFC 2408 §3.1: the message Length bounds every payload.
        if (length > messageLength - position)
            return Fail(DecodeStatus.PayloadPastMessage, position + 2);
        if (length > message.Length - position)
            return Fail(DecodeStatus.PayloadPastBuffer, position + 2);
        nextPayload = generic[0];
        flags = generic[1];
        payloadLength = length;
        return DecodeResult.Success;
    }
}
