namespace PcapIke.Findings;

/// <summary>
/// Closed set of finding codes. Numbers are stable: never reuse or renumber one; add new codes at the end of their
/// group. Each is documented in docs/findings.md.
/// </summary>
public enum FindingCode : ushort
{
    // ---- negotiation progress (1xx) ----
    /// <summary>IKEv1 Main Mode: the initiator re-sends MM5 and the responder re-sends MM4; no MM6 (the technote's
    /// one-sided tunnel: the responder rejected MM5, typically certificate validation).</summary>
    MainModeStalledAfterMM5 = 101,
    /// <summary>IKEv1 Main Mode stopped at another step (no reply to MM1/MM3, ...).</summary>
    MainModeStalled = 102,
    /// <summary>IKEv2: an IKE_AUTH request got no response (re-sent or not).</summary>
    IkeAuthNoResponse = 103,
    /// <summary>IKEv2: an IKE_SA_INIT request got no response.</summary>
    IkeSaInitNoResponse = 104,
    /// <summary>An IP-fragmented IKE message was re-sent and never answered: likely fragment loss on the path.</summary>
    FragmentedMessageUnanswered = 105,
    /// <summary>Aggressive Mode or Quick Mode stopped before completing.</summary>
    ExchangeIncomplete = 106,
    /// <summary>The capture starts or ends in the middle of the negotiation.</summary>
    CaptureTruncatesNegotiation = 107,
    /// <summary>Messages were retransmitted (counted with their timing) although the negotiation went on.</summary>
    Retransmissions = 108,
    /// <summary>IKEv2 IKE_SA_INIT was restarted after COOKIE or INVALID_KE_PAYLOAD (linked attempts).</summary>
    IkeSaInitRetried = 109,
    /// <summary>The negotiation failed but no error notify is visible: the reason is inside an encrypted message
    /// (e.g. an IKE_AUTH response too small to carry IDr/AUTH, which then carries only an error notify).</summary>
    FailedInsideEncryptedMessage = 110,
    /// <summary>IKEv2: the responder answered IKE_SA_INIT and the initiator never sent IKE_AUTH (with IOS: no
    /// <c>pki trustpoint</c> in the initiator's profile, "Failed to build certificate payload").</summary>
    InitiatorStoppedAfterIkeSaInit = 111,
    /// <summary>A message the capture holds only part of: IP fragments never captured, or RFC 7383 / Cisco IKE fragments
    /// missing from a fragment set; what is missing and where it can have been lost.</summary>
    MessageIncomplete = 112,
    /// <summary>Messages the peers' own messages prove were sent are not in the capture: one direction captured, or
    /// packets the capture point missed.</summary>
    MessagesNotCaptured = 113,
    /// <summary>Frames cut by the capture's snap length: what that hides.</summary>
    ShortSnapLength = 114,
    /// <summary>The same initiator started the negotiation again with new SPIs/cookies: the attempts and where each stopped.</summary>
    RepeatedAttempts = 115,
    /// <summary>IKEv2: the IKE_AUTH response (encrypted) was followed at once by an INFORMATIONAL exchange with content
    /// and nothing after: the SA was torn down as soon as it was made (a refused Child SA, a rejected AUTH).</summary>
    TornDownAfterAuth = 116,

    // ---- certificate requests (2xx) ----
    /// <summary>The two sides' CERT_REQ lists name the same CAs in a different order (first-match picks differ).</summary>
    CertRequestOrderDiffers = 201,
    /// <summary>A CERT_REQ list carries the IOS built-in CAs: the sender requested every global trustpoint (no
    /// `ca trust-point` restriction, or it is the responder).</summary>
    CertRequestAllGlobalTrustpoints = 202,
    /// <summary>An initiator sent a single CERT_REQ: restricted by `ca trust-point` in its ISAKMP profile.</summary>
    CertRequestRestrictedInitiator = 203,
    /// <summary>The first CAs of the two sides' CERT_REQ lists differ: the certificate each side picks may not be one
    /// the other validates against (technote: one-sided tunnel).</summary>
    CertRequestFirstEntryDiffers = 204,

