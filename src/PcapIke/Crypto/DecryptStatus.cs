namespace PcapIke.Crypto;

/// <summary>Outcome of decrypting an IKE message. Decryption never throws on bad input; it returns one of these.</summary>
public enum DecryptStatus : byte
{
    Ok,
    /// <summary>The message or the Encrypted payload ends before its length fields say, or is too short for the
    /// IV, one block and the ICV.</summary>
    Truncated,
    /// <summary>The ciphertext is not a whole number of cipher blocks (CBC).</summary>
    BadLength,
    /// <summary>The ICV (HMAC or AEAD tag) does not match: wrong keys, wrong direction, or altered bytes.</summary>
    IntegrityFailed,
    /// <summary>The Pad Length octet points before the start of the plaintext (RFC 7296 §3.14).</summary>
    BadPadding,
    /// <summary>No Encrypted (SK) or Encrypted Fragment (SKF) payload in the message, or the IKEv1 E flag is clear.</summary>
    NotEncrypted,
    /// <summary>A key or IV of the wrong length for the algorithm.</summary>
    BadKey,
    /// <summary>The algorithm is not implemented here.</summary>
    UnsupportedAlgorithm,
    /// <summary>No key for this SA was given (the SPIs or initiator cookie are not in the key ring).</summary>
    NoKey,
    /// <summary>IKEv1: the phase-1 IV or cipher is unknown (the SA of MM2 or the KE payloads of MM3/MM4 were not
    /// seen).</summary>
    NoIv,
    /// <summary>Decrypted, but the plaintext is not a valid payload chain (IKEv1 has no ICV: a wrong key or IV shows
    /// up here).</summary>
    PlaintextMalformed,
    /// <summary>A key is given but not its algorithms: a charon log's keys for an SA whose IKE_SA_INIT response was not
    /// captured and whose log has no "selected proposal" line.</summary>
    NoAlgorithms,
}
