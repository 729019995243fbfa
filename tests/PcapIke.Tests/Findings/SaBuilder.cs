using System.Buffers.Binary;
using System.Net;
using PcapIke.Exchanges;
using PcapIke.Frames;
using PcapIke.Ike;
using PcapIke.Pipeline;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Findings;

/// <summary>Real IKE message bytes for rule tests (RFC 2408 §3.1 / RFC 7296 §3.1 headers, chained payloads).</summary>
internal static class IkeBytes
{
    public const ulong CookieI = 0x1122334455667788, CookieR = 0x99aabbccddeeff00;

    public static byte[] V1(byte exchange, bool encrypted, uint messageId, ulong cookieR, params (byte Type, byte[] Body)[] payloads) =>
        Build(0x10, exchange, (byte)(encrypted ? 1 : 0), messageId, cookieR, payloads);

    public static byte[] V1Encrypted(byte exchange, uint messageId, int bodyLength) =>
        [.. Header(0x10, exchange, 1, messageId, CookieR, exchange == 32 ? (byte)8 : (byte)5, 28 + bodyLength), .. Filler(bodyLength)];

    /// <summary>IKEv1 notify body (RFC 2408 §3.14): DOI IPsec, protocol ISAKMP, no SPI.</summary>
    public static (byte, byte[]) V1Notify(ushort type) => (11, [0, 0, 0, 1, 1, 0, (byte)(type >> 8), (byte)type]);

    /// <summary>IKEv1 delete (RFC 2408 §3.15) of the ISAKMP SA: the two cookies as its 16-byte SPI.</summary>
    public static (byte, byte[]) V1DeleteIsakmp()
    {
        var b = new byte[8 + 16];
        b[3] = 1; b[4] = 1; b[5] = 16; b[7] = 1;
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), CookieI);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(16), CookieR);
        return (12, b);
    }

    /// <summary>IKEv2 IKE_SA_INIT (34) with a 32-byte nonce, or IKE_AUTH (35) with an SK payload of random bytes.</summary>
    public static byte[] V2(byte exchange, bool response, uint messageId, int skLength = 200)
    {
        byte flags = (byte)(response ? 0x20 : 0x08);
        ulong spiR = exchange == 34 && !response ? 0 : CookieR;
        return exchange == 34
            ? Build(0x20, exchange, flags, messageId, spiR, [(40, Filler(32))])
            : Build(0x20, exchange, flags, messageId, spiR, [(46, Filler(skLength))], skNext: 35);
    }

    private static byte[] Build(byte version, byte exchange, byte flags, uint messageId, ulong cookieR, (byte Type, byte[] Body)[] payloads, byte skNext = 0)
    {
        int length = 28 + payloads.Sum(p => 4 + p.Body.Length);
        var m = new List<byte>(Header(version, exchange, flags, messageId, cookieR, payloads[0].Type, length));
        for (int i = 0; i < payloads.Count(); i++)
        {
            byte next = i + 1 < payloads.Length ? payloads[i + 1].Type : payloads[i].Type == 46 ? skNext : (byte)0;
            int len = 4 + payloads[i].Body.Length;
            m.AddRange([next, 0, (byte)(len >> 8), (byte)len]);
            m.AddRange(payloads[i].Body);
        }
        return m.ToArray();
    }

    private static byte[] Header(byte version, byte exchange, byte flags, uint messageId, ulong cookieR, byte first, int length)
    {
        var h = new byte[28];
        BinaryPrimitives.WriteUInt64BigEndian(h, CookieI);
        BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(8), cookieR);
        h[16] = first; h[17] = version; h[18] = exchange; h[19] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(20), messageId);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(24), (uint)length);
        return h;
    }

    private static byte[] Filler(int n)
    {
        var b = new byte[n];
        new Random(n).NextBytes(b);
        return b;
    }
}

/// <summary>Builds an <see cref="IkeSa"/> the way the correlator would, from real IKE bytes, for rule tests.</summary>
internal sealed class SaBuilder
{
    private static readonly NetEndpoint I = new(NetAddress.FromIPAddress(IPAddress.Parse("192.168.0.1")), 500);
    private static readonly NetEndpoint R = new(NetAddress.FromIPAddress(IPAddress.Parse("192.168.0.2")), 500);
    private long _frame;
    private long _t = 1_700_000_000L * 1_000_000_000;

    public IkeSa Sa { get; }

    public SaBuilder(int version, NetEndpoint? initiator = null, NetEndpoint? responder = null) =>
        Sa = new IkeSa { Id = 1, Version = version, Initiator = initiator ?? I, Responder = responder ?? R, SpiI = IkeBytes.CookieI, SpiR = IkeBytes.CookieR };

