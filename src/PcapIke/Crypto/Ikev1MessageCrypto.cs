using System.Buffers.Binary;
using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>Result of decrypting an IKEv1 message body.</summary>
/// <param name="Plaintext">The decrypted payload chain, padding included (the payloads' own lengths say where they
/// end, RFC 2408 §3.1); empty unless <see cref="Status"/> is Ok.</param>
/// <param name="LastBlock">The last ciphertext block: the IV of the next message in this chain.</param>
public readonly record struct Ikev1DecryptResult(DecryptStatus Status, byte[] Plaintext, byte[] LastBlock)
{
    public bool IsOk => Status == DecryptStatus.Ok;
}

/// <summary>How <see cref="Ikev1MessageCrypto.Encrypt(ReadOnlySpan{byte}, Ikev1CipherSuite, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Ikev1Padding)"/>
/// pads the payload chain to the block size.</summary>
public enum Ikev1Padding : byte
{
    /// <summary>0 to block-1 zero octets, none when already aligned (RFC 2408 §3.1 counts padding in the message
    /// length; RFC 2409 Appendix B leaves its content open).</summary>
    Zeros,
    /// <summary>1 to block-size octets: zeros, the last holding the number of padding octets before it (as some
    /// implementations, e.g. Cisco IOS, do); a whole block is added when already aligned.</summary>
    ZerosThenPadLength,
}

/// <summary>
/// IKEv1 message encryption (RFC 2408 §3.1, RFC 2409 Appendix B): the 28-octet ISAKMP header stays clear; everything
/// after it is encrypted in CBC mode with Ka, the IV coming from the SA's chain (<see cref="Ikev1IvTracker"/>).
/// </summary>
public static class Ikev1MessageCrypto
{
    private const int HeaderLength = 28;

    /// <summary>Decrypts with an explicit IV. Never throws on bad input.</summary>
    public static Ikev1DecryptResult Decrypt(ReadOnlySpan<byte> message, Ikev1CipherSuite suite,
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        var status = Check(message, suite, key, out int length);
        if (status != DecryptStatus.Ok) return Fail(status);
        if (iv.Length != suite.BlockSize) return Fail(DecryptStatus.BadKey);
        var body = message[HeaderLength..length];
        byte[] plain = IkeBlockCipher.Cbc(suite.Cbc!.Value, false, key, iv, body);
        return new Ikev1DecryptResult(DecryptStatus.Ok, plain, body[^suite.BlockSize..].ToArray());
    }

    /// <summary>Decrypts taking the IV from the SA's chain, which advances if the message is new and decryptable.</summary>
    public static Ikev1DecryptResult Decrypt(ReadOnlySpan<byte> message, Ikev1CipherSuite suite,
        ReadOnlySpan<byte> key, Ikev1IvTracker ivs)
    {
        var status = Check(message, suite, key, out _);
        if (status != DecryptStatus.Ok) return Fail(status);
        if (ivs.BlockSize != suite.BlockSize) return Fail(DecryptStatus.BadKey);
        return Decrypt(message, suite, key, ivs.IvFor(message)!);
    }

    /// <summary>Everything that does not depend on the IV; <paramref name="length"/> is the header's Length.</summary>
    private static DecryptStatus Check(ReadOnlySpan<byte> message, Ikev1CipherSuite suite, ReadOnlySpan<byte> key,
        out int length)
    {
        length = 0;
        if (suite.Cbc is not { } cbc || IkePrf.ForIkev1Hash(suite.Hash) is null) return DecryptStatus.UnsupportedAlgorithm;
        if (!IkeBlockCipher.IsValidKeyLength(cbc, key.Length)) return DecryptStatus.BadKey;
        if (message.Length < HeaderLength) return DecryptStatus.Truncated;
        if ((message[19] & (byte)Ikev1Flags.Encryption) == 0) return DecryptStatus.NotEncrypted;
        // RFC 2408 §3.1: Length covers header, payloads and padding.
        uint total = BinaryPrimitives.ReadUInt32BigEndian(message[24..]);
        if (total < HeaderLength || total > message.Length) return DecryptStatus.Truncated;
        length = (int)total;
        int bodyLength = length - HeaderLength;
        return bodyLength == 0 || bodyLength % suite.BlockSize != 0 ? DecryptStatus.BadLength : DecryptStatus.Ok;
    }

    /// <summary>
    /// Encrypts a clear message (header + payload chain): pads the chain, encrypts it, sets the E flag and the
    /// header's length. Throws on a key or IV of the wrong length or an unsupported algorithm.
    /// </summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> clearMessage, Ikev1CipherSuite suite, ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> iv, Ikev1Padding padding = Ikev1Padding.Zeros)
    {
        var cbc = suite.Cbc ?? throw new NotSupportedException($"IKEv1 encryption {suite.Encryption}");
        if (!IkeBlockCipher.IsValidKeyLength(cbc, key.Length)) throw new ArgumentException("key length", nameof(key));
        if (iv.Length != suite.BlockSize) throw new ArgumentException("IV length", nameof(iv));
        if (clearMessage.Length < HeaderLength) throw new ArgumentException("shorter than the ISAKMP header");
        int bs = suite.BlockSize;
        var chain = clearMessage[HeaderLength..];
        int pad = padding == Ikev1Padding.Zeros
            ? (bs - chain.Length % bs) % bs
            : bs - chain.Length % bs;
        var plain = new byte[chain.Length + pad];
        chain.CopyTo(plain);
        if (padding == Ikev1Padding.ZerosThenPadLength) plain[^1] = (byte)(pad - 1);
        byte[] cipher = IkeBlockCipher.Cbc(cbc, true, key, iv, plain);
        var result = new byte[HeaderLength + cipher.Length];
        clearMessage[..HeaderLength].CopyTo(result);
        result[19] |= (byte)Ikev1Flags.Encryption;
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(24), (uint)result.Length);
        cipher.CopyTo(result, HeaderLength);
        return result;
    }

    /// <summary>Encrypts with the chain's current IV for the message's M-ID and advances the chain.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> clearMessage, Ikev1CipherSuite suite, ReadOnlySpan<byte> key,
        Ikev1IvTracker ivs, Ikev1Padding padding = Ikev1Padding.Zeros)
    {
        if (clearMessage.Length < HeaderLength) throw new ArgumentException("shorter than the ISAKMP header");
        var iv = ivs.CurrentIv(BinaryPrimitives.ReadUInt32BigEndian(clearMessage[20..]));
        var result = Encrypt(clearMessage, suite, key, iv, padding);
        ivs.Observe(result);
        return result;
    }

    private static Ikev1DecryptResult Fail(DecryptStatus status) => new(status, [], []);
}
