using PcapIke.Diagnostics;
using PcapIke.Ike;
using static PcapIke.Tests.Ike.IkeTestData;

namespace PcapIke.Tests.Ike;

public class IkeMessageDissectionTests
{
    private static byte[] V1(byte firstPayload, string payloads, byte exchange = 2) =>
        H("0011223344556677" + "8899aabbccddeeff" + firstPayload.ToString("x2") + "10" + exchange.ToString("x2") + "00" + "00000000" +
          (28 + payloads.Replace(" ", "").Length / 2).ToString("x8") + payloads);

    private static byte[] V2(byte firstPayload, string payloads, byte exchange = 34, byte flags = 0x08) =>
        H("0011223344556677" + "8899aabbccddeeff" + firstPayload.ToString("x2") + "20" + exchange.ToString("x2") + flags.ToString("x2") + "00000000" +
          (28 + payloads.Replace(" ", "").Length / 2).ToString("x8") + payloads);

    [Fact]
    public void Summary_HeaderFieldsAndPayloadList()
    {
        IkeMessageDissection d = IkeMessageDissection.Dissect(H(Ikev1Mm1));
        Assert.Equal((1, 0), (d.MajorVersion, d.MinorVersion));
        Assert.Equal("IdentityProtection", d.ExchangeTypeName);
        Assert.Equal("0011223344556677", d.InitiatorSpiHex);
        Assert.Equal("0000000000000000", d.ResponderSpiHex);
        Assert.Equal((108u, 108), (d.HeaderLength, d.BufferLength));
        Assert.False(d.IsEncrypted);
        Assert.Equal(new[] { ("SA", 28, 60), ("VID", 88, 20) }, d.Payloads.Select(p => (p.TypeName!, p.Offset, p.Length)));
        var vid = Assert.IsType<VendorIdDetails>(d.Payloads[1].Details);
        Assert.Equal("RFC 3706 DPD (Dead Peer Detection)", vid.Name);
        Assert.Empty(d.Findings);
    }

    [Fact]
    public void Rfc2408_3_5_TransformCountMismatch_IsACondition()
    {
        byte[] m = H(Ikev1Mm1);
        m[47] = 2; // proposal says 2 transforms, 1 present
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        IkeDecodeFinding f = Assert.Single(d.Findings);
        Assert.Equal((DecodeStatus.TransformCountMismatch, 47, true), (f.Status, f.Offset, f.IsCondition));
        Assert.False(d.IsMalformed);
    }

    [Fact]
    public void PayloadBodyFailure_IsReportedWithMessageOffset_AndWalkGoesOn()
    {
        // IKEv2: N with a 3-byte body (needs 4), then a VID.
        byte[] m = V2(41, "2b00 0007 000040" + "0000 0008 01020304");
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        Assert.Equal(2, d.Payloads.Count);
        Assert.Null(d.Payloads[0].Details);
        IkeDecodeFinding f = Assert.Single(d.Findings);
        Assert.Equal((DecodeStatus.TruncatedPayloadBody, 35), (f.Status, f.Offset));
        Assert.Contains("Notify payload at offset 28", f.Text);
    }

    [Fact]
    public void Ikev1Notify_DpdRUThere()
    {
        byte[] m = V1(11, "0000 0020 00000001 01 10 8d28 00112233445566778899aabbccddeeff 0000002a", exchange: 5);
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        var n = Assert.IsType<NotifyDetails>(d.Payloads[0].Details);
        Assert.Equal(("R_U_THERE", (ushort)36136, "00112233445566778899aabbccddeeff", "0000002a"), (n.TypeName, n.TypeRaw, n.SpiHex, n.DataHex));
        Assert.Equal("Informational", d.ExchangeTypeName);
    }

