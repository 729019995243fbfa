using System.Buffers.Binary;
using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Ike;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// One IKEv1 negotiation between two simulated IOS routers: Main Mode with RSA signatures (RFC 2409 §5.1) and Quick
/// Mode (§5.5), following the selection rules I1–I4 (<see cref="IosSelection"/>). Real DH, SKEYID derivation, 3DES/AES
/// CBC encryption with the RFC 2409 Appendix B IV chain, RSA signatures over HASH_I/HASH_R; everything random is drawn
/// from the scenario's seed, so the same scenario gives the same bytes.
/// </summary>
internal sealed class Ikev1Forge : NegotiationForge
{
    /// <summary>IOS re-sends an unanswered phase-1 message every 10 seconds (approximation, see docs/forge.md).</summary>
    public static readonly TimeSpan RetransmitInterval = TimeSpan.FromSeconds(10);


    private Ikev1Forge(ForgePeer initiator, ForgePeer responder, DateTimeOffset start, int index)
        : base(1, initiator, responder, start, index)
    {
    }

    public static ForgedNegotiation Run(ForgePeer initiator, ForgePeer responder, DateTimeOffset start, int index) =>
        new Ikev1Forge(initiator, responder, start, index).Run();

    /// <summary>One line of the router's <c>debug crypto isakmp</c> / <c>debug crypto pki</c> output (technote wording).</summary>
    private void Debug(ForgePeer who, string text) => _n.Debug.Add(new ForgeLogLine(_t, who.Name, "", text));

    /// <summary>The ISAKMP connection id IOS prints in its debugs, <c>ISAKMP:(1010)</c>.</summary>
    private string Conn => $"ISAKMP:({1010 + _index})";

    private void DebugConstructCertReqs(ForgePeer who, IReadOnlyList<TrustpointCa> list, string state)
    {
        foreach (TrustpointCa tp in list)
            Debug(who, $"ISAKMP (0): constructing CERT_REQ for issuer {tp.CaDn}");
        ForgePeer peer = ReferenceEquals(who, _i) ? _r : _i;
        Debug(who, $"ISAKMP (0): sending packet to {peer.Address} my_port 500 peer_port 500 ({(ReferenceEquals(who, _i) ? "I" : "R")}) {state}");
    }

    /// <summary>IOS walks the CERT_REQ payloads in order and prints "Choosing trustpoint" after the first that matches.</summary>
    private void DebugProcessCertReqs(ForgePeer who, IReadOnlyList<TrustpointCa> requested, TrustpointCa? chosen)
    {
        bool said = false;
        foreach (TrustpointCa cr in requested)
        {
            Debug(who, $"{Conn}: processing CERT_REQ payload. message ID = 0");
            Debug(who, $"{Conn}: peer wants a CT_X509_SIGNATURE cert");
            Debug(who, $"{Conn}: peer wants cert issued by {cr.CaDn}");
            if (!said && chosen is not null && Findings.IosBuiltInCas.DnKey(cr.CaDn) == Findings.IosBuiltInCas.DnKey(chosen.CaDn))
            {
                Debug(who, $"Choosing trustpoint {chosen.Trustpoint} as issuer");
                said = true;
            }
        }
    }

    /// <summary>MM5/MM6: records the certificate <paramref name="who"/> sends and what IOS prints building the message
    /// (<paramref name="delay"/> after the last event: the time the signature takes).</summary>
    private void SignsWith(ForgePeer who, string trustpoint, ForgedIdentity cert, IkeIdentity id, TimeSpan delay)
    {
        _n.CertificateSent[who.Name] = trustpoint;
        string subject = ForgePeer.IosSubject(cert.Certificate);
        Log(who, "", $"constructing CERT payload for {subject}; using the {trustpoint} trustpoint's keypair to sign");
        _t += delay;
        DebugId(who, id, processing: false);
        Debug(who, $"ISAKMP ({1010 + _index}): constructing CERT payload for {subject}");
        Debug(who, $"{Conn}: using the {trustpoint} trustpoint's keypair to sign");
        bool initiator = ReferenceEquals(who, _i);
        Debug(who, $"{Conn}: sending packet to {(initiator ? _r : _i).Address} my_port 500 peer_port 500 ({(initiator ? "I" : "R")}) MM_KEY_EXCH");
    }

