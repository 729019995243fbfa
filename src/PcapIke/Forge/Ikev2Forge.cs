using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Ike;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// One IKEv2 negotiation between two simulated IOS routers (RFC 7296 §1.2): IKE_SA_INIT and IKE_AUTH with RSA
/// signatures, following rules V1–V4 (<see cref="IosSelection"/>), with the payload lists the technote's debugs print.
/// Real DH, SKEYSEED and key derivation, SK payloads encrypted and integrity-protected (AES-CBC/3DES with HMAC, AES-GCM),
/// RFC 7383 fragments when both sides have fragmentation on and IKE_AUTH exceeds the MTU.
/// </summary>
internal sealed class Ikev2Forge : NegotiationForge
{
    private readonly int _mtu;

    private Ikev2Forge(ForgePeer initiator, ForgePeer responder, DateTimeOffset start, int index)
        : base(2, initiator, responder, start, index)
    {
        _mtu = initiator.Pki.Scenario.Link.Mtu;
    }

    public static ForgedNegotiation Run(ForgePeer initiator, ForgePeer responder, DateTimeOffset start, int index) =>
        new Ikev2Forge(initiator, responder, start, index).Run();

    /// <summary>One line of the router's <c>debug crypto ikev2</c> output (technote wording).</summary>
    private void Debug(ForgePeer who, string text) => _n.Debug.Add(new ForgeLogLine(_t, who.Name, "", "IKEv2:(SA ID = 1):" + text));

