using PcapIke.Crypto;
using PcapIke.Decryption;
using PcapIke.Exchanges;
using static PcapIke.Findings.SaFacts;

namespace PcapIke.Findings.Rules;

/// <summary>
/// PI501. A key was given for the SA but a message did not decrypt: one finding per failure status, naming the frames,
/// the messages and the cause the whole SA points to (both directions fail the ICV: wrong keys; only one: that
/// direction's keys; the other direction's keys work: the key table's columns swapped; IKEv1 plaintext that is no
/// payload chain after another message did decrypt: the IV chain broken by a missed message; truncated: snaplen).
/// </summary>
public sealed class DecryptionFailedRule : IFindingRule
{
    public void Evaluate(IkeSa sa, List<Finding> findings)
    {
        var failed = sa.Messages.Where(m => m.Message.Decryption is { } d && IsFailure(d.Status)).ToList();
        if (failed.Count == 0) return;
        var ok = sa.Messages.Where(m => m.Message.Decryption is { IsOk: true }).ToList();
        foreach (var group in failed.GroupBy(m => m.Message.Decryption!.Status))
        {
            var messages = group.ToList();
            DecryptStatus status = group.Key;
            var (cause, fix) = Cause(sa, status, messages, failed, ok);
            string source = messages.Select(m => m.Message.Decryption!.KeySource).FirstOrDefault(s => !string.IsNullOrEmpty(s)) is { } src
                ? $" (keys from {src})" : "";
            findings.Add(new Finding(FindingCode.DecryptionFailed, Severity.Warning, FramesOf(messages),
                $"{Count(messages)} did not decrypt with the given keys{source}: {Describe(messages)} — " +
                $"{messages[0].Message.Decryption!.StatusText}. Likely cause: {cause}",
                fix));
        }
    }

    /// <summary>A key was there and decryption still failed (NoKey: no key given, nothing to say).</summary>
    private static bool IsFailure(DecryptStatus s) => s is not (DecryptStatus.Ok or DecryptStatus.NoKey or DecryptStatus.NotEncrypted);

    private static string Count(List<SaMessage> messages) =>
        messages.Count == 1 ? "1 encrypted message" : $"{messages.Count} encrypted messages";

    /// <summary>"frame 3 (IKE_AUTH request, initiator), frame 4 (IKE_AUTH response, responder)"; at most 6.</summary>
    private static string Describe(List<SaMessage> messages) =>
        string.Join(", ", messages.Take(6).Select(m =>
            $"frame {m.Frame} ({m.Step}, {Side(m.Sender)}{(m.IsRetransmission ? ", re-sent" : "")})"))
        + (messages.Count > 6 ? $", … ({messages.Count} in all)" : "");

