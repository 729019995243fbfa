using System.Runtime.ExceptionServices;
using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.Analysis;

/// <summary>
/// One capture's analysis split over two threads: the thread that reads the capture (capture → frames → IKE messages:
/// reading, frame decoding, dissection) posts each IKE message, headerless datagram and ESP/AH packet here, and a
/// second thread applies them in capture order to the correlator, its finished SAs' rules and the data-plane table.
/// Everything after the frames is thus touched by one thread only, as in a one-thread analysis, and the results are
/// the same (tests/PcapIke.Tests/Analysis/AnalysisThreadTests.cs).
/// <para>
/// Bounded: events go over in batches of <see cref="BatchSize"/> (or of <see cref="MessagesPerBatch"/> IKE messages), at most <see cref="MaxBatchesWaiting"/> waiting, so
/// a reader faster than the analysis waits (memory does not grow with the capture) and the batch arrays are reused (an
/// ESP packet is copied into one, not allocated). The second thread starts with the first full batch: a capture with
/// fewer events is analysed on the calling thread at <see cref="Finish"/>. An exception of the analysis side stops the
/// reading side and is rethrown by <see cref="Finish"/> as it was thrown.
/// </para>
/// </summary>
internal sealed class AnalysisThread : IIpsecPacketSink
{
    internal const int BatchSize = 256;
    internal const int MaxBatchesWaiting = 8;
    /// <summary>A batch is handed over once it holds this many IKE messages, full or not. What waits in the hand-off
    /// is live when the collector runs: 256 dissected messages a batch (a flood's batches are all messages) kept ~7 MB
    /// alive through every young collection, copied into older generations and collected there; 32 a batch halved what
    /// the collector copies on a flood of 1M IKE_SA_INIT requests and took a third off its time (bench/README.md,
    /// 2026-12-04). ESP/AH packets are copied into the batch and hold nothing, so their batches stay 256.</summary>
    internal const int MessagesPerBatch = 32;

    private enum Kind : byte { Message, Headerless, Ipsec }

    private struct Event
    {
        public Kind Kind;
        public object? Item;
        public IpsecPacket Packet;
    }

    private readonly Action<DissectedMessage> _onMessage;
    private readonly Action<HeaderlessDatagram> _onHeaderless;
    private readonly IpsecFlowTable _table;
    private readonly bool _threaded;
    private readonly object _gate = new();
    private readonly Queue<(Event[] Events, int Count)> _waiting = new();
    private readonly Stack<Event[]> _free = new();
    private readonly int _batchSize;
    private Event[] _current;
    private int _count;
    private int _messages;
    private int _batchesMade = 1;
    private Thread? _thread;
    private bool _posted;       // the reading side is done
    private ExceptionDispatchInfo? _failure;

    /// <param name="threaded">False: every event is applied on the calling thread as it is posted.</param>
    /// <param name="batchSize">Events per batch (tests use small ones to cross many batch boundaries).</param>
    public AnalysisThread(Action<DissectedMessage> onMessage, Action<HeaderlessDatagram> onHeaderless, IpsecFlowTable table,
        bool threaded, int batchSize = BatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _onMessage = onMessage;
        _onHeaderless = onHeaderless;
        _table = table;
        _threaded = threaded;
        _batchSize = batchSize;
        _current = new Event[batchSize];
    }

    /// <summary>The analysis side's thread, once started (the capture had more than one batch); null before.</summary>
    public Thread? SecondThread => _thread;

    /// <summary>Batch arrays made: at most <see cref="MaxBatchesWaiting"/> + 2 (waiting, being applied, being filled),
    /// whatever the capture.</summary>
    public int BatchesMade => _batchesMade;

    public void Post(DissectedMessage message)
    {
        if (!_threaded) { _onMessage(message); return; }
        ref Event e = ref Next();
        e.Kind = Kind.Message;
        e.Item = message;
        if (++_messages == MessagesPerBatch) Publish();
    }

    public void Post(HeaderlessDatagram datagram)
    {
        if (!_threaded) { _onHeaderless(datagram); return; }
        ref Event e = ref Next();
        e.Kind = Kind.Headerless;
        e.Item = datagram;
    }

    /// <summary>An ESP/AH/keepalive packet for the data-plane table (copied: no allocation).</summary>
    public void Add(in IpsecPacket packet)
    {
        if (!_threaded) { _table.Add(packet); return; }
        ref Event e = ref Next();
        e.Kind = Kind.Ipsec;
        e.Packet = packet;
    }

    private ref Event Next()
    {
        if (_count == _current.Length) Publish();
        return ref _current[_count++];
    }

    /// <summary>Hands the current batch over (waiting while <see cref="MaxBatchesWaiting"/> are queued) and starts the
    /// second thread with the first one.</summary>
    private void Publish()
    {
        lock (_gate)
        {
            while (_waiting.Count >= MaxBatchesWaiting && _failure is null) Monitor.Wait(_gate);
            if (_failure is not null) throw new AnalysisStoppedException();
            _waiting.Enqueue((_current, _count));
            Monitor.PulseAll(_gate);
            if (_free.Count > 0) _current = _free.Pop();
            else
            {
                _current = new Event[_batchSize];
                _batchesMade++;
            }
        }
        _count = 0;
        _messages = 0;
        if (_thread is null)
        {
            _thread = new Thread(Consume) { IsBackground = true, Name = "pcapike analysis" };
            _thread.Start();
        }
    }

    private void Consume()
    {
        while (true)
        {
            Event[] events;
            int count;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_posted) Monitor.Wait(_gate);
                if (_waiting.Count == 0) return;
                (events, count) = _waiting.Dequeue();
                Monitor.PulseAll(_gate);
            }
            try
            {
                Apply(events, count);
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    _failure = ExceptionDispatchInfo.Capture(ex);
                    Monitor.PulseAll(_gate);
                }
                return;
            }
            lock (_gate) _free.Push(events);
        }
    }

    private void Apply(Event[] events, int count)
    {
        for (int i = 0; i < count; i++)
        {
            ref Event e = ref events[i];
            switch (e.Kind)
            {
                case Kind.Message: _onMessage((DissectedMessage)e.Item!); break;
                case Kind.Headerless: _onHeaderless((HeaderlessDatagram)e.Item!); break;
                default: _table.Add(e.Packet); break;
            }
            e.Item = null;   // the batch is reused: it must not keep a finished SA's message alive
        }
    }

    /// <summary>
    /// The reading side is done (or failed: <paramref name="completed"/> false): applies what is left, waits for the
    /// second thread, and rethrows its exception if it had one. After it the correlator and the table may be read on
    /// the calling thread.
    /// </summary>
    public void Finish(bool completed = true)
    {
        if (!_threaded) return;
        if (_thread is null)
        {
            if (completed) Apply(_current, _count);
            _count = 0;
            return;
        }
        lock (_gate)
        {
            if (completed && _failure is null && _count > 0)
            {
                _waiting.Enqueue((_current, _count));
                _current = new Event[0];
            }
            else if (!completed) _waiting.Clear();
            _count = 0;
            _posted = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
        _failure?.Throw();
    }

    /// <summary>Thrown into the reading side when the analysis side has failed: <see cref="Finish"/> then rethrows the
    /// analysis side's exception.</summary>
    internal sealed class AnalysisStoppedException : Exception
    {
        public AnalysisStoppedException() : base("the analysis thread stopped") { }
    }
}
