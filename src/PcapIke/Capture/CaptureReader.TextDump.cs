using System.Buffers;
using System.Text;

namespace PcapIke.Capture;

// Text dumps (docs/text-dumps.md): IOS 15 `show monitor capture buffer NAME dump`, IOS-XE `show monitor capture
// NAME buffer dump`, ASA `show capture NAME dump`, and the generic hex dumps text2pcap reads (od -Ax -tx1,
// Wireshark's hex dumps). Recognised by content when the input has no capture magic; read line by line from the
// reader's own buffer, one line of look-ahead so that a line the terminal wrapped is joined again. Every line
// that cannot be read is a located malformation (line number, byte offset in the text); the rest is read.
public sealed partial class CaptureReader
{
    /// <summary>A physical line longer than this is not a line of any dump: reported and skipped.</summary>
    internal const int MaxTextLineLength = 4096;
    /// <summary>A packet of a text dump larger than this is cut (reported); IP datagrams are at most 64 KiB.</summary>
    internal const int MaxTextFrameLength = 256 * 1024;
    private const int TextDetectBytes = 64 * 1024;
    private const long NsPerDay = 86_400_000_000_000L;

    private byte[] _txPend = Array.Empty<byte>();   // the look-ahead line (joined when wrapped), cleaned
    private int _txPendLen;
    private bool _txHasPend;
    private TextLineKind _txPendKind;
    private long _txPendLine, _txPendOffset;
    private byte[] _txCur = Array.Empty<byte>();
    private long _txLineNo;
    private byte[] _txFrame = Array.Empty<byte>();  // the packet being built
    private int _txLen;
    private bool _txOpen;
    private long _txPacketLine, _txPacketOffset;
    private bool _txAddressMode;
    private bool _txFirstData;
    private long _txLastPrefix;
    private long _txNextOffset;   // the offset the next hex line should carry (offset layouts)
    private int _txBareDigits;
    private bool _txCutReported;
    private long _txNs;
    private int _txDays;
    private long _txLastTod = -1;
    private long _txLastNs = -1;
    private byte[] _txComment = Array.Empty<byte>();
    private int _txCommentLen;
    private byte[] _txOut = Array.Empty<byte>();    // the packet handed out
    private int _txOutLen;
    private bool _txReady;
    private long _txReadyNs, _txReadyOffset;
    private LinkType _txReadyLink;
    private byte[] _txOutComment = Array.Empty<byte>();
    private int _txOutCommentLen;
    private bool _txEnded;

    /// <summary>Number of text lines read so far (text dumps only).</summary>
    public long TextLineCount => _txLineNo;

    /// <summary>For a text dump, what the header line of the record last read says besides its time (e.g.
    /// <c>IPv4 LES CEF : Gi0/1 None</c>, <c>10.0.0.1.500 &gt; 10.0.0.2.500: udp 100</c>); null otherwise or when the
    /// packet had no header line. Made on request: reading allocates nothing for it.</summary>
    public string? RecordComment =>
        Format == CaptureFileFormat.TextDump && _txOutCommentLen > 0
            ? Encoding.ASCII.GetString(_txOutComment, 0, _txOutCommentLen).Trim()
            : null;

