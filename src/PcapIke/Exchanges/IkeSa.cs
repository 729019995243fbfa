using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.Exchanges;

/// <summary>Which side of the IKE SA sent a message (roles fixed by the first message of the SA).</summary>
public enum Role : byte { Initiator, Responder }

/// <summary>How a negotiation ended, as far as the capture shows.</summary>
public enum SaOutcome : byte
{
    /// <summary>Phase 1 (IKEv1 MM6/AM3) or IKE_AUTH completed (and, where present, Quick Mode / CREATE_CHILD_SA).</summary>
    Established,
    /// <summary>An error notify ended it (<see cref="IkeSa.OutcomeDetail"/> names the notify and step).</summary>
    Failed,
    /// <summary>One side stopped answering; the other re-sent (who waited, how many times, how long).</summary>
    Stalled,
    /// <summary>The capture starts or ends in the middle of the negotiation.</summary>
    Incomplete,
}

/// <summary>How a statement is known: seen on the wire, or inferred with this confidence.</summary>
public enum Confidence : byte
{
    /// <summary>Read off the capture (a message, a clear payload, a decrypted notify).</summary>
    Seen,
    /// <summary>Inferred; the alternatives are unlikely (e.g. an IKE_AUTH response too small for IDr and AUTH).</summary>
    High,
    /// <summary>Inferred; the usual cause, with real alternatives.</summary>
    Medium,
    /// <summary>Inferred; one of several candidates.</summary>
    Low,
}

/// <summary>Why an SA is linked to an earlier attempt (<see cref="IkeSa.RetryOf"/>).</summary>
public enum RetryKind : byte
{
    None,
    /// <summary>IKEv2: restarted as asked by COOKIE or INVALID_KE_PAYLOAD (RFC 7296 §2.6, §1.2).</summary>
    Restart,
    /// <summary>The same initiator started again towards the same responder, with new SPIs/cookies, after the earlier
    /// attempt stopped (its retry timer or the traffic that triggers the tunnel).</summary>
    NewAttempt,
}

/// <summary>A message the capture does not hold although the peer's own messages prove it was sent: e.g. MM4, proven
/// by the initiator's MM5 (which needs MM4's key exchange), or the IKE_SA_INIT response, proven by an IKE_AUTH request
/// (which carries the responder's SPI).</summary>
public sealed record UnseenMessage(Role Sender, string Step, long ProvenByFrame, string ProvenByStep, Confidence Confidence);

/// <summary>The exchange a message belongs to (RFC 2409 section 5, RFC 7296 section 1.2).</summary>
public enum ExchangeKind : byte
{
    MainMode,
    AggressiveMode,
    QuickMode,
    Informational,
    Transaction,
    NewGroupMode,
    IkeSaInit,
    IkeAuth,
    CreateChildSa,
    InformationalV2,
    Other,
}

/// <summary>Why a message counts as a retransmission.</summary>
public enum RetransmissionKind : byte
{
    None,
    /// <summary>Same direction and the same bytes as an earlier message.</summary>
    SameContent,
    /// <summary>Same direction, exchange and message ID as an earlier request (IKEv2 RFC 7296 §2.1), different bytes.</summary>
    SameMessageId,
    /// <summary>A responder re-sent its previous message because it rejected the peer's next one (the technote's
    /// MM4 re-sent after a rejected MM5).</summary>
    ResentAfterRejectingNext,
}

/// <summary>One message of an IKE SA, with its step in the exchange.</summary>
public sealed class SaMessage
{
    public required DissectedMessage Message { get; init; }
    public required Role Sender { get; init; }
    public required ExchangeKind Exchange { get; init; }
    /// <summary>"MM1".."MM6", "AM1".."AM3", "QM1".."QM3", "INFO", "TRANSACTION", "IKE_SA_INIT request",
    /// "IKE_AUTH response", "CREATE_CHILD_SA request", "INFORMATIONAL response" ...</summary>
    public required string Step { get; init; }
    /// <summary>The capture gives no time for it (<see cref="DissectedMessage.TimeUnknown"/>).</summary>
    public bool TimeUnknown => Message.TimeUnknown;
    public RetransmissionKind Retransmission { get; set; }
    /// <summary>The earlier message this one repeats.</summary>
    public SaMessage? RetransmissionOf { get; set; }
    /// <summary>For IKEv2 SKF (RFC 7383) and Cisco IKEv1 fragments: fragment number and total (0 when not a fragment).</summary>
    public int FragmentNumber { get; init; }
    public int FragmentTotal { get; init; }