    private static (string Cause, string? Fix) Cause(IkeSa sa, DecryptStatus status, List<SaMessage> group,
        List<SaMessage> allFailed, List<SaMessage> ok)
    {
        string negotiated = sa.Chosen is { } c ? $" (negotiated: {c})" : "";
        switch (status)
        {
            case DecryptStatus.IntegrityFailed:
            {
                if (group.Any(m => m.Message.Decryption!.MixUp == KeyMixUp.DirectionsSwapped))
                    return ("the other direction's keys decrypt these messages: the key table has the initiator's and the responder's keys " +
                            "in each other's columns (SK_ei/SK_er and SK_ai/SK_ar swapped; the keys were written from the responder's view).",
                        "Swap SK_ei with SK_er and SK_ai with SK_ar in the key table line (Wireshark's order is SPIi,SPIr,SK_ei,SK_er,\"ENC\",SK_ai,SK_ar,\"INTEG\").");
                if (group.Any(m => m.Message.Decryption!.MixUp == KeyMixUp.IntegrityKeysSwapped))
                    return ("the messages decrypt once the ICV is checked with the other SK_a: SK_ai and SK_ar are swapped in the key table.",
                        "Swap the SK_ai and SK_ar columns of the key table line.");
                var senders = group.Select(m => m.Sender).Distinct().ToList();
                if (senders.Count == 1)
                {
                    Role s = senders[0];
                    string keys = s == Role.Initiator ? "SK_ei/SK_ai" : "SK_er/SK_ar";
                    if (ok.Any(m => m.Sender == s))
                        return ($"other {Side(s)} messages decrypt with the same keys: these were altered on the way or in the capture, " +
                                "or belong to another IKE SA with the same SPIs.", null);
                    if (ok.Any(m => m.Sender != s))
                        return ($"the {Other(s)}'s messages decrypt but not the {Side(s)}'s: the {Side(s)}'s keys ({keys}) are wrong " +
                                "(miscopied, or from another SA), while the other direction's are right.",
                            $"Take {keys} again from the same source as the working keys (the same charon log or key export).");
                    return ($"only the {Side(s)}'s encrypted messages were seen, and their ICV does not verify: wrong keys ({keys}) for this SA, " +
                            $"or a wrong integrity or encryption algorithm in the key table{negotiated}.",
                        "Check that the key table line is for these SPIs (a rekeyed IKE SA has new SPIs and keys) and names the negotiated algorithms.");
                }
                return ($"no message of either direction verifies: the keys are not this SA's (another SA, a rekey, or another capture) or the " +
                        $"key table names other algorithms than those negotiated{negotiated}.",
                    "Take the keys logged for these SPIs (charon 'ike = 4', or the peer's key export) and the negotiated algorithms.");
            }
            case DecryptStatus.BadPadding:
                if (group.Any(m => m.Message.Decryption!.MixUp == KeyMixUp.EncryptionKeysSwapped))
                    return ("the ICV verifies, and the message decrypts with the other SK_e: SK_ei and SK_er are swapped in the key table.",
                        "Swap the SK_ei and SK_er columns of the key table line.");
                return ("the ICV verifies (the integrity key is right) but the decrypted Pad Length points before the plaintext: a wrong " +
                        $"encryption key (SK_e), or a cipher or key length other than the negotiated one{negotiated}, or a sender bug.",
                    "Check SK_ei/SK_er and the encryption algorithm of the key table line.");
            case DecryptStatus.Truncated:
                return ("the message or its Encrypted payload ends before its length fields say: the capture's snaplen (or a device on the path) " +
                        "cut it.",
                    "Capture whole frames (tcpdump -s 0, the default since tcpdump 4.0; no 'snaplen' on the capture point).");
            case DecryptStatus.BadLength:
                return ($"the ciphertext is not a whole number of cipher blocks: the key table names another cipher than the SA uses{negotiated}, " +
                        "or the message is damaged.",
                    "Name the negotiated encryption algorithm in the key table.");
            case DecryptStatus.BadKey:
                return ($"a key's length does not fit the algorithm: the key source's algorithm differs from the negotiated one{negotiated} " +
                        "(IKEv1: Ka of another cipher or key length).",
                    "Give the keys of this SA for the negotiated algorithms.");
            case DecryptStatus.UnsupportedAlgorithm:
                return ($"the SA's algorithms are not implemented here{negotiated}.", null);
            case DecryptStatus.NoAlgorithms:
                return ("the keys came without algorithms (a charon log) and neither the capture's IKE_SA_INIT response nor a 'selected proposal' " +
                        "line of the log names them.",
                    "Capture from the IKE_SA_INIT exchange on, or give a charon log with the cfg subsystem at level 1 or more, or a Wireshark key table.");
            case DecryptStatus.NoIv:
                return ("IKEv1 derives the IVs from the responder's SA (MM2) and both KE payloads (MM3, MM4), and the capture does not have " +
                        "them (it starts later).",
                    "Capture from the first Main Mode message on.");
            case DecryptStatus.PlaintextMalformed:
            {
                var first = group[0];
                if (ok.Count > 0)
                    return ("other messages of this SA decrypt with the same Ka, so the key is right and the IV chain is broken: a message in " +
                            "between is missing from the capture (each IKEv1 IV is the last ciphertext block of the previous message, " +
                            "RFC 2409 Appendix B).",
                        "Capture the whole negotiation without loss (a larger capture buffer; capture on both peers).");
                if (first.Step is "MM6" && !Step(sa, "MM5").Any())
                    return ("MM5 is not in the capture, so MM6's IV (the last ciphertext block of MM5) is unknown: the IV chain is broken by the " +
                            "missed message.",
                        "Capture the whole negotiation without loss.");
                return ("no encrypted message of this SA decrypts to a payload chain (IKEv1 has no ICV: a wrong key shows as garbage): Ka is not " +
                        "this SA's (another SA, a rekey) or not for the negotiated cipher.",
                    "Take 'encryption key Ka' for this initiator cookie from the charon log (ike = 4) or the peer's key export.");
            }
            default:
                return (status.ToString(), null);
        }
    }
}
