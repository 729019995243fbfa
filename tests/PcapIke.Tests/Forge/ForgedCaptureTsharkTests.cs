using System.Text.RegularExpressions;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.Crypto;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Forge;

/// <summary>
/// Wireshark (tshark, installed by .ci/run) on every forged capture: no malformed packet and no expert error, and with
/// the forged key tables it decrypts MM5/MM6 and IKE_AUTH (integrity [correct]) and shows the identities and
/// certificates the routers sent.
/// </summary>
public partial class ForgedCaptureTsharkTests
{
    public static TheoryData<string> Folders() => ForgedCaptures.All();

    /// <summary><c>tshark -r FILE -V</c>, with the folder's key tables in a throw-away Wireshark profile when
    /// <paramref name="withKeys"/>; the output split into frames (index 0 is frame 1).</summary>
    internal static List<string> TsharkFrames(string folder, bool withKeys)
    {
        string[] tables = withKeys ? Directory.GetFiles(ForgedCaptures.Dir(folder), "ikev*_decryption_table") : [];
        string output = Tool.TsharkWithKeys(tables, "-r", ForgedCaptures.Capture(folder), "-V", "-o", "ip.defragment:TRUE");
        return FrameSplit().Split(output).Where(s => s.Length > 0).ToList();
    }

    [GeneratedRegex(@"(?m)^(?=Frame \d+: )")]
    private static partial Regex FrameSplit();

    private static bool IsBroken(string frame) =>
        frame.Contains("[Malformed Packet", StringComparison.Ordinal) || frame.Contains("Expert Info (Error", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Folders))]
    public void WithoutKeys_NoMalformedPacketAndNoExpertError(string folder)
    {
        var frames = TsharkFrames(folder, withKeys: false);
        Assert.Equal(LabCaptures.Messages(folder).Count,
            frames.Count(f => f.Contains("Internet Security Association and Key Management Protocol", StringComparison.Ordinal)));
        var broken = frames.Select((f, i) => (f, i)).Where(x => IsBroken(x.f)).Select(x => x.i + 1).ToList();
        Assert.True(broken.Count == 0, $"{folder}: tshark reports malformed/expert errors in frames {string.Join(", ", broken)}");
    }

    /// <summary>
    /// With the key tables: every encrypted message decrypts. Wireshark 4.0 advances its IKEv1 IV chain on every packet,
    /// so a byte-identical re-sent MM5 (S2) shows as Malformed although the capture is right (seed-scenarios.md): only
    /// such copies are allowed to.
    /// </summary>
    [Theory]
    [MemberData(nameof(Folders))]
    public void WithKeys_DecryptsAndShowsTheIdentitiesAndCertificates(string folder)
    {
        var frames = TsharkFrames(folder, withKeys: true);
        var messages = LabCaptures.Messages(folder);
        Assert.Equal(messages.Count, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            bool resentCopy = messages.Take(i).Any(m => m.Message.AsSpan().SequenceEqual(messages[i].Message));
            if (IsBroken(frames[i]))
                Assert.True(resentCopy && messages[i].Message[17] == 0x10,
                    $"{folder}: frame {i + 1} is malformed with the key table and is not a re-sent IKEv1 copy");
        }
        // IKEv2: every SK/SKF payload's ICV checks.
        var v2Encrypted = frames.Where(f => f.Contains("Payload: Encrypted and Authenticated", StringComparison.Ordinal)).ToList();
        Assert.All(v2Encrypted, f => Assert.Contains("[correct]", f));

        ForgeResult result = ForgedCaptures.Result(folder);
        string all = string.Concat(frames.Where(f => !IsBroken(f)));
        var shownIds = Regex.Matches(all, @"Identification Data:(\S+)").Select(m => m.Groups[1].Value).Where(v => !v.Contains('/')).ToHashSet();
        var shownCertSubjects = Regex.Matches(all, @"Certificate Data \((.*)").Select(m => m.Groups[1].Value).ToList();
        var expectedIds = new HashSet<string>();
        var expectedCns = new HashSet<string>();
        foreach (ForgedNegotiation n in result.Negotiations)
            foreach (var (router, trustpoint) in n.CertificateSent)
            {
                RouterSpec spec = result.Scenario.Router(router);
                string subject = ForgePeer.IosSubject(result.Pki.Identity(router, trustpoint).Certificate);
                IkeIdentity id = n.Version == 1
                    ? IosSelection.Ikev1SelfIdentity(spec, spec.Ikev1!.Profiles.First(p => p.Name == n.Profile[router]), subject)
                    : IosSelection.Ikev2LocalIdentity(spec, spec.Ikev2!.Profiles.First(p => p.Name == n.Profile[router]), subject);
                expectedIds.Add(id.Value);
                expectedCns.Add("id-at-commonName=" + spec.Hostname);
            }
        Assert.Equal(expectedIds.Order(), shownIds.Order());
        Assert.Equal(expectedCns.Order(), shownCertSubjects.Select(s => Regex.Match(s, "id-at-commonName=[^,]+").Value).ToHashSet().Order());
    }
}
