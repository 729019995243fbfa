using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Pipeline;

namespace PcapIke.Tests.Lab;

/// <summary>
/// The live strongSwan lab that .ci/run records before <c>dotnet test</c> (tools/lab/record-strongswan.sh with
/// OUT=$PCAPIKE_LIVE_LAB and META_OUT=$PCAPIKE_LIVE_LAB/meta): fresh captures, key tables built from charon's logs,
/// trimmed charon logs, and in meta/ the public certificates the run issued, scenarios.tsv (what each scenario
/// configured and how it ended) and the unfiltered veth capture of each scenario.
/// </summary>
/// <remarks>
/// Without PCAPIKE_LIVE_LAB a developer's plain <c>dotnet test</c> reports these tests as skipped; under CI=true they
/// run and fail when the variable is missing, and always fail when it is set but the recording is missing, failed
/// (RECORDING_FAILED marker) or incomplete.
/// </remarks>
internal static class LiveLab
{
    public const string Variable = "PCAPIKE_LIVE_LAB";

    /// <summary>The scenarios .ci/run records; the first four are the issue's acceptance cases.</summary>
    public static readonly string[] Recorded =
        ["ikev2-aes-gcm", "ikev2-aes-cbc", "ikev1-main-mode", "ikev2-untrusted-ca", "ikev2-skf", "ikev2-ip-fragments"];

    /// <summary>Null when the live tests must run (variable set, or CI); the skip text otherwise.</summary>
    public static string? SkipReason => TestSupport.Ci.SkipReason(Variable,
        "the live strongSwan lab is recorded by .ci/run (as root: " +
        $"OUT=DIR META_OUT=DIR/meta tools/lab/record-strongswan.sh, then {Variable}=DIR dotnet test)");

    public static string Root
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable(Variable);
            Assert.False(string.IsNullOrEmpty(root),
                $"CI is set but {Variable} is not: .ci/run records the live strongSwan lab before dotnet test and exports it");
            Assert.True(Directory.Exists(root), $"{Variable}={root}: no such folder (the lab recording did not run)");
            string failed = Path.Combine(root, "RECORDING_FAILED");
            Assert.False(File.Exists(failed),
                $"the lab recording failed: {(File.Exists(failed) ? File.ReadAllText(failed).Trim() : "")} (see .ci/run's output)");
            Assert.True(Directory.GetDirectories(root, "strongswan-*").Length > 0, $"{Variable}={root} holds no strongswan-* capture folder");
            return root;
        }
    }

    public static string Meta => Path.Combine(Root, "meta");

    public static Scenario Get(string id)
    {
        string root = Root;
        string tsv = Path.Combine(root, "meta", "scenarios.tsv");
        Assert.True(File.Exists(tsv), $"{tsv} missing (record with META_OUT)");
        var lines = File.ReadAllLines(tsv).Where(l => l.Length > 0).ToList();
        string[] head = lines[0].Split('\t');
        var rows = lines.Skip(1).Select(l => l.Split('\t')).Select(f => head.Zip(f).ToDictionary(p => p.First, p => p.Second)).ToList();
        var row = rows.SingleOrDefault(r => r["id"] == id);
        Assert.True(row is not null, $"scenario {id} was not recorded (scenarios.tsv lists {string.Join(", ", rows.Select(r => r["id"]))})");
        var s = new Scenario(id, Path.Combine(root, "strongswan-" + id), int.Parse(row!["version"]), row["ike"], row["esp"],
            row["moon_cert"], row["sun_cert"], row["sun_trusts"].Split(','), row["expected"], row["outcome"]);
        Assert.True(File.Exists(s.Capture) && new FileInfo(s.Capture).Length > 24, $"{s.Capture} missing or empty");
        Assert.True(File.Exists(s.KeyTable) && File.ReadAllText(s.KeyTable).Trim().Length > 0, $"{s.KeyTable} missing or empty");
        Assert.Equal(s.Expected, s.Outcome);   // the script checked it too; a mismatch fails the recording
        return s;
    }

    public static X509Certificate2 Cert(string file) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Meta, file)));

    /// <summary>A DN in RFC 4514 order and form (last RDN first, "CN=x,O=y,C=z"), read by .NET, not by PcapIke.</summary>
    /// <summary>The DN as IOS prints it: RDNs last-to-first, lower-case keys (the lab's DNs need no escaping).</summary>
    public static string Ios(X500DistinguishedName dn) =>
        string.Join(",", Rfc4514(dn).Split(',').Select(p => p[..p.IndexOf('=')].ToLowerInvariant() + p[p.IndexOf('=')..]));

    public static string Rfc4514(X500DistinguishedName dn) =>
        string.Join(",", dn.EnumerateRelativeDistinguishedNames(reversed: false).Reverse().Select(rdn =>
            (rdn.GetSingleElementType().Value switch
            {
                "2.5.4.3" => "CN",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "2.5.4.6" => "C",
                var oid => throw new InvalidOperationException($"unexpected attribute {oid}"),
            }) + "=" + rdn.GetSingleElementValue()));

    /// <summary>A DN as charon logs it: attributes in encoding order, ", " between them ("C=CH, O=PcapIke Lab, CN=Lab CA2").</summary>
    public static string CharonDn(X500DistinguishedName dn) => Rfc4514(dn).Split(',').Reverse().Aggregate((a, b) => a + ", " + b);

    /// <summary>The value of the first common name of a DN.</summary>
    public static string CommonName(X500DistinguishedName dn) =>
        dn.EnumerateRelativeDistinguishedNames().First(r => r.GetSingleElementType().Value == "2.5.4.3").GetSingleElementValue()!;

    /// <summary>Every IKE message of the capture, decrypted with the scenario's key table, and the malformations.</summary>
    public static (List<DissectedMessage> Messages, MalformationList Malformations) Dissect(Scenario s)
    {
        var list = new List<DissectedMessage>();
        var malformations = new MalformationList();
        CaptureDissector.Dissect(s.Capture, malformations, list.Add, keys: KeyRing.Load([s.KeyTable]));
        return (list, malformations);
    }

    /// <summary>The payload types a message shows: its clear chain, then the decrypted one.</summary>
    public static byte[] VisibleTypes(DissectedMessage m) => m.VisiblePayloads.Select(p => p.TypeRaw).ToArray();

    public static string Hex(IEnumerable<byte> types) => string.Join(",", types);

    /// <summary>Runs tshark on the capture with the scenario's key table in a private profile; returns its stdout.</summary>
    public static string Tshark(Scenario s, params string[] args) =>
        TestSupport.Tool.TsharkWithKeys([s.KeyTable], ["-r", s.Capture, .. args]);
}

