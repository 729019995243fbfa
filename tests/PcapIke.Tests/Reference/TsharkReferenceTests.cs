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
