using PcapIke.Ike;
using static PcapIke.Tests.Ike.IkeTestData;

namespace PcapIke.Tests.Ike;

public class IsakmpReaderTests
{
    [Fact]
    public void Rfc2408_3_1_HeaderFieldsAndIkev1Flags()
    {
        byte[] m = H(Ikev1Mm1);
        m[19] = 0x07;
        Assert.True(IsakmpHeader.TryRead(m, out IsakmpHeader h));
        Assert.Equal(0x0011223344556677UL, h.InitiatorSpi);
        Assert.Equal(0UL, h.ResponderSpi);
        Assert.Equal(PayloadType.SA, h.NextPayload);
        Assert.Equal(1, h.MajorVersion);
        Assert.Equal(0, h.MinorVersion);
        Assert.Equal(ExchangeType.IdentityProtection, h.ExchangeType);
        Assert.True(h.IsEncrypted);
        Assert.True(h.IsCommit);
        Assert.True(h.IsAuthenticationOnly);
        Assert.Equal(Ikev1Flags.Encryption | Ikev1Flags.Commit | Ikev1Flags.AuthenticationOnly, h.Ikev1Flags);
        Assert.Equal(108u, h.Length);
    }

    [Theory]
    [InlineData(0x08, true, false, false)]
    [InlineData(0x20, false, false, true)]
    [InlineData(0x10, false, true, false)]
    [InlineData(0x28, true, false, true)]
    public void Rfc7296_3_1_Ikev2Flags(byte flags, bool initiator, bool version, bool response)
    {
        byte[] m = H(Ikev2Init);
        m[19] = flags;
        Assert.True(IsakmpHeader.TryRead(m, out IsakmpHeader h));
        Assert.True(h.IsIkev2);
        Assert.Equal(initiator, h.IsInitiator);
        Assert.Equal(version, h.IsHigherVersionSupported);
        Assert.Equal(response, h.IsResponse);
        Assert.False(h.IsEncrypted);
    }

    [Fact]
    public void WalksIkev1PayloadChainInOrder()
    {
        var reader = new IsakmpReader(H(Ikev1Mm1));
        Assert.Equal(DecodeStatus.Ok, reader.HeaderResult.Status);
        Assert.True(reader.ReadPayload());
        Assert.Equal(PayloadType.SA, reader.PayloadType);
        Assert.Equal(28, reader.PayloadOffset);
        Assert.Equal(60, reader.PayloadLength);
        Assert.Equal(56, reader.PayloadBody.Length);
        Assert.Equal((byte)PayloadType.VID, reader.NextPayloadRaw);
        Assert.True(reader.ReadPayload());
        Assert.Equal(PayloadType.VID, reader.PayloadType);
        Assert.Equal(88, reader.PayloadOffset);
        Assert.False(reader.IsCritical);
        Assert.False(reader.ReadPayload());
        Assert.Equal(DecodeResult.Success, reader.Result);
        Assert.Equal(108, reader.BytesConsumed);
        Assert.False(reader.ReadPayload());
    }

    [Fact]
    public void WalksIkev2PayloadChainWithCriticalBit()
    {
        byte[] m = H(Ikev2Init);
        m[29] = 0x80; // SA critical
        var reader = new IsakmpReader(m);
        var seen = new List<(PayloadType, int, int)>();
        while (reader.ReadPayload())
            seen.Add((reader.PayloadType, reader.PayloadOffset, reader.PayloadLength));
        Assert.Equal(new[]
        {
            (PayloadType.SAv2, 28, 48), (PayloadType.KEv2, 76, 12), (PayloadType.Nonce, 88, 20),
            (PayloadType.Nv2, 108, 28), (PayloadType.CERTREQ, 136, 45),
        }, seen);
        Assert.True(reader.Result.IsSuccess);
        reader = new IsakmpReader(m);
        Assert.True(reader.ReadPayload());
        Assert.True(reader.IsCritical);
    }

    // Header: IKEv1, next payload VID, Length as given. Then payload bytes.
    private static byte[] V1(int length, string payloads, byte version = 0x10) =>
        H("0011223344556677" + "8899aabbccddeeff" + "0d" + version.ToString("x2") + "0200" + "00000000" + length.ToString("x8") + payloads);

    public static TheoryData<string, byte[], DecodeStatus, int> HeaderFailures() => new()
    {
        { "27 bytes", H(Ikev1Mm1).AsSpan(0, 27).ToArray(), DecodeStatus.TruncatedHeader, 27 },
        { "Length 27", V1(27, ""), DecodeStatus.MessageLengthTooSmall, 24 },
        { "MjVer 3", V1(28, "", 0x30), DecodeStatus.UnsupportedMajorVersion, 17 },
    };

