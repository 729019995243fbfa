using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PcapIke.Crypto;

/// <summary>
/// The CBC IV chains of one ISAKMP SA (RFC 2409 Appendix B). Phase 1 (M-ID 0) starts from hash(g^xi | g^xr); each
/// phase-2 or Informational exchange (its own M-ID) starts from hash(last phase-1 CBC output block | M-ID). Within a
/// chain, a message's IV is the last ciphertext block of the previous message.
/// <para>
/// The chain advances once per <em>distinct</em> message: a byte-identical retransmission (e.g. a re-sent MM5)
/// gets the IV of its first copy, so every copy decrypts. (Wireshark 4.0 advances on every packet and shows such
/// copies as malformed.)
/// </para>
/// </summary>
public sealed class Ikev1IvTracker
{
    private const int HeaderLength = 28;
    private readonly IkePrf _hash;
    private readonly int _blockSize;
    private byte[] _phase1Current;
    private readonly Dictionary<uint, byte[]> _phase2Current = new();
    private readonly Dictionary<(uint, string), byte[]> _seen = new();

    public Ikev1IvTracker(IkePrf hash, int blockSize, byte[] phase1Iv)
    {
        if (phase1Iv.Length != blockSize) throw new ArgumentException("IV length differs from block size", nameof(phase1Iv));
        _hash = hash;
        _blockSize = blockSize;
        _phase1Current = phase1Iv;
    }

    /// <summary>A tracker whose phase-1 IV is hash(g^xi | g^xr) (RFC 2409 Appendix B).</summary>
    public static Ikev1IvTracker FromKeyExchange(Ikev1CipherSuite suite, byte[] gxi, byte[] gxr) =>
        new(suite.Prf, suite.BlockSize, Ikev1KeyDerivation.Phase1Iv(suite.Prf, gxi, gxr, suite.BlockSize));

    public int BlockSize => _blockSize;

    /// <summary>The last CBC output block of phase 1 so far (the initial IV before any encrypted phase-1 message).</summary>
    public byte[] LastPhase1Block => _phase1Current;

    /// <summary>The IV the next new message with this M-ID uses.</summary>
    public byte[] CurrentIv(uint messageId)
    {
        if (messageId == 0) return _phase1Current;
        if (!_phase2Current.TryGetValue(messageId, out var iv))
            _phase2Current[messageId] = iv = Ikev1KeyDerivation.Phase2Iv(_hash, _phase1Current, messageId, _blockSize);
        return iv;
    }

    /// <summary>
    /// The IV for an encrypted message (header included): that of its first copy when it was seen before; otherwise
    /// the chain's current IV, and the chain advances to the message's last ciphertext block. Null when the message
    /// is not encrypted or is shorter than its header plus one block.
    /// </summary>
    public byte[]? IvFor(ReadOnlySpan<byte> encryptedMessage)
    {
        if (!TryKey(encryptedMessage, out var key, out var lastBlock)) return null;
        if (_seen.TryGetValue(key, out var iv)) return iv;
        iv = CurrentIv(key.Item1);
        _seen[key] = iv;
        if (key.Item1 == 0) _phase1Current = lastBlock;
        else _phase2Current[key.Item1] = lastBlock;
        return iv;
    }

    /// <summary>Records a message this side encrypted (or saw) so that the chain advances past it.</summary>
    public void Observe(ReadOnlySpan<byte> encryptedMessage) => IvFor(encryptedMessage);

    private bool TryKey(ReadOnlySpan<byte> message, out (uint, string) key, out byte[] lastBlock)
    {
        key = default;
        lastBlock = [];
        // Only encrypted messages (E flag, RFC 2408 §3.1) take part in the chain.
        if (message.Length < HeaderLength || (message[19] & 0x01) == 0) return false;
        int length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(message[24..]), (uint)message.Length);
        if (length < HeaderLength + _blockSize) return false;
        var body = message[HeaderLength..length];
        // The chain continues from the last whole block (RFC 2409 Appendix B: "the last ciphertext block").
        int end = body.Length - body.Length % _blockSize;
        lastBlock = body.Slice(end - _blockSize, _blockSize).ToArray();
        key = (BinaryPrimitives.ReadUInt32BigEndian(message[20..]), Convert.ToHexString(SHA256.HashData(body)));
        return true;
    }
}
