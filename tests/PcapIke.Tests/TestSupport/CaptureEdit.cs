using System.Buffers.Binary;
using System.Security.Cryptography;
using PcapIke.Capture;
using PcapIke.Diagnostics;

namespace PcapIke.Tests.TestSupport;

/// <summary>One frame of an edited capture: its time, its bytes on the wire, and how many of them the capture keeps.</summary>
internal sealed record EditFrame(long Nanoseconds, byte[] Data);

/// <summary>
/// Makes the imperfect captures support engineers are handed from clean ones: frames dropped, one direction only, a
/// short snap length, re-sends under new IP IDs, a negotiation repeated with new SPIs, an extra message. Frames are
/// Ethernet II or raw IPv4 carrying UDP (what the bundled captures hold); IPv4 header checksums are recomputed and the
/// UDP checksum zeroed (RFC 768: zero means none) when a frame is changed. The corpus these edits make is
/// <see cref="ImperfectCaptures"/>; `tools/imperfect-captures.sh DIR` writes it out.
/// </summary>
internal sealed class CaptureEdit
{
    public LinkType LinkType { get; }
    public List<EditFrame> Frames { get; }
    /// <summary>Bytes kept of each frame when written (the capture's snap length); the original length is kept.</summary>
    public int SnapLength { get; private set; } = 262144;

    private CaptureEdit(LinkType linkType, List<EditFrame> frames)
    {
        LinkType = linkType;
        Frames = frames;
    }

    public static CaptureEdit Load(string path)
    {
        var frames = new List<EditFrame>();
        using var reader = CaptureReader.Open(path, new MalformationList());
        LinkType link = LinkType.Ethernet;
        while (reader.TryRead(out CaptureRecord r))
        {
            link = r.LinkType;
            frames.Add(new EditFrame(r.TimestampNanoseconds, r.Data.ToArray()));
        }
        return new CaptureEdit(link, frames);
    }

    public CaptureEdit Copy() => new(LinkType, Frames.ToList()) { SnapLength = SnapLength };

    /// <summary>Drops frames by their 1-based number.</summary>
    public CaptureEdit Drop(params int[] frameNumbers)
    {
        var drop = frameNumbers.ToHashSet();
        return new CaptureEdit(LinkType, Frames.Where((_, i) => !drop.Contains(i + 1)).ToList()) { SnapLength = SnapLength };
    }

    /// <summary>Keeps frames by their 1-based number, in that order.</summary>
    public CaptureEdit Keep(params int[] frameNumbers) =>
        new(LinkType, frameNumbers.Select(n => Frames[n - 1]).ToList()) { SnapLength = SnapLength };

    /// <summary>Keeps only the frames sent by <paramref name="ipv4"/> (a capture point that sees one direction).</summary>
    public CaptureEdit OnlyFrom(string ipv4)
    {
        byte[] a = System.Net.IPAddress.Parse(ipv4).GetAddressBytes();
        return new CaptureEdit(LinkType, Frames.Where(f => Ip(f.Data).Slice(12, 4).SequenceEqual(a)).ToList()) { SnapLength = SnapLength };
    }

    public CaptureEdit Snap(int bytes)
    {
        var c = Copy();
        c.SnapLength = bytes;
        return c;
    }

    /// <summary>Appends <paramref name="other"/>'s frames, shifted so its first frame comes <paramref name="after"/> the last of these.</summary>
    public CaptureEdit Then(CaptureEdit other, TimeSpan after)
    {
        long shift = Frames[^1].Nanoseconds + after.Ticks * 100 - other.Frames[0].Nanoseconds;
        return new CaptureEdit(LinkType, Frames.Concat(other.Frames.Select(f => f with { Nanoseconds = f.Nanoseconds + shift })).ToList())
            { SnapLength = SnapLength };
    }

