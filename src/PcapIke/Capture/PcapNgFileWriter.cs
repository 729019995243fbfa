using System.Buffers.Binary;
using System.Text;

namespace PcapIke.Capture;

/// <summary>
/// Writes a pcapng file (draft-ietf-opsawg-pcapng, little-endian): one Section Header Block, an Interface
/// Description Block per link type as it first appears (nanosecond <c>if_tsresol</c>), and an Enhanced Packet Block
/// per frame with an optional <c>opt_comment</c> (what a text dump's header line said). Deterministic.
/// </summary>
public sealed class PcapNgFileWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly int _snapLength;
    private readonly Dictionary<LinkType, int> _interfaces = new();

    public PcapNgFileWriter(Stream stream, int snapLength = 262144, bool ownsStream = false)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _snapLength = snapLength;
        // 4.1 Section Header Block: type, length, byte-order magic, version 1.0, section length -1 (unknown), no options
        Span<byte> shb = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(shb, 0x0A0D0D0A);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[4..], 28);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[8..], 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(shb[12..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(shb[14..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(shb[16..], -1);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[24..], 28);
        _stream.Write(shb);
    }

    /// <summary>The interfaces written so far, by link type, in order.</summary>
    public int InterfaceCount => _interfaces.Count;

    private int Interface(LinkType link)
    {
        if (_interfaces.TryGetValue(link, out int id)) return id;
        id = _interfaces.Count;
        _interfaces.Add(link, id);
        // 4.2 Interface Description Block: link type, reserved, snaplen, if_tsresol = 9 (ns), opt_endofopt
        Span<byte> idb = stackalloc byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(idb, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[4..], 32);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[8..], (ushort)link);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[12..], (uint)_snapLength);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[16..], 9);   // if_tsresol
        BinaryPrimitives.WriteUInt16LittleEndian(idb[18..], 1);
        idb[20] = 9;
        // idb[21..24] padding, idb[24..28] opt_endofopt (zeros)
        BinaryPrimitives.WriteUInt32LittleEndian(idb[28..], 32);
        _stream.Write(idb);
        return id;
    }

    private static int Pad4(int n) => (n + 3) & ~3;

    /// <summary>Appends one frame of <paramref name="link"/> at <paramref name="timestampNanoseconds"/> since 1970,
    /// with an optional comment.</summary>
    public void Write(long timestampNanoseconds, LinkType link, ReadOnlySpan<byte> frame, string? comment = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampNanoseconds);
        int iface = Interface(link);
        int captured = Math.Min(frame.Length, _snapLength);
        byte[]? text = string.IsNullOrEmpty(comment) ? null : Encoding.UTF8.GetBytes(comment);
        if (text is { Length: > 65535 }) text = text[..65535];
        int options = text is null ? 0 : 4 + Pad4(text.Length) + 4;
        int total = 28 + Pad4(captured) + options + 4;
        // 4.3 Enhanced Packet Block
        Span<byte> head = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(head, 6);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)iface);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)((ulong)timestampNanoseconds >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(head[16..], (uint)timestampNanoseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(head[20..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(head[24..], (uint)frame.Length);
        _stream.Write(head);
        _stream.Write(frame[..captured]);
        Span<byte> zeros = stackalloc byte[4];
        _stream.Write(zeros[..(Pad4(captured) - captured)]);
        if (text is not null)
        {
            Span<byte> opt = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(opt, 1);   // opt_comment
            BinaryPrimitives.WriteUInt16LittleEndian(opt[2..], (ushort)text.Length);
            _stream.Write(opt);
            _stream.Write(text);
            _stream.Write(zeros[..(Pad4(text.Length) - text.Length)]);
            _stream.Write(zeros);   // opt_endofopt
        }
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, (uint)total);
        _stream.Write(tail);
    }

    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }
}
