namespace PcapIke.Model.Ios;

/// <summary>What one line of <c>debug crypto isakmp</c>, <c>debug crypto ikev2</c> or <c>debug crypto pki</c> output
/// says (docs/debug-logs.md, "Event kinds"). Lines the reader knows but that decide nothing are not events; lines it
/// does not know are counted (<see cref="IosDebugLog.UnknownLines"/>).</summary>
public enum IosDebugEventKind
{
    /// <summary>IKEv1 <c>Old State = IKE_I_MM2 New State = IKE_I_MM3</c> (<see cref="IosDebugEvent.OldState"/>,
    /// <see cref="IosDebugEvent.State"/>).</summary>
    StateChange,
    /// <summary><c>sending packet to 192.168.0.2 my_port 500 peer_port 500 (I) MM_SA_SETUP</c>; IKEv2 <c>Sending Packet
    /// [To A:500/From B:500/VRF i0:f0]</c>. A retransmission sets <see cref="IosDebugEvent.Retransmission"/>.</summary>
    PacketSent,
    /// <summary><c>received packet from 192.168.0.2 dport 500 sport 500 Global (I) MM_KEY_EXCH</c>; IKEv2 <c>Received
    /// Packet [From A:500/To B:500/VRF i0:f0]</c>.</summary>
    PacketReceived,
    /// <summary>IKEv1 initiator: <c>SA request profile is prof1</c> (the profile the tunnel asks for).</summary>
    ProfileRequested,
    /// <summary><c>constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com</c> (rule I1: one per payload, in order).</summary>
    CertRequestSent,
    /// <summary><c>peer wants cert issued by cn=CA1,o=cisco,o=com</c> (one CERT_REQ payload received; the DN may be
    /// absent from the line).</summary>
    CertRequestReceived,
    /// <summary><c>Choosing trustpoint IOSCA1 as issuer</c> (rule I2: the first match).</summary>
    TrustpointChosen,
    /// <summary>IKEv1 <c>peer matches prof1 profile</c> (I3); IKEv2 <c>found matching IKEv2 profile 'profile3'</c>
    /// (V2). <see cref="IosDebugEvent.Profile"/> is null for <c>peer matches *none* of the profiles</c>.</summary>
    ProfileMatched,
    /// <summary>IKEv2 <c>Searching policy based on peer's identity '192.168.0.1' of type 'IPv4 address'</c>.</summary>
    IdentitySearch,
    /// <summary>IKEv1 <c>Creating CERT validation list: IOSCA1,</c> (I4; <see cref="IosDebugEvent.Trustpoints"/>).</summary>
    ValidationList,
    /// <summary>IKEv2 <c>[PKI -> IKEv2] Retrieved trustpoint(s): 'TP2'</c> (V1/V2; <see cref="IosDebugEvent.Trustpoints"/>).</summary>
    TrustpointsRetrieved,
    /// <summary>IKEv2 <c>[IKEv2 -> PKI] Getting cert chain for the trustpoint TP1</c>: the certificate it sends.</summary>
    CertificateChain,
    /// <summary>The peer's certificate validated: <c>CRYPTO_PKI: (A0013) Certificate validation succeeded</c>, IKEv2
    /// <c>Validation of certificate chain PASSED</c>.</summary>
    ValidationSucceeded,
    /// <summary>The peer's certificate refused: <c>No suitable trustpoints found</c>,
    /// <c>%CRYPTO-5-IKMP_INVALID_CERT</c>, <c>Unknown error in cert validation</c>, IKEv2 <c>Validation of certificate
    /// chain FAILED</c> (<see cref="IosDebugEvent.Detail"/> quotes it).</summary>
    ValidationFailed,
    /// <summary><c>constructing CERT payload for &lt;subject&gt;</c> (<see cref="IosDebugEvent.Dn"/>).</summary>
    CertificateSent,
    /// <summary><c>using the IOSCA2 trustpoint's keypair to sign</c>.</summary>
    KeypairUsed,
    /// <summary>IKEv1 <c>SA authentication status: authenticated</c>; IKEv2 <c>Verification of peer's authentication
    /// data PASSED|FAILED</c> (<see cref="IosDebugEvent.Succeeded"/>).</summary>
    Authentication,
    /// <summary>IKEv2 <c>Failed to build certificate payload</c>: the initiator stops before IKE_AUTH.</summary>
    CertificatePayloadFailed,
    /// <summary>A notify sent: IKEv1 <c>Sending NOTIFY INVALID_ID_INFO protocol 1</c>, IKEv2 <c>Sending TS unacceptable
    /// notify</c>, <c>Sending authentication failure notify</c> (<see cref="IosDebugEvent.Notify"/>, RFC 7296 names).</summary>
    NotifySent,
    /// <summary>A notify received: IKEv1 <c>processing NOTIFY INVALID_ID_INFO protocol 1</c>.</summary>
    NotifyReceived,
    /// <summary>IKEv2 <c>IKEv2 IKE_AUTH Exchange RESPONSE</c> with its <c>Payload contents:</c>, or <c>Building packet
    /// for encryption. Payload contents: …</c> (<see cref="IosDebugEvent.Exchange"/>, <see cref="IosDebugEvent.Payloads"/>).</summary>
    Message,
    /// <summary>A crypto syslog message: <c>%CRYPTO-5-SESSION_STATUS</c>, <c>%CRYPTO-4-IKMP_NO_SA</c>, …
    /// (<see cref="IosDebugEvent.Detail"/> holds the mnemonic and text).</summary>
    Syslog,
}