    public long Frame => Message.Frame;
    public long TimestampNanoseconds => Message.TimestampNanoseconds;
    /// <summary>IP datagram length: the size IOS debugs and the technote quote.</summary>
    public int Size => Message.IpLength;
    public bool IsRetransmission => Retransmission != RetransmissionKind.None;
}

/// <summary>One CERT_REQ (IKEv1) or one CA hash of a CERTREQ (IKEv2), in payload order.</summary>
public sealed record CertRequestEntry(
    int Position,
    long Frame,
    string Step,
    byte EncodingRaw,
    /// <summary>IKEv1: the DN as IOS prints it (<c>cn=CA1,o=cisco,o=com</c>); null for an empty ("any CA") request.</summary>
    string? Dn,
    string? DnRfc4514,
    /// <summary>IKEv2: lower-case hex SHA-1 of the CA's SubjectPublicKeyInfo.</summary>
    string? CaHash,
    /// <summary>IKEv2: the CA's subject when known (from --ca or a certificate in the capture).</summary>
    string? CaName)
{
    /// <summary>IKEv1: the DN as Wireshark shows it (attribute names from its OID table), for comparison.</summary>
    public string? DnWireshark { get; init; }

    /// <summary>What to show: the DN, else the CA name, else the hash.</summary>
    public string Display => Dn ?? CaName ?? CaHash ?? "(any CA)";
}

/// <summary>
/// One CERT payload a peer of the SA sent (clear, or in a decrypted message), with what its certificate says.
/// </summary>
/// <param name="Position">1-based position among the CERT payloads of its message (the chain order the sender
/// chose).</param>
/// <param name="Count">How many CERT payloads the message carries.</param>
/// <param name="Info">The X.509 certificate read (encoding 4); null for other encodings, which are not read.</param>
public sealed record SeenCertificate(long Frame, Role Sender, string Step, ExchangeKind Exchange, int Position, int Count,
    bool Decrypted, byte EncodingRaw, string? EncodingName, Certificates.CertificateInfo? Info)
{
    /// <summary>Position of the certificate in the same message whose subject is this one's issuer; null when there is
    /// none (the issuer was not sent) or the certificate is self-issued.</summary>
    public int? IssuerPosition { get; init; }

    /// <summary>Why the certificate could not be read, or null: another encoding, or <see cref="Certificates.CertificateInfo.Problems"/>.</summary>
    public string? Problem => Info is null
        ? $"Cert Encoding {EncodingRaw}{(EncodingName is null ? "" : $" ({EncodingName})")} is not an X.509 certificate: not read"
        : Info.Problems.Count == 0 ? null : string.Join("; ", Info.Problems);
}

/// <summary>A notify seen in the SA (clear, or later decrypted).</summary>
public sealed record NotifyEntry(long Frame, Role Sender, string Step, ushort TypeRaw, string? TypeName, bool IsError);

/// <summary>The algorithms of one proposal/transform set, named as in the IANA registries.</summary>
public sealed record ProposalView(
    string? Encryption,
    int? KeyLength,
    /// <summary>IKEv1 hash or IKEv2 integrity.</summary>
    string? Integrity,
    string? Prf,
    string? DhGroup,
    /// <summary>IKEv1 authentication method attribute.</summary>
    string? AuthMethod,
    long? LifetimeSeconds)
{
    public override string ToString() =>
        string.Join("/", new[] { Encryption is null ? null : KeyLength is { } k ? $"{Encryption}-{k}" : Encryption, Integrity, Prf, DhGroup, AuthMethod,
            LifetimeSeconds is { } l ? $"{l}s" : null }.Where(s => s != null));
}

/// <summary>A vendor ID and what it fingerprints (Cisco IOS, ASA, strongSwan, Windows ...).</summary>
public sealed record VendorIdEntry(Role Sender, string Hex, string? Name, string? Fingerprint);

/// <summary>
/// One IKE SA negotiation (IKEv1 phase 1 with its Quick Modes and Informationals, or an IKEv2 IKE SA with its
/// exchanges), correlated from the capture: owned, allocated only for IKE.
/// </summary>
public sealed class IkeSa
{
    /// <summary>Stable within one analysis: 1, 2, 3 ... in order of the first message.</summary>
    public required int Id { get; init; }
    public required int Version { get; init; }
    /// <summary>The first message's source and destination (ports as first seen).</summary>
    public required NetEndpoint Initiator { get; init; }
    public required NetEndpoint Responder { get; init; }
    public ulong SpiI { get; set; }
    public ulong SpiR { get; set; }
    public List<SaMessage> Messages { get; } = new();

