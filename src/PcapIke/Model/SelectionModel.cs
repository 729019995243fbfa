using PcapIke.Forge;

namespace PcapIke.Model;

/// <summary>The model's prediction of one negotiation: who initiates, the outcome, and every decision on the way (the
/// forge's simulated routers are the model: the same rules make the captures and the predictions).</summary>
public sealed record DirectionPrediction(string Initiator, string Responder, int Version, ForgedNegotiation Negotiation)
{
    public ForgeOutcome Outcome => Negotiation.Outcome;
    public bool Succeeds => Outcome == ForgeOutcome.Established;
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
/// validation result and the outcome, naming the rule behind each step. It runs the forge's simulated IOS routers with
/// small keys (the decisions do not depend on key sizes), so a prediction takes milliseconds.
/// </summary>
public static class SelectionModel
{
    /// <summary>The negotiation with <paramref name="initiator"/> initiating.</summary>
    public static DirectionPrediction Predict(Scenario scenario, string initiator)
    {
        Scenario s = ForPrediction(scenario) with { Initiator = initiator, Negotiations = [initiator] };
        ForgedNegotiation n = Forger.Run(s).Negotiations[0];
        return new DirectionPrediction(initiator, s.Peer(s.Router(initiator)).Name, n.Version, n);
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
    public static ModelPrediction PredictBothDirections(Scenario scenario) =>
        new(scenario, scenario.Routers.Select(r => Predict(scenario, r.Name)).ToArray());

    /// <summary>The scenario with the keys the model needs: 512-bit routers under 1024-bit CAs (fast to generate).</summary>
    private static Scenario ForPrediction(Scenario s) =>
        s.Keys is { CaBits: 1024, RouterBits: 512 } ? s : s with { Keys = new KeySettings(1024, 512, s.Keys.SignatureAlgorithm) };
}
