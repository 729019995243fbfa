namespace PcapIke.Tests.TestSupport;

/// <summary>Tests that need what .ci/run prepares (the live lab, the published tool, the fuzz run): skipped in a
/// developer's plain <c>dotnet test</c> without their variable, run — and failing when it is missing — under CI.</summary>
internal static class Ci
{
    /// <summary>CI=true (or 1): .ci/run's environment.</summary>
    public static bool Active => Environment.GetEnvironmentVariable("CI") is { } ci
                                 && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>Null when the tests that need <paramref name="variable"/> must run (it is set, or CI); else the skip
    /// text, <paramref name="why"/> followed by how to set it.</summary>
    public static string? SkipReason(string variable, string why) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)) || Active ? null : $"{variable} is not set: {why}";
}
