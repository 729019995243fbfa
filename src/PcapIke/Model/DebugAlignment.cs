using System.Globalization;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Model.Ios;

namespace PcapIke.Model;

/// <summary>
/// A debug negotiation lined up with a captured SA (docs/debug-logs.md, "Alignment with a capture"): each packet a
/// router logged as sent or received matched to the frame of that direction in order, the router's clock offset from
/// the capture's estimated from the matched pairs (the median; IOS logs a send just before it and a receipt just
/// after, so the pairs scatter by milliseconds), and what the capture holds that no log shows, or the reverse.
/// </summary>
public sealed class DebugAlignment
{
    /// <summary>One logged packet line and its frame.</summary>
    public sealed record Match(IosDebugEvent Logged, SaMessage Frame, double? OffsetSeconds);

    /// <summary>A router's clock against the capture's: log time minus capture time (the router's zone included).</summary>
    public sealed record ClockOffset(string Router, double Seconds, double Spread, int Pairs);

    private DebugAlignment(IReadOnlyList<Match> matches, IReadOnlyList<ClockOffset> offsets, IReadOnlyList<string> differences)
    {
        Matches = matches;
        Offsets = offsets;
        Differences = differences;
    }

    public IReadOnlyList<Match> Matches { get; }
    public IReadOnlyList<ClockOffset> Offsets { get; }
    /// <summary>Logged packets with no frame, and frames no log shows, in words.</summary>
    public IReadOnlyList<string> Differences { get; }

    /// <summary>True when the negotiation's routers are this SA's peers: a logged peer address is one of its ends.</summary>
    public static bool SamePeers(DebugNegotiationView v, IkeSa sa)
    {
        string i = sa.Initiator.Address.ToString(), r = sa.Responder.Address.ToString();
        return v.Version == sa.Version && v.Parts.Any(p => p.Peer is not null) && v.Parts.All(p => p.Peer is null || p.Peer == i || p.Peer == r);
    }

    /// <summary>Lines <paramref name="v"/> up with <paramref name="sa"/> (<see cref="SamePeers"/> should hold).</summary>
    public static DebugAlignment Align(DebugNegotiationView v, IkeSa sa)
    {
        var matches = new List<Match>();
        var differences = new List<string>();
        var offsets = new List<ClockOffset>();
        int year = sa.Messages.Count > 0 ? sa.Messages[0].Message.Timestamp.Year : 2000;
        string initiatorAddress = sa.Initiator.Address.ToString();
        foreach (IosDebugNegotiation part in v.Parts)
        {
            // The router is the end of the SA its logged peer is not (else its role, as its lines show it).
            Role self;
            if (part.Peer is not null) self = part.Peer == initiatorAddress ? Role.Responder : Role.Initiator;
            else if (part.Role is { } role) self = role == 'I' ? Role.Initiator : Role.Responder;
            else continue;
            bool packetLines = part.Events.Any(e => e.Kind is IosDebugEventKind.PacketSent or IosDebugEventKind.PacketReceived);
            var pairs = new List<double>();
            foreach (bool sent in new[] { true, false })
            {
                Role sender = sent ? self : self == Role.Initiator ? Role.Responder : Role.Initiator;
                // IKEv2 logs with no packet lines: the router's own exchange lines (its requests as initiator, its
                // responses as responder) stand for its sends.
                var logged = packetLines
                    ? part.Events.Where(e => e.Kind == (sent ? IosDebugEventKind.PacketSent : IosDebugEventKind.PacketReceived)).ToList()
                    : sent ? part.Events.Where(e => e.Kind == IosDebugEventKind.Message && e.Exchange is not null && e.Response == (self == Role.Responder)).ToList() : [];
                var frames = sa.Messages.Where(m => m.Sender == sender).ToList();
                int n = Math.Min(logged.Count, frames.Count);
                for (int k = 0; k < n; k++)
                {
                    double? offset = logged[k].Stamp is { Uptime: false } st && !frames[k].TimeUnknown
                        ? st.Seconds(year) - frames[k].TimestampNanoseconds / 1e9
                        : null;
                    if (offset is { } o) pairs.Add(o);
                    matches.Add(new Match(logged[k], frames[k], offset));
                }
                string verb = sent ? "sent" : "received";
                if (logged.Count > frames.Count)
                    differences.Add($"{part.Router} logged {logged.Count - frames.Count} packet{(logged.Count - frames.Count == 1 ? "" : "s")} {verb} ({Lines(logged.Skip(frames.Count))}) that the capture does not hold: the capture point does not see that path, or the capture ended first.");
                else if (frames.Count > logged.Count && (packetLines || sent))
                    differences.Add($"The capture holds {frames.Count - logged.Count} message{(frames.Count - logged.Count == 1 ? "" : "s")} {part.Router} {verb} (frames {string.Join(", ", frames.Skip(logged.Count).Select(f => f.Frame))}) that its debug does not log: the debug started later, or its lines were cut.");
            }
            if (pairs.Count > 0)
            {
                pairs.Sort();
                double median = pairs.Count % 2 == 1 ? pairs[pairs.Count / 2] : (pairs[pairs.Count / 2 - 1] + pairs[pairs.Count / 2]) / 2;
                offsets.Add(new ClockOffset(part.Router, median, pairs[^1] - pairs[0], pairs.Count));
            }
        }
        matches.Sort((a, b) => a.Frame.Frame != b.Frame.Frame ? a.Frame.Frame.CompareTo(b.Frame.Frame) : a.Logged.Line.CompareTo(b.Logged.Line));
        return new DebugAlignment(matches, offsets, differences);
    }

