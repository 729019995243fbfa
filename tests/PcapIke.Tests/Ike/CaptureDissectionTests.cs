using PcapIke.Tests.TestSupport;
using System.Text.Json;
using PcapIke.Ike;
using static PcapIke.Tests.Ike.IkeTestData;

namespace PcapIke.Tests.Ike;

/// <summary>Dissects every IKE message of the shared third-party captures and compares with Wireshark 4.0's JSON.</summary>
public class CaptureDissectionTests
{
    [Theory]
    [InlineData("ikev1-certs.pcap", 10)]
    [InlineData("ipsec.cap", 11)]
    [InlineData("ipsec-ikev1-isakmp-main-mode.pcap", 9)]
    [InlineData("ipsec-ikev1-isakmp-aggressive-mode.pcap", 6)]
    [InlineData("ikev2-sa-init-weak-dh.pcap", 1)]
    [InlineData("IPsec_ESP-AH_tunnel_mode.cap", 0)]
    public void HeaderAndPayloadChain_MatchWireshark(string capture, int expectedMessages)
    {
        List<(int Frame, byte[] Message)> messages = ReadIkeMessages(CapturePath(capture));
        Assert.Equal(expectedMessages, messages.Count);
        List<JsonElement?> layers = TsharkJson.LoadIsakmpLayers(CapturePath(capture + ".tshark.json"), out JsonDocument doc);
        using (doc)
        {
            foreach ((int frame, byte[] message) in messages)
            {
                JsonElement ws = layers[frame - 1] ?? throw new Xunit.Sdk.XunitException($"frame {frame}: no isakmp in tshark JSON");
                IkeMessageDissection d = IkeMessageDissection.Dissect(message);
                string ctx = $"{capture} frame {frame}";
                Assert.True(d.Malformations.Count() == 0, ctx + ": " + string.Join("; ", d.Findings));
                Assert.Equal(TsharkJson.Field(ws, "isakmp.ispi")!.Replace(":", ""), d.InitiatorSpiHex);
                Assert.Equal(TsharkJson.Field(ws, "isakmp.rspi")!.Replace(":", ""), d.ResponderSpiHex);
                Assert.Equal(TsharkJson.Field(ws, "isakmp.exchangetype"), d.ExchangeTypeRaw.ToString());
                Assert.Equal(TsharkJson.Field(ws, "isakmp.length"), d.HeaderLength.ToString());
                Assert.Equal(TsharkJson.Field(ws, "isakmp.messageid"), $"0x{d.MessageId:x8}");
                Assert.Equal(Convert.ToInt32(TsharkJson.Field(ws, "isakmp.flags"), 16), d.FlagsRaw);
                Assert.Equal(TsharkJson.Field(ws, "isakmp.enc.data") is not null, d.IsEncrypted);
                var wsChain = TsharkJson.TopLevelPayloads(ws)
                    .Select(p => (Type: p.Type, Length: TsharkJson.Field(p.Tree, "isakmp.payloadlength"))).ToList();
                var mine = d.Payloads.Select(p => (Type: p.TypeRaw.ToString(), Length: (string?)p.Length.ToString())).ToList();
                Assert.Equal(wsChain, mine);
            }
        }
    }

    [Fact]
    public void MainModeSa_AttributesNamedWithRawValues()
    {
        (int _, byte[] mm1) = ReadIkeMessages(CapturePath("ipsec-ikev1-isakmp-main-mode.pcap"))[0];
        IkeMessageDissection d = IkeMessageDissection.Dissect(mm1);
        Assert.Equal(1, d.MajorVersion);
        Assert.Equal("IdentityProtection", d.ExchangeTypeName);
        var sa = Assert.IsType<SaDetails>(d.Payloads[0].Details);
        Assert.Equal("IPSEC", sa.DoiName);
        ProposalSummary p = Assert.Single(sa.Proposals);
        Assert.Equal("PROTO_ISAKMP", p.ProtocolName);
        TransformSummary t = Assert.Single(p.Transforms);
        Assert.Equal("KEY_IKE", t.IdName);
        // tshark: AES-CBC, Key-Length 128, SHA, group 2, PSK, seconds, 86400
        Assert.Equal(new[]
        {
            ("Encryption_Algorithm", "AES_CBC", 7UL), ("Key_Length", (string?)null, 128UL), ("Hash_Algorithm", "SHA", 2UL),
            ("Group_Description", "MODP_1024", 2UL), ("Authentication_Method", "PreSharedKey", 1UL),
            ("Life_Type", "Seconds", 1UL), ("Life_Duration", null, 86400UL),
        }, t.Attributes.Select(a => (a.TypeName!, a.ValueName, a.Value!.Value)).ToArray());
    }

