using System.Buffers.Binary;
using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Ike;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// One IKEv1 negotiation between two simulated IOS routers as bytes: Main Mode with RSA signatures (RFC 2409 §5.1) and
/// Quick Mode (§5.5), following the model's trace (<see cref="DecisionEngine"/>, rules I1–I4): its CERT_REQ lists,
/// certificates and messages. Real DH, SKEYID derivation, 3DES/AES CBC encryption with the RFC 2409 Appendix B IV
/// chain, RSA signatures over HASH_I/HASH_R; everything random is drawn from the scenario's seed, so the same scenario
/// gives the same bytes.
/// </summary>
internal sealed class Ikev1Forge : NegotiationForge
{
    private Ikev1Forge(DecisionTrace trace, ForgePeer initiator, ForgePeer responder)
        : base(trace, initiator, responder)
    {
    }

    public static ForgedNegotiation Run(DecisionTrace trace, ForgePeer initiator, ForgePeer responder) =>
        new Ikev1Forge(trace, initiator, responder).Run();

    private static IReadOnlyList<string> Names(IkePayloadChain chain) => Enumerable.Range(0, chain.Count).Select(k => chain.Type(k).ToString()).ToArray();

    /// <summary>The sender's trustpoints a CERT_REQ / validation list of the trace names, from its store.</summary>
    private static IReadOnlyList<TrustpointCa> Store(ForgePeer who, IReadOnlyList<string> trustpoints) =>
        trustpoints.Select(n => who.Store.First(t => t.Trustpoint == n)).ToArray();

    protected override void Negotiate()
    {
        Ikev1Spec iSpec = _i.Spec.Ikev1!;
        var (suite, group) = IosAlgorithms.Ikev1Suite(iSpec.Policy);
        IkePrf prf = suite.Prf;
        byte[] ckyI = Random("cookie-i", 8), ckyR = Random("cookie-r", 8);
        ulong spiI = BinaryPrimitives.ReadUInt64BigEndian(ckyI), spiR = BinaryPrimitives.ReadUInt64BigEndian(ckyR);
        IkeHeaderFields Header(ulong r, byte flags = 0, uint mid = 0, ExchangeType x = ExchangeType.IdentityProtection) =>
            new(spiI, r, 1, x, flags, mid);

        // MM1: SA and the NAT-T vendor IDs (RFC 3947 and the drafts IOS still announces).
        var mm1 = new IkePayloadChain()
            .Add(PayloadType.SA, IosPayloads.Ikev1Phase1Sa(iSpec.Policy))
            .Add(PayloadType.VID, IosPayloads.VidRfc3947)
            .Add(PayloadType.VID, IosPayloads.VidNatTDraft07)
            .Add(PayloadType.VID, IosPayloads.VidNatTDraft03)
            .Add(PayloadType.VID, IosPayloads.VidNatTDraft02N);
        byte[] saiB = mm1.Body(0);
        byte[] mm1Bytes = IkeMessageBuilder.Message(Header(0), mm1);
        Send(_i, mm1Bytes, "MM1", Names(mm1));

        if (NextMessage == "Informational NO-PROPOSAL-CHOSEN")
        {
            var notify = new IkePayloadChain().Add(PayloadType.N,
                IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.NO_PROPOSAL_CHOSEN, [.. ckyI, .. ckyR]));
            Send(_r, IkeMessageBuilder.Message(Header(spiR, 0, 0, ExchangeType.Informational), notify), "Informational NO-PROPOSAL-CHOSEN", Names(notify));
            Retransmissions(new Dictionary<string, byte[]> { ["MM1"] = mm1Bytes });
            return;
        }

        // MM2: the accepted SA and the RFC 3947 vendor ID only (technote: 132 octets).
        Ikev1Spec rSpec = _r.Spec.Ikev1!;
        var mm2 = new IkePayloadChain()
            .Add(PayloadType.SA, IosPayloads.Ikev1Phase1Sa(rSpec.Policy))
            .Add(PayloadType.VID, IosPayloads.VidRfc3947);
        Send(_r, IkeMessageBuilder.Message(Header(spiR), mm2), "MM2", Names(mm2));

