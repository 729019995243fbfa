using System.Globalization;
using PcapIke.Exchanges;
using PcapIke.Findings;

namespace PcapIke.Reports;

/// <summary>
/// The wording the analyze/batch reports share (text, JSON, CSV), so that the same SA reads the same everywhere:
/// SPIs, times, outcome and severity names, retransmission marks.
/// </summary>
public static class SaReportText
{
    /// <summary>An 8-byte SPI as 16 lower-case hex digits, as tshark and IOS print it.</summary>
    public static string Spi(ulong spi) => spi.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Absolute UTC time, ISO 8601 with microseconds (the resolution of a classic pcap).</summary>
    public static string UtcTime(long nanoseconds) =>
        DateTime.UnixEpoch.AddTicks(nanoseconds / 100).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    /// <summary>A certificate date, UTC ISO 8601 to the second: <c>2025-11-27T13:13:08Z</c>.</summary>
    public static string Date(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Seconds with microseconds, invariant culture: <c>30.100250</c>.</summary>
    public static string Seconds(long nanoseconds) =>
        (nanoseconds / 1e9).ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>When an SA started and how long it lasted: "2013-06-17T12:08:01.000000Z, lasted 40.024000 s, 12 messages";
    /// for a capture without times (<see cref="IkeSa.TimesUnknown"/>) that it has none, never an invented date.</summary>
    public static string Started(IkeSa sa) =>
        (sa.TimesUnknown ? "not in the capture (a text dump without times: no date or duration), "
            : $"{UtcTime(sa.StartNanoseconds)}, lasted {Seconds(sa.DurationNanoseconds)} s, ")
        + (sa.Messages.Count == 1 ? "1 message" : $"{sa.Messages.Count.ToString(CultureInfo.InvariantCulture)} messages");

    /// <summary>A message's time from the SA's start, "+30.100250"; "—" when the capture has no times.</summary>
    public static string Offset(IkeSa sa, SaMessage m) =>
        m.TimeUnknown ? "—" : "+" + Seconds(m.TimestampNanoseconds - sa.StartNanoseconds);

    /// <summary>What the ladder's time column holds.</summary>
    public static string TimeColumn(IkeSa sa) => sa.TimesUnknown ? "no times in the capture: in capture order" : "time from the SA start";

    public static string Version(IkeSa sa) => sa.Version == 2 ? "IKEv2" : sa.Version == 1 ? "IKEv1" : $"v{sa.Version}";

    /// <summary>The outcome as reports and the CSV write it: <c>established</c>, <c>failed</c>, <c>stalled</c>,
    /// <c>incomplete</c>.</summary>
    /// <summary>What the ladder says of a message's fragments: "fragment 1/3", "3 IP fragments from frame 3", and for a
    /// message the capture holds only in part "partial: 900 of 1440 bytes captured (IP fragments missing)".</summary>
    public static IEnumerable<string> FragmentParts(SaMessage m)
    {
        if (m.FragmentTotal > 0) yield return string.Create(CultureInfo.InvariantCulture, $"fragment {m.FragmentNumber}/{m.FragmentTotal}");
        if (m.Message.IpFragmentCount > 1)
            yield return string.Create(CultureInfo.InvariantCulture, $"{m.Message.IpFragmentCount} IP fragments from frame {m.Message.FirstFragmentFrame}");
        if (m.Message.IsPartial)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"partial: {m.Message.Ike.BufferLength} of {m.Message.DeclaredLength} bytes captured ({(m.Message.Gap == Frames.MessageGap.SnapLength ? "snap length" : "IP fragments missing")})");
    }

    /// <summary>"stalled: at MM5: … (inferred, medium confidence)": the outcome, its detail, and how it is known when inferred.</summary>
    public static string OutcomeLine(IkeSa sa)
    {
        string line = sa.OutcomeDetail.Length == 0 ? Outcome(sa.Outcome) : $"{Outcome(sa.Outcome)}: {sa.OutcomeDetail}";
        line = sa.OutcomeConfidence == Confidence.Seen ? line : $"{line} (inferred, {Findings.Finding.ConfidenceText(sa.OutcomeConfidence)} confidence)";
        // the detail of an incomplete SA says it was cut short already; every other outcome gets the mark here
        return sa.CutShort && !sa.OutcomeDetail.Contains("cut short", StringComparison.Ordinal)
            ? line + "; cut short: finished early at the cap of open SAs (docs/scale.md)" : line;
    }

    /// <summary>An outcome detail without the step a sentence before it names already: "at MM5: X" → "X".</summary>
    public static string DetailAfterStep(string detail, string? step) =>
        step is not null && detail.StartsWith($"at {step}: ", StringComparison.Ordinal) ? detail[$"at {step}: ".Length..] : detail;

    public static string Outcome(SaOutcome outcome) => outcome switch
    {
        SaOutcome.Established => "established",
        SaOutcome.Failed => "failed",
        SaOutcome.Stalled => "stalled",
        SaOutcome.Incomplete => "incomplete",
        _ => ((int)outcome).ToString(CultureInfo.InvariantCulture),
    };

    public static string Severity(Severity severity) => severity switch
    {
        Findings.Severity.Info => "info",
        Findings.Severity.Warning => "warning",
        Findings.Severity.Error => "error",
        _ => ((int)severity).ToString(CultureInfo.InvariantCulture),
    };

    public static string Role(Role role) => role == Exchanges.Role.Initiator ? "initiator" : "responder";

