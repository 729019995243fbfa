using PcapIke.Decryption;
using PcapIke.Model.Ios;

namespace PcapIke.Tests.Model;

/// <summary>
/// Issue 14, bounded numbers in the text parsers: every number of a running-config is read with TryParse and the
/// range IOS accepts there; anything else is a Problem note at its line, never an exception (before, a clock
/// timezone of 2147483647 hours overflowed TimeSpan out of a parser documented never to throw).
/// </summary>
public sealed class IosNumberBoundsTests
{
    private static IosRouterConfig Parse(string body) => IosConfigParser.Parse("hostname R1\n!\n" + body + "\nend\n", "r1.txt");

    [Theory]
    [InlineData("clock timezone CET 2147483647", 3)]
    [InlineData("clock timezone CET 24", 3)]
    [InlineData("clock timezone CET 1 60", 3)]
    [InlineData("clock timezone CET 1 99999999999", 3)]
    [InlineData("crypto isakmp policy 99999999999", 3)]
    [InlineData("crypto isakmp policy 0", 3)]
    [InlineData("crypto isakmp policy 10\n group 0", 4)]
    [InlineData("crypto isakmp policy 10\n group 99999999999", 4)]
    [InlineData("crypto isakmp policy 10\n lifetime 2147483647", 4)]
    [InlineData("crypto isakmp policy 10\n lifetime 59", 4)]
    [InlineData("crypto ikev2 fragmentation mtu 0", 3)]
    [InlineData("crypto ikev2 fragmentation mtu 99999999999", 3)]
    [InlineData("interface Tunnel0\n ip mtu 2147483647", 4)]
    public void OutOfRangeNumber_IsAProblemAtItsLine(string body, int line)
    {
        var config = Parse(body);
        var note = Assert.Single(config.Notes, n => n.Kind == IosNoteKind.Problem);
        Assert.Equal(line, note.Line);
        Assert.Null(config.Clock);
        Assert.Null(config.Ikev2FragmentationMtu);
    }

    [Fact]
    public void InRangeNumbers_AreRead()
    {
        var config = Parse("clock timezone CET -5 30\ncrypto isakmp policy 10000\n lifetime 86400\n group 14\ncrypto ikev2 fragmentation mtu 1400");
        Assert.DoesNotContain(config.Notes, n => n.Kind == IosNoteKind.Problem);
        Assert.Equal(TimeSpan.FromMinutes(-330), config.Clock!.Offset);
        Assert.Equal(1400, config.Ikev2FragmentationMtu);
        var policy = Assert.Single(config.IsakmpPolicies);
        Assert.Equal(10000, policy.Priority);
    }

    [Fact]
    public void CharonLog_HugeNumbers_AreSkippedLines()
    {
        var keys = CharonLog.Parse("charon.log",
        [
            "Dec  2 07:00:00 12[IKE] <moon|1> Sk_ei secret => 99999999999999999999 bytes @ 0x55",
            "Dec  2 07:00:00 12[IKE] <moon|1> Sk_ei secret => 2147483647 bytes @ 0x55",
            "Dec  2 07:00:00 12[CFG] <moon|1> selected proposal: IKE:AES_CBC_99999999999/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
        ]);
        Assert.Equal(0, keys.Count);
        Assert.Equal(
        [
            "charon.log:1: the ei dump announces 99999999999999999999 bytes, more than 4096: skipped",
            "charon.log:2: the ei dump announces 2147483647 bytes, more than 4096: skipped",
            "charon.log:3: selected proposal IKE:AES_CBC_99999999999/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048 is no suite known here (an algorithm or key size this reader does not know): its keys' algorithms come from the capture",
        ], keys.Problems);
    }
}

public sealed class CharonLogCutDumpTests
{
    [Fact]
    public void DumpCutShort_IsALocatedProblem_AndNoKey()
    {
        var keys = PcapIke.Decryption.CharonLog.Parse("c.log",
        [
            "Dec  2 07:00:00 12[IKE] <moon|1> Sk_ei secret => 32 bytes @ 0x55",
            "Dec  2 07:00:00 12[IKE] <moon|1>    0: F4 76 17 04 AC C8 68 F0 36 9C 4D E8 C1 2C 10 BF  .v....h.6.M..,..",
            "Dec  2 07:00:00 12[IKE] <moon|1> something else",
        ]);
        Assert.Equal(0, keys.Count);
        Assert.Equal(["c.log:1: the ei dump has 16 of its 32 bytes: skipped"], keys.Problems);
    }
}
