using System.Diagnostics.Tracing;

namespace PcapIke.Bench;

/// <summary>
/// Where the garbage collector's time goes during a measurement: the runtime's own GC events (the
/// Microsoft-Windows-DotNETRuntime provider, GC keyword) read in process, summed per generation collected: how many
/// collections, how long the threads were suspended, and how many bytes survived (were promoted). Used by
/// <c>sa-cost</c>, where the open SAs make up most of what the collector copies and marks.
/// </summary>
public sealed class GcEvents : EventListener
{
    private const int GCStart = 1, GCRestartEEEnd = 3, GCHeapStats = 4, GCSuspendEEBegin = 9, GCAllocationTick = 10;
    private readonly bool _allocations;
    private readonly Dictionary<string, long> _allocatedByType = new();

    /// <param name="allocations">Also sample allocations by type (the runtime's allocation tick, about one event per
    /// 100 KB allocated; its type is the one that crossed the mark, so the counts are proportional, not exact).</param>
    public GcEvents(bool allocations = false)
    {
        _allocations = allocations;
        // OnEventSourceCreated ran in the base constructor, before this field was set: enable again
        if (allocations && _runtime is { } source) EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    private EventSource? _runtime;
    private readonly object _gate = new();
    private readonly long[] _count = new long[3], _promoted = new long[3];
    private readonly double[] _pausedMs = new double[3];
    private int _depth = -1;
    private bool _background;
    private DateTime _suspendedAt;
    private long _backgroundCount;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name != "Microsoft-Windows-DotNETRuntime") return;
        _runtime = source;
        EnableEvents(source, _allocations ? EventLevel.Verbose : EventLevel.Informational, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        lock (_gate)
        {
            switch (e.EventId)
            {
                case GCAllocationTick when _allocations:
                {
                    int at = e.PayloadNames!.IndexOf("TypeName");
                    string type = at >= 0 ? e.Payload![at] as string ?? "?" : "?";
                    _allocatedByType[type] = _allocatedByType.GetValueOrDefault(type) + 1;
                    break;
                }
                case GCStart:
                    _depth = Math.Clamp(Convert.ToInt32(e.Payload![1]), 0, 2);
                    _background = Convert.ToInt32(e.Payload[3]) == 1; // GC type 1: background
                    if (_background) _backgroundCount++; else _count[_depth]++;
                    break;
                case GCSuspendEEBegin:
                    _suspendedAt = e.TimeStamp;
                    break;
                case GCRestartEEEnd:
                    if (_depth >= 0 && _suspendedAt != default)
                        _pausedMs[_background ? 2 : _depth] += (e.TimeStamp - _suspendedAt).TotalMilliseconds;
                    _suspendedAt = default;
                    break;
                case GCHeapStats:
                    // TotalPromotedSize0..2: what survived the collection of each generation
                    if (_depth >= 0)
                        for (int g = 0; g <= _depth; g++)
                            _promoted[_depth] += Convert.ToInt64(e.Payload![1 + 2 * g]);
                    break;
            }
        }
    }

    /// <summary>The most sampled types (see the constructor), share of all samples.</summary>
    public string TopAllocations(int n)
    {
        lock (_gate)
        {
            long total = Math.Max(1, _allocatedByType.Values.Sum());
            return string.Join(Environment.NewLine, _allocatedByType.OrderByDescending(kv => kv.Value).Take(n)
                .Select(kv => $"  {100.0 * kv.Value / total,5:F1} %  {kv.Key}"));
        }
    }

    /// <summary>One line: per generation, collections (background ones counted apart), pause and bytes promoted.</summary>
    public string Summary()
    {
        lock (_gate)
        {
            static string Mb(long b) => $"{b / 1048576.0:N0} MiB";
            return $"gen0 {_count[0]} GCs, {_pausedMs[0]:N0} ms paused, {Mb(_promoted[0])} promoted; " +
                   $"gen1 {_count[1]} GCs, {_pausedMs[1]:N0} ms, {Mb(_promoted[1])}; " +
                   $"gen2 {_count[2]} blocking + {_backgroundCount} background, {_pausedMs[2]:N0} ms, {Mb(_promoted[2])}";
        }
    }
}
