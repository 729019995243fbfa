using PcapIke.Findings;
using PcapIke.Ike;

namespace PcapIke.Model;

/// <summary>
/// IKEv1 Main Mode with RSA signatures and Quick Mode between two IOS routers, as decisions (selection-model.md,
/// I1–I4): MM1/MM2 proposal, MM3/MM4 CERT_REQ lists, the first-match choices, MM5/MM6 certificates, the responder's
/// profile binding on MM5's ID, both validations, Quick Mode against the tunnel's profile, the retransmissions.
/// </summary>
internal sealed class Ikev1Model : NegotiationModel
{
    public Ikev1Model(ScenarioPki pki, RouterSpec initiator, RouterSpec responder, DateTimeOffset start, int index)
        : base(1, pki, initiator, responder, start, index)
    {
    }

    public static readonly IReadOnlyList<string> Mm1Payloads = ["SA", "VID", "VID", "VID", "VID"];
    public static readonly IReadOnlyList<string> Mm2Payloads = ["SA", "VID"];
    public static readonly IReadOnlyList<string> Mm5Payloads = ["ID", "CERT", "SIG", "N"];
    public static readonly IReadOnlyList<string> Mm6Payloads = ["ID", "CERT", "SIG"];
    public static readonly IReadOnlyList<string> QuickModePayloads = ["HASH", "SA", "NONCE", "ID", "ID"];

    public static IReadOnlyList<string> Mm3Payloads(int certRequests) => ["KE", "NONCE", .. Enumerable.Repeat("CR", certRequests), "VID", "VID", "VID", "NAT_D", "NAT_D"];
    public static IReadOnlyList<string> Mm4Payloads(int certRequests) => ["KE", "NONCE", .. Enumerable.Repeat("CR", certRequests), "VID", "VID", "VID", "VID", "NAT_D", "NAT_D"];

    /// <summary>The ISAKMP connection id IOS prints in its debugs, <c>ISAKMP:(1010)</c>.</summary>
    private string Conn => $"ISAKMP:({1010 + _index})";

    /// <summary>What an SA payload carries of a policy: equal exactly when the two routers' phase-1 SA payloads are.</summary>
    private static object Transform(IsakmpPolicySpec p)
    {
        var (suite, group) = IosAlgorithms.Ikev1Suite(p);
        return (suite, group, p.Authentication == "pre-share", p.Lifetime);
    }

    private void DebugConstructCertReqs(RouterSpec who, IReadOnlyList<TrustpointCa> list, string state)
    {
        foreach (TrustpointCa tp in list)
            DebugLine(who, $"ISAKMP (0): constructing CERT_REQ for issuer {tp.CaDn}");
        DebugLine(who, $"ISAKMP (0): sending packet to {Other(who).Ethernet.Address} my_port 500 peer_port 500 ({(ReferenceEquals(who, _i) ? "I" : "R")}) {state}");
    }

    /// <summary>IOS walks the CERT_REQ payloads in order and prints "Choosing trustpoint" after the first that matches (I2).</summary>
    private void DebugProcessCertReqs(RouterSpec who, IReadOnlyList<TrustpointCa> requested, TrustpointCa? chosen)
    {
        bool said = false;
        foreach (TrustpointCa cr in requested)
        {
            DebugLine(who, $"{Conn}: processing CERT_REQ payload. message ID = 0");
            DebugLine(who, $"{Conn}: peer wants a CT_X509_SIGNATURE cert");
            DebugLine(who, $"{Conn}: peer wants cert issued by {cr.CaDn}");
            if (!said && chosen is not null && IosBuiltInCas.DnKey(cr.CaDn) == IosBuiltInCas.DnKey(chosen.CaDn))
            {
                DebugLine(who, $"Choosing trustpoint {chosen.Trustpoint} as issuer");
                said = true;
            }
        }
    }

