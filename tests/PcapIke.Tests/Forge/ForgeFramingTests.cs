using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Forge;

/// <summary>How the forge frames its datagrams: Ethernet or raw IP, IPv4 fragments above the link MTU, pcap records
/// that PcapIke's reader and tshark read back.</summary>
public class ForgeFramingTests
{
    /// <summary>S7 with IKEv2 fragmentation off on a 576-octet Ethernet link: IKE_AUTH must go as IPv4 fragments.</summary>
    private static ForgeResult SmallMtuWithoutIkeFragmentation()
    {
        Scenario s = ForgedCaptures.Scenario("S7-ikev2-symmetric");
        s = s with
        {
            Link = new LinkSpec(576, CaptureLink.Ethernet),
            Routers = s.Routers.Select(r => r with { Ikev2 = r.Ikev2! with { Fragmentation = false } }).ToArray(),
        };
        return Forger.Run(s);
    }

    private static (List<(long Frame, byte[] Message)> Messages, List<CaptureRecordCopy> Frames, int Malformations) ReadBack(byte[] pcap)
    {
        string path = Path.Combine(TestPaths.NewTempDir(), "forged.pcap");
        File.WriteAllBytes(path, pcap);
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(path, malformations);
        var decoder = new FrameDecoder(path, malformations);
        var sink = new Sink();
        var frames = new List<CaptureRecordCopy>();
        while (reader.TryRead(out var record))
        {
            frames.Add(new CaptureRecordCopy(record.LinkType, record.Data.ToArray()));
            decoder.Decode(record, sink);
        }
        return (sink.Messages, frames, malformations.Items.Count);
    }

    internal sealed record CaptureRecordCopy(LinkType LinkType, byte[] Data);

    private sealed class Sink : IIkeDatagramSink
    {
        public List<(long, byte[])> Messages { get; } = new();
        public void OnIkeDatagram(in IkeDatagram d) => Messages.Add((d.FrameNumber, d.Message.ToArray()));
    }

    [Fact]
    public void LargeMessages_AreIpFragmentedAtTheMtu_AndReassembleToTheDatagrams()
    {
        ForgeResult result = SmallMtuWithoutIkeFragmentation();
        var datagrams = result.Negotiations.SelectMany(n => n.Datagrams).ToList();
        Assert.Equal(4, datagrams.Count); // IKE_SA_INIT pair, IKE_AUTH pair: no SKF fragments
        var (messages, frames, malformations) = ReadBack(Forger.CaptureBytes(result));
        Assert.Equal(0, malformations);
        Assert.Equal(datagrams.Select(d => d.Message), messages.Select(m => m.Message));
        Assert.True(frames.Count > datagrams.Count, $"{frames.Count} frames: IKE_AUTH was not fragmented");
        Assert.All(frames, f =>
        {
            Assert.Equal(LinkType.Ethernet, f.LinkType);
            Assert.True(f.Data.Length - 14 <= 576, $"an IP packet of {f.Data.Length - 14} octets exceeds the MTU");
            Assert.Equal(0xAA, f.Data[6]); // IOU-style source MAC aabb.cc00.0N00
        });
        // Fragment offsets are in 8-octet units and every fragment but the last has More Fragments set.
        var byId = frames.GroupBy(f => BinaryPrimitives.ReadUInt16BigEndian(f.Data.AsSpan(14 + 4))).ToList();
        Assert.Equal(datagrams.Count, byId.Count);
        foreach (var g in byId.Where(g => g.Count() > 1))
        {
            int expectedOffset = 0;
            var parts = g.ToList();
            for (int i = 0; i < parts.Count; i++)
            {
                ushort flagsOffset = BinaryPrimitives.ReadUInt16BigEndian(parts[i].Data.AsSpan(14 + 6));
                Assert.Equal(i + 1 < parts.Count, (flagsOffset & 0x2000) != 0);
                Assert.Equal(expectedOffset, (flagsOffset & 0x1FFF) * 8);
                expectedOffset += parts[i].Data.Length - 14 - 20;
            }
        }
    }

    [Fact]
    public void IpFragmentedCapture_TsharkReassemblesAndDecrypts()
    {
        ForgeResult result = SmallMtuWithoutIkeFragmentation();
        string dir = TestPaths.NewTempDir();
        Forger.Write(result, Path.Combine(dir, "capture.pcap"));
        string output = Tool.TsharkWithKeys([Path.Combine(dir, "ikev2_decryption_table")],
            "-r", Path.Combine(dir, "capture.pcap"), "-V", "-o", "ip.defragment:TRUE");
        Assert.DoesNotContain("[Malformed", output);
        Assert.DoesNotContain("Expert Info (Error", output);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(output, @"Integrity Checksum Data: .*\[correct\]").Count);
        Assert.Contains("Identification Data:192.168.0.1", output);
        Assert.Contains("Identification Data:192.168.0.2", output);
    }

    [Fact]
    public void PcapFileWriter_RecordsReadBackWithTheirTimes()
    {
        var ms = new MemoryStream();
        var t0 = new DateTimeOffset(2013, 6, 20, 12, 0, 37, 610, TimeSpan.Zero);
        using (var w = new PcapFileWriter(ms, LinkType.Raw))
        {
            w.Write(t0, [0x45, 0, 0, 20, 0, 0, 0, 0, 255, 17, 0, 0, 192, 168, 0, 1, 192, 168, 0, 2]);
            w.Write(t0.AddTicks(12_340), new byte[3]);
        }
        string path = Path.Combine(TestPaths.NewTempDir(), "w.pcap");
        File.WriteAllBytes(path, ms.ToArray());
        using var reader = CaptureReader.Open(path, new MalformationList());
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(LinkType.Raw, first.LinkType);
        Assert.Equal(20, first.Data.Length);
        long ns0 = first.TimestampNanoseconds;
        Assert.Equal((t0.UtcDateTime - DateTime.UnixEpoch).Ticks * 100, ns0);
        Assert.True(reader.TryRead(out var second));
        Assert.Equal(1_234_000, second.TimestampNanoseconds - ns0); // microsecond resolution
        Assert.False(reader.TryRead(out _));
    }
}
