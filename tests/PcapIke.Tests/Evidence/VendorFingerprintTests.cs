using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Ike;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Evidence;

/// <summary>Who the peer is, from its vendor-ID set as a whole (the evidence issue, point 8).</summary>
public class VendorFingerprintTests
{
    private static AnalyzedSa Bundled(string folder) =>
        Assert.Single(CaptureAnalyzer.Analyze(Path.Combine(TestPaths.RepoRoot, "captures", folder, "capture.pcap")).Sas);

    [Fact]
    public void StrongSwan_SendingTheCiscoFragmentationVendorId_IsNotCiscoIos_AndGetsNoIosCommands()
    {
        var sa = Bundled("strongswan-ikev1-main-mode");
        var frag = sa.Sa.VendorIds.Where(v => v.Name == "IKE Fragmentation (Cisco, 80000000)").ToList();
        Assert.Equal(2, frag.Count);                     // both strongSwan peers send it
        Assert.All(frag, v => Assert.Null(v.Fingerprint));
        Assert.DoesNotContain(sa.Sa.VendorIds, v => v.Fingerprint == "Cisco IOS");
        Assert.DoesNotContain(sa.Findings, f => (f.Message + f.Fix).Contains("crypto ", StringComparison.Ordinal));
    }

    [Fact]
    public void Ios_UnityNextToItsUnnamedVendorId_StaysCiscoIos()
    {
        var sa = Bundled("S2-ikev1-r2-initiates");
        Assert.Equal("Cisco IOS", sa.Sa.VendorIds.Single(v => v.Sender == Role.Responder && v.Name == "CISCO-UNITY 1.0").Fingerprint);
        Assert.Equal("Cisco IOS", sa.Sa.VendorIds.Single(v => v.Sender == Role.Responder && v.Name is null).Fingerprint);
        Assert.Contains("`ca trust-point`", sa.Findings.Single(f => f.Id == "PI101").Fix);
    }

    [Theory]
    [InlineData("fb1de3cdf341b7ea16b7e5be0855f120", "MS-Negotiation Discovery Capable")]
    [InlineData("e3a5966a76379fe707228231e5ce8652", "IKE CGA version 1")]
    [InlineData("214ca4faffa7f32d6748e5303395ae83", "MS-MamieExists")]
    public void WindowsVendorIds_AreNamedAsWiresharkNamesThem(string hex, string name)
    {
        Assert.Equal(name, VendorIds.Find(Convert.FromHexString(hex))?.Name);
        Assert.Equal("Windows", ExchangeCorrelator.FingerprintOf(name));
    }
}

/// <summary>PI201/PI204 name the message that carried each list (point 9): strongSwan's IKEv1 sends the initiator's in MM5.</summary>
public class CertRequestPlacementTests
{
    [Fact]
    public void ListsCarriedInMm5AndMm4_AreNamedSo()
    {
        var b = new PcapIke.Tests.Findings.SaBuilder(1);
        var sa = b.Done(SaOutcome.Established);
        CertRequestEntry E(int pos, long frame, string step, string dn) => new(pos, frame, step, 4, dn, dn, null, null);
        sa.InitiatorCertRequests.AddRange([E(0, 5, "MM5", "cn=CA2,o=x"), E(1, 5, "MM5", "cn=CA1,o=x")]);
        sa.ResponderCertRequests.AddRange([E(0, 4, "MM4", "cn=CA1,o=x"), E(1, 4, "MM4", "cn=CA2,o=x")]);
        var analyzed = new AnalyzedSa(sa);
        PcapIke.Findings.FindingRules.Apply(analyzed);
        string pi201 = analyzed.Findings.Single(f => f.Id == "PI201").Message;
        Assert.Contains("the initiator's MM5 asks for", pi201);
        Assert.Contains("the responder's MM4 asks for", pi201);
        Assert.DoesNotContain("MM3", pi201);
        Assert.Contains("(MM5)", analyzed.Findings.Single(f => f.Id == "PI204").Message);
    }
}
