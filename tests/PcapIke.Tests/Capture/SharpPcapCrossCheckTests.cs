using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Tests.TestSupport;
using SharpPcap;
using SharpPcap.LibPcap;

namespace PcapIke.Tests.Capture;

/// <summary>Compares the managed reader with libpcap (through SharpPcap) on third-party captures: same frames,
/// byte for byte, and the same nanosecond timestamps. Needs libpcap0.8 (apt) and ../shared/captures.</summary>
public class SharpPcapCrossCheckTests
{
    public static TheoryData<string> SharedCaptureNames() => new()
    {
        "ikev1-certs.pcap", "ipsec-ikev1-isakmp-main-mode.pcap", "ipsec-ikev1-isakmp-aggressive-mode.pcap",
        "ipsec.cap", "ikev2-sa-init-weak-dh.pcap", "IPsec_ESP-AH_tunnel_mode.cap",
    };

    [Theory]
    [MemberData(nameof(SharedCaptureNames))]
    public void SharedCapture_ManagedReaderMatchesLibpcapFrameForFrame(string name)
    {
        string path = Path.Combine(TestPaths.SharedCaptures, name);
        Assert.True(File.Exists(path), $"{path} is missing from the shared captures folder");
        var expected = ReadWithLibpcap(path);
        var m = new MalformationList();
        using var reader = CaptureReader.Open(path, m);
        var actual = Read.All(reader);
        Assert.Empty(m.Items);
        Assert.NotEmpty(actual);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i + 1, actual[i].FrameNumber);
            Assert.Equal(expected[i].Ns, actual[i].TimestampNanoseconds);
            Assert.Equal(expected[i].Data, actual[i].Data);
        }
    }

    [Fact]
    public void SharedCaptureAsPcapng_ManagedReaderMatchesLibpcap()
    {
        string dir = TestPaths.NewTempDir();
        string src = Path.Combine(TestPaths.SharedCaptures, "ikev1-certs.pcap"), ng = Path.Combine(dir, "c.pcapng");
        Tool.Editcap("-F", "pcapng", src, ng);
        var expected = ReadWithLibpcap(ng);
        var actual = Read.All(File.ReadAllBytes(ng));
        Assert.Equal(expected.Select(e => (e.Ns, Convert.ToHexString(e.Data))),
                     actual.Select(a => (a.TimestampNanoseconds, Convert.ToHexString(a.Data))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NanosecondPcap_ManagedReaderMatchesLibpcapToTheNanosecond(bool bigEndian)
    {
        string path = Path.Combine(TestPaths.NewTempDir(), "ns.pcap");
        var b = new PcapBuilder(1, bigEndian, nanos: true);
        for (int i = 0; i < 10; i++)
            b.Record(1_700_000_000 + i, 999_999_990 + i % 10, Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Packets.IkeMessage(40 + i))));
        File.WriteAllBytes(path, b.ToArray());
        var expected = ReadWithLibpcap(path);
        var actual = Read.All(File.ReadAllBytes(path));
        Assert.Equal(1_700_000_000_999_999_990L, actual[0].TimestampNanoseconds);
        Assert.Equal(expected.Select(e => (e.Ns, Convert.ToHexString(e.Data))),
                     actual.Select(a => (a.TimestampNanoseconds, Convert.ToHexString(a.Data))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PcapngWithSeveralTsresolAndTsoffset_ManagedReaderMatchesLibpcap(bool bigEndian)
    {
        string path = Path.Combine(TestPaths.NewTempDir(), "res.pcapng");
        var frame = Packets.Ethernet(Packets.IPv4Udp("192.0.2.1", "192.0.2.2", 500, 500, Packets.IkeMessage(40)));
        var b = new PcapNgBuilder().Section(bigEndian)
            .Interface(1)                                   // 10^-6
            .Interface(1, tsresol: 9)                       // 10^-9
            .Interface(1, tsresol: 0x80 | 20)               // 2^-20
            .Interface(1, tsresol: 3, tsoffset: 1_000_000)  // 10^-3, +1e6 s
            .Epb(0, 1_700_000_000_123_456UL, frame)
            .Epb(1, 1_700_000_000_123_456_789UL, frame)
            .Epb(2, (1_700_000_000UL << 20) | 0x80000, frame)
            .Epb(3, 1_700_000_000_123UL, frame);
        File.WriteAllBytes(path, b.ToArray());
        var expected = ReadWithLibpcap(path);
        var actual = Read.All(File.ReadAllBytes(path));
        Assert.Equal([1_700_000_000_123_456_000L, 1_700_000_000_123_456_789L, 1_700_000_000_500_000_000L, 1_700_000_000_123_000_000L + 1_000_000_000_000_000L],
            actual.Select(a => a.TimestampNanoseconds));
        Assert.Equal(expected.Select(e => e.Ns), actual.Select(a => a.TimestampNanoseconds));
    }

    private static List<(long Ns, byte[] Data)> ReadWithLibpcap(string path)
    {
        var list = new List<(long, byte[])>();
        using var dev = new CaptureFileReaderDevice(path);
        try
        {
            dev.Open(new DeviceConfiguration { TimestampResolution = TimestampResolution.Nanosecond });
        }
        catch (DllNotFoundException e)
        {
            Assert.Fail($"libpcap is not installed ({e.Message}); install it with: apt-get install -y libpcap0.8");
        }
        GetPacketStatus st;
        while ((st = dev.GetNextPacket(out PacketCapture e)) == GetPacketStatus.PacketRead)
        {
            var tv = e.Header.Timeval;
            // PosixTimeval.Value is the time in seconds as a decimal, with nanosecond digits when opened with
            // TimestampResolution.Nanosecond (MicroSeconds is rounded to microseconds).
            list.Add(((long)(tv.Value * 1_000_000_000m), e.Data.ToArray()));
        }
        Assert.Equal(GetPacketStatus.NoRemainingPackets, st);
        return list;
    }
}