    [Theory]
    [MemberData(nameof(HeaderFailures))]
    public void Rfc2408_3_1_HeaderFailure_ReportsStatusAndOffset(string label, byte[] message, DecodeStatus status, int offset)
    {
        var reader = new IsakmpReader(message);
        Assert.Equal(new DecodeResult(status, offset), reader.HeaderResult);
        Assert.False(reader.ReadPayload());
        Assert.Equal(new DecodeResult(status, offset), reader.Result);
        Assert.Equal(0, reader.BytesConsumed);
        Assert.NotNull(label);
    }

    public static TheoryData<string, byte[], DecodeStatus, int> FirstPayloadFailures() => new()
    {
        // Length 30: only 2 bytes where a 4-byte generic header must be (RFC 2408 §3.2).
        { "TruncatedPayloadHeader", V1(30, "0000"), DecodeStatus.TruncatedPayloadHeader, 28 },
        { "ZeroLength", V1(32, "0000" + "0000"), DecodeStatus.ZeroLengthPayload, 30 },
        { "LengthBelow4", V1(32, "0000" + "0003"), DecodeStatus.PayloadLengthTooSmall, 30 },
        // Payload Length 8 but the header's Length leaves 4 bytes; the buffer has 8.
        { "PastMessage", V1(32, "0000" + "0008" + "01020304"), DecodeStatus.PayloadPastMessage, 30 },
        // Header's Length covers it but the capture is cut.
        { "PastBuffer", V1(36, "0000" + "0008" + "0102"), DecodeStatus.PayloadPastBuffer, 30 },
    };

    [Theory]
    [MemberData(nameof(FirstPayloadFailures))]
    public void Rfc2408_3_2_PayloadFailure_ReportsOffsetAndDoesNotAdvance(string label, byte[] message, DecodeStatus status, int offset)
    {
        var reader = new IsakmpReader(message);
        Assert.False(reader.ReadPayload());
        Assert.Equal(new DecodeResult(status, offset), reader.Result);
        Assert.Equal(28, reader.BytesConsumed);
        Assert.Equal(0, reader.PayloadLength);
        Assert.False(reader.ReadPayload());
        Assert.Equal(new DecodeResult(status, offset), reader.Result);
        Assert.Equal(28, reader.BytesConsumed);
        Assert.NotNull(label);
    }

    [Fact]
    public void Rfc2408_3_2_SecondPayloadZeroLength_KeepsFirstPayloadAndPosition()
    {
        // VID (length 8, next VID) then a VID with length 0.
        byte[] m = V1(40, "0d00" + "0008" + "01020304" + "0000" + "0000" + "00000000");
        var reader = new IsakmpReader(m);
        Assert.True(reader.ReadPayload());
        Assert.False(reader.ReadPayload());
        Assert.Equal(new DecodeResult(DecodeStatus.ZeroLengthPayload, 38), reader.Result);
        Assert.Equal(36, reader.BytesConsumed);
        Assert.Equal(28, reader.PayloadOffset);
        Assert.Equal(8, reader.PayloadLength);
        Assert.True(reader.PayloadBody.SequenceEqual(new byte[] { 1, 2, 3, 4 }));
    }

    [Fact]
    public void Rfc2408_3_1_MessageLengthPastBuffer_IsReportedAndWalkContinues()
    {
        byte[] m = V1(100, "0000" + "0008" + "01020304");
        var reader = new IsakmpReader(m);
        Assert.Equal(new DecodeResult(DecodeStatus.MessageLengthPastBuffer, 24), reader.HeaderResult);
        Assert.True(reader.ReadPayload());
        Assert.False(reader.ReadPayload());
        Assert.True(reader.Result.IsSuccess);
    }

    [Fact]
    public void TrailingBytesAfterLastPayload_IsACondition()
    {
        byte[] m = V1(40, "0000" + "0008" + "01020304" + "deadbeef");
        var reader = new IsakmpReader(m);
        Assert.True(reader.ReadPayload());
        Assert.False(reader.ReadPayload());
        Assert.Equal(new DecodeResult(DecodeStatus.TrailingBytesAfterLastPayload, 36), reader.Result);
        Assert.False(reader.Result.IsMalformed);
        Assert.True(DecodeStatusInfo.IsCondition(reader.Result.Status));
    }

    [Fact]
    public void BytesAfterHeaderLength_IsAConditionOnTheHeader()
    {
        byte[] m = V1(36, "0000" + "0008" + "01020304" + "0000");
        var reader = new IsakmpReader(m);
        Assert.Equal(new DecodeResult(DecodeStatus.BytesAfterMessage, 36), reader.HeaderResult);
        Assert.True(reader.ReadPayload());
        Assert.False(reader.ReadPayload());
        Assert.True(reader.Result.IsSuccess);
    }