    private void DebugId(ForgePeer who, IkeIdentity id, bool processing)
    {
        if (processing) Debug(who, $"{Conn}: processing ID payload. message ID = 0");
        else Debug(who, $"{Conn}:SA is doing RSA signature authentication using id type {id.Type}");
        string data = id.Type switch
        {
            IdentificationType.ID_FQDN => $"FQDN name : {id.Value}",
            IdentificationType.ID_IPV4_ADDR => $"address : {id.Value}",
            _ => $"data : {id.Value}",
        };
        Debug(who, $"ISAKMP ({1010 + _index}): ID payload next-payload : 6 type : {(byte)id.Type} {data} protocol : 17 port : 500 length : {8 + IosPayloads.Ikev1Id(id).Length - 4}");
    }

    protected override void Negotiate()
    {
        Ikev1Spec iSpec = _i.Spec.Ikev1 ?? throw new ScenarioException("$.routers", $"{_i.Name} has no ikev1 configuration");
        var (suite, group) = IosPayloads.Ikev1Suite(iSpec.Policy);
        IkePrf prf = suite.Prf;
        byte[] ckyI = Random("cookie-i", 8), ckyR = Random("cookie-r", 8);
        ulong spiI = BinaryPrimitives.ReadUInt64BigEndian(ckyI), spiR = BinaryPrimitives.ReadUInt64BigEndian(ckyR);
        IkeHeaderFields Header(ulong r, byte flags = 0, uint mid = 0, ExchangeType x = ExchangeType.IdentityProtection) =>
            new(spiI, r, 1, x, flags, mid);

        IsakmpProfileSpec? iProfile = _i.TunnelIsakmpProfile;
        Log(_i, "I3", $"isakmp profile {iProfile?.Name ?? "(none)"} bound from the start (crypto ipsec profile {_i.Spec.Ipsec.ProfileName})");

        // MM1: SA and the NAT-T vendor IDs (RFC 3947 and the drafts IOS still announces).
        var mm1 = new IkePayloadChain()
            .Add(PayloadType.SA, IosPayloads.Ikev1Phase1Sa(iSpec.Policy))
            .Add(PayloadType.VID, IosPayloads.VidRfc3947)
            .Add(PayloadType.VID, IosPayloads.VidNatTDraft07)
            .Add(PayloadType.VID, IosPayloads.VidNatTDraft03)
            .Add(PayloadType.VID, IosPayloads.VidNatTDraft02N);
        byte[] saiB = mm1.Body(0);
        byte[] mm1Bytes = IkeMessageBuilder.Message(Header(0), mm1);
        Send(_i, TimeSpan.Zero, mm1Bytes, "MM1");

        if (_r.Spec.Ikev1 is not { } rSpec || IosPayloads.Ikev1Phase1Sa(rSpec.Policy).AsSpan().SequenceEqual(saiB) is false)
        {
            Log(_r, "", "ISAKMP policy: atts are not acceptable; no offers accepted");
            var notify = new IkePayloadChain().Add(PayloadType.N,
                IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.NO_PROPOSAL_CHOSEN, [.. ckyI, .. ckyR]));
            Send(_r, TimeSpan.FromMilliseconds(2), IkeMessageBuilder.Message(Header(spiR, 0, 0, ExchangeType.Informational), notify), "Informational NO-PROPOSAL-CHOSEN");
            for (int k = 1; k <= 4; k++)
                Send(_i, RetransmitInterval, mm1Bytes, $"MM1 (retransmission {k})");
            _n.Outcome = ForgeOutcome.NoProposalChosen;
            return;
        }

        // MM2: the accepted SA and the RFC 3947 vendor ID only (technote: 132 octets).
        var mm2 = new IkePayloadChain()
            .Add(PayloadType.SA, IosPayloads.Ikev1Phase1Sa(rSpec.Policy))
            .Add(PayloadType.VID, IosPayloads.VidRfc3947);
        Send(_r, TimeSpan.FromMilliseconds(2), IkeMessageBuilder.Message(Header(spiR), mm2), "MM2");

