using System.Buffers.Binary;
using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Decryption;

/// <summary>
/// The decryption of one encrypted IKE message.
/// </summary>
/// <param name="Status">Ok, or why there is no plaintext (NoKey, NoIv, IntegrityFailed, BadPadding, Truncated ...),
/// or PlaintextMalformed when an IKEv1 body decrypted to something that is not a payload chain.</param>
/// <param name="Inner">The decrypted inner payload chain dissected by <see cref="IkeMessageDissection.DissectInner"/>
/// (offsets are plaintext offsets plus 28). Null unless Ok; for SKF fragments, set only on the fragment that
/// completes the message (the reassembled chain, RFC 7383 §2.6).</param>
/// <param name="Fragment">The SKF Fragment Number and Total Fragments, null for SK and IKEv1.</param>
public sealed record MessageDecryption(DecryptStatus Status, IkeMessageDissection? Inner, Ikev2FragmentInfo? Fragment = null)
{
    /// <summary>The bytes <see cref="Inner"/> was dissected from (<see cref="IkeMessageDissection.InnerMessage"/>).</summary>
    public byte[]? InnerMessage { get; init; }

    /// <summary>IKEv2, when decryption failed: the mix-up of the given keys that does decrypt the message, if any.</summary>
    public KeyMixUp MixUp { get; init; }

    /// <summary>Where the keys used came from (<c>file:line</c>); null without a key.</summary>
    public string? KeySource { get; init; }

    public bool IsOk => Status is DecryptStatus.Ok;

    /// <summary>Short text of the status: "ok", "no key", "integrity failed" ...</summary>
    public string StatusText => Status switch
    {
        DecryptStatus.Ok => "ok",
        DecryptStatus.NoKey => "no key",
        DecryptStatus.NoIv => "IV unknown (SA or KE of Main Mode not seen)",
        DecryptStatus.IntegrityFailed => "integrity failed",
        DecryptStatus.BadPadding => "bad padding",
        DecryptStatus.BadLength => "ciphertext not a whole number of blocks",
        DecryptStatus.Truncated => "truncated",
        DecryptStatus.BadKey => "key of the wrong length",
        DecryptStatus.UnsupportedAlgorithm => "unsupported algorithm",
        DecryptStatus.PlaintextMalformed => "plaintext is not a payload chain (wrong key?)",
        DecryptStatus.NoAlgorithms => "algorithms unknown (IKE_SA_INIT response not seen, no selected proposal in the log)",
        _ => Status.ToString(),
    } + MixUp switch
    {
        KeyMixUp.DirectionsSwapped => " (the other direction's keys decrypt it)",
        KeyMixUp.EncryptionKeysSwapped => " (SK_ei and SK_er swapped)",
        KeyMixUp.IntegrityKeysSwapped => " (SK_ai and SK_ar swapped)",
        _ => "",
    };
}

/// <summary>A mix-up of IKEv2 keys that explains a failed decryption: found by trying the other direction's keys.</summary>
public enum KeyMixUp : byte
{
    None,
    /// <summary>SK_er/SK_ar decrypt the initiator's message (or SK_ei/SK_ai the responder's): the key columns or the
    /// roles are swapped.</summary>
    DirectionsSwapped,
    /// <summary>The ICV verifies with the sender's SK_a, and the other SK_e decrypts: SK_ei and SK_er swapped.</summary>
    EncryptionKeysSwapped,
    /// <summary>The sender's SK_e decrypts once the other SK_a checks the ICV: SK_ai and SK_ar swapped.</summary>
    IntegrityKeysSwapped,
}

/// <summary>
/// Decrypts the encrypted IKE messages of one capture, in capture order, with the keys of a <see cref="KeyRing"/>.
/// IKEv2: the SK/SKF payload with the sender's keys (the I flag names the sender, RFC 7296 §3.1); SKF fragments are
/// reassembled per (SPIs, Message ID, R flag) once all are present (RFC 7383 §2.6). IKEv1: the E-flag body with Ka
/// and the IV chain of the ISAKMP SA (RFC 2409 Appendix B), for which the decryptor tracks per initiator cookie the
/// responder's chosen SA transform (MM2) and the clear KE payloads (MM3, MM4). Never throws on captured bytes.
/// </summary>
public sealed class MessageDecryptor(KeyRing keys)
{
    private const int HeaderLength = 28;