        DhKeyPair dhI = DhKeyPair.FromSeed(group, Random("dh-i", 32)), dhR = DhKeyPair.FromSeed(group, Random("dh-r", 32));
        byte[] ni = Random("nonce-i", 20), nr = Random("nonce-r", 20);
        byte[] gxi = dhI.PublicValue, gxr = dhR.PublicValue;

        // MM3: the CAs of the initiator's CERT_REQ list (I1).
        var mm3 = new IkePayloadChain().Add(PayloadType.KE, gxi).Add(PayloadType.NONCE, ni);
        foreach (TrustpointCa tp in Store(_i, Decided(DecisionKind.CertRequestList, _i).Trustpoints))
            mm3.Add(PayloadType.CR, IosPayloads.X509Signature(tp.CaNameDer));
        mm3.Add(PayloadType.VID, IosPayloads.VidDpd)
            .Add(PayloadType.VID, Random("vid-i", 16))
            .Add(PayloadType.VID, IosPayloads.VidXauth)
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _r.Address, 500))
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _i.Address, 500));
        Send(_i, IkeMessageBuilder.Message(Header(spiR), mm3), "MM3", Names(mm3));

        // MM4: the responder's (I1: every global trustpoint, store order).
        var mm4 = new IkePayloadChain().Add(PayloadType.KE, gxr).Add(PayloadType.NONCE, nr);
        foreach (TrustpointCa tp in Store(_r, Decided(DecisionKind.CertRequestList, _r).Trustpoints))
            mm4.Add(PayloadType.CR, IosPayloads.X509Signature(tp.CaNameDer));
        mm4.Add(PayloadType.VID, IosPayloads.VidCiscoUnity)
            .Add(PayloadType.VID, IosPayloads.VidDpd)
            .Add(PayloadType.VID, Random("vid-r", 16))
            .Add(PayloadType.VID, IosPayloads.VidXauth)
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _i.Address, 500))
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _r.Address, 500));
        byte[] mm4Bytes = IkeMessageBuilder.Message(Header(spiR), mm4);
        Send(_r, mm4Bytes, "MM4", Names(mm4));

        if (!dhI.TryComputeSharedSecret(gxr, out byte[] gxy))
            throw new InvalidOperationException("DH failed on the forge's own values");
        Ikev1Keys keys = Ikev1KeyDerivation.Derive(suite, ni, nr, gxy, ckyI, ckyR);
        _n.SharedSecret = gxy;
        _n.Ikev1Keys = new Ikev1KeyEntry(spiI, keys.EncryptionKey);
        byte[] iv = Ikev1KeyDerivation.Phase1Iv(prf, gxi, gxr, suite.BlockSize);

        // MM5: the certificate the initiator chose on MM4 (I2); none: phase 1 ends here.
        if (NextMessage != "MM5") return;
        Decision sentI = Decided(DecisionKind.CertificateSent, _i);
        ForgedIdentity certI = _i.Identity(sentI.Trustpoint!);
        IkeIdentity idI = sentI.Identity!.Value;
        byte[] idiiB = IosPayloads.Ikev1Id(idI);
        byte[] hashI = Ikev1KeyDerivation.HashI(prf, keys.Skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB);
        var mm5 = new IkePayloadChain()
            .Add(PayloadType.ID, idiiB)
            .Add(PayloadType.CERT, IosPayloads.X509Signature(certI.Der))
            .Add(PayloadType.SIG, ForgePeer.Ikev1Sign(certI.Keys.Private, hashI))
            .Add(PayloadType.N, IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.INITIAL_CONTACT, [.. ckyI, .. ckyR]));
        byte[] mm5Bytes = Ikev1MessageCrypto.Encrypt(IkeMessageBuilder.Message(Header(spiR), mm5), suite, keys.EncryptionKey, iv);
        iv = mm5Bytes[^suite.BlockSize..];
        Send(_i, mm5Bytes, "MM5", Names(mm5));

        // The responder's validation (I4), checked against the real certificate and signature.
        Decision rResult = Decided(DecisionKind.Validation, _r);
        if (_trace.Find(DecisionKind.ValidationList, _r.Name) is { } rList)
            Agree(_r.Validate(certI.Certificate, Store(_r, rList.Trustpoints), Time, out _) is not null
                  && ForgePeer.Ikev1Verify(certI.Certificate.GetPublicKey(), hashI, mm5.Body(2)), rResult.Accepted, $"{_r.Name}'s validation of MM5");
        if (!rResult.Accepted)
        {
            // The responder keeps re-sending MM4; the initiator answers each duplicate MM4 with its MM5 again.
            Retransmissions(new Dictionary<string, byte[]> { ["MM4"] = mm4Bytes, ["MM5"] = mm5Bytes });
            return;
        }

        // MM6: the certificate the responder chose on MM3 (I2); none: phase 1 ends here.
        if (NextMessage != "MM6") return;
        Decision sentR = Decided(DecisionKind.CertificateSent, _r);
        ForgedIdentity certR = _r.Identity(sentR.Trustpoint!);
        IkeIdentity idR = sentR.Identity!.Value;
        byte[] idirB = IosPayloads.Ikev1Id(idR);
        byte[] hashR = Ikev1KeyDerivation.HashR(prf, keys.Skeyid, gxi, gxr, ckyI, ckyR, saiB, idirB);
        var mm6 = new IkePayloadChain()
            .Add(PayloadType.ID, idirB)
            .Add(PayloadType.CERT, IosPayloads.X509Signature(certR.Der))
            .Add(PayloadType.SIG, ForgePeer.Ikev1Sign(certR.Keys.Private, hashR));
        byte[] mm6Bytes = Ikev1MessageCrypto.Encrypt(IkeMessageBuilder.Message(Header(spiR), mm6), suite, keys.EncryptionKey, iv);
        Send(_r, mm6Bytes, "MM6", Names(mm6));
        byte[] lastPhase1Block = mm6Bytes[^suite.BlockSize..];

        Decision iResult = Decided(DecisionKind.Validation, _i);
        Agree(_i.Validate(certR.Certificate, Store(_i, Decided(DecisionKind.ValidationList, _i).Trustpoints), Time, out _) is not null
              && ForgePeer.Ikev1Verify(certR.Certificate.GetPublicKey(), hashR, mm6.Body(2)), iResult.Accepted, $"{_i.Name}'s validation of MM6");
        if (!iResult.Accepted)
        {
            SendInformational(_i, prf, suite, keys, lastPhase1Block, spiI, spiR,
                IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.INVALID_CERTIFICATE, [.. ckyI, .. ckyR]), "Informational INVALID-CERTIFICATE");
            return;
        }

        QuickMode(prf, suite, keys, lastPhase1Block, spiI, spiR);
    }

    /// <summary>Quick Mode (RFC 2409 §5.5) for the VTI: HASH(1) SA Ni IDci IDcr, HASH(2) SA Nr IDci IDcr, HASH(3);
    /// the responder refuses it when the profile it bound on MM5 is not the one its tunnel uses.</summary>
    private void QuickMode(IkePrf prf, Ikev1CipherSuite suite, Ikev1Keys keys, byte[] lastPhase1Block, ulong spiI, ulong spiR)
    {
        uint mid = BinaryPrimitives.ReadUInt32BigEndian(Random("qm-mid", 4)) | 1;
        byte[] midBytes = Bytes.BigEndian(mid);
        var header = new IkeHeaderFields(spiI, spiR, 1, ExchangeType.QuickMode, 0, mid);
        byte[] iv = Ikev1KeyDerivation.Phase2Iv(prf, lastPhase1Block, mid, suite.BlockSize);

        uint espSpiI = BinaryPrimitives.ReadUInt32BigEndian(Random("esp-spi-i", 4));
        byte[] niQ = Random("qm-nonce-i", 20);
        var rest1 = new IkePayloadChain()
            .Add(PayloadType.SA, IosPayloads.Ikev1QuickModeSa(_i.Spec.Ipsec, espSpiI))
            .Add(PayloadType.NONCE, niQ)
            .Add(PayloadType.ID, IosPayloads.Ikev1ProxyAny())
            .Add(PayloadType.ID, IosPayloads.Ikev1ProxyAny());
        byte[] qm1 = ProtectedPhase2(header, prf.Compute(keys.SkeyidA, midBytes, rest1.ToArray()), rest1, suite, keys, iv);
        iv = qm1[^suite.BlockSize..];
        Send(_i, qm1, "QM1", ["HASH", .. Names(rest1)]);

        // The responder refuses Quick Mode when the profile it bound on MM5 is not its tunnel's (I3).
        if (NextMessage == "Informational INVALID-ID-INFORMATION")
        {
            SendInformational(_r, prf, suite, keys, lastPhase1Block, spiI, spiR,
                IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.INVALID_ID_INFORMATION, Bytes.BigEndian(espSpiI), (byte)Ikev1ProtocolId.PROTO_IPSEC_ESP),
                "Informational INVALID-ID-INFORMATION");
            return;
        }

        uint espSpiR = BinaryPrimitives.ReadUInt32BigEndian(Random("esp-spi-r", 4));
        byte[] nrQ = Random("qm-nonce-r", 20);
        var rest2 = new IkePayloadChain()
            .Add(PayloadType.SA, IosPayloads.Ikev1QuickModeSa(_r.Spec.Ipsec, espSpiR))
            .Add(PayloadType.NONCE, nrQ)
            .Add(PayloadType.ID, IosPayloads.Ikev1ProxyAny())
            .Add(PayloadType.ID, IosPayloads.Ikev1ProxyAny());
        byte[] qm2 = ProtectedPhase2(header, prf.Compute(keys.SkeyidA, midBytes, niQ, rest2.ToArray()), rest2, suite, keys, iv);
        iv = qm2[^suite.BlockSize..];
        Send(_r, qm2, "QM2", ["HASH", .. Names(rest2)]);

        byte[] hash3 = prf.Compute(keys.SkeyidA, [0], midBytes, niQ, nrQ);
        byte[] qm3 = ProtectedPhase2(header, hash3, new IkePayloadChain(), suite, keys, iv);
        Send(_i, qm3, "QM3", ["HASH"]);
    }

    /// <summary>An encrypted Informational (RFC 2409 §5.7): HASH(1) = prf(SKEYID_a, M-ID | N/D), its own M-ID and IV.</summary>
    private void SendInformational(ForgePeer from, IkePrf prf, Ikev1CipherSuite suite, Ikev1Keys keys, byte[] lastPhase1Block,
        ulong spiI, ulong spiR, byte[] notifyBody, string label)
    {
        uint mid = BinaryPrimitives.ReadUInt32BigEndian(Random("info-mid/" + label, 4)) | 1;
        var rest = new IkePayloadChain().Add(PayloadType.N, notifyBody);
        byte[] iv = Ikev1KeyDerivation.Phase2Iv(prf, lastPhase1Block, mid, suite.BlockSize);
        var header = new IkeHeaderFields(spiI, spiR, 1, ExchangeType.Informational, 0, mid);
        Send(from, ProtectedPhase2(header, prf.Compute(keys.SkeyidA, Bytes.BigEndian(mid), rest.ToArray()), rest, suite, keys, iv), label, ["HASH", "N"]);
    }

    /// <summary>HASH payload first, then <paramref name="rest"/>, encrypted with <paramref name="iv"/>.</summary>
    private static byte[] ProtectedPhase2(in IkeHeaderFields header, byte[] hash, IkePayloadChain rest, Ikev1CipherSuite suite,
        Ikev1Keys keys, byte[] iv)
    {
        byte[] restBytes = rest.ToArray();
        var chain = new byte[4 + hash.Length + restBytes.Length];
        chain[0] = (byte)rest.First;
        BinaryPrimitives.WriteUInt16BigEndian(chain.AsSpan(2), (ushort)(4 + hash.Length));
        hash.CopyTo(chain, 4);
        restBytes.CopyTo(chain, 4 + hash.Length);
        byte[] clear = IkeMessageBuilder.Message(header, PayloadType.HASH, chain);
        return Ikev1MessageCrypto.Encrypt(clear, suite, keys.EncryptionKey, iv);
    }


}
