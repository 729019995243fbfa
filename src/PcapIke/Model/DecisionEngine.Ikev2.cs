using PcapIke.Findings;
using PcapIke.Ike;

namespace PcapIke.Model;

/// <summary>
/// IKEv2 IKE_SA_INIT and IKE_AUTH with RSA signatures between two IOS routers, as decisions (selection-model.md,
/// V1–V4): the proposal, the responder's CERTREQ (V1), the initiator's trustpoint (V2, none → no IKE_AUTH), the
/// IKE_AUTH payloads (V3), the responder's profile on IDi, both validations (V4) and the Child SA against the tunnel's
/// profile. The payload names are those of IOS's "Payload contents" debug.
/// </summary>
internal sealed class Ikev2Model : NegotiationModel
{
    public Ikev2Model(ScenarioPki pki, RouterSpec initiator, RouterSpec responder, DateTimeOffset start, int index)
        : base(2, pki, initiator, responder, start, index)
    {
    }

    private static string Notify(Ikev2NotifyType t) => $"NOTIFY({t})";

    /// <summary>One line of <c>debug crypto ikev2</c> (technote wording).</summary>
    private void Debug(RouterSpec who, string text) => DebugLine(who, "IKEv2:(SA ID = 1):" + text);

    /// <summary>"Payload contents:" as IOS prints it when it builds a message (technote §"Flujo de IKEv2").</summary>
    private void DebugPayloads(RouterSpec who, string exchange, IReadOnlyList<string> names, bool encrypted)
    {
        if (encrypted) Debug(who, "Building packet for encryption.");
        Debug(who, $"{exchange} Payload contents: {string.Join(' ', names)}");
    }

    /// <summary>The responder's choice (RFC 7296 §3.3.6): of each transform type, the first the initiator offers that
    /// its own proposal has; null when a type has none or the KE group differs.</summary>
    public static IReadOnlyList<(TransformType Type, ushort Id, int KeyBits)>? ChooseTransforms(
        IReadOnlyList<(TransformType Type, ushort Id, int KeyBits)> offered, IReadOnlyList<(TransformType Type, ushort Id, int KeyBits)>? responder)
    {
        if (responder is null) return null;
        var chosen = new List<(TransformType Type, ushort Id, int KeyBits)>();
        foreach (var type in offered.Select(t => t.Type).Distinct())
            if (offered.FirstOrDefault(t => t.Type == type && responder.Contains(t)) is { Type: not TransformType.RESERVED } pick)
                chosen.Add(pick);
        var group = offered.First(t => t.Type == TransformType.KE).Id;
        return chosen.Select(c => c.Type).Distinct().Count() != offered.Select(t => t.Type).Distinct().Count()
            || chosen.First(c => c.Type == TransformType.KE).Id != group ? null : chosen;
    }

