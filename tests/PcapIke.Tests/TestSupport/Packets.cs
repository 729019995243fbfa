using System.Buffers.Binary;
using System.Net;
using PacketDotNet;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;

namespace PcapIke.Tests.TestSupport;

/// <summary>Builds frames for tests: IP/UDP with PacketDotNet, link headers and IP fragments by hand.</summary>
internal static class Packets
{
    /// <summary>An IKEv2-looking message of <paramref name="length"/> bytes (ISAKMP header + a patterned body).</summary>
    public static byte[] IkeMessage(int length, byte seed = 1)
    {
        var m = new byte[length];
        for (int i = 0; i < length; i++) m[i] = (byte)(i * 7 + seed);
        for (int i = 0; i < 8; i++) m[i] = (byte)(0x10 + i + seed);           // initiator SPI, non-zero
        for (int i = 8; i < 16; i++) m[i] = 0;                                   // responder SPI
        m[16] = 33; m[17] = 0x20; m[18] = 34; m[19] = 0x08;                       // SA, v2.0, IKE_SA_INIT, I
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(20), 0);
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)length);
        return m;
    }

    public static byte[] IPv4Udp(string src, string dst, ushort sport, ushort dport, byte[] payload, ushort id = 0x1234)
    {
        var udp = new UdpPacket(sport, dport) { PayloadData = payload };
        var ip = new IPv4Packet(IPAddress.Parse(src), IPAddress.Parse(dst)) { PayloadPacket = udp, TimeToLive = 64, Id = id };
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    public static byte[] IPv6Udp(string src, string dst, ushort sport, ushort dport, byte[] payload)
    {
        var udp = new UdpPacket(sport, dport) { PayloadData = payload };
        var ip = new IPv6Packet(IPAddress.Parse(src), IPAddress.Parse(dst)) { PayloadPacket = udp, HopLimit = 64 };
        udp.UpdateUdpChecksum();
        return ip.Bytes;
    }

    /// <summary>An IPv4 packet with another protocol and a payload (for ESP, AH, TCP ...).</summary>
    public static byte[] IPv4(string src, string dst, byte protocol, byte[] payload)
    {
        var b = new byte[20 + payload.Length];
        b[0] = 0x45; BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)b.Length);
        b[8] = 64; b[9] = protocol;
        IPAddress.Parse(src).GetAddressBytes().CopyTo(b, 12);
        IPAddress.Parse(dst).GetAddressBytes().CopyTo(b, 16);
        payload.CopyTo(b, 20);
        SetIPv4Checksum(b);
        return b;
    }

    public static byte[] Ethernet(byte[] payload, ushort etherType = 0x0800, params ushort[] tagTypes)
    {
        var b = new List<byte> { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1 };
        ushort vid = 100;
        foreach (var t in tagTypes) { b.Add((byte)(t >> 8)); b.Add((byte)t); b.Add(0); b.Add((byte)vid++); }
        b.Add((byte)(etherType >> 8)); b.Add((byte)etherType);
        b.AddRange(payload);
        return b.ToArray();
    }

    public static void SetIPv4Checksum(byte[] ip)
    {
        int ihl = (ip[0] & 15) * 4;
        ip[10] = ip[11] = 0;
        uint sum = 0;
        for (int i = 0; i < ihl; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(i));
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), (ushort)~sum);
    }

    /// <summary>Splits an IPv4 datagram into fragments carrying <paramref name="size"/> data bytes each (a multiple
    /// of 8), copying the header into each and fixing length, flags, offset and checksum.</summary>
    public static List<byte[]> FragmentIPv4(byte[] datagram, int size)
    {
        int ihl = (datagram[0] & 15) * 4;
        int dataLen = datagram.Length - ihl;
        var list = new List<byte[]>();
        for (int off = 0; off < dataLen; off += size)
        {
            int n = Math.Min(size, dataLen - off);
            var f = new byte[ihl + n];
            Array.Copy(datagram, f, ihl);
            Array.Copy(datagram, ihl + off, f, ihl, n);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(2), (ushort)f.Length);
            bool more = off + n < dataLen;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(6), (ushort)((more ? 0x2000 : 0) | (off / 8)));
            SetIPv4Checksum(f);
            list.Add(f);
        }
        return list;
    }

    /// <summary>Splits an IPv6 packet without extension headers into fragments with a Fragment header.</summary>
    public static List<byte[]> FragmentIPv6(byte[] packet, int size, uint id)
    {
        byte next = packet[6];
        int dataLen = packet.Length - 40;
        var list = new List<byte[]>();
        for (int off = 0; off < dataLen; off += size)
        {
            int n = Math.Min(size, dataLen - off);
            var f = new byte[48 + n];
            Array.Copy(packet, f, 40);
            f[6] = 44;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(4), (ushort)(8 + n));
            f[40] = next;
            bool more = off + n < dataLen;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(42), (ushort)(off | (more ? 1 : 0)));
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(44), id);
            Array.Copy(packet, 40 + off, f, 48, n);
            list.Add(f);
        }
        return list;
    }
}

