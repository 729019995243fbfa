using System.Runtime;

namespace PcapIke.Analysis;

/// <summary>
/// Headroom for the garbage collector while a process reads its first capture. The workstation collector's default
/// young-generation budget is small (a few MB here), so a 1 GB <c>analyze</c> stopped both of its threads for ~0.1–0.15 s
/// in 5–6 collections, each copying the SAs that analysis keeps (bench/README.md, issue 14). The runtime reads no
/// budget setting from the application's configuration (<c>System.GC.Gen0Size</c> is ignored; only the
/// <c>DOTNET_GCgen0size</c> environment variable works), so the first scan asks for a region without collections
/// instead (<see cref="GC.TryStartNoGCRegion(long, bool)"/>): its first <see cref="Bytes"/> of allocation need no
/// collection. A capture of up to ~1 GB is then analysed without one; past that the region ends by itself and the
/// collector works as usual. Once per process: re-asking for every capture of a batch, or every few batches of a
/// flood, made the collector do blocking full collections and cost more than it saved (measured, not kept).
/// <para>Captures analysed at once share the heap, and a young collection copies what each of them keeps alive, so
/// with two the same collections cost twice: <c>batch --jobs 2</c> asks for <see cref="Bytes"/> per capture at once
/// (up to <see cref="MaxCapturesAtOnce"/>), which took 8 × 250 MB on 2 cores from 0.36 s to 0.30 s (bench/README.md,
/// 2026-12-04). One capture keeps 128 MiB: more only made a flood's fresh allocations miss the cache (1M SAs 0.8 s
/// slower at 256 MiB, peak RSS +95 MiB).</para>
/// </summary>
internal static class GcHeadroom
{
    /// <summary>128 MiB: a 1 GB analyze allocates less; a flood of SAs raises its peak RSS by ~25 MiB.</summary>
    internal const long Bytes = 128L * 1024 * 1024;
    /// <summary>The most captures at once the headroom grows for (512 MiB).</summary>
    internal const int MaxCapturesAtOnce = 4;
    private static int s_asked;

    /// <summary>Asks once per process, for <see cref="Bytes"/> per capture analysed at once; true when this call started
    /// the region.</summary>
    internal static bool ForFirstScan(int capturesAtOnce = 1)
    {
        if (Interlocked.Exchange(ref s_asked, 1) != 0 || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            return false;
        try
        {
            // no full blocking collection to make room: false instead
            return GC.TryStartNoGCRegion(Bytes * Math.Clamp(capturesAtOnce, 1, MaxCapturesAtOnce), disallowFullBlockingGC: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentOutOfRangeException)
        {
            return false;   // already in a region (another caller), or a heap limit smaller than the request
        }
    }
}