/// <summary>A debug line's time as IOS stamps it (<c>service timestamps debug datetime msec</c>): month, day, time of
/// day, the year only when stamped (<c>year</c> option), and the clock's flag — <c>*</c> not synchronised (no NTP),
/// <c>.</c> synchronised once but not now. Or the router's uptime (<c>service timestamps debug uptime</c>: <c>1d02h</c>,
/// <c>00:12:34</c>), which orders lines but names no date.</summary>
public readonly record struct IosDebugStamp(int? Year, int Month, int Day, TimeSpan TimeOfDay, char Flag, bool Uptime)
{
    /// <summary>Seconds on one scale for lines of one log: the date in <paramref name="year"/> (the stamp's own year
    /// when it has one), or the uptime.</summary>
    public double Seconds(int year = 2000)
    {
        if (Uptime)
            return TimeOfDay.TotalSeconds;
        int y = Year ?? year;
        int day = Math.Min(Day, DateTime.DaysInMonth(y, Month));
        return (new DateTime(y, Month, day, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds + TimeOfDay.TotalSeconds;
    }

    /// <summary>IOS's debug timestamp of <paramref name="utc"/> in a clock <paramref name="zone"/> ahead of UTC:
    /// <c>*Jun 17 18:08:44.321</c> (<c>*</c>: a clock not synchronised, as the technote's routers).</summary>
    public static string Format(DateTimeOffset utc, TimeSpan zone)
    {
        DateTime local = utc.UtcDateTime + zone;
        return "*" + local.ToString("MMM d HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => Uptime
        ? $"uptime {TimeOfDay}"
        : $"{(Flag == ' ' ? "" : Flag.ToString())}{System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(Month)} {Day,2} {(Year is { } y ? y + " " : "")}{TimeOfDay.ToString(@"hh\:mm\:ss\.fff", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>
/// One event of a debug log: its kind, the 1-based line it starts on (wrapped lines are joined: <see cref="Text"/> is
/// the whole record), its time, the router (prompt, file name or <c>--router</c>), the IKE version and connection id
/// (<c>ISAKMP:(1010)</c> → 1010; <c>IKEv2:(SA ID = 1)</c> → 1; 0 before IOS assigns one; null when the line names none),
/// and the fields its kind reads. Fields a line does not show stay null: the reader never fills them in.
/// </summary>
public sealed record IosDebugEvent(IosDebugEventKind Kind, int Line, IosDebugStamp? Stamp, string Router, int? Version, long? Connection, string Text)
{
    /// <summary>The peer's address (packets sent/received, the IKEv1 invalid-certificate syslog).</summary>
    public string? Peer { get; init; }
    public int? LocalPort { get; init; }
    public int? PeerPort { get; init; }
    /// <summary><c>I</c> or <c>R</c>: the router's role as the packet line shows it.</summary>
    public char? Role { get; init; }
    /// <summary>IKEv1: the state a packet line names (<c>MM_SA_SETUP</c>, <c>MM_KEY_EXCH</c>) or the new state of a
    /// transition (<c>IKE_I_MM3</c>).</summary>
    public string? State { get; init; }
    public string? OldState { get; init; }
    public bool Retransmission { get; init; }
    /// <summary>A CERT_REQ's CA, a certificate's subject (IOS style); null when the line does not show one.</summary>
    public string? Dn { get; init; }
    public string? Trustpoint { get; init; }
    public IReadOnlyList<string> Trustpoints { get; init; } = [];
    public string? Profile { get; init; }
    /// <summary>IKEv2 identity search: the identity and its type.</summary>
    public string? Identity { get; init; }
    public string? Notify { get; init; }
    /// <summary>IKEv2: <c>IKE_SA_INIT</c>, <c>IKE_AUTH</c> … with <see cref="Response"/>.</summary>
    public string? Exchange { get; init; }
    public bool? Response { get; init; }
    public IReadOnlyList<string> Payloads { get; init; } = [];
    public bool? Succeeded { get; init; }
    /// <summary>The words of a failure or syslog message, as logged.</summary>
    public string? Detail { get; init; }

    public override string ToString() => $"{Router} line {Line}: {Kind} {Text}";
}
