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
        _ => Status.ToString(),
    };
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

    /// <summary>Decrypts one message; null when it is not encrypted (nothing to say).</summary>
    public MessageDecryption? Process(ReadOnlySpan<byte> message, IkeMessageDissection clear)
    {
        if (!clear.HasHeader) return null;
        try
        {
            return clear.MajorVersion switch
            {
                2 when clear.IsEncrypted => Ikev2(message, clear),
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

    private MessageDecryption Ikev2(ReadOnlySpan<byte> message, IkeMessageDissection clear)
    {
        if (keys.FindIkev2(clear.InitiatorSpi, clear.ResponderSpi) is not { } entry)
            return new MessageDecryption(DecryptStatus.NoKey, null);
        var r = Ikev2EncryptedPayload.Decrypt(message, entry.Suite, entry.Keys);
        if (!r.IsOk) return new MessageDecryption(r.Status, null);
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
