namespace PcapIke.Findings;

/// <summary>One-line meanings and fixes of the common error notifies (RFC 2408 §3.14.1, RFC 7296 §3.10.1).</summary>
public static class NotifyMeanings
{
    private static readonly Dictionary<string, (string Meaning, string? Fix)> s_known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NO_PROPOSAL_CHOSEN"] = ("none of the offered proposals (encryption, hash/integrity, DH group, authentication, lifetime) is acceptable to the sender",
            "Align the ISAKMP/IKEv2 policies or IPsec transform sets/proposals on both peers."),
        ["INVALID_ID_INFORMATION"] = ("the identity (IKEv1 phase 1 ID or Quick Mode proxy IDs) is not acceptable: typically crypto ACLs that do not mirror each other",
            "Make the crypto ACLs / proxy identities mirror images, and check the ISAKMP identity type."),
        ["INVALID_CERTIFICATE"] = ("the peer's certificate failed validation (untrusted issuer, expired, revoked or unusable)",
            "Check that the receiver trusts the issuer in the trustpoints its profile validates against, and the certificate's validity and revocation status."),
        ["INVALID_CERT"] = ("the peer's certificate failed validation (IOS %CRYPTO-5-IKMP_INVALID_CERT: no suitable trustpoint, expired or revoked)",
            "Check that the receiver trusts the issuer in the trustpoints its profile validates against, and the certificate's validity and revocation status."),
        ["INVALID_CERT_AUTHORITY"] = ("the certificate authority named is not one the sender trusts",
            "Enrol both peers with a CA each of them trusts, or add the missing trustpoint."),
        ["INVALID_CERT_ENCODING"] = ("the certificate encoding is not supported", null),
        ["CERT_TYPE_UNSUPPORTED"] = ("the certificate type is not supported", null),
        ["CERTIFICATE_UNAVAILABLE"] = ("the sender has no certificate to offer for the requested CAs", "Enrol a certificate from a CA the peer requests."),
        ["AUTHENTICATION_FAILED"] = ("the sender could not authenticate its peer: pre-shared key mismatch, signature or certificate validation failure, or identity mismatch",
            "Check the pre-shared keys, or that each side's certificate is issued by a CA the other side's profile trusts (the same trustpoints on both). " +
            "Confirm on the sender with `show crypto ikev2 profile` (its PKI trustpoints) and `debug crypto ikev2` (\"Validation of certificate chain FAILED\")."),
        ["INVALID_SIGNATURE"] = ("the signature in the peer's message did not verify", "Check the peer's certificate and key pair."),
        ["INVALID_HASH_INFORMATION"] = ("the HASH payload did not verify: usually a pre-shared key mismatch", "Make the pre-shared keys match."),
        ["PAYLOAD_MALFORMED"] = ("the sender could not parse (or decrypt) the message: often a pre-shared key mismatch in Main Mode", "Make the pre-shared keys match."),
        ["INVALID_KE_PAYLOAD"] = ("the key exchange uses a DH group the sender does not accept; the initiator should retry with the group it asks for",
            "Offer the responder's preferred DH group first."),
        ["INVALID_KEY_INFORMATION"] = ("the key exchange data is not acceptable", "Align the DH groups."),
        ["TS_UNACCEPTABLE"] = ("the traffic selectors are not acceptable: crypto ACLs or the tunnel's profile do not match (with IOS, possibly the wrong overlapping profile)",
            "Mirror the traffic selectors; avoid overlapping `match identity` across IKEv2 profiles. " +
            "Confirm on the sender with `show crypto ikev2 profile` (which profiles match the peer, listed first wins) and `debug crypto ikev2` (\"found matching IKEv2 profile\", \"proxy identities not supported\")."),
        ["INVALID_SELECTORS"] = ("an ESP packet's selectors did not match the Child SA", null),
        ["SINGLE_PAIR_REQUIRED"] = ("only one pair of traffic selectors is accepted", "Narrow the traffic selectors to one pair."),
        ["INTERNAL_ADDRESS_FAILURE"] = ("no internal (mode-config) address could be assigned", "Check the address pool."),
        ["FAILED_CP_REQUIRED"] = ("a configuration payload was required but not sent", null),
        ["INVALID_SPI"] = ("a message or packet referred to an SA the sender does not have (stale SA after a reboot or expiry)", "Enable DPD / keepalives; clear the stale SAs."),
        ["INVALID_IKE_SPI"] = ("a message referred to an IKE SA the sender does not have", "Enable DPD; clear the stale SAs."),
        ["INVALID_MESSAGE_ID"] = ("a message ID outside the sender's window", null),
        ["INVALID_SYNTAX"] = ("the message is malformed or failed integrity checks", null),
        ["UNSUPPORTED_CRITICAL_PAYLOAD"] = ("a payload marked critical is not understood", null),
        ["TEMPORARY_FAILURE"] = ("the sender cannot proceed now (e.g. a simultaneous rekey); it may succeed later", null),
        ["CHILD_SA_NOT_FOUND"] = ("the Child SA to rekey does not exist", null),
        ["ATTRIBUTES_NOT_SUPPORTED"] = ("an SA attribute is not supported", "Align the proposals."),
        ["BAD_PROPOSAL_SYNTAX"] = ("the proposal is malformed", null),
        ["INVALID_COOKIE"] = ("a message used cookies the sender does not know", null),
    };

    public static (string? Meaning, string? Fix) Of(string? name)
    {
        if (name is null) return (null, null);
        string key = name.Replace('-', '_');
        return s_known.TryGetValue(key, out var v) ? v : (null, null);
    }
}
