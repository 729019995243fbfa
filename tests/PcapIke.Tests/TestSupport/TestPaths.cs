using System.Diagnostics;

namespace PcapIke.Tests.TestSupport;

/// <summary>Locates the repository and the shared third-party captures; runs the Wireshark command-line tools.</summary>
internal static class TestPaths
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PcapIke.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no PcapIke.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>../shared/captures relative to the repository root. Fails (never skips) when it is absent.</summary>
    public static string SharedCaptures
    {
        get
        {
            string dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "captures"));
            Assert.True(Directory.Exists(dir),
                $"the third-party captures folder {dir} is missing; these tests need it (see its README.md)");
            return dir;
        }
    }

    public static string NewTempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pcapike-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

internal static class Tool
{
    /// <summary>Runs a command-line tool; fails naming the Debian package when it is not installed.</summary>
    public static string Run(string tool, string aptPackage, params string[] args)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is not installed ({e.Message}); install it with: apt-get install -y {aptPackage}");
            throw;
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            string stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(60_000), $"{tool} did not finish");
            Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
            return stdout.Result;
        }
    }

    /// <summary>
    /// Runs tshark with Wireshark's configuration read from <paramref name="configHome"/> (XDG_CONFIG_HOME: its
    /// <c>wireshark/</c> folder holds the decryption tables); standard output and error. Fails naming the package
    /// when tshark is missing, or when it exits non-zero.
    /// </summary>
    public static (string Out, string Err) Tshark(string configHome, params string[] args)
    {
        var psi = new ProcessStartInfo("tshark")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["XDG_CONFIG_HOME"] = configHome;
        psi.Environment["HOME"] = configHome;   // no personal ~/.wireshark or ~/.config/wireshark can interfere
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"tshark is not installed ({e.Message}); install it with: apt-get install -y tshark");
            throw;
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            string stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(60_000), "tshark did not finish");
            Assert.True(p.ExitCode == 0, $"tshark {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
            return (stdout.Result, stderr);
        }
    }

    /// <summary>tshark with the given Wireshark key tables (copied into a throw-away profile); standard output.</summary>
    public static string TsharkWithKeys(IEnumerable<string> keyTables, params string[] args)
    {
        string home = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(home, "wireshark"));
        foreach (string table in keyTables)
            File.Copy(table, Path.Combine(home, "wireshark", Path.GetFileName(table)));
        try
        {
            return Tshark(home, args).Out;
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    public static void Text2Pcap(string hexFile, string output, params string[] options) =>
        Run("text2pcap", "wireshark-common", [.. options, hexFile, output]);

    public static void Editcap(params string[] args) => Run("editcap", "wireshark-common", args);

    public static void Mergecap(params string[] args) => Run("mergecap", "wireshark-common", args);

    /// <summary>Writes frames as a text2pcap hex dump (offsets and bytes), with an optional time per frame.</summary>
    public static void WriteHexDump(string path, IEnumerable<byte[]> frames)
    {
        using var w = new StreamWriter(path);
        foreach (var f in frames)
        {
            for (int i = 0; i < f.Length; i += 16)
            {
                w.Write($"{i:x6} ");
                for (int j = i; j < Math.Min(i + 16, f.Length); j++) w.Write($" {f[j]:x2}");
                w.WriteLine();
            }
            w.WriteLine();
        }
    }
}
