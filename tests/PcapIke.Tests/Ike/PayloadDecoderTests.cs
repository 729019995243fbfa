using PcapIke.Ike;
using static PcapIke.Tests.Ike.IkeTestData;

namespace PcapIke.Tests.Ike;

public class PayloadDecoderTests
{
    private const int Base = 32; // pretend every body starts at message offset 32

    [Fact]
    public void Rfc2408_3_4_to_3_6_Ikev1ProposalTransformAttributes()
    {
        byte[] m = H(Ikev1Mm1);
        var reader = new IsakmpReader(m);
        Assert.True(reader.ReadPayload());
        Assert.True(IkeDecoder.TryReadIkev1SecurityAssociation(reader.PayloadBody, reader.BodyOffset, out var sa));
        Assert.Equal(DomainOfInterpretation.IPSEC, sa.DomainOfInterpretation);
        Assert.Equal(1u, sa.Situation);
        ProposalReader pr = sa.GetProposals();
        Assert.True(pr.ReadNext());
        Proposal p = pr.Current;
        Assert.Equal(40, p.Offset);
        Assert.Equal((1, (byte)1, (byte)0, (byte)1, true), (p.Number, p.ProtocolId, p.SpiSize, p.TransformCount, p.IsLast));
        TransformReader tr = p.GetTransforms();
        Assert.True(tr.ReadNext());
        Assert.Equal((byte)1, tr.Current.Number);
        Assert.Equal((ushort)IsakmpTransformId.KEY_IKE, tr.Current.IdRaw);
        AttributeReader ar = tr.Current.GetAttributes();
        var attrs = new List<(ushort, bool, ulong, int)>();
        while (ar.ReadNext())
        {
            Assert.True(ar.Current.TryGetInteger(out ulong v));
            attrs.Add((ar.Current.TypeRaw, ar.Current.IsTypeValue, v, ar.Current.Offset));
        }
        Assert.True(ar.Result.IsSuccess);
        Assert.Equal(new[]
        {
            ((ushort)1, true, 7UL, 56), ((ushort)14, true, 128UL, 60), ((ushort)2, true, 2UL, 64), ((ushort)4, true, 14UL, 68),
            ((ushort)3, true, 1UL, 72), ((ushort)11, true, 1UL, 76), ((ushort)12, false, 86400UL, 80),
        }, attrs);
        Assert.False(tr.ReadNext());
        Assert.Equal(1, tr.Count);
        Assert.False(pr.ReadNext());
        Assert.True(pr.Result.IsSuccess);
    }

    public static TheoryData<string, string, DecodeStatus, int> ProposalFailures() => new()
    {
        // proposal bytes start at message offset 40 in Ikev1Mm1 (SA body + 8)
        { "HeaderTruncated", "0000", DecodeStatus.SubstructureLengthTooSmall, 40 },
        { "BadLastByte", "05000008" + "01010000", DecodeStatus.InvalidSubstructureType, 40 },
        { "LengthBelow8", "00000007" + "01010000", DecodeStatus.SubstructureLengthTooSmall, 42 },
        { "PastParent", "00000010" + "01010000", DecodeStatus.SubstructurePastParent, 42 },
        { "SpiPastProposal", "00000008" + "01010400", DecodeStatus.SpiPastPayload, 46 },
        { "MoreButNone", "02000008" + "01010000", DecodeStatus.MissingSubstructure, 48 },
        { "Empty", "", DecodeStatus.MissingSubstructure, 40 },
    };

    [Theory]
    [MemberData(nameof(ProposalFailures))]
    public void Rfc2408_3_5_ProposalFailures(string label, string proposalHex, DecodeStatus status, int offset)
    {
        var pr = new ProposalReader(H(proposalHex), 40, 1);
        while (pr.ReadNext()) { }
        Assert.Equal(new DecodeResult(status, offset), pr.Result);
        Assert.NotNull(label);
    }

    [Fact]
    public void Rfc2408_3_3_TruncatedTlvAttribute()
    {
        var ar = new AttributeReader(H("80010007" + "000c0004" + "0001"), Base, AttributeFormat.Isakmp);
        Assert.True(ar.ReadNext());
        Assert.False(ar.ReadNext());
        Assert.Equal(new DecodeResult(DecodeStatus.TruncatedAttribute, Base + 6), ar.Result);
        ar = new AttributeReader(H("8001"), Base, AttributeFormat.Isakmp);
        Assert.False(ar.ReadNext());
        Assert.Equal(new DecodeResult(DecodeStatus.TruncatedAttribute, Base), ar.Result);
    }