/// <summary>An owned copy of an <see cref="IkeDatagram"/>.</summary>
internal sealed record DatagramCopy(long FrameNumber, long TimestampNanoseconds, NetEndpoint Source, NetEndpoint Destination,
    IkeTransport Transport, byte[] Message, int MessageOffsetInFrame, int IpFragmentCount, long FirstFragmentFrame, int IpLength)
{
    public MessageGap Gap { get; init; }
    public string? GapDetail { get; init; }
    public int DeclaredLength { get; init; }
}

internal sealed class RecordingSink : IIkeDatagramSink
{
    public List<DatagramCopy> Items { get; } = new();
    public void OnIkeDatagram(in IkeDatagram d) => Items.Add(new DatagramCopy(d.FrameNumber, d.TimestampNanoseconds, d.Source,
        d.Destination, d.Transport, d.Message.ToArray(), d.MessageOffsetInFrame, d.IpFragmentCount, d.FirstFragmentFrame, d.IpLength)
        { Gap = d.Gap, GapDetail = d.GapDetail, DeclaredLength = d.DeclaredLength });
}

internal sealed class CountingSink : IIkeDatagramSink
{
    public long Count, Bytes;
    public void OnIkeDatagram(in IkeDatagram d) { Count++; Bytes += d.Message.Length; }
}

/// <summary>An owned copy of a <see cref="CaptureRecord"/>.</summary>
internal sealed record RecordCopy(long FrameNumber, long TimestampNanoseconds, LinkType LinkType, int InterfaceId,
    int OriginalLength, long FileOffset, byte[] Data);

internal static class Read
{
    public static List<RecordCopy> All(byte[] capture, MalformationList? malformations = null, string name = "test")
    {
        using var reader = CaptureReader.Open(new MemoryStream(capture), name, malformations ?? new MalformationList());
        return All(reader);
    }

    public static List<RecordCopy> All(CaptureReader reader)
    {
        var list = new List<RecordCopy>();
        while (reader.TryRead(out var r))
            list.Add(new RecordCopy(r.FrameNumber, r.TimestampNanoseconds, r.LinkType, r.InterfaceId, r.OriginalLength,
                r.FileOffset, r.Data.ToArray()));
        return list;
    }

    /// <summary>Decodes one frame given as bytes.</summary>
    public static FrameKind Frame(FrameDecoder decoder, IIkeDatagramSink sink, LinkType linkType, byte[] frame,
        long frameNumber = 1, long timestampNs = 1_700_000_000_000_000_000, int? originalLength = null)
    {
        var record = new CaptureRecord(frameNumber, timestampNs, linkType, 0, originalLength ?? frame.Length, 0, frame);
        return decoder.Decode(in record, sink);
    }

    /// <summary>Reads a whole capture and decodes every frame.</summary>
    public static (List<FrameKind> Kinds, RecordingSink Sink, MalformationList Malformations) Decode(byte[] capture,
        FrameDecoderOptions? options = null)
    {
        var m = new MalformationList();
        var sink = new RecordingSink();
        var kinds = new List<FrameKind>();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "test", m);
        var decoder = new FrameDecoder("test", m, options);
        while (reader.TryRead(out var r)) kinds.Add(decoder.Decode(in r, sink));
        decoder.Flush();
        return (kinds, sink, m);
    }
}