    /// <summary>True when the buffered start of the input is text with at least one hex line of a dump.</summary>
    private bool LooksLikeTextDump()
    {
        Fill(TextDetectBytes);
        ReadOnlySpan<byte> sample = _buf.AsSpan(_pos, Math.Min(_end - _pos, TextDetectBytes));
        if (sample.IndexOf((byte)0) >= 0) return false;
        int control = 0;
        foreach (byte b in sample)
            if (b < 0x20 && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\b' or 0x0c or 0x1b)) control++;
        if (control * 50 > sample.Length) return false;
        Span<byte> scratch = stackalloc byte[TextDumpLine.MaxBytesPerLine];
        Span<byte> line = stackalloc byte[512];
        while (sample.Length > 0)
        {
            int nl = sample.IndexOf((byte)'\n');
            ReadOnlySpan<byte> raw = nl < 0 ? sample : sample[..nl];
            sample = nl < 0 ? default : sample[(nl + 1)..];
            if (raw.Length > line.Length) continue;
            raw.CopyTo(line);
            int n = TextDumpLine.Clean(line[..raw.Length]);
            var l = line[..n];
            if (!TextDumpLine.IsDataLine(l, 0, 0)) continue;
            var d = TextDumpLine.ParseData(l, scratch);
            // (a wrapped line may end in half a byte: the error does not matter here)
            if (d.Count >= 4 && (d.Prefix != TextPrefix.Bare || d.Value == 0)) return true;
        }
        return false;
    }

    private void StartTextDump()
    {
        Format = CaptureFileFormat.TextDump;
        LinkType = LinkType.Ethernet;
        _txPend = ArrayPool<byte>.Shared.Rent(MaxTextLineLength * 4);
        _txCur = ArrayPool<byte>.Shared.Rent(MaxTextLineLength);
        _txFrame = ArrayPool<byte>.Shared.Rent(64 * 1024);
        _txOut = ArrayPool<byte>.Shared.Rent(64 * 1024);
        _txComment = ArrayPool<byte>.Shared.Rent(256);
        _txOutComment = ArrayPool<byte>.Shared.Rent(256);
    }

    private void ReturnTextBuffers()
    {
        foreach (byte[] b in new[] { _txPend, _txCur, _txFrame, _txOut, _txComment, _txOutComment })
            if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
        _txPend = _txCur = _txFrame = _txOut = _txComment = _txOutComment = Array.Empty<byte>();
    }

    private bool TryReadText(out CaptureRecord record)
    {
        Span<byte> scratch = stackalloc byte[TextDumpLine.MaxBytesPerLine];
        while (true)
        {
            if (_txReady)
            {
                _txReady = false;
                _frame++;
                if (_frame == 1) LinkType = _txReadyLink;
                record = new CaptureRecord(_frame, _txReadyNs, _txReadyLink, 0, _txOutLen, _txReadyOffset,
                    new ReadOnlySpan<byte>(_txOut, 0, _txOutLen));
                return true;
            }
            if (_txEnded)
            {
                record = default;
                return false;
            }
            if (!ReadTextLine(out int curLen, out long lineNo, out long lineOffset))
            {
                if (_txHasPend)
                {
                    _txHasPend = false;
                    ProcessTextLine();
                }
                if (!_txReady) FinishTextPacket();
                _txEnded = true;
                continue;
            }
            var cur = _txCur.AsSpan(0, curLen);
            long expected;
            if (_txHasPend && _txPendKind == TextLineKind.Data)
            {
                var pd = TextDumpLine.ParseData(_txPend.AsSpan(0, _txPendLen), scratch);
                expected = pd.Prefix != TextPrefix.Bare ? -1 : pd.Value + (pd.Error is null ? pd.Count : TextDumpLine.MaxBytesPerLine);
            }
            else expected = _txHasPend && _txPendKind == TextLineKind.Header ? 0 : _txOpen ? _txNextOffset : 0;
            var kind = TextDumpLine.Classify(cur, expected, _txBareDigits);
            if (_txHasPend && kind == TextLineKind.Other && TryJoin(cur)) continue;
            // IOS-XE's buffer dump heads each packet with its index alone ("0", "1", ...): a header line without
            // a time, recognised only when an offset-0 hex line with a colon prefix follows it
            if (_txHasPend && _txPendKind == TextLineKind.Other && kind == TextLineKind.Data
                && TextDumpLine.IsPacketIndex(_txPend.AsSpan(0, _txPendLen))
                && TextDumpLine.TryParsePrefix(cur, out TextPrefix curPrefix, out long curOffset, out _, out _)
                && curPrefix == TextPrefix.Colon && curOffset == 0)
                _txPendKind = TextLineKind.Header;
            if (_txHasPend) ProcessTextLine();
            // the current line becomes the look-ahead
            cur.CopyTo(_txPend);
            _txPendLen = curLen;
            _txPendKind = kind;
            _txPendLine = lineNo;
            _txPendOffset = lineOffset;
            _txHasPend = true;
        }
    }

    /// <summary>Joins <paramref name="cur"/> to the look-ahead line when it is the rest of a line the terminal
    /// wrapped: after a header line, or after a hex line that has fewer than 16 bytes, whose packet is not yet as
    /// long as its IP header says, and that reads more bytes joined.</summary>
    private bool TryJoin(ReadOnlySpan<byte> cur)
    {
        if (_txPendLen + cur.Length > _txPend.Length) return false;
        if (_txPendKind == TextLineKind.Header)
        {
            cur.CopyTo(_txPend.AsSpan(_txPendLen));
            _txPendLen += cur.Length;
            return true;
        }
        if (_txPendKind != TextLineKind.Data) return false;
        Span<byte> scratch = stackalloc byte[TextDumpLine.MaxBytesPerLine];
        var before = TextDumpLine.ParseData(_txPend.AsSpan(0, _txPendLen), scratch);
        if (before.Count >= TextDumpLine.MaxBytesPerLine) return false;
        bool startsPacket = !_txOpen || (before.Value == 0 && !_txAddressMode && _txLen > 0);
        if (!startsPacket)
        {
            // the packet so far plus this line's bytes: complete already by its IP header's length?
            EnsureTextFrame(_txLen + TextDumpLine.MaxBytesPerLine);
            scratch[..before.Count].CopyTo(_txFrame.AsSpan(_txLen));
            var f = _txFrame.AsSpan(0, _txLen + before.Count);
            int announced = TextDumpLine.AnnouncedLength(f, TextDumpLine.DetectLinkType(f));
            if (announced >= 0 && f.Length >= announced) return false;
        }
        cur.CopyTo(_txPend.AsSpan(_txPendLen));
        var after = TextDumpLine.ParseData(_txPend.AsSpan(0, _txPendLen + cur.Length), scratch);
        if (after.Count <= before.Count) return false;
        _txPendLen += cur.Length;
        return true;
    }

    /// <summary>Reads the next physical line into <c>_txCur</c>, cleaned. False at the end of the input.</summary>
    private bool ReadTextLine(out int length, out long lineNo, out long offset)
    {
        while (true)
        {
            length = 0;
            offset = Position;
            lineNo = _txLineNo + 1;
            if (!Ensure(1)) return false;
            int nl;
            while (true)
            {
                nl = _buf.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
                if (nl >= 0 || _end - _pos > MaxTextLineLength || !Fill(_end - _pos + 1)) break;
            }
            _txLineNo++;
            if (nl < 0 && _end - _pos > MaxTextLineLength)
            {
                Report(_frame + 1, offset, $"line {lineNo}: longer than {MaxTextLineLength} characters, not a line of a dump; skipped");
                // skip to the end of this line
                while (true)
                {
                    nl = _buf.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
                    if (nl >= 0)
                    {
                        _pos += nl + 1;
                        break;
                    }
                    _pos = _end;
                    if (!Fill(1)) return false;
                }
                continue;
            }
            int len = nl < 0 ? _end - _pos : nl;
            if (len > MaxTextLineLength)
            {
                Report(_frame + 1, offset, $"line {lineNo}: longer than {MaxTextLineLength} characters, not a line of a dump; skipped");
                _pos += len + (nl < 0 ? 0 : 1);
                continue;
            }
            _buf.AsSpan(_pos, len).CopyTo(_txCur);
            _pos += len + (nl < 0 ? 0 : 1);
            length = TextDumpLine.Clean(_txCur.AsSpan(0, len));
            return true;
        }
    }

    private void EnsureTextFrame(int n)
    {
        if (_txFrame.Length >= n) return;
        var nb = ArrayPool<byte>.Shared.Rent(Math.Max(n, _txFrame.Length * 2));
        _txFrame.AsSpan(0, _txLen).CopyTo(nb);
        ArrayPool<byte>.Shared.Return(_txFrame);
        _txFrame = nb;
    }

    private long BuildingFrame => _frame + (_txReady ? 2 : 1);

    private void TextReport(long line, long offset, string reason) =>
        Report(BuildingFrame, offset, $"line {line}: {reason}");

    /// <summary>Applies the look-ahead line to the packet being built.</summary>
    private void ProcessTextLine()
    {
        var line = _txPend.AsSpan(0, _txPendLen);
        switch (_txPendKind)
        {
            case TextLineKind.Header:
                FinishTextPacket();
                bool timed = TextDumpLine.TryParseHeader(line, out TextHeader h);   // false: an IOS-XE index line
                StartTextPacket(TimeOf(h));
                var comment = timed ? line[Math.Min(h.CommentStart, line.Length)..] : default;
                if (comment.Length > _txComment.Length) comment = comment[.._txComment.Length];
                comment.CopyTo(_txComment);
                _txCommentLen = comment.Length;
                break;
            case TextLineKind.Data:
                ProcessTextData(line);
                break;
        }
    }

    private void ProcessTextData(ReadOnlySpan<byte> line)
    {
        Span<byte> bytes = stackalloc byte[TextDumpLine.MaxBytesPerLine];
        var d = TextDumpLine.ParseData(line, bytes);
        if (_txBareDigits == 0) _txBareDigits = d.Prefix == TextPrefix.Bare ? d.PrefixDigits : -1;
        bool offsetZero = d.Value == 0;
        if (_txOpen && !_txFirstData && offsetZero && !_txAddressMode)
        {
            // offset 0 again: the next packet (the generic dumps have no header lines)
            FinishTextPacket();
        }
        if (!_txOpen)
        {
            if (d.Count == 0 && d.Error is null) return;   // od's closing offset line, or a prefix alone
            // a generic dump (od, Wireshark hex) gives no time: 1 µs after the previous packet, order only
            TimesInvented = true;
            StartTextPacket(_txLastNs < 0 ? 0 : _txLastNs + 1000);
            _txCommentLen = 0;
        }
        if (_txFirstData)
        {
            _txFirstData = false;
            _txAddressMode = d.Prefix == TextPrefix.Colon && !offsetZero;
            if (!_txAddressMode && !offsetZero)
                TextReport(_txPendLine, _txPendOffset,
                    $"packet's first hex line has offset 0x{d.Value:x}, not 0: {d.Value} bytes missing (lines lost in the paste?)");
            _txPacketLine = Math.Min(_txPacketLine, _txPendLine);
        }
        else if (_txAddressMode)
        {
            long step = d.Value - _txLastPrefix;
            if (step != TextDumpLine.MaxBytesPerLine)
                TextReport(_txPendLine, _txPendOffset,
                    $"address {d.Value:X8} follows {_txLastPrefix:X8}, expected {_txLastPrefix + TextDumpLine.MaxBytesPerLine:X8} (lines lost or repeated in the paste?)");
        }
        else if (d.Value != _txNextOffset)
        {
            if (d.Value > _txNextOffset)
                TextReport(_txPendLine, _txPendOffset,
                    $"offset 0x{d.Value:x}, expected 0x{_txNextOffset:x}: {d.Value - _txNextOffset} bytes missing (lines lost in the paste?)");
            else
            {
                TextReport(_txPendLine, _txPendOffset,
                    $"offset 0x{d.Value:x} goes back (expected 0x{_txNextOffset:x}); line skipped");
                return;
            }
        }
        _txLastPrefix = d.Value;
        // a damaged line still stood for a whole line: the next one is expected 16 bytes on, not reported again
        _txNextOffset = d.Value + (d.Error is null ? d.Count : TextDumpLine.MaxBytesPerLine);
        if (d.Error is not null) TextReport(_txPendLine, _txPendOffset, $"column {d.ErrorColumn}: {d.Error}");
        if (_txLen + d.Count > MaxTextFrameLength)
        {
            if (!_txCutReported)
                TextReport(_txPendLine, _txPendOffset, $"packet longer than {MaxTextFrameLength} bytes; the rest is not read");
            _txCutReported = true;
            return;
        }
        EnsureTextFrame(_txLen + d.Count);
        bytes[..d.Count].CopyTo(_txFrame.AsSpan(_txLen));
        _txLen += d.Count;
    }

    private void StartTextPacket(long ns)
    {
        _txOpen = true;
        _txLen = 0;
        _txNextOffset = 0;
        _txFirstData = true;
        _txAddressMode = false;
        _txCutReported = false;
        _txPacketLine = _txPendLine;
        _txPacketOffset = _txPendOffset;
        _txNs = ns;
        _txLastNs = ns;
    }

    /// <summary>The packet's time from its header line. A time of day without a date is on the last date printed,
    /// else on 1970-01-01 (docs/text-dumps.md), moving to the next day when the time of day goes back by more than
    /// 12 hours; IOS-XE's seconds since the first packet are counted from 1970-01-01 00:00:00 UTC.</summary>
    private long TimeOf(in TextHeader h)
    {
        if (h.RelativeNs >= 0) return h.RelativeNs;
        if (h.TimeOfDayNs < 0)
        {
            TimesInvented = true;
            return _txLastNs < 0 ? 0 : _txLastNs + 1000;
        }
        if (h.Days >= 0) _txDays = h.Days;
        else if (_txLastTod >= 0 && h.TimeOfDayNs < _txLastTod - NsPerDay / 2) _txDays++;
        _txLastTod = h.TimeOfDayNs;
        return _txDays * NsPerDay + h.TimeOfDayNs;
    }

    /// <summary>Hands the packet being built out (at the next <see cref="TryReadText"/>).</summary>
    private void FinishTextPacket()
    {
        if (!_txOpen) return;
        _txOpen = false;
        if (_txLen == 0)
        {
            Report(BuildingFrame, _txPacketOffset,
                $"line {_txPacketLine}: packet header without hex lines (dump cut short?); no frame");
            return;
        }
        var f = _txFrame.AsSpan(0, _txLen);
        var link = TextDumpLine.DetectLinkType(f);
        int announced = TextDumpLine.AnnouncedLength(f, link);
        if (announced > _txLen)
            Report(BuildingFrame, _txPacketOffset,
                $"line {_txPacketLine}: packet has {_txLen} bytes in the dump, its IP header says {announced}: truncated (dump cut short?)");
        if (_txOut.Length < _txLen)
        {
            ArrayPool<byte>.Shared.Return(_txOut);
            _txOut = ArrayPool<byte>.Shared.Rent(_txLen);
        }
        f.CopyTo(_txOut);
        _txOutLen = _txLen;
        _txComment.AsSpan(0, _txCommentLen).CopyTo(_txOutComment);
        _txOutCommentLen = _txCommentLen;
        _txReadyNs = _txNs;
        _txReadyLink = link;
        _txReadyOffset = _txPacketOffset;
        _txReady = true;
        _txLen = 0;
    }
}
