namespace PcapIke.Findings;

public enum Severity : byte
{
    /// <summary>Worth knowing; nothing is wrong by itself (e.g. a CERT_REQ list restricted by `ca trust-point`).</summary>
    Info,
    /// <summary>Likely to cause or explain a problem.</summary>
    Warning,
    /// <summary>The negotiation failed or stalled here.</summary>
    Error,
}

/// <summary>
/// One finding about a negotiation: a stable code (documented in docs/findings.md), how serious it is, the frames
/// that are its evidence, a plain-English explanation and, where one is known, what to change.
/// </summary>
public sealed record Finding(
    FindingCode Code,
    Severity Severity,
    IReadOnlyList<long> Frames,
    string Message,
    string? Fix = null)
{
    /// <summary>The stable identifier printed in reports and CSV, e.g. <c>PI101</c>.</summary>
    public string Id => FindingCodes.Id(Code);

    /// <summary><see cref="Exchanges.Confidence.Seen"/> when everything the finding states is on the wire; otherwise the
    /// confidence of what it infers (<see cref="Inferred"/>), with the <see cref="Alternatives"/> that remain.</summary>
    public Exchanges.Confidence Confidence { get; init; } = Exchanges.Confidence.Seen;
    /// <summary>What the capture shows, when the finding also infers.</summary>
    public string? Seen { get; init; }
    /// <summary>What is concluded from it (with <see cref="Confidence"/>); null when nothing is inferred.</summary>
    public string? Inferred { get; init; }
    /// <summary>The other explanations the capture leaves open.</summary>
    public IReadOnlyList<string> Alternatives { get; init; } = Array.Empty<string>();

    /// <summary>The cause in one sentence, where the finding names one (the model's deciding step with <c>--config</c>).</summary>
    public string? Cause { get; init; }
    /// <summary>The reasoning, one decision a line, in order (the rule chain of PI602): reports number them.</summary>
    public IReadOnlyList<string> Steps { get; init; } = Array.Empty<string>();
    /// <summary>The fix as configuration to paste, router by router, where the model found and checked one.</summary>
    public IReadOnlyList<ConfigFix> Configuration { get; init; } = Array.Empty<ConfigFix>();
    /// <summary>Commands that confirm the cause on the routers (<c>show …</c>, <c>debug …</c>).</summary>
    public IReadOnlyList<string> ConfirmWith { get; init; } = Array.Empty<string>();

    /// <summary>A finding that states what is seen and what it infers, with a confidence and the alternatives; its
    /// <see cref="Message"/> says all of it in that order ("Seen: … Inferred (medium confidence): … Alternatives: …").</summary>
    public static Finding Inference(FindingCode code, Severity severity, IReadOnlyList<long> frames, string seen,
        string inferred, Exchanges.Confidence confidence, IReadOnlyList<string> alternatives, string? fix = null) =>
        new(code, severity, frames, Compose(seen, inferred, confidence, alternatives), fix)
        {
            Confidence = confidence, Seen = seen, Inferred = inferred, Alternatives = alternatives,
        };

    public static string ConfidenceText(Exchanges.Confidence c) => c switch
    {
        Exchanges.Confidence.Seen => "seen",
        Exchanges.Confidence.High => "high",
        Exchanges.Confidence.Medium => "medium",
        _ => "low",
    };

    private static string Compose(string seen, string inferred, Exchanges.Confidence confidence, IReadOnlyList<string> alternatives)
    {
        string Sentence(string s) => s.Length > 0 && s[^1] is '.' ? s : s + ".";
        var text = $"Seen: {Sentence(seen)} Inferred ({ConfidenceText(confidence)} confidence): {Sentence(inferred)}";
        if (alternatives.Count > 0) text += $" Alternatives: {string.Join("; ", alternatives)}.";
        return text;
    }
}

/// <summary>The configuration lines to enter on one router (IOS indentation, as <c>show running-config</c> prints them)
/// and what the model checked with them applied.</summary>
public sealed record ConfigFix(string Router, IReadOnlyList<string> Lines, string Checked);
