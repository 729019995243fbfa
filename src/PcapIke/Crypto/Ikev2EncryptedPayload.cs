using System.Buffers.Binary;
using System.Security.Cryptography;
using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>Result of decrypting an SK or SKF payload.</summary>
/// <param name="FirstPayload">The SK/SKF header's Next Payload: the type of the first inner payload (0 in SKF
/// fragments other than the first, RFC 7383 §2.5).</param>
/// <param name="Plaintext">The inner payloads, without padding and Pad Length; empty unless Ok.</param>
/// <param name="PayloadOffset">Offset of the SK/SKF payload in the message (-1 when none was found).</param>
public readonly record struct Ikev2DecryptResult(DecryptStatus Status, PayloadType FirstPayload, byte[] Plaintext,
    int PadLength, int PayloadOffset)
{
    public bool IsOk => Status == DecryptStatus.Ok;
}

/// <summary>The Fragment Number and Total Fragments fields of an SKF payload (RFC 7383 §2.5).</summary>
public readonly record struct Ikev2FragmentInfo(ushort Number, ushort Total);

/// <summary>
/// The Encrypted payload (SK, RFC 7296 §3.14) and the Encrypted Fragment payload (SKF, RFC 7383 §2.5):
/// <code>
/// generic header (4) [Fragment Number (2) | Total Fragments (2)] | IV | ciphertext | Integrity Checksum Data
/// plaintext = inner payloads | Padding | Pad Length (1)
/// </code>
/// CBC or AES-CTR with HMAC: the ICV is the truncated HMAC over the message from the first octet of the IKE header to
/// the last octet of the ciphertext (RFC 7296 §3.14, RFC 5930 §2). AEAD (AES-GCM, AES-CCM, ChaCha20-Poly1305):
/// nonce = salt | IV, AAD = the message from the IKE header to the end of the SK/SKF header (fragment fields
/// included), the ICV is the tag (RFC 5282 §5.1, RFC 7634 §3, RFC 7383 §2.5). CTR and the AEADs need no padding.
/// </summary>
public static class Ikev2EncryptedPayload
{
    private const int HeaderLength = 28;

