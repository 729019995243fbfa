using System.Text.Json;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Frames;

/// <summary>On the third-party captures, the frames found to carry IKE, their initiator SPIs and ISAKMP lengths
/// match Wireshark's dissection (the *.tshark.json files next to them).</summary>
public class SharedCaptureDecodeTests
{
    public static TheoryData<string> Names() => new()
    {
        "ikev1-certs.pcap", "ipsec-ikev1-isakmp-main-mode.pcap", "ipsec-ikev1-isakmp-aggressive-mode.pcap",
        "ipsec.cap", "ikev2-sa-init-weak-dh.pcap", "IPsec_ESP-AH_tunnel_mode.cap",
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void SharedCapture_IkeFramesSpisAndLengthsMatchWireshark(string name)
    {
        string path = Path.Combine(TestPaths.SharedCaptures, name);
        using var json = JsonDocument.Parse(File.ReadAllBytes(path + ".tshark.json"));
        var expected = new List<(long Frame, string Spi, int Length)>();
        int index = 0;
        foreach (var packet in json.RootElement.EnumerateArray())
        {
            index++;
            if (!packet.GetProperty("_source").GetProperty("layers").TryGetProperty("isakmp", out var isakmp)) continue;
            foreach (var msg in isakmp.ValueKind == JsonValueKind.Array ? isakmp.EnumerateArray().ToArray() : [isakmp])
                expected.Add((index, msg.GetProperty("isakmp.ispi").GetString()!.Replace(":", ""),
                    int.Parse(msg.GetProperty("isakmp.length").GetString()!)));
        }

        var m = new MalformationList();
        var sink = new RecordingSink();
        var kinds = new List<FrameKind>();
        using (var reader = CaptureReader.Open(path, m))
        {
            var decoder = new FrameDecoder(name, m);
            while (reader.TryRead(out var r)) kinds.Add(decoder.Decode(in r, sink));
            decoder.Flush();
        }
        Assert.Equal(index, kinds.Count);
        Assert.Empty(m.Items);
        var actual = sink.Items.Select(d => (d.FrameNumber, Convert.ToHexString(d.Message.AsSpan(0, 8)).ToLowerInvariant(),
            (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(d.Message.AsSpan(24)))).ToList();
        Assert.Equal(expected, actual);
        Assert.All(sink.Items, d => Assert.Equal(d.Message.Length,
            (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(d.Message.AsSpan(24))));
        if (name == "IPsec_ESP-AH_tunnel_mode.cap")
        {
            Assert.Empty(sink.Items);
            Assert.All(kinds, k => Assert.True(k is FrameKind.Esp or FrameKind.Ah or FrameKind.NotIp or FrameKind.OtherIp, k.ToString()));
        }
    }
}
