using PcapIke.Analysis;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Pipeline;
using PcapIke.Tests.Analysis;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Exchanges.IkeForge;
using static PcapIke.Tests.TestSupport.AnalysisOutput;

namespace PcapIke.Tests.Exchanges;

/// <summary>
/// Issue 14: an SA whose only message is a clean first message keeps it as bytes and places it when the SA is needed
/// (<c>ExchangeCorrelator.Deferred.cs</c>). The analysis is the same as when every message is placed on arrival, byte
/// for byte, on every bundled and third-party capture and on a forged mix of everything that touches a first message:
/// answers, re-sends, COOKIE and INVALID_KE_PAYLOAD restarts, new attempts from the same initiator, IKEv1 Main and
/// Aggressive Mode, messages too long to defer, headerless IP fragments, idle timeouts and the cap of open SAs.
/// </summary>
public class DeferredFirstMessageTests
{
    public static TheoryData<string> Captures() => AnalysisThreadTests.Captures();

    /// <summary>How many SAs the correlator opened with a deferred first message.</summary>
    private static long Deferred(byte[] capture, bool defer, int maxLiveSas = ExchangeCorrelator.DefaultMaxLiveSas)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "capture", malformations);
        var correlator = new ExchangeCorrelator(onFinished: _ => { }) { DeferFirstMessages = defer, MaxLiveSas = maxLiveSas };
        CaptureDissector.Dissect(reader, malformations, correlator.Add);
        correlator.Complete();
        return correlator.FirstMessagesDeferred;
    }

    private static void AssertSameBothWays(byte[] capture, AnalysisOptions on)
    {
        var off = new AnalysisOptions
        {
            SecondThread = on.SecondThread, MaxLiveSas = on.MaxLiveSas, SaIdleTimeout = on.SaIdleTimeout, DeferFirstMessages = false,
        };
        string deferred = Json(Analyze(capture, on));
        Assert.Contains("\"sas\"", deferred, StringComparison.Ordinal);
        Assert.Equal(Json(Analyze(capture, off)), deferred);
        Assert.Equal(JsonLines(capture, off), JsonLines(capture, on));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Deferring_first_messages_changes_nothing_in_a_real_capture(string path) =>
        AssertSameBothWays(File.ReadAllBytes(path), new AnalysisOptions { SecondThread = false });

    /// <summary>Every way a first message meets what follows it, ten times over, each from its own initiator (an
    /// initiator's second attempt then finds its first still open and deferred).</summary>
    private static byte[] Mix()
    {
        var pcap = new PcapBuilder(linkType: 1);
        var frames = new List<(double T, byte[] Frame)>();
        void Udp(double t, string src, string dst, byte[] ike) =>
            frames.Add((t, Packets.Ethernet(Packets.IPv4Udp(src, dst, 500, 500, ike))));
        const string responder = "10.9.0.1";
        for (int i = 0; i < 100; i++)
        {
            string init = $"10.1.{i / 50}.{i % 50 + 1}";
            ulong spi = 0x5000_0000UL + (ulong)i * 16;
            double t = i * 3.0;
            byte[] request = Message(2, spi, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(i), NonceV2(i)]);
            switch (i % 10)
            {
                case 0: // answered, then IKE_AUTH both ways
                    Udp(t, init, responder, request);
                    Udp(t + 0.1, responder, init, Message(2, spi, spi + 1, IkeSaInit, FlagResponse, 0, [Ikev2Sa(), KeV2(i + 1), NonceV2(i + 1)]));
                    Udp(t + 0.2, init, responder, Message(2, spi, spi + 1, IkeAuth, FlagInitiator, 1, [Sk(300, i)]));
                    Udp(t + 0.3, responder, init, Message(2, spi, spi + 1, IkeAuth, FlagResponse, 1, [Sk(200, i)]));
                    break;
                case 1: // unanswered
                    Udp(t, init, responder, request);
                    break;
                case 2: // re-sent, same bytes
                    Udp(t, init, responder, request);
                    Udp(t + 1, init, responder, request);
                    Udp(t + 2.5, init, responder, request);
                    break;
                case 3: // COOKIE, then the restart with the same SPIi and the cookie
                    Udp(t, init, responder, request);
                    Udp(t + 0.1, responder, init, Message(2, spi, 0, IkeSaInit, FlagResponse, 0, [Notify(16390, Bytes(16, i))]));
                    Udp(t + 0.2, init, responder, Message(2, spi, 0, IkeSaInit, FlagInitiator, 0, [Notify(16390, Bytes(16, i)), Ikev2Sa(), KeV2(i), NonceV2(i)]));
                    break;
                case 4: // INVALID_KE_PAYLOAD, then a new SPIi
                    Udp(t, init, responder, request);
                    Udp(t + 0.1, responder, init, Message(2, spi, 0, IkeSaInit, FlagResponse, 0, [Notify(17, [0, 19])]));
                    Udp(t + 0.3, init, responder, Message(2, spi + 2, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(i + 7), NonceV2(i + 7)]));
                    break;
                case 5: // too long to defer (over 2,048 bytes), unanswered
                    Udp(t, init, responder, Message(2, spi, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(i), NonceV2(i), Notify(16430, Bytes(2100, i))]));
                    break;
                case 6: // IKEv1 Main Mode: MM1 unanswered, then MM1 answered by MM2 and MM3
                    Udp(t, init, responder, Message(1, spi, 0, MainMode, 0, 0, [Ikev1Sa()]));
                    Udp(t + 0.5, init, responder, Message(1, spi + 3, 0, MainMode, 0, 0, [Ikev1Sa()]));
                    Udp(t + 0.6, responder, init, Message(1, spi + 3, spi + 4, MainMode, 0, 0, [Ikev1Sa()]));
                    Udp(t + 0.7, init, responder, Message(1, spi + 3, spi + 4, MainMode, 0, 0, [Ke(i), Nonce(i)]));
                    break;
                case 7: // IKEv1 Aggressive Mode, unanswered and re-sent
                {
                    byte[] am1 = Message(1, spi, 0, Aggressive, 0, 0, [Ikev1Sa(), Ke(i), Nonce(i)]);
                    Udp(t, init, responder, am1);
                    Udp(t + 2, init, responder, am1);
                    break;
                }
                case 8: // a request and, later, IP fragments of a datagram whose first fragment the capture lacks
                {
                    Udp(t, init, responder, request);
                    byte[] big = Packets.IPv4Udp(init, responder, 500, 500, Message(2, spi, 0, IkeSaInit, FlagInitiator, 0,
                        [Ikev2Sa(), KeV2(i), NonceV2(i), Notify(16430, Bytes(1500, i))]), id: (ushort)(0x4000 + i));
                    foreach (byte[] fragment in Packets.FragmentIPv4(big, 1480).Skip(1))
                        frames.Add((t + 0.4, Packets.Ethernet(fragment)));
                    break;
                }
                default: // unanswered, and a second attempt of another SPIi 1 s later (a new attempt of the same initiator)
                    Udp(t, init, responder, request);
                    Udp(t + 1, init, responder, Message(2, spi + 5, 0, IkeSaInit, FlagInitiator, 0, [Ikev2Sa(), KeV2(i + 9), NonceV2(i + 9)]));
                    break;
            }
        }
        const long start = 1_700_000_000;
        foreach (var (t, frame) in frames.OrderBy(f => f.T))
        {
            long micros = (long)Math.Round(t * 1_000_000);
            pcap.Record(start + micros / 1_000_000, micros % 1_000_000, frame);
        }
        return pcap.ToArray();
    }

    [Fact]
    public void Deferring_first_messages_changes_nothing_in_a_forged_mix()
    {
        byte[] capture = Mix();
        // most first messages are deferred (not the long ones, nor the attempts linked to an earlier one)
        Assert.InRange(Deferred(capture, defer: true), 60, 200);
        Assert.Equal(0, Deferred(capture, defer: false));
        AssertSameBothWays(capture, new AnalysisOptions { SecondThread = false });
        // SAs finished while the capture is read: idle after 10 s, then the cap
        AssertSameBothWays(capture, new AnalysisOptions { SecondThread = false, SaIdleTimeout = TimeSpan.FromSeconds(10) });
        AssertSameBothWays(capture, new AnalysisOptions { SecondThread = false, MaxLiveSas = 7 });
        AssertSameBothWays(capture, new AnalysisOptions { SecondThread = true, MaxLiveSas = 3, SaIdleTimeout = TimeSpan.FromSeconds(6) });
    }

    [Fact]
    public void The_mix_holds_what_it_is_meant_to()
    {
        var a = Analyze(Mix(), new AnalysisOptions { SecondThread = false });
        var sas = a.Sas.Select(s => s.Sa).ToList();
        Assert.Contains(sas, s => s.RetryKind == RetryKind.Restart);
        Assert.Contains(sas, s => s.RetryKind == RetryKind.NewAttempt);
        Assert.Contains(sas, s => s.Version == 1 && s.Messages.Count == 1 && s.Messages[0].Step == "MM1");
        Assert.Contains(sas, s => s.Version == 1 && s.Messages.Any(m => m.Step == "MM3"));
        Assert.Contains(sas, s => s.Messages.Any(m => m.Step == "AM1" && m.IsRetransmission));
        Assert.Contains(sas, s => s.Messages.Count(m => m.IsRetransmission) == 2);
        Assert.Contains(sas, s => s.HeaderlessDatagrams.Count > 0);
        Assert.Contains(sas, s => s.Messages.Any(m => m.Step == "IKE_AUTH response"));
        var capped = Analyze(Mix(), new AnalysisOptions { SecondThread = false, MaxLiveSas = 7 });
        Assert.Contains(capped.Sas, s => s.Sa.CutShort);
    }
}