    /// <summary>"Payload contents:" as IOS prints it when it builds a message (technote §"Flujo de IKEv2").</summary>
    private void DebugPayloads(ForgePeer who, string exchange, IkePayloadChain chain, bool encrypted)
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
        if (encrypted) Debug(who, "Building packet for encryption.");
        Debug(who, $"{exchange} Payload contents: {string.Join(' ', names)}");
    }

    protected override void Negotiate()
    {
        Ikev2Spec iSpec = _i.Spec.Ikev2 ?? throw new ScenarioException("$.routers", $"{_i.Name} has no ikev2 configuration");
        Ikev2ProfileSpec iProfile = _i.TunnelIkev2Profile
            ?? throw new ScenarioException("$.routers", $"{_i.Name}'s crypto ipsec profile names no ikev2 profile");
        _n.Profile[_i.Name] = iProfile.Name;
        Log(_i, "V2", $"ikev2 profile {iProfile.Name} bound from the start (crypto ipsec profile {_i.Spec.Ipsec.ProfileName})");
        byte[] spiI = Random("spi-i", 8), spiR = Random("spi-r", 8);
        ulong spiIv = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(spiI);
        ulong spiRv = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(spiR);

        // IKE_SA_INIT request (V1: no CERTREQ): SA KE N VID VID N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP).
        var offered = IosPayloads.Ikev2IkeTransforms(iSpec.Proposal);
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
        DebugPayloads(_i, "IKEv2 IKE_SA_INIT Exchange REQUEST", req, false);
        Send(_i, TimeSpan.Zero, message1, "IKE_SA_INIT request");

        // The responder takes, of each transform type, the first the initiator offers that its own proposal has.
        var rOffered = _r.Spec.Ikev2 is { } rSpec0 ? IosPayloads.Ikev2IkeTransforms(rSpec0.Proposal) : [];
        var chosen = new List<(TransformType Type, ushort Id, int KeyBits)>();
        foreach (var type in offered.Select(t => t.Type).Distinct())
            if (offered.FirstOrDefault(t => t.Type == type && rOffered.Contains(t)) is { Type: not TransformType.RESERVED } pick)
                chosen.Add(pick);
        if (_r.Spec.Ikev2 is not { } rSpec || chosen.Select(c => c.Type).Distinct().Count() != offered.Select(t => t.Type).Distinct().Count()
            || chosen.First(c => c.Type == TransformType.KE).Id != (ushort)group)
        {
            Log(_r, "", "no matching IKEv2 proposal: sending NO_PROPOSAL_CHOSEN");
            var np = new IkePayloadChain().Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NO_PROPOSAL_CHOSEN));
            Send(_r, TimeSpan.FromMilliseconds(2), IkeMessageBuilder.Message(
                new IkeHeaderFields(spiIv, 0, 2, ExchangeType.IKE_SA_INIT, (byte)Ikev2Flags.Response, 0), np), "IKE_SA_INIT response NO_PROPOSAL_CHOSEN");
            _n.Outcome = ForgeOutcome.NoProposalChosen;
            return;
        }

        // IKE_SA_INIT response (V1): ... CERTREQ for every global trustpoint, store order, N(HTTP_CERT_LOOKUP_SUPPORTED).
        DhKeyPair dhR = DhKeyPair.FromSeed(group, Random("dh-r", 32));
        byte[] nr = Random("nonce-r", 32);
        var certReqR = IosSelection.Ikev2ResponderCertRequests(_r.Store);
        Log(_r, certReqR.Rule, $"CERTREQ for {string.Join(", ", certReqR.Value.Select(t => t.Trustpoint))}: {certReqR.Reason}");
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
        if (certReqR.Value.Count > 0)
            resp.Add(PayloadType.CERTREQ, CertReq(certReqR.Value));
        resp.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.HTTP_CERT_LOOKUP_SUPPORTED));
        bool fragmentation = iSpec.Fragmentation && rSpec.Fragmentation;
        if (rSpec.Fragmentation && iSpec.Fragmentation)
            resp.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        byte[] message2 = IkeMessageBuilder.Message(new IkeHeaderFields(spiIv, spiRv, 2, ExchangeType.IKE_SA_INIT, (byte)Ikev2Flags.Response, 0), resp);
        _t += TimeSpan.FromMilliseconds(6);
        _n.CertRequestLists.Add(("IKE_SA_INIT response", _r.Name, certReqR.Value.Select(t => t.CaDn).ToArray()));
        Debug(_r, "Processing IKE_SA_INIT message");
        DebugPayloads(_r, "IKEv2 IKE_SA_INIT Exchange RESPONSE", resp, false);
        Send(_r, TimeSpan.Zero, message2, "IKE_SA_INIT response");

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

        // IKE_AUTH request: the trustpoint by V2 from the response's CERTREQ; none in the profile → no IKE_AUTH.
        var tpI = IosSelection.Ikev2ChooseTrustpoint(_i.Store, iProfile, initiator: true, certReqR.Value.Select(t => t.CaSpkiSha1!).ToArray());
        Log(_i, tpI.Rule, tpI.Reason);
        Debug(_i, "Processing IKE_SA_INIT message");
        foreach (TrustpointCa tp in certReqR.Value.Where(t => _i.Store.Any(s => s.HasIdentity && Findings.IosBuiltInCas.DnKey(s.CaDn) == Findings.IosBuiltInCas.DnKey(t.CaDn))))
        {
            Debug(_i, "[IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)");
            Debug(_i, $"[PKI -> IKEv2] Retrieved trustpoint(s): '{_i.Store.First(s => Findings.IosBuiltInCas.DnKey(s.CaDn) == Findings.IosBuiltInCas.DnKey(tp.CaDn)).Trustpoint}'");
        }
        if (tpI.Value is null)
        {
            Log(_i, "V2", "Failed to build certificate payload: no IKE_AUTH is sent");
            Debug(_i, "Failed to build certificate payload");
            _n.Outcome = ForgeOutcome.InitiatorAborted;
            return;
        }
        ForgedIdentity certI = _i.Identity(tpI.Value.Trustpoint);
        _n.CertificateSent[_i.Name] = tpI.Value.Trustpoint;
        IkeIdentity idI = IosSelection.Ikev2LocalIdentity(_i.Spec, iProfile, ForgePeer.IosSubject(certI.Certificate));
        byte[] idiBody = IosPayloads.Ikev2Id(idI);
        // RFC 7296 §2.15: the initiator signs RealMessage1 | Nr | prf(SK_pi, RestOfInitIDPayload).
        byte[] signedI = [.. message1, .. nr, .. prf.Compute(keys.SkPi, idiBody)];
        byte[] authI = ForgePeer.Ikev2Sign(certI.Keys.Private, signedI);
        var certReqI = IosSelection.Ikev2InitiatorCertRequests(_i.Store, iProfile);
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
            .Add(PayloadType.SAv2, IosPayloads.Ikev2Sa(Ikev2ProtocolId.ESP, Bytes.BigEndian(espSpiI), IosPayloads.Ikev2ChildTransforms(_i.Spec.Ipsec)))
            .Add(PayloadType.TSi, IosPayloads.Ikev2TrafficSelectorAny())
            .Add(PayloadType.TSr, IosPayloads.Ikev2TrafficSelectorAny())
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.INITIAL_CONTACT))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.SET_WINDOW_SIZE, [0, 0, 0, 5]))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED))
            .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NON_FIRST_FRAGMENTS_ALSO));
        Log(_i, "V3", $"IKE_AUTH request signed with trustpoint {tpI.Value.Trustpoint} ({ForgePeer.IosSubject(certI.Certificate)}), identity {idI.Value}");
        if (certReqI.Count > 0)
            _n.CertRequestLists.Add(("IKE_AUTH request", _i.Name, certReqI.Select(t => t.CaDn).ToArray()));
        Debug(_i, $"[IKEv2 -> PKI] Getting cert chain for the trustpoint {tpI.Value.Trustpoint}");
        Debug(_i, "[PKI -> IKEv2] Getting of cert chain for the trustpoint PASSED");
        _t += TimeSpan.FromMilliseconds(8);
        DebugPayloads(_i, "IKEv2 IKE_AUTH Exchange REQUEST", authReq, true);
        var authHeader = new IkeHeaderFields(spiIv, spiRv, 2, ExchangeType.IKE_AUTH, (byte)Ikev2Flags.Initiator, 1);
        SendProtected(_i, TimeSpan.Zero, authHeader, authReq, suite, keys.Initiator, fragmentation, "IKE_AUTH request");

        // The responder binds the profile on IDi, validates (V4) and answers.
        var respHeader = authHeader with { Flags = (byte)Ikev2Flags.Response };
        var rProfile = IosSelection.Ikev2MatchProfile(rSpec.Profiles, idI);
        Log(_r, rProfile.Rule, rProfile.Reason);
        Debug(_r, $"Searching policy based on peer's identity '{idI.Value}' of type '{IdTypeText(idI.Type)}'");
        if (rProfile.Value is not null)
            _n.Debug.Add(new ForgeLogLine(_t, _r.Name, "", $"IKEv2:found matching IKEv2 profile '{rProfile.Value.Name}'"));
        string? failure = null;
        if (rProfile.Value is null)
            failure = "no ikev2 profile matches the peer's identity";
        else
        {
            _n.Profile[_r.Name] = rProfile.Value.Name;
            var validation = IosSelection.Ikev2ValidationList(_r.Store, rProfile.Value);
            Log(_r, validation.Rule, $"validating against {string.Join(", ", validation.Value.Where(t => !t.BuiltIn).Select(t => t.Trustpoint))}");
            Debug(_r, "[IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)");
            Debug(_r, $"[PKI -> IKEv2] Retrieved trustpoint(s): {string.Join(", ", validation.Value.Where(t => !t.BuiltIn).Select(t => $"'{t.Trustpoint}'"))}");
            Debug(_r, "Get peer's authentication method");
            Debug(_r, "Peer's authentication method is 'RSA'");
            Debug(_r, "[IKEv2 -> PKI] Validating certificate chain");
            if (_r.Validate(certI.Certificate, validation.Value, Time, out string why) is null)
                failure = "Validation of certificate chain FAILED: " + why;
            else if (!ForgePeer.Ikev2Verify(certI.Certificate.GetPublicKey(), signedI, authI))
                failure = "Verification of peer's authentication data FAILED";
            else
            {
                Log(_r, "", $"certificate chain validated ({why}); peer's authentication data verified");
                Debug(_r, "[PKI -> IKEv2] Validation of certificate chain PASSED");
                Debug(_r, "Verification of peer's authentication data PASSED");
            }
        }
        if (failure is not null)
        {
            Log(_r, "V4", failure + ": Sending authentication failure notify");
            if (rProfile.Value is not null)
            {
                Debug(_r, "[PKI -> IKEv2] Validation of certificate chain FAILED");
                Debug(_r, "Verification of peer's authentication data FAILED");
            }
            Debug(_r, "Sending authentication failure notify");
            SendAuthenticationFailed(respHeader, suite, keys);
            return;
        }

        Ikev2ProfileSpec rp = rProfile.Value!;
        var tpR = IosSelection.Ikev2ChooseTrustpoint(_r.Store, rp, initiator: false, certReqI.Select(t => t.CaSpkiSha1!).ToArray());
        Log(_r, tpR.Rule, tpR.Reason);
        if (tpR.Value is null)
        {
            SendAuthenticationFailed(respHeader, suite, keys);
            return;
        }
        ForgedIdentity certR = _r.Identity(tpR.Value.Trustpoint);
        _n.CertificateSent[_r.Name] = tpR.Value.Trustpoint;
        IkeIdentity idR = IosSelection.Ikev2LocalIdentity(_r.Spec, rp, ForgePeer.IosSubject(certR.Certificate));
        byte[] idrBody = IosPayloads.Ikev2Id(idR);
        // RFC 7296 §2.15: the responder signs RealMessage2 | Ni | prf(SK_pr, RestOfRespIDPayload).
        byte[] signedR = [.. message2, .. ni, .. prf.Compute(keys.SkPr, idrBody)];
        byte[] authR = ForgePeer.Ikev2Sign(certR.Keys.Private, signedR);
        var authResp = new IkePayloadChain()
            .Add(PayloadType.V, IosPayloads.VidCiscoDeleteReason)
            .Add(PayloadType.IDr, idrBody)
            .Add(PayloadType.CERTv2, IosPayloads.X509Signature(certR.Der))
            .Add(PayloadType.AUTH, IosPayloads.Ikev2Auth(Ikev2AuthMethod.RSA_Digital_Signature, authR));
        bool childOk = rp.Name == _r.Spec.Ipsec.Ikev2Profile;
        if (childOk)
        {
            uint espSpiR = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Random("esp-spi-r", 4));
            authResp.Add(PayloadType.SAv2, IosPayloads.Ikev2Sa(Ikev2ProtocolId.ESP, Bytes.BigEndian(espSpiR), IosPayloads.Ikev2ChildTransforms(_r.Spec.Ipsec)))
                .Add(PayloadType.TSi, IosPayloads.Ikev2TrafficSelectorAny())
                .Add(PayloadType.TSr, IosPayloads.Ikev2TrafficSelectorAny())
                .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.SET_WINDOW_SIZE, [0, 0, 0, 5]))
                .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED))
                .Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.NON_FIRST_FRAGMENTS_ALSO));
        }
        else
        {
            Debug(_r, "map_db_check_isakmp_profile profile did not match");
            _n.Debug.Add(new ForgeLogLine(_t, _r.Name, "", "map_db_find_best did not find matching map"));
            _n.Debug.Add(new ForgeLogLine(_t, _r.Name, "", "IPSEC(ipsec_process_proposal): proxy identities not supported"));
            Debug(_r, "There was no IPSEC policy found for received TS");
            Debug(_r, "Sending TS unacceptable notify");
            Log(_r, "V2", $"ikev2 profile {rp.Name} is not the one of crypto ipsec profile {_r.Spec.Ipsec.ProfileName} ({_r.Spec.Ipsec.Ikev2Profile}): "
                + "proxy identities not supported; There was no IPSEC policy found for received TS; Sending TS unacceptable notify");
            authResp.Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.TS_UNACCEPTABLE));
        }
        Debug(_r, $"[IKEv2 -> PKI] Getting cert chain for the trustpoint {tpR.Value.Trustpoint}");
        _t += TimeSpan.FromMilliseconds(9);
        DebugPayloads(_r, "IKEv2 IKE_AUTH Exchange RESPONSE", authResp, true);
        SendProtected(_r, TimeSpan.Zero, respHeader, authResp, suite, keys.Responder, fragmentation, "IKE_AUTH response");

        var iValidation = IosSelection.Ikev2ValidationList(_i.Store, iProfile);
        Log(_i, iValidation.Rule, $"validating against {string.Join(", ", iValidation.Value.Where(t => !t.BuiltIn).Select(t => t.Trustpoint))}");
        if (_i.Validate(certR.Certificate, iValidation.Value, Time, out string iWhy) is null
            || !ForgePeer.Ikev2Verify(certR.Certificate.GetPublicKey(), signedR, authR))
        {
            Log(_i, "V4", $"Validation of certificate chain FAILED: {iWhy}; deleting the IKE SA");
            DeleteIkeSa(suite, keys, spiIv, spiRv);
            _n.Outcome = ForgeOutcome.AuthenticationFailed;
            return;
        }
        if (!childOk)
        {
            Log(_i, "", "IKE SA authenticated but the Child SA was refused (TS_UNACCEPTABLE): deleting the IKE SA");
            DeleteIkeSa(suite, keys, spiIv, spiRv);
            _n.Outcome = ForgeOutcome.ChildSaFailed;
            return;
        }
        Log(_i, "", "IKE SA and Child SA established: tunnel up");
        _n.Outcome = ForgeOutcome.Established;
    }

    /// <summary>The IKE_AUTH response that carries only N(AUTHENTICATION_FAILED) (technote: "Sending authentication
    /// failure notify"), and the negotiation's end.</summary>
    private void SendAuthenticationFailed(IkeHeaderFields respHeader, Ikev2CipherSuite suite, Ikev2Keys keys)
    {
        var af = new IkePayloadChain().Add(PayloadType.Nv2, IosPayloads.Ikev2Notify(Ikev2NotifyType.AUTHENTICATION_FAILED));
        _t += TimeSpan.FromMilliseconds(4);
        DebugPayloads(_r, "IKEv2 IKE_AUTH Exchange RESPONSE", af, true);
        SendProtected(_r, TimeSpan.Zero, respHeader, af, suite, keys.Responder, false, "IKE_AUTH response AUTHENTICATION_FAILED");
        _n.Outcome = ForgeOutcome.AuthenticationFailed;
    }

    /// <summary>INFORMATIONAL (message ID 2) carrying D(IKE), and the responder's empty INFORMATIONAL response (RFC 7296 §1.4.1).</summary>
    private void DeleteIkeSa(Ikev2CipherSuite suite, Ikev2Keys keys, ulong spiI, ulong spiR)
    {
        var header = new IkeHeaderFields(spiI, spiR, 2, ExchangeType.INFORMATIONAL, (byte)Ikev2Flags.Initiator, 2);
        var delete = new IkePayloadChain().Add(PayloadType.Dv2, [(byte)Ikev2ProtocolId.IKE, 0, 0, 0]);
        SendProtected(_i, TimeSpan.FromMilliseconds(3), header, delete, suite, keys.Initiator, false, "INFORMATIONAL request D(IKE)");
        SendProtected(_r, TimeSpan.FromMilliseconds(2), header with { Flags = (byte)Ikev2Flags.Response }, new IkePayloadChain(),
            suite, keys.Responder, false, "INFORMATIONAL response");
    }

    /// <summary>
    /// Sends <paramref name="inner"/> in an SK payload, or, when fragmentation was negotiated and the message would
    /// exceed the MTU, in SKF fragments (RFC 7383 §2.5: each fragment encrypted on its own, the first carrying the
    /// first inner payload's type).
    /// </summary>
    private void SendProtected(ForgePeer from, TimeSpan delay, IkeHeaderFields header, IkePayloadChain inner, Ikev2CipherSuite suite,
        Ikev2DirectionKeys keys, bool fragmentation, string label)
    {
        byte[] prefix = IkeMessageBuilder.Message(header, PayloadType.SK, []);
        byte[] plain = inner.ToArray();
        string what = $"{label}/{_n.Datagrams.Count}";
        byte[] whole = Ikev2EncryptedPayload.Encrypt(prefix, inner.First, plain, suite, keys, Random("iv/" + what, suite.IvLength));
        int overhead = 20 + 8 + IkeMessageBuilder.HeaderLength + 8 + suite.IvLength + suite.IcvLength + suite.BlockSize;
        if (!fragmentation || 28 + whole.Length <= _mtu)
        {
            Send(from, delay, whole, label);
            return;
        }
        int room = _mtu - overhead;
        int total = (plain.Length + room - 1) / room;
        for (int k = 0; k < total; k++)
        {
            byte[] chunk = plain[(k * room)..Math.Min(plain.Length, (k + 1) * room)];
            byte[] fragment = Ikev2EncryptedPayload.Encrypt(prefix, k == 0 ? inner.First : PayloadType.NONE, chunk, suite, keys,
                Random($"iv/{what}/{k}", suite.IvLength), fragment: new Ikev2FragmentInfo((ushort)(k + 1), (ushort)total));
            Send(from, k == 0 ? delay : TimeSpan.FromTicks(500), fragment, $"{label} fragment {k + 1}/{total}");
        }
    }

    private static string IdTypeText(IdentificationType t) => t switch
    {
        IdentificationType.ID_IPV4_ADDR => "IPv4 address",
        IdentificationType.ID_FQDN => "FQDN",
        IdentificationType.ID_USER_FQDN => "email",
        IdentificationType.ID_DER_ASN1_DN => "DER ASN1 DN",
        _ => t.ToString(),
    };

    /// <summary>CERTREQ body (RFC 7296 §3.7): encoding X.509 Signature, then the CAs' SPKI SHA-1 hashes concatenated.</summary>
    private static byte[] CertReq(IReadOnlyList<TrustpointCa> cas) => [4, .. cas.SelectMany(t => t.CaSpkiSha1!)];

}