    protected override void Negotiate()
    {
        Ikev2Spec iSpec = _i.Ikev2 ?? throw new ScenarioException("$.routers", $"{_i.Name} has no ikev2 configuration");
        Ikev2ProfileSpec iProfile = DecisionEngine.TunnelIkev2Profile(_i)
            ?? throw new ScenarioException("$.routers", $"{_i.Name}'s crypto ipsec profile names no ikev2 profile");
        // V2: the initiator's profile is the tunnel's.
        Add(new Decision(DecisionKind.ProfileBinding, _t, _i.Name, "V2", $"ikev2 profile {iProfile.Name} bound from the start (crypto ipsec profile {_i.Ipsec.ProfileName})")
            { Profile = iProfile.Name });

        // IKE_SA_INIT request (V1: no CERTREQ).
        var offered = IosAlgorithms.Ikev2IkeTransforms(iSpec.Proposal);
        List<string> req = ["SA", "KE", "N", "VID", "VID", Notify(Ikev2NotifyType.NAT_DETECTION_SOURCE_IP), Notify(Ikev2NotifyType.NAT_DETECTION_DESTINATION_IP)];
        if (iSpec.Fragmentation)
            req.Add(Notify(Ikev2NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        DebugPayloads(_i, "IKEv2 IKE_SA_INIT Exchange REQUEST", req, false);
        Send(_i, TimeSpan.Zero, "IKE_SA_INIT request", req);

        var rOffered = _r.Ikev2 is { } rSpec0 ? IosAlgorithms.Ikev2IkeTransforms(rSpec0.Proposal) : null;
        if (_r.Ikev2 is not { } rSpec || ChooseTransforms(offered, rOffered) is null)
        {
            Add(new Decision(DecisionKind.Proposal, _t, _r.Name, "", "no matching IKEv2 proposal: sending NO_PROPOSAL_CHOSEN") { Accepted = false });
            Send(_r, TimeSpan.FromMilliseconds(2), "IKE_SA_INIT response NO_PROPOSAL_CHOSEN", [Notify(Ikev2NotifyType.NO_PROPOSAL_CHOSEN)]);
            _outcome = NegotiationOutcome.NoProposalChosen;
            return;
        }
        Add(new Decision(DecisionKind.Proposal, _t, _r.Name, "", null) { Accepted = true });

        // IKE_SA_INIT response (V1): CERTREQ for every global trustpoint, store order, N(HTTP_CERT_LOOKUP_SUPPORTED).
        var certReqR = IosSelection.Ikev2ResponderCertRequests(_rStore);
        Add(new Decision(DecisionKind.CertRequestList, _t, _r.Name, certReqR.Rule, $"CERTREQ for {Names(certReqR.Value)}: {certReqR.Reason}")
        {
            Message = "IKE_SA_INIT response",
            Trustpoints = certReqR.Value.Select(t => t.Trustpoint).ToArray(),
            CaDns = certReqR.Value.Select(t => t.CaDn).ToArray(),
        });
        List<string> resp = ["SA", "KE", "N", "VID", "VID", Notify(Ikev2NotifyType.NAT_DETECTION_SOURCE_IP), Notify(Ikev2NotifyType.NAT_DETECTION_DESTINATION_IP)];
        if (certReqR.Value.Count > 0)
            resp.Add("CERTREQ");
        resp.Add(Notify(Ikev2NotifyType.HTTP_CERT_LOOKUP_SUPPORTED));
        if (rSpec.Fragmentation && iSpec.Fragmentation)
            resp.Add(Notify(Ikev2NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        _t += TimeSpan.FromMilliseconds(6);
        Debug(_r, "Processing IKE_SA_INIT message");
        DebugPayloads(_r, "IKEv2 IKE_SA_INIT Exchange RESPONSE", resp, false);
        Send(_r, TimeSpan.Zero, "IKE_SA_INIT response", resp);

        // V2, initiator: the first CERTREQ hash naming a trustpoint of its profile; none in the profile → no IKE_AUTH.
        var tpI = IosSelection.Ikev2ChooseTrustpoint(_iStore, iProfile, initiator: true, certReqR.Value.Select(t => t.CaSpkiSha1!).ToArray());
        Add(new Decision(DecisionKind.TrustpointChoice, _t, _i.Name, tpI.Rule, tpI.Reason) { Message = "IKE_SA_INIT response", Trustpoint = tpI.Value?.Trustpoint });
        Debug(_i, "Processing IKE_SA_INIT message");
        foreach (TrustpointCa tp in certReqR.Value.Where(t => _iStore.Any(s => s.HasIdentity && IosBuiltInCas.DnKey(s.CaDn) == IosBuiltInCas.DnKey(t.CaDn))))
        {
            Debug(_i, "[IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)");
            Debug(_i, $"[PKI -> IKEv2] Retrieved trustpoint(s): '{_iStore.First(s => IosBuiltInCas.DnKey(s.CaDn) == IosBuiltInCas.DnKey(tp.CaDn)).Trustpoint}'");
        }
        if (tpI.Value is null)
        {
            Add(new Decision(DecisionKind.CertificateSent, _t, _i.Name, "V2", "Failed to build certificate payload: no IKE_AUTH is sent") { Message = "IKE_AUTH request" });
            Debug(_i, "Failed to build certificate payload");
            _outcome = NegotiationOutcome.InitiatorAborted;
            return;
        }
        ModelCertificate certI = _pki.Certificate(_i.Name, tpI.Value.Trustpoint);
        IkeIdentity idI = IosSelection.Ikev2LocalIdentity(_i, iProfile, certI.Subject);
        var certReqI = IosSelection.Ikev2InitiatorCertRequests(_iStore, iProfile);
        IosAlgorithms.Ikev2ChildTransforms(_i.Ipsec);
        // V3: IKE_AUTH request VID IDi CERT [CERTREQ] N(HTTP_CERT_LOOKUP_SUPPORTED) AUTH CFG SA TSi TSr N(…).
        List<string> authReq = ["VID", "IDi", "CERT"];
        if (certReqI.Count > 0)
        {
            authReq.Add("CERTREQ");
            Add(new Decision(DecisionKind.CertRequestList, _t, _i.Name, "", null)
            {
                Message = "IKE_AUTH request",
                Trustpoints = certReqI.Select(t => t.Trustpoint).ToArray(),
                CaDns = certReqI.Select(t => t.CaDn).ToArray(),
            });
        }
        authReq.AddRange([Notify(Ikev2NotifyType.HTTP_CERT_LOOKUP_SUPPORTED), "AUTH", "CFG", "SA", "TSi", "TSr",
            Notify(Ikev2NotifyType.INITIAL_CONTACT), Notify(Ikev2NotifyType.SET_WINDOW_SIZE),
            Notify(Ikev2NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED), Notify(Ikev2NotifyType.NON_FIRST_FRAGMENTS_ALSO)]);
        Add(new Decision(DecisionKind.CertificateSent, _t, _i.Name, "V3", $"IKE_AUTH request signed with trustpoint {tpI.Value.Trustpoint} ({certI.Subject}), identity {idI.Value}")
            { Trustpoint = tpI.Value.Trustpoint, Identity = idI, Message = "IKE_AUTH request" });
        Debug(_i, $"[IKEv2 -> PKI] Getting cert chain for the trustpoint {tpI.Value.Trustpoint}");
        Debug(_i, "[PKI -> IKEv2] Getting of cert chain for the trustpoint PASSED");
        _t += TimeSpan.FromMilliseconds(8);
        DebugPayloads(_i, "IKEv2 IKE_AUTH Exchange REQUEST", authReq, true);
        Send(_i, TimeSpan.Zero, "IKE_AUTH request", authReq);

        // V2, responder: the profile bound on IDi; V4: validated against its pki trustpoints.
        var rProfile = IosSelection.Ikev2MatchProfile(rSpec.Profiles, idI);
        Add(new Decision(DecisionKind.ProfileBinding, _t, _r.Name, rProfile.Rule, rProfile.Reason) { Profile = rProfile.Value?.Name, Identity = idI });
        Debug(_r, $"Searching policy based on peer's identity '{idI.Value}' of type '{IdTypeText(idI.Type)}'");
        if (rProfile.Value is not null)
            DebugLine(_r, $"IKEv2:found matching IKEv2 profile '{rProfile.Value.Name}'");
        string? failure = null;
        if (rProfile.Value is null)
            failure = "no ikev2 profile matches the peer's identity";
        else
        {
            var validation = IosSelection.Ikev2ValidationList(_rStore, rProfile.Value);
            Add(new Decision(DecisionKind.ValidationList, _t, _r.Name, validation.Rule, $"validating against {ConfiguredNames(validation.Value)}")
                { Trustpoints = validation.Value.Select(t => t.Trustpoint).ToArray(), Profile = rProfile.Value.Name });
            Debug(_r, "[IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)");
            Debug(_r, $"[PKI -> IKEv2] Retrieved trustpoint(s): {string.Join(", ", validation.Value.Where(t => !t.BuiltIn).Select(t => $"'{t.Trustpoint}'"))}");
            Debug(_r, "Get peer's authentication method");
            Debug(_r, "Peer's authentication method is 'RSA'");
            Debug(_r, "[IKEv2 -> PKI] Validating certificate chain");
            if (_pki.Validate(_r.Name, certI, validation.Value, Time, out string why) is not { } by)
                failure = "Validation of certificate chain FAILED: " + why;
            else
            {
                Add(new Decision(DecisionKind.Validation, _t, _r.Name, "", $"certificate chain validated ({why}); peer's authentication data verified") { Accepted = true, Trustpoint = by });
                Debug(_r, "[PKI -> IKEv2] Validation of certificate chain PASSED");
                Debug(_r, "Verification of peer's authentication data PASSED");
            }
        }
        if (failure is not null)
        {
            Add(new Decision(DecisionKind.Validation, _t, _r.Name, "V4", failure + ": Sending authentication failure notify") { Accepted = false });
            if (rProfile.Value is not null)
            {
                Debug(_r, "[PKI -> IKEv2] Validation of certificate chain FAILED");
                Debug(_r, "Verification of peer's authentication data FAILED");
            }
            Debug(_r, "Sending authentication failure notify");
            SendAuthenticationFailed();
            return;
        }

        Ikev2ProfileSpec rp = rProfile.Value!;
        var tpR = IosSelection.Ikev2ChooseTrustpoint(_rStore, rp, initiator: false, certReqI.Select(t => t.CaSpkiSha1!).ToArray());
        Add(new Decision(DecisionKind.TrustpointChoice, _t, _r.Name, tpR.Rule, tpR.Reason) { Message = "IKE_AUTH request", Trustpoint = tpR.Value?.Trustpoint });
        if (tpR.Value is null)
        {
            SendAuthenticationFailed();
            return;
        }
        ModelCertificate certR = _pki.Certificate(_r.Name, tpR.Value.Trustpoint);
        IkeIdentity idR = IosSelection.Ikev2LocalIdentity(_r, rp, certR.Subject);
        Add(new Decision(DecisionKind.CertificateSent, _t, _r.Name, "", null) { Trustpoint = tpR.Value.Trustpoint, Identity = idR, Message = "IKE_AUTH response" });
        List<string> authResp = ["VID", "IDr", "CERT", "AUTH"];
        bool childOk = rp.Name == _r.Ipsec.Ikev2Profile;
        if (childOk)
        {
            IosAlgorithms.Ikev2ChildTransforms(_r.Ipsec);
            authResp.AddRange(["SA", "TSi", "TSr", Notify(Ikev2NotifyType.SET_WINDOW_SIZE), Notify(Ikev2NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED),
                Notify(Ikev2NotifyType.NON_FIRST_FRAGMENTS_ALSO)]);
        }
        else
        {
            // The profile bound on IDi is not the tunnel's: the Child SA's proxies find no policy.
            Add(new Decision(DecisionKind.ChildSa, _t, _r.Name, "V2", $"ikev2 profile {rp.Name} is not the one of crypto ipsec profile {_r.Ipsec.ProfileName} ({_r.Ipsec.Ikev2Profile}): "
                + "proxy identities not supported; There was no IPSEC policy found for received TS; Sending TS unacceptable notify") { Accepted = false, Profile = rp.Name });
            Debug(_r, "map_db_check_isakmp_profile profile did not match");
            DebugLine(_r, "map_db_find_best did not find matching map");
            DebugLine(_r, "IPSEC(ipsec_process_proposal): proxy identities not supported");
            Debug(_r, "There was no IPSEC policy found for received TS");
            Debug(_r, "Sending TS unacceptable notify");
            authResp.Add(Notify(Ikev2NotifyType.TS_UNACCEPTABLE));
        }
        Debug(_r, $"[IKEv2 -> PKI] Getting cert chain for the trustpoint {tpR.Value.Trustpoint}");
        _t += TimeSpan.FromMilliseconds(9);
        DebugPayloads(_r, "IKEv2 IKE_AUTH Exchange RESPONSE", authResp, true);
        Send(_r, TimeSpan.Zero, "IKE_AUTH response", authResp);

        // V4, initiator: its profile's pki trustpoints.
        var iValidation = IosSelection.Ikev2ValidationList(_iStore, iProfile);
        Add(new Decision(DecisionKind.ValidationList, _t, _i.Name, iValidation.Rule, $"validating against {ConfiguredNames(iValidation.Value)}")
            { Trustpoints = iValidation.Value.Select(t => t.Trustpoint).ToArray(), Profile = iProfile.Name });
        if (_pki.Validate(_i.Name, certR, iValidation.Value, Time, out string iWhy) is not { } iBy)
        {
            Add(new Decision(DecisionKind.Validation, _t, _i.Name, "V4", $"Validation of certificate chain FAILED: {iWhy}; deleting the IKE SA") { Accepted = false });
            DeleteIkeSa();
            _outcome = NegotiationOutcome.AuthenticationFailed;
            return;
        }
        Add(new Decision(DecisionKind.Validation, _t, _i.Name, "V4", null) { Accepted = true, Trustpoint = iBy });
        if (!childOk)
        {
            Add(new Decision(DecisionKind.Protocol, _t, _i.Name, "", "IKE SA authenticated but the Child SA was refused (TS_UNACCEPTABLE): deleting the IKE SA"));
            DeleteIkeSa();
            _outcome = NegotiationOutcome.ChildSaFailed;
            return;
        }
        Add(new Decision(DecisionKind.Protocol, _t, _i.Name, "", "IKE SA and Child SA established: tunnel up"));
        _outcome = NegotiationOutcome.Established;
    }

    /// <summary>The IKE_AUTH response that carries only N(AUTHENTICATION_FAILED) (technote: "Sending authentication
    /// failure notify"), and the negotiation's end.</summary>
    private void SendAuthenticationFailed()
    {
        _t += TimeSpan.FromMilliseconds(4);
        List<string> af = [Notify(Ikev2NotifyType.AUTHENTICATION_FAILED)];
        DebugPayloads(_r, "IKEv2 IKE_AUTH Exchange RESPONSE", af, true);
        Send(_r, TimeSpan.Zero, "IKE_AUTH response AUTHENTICATION_FAILED", af);
        _outcome = NegotiationOutcome.AuthenticationFailed;
    }

    /// <summary>INFORMATIONAL (message ID 2) carrying D(IKE), and the responder's empty INFORMATIONAL response (RFC 7296 §1.4.1).</summary>
    private void DeleteIkeSa()
    {
        Send(_i, TimeSpan.FromMilliseconds(3), "INFORMATIONAL request D(IKE)", ["DELETE"]);
        Send(_r, TimeSpan.FromMilliseconds(2), "INFORMATIONAL response", []);
    }

    private static string IdTypeText(IdentificationType t) => t switch
    {
        IdentificationType.ID_IPV4_ADDR => "IPv4 address",
        IdentificationType.ID_FQDN => "FQDN",
        IdentificationType.ID_USER_FQDN => "email",
        IdentificationType.ID_DER_ASN1_DN => "DER ASN1 DN",
        _ => t.ToString(),
    };
}
