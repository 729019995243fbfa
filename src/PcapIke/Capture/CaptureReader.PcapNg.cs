using System.Runtime.CompilerServices;

namespace PcapIke.Capture;

// pcapng, as specified in draft-ietf-opsawg-pcapng ("PCAP Next Generation (pcapng) Capture File Format").
// Section numbers below refer to that draft.
public sealed partial class CaptureReader
{
    // Section 3.1: every block is Block Type (u32), Block Total Length (u32), body, Block Total Length again.
    // The total length includes the 12 bytes of framing and is a multiple of 4.
    private const uint PcapNgShbType = 0x0A0D0D0A;        // 4.1 Section Header Block (byte-order independent)
    private const uint PcapNgIdbType = 0x00000001;        // 4.2 Interface Description Block
    private const uint PcapNgOpbType = 0x00000002;        // Appendix A: Packet Block (obsolete)
    private const uint PcapNgSpbType = 0x00000003;        // 4.4 Simple Packet Block
    private const uint PcapNgNrbType = 0x00000004;        // 4.5 Name Resolution Block
    private const uint PcapNgIsbType = 0x00000005;        // 4.6 Interface Statistics Block
    private const uint PcapNgEpbType = 0x00000006;        // 4.3 Enhanced Packet Block
    private const uint PcapNgDsbType = 0x0000000A;        // 4.7 Decryption Secrets Block
    private const uint PcapNgCustomType = 0x00000BAD;     // 4.8 Custom Block (and 0x40000BAD)
    private const uint PcapNgCustomNoCopyType = 0x40000BAD;
    private const uint ByteOrderMagic = 0x1A2B3C4D;       // 4.1 Byte-Order Magic
    private const uint ByteOrderMagicSwapped = 0x4D3C2B1A;
    private const int BlockFraming = 12;
    private const int MaxBlockLength = MaxRecordLength + 64;
    // While resynchronising, a candidate block longer than this is not believed (a 16 MiB block is already far
    // beyond any real packet) so that a scan never reads a long way ahead on the word of one garbage length.
    private const int ResyncMaxBlockLength = 16 << 20;

    private struct Interface
    {
        public LinkType LinkType;
        public uint SnapLen;
        public long Multiplier;  // ns per unit when the resolution is 10^-n with n <= 9
        public long Divisor;     // units per ns when the resolution is 10^-n with n > 9
        public int Pow2;         // n when the resolution is 2^-n, else -1
        public long OffsetNs;    // if_tsoffset, in ns
    }

    private Interface[] _ifaces;
    private int _ifaceCount;
    private bool _skipSection;
    private int _sectionCount;

    /// <summary>Number of pcapng sections seen so far (0 for classic pcap).</summary>
    public int SectionCount => _sectionCount;

    private void ReadFirstSectionHeader()
    {
        if (!Ensure(BlockFraming + 16))
            throw new CaptureFormatException($"{Name}: truncated pcapng Section Header Block ({_end - _pos} bytes)");
        uint bom = BinaryLe(_pos + 8);
        if (bom != ByteOrderMagic && bom != ByteOrderMagicSwapped)
            throw new CaptureFormatException(
                $"{Name}: pcapng Section Header Block without a valid byte-order magic ({bom:X8})");
        _be = bom == ByteOrderMagicSwapped;
        uint len = U32(_pos + 4);
        if (len < 28 || len % 4 != 0 || len > MaxBlockLength)
            throw new CaptureFormatException($"{Name}: pcapng Section Header Block has an invalid length {len}");
        // The first SHB is then read again by the ordinary block loop.
    }