    /// <summary>Adds a message <paramref name="afterSeconds"/> after the previous one; frames are numbered 1, 2, ...</summary>
    public SaMessage Add(Role sender, ExchangeKind exchange, string step, byte[] ike, double afterSeconds = 0.005,
        RetransmissionKind retransmission = RetransmissionKind.None, int ipFragments = 1, int? ipLength = null)
    {
        _t += (long)Math.Round(afterSeconds * 1e9);
        long frame = _frame += ipFragments;
        var (src, dst) = sender == Role.Initiator ? (Sa.Initiator, Sa.Responder) : (Sa.Responder, Sa.Initiator);
        var dm = new DissectedMessage(frame, _t, src, dst, IkeTransport.Udp, ipLength ?? 28 + ike.Length, ipFragments,
            frame - ipFragments + 1, IkeMessageDissection.Dissect(ike));
        var original = retransmission == RetransmissionKind.None ? null
            : Sa.Messages.LastOrDefault(m => m.Step == step && m.Sender == sender && !m.IsRetransmission);
        var m = new SaMessage { Message = dm, Sender = sender, Exchange = exchange, Step = step, Retransmission = retransmission, RetransmissionOf = original };
        Sa.Messages.Add(m);
        Sa.LastStep = step;
        foreach (var n in dm.Ike.Payloads.Select(p => p.Details).OfType<NotifyDetails>())
            Sa.Notifies.Add(new NotifyEntry(frame, sender, step, n.TypeRaw, n.TypeName, n.TypeRaw < 16384));
        return m;
    }

    /// <summary>Adds a technote frame, with its CERT_REQs appended to the sender's list.</summary>
    public SaMessage Add(TechnoteFrame f, Role sender, ExchangeKind exchange, RetransmissionKind retransmission = RetransmissionKind.None,
        int ipFragments = 1)
    {
        _t = f.TimestampNanoseconds;
        var m = Add(sender, exchange, f.Step, f.Ike, 0, retransmission, ipFragments, f.IpLength);
        if (retransmission == RetransmissionKind.None)
        {
            var list = sender == Role.Initiator ? Sa.InitiatorCertRequests : Sa.ResponderCertRequests;
            foreach (var cr in m.Message.Ike.Payloads.Select(p => p.Details).OfType<CertificateRequestDetails>())
                list.Add(new CertRequestEntry(list.Count, m.Frame, m.Step, cr.EncodingRaw, cr.DnIos, cr.DnRfc4514, null, null));
        }
        return m;
    }

    /// <summary>Sets the outcome; the capture ends <paramref name="observedAfter"/> seconds after the last message.</summary>
    public IkeSa Done(SaOutcome outcome, string detail = "", double observedAfter = 0)
    {
        Sa.Outcome = outcome;
        Sa.OutcomeDetail = detail;
        Sa.ObservedUntilNanoseconds = _t + (long)Math.Round(observedAfter * 1e9);
        ExchangeCorrelator.FindUnseen(Sa);
        return Sa;
    }
}

/// <summary>The technote's S1 and S2 correlated by hand as the correlator is specified to (steps, roles,
/// retransmissions, CERT_REQ lists, outcome), from the forged captures' real bytes.</summary>
internal static class TechnoteSas
{
    public static IkeSa S1(int upToFrame = int.MaxValue)
    {
        var b = new SaBuilder(1);
        foreach (var f in TechnoteCaptures.S1().Take(upToFrame))
        {
            bool fromR1 = f.Source == TechnoteCaptures.R1;
            b.Add(f, fromR1 ? Role.Initiator : Role.Responder, f.Step.StartsWith("QM") ? ExchangeKind.QuickMode : ExchangeKind.MainMode);
        }
        return b.Done(upToFrame >= 6 ? SaOutcome.Established : SaOutcome.Incomplete);
    }

    /// <param name="mm5Fragments">IP fragments per MM5 copy (1: as in the technote).</param>
    public static IkeSa S2(int mm5Fragments = 1)
    {
        var b = new SaBuilder(1);
        bool seenMm4 = false, seenMm5 = false;
        foreach (var f in TechnoteCaptures.S2())
        {
            var sender = f.Source == TechnoteCaptures.R2 ? Role.Initiator : Role.Responder;
            var kind = f.Step switch
            {
                "MM4" when seenMm4 => RetransmissionKind.ResentAfterRejectingNext,
                "MM5" when seenMm5 => RetransmissionKind.SameContent,
                _ => RetransmissionKind.None,
            };
            seenMm4 |= f.Step == "MM4";
            seenMm5 |= f.Step == "MM5";
            b.Add(f, sender, ExchangeKind.MainMode, kind, f.Step == "MM5" ? mm5Fragments : 1);
        }
        return b.Done(SaOutcome.Stalled, "at MM5: responder re-sent MM4 4 times over 30.0 s, initiator waited");
    }
}
