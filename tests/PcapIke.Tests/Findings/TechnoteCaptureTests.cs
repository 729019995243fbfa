using PcapIke.Diagnostics;
using PcapIke.Ike;
using PcapIke.Pipeline;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Findings;

/// <summary>The forged technote captures S1 and S2: sizes, payloads and an independent dissection by tshark.</summary>
public class TechnoteCaptureTests
{
    private static List<DissectedMessage> Dissect(string path, MalformationList malformations)
    {
        var messages = new List<DissectedMessage>();
        CaptureDissector.Dissect(path, malformations, messages.Add);
        return messages;
    }

    [Fact]
    public void S1_IpLengthsAreTheTechnotes_Frames18To25PlusQm3()
    {
        string path = TechnoteCaptures.WriteS1(TestPaths.NewTempDir());
        var malformations = new MalformationList();
        var messages = Dissect(path, malformations);
        Assert.Equal([192, 132, 355, 755, 736, 712, 192, 192, 80], messages.Select(m => m.IpLength));
        Assert.Empty(malformations.Items);
        Assert.Equal(327u, messages[2].Ike.HeaderLength);   // the technote's frame 20: "Length: 327"
        Assert.Equal(727u, messages[3].Ike.HeaderLength);   // frame 21: "Length: 727"
        Assert.Equal(0x2a710318c5500119ul, messages[2].Ike.InitiatorSpi);
        Assert.Equal(0x62717993a5cb95adul, messages[2].Ike.ResponderSpi);
    }

    [Fact]
    public void S2_IpLengthsAreTheTechnotes_Frames2To13()
    {
        string path = TechnoteCaptures.WriteS2(TestPaths.NewTempDir());
        var malformations = new MalformationList();
        var messages = Dissect(path, malformations);
        Assert.Equal([192, 132, 735, 755, 736, 755, 736, 755, 736, 755, 736, 755], messages.Select(m => m.IpLength));
        Assert.Empty(malformations.Items);
        Assert.All(messages.Skip(4).Where(m => m.IpLength == 736), m => Assert.True(m.Ike.EncryptionFlag));
    }

    [Fact]
    public void S1_Mm3HasOneCertRequestOf51Bytes_Mm4HasSevenInR2StoreOrder()
    {
        var s1 = TechnoteCaptures.S1();
        var mm3 = IkeMessageDissection.Dissect(s1[2].Ike);
        var mm4 = IkeMessageDissection.Dissect(s1[3].Ike);
        var cr3 = mm3.Payloads.Where(p => p.Details is CertificateRequestDetails).ToList();
        Assert.Single(cr3);
        Assert.Equal(51, cr3[0].Length);
        Assert.Equal(TechnoteCaptures.Ca1, ((CertificateRequestDetails)cr3[0].Details!).DnIos);
        var dns4 = mm4.Payloads.Select(p => p.Details).OfType<CertificateRequestDetails>().Select(d => d.DnIos).ToList();
        Assert.Equal(TechnoteCaptures.R2StoreOrder, dns4);
        Assert.Equal(["KE", "NONCE", "CR", "VID", "VID", "VID", "NAT-D", "NAT-D"], PayloadKinds(mm3));
    }

    [Fact]
    public void S2_Mm4ListsCa2First_Mm3ListsCa1First()
    {
        var s2 = TechnoteCaptures.S2();
        var dns3 = IkeMessageDissection.Dissect(s2[2].Ike).Payloads.Select(p => p.Details).OfType<CertificateRequestDetails>().Select(d => d.DnIos);
        var dns4 = IkeMessageDissection.Dissect(s2[3].Ike).Payloads.Select(p => p.Details).OfType<CertificateRequestDetails>().Select(d => d.DnIos);
        Assert.Equal(TechnoteCaptures.R2StoreOrder, dns3);
        Assert.Equal(TechnoteCaptures.R1StoreOrder, dns4);
        Assert.Equal("cn=CA2,o=cisco,o=com", dns4.First());
        Assert.Equal(s2[3].Ike, s2[5].Ike);   // the re-sent MM4 is the same message (a new IP ID)
    }

    [Fact]
    public void Tshark_DissectsBothCapturesWithoutMalformedOrExpertErrors_AndShowsTheCertRequestDns()
    {
        string dir = TestPaths.NewTempDir();
        foreach (string path in new[] { TechnoteCaptures.WriteS1(dir), TechnoteCaptures.WriteS2(dir) })
        {
            string verbose = Tool.Run("tshark", "tshark", "-r", path, "-V");
            Assert.DoesNotContain("Malformed", verbose);
            Assert.DoesNotContain("[Expert Info (Error", verbose);
            Assert.DoesNotContain("[Expert Info (Warning", verbose);
            Assert.Contains("id-at-commonName=CA1,id-at-organizationName=cisco,id-at-organizationName=com", verbose);
            Assert.Contains("id-at-commonName=CA2,id-at-organizationName=cisco,id-at-organizationName=com", verbose);
            Assert.Contains("Payload length: 51", verbose);
            Assert.Contains("RFC 3706 DPD (Dead Peer Detection)", verbose);
            Assert.Contains("XAUTH", verbose);
            string expert = Tool.Run("tshark", "tshark", "-r", path, "-q", "-z", "expert,warn");
            Assert.DoesNotContain("Malformed", expert);
            Assert.DoesNotMatch(@"(?m)^\s*(Errors|Warnings) \(", expert);
        }
    }

    private static IEnumerable<string> PayloadKinds(IkeMessageDissection m) => m.Payloads.Select(p => p.TypeName switch
    {
        "NAT_D" => "NAT-D",
        { } n => n,
        null => "?",
    });
}
