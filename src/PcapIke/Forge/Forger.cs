using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using PacketDotNet;
using PcapIke.Capture;
using PcapIke.Decryption;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>What the forge made of a scenario: its PKI and its negotiations, in capture order.</summary>
public sealed record ForgeResult(Scenario Scenario, ForgedPki Pki, IReadOnlyList<ForgedNegotiation> Negotiations);

/// <summary>
/// The forge: turns a scenario into the negotiations two simulated IOS routers would have — the model decides each
/// (<see cref="DecisionEngine"/>: a <see cref="DecisionTrace"/>), <see cref="Ikev1Forge"/> / <see cref="Ikev2Forge"/>
/// write its messages with real keys and cryptography — and writes them as a capture with everything an engineer needs beside it: the Wireshark
/// key tables, the CA certificates, each router's running-config and <c>show crypto pki certificates</c>, and the
/// routers' decisions (<c>forge-log.txt</c>). Deterministic: the same scenario file gives byte-identical files.
/// </summary>
public static class Forger
{
    /// <summary>Time between the end of one negotiation and the start of the next one of the same capture.</summary>
    public static readonly TimeSpan NegotiationGap = TimeSpan.FromSeconds(30);

    /// <summary>Every negotiation of the scenario: the model decides (<see cref="DecisionEngine"/>), the forge writes.</summary>
    public static ForgeResult Run(Scenario scenario)
    {
        ForgedPki pki = ForgedPki.Create(scenario);
        var model = new ScenarioPki(scenario);
        var peers = scenario.Routers.ToDictionary(r => r.Name, r => new ForgePeer(pki, r), StringComparer.Ordinal);
        var negotiations = new List<ForgedNegotiation>();
        DateTimeOffset start = scenario.Start;
        for (int k = 0; k < scenario.Negotiations.Count; k++)
        {
            DecisionTrace trace = DecisionEngine.Run(scenario, scenario.Negotiations[k], start, k, model);
            ForgedNegotiation n = Forge(trace, peers[trace.Initiator], peers[trace.Responder]);
            negotiations.Add(n);
            start = n.Start + (n.Datagrams.Count > 0 ? n.Datagrams[^1].At : TimeSpan.Zero) + NegotiationGap;
        }
        return new ForgeResult(scenario, pki, negotiations);
    }

    /// <summary>The capture of one negotiation the model has already decided (<paramref name="trace"/>, e.g. a
    /// prediction), made with <paramref name="scenario"/>'s PKI: the forge follows the trace, it decides nothing.</summary>
    public static ForgeResult Run(Scenario scenario, DecisionTrace trace)
    {
        ForgedPki pki = ForgedPki.Create(scenario);
        var peers = scenario.Routers.ToDictionary(r => r.Name, r => new ForgePeer(pki, r), StringComparer.Ordinal);
        return new ForgeResult(scenario, pki, [Forge(trace, peers[trace.Initiator], peers[trace.Responder])]);
    }

    private static ForgedNegotiation Forge(DecisionTrace trace, ForgePeer initiator, ForgePeer responder) =>
        trace.Version == 2 ? Ikev2Forge.Run(trace, initiator, responder) : Ikev1Forge.Run(trace, initiator, responder);