    /// <summary>The capture gives no times for this SA's messages (a text dump without times): their timestamps only
    /// order them, so no duration may be said of them (<see cref="Pipeline.DissectedMessage.TimeUnknown"/>).</summary>
    public bool TimesUnknown => Messages.Count > 0 && Messages[0].Message.TimeUnknown;

    /// <summary>NAT detected: the NAT-D hashes (IKEv1) or NAT_DETECTION_* notifies (IKEv2) did not match, or the
    /// negotiation floated to 4500.</summary>
    public bool NatDetected { get; set; }
    /// <summary>A NAT-D hash (IKEv1, RFC 3947 §3.2) or NAT_DETECTION_* notify (IKEv2, RFC 7296 §2.23) did not match the
    /// addresses and ports seen in the capture.</summary>
    public bool NatHashMismatch { get; set; }
    /// <summary>The negotiation moved from UDP 500 to 4500 (RFC 3947 §4, RFC 7296 §2.23).</summary>
    public bool FloatedTo4500 { get; set; }
    // The lists below are made on first use: an open SA of a flood or a head-end needs few of them, and an open SA's
    // objects are what the GC copies and marks while it waits to idle out (bench/README.md, issue 14).
    private List<ProposalView>? _offered;
    private List<VendorIdEntry>? _vendorIds;
    private List<CertRequestEntry>? _initiatorCertRequests, _responderCertRequests;
    private List<NotifyEntry>? _notifies;
    private List<SeenCertificate>? _certificates;
    private List<UnseenMessage>? _unseen;
    private List<HeaderlessDatagram>? _headerless;

    public List<ProposalView> Offered => _offered ??= new();
    public ProposalView? Chosen { get; set; }
    public List<VendorIdEntry> VendorIds => _vendorIds ??= new();
    /// <summary>The initiator's CERT_REQ list in payload order (IKEv1 MM3/AM1; IKEv2 IKE_AUTH request when decrypted).</summary>
    public List<CertRequestEntry> InitiatorCertRequests => _initiatorCertRequests ??= new();
    /// <summary>The responder's CERT_REQ list in payload order (IKEv1 MM4/AM2; IKEv2 IKE_SA_INIT response).</summary>
    public List<CertRequestEntry> ResponderCertRequests => _responderCertRequests ??= new();
    /// <summary>Whether the initiator's (or responder's) CERT_REQ list has entries, without making the list.</summary>
    internal bool HasCertRequests(Role sender) =>
        (sender == Role.Initiator ? _initiatorCertRequests : _responderCertRequests) is { Count: > 0 };
    public List<NotifyEntry> Notifies => _notifies ??= new();
    /// <summary>The initiator's identity (IKEv1 MM5/AM1 ID, IKEv2 IDi), from clear or decrypted payloads; null when
    /// not seen.</summary>
    public string? InitiatorId { get; set; }
    /// <summary>The responder's identity (IKEv1 MM6/AM2 ID, IKEv2 IDr of a response).</summary>
    public string? ResponderId { get; set; }
    /// <summary>IKEv2: <see cref="ResponderId"/> is the IDr the initiator asked for in its IKE_AUTH request (RFC 7296
    /// §3.5), the responder having sent none (e.g. an error-only IKE_AUTH response).</summary>
    public bool ResponderIdFromRequest { get; set; }
    /// <summary>Subject (RFC 4514) of the first X.509 certificate the initiator sent.</summary>
    public string? InitiatorCertificate { get; set; }
    /// <summary>Subject (RFC 4514) of the first X.509 certificate the responder sent.</summary>
    public string? ResponderCertificate { get; set; }
    /// <summary>Issuer (RFC 4514) of the certificate the initiator sent: the CA it picked.</summary>
    public string? InitiatorCertificateIssuer { get; set; }
    /// <summary>Issuer (RFC 4514) of the certificate the responder sent.</summary>
    public string? ResponderCertificateIssuer { get; set; }
    /// <summary>Every CERT payload of the SA's messages (retransmissions once), clear or decrypted, in message and
    /// payload order.</summary>
    public List<SeenCertificate> Certificates => _certificates ??= new();