    [Fact]
    public void Ikev2Delete_ListsSpis()
    {
        byte[] m = V2(42, "0000 0010 03 04 0002 11111111 22222222", exchange: 37, flags: 0x00);
        var del = Assert.IsType<DeleteDetails>(IkeMessageDissection.Dissect(m).Payloads[0].Details);
        Assert.Equal(("ESP", 2), (del.ProtocolName, (int)del.SpiCount));
        Assert.Equal(new[] { "11111111", "22222222" }, del.Spis);
    }

    [Fact]
    public void Ikev1IdAndNatOaAndCiscoFragment()
    {
        byte[] m = V1(5, "1500 000c 01 11 01f4 c0a80c02" + "8400 000c 01 000000 0a000001" + "0000 000c 0001 02 01 aabbccdd", exchange: 4);
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        Assert.Empty(d.Findings);
        var id = Assert.IsType<IdentificationDetails>(d.Payloads[0].Details);
        Assert.Equal(("ID_IPV4_ADDR", "192.168.12.2", (byte)17, (ushort)500), (id.TypeName, id.Value, id.ProtocolId, id.Port));
        var oa = Assert.IsType<NatOriginalAddressDetails>(d.Payloads[1].Details);
        Assert.Equal("10.0.0.1", oa.Address);
        var cf = Assert.IsType<CiscoFragmentDetails>(d.Payloads[2].Details);
        Assert.Equal((1, 2, true, 4), ((int)cf.FragmentId, (int)cf.FragmentNumber, cf.IsLast, cf.DataLength));
        Assert.Equal("CiscoFragmentation", d.Payloads[2].TypeName);
    }

    [Fact]
    public void Ikev1ModeConfigAttributes()
    {
        // Transaction exchange, ATTR payload CFG_REQUEST id 0x1234: XAUTH_TYPE (TV) = 0, XAUTH_USER_NAME (TLV, empty).
        byte[] m = V1(14, "0000 0010 01 00 1234 c088 0000 4089 0000", exchange: 6);
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        var cfg = Assert.IsType<ConfigurationDetails>(d.Payloads[0].Details);
        Assert.Equal(("CFG_REQUEST", (ushort)0x1234), (cfg.TypeName, cfg.Identifier));
        Assert.Equal(new[] { "XAUTH_TYPE", "XAUTH_USER_NAME" }, cfg.Attributes.Select(a => a.TypeName));
        Assert.Equal("Transaction", d.ExchangeTypeName);
    }

    [Fact]
    public void Ikev2TrafficSelectorsAuthEapAndSkf()
    {
        byte[] m = V2(44, "2700 0018 01000000 07 00 0010 0000 ffff 0a000000 0a0000ff" + "3000 000c 02 000000 aabbccdd" +
                          "3500 0009 01 07 0005 01" + "2100 000c 0001 0003 deadbeef", exchange: 35);
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        Assert.Empty(d.Findings);
        var ts = Assert.IsType<TrafficSelectorDetails>(d.Payloads[0].Details);
        TrafficSelectorSummary s = Assert.Single(ts.Selectors);
        Assert.Equal(("TS_IPV4_ADDR_RANGE", "10.0.0.0", "10.0.0.255", (ushort)65535), (s.TypeName, s.StartAddress, s.EndAddress, s.EndPort));
        Assert.Equal("Shared_Key_Message_Integrity_Code", Assert.IsType<AuthenticationDetails>(d.Payloads[1].Details).MethodName);
        Assert.Equal(("Request", "Identity"), (Assert.IsType<EapDetails>(d.Payloads[2].Details).CodeName, ((EapDetails)d.Payloads[2].Details!).TypeName));
        var skf = Assert.IsType<EncryptedFragmentDetails>(d.Payloads[3].Details);
        Assert.Equal((1, 3, 4), ((int)skf.FragmentNumber, (int)skf.TotalFragments, skf.Length));
        Assert.True(d.IsEncrypted);
    }

