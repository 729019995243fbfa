using System.Collections.Concurrent;

namespace PcapIke.Capture;

/// <summary>
/// Reads an inner stream ahead on a background thread into a small ring of buffers, so that reading (or gzip
/// decompression) on one core overlaps with frame decoding on the other. Memory is bounded by
/// <c>chunks × chunkSize</c>; a read error of the inner stream is re-thrown, in order, by <see cref="Read(Span{byte})"/>.
/// Allocation is per chunk (1 MiB), never per frame.
/// </summary>
internal sealed class ReadAheadStream : ForwardReadStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly BlockingCollection<byte[]> _free;
    private readonly BlockingCollection<Chunk> _filled;
    private readonly CancellationTokenSource _cancel = new();
    private readonly Thread _producer;
    private Chunk _current;
    private int _offset;
    private bool _eof;

    private readonly record struct Chunk(byte[]? Buffer, int Length, Exception? Error);

    public ReadAheadStream(Stream inner, bool leaveOpen = false, int chunkSize = 1 << 20, int chunks = 4)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _free = new BlockingCollection<byte[]>(new ConcurrentQueue<byte[]>(), chunks);
        _filled = new BlockingCollection<Chunk>(new ConcurrentQueue<Chunk>(), chunks);
        for (int i = 0; i < chunks; i++) _free.Add(new byte[chunkSize]);
        _producer = new Thread(Produce) { IsBackground = true, Name = "pcapike read-ahead" };
        _producer.Start();
    }

    private void Produce()
    {
        try
        {
            while (true)
            {
                byte[] buffer = _free.Take(_cancel.Token);
                int n;
                try
                {
                    n = FillChunk(buffer);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _filled.Add(new Chunk(null, 0, e), _cancel.Token);
                    return;
                }
                _filled.Add(new Chunk(buffer, n, null), _cancel.Token);
                if (n == 0) return;
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed while reading ahead.
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
            if (_current.Buffer != null) _free.Add(_current.Buffer);
            _current = _filled.Take();
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
            _cancel.Cancel();
            // Closing the inner stream also ends a read that is blocked (stdin); the producer then sees the
            // cancellation. It is a background thread, so a read that never returns cannot keep the process alive.
            if (!_leaveOpen) _inner.Dispose();
            _producer.Join(TimeSpan.FromSeconds(2));
        }
        base.Dispose(disposing);
    }
}
