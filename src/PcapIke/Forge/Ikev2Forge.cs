using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Ike;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// One IKEv2 negotiation between two simulated IOS routers as bytes (RFC 7296 §1.2): IKE_SA_INIT and IKE_AUTH with RSA
/// signatures, following the model's trace (<see cref="DecisionEngine"/>, rules V1–V4) and its payload lists (the
/// technote's debugs). Real DH, SKEYSEED and key derivation, SK payloads encrypted and integrity-protected
/// (AES-CBC/3DES with HMAC, AES-GCM), RFC 7383 fragments when both sides have fragmentation on and IKE_AUTH exceeds
/// the MTU.
/// </summary>
internal sealed class Ikev2Forge : NegotiationForge
{
    private readonly int _mtu;

    private Ikev2Forge(DecisionTrace trace, ForgePeer initiator, ForgePeer responder)
        : base(trace, initiator, responder)
    {
        _mtu = initiator.Pki.Scenario.Link.Mtu;
    }

    public static ForgedNegotiation Run(DecisionTrace trace, ForgePeer initiator, ForgePeer responder) =>
        new Ikev2Forge(trace, initiator, responder).Run();

    /// <summary>The payloads of a chain as IOS's "Payload contents" debug names them (the trace's message payloads).</summary>
    private static IReadOnlyList<string> Names(IkePayloadChain chain)
    {
        var names = new List<string>();
        for (int i = 0; i < chain.Count; i++)
        {
            byte[] body = chain.Body(i);
            PayloadType type = chain.Type(i);
            names.Add(type switch
            {
                PayloadType.Nv2 => $"NOTIFY({(Ikev2NotifyType)((body[2] << 8) | body[3])})",
                PayloadType.SAv2 => "SA",
                PayloadType.KEv2 => "KE",
                PayloadType.Nonce => "N",
                PayloadType.V => "VID",
                PayloadType.CERTv2 => "CERT",
                PayloadType.Dv2 => "DELETE",
                PayloadType.CP => "CFG",
                _ => type.ToString(),
            });
        }
        return names;
    }

    private static IReadOnlyList<TrustpointCa> Store(ForgePeer who, IReadOnlyList<string> trustpoints) =>
        trustpoints.Select(n => who.Store.First(t => t.Trustpoint == n)).ToArray();