    /// <summary>MM5/MM6: the certificate <paramref name="who"/> sends and what IOS prints building the message
    /// (<paramref name="delay"/> after the last event: the time the signature takes).</summary>
    private void SignsWith(RouterSpec who, string trustpoint, ModelCertificate cert, IkeIdentity id, TimeSpan delay, string message)
    {
        Add(new Decision(DecisionKind.CertificateSent, _t, who.Name, "", $"constructing CERT payload for {cert.Subject}; using the {trustpoint} trustpoint's keypair to sign")
            { Trustpoint = trustpoint, Identity = id, Message = message });
        _t += delay;
        DebugId(who, id, processing: false);
        DebugLine(who, $"ISAKMP ({1010 + _index}): constructing CERT payload for {cert.Subject}");
        DebugLine(who, $"{Conn}: using the {trustpoint} trustpoint's keypair to sign");
        bool initiator = ReferenceEquals(who, _i);
        DebugLine(who, $"{Conn}: sending packet to {Other(who).Ethernet.Address} my_port 500 peer_port 500 ({(initiator ? "I" : "R")}) MM_KEY_EXCH");
    }

    private void DebugId(RouterSpec who, IkeIdentity id, bool processing)
    {
        if (processing) DebugLine(who, $"{Conn}: processing ID payload. message ID = 0");
        else DebugLine(who, $"{Conn}:SA is doing RSA signature authentication using id type {id.Type}");
        string data = id.Type switch
        {
            IdentificationType.ID_FQDN => $"FQDN name : {id.Value}",
            IdentificationType.ID_IPV4_ADDR => $"address : {id.Value}",
            _ => $"data : {id.Value}",
        };
        DebugLine(who, $"ISAKMP ({1010 + _index}): ID payload next-payload : 6 type : {(byte)id.Type} {data} protocol : 17 port : 500 length : {8 + DecisionEngine.IdentityDataLength(id)}");
    }