    [Fact]
    public void Rfc2408_3_1_EncryptionFlag_StopsBeforeCiphertext()
    {
        byte[] m = H("0011223344556677" + "8899aabbccddeeff" + "05100201" + "00000000" + "00000024" + "0102030405060708");
        var reader = new IsakmpReader(m);
        Assert.True(reader.IsEncrypted);
        Assert.Equal(8, reader.EncryptedBody.Length);
        Assert.False(reader.ReadPayload());
        Assert.True(reader.Result.IsSuccess);
        Assert.Equal(28, reader.BytesConsumed);
    }

    [Fact]
    public void Rfc7296_3_14_SkPayload_IsReportedThenWalkStops()
    {
        // IKE_AUTH, first payload SK whose Next Payload is IDi (35): the body is IV || ciphertext || ICV.
        byte[] m = H("1122334455667788" + "99aabbccddeeff00" + "2e202308" + "00000001" + "00000030" +
                     "23" + "00" + "0014" + "00112233445566778899aabbccddeeff");
        var reader = new IsakmpReader(m);
        Assert.True(reader.ReadPayload());
        Assert.Equal(PayloadType.SK, reader.PayloadType);
        Assert.True(reader.IsEncrypted);
        Assert.Equal(16, reader.EncryptedBody.Length);
        Assert.Equal(35, reader.NextPayloadRaw);
        Assert.False(reader.ReadPayload());
        Assert.True(reader.Result.IsSuccess);
    }

    [Fact]
    public void Rfc7296_3_14_PayloadAfterSk_IsACondition()
    {
        byte[] m = H("1122334455667788" + "99aabbccddeeff00" + "2e202308" + "00000001" + "00000028" +
                     "23" + "00" + "0008" + "00112233" + "00000008" + "00000000");
        var reader = new IsakmpReader(m);
        Assert.True(reader.ReadPayload());
        Assert.False(reader.ReadPayload());
        Assert.Equal(new DecodeResult(DecodeStatus.PayloadAfterEncrypted, 36), reader.Result);
    }

    [Theory]
    [InlineData(Ikev1Mm1)]
    [InlineData(Ikev2Init)]
    public void EveryTruncation_YieldsAStatusAndNoException(string hex)
    {
        byte[] full = H(hex);
        for (int n = 0; n < full.Length; n++)
        {
            byte[] cut = full.AsSpan(0, n).ToArray();
            var reader = new IsakmpReader(cut);
            int payloads = 0;
            while (reader.ReadPayload())
                payloads++;
            bool reported = reader.HeaderResult.Status != DecodeStatus.Ok || reader.Result.Status != DecodeStatus.Ok;
            Assert.True(reported, $"prefix of {n} bytes was read as complete");
            // The dissection layer must not throw either.
            IkeMessageDissection d = IkeMessageDissection.Dissect(cut);
            Assert.True(d.IsMalformed, $"prefix of {n} bytes");
        }
    }

    [Fact]
    public void IteratingPayloads_DoesNotAllocate()
    {
        byte[] m1 = H(Ikev1Mm1);
        byte[] m2 = H(Ikev2Init);
        int Walk()
        {
            int total = 0;
            var r1 = new IsakmpReader(m1);
            while (r1.ReadPayload())
            {
                total += r1.PayloadLength;
                if (r1.PayloadType == PayloadType.SA && IkeDecoder.TryReadIkev1SecurityAssociation(r1.PayloadBody, r1.BodyOffset, out var sa))
                {
                    ProposalReader pr = sa.GetProposals();
                    while (pr.ReadNext())
                    {
                        TransformReader tr = pr.Current.GetTransforms();
                        while (tr.ReadNext())
                        {
                            AttributeReader ar = tr.Current.GetAttributes();
                            while (ar.ReadNext())
                                total += ar.Current.TypeRaw;
                        }
                    }
                }
                if (r1.PayloadType == PayloadType.VID)
                    total += VendorIds.Find(r1.PayloadBody) is null ? 0 : 1;
            }
            var r2 = new IsakmpReader(m2);
            while (r2.ReadPayload())
            {
                if (r2.PayloadType == PayloadType.Nv2 && IkeDecoder.TryReadNotify(r2.PayloadBody, r2.BodyOffset, 2, out var n))
                    total += n.NotifyTypeRaw;
            }
            return total;
        }
        for (int i = 0; i < 10; i++) Walk();
        long before = GC.GetAllocatedBytesForCurrentThread();
        int sum = 0;
        for (int i = 0; i < 100; i++) sum += Walk();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        Assert.NotEqual(0, sum);
    }
}
