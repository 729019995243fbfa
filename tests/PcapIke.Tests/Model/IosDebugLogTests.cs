using PcapIke.Model.Ios;

namespace PcapIke.Tests.Model;

/// <summary>The debug reader's line forms (docs/debug-logs.md, "Tolerance rules").</summary>
public class IosDebugLogTests
{
    [Theory]
    [InlineData("*Jun 20 13:00:37.609: ISAKMP:(1010): peer wants cert issued by cn=CA1,o=cisco,o=com", 6, 20, "13:00:37.609", '*', null)]
    [InlineData("000123: *Jun 20 13:00:37.609: ISAKMP:(1010): peer wants cert issued by cn=CA1,o=cisco,o=com", 6, 20, "13:00:37.609", '*', null)]
    [InlineData("Jun 20 2013 13:00:37.609 UTC: ISAKMP:(1010): peer wants cert issued by cn=CA1,o=cisco,o=com", 6, 20, "13:00:37.609", ' ', 2013)]
    [InlineData("<189>42: R1.example.com: .Dec  2 01:02:03: ISAKMP:(1010): peer wants cert issued by cn=CA1,o=cisco,o=com", 12, 2, "01:02:03.000", '.', null)]
    public void Date_stamps_in_every_form(string line, int month, int day, string time, char flag, int? year)
    {
        var e = Assert.Single(IosDebugLog.Read(line, "R1-debug.txt").Events);
        Assert.Equal(IosDebugEventKind.CertRequestReceived, e.Kind);
        Assert.Equal("cn=CA1,o=cisco,o=com", e.Dn);
        Assert.Equal(1010L, e.Connection);
        var s = e.Stamp!.Value;
        Assert.False(s.Uptime);
        Assert.Equal((month, day, time, flag, year), (s.Month, s.Day, s.TimeOfDay.ToString(@"hh\:mm\:ss\.fff"), s.Flag, s.Year));
        Assert.Equal("R1", e.Router);
    }

    [Theory]
    [InlineData("1d02h: ISAKMP:(0): SA request profile is prof1", 26 * 3600.0)]
    [InlineData("2w3d: ISAKMP:(0): SA request profile is prof1", 17 * 86400.0)]
    [InlineData("00:12:34: ISAKMP:(0): SA request profile is prof1", 754.0)]
    [InlineData("ISAKMP:(0): SA request profile is prof1", null)]
    public void Uptime_stamps_order_and_unstamped_lines_are_read(string line, double? seconds)
    {
        var e = Assert.Single(IosDebugLog.Read(line, "x.txt", "R9").Events);
        Assert.Equal(IosDebugEventKind.ProfileRequested, e.Kind);
        Assert.Equal("prof1", e.Profile);
        if (seconds is null) Assert.Null(e.Stamp);
        else
        {
            Assert.True(e.Stamp!.Value.Uptime);
            Assert.Equal(seconds.Value, e.Stamp.Value.Seconds());
        }
    }

    [Fact]
    public void A_line_with_no_DN_has_none_and_a_wrapped_DN_is_joined()
    {
        var log = IosDebugLog.Read("*Jun 17 18:08:44.335: ISAKMP:(1100): peer wants cert issued by\n*Jun 17 18:08:44.335: ISAKMP:(1100): peer wants cert issued by ou=Class 3\n  Public Primary Certification Authority,\n  o=VeriSign, Inc.,c=US\n", "R2.txt");
        Assert.Equal([null, "ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US"], log.Events.Select(e => e.Dn));
        Assert.Equal(0, log.UnknownLines);
    }
}