    /// <summary>JSON/CSV name of a retransmission kind: <c>sameContent</c>, <c>sameMessageId</c>,
    /// <c>resentAfterRejectingNext</c>; null when the message is not one.</summary>
    public static string? RetransmissionKind(RetransmissionKind kind) => kind switch
    {
        Exchanges.RetransmissionKind.None => null,
        Exchanges.RetransmissionKind.SameContent => "sameContent",
        Exchanges.RetransmissionKind.SameMessageId => "sameMessageId",
        Exchanges.RetransmissionKind.ResentAfterRejectingNext => "resentAfterRejectingNext",
        _ => ((int)kind).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The step as the ladder shows it: <c>MM3</c>, or for a retransmission <c>↻ MM4 (re-sent, responder rejected
    /// MM5)</c>, <c>↻ MM5 (re-sent, same as frame 7)</c>, <c>↻ IKE_AUTH request (re-sent, same message ID as frame 3)</c>.
    /// </summary>
    public static string StepWithMark(IkeSa sa, SaMessage m)
    {
        if (!m.IsRetransmission) return m.Step;
        string? of = m.RetransmissionOf is { } o ? o.Frame.ToString(CultureInfo.InvariantCulture) : null;
        string why = m.Retransmission switch
        {
            Exchanges.RetransmissionKind.ResentAfterRejectingNext => RejectedStep(sa, m) is { } rejected
                ? $"re-sent, {Role(m.Sender)} rejected {rejected}"
                : $"re-sent, {Role(m.Sender)} rejected the peer's next message",
            Exchanges.RetransmissionKind.SameMessageId => of is null ? "re-sent, same message ID" : $"re-sent, same message ID as frame {of}",
            _ => of is null ? "re-sent" : $"re-sent, same as frame {of}",
        };
        return $"↻ {m.Step} ({why})";
    }

    /// <summary>For a message re-sent because its sender rejected the peer's next one: the step of the latest earlier
    /// message from the peer (the technote's MM5 behind a re-sent MM4).</summary>
    public static string? RejectedStep(IkeSa sa, SaMessage m)
    {
        int i = sa.Messages.IndexOf(m);
        for (int j = (i < 0 ? sa.Messages.Count : i) - 1; j >= 0; j--)
            if (sa.Messages[j].Sender != m.Sender) return sa.Messages[j].Step;
        return null;
    }

    /// <summary>A proposal as people read it, the DH group with its number: <c>TripleDES_CBC/MD5/group 2
    /// (MODP_1024)/RSA_Signatures/86400s</c>.</summary>
    public static string Proposal(ProposalView p)
    {
        string? group = p.DhGroup is { } g && Enum.TryParse<Ike.DhGroup>(g, out var value) && Enum.IsDefined(value)
            ? string.Create(CultureInfo.InvariantCulture, $"group {(int)value} ({g})") : p.DhGroup;
        string s = (p with { DhGroup = group }).ToString();
        return s.Length == 0 ? "(no attributes)" : s;
    }

    /// <summary>The vendor IDs folded into one line per peer: <c>responder (Cisco IOS): CISCO-UNITY 1.0, DPD, XAUTH,
    /// unknown 58bbfb9b…</c>. The full list with bytes is <c>--verbose</c>.</summary>
    public static IReadOnlyList<string> VendorIdsByPeer(IkeSa sa) =>
        sa.VendorIds.GroupBy(v => v.Sender).OrderBy(g => g.Key).Select(g =>
        {
            string? platform = g.Select(v => v.Fingerprint).FirstOrDefault(f => f is not null);
            var names = g.Select(v => v.Name is { } n ? ShortVendorName(n) : $"unknown {v.Hex[..Math.Min(8, v.Hex.Length)]}…").Distinct();
            return $"{Role(g.Key)}{(platform is null ? "" : $" ({platform})")}: {string.Join(", ", names)}";
        }).ToList();

    /// <summary>A vendor ID's name without the registry's long words: "RFC 3706 DPD (Dead Peer Detection)" → "DPD".</summary>
    private static string ShortVendorName(string name) => name switch
    {
        _ when name.StartsWith("RFC 3706 DPD", StringComparison.Ordinal) => "DPD",
        _ when name.StartsWith("RFC 3947", StringComparison.Ordinal) => "NAT-T (RFC 3947)",
        _ => VendorName(name),
    };

    /// <summary>A vendor ID's name for people: Wireshark's names (which <c>dissect</c> keeps, for tshark parity) write
    /// the MD5 input's newline as a literal <c>\n</c> ("draft-ietf-ipsec-nat-t-ike-02\n"); here it is said in words.</summary>
    public static string VendorName(string name) =>
        name.EndsWith("\\n", StringComparison.Ordinal) ? name[..^2] + " (with newline)" : name;

    /// <summary>The first certificate a side sent, subject and issuer as IOS prints them (else RFC 4514, as the
    /// SA holds them); null when it sent none that was read.</summary>
    public static (string Subject, string? Issuer)? Certificate(IkeSa sa, Role side)
    {
        string? subject = side == Exchanges.Role.Initiator ? sa.InitiatorCertificate : sa.ResponderCertificate;
        if (subject is null) return null;
        string? issuer = side == Exchanges.Role.Initiator ? sa.InitiatorCertificateIssuer : sa.ResponderCertificateIssuer;
        var info = sa.Certificates.FirstOrDefault(c => c.Sender == side && c.Info?.Subject == subject)?.Info;
        return (info?.SubjectIos ?? subject, info?.IssuerIos ?? issuer);
    }

    /// <summary>A CERT_REQ list as one cell: each entry's <see cref="CertRequestEntry.Display"/> joined with " | ".</summary>
    public static string CertRequestList(IReadOnlyList<CertRequestEntry> entries) =>
        string.Join(" | ", entries.Select(e => e.Display));
}