    public string? LastStep { get; set; }
    public SaOutcome Outcome { get; set; }
    /// <summary>e.g. "notify NO_PROPOSAL_CHOSEN at MM2", "at MM5: responder re-sent MM4 3 times over 30.1 s, initiator waited".</summary>
    public string OutcomeDetail { get; set; } = "";
    public bool StartsMidNegotiation { get; set; }
    /// <summary>The capture ends before the negotiation does; never for an SA <see cref="CutShort"/>, which the capture
    /// goes on past.</summary>
    public bool EndsMidNegotiation { get; set; }
    /// <summary>Finished before its time because the correlator held its cap of open SAs
    /// (<see cref="ExchangeCorrelator.MaxLiveSas"/>) and this was the least recently active one: later messages of it,
    /// if any, start a new SA (docs/scale.md).</summary>
    public bool CutShort { get; set; }
    /// <summary>The earlier attempt this one repeats: IKEv2 restarted after COOKIE or INVALID_KE_PAYLOAD
    /// (<see cref="RetryKind.Restart"/>), or the same initiator starting again towards the same responder after the
    /// earlier attempt stopped (<see cref="RetryKind.NewAttempt"/>).</summary>
    public IkeSa? RetryOf { get; set; }
    public RetryKind RetryKind { get; set; }
    /// <summary>The later attempt that repeats this one (the other end of <see cref="RetryOf"/>).</summary>
    public IkeSa? RetriedAs { get; set; }
    /// <summary>IKEv2: the encrypted INFORMATIONAL request that followed the IKE_AUTH response at once and ended the
    /// negotiation (<see cref="ExchangeCorrelator.TeardownWindowNanoseconds"/>; PI116); null otherwise.</summary>
    public SaMessage? TornDownBy { get; set; }
    /// <summary>How the outcome is known: <see cref="Confidence.Seen"/> when the wire shows it (MM6, a clear or
    /// decrypted notify, re-sends), else the confidence of the inference (<see cref="OutcomeDetail"/> says it).</summary>
    public Confidence OutcomeConfidence { get; set; }
    /// <summary>Messages the capture lacks that the peers' own messages prove were sent.</summary>
    public List<UnseenMessage> Unseen => _unseen ??= new();
    /// <summary>Empties <see cref="Unseen"/> without making the list.</summary>
    internal void ClearUnseen() => _unseen?.Clear();
    /// <summary>The capture holds the messages of one side only although the other side's messages are proven
    /// (<see cref="Unseen"/>): the side whose messages it holds.</summary>
    public Role? OnlyDirection { get; set; }
    /// <summary>The capture time up to which traffic was seen when the SA was finished (the end of the capture, or the
    /// time it went idle): how long after its last message a reply could still have come.</summary>
    public long ObservedUntilNanoseconds { get; set; }
    /// <summary>UDP datagrams between the SA's peers of which the capture holds only later IP fragments (their first,
    /// with the UDP and IKE headers, never seen), attached when the SA is the only one between those addresses.</summary>
    public List<HeaderlessDatagram> HeaderlessDatagrams => _headerless ??= new();
    /// <summary>Messages of the SA the capture holds only part of (IP fragments missing, snap length).</summary>
    public IEnumerable<SaMessage> PartialMessages => Messages.Where(m => m.Message.IsPartial);

    /// <summary>
    /// A new object holding what this SA holds while none of its messages is placed (the correlator's deferred first
    /// message): id, version, peers, SPIs, the flags set when it was opened or cut short, headerless datagrams. The
    /// correlator finishes such an SA on it, so that the objects made then are reachable from young objects only: an old
    /// object that points at young ones keeps them alive through every young collection until a full one finds the
    /// old one dead, and the collector copies them all (bench/README.md, issue 14).
    /// </summary>
    internal IkeSa Renewed() => new()
    {
        Id = Id, Version = Version, Initiator = Initiator, Responder = Responder, SpiI = SpiI, SpiR = SpiR,
        StartsMidNegotiation = StartsMidNegotiation, CutShort = CutShort, RetryOf = RetryOf, RetryKind = RetryKind,
        RetriedAs = RetriedAs, _headerless = _headerless,
    };

    public int Retransmissions => Messages.Count(m => m.IsRetransmission);
    public long StartNanoseconds => Messages.Count > 0 ? Messages[0].TimestampNanoseconds : 0;
    public long DurationNanoseconds => Messages.Count > 0 ? Messages[^1].TimestampNanoseconds - Messages[0].TimestampNanoseconds : 0;
}