    protected override void Negotiate()
    {
        Ikev2Spec iSpec = _i.Spec.Ikev2!;
        byte[] spiI = Random("spi-i", 8), spiR = Random("spi-r", 8);
        ulong spiIv = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(spiI);
        ulong spiRv = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(spiR);

        // IKE_SA_INIT request (V1: no CERTREQ): SA KE N VID VID N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP).
        var offered = IosAlgorithms.Ikev2IkeTransforms(iSpec.Proposal);
        var group = (DhGroup)offered.First(t => t.Type == TransformType.KE).Id;
        DhKeyPair dhI = DhKeyPair.FromSeed(group, Random("dh-i", 32));
        byte[] ni = Random("nonce-i", 32);
        var req = new IkePayloadChain()
            .Add(PayloadType.SAv2, IosPayloads.Ikev2Sa(Ikev2ProtocolId.IKE, [], offered))
            .Add(PayloadType.KEv2, IosPayloads.Ikev2Ke(group, dhI.PublicValue))
            .Add(PayloadType.Nonce, ni)
            .Add(PayloadType.V, IosPayloads.VidCiscoCopyright)
            .Add(PayloadType.V, IosPayloads.VidFlexVpn)
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NAT_DETECTION_SOURCE_IP,
                IosPayloads.Ikev2NatDetection(spiI, new byte[8], _i.Address, 500)))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NAT_DETECTION_DESTINATION_IP,
                IosPayloads.Ikev2NatDetection(spiI, new byte[8], _r.Address, 500)));
        if (iSpec.Fragmentation)
            req.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        byte[] message1 = IkeMessageBuilder.Message(new IkeHeaderFields(spiIv, 0, 2, ExchangeType.IKE_SA_INIT, (byte)Ikev2Flags.Initiator, 0), req);
        Send(_i, message1, "IKE_SA_INIT request", Names(req));

        if (NextMessage == "IKE_SA_INIT response NO_PROPOSAL_CHOSEN")
        {
            var np = new IkePayloadChain().Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NO_PROPOSAL_CHOSEN));
            Send(_r, IkeMessageBuilder.Message(
                new IkeHeaderFields(spiIv, 0, 2, ExchangeType.IKE_SA_INIT, (byte)Ikev2Flags.Response, 0), np), "IKE_SA_INIT response NO_PROPOSAL_CHOSEN", Names(np));
            return;
        }

        // IKE_SA_INIT response (V1): ... CERTREQ for the trace's CAs, N(HTTP_CERT_LOOKUP_SUPPORTED).
        Ikev2Spec rSpec = _r.Spec.Ikev2!;
        var chosen = Ikev2Model.ChooseTransforms(offered, IosAlgorithms.Ikev2IkeTransforms(rSpec.Proposal))!;
        DhKeyPair dhR = DhKeyPair.FromSeed(group, Random("dh-r", 32));
        byte[] nr = Random("nonce-r", 32);
        var certReqR = Store(_r, Decided(DecisionKind.CertRequestList, _r).Trustpoints);
        var resp = new IkePayloadChain()
            .Add(PayloadType.SAv2, IosPayloads.Ikev2Sa(Ikev2ProtocolId.IKE, [], chosen))
            .Add(PayloadType.KEv2, IosPayloads.Ikev2Ke(group, dhR.PublicValue))
            .Add(PayloadType.Nonce, nr)
            .Add(PayloadType.V, IosPayloads.VidCiscoCopyright)
            .Add(PayloadType.V, IosPayloads.VidFlexVpn)
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NAT_DETECTION_SOURCE_IP,
                IosPayloads.Ikev2NatDetection(spiI, spiR, _r.Address, 500)))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NAT_DETECTION_DESTINATION_IP,
                IosPayloads.Ikev2NatDetection(spiI, spiR, _i.Address, 500)));
        if (certReqR.Count > 0)
            resp.Add(PayloadType.CERTREQ, CertReq(certReqR));
        resp.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.HTTP_CERT_LOOKUP_SUPPORTED));
        bool fragmentation = iSpec.Fragmentation && rSpec.Fragmentation;
        if (fragmentation)
            resp.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        byte[] message2 = IkeMessageBuilder.Message(new IkeHeaderFields(spiIv, spiRv, 2, ExchangeType.IKE_SA_INIT, (byte)Ikev2Flags.Response, 0), resp);
        Send(_r, message2, "IKE_SA_INIT response", Names(resp));

        var suite = new Ikev2CipherSuite(
            (EncryptionTransformId)chosen.First(c => c.Type == TransformType.ENCR).Id,
            chosen.First(c => c.Type == TransformType.ENCR).KeyBits,
            chosen.FirstOrDefault(c => c.Type == TransformType.INTEG) is { Type: TransformType.INTEG } ig ? (IntegrityTransformId)ig.Id : IntegrityTransformId.NONE,
            (PrfTransformId)chosen.First(c => c.Type == TransformType.PRF).Id);
        if (!dhI.TryComputeSharedSecret(dhR.PublicValue, out byte[] gir))
            throw new InvalidOperationException("DH failed on the forge's own values");
        Ikev2Keys keys = Ikev2KeyDerivation.DeriveFromSharedSecret(suite, ni, nr, gir, spiI, spiR);
        _n.SharedSecret = gir;
        _n.Ikev2Keys = new Ikev2KeyEntry(spiIv, spiRv, suite, keys);
        IkePrf prf = suite.PrfFunction;

        // IKE_AUTH request: signed with the trustpoint of V2; none ("Failed to build certificate payload"): no IKE_AUTH.
        if (NextMessage != "IKE_AUTH request") return;
        Decision sentI = Decided(DecisionKind.CertificateSent, _i);
        ForgedIdentity certI = _i.Identity(sentI.Trustpoint!);
        IkeIdentity idI = sentI.Identity!.Value;
        byte[] idiBody = IosPayloads.Ikev2Id(idI);
        // RFC 7296 §2.15: the initiator signs RealMessage1 | Nr | prf(SK_pi, RestOfInitIDPayload).
        byte[] signedI = [.. message1, .. nr, .. prf.Compute(keys.SkPi, idiBody)];
        byte[] authI = ForgePeer.Ikev2Sign(certI.Keys.Private, signedI);
        var certReqI = _trace.Find(DecisionKind.CertRequestList, _i.Name) is { } cri ? Store(_i, cri.Trustpoints) : [];
        uint espSpiI = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Random("esp-spi-i", 4));
        var authReq = new IkePayloadChain()
            .Add(PayloadType.V, IosPayloads.VidCiscoDeleteReason)
            .Add(PayloadType.IDi, idiBody)
            .Add(PayloadType.CERTv2, IosPayloads.X509Signature(certI.Der));
        if (certReqI.Count > 0)
            authReq.Add(PayloadType.CERTREQ, CertReq(certReqI));
        authReq.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.HTTP_CERT_LOOKUP_SUPPORTED))
            .Add(PayloadType.AUTH, IosPayloads.Ikev2Auth(Ikev2AuthMethod.RSA_Digital_Signature, authI))
            .Add(PayloadType.CP, IosPayloads.Ikev2ConfigRequest())
            .Add(PayloadType.SAv2, IosPayloads.Ikev2Sa(Ikev2ProtocolId.ESP, Bytes.BigEndian(espSpiI), IosAlgorithms.Ikev2ChildTransforms(_i.Spec.Ipsec)))
            .Add(PayloadType.TSi, IosPayloads.Ikev2TrafficSelectorAny())
            .Add(PayloadType.TSr, IosPayloads.Ikev2TrafficSelectorAny())
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.INITIAL_CONTACT))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.SET_WINDOW_SIZE, [0, 0, 0, 5]))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NON_FIRST_FRAGMENTS_ALSO));
        var authHeader = new IkeHeaderFields(spiIv, spiRv, 2, ExchangeType.IKE_AUTH, (byte)Ikev2Flags.Initiator, 1);
        SendProtected(_i, authHeader, authReq, suite, keys.Initiator, fragmentation, "IKE_AUTH request");

        // The responder's validation (V4), checked against the real certificate and AUTH.
        var respHeader = authHeader with { Flags = (byte)Ikev2Flags.Response };
        Decision rResult = Decided(DecisionKind.Validation, _r);
        if (_trace.Find(DecisionKind.ValidationList, _r.Name) is { } rList)
            Agree(_r.Validate(certI.Certificate, Store(_r, rList.Trustpoints), Time, out _) is not null
                  && ForgePeer.Ikev2Verify(certI.Certificate.GetPublicKey(), signedI, authI), rResult.Accepted, $"{_r.Name}'s validation of IKE_AUTH");
        if (NextMessage == "IKE_AUTH response AUTHENTICATION_FAILED")
        {
            SendAuthenticationFailed(respHeader, suite, keys);
            return;
        }

        Decision sentR = Decided(DecisionKind.CertificateSent, _r);
        ForgedIdentity certR = _r.Identity(sentR.Trustpoint!);
        IkeIdentity idR = sentR.Identity!.Value;
        byte[] idrBody = IosPayloads.Ikev2Id(idR);
        // RFC 7296 §2.15: the responder signs RealMessage2 | Ni | prf(SK_pr, RestOfRespIDPayload).
        byte[] signedR = [.. message2, .. ni, .. prf.Compute(keys.SkPr, idrBody)];
        byte[] authR = ForgePeer.Ikev2Sign(certR.Keys.Private, signedR);
        var authResp = new IkePayloadChain()
            .Add(PayloadType.V, IosPayloads.VidCiscoDeleteReason)
            .Add(PayloadType.IDr, idrBody)
            .Add(PayloadType.CERTv2, IosPayloads.X509Signature(certR.Der))
            .Add(PayloadType.AUTH, IosPayloads.Ikev2Auth(Ikev2AuthMethod.RSA_Digital_Signature, authR));
        if (_trace.Find(DecisionKind.ChildSa, _r.Name) is not { Accepted: false })
        {
            uint espSpiR = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Random("esp-spi-r", 4));
            authResp.Add(PayloadType.SAv2, IosPayloads.Ikev2Sa(Ikev2ProtocolId.ESP, Bytes.BigEndian(espSpiR), IosAlgorithms.Ikev2ChildTransforms(_r.Spec.Ipsec)))
                .Add(PayloadType.TSi, IosPayloads.Ikev2TrafficSelectorAny())
                .Add(PayloadType.TSr, IosPayloads.Ikev2TrafficSelectorAny())
                .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.SET_WINDOW_SIZE, [0, 0, 0, 5]))
                .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED))
                .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NON_FIRST_FRAGMENTS_ALSO));
        }
        else
            authResp.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.TS_UNACCEPTABLE));
        SendProtected(_r, respHeader, authResp, suite, keys.Responder, fragmentation, "IKE_AUTH response");

        Agree(_i.Validate(certR.Certificate, Store(_i, Decided(DecisionKind.ValidationList, _i).Trustpoints), Time, out _) is not null
              && ForgePeer.Ikev2Verify(certR.Certificate.GetPublicKey(), signedR, authR), Decided(DecisionKind.Validation, _i).Accepted,
              $"{_i.Name}'s validation of IKE_AUTH");
        if (NextMessage == "INFORMATIONAL request D(IKE)")
            DeleteIkeSa(suite, keys, spiIv, spiRv);
    }

    /// <summary>The IKE_AUTH response that carries only N(AUTHENTICATION_FAILED) (technote: "Sending authentication
    /// failure notify").</summary>
    private void SendAuthenticationFailed(IkeHeaderFields respHeader, Ikev2CipherSuite suite, Ikev2Keys keys)
    {
        var af = new IkePayloadChain().Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.AUTHENTICATION_FAILED));
        SendProtected(_r, respHeader, af, suite, keys.Responder, false, "IKE_AUTH response AUTHENTICATION_FAILED");
    }

    /// <summary>INFORMATIONAL (message ID 2) carrying D(IKE), and the responder's empty INFORMATIONAL response (RFC 7296 §1.4.1).</summary>
    private void DeleteIkeSa(Ikev2CipherSuite suite, Ikev2Keys keys, ulong spiI, ulong spiR)
    {
        var header = new IkeHeaderFields(spiI, spiR, 2, ExchangeType.INFORMATIONAL, (byte)Ikev2Flags.Initiator, 2);
        var delete = new IkePayloadChain().Add(PayloadType.Dv2, [(byte)Ikev2ProtocolId.IKE, 0, 0, 0]);
        SendProtected(_i, header, delete, suite, keys.Initiator, false, "INFORMATIONAL request D(IKE)");
        SendProtected(_r, header with { Flags = (byte)Ikev2Flags.Response }, new IkePayloadChain(),
            suite, keys.Responder, false, "INFORMATIONAL response");
    }

    /// <summary>
    /// Sends <paramref name="inner"/> in an SK payload, or, when fragmentation was negotiated and the message would
    /// exceed the MTU, in SKF fragments (RFC 7383 §2.5: each fragment encrypted on its own, the first carrying the
    /// first inner payload's type).
    /// </summary>
    private void SendProtected(ForgePeer from, IkeHeaderFields header, IkePayloadChain inner, Ikev2CipherSuite suite,
        Ikev2DirectionKeys keys, bool fragmentation, string label)
    {
        byte[] prefix = IkeMessageBuilder.Message(header, PayloadType.SK, []);
        byte[] plain = inner.ToArray();
        string what = $"{label}/{_n.Datagrams.Count}";
        byte[] whole = Ikev2EncryptedPayload.Encrypt(prefix, inner.First, plain, suite, keys, Random("iv/" + what, suite.IvLength));
        int overhead = 20 + 8 + IkeMessageBuilder.HeaderLength + 8 + suite.IvLength + suite.IcvLength + suite.BlockSize;
        if (!fragmentation || 28 + whole.Length <= _mtu)
        {
            Send(from, whole, label, Names(inner));
            return;
        }
        int room = _mtu - overhead;
        int total = (plain.Length + room - 1) / room;
        var fragments = new List<byte[]>(total);
        for (int k = 0; k < total; k++)
        {
            byte[] chunk = plain[(k * room)..Math.Min(plain.Length, (k + 1) * room)];
            fragments.Add(Ikev2EncryptedPayload.Encrypt(prefix, k == 0 ? inner.First : PayloadType.NONE, chunk, suite, keys,
                Random($"iv/{what}/{k}", suite.IvLength), fragment: new Ikev2FragmentInfo((ushort)(k + 1), (ushort)total)));
        }
        SendFragments(from, fragments, label, Names(inner), TimeSpan.FromTicks(500));
    }

    /// <summary>CERTREQ body (RFC 7296 §3.7): encoding X.509 Signature, then the CAs' SPKI SHA-1 hashes concatenated.</summary>
    private static byte[] CertReq(IReadOnlyList<TrustpointCa> cas) => [4, .. cas.SelectMany(t => t.CaSpkiSha1!)];

}
