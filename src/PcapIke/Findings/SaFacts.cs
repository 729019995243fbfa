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
    public static string SentOver(IReadOnlyList<SaMessage> copies, string? what = null) =>
        (what is null ? "sent " : $"sent {what} ") + (copies.Count == 1 ? "once"
            : $"{Times(copies.Count)} over {Seconds(copies[^1].TimestampNanoseconds - copies[0].TimestampNanoseconds)}");

    public static IReadOnlyList<long> FramesOf(IEnumerable<SaMessage> messages) =>
        messages.Select(m => m.Frame).Distinct().Order().ToList();

    public static string Quote(CertRequestEntry e) => $"\"{e.Display}\"";
}