    [Fact]
    public void Rfc7296_3_3_Ikev2TransformsAndKeyLength()
    {
        var reader = new IsakmpReader(H(Ikev2Init));
        Assert.True(reader.ReadPayload());
        ProposalReader pr = IkeDecoder.ReadIkev2SecurityAssociation(reader.PayloadBody, reader.BodyOffset).GetProposals();
        Assert.True(pr.ReadNext());
        Assert.Equal((byte)Ikev2ProtocolId.IKE, pr.Current.ProtocolId);
        TransformReader tr = pr.Current.GetTransforms();
        var seen = new List<(TransformType, ushort)>();
        while (tr.ReadNext())
            seen.Add((tr.Current.Type, tr.Current.IdRaw));
        Assert.Equal(new[]
        {
            (TransformType.ENCR, (ushort)EncryptionTransformId.ENCR_AES_CBC), (TransformType.PRF, (ushort)PrfTransformId.PRF_HMAC_SHA2_256),
            (TransformType.INTEG, (ushort)IntegrityTransformId.AUTH_HMAC_SHA2_256_128), (TransformType.KE, (ushort)DhGroup.MODP_2048),
        }, seen);
        Assert.True(tr.Result.IsSuccess);
    }

    [Fact]
    public void Rfc7296_3_3_2_TransformWithWrongLastByte()
    {
        var tr = new TransformReader(H("02000008" + "01000003"), Base, 2);
        Assert.False(tr.ReadNext());
        Assert.Equal(new DecodeResult(DecodeStatus.InvalidSubstructureType, Base), tr.Result);
    }

    [Theory]
    // DOI, protocol, SPI size, type, SPI, data
    [InlineData("00000001" + "03" + "04" + "0018" + "a1b2c3d4" + "ff", 1, 3, 4, 24, 1)]
    [InlineData("00000001" + "01" + "10" + "8d28" + "00112233445566778899aabbccddeeff" + "00000001", 1, 1, 16, 36136, 4)]
    public void Rfc2408_3_14_Ikev1Notify(string hex, int version, byte protocol, byte spiSize, ushort type, int dataLength)
    {
        Assert.True(IkeDecoder.TryReadNotify(H(hex), Base, version, out NotifyPayload n));
        Assert.Equal(1u, n.Doi);
        Assert.Equal(protocol, n.ProtocolId);
        Assert.Equal(spiSize, n.SpiSize);
        Assert.Equal(spiSize, n.Spi.Length);
        Assert.Equal(type, n.NotifyTypeRaw);
        Assert.Equal(dataLength, n.Data.Length);
    }

    [Fact]
    public void Rfc7296_3_10_Ikev2Notify_AndSpiPastPayload()
    {
        Assert.True(IkeDecoder.TryReadNotify(H("03" + "04" + "0018" + "a1b2c3d4"), Base, 2, out NotifyPayload n));
        Assert.Equal(Ikev2NotifyType.AUTHENTICATION_FAILED, n.Ikev2Type);
        Assert.Equal(DecodeResult.Success with { }, IkeDecoder.TryReadNotify(H("00004004"), Base, 2, out _));
        Assert.Equal(new DecodeResult(DecodeStatus.SpiPastPayload, Base + 1), IkeDecoder.TryReadNotify(H("03" + "08" + "4009" + "a1b2c3d4"), Base, 2, out _));
        Assert.Equal(new DecodeResult(DecodeStatus.TruncatedPayloadBody, Base + 3), IkeDecoder.TryReadNotify(H("030040"), Base, 2, out _));
        Assert.Equal(new DecodeResult(DecodeStatus.TruncatedPayloadBody, Base + 7), IkeDecoder.TryReadNotify(H("00000001030400"), Base, 1, out _));
    }

