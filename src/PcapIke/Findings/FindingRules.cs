using PcapIke.Exchanges;
using PcapIke.Findings.Rules;

namespace PcapIke.Findings;

/// <summary>One rule: reads a correlated IKE SA and adds the findings it supports (none when it does not apply).</summary>
public interface IFindingRule
{
    void Evaluate(IkeSa sa, List<Finding> findings);
}

/// <summary>
/// The rules that turn a correlated IKE SA into findings. Each rule reads the SA (messages, steps, retransmissions,
/// CERT_REQ lists, notifies) and adds findings with evidence frames; <see cref="Apply"/> orders them most important
/// first (Error, Warning, Info), rule order within a severity.
/// </summary>
public static class FindingRules
{
    /// <summary>In the order findings of one severity are listed.</summary>
    public static IReadOnlyList<IFindingRule> All { get; } =
    [
        new MainModeStalledAfterMM5Rule(),
        new MainModeStalledRule(),
        new IkeAuthNoResponseRule(),
        new IkeSaInitNoResponseRule(),
        new FragmentedMessageUnansweredRule(),
        new ErrorNotifyRule(),
        new FailedInsideEncryptedMessageRule(),
        new TornDownAfterAuthRule(),
        new InitiatorStoppedAfterIkeSaInitRule(),
        new ExchangeIncompleteRule(),
        new CaptureTruncatesNegotiationRule(),
        new MessageIncompleteRule(),
        new MessagesNotCapturedRule(),
        new ShortSnapLengthRule(),
        new RepeatedAttemptsRule(),
        new DecryptionFailedRule(),
        new CertRequestOrderDiffersRule(),
        new CertRequestFirstEntryDiffersRule(),
        new CertRequestRestrictedInitiatorRule(),
        new CertRequestAllGlobalTrustpointsRule(),
        new RetransmissionsRule(),
        new IkeSaInitRetriedRule(),
        new InformationalWithZeroResponderCookieRule(),
        new DeleteRule(),
        new NatDetectedRule(),
        new WeakAlgorithmsRule(),
    ];

    /// <summary>Adds the rules' findings to <paramref name="sa"/>'s (after any already there, e.g. the model's) and
    /// orders them.</summary>
    public static void Apply(AnalyzedSa sa)
    {
        foreach (var rule in All)
            rule.Evaluate(sa.Sa, sa.Findings);
        sa.OrderFindings();
    }
}