    protected override void Negotiate()
    {
        Ikev1Spec iSpec = _i.Ikev1 ?? throw new ScenarioException("$.routers", $"{_i.Name} has no ikev1 configuration");
        object offered = Transform(iSpec.Policy);
        IsakmpProfileSpec? iProfile = DecisionEngine.TunnelIsakmpProfile(_i);
        // I3, initiator: the profile is the tunnel's, known from the start.
        Add(new Decision(DecisionKind.ProfileBinding, _t, _i.Name, "I3", $"isakmp profile {iProfile?.Name ?? "(none)"} bound from the start (crypto ipsec profile {_i.Ipsec.ProfileName})")
            { Profile = iProfile?.Name });
        Send(_i, TimeSpan.Zero, "MM1", Mm1Payloads);

        if (_r.Ikev1 is not { } rSpec || !Transform(rSpec.Policy).Equals(offered))
        {
            Add(new Decision(DecisionKind.Proposal, _t, _r.Name, "", "ISAKMP policy: atts are not acceptable; no offers accepted") { Accepted = false });
            Send(_r, TimeSpan.FromMilliseconds(2), "Informational NO-PROPOSAL-CHOSEN", ["N"]);
            for (int k = 1; k <= 4; k++)
                Send(_i, DecisionEngine.RetransmitInterval, $"MM1 (retransmission {k})", Mm1Payloads);
            _outcome = NegotiationOutcome.NoProposalChosen;
            return;
        }
        Add(new Decision(DecisionKind.Proposal, _t, _r.Name, "", null) { Accepted = true });
        Send(_r, TimeSpan.FromMilliseconds(2), "MM2", Mm2Payloads);

        // MM3 (I1, initiator): the profile's ca trust-point CAs, else every global trustpoint.
        var crI = IosSelection.Ikev1CertRequests(_iStore, iProfile, initiator: true);
        Add(new Decision(DecisionKind.CertRequestList, _t, _i.Name, crI.Rule, $"CERT_REQ for {Names(crI.Value)}: {crI.Reason}")
            { Message = "MM3", Trustpoints = crI.Value.Select(t => t.Trustpoint).ToArray(), CaDns = crI.Value.Select(t => t.CaDn).ToArray() });
        _t += TimeSpan.FromMilliseconds(5);
        DebugConstructCertReqs(_i, crI.Value, "MM_SA_SETUP");
        Send(_i, TimeSpan.Zero, "MM3", Mm3Payloads(crI.Value.Count));

        // I2, responder: the first CERT_REQ of MM3 naming one of its global trustpoints.
        var tpR = IosSelection.Ikev1ChooseTrustpoint(_rStore, null, initiator: false, crI.Value.Select(t => t.CaDn).ToArray());
        Add(new Decision(DecisionKind.TrustpointChoice, _t, _r.Name, tpR.Rule, tpR.Reason) { Message = "MM3", Trustpoint = tpR.Value?.Trustpoint });
        DebugProcessCertReqs(_r, crI.Value, tpR.Value);

        // MM4 (I1, responder): every global trustpoint, store order — the profile is not known before MM5.
        var crR = IosSelection.Ikev1CertRequests(_rStore, null, initiator: false);
        Add(new Decision(DecisionKind.CertRequestList, _t, _r.Name, crR.Rule, $"CERT_REQ for {Names(crR.Value)}: {crR.Reason}")
            { Message = "MM4", Trustpoints = crR.Value.Select(t => t.Trustpoint).ToArray(), CaDns = crR.Value.Select(t => t.CaDn).ToArray() });
        _t += TimeSpan.FromMilliseconds(7);
        DebugConstructCertReqs(_r, crR.Value, "MM_KEY_EXCH");
        var mm4 = Mm4Payloads(crR.Value.Count);
        Send(_r, TimeSpan.Zero, "MM4", mm4);

        // MM5 (I2, initiator): the first CERT_REQ of MM4 naming a candidate trustpoint.
        var tpI = IosSelection.Ikev1ChooseTrustpoint(_iStore, iProfile, initiator: true, crR.Value.Select(t => t.CaDn).ToArray());
        Add(new Decision(DecisionKind.TrustpointChoice, _t, _i.Name, tpI.Rule, tpI.Reason) { Message = "MM4", Trustpoint = tpI.Value?.Trustpoint });
        if (iProfile is { CaTrustPoints.Count: > 0 })
            foreach (string tp in iProfile.CaTrustPoints)
                DebugLine(_i, $"{Conn}: Examining profile list for trustpoint {tp}");
        DebugProcessCertReqs(_i, crR.Value, tpI.Value);
        if (tpI.Value is null)
        {
            Add(new Decision(DecisionKind.CertificateSent, _t, _i.Name, "", "no certificate to send: phase 1 aborted") { Message = "MM5" });
            _outcome = NegotiationOutcome.AuthenticationFailed;
            return;
        }
        ModelCertificate certI = _pki.Certificate(_i.Name, tpI.Value.Trustpoint);
        IkeIdentity idI = IosSelection.Ikev1SelfIdentity(_i, iProfile, certI.Subject);
        SignsWith(_i, tpI.Value.Trustpoint, certI, idI, TimeSpan.FromMilliseconds(7), "MM5");
        Send(_i, TimeSpan.Zero, "MM5", Mm5Payloads);

        // I3, responder: the profile bound on MM5's ID; I4: validated against that profile's list.
        var rProfile = IosSelection.Ikev1MatchProfile(rSpec.Profiles, idI);
        Add(new Decision(DecisionKind.ProfileBinding, _t, _r.Name, rProfile.Rule, rProfile.Reason) { Profile = rProfile.Value?.Name, Identity = idI });
        DebugId(_r, idI, processing: true);
        DebugLine(_r, rProfile.Value is null ? "ISAKMP:(0):: peer does not match any profile" : $"ISAKMP:(0):: peer matches {rProfile.Value.Name} profile");
        DebugLine(_r, $"{Conn}: processing CERT payload. message ID = 0");
        DebugLine(_r, $"{Conn}: processing a CT_X509_SIGNATURE cert");
        string? failure = null;
        if (rProfile.Value is null)
            failure = "no isakmp profile matches the peer's identity";
        else
        {
            var validation = IosSelection.Ikev1ValidationList(_rStore, rProfile.Value);
            Add(new Decision(DecisionKind.ValidationList, _t, _r.Name, validation.Rule, $"Creating CERT validation list: {ConfiguredNames(validation.Value)}")
                { Trustpoints = validation.Value.Select(t => t.Trustpoint).ToArray(), Profile = rProfile.Value.Name });
            DebugLine(_r, $"ISAKMP:(0): Creating CERT validation list: {Names(validation.Value)},");
            if (_pki.Validate(_r.Name, certI, validation.Value, Time, out string why) is not { } by)
                failure = why;
            else
            {
                Add(new Decision(DecisionKind.Validation, _t, _r.Name, "", $"Certificate validation succeeded ({why}); SA authentication status: authenticated")
                    { Accepted = true, Trustpoint = by });
                DebugLine(_r, "CRYPTO_PKI: Certificate validation succeeded");
                DebugLine(_r, $"{Conn}:SA authentication status: authenticated");
            }
        }
        if (failure is not null)
        {
            Add(new Decision(DecisionKind.Validation, _t, _r.Name, "I4", $"%CRYPTO-5-IKMP_INVALID_CERT: {failure}; MM5 dropped") { Accepted = false });
            if (rProfile.Value is not null)
            {
                DebugLine(_r, "CRYPTO_PKI: Create a list of suitable trustpoints");
                DebugLine(_r, "CRYPTO_PKI: No suitable trustpoints found");
            }
            DebugLine(_r, $"%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from {_i.Ethernet.Address} is bad: unknown error returned in certificate validation");
            DebugLine(_r, $"{Conn}: Unknown error in cert validation, -1");
            // The responder keeps re-sending MM4; the initiator answers each duplicate MM4 with its MM5 again.
            Send(_r, DecisionEngine.RetransmitInterval, "MM4 (retransmission 1)", mm4);
            for (int k = 1; k <= 3; k++)
            {
                Send(_i, TimeSpan.FromMilliseconds(1), $"MM5 (retransmission {k})", Mm5Payloads);
                Send(_r, DecisionEngine.RetransmitInterval, $"MM4 (retransmission {k + 1})", mm4);
            }
            _outcome = NegotiationOutcome.AuthenticationFailed;
            return;
        }

        // MM6: the certificate chosen on MM3 (I2, responder).
        if (tpR.Value is null)
        {
            Add(new Decision(DecisionKind.CertificateSent, _t, _r.Name, "", "no certificate to send: phase 1 aborted") { Message = "MM6" });
            _outcome = NegotiationOutcome.AuthenticationFailed;
            return;
        }
        ModelCertificate certR = _pki.Certificate(_r.Name, tpR.Value.Trustpoint);
        IkeIdentity idR = IosSelection.Ikev1SelfIdentity(_r, rProfile.Value, certR.Subject);
        SignsWith(_r, tpR.Value.Trustpoint, certR, idR, TimeSpan.FromMilliseconds(8), "MM6");
        Send(_r, TimeSpan.Zero, "MM6", Mm6Payloads);

        // I4, initiator: its profile's ca trust-point list, else every global trustpoint.
        var iValidation = IosSelection.Ikev1ValidationList(_iStore, iProfile);
        Add(new Decision(DecisionKind.ValidationList, _t, _i.Name, iValidation.Rule, $"Creating CERT validation list: {ConfiguredNames(iValidation.Value)}")
            { Trustpoints = iValidation.Value.Select(t => t.Trustpoint).ToArray(), Profile = iProfile?.Name });
        DebugId(_i, idR, processing: true);
        DebugLine(_i, $"ISAKMP:(0): Creating CERT validation list: {Names(iValidation.Value)},");
        if (_pki.Validate(_i.Name, certR, iValidation.Value, Time, out string iWhy) is not { } iBy)
        {
            Add(new Decision(DecisionKind.Validation, _t, _i.Name, "I4", $"%CRYPTO-5-IKMP_INVALID_CERT: {iWhy}; phase 1 failed") { Accepted = false });
            DebugLine(_i, "CRYPTO_PKI: No suitable trustpoints found");
            DebugLine(_i, $"%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from {_r.Ethernet.Address} is bad: unknown error returned in certificate validation");
            Send(_i, TimeSpan.FromMilliseconds(2), "Informational INVALID-CERTIFICATE", ["HASH", "N"]);
            _outcome = NegotiationOutcome.AuthenticationFailed;
            return;
        }
        Add(new Decision(DecisionKind.Validation, _t, _i.Name, "", "SA authentication status: authenticated; IKE_P1_COMPLETE") { Accepted = true, Trustpoint = iBy });
        DebugLine(_i, "CRYPTO_PKI: Certificate validation succeeded");
        DebugLine(_i, $"{Conn}:SA authentication status: authenticated");
        DebugLine(_i, $"{Conn}:Old State = IKE_I_MM6 New State = IKE_P1_COMPLETE");

        QuickMode(rProfile.Value!);
    }

