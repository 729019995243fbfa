namespace PcapIke.Model.Ios;

/// <summary>What a note says about the evidence (docs/ios-parsers.md, "Notes").</summary>
public enum IosNoteKind
{
    /// <summary>The text could not be read as IOS prints it: a malformed certificate dump, a bad address, nothing IOS at all.</summary>
    Problem,

    /// <summary>A value the evidence does not give was taken from an IOS default or a stated rule.</summary>
    Assumption,

    /// <summary>Something the selection model needs is missing and a placeholder stands in for it.</summary>
    Gap,

    /// <summary>The configuration says something <c>RouterSpec</c> cannot express; the nearest meaning was used.</summary>
    Approximation,

    /// <summary>Two pieces of evidence disagree; which one was used is said.</summary>
    Conflict,
}

/// <summary>
/// One note about a parse or a model build, for the explanation layer to print: its kind, the text, and where it
/// comes from (the source name given to the parser and the 1-based line in that text; 0 when the note is about the
/// whole text).
/// </summary>
public sealed record IosNote(IosNoteKind Kind, string Text, string? Source = null, int Line = 0)
{
    public override string ToString() =>
        (Source, Line) switch
        {
            (null, 0) => $"{Kind}: {Text}",
            (null, _) => $"line {Line}: {Kind}: {Text}",
            (_, 0) => $"{Source}: {Kind}: {Text}",
            _ => $"{Source}:{Line}: {Kind}: {Text}",
        };
}

/// <summary>A line a parser did not understand, kept with its 1-based line number and the section it was in
/// (<c>crypto isakmp profile prof1</c>), null at top level.</summary>
public sealed record IosIgnoredLine(int Line, string Text, string? Section);
