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
/// </summary>
internal static class GcHeadroom
{
    /// <summary>128 MiB: a 1 GB analyze allocates less; a flood of SAs raises its peak RSS by ~25 MiB.</summary>
    internal const long Bytes = 128L * 1024 * 1024;
    private static int s_asked;

    /// <summary>Asks once per process; true when this call started the region.</summary>
    internal static bool ForFirstScan()
    {
        if (Interlocked.Exchange(ref s_asked, 1) != 0 || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            return false;
        try
        {
            // no full blocking collection to make room: false instead
            return GC.TryStartNoGCRegion(Bytes, disallowFullBlockingGC: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentOutOfRangeException)
        {
            return false;   // already in a region (another caller), or a heap limit smaller than the request
        }
    }
}