        DhKeyPair dhI = DhKeyPair.FromSeed(group, Random("dh-i", 32)), dhR = DhKeyPair.FromSeed(group, Random("dh-r", 32));
        byte[] ni = Random("nonce-i", 20), nr = Random("nonce-r", 20);
        byte[] gxi = dhI.PublicValue, gxr = dhR.PublicValue;

        // MM3 (I1, initiator): the profile's ca trust-point CAs, else every global trustpoint.
        var crI = IosSelection.Ikev1CertRequests(_i.Store, iProfile, initiator: true);
        Log(_i, crI.Rule, $"CERT_REQ for {string.Join(", ", crI.Value.Select(t => t.Trustpoint))}: {crI.Reason}");
        var mm3 = new IkePayloadChain().Add(PayloadType.KE, gxi).Add(PayloadType.NONCE, ni);
        foreach (TrustpointCa tp in crI.Value)
            mm3.Add(PayloadType.CR, IosPayloads.X509Signature(tp.CaNameDer));
        mm3.Add(PayloadType.VID, IosPayloads.VidDpd)
            .Add(PayloadType.VID, Random("vid-i", 16))
            .Add(PayloadType.VID, IosPayloads.VidXauth)
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _r.Address, 500))
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _i.Address, 500));
        _n.CertRequestLists.Add(("MM3", _i.Name, crI.Value.Select(t => t.CaDn).ToArray()));
        _t += TimeSpan.FromMilliseconds(5);
        DebugConstructCertReqs(_i, crI.Value, "MM_SA_SETUP");
        Send(_i, TimeSpan.Zero, IkeMessageBuilder.Message(Header(spiR), mm3), "MM3");

        // The responder picks its certificate from MM3's CERT_REQ order (I2, global trustpoints).
        var tpR = IosSelection.Ikev1ChooseTrustpoint(_r.Store, null, initiator: false, crI.Value.Select(t => t.CaDn).ToArray());
        Log(_r, tpR.Rule, tpR.Reason);
        DebugProcessCertReqs(_r, crI.Value, tpR.Value);

        // MM4 (I1, responder): every global trustpoint, store order.
        var crR = IosSelection.Ikev1CertRequests(_r.Store, null, initiator: false);
        Log(_r, crR.Rule, $"CERT_REQ for {string.Join(", ", crR.Value.Select(t => t.Trustpoint))}: {crR.Reason}");
        var mm4 = new IkePayloadChain().Add(PayloadType.KE, gxr).Add(PayloadType.NONCE, nr);
        foreach (TrustpointCa tp in crR.Value)
            mm4.Add(PayloadType.CR, IosPayloads.X509Signature(tp.CaNameDer));
        mm4.Add(PayloadType.VID, IosPayloads.VidCiscoUnity)
            .Add(PayloadType.VID, IosPayloads.VidDpd)
            .Add(PayloadType.VID, Random("vid-r", 16))
            .Add(PayloadType.VID, IosPayloads.VidXauth)
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _i.Address, 500))
            .Add(PayloadType.NAT_D, IosPayloads.Ikev1NatD(prf, ckyI, ckyR, _r.Address, 500));
        byte[] mm4Bytes = IkeMessageBuilder.Message(Header(spiR), mm4);
        _n.CertRequestLists.Add(("MM4", _r.Name, crR.Value.Select(t => t.CaDn).ToArray()));
        _t += TimeSpan.FromMilliseconds(7);
        DebugConstructCertReqs(_r, crR.Value, "MM_KEY_EXCH");
        Send(_r, TimeSpan.Zero, mm4Bytes, "MM4");

        if (!dhI.TryComputeSharedSecret(gxr, out byte[] gxy))
            throw new InvalidOperationException("DH failed on the forge's own values");
        Ikev1Keys keys = Ikev1KeyDerivation.Derive(suite, ni, nr, gxy, ckyI, ckyR);
        _n.SharedSecret = gxy;
        _n.Ikev1Keys = new Ikev1KeyEntry(spiI, keys.EncryptionKey);
        byte[] iv = Ikev1KeyDerivation.Phase1Iv(prf, gxi, gxr, suite.BlockSize);

        // MM5 (I2, initiator): the first CERT_REQ of MM4 naming a candidate trustpoint.
        var tpI = IosSelection.Ikev1ChooseTrustpoint(_i.Store, iProfile, initiator: true, crR.Value.Select(t => t.CaDn).ToArray());
        Log(_i, tpI.Rule, tpI.Reason);
        if (iProfile is { CaTrustPoints.Count: > 0 })
            foreach (string tp in iProfile.CaTrustPoints)
                Debug(_i, $"{Conn}: Examining profile list for trustpoint {tp}");
        DebugProcessCertReqs(_i, crR.Value, tpI.Value);
        if (tpI.Value is null)
        {
            Log(_i, "", "no certificate to send: phase 1 aborted");
            _n.Outcome = ForgeOutcome.AuthenticationFailed;
            return;
        }
        ForgedIdentity certI = _i.Identity(tpI.Value.Trustpoint);
        IkeIdentity idI = IosSelection.Ikev1SelfIdentity(_i.Spec, iProfile, ForgePeer.IosSubject(certI.Certificate));
        byte[] idiiB = IosPayloads.Ikev1Id(idI);
        byte[] hashI = Ikev1KeyDerivation.HashI(prf, keys.Skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB);
        var mm5 = new IkePayloadChain()
            .Add(PayloadType.ID, idiiB)
            .Add(PayloadType.CERT, IosPayloads.X509Signature(certI.Der))
            .Add(PayloadType.SIG, ForgePeer.Ikev1Sign(certI.Keys.Private, hashI))
            .Add(PayloadType.N, IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.INITIAL_CONTACT, [.. ckyI, .. ckyR]));
        SignsWith(_i, tpI.Value.Trustpoint, certI, idI, TimeSpan.FromMilliseconds(7));
        byte[] mm5Bytes = Ikev1MessageCrypto.Encrypt(IkeMessageBuilder.Message(Header(spiR), mm5), suite, keys.EncryptionKey, iv);
        iv = mm5Bytes[^suite.BlockSize..];
        Send(_i, TimeSpan.Zero, mm5Bytes, "MM5");

        // The responder binds its profile on MM5's ID (I3) and validates against that profile's list (I4).
        var rProfile = IosSelection.Ikev1MatchProfile(rSpec.Profiles, idI);
        Log(_r, rProfile.Rule, rProfile.Reason);
        DebugId(_r, idI, processing: true);
        Debug(_r, rProfile.Value is null ? "ISAKMP:(0):: peer does not match any profile" : $"ISAKMP:(0):: peer matches {rProfile.Value.Name} profile");
        Debug(_r, $"{Conn}: processing CERT payload. message ID = 0");
        Debug(_r, $"{Conn}: processing a CT_X509_SIGNATURE cert");
        string? failure = null;
        if (rProfile.Value is null)
            failure = "no isakmp profile matches the peer's identity";
        else
        {
            _n.Profile[_r.Name] = rProfile.Value.Name;
            var validation = IosSelection.Ikev1ValidationList(_r.Store, rProfile.Value);
            Log(_r, validation.Rule, $"Creating CERT validation list: {string.Join(", ", validation.Value.Where(t => !t.BuiltIn).Select(t => t.Trustpoint))}");
            Debug(_r, $"ISAKMP:(0): Creating CERT validation list: {string.Join(", ", validation.Value.Select(t => t.Trustpoint))},");
            if (_r.Validate(certI.Certificate, validation.Value, Time, out string why) is null)
                failure = why;
            else if (!ForgePeer.Ikev1Verify(certI.Certificate.GetPublicKey(), hashI, mm5.Body(2)))
                failure = "signature of HASH_I does not verify";
            else
            {
                Log(_r, "", $"Certificate validation succeeded ({why}); SA authentication status: authenticated");
                Debug(_r, "CRYPTO_PKI: Certificate validation succeeded");
                Debug(_r, $"{Conn}:SA authentication status: authenticated");
            }
        }
        if (iProfile is not null) _n.Profile[_i.Name] = iProfile.Name;
        if (failure is not null)
        {
            Log(_r, "I4", $"%CRYPTO-5-IKMP_INVALID_CERT: {failure}; MM5 dropped");
            if (rProfile.Value is not null)
            {
                Debug(_r, "CRYPTO_PKI: Create a list of suitable trustpoints");
                Debug(_r, "CRYPTO_PKI: No suitable trustpoints found");
            }
            Debug(_r, $"%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from {_i.Address} is bad: unknown error returned in certificate validation");
            Debug(_r, $"{Conn}: Unknown error in cert validation, -1");
            // The responder keeps re-sending MM4; the initiator answers each duplicate MM4 with its MM5 again.
            Send(_r, RetransmitInterval, mm4Bytes, "MM4 (retransmission 1)");
            for (int k = 1; k <= 3; k++)
            {
                Send(_i, TimeSpan.FromMilliseconds(1), mm5Bytes, $"MM5 (retransmission {k})");
                Send(_r, RetransmitInterval, mm4Bytes, $"MM4 (retransmission {k + 1})");
            }
            _n.Outcome = ForgeOutcome.AuthenticationFailed;
            return;
        }

        // MM6: the certificate chosen on MM3 (I2, responder).
        if (tpR.Value is null)
        {
            Log(_r, "", "no certificate to send: phase 1 aborted");
            _n.Outcome = ForgeOutcome.AuthenticationFailed;
            return;
        }
        ForgedIdentity certR = _r.Identity(tpR.Value.Trustpoint);
        IkeIdentity idR = IosSelection.Ikev1SelfIdentity(_r.Spec, rProfile.Value, ForgePeer.IosSubject(certR.Certificate));
        byte[] idirB = IosPayloads.Ikev1Id(idR);
        byte[] hashR = Ikev1KeyDerivation.HashR(prf, keys.Skeyid, gxi, gxr, ckyI, ckyR, saiB, idirB);
        var mm6 = new IkePayloadChain()
            .Add(PayloadType.ID, idirB)
            .Add(PayloadType.CERT, IosPayloads.X509Signature(certR.Der))
            .Add(PayloadType.SIG, ForgePeer.Ikev1Sign(certR.Keys.Private, hashR));
        SignsWith(_r, tpR.Value.Trustpoint, certR, idR, TimeSpan.FromMilliseconds(8));
        byte[] mm6Bytes = Ikev1MessageCrypto.Encrypt(IkeMessageBuilder.Message(Header(spiR), mm6), suite, keys.EncryptionKey, iv);
        Send(_r, TimeSpan.Zero, mm6Bytes, "MM6");
        byte[] lastPhase1Block = mm6Bytes[^suite.BlockSize..];

        var iValidation = IosSelection.Ikev1ValidationList(_i.Store, iProfile);
        Log(_i, iValidation.Rule, $"Creating CERT validation list: {string.Join(", ", iValidation.Value.Where(t => !t.BuiltIn).Select(t => t.Trustpoint))}");
        DebugId(_i, idR, processing: true);
        Debug(_i, $"ISAKMP:(0): Creating CERT validation list: {string.Join(", ", iValidation.Value.Select(t => t.Trustpoint))},");
        if (_i.Validate(certR.Certificate, iValidation.Value, Time, out string iWhy) is null
            || !ForgePeer.Ikev1Verify(certR.Certificate.GetPublicKey(), hashR, mm6.Body(2)))
        {
            Log(_i, "I4", $"%CRYPTO-5-IKMP_INVALID_CERT: {iWhy}; phase 1 failed");
            Debug(_i, "CRYPTO_PKI: No suitable trustpoints found");
            Debug(_i, $"%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from {_r.Address} is bad: unknown error returned in certificate validation");
            SendInformational(_i, prf, suite, keys, lastPhase1Block, spiI, spiR,
                IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.INVALID_CERTIFICATE, [.. ckyI, .. ckyR]), "Informational INVALID-CERTIFICATE");
            _n.Outcome = ForgeOutcome.AuthenticationFailed;
            return;
        }
        Log(_i, "", "SA authentication status: authenticated; IKE_P1_COMPLETE");
        Debug(_i, "CRYPTO_PKI: Certificate validation succeeded");
        Debug(_i, $"{Conn}:SA authentication status: authenticated");
        Debug(_i, $"{Conn}:Old State = IKE_I_MM6 New State = IKE_P1_COMPLETE");

        QuickMode(prf, suite, keys, lastPhase1Block, spiI, spiR, rProfile.Value!);
    }

    /// <summary>Quick Mode (RFC 2409 §5.5) for the VTI: HASH(1) SA Ni IDci IDcr, HASH(2) SA Nr IDci IDcr, HASH(3);
    /// the responder refuses it when the profile it bound on MM5 is not the one its tunnel uses.</summary>
    private void QuickMode(IkePrf prf, Ikev1CipherSuite suite, Ikev1Keys keys, byte[] lastPhase1Block, ulong spiI, ulong spiR,
        IsakmpProfileSpec rProfile)
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
        _t += TimeSpan.FromMilliseconds(5);
        Debug(_i, $"{Conn}:beginning Quick Mode exchange, M-ID of {unchecked((int)mid)}");
        Send(_i, TimeSpan.Zero, qm1, "QM1");

        if (rProfile.Name != _r.Spec.Ipsec.IsakmpProfile)
        {
            Log(_r, "I3", $"isakmp profile {rProfile.Name} is not the one of crypto ipsec profile {_r.Spec.Ipsec.ProfileName} "
                + $"({_r.Spec.Ipsec.IsakmpProfile}): IPSEC(validate_proposal_request): proxy identities not supported");
            Debug(_r, "map_db_check_isakmp_profile profile did not match");
            Debug(_r, "IPSEC(validate_proposal_request): proxy identities not supported");
            Debug(_r, $"{Conn}: IPSec policy invalidated proposal with error 32");
            SendInformational(_r, prf, suite, keys, lastPhase1Block, spiI, spiR,
                IosPayloads.Ikev1Notify((ushort)Ikev1NotifyType.INVALID_ID_INFORMATION, Bytes.BigEndian(espSpiI), (byte)Ikev1ProtocolId.PROTO_IPSEC_ESP),
                "Informational INVALID-ID-INFORMATION");
            _n.Outcome = ForgeOutcome.ChildSaFailed;
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
        Send(_r, TimeSpan.FromMilliseconds(3), qm2, "QM2");

        byte[] hash3 = prf.Compute(keys.SkeyidA, [0], midBytes, niQ, nrQ);
        byte[] qm3 = ProtectedPhase2(header, hash3, new IkePayloadChain(), suite, keys, iv);
        Send(_i, TimeSpan.FromMilliseconds(2), qm3, "QM3");
        Log(_r, "", "IPsec SAs installed: tunnel up");
        Debug(_i, $"{Conn}:Old State = IKE_QM_I_QM1 New State = IKE_QM_PHASE2_COMPLETE");
        _n.Outcome = ForgeOutcome.Established;
    }

    /// <summary>An encrypted Informational (RFC 2409 §5.7): HASH(1) = prf(SKEYID_a, M-ID | N/D), its own M-ID and IV.</summary>
    private void SendInformational(ForgePeer from, IkePrf prf, Ikev1CipherSuite suite, Ikev1Keys keys, byte[] lastPhase1Block,
        ulong spiI, ulong spiR, byte[] notifyBody, string label)
    {
        uint mid = BinaryPrimitives.ReadUInt32BigEndian(Random("info-mid/" + label, 4)) | 1;
        var rest = new IkePayloadChain().Add(PayloadType.N, notifyBody);
        byte[] iv = Ikev1KeyDerivation.Phase2Iv(prf, lastPhase1Block, mid, suite.BlockSize);
        var header = new IkeHeaderFields(spiI, spiR, 1, ExchangeType.Informational, 0, mid);
        Send(from, TimeSpan.FromMilliseconds(2),
            ProtectedPhase2(header, prf.Compute(keys.SkeyidA, Bytes.BigEndian(mid), rest.ToArray()), rest, suite, keys, iv), label);
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
