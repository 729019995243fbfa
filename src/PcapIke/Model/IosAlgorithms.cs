using PcapIke.Crypto;
using PcapIke.Ike;

namespace PcapIke.Model;

/// <summary>
/// The algorithms an IOS configuration names (<c>crypto isakmp policy</c>, <c>crypto ikev2 proposal</c>, <c>crypto ipsec
/// transform-set</c>) as the IANA transforms and cipher suites of RFC 2409 / RFC 7296: what the decision engine compares
/// to choose a proposal, and what the forge encodes. Pure; an algorithm the model does not implement is a
/// <see cref="ScenarioException"/> naming the scenario field.
/// </summary>
public static class IosAlgorithms
{
    /// <summary>The IKEv1 ISAKMP policy as an <see cref="Ikev1CipherSuite"/> and its DH group.</summary>
    public static (Ikev1CipherSuite Suite, DhGroup Group) Ikev1Suite(IsakmpPolicySpec p)
    {
        var (enc, bits) = p.Encryption switch
        {
            "des" => (IkeEncryptionAlgorithm.DES_CBC, 0),
            "3des" => (IkeEncryptionAlgorithm.TripleDES_CBC, 0),
            "aes" => (IkeEncryptionAlgorithm.AES_CBC, 128),
            "aes 192" => (IkeEncryptionAlgorithm.AES_CBC, 192),
            "aes 256" => (IkeEncryptionAlgorithm.AES_CBC, 256),
            _ => throw new ScenarioException("$.ikev1.policy.encryption", $"unsupported encryption \"{p.Encryption}\""),
        };
        var hash = p.Hash switch
        {
            "md5" => IkeHashAlgorithm.MD5,
            "sha" => IkeHashAlgorithm.SHA,
            "sha256" => IkeHashAlgorithm.SHA2_256,
            "sha384" => IkeHashAlgorithm.SHA2_384,
            "sha512" => IkeHashAlgorithm.SHA2_512,
            _ => throw new ScenarioException("$.ikev1.policy.hash", $"unsupported hash \"{p.Hash}\""),
        };
        var group = (DhGroup)p.Group;
        if (!DiffieHellman.IsSupported(group))
            throw new ScenarioException("$.ikev1.policy.group", $"the forge implements DH groups 2, 14 and 19, not {p.Group}");
        return (new Ikev1CipherSuite(enc, bits, hash), group);
    }

    /// <summary>ESP transform ID, key length and authentication algorithm of an IOS transform set
    /// (<c>esp-aes [128|192|256]</c>, <c>esp-3des</c>, <c>esp-des</c>, <c>esp-gcm [128|256]</c>, <c>esp-*-hmac</c>).</summary>
    public static (EspTransformId Esp, int KeyBits, IpsecAuthenticationAlgorithm Auth) EspTransform(IpsecSpec ipsec)
    {
        EspTransformId esp = EspTransformId.ESP_AES;
        int bits = 128;
        var auth = IpsecAuthenticationAlgorithm.RESERVED;
        foreach (string t in ipsec.Transforms)
        {
            string[] w = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int size = w.Length > 1 && int.TryParse(w[1], out int n) ? n : 128;
            switch (w[0])
            {
                case "esp-aes": (esp, bits) = (EspTransformId.ESP_AES, size); break;
                case "esp-gcm": (esp, bits) = (EspTransformId.ESP_AES_GCM_16, size); break;
                case "esp-3des": (esp, bits) = (EspTransformId.ESP_3DES, 0); break;
                case "esp-des": (esp, bits) = (EspTransformId.ESP_DES, 0); break;
                case "esp-md5-hmac": auth = IpsecAuthenticationAlgorithm.HMAC_MD5; break;
                case "esp-sha-hmac": auth = IpsecAuthenticationAlgorithm.HMAC_SHA; break;
                case "esp-sha256-hmac": auth = IpsecAuthenticationAlgorithm.HMAC_SHA2_256; break;
                case "esp-sha384-hmac": auth = IpsecAuthenticationAlgorithm.HMAC_SHA2_384; break;
                case "esp-sha512-hmac": auth = IpsecAuthenticationAlgorithm.HMAC_SHA2_512; break;
                default: throw new ScenarioException("$.ipsec.transformSet.transforms", $"unsupported transform \"{t}\"");
            }
        }
        return (esp, bits, auth);
    }