/// <summary>One recorded scenario: its folder and what scenarios.tsv says the script configured.</summary>
internal sealed record Scenario(string Id, string Dir, int Version, string IkeProposal, string EspProposal,
    string MoonCertFile, string SunCertFile, string[] SunTrusts, string Expected, string Outcome)
{
    public string Capture => Path.Combine(Dir, "capture.pcap");
    public string KeyTable => Path.Combine(Dir, Version == 1 ? "ikev1_decryption_table" : "ikev2_decryption_table");
    public string MoonLog => Path.Combine(Dir, "charon-moon.trimmed.log");
    public string SunLog => Path.Combine(Dir, "charon-sun.trimmed.log");
    public bool Established => Expected == "established";
    public override string ToString() => Id;
}

/// <summary>
/// One message as charon logged it when it built it: <c>generating IKE_AUTH request 1 [ IDi CERT N(INIT_CONTACT) ... ]</c>
/// (strongSwan's short payload names, in the order they go on the wire; SKF fragments are logged as EF(i/n) after the
/// whole message).
/// </summary>
internal sealed partial record CharonMessage(string Exchange, bool IsResponse, uint MessageId, string[] Payloads)
{
    [GeneratedRegex(@"\[ENC\] generating (\S+) (request|response) (\d+) \[ ?(.*?) ?\]$")]
    private static partial Regex Generating();

    /// <summary>The messages a daemon generated, in order, without the EF(i/n) fragment lines.</summary>
    public static List<CharonMessage> Generated(string log) =>
        File.ReadLines(log).Select(l => Generating().Match(l)).Where(m => m.Success)
            .Select(m => new CharonMessage(m.Groups[1].Value, m.Groups[2].Value == "response", uint.Parse(m.Groups[3].Value),
                m.Groups[4].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Where(m => !m.Payloads.Any(p => p.StartsWith("EF(", StringComparison.Ordinal)))
            .ToList();

    public static byte ExchangeTypeOf(string name) => name switch
    {
        "ID_PROT" => 2,
        "AGGRESSIVE" => 4,
        "INFORMATIONAL_V1" => 5,
        "QUICK_MODE" => 32,
        "IKE_SA_INIT" => 34,
        "IKE_AUTH" => 35,
        "CREATE_CHILD_SA" => 36,
        "INFORMATIONAL" => 37,
        _ => throw new InvalidOperationException($"charon exchange {name} not mapped"),
    };

    /// <summary>strongSwan's short payload names (src/libcharon/encoding/payloads/payload.c) → payload type.</summary>
    public static byte PayloadTypeOf(string name, int version)
    {
        string bare = name.Contains('(') ? name[..name.IndexOf('(')] : name;
        return (version, bare) switch
        {
            (1, "SA") => 1, (1, "KE") => 4, (1, "ID") => 5, (1, "CERT") => 6, (1, "CERTREQ") => 7, (1, "HASH") => 8,
            (1, "SIG") => 9, (1, "No") => 10, (1, "N") => 11, (1, "D") => 12, (1, "V") => 13, (1, "NAT-D") => 20,
            (1, "NAT-OA") => 21,
            (2, "SA") => 33, (2, "KE") => 34, (2, "IDi") => 35, (2, "IDr") => 36, (2, "CERT") => 37, (2, "CERTREQ") => 38,
            (2, "AUTH") => 39, (2, "No") => 40, (2, "N") => 41, (2, "D") => 42, (2, "V") => 43, (2, "TSi") => 44,
            (2, "TSr") => 45, (2, "CP") => 47, (2, "EAP") => 48,
            _ => throw new InvalidOperationException($"charon payload {name} (IKEv{version}) not mapped"),
        };
    }

    public byte[] PayloadTypes(int version) => Payloads.Select(p => PayloadTypeOf(p, version)).ToArray();

    public override string ToString() => $"{Exchange} {(IsResponse ? "response" : "request")} {MessageId} [ {string.Join(' ', Payloads)} ]";
}

/// <summary>Skipped without <see cref="LiveLab.Variable"/> outside CI (see <see cref="LiveLab.SkipReason"/>).</summary>
public sealed class LiveLabFactAttribute : FactAttribute
{
    public LiveLabFactAttribute()
    {
        if (LiveLab.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>Skipped without <see cref="LiveLab.Variable"/> outside CI (see <see cref="LiveLab.SkipReason"/>).</summary>
public sealed class LiveLabTheoryAttribute : TheoryAttribute
{
    public LiveLabTheoryAttribute()
    {
        if (LiveLab.SkipReason is { } reason) Skip = reason;
    }
}