    private uint BinaryLe(int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_buf.AsSpan(at, 4));

    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadPcapNg(out CaptureRecord record)
    {
        while (true)
        {
            long offset = Position;
            if (!Ensure(8))
            {
                int left = _end - _pos;
                if (left > 0)
                {
                    Report(_frame + 1, offset, $"truncated block header: {left} bytes at the end of the capture");
                    _pos = _end;
                }
                record = default;
                return false;
            }
            uint type = U32(_pos);
            bool isPacket = type is PcapNgEpbType or PcapNgSpbType or PcapNgOpbType;
            uint len;
            if (type == PcapNgShbType)
            {
                // 4.1: the byte order of a section is given by its SHB's Byte-Order Magic, which must be read
                // before the block length can be.
                if (!Ensure(BlockFraming))
                {
                    Report(_frame + 1, offset, "truncated Section Header Block at the end of the capture");
                    _pos = _end;
                    record = default;
                    return false;
                }
                uint bom = BinaryLe(_pos + 8);
                if (bom != ByteOrderMagic && bom != ByteOrderMagicSwapped)
                {
                    if (!ResyncPcapNg(offset, $"Section Header Block with an invalid byte-order magic {bom:X8}"))
                    {
                        record = default;
                        return false;
                    }
                    continue;
                }
                _be = bom == ByteOrderMagicSwapped;
            }
            len = U32(_pos + 4);
            if (len < BlockFraming || len % 4 != 0 || len > MaxBlockLength)
            {
                // 3.1: Block Total Length is a multiple of 4 and at least 12; ours is also bounded.
                if (isPacket) _frame++;
                string why = len < BlockFraming ? $"block length {len} is below 12"
                    : len % 4 != 0 ? $"block length {len} is not a multiple of 4"
                    : $"block length {len} exceeds the limit {MaxBlockLength}";
                if (!ResyncPcapNg(offset, $"block type 0x{type:X8}: {why}"))
                {
                    record = default;
                    return false;
                }
                continue;
            }
            if (!Ensure((int)len))
            {
                if (isPacket) _frame++;
                Report(isPacket ? _frame : _frame + 1, offset,
                    $"truncated block: type 0x{type:X8} says {len} bytes, only {_end - _pos} remain");
                _pos = _end;
                record = default;
                return false;
            }
            uint trailer = U32(_pos + (int)len - 4);
            if (trailer != len)
            {
                // 3.1: the trailing Block Total Length must repeat the leading one; when it does not, neither
                // can be trusted, so look for the next block boundary.
                if (isPacket) _frame++;
                if (!ResyncPcapNg(offset, $"block type 0x{type:X8}: trailing length {trailer} differs from length {len}"))
                {
                    record = default;
                    return false;
                }
                continue;
            }

            if (type == PcapNgShbType)
            {
                ReadSectionHeader(offset, (int)len);
            }
            else if (_skipSection)
            {
                if (isPacket) _frame++;
            }
            else if (type == PcapNgIdbType)
            {
                ReadInterfaceDescription(offset, (int)len);
            }
            else if (isPacket)
            {
                _frame++;
                if (TryMakePacket(type, offset, (int)len, out record))
                {
                    _pos += (int)len;
                    return true;
                }
            }
            // Any other block type (NRB, ISB, DSB, custom, unknown) is skipped, as 3.1 allows.
            _pos += (int)len;
        }
    }

    /// <summary>4.1 Section Header Block: Byte-Order Magic, Major Version, Minor Version, Section Length,
    /// options. A new section starts a new interface table (4.2: interface ids are per section).</summary>
    private void ReadSectionHeader(long offset, int len)
    {
        _sectionCount++;
        _ifaceCount = 0;
        _skipSection = false;
        if (len < 28)
        {
            Report(_frame, offset, $"Section Header Block of {len} bytes is shorter than 28; its section is skipped");
            _skipSection = true;
            return;
        }
        ushort major = U16(_pos + 12), minor = U16(_pos + 14);
        if (major != 1)
        {
            // 4.1: a reader that does not understand a section's major version skips to the next section.
            Report(_frame, offset, $"pcapng section version {major}.{minor} is not supported; its section is skipped");
            _skipSection = true;
        }
    }

