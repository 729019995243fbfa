using System.Buffers.Binary;

namespace PcapIke.Ike;

/// <summary>
/// Writes IKE messages: the 28-octet header (RFC 2408 §3.1, RFC 7296 §3.1) and a chain of payloads, each with its
/// generic header (Next Payload, flags, Payload Length; RFC 2408 §3.2, RFC 7296 §3.2) linked to the next. The write-side
/// counterpart of <see cref="IsakmpReader"/>, used by the forge; it allocates freely (it is not on a hot path).
/// </summary>
public sealed class IkePayloadChain
{
    private readonly List<(PayloadType Type, byte[] Body, bool Critical)> _payloads = [];

    public int Count => _payloads.Count;

    /// <summary>The first payload's type (the header's Next Payload), NONE for an empty chain.</summary>
    public PayloadType First => _payloads.Count == 0 ? PayloadType.NONE : _payloads[0].Type;

    /// <summary>Appends a payload; <paramref name="body"/> is everything after the 4-octet generic header.</summary>
    public IkePayloadChain Add(PayloadType type, ReadOnlySpan<byte> body, bool critical = false)
    {
        if (body.Length + 4 > ushort.MaxValue) throw new ArgumentException("payload longer than 65535 octets", nameof(body));
        _payloads.Add((type, body.ToArray(), critical));
        return this;
    }

    /// <summary>The type of the payload at <paramref name="index"/>.</summary>
    public PayloadType Type(int index) => _payloads[index].Type;

    /// <summary>The body of the payload at <paramref name="index"/> as added (e.g. SAi_b for HASH_I, RFC 2409 §5).</summary>
    public byte[] Body(int index) => _payloads[index].Body;

    /// <summary>The whole payload (generic header and body) at <paramref name="index"/>, as it is on the wire.</summary>
    public byte[] Payload(int index)
    {
        byte[] all = ToArray();
        int at = 0;
        for (int i = 0; i < index; i++) at += 4 + _payloads[i].Body.Length;
        return all[at..(at + 4 + _payloads[index].Body.Length)];
    }

    /// <summary>The chain's octets; the last payload's Next Payload is <paramref name="last"/> (NONE normally).</summary>
    public byte[] ToArray(PayloadType last = PayloadType.NONE)
    {
        int length = 0;
        foreach (var p in _payloads) length += 4 + p.Body.Length;
        var result = new byte[length];
        int at = 0;
        for (int i = 0; i < _payloads.Count; i++)
        {
            var (_, body, critical) = _payloads[i];
            result[at] = (byte)(i + 1 < _payloads.Count ? _payloads[i + 1].Type : last);
            result[at + 1] = critical ? (byte)0x80 : (byte)0;
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(at + 2), (ushort)(4 + body.Length));
            body.CopyTo(result, at + 4);
            at += 4 + body.Length;
        }
        return result;
    }
}

/// <summary>The IKE header's fields (RFC 2408 §3.1 / RFC 7296 §3.1) for <see cref="IkeMessageBuilder"/>.</summary>
public readonly record struct IkeHeaderFields(
    ulong InitiatorSpi, ulong ResponderSpi, byte MajorVersion, ExchangeType Exchange, byte Flags, uint MessageId);

public static class IkeMessageBuilder
{
    public const int HeaderLength = 28;

    /// <summary>Header + <paramref name="chain"/>; the header's Next Payload is the chain's first payload.</summary>
    public static byte[] Message(in IkeHeaderFields header, IkePayloadChain chain) =>
        Message(header, chain.First, chain.ToArray());

    /// <summary>Header followed by <paramref name="body"/> as is; Length is set to the total.</summary>
    public static byte[] Message(in IkeHeaderFields header, PayloadType firstPayload, ReadOnlySpan<byte> body)
    {
        var m = new byte[HeaderLength + body.Length];
        BinaryPrimitives.WriteUInt64BigEndian(m, header.InitiatorSpi);
        BinaryPrimitives.WriteUInt64BigEndian(m.AsSpan(8), header.ResponderSpi);
        m[16] = (byte)firstPayload;
        m[17] = (byte)(header.MajorVersion << 4);
        m[18] = (byte)header.Exchange;
        m[19] = header.Flags;
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(20), header.MessageId);
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)m.Length);
        body.CopyTo(m.AsSpan(HeaderLength));
        return m;
    }

    /// <summary>A data attribute in TV form (AF=1, 16-bit value; RFC 2408 §3.3).</summary>
    public static void AttributeTv(List<byte> to, ushort type, ushort value)
    {
        to.Add((byte)(0x80 | (type >> 8))); to.Add((byte)type);
        to.Add((byte)(value >> 8)); to.Add((byte)value);
    }

    /// <summary>A data attribute in TLV form (AF=0; RFC 2408 §3.3), the value with leading zero octets removed
    /// down to <paramref name="minLength"/>.</summary>
    public static void AttributeTlv(List<byte> to, ushort type, ulong value, int minLength = 4)
    {
        var v = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        int start = 0;
        while (start < 8 - minLength && v[start] == 0) start++;
        to.Add((byte)(type >> 8)); to.Add((byte)type);
        to.Add(0); to.Add((byte)(8 - start));
        to.AddRange(v.AsSpan(start).ToArray());
    }
}
