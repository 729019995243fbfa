using PcapIke.Cli;
using PcapIke.Cli.Commands;
using PcapIke.Decryption;
using PcapIke.Tests.Crypto;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;

namespace PcapIke.Tests.Decryption;

/// <summary><c>--keys-from-charon-log</c> and <c>--wireshark-profile</c> on dissect, analyze and batch.</summary>
public sealed class KeySourceCliTests : IDisposable
{
    private const string Scenario = "strongswan-ikev2-untrusted-ca";
    private readonly string _dir = TestPaths.NewTempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private string Log(string scenario = Scenario)
    {
        string path = Path.Combine(_dir, "charon.log");
        File.WriteAllLines(path, CharonLogForge.ForIkev2LabCapture(scenario));
        return path;
    }

    [Fact]
    public void Dissect_KeysFromCharonLog_ShowsDecryptedChains()
    {
        var (exit, output, error) = Run("dissect", RepoCapture(Scenario), "--keys-from-charon-log", Log());
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("[SK] → {IDi,CERT,N(INITIAL_CONTACT),CERTREQ,IDr,AUTH,SA,TSi,TSr,", output);
        Assert.Contains("[SK] → {N(AUTHENTICATION_FAILED)}", output);
    }

    [Fact]
    public void Analyze_KeysFromCharonLog_NamesTheFailure()
    {
        var (exit, output, error) = Run("analyze", RepoCapture(Scenario), "--keys-from-charon-log", Log());
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("failed: notify AUTHENTICATION_FAILED at IKE_AUTH response", output);
        Assert.Contains("IDs              i moon.lab.example  r sun.lab.example", output);
    }

    [Fact]
    public void Batch_KeysFromCharonLog_OutcomeDetailFromDecryptedNotify()
    {
        string csv = Path.Combine(_dir, "out.csv");
        var (exit, _, _) = Run("batch", RepoCapture(Scenario), "--csv", csv, "--keys-from-charon-log", Log());
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("notify AUTHENTICATION_FAILED at IKE_AUTH response", File.ReadAllText(csv));
    }

    [Fact]
    public void KeysFromCharonLog_Missing_OneErrorLineExit3()
    {
        var (exit, output, error) = Run("analyze", RepoCapture(Scenario), "--keys-from-charon-log", "/nonexistent.log");
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal("", output);
        Assert.Equal("pcapike: --keys-from-charon-log: /nonexistent.log: no such file", error.TrimEnd('\n'));
    }

    [Fact]
    public void KeysFromCharonLog_TrimmedLogWithoutKeys_OneErrorLineExit3()
    {
        string trimmed = Path.Combine(LabCaptures.Dir(Scenario), "charon-moon.trimmed.log");
        var (exit, _, error) = Run("dissect", RepoCapture(Scenario), "--keys-from-charon-log", trimmed);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal($"pcapike: --keys-from-charon-log: {trimmed}: no IKE keys in it (charon logs them with the ike subsystem at level 4: filelog 'ike = 4')",
            error.TrimEnd('\n'));
    }

    [Fact]
    public void WiresharkProfile_Folder_DecryptsWithItsTables()
    {
        string profile = Directory.CreateDirectory(Path.Combine(_dir, "profile")).FullName;
        File.Copy(Path.Combine(LabCaptures.Dir(Scenario), "ikev2_decryption_table"), Path.Combine(profile, "ikev2_decryption_table"));
        var (exit, output, error) = Run("dissect", RepoCapture(Scenario), "--wireshark-profile", profile);
        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("[SK] → {N(AUTHENTICATION_FAILED)}", output);
    }

    [Fact]
    public void WiresharkProfile_FolderWithoutTables_OneErrorLineExit3()
    {
        string profile = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var (exit, _, error) = Run("analyze", RepoCapture(Scenario), "--wireshark-profile", profile);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.Equal($"pcapike: --wireshark-profile: {profile}: no ikev1_decryption_table or ikev2_decryption_table in {profile}",
            error.TrimEnd('\n'));
    }

    [Fact]
    public void WiresharkProfile_UnknownName_OneErrorLineExit3()
    {
        string name = "pcapike-no-such-profile-" + Guid.NewGuid().ToString("N");
        var (exit, _, error) = Run("batch", RepoCapture(Scenario), "--csv", "-", "--wireshark-profile", name);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        Assert.StartsWith($"pcapike: --wireshark-profile: {name}: no such Wireshark profile (", error);
        Assert.Contains(Path.Combine("profiles", name) + " does not exist)", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void WiresharkProfile_NameAndDefault_ResolvedInXdgConfigHomeThenDotConfig()
    {
        Assert.Equal("/x/wireshark/profiles/lab", WiresharkProfile.Resolve("lab", "/x", "/home/u"));
        Assert.Equal("/home/u/.config/wireshark/profiles/lab", WiresharkProfile.Resolve("lab", null, "/home/u"));
        Assert.Equal("/home/u/.config/wireshark/profiles/lab", WiresharkProfile.Resolve("lab", "", "/home/u"));
        Assert.Equal("/x/wireshark", WiresharkProfile.Resolve("default", "/x", "/home/u"));
        Assert.Equal("/home/u/.config/wireshark", WiresharkProfile.Resolve("Default", null, "/home/u"));
        Assert.Equal("/home/u/profiles/lab", WiresharkProfile.Resolve("~/profiles/lab", "/x", "/home/u"));
        Assert.Equal("/opt/p", WiresharkProfile.Resolve("/opt/p", "/x", "/home/u"));
        Assert.Equal(Path.GetFullPath("sub/dir"), WiresharkProfile.Resolve("sub/dir", "/x", "/home/u"));
    }

    /// <summary>A profile name through the key options, XDG_CONFIG_HOME pointing at a folder laid out as Wireshark's:
    /// both tables of the profile are read.</summary>
    [Fact]
    public void KeyOptions_ProfileName_ReadsBothTablesOfTheProfile()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "wireshark", "profiles", "lab")).FullName;
        File.Copy(Path.Combine(LabCaptures.Dir(Scenario), "ikev2_decryption_table"), Path.Combine(folder, "ikev2_decryption_table"));
        File.Copy(Path.Combine(LabCaptures.Dir("strongswan-ikev1-main-mode"), "ikev1_decryption_table"), Path.Combine(folder, "ikev1_decryption_table"));
        var ring = new KeyOptionsProbe(_dir).Load("lab");
        Assert.Equal(2, ring.Count);
        Assert.NotNull(ring.FindIkev1(Convert.ToUInt64(LabCaptures.KeyTable("strongswan-ikev1-main-mode", "ikev1_decryption_table")[0], 16)));
    }

    private sealed class KeyOptionsProbe(string xdg)
    {
        public KeyRing Load(string profile)
        {
            var o = KeyOptions.Create();
            var withEnv = new KeyOptions
            {
                Tables = o.Tables, CharonLogs = o.CharonLogs, Profile = o.Profile,
                Environment = v => v == "XDG_CONFIG_HOME" ? xdg : null,
            };
            return withEnv.Load([], [], profile)!;
        }
    }
}
