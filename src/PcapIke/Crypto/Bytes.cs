using System.Buffers.Binary;

namespace PcapIke.Crypto;

/// <summary>Small helpers for building prf inputs.</summary>
internal static class Bytes
{
    public static byte[] Concat(params ReadOnlySpan<byte[]> parts)
    {
        int length = 0;
        foreach (var p in parts) length += p.Length;
        var result = new byte[length];
        int offset = 0;
        foreach (var p in parts)
        {
            p.CopyTo(result, offset);
            offset += p.Length;
        }
        return result;
    }

    public static byte[] BigEndian(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }

    /// <summary>Left-pads (or, for a longer value with leading zeros, trims) a big-endian number to
    /// <paramref name="length"/> octets.</summary>
    public static byte[] LeftPad(ReadOnlySpan<byte> value, int length)
    {
        while (value.Length > length && value[0] == 0) value = value[1..];
        if (value.Length > length) throw new ArgumentException("value does not fit", nameof(value));
        var result = new byte[length];
        value.CopyTo(result.AsSpan(length - value.Length));
        return result;
    }
}
