using PcapIke.Ike;

namespace PcapIke.Crypto;

/// <summary>The IKEv1 keying material of an ISAKMP SA (RFC 2409 §5).</summary>
/// <param name="EncryptionKey">Ka: SKEYID_e, expanded if too short, truncated to the cipher's key length
/// (RFC 2409 Appendix B).</param>
public sealed record Ikev1Keys(byte[] Skeyid, byte[] SkeyidD, byte[] SkeyidA, byte[] SkeyidE, byte[] EncryptionKey);

/// <summary>
/// IKEv1 phase-1 key derivation, authentication hashes and IVs (RFC 2409 §5 and Appendix B). Notation as in the RFC:
/// Ni_b/Nr_b are the nonce payloads' bodies, g^xi/g^xr the KE payloads' bodies, g^xy the shared secret, CKY-I/CKY-R
/// the initiator's and responder's cookies (8 octets each).
/// </summary>
public static class Ikev1KeyDerivation
{
    /// <summary>For signatures: SKEYID = prf(Ni_b | Nr_b, g^xy) (RFC 2409 §5).</summary>
    public static byte[] SkeyidForSignatures(IkePrf prf, byte[] ni, byte[] nr, byte[] gxy) =>
        prf.Compute(Bytes.Concat(ni, nr), gxy);

    /// <summary>For pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b) (RFC 2409 §5).</summary>
    public static byte[] SkeyidForPreSharedKey(IkePrf prf, byte[] preSharedKey, byte[] ni, byte[] nr) =>
        prf.Compute(preSharedKey, ni, nr);

    /// <summary>For public key encryption: SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R) (RFC 2409 §5).</summary>
    public static byte[] SkeyidForPublicKeyEncryption(IkePrf prf, byte[] ni, byte[] nr, byte[] ckyI, byte[] ckyR) =>
        prf.Compute(prf.Hash(ni, nr), ckyI, ckyR);

    /// <summary>
    /// SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0), SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1),
    /// SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) (RFC 2409 §5), and Ka of
    /// <paramref name="encryptionKeyLength"/> octets (Appendix B).
    /// </summary>
    public static Ikev1Keys Derive(IkePrf prf, byte[] skeyid, byte[] gxy, byte[] ckyI, byte[] ckyR,
        int encryptionKeyLength)
    {
        byte[] d = prf.Compute(skeyid, gxy, ckyI, ckyR, [0]);
        byte[] a = prf.Compute(skeyid, d, gxy, ckyI, ckyR, [1]);
        byte[] e = prf.Compute(skeyid, a, gxy, ckyI, ckyR, [2]);
        return new Ikev1Keys(skeyid, d, a, e, EncryptionKey(prf, e, encryptionKeyLength));
    }

    /// <summary>
    /// Ka (RFC 2409 Appendix B): the first octets of SKEYID_e when it is long enough; otherwise Ka = K1 | K2 | K3 ...
    /// with K1 = prf(SKEYID_e, 0) (one zero octet), K2 = prf(SKEYID_e, K1), K3 = prf(SKEYID_e, K2), truncated.
    /// </summary>
    public static byte[] EncryptionKey(IkePrf prf, byte[] skeyidE, int length)
    {
        if (skeyidE.Length >= length) return skeyidE[..length];
        var ka = new byte[length];
        byte[] k = [0];
        for (int written = 0; written < length; written += k.Length)
        {
            k = prf.Compute(skeyidE, k);
            k.AsSpan(0, Math.Min(k.Length, length - written)).CopyTo(ka.AsSpan(written));
        }
        return ka;
    }

    /// <summary>Phase-1 IV = hash(g^xi | g^xr), truncated to the block size (RFC 2409 Appendix B).</summary>
    public static byte[] Phase1Iv(IkePrf hash, byte[] gxi, byte[] gxr, int blockSize) =>
        hash.Hash(gxi, gxr)[..blockSize];

    /// <summary>Quick Mode / Informational IV = hash(last phase-1 CBC output block | M-ID), M-ID in network order,
    /// truncated to the block size (RFC 2409 Appendix B).</summary>
    public static byte[] Phase2Iv(IkePrf hash, byte[] lastPhase1Block, uint messageId, int blockSize) =>
        hash.Hash(lastPhase1Block, Bytes.BigEndian(messageId))[..blockSize];

    /// <summary>HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) (RFC 2409 §5). SAi_b is the
    /// initiator's whole SA payload body (DOI onward); IDii_b the ID payload body (ID type onward).</summary>
    public static byte[] HashI(IkePrf prf, byte[] skeyid, byte[] gxi, byte[] gxr, byte[] ckyI, byte[] ckyR,
        byte[] saiB, byte[] idiiB) =>
        prf.Compute(skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB);

    /// <summary>HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) (RFC 2409 §5).</summary>
    public static byte[] HashR(IkePrf prf, byte[] skeyid, byte[] gxi, byte[] gxr, byte[] ckyI, byte[] ckyR,
        byte[] saiB, byte[] idirB) =>
        prf.Compute(skeyid, gxr, gxi, ckyR, ckyI, saiB, idirB);

    /// <summary>Convenience: everything from the suite, the shared secret and the exchanged values, for signature
    /// authentication (pass <paramref name="preSharedKey"/> for PSK).</summary>
    public static Ikev1Keys Derive(Ikev1CipherSuite suite, byte[] ni, byte[] nr, byte[] gxy, byte[] ckyI, byte[] ckyR,
        byte[]? preSharedKey = null)
    {
        var prf = suite.Prf;
        byte[] skeyid = preSharedKey is null
            ? SkeyidForSignatures(prf, ni, nr, gxy)
            : SkeyidForPreSharedKey(prf, preSharedKey, ni, nr);
        return Derive(prf, skeyid, gxy, ckyI, ckyR, suite.KeyLength);
    }
}
