using PcapIke.Model;
using PcapIke.Model.Ios;

namespace PcapIke.Forge;

/// <summary>
/// One router's <c>debug crypto isakmp</c> / <c>ikev2</c> / <c>pki validation</c> output for a negotiation the model
/// decided, as IOS writes it to a terminal: the trace's debug lines of that router
/// (<see cref="DecisionTrace.Debug"/>, the <c>replay</c> narration) stamped in the router's clock, behind the router's
/// prompt, wrapped as a terminal of <paramref name="width"/> columns wraps them. The tests read it back with
/// <see cref="IosDebugLog"/> (docs/debug-logs.md).
/// </summary>
public static class IosDebugText
{
    /// <param name="skew">How far the router's clock is off (added to its zone's offset): what alignment with a capture
    /// must find.</param>
    /// <param name="width">0: no wrapping; else lines longer than this wrap at a blank, the rest indented by two, never
    /// at the blank after a comma (a DN's "VeriSign, Inc." must read back whole).</param>
    public static string Write(DecisionTrace trace, string router, ClockZone zone, TimeSpan skew = default, int width = 0) =>
        Write([trace], router, zone, skew, width);

    /// <summary>One router's debug over several negotiations (a scenario's, in order), behind one prompt: the
    /// <c>R1-debug.txt</c> the forge writes beside a capture.</summary>
    public static string Write(IEnumerable<DecisionTrace> traces, string router, ClockZone zone, TimeSpan skew = default, int width = 0)
    {
        var w = new System.Text.StringBuilder();
        w.Append(router).Append("#\n");
        foreach (DecisionTrace trace in traces)
            foreach (TraceLine line in trace.Debug.Where(l => l.Router == router))
                foreach (string part in Wrap(IosDebugStamp.Format(trace.Start + line.At, zone.Offset + skew) + ": " + line.Text, width))
                    w.Append(part).Append('\n');
        return w.ToString();
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        if (width <= 0 || text.Length <= width)
        {
            yield return text;
            yield break;
        }
        string rest = text;
        bool first = true;
        while (rest.Length > (first ? width : width - 2))
        {
            int limit = first ? width : width - 2;
            int at = rest.LastIndexOf(' ', limit);
            while (at > 0 && rest[at - 1] == ',') at = rest.LastIndexOf(' ', at - 1);
            if (at <= 0) break;
            yield return (first ? "" : "  ") + rest[..at];
            rest = rest[(at + 1)..];
            first = false;
        }
        yield return (first ? "" : "  ") + rest;
    }
}
