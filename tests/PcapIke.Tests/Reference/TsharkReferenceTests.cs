using PcapIke.Tests.TestSupport;
namespace PcapIke.Tests.Reference;

public class TsharkReferenceTests
{
    [Fact]
    public void IkeV1Certs_MessagesAreReadWithFrameNumbersAndPayloadChains()
    {
        var messages = TsharkReference.Load(Path.Combine(TestPaths.SharedCaptures, "ikev1-certs.pcap.tshark.json"));
        Assert.NotEmpty(messages);
        var first = messages[0];
        Assert.Equal(1, first.Frame);
        Assert.Equal(2, first.ExchangeType);
        Assert.Equal(1, first.MajorVersion);
        Assert.Equal(1, first.Payloads[0].Type); // SA first in MM1
        Assert.All(messages, m => Assert.Equal(16, m.InitiatorSpi.Length));
    }

    [Fact]
    public void IkeV1Certs_CertRequestDnIsReadInEncodingOrder()
    {
        var messages = TsharkReference.Load(Path.Combine(TestPaths.SharedCaptures, "ikev1-certs.pcap.tshark.json"));
        var cr = messages.SelectMany(m => m.Payloads).First(p => p.Type == 7);
        Assert.Equal(4, cr.CertificateType);
        Assert.Equal(new[] { "at", "geblergasse95", "SchendlZertifikate" }, cr.CertRequestDn!.Select(kv => kv.Value));
        Assert.Equal("2.5.4.3", cr.CertRequestDn![2].Key);
    }
}

public class DissectionComparerTests
{
    [Fact]
    public void Compare_ReportsEachChangedFieldWithItsFrame()
    {
        var reference = TsharkReference.Load(Path.Combine(TestPaths.SharedCaptures, "ikev1-certs.pcap.tshark.json"));
        var changed = reference.Select(m => m.Frame == 4
            ? m with { MessageId = 7, Payloads = m.Payloads.Select((p, i) => i == 0 ? p with { Length = p.Length + 1 } : p).ToList() }
            : m).ToList();

        var diffs = DissectionComparer.Compare(reference, changed);

        Assert.Equal(2, diffs.Count);
        Assert.Contains(diffs, d => d.StartsWith("frame 4: message id:", StringComparison.Ordinal));
        Assert.Contains(diffs, d => d.StartsWith("frame 4: payloads[0]", StringComparison.Ordinal) && d.Contains("length"));
        Assert.Empty(DissectionComparer.Compare(reference, reference));
    }
}