    /// <summary>Quick Mode (RFC 2409 §5.5) for the VTI; the responder refuses it when the profile it bound on MM5 is
    /// not the one its tunnel uses (I3).</summary>
    private void QuickMode(IsakmpProfileSpec rProfile)
    {
        uint mid = QuickModeMessageId(_pki.Scenario.Seed, _index);
        IosAlgorithms.EspTransform(_i.Ipsec);
        _t += TimeSpan.FromMilliseconds(5);
        DebugLine(_i, $"{Conn}:beginning Quick Mode exchange, M-ID of {unchecked((int)mid)}");
        Send(_i, TimeSpan.Zero, "QM1", QuickModePayloads);

        if (rProfile.Name != _r.Ipsec.IsakmpProfile)
        {
            Add(new Decision(DecisionKind.ChildSa, _t, _r.Name, "I3", $"isakmp profile {rProfile.Name} is not the one of crypto ipsec profile {_r.Ipsec.ProfileName} "
                + $"({_r.Ipsec.IsakmpProfile}): IPSEC(validate_proposal_request): proxy identities not supported") { Accepted = false, Profile = rProfile.Name });
            DebugLine(_r, "map_db_check_isakmp_profile profile did not match");
            DebugLine(_r, "IPSEC(validate_proposal_request): proxy identities not supported");
            DebugLine(_r, $"{Conn}: IPSec policy invalidated proposal with error 32");
            Send(_r, TimeSpan.FromMilliseconds(2), "Informational INVALID-ID-INFORMATION", ["HASH", "N"]);
            _outcome = NegotiationOutcome.ChildSaFailed;
            return;
        }
        IosAlgorithms.EspTransform(_r.Ipsec);
        Send(_r, TimeSpan.FromMilliseconds(3), "QM2", QuickModePayloads);
        Send(_i, TimeSpan.FromMilliseconds(2), "QM3", ["HASH"]);
        Add(new Decision(DecisionKind.ChildSa, _t, _r.Name, "", "IPsec SAs installed: tunnel up") { Accepted = true, Profile = rProfile.Name });
        DebugLine(_i, $"{Conn}:Old State = IKE_QM_I_QM1 New State = IKE_QM_PHASE2_COMPLETE");
        _outcome = NegotiationOutcome.Established;
    }

    /// <summary>The Quick Mode message ID (odd, from the seed) that IOS prints as "M-ID of …" and the forge sends.</summary>
    public static uint QuickModeMessageId(string seed, int index)
    {
        var b = new byte[4];
        DecisionEngine.Random(seed, $"ikev1/{index}/qm-mid").NextBytes(b);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b) | 1;
    }
}