    [Fact]
    public void IpsecCap_InformationalNoProposalChosen()
    {
        var messages = ReadIkeMessages(CapturePath("ipsec.cap"));
        var info = messages.Select(m => IkeMessageDissection.Dissect(m.Message)).First(d => d.ExchangeType == ExchangeType.Informational);
        var n = Assert.IsType<NotifyDetails>(info.Payloads.Single(p => p.TypeRaw == (byte)PayloadType.N).Details);
        Assert.Equal((ushort)14, n.TypeRaw);
        Assert.Equal("NO_PROPOSAL_CHOSEN", n.TypeName);
        Assert.Equal(1u, n.Doi);
        Assert.Equal("PROTO_ISAKMP", n.ProtocolName);
        Assert.Equal(0, n.DataLength);
    }

    [Fact]
    public void Ikev2WeakDh_TransformsAndKeyExchange()
    {
        (int _, byte[] m) = Assert.Single(ReadIkeMessages(CapturePath("ikev2-sa-init-weak-dh.pcap")));
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        Assert.Equal(2, d.MajorVersion);
        Assert.Equal("IKE_SA_INIT", d.ExchangeTypeName);
        Assert.True(d.IsInitiator);
        Assert.False(d.IsResponse);
        var ke = Assert.IsType<KeyExchangeDetails>(d.Payloads.Single(p => p.TypeRaw == 34).Details);
        Assert.Equal("MODP_1024", ke.GroupName);
        var sa = Assert.IsType<SaDetails>(d.Payloads.Single(p => p.TypeRaw == 33).Details);
        TransformSummary[] ts = sa.Proposals.SelectMany(p => p.Transforms).ToArray();
        Assert.Contains(ts, t => t.TypeName == "ENCR" && t.IdName == "ENCR_AES_CBC" && t.Attributes.Single().Value == 256);
        Assert.Contains(ts, t => t.TypeName == "PRF" && t.IdName == "PRF_HMAC_SHA2_256");
        Assert.Contains(ts, t => t.TypeName == "INTEG" && t.IdName == "AUTH_HMAC_SHA2_256_128");
        Assert.Contains(ts, t => t.TypeName == "KE" && t.IdName == "MODP_1024");
    }

    [Fact]
    public void EncryptedMainMode5_IsRecordedNotParsed()
    {
        var (frame, m) = ReadIkeMessages(CapturePath("ikev1-certs.pcap"))[4];
        Assert.Equal(5, frame);
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        Assert.True(d.EncryptionFlag);
        Assert.True(d.IsEncrypted);
        Assert.Equal(1736, d.EncryptedLength); // tshark: Encrypted Data (1736 bytes)
        Assert.Empty(d.Payloads);
        Assert.Contains("    Encrypted Data (1736 bytes)\n", IkeTreeWriter.ToText(d));
    }

    [Fact]
    public void VerboseTree_LooksLikeTsharkV()
    {
        (int _, byte[] mm1) = ReadIkeMessages(CapturePath("ipsec-ikev1-isakmp-main-mode.pcap"))[0];
        string text = IkeTreeWriter.ToText(IkeMessageDissection.Dissect(mm1));
        // Lines as tshark -V prints them for this frame.
        foreach (string line in new[]
        {
            "Internet Security Association and Key Management Protocol\n",
            "    Initiator SPI: e47a591fd057587f\n",
            "    Responder SPI: 0000000000000000\n",
            "    Next payload: Security Association (1)\n",
            "    Version: 1.0\n",
            "    Exchange type: Identity Protection (Main Mode) (2)\n",
            "    Flags: 0x00\n",
            "        .... ...0 = Encryption: Not encrypted\n",
            "    Message ID: 0x00000000\n",
            "    Length: 168\n",
            "    Payload: Security Association (1)\n",
            "        Next payload: Vendor ID (13)\n",
            "        Payload length: 60\n",
            "        Payload: Proposal (2) # 1\n",
            "            Proposal number: 1\n",
            "            Payload: Transform (3) # 1\n",
            "    Payload: Vendor ID (13) : RFC 3947 Negotiation of NAT-Traversal in the IKE\n",
            "        Vendor ID: 4a131c81070358455c5728f20e95452f\n",
            "    Payload: Vendor ID (13) : draft-ietf-ipsec-nat-t-ike-02\\n\n",
        })
            Assert.Contains(line, text);
        Assert.DoesNotContain("Malformed", text);
    }

    [Fact]
    public void VerboseTree_Ikev2FlagsAndFindings()
    {
        byte[] m = H(Ikev2Init + "00");
        string text = IkeTreeWriter.ToText(IkeMessageDissection.Dissect(m));
        Assert.Contains("    Flags: 0x08 (Initiator, No higher version, Request)\n", text);
        Assert.Contains("        0... .... = Critical Bit: Not critical\n", text);
        Assert.Contains("        Notify Message Type: NAT_DETECTION_SOURCE_IP (16388)\n", text);
        Assert.Contains("        Certificate Authority Data: 1111111111111111111111111111111111111111\n", text);
        Assert.Contains("[Note: bytes after the end given by the ISAKMP Length field (offset 181)]", text);
    }
}
