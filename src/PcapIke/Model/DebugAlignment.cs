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
    /// <summary>One logged packet line and its frame; <paramref name="Sent"/>: the router logged sending it (else
    /// receiving it).</summary>
    public sealed record Match(IosDebugEvent Logged, SaMessage Frame, double? OffsetSeconds, bool Sent);

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
    /// <remarks>A logged packet is matched to the next frame of its direction whose step it can be: the step its
    /// router's next state change names (<c>New State = IKE_I_MM3</c> right after a send is MM3), else the steps its
    /// IOS state allows (<see cref="StepsOf"/>), else any (order alone). A logged packet no such frame follows is
    /// "logged, not captured"; a frame no logged packet took is "captured, not logged", each said against the times the
    /// capture and the log cover.</remarks>
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
            // IOS writes "retransmitting phase 1 …" before the "sending packet" line of the re-send: the packet lines
            // are the sends, the notices only when a log has nothing else.
            bool packetLines = part.Events.Any(e => e.Kind is IosDebugEventKind.PacketReceived
                || e.Kind == IosDebugEventKind.PacketSent && !e.Retransmission);
            var pairs = new List<double>();
            var unlogged = new List<(SaMessage Frame, string Verb)>();
            var uncaptured = new List<(IosDebugEvent Logged, string Verb)>();
            foreach (bool sent in new[] { true, false })
            {
                Role sender = sent ? self : self == Role.Initiator ? Role.Responder : Role.Initiator;
                // IKEv2 logs with no packet lines: the router's own exchange lines (its requests as initiator, its
                // responses as responder) stand for its sends.
                // with each event's index in the part, where StepsOf looks for the state change after it
                var logged = part.Events.Select((e, at) => (Event: e, At: at)).Where(x => packetLines
                    ? x.Event.Kind == (sent ? IosDebugEventKind.PacketSent : IosDebugEventKind.PacketReceived) && !(sent && x.Event.Retransmission)
                    : sent && x.Event.Kind == IosDebugEventKind.Message && x.Event.Exchange is not null && x.Event.Response == (self == Role.Responder)).ToList();
                var frames = sa.Messages.Where(m => m.Sender == sender).ToList();
                var taken = new bool[frames.Count];
                int next = 0;
                string verb = sent ? "sent" : "received";
                foreach (var (e, at) in logged)
                {
                    IReadOnlyCollection<string>? steps = StepsOf(part, at, self, sent);
                    int j = next;
                    while (j < frames.Count && steps is not null && !steps.Any(st => IsStep(frames[j], st))) j++;
                    if (j >= frames.Count)
                    {
                        uncaptured.Add((e, verb));
                        continue;
                    }
                    double? offset = e.Stamp is { Uptime: false } st && !frames[j].TimeUnknown
                        ? st.Seconds(year) - frames[j].TimestampNanoseconds / 1e9
                        : null;
                    if (offset is { } o) pairs.Add(o);
                    matches.Add(new Match(e, frames[j], offset, sent));
                    taken[j] = true;
                    next = j + 1;
                }
                if (packetLines || sent)
                    for (int k = 0; k < frames.Count; k++)
                        if (!taken[k]) unlogged.Add((frames[k], verb));
            }
            ClockOffset? clock = null;
            if (pairs.Count > 0)
            {
                pairs.Sort();
                double median = pairs.Count % 2 == 1 ? pairs[pairs.Count / 2] : (pairs[pairs.Count / 2 - 1] + pairs[pairs.Count / 2]) / 2;
                offsets.Add(clock = new ClockOffset(part.Router, median, pairs[^1] - pairs[0], pairs.Count));
            }
            differences.AddRange(Uncaptured(part.Router, uncaptured, clock, sa, year));
            differences.AddRange(Unlogged(part, unlogged, clock, year));
        }
        matches.Sort((a, b) => a.Frame.Frame != b.Frame.Frame ? a.Frame.Frame.CompareTo(b.Frame.Frame) : a.Logged.Line.CompareTo(b.Logged.Line));
        return new DebugAlignment(matches, offsets, differences);
    }

    /// <summary>
    /// The steps a logged packet can be, or null when its line does not say. IKEv1: the step the router's next state
    /// change enters (<c>Old State = IKE_I_MM2 New State = IKE_I_MM3</c> after sending MM3, before its next packet
    /// line), else by the IOS Main Mode state printed with the packet (as the technote's debug shows them: the
    /// initiator sends MM3 in MM_SA_SETUP and MM5 in MM_KEY_EXCH and receives MM6 in MM_KEY_EXCH; the responder sends
    /// MM4 and MM6 in MM_KEY_EXCH and receives MM5 in MM_KEY_EXCH); IKEv2: the exchange and direction logged.
    /// </summary>
    private static IReadOnlyCollection<string>? StepsOf(IosDebugNegotiation part, int at, Role self, bool sent)
    {
        IosDebugEvent e = part.Events[at];
        if (e.Exchange is { } exchange)
            return [$"{exchange} {(e.Response == true ? "response" : "request")}"];
        if (e.Version != 1) return null;
        for (int k = at + 1; k < part.Events.Count; k++)
        {
            IosDebugEvent x = part.Events[k];
            if (x.Kind is IosDebugEventKind.PacketSent or IosDebugEventKind.PacketReceived && !x.Retransmission) break;
            if (x.Kind != IosDebugEventKind.StateChange) continue;
            if (MainModeStep(x.State) is { } entered)
                return [entered];
            // the responder's MM6 send ends Main Mode: "Old State = IKE_R_MM5 New State = IKE_P1_COMPLETE"
            if (sent && MainModeStep(x.OldState) is ['M', 'M', var n] && n < '6')
                return [$"MM{(char)(n + 1)}"];
        }
        bool initiator = self == Role.Initiator;
        return (e.State, initiator, sent) switch
        {
            ("MM_NO_STATE", true, true) => ["MM1"],
            ("MM_SA_SETUP", true, true) => ["MM3"],
            ("MM_KEY_EXCH", true, true) => ["MM5"],
            ("MM_SA_SETUP", false, true) => ["MM2"],
            ("MM_KEY_EXCH", false, true) => ["MM4", "MM6"],
            ("MM_NO_STATE", true, false) => ["MM2"],
            ("MM_SA_SETUP", true, false) => ["MM4"],
            ("MM_KEY_EXCH", true, false) => ["MM6"],
            ("MM_NO_STATE", false, false) => ["MM1"],
            ("MM_SA_SETUP", false, false) => ["MM3"],
            ("MM_KEY_EXCH", false, false) => ["MM5"],
            _ => null,
        };
    }

    /// <summary>"IKE_R_MM4" → "MM4"; null for other states (IKE_P1_COMPLETE, QM states).</summary>
    private static string? MainModeStep(string? state) =>
        state is { Length: >= 3 } && state[^3..^1] == "MM" && char.IsAsciiDigit(state[^1]) ? state[^3..] : null;

    private static bool IsStep(SaMessage m, string step) =>
        string.Equals(m.Step, step, StringComparison.OrdinalIgnoreCase);

    /// <summary>Logged packets with no frame, said against the capture's time span (with the router's clock offset).</summary>
    private static IEnumerable<string> Uncaptured(string router, List<(IosDebugEvent Logged, string Verb)> list, ClockOffset? clock, IkeSa sa, int year)
    {
        foreach (var group in list.GroupBy(x => x.Verb))
        {
            var events = group.Select(x => x.Logged).ToList();
            string where = "the capture point does not see that path, or the capture was not running then";
            if (clock is not null && sa.Messages.Count > 0 && events.All(e => e.Stamp is { Uptime: false }))
            {
                double first = sa.Messages[0].TimestampNanoseconds / 1e9, last = sa.Messages[^1].TimestampNanoseconds / 1e9;
                var at = events.Select(e => e.Stamp!.Value.Seconds(year) - clock.Seconds).ToList();
                where = at.All(t => t > last) ? "they come after the capture's last frame: the capture ended first"
                    : at.All(t => t < first) ? "they come before the capture's first frame: the capture started later"
                    : "they fall within the time the capture covers: the capture point does not see that path, or dropped them";
            }
            yield return $"{router} logged {events.Count} packet{(events.Count == 1 ? "" : "s")} {group.Key} ({Lines(events)}) that the capture does not hold: {where}.";
        }
    }

    /// <summary>Frames no logged packet took, said against the time the router's log covers (with its clock offset):
    /// before its first line the debug had not started; after its last it had stopped or was cut; within it, the log
    /// does not show every packet (only some debug families on, lines filtered or lost from the buffer).</summary>
    private static IEnumerable<string> Unlogged(IosDebugNegotiation part, List<(SaMessage Frame, string Verb)> list, ClockOffset? clock, int year)
    {
        var stamped = part.Events.Where(e => e.Stamp is { Uptime: false }).Select(e => e.Stamp!.Value.Seconds(year)).ToList();
        foreach (var group in list.GroupBy(x => x.Verb))
        {
            var frames = group.Select(x => x.Frame).ToList();
            string head = $"The capture holds {frames.Count} message{(frames.Count == 1 ? "" : "s")} {part.Router} {group.Key} that its debug does not log";
            if (clock is null || stamped.Count == 0 || frames.Any(f => f.TimeUnknown))
            {
                yield return $"{head} (frames {FrameList(frames)}): no logged packet sets the log's clock against the capture's, so whether the debug was running then is unknown.";
                continue;
            }
            double from = stamped.Min() - clock.Seconds, to = stamped.Max() - clock.Seconds;
            double At(SaMessage f) => f.TimestampNanoseconds / 1e9;
            var parts = new List<string>();
            var before = frames.Where(f => At(f) < from - Slack).ToList();
            var within = frames.Where(f => At(f) >= from - Slack && At(f) <= to + Slack).ToList();
            var after = frames.Where(f => At(f) > to + Slack).ToList();
            if (before.Count > 0) parts.Add($"{Frames(before)} before its first line (the debug started later)");
            if (within.Count > 0) parts.Add($"{Frames(within)} within the time its lines cover (this log does not show every packet: only some debug families on, or lines filtered or lost)");
            if (after.Count > 0) parts.Add($"{Frames(after)} after its last line (the debug stopped, or its end was cut)");
            yield return $"{head}: {string.Join("; ", parts)}.";
        }
    }

    private static string Frames(List<SaMessage> frames) => (frames.Count == 1 ? "frame " : "frames ") + FrameList(frames);
    private static string FrameList(List<SaMessage> frames) => string.Join(", ", frames.Select(f => f.Frame));

    /// <summary>How far outside a log's first or last line a frame may be and still count as within it: the ms a
    /// router takes between the wire and its log line.</summary>
    private const double Slack = 0.010;

    /// <summary>PI803 (what matched, each frame with its log lines, the clock offsets) and PI804 (what did not).</summary>
    public IEnumerable<Finding> Findings(IkeSa sa, string source)
    {
        if (Matches.Count > 0)
        {
            var steps = Matches.GroupBy(m => m.Frame).Select(g =>
                $"frame {g.Key.Frame} {g.Key.Step} ({g.Key.Sender.ToString().ToLowerInvariant()}): " +
                string.Join("; ", g.Select(m => $"{m.Logged.Router} logged {(m.Sent ? "sending" : "receiving")} it at {m.Logged.Stamp?.ToString() ?? "(no time)"} (line {m.Logged.Line})"))).ToList();
            string clocks = Offsets.Count == 0 ? "no times to compare"
                : string.Join("; ", Offsets.Select(o => $"{o.Router}'s clock is {Math.Abs(o.Seconds).ToString("0.000", CultureInfo.InvariantCulture)} s {(o.Seconds >= 0 ? "ahead of" : "behind")} the capture's (median of {o.Pairs} pair{(o.Pairs == 1 ? "" : "s")}, spread {o.Spread.ToString("0.000", CultureInfo.InvariantCulture)} s; it includes the router's time zone)"));
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
