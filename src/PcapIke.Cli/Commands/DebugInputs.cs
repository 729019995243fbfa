using System.CommandLine;
using PcapIke.Model.Ios;

namespace PcapIke.Cli.Commands;

/// <summary>
/// The routers' debug logs a command reads (docs/debug-logs.md): <c>--debug [ROUTER=]FILE</c> (repeatable), or a file
/// given as an input that holds IOS debug output rather than a capture (detected by content).
/// </summary>
internal static class DebugInputs
{
    /// <summary>A debug log larger than this is not read (a log of one case is kilobytes to megabytes).</summary>
    public const long MaxBytes = 64L << 20;

    public static Option<string[]> Option() => new("--debug")
    {
        HelpName = "[ROUTER=]FILE",
        Description = "A router's debug crypto isakmp / ikev2 / pki output (repeatable); ROUTER= names the router when no prompt or file name does",
    };

    /// <summary>True when <paramref name="path"/> is a file whose start is IOS debug text, not a capture.</summary>
    public static bool IsDebugFile(string path)
    {
        if (path == "-" || !File.Exists(path)) return false;
        try
        {
            using var f = File.OpenRead(path);
            var head = new byte[64 * 1024];
            int n = f.Read(head, 0, head.Length);
            if (n >= 4 && (BitConverter.ToUInt32(head, 0) is 0xa1b2c3d4 or 0xd4c3b2a1 or 0xa1b23c4d or 0x4d3cb2a1 or 0x0a0d0d0a || head[0] == 0x1f && head[1] == 0x8b))
                return false;
            return IosDebugLog.Looks(System.Text.Encoding.UTF8.GetString(head, 0, n));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads each <c>[ROUTER=]FILE</c>; an unreadable or oversized file is one error line (exit code 3).</summary>
    public static List<IosDebugLog> Load(IEnumerable<string> specs)
    {
        var logs = new List<IosDebugLog>();
        foreach (string spec in specs)
        {
            string path = PathOf(spec);
            string? router = ReferenceEquals(path, spec) || path == spec ? null : spec[..spec.IndexOf('=')];
            if (!File.Exists(path)) throw new CliInputException($"--debug: {path}: no such file");
            string text;
            try
            {
                if (new FileInfo(path).Length > MaxBytes) throw new CliInputException($"--debug: {path}: larger than {MaxBytes >> 20} MiB: not read");
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"--debug: {path}: {ex.Message}");
            }
            logs.Add(IosDebugLog.Read(text, Path.GetFileName(path), router));
        }
        return logs;
    }

    /// <summary>The file of a <c>[ROUTER=]FILE</c>.</summary>
    public static string PathOf(string spec)
    {
        int eq = spec.IndexOf('=');
        return eq > 0 && !File.Exists(spec) && IsHostname(spec[..eq]) ? spec[(eq + 1)..] : spec;
    }

    private static bool IsHostname(string s) => s.Length is > 0 and <= 63 && char.IsLetter(s[0]) && s.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.');
}