    [Fact]
    public void Findings_ConvertToMalformationsOfTheIkeLayer()
    {
        byte[] m = V2(41, "2b00 0007 000040" + "0000 0008 01020304" + "ff");
        IkeMessageDissection d = IkeMessageDissection.Dissect(m);
        Malformation[] all = d.ToMalformations("x.pcap", 7, includeConditions: true).ToArray();
        Assert.Equal(2, all.Length);
        Malformation mal = Assert.Single(d.ToMalformations("x.pcap", 7));
        Assert.Equal(("x.pcap", 7L, 35L, MalformationLayer.Ike), (mal.File, mal.Frame, mal.Offset, mal.Layer));
    }

    [Fact]
    public void CertificateAuthorityHashes_EnumeratesWholeHashes()
    {
        byte[] a = new byte[45];
        a[20] = 0xAB;
        var hashes = new CertificateAuthorityHashes(a, 100);
        Assert.Equal(2, hashes.Count);
        Assert.Equal(new DecodeResult(DecodeStatus.CertificateAuthorityNotMultipleOf20, 140), hashes.Result);
        int n = 0;
        foreach (ReadOnlySpan<byte> h in hashes)
        {
            Assert.Equal(20, h.Length);
            n++;
        }
        Assert.Equal(2, n);
        Assert.Equal(0xAB, hashes[1][0]);
    }

    public static TheoryData<string, int> CaptureMessages()
    {
        var data = new TheoryData<string, int>();
        foreach (string c in new[] { "ikev1-certs.pcap", "ipsec.cap", "ipsec-ikev1-isakmp-main-mode.pcap", "ipsec-ikev1-isakmp-aggressive-mode.pcap", "ikev2-sa-init-weak-dh.pcap" })
            data.Add(c, 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaptureMessages))]
    public void EveryTruncationOfEveryCaptureMessage_IsReportedWithoutException(string capture, int _)
    {
        foreach ((int frame, byte[] message) in ReadIkeMessages(CapturePath(capture)))
        {
            int limit = Math.Min(message.Length, 400); // beyond the clear-text part of long messages nothing new happens
            for (int n = 0; n < limit; n++)
            {
                IkeMessageDissection d = IkeMessageDissection.Dissect(message.AsSpan(0, n));
                Assert.True(d.IsMalformed, $"{capture} frame {frame} cut at {n}");
            }
        }
    }
}

public class IkeRobustnessTests
{
    [Fact]
    public void EveryDecodeStatus_HasADescription()
    {
        foreach (DecodeStatus s in Enum.GetValues<DecodeStatus>())
            Assert.NotEqual(s.ToString(), DecodeStatusInfo.Describe(s));
    }

    [Fact]
    public void Rfc7296_3_3_1_BytesAfterLastProposal_IsACondition()
    {
        var pr = new ProposalReader(H("00000008" + "01010000" + "ffff"), 40, 2);
        Assert.True(pr.ReadNext());
        Assert.False(pr.ReadNext());
        Assert.Equal(new DecodeResult(DecodeStatus.TrailingBytesAfterLastSubstructure, 48), pr.Result);
        Assert.False(pr.Result.IsMalformed);
    }

    [Fact]
    public void RandomMutationsOfFixtures_NeverThrow()
    {
        var random = new Random(20261127);
        var inputs = new List<byte[]> { H(Ikev1Mm1), H(Ikev2Init) };
        if (File.Exists(Path.Combine(CapturesDirectory, "ikev1-certs.pcap")))
            inputs.Add(ReadIkeMessages(CapturePath("ikev1-certs.pcap"))[3].Message); // MM4 with a CR DN
        foreach (byte[] original in inputs)
        {
            for (int i = 0; i < 1500; i++)
            {
                byte[] m = (byte[])original.Clone();
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips; f++)
                    m[random.Next(m.Length)] = (byte)random.Next(256);
                IkeMessageDissection d = IkeMessageDissection.Dissect(m);
                _ = IkeTreeWriter.ToText(d);
            }
        }
    }
}
