using System.CommandLine;
using PcapIke.Decryption;

namespace PcapIke.Cli.Commands;

/// <summary>
/// The key sources of <c>dissect</c>, <c>analyze</c>, <c>batch</c> and <c>certs</c>: <c>--keys FILE</c> (Wireshark
/// ikev1_decryption_table / ikev2_decryption_table, repeatable), <c>--keys-from-charon-log FILE</c> (strongSwan
/// charon logs at <c>ike</c> level 4, repeatable) and <c>--wireshark-profile NAME|PATH</c> (the tables of a Wireshark
/// profile). A source that is missing, unreadable or unusable is one error line and exit code 3.
/// </summary>
public sealed class KeyOptions
{
    public required Option<string[]> Tables { get; init; }
    public required Option<string[]> CharonLogs { get; init; }
    public required Option<string> Profile { get; init; }
    /// <summary>Reads an environment variable (XDG_CONFIG_HOME, HOME); replaced in tests.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public static KeyOptions Create() => new()
    {
        Tables = new Option<string[]>("--keys")
        {
            HelpName = "FILE",
            Description = "A Wireshark ikev1_decryption_table or ikev2_decryption_table file, to decrypt IKE messages (repeatable)",
        },
        CharonLogs = new Option<string[]>("--keys-from-charon-log")
        {
            HelpName = "FILE",
            Description = "A strongSwan charon log written with 'ike = 4': the IKE keys it dumps (repeatable); algorithms from the capture",
        },
        Profile = new Option<string>("--wireshark-profile")
        {
            HelpName = "NAME|PATH",
            Description = "The decryption tables of a Wireshark profile: a name (default, or one in $XDG_CONFIG_HOME/wireshark/profiles) or a folder",
        },
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Tables);
        command.Options.Add(CharonLogs);
        command.Options.Add(Profile);
    }

    /// <summary>Null when no key source is given.</summary>
    public KeyRing? Load(ParseResult pr) =>
        Load(pr.GetValue(Tables) ?? [], pr.GetValue(CharonLogs) ?? [], pr.GetValue(Profile));

    public KeyRing? Load(string[] tables, string[] charonLogs, string? profile)
    {
        if (tables.Length == 0 && charonLogs.Length == 0 && profile is null) return null;
        var ring = new KeyRing();
        foreach (string t in tables) AddTable(ring, "--keys", t);
        if (profile is not null)
        {
            string folder = WiresharkProfile.Resolve(profile, Environment("XDG_CONFIG_HOME"), Environment("HOME"));
            if (!Directory.Exists(folder))
                throw new CliInputException($"--wireshark-profile: {profile}: no such Wireshark profile ({folder} does not exist)");
            var found = WiresharkProfile.Tables(folder);
            if (found.Count == 0)
                throw new CliInputException(
                    $"--wireshark-profile: {profile}: no {WiresharkProfile.Ikev1Table} or {WiresharkProfile.Ikev2Table} in {folder}");
            foreach (string t in found) AddTable(ring, "--wireshark-profile", t);
        }
        foreach (string log in charonLogs)
        {
            var keys = CharonLog.Parse(log, ReadLines("--keys-from-charon-log", log));
            if (keys.Count == 0)
                throw new CliInputException(
                    $"--keys-from-charon-log: {log}: no IKE keys in it (charon logs them with the ike subsystem at level 4: filelog 'ike = 4')"
                    + (keys.Problems.Count > 0 ? $"; {keys.Problems[0]}" : ""));
            ring.Add(keys);
        }
        return ring;
    }

    private static void AddTable(KeyRing ring, string option, string path)
    {
        var lines = ReadLines(option, path);
        try
        {
            ring.AddFile(path, lines);
        }
        catch (KeyTableException ex)
        {
            throw new CliInputException($"{option}: {ex.Message}");
        }
    }

    private static string[] ReadLines(string option, string path)
    {
        if (!File.Exists(path)) throw new CliInputException($"{option}: {path}: no such file");
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{option}: {path}: cannot read: {ex.Message}");
        }
    }
}
