using System.Diagnostics;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary><c>pcapike watch</c> without a negotiation: the interface list and the one-line errors. (The live
/// negotiation is checked in tests/PcapIke.Tests/Lab/, on the strongSwan lab's veth.)</summary>
public sealed class WatchCommandTests
{
    [Fact]
    public void List_names_the_interfaces_with_their_addresses()
    {
        var (exit, stdout, stderr) = CliRun.Run("watch", "--list");
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        string lo = Assert.Single(stdout.Split('\n'), l => l.StartsWith("lo ", StringComparison.Ordinal));
        Assert.Matches(@"^lo +127\.0\.0\.1(,|\s)", lo);
    }

    [Fact]
    public void A_missing_interface_is_one_error_line_and_exit_3()
    {
        var (exit, stdout, stderr) = CliRun.Run("watch", "-i", "pcapike-none0");
        Assert.Equal(3, exit);
        Assert.Equal("", stdout);
        Assert.Equal("pcapike: watch: no interface 'pcapike-none0' (pcapike watch --list lists them)\n", stderr);
    }

    [Fact]
    public void Without_an_interface_it_is_a_usage_error()
    {
        var (exit, _, stderr) = CliRun.Run("watch");
        Assert.Equal(2, exit);
        Assert.Equal("pcapike: watch: give the interface with -i IFACE (pcapike watch --list lists them)\n", stderr);
        var idle = CliRun.Run("watch", "-i", "lo", "--idle", "-1");
        Assert.Equal(2, idle.Exit);
        Assert.StartsWith("pcapike: --idle: ", idle.Err);
    }

    [Fact]
    public void Without_the_capture_permission_it_says_which_capabilities_are_missing_and_exits_3()
    {
        // as an unprivileged user (nobody, when the tests run as root)
        string cli = Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll");
        bool root = Environment.UserName == "root";
        var psi = new ProcessStartInfo(root ? "setpriv" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (root)
            foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet" }) psi.ArgumentList.Add(a);
        foreach (string a in new[] { cli, "watch", "-i", "lo" }) psi.ArgumentList.Add(a);
        string home = TestPaths.NewTempDir();
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(home, (UnixFileMode)0x1FF);   // rwx for nobody
        psi.Environment["HOME"] = home;
        psi.Environment["DOTNET_CLI_HOME"] = home;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var (exit, stdout, stderr) = RunUtilLinux(psi, "setpriv");
        Assert.True(exit == 3, $"exit {exit}: {stderr}{stdout}");
        Assert.Equal("pcapike: watch: no permission to capture on lo: run as root, or give the executable the capabilities CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip FILE)\n", stderr);
        Directory.Delete(home, true);
    }
    [Theory]
    [InlineData("watch", "-i", "lo")]
    [InlineData("watch", "--list")]
    public void Without_libpcap_it_says_what_to_install_and_exits_3(params string[] args)
    {
        // libpcap made unloadable: /dev/null bind-mounted over it in a private mount namespace (unshare -r: a user
        // namespace, so that this needs no root)
        string cli = Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll");
        string script = "for f in $(ldconfig -p | grep -o '/[^ ]*libpcap\\.so[^ ]*'); do mount --bind /dev/null \"$(readlink -f \"$f\")\" || exit 99; done; exec dotnet \"$0\" \"$@\"";
        var psi = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-rm", "sh", "-c", script, cli }.Concat(args)) psi.ArgumentList.Add(a);
        var (exit, stdout, stderr) = RunUtilLinux(psi, "unshare");
        Assert.True(exit == 3, $"exit {exit}: {stderr}{stdout}");
        Assert.Equal("", stdout);
        Assert.Equal("pcapike: watch: libpcap is not installed (Debian/Ubuntu: apt-get install libpcap0.8; Fedora/RHEL: dnf install libpcap)\n", stderr);
    }

    /// <summary>Runs a util-linux wrapper (setpriv, unshare) to the end; fails naming the package when it is missing.</summary>
    private static (int Exit, string Out, string Err) RunUtilLinux(ProcessStartInfo psi, string tool)
    {
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is not installed ({e.Message}); install it with: apt-get install -y util-linux");
            throw;
        }
        using (p)
        {
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(60_000));
            return (p.ExitCode, stdout, stderr);
        }
    }
}
