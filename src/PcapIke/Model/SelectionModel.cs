namespace PcapIke.Model;

/// <summary>The model's prediction of one negotiation: who initiates, the outcome, and every decision on the way
/// (<see cref="Trace"/>, made by the <see cref="DecisionEngine"/>: the same decisions the forge writes captures of).</summary>
public sealed record DirectionPrediction(string Initiator, string Responder, int Version, DecisionTrace Trace)
{
    public NegotiationOutcome Outcome => Trace.Outcome;
    public bool Succeeds => Outcome == NegotiationOutcome.Established;
}

/// <summary>The model's prediction for both directions of a pair of routers.</summary>
public sealed record ModelPrediction(Scenario Scenario, IReadOnlyList<DirectionPrediction> Directions)
{
    public bool BothSucceed => Directions.All(d => d.Succeeds);
    public DirectionPrediction From(string initiator) => Directions.Single(d => d.Initiator == initiator);
}

/// <summary>
/// The selection-model engine (selection-model.md, rules I1–I4 and V1–V4): for two routers it predicts, per direction,
/// the CERT_REQ list of each message, the trustpoint each side chooses, the profile the responder binds, the
/// validation result and the outcome, naming the rule behind each step — a <see cref="DecisionTrace"/> of the
/// <see cref="DecisionEngine"/>, with no key, no cryptography and no byte, so a what-if costs microseconds.
/// </summary>
public static class SelectionModel
{
    /// <summary>The negotiation with <paramref name="initiator"/> initiating, at the scenario's start.</summary>
    public static DirectionPrediction Predict(Scenario scenario, string initiator) => Predict(scenario, initiator, new ScenarioPki(scenario));

    private static DirectionPrediction Predict(Scenario scenario, string initiator, ScenarioPki pki)
    {
        DecisionTrace trace = DecisionEngine.Run(scenario, initiator, scenario.Start, 0, pki);
        return new DirectionPrediction(initiator, trace.Responder, trace.Version, trace);
    }

    /// <summary>The prediction, or null with <paramref name="failure"/> (the exception's type and message) when the
    /// configurations cannot be simulated: they are user input, and no report or analysis may end on them.</summary>
    public static DirectionPrediction? TryPredict(Scenario scenario, string initiator, out string? failure)
    {
        try
        {
            failure = null;
            return Predict(scenario, initiator);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = $"{ex.GetType().Name}: {ex.Message}";
            return null;
        }
    }

    /// <summary>Both directions: each router initiating once.</summary>
    public static ModelPrediction PredictBothDirections(Scenario scenario)
    {
        var pki = new ScenarioPki(scenario);
        return new(scenario, scenario.Routers.Select(r => Predict(scenario, r.Name, pki)).ToArray());
    }

    /// <summary>The scenario with the keys a forged prediction uses (<c>replay</c>'s expected wire): 512-bit routers
    /// under 1024-bit CAs, fast to generate. The decisions do not depend on key sizes.</summary>
    public static Scenario WithPredictionKeys(Scenario s) =>
        s.Keys is { CaBits: 1024, RouterBits: 512 } ? s : s with { Keys = new KeySettings(1024, 512, s.Keys.SignatureAlgorithm) };
}
