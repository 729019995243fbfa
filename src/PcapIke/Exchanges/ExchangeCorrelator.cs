using PcapIke.Frames;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.Exchanges;

/// <summary>
/// Groups IKE messages into IKE SAs and names each message's step.
/// IKEv1 by cookie pair (RFC 2408 §2.5.3: MM1's responder cookie is zero, so a message is found by its initiator
/// cookie until the reply binds the pair); IKEv2 by SPI pair (RFC 7296 §2.6: the IKE_SA_INIT request has SPIr 0),
/// message ID and the Initiator/Response flags (§3.1).
/// </summary>
public sealed partial class ExchangeCorrelator
{
    /// <summary>How long after a COOKIE or INVALID_KE_PAYLOAD response a new IKE_SA_INIT between the same peers counts
    /// as the restart of the first (RFC 7296 §2.6, §1.2: strongSwan and IOS may pick a new SPIi).</summary>
    public static readonly long RetryWindowNanoseconds = 5_000_000_000;

    /// <summary>The default <see cref="IdleTimeout"/>: 180 s of capture time. IKE retransmission schedules end well
    /// within it (strongSwan's default 5 re-sends end after 165 s; IOS re-sends 5 times over about 40 s).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(180);

    private readonly CaCatalog _cas;
    private readonly CaCatalog _seenCas = new();
    private readonly Action<IkeSa>? _onFinished;
    /// <summary>The SAs still open, least recently active first (an SA moves to the end on each of its messages).</summary>
    private readonly LinkedList<SaState> _live = new();
    /// <summary>Without a callback: the SAs evicted so far, for <see cref="Complete"/>.</summary>
    private readonly List<IkeSa> _evicted = new();
    private int _lastId;
    private long _clock = long.MinValue;
    private long _idleNanoseconds = DefaultIdleTimeout.Ticks * 100;
    private int _maxLiveSas = DefaultMaxLiveSas;
    private long _cutShort;
    private readonly Dictionary<(int Version, ulong SpiI, ulong SpiR), SaState> _byPair = new();
    /// <summary>The latest SA per initiator SPI/cookie: finds MM1's reply, IKE_SA_INIT's response, and messages that
    /// still carry a zero responder cookie (an Informational right after MM2, as in ipsec.cap).</summary>
    private readonly Dictionary<(int Version, ulong SpiI), SaState> _byInitiatorSpi = new();
    /// <summary>The latest negotiation started from one address towards another (by version): links retries.</summary>
    private readonly Dictionary<(int Version, NetAddress Initiator, NetAddress Responder), SaState> _latestAttempt = new();

    /// <param name="cas">Known CA certificates, to name IKEv2 CERTREQ hashes.</param>
    /// <param name="onFinished">Receives each SA once it is finished (<see cref="IdleTimeout"/>, then
    /// <see cref="Complete"/>): its steps, last step and outcome set, and no longer referenced by the correlator. Without
    /// it, <see cref="Complete"/> returns every SA.</param>
    public ExchangeCorrelator(CaCatalog? cas = null, Action<IkeSa>? onFinished = null)
    {
        _cas = cas ?? new CaCatalog();
        _onFinished = onFinished;
    }

    /// <summary>
    /// An SA with no message for this long in capture time (measured against the latest timestamp seen) is finished
    /// exactly as <see cref="Complete"/> would finish it and dropped from the correlator, which keeps memory bounded on
    /// long captures. A message of it that arrives later (a very late re-send, DPD on an idle IKE SA) starts a new SA
    /// (a new id, the same SPIs) with <see cref="IkeSa.StartsMidNegotiation"/> set, unless it is a first message (MM1,
    /// AM1, IKE_SA_INIT request), which starts a fresh negotiation as usual. Checked on each <see cref="Add"/>, before the message is
    /// placed. Must be at least <see cref="RetryWindowNanoseconds"/>; null: never (every SA lives until
    /// <see cref="Complete"/>). Default <see cref="DefaultIdleTimeout"/>.
    /// </summary>
    public TimeSpan? IdleTimeout
    {
        get => _idleNanoseconds == long.MaxValue ? null : TimeSpan.FromTicks(_idleNanoseconds / 100);
        init
        {
            if (value is { } v && v.Ticks * 100 < RetryWindowNanoseconds)
                throw new ArgumentOutOfRangeException(nameof(value), v, "at least the retry window (5 s)");
            _idleNanoseconds = value is { } t ? t.Ticks * 100 : long.MaxValue;
        }
    }

