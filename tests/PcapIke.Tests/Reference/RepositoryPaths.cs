namespace PcapIke.Tests.Reference;

/// <summary>Finds the repository root (the folder holding PcapIke.sln) and the shared third-party captures.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PcapIke.sln"))) return dir.FullName;
        throw new InvalidOperationException("PcapIke.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => s_root.Value;

    public static string Captures => Path.Combine(Root, "captures");

    /// <summary>../shared/captures beside the repository. Tests that need it fail (not pass) when it is absent.</summary>
    public static string SharedCaptures
    {
        get
        {
            string path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "captures"));
            if (!Directory.Exists(path))
                throw new DirectoryNotFoundException(
                    $"The third-party captures folder {path} is missing: these tests need ../shared/captures beside the repository.");
            return path;
        }
    }

    public static IEnumerable<string> SharedCaptureFiles() =>
        Directory.EnumerateFiles(SharedCaptures)
            .Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".cap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);
}
