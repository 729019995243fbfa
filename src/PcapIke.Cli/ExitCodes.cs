namespace PcapIke.Cli;

/// <summary>The process exit codes, documented in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The work ran but found problems the caller asked to fail on.</summary>
    public const int Findings = 1;
    /// <summary>Bad command-line usage.</summary>
    public const int Usage = 2;
    /// <summary>An input could not be read (missing, unreadable, not a capture).</summary>
    public const int UnreadableInput = 3;
    /// <summary>The reader of standard output went away (a closed pipe: <c>pcapike … | head</c>): the command stopped
    /// without a word, with the status of a command killed by SIGPIPE (128 + 13).</summary>
    public const int OutputClosed = 141;
}
