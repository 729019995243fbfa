using System.Globalization;
using PcapIke.Exchanges;

namespace PcapIke.Findings;

/// <summary>What the rules read from an SA, shared: steps, copies of a message, whether a message was answered.</summary>
internal static class SaFacts
{
    public static IEnumerable<SaMessage> Step(IkeSa sa, string step) =>
        sa.Messages.Where(m => string.Equals(m.Step, step, StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<SaMessage> Step(IkeSa sa, Role sender, string step) => Step(sa, step).Where(m => m.Sender == sender);

    /// <summary>The copies of each message: same sender, step and message ID (originals and retransmissions). A
    /// message sent as SKF (RFC 7383) or Cisco fragments is represented by its first fragment, so its other fragments
    /// are not mistaken for copies.</summary>
    public static IEnumerable<List<SaMessage>> CopiesByMessage(IkeSa sa) =>
        sa.Messages.Where(m => m.FragmentNumber <= 1)
            .GroupBy(m => (m.Sender, m.Step, m.Message.Ike.MessageId)).Select(g => g.ToList());

    /// <summary>True when the other side sent something new (not a retransmission) after <paramref name="after"/>.</summary>
    public static bool AnsweredAfter(IkeSa sa, SaMessage after) =>
        sa.Messages.Any(m => m.Sender != after.Sender && !m.IsRetransmission && IsLater(m, after));

    public static bool IsLater(SaMessage m, SaMessage than) =>
        m.TimestampNanoseconds > than.TimestampNanoseconds
        || (m.TimestampNanoseconds == than.TimestampNanoseconds && m.Frame > than.Frame);

    /// <summary>"MM5" → 5, "AM2" → 2 for the given prefix; 0 otherwise.</summary>
    public static int StepNumber(SaMessage m, string prefix) =>
        m.Step.Length == prefix.Length + 1 && m.Step.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && char.IsAsciiDigit(m.Step[^1])
            ? m.Step[^1] - '0' : 0;

    public static string Side(Role r) => r == Role.Initiator ? "initiator" : "responder";
    public static string Other(Role r) => r == Role.Initiator ? "responder" : "initiator";

    public static string Seconds(long nanoseconds) =>
        (nanoseconds / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Times(int n) => n == 1 ? "once" : n == 2 ? "twice" : $"{n} times";

    /// <summary>"sent MM5 5 times over 40.0 s" (or "sent 5 times over 40.0 s" without <paramref name="what"/>) for copies of one message.</summary>
    /// <remarks>Without times in the capture (<see cref="SaMessage.TimeUnknown"/>) only the count is said.</remarks>
    public static string SentOver(IReadOnlyList<SaMessage> copies, string? what = null) =>
        (what is null ? "sent " : $"sent {what} ") + (copies.Count == 1 ? "once"
            : copies[0].TimeUnknown ? Times(copies.Count)
            : $"{Times(copies.Count)} over {Seconds(copies[^1].TimestampNanoseconds - copies[0].TimestampNanoseconds)}");

    public static IReadOnlyList<long> FramesOf(IEnumerable<SaMessage> messages) =>
        messages.Select(m => m.Frame).Distinct().Order().ToList();

    public static string Quote(CertRequestEntry e) => $"\"{e.Display}\"";

    /// <summary>How long the capture went on after a message before a missing answer counts as "not answered": IKE
    /// answers come within milliseconds and peers re-send after 1–4 s (RFC 7296 §2.1; IOS 2 s, strongSwan 4 s).
    /// Less than that, with no re-send, and a missing answer is only "not in the capture".</summary>
    public const long NoAnswerWindowNanoseconds = 2_000_000_000;

    /// <summary>Capture time after <paramref name="m"/> up to the end of what was observed for the SA.</summary>
    public static long WaitedAfter(IkeSa sa, SaMessage m) => Math.Max(0, sa.ObservedUntilNanoseconds - m.TimestampNanoseconds);

    /// <summary>
    /// The sends of one message: each time its sender sent it whole — one datagram, or one set of RFC 7383 SKF / Cisco
    /// fragments (a new set starts when a fragment number comes again). Fragments of one send are never counted as
    /// re-sends of each other; a re-sent fragmented message is a second set.
    /// </summary>
    public static List<List<SaMessage>> Sends(IEnumerable<SaMessage> copies)
    {
        var sends = new List<List<SaMessage>>();
        List<SaMessage>? current = null;
        // The SA's messages are kept in capture time order already (frame order within a time): sorted only when not.
        IEnumerable<SaMessage> ordered = copies is IReadOnlyList<SaMessage> list && InOrder(list) ? list
            : copies.OrderBy(m => m.TimestampNanoseconds).ThenBy(m => m.Frame);
        foreach (SaMessage m in ordered)
        {
            if (m.FragmentNumber == 0 || current is null || current.Any(c => c.FragmentNumber == m.FragmentNumber || c.FragmentNumber == 0))
                sends.Add(current = new List<SaMessage>());
            current.Add(m);
        }
        return sends;
    }

    private static bool InOrder(IReadOnlyList<SaMessage> list)
    {
        for (int i = 1; i < list.Count; i++)
        {
            SaMessage a = list[i - 1], b = list[i];
            if (a.TimestampNanoseconds > b.TimestampNanoseconds || a.TimestampNanoseconds == b.TimestampNanoseconds && a.Frame > b.Frame)
                return false;
        }
        return true;
    }

    /// <summary>The sends of each message of the SA: same sender, step and message ID.</summary>
    public static IEnumerable<List<List<SaMessage>>> SendsByMessage(IkeSa sa) =>
        sa.Messages.GroupBy(m => (m.Sender, m.Step, m.Message.Ike.MessageId)).Select(g => Sends(g));

    /// <summary>The fragment numbers of a send never captured (RFC 7383: 1..Total; Cisco: up to the last seen), empty when whole.</summary>
    public static IReadOnlyList<int> MissingFragments(IReadOnlyList<SaMessage> send)
    {
        int total = send.Max(m => m.FragmentTotal);
        if (total == 0 && send.Any(m => m.FragmentNumber > 0)) total = send.Max(m => m.FragmentNumber);
        if (total <= 1) return Array.Empty<int>();
        return Enumerable.Range(1, total).Except(send.Select(m => m.FragmentNumber)).ToList();
    }

    /// <summary>"twice over 4.0 s" for a list of sends.</summary>
    public static string SendsOver(IReadOnlyList<List<SaMessage>> sends) =>
        sends.Count == 1 ? "once"
            : sends[0][0].TimeUnknown ? Times(sends.Count)
            : $"{Times(sends.Count)} over {Seconds(sends[^1][0].TimestampNanoseconds - sends[0][0].TimestampNanoseconds)}";

    /// <summary>The implementation a side's vendor IDs name (Cisco IOS, strongSwan, …), or null.</summary>
    public static string? Platform(IkeSa sa, Role side) =>
        sa.VendorIds.Where(v => v.Sender == side && v.Fingerprint is not null).Select(v => v.Fingerprint)
            .OrderBy(f => f!.StartsWith("Cisco", StringComparison.Ordinal) ? 1 : 0).FirstOrDefault();

    /// <summary>IOS commands in advice only where a peer is IOS: by its vendor IDs, or a CERT_REQ list that carries the
    /// IOS built-in CAs (only IOS requests those, selection-model.md I1).</summary>
    public static bool AnyIos(IkeSa sa) => Platform(sa, Role.Initiator) == "Cisco IOS" || Platform(sa, Role.Responder) == "Cisco IOS"
        || sa.InitiatorCertRequests.Concat(sa.ResponderCertRequests).Any(e => IosBuiltInCas.IsBuiltIn(e.Dn ?? e.CaName));
    public static bool AnyStrongSwan(IkeSa sa) => Platform(sa, Role.Initiator) == "strongSwan" || Platform(sa, Role.Responder) == "strongSwan";

    /// <summary>Advice in the peer's own terms: IOS when a peer is IOS, strongSwan's when one is strongSwan, else neutral.</summary>
    public static string ForPlatform(IkeSa sa, string neutral, string? ios, string? strongSwan = null) =>
        AnyIos(sa) && ios is not null ? ios : AnyStrongSwan(sa) && strongSwan is not null ? strongSwan : neutral;

    /// <summary>Both peers announced RFC 7383 IKE fragmentation (IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT).</summary>
    public static bool FragmentationNegotiated(IkeSa sa) =>
        sa.Notifies.Any(n => n.TypeRaw == 16430 && n.Sender == Role.Initiator) && sa.Notifies.Any(n => n.TypeRaw == 16430 && n.Sender == Role.Responder);
}
