using PcapIke.Tests.TestSupport;
using System.Text.Json;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using PcapIke.Ike;
using static PcapIke.Tests.Ike.IkeTestData;

namespace PcapIke.Tests.Ike;

public class DistinguishedNameTests
{
    private static byte[] Der(X509Name name) => name.GetEncoded(Asn1Encodable.Der);

    private static X509Name EncodedOrder(params (DerObjectIdentifier Oid, string Value)[] rdns) =>
        new(rdns.Select(r => r.Oid).ToList(), rdns.Select(r => r.Value).ToList());

    [Fact]
    public void IosStyle_IsLowerCaseKeysInReverseEncodingOrder()
    {
        // Subject encoded O=com, O=cisco, CN=CA1 (as IOS CA1 in the technote).
        byte[] der = Der(EncodedOrder((X509Name.O, "com"), (X509Name.O, "cisco"), (X509Name.CN, "CA1")));
        Assert.True(DistinguishedName.TryDecode(der, out DistinguishedName? dn));
        Assert.Equal("cn=CA1,o=cisco,o=com", dn!.ToIosString());
        Assert.Equal("CN=CA1,O=cisco,O=com", dn.ToRfc4514String());
        Assert.Equal("id-at-commonName=CA1,id-at-organizationName=cisco,id-at-organizationName=com", dn.ToWiresharkString());
        Assert.Equal(3, dn.Rdns.Count);
        Assert.Equal("2.5.4.10", dn.Rdns[0][0].Oid);
    }

    [Theory]
    [InlineData("ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US",
        "OU=Class 3 Public Primary Certification Authority,O=VeriSign\\, Inc.,C=US")]
    [InlineData("cn=Cisco Root CA M1,o=Cisco", "CN=Cisco Root CA M1,O=Cisco")]
    public void IosBuiltInCaNames_RenderAsIosPrintsThem(string ios, string rfc4514)
    {
        var pairs = ios.Split(",o=VeriSign, Inc.,") is { Length: 2 } parts
            ? new[] { ("c", "US"), ("o", "VeriSign, Inc."), ("ou", parts[0].Substring(3)) }
            : ios.Split(',').Reverse().Select(p => (p.Split('=')[0], p.Split('=')[1])).ToArray();
        var map = new Dictionary<string, DerObjectIdentifier> { ["c"] = X509Name.C, ["o"] = X509Name.O, ["ou"] = X509Name.OU, ["cn"] = X509Name.CN };
        byte[] der = Der(EncodedOrder(pairs.Select(p => (map[p.Item1], p.Item2)).ToArray()));
        Assert.True(DistinguishedName.TryDecode(der, out DistinguishedName? dn));
        Assert.Equal(ios, dn!.ToIosString());
        Assert.Equal(rfc4514, dn.ToRfc4514String());
    }

    [Fact]
    public void MultiValuedRdn_IosJoinsWithPlusInDerSetOrder()
    {
        // IOS router certificate: O=com, O=cisco, OU=IT, CN=R1, then one RDN with hostname, ipaddress, serialNumber.
        static Asn1Encodable Atv(DerObjectIdentifier oid, Asn1Encodable v) => new DerSequence(oid, v);
        var last = new DerSet(new[]
        {
            Atv(PkcsObjectIdentifiersUnstructuredName, new DerIA5String("R1.cisco.com")),
            Atv(PkcsObjectIdentifiersUnstructuredAddress, new DerPrintableString("192.168.0.1")),
            Atv(X509Name.SerialNumber, new DerPrintableString("100")),
        });
        var seq = new DerSequence(
            new DerSet(Atv(X509Name.O, new DerPrintableString("com"))),
            new DerSet(Atv(X509Name.O, new DerPrintableString("cisco"))),
            new DerSet(Atv(X509Name.OU, new DerPrintableString("IT"))),
            new DerSet(Atv(X509Name.CN, new DerPrintableString("R1"))),
            last);
        Assert.True(DistinguishedName.TryDecode(seq.GetEncoded(Asn1Encodable.Der), out DistinguishedName? dn));
        // The selection-model doc / technote: serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com
        Assert.Equal("serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com", dn!.ToIosString());
        Assert.Equal("2.5.4.5=100+1.2.840.113549.1.9.8=192.168.0.1+1.2.840.113549.1.9.2=R1.cisco.com,CN=R1,OU=IT,O=cisco,O=com",
            dn.ToRfc4514String());
        // What tshark 4.0.17 printed for the same RDN (checked by hand on a crafted capture).
        Assert.StartsWith("id-at-serialNumber=100+pkcs-9-at-unstructuredAddress=192.168.0.1+ISO assigned OIDs, USA.113549.1.9.2=R1.cisco.com,id-at-commonName=R1",
            dn.ToWiresharkString());
    }

    private static readonly DerObjectIdentifier PkcsObjectIdentifiersUnstructuredName = new("1.2.840.113549.1.9.2");
    private static readonly DerObjectIdentifier PkcsObjectIdentifiersUnstructuredAddress = new("1.2.840.113549.1.9.8");

    [Fact]
    public void Rfc4514_2_4_Escaping()
    {
        byte[] der = Der(EncodedOrder((X509Name.CN, " a+b,c;d<e>f\"g\\h ")));
        Assert.True(DistinguishedName.TryDecode(der, out DistinguishedName? dn));
        Assert.Equal("CN=\\ a\\+b\\,c\\;d\\<e\\>f\\\"g\\\\h\\ ", dn!.ToRfc4514String());
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("3003310130")]                 // SET holding something that is not an AttributeTypeAndValue
    [InlineData("0403616263")]                 // OCTET STRING, not a SEQUENCE
    [InlineData("300b3109300706035504030c00" + "00")] // trailing byte after the Name
    [InlineData("3082ffff")]                   // length past the end
    public void BadDer_IsRejectedWithoutException(string hex)
    {
        Assert.False(DistinguishedName.TryDecode(H(hex), out DistinguishedName? dn));
        Assert.Null(dn);
    }