    /// <summary>
    /// Writes the capture to <paramref name="capturePath"/> and the companion files into its folder: the key tables
    /// (only those with entries), <c>forge-log.txt</c>, each router's debug (<c>R1-debug.txt</c>) and <see cref="ForgeArtifacts"/>. Returns every path written, sorted.
    /// </summary>
    public static IReadOnlyList<string> Write(ForgeResult result, string capturePath)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(capturePath))!;
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        File.WriteAllBytes(capturePath, CaptureBytes(result));
        written.Add(capturePath);
        var utf8 = new UTF8Encoding(false);
        void Put(string name, string text)
        {
            string path = Path.Combine(dir, name);
            File.WriteAllText(path, text, utf8);
            written.Add(path);
        }
        var v1 = result.Negotiations.Where(n => n.Ikev1Keys is not null).Select(n => KeyTables.FormatIkev1(n.Ikev1Keys!)).ToArray();
        var v2 = result.Negotiations.Where(n => n.Ikev2Keys is not null).Select(n => KeyTables.FormatIkev2(n.Ikev2Keys!)).ToArray();
        if (v1.Length > 0) Put("ikev1_decryption_table", string.Concat(v1.Select(l => l + "\n")));
        if (v2.Length > 0) Put("ikev2_decryption_table", string.Concat(v2.Select(l => l + "\n")));
        Put("forge-log.txt", LogText(result));
        // What each router's terminal would show with debug crypto isakmp / ikev2 / pki on (docs/debug-logs.md):
        // the bundled input for `analyze R1-debug.txt R2-debug.txt`, wrapped at 80 columns as pasted.
        foreach (RouterSpec router in result.Scenario.Routers)
            Put($"{router.Name}-debug.txt", IosDebugText.Write(result.Negotiations.Select(n => n.Trace), router.Name, result.Scenario.Clock, width: 80));
        written.AddRange(ForgeArtifacts.Write(result.Pki, dir));
        written.Sort(StringComparer.Ordinal);
        return written;
    }

    /// <summary>The routers' decisions, negotiation by negotiation: a readable account of why the capture looks as it
    /// does (which rule chose each CERT_REQ list, trustpoint and profile).</summary>
    public static string LogText(ForgeResult result)
    {
        var b = new StringBuilder();
        b.Append("# ").Append(result.Scenario.Name).Append(": what each simulated router decided and why\n");
        b.Append("# Rules I1-I4 and V1-V4 are those of docs/selection-model.md.\n");
        foreach (ForgedNegotiation n in result.Negotiations)
        {
            b.Append('\n').Append($"## IKEv{n.Version} negotiation, {n.Initiator} initiates, {n.Start:yyyy-MM-dd HH:mm:ss.fff} UTC: {n.Outcome}\n");
            foreach (TraceLine line in n.Log)
                b.Append(line).Append('\n');
            b.Append("datagrams:\n");
            foreach (ForgedDatagram d in n.Datagrams)
                b.Append($"{d.At.TotalMilliseconds,12:0.000} ms {d.Sender} -> {d.Receiver} {d.Label} ({IpLength(d)} octets IP)\n");
        }
        return b.ToString();
    }

    /// <summary>The IP length of a datagram (20-octet IPv4 header + 8-octet UDP header + the IKE message).</summary>
    public static int IpLength(ForgedDatagram d) => 20 + 8 + d.Message.Length;

    /// <summary>The capture as pcap bytes: one frame per datagram (IPv4 fragments when it exceeds the link MTU).</summary>
    public static byte[] CaptureBytes(ForgeResult result)
    {
        Scenario s = result.Scenario;
        bool ethernet = s.Link.Capture == CaptureLink.Ethernet;
        using var ms = new MemoryStream();
        using (var w = new PcapFileWriter(ms, ethernet ? LinkType.Ethernet : LinkType.Raw))
        {
            var ipIds = s.Routers.ToDictionary(r => r.Name, r => InitialIpId(s.Seed, r.Name), StringComparer.Ordinal);
            foreach (ForgedNegotiation n in result.Negotiations)
                foreach (ForgedDatagram d in n.Datagrams)
                {
                    ushort id = ipIds[d.Sender]++;
                    foreach (byte[] packet in IpPackets(d, id, s.Link.Mtu))
                        w.Write(n.Start + d.At, ethernet ? Ethernet(s, d, packet) : packet);
                }
        }
        return ms.ToArray();
    }

    /// <summary>The IPv4 packet(s) of a datagram, built with PacketDotNet: TTL 255 as IOS sends, checksums set, and
    /// fragmented at 8-octet boundaries when longer than <paramref name="mtu"/> (RFC 791).</summary>
    private static IEnumerable<byte[]> IpPackets(ForgedDatagram d, ushort id, int mtu)
    {
        var udp = new UdpPacket(d.SourcePort, d.DestinationPort) { PayloadData = d.Message };
        var ip = new IPv4Packet(d.Source, d.Destination) { PayloadPacket = udp, TimeToLive = 255, Id = id };
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        byte[] whole = ip.Bytes;
        if (whole.Length <= mtu)
        {
            yield return whole;
            yield break;
        }
        byte[] udpBytes = whole[20..];
        int chunk = (mtu - 20) & ~7;
        for (int offset = 0; offset < udpBytes.Length; offset += chunk)
        {
            int n = Math.Min(chunk, udpBytes.Length - offset);
            var frag = new IPv4Packet(d.Source, d.Destination)
            {
                Protocol = PacketDotNet.ProtocolType.Udp,
                TimeToLive = 255,
                Id = id,
                FragmentOffset = offset / 8,
                FragmentFlags = offset + n < udpBytes.Length ? 1 : 0, // More Fragments
                PayloadData = udpBytes[offset..(offset + n)],
            };
            frag.UpdateIPChecksum();
            yield return frag.Bytes;
        }
    }

    /// <summary>Ethernet II around an IPv4 packet; the MACs are IOU-style <c>aabb.cc00.0N00</c> per router.</summary>
    private static byte[] Ethernet(Scenario s, ForgedDatagram d, byte[] ipPacket)
    {
        var eth = new EthernetPacket(Mac(s, d.Sender), Mac(s, d.Receiver), EthernetType.IPv4)
        {
            PayloadData = ipPacket,
        };
        return eth.Bytes;
    }

    private static PhysicalAddress Mac(Scenario s, string router)
    {
        int n = s.Routers.Select((r, i) => (r, i)).First(x => x.r.Name == router).i + 1;
        return new PhysicalAddress([0xAA, 0xBB, 0xCC, 0x00, (byte)n, 0x00]);
    }

    private static ushort InitialIpId(string seed, string router)
    {
        var b = new byte[2];
        ForgedPki.Random(seed, "ip-id/" + router).NextBytes(b);
        return (ushort)(b[0] << 8 | b[1]);
    }
}