    /// <summary>4.2 Interface Description Block: LinkType u16, Reserved u16, SnapLen u32, options. The options
    /// used are if_tsresol (code 9, 4.2) and if_tsoffset (code 14, 4.2).</summary>
    private void ReadInterfaceDescription(long offset, int len)
    {
        var iface = new Interface { Multiplier = 1000, Divisor = 1, Pow2 = -1 };   // default resolution 10^-6
        if (len < BlockFraming + 8)
        {
            Report(_frame, offset, $"Interface Description Block of {len} bytes is shorter than 20");
        }
        else
        {
            iface.LinkType = MapLinkType(U16(_pos + 8));
            iface.SnapLen = U32(_pos + 12);
            // 3.5 Options: code u16, length u16, value padded to 32 bits; opt_endofopt (0) ends the list.
            int p = _pos + 16, end = _pos + len - 4;
            while (end - p >= 4)
            {
                ushort code = U16(p), olen = U16(p + 2);
                if (code == 0) break;
                int padded = (olen + 3) & ~3;
                if (padded > end - p - 4)
                {
                    Report(_frame, offset + (p - _pos),
                        $"Interface Description Block option {code} of {olen} bytes runs past the block");
                    break;
                }
                if (code == 9 && olen >= 1) SetResolution(ref iface, _buf[p + 4], offset + (p - _pos));
                else if (code == 14 && olen == 8)
                {
                    long secs = _be
                        ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(_buf.AsSpan(p + 4, 8))
                        : System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(_buf.AsSpan(p + 4, 8));
                    iface.OffsetNs = unchecked(secs * 1_000_000_000L);
                }
                p += 4 + padded;
            }
        }
        if (_ifaceCount == _ifaces.Length) Array.Resize(ref _ifaces, _ifaces.Length * 2);
        _ifaces[_ifaceCount++] = iface;
        if (_sectionCount == 1 && _ifaceCount == 1) LinkType = iface.LinkType;
    }

    private void SetResolution(ref Interface iface, byte tsresol, long optionOffset)
    {
        // 4.2 if_tsresol: most significant bit clear, the rest is n of 10^-n seconds; set, n of 2^-n seconds.
        int n = tsresol & 0x7F;
        if ((tsresol & 0x80) != 0)
        {
            if (n > 63)
            {
                Report(_frame, optionOffset, $"if_tsresol 2^-{n} is out of range; using microseconds");
                return;
            }
            iface.Pow2 = n;
            return;
        }
        if (n > 19)
        {
            Report(_frame, optionOffset, $"if_tsresol 10^-{n} is out of range; using microseconds");
            return;
        }
        iface.Pow2 = -1;
        iface.Multiplier = n <= 9 ? Pow10(9 - n) : 1;
        iface.Divisor = n <= 9 ? 1 : Pow10(n - 9);
    }