    /// <summary>The same frames again, <paramref name="after"/> later, each IPv4 ID changed by <paramref name="idDelta"/>
    /// (a re-send is a new IP datagram) — the frames of a retransmission.</summary>
    public CaptureEdit Resend(TimeSpan after, ushort idDelta, params int[] frameNumbers)
    {
        long shift = after.Ticks * 100;
        var copies = frameNumbers.Select(n => Frames[n - 1]).Select(f => new EditFrame(f.Nanoseconds + shift, WithIpId(f.Data, idDelta))).ToList();
        var all = Frames.Concat(copies).OrderBy(f => f.Nanoseconds).ToList();
        return new CaptureEdit(LinkType, all) { SnapLength = SnapLength };
    }

    /// <summary>Every IKE header's initiator SPI / cookie <paramref name="from"/> replaced by <paramref name="to"/>, and the
    /// IKEv2 NAT_DETECTION_* hashes recomputed (RFC 7296 §2.23: SHA-1 of SPIi | SPIr | address | port) so the edit does
    /// not fake a NAT.</summary>
    public CaptureEdit WithInitiatorSpi(ulong from, ulong to)
    {
        var frames = Frames.Select(f =>
        {
            int ike = IkeOffset(f.Data);
            if (ike < 0 || BinaryPrimitives.ReadUInt64BigEndian(f.Data.AsSpan(ike)) != from) return f;
            byte[] d = (byte[])f.Data.Clone();
            var matched = NatDetectionMatches(d, ike);
            BinaryPrimitives.WriteUInt64BigEndian(d.AsSpan(ike), to);
            RewriteNatDetection(d, ike, matched);
            FixIpChecksum(d, IpOffset(d));
            return f with { Data = d };
        }).ToList();
        return new CaptureEdit(LinkType, frames) { SnapLength = SnapLength };
    }