    // ---- notifies (3xx) ----
    /// <summary>An error notify was sent (named: NO_PROPOSAL_CHOSEN, INVALID_ID_INFORMATION, INVALID_CERT,
    /// AUTHENTICATION_FAILED, TS_UNACCEPTABLE, ...).</summary>
    ErrorNotify = 301,
    /// <summary>An IKEv1 Informational arrived with a zero responder cookie (sent before the responder's cookie was
    /// known) and was attached to its SA by the initiator cookie.</summary>
    InformationalWithZeroResponderCookie = 302,
    /// <summary>A DELETE was sent for the IKE SA or a child SA.</summary>
    Delete = 303,

    // ---- environment (4xx) ----
    /// <summary>NAT detected by NAT-D / NAT_DETECTION_*: the negotiation floated to UDP 4500.</summary>
    NatDetected = 401,
    /// <summary>Weak or legacy algorithms offered or chosen (RFC 8247: MODP 768/1024/1536, DES, MD5; 3DES, SHA-1).</summary>
    WeakAlgorithms = 402,

    // ---- decryption (5xx) ----
    /// <summary>A key was given for the SA but a message did not decrypt (integrity failed, bad padding, truncated,
    /// wrong key length, IKEv1 plaintext not a payload chain, IV unknown): the likely cause is named.</summary>
    DecryptionFailed = 501,

    // ---- the selection model with the routers' configurations (6xx) ----
    /// <summary>The capture contradicts the configurations given (CERT_REQ lists, certificates, outcome).</summary>
    ModelContradictsCapture = 601,
    /// <summary>The configurations explain the failure rule by rule; the fix is checked in both directions.</summary>
    ModelExplainsFailure = 602,
    /// <summary>The negotiation worked, but the model predicts the other direction fails.</summary>
    ReverseDirectionFails = 603,
    /// <summary>The configurations given are not those of this negotiation's peers.</summary>
    ConfigurationsDoNotMatch = 604,
    /// <summary>All agrees; what each side chose and why.</summary>
    ModelAgrees = 605,

    // ---- the data plane: ESP, ESP in UDP, AH (7xx; Findings/Rules/DataPlaneRules.cs) ----
    /// <summary>After a child SA completed, ESP in one direction only (or one direction stopped) for longer than the
    /// threshold: which side sends nothing back, for how long.</summary>
    EspOneWay = 701,
    /// <summary>ESP/AH before or without any IKE negotiation in the capture: the SA is older than the capture.</summary>
    EspWithoutNegotiation = 702,
    /// <summary>ESP on an SPI no negotiation in the capture created, while a newer child SA exists: a stale SA after a
    /// rekey ('invalid SPI' on the receiver; INVALID_SPI notifies when seen).</summary>
    StaleSpi = 703,
    /// <summary>ESP stops after a DELETE or a liveness check (DPD) that got no answer.</summary>
    EspStopsAfterDelete = 704,
    /// <summary>NAT detected but ESP sent as IP protocol 50, or no NAT and ESP in UDP 4500.</summary>
    EncapsulationMismatch = 705,

    // ---- the routers' debug logs (8xx; Model/DebugEvidence.cs, Model/DebugAlignment.cs, docs/debug-logs.md) ----
    /// <summary>What a debug log shows of a negotiation: who initiated, the first-match choices, the outcome.</summary>
    DebugShowsNegotiation = 801,
    /// <summary>A router logged a decision other than the model's for the configurations given.</summary>
    ModelContradictsDebug = 802,
    /// <summary>A debug log lined up with a capture: logged sends and receives matched to frames, the clock offset.</summary>
    DebugMatchesCapture = 803,
    /// <summary>Logged sends or receives with no frame in the capture, or the reverse.</summary>
    DebugAndCaptureDiffer = 804,
}

public static class FindingCodes
{
    /// <summary>The printed identifier: <c>PI</c> and the number, e.g. <c>PI101</c>.</summary>
    public static string Id(FindingCode code) => $"PI{(ushort)code:D3}";
}
