using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Analysis;

namespace PcapIke.Tests.TestSupport;

/// <summary>A run of ESP packets one way: <paramref name="Count"/> packets <paramref name="Interval"/> seconds apart,
/// starting <paramref name="Start"/> seconds after the capture's last original frame (negative: before it); as IP
/// protocol 50, or in UDP 4500 (RFC 3948) with <paramref name="Udp"/>.</summary>
internal sealed record EspRun(string Src, string Dst, uint Spi, double Start, int Count, double Interval = 1.0,
    bool Udp = false, uint FirstSequence = 1, int Body = 64);

/// <summary>
/// Edits a capture for the data-plane tests: drops its ESP/AH frames when asked and adds ESP runs (SPI and sequence
/// number as RFC 4303 §2, a patterned body standing for the ciphertext), written as a nanosecond pcap with the same link
/// type (Ethernet or raw IP), frames in time order.
/// </summary>
internal static class EspCaptureEditor
{
    public static byte[] Edit(string path, bool dropDataPlane, params EspRun[] runs) =>
        Edit(File.ReadAllBytes(path), dropDataPlane, runs);

    public static byte[] Edit(byte[] capture, bool dropDataPlane, params EspRun[] runs)
    {
        var records = Read.All(capture);
        var link = records[0].LinkType;
        Assert.True(link is LinkType.Ethernet or LinkType.Raw, $"the editor writes Ethernet or raw IP, not {link}");
        long last = records[^1].TimestampNanoseconds;
        var frames = records.Where(r => !dropDataPlane || !IsDataPlane(r)).Select(r => (r.TimestampNanoseconds, r.Data)).ToList();
        foreach (var run in runs)
            for (int i = 0; i < run.Count; i++)
            {
                var esp = new byte[8 + run.Body];
                BinaryPrimitives.WriteUInt32BigEndian(esp, run.Spi);
                BinaryPrimitives.WriteUInt32BigEndian(esp.AsSpan(4), run.FirstSequence + (uint)i);
                for (int j = 8; j < esp.Length; j++) esp[j] = (byte)(j * 31 + i);
                byte[] ip = run.Udp ? Packets.IPv4Udp(run.Src, run.Dst, 4500, 4500, esp) : Packets.IPv4(run.Src, run.Dst, 50, esp);
                long t = last + (long)Math.Round((run.Start + i * run.Interval) * 1e9);
                frames.Add((t, link == LinkType.Ethernet ? Packets.Ethernet(ip) : ip));
            }
        var pcap = new PcapBuilder((uint)link, nanos: true);
        foreach (var (t, data) in frames.OrderBy(f => f.Item1))     // stable: equal times keep their order
            pcap.Record(t / 1_000_000_000, t % 1_000_000_000, data);
        return pcap.ToArray();
    }

    /// <summary>IPv4 protocol 50/51, or UDP 4500 with a non-zero first word (no IP options or VLANs in these captures).</summary>
    private static bool IsDataPlane(RecordCopy r)
    {
        int ip = r.LinkType == LinkType.Ethernet ? 14 : 0;
        byte[] d = r.Data;
        if (d.Length < ip + 20 || d[ip] >> 4 != 4) return false;
        byte proto = d[ip + 9];
        if (proto is 50 or 51) return true;
        int udp = ip + (d[ip] & 15) * 4;
        return proto == 17 && d.Length >= udp + 12 && BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(udp + 2)) == 4500
            && BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(udp + 8)) != 0 && d.Length > udp + 9;
    }

    public static CaptureAnalysis Analyze(byte[] capture, AnalysisOptions? options = null)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "edited", malformations);
        return CaptureAnalyzer.Analyze(reader, malformations, options);
    }
}
