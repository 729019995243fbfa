using System.Buffers.Binary;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Crypto;

/// <summary>Raw IKE messages and key tables of the strongSwan lab captures (captures/strongswan-*).</summary>
internal static class LabCaptures
{
    public static string Dir(string scenario) => Path.Combine(TestPaths.RepoRoot, "captures", scenario);

    /// <summary>Every IKE message of the capture (after NAT-T marker removal), in frame order.</summary>
    public static List<(long Frame, byte[] Message)> Messages(string scenario)
    {
        string path = Path.Combine(Dir(scenario), "capture.pcap");
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(path, malformations);
        var decoder = new FrameDecoder(path, malformations);
        var sink = new CopySink();
        while (reader.TryRead(out var record)) decoder.Decode(record, sink);
        Assert.Empty(malformations.Items);
        return sink.Messages;
    }

    /// <summary>The fields of the first line of a Wireshark key table (quotes removed).</summary>
    public static string[] KeyTable(string scenario, string file) =>
        File.ReadAllLines(Path.Combine(Dir(scenario), file)).First(l => l.Length > 0)
            .Split(',').Select(f => f.Trim('"')).ToArray();

    public static byte ExchangeType(byte[] m) => m[18];
    public static byte Flags(byte[] m) => m[19];
    public static uint MessageId(byte[] m) => BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(20));

    /// <summary>Bodies (after the 4-octet generic header) of the payloads of a clear message, with their types.</summary>
    public static List<(byte Type, byte[] Body)> ClearPayloads(ReadOnlySpan<byte> chain, byte first)
    {
        var list = new List<(byte, byte[])>();
        int at = 0;
        for (byte type = first; type != 0;)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(chain[(at + 2)..]);
            list.Add((type, chain[(at + 4)..(at + length)].ToArray()));
            type = chain[at];
            at += length;
        }
        return list;
    }

    /// <summary>Walks a decrypted payload chain; returns the octets it covers (the rest is padding).</summary>
    public static int ChainLength(ReadOnlySpan<byte> chain, byte first)
    {
        int at = 0;
        for (byte type = first; type != 0;)
        {
            Assert.True(at + 4 <= chain.Length, "payload header past the plaintext");
            int length = BinaryPrimitives.ReadUInt16BigEndian(chain[(at + 2)..]);
            Assert.True(length >= 4 && at + length <= chain.Length, $"payload length {length} at {at} past the plaintext");
            type = chain[at];
            at += length;
        }
        return at;
    }

    private sealed class CopySink : IIkeDatagramSink
    {
        public List<(long, byte[])> Messages { get; } = new();
        public void OnIkeDatagram(in IkeDatagram d) => Messages.Add((d.FrameNumber, d.Message.ToArray()));
    }
}
