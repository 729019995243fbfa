using System.Globalization;
using PcapIke.Model;

namespace PcapIke.Reports;

/// <summary>
/// The <c>replay</c> narration: a predicted negotiation as the two routers' <c>debug crypto isakmp</c> /
/// <c>debug crypto ikev2</c> / <c>debug crypto pki</c> lines (IOS timestamps in the scenario's clock), the decisions
/// with the selection-model rule behind each (the model's <see cref="DecisionTrace"/>), the expected wire (the datagrams
/// the forge writes for that trace) and the outcome.
/// </summary>
/// <remarks>The wire is given as <see cref="WireLine"/>s: reports read results, never the forge itself.</remarks>
public static class ReplayTextWriter
{
    /// <summary>One datagram of the expected wire: when, who to whom, which message, its IP length.</summary>
    public sealed record WireLine(TimeSpan At, string Sender, string Receiver, string Label, int IpLength);

    public static void Write(TextWriter w, Scenario scenario, DirectionPrediction p, IReadOnlyList<ConfigEdit> edits, IReadOnlyList<WireLine> wire)
    {
        DecisionTrace n = p.Trace;
        w.WriteLine($"# replay: IKEv{p.Version}, {p.Initiator} initiates to {p.Responder} ({scenario.Name})");
        foreach (ConfigEdit e in edits)
            w.WriteLine($"# what-if: {e.Describe()}");
        w.WriteLine();
        w.WriteLine($"## debug ({string.Join(", ", p.Version == 1 ? ["debug crypto isakmp", "debug crypto pki validation"] : new[] { "debug crypto ikev2" })})");
        foreach (TraceLine line in n.Debug)
            w.WriteLine($"{line.Router}  {IosTimestamp(n.Start + line.At, scenario.Clock)}: {line.Text}");
        w.WriteLine();
        w.WriteLine("## decisions (selection-model.md rules)");
        foreach (TraceLine line in n.Log)
            w.WriteLine($"{line.Router}  {(line.Rule.Length > 0 ? "[" + line.Rule + "] " : "")}{line.Text}");
        w.WriteLine();
        w.WriteLine("## expected wire (IP lengths)");
        foreach (WireLine d in wire)
            w.WriteLine($"{d.At.TotalSeconds,10:0.000} s  {d.Sender} -> {d.Receiver}  {d.Label}  {d.IpLength}");
        w.WriteLine();
        string certs = string.Join("; ", n.CertificateSent.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} sends its {c.Value} certificate"));
        w.WriteLine($"outcome: {OutcomeText(n.Outcome)}{(certs.Length > 0 ? "; " + certs : "")}");
    }

    public static string OutcomeText(NegotiationOutcome o) => o switch
    {
        NegotiationOutcome.Established => "established",
        NegotiationOutcome.ChildSaFailed => "IKE SA up, Child SA / Quick Mode refused",
        NegotiationOutcome.AuthenticationFailed => "authentication failed",
        NegotiationOutcome.InitiatorAborted => "the initiator stops before IKE_AUTH",
        NegotiationOutcome.NoProposalChosen => "no proposal chosen",
        _ => o.ToString(),
    };

    /// <summary>IOS's debug timestamp, <c>*Jun 17 18:08:44.321</c>, in the router's clock zone.</summary>
    public static string IosTimestamp(DateTimeOffset t, ClockZone zone) => Model.Ios.IosDebugStamp.Format(t, zone.Offset);
}