    /// <summary>The IKE SA transforms a <c>crypto ikev2 proposal</c> offers (RFC 7296 §3.3): every encryption, then
    /// the PRFs IOS derives from the integrity algorithms, the integrity algorithms (none with AES-GCM), the groups.</summary>
    public static IReadOnlyList<(TransformType Type, ushort Id, int KeyBits)> Ikev2IkeTransforms(Ikev2ProposalSpec p)
    {
        var list = new List<(TransformType, ushort, int)>();
        bool aead = false;
        foreach (string e in p.Encryption)
        {
            var (id, bits) = Ikev2Encryption(e);
            aead |= id == EncryptionTransformId.ENCR_AES_GCM_16;
            list.Add((TransformType.ENCR, (ushort)id, bits));
        }
        foreach (string i in p.Integrity)
            list.Add((TransformType.PRF, (ushort)Ikev2Prf(i), 0));
        if (!aead)
            foreach (string i in p.Integrity)
                list.Add((TransformType.INTEG, (ushort)Ikev2Integrity(i), 0));
        foreach (int g in p.Group)
        {
            if (!DiffieHellman.IsSupported((DhGroup)g))
                throw new ScenarioException("$.ikev2.proposal.group", $"the forge implements DH groups 2, 14 and 19, not {g}");
            list.Add((TransformType.KE, (ushort)g, 0));
        }
        return list;
    }

    public static (EncryptionTransformId Id, int KeyBits) Ikev2Encryption(string name) => name switch
    {
        "des" => (EncryptionTransformId.ENCR_DES, 0),
        "3des" => (EncryptionTransformId.ENCR_3DES, 0),
        "aes-cbc-128" => (EncryptionTransformId.ENCR_AES_CBC, 128),
        "aes-cbc-192" => (EncryptionTransformId.ENCR_AES_CBC, 192),
        "aes-cbc-256" => (EncryptionTransformId.ENCR_AES_CBC, 256),
        "aes-gcm-128" => (EncryptionTransformId.ENCR_AES_GCM_16, 128),
        "aes-gcm-256" => (EncryptionTransformId.ENCR_AES_GCM_16, 256),
        _ => throw new ScenarioException("$.ikev2.proposal.encryption", $"unsupported encryption \"{name}\""),
    };

    public static PrfTransformId Ikev2Prf(string integrity) => integrity switch
    {
        "md5" => PrfTransformId.PRF_HMAC_MD5,
        "sha1" => PrfTransformId.PRF_HMAC_SHA1,
        "sha256" => PrfTransformId.PRF_HMAC_SHA2_256,
        "sha384" => PrfTransformId.PRF_HMAC_SHA2_384,
        "sha512" => PrfTransformId.PRF_HMAC_SHA2_512,
        _ => throw new ScenarioException("$.ikev2.proposal.integrity", $"unsupported integrity \"{integrity}\""),
    };

    public static IntegrityTransformId Ikev2Integrity(string integrity) => integrity switch
    {
        "md5" => IntegrityTransformId.AUTH_HMAC_MD5_96,
        "sha1" => IntegrityTransformId.AUTH_HMAC_SHA1_96,
        "sha256" => IntegrityTransformId.AUTH_HMAC_SHA2_256_128,
        "sha384" => IntegrityTransformId.AUTH_HMAC_SHA2_384_192,
        "sha512" => IntegrityTransformId.AUTH_HMAC_SHA2_512_256,
        _ => throw new ScenarioException("$.ikev2.proposal.integrity", $"unsupported integrity \"{integrity}\""),
    };

    /// <summary>Child SA transforms of an IOS transform set: ENCR, INTEG (none with GCM), ESN none.</summary>
    public static IReadOnlyList<(TransformType, ushort, int)> Ikev2ChildTransforms(IpsecSpec ipsec)
    {
        var (esp, bits, auth) = EspTransform(ipsec);
        var list = new List<(TransformType, ushort, int)>();
        (EncryptionTransformId id, int keyBits) = esp switch
        {
            EspTransformId.ESP_AES => (EncryptionTransformId.ENCR_AES_CBC, bits),
            EspTransformId.ESP_AES_GCM_16 => (EncryptionTransformId.ENCR_AES_GCM_16, bits),
            EspTransformId.ESP_3DES => (EncryptionTransformId.ENCR_3DES, 0),
            _ => (EncryptionTransformId.ENCR_DES, 0),
        };
        list.Add((TransformType.ENCR, (ushort)id, keyBits));
        IntegrityTransformId? integ = auth switch
        {
            IpsecAuthenticationAlgorithm.HMAC_MD5 => IntegrityTransformId.AUTH_HMAC_MD5_96,
            IpsecAuthenticationAlgorithm.HMAC_SHA => IntegrityTransformId.AUTH_HMAC_SHA1_96,
            IpsecAuthenticationAlgorithm.HMAC_SHA2_256 => IntegrityTransformId.AUTH_HMAC_SHA2_256_128,
            IpsecAuthenticationAlgorithm.HMAC_SHA2_384 => IntegrityTransformId.AUTH_HMAC_SHA2_384_192,
            IpsecAuthenticationAlgorithm.HMAC_SHA2_512 => IntegrityTransformId.AUTH_HMAC_SHA2_512_256,
            _ => null,
        };
        if (integ is { } ig)
            list.Add((TransformType.INTEG, (ushort)ig, 0));
        list.Add((TransformType.ESN, (ushort)EsnTransformId.No_Extended_Sequence_Numbers, 0));
        return list;
    }
}