    /// <summary>PI803 (what matched, each frame with its log lines, the clock offsets) and PI804 (what did not).</summary>
    public IEnumerable<Finding> Findings(IkeSa sa, string source)
    {
        if (Matches.Count > 0)
        {
            var steps = Matches.GroupBy(m => m.Frame).Select(g =>
                $"frame {g.Key.Frame} {g.Key.Step} ({g.Key.Sender.ToString().ToLowerInvariant()}): " +
                string.Join("; ", g.Select(m => $"{m.Logged.Router} logged {(m.Logged.Kind == IosDebugEventKind.PacketSent ? "sending" : "receiving")} it at {m.Logged.Stamp?.ToString() ?? "(no time)"} (line {m.Logged.Line})"))).ToList();
            string clocks = Offsets.Count == 0 ? "no times to compare"
                : string.Join("; ", Offsets.Select(o => $"{o.Router}'s clock is {Math.Abs(o.Seconds).ToString("0.000", CultureInfo.InvariantCulture)} s {(o.Seconds >= 0 ? "ahead of" : "behind")} the capture's (median of {o.Pairs} pairs, spread {o.Spread.ToString("0.000", CultureInfo.InvariantCulture)} s; it includes the router's time zone)"));
            yield return new Finding(FindingCode.DebugMatchesCapture, Severity.Info, Matches.Select(m => m.Frame.Frame).Distinct().Order().ToArray(),
                $"The debug ({source}) lines up with this negotiation: {Matches.Count} logged packet{(Matches.Count == 1 ? "" : "s")} matched to {Matches.Select(m => m.Frame).Distinct().Count()} frames in order; {clocks}.", null)
            {
                Seen = $"{Matches.Count} logged sends/receives matched to frames by direction and order",
                Steps = steps,
            };
        }
        if (Differences.Count > 0)
            yield return new Finding(FindingCode.DebugAndCaptureDiffer, Severity.Warning, [],
                $"The debug ({source}) and the capture differ: " + string.Join(" ", Differences),
                "Capture where both directions pass (or on both routers), and start the debug before the negotiation.")
            {
                Seen = string.Join(" ", Differences),
            };
    }

    private static string Lines(IEnumerable<IosDebugEvent> events) =>
        "line" + (events.Skip(1).Any() ? "s " : " ") + string.Join(", ", events.Take(8).Select(e => e.Line.ToString(CultureInfo.InvariantCulture)));
}