    /// <summary>Finds the SK or SKF payload by walking the payload chain from the header.</summary>
    public static bool TryFind(ReadOnlySpan<byte> message, out int offset, out PayloadType type)
    {
        offset = -1;
        type = PayloadType.NONE;
        if (message.Length < HeaderLength) return false;
        var next = (PayloadType)message[16];
        int at = HeaderLength;
        for (int guard = 0; next != PayloadType.NONE && guard < 256; guard++)
        {
            if (at + 4 > message.Length) return false;
            if (next is PayloadType.SK or PayloadType.SKF)
            {
                offset = at;
                type = next;
                return true;
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            if (length < 4) return false;
            next = (PayloadType)message[at];
            at += length;
        }
        return false;
    }

    /// <summary>Decrypts with the keys of the sender named by the header's Initiator flag. Never throws on bad
    /// input.</summary>
    public static Ikev2DecryptResult Decrypt(ReadOnlySpan<byte> message, Ikev2CipherSuite suite, Ikev2Keys keys) =>
        message.Length < HeaderLength
            ? Fail(DecryptStatus.Truncated, -1)
            : Decrypt(message, suite, keys.ForSender((message[19] & (byte)Ikev2Flags.Initiator) != 0));

    /// <summary>Checks the ICV and decrypts the SK or SKF payload with one direction's keys. Never throws on bad
    /// input.</summary>
    public static Ikev2DecryptResult Decrypt(ReadOnlySpan<byte> message, Ikev2CipherSuite suite, Ikev2DirectionKeys keys)
    {
        if (!suite.IsSupported) return Fail(DecryptStatus.UnsupportedAlgorithm, -1);
        if (keys.EncryptionKey.Length != suite.EncryptionKeyLength ||
            keys.IntegrityKey.Length != suite.IntegrityKeyLength) return Fail(DecryptStatus.BadKey, -1);
        if (message.Length < HeaderLength) return Fail(DecryptStatus.Truncated, -1);
        // RFC 7296 §3.1: Length is the total length of the message; bytes after it are not part of it.
        uint total = BinaryPrimitives.ReadUInt32BigEndian(message[24..]);
        if (total < HeaderLength || total > message.Length) return Fail(DecryptStatus.Truncated, -1);
        message = message[..(int)total];
        if (!TryFind(message, out int sk, out var type)) return Fail(DecryptStatus.NotEncrypted, -1);
        int skLength = BinaryPrimitives.ReadUInt16BigEndian(message[(sk + 2)..]);
        if (sk + skLength > message.Length) return Fail(DecryptStatus.Truncated, sk);
        int ivStart = sk + (type == PayloadType.SKF ? 8 : 4);
        int ctStart = ivStart + suite.IvLength;
        int end = sk + skLength;                    // RFC 7296 §3.14: SK is the last payload
        int icvStart = end - suite.IcvLength;
        if (icvStart - ctStart < Math.Max(1, suite.BlockSize)) return Fail(DecryptStatus.Truncated, sk);
        var firstPayload = (PayloadType)message[sk];
        var iv = message[ivStart..ctStart];
        var ct = message[ctStart..icvStart];
        byte[] plain;
        if (suite.IsAead)
        {
            // RFC 5282 §5.1, RFC 7634 §3: AAD = IKE header .. end of the SK/SKF header; the tag is the ICV.
            if (IkeAead.Open(suite, keys.EncryptionKey, iv, message[..ivStart], message[ctStart..end]) is not { } opened)
                return Fail(DecryptStatus.IntegrityFailed, sk);
            plain = opened;
        }
        else
        {
            if (ct.Length % suite.BlockSize != 0) return Fail(DecryptStatus.BadLength, sk);
            byte[] mac = suite.IntegrityDigest!.Compute(keys.IntegrityKey, message[..icvStart]);
            if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, suite.IcvLength), message[icvStart..end]))
                return Fail(DecryptStatus.IntegrityFailed, sk);
            plain = Cipher(suite, keys.EncryptionKey, iv, ct, encrypt: false);
        }
        int padLength = plain[^1];
        if (padLength + 1 > plain.Length) return Fail(DecryptStatus.BadPadding, sk);
        return new Ikev2DecryptResult(DecryptStatus.Ok, firstPayload, plain[..^(padLength + 1)], padLength, sk);
    }

    /// <summary>
    /// Builds a protected message: <paramref name="prefix"/> (IKE header and any clear payloads before SK/SKF) with
    /// its last Next Payload set to SK or SKF and the header Length set, then the SK/SKF payload carrying
    /// <paramref name="innerPayloads"/>. <paramref name="padLength"/> null pads minimally (CBC: to the block
    /// size; CTR and AEAD: none); a given value must keep CBC plaintext block-aligned. Throws on invalid arguments.
    /// </summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> prefix, PayloadType firstInnerPayload,
        ReadOnlySpan<byte> innerPayloads, Ikev2CipherSuite suite, Ikev2DirectionKeys keys, ReadOnlySpan<byte> iv,
        int? padLength = null, Ikev2FragmentInfo? fragment = null)
    {
        if (!suite.IsSupported) throw new NotSupportedException($"IKEv2 suite {suite}");
        if (keys.EncryptionKey.Length != suite.EncryptionKeyLength || keys.IntegrityKey.Length != suite.IntegrityKeyLength)
            throw new ArgumentException("key length", nameof(keys));
        if (iv.Length != suite.IvLength) throw new ArgumentException("IV length", nameof(iv));
        if (prefix.Length < HeaderLength) throw new ArgumentException("shorter than the IKE header", nameof(prefix));
        int bs = suite.BlockSize;
        int pad = padLength ?? (bs - (innerPayloads.Length + 1) % bs) % bs;
        if (pad is < 0 or > 255 || (innerPayloads.Length + pad + 1) % bs != 0)
            throw new ArgumentOutOfRangeException(nameof(padLength), "padding must align the plaintext to the block size");
        var plain = new byte[innerPayloads.Length + pad + 1];
        innerPayloads.CopyTo(plain);
        plain[^1] = (byte)pad;

        int fixedLength = fragment is null ? 4 : 8;
        int skLength = fixedLength + iv.Length + plain.Length + suite.IcvLength;
        if (skLength > ushort.MaxValue) throw new ArgumentException("Encrypted payload longer than 65535 octets");
        var msg = new byte[prefix.Length + skLength];
        prefix.CopyTo(msg);
        var type = fragment is null ? PayloadType.SK : PayloadType.SKF;
        SetLastNextPayload(msg.AsSpan(0, prefix.Length), type);
        BinaryPrimitives.WriteUInt32BigEndian(msg.AsSpan(24), (uint)msg.Length);
        int sk = prefix.Length;
        msg[sk] = (byte)firstInnerPayload;
        BinaryPrimitives.WriteUInt16BigEndian(msg.AsSpan(sk + 2), (ushort)skLength);
        if (fragment is { } f)
        {
            BinaryPrimitives.WriteUInt16BigEndian(msg.AsSpan(sk + 4), f.Number);
            BinaryPrimitives.WriteUInt16BigEndian(msg.AsSpan(sk + 6), f.Total);
        }
        int ivStart = sk + fixedLength, ctStart = ivStart + iv.Length;
        iv.CopyTo(msg.AsSpan(ivStart));
        if (suite.IsAead)
            IkeAead.Seal(suite, keys.EncryptionKey, iv, msg.AsSpan(0, ivStart), plain).CopyTo(msg, ctStart);
        else
        {
            Cipher(suite, keys.EncryptionKey, iv, plain, encrypt: true).CopyTo(msg, ctStart);
            int icvStart = msg.Length - suite.IcvLength;
            byte[] mac = suite.IntegrityDigest!.Compute(keys.IntegrityKey, msg.AsSpan(0, icvStart));
            mac.AsSpan(0, suite.IcvLength).CopyTo(msg.AsSpan(icvStart));
        }
        return msg;
    }

    /// <summary>The non-AEAD ciphers: CBC over whole blocks, or AES-CTR with the nonce at the end of SK_e
    /// (RFC 5930 §2).</summary>
    private static byte[] Cipher(Ikev2CipherSuite suite, byte[] key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input,
        bool encrypt) =>
        suite.Mode == Ikev2CipherMode.Ctr
            ? IkeBlockCipher.AesCtr(key.AsSpan(0, key.Length - suite.SaltLength), key.AsSpan(key.Length - suite.SaltLength), iv, input)
            : IkeBlockCipher.Cbc(suite.Cbc!.Value, encrypt, key, iv, input);

    /// <summary>Sets the Next Payload field that precedes the end of <paramref name="prefix"/>: the header's when the
    /// prefix is only the header, else that of the last clear payload.</summary>
    private static void SetLastNextPayload(Span<byte> prefix, PayloadType type)
    {
        int field = 16, at = HeaderLength;
        while (at < prefix.Length)
        {
            if (at + 4 > prefix.Length) throw new ArgumentException("prefix ends inside a payload header");
            int length = BinaryPrimitives.ReadUInt16BigEndian(prefix[(at + 2)..]);
            if (length < 4 || at + length > prefix.Length) throw new ArgumentException("prefix payload length");
            field = at;
            at += length;
        }
        prefix[field] = (byte)type;
    }

    private static Ikev2DecryptResult Fail(DecryptStatus status, int offset) =>
        new(status, PayloadType.NONE, [], 0, offset);
}
