using System.Globalization;

namespace PcapIke.Model.Ios;

/// <summary>What an entry of <c>show crypto pki certificates</c> is, from its title line.</summary>
public enum PkiEntryKind
{
    /// <summary><c>Certificate</c>: an identity certificate of the router.</summary>
    Certificate,

    /// <summary><c>CA Certificate</c>.</summary>
    CaCertificate,

    /// <summary><c>Router Self-Signed Certificate</c>.</summary>
    SelfSigned,

    /// <summary>Any other title (<c>RA Signature Certificate</c> …).</summary>
    Other,
}

/// <summary>
/// A date as <c>show crypto pki certificates</c> prints it, <c>13:25:01 CET Jun 17 2013</c>: the local time, the zone
/// name IOS printed (set by <c>clock timezone</c>; the offset is not in the text), and the text itself.
/// </summary>
public sealed record IosShowTime(DateTime Local, string? Zone, string Text)
{
    /// <summary>The UTC instant for a zone offset (<see cref="KnownOffset"/>, <c>clock timezone</c>, or inferred).</summary>
    public DateTime Utc(TimeSpan offset) => DateTime.SpecifyKind(Local - offset, DateTimeKind.Utc);

    /// <summary>The offset when the zone name says it: UTC, GMT, Z (IOS's default clock is UTC).</summary>
    public TimeSpan? KnownOffset => Zone?.ToUpperInvariant() switch
    {
        null or "UTC" or "GMT" or "Z" => TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Reads <c>HH:MM:SS[.mmm] [ZONE] Mon D YYYY</c>; null when the text is not that.</summary>
    public static IosShowTime? TryParse(string text)
    {
        string[] w = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (w.Length is not (4 or 5))
            return null;
        string? zone = w.Length == 5 ? w[1] : null;
        int d = w.Length - 3;
        string time = w[0].Split('.')[0];
        return DateTime.TryParseExact($"{w[d]} {w[d + 1]} {w[d + 2]} {time}", "MMM d yyyy H:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces, out DateTime local)
            ? new IosShowTime(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone, text)
            : null;
    }

    public override string ToString() => Text;
}

/// <summary>
/// One entry of <c>show crypto pki certificates</c>: its title and line, status, serial number (hex as printed), usage,
/// issuer and subject as the RDN lines IOS prints (most specific first; <see cref="IssuerDn"/> joins them IOS-style),
/// the subject's Name / IP Address / Serial Number summary lines, validity, associated trustpoints in the order
/// printed, storage. <see cref="Incomplete"/> when the paste cut the entry short (<c>....</c>).
/// </summary>
public sealed record PkiListingEntry(
    PkiEntryKind Kind,
    string Title,
    int Line,
    string? Status,
    string? SerialHex,
    string? Usage,
    IReadOnlyList<string> Issuer,
    IReadOnlyList<string> Subject,
    string? SubjectName,
    string? SubjectIpAddress,
    string? SubjectSerialNumber,
    IosShowTime? ValidFrom,
    IosShowTime? ValidTo,
    IReadOnlyList<string> AssociatedTrustpoints,
    string? Storage,
    bool Incomplete)
{
    /// <summary>The issuer IOS debug style: <c>cn=CA2,o=cisco,o=com</c>; null when no issuer line was printed.</summary>
    public string? IssuerDn => Issuer.Count > 0 ? string.Join(',', Issuer) : null;

    public string? SubjectDn => Subject.Count > 0 ? string.Join(',', Subject) : null;
}

/// <summary>
/// <c>show crypto pki certificates</c>: the entries in the order printed — identity certificates newest first, then the
/// CA certificates (technote; selection-model.md "certificate store order"). <see cref="Truncated"/> when the paste says
/// output was omitted (<c>&lt;output omitted …&gt;</c>, <c>...</c>): entries may be missing.
/// </summary>
public sealed record PkiCertificateListing(
    string SourceName,
    IReadOnlyList<string> PromptHostnames,
    IReadOnlyList<PkiListingEntry> Entries,
    bool Truncated,
    IReadOnlyList<IosIgnoredLine> Ignored,
    IReadOnlyList<IosNote> Notes)
{
    public IEnumerable<PkiListingEntry> IdentityCertificates => Entries.Where(e => e.Kind == PkiEntryKind.Certificate);
    public IEnumerable<PkiListingEntry> CaCertificates => Entries.Where(e => e.Kind == PkiEntryKind.CaCertificate);
}

/// <summary>
/// One profile of <c>show crypto isakmp profile</c>: the identities and certificate maps it matches (as printed, e.g.
/// <c>host R2.cisco.com</c>), the identity it presents, keyrings and trustpoints (<see cref="AllTrustpoints"/> when IOS
/// prints <c>&lt;all&gt;</c>: no <c>ca trust-point</c>).
/// </summary>
public sealed record IsakmpProfileListingEntry(
    string Name,
    int Line,
    IReadOnlyList<string> Identities,
    IReadOnlyList<string> CertificateMaps,
    string? IdentityPresented,
    IReadOnlyList<string> Keyrings,
    IReadOnlyList<string> Trustpoints,
    bool AllTrustpoints);

/// <summary><c>show crypto isakmp profile</c>: the profiles in the order IOS lists them.</summary>
public sealed record IsakmpProfileListing(
    string SourceName,
    IReadOnlyList<string> PromptHostnames,
    IReadOnlyList<IsakmpProfileListingEntry> Profiles,
    IReadOnlyList<IosIgnoredLine> Ignored,
    IReadOnlyList<IosNote> Notes);

/// <summary>
/// One profile of <c>show crypto ikev2 profile</c>: the match identities (<c>address 192.168.0.1 255.255.255.255</c>)
/// and certificate maps, local and remote identity, authentication methods, trustpoints (with the use IOS prints for a
/// sign- or verify-only trustpoint), and every other <c>label: value</c> line as printed.
/// </summary>
public sealed record Ikev2ProfileListingEntry(
    string Name,
    int Line,
    IReadOnlyList<string> Identities,
    IReadOnlyList<string> CertificateMaps,
    string? LocalIdentity,
    string? RemoteIdentity,
    string? LocalAuthentication,
    IReadOnlyList<string> RemoteAuthentication,
    IReadOnlyList<IosIkev2Trustpoint> Trustpoints,
    IReadOnlyList<KeyValuePair<string, string>> Other);

/// <summary><c>show crypto ikev2 profile</c>: the profiles in the order IOS lists them (the technote: the last
/// configured first), which is the order IOS tries them on overlapping <c>match identity</c> rules.</summary>
public sealed record Ikev2ProfileListing(
    string SourceName,
    IReadOnlyList<string> PromptHostnames,
    IReadOnlyList<Ikev2ProfileListingEntry> Profiles,
    IReadOnlyList<IosIgnoredLine> Ignored,
    IReadOnlyList<IosNote> Notes);
