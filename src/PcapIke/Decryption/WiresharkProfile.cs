namespace PcapIke.Decryption;

/// <summary>
/// A Wireshark configuration profile as a key source: its <c>ikev1_decryption_table</c> and
/// <c>ikev2_decryption_table</c> (the ISAKMP dissector's UAT files). Profiles live in Wireshark's personal
/// configuration folder, <c>$XDG_CONFIG_HOME/wireshark</c> or else <c>~/.config/wireshark</c>: the Default profile is
/// that folder itself, any other in its <c>profiles/NAME</c>.
/// </summary>
public static class WiresharkProfile
{
    public const string Ikev1Table = "ikev1_decryption_table";
    public const string Ikev2Table = "ikev2_decryption_table";

    /// <summary>
    /// The folder of a profile: an argument with a directory separator (or <c>.</c>, <c>..</c>, <c>~</c>) is a path;
    /// otherwise a profile name, <c>default</c> (any case) being the configuration folder itself.
    /// </summary>
    /// <param name="xdgConfigHome">The XDG_CONFIG_HOME variable (null or empty: not set).</param>
    /// <param name="home">The user's home folder, for <c>~/.config</c> and <c>~/</c> paths.</param>
    public static string Resolve(string nameOrPath, string? xdgConfigHome, string? home)
    {
        if (nameOrPath == "~" || nameOrPath.StartsWith("~/", StringComparison.Ordinal))
            return Path.Combine(home ?? "", nameOrPath.TrimStart('~').TrimStart('/'));
        if (IsPath(nameOrPath)) return Path.GetFullPath(nameOrPath);
        string config = string.IsNullOrEmpty(xdgConfigHome)
            ? Path.Combine(home ?? "", ".config", "wireshark")
            : Path.Combine(xdgConfigHome, "wireshark");
        return string.Equals(nameOrPath, "default", StringComparison.OrdinalIgnoreCase)
            ? config
            : Path.Combine(config, "profiles", nameOrPath);
    }

    private static bool IsPath(string s) =>
        s is "." or ".." || s.Contains('/') || s.Contains(Path.DirectorySeparatorChar) || Path.IsPathRooted(s);

    /// <summary>The decryption tables present in a profile folder (IKEv1 first); empty when there are none.</summary>
    public static IReadOnlyList<string> Tables(string folder) =>
        new[] { Ikev1Table, Ikev2Table }.Select(t => Path.Combine(folder, t)).Where(File.Exists).ToList();
}