    /// <summary>The default <see cref="MaxLiveSas"/>: 40,000 SAs open at once (docs/scale.md).</summary>
    public const int DefaultMaxLiveSas = 40_000;

    /// <summary>
    /// The most SAs kept open at once: memory is bounded by it whatever the capture (a flood of unanswered IKE_SA_INIT
    /// requests with random SPIs opens one SA per message, none of which idles out within the idle window). When a new
    /// SA would exceed it, the least recently active open SA is finished first, exactly as an idle one is, and marked
    /// <see cref="IkeSa.CutShort"/>; <see cref="CutShortSas"/> counts them. At least 1; default
    /// <see cref="DefaultMaxLiveSas"/>.
    /// </summary>
    public int MaxLiveSas
    {
        get => _maxLiveSas;
        init => _maxLiveSas = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "at least 1");
    }

    /// <summary>The SAs finished early because of <see cref="MaxLiveSas"/> so far.</summary>
    public long CutShortSas => _cutShort;

    /// <summary>The certificates seen in CERT payloads of the capture (clear or decrypted), by SPKI hash.</summary>
    public CaCatalog SeenCas => _seenCas;

    /// <summary>The SAs found so far (finished or not); safe to read from another thread (a progress line).</summary>
    public int SasFound => Volatile.Read(ref _lastId);

    /// <summary>The number of SAs not finished yet.</summary>
    public int OpenSas => _live.Count;

    /// <summary>Adds the next message, in capture order.</summary>
    public void Add(DissectedMessage message)
    {
        IkeMessageDissection ike = message.Ike;
        if (!ike.HasHeader || ike.MajorVersion is not (1 or 2)) return;
        if (message.TimestampNanoseconds > _clock) _clock = message.TimestampNanoseconds;
        EvictIdle();
        // RFC 7296 §3.7: a CERTREQ names CAs by the SHA-1 of their SubjectPublicKeyInfo; any certificate seen (CA or
        // not, clear or decrypted) can name a hash.
        foreach (byte[] cert in message.Certificates)
            _seenCas.TryAdd(cert);
        // taken whether or not it is used: a message kept dissected does not keep its bytes too
        byte[]? opening = message.OpeningBytes;
        message.OpeningBytes = null;
        if (ike.MajorVersion == 1) AddIkev1(message, opening);
        else AddIkev2(message, opening);
    }

    /// <summary>
    /// Later IP fragments whose first fragment never appeared: attached to the SA between the same two addresses when
    /// exactly one such SA is open (both versions, either direction, by hash lookups), else left to the malformation
    /// the frame layer reported.
    /// </summary>
    public void AddHeaderless(HeaderlessDatagram datagram)
    {
        SaState? found = null;
        int n = 0;
        foreach (int v in (ReadOnlySpan<int>)[1, 2])
            foreach (var key in new[] { (v, datagram.Source, datagram.Destination), (v, datagram.Destination, datagram.Source) })
                if (_latestAttempt.TryGetValue(key, out SaState? s) && s.Node is not null && s != found)
                {
                    found = s;
                    n++;
                }
        if (n == 1) found!.Sa.HeaderlessDatagrams.Add(datagram);
    }

    // ---- IKEv1 -------------------------------------------------------------------------------------------------

    private void AddIkev1(DissectedMessage m, byte[]? opening)
    {
        IkeMessageDissection ike = m.Ike;
        SaState? s = Find(1, ike.InitiatorSpi, ike.ResponderSpi);
        if (s is null)
        {
            // Roles from the first message: its sender is the initiator, unless the content says it is a reply
            // (an SA payload under a non-zero responder cookie: MM2/AM2), i.e. the capture began mid-negotiation.
            var ex = ike.ExchangeType;
            bool phase1 = ex is ExchangeType.IdentityProtection or ExchangeType.Aggressive;
            bool senderIsResponder = phase1 && ike.ResponderSpi != 0 && !ike.IsEncrypted && Has(ike, PayloadType.SA);
            bool clean = phase1 && ike.ResponderSpi == 0;
            s = NewSa(1, m, senderIsResponder, startsMid: !clean);
            if (clean) LinkNewAttempt(s, m);
            if (TryDefer(s, m, opening)) return;
        }
        else Materialize(s);
        PlaceIkev1(s, m, touch: true);
    }

    /// <summary>Places an IKEv1 message in its SA: its step, retransmission and the SA's summary.</summary>
    /// <param name="touch">The SA becomes the most recently active (false when a deferred first message is placed
    /// late: <see cref="Materialize"/>).</param>
    private void PlaceIkev1(SaState s, DissectedMessage m, bool touch)
    {
        IkeMessageDissection ike = m.Ike;
        BindResponderSpi(s, 1, ike.InitiatorSpi, ike.ResponderSpi);

        Role sender = SenderOf(s.Sa, m);
        SaMessage? original = s.FindSameContent(m.ContentHash, sender);
        ExchangeKind kind;
        string step;
        bool rejects = false;
        int fragNumber = 0, fragTotal = 0;
        var cisco = FirstDetails<CiscoFragmentDetails>(ike);
        switch (ike.ExchangeType)
        {
            case ExchangeType.IdentityProtection:
            {
                kind = ExchangeKind.MainMode;
                if (original is not null)
                {
                    step = original.Step;
                    rejects = sender == Role.Responder && MainModeNumber(step) is int n && s.MainMode.InitiatorStep >= n + 1;
                    break;
                }
                if (cisco is not null && s.CiscoFragmentSteps is { } fragmentSteps && fragmentSteps.TryGetValue((sender, cisco.FragmentId), out string? fs))
                {
                    step = fs;
                    break;
                }
                // A message whose payloads could not be read (a header Length of 0, a first payload cut off) is
                // placed by the header's first payload type.
                bool unread = ike.Payloads.Count == 0;
                var r = s.MainMode.Advance(new MainModeFacts(sender,
                    Has(ike, PayloadType.SA) || unread && ike.FirstPayloadRaw == (byte)PayloadType.SA,
                    Has(ike, PayloadType.KE) || Has(ike, PayloadType.NONCE)
                        || unread && ike.FirstPayloadRaw is (byte)PayloadType.KE or (byte)PayloadType.NONCE,
                    ike.IsEncrypted, cisco is not null));
                s.MainMode = r.Next;
                step = "MM" + r.Step;
                rejects = r.RejectsPeersNext;
                break;
            }
            case ExchangeType.Aggressive:
                // RFC 2409 §5: AM1 (SA, KE, Ni, IDii) from the initiator, AM2 from the responder, AM3 (HASH_I/SIG_I).
                kind = ExchangeKind.AggressiveMode;
                step = original?.Step ?? (sender == Role.Responder ? "AM2" : Has(ike, PayloadType.SA) ? "AM1" : "AM3");
                break;
            case ExchangeType.QuickMode:
            {
                // RFC 2409 §5.5: QM1 from whoever starts it (by message ID), QM2 the reply, QM3 the starter's HASH(3).
                kind = ExchangeKind.QuickMode;
                if (original is not null) { step = original.Step; break; }
                var starters = s.QuickModeStarter ??= new();
                if (!starters.TryGetValue(ike.MessageId, out Role starter))
                    starters[ike.MessageId] = starter = sender;
                step = sender != starter ? "QM2" : s.QuickModeAnswered?.Contains(ike.MessageId) == true ? "QM3" : "QM1";
                if (step == "QM2") (s.QuickModeAnswered ??= new()).Add(ike.MessageId);
                break;
            }
            case ExchangeType.Informational:
                kind = ExchangeKind.Informational; step = "INFO"; break;
            case ExchangeType.Transaction:
                kind = ExchangeKind.Transaction; step = "TRANSACTION"; break;
            case ExchangeType.NewGroupMode:
                kind = ExchangeKind.NewGroupMode; step = "NGM"; break;
            default:
                kind = ExchangeKind.Other; step = ike.ExchangeTypeName ?? $"exchange {ike.ExchangeTypeRaw}"; break;
        }
        if (cisco is not null)
        {
            (s.CiscoFragmentSteps ??= new())[(sender, cisco.FragmentId)] = step;
            fragNumber = cisco.FragmentNumber;
            // Cisco fragments carry only a "last" flag: the total is the last fragment's number once seen.
            fragTotal = cisco.IsLast ? cisco.FragmentNumber : 0;
        }

        var sm = new SaMessage
        {
            Message = SharingDissection(m, original), Sender = sender, Exchange = kind, Step = step,
            FragmentNumber = fragNumber, FragmentTotal = fragTotal,
        };
        if (original is not null)
        {
            sm.Retransmission = rejects ? RetransmissionKind.ResentAfterRejectingNext : RetransmissionKind.SameContent;
            sm.RetransmissionOf = original;
        }
        s.Append(sm, touch);
        Summarize(s, sm);
    }

    private static int? MainModeNumber(string step) =>
        step.Length == 3 && step.StartsWith("MM", StringComparison.Ordinal) ? step[2] - '0' : null;

    // ---- IKEv2 -------------------------------------------------------------------------------------------------

    private void AddIkev2(DissectedMessage m, byte[]? opening)
    {
        IkeMessageDissection ike = m.Ike;
        bool isInitRequest = ike.ExchangeType == ExchangeType.IKE_SA_INIT && !ike.IsResponse;
        SaState? s = Find(2, ike.InitiatorSpi, ike.ResponderSpi);
        if (s is not null) Materialize(s);
        SaState? retryOf = null;
        if (s is not null && isInitRequest && s.RestartNotify is not null
            && s.FindSameContent(m.ContentHash, Role.Initiator) is null)
        {
            // RFC 7296 §2.6 / §1.2: after a COOKIE or INVALID_KE_PAYLOAD response the initiator starts over with a new
            // IKE_SA_INIT request (same SPIi for COOKIE): a new attempt, linked to the first.
            retryOf = s;
            s = null;
        }
        if (s is null)
        {
            // The latest attempt between the same peers (a hash lookup: no walk over the live SAs). After COOKIE or
            // INVALID_KE_PAYLOAD, a new SPIi within the retry window is the restart; otherwise a later IKE_SA_INIT
            // request from the same initiator is a new attempt.
            if (retryOf is null && isInitRequest
                && _latestAttempt.TryGetValue((2, m.Source.Address, m.Destination.Address), out SaState? o)
                && o.Node is not null && o.RestartNotify is not null && o.RetriedBy is null
                && m.TimestampNanoseconds - o.LastTimestamp <= RetryWindowNanoseconds)
                retryOf = o;
            s = NewSa(2, m, senderIsResponder: !ike.IsInitiator, startsMid: !isInitRequest);
            if (retryOf is not null)
            {
                s.Sa.RetryOf = retryOf.Sa;
                s.Sa.RetryKind = RetryKind.Restart;
                retryOf.Sa.RetriedAs = s.Sa;
                retryOf.RetriedBy = s;
                _latestAttempt[(2, m.Source.Address, m.Destination.Address)] = s;
            }
            else if (isInitRequest && ike.ResponderSpi == 0)
                LinkNewAttempt(s, m);
            if (TryDefer(s, m, opening)) return;
        }
        PlaceIkev2(s, m, touch: true);
    }

    /// <summary>Places an IKEv2 message in its SA (as <see cref="PlaceIkev1"/>).</summary>
    private void PlaceIkev2(SaState s, DissectedMessage m, bool touch)
    {
        IkeMessageDissection ike = m.Ike;
        BindResponderSpi(s, 2, ike.InitiatorSpi, ike.ResponderSpi);

        // RFC 7296 §3.1: the I flag marks messages sent by the original initiator.
        Role sender = ike.IsInitiator ? Role.Initiator : Role.Responder;
        string direction = ike.IsResponse ? "response" : "request";
        ExchangeKind kind = ike.ExchangeType switch
        {
            ExchangeType.IKE_SA_INIT => ExchangeKind.IkeSaInit,
            ExchangeType.IKE_AUTH => ExchangeKind.IkeAuth,
            ExchangeType.CREATE_CHILD_SA => ExchangeKind.CreateChildSa,
            ExchangeType.INFORMATIONAL => ExchangeKind.InformationalV2,
            _ => ExchangeKind.Other,
        };
        string name = ike.ExchangeTypeName ?? $"exchange {ike.ExchangeTypeRaw}";
        if (kind == ExchangeKind.IkeAuth)
        {
            // Several IKE_AUTH rounds with EAP (RFC 7296 §2.16): the first is "IKE_AUTH", the next "IKE_AUTH#2" ...
            var rounds = s.AuthRounds ??= new();
            if (!rounds.TryGetValue(ike.MessageId, out int round))
                rounds[ike.MessageId] = round = rounds.Count + 1;
            if (round > 1) name = $"IKE_AUTH#{round}";
        }
        string step = $"{name} {direction}";

        var skf = FirstDetails<EncryptedFragmentDetails>(ike);
        SaMessage? original = s.FindSameContent(m.ContentHash, sender);
        var sm = new SaMessage
        {
            Message = SharingDissection(m, original), Sender = sender, Exchange = kind, Step = step,
            FragmentNumber = skf?.FragmentNumber ?? 0, FragmentTotal = skf?.TotalFragments ?? 0,
        };
        if (original is not null)
        {
            sm.Retransmission = RetransmissionKind.SameContent;
            sm.RetransmissionOf = original;
        }
        else if (!ike.IsResponse)
        {
            // RFC 7296 §2.1: a request re-sent under the same message ID (SKF fragments: the same fragment number).
            var key = (sender, ike.ExchangeTypeRaw, ike.MessageId, sm.FragmentNumber);
            if (s.FirstRequest.TryGetValue(key, out original))
            {
                sm.Retransmission = RetransmissionKind.SameMessageId;
                sm.RetransmissionOf = original;
            }
            else
                s.FirstRequest.Set(key, sm);
        }
        s.Append(sm, touch);
        Summarize(s, sm);
    }

    /// <summary>A byte-identical re-send (same content hash, same sender) keeps its own frame, time, addresses and
    /// sizes but shares the original's dissection (a pure function of the bytes), so its own can be collected: a
    /// stalled SA's many copies cost little memory.</summary>
    private static DissectedMessage SharingDissection(DissectedMessage m, SaMessage? original) =>
        original is null || ReferenceEquals(original.Message.Ike, m.Ike) ? m
            : m with
            {
                Ike = original.Message.Ike, Certificates = original.Message.Certificates,
                CertificatePayloads = original.Message.CertificatePayloads,
            };

    // ---- lookup ------------------------------------------------------------------------------------------------

    /// <summary>
    /// A clean first message (MM1, AM1, IKE_SA_INIT request) from the initiator of the latest live attempt towards the
    /// same responder starts a new attempt linked to it (<see cref="RetryKind.NewAttempt"/>). Whether it really was a
    /// retry — the earlier one had stopped, and was not established — is checked when they are finished
    /// (<see cref="CheckRetryLink"/>): negotiations from both sides at once are keyed by direction and never linked.
    /// </summary>
    private void LinkNewAttempt(SaState s, DissectedMessage m)
    {
        var key = (s.Sa.Version, m.Source.Address, m.Destination.Address);
        if (_latestAttempt.TryGetValue(key, out SaState? prev) && prev != s && prev.Node is not null && prev.RetriedBy is null
            && !prev.Sa.StartsMidNegotiation && prev.Sa.Initiator.Address == m.Source.Address)
        {
            // linked SAs read each other's messages when they are finished (CheckRetryLink)
            Materialize(prev);
            s.Sa.RetryOf = prev.Sa;
            s.Sa.RetryKind = RetryKind.NewAttempt;
            prev.Sa.RetriedAs = s.Sa;
            prev.RetriedBy = s;
        }
        _latestAttempt[key] = s;
    }

    private SaState? Find(int version, ulong spiI, ulong spiR)
    {
        if (spiR != 0 && _byPair.TryGetValue((version, spiI, spiR), out SaState? s))
            return s;
        // the reply to MM1 / IKE_SA_INIT binds the pair; a zero SPIr still belongs to the latest SA of that SPIi
        if (_byInitiatorSpi.TryGetValue((version, spiI), out s) && (spiR == 0 || s.Sa.SpiR == 0))
            return s;
        return null;
    }

    private void BindResponderSpi(SaState s, int version, ulong spiI, ulong spiR)
    {
        if (spiR == 0 || s.Sa.SpiR != 0) return;
        s.Sa.SpiR = spiR;
        _byPair[(version, spiI, spiR)] = s;
    }

    private SaState NewSa(int version, DissectedMessage m, bool senderIsResponder, bool startsMid)
    {
        var sa = new IkeSa
        {
            Id = Interlocked.Increment(ref _lastId),
            Version = version,
            Initiator = senderIsResponder ? m.Destination : m.Source,
            Responder = senderIsResponder ? m.Source : m.Destination,
            SpiI = m.Ike.InitiatorSpi,
            StartsMidNegotiation = startsMid,
        };
        // the cap: the least recently active SA makes room (finished as an idle one is, marked as cut short)
        while (_live.Count >= _maxLiveSas && _live.First is { } oldest)
        {
            oldest.Value.Sa.CutShort = true;
            _cutShort++;
            Retire(oldest.Value);
        }
        var s = new SaState(sa, m.Source.Port == 4500 || m.Destination.Port == 4500);
        s.Node = _live.AddLast(s);
        _byInitiatorSpi[(version, sa.SpiI)] = s;
        if (m.Ike.ResponderSpi != 0)
        {
            sa.SpiR = m.Ike.ResponderSpi;
            _byPair[(version, sa.SpiI, sa.SpiR)] = s;
        }
        return s;
    }

    // ---- eviction ----------------------------------------------------------------------------------------------

    /// <summary>Finishes the SAs idle for longer than <see cref="IdleTimeout"/>, least recently active first. O(1) when
    /// there are none: the list is in order of last activity.</summary>
    private void EvictIdle()
    {
        if (_idleNanoseconds == long.MaxValue) return;
        while (_live.First is { } head && _clock - head.Value.LastTimestamp > _idleNanoseconds)
            Retire(head.Value);
    }

    /// <summary>Finishes an open SA before the end of the capture (idle, or the cap) and hands it on.</summary>
    private void Retire(SaState s)
    {
        Forget(s);
        if (s.Deferred is not null) s = s.Renewed();
        Materialize(s);
        Finish(s);
        if (_onFinished is null) _evicted.Add(s.Sa);
        else _onFinished(s.Sa);
    }

    /// <summary>Removes an SA from the live list and from every index that still points at it.</summary>
    private void Forget(SaState s)
    {
        _live.Remove(s.Node!);
        s.Node = null;
        int v = s.Sa.Version;
        if (_byInitiatorSpi.TryGetValue((v, s.Sa.SpiI), out SaState? byI) && byI == s)
            _byInitiatorSpi.Remove((v, s.Sa.SpiI));
        if (s.Sa.SpiR != 0 && _byPair.TryGetValue((v, s.Sa.SpiI, s.Sa.SpiR), out SaState? byPair) && byPair == s)
            _byPair.Remove((v, s.Sa.SpiI, s.Sa.SpiR));
        var peers = (v, s.Sa.Initiator.Address, s.Sa.Responder.Address);
        if (_latestAttempt.TryGetValue(peers, out SaState? latest) && latest == s)
            _latestAttempt.Remove(peers);
    }

    private static Role SenderOf(IkeSa sa, DissectedMessage m)
    {
        if (m.Source == sa.Initiator) return Role.Initiator;
        if (m.Source == sa.Responder) return Role.Responder;
        if (m.Destination == sa.Responder) return Role.Initiator;
        if (m.Destination == sa.Initiator) return Role.Responder;
        // ports changed (RFC 3947 §4 float to 4500): by address
        return m.Source.Address == sa.Initiator.Address && m.Source.Address != sa.Responder.Address ? Role.Initiator
            : m.Source.Address == sa.Responder.Address ? Role.Responder : Role.Initiator;
    }

    internal static bool Has(IkeMessageDissection ike, PayloadType type) =>
        ike.Payloads.Any(p => p.TypeRaw == (byte)type);

    internal static T? FirstDetails<T>(IkeMessageDissection ike) where T : IkePayloadDetails =>
        ike.Payloads.Select(p => p.Details).OfType<T>().FirstOrDefault();

    /// <summary>Per-SA correlation state.</summary>
    private sealed class SaState(IkeSa sa, bool startedOn4500)
    {
        public IkeSa Sa { get; } = sa;

        /// <summary>
        /// A deferred SA about to be finished, made anew (its <see cref="IkeSa"/> too: <see cref="IkeSa.Renewed"/>), with
        /// its deferred message moved over: the objects made when the message is placed and the SA finished are then
        /// reachable from young objects only. An old object that points at young ones keeps them alive through every
        /// young collection until a full one finds the old one dead, and the collector copies them all meanwhile
        /// (bench/README.md, issue 14). A deferred SA holds nothing else (<see cref="TryDefer"/>): no message placed,
        /// no link to another attempt.
        /// </summary>
        public SaState Renewed()
        {
            var fresh = new SaState(Sa.Renewed(), StartedOn4500) { LastTimestamp = LastTimestamp, Deferred = Deferred };
            Deferred = null;
            return fresh;
        }
        public bool StartedOn4500 { get; } = startedOn4500;
        public MainModeState MainMode;
        // Made on first use: most SAs of a head-end or a flood never need most of them, and an open SA's objects are
        // what the GC copies and marks while it waits to idle out (bench/README.md, issue 14).
        public Dictionary<uint, Role>? QuickModeStarter;
        /// <summary>Quick Mode message IDs whose QM2 was seen (the starter's next message is QM3).</summary>
        public HashSet<uint>? QuickModeAnswered;
        /// <summary>IKEv2: the first request per sender, exchange, message ID and SKF fragment number (RFC 7296 §2.1).</summary>
        public SmallMap<(Role, byte, uint, int), SaMessage> FirstRequest;
        public Dictionary<(Role, ushort), string>? CiscoFragmentSteps;
        public Dictionary<uint, int>? AuthRounds;
        private SmallMap<(ulong, Role), SaMessage> _byContent;
        /// <summary>IKEv2: the IKE_SA_INIT response asked for a restart (COOKIE or INVALID_KE_PAYLOAD).</summary>
        public string? RestartNotify;
        public SaState? RetriedBy;
        public long LastTimestamp;
        /// <summary>The SA's only message so far, kept as its bytes (<see cref="TryDefer"/>); null once placed.</summary>
        public DeferredMessage? Deferred;
        /// <summary>Its node in the live list (null once finished).</summary>
        public LinkedListNode<SaState>? Node;
        /// <summary>IKEv1: Hash Algorithm of the chosen SA (RFC 2409 Appendix A), for NAT-D.</summary>
        public ulong? ChosenHash;
        /// <summary>IKEv2: the chosen ENCR id and key length and INTEG id, for the IKE_AUTH size rule.</summary>
        public ushort? ChosenEncr, ChosenInteg;

        public SaMessage? FindSameContent(ulong hash, Role sender) =>
            hash != 0 && _byContent.TryGetValue((hash, sender), out SaMessage? m) ? m : null;

        public void Append(SaMessage m, bool touch)
        {
            // In capture time order: a message the frame layer hands on late (an IP datagram whose missing fragments
            // it waited for) goes before later ones.
            var list = Sa.Messages;
            int at = list.Count;
            while (at > 0 && list[at - 1].TimestampNanoseconds > m.TimestampNanoseconds) at--;
            list.Insert(at, m);
            LastTimestamp = Math.Max(LastTimestamp, m.TimestampNanoseconds);
            if (touch && Node is { List: { } live } node && node != live.Last)
            {
                live.Remove(node);
                live.AddLast(node);
            }
            if (m.Message.ContentHash != 0)
                _byContent.TryAdd((m.Message.ContentHash, m.Sender), m);
        }
    }
}
