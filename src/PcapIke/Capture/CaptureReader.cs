using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using PcapIke.Diagnostics;

namespace PcapIke.Capture;

/// <summary>Which container the capture uses.</summary>
public enum CaptureFileFormat : byte
{
    Pcap,
    PcapNanosecond,
    PcapNg,
    /// <summary>A router's or a generic text hex dump (docs/text-dumps.md), recognised by content.</summary>
    TextDump,
}

/// <summary>
/// Streams the records of a pcap or pcapng capture (optionally gzip-compressed, detected by magic bytes) from a
/// file or stdin ("-") in constant memory; an input without either magic that is a text hex dump (IOS, IOS-XE, ASA,
/// od / Wireshark hex: docs/text-dumps.md) is read as one (<c>CaptureReader.TextDump.cs</c>). Only an input that is not
/// a capture at all throws
/// (<see cref="CaptureFormatException"/>); damage after the file header becomes a <see cref="Malformation"/>.
/// </summary>
/// <remarks>
/// <para>One pooled buffer (1 MiB, grown only while a single record is larger and only as its bytes actually
/// arrive, never past <see cref="MaxRecordLength"/> plus a block header) holds the data; each record handed out is a
/// slice of it, so reading allocates nothing per record. Every length in the file is checked before it is used.</para>
/// <para>Damage handling: a record or block whose length fields cannot be right is reported and the reader
/// resynchronises by scanning forward, byte by byte, for the next plausible record (pcap) or block (pcapng), where
/// "plausible" also requires the record after it to be plausible (or the file to end exactly there). A record cut
/// short by the end of the file is reported and ends the capture. A damaged packet record still consumes a frame
/// number, so that later frames keep the numbers Wireshark gives them in an undamaged copy.</para>
/// </remarks>
public sealed partial class CaptureReader : IDisposable
{
    /// <summary>Largest captured length accepted for one record (pcap incl_len, pcapng block length).</summary>
    public const int MaxRecordLength = 256 << 20;

    /// <summary>A captured length above this is accepted only when the file's snaplen allows it; during
    /// resynchronisation it is the largest length considered plausible (libpcap's MAXIMUM_SNAPLEN).</summary>
    internal const int SaneRecordLength = 262_144;

    private const int InitialBufferSize = 1 << 20;

    private Stream _stream;
    private readonly bool _leaveOpen;
    private readonly IMalformationSink _sink;
    private byte[] _buf;
    private ReadAheadStream? _ahead;   // _stream when it is read ahead: its chunks are decoded in place (Fill)
    private bool _bufIsChunk;          // _buf is a chunk of _ahead (given back to it), not from the ArrayPool
    private int _pos;          // start of unconsumed data in _buf
    private int _end;          // end of valid data in _buf
    private long _base;        // offset in the (decompressed) capture of _buf[0]
    private bool _eof;
    private bool _done;
    private long _frame;       // frame number of the last packet record seen
    private bool _disposed;

    private CaptureReader(Stream stream, string name, IMalformationSink sink, bool leaveOpen)
    {
        _stream = stream;
        Name = name;
        _sink = sink;
        _leaveOpen = leaveOpen;
        _ahead = stream as ReadAheadStream;
        // Read ahead, the reader decodes in the read-ahead's chunks and needs no buffer of its own (only for a
        // record larger than a chunk's headroom, see Fill).
        _buf = _ahead is null ? ArrayPool<byte>.Shared.Rent(InitialBufferSize) : Array.Empty<byte>();
        _ifaces = new Interface[4];
    }