    /// <summary>Inserts a copy of frame <paramref name="template"/> (same link, IP and UDP headers) carrying
    /// <paramref name="ike"/> instead of its IKE message, <paramref name="after"/> after frame <paramref name="afterFrame"/>.</summary>
    public CaptureEdit InsertLike(int template, byte[] ike, int afterFrame, TimeSpan after)
    {
        EditFrame t = Frames[template - 1];
        int at = IkeOffset(t.Data);
        byte[] d = new byte[at + ike.Length];
        t.Data.AsSpan(0, at).CopyTo(d);
        ike.CopyTo(d, at);
        int ip = IpOffset(d);
        int ihl = (d[ip] & 0x0F) * 4;
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(ip + 2), (ushort)(d.Length - ip));
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(ip + ihl + 4), (ushort)(d.Length - ip - ihl));
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(ip + ihl + 6), 0);
        FixIpChecksum(d, ip);
        var frames = Frames.ToList();
        frames.Insert(afterFrame, new EditFrame(Frames[afterFrame - 1].Nanoseconds + after.Ticks * 100, d));
        return new CaptureEdit(LinkType, frames) { SnapLength = SnapLength };
    }

    /// <summary>The IKE message of frame <paramref name="frame"/> (1-based), from its ISAKMP header to the end of the frame.</summary>
    public byte[] Ike(int frame) => Frames[frame - 1].Data.AsSpan(IkeOffset(Frames[frame - 1].Data)).ToArray();

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var w = new PcapFileWriter(File.Create(path), LinkType, SnapLength, ownsStream: true);
        foreach (EditFrame f in Frames)
            w.Write(DateTimeOffset.UnixEpoch.AddTicks(f.Nanoseconds / 100), f.Data);
    }

    // ---- frame surgery ----------------------------------------------------------------------------------------

    private int IpOffset(byte[] frame) => LinkType == LinkType.Ethernet ? 14 : 0;

    private ReadOnlySpan<byte> Ip(byte[] frame) => frame.AsSpan(IpOffset(frame));

    /// <summary>Offset of the ISAKMP header in an unfragmented UDP frame (after the non-ESP marker on 4500), or -1.</summary>
    private int IkeOffset(byte[] d)
    {
        int ip = IpOffset(d);
        if (d.Length < ip + 20 || d[ip] >> 4 != 4 || d[ip + 9] != 17 || (BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(ip + 6)) & 0x3FFF) != 0)
            return -1;
        int udp = ip + (d[ip] & 0x0F) * 4;
        int at = udp + 8;
        if (BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(udp)) == 4500 || BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(udp + 2)) == 4500)
            at += 4;
        return d.Length >= at + 28 ? at : -1;
    }

    private byte[] WithIpId(byte[] frame, ushort delta)
    {
        byte[] d = (byte[])frame.Clone();
        int ip = IpOffset(d);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(ip + 4), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(ip + 4)) + delta));
        FixIpChecksum(d, ip);
        return d;
    }

    private static void FixIpChecksum(byte[] d, int ip)
    {
        int ihl = (d[ip] & 0x0F) * 4;
        d[ip + 10] = d[ip + 11] = 0;
        uint sum = 0;
        for (int i = 0; i < ihl; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(ip + i));
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(ip + 10), (ushort)~sum);
        // the UDP checksum covers the IKE bytes that changed: zero means "none" (RFC 768)
        if (d[ip + 9] == 17 && (BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(ip + 6)) & 0x1FFF) == 0)
            BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(ip + ihl + 6), 0);
    }

    /// <summary>Offsets of the NAT_DETECTION_* notifies whose hash matches the frame (a faked or NATed one stays as it is).</summary>
    private HashSet<int> NatDetectionMatches(byte[] d, int ike)
    {
        var matched = new HashSet<int>();
        WalkNatDetection(d, ike, (at, hash) => { if (d.AsSpan(at + 8, 20).SequenceEqual(hash)) matched.Add(at); });
        return matched;
    }

    private void RewriteNatDetection(byte[] d, int ike, HashSet<int> matched) =>
        WalkNatDetection(d, ike, (at, hash) => { if (matched.Contains(at)) hash.CopyTo(d, at + 8); });

    private void WalkNatDetection(byte[] d, int ike, Action<int, byte[]> onNotify)
    {
        if (d[ike + 17] >> 4 != 2) return;    // IKEv2 only
        int ip = IpOffset(d);
        int udp = ip + (d[ip] & 0x0F) * 4;
        byte next = d[ike + 16];
        int at = ike + 28, end = Math.Min(d.Length, ike + (int)BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(ike + 24)));
        while (next != 0 && at + 4 <= end)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(at + 2));
            if (length < 4 || at + length > end) break;
            if (next == 41 && length >= 8 + 20)
            {
                ushort type = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(at + 6));
                if (type is 16388 or 16389 && d[at + 5] == 0)
                {
                    // SOURCE hashes the sender's address and port, DESTINATION the receiver's
                    int addr = type == 16388 ? ip + 12 : ip + 16;
                    int port = type == 16388 ? udp : udp + 2;
                    byte[] input = [.. d.AsSpan(ike, 16), .. d.AsSpan(addr, 4), .. d.AsSpan(port, 2)];
                    onNotify(at, SHA1.HashData(input));
                }
            }
            next = d[at];
            at += length;
        }
    }

    /// <summary>Overwrites bytes of the IKE message of frame <paramref name="frame"/> (1-based) at <paramref name="offset"/>
    /// from the ISAKMP header.</summary>
    public CaptureEdit PatchIke(int frame, int offset, params byte[] bytes)
    {
        var frames = Frames.ToList();
        byte[] d = (byte[])frames[frame - 1].Data.Clone();
        int ike = IkeOffset(d);
        bytes.CopyTo(d, ike + offset);
        FixIpChecksum(d, IpOffset(d));
        frames[frame - 1] = frames[frame - 1] with { Data = d };
        return new CaptureEdit(LinkType, frames) { SnapLength = SnapLength };
    }
}
