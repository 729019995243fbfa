using System.Net;
using PcapIke.Reports;

namespace PcapIke.Tests.Reports;

/// <summary>The pseudonym scheme of <c>report --redact</c>: each kind its own numbered pseudonym, the same original
/// the same pseudonym everywhere, known values replaced as whole words in any text.</summary>
public sealed class ReportRedactorTests
{
    [Fact]
    public void Addresses_AreNumberedPerKind_AndStable()
    {
        var r = new ReportRedactor();
        Assert.Equal("10.255.0.1", r.Address(IPAddress.Parse("192.168.0.1")));
        Assert.Equal("10.255.0.2", r.Address(IPAddress.Parse("192.168.0.2")));
        Assert.Equal("10.255.0.1", r.Address(IPAddress.Parse("192.168.0.1")));
        Assert.Equal("2001:db8:ffff::3", r.Address(IPAddress.Parse("fe80::1")));
        Assert.Equal("spi-1", r.Spi(0x978cc3ea01bcc0a1));
        Assert.Equal("0000000000000000", r.Spi(0));   // a zero responder SPI says nothing
        Assert.Equal("sha1-1", r.Hash("317a420930e44ac58f1a1f92f189ee5a4a27baf1"));
    }

    [Fact]
    public void Dn_ReplacesEveryValue_KeepsTheTypes_AndCommasInsideValues()
    {
        var r = new ReportRedactor();
        Assert.Equal("cn=name-1,o=name-2,o=name-3", r.Dn("cn=CA1,o=cisco,o=com"));
        Assert.Equal("ou=name-4,o=name-5,c=name-6", r.Dn("ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US"));
        // Case does not make another pseudonym; an FQDN or address value gets its own kind.
        Assert.Equal("CN=name-1,O=name-2,O=name-3", r.Dn("CN=CA1,O=cisco,O=com"));
        Assert.Equal("2.5.4.5=name-7+1.2.840.113549.1.9.8=10.255.0.1+1.2.840.113549.1.9.2=host-1.example,CN=name-8",
            r.Dn("2.5.4.5=101+1.2.840.113549.1.9.8=192.168.0.2+1.2.840.113549.1.9.2=R2.cisco.com,CN=R2"));
        Assert.Equal([("", "cn", "a\\,b"), (",", "o", "x")], ReportRedactor.SplitDn("cn=a\\,b,o=x"));
        Assert.Empty(ReportRedactor.SplitDn("R2.cisco.com"));
    }

    [Fact]
    public void Text_ReplacesKnownValuesAsWholeWords_AndFindsAddressesHostsAndSpis()
    {
        var r = new ReportRedactor();
        r.Dn("cn=CA1,o=cisco,o=com");
        r.Name("R2");
        string text = r.Text("R2 [I2] CERT_REQ #1 (cn=CA1,o=cisco,o=com) from 192.168.0.9 at R2.cisco.com, user admin@vpn.example.org, " +
                             "SPI 978cc3ea01bcc0a1; R2s and CA10 stay; see capture.pcap; MODP_1024; 2013-06-17T17:08:14Z; ::1 and fe80::2");
        Assert.Equal("name-4 [I2] CERT_REQ #1 (cn=name-1,o=name-2,o=name-3) from 10.255.0.1 at host-1.example, user user-1@host-2.example, " +
                     "SPI spi-1; R2s and CA10 stay; see capture.pcap; MODP_1024; 2013-06-17T17:08:14Z; 2001:db8:ffff::2 and 2001:db8:ffff::3", text);
        // Pseudonyms are not redacted again.
        Assert.Equal(text, r.Text(text));
    }

    [Fact]
    public void Identity_And_Files()
    {
        var r = new ReportRedactor();
        Assert.Equal("host-1.example", r.Identity("R1.cisco.com"));
        Assert.Equal("10.255.0.1", r.Identity("192.168.0.1"));
        Assert.Equal("name-1", r.Identity("R1"));
        Assert.Equal("user-1@host-2.example", r.Identity("vpn@corp.example.com"));
        Assert.Equal("cn=name-2", r.Identity("cn=gw"));
        Assert.Equal("capture-1.pcap", r.File("/cases/acme/R1-debug.pcap", "capture"));
        Assert.Equal("keys-1", r.File("/cases/acme/ikev2_decryption_table", "keys"));
        Assert.Equal("capture-1.pcap", r.File("/cases/acme/R1-debug.pcap", "capture"));
        // The path and the file name are gone from any text too.
        Assert.Equal("read capture-1.pcap from capture-1.pcap", r.Text("read R1-debug.pcap from /cases/acme/R1-debug.pcap"));
    }

    [Fact]
    public void None_ChangesNothing()
    {
        var r = ReportRedactor.None;
        Assert.Equal("192.168.0.1", r.Address(IPAddress.Parse("192.168.0.1")));
        Assert.Equal("cn=CA1,o=cisco,o=com", r.Dn("cn=CA1,o=cisco,o=com"));
        Assert.Equal("/a/b.pcap", r.File("/a/b.pcap", "capture"));
        Assert.Equal("at R2.cisco.com", r.Text("at R2.cisco.com"));
    }
}
