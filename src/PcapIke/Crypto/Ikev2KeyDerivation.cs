namespace PcapIke.Crypto;

/// <summary>The keys of one direction: SK_ei and SK_ai for messages the original initiator sends, SK_er and SK_ar
/// for the responder's (RFC 7296 §2.14).</summary>
public sealed record Ikev2DirectionKeys(byte[] EncryptionKey, byte[] IntegrityKey);

/// <summary>{SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} of an IKE SA (RFC 7296 §2.14).</summary>
public sealed record Ikev2Keys(byte[] SkD, byte[] SkAi, byte[] SkAr, byte[] SkEi, byte[] SkEr, byte[] SkPi, byte[] SkPr)
{
    public Ikev2DirectionKeys Initiator => new(SkEi, SkAi);
    public Ikev2DirectionKeys Responder => new(SkEr, SkAr);

    /// <summary>The keys protecting a message whose Initiator flag (RFC 7296 §3.1) is <paramref name="initiatorFlag"/>.</summary>
    public Ikev2DirectionKeys ForSender(bool initiatorFlag) => initiatorFlag ? Initiator : Responder;
}

/// <summary>IKEv2 key derivation (RFC 7296 §2.13, §2.14, §2.18).</summary>
public static class Ikev2KeyDerivation
{
    /// <summary>SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 §2.14); Ni, Nr are the nonce payloads' data.</summary>
    public static byte[] Skeyseed(IkePrf prf, byte[] ni, byte[] nr, byte[] gir) =>
        prf.Compute(Bytes.Concat(ni, nr), gir);

    /// <summary>Rekeyed SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) (RFC 7296 §2.18).</summary>
    public static byte[] RekeySkeyseed(IkePrf prf, byte[] oldSkD, byte[] gir, byte[] ni, byte[] nr) =>
        prf.Compute(oldSkD, gir, ni, nr);

    /// <summary>
    /// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), each of the
    /// suite's length (RFC 7296 §2.14; AES-GCM keys include the salt, RFC 5282 §7.1; no SK_a for AEAD).
    /// </summary>
    public static Ikev2Keys Derive(Ikev2CipherSuite suite, byte[] skeyseed, byte[] ni, byte[] nr, byte[] spiI,
        byte[] spiR)
    {
        int d = suite.PrfKeyLength, a = suite.IntegrityKeyLength, e = suite.EncryptionKeyLength;
        byte[] stream = suite.PrfFunction.PrfPlus(skeyseed, Bytes.Concat(ni, nr, spiI, spiR), 3 * d + 2 * a + 2 * e);
        int o = 0;
        byte[] Next(int n) { var k = stream[o..(o + n)]; o += n; return k; }
        return new Ikev2Keys(Next(d), Next(a), Next(a), Next(e), Next(e), Next(d), Next(d));
    }

    /// <summary>Everything from the shared secret: SKEYSEED, then the keys.</summary>
    public static Ikev2Keys DeriveFromSharedSecret(Ikev2CipherSuite suite, byte[] ni, byte[] nr, byte[] gir,
        byte[] spiI, byte[] spiR) =>
        Derive(suite, Skeyseed(suite.PrfFunction, ni, nr, gir), ni, nr, spiI, spiR);
}
