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
}
