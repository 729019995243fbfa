namespace PcapIke.Model;

/// <summary>
/// A scenario file that cannot be used. <see cref="Exception.Message"/> is one line naming the JSON path and the reason
/// (<c>$.routers[0].trustpoints[1].ca: unknown CA "CA3"</c>), ready for the CLI to print as is.
/// </summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(string path, string reason)
        : base(OneLine($"{path}: {reason}"))
    {
        Path = path;
        Reason = reason;
    }

    public ScenarioException(string path, string reason, Exception inner)
        : base(OneLine($"{path}: {reason}"), inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The JSON path of the offending value (<c>$</c> for the document).</summary>
    public string Path { get; }

    public string Reason { get; }

    // Values quoted from the file may hold control characters; the message stays one printable line.
    private static string OneLine(string s) =>
        s.Any(char.IsControl) ? string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : s;
}
