using PcapIke.Text;

namespace PcapIke.Cli.Commands;

/// <summary>
/// A command's standard output as a byte stream, for the JSON writers: the process's own standard output
/// (<c>Program</c>'s buffered <see cref="StreamWriter"/>, flushed first so that what was written before stays in order)
/// when the output is it, so JSON goes to it in ~64 KiB writes as it is produced and is never held whole; else (a
/// <see cref="StringWriter"/> in tests) a <see cref="TextWriterStream"/> over the writer. The JSON writers escape every
/// non-ASCII and control character (<see cref="System.Text.Json.Utf8JsonWriter"/>'s default encoder), so bypassing the
/// <see cref="SafeTextWriter"/> changes no byte. Disposing the stream flushes it and leaves standard output open.
/// </summary>
internal static class CommandOutput
{
    public static Stream OpenBytes(TextWriter output)
    {
        if (SafeTextWriter.Unwrap(output) is StreamWriter { BaseStream: { CanWrite: true } stdout } writer)
        {
            output.Flush();
            writer.Flush();
            return new LeaveOpenStream(stdout);
        }
        return new TextWriterStream(output);
    }

    private sealed class LeaveOpenStream(Stream inner) : WriteOnlyStream
    {
        public override void Flush() => inner.Flush();
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Flush();
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// The stream under a command's output: the process's standard output, <c>--output FILE</c>, batch's <c>--csv</c> and
/// <c>--jsonl</c> files. A write or flush that fails (a full disk, a closed descriptor) ends the command with one error
/// line and exit code 3 (a <see cref="CliOutputException"/> naming the output, which no capture's error handling takes
/// for a failure of the capture being read); the rest of the output is dropped, so closing it does not fail again.
/// </summary>
internal sealed class OutputStream(Stream inner, string what) : WriteOnlyStream
{
    private bool _failed;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_failed) return;
        try { inner.Write(buffer); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Failure(e); }
    }

    public override void Flush()
    {
        if (_failed) return;
        try { inner.Flush(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Failure(e); }
    }

    /// <summary>(A closed descriptor comes as UnauthorizedAccessException around the IOException "Bad file
    /// descriptor".)</summary>
    private CliOutputException Failure(Exception e)
    {
        _failed = true;
        return new CliOutputException($"cannot write {what}: {(e is UnauthorizedAccessException { InnerException: IOException io } ? io.Message : e.Message)}", e);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try { Flush(); }
            finally
            {
                // a write-behind stream under it writes out the rest now: that, too, may be the first failure
                try { inner.Dispose(); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { if (!_failed) throw Failure(e); }
            }
        }
        base.Dispose(disposing);
    }
}


/// <summary>
/// An output written on a thread of its own, so that the analysis does not wait on the file system or on a slow reader
/// at the other end of a pipe: writing 3.5 GB of JSON lines into the page cache cost the analysis thread 11.7 s of
/// system time, serially, before this (bench/README.md, 2026-12-04). The producer appends to blocks of
/// <see cref="BlockSize"/> and waits only while <see cref="MaxWaiting"/> full blocks are not written yet; the thread
/// writes every full block, and on <see cref="Flush"/> what is there so far, gathered for at most
/// <see cref="FlushDelayMilliseconds"/> (a streamed SA reaches the output at once for a reader, without one write and
/// one wake-up per SA: `analyze --format jsonl` flushes after each). <see cref="Dispose(bool)"/> waits until everything
/// is written. A write that failed on the thread is rethrown, as thrown, to the producer at its next write, flush or
/// dispose (<see cref="OutputStream"/> above it names the output). One producer at a time, as for any stream.
/// </summary>
internal sealed class WriteBehindStream(Stream inner) : WriteOnlyStream
{
    internal const int BlockSize = 64 << 10;
    internal const int MaxWaiting = 64;
    internal const int FlushDelayMilliseconds = 2;

    private readonly object _gate = new();
    private readonly Queue<(byte[] Block, int Count)> _full = new();
    private readonly Stack<byte[]> _free = new();
    private byte[] _current = new byte[BlockSize];
    private int _count;
    private bool _flushAsked, _closed, _disposed;
    private Thread? _thread;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _failure?.Throw();
            while (buffer.Length > 0)
            {
                int n = Math.Min(buffer.Length, _current.Length - _count);
                buffer[..n].CopyTo(_current.AsSpan(_count));
                _count += n;
                buffer = buffer[n..];
                if (_count < _current.Length) break;
                StartThread();   // before waiting on it: one write can be longer than all the blocks together
                while (_full.Count >= MaxWaiting && _failure is null) Monitor.Wait(_gate);
                _failure?.Throw();
                _full.Enqueue((_current, _count));
                _current = _free.Count > 0 ? _free.Pop() : new byte[BlockSize];
                _count = 0;
                Monitor.PulseAll(_gate);
            }
        }
    }

    public override void Flush()
    {
        lock (_gate)
        {
            _failure?.Throw();
            if (_count == 0 && _full.Count == 0) return;
            if (!_flushAsked)
            {
                _flushAsked = true;
                Monitor.PulseAll(_gate);
            }
        }
        StartThread();
    }

    private void StartThread()
    {
        if (_thread is not null) return;
        _thread = new Thread(WriteOut) { IsBackground = true, Name = "pcapike output" };
        _thread.Start();
    }

    private void WriteOut()
    {
        var taken = new List<(byte[] Block, int Count)>();
        while (true)
        {
            lock (_gate)
            {
                while (_full.Count == 0 && !_flushAsked && !_closed) Monitor.Wait(_gate);
                if (_full.Count == 0 && !_closed)
                {
                    // asked to flush: gather what else comes in the next moment, then write it all at once
                    Monitor.Wait(_gate, FlushDelayMilliseconds);
                }
                while (_full.Count > 0) taken.Add(_full.Dequeue());
                if ((_flushAsked || _closed) && _count > 0)
                {
                    taken.Add((_current, _count));
                    _current = _free.Count > 0 ? _free.Pop() : new byte[BlockSize];
                    _count = 0;
                }
                _flushAsked = false;
                if (taken.Count == 0 && _closed) return;
                Monitor.PulseAll(_gate);
            }
            try
            {
                foreach (var (block, count) in taken) inner.Write(block, 0, count);
                inner.Flush();
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
                    _full.Clear();
                    _count = 0;
                    Monitor.PulseAll(_gate);
                }
                return;
            }
            lock (_gate)
                foreach (var (block, _) in taken) _free.Push(block);
            taken.Clear();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            lock (_gate)
            {
                _closed = true;
                Monitor.PulseAll(_gate);
            }
            if (_thread is null && _count > 0 && _failure is null)
            {
                StartThread();
            }
            _thread?.Join();
            _failure?.Throw();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
