namespace PcapIke.Capture;

/// <summary>
/// Reads an inner stream ahead on a background thread into a small ring of buffers, so that reading (or gzip
/// decompression) on one core overlaps with frame decoding on the other. Memory is bounded by
/// <c>chunks × chunkSize</c>; a read error of the inner stream is re-thrown, in order, by <see cref="Read(Span{byte})"/>.
/// Allocation is per chunk (1 MiB), never per frame. The handoff between the two threads is a plain monitor
/// (<see cref="Monitor.Wait(object)"/>/<see cref="Monitor.PulseAll(object)"/>): a side that must wait sleeps, it does not
/// spin (the earlier <c>BlockingCollection</c>'s semaphore spun before blocking, which on 2 cores took CPU from the
/// decoding thread or from another file's analysis in <c>batch</c>).
/// <para>Besides <see cref="Read(Span{byte})"/> (a copy out of the chunk), <see cref="CaptureReader"/> takes the filled
/// chunks themselves (<see cref="TryTakeChunk"/>, <see cref="ReturnChunk"/>): it decodes in them, so the bytes are
/// copied once (page cache → chunk, on this thread) instead of twice. Each chunk has <see cref="Headroom"/> free bytes
/// in front of its data, where the taker puts the unread tail of the previous chunk (a record cut by the chunk
/// boundary) so that the record is contiguous.</para>
/// </summary>
internal sealed class ReadAheadStream : ForwardReadStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly Queue<byte[]> _free = new();
    private readonly Queue<Chunk> _filled = new();
    private readonly object _gate = new();
    private bool _cancelled;
    private readonly Thread _producer;
    private Chunk _current;
    private int _offset;
    private bool _eof;

    private readonly record struct Chunk(byte[]? Buffer, int Length, Exception? Error);

    /// <summary>Free bytes in front of each chunk's data (<see cref="TryTakeChunk"/>): room for a record cut by the
    /// chunk boundary, up to the largest plausible record (<see cref="CaptureReader.SaneRecordLength"/>) and a pcapng
    /// block header.</summary>
    internal const int DefaultHeadroom = CaptureReader.SaneRecordLength + 64;

    private readonly int _bufferLength;

    /// <summary>Free bytes in front of each chunk's data.</summary>
    internal int Headroom { get; }

    public ReadAheadStream(Stream inner, bool leaveOpen = false, int chunkSize = 1 << 20, int chunks = 4, int headroom = DefaultHeadroom)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        Headroom = headroom;
        _bufferLength = headroom + chunkSize;
        // At least two: a taker of chunks (TryTakeChunk) holds one while it waits for the next.
        for (int i = 0; i < Math.Max(chunks, 2); i++) _free.Enqueue(new byte[_bufferLength]);
        _producer = new Thread(Produce) { IsBackground = true, Name = "pcapike read-ahead" };
        _producer.Start();
    }

    private void Produce()
    {
        while (true)
        {
            byte[] buffer;
            lock (_gate)
            {
                while (_free.Count == 0 && !_cancelled) Monitor.Wait(_gate);
                if (_cancelled) return;
                buffer = _free.Dequeue();
            }
            Chunk chunk;
            try
            {
                chunk = new Chunk(buffer, FillChunk(buffer), null);
            }
            catch (Exception e)
            {
                chunk = new Chunk(null, 0, e);
            }
            lock (_gate)
            {
                if (_cancelled) return;
                _filled.Enqueue(chunk);
                Monitor.PulseAll(_gate);
            }
            if (chunk.Error is not null || chunk.Length == 0) return;
        }
    }

    /// <summary>Fills a chunk as far as the inner stream gives (0 only at its end).</summary>
    private int FillChunk(byte[] buffer)
    {
        int total = 0, room = buffer.Length - Headroom;
        while (total < room)
        {
            int r = _inner.Read(buffer, Headroom + total, room - total);
            if (r <= 0) break;
            total += r;
        }
        return total;
    }

    /// <summary>Takes the next bytes as a whole chunk: <paramref name="buffer"/>[<paramref name="start"/>..<paramref
    /// name="end"/>) until the caller gives the buffer back with <see cref="ReturnChunk"/> (at most one taken chunk
    /// is normally held; holding all of them stops the read-ahead). The bytes in front of <paramref name="start"/>
    /// (at least <see cref="Headroom"/> when nothing of the chunk was read by <see cref="Read(Span{byte})"/>) are the
    /// caller's to use. False at the end of the input; an inner read error is thrown here, in order.</summary>
    internal bool TryTakeChunk(out byte[] buffer, out int start, out int end)
    {
        while (!_eof)
        {
            if (_current.Buffer != null && _offset < _current.Length)
            {
                // a chunk partly read through Read(): its rest
                buffer = _current.Buffer;
                start = Headroom + _offset;
                end = Headroom + _current.Length;
                _current = default;
                _offset = 0;
                return true;
            }
            NextChunk();
        }
        buffer = Array.Empty<byte>();
        start = end = 0;
        return false;
    }

    /// <summary>Gives back a chunk buffer taken with <see cref="TryTakeChunk"/>, for the read-ahead to fill again.</summary>
    internal void ReturnChunk(byte[] buffer)
    {
        if (buffer.Length != _bufferLength) return;
        lock (_gate)
        {
            _free.Enqueue(buffer);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Gives the current chunk back (if any) and waits for the next one.</summary>
    private void NextChunk()
    {
        lock (_gate)
        {
            if (_current.Buffer != null)
            {
                _free.Enqueue(_current.Buffer);
                Monitor.PulseAll(_gate);
            }
            while (_filled.Count == 0) Monitor.Wait(_gate);
            _current = _filled.Dequeue();
        }
        _offset = 0;
        if (_current.Error is { } error)
        {
            _eof = true;
            _current = default;
            throw error is IOException io ? io : new IOException(error.Message, error);
        }
        if (_current.Length == 0)
        {
            _eof = true;
            _current = default;
        }
    }

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        while (!_eof)
        {
            if (_current.Buffer != null && _offset < _current.Length)
            {
                int n = Math.Min(destination.Length, _current.Length - _offset);
                _current.Buffer.AsSpan(Headroom + _offset, n).CopyTo(destination);
                _offset += n;
                return n;
            }
            NextChunk();
        }
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _cancelled = true;
                Monitor.PulseAll(_gate);
            }
            // Closing the inner stream also ends a read that is blocked (stdin); the producer then sees the
            // cancellation. It is a background thread, so a read that never returns cannot keep the process alive.
            if (!_leaveOpen) _inner.Dispose();
            _producer.Join(TimeSpan.FromSeconds(2));
        }
        base.Dispose(disposing);
    }
}
