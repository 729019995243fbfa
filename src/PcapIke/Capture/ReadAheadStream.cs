namespace PcapIke.Capture;

/// <summary>
/// Reads an inner stream ahead on a background thread into a small ring of buffers, so that reading (or gzip
/// decompression) on one core overlaps with frame decoding on the other. Memory is bounded by
/// <c>chunks × chunkSize</c>; a read error of the inner stream is re-thrown, in order, by <see cref="Read(Span{byte})"/>.
/// Allocation is per chunk (1 MiB), never per frame. The handoff between the two threads is a plain monitor
/// (<see cref="Monitor.Wait(object)"/>/<see cref="Monitor.PulseAll(object)"/>): a side that must wait sleeps, it does not
/// spin (the earlier <c>BlockingCollection</c>'s semaphore spun before blocking, which on 2 cores took CPU from the
/// decoding thread or from another file's analysis in <c>batch</c>).
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

    public ReadAheadStream(Stream inner, bool leaveOpen = false, int chunkSize = 1 << 20, int chunks = 4)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        for (int i = 0; i < chunks; i++) _free.Enqueue(new byte[chunkSize]);
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
        int total = 0;
        while (total < buffer.Length)
        {
            int r = _inner.Read(buffer, total, buffer.Length - total);
            if (r <= 0) break;
            total += r;
        }
        return total;
    }

    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        while (!_eof)
        {
            if (_current.Buffer != null && _offset < _current.Length)
            {
                int n = Math.Min(destination.Length, _current.Length - _offset);
                _current.Buffer.AsSpan(_offset, n).CopyTo(destination);
                _offset += n;
                return n;
            }
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
            if (_current.Length == 0) _eof = true;
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