    [Fact]
    public void Rfc2408_3_15_And_Rfc7296_3_11_Delete()
    {
        Assert.True(IkeDecoder.TryReadDelete(H("00000001" + "03" + "04" + "0002" + "11111111" + "22222222"), Base, 1, out DeletePayload d));
        Assert.Equal(2, d.SpiCount);
        Assert.True(d.GetSpi(1).SequenceEqual(H("22222222")));
        Assert.True(IkeDecoder.TryReadDelete(H("01" + "00" + "0000"), Base, 2, out d));
        Assert.Equal(0, d.SpiCount);
        Assert.Equal(new DecodeResult(DecodeStatus.SpiPastPayload, Base + 2), IkeDecoder.TryReadDelete(H("03" + "04" + "0003" + "11111111"), Base, 2, out _));
        Assert.Equal(new DecodeResult(DecodeStatus.CountMismatch, Base + 8), IkeDecoder.TryReadDelete(H("03" + "04" + "0001" + "11111111" + "ff"), Base, 2, out _));
    }

    [Theory]
    [InlineData(1, "01" + "11" + "01f4" + "c0a80c02", "192.168.12.2", 17, 500)]
    [InlineData(2, "02" + "000000" + "76706e2e6578616d706c652e636f6d", "vpn.example.com", 0, 0)]
    [InlineData(2, "03" + "000000" + "75406578", "u@ex", 0, 0)]
    [InlineData(1, "04" + "00" + "0000" + "0a000000" + "ffffff00", "10.0.0.0/255.255.255.0", 0, 0)]
    [InlineData(2, "05" + "000000" + "20010db8000000000000000000000001", "2001:db8::1", 0, 0)]
    [InlineData(2, "0b" + "000000" + "0102ff", "0102ff", 0, 0)]
    public void Rfc2407_4_6_2_And_Rfc7296_3_5_Identification(int version, string hex, string text, byte protocol, ushort port)
    {
        Assert.True(IkeDecoder.TryReadIdentification(H(hex), Base, version, out IdentificationPayload id));
        Assert.Equal(protocol, id.ProtocolId);
        Assert.Equal(port, id.Port);
        Assert.Equal(Base + 4, id.DataOffset);
        Assert.Equal(text, IkeMessageDissection.IdentificationText(id.TypeRaw, id.Data, out bool ok));
        Assert.True(ok);
    }

    [Fact]
    public void Identification_Ipv4WithWrongLength_IsReported()
    {
        IkeMessageDissection.IdentificationText((byte)IdentificationType.ID_IPV4_ADDR, H("c0a801"), out bool ok);
        Assert.False(ok);
    }

    [Fact]
    public void Rfc7296_3_13_1_TrafficSelectors()
    {
        string ts = "02" + "000000" +
                    "07" + "00" + "0010" + "0000" + "ffff" + "0a000000" + "0a0000ff" +
                    "08" + "11" + "0028" + "01f4" + "01f4" + "20010db8000000000000000000000000" + "20010db8ffffffffffffffffffffffff";
        Assert.True(IkeDecoder.TryReadTrafficSelectors(H(ts), Base, out TrafficSelectorPayload p));
        Assert.Equal(2, p.Count);
        TrafficSelectorReader r = p.GetSelectors();
        Assert.True(r.ReadNext());
        Assert.Equal(TrafficSelectorType.TS_IPV4_ADDR_RANGE, r.Current.Type);
        Assert.Equal((ushort)65535, r.Current.EndPort);
        Assert.True(r.Current.EndAddress.SequenceEqual(H("0a0000ff")));
        Assert.True(r.ReadNext());
        Assert.Equal(TrafficSelectorType.TS_IPV6_ADDR_RANGE, r.Current.Type);
        Assert.Equal(17, r.Current.IpProtocolId);
        Assert.Equal(Base + 4 + 16, r.Current.Offset);
        Assert.False(r.ReadNext());
        Assert.True(r.Result.IsSuccess);

        // Selector Length 12 is not 16 for an IPv4 range.
        r = new TrafficSelectorReader(H("07" + "00" + "000c" + "0000ffff" + "0a000000"), Base);
        Assert.False(r.ReadNext());
        Assert.Equal(new DecodeResult(DecodeStatus.InvalidTrafficSelector, Base + 2), r.Result);
    }

    [Fact]
    public void Rfc7296_3_4_KeyExchange_And_3_8_Auth()
    {
        Assert.True(IkeDecoder.TryReadIkev2KeyExchange(H("0013" + "0000" + "aabb"), Base, out Ikev2KeyExchange ke));
        Assert.Equal(DhGroup.ECP_256, ke.Group);
        Assert.Equal(2, ke.Data.Length);
        Assert.Equal(new DecodeResult(DecodeStatus.TruncatedPayloadBody, Base + 3), IkeDecoder.TryReadIkev2KeyExchange(H("001300"), Base, out _));
        Assert.True(IkeDecoder.TryReadAuthentication(H("0e" + "000000" + "0102"), Base, out AuthenticationPayload a));
        Assert.Equal(Ikev2AuthMethod.Digital_Signature, a.Method);
    }