    private sealed class Ikev1State
    {
        public Ikev1CipherSuite? Suite;
        public byte[]? Gxi, Gxr;
        public Ikev1IvTracker? Ivs;
    }

    private readonly Dictionary<ulong, Ikev1State> _ikev1 = new();
    private readonly Dictionary<(ulong, ulong, uint, bool), SortedDictionary<ushort, Ikev2DecryptResult>> _fragments = new();
    /// <summary>IKEv2: the suite of each SA's IKE_SA_INIT response (RFC 7296 §1.2: the chosen proposal).</summary>
    private readonly Dictionary<(ulong, ulong), Ikev2CipherSuite> _negotiated = new();
    /// <summary>IKEv2: unbound keys (<see cref="KeyRing.Unbound"/>) found to fit an SA of this capture.</summary>
    private readonly Dictionary<(ulong, ulong), Ikev2KeyEntry> _bound = new();

    /// <summary>Decrypts one message; null when it is not encrypted (nothing to say).</summary>
    public MessageDecryption? Process(ReadOnlySpan<byte> message, IkeMessageDissection clear)
    {
        if (!clear.HasHeader) return null;
        try
        {
            return clear.MajorVersion switch
            {
                // An SK/SKF payload that the dissector could not read (e.g. running past the end: truncated) is
                // still one the decryptor reports on.
                2 when clear.IsEncrypted || Ikev2EncryptedPayload.TryFind(message, out _, out _) => Ikev2(message, clear),
                2 => LearnIkev2(clear),
                1 => Ikev1(message, clear),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or NotSupportedException
                                       or System.Security.Cryptography.CryptographicException)
        {
            return new MessageDecryption(DecryptStatus.UnsupportedAlgorithm, null);
        }
    }

    /// <summary>Remembers the chosen proposal of an IKE_SA_INIT response: the algorithms for keys without them (a
    /// charon log's). Nothing to decrypt.</summary>
    private MessageDecryption? LearnIkev2(IkeMessageDissection clear)
    {
        if (clear.ExchangeType != ExchangeType.IKE_SA_INIT || !clear.IsResponse || clear.ResponderSpi == 0) return null;
        if (clear.Payloads.Select(p => p.Details).OfType<SaDetails>().FirstOrDefault() is { Proposals: [var chosen, ..] }
            && Ikev2CipherSuite.FromProposal(chosen) is { } suite)
            _negotiated.TryAdd((clear.InitiatorSpi, clear.ResponderSpi), suite);
        return null;
    }

    /// <summary>The table's algorithms, else those the capture negotiated, else the log's selected proposal.</summary>
    private Ikev2CipherSuite? SuiteFor(Ikev2KeyEntry entry, ulong spiI, ulong spiR) =>
        entry.Suite ?? _negotiated.GetValueOrDefault((spiI, spiR)) ?? entry.LoggedSuite;

    private MessageDecryption Ikev2(ReadOnlySpan<byte> message, IkeMessageDissection clear)
    {
        var spis = (clear.InitiatorSpi, clear.ResponderSpi);
        var entry = keys.FindIkev2(spis.InitiatorSpi, spis.ResponderSpi) ?? _bound.GetValueOrDefault(spis) ?? TryUnbound(message, spis);
        if (entry is null) return new MessageDecryption(DecryptStatus.NoKey, null);
        if (SuiteFor(entry, spis.InitiatorSpi, spis.ResponderSpi) is not { } suite)
            return new MessageDecryption(DecryptStatus.NoAlgorithms, null) { KeySource = entry.Source };
        var r = Ikev2EncryptedPayload.Decrypt(message, suite, entry.Keys);
        if (!r.IsOk)
            return new MessageDecryption(r.Status, null)
            {
                KeySource = entry.Source,
                MixUp = r.Status is DecryptStatus.IntegrityFailed or DecryptStatus.BadPadding
                    ? FindMixUp(message, suite, entry.Keys, clear.IsInitiator) : KeyMixUp.None,
            };
        var decrypted = Ikev2Decrypted(message, clear, r);
        return decrypted with { KeySource = entry.Source };
    }

    /// <summary>An unbound key (SPIs unknown) whose ICV verifies on this message; it is then bound to these SPIs for
    /// the rest of the capture.</summary>
    private Ikev2KeyEntry? TryUnbound(ReadOnlySpan<byte> message, (ulong I, ulong R) spis)
    {
        foreach (var u in keys.Unbound)
        {
            if (SuiteFor(u, spis.I, spis.R) is not { IsSupported: true } suite) continue;
            var r = Ikev2EncryptedPayload.Decrypt(message, suite, u.Keys);
            if (r.Status is DecryptStatus.Ok or DecryptStatus.BadPadding)   // the ICV verified: these are its keys
            {
                var bound = u with { InitiatorSpi = spis.I, ResponderSpi = spis.R };
                _bound[spis] = bound;
                return bound;
            }
        }
        return null;
    }

    /// <summary>Which mix-up of the given keys decrypts the message into a payload chain (the key table's columns
    /// swapped, or the roles), for the decryption findings.</summary>
    private static KeyMixUp FindMixUp(ReadOnlySpan<byte> message, Ikev2CipherSuite suite, Ikev2Keys keys, bool initiatorFlag)
    {
        Ikev2DirectionKeys own = keys.ForSender(initiatorFlag), other = keys.ForSender(!initiatorFlag);
        var tries = suite.IsAead
            ? new[] { (KeyMixUp.DirectionsSwapped, other) }
            : [(KeyMixUp.DirectionsSwapped, other), (KeyMixUp.EncryptionKeysSwapped, new Ikev2DirectionKeys(other.EncryptionKey, own.IntegrityKey)),
               (KeyMixUp.IntegrityKeysSwapped, new Ikev2DirectionKeys(own.EncryptionKey, other.IntegrityKey))];
        foreach (var (mixUp, candidate) in tries)
        {
            var r = Ikev2EncryptedPayload.Decrypt(message, suite, candidate);
            if (!r.IsOk) continue;
            // SKF fragments after the first carry no Next Payload: their plaintext is not a chain on its own.
            if (r.FirstPayload == PayloadType.NONE) return mixUp;
            var inner = IkeMessageDissection.Dissect(IkeMessageDissection.InnerMessage(message, (byte)r.FirstPayload, r.Plaintext));
            if (!inner.IsMalformed && inner.Payloads.Count > 0) return mixUp;
        }
        return KeyMixUp.None;
    }

    private MessageDecryption Ikev2Decrypted(ReadOnlySpan<byte> message, IkeMessageDissection clear, Ikev2DecryptResult r)
    {
        if (!IsFragment(message, r.PayloadOffset, out var info))
            return Decrypted(DecryptStatus.Ok, IkeMessageDissection.InnerMessage(message, (byte)r.FirstPayload, r.Plaintext));

        // RFC 7383 §2.6: reassemble when every fragment 1..Total has arrived; a re-sent fragment replaces its copy.
        var key = (clear.InitiatorSpi, clear.ResponderSpi, clear.MessageId, clear.IsResponse);
        if (!_fragments.TryGetValue(key, out var parts)) _fragments[key] = parts = new();
        bool wasComplete = parts.Count == info.Total;
        parts[info.Number] = r;
        if (!wasComplete && info.Total > 0 && parts.Count == info.Total && parts.Keys.Last() == info.Total)
        {
            var plain = parts.Values.SelectMany(p => p.Plaintext).ToArray();
            return Decrypted(DecryptStatus.Ok, IkeMessageDissection.InnerMessage(message, (byte)parts[1].FirstPayload, plain)) with
            {
                Fragment = info,
            };
        }
        return new MessageDecryption(DecryptStatus.Ok, null, info);
    }

    private static bool IsFragment(ReadOnlySpan<byte> message, int offset, out Ikev2FragmentInfo info)
    {
        info = default;
        if (!Ikev2EncryptedPayload.TryFind(message, out _, out var type) || type != PayloadType.SKF) return false;
        info = new Ikev2FragmentInfo(BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 4)..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 6)..]));
        return true;
    }

    private MessageDecryption? Ikev1(ReadOnlySpan<byte> message, IkeMessageDissection clear)
    {
        if (!_ikev1.TryGetValue(clear.InitiatorSpi, out var state)) _ikev1[clear.InitiatorSpi] = state = new();
        if (!clear.EncryptionFlag)
        {
            Learn(state, clear);
            return null;
        }
        if (keys.FindIkev1(clear.InitiatorSpi) is not { } entry) return new MessageDecryption(DecryptStatus.NoKey, null);
        if (state.Ivs is null && state.Suite is { } s && state.Gxi is { } gxi && state.Gxr is { } gxr && s.IsSupported)
            state.Ivs = Ikev1IvTracker.FromKeyExchange(s, gxi, gxr);
        if (state.Ivs is null || state.Suite is null) return new MessageDecryption(DecryptStatus.NoIv, null);
        if (entry.EncryptionKey.Length != state.Suite.KeyLength) return new MessageDecryption(DecryptStatus.BadKey, null);
        var r = Ikev1MessageCrypto.Decrypt(message, state.Suite, entry.EncryptionKey, state.Ivs);
        if (!r.IsOk) return new MessageDecryption(r.Status, null);
        var result = Decrypted(DecryptStatus.Ok, IkeMessageDissection.InnerMessage(message, clear.FirstPayloadRaw, r.Plaintext));
        var inner = result.Inner!;
        // No ICV in IKEv1: a wrong key or IV shows as a chain that does not parse, or no payload at all.
        if (inner.IsMalformed || inner.Payloads.Count == 0 || inner.Payloads.Any(p => p.TypeName is null))
            return result with { Status = DecryptStatus.PlaintextMalformed };
        return result;
    }

    private static MessageDecryption Decrypted(DecryptStatus status, byte[] innerMessage) =>
        new(status, IkeMessageDissection.Dissect(innerMessage)) { InnerMessage = innerMessage };

    /// <summary>From clear Main Mode messages: the responder's chosen transform (an SA once the responder cookie is
    /// set, i.e. MM2) and the KE data, g^xi first then g^xr (RFC 2409 §5).</summary>
    private static void Learn(Ikev1State state, IkeMessageDissection clear)
    {
        foreach (var p in clear.Payloads)
        {
            if (p.Details is SaDetails sa && clear.ResponderSpi != 0 && state.Suite is null &&
                sa.Proposals is [{ Transforms: [var t] }])
                state.Suite = SuiteOf(t);
            else if (p.TypeRaw == (byte)PayloadType.KE && p.Details is DataDetails { Length: > 0 } ke)
            {
                byte[] data = Convert.FromHexString(ke.Hex);
                if (state.Gxi is null) state.Gxi = data;
                else if (state.Gxr is null && !data.AsSpan().SequenceEqual(state.Gxi)) state.Gxr = data;
            }
        }
    }

    /// <summary>Encryption Algorithm (1), Hash Algorithm (2), Key Length (14) attributes (RFC 2409 Appendix A).</summary>
    private static Ikev1CipherSuite? SuiteOf(TransformSummary t)
    {
        ulong? Attr(ushort type) => t.Attributes.FirstOrDefault(a => a.TypeRaw == type)?.Value;
        if (Attr(1) is not { } enc || Attr(2) is not { } hash) return null;
        return new Ikev1CipherSuite((IkeEncryptionAlgorithm)enc, (int)(Attr(14) ?? 0), (IkeHashAlgorithm)hash);
    }
}
