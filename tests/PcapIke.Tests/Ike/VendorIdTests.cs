using PcapIke.Tests.TestSupport;
using System.Text.Json;
using PcapIke.Ike;
using static PcapIke.Tests.Ike.IkeTestData;

namespace PcapIke.Tests.Ike;

public class VendorIdTests
{
    public static TheoryData<string> EntryNames()
    {
        var data = new TheoryData<string>();
        foreach (VendorIdEntry e in VendorIds.Entries)
            data.Add(e.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(EntryNames))]
    public void EveryEntry_IsRecognizedByItsOwnBytes(string name)
    {
        VendorIdEntry entry = VendorIds.Entries.Single(e => e.Name == name);
        Assert.Same(entry, VendorIds.Find(entry.Bytes));
        if (entry.Match == VendorIdMatch.Prefix)
        {
            byte[] longer = entry.Bytes.Concat(new byte[] { 0x00, 0x00, 0x00, 0x05 }).ToArray();
            VendorIdEntry? found = VendorIds.Find(longer);
            Assert.NotNull(found);
            Assert.True(longer.AsSpan().StartsWith(found!.Bytes));
        }
        else
        {
            Assert.NotSame(entry, VendorIds.Find(entry.Bytes.Concat(new byte[] { 0x42 }).ToArray()));
        }
        Assert.False(string.IsNullOrWhiteSpace(entry.Source));
    }

    [Theory]
    [InlineData("4a131c81070358455c5728f20e95452f", "RFC 3947 Negotiation of NAT-Traversal in the IKE")]
    [InlineData("90cb80913ebb696e086381b5ec427b1f", "draft-ietf-ipsec-nat-t-ike-02\\n")]
    [InlineData("afcad71368a1f1c96b8696fc77570100", "RFC 3706 DPD (Dead Peer Detection)")]
    [InlineData("12f5f28c457168a9702d9fe274cc0100", "CISCO-UNITY 1.0")]
    [InlineData("09002689dfd6b712", "XAUTH")]
    [InlineData("09002689dfd6b71280a224dec33b81e5", "draft-beaulieu-ike-xauth-02.txt")]
    [InlineData("4048b7d56ebce88525e7de7f00d6c2d3", "IKE Fragmentation")]
    [InlineData("4048b7d56ebce88525e7de7f00d6c2d380000000", "IKE Fragmentation (Cisco, 80000000)")]
    [InlineData("4048b7d56ebce88525e7de7f00d6c2d3c0000000", "IKE Fragmentation")]
    [InlineData("882fe56d6fd20dbc2251613b2ebe5beb", "strongSwan")]
    [InlineData("1e2b516905991c7d7c96fcbfb587e46100000005", "MS NT5 ISAKMPOAKLEY (Windows Vista)")]
    [InlineData("434953434f2d44454c4554452d524541534f4e", "CISCO-DELETE-REASON")]
    [InlineData("434953434f2d44594e414d49432d524f555445", "CISCO-DYNAMIC-ROUTE")]
    [InlineData("464c455856504e2d535550504f52544544", "FLEXVPN-SUPPORTED")]
    [InlineData("4f45684c6441436563666100", "Openswan (project)")]
    [InlineData("4f452d4c69627265737761 6e2d332e3332", "Libreswan (3.6+)")]
    [InlineData("699369228741c6d4ca094c93e242c9de19e7b7c600000005000005 00", "Netscreen-6")]
    public void KnownVendorIds_AreNamed(string hex, string expected) =>
        Assert.Equal(expected, VendorIds.Describe(H(hex)));

    [Theory]
    [InlineData("")]
    [InlineData("11bdfe0278c89d7fb2add831d38cc76d")]
    [InlineData("4a131c81070358455c5728f20e95452e")]
    [InlineData("4a131c81070358455c5728f20e95452f00")] // exact entries do not match longer payloads
    public void UnknownVendorIds_AreNotNamed(string hex) => Assert.Null(VendorIds.Describe(H(hex)));

    [Theory]
    [InlineData("ikev1-certs.pcap")]
    [InlineData("ipsec.cap")]
    [InlineData("ipsec-ikev1-isakmp-main-mode.pcap")]
    [InlineData("ipsec-ikev1-isakmp-aggressive-mode.pcap")]
    public void CaptureVendorIds_AgreeWithWireshark(string capture)
    {
        List<(int Frame, byte[] Message)> messages = ReadIkeMessages(CapturePath(capture));
        List<JsonElement?> layers = TsharkJson.LoadIsakmpLayers(CapturePath(capture + ".tshark.json"), out JsonDocument doc);
        using (doc)
        {
            int compared = 0;
            foreach ((int frame, byte[] message) in messages)
            {
                var ws = TsharkJson.Flatten(layers[frame - 1]!.Value)
                    .Where(x => x.Name is "isakmp.vid_bytes" or "isakmp.vid_string")
                    .Select(x => x.Value.GetString()!).ToList();
                var wsVids = Enumerable.Range(0, ws.Count / 2).Select(i => (Bytes: ws[2 * i].Replace(":", ""), Name: ws[2 * i + 1])).ToList();
                var mine = IkeMessageDissection.Dissect(message).Payloads.Select(p => p.Details).OfType<VendorIdDetails>().ToList();
                Assert.Equal(wsVids.Count, mine.Count);
                for (int i = 0; i < mine.Count; i++)
                {
                    Assert.Equal(wsVids[i].Bytes, mine[i].Hex);
                    if (wsVids[i].Name == "Unknown Vendor ID")
                    {
                        // Deliberate difference: libreswan's "OE" prefix (Openswan) is named here, not by Wireshark 4.0.
                        Assert.True(mine[i].Name is null || mine[i].Name == "Openswan (project)", mine[i].Name);
                    }
                    else
                    {
                        // Wireshark puts the Unity version in the payload title, not in vid_string.
                        Assert.StartsWith(wsVids[i].Name, mine[i].Name);
                    }
                    compared++;
                }
            }
            Assert.True(compared > 0);
        }
    }
}