    [Fact]
    public void Rfc7383_2_5_EncryptedFragment()
    {
        Assert.True(IkeDecoder.TryReadEncryptedFragment(H("0002" + "0005" + "00112233"), Base, out EncryptedFragment f));
        Assert.Equal((2, 5, 4), ((int)f.FragmentNumber, (int)f.TotalFragments, f.Encrypted.Length));
        Assert.Equal(new DecodeResult(DecodeStatus.TruncatedPayloadBody, Base + 2), IkeDecoder.TryReadEncryptedFragment(H("0002"), Base, out _));
    }

    [Fact]
    public void CiscoFragmentationPayload()
    {
        Assert.True(IkeDecoder.TryReadCiscoFragment(H("0001" + "03" + "01" + "deadbeef"), Base, out CiscoFragment f));
        Assert.Equal((1, 3, true, 4), ((int)f.FragmentId, (int)f.FragmentNumber, f.IsLast, f.Data.Length));
    }

    [Fact]
    public void Rfc3947_5_2_NatOriginalAddress()
    {
        Assert.True(IkeDecoder.TryReadNatOriginalAddress(H("01" + "000000" + "c0a80001"), Base, out NatOriginalAddress oa));
        Assert.Equal(IdentificationType.ID_IPV4_ADDR, oa.IdType);
        Assert.Equal(new DecodeResult(DecodeStatus.InvalidIdentificationData, Base), IkeDecoder.TryReadNatOriginalAddress(H("01" + "000000" + "c0a800"), Base, out _));
    }

    [Fact]
    public void Rfc7296_3_15_ConfigurationAttributes()
    {
        string cp = "01" + "000000" + "0001" + "0000" + "0003" + "0004" + "0a000001" + "0019" + "0003" + "612e62";
        Assert.True(IkeDecoder.TryReadConfiguration(H(cp), Base, 2, out ConfigurationPayload p));
        Assert.Equal(ConfigurationType.CFG_REQUEST, p.Type);
        AttributeReader r = p.GetAttributes(2);
        var seen = new List<(ushort, int)>();
        while (r.ReadNext())
            seen.Add((r.Current.TypeRaw, r.Current.Value.Length));
        Assert.Equal(new[] { ((ushort)1, 0), ((ushort)3, 4), ((ushort)25, 3) }, seen);
        Assert.True(r.Result.IsSuccess);
    }

    [Fact]
    public void Rfc3748_4_Eap()
    {
        Assert.True(IkeDecoder.TryReadEap(H("01" + "07" + "0009" + "01" + "75736572"), Base, out EapPayload e));
        Assert.Equal((EapCode.Request, (byte)7, EapType.Identity, 4), (e.Code, e.Identifier, e.Type, e.TypeData.Length));
        Assert.True(IkeDecoder.TryReadEap(H("03" + "07" + "0004"), Base, out e));
        Assert.Equal(EapCode.Success, e.Code);
        Assert.Equal(new DecodeResult(DecodeStatus.InvalidEapLength, Base + 2), IkeDecoder.TryReadEap(H("01" + "07" + "0010" + "01"), Base, out _));
    }

    [Fact]
    public void Rfc7296_3_7_CertReqHashes_MultipleOf20()
    {
        Assert.True(IkeDecoder.TryCountCertificateAuthorityHashes(new byte[40], 141, out int count));
        Assert.Equal(2, count);
        Assert.Equal(new DecodeResult(DecodeStatus.CertificateAuthorityNotMultipleOf20, 141 + 40), IkeDecoder.TryCountCertificateAuthorityHashes(new byte[45], 141, out count));
        Assert.Equal(2, count);
    }

    [Fact]
    public void TrySlice_IsOverflowSafe()
    {
        byte[] b = new byte[10];
        Assert.False(IkeDecoder.TrySlice(b, int.MaxValue, int.MaxValue, out _));
        Assert.False(IkeDecoder.TrySlice(b, 8, 3, out _));
        Assert.False(IkeDecoder.TrySlice(b, -1, 1, out _));
        Assert.True(IkeDecoder.TrySlice(b, 10, 0, out var s));
        Assert.Equal(0, s.Length);
    }
}