    /// <summary>Opens a file by path, or standard input when <paramref name="path"/> is "-"; read ahead on a thread of
    /// its own (<see cref="ReadAheadStream"/>) unless <paramref name="readAhead"/> is false.</summary>
    public static CaptureReader Open(string path, IMalformationSink sink, bool readAhead = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(sink);
        // Read ahead, files and stdin are read on a second thread (ReadAheadStream), overlapping I/O with decoding;
        // otherwise on the decoding thread, into the reader's own buffer (Fill).
        if (path == "-")
        {
            Stream stdin = Console.OpenStandardInput();
            return Open(readAhead ? new ReadAheadStream(stdin) : stdin, "-", sink, leaveOpen: false);
        }
        FileStream fs;
        try
        {
            // bufferSize 0: the reader's own buffer is the only one; SequentialScan tells the OS to read ahead.
            // Sharing allows reading a capture that tcpdump is still writing.
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Directory.Exists(path))
                throw new CaptureFormatException($"{path}: is a directory, not a capture (batch reads the captures in a directory)", e);
            throw new CaptureFormatException($"{path}: cannot open: {e.Message}", e);
        }
        return Open(readAhead ? new ReadAheadStream(fs) : fs, path, sink, leaveOpen: false);
    }

    /// <summary>Opens a stream; <paramref name="name"/> is used in malformations.</summary>
    public static CaptureReader Open(Stream stream, string name, IMalformationSink sink, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sink);
        var reader = new CaptureReader(stream, name, sink, leaveOpen);
        try
        {
            reader.ReadFileHeader();
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public string Name { get; }
    public CaptureFileFormat Format { get; private set; }
    /// <summary>Bytes of (decompressed) capture consumed so far.</summary>
    public long Position => _base + _pos;
    /// <summary>True when the input was gzip-compressed.</summary>
    public bool IsCompressed { get; private set; }
    /// <summary>Link type of a classic pcap file (of the first interface for pcapng, once seen).</summary>
    public LinkType LinkType { get; private set; }
    /// <summary>True once a record was read whose time the input does not give (a text dump without times: IOS-XE's
    /// <c>buffer dump</c>, od, Wireshark hex): such records are placed 1 µs apart only to keep their order, so no
    /// duration or date may be read from them (docs/text-dumps.md).</summary>
    public bool TimesInvented { get; private set; }
    /// <summary>Number of packet records read so far, including damaged ones (the last frame number used).</summary>
    public long FrameCount => _frame;

    /// <summary>Reads the next packet record; false at the end of the capture (or where damage makes the rest
    /// unreadable, after reporting it).</summary>
    // Hot path, entered once per capture or once per frame: compiled fully optimised from the first call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out CaptureRecord record)
    {
        if (_done)
        {
            record = default;
            return false;
        }
        bool ok = Format switch
        {
            CaptureFileFormat.PcapNg => TryReadPcapNg(out record),
            CaptureFileFormat.TextDump => TryReadText(out record),
            _ => TryReadPcap(out record),
        };
        if (!ok) _done = true;
        return ok;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _done = true;
        ReleaseBuffer();
        if (!_leaveOpen || IsCompressed) _stream.Dispose();
        if (Format == CaptureFileFormat.TextDump) ReturnTextBuffers();
    }

    // ---- file header -------------------------------------------------------------------------------------------

    private void ReadFileHeader()
    {
        Fill(4);
        if (_end - _pos == 0) throw new CaptureFormatException($"{Name}: empty input, not a capture");
        if (_end - _pos >= 2 && _buf[_pos] == 0x1f && _buf[_pos + 1] == 0x8b)
        {
            // gzip (RFC 1952 section 2.3.1: ID1 = 31, ID2 = 139), recognised by content, not by file extension.
            // The bytes already read are put back in front of the raw stream for the decompressor.
            var prefix = _buf.AsSpan(_pos, _end - _pos).ToArray();
            // The raw stream is read by the decompressor from now on: its chunk goes back to it.
            ReleaseBuffer();
            var raw = new PrefixedStream(prefix, _stream, _leaveOpen);
            _stream = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: false);
            // Decompression, too, runs ahead on its own thread when the input is read ahead.
            if (raw.Inner is ReadAheadStream) _stream = new ReadAheadStream(_stream);
            _ahead = _stream as ReadAheadStream;
            if (_ahead is null) _buf = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            IsCompressed = true;
            _pos = _end = 0;
            _base = 0;
            _eof = false;
            Fill(4);
            if (_end - _pos == 0) throw new CaptureFormatException($"{Name}: gzip data decompresses to nothing");
        }
        if (_end - _pos < 4) throw new CaptureFormatException($"{Name}: {_end - _pos} bytes, too short for a capture");

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(_buf.AsSpan(_pos));
        switch (magic)
        {
            case PcapMagicMicro: case PcapMagicNano:
            case PcapMagicMicroSwapped: case PcapMagicNanoSwapped:
                ReadPcapHeader(magic);
                break;
            case PcapNgShbType:
                Format = CaptureFileFormat.PcapNg;
                ReadFirstSectionHeader();
                break;
            default:
                if (LooksLikeTextDump())
                {
                    StartTextDump();
                    break;
                }
                throw new CaptureFormatException(
                    $"{Name}: not a pcap or pcapng capture (first bytes {Convert.ToHexString(_buf, _pos, 4)})");
        }
    }

    // ---- buffer ------------------------------------------------------------------------------------------------

    /// <summary>True when at least <paramref name="n"/> bytes are available from <c>_pos</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Ensure(int n) => _end - _pos >= n || Fill(n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Fill(int n)
    {
        if (_ahead is not null) return FillFromChunks(n);
        if (_pos > 0)
        {
            int live = _end - _pos;
            if (live > 0) Buffer.BlockCopy(_buf, _pos, _buf, 0, live);
            _base += _pos;
            _end = live;
            _pos = 0;
        }
        while (_end < n)
        {
            if (_eof) return false;
            if (_end == _buf.Length)
            {
                // Grow geometrically, only as far as the record needs and only once the buffer is full of real
                // data: a length field alone never makes the reader allocate.
                long want = Math.Min(Math.Max((long)_buf.Length * 2, InitialBufferSize), (long)n);
                var nb = ArrayPool<byte>.Shared.Rent((int)want);
                Buffer.BlockCopy(_buf, 0, nb, 0, _end);
                ArrayPool<byte>.Shared.Return(_buf);
                _buf = nb;
            }
            int r;
            try
            {
                r = _stream.Read(_buf, _end, _buf.Length - _end);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
            {
                // Damaged gzip stream or an I/O error in the middle: what was read stays usable.
                Report(_frame + 1, _base + _end, $"read error, capture ends here: {e.Message}");
                r = 0;
            }
            if (r <= 0)
            {
                _eof = true;
                return false;
            }
            _end += r;
        }
        return true;
    }

    /// <summary><see cref="Fill"/> when the input is read ahead: the next chunk becomes the buffer, the unread bytes
    /// of the current one (the start of a record the chunk boundary cut) copied into the headroom in front of its
    /// data, so each byte of the capture is copied once (by the read-ahead thread, out of the page cache). A record
    /// longer than the headroom (rare: above <see cref="SaneRecordLength"/>) is put together in a buffer from the
    /// pool, grown only as its bytes arrive, as in the plain path.</summary>
    private bool FillFromChunks(int n)
    {
        while (_end - _pos < n)
        {
            if (_eof) return false;
            byte[] next;
            int start, end;
            try
            {
                if (!_ahead!.TryTakeChunk(out next, out start, out end))
                {
                    _eof = true;
                    return false;
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
            {
                // Damaged gzip stream or an I/O error in the middle: what was read stays usable.
                Report(_frame + 1, _base + _end, $"read error, capture ends here: {e.Message}");
                _eof = true;
                return false;
            }
            int live = _end - _pos;
            if (live <= start)
            {
                // the unread tail goes in front of the next chunk's data
                int at = start - live;
                if (live > 0) Buffer.BlockCopy(_buf, _pos, next, at, live);
                _base += _pos - at;
                ReleaseBuffer();
                _buf = next;
                _bufIsChunk = true;
                _pos = at;
                _end = end;
            }
            else
            {
                // a record longer than the headroom: the live bytes and the chunk's data together in a pooled buffer
                int chunkBytes = end - start;
                long want = (long)live + chunkBytes;
                if (want > int.MaxValue) want = int.MaxValue;
                byte[] target = _buf;
                int at = 0;
                if (_bufIsChunk || _buf.Length - _pos < want)
                {
                    target = ArrayPool<byte>.Shared.Rent((int)Math.Max(want, Math.Min((long)_buf.Length * 2, int.MaxValue)));
                    Buffer.BlockCopy(_buf, _pos, target, 0, live);
                }
                else
                {
                    // a pooled buffer with room after the live bytes: keep them where they are
                    at = _pos;
                }
                Buffer.BlockCopy(next, start, target, at + live, chunkBytes);
                _ahead.ReturnChunk(next);
                if (!ReferenceEquals(target, _buf))
                {
                    _base += _pos;
                    ReleaseBuffer();
                    _buf = target;
                    _bufIsChunk = false;
                    _pos = 0;
                }
                _end = _pos + live + chunkBytes;
            }
        }
        return true;
    }

    /// <summary>Gives the buffer back to its owner (the read-ahead for a chunk, else the pool).</summary>
    private void ReleaseBuffer()
    {
        byte[] b = _buf;
        _buf = Array.Empty<byte>();
        if (b.Length == 0) return;
        if (_bufIsChunk) _ahead?.ReturnChunk(b);
        else ArrayPool<byte>.Shared.Return(b);
        _bufIsChunk = false;
    }

    /// <summary>Discards buffered bytes up to offset <paramref name="fileOffset"/> (which must be buffered or at
    /// the end of the buffered data).</summary>
    private void SkipTo(long fileOffset)
    {
        _pos = (int)(fileOffset - _base);
    }

    /// <summary>Skips <paramref name="count"/> bytes from <c>_pos</c>, reading through them if they are not
    /// buffered. False when the input ended first.</summary>
    private bool Skip(long count)
    {
        while (count > 0)
        {
            int avail = _end - _pos;
            if (avail >= count)
            {
                _pos += (int)count;
                return true;
            }
            count -= avail;
            _pos = _end;
            if (!Fill(1)) return false;
        }
        return true;
    }

    private void Report(long frame, long offset, string reason) =>
        _sink.Report(new Malformation(Name, frame, offset, MalformationLayer.Capture, reason));

    /// <summary>Gives the bytes read ahead back to the decompressor's caller: a stream that first returns a prefix
    /// and then continues with another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner, bool leaveInnerOpen) : ForwardReadStream
    {
        private int _offset;
        public Stream Inner => inner;
        public override int Read(Span<byte> buffer)
        {
            if (_offset < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _offset);
                prefix.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }
            return inner.Read(buffer);
        }
        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveInnerOpen) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
