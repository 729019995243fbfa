using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Frames;

/// <summary>RFC 8229 (IKE over TCP) deframing on reassembled TCP streams.</summary>
public class FrameDecoderTcpTests
{
    private const byte Syn = 0x02, Ack = 0x10, Fin = 0x01, Psh = 0x08;
    private static readonly byte[] Ike1 = Packets.IkeMessage(300, seed: 1);
    private static readonly byte[] Ike2 = Packets.IkeMessage(900, seed: 2);
    private readonly MalformationList _m = new();
    private readonly RecordingSink _sink = new();
    private readonly FrameDecoder _decoder;
    private long _frame;

    public FrameDecoderTcpTests() => _decoder = new FrameDecoder("t", _m);

    /// <summary>Length (2, counting itself) + Non-ESP Marker (4) + IKE message (RFC 8229 section 3).</summary>
    private static byte[] Framed(byte[] ike)
    {
        var b = new byte[6 + ike.Length];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)b.Length);
        ike.CopyTo(b, 6);
        return b;
    }

    private static byte[] Tcp(uint seq, byte flags, byte[] payload, ushort sport = 40000, ushort dport = 4500)
    {
        var t = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(t, sport);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), seq);
        t[12] = 5 << 4; t[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(14), 65535);
        payload.CopyTo(t, 20);
        return Packets.Ethernet(Packets.IPv4("192.0.2.1", "192.0.2.2", 6, t));
    }

    private FrameKind Send(byte[] frame) => Read.Frame(_decoder, _sink, LinkType.Ethernet, frame, ++_frame);

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void Tcp_StreamWithIketcpPrefix_YieldsEachIkeMessageInPlaceOrCopied()
    {
        var stream = Cat("IKETCP"u8.ToArray(), Framed(Ike1), Framed(Ike2));
        int cut = 6 + 306 + 100;
        Assert.Equal(FrameKind.IkeTcpSegment, Send(Tcp(1000, Syn, [])));
        Assert.Equal(FrameKind.Ike, Send(Tcp(1001, Ack | Psh, stream[..cut])));
        Assert.Equal(FrameKind.Ike, Send(Tcp(1001 + (uint)cut, Ack | Psh, stream[cut..])));
        Assert.Empty(_m.Items);
        Assert.Equal([Ike1, Ike2], _sink.Items.Select(d => d.Message));
        Assert.Equal([IkeTransport.Tcp, IkeTransport.Tcp], _sink.Items.Select(d => d.Transport));
        Assert.Equal(14 + 20 + 20 + 6 + 6, _sink.Items[0].MessageOffsetInFrame);
        Assert.Equal(-1, _sink.Items[1].MessageOffsetInFrame);
        Assert.Equal([2L, 3L], _sink.Items.Select(d => d.FrameNumber));
        Assert.Equal("192.0.2.1:40000", _sink.Items[0].Source.ToString());
        Assert.Equal("192.0.2.2:4500", _sink.Items[0].Destination.ToString());
    }

    [Fact]
    public void Tcp_SegmentsOutOfOrderWithRetransmission_AreDeframedInStreamOrder()
    {
        var stream = Cat("IKETCP"u8.ToArray(), Framed(Ike1), Framed(Ike2));
        Send(Tcp(0xFFFF_FF00, Syn, []));                    // sequence numbers wrap inside this stream
        uint s0 = 0xFFFF_FF01;
        var parts = new[] { (0, 200), (200, 700), (700, stream.Length) };
        byte[] Seg(int i) => Tcp(s0 + (uint)parts[i].Item1, Ack, stream[parts[i].Item1..parts[i].Item2]);
        Assert.Equal(FrameKind.IkeTcpSegment, Send(Seg(0)));
        Assert.Equal(FrameKind.IkeTcpSegment, Send(Seg(2)));     // ahead of a gap: held
        Assert.Equal(FrameKind.Ike, Send(Seg(1)));               // fills the gap; both messages complete
        Assert.Equal(FrameKind.IkeTcpSegment, Send(Seg(1)));     // a retransmission changes nothing
        Assert.Empty(_m.Items);
        Assert.Equal([Ike1, Ike2], _sink.Items.Select(d => d.Message));
    }

    [Fact]
    public void Tcp_CaptureStartingMidStream_SynchronisesOnAWellFormedMessage()
    {
        // Responder to initiator, no SYN seen, no prefix in this direction.
        Assert.Equal(FrameKind.IkeTcpSegment, Send(Tcp(5000, Ack, Framed(Ike1)[10..], 4500, 40000)));   // mid-message: ignored
        Assert.Equal(FrameKind.Ike, Send(Tcp(6000, Ack, Cat(Framed(Ike2), Framed(Ike1)), 4500, 40000)));
        Assert.Equal([Ike2, Ike1], _sink.Items.Select(d => d.Message));
        Assert.Empty(_m.Items);
    }

    [Fact]
    public void Tcp_EspInStream_IsEsp()
    {
        var esp = new byte[2 + 40];
        BinaryPrimitives.WriteUInt16BigEndian(esp, (ushort)esp.Length);
        esp[5] = 7;                                           // SPI 7
        Send(Tcp(0, Syn, []));
        Assert.Equal(FrameKind.Esp, Send(Tcp(1, Ack, Cat("IKETCP"u8.ToArray(), esp))));
        Assert.Empty(_sink.Items);
    }

    [Fact]
    public void Tcp_MessageLengthBelowSix_IsReportedAtItsOffsetAndTheStreamResynchronises()
    {
        Send(Tcp(0, Syn, []));
        Assert.Equal(FrameKind.Malformed, Send(Tcp(1, Ack, Cat("IKETCP"u8.ToArray(), [0, 3, 0, 0, 0, 0]))));
        var bad = Assert.Single(_m.Items);
        Assert.Equal((2L, 14L + 20 + 20 + 6, MalformationLayer.Transport), (bad.Frame, bad.Offset, bad.Layer));
        Assert.Equal(FrameKind.Ike, Send(Tcp(13, Ack, Framed(Ike1))));
        Assert.Equal(Ike1, Assert.Single(_sink.Items).Message);
    }

    [Fact]
    public void Tcp_FinInsideAMessage_IsReported()
    {
        Send(Tcp(0, Syn, []));
        Send(Tcp(1, Ack, Framed(Ike2)[..500]));
        Send(Tcp(501, Ack | Fin, []));
        Assert.Contains("ended inside a message", Assert.Single(_m.Items).Reason);
        Assert.Equal(0, _decoder.TcpFlows);
    }

    [Fact]
    public void Tcp_OnOtherPorts_IsOtherTransport()
    {
        Assert.Equal(FrameKind.OtherTransport, Send(Tcp(1, Ack, Framed(Ike1), 40000, 443)));
        Assert.Equal(0, _decoder.TcpFlows);
    }
}
