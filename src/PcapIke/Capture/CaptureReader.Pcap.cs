using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PcapIke.Capture;

// Classic pcap (draft-ietf-opsawg-pcap, "PCAP Capture File Format"): a 24-byte file header, then records of a
// 16-byte header (ts_sec, ts_frac, incl_len, orig_len) followed by incl_len bytes of packet data.
public sealed partial class CaptureReader
{
    // draft-ietf-opsawg-pcap section 4: magic 0xA1B2C3D4 (microseconds) or 0xA1B23C4D (nanoseconds), written in
    // the writer's byte order; read here as little-endian, so the "swapped" values mean a big-endian file.
    private const uint PcapMagicMicro = 0xA1B2C3D4;
    private const uint PcapMagicNano = 0xA1B23C4D;
    private const uint PcapMagicMicroSwapped = 0xD4C3B2A1;
    private const uint PcapMagicNanoSwapped = 0x4D3CB2A1;
    private const int PcapFileHeaderLength = 24;
    private const int PcapRecordHeaderLength = 16;

    private bool _be;          // the file (pcap) or current section (pcapng) is big-endian
    private bool _nanos;
    private uint _snaplen;
    private uint _maxIncl;     // largest incl_len accepted without resynchronising
    private uint _resyncIncl;  // largest incl_len considered plausible while resynchronising
    private long _lastSec = -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint U32(int at) => _be
        ? BinaryPrimitives.ReadUInt32BigEndian(_buf.AsSpan(at, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(_buf.AsSpan(at, 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ushort U16(int at) => _be
        ? BinaryPrimitives.ReadUInt16BigEndian(_buf.AsSpan(at, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(_buf.AsSpan(at, 2));

    /// <summary>Maps a LINKTYPE_ value from a file header to <see cref="LinkType"/>. Only the low 16 bits are the
    /// link type (draft-ietf-opsawg-pcap section 4, LinkType and additional information: the upper bits carry FCS
    /// information). DLT_RAW is 12 on most systems and 14 on OpenBSD; some old files wrote these instead of
    /// LINKTYPE_RAW (101).</summary>
    internal static LinkType MapLinkType(uint value)
    {
        ushort v = (ushort)value;
        return v is 12 or 14 ? LinkType.Raw : (LinkType)v;
    }

    private void ReadPcapHeader(uint magic)
    {
        _be = magic is PcapMagicMicroSwapped or PcapMagicNanoSwapped;
        _nanos = magic is PcapMagicNano or PcapMagicNanoSwapped;
        Format = _nanos ? CaptureFileFormat.PcapNanosecond : CaptureFileFormat.Pcap;
        if (!Ensure(PcapFileHeaderLength))
            throw new CaptureFormatException($"{Name}: truncated pcap file header ({_end - _pos} of 24 bytes)");
        ushort major = U16(_pos + 4), minor = U16(_pos + 6);
        _snaplen = U32(_pos + 16);
        LinkType = MapLinkType(U32(_pos + 20));
        if (major != 2)
            Report(0, 4, $"pcap version {major}.{minor}, expected 2.4; reading on as 2.4");
        // A record longer than the snaplen is tolerated up to libpcap's maximum snapshot length (some writers put
        // a small or zero snaplen in the header); beyond both it can only be corrupt.
        _maxIncl = (uint)Math.Min((long)MaxRecordLength, Math.Max((long)_snaplen, SaneRecordLength));
        _resyncIncl = _snaplen is > 0 and <= SaneRecordLength ? _snaplen : SaneRecordLength;
        _pos += PcapFileHeaderLength;
    }

    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadPcap(out CaptureRecord record)
    {
        while (true)
        {
            long offset = Position;
            if (!Ensure(PcapRecordHeaderLength))
            {
                int left = _end - _pos;
                if (left > 0)
                {
                    Report(_frame + 1, offset, $"truncated record header: {left} of 16 bytes at the end of the capture");
                    _pos = _end;
                }
                record = default;
                return false;
            }
            uint sec = U32(_pos), frac = U32(_pos + 4), incl = U32(_pos + 8), orig = U32(_pos + 12);
            _frame++;
            if (incl > _maxIncl)
            {
                if (!ResyncPcap(offset, $"record header claims {incl} captured bytes (limit {_maxIncl})"))
                {
                    record = default;
                    return false;
                }
                continue;
            }
            int total = PcapRecordHeaderLength + (int)incl;
            if (!Ensure(total))
            {
                Report(_frame, offset,
                    $"truncated record: header says {incl} captured bytes, only {_end - _pos - PcapRecordHeaderLength} remain");
                _pos = _end;
                record = default;
                return false;
            }
            long ns = sec * 1_000_000_000L + (_nanos ? frac : frac * 1000L);
            record = new CaptureRecord(_frame, ns, LinkType, 0, orig > int.MaxValue ? int.MaxValue : (int)orig, offset,
                new ReadOnlySpan<byte>(_buf, _pos + PcapRecordHeaderLength, (int)incl));
            _pos += total;
            _lastSec = sec;
            return true;
        }
    }

    /// <summary>A record header that could be real: a sane captured length not above the original length (which
    /// is not zero: runs of zero bytes are not records), a fraction below one second and, once a record was read, a time within 30 days of the last one.</summary>
    private bool PlausiblePcapHeader(int at, out uint incl)
    {
        uint sec = U32(at), frac = U32(at + 4);
        incl = U32(at + 8);
        uint orig = U32(at + 12);
        return incl <= _resyncIncl && incl <= orig && orig != 0 && orig <= MaxRecordLength
            && frac < (_nanos ? 1_000_000_000u : 1_000_000u)
            && (_lastSec < 0 || Math.Abs(sec - _lastSec) <= 30L * 86400);
    }

    /// <summary>Scans forward from the damaged record at <paramref name="badOffset"/> (the current position) for a
    /// plausible record header followed by another plausible header or by the exact end of the capture. Reports
    /// once, with what was skipped. False when no such record exists.</summary>
    private bool ResyncPcap(long badOffset, string why)
    {
        long badFrame = _frame;
        _pos++;
        while (true)
        {
            if (!Ensure(PcapRecordHeaderLength))
            {
                Report(badFrame, badOffset, $"{why}; no valid record follows, capture ends here");
                _pos = _end;
                return false;
            }
            if (PlausiblePcapHeader(_pos, out uint incl))
            {
                int next = PcapRecordHeaderLength + (int)incl;
                bool accept = Ensure(next + PcapRecordHeaderLength)
                    ? PlausiblePcapHeader(_pos + next, out _)
                    : _end - _pos == next;
                if (accept)
                {
                    Report(badFrame, badOffset,
                        $"{why}; skipped {Position - badOffset} bytes to the next plausible record at offset {Position}");
                    return true;
                }
            }
            _pos++;
        }
    }
}
