using PcapIke.DataPlane;
using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.Tests.DataPlane;

public class IpsecFlowTableTests
{
    private static readonly NetEndpoint A = new(NetAddress.FromIPAddress(System.Net.IPAddress.Parse("10.0.0.1")), 0);
    private static readonly NetEndpoint B = new(NetAddress.FromIPAddress(System.Net.IPAddress.Parse("10.0.0.2")), 0);

    private static IpsecPacket P(long frame, uint spi, uint seq, NetEndpoint? src = null, NetEndpoint? dst = null, int len = 100,
        IpsecProtocol proto = IpsecProtocol.Esp) =>
        new(frame, frame * 1_000_000_000L, src ?? A, dst ?? B, proto, spi, seq, len);

    [Fact]
    public void CountsPerSpiAndDirection_WithSequenceGapsResetsAndReordering()
    {
        var t = new IpsecFlowTable();
        uint[] seqs = [1, 2, 3, 7, 8, 6, 9, 1, 2];           // jump 3→7 (3 missing), 6 late, back to 1 = reset
        for (int i = 0; i < seqs.Length; i++) t.Add(P(i + 1, 0x100, seqs[i]));
        t.Add(P(20, 0x200, 1, B, A, len: 60));
        t.Add(P(21, 0x100, 10, B, A));                       // same SPI, other direction: its own entry

        var flows = t.Snapshot();
        Assert.Equal(3, flows.Count);
        var f = flows[0];
        Assert.Equal((9L, 900L, 1L, 9L, 1u, 2u, 2u), (f.Packets, f.Bytes, f.FirstFrame, f.LastFrame, f.FirstSequence, f.LastSequence, f.MaxSequence));
        Assert.Equal((3L, 1L, 4L, 1L, 1L, 8L), (f.Missing, f.Gaps, f.FirstGapFrame, f.OutOfOrder, f.Resets, f.FirstResetFrame));
        Assert.Equal((0x200u, 1L, 60L), (flows[1].Spi, flows[1].Packets, flows[1].Bytes));
        Assert.Equal(("10.0.0.2:0", 0x100u), (flows[2].Source.ToString(), flows[2].Spi));
        Assert.Equal(11, t.TotalPackets);
        Assert.Equal(21_000_000_000L, t.LastNanoseconds);
    }

    [Fact]
    public void RandomSpis_StayWithinTheCapacity_AndTheDroppedAreCounted()
    {
        var t = new IpsecFlowTable(capacity: 100);
        var rng = new Random(12);
        for (int i = 1; i <= 10_000; i++) t.Add(P(i, (uint)rng.Next(1, int.MaxValue), 1));
        Assert.Equal(100, t.Count);
        Assert.Equal(9_900, t.DroppedPackets);
        Assert.Equal(101, t.FirstDroppedFrame);
        // Known entries still count when the table is full.
        var first = t.Snapshot()[0];
        t.Add(new IpsecPacket(10_001, 0, first.Source, first.Destination, first.Protocol, first.Spi, 2, 100));
        Assert.Equal(2, t.Snapshot()[0].Packets);
        Assert.Equal(9_900, t.DroppedPackets);
    }

    [Fact]
    public void Add_AllocatesNothing_OnceTheEntriesExist()
    {
        var t = new IpsecFlowTable();
        for (uint s = 0; s < 50; s++) t.Add(P(1, 0x1000 + s, 1));
        for (uint s = 0; s < 50; s++) t.Add(P(2, 0x1000 + s, 2));      // warm
        // the least of three rounds: a JIT tier-up (on-stack replacement) in the first, under load, allocates once
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100_000; i++) t.Add(P(3 + i, 0x1000 + (uint)(i % 50), (uint)(3 + i / 50)));
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
        Assert.Equal(300_100, t.TotalPackets);
        Assert.Equal(50, t.Count);
    }

    [Fact]
    public void Between_ReturnsBothDirections_OfOnePair()
    {
        var c = new NetEndpoint(NetAddress.FromIPAddress(System.Net.IPAddress.Parse("10.9.9.9")), 0);
        var t = new IpsecFlowTable();
        t.Add(P(1, 1, 1)); t.Add(P(2, 2, 1, B, A)); t.Add(P(3, 3, 1, A, c));
        Assert.Equal([1u, 2u], t.Between(B.Address, A.Address).Select(f => f.Spi));
    }
}