    [Fact]
    public void Ikev1CertReqWithBadDer_IsAMalformationAtTheAuthorityOffset()
    {
        // IKEv1 MM3-like: header + CR (X.509 signature) whose authority is not DER.
        byte[] m = H("0011223344556677" + "8899aabbccddeeff" + "07100200" + "00000000" + "00000024" +
                     "00" + "00" + "0008" + "04" + "300a00");
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        IkeDecodeFinding f = Assert.Single(d.Findings);
        Assert.Equal(DecodeStatus.InvalidDistinguishedName, f.Status);
        Assert.Equal(33, f.Offset);
        var cr = Assert.IsType<CertificateRequestDetails>(d.Payloads[0].Details);
        Assert.Null(cr.DnIos);
        Assert.Equal(3, cr.AuthorityLength);
    }

    [Fact]
    public void Ikev1CertReqWithEmptyAuthority_MeansAnyCa()
    {
        byte[] m = H("0011223344556677" + "8899aabbccddeeff" + "07100200" + "00000000" + "00000021" + "00" + "00" + "0005" + "04");
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        Assert.Empty(d.Findings);
        var cr = Assert.IsType<CertificateRequestDetails>(d.Payloads[0].Details);
        Assert.Equal(0, cr.AuthorityLength);
        Assert.Null(cr.DnRfc4514);
    }

    [Fact]
    public void Ikev2CertReq_SplitsHashes_AndFlagsARemainder()
    {
        IkeMessageDissection d = IkeMessageDissection.Dissect(H(Ikev2Init));
        var cr = Assert.IsType<CertificateRequestDetails>(d.Payloads[^1].Details);
        Assert.Equal(new[] { new string('1', 40), new string('2', 40) }, cr.CaHashes);
        Assert.Empty(d.Findings);

        // Same message with 5 extra bytes in the CERTREQ (length 50, message 186).
        byte[] m = H(Ikev2Init + "3333333333");
        m[27] = 186;
        m[139] = 50;
        d = IkeMessageDissection.Dissect(m);
        cr = Assert.IsType<CertificateRequestDetails>(d.Payloads[^1].Details);
        Assert.Equal(2, cr.CaHashes.Count);
        IkeDecodeFinding f = Assert.Single(d.Findings);
        Assert.Equal(DecodeStatus.CertificateAuthorityNotMultipleOf20, f.Status);
        Assert.Equal(181, f.Offset);
    }

    [Fact]
    public void Ikev1CertsCapture_CertReqDn_MatchesWireshark()
    {
        List<(int Frame, byte[] Message)> messages = ReadIkeMessages(CapturePath("ikev1-certs.pcap"));
        List<JsonElement?> layers = TsharkJson.LoadIsakmpLayers(CapturePath("ikev1-certs.pcap.tshark.json"), out JsonDocument doc);
        using (doc)
        {
            int checkedCount = 0;
            foreach ((int frame, byte[] message) in messages)
            {
                IkeMessageDissection d = IkeMessageDissection.Dissect(message);
                var crs = d.Payloads.Select(p => p.Details).OfType<CertificateRequestDetails>().ToList();
                if (crs.Count == 0)
                    continue;
                // Wireshark lists the RDNs in encoding order as (x509if.oid, value) pairs.
                JsonElement isakmp = layers[frame - 1]!.Value;
                var wsPairs = TsharkJson.Flatten(isakmp)
                    .Where(x => x.Name == "x509if.RelativeDistinguishedName_item_element")
                    .Select(x =>
                    {
                        var leaves = TsharkJson.Flatten(x.Value).Where(l => l.Value.ValueKind == JsonValueKind.String).ToList();
                        return (Oid: leaves.First(l => l.Name == "x509if.oid").Value.GetString(), Value: leaves.Last().Value.GetString());
                    }).ToList();
                Assert.True(DistinguishedName.TryDecode(Convert.FromHexString(ExtractAuthorityHex(message)), out DistinguishedName? dn));
                var mine = dn!.Rdns.SelectMany(r => r).Select(a => (Oid: (string?)a.Oid, Value: (string?)a.Value)).ToList();
                Assert.Equal(wsPairs, mine);
                Assert.Equal("id-at-commonName=SchendlZertifikate,dc=geblergasse95,dc=at", crs[0].DnWireshark); // tshark -V label
                Assert.Equal("cn=SchendlZertifikate,dc=geblergasse95,dc=at", crs[0].DnIos);
                Assert.Equal("CN=SchendlZertifikate,DC=geblergasse95,DC=at", crs[0].DnRfc4514);
                Assert.Equal((byte)CertificateEncoding.X509_Certificate_Signature, crs[0].EncodingRaw);
                checkedCount++;
            }
            Assert.Equal(1, checkedCount);
        }
    }

    private static string ExtractAuthorityHex(byte[] message)
    {
        var reader = new IsakmpReader(message);
        while (reader.ReadPayload())
            if (reader.PayloadType == PayloadType.CR)
                return Convert.ToHexString(reader.PayloadBody.Slice(1));
        throw new InvalidOperationException("no CR");
    }
}