    private static long Pow10(int e)
    {
        long v = 1;
        for (int i = 0; i < e; i++) v *= 10;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ToNanoseconds(in Interface iface, ulong ts)
    {
        if (iface.Pow2 < 0)
            return unchecked((long)(iface.Divisor == 1 ? ts * (ulong)iface.Multiplier : ts / (ulong)iface.Divisor)
                             + iface.OffsetNs);
        int n = iface.Pow2;
        ulong whole = ts >> n, rem = n == 0 ? 0 : ts & ((1UL << n) - 1);
        ulong frac = (ulong)(((UInt128)rem * 1_000_000_000UL) >> n);
        return unchecked((long)(whole * 1_000_000_000UL + frac) + iface.OffsetNs);
    }

    /// <summary>Builds a record from a packet block whose framing was already checked. False (after reporting)
    /// when its body is inconsistent; the block is then skipped.</summary>
    private bool TryMakePacket(uint type, long offset, int len, out CaptureRecord record)
    {
        record = default;
        int body = len - BlockFraming;
        uint ifId, capLen, origLen;
        ulong ts;
        int dataAt;
        if (type == PcapNgSpbType)
        {
            // 4.4 Simple Packet Block: Original Packet Length, then data; it belongs to interface 0 and its
            // captured length is min(original length, SnapLen of interface 0), or what the block holds.
            if (body < 4) { Report(_frame, offset, $"Simple Packet Block of {len} bytes is too short"); return false; }
            if (_ifaceCount == 0) { Report(_frame, offset, "Simple Packet Block before any Interface Description Block"); return false; }
            ifId = 0;
            origLen = U32(_pos + 8);
            capLen = Math.Min(origLen, (uint)(body - 4));
            if (_ifaces[0].SnapLen != 0) capLen = Math.Min(capLen, _ifaces[0].SnapLen);
            ts = 0;
            dataAt = 12;
        }
        else
        {
            // 4.3 Enhanced Packet Block: Interface ID u32, Timestamp (High, Low), Captured Packet Length, Original
            // Packet Length, data padded to 32 bits, options. Appendix A Packet Block: Interface ID u16, Drops
            // Count u16, then the same fields.
            if (body < 20) { Report(_frame, offset, $"packet block of {len} bytes is too short"); return false; }
            ifId = type == PcapNgEpbType ? U32(_pos + 8) : U16(_pos + 8);
            ts = ((ulong)U32(_pos + 12) << 32) | U32(_pos + 16);
            capLen = U32(_pos + 20);
            origLen = U32(_pos + 24);
            dataAt = 28;
            if (capLen > (uint)(body - 20))
            {
                Report(_frame, offset, $"captured length {capLen} exceeds the {body - 20} bytes the block holds");
                return false;
            }
            if (ifId >= (uint)_ifaceCount)
            {
                // 4.3: the Interface ID must match an Interface Description Block of the same section.
                Report(_frame, offset, $"packet block names interface {ifId}, but the section has {_ifaceCount}");
                return false;
            }
        }
        ref readonly Interface iface = ref _ifaces[ifId];
        record = new CaptureRecord(_frame, type == PcapNgSpbType ? 0 : ToNanoseconds(iface, ts), iface.LinkType,
            (int)ifId, origLen > int.MaxValue ? int.MaxValue : (int)origLen, offset,
            new ReadOnlySpan<byte>(_buf, _pos + dataAt, (int)capLen));
        return true;
    }

    /// <summary>A block header that could be real: a known block type, a sane length and (when buffered) a
    /// matching trailing length. For an SHB, its byte-order magic decides the byte order.</summary>
    private bool PlausibleBlock(out int len)
    {
        len = 0;
        if (!Ensure(BlockFraming)) return false;
        bool be = _be;
        uint type = U32(_pos);
        if (type == PcapNgShbType)
        {
            uint bom = BinaryLe(_pos + 8);
            if (bom != ByteOrderMagic && bom != ByteOrderMagicSwapped) return false;
            _be = bom == ByteOrderMagicSwapped;
        }
        else if (type is not (PcapNgIdbType or PcapNgEpbType or PcapNgSpbType or PcapNgOpbType or PcapNgNrbType
                 or PcapNgIsbType or PcapNgDsbType or PcapNgCustomType or PcapNgCustomNoCopyType))
        {
            return false;
        }
        uint l = U32(_pos + 4);
        bool ok = l >= BlockFraming && l % 4 == 0 && l <= ResyncMaxBlockLength && Ensure((int)l)
                  && U32(_pos + (int)l - 4) == l;
        if (!ok) _be = be;
        len = (int)l;
        return ok;
    }

    /// <summary>Scans forward from the damaged block at <paramref name="badOffset"/> (the current position) for
    /// the next plausible block (3.1 framing with a matching trailer). Reports once. False at the end.</summary>
    private bool ResyncPcapNg(long badOffset, string why)
    {
        long frame = _frame;
        _pos++;
        while (Ensure(BlockFraming))
        {
            if (PlausibleBlock(out _))
            {
                Report(frame, badOffset,
                    $"{why}; skipped {Position - badOffset} bytes to the next plausible block at offset {Position}");
                return true;
            }
            _pos++;
        }
        Report(frame, badOffset, $"{why}; no valid block follows, capture ends here");
        _pos = _end;
        return false;
    }
}
