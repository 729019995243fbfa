using System.Buffers.Binary;

namespace PcapIke.Tests.TestSupport;

/// <summary>Writes classic pcap files in memory, in either byte order and resolution.</summary>
internal sealed class PcapBuilder
{
    private readonly MemoryStream _ms = new();
    private readonly bool _be, _nanos;

    public PcapBuilder(uint linkType, bool bigEndian = false, bool nanos = false, uint snaplen = 65535)
    {
        _be = bigEndian;
        _nanos = nanos;
        U32(nanos ? 0xA1B23C4Du : 0xA1B2C3D4u);
        U16(2); U16(4); U32(0); U32(0); U32(snaplen); U32(linkType);
    }

    public long Length => _ms.Length;

    public PcapBuilder Record(long seconds, long fraction, byte[] data, int? origLen = null)
    {
        U32((uint)seconds); U32((uint)fraction); U32((uint)data.Length); U32((uint)(origLen ?? data.Length));
        _ms.Write(data);
        return this;
    }

    public PcapBuilder Raw(byte[] bytes) { _ms.Write(bytes); return this; }
    public PcapBuilder RawU32(uint v) { U32(v); return this; }

    public byte[] ToArray() => _ms.ToArray();

    private void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (_be) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _ms.Write(b);
    }

    private void U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (_be) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        _ms.Write(b);
    }
}

/// <summary>Writes pcapng files in memory, block by block, in either byte order (draft-ietf-opsawg-pcapng).</summary>
internal sealed class PcapNgBuilder
{
    private readonly MemoryStream _ms = new();
    private bool _be;

    public long Length => _ms.Length;

    public PcapNgBuilder Section(bool bigEndian = false)
    {
        _be = bigEndian;
        var body = new MemoryStream();
        Put(body, 0x1A2B3C4Du); Put16(body, 1); Put16(body, 0);
        Put(body, 0xFFFFFFFFu); Put(body, 0xFFFFFFFFu);   // section length -1
        return Block(0x0A0D0D0A, body.ToArray());
    }

    /// <summary>An IDB; <paramref name="tsresol"/> is the if_tsresol byte (null: no option, i.e. 10^-6).</summary>
    public PcapNgBuilder Interface(ushort linkType, uint snaplen = 65535, byte? tsresol = null, long? tsoffset = null)
    {
        var body = new MemoryStream();
        Put16(body, linkType); Put16(body, 0); Put(body, snaplen);
        if (tsresol is byte r) { Put16(body, 9); Put16(body, 1); body.Write([r, 0, 0, 0]); }
        if (tsoffset is long o) { Put16(body, 14); Put16(body, 8); Put(body, (uint)(_be ? o >> 32 : o)); Put(body, (uint)(_be ? o : o >> 32)); }
        if (tsresol != null || tsoffset != null) { Put16(body, 0); Put16(body, 0); }
        return Block(1, body.ToArray());
    }

    public PcapNgBuilder Epb(uint ifId, ulong timestamp, byte[] data, int? origLen = null)
    {
        var body = new MemoryStream();
        Put(body, ifId); Put(body, (uint)(timestamp >> 32)); Put(body, (uint)timestamp);
        Put(body, (uint)data.Length); Put(body, (uint)(origLen ?? data.Length));
        body.Write(data); Pad(body);
        return Block(6, body.ToArray());
    }

    /// <summary>The obsolete Packet Block (type 2, Appendix A).</summary>
    public PcapNgBuilder PacketBlock(ushort ifId, ulong timestamp, byte[] data)
    {
        var body = new MemoryStream();
        Put16(body, ifId); Put16(body, 0); Put(body, (uint)(timestamp >> 32)); Put(body, (uint)timestamp);
        Put(body, (uint)data.Length); Put(body, (uint)data.Length);
        body.Write(data); Pad(body);
        return Block(2, body.ToArray());
    }

    public PcapNgBuilder Spb(byte[] data, int? origLen = null)
    {
        var body = new MemoryStream();
        Put(body, (uint)(origLen ?? data.Length));
        body.Write(data); Pad(body);
        return Block(3, body.ToArray());
    }

    public PcapNgBuilder Block(uint type, byte[] body, uint? lengthOverride = null, uint? trailerOverride = null)
    {
        uint len = (uint)(12 + body.Length);
        Put(_ms, type); Put(_ms, lengthOverride ?? len); _ms.Write(body); Put(_ms, trailerOverride ?? len);
        return this;
    }

    public PcapNgBuilder Raw(byte[] bytes) { _ms.Write(bytes); return this; }

    public byte[] ToArray() => _ms.ToArray();

    private static void Pad(MemoryStream s) { while (s.Length % 4 != 0) s.WriteByte(0); }

    private void Put(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (_be) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }

    private void Put16(Stream s, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (_be) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        s.Write(b);
    }
}

/// <summary>A stream that cannot seek and returns at most a few bytes per read, like a pipe.</summary>
internal sealed class PipeLikeStream(byte[] data, int chunk = 7) : Stream
{
    private int _pos;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, chunk), data.Length - _pos);
        Array.Copy(data, _pos, buffer, offset, n);
        _pos += n;
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
