using PcapIke.Certificates;
using System.Net;
using System.Net.Sockets;
using PcapIke.Findings;

namespace PcapIke.Model.Ios;

/// <summary>
/// A router modelled from its IOS text: the <see cref="RouterSpec"/> the forge and <see cref="IosSelection"/> read, the
/// <see cref="CaSpec"/>s its trustpoints reference, its certificate store as the selection rules see it (newest
/// enrollment first, then trustpoints without an identity certificate, then IOS 15.3T's built-in CAs), the clock zone
/// its listing prints dates in when it could be told, each trustpoint's enrollment start (UTC when known) and every
/// assumption and gap (<see cref="Notes"/>). <see cref="Config"/> keeps what <c>RouterSpec</c> cannot express.
/// </summary>
public sealed record IosModeledRouter(
    RouterSpec Router,
    IReadOnlyList<CaSpec> Cas,
    IReadOnlyList<TrustpointCa> Store,
    ClockZone? Clock,
    IReadOnlyDictionary<string, DateTime> EnrollmentStarts,
    IReadOnlyList<IosNote> Notes,
    IosRouterConfig Config);

/// <summary>Two modelled routers in one scenario's terms (<see cref="IosRouterModel.Pair"/>): their specs on one
/// enrollment timeline, the CAs both reference, and what had to be assumed.</summary>
public sealed record IosRouterPair(IReadOnlyList<RouterSpec> Routers, IReadOnlyList<CaSpec> Cas, IReadOnlyList<IosNote> Notes);

/// <summary>
/// Turns parsed IOS text into the forge's router model (docs/ios-parsers.md, "From text to RouterSpec"): trustpoints
/// in configuration order; the store order from <c>show crypto pki certificates</c> (first listed = newest), else from
/// the certificate chains' start dates (later = newer), else configuration order, each choice noted; CA names and
/// subjects from the CA certificates (chain or listing); the IKE address from the interface the protected tunnel
/// sources (or the crypto map's interface); the IKEv1/IKEv2/IPsec specs from the sections the tunnel's ipsec profile
/// binds. Never throws: what is missing becomes a placeholder and a <see cref="IosNoteKind.Gap"/> note.
/// </summary>
public static class IosRouterModel
{
    // The forge's defaults (docs/scenario-format.md: CA certificates 3 years, issued certificates 1 year).
    private const int DefaultCaValidityDays = ScenarioDefaults.CaValidityDays;
    private const int DefaultIssuedValidityDays = ScenarioDefaults.IssuedValidityDays;

    public static IosModeledRouter Build(
        IosRouterConfig config,
        PkiCertificateListing? listing = null,
        Ikev2ProfileListing? ikev2Profiles = null,
        IsakmpProfileListing? isakmpProfiles = null,
        string? routerName = null) =>
        new Builder(config, listing, ikev2Profiles, isakmpProfiles, routerName).Build();

    /// <summary>
    /// Puts two routers modelled one by one into one scenario's terms (docs/scenario-format.md, "the enrollment
    /// timeline"): one timeline of <see cref="TrustpointSpec.Enrolled"/> steps that keeps each router's store order and
    /// interleaves the two by their certificates' start dates where both are known (else <paramref name="first"/>'s
    /// before <paramref name="second"/>'s, noted), and one CA list (a CA both routers trust, by subject, is one
    /// <see cref="CaSpec"/>; two different CAs of one name are told apart).
    /// </summary>
    public static IosRouterPair Pair(IosModeledRouter first, IosModeledRouter second)
    {
        var notes = new List<IosNote>();
        var cas = first.Cas.ToList();
        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (CaSpec ca in second.Cas)
        {
            CaSpec? same = cas.FirstOrDefault(c => IosBuiltInCas.DnKey(c.Subject) == IosBuiltInCas.DnKey(ca.Subject));
            if (same is not null)
            {
                rename[ca.Name] = same.Name;
                continue;
            }
            string name = ca.Name;
            for (int n = 2; cas.Any(c => c.Name == name); n++)
                name = $"{ca.Name}-{n}";
            if (name != ca.Name)
                notes.Add(new IosNote(IosNoteKind.Assumption, $"{first.Router.Name} and {second.Router.Name} each have a CA called {ca.Name} with different names ({cas.First(c => c.Name == ca.Name).Subject}, {ca.Subject}): {second.Router.Name}'s is {name}"));
            rename[ca.Name] = name;
            cas.Add(ca with { Name = name });
        }

        // Merge the two store orders, oldest first, by start date; a router's own order is never changed.
        var a = first.Router.Trustpoints.OrderBy(t => t.Enrolled).ToList();
        var b = second.Router.Trustpoints.OrderBy(t => t.Enrolled).ToList();
        var timeline = new List<(bool First, TrustpointSpec Tp)>();
        int i = 0, j = 0;
        bool guessed = false;
        while (i < a.Count || j < b.Count)
        {
            bool takeFirst;
            if (j >= b.Count)
                takeFirst = true;
            else if (i >= a.Count)
                takeFirst = false;
            else if (first.EnrollmentStarts.TryGetValue(a[i].Name, out DateTime sa) && second.EnrollmentStarts.TryGetValue(b[j].Name, out DateTime sb) && sa.Kind == sb.Kind)
                takeFirst = sa <= sb;
            else
            {
                takeFirst = true;
                guessed = true;
            }
            timeline.Add(takeFirst ? (true, a[i++]) : (false, b[j++]));
        }
        if (guessed)
            notes.Add(new IosNote(IosNoteKind.Assumption, $"the start dates do not order every enrollment of {first.Router.Name} against {second.Router.Name}'s: where they do not, {first.Router.Name}'s are taken as earlier"));
        int Step(bool isFirst, string tp) => timeline.FindIndex(x => x.First == isFirst && x.Tp.Name == tp) + 1;
        RouterSpec r1 = first.Router with { Trustpoints = first.Router.Trustpoints.Select(t => t with { Enrolled = Step(true, t.Name) }).ToArray() };
        RouterSpec r2 = second.Router with
        {
            Trustpoints = second.Router.Trustpoints.Select(t => t with { Enrolled = Step(false, t.Name), Ca = rename.GetValueOrDefault(t.Ca, t.Ca) }).ToArray(),
        };
        return new IosRouterPair([r1, r2], cas, notes);
    }

    /// <summary>What is known of one trustpoint's certificates.</summary>
    private sealed class Evidence(IosTrustpoint tp)
    {
        public IosTrustpoint Trustpoint { get; } = tp;
        public CertificateInfo? ChainIdentity { get; set; }
        public CertificateInfo? ChainCa { get; set; }
        public bool HasChain { get; set; }
        public PkiListingEntry? ListedIdentity { get; set; }
        public PkiListingEntry? ListedCa { get; set; }
        public bool HasIdentity { get; set; }
        public string? CaDn { get; set; }
        public byte[]? CaNameDer { get; set; }
        public string? CaName { get; set; }
        public DateTime? StartUtc => ChainIdentity?.NotBefore;
    }

    private sealed class Builder(
        IosRouterConfig config, PkiCertificateListing? listing, Ikev2ProfileListing? ikev2Listing, IsakmpProfileListing? isakmpListing, string? routerName)
    {
        private readonly List<IosNote> _notes = [];
        private readonly string _source = config.SourceName;

        private void Note(IosNoteKind kind, string text, int line = 0, string? source = null) =>
            _notes.Add(new IosNote(kind, text, source ?? _source, line));

        public IosModeledRouter Build()
        {
            string hostname = Hostname();
            string name = routerName ?? hostname;
            var evidence = Trustpoints().Select(t => new Evidence(t)).ToList();
            if (evidence.Count == 0)
                Note(IosNoteKind.Gap, "no crypto pki trustpoint in the configuration: the router has no certificate to select");
            Gather(evidence);
            ClockZone? clock = Clock(evidence);
            List<Evidence> store = StoreOrder(evidence);
            IReadOnlyList<CaSpec> cas = Cas(evidence);
            var trustpoints = evidence.Select(e => Trustpoint(e, store, evidence)).ToArray();

            (InterfaceAddress ike, InterfaceAddress tunnel, IosInterface? tunnelInterface, IosInterface? mapInterface) = Addresses();
            InterfaceAddress? loopback = config.Interfaces
                .Where(i => i.IsLoopback && i.Address?.Prefix is not null)
                .OrderBy(i => i.Name == "Loopback0" ? 0 : 1)
                .Select(i => i.Address!.Prefix)
                .FirstOrDefault();

            Ikev1Spec? v1 = Ikev1(evidence);
            Ikev2Spec? v2 = Ikev2(evidence);
            IpsecSpec ipsec = Ipsec(tunnelInterface, mapInterface, v1, v2);
            if (v1 is null && v2 is null)
                Note(IosNoteKind.Gap, "neither crypto isakmp nor crypto ikev2 sections: no IKE configuration to model");

            var router = new RouterSpec(name, hostname, config.DomainName, ike, tunnel, loopback, trustpoints, v1, v2, ipsec);
            var storeCas = store.Select(e => TrustpointCa(e, true))
                .Concat(evidence.Where(e => !store.Contains(e)).Select(e => TrustpointCa(e, false)))
                .Concat(BuiltIns())
                .ToArray();
            var starts = evidence.Where(e => StartOf(e, clock) is not null).ToDictionary(e => e.Trustpoint.Name, e => StartOf(e, clock)!.Value);
            return new IosModeledRouter(router, cas, storeCas, clock, starts, _notes.ToArray(), config);
        }

        /// <summary>The configured trustpoints, then a placeholder for each one a profile or the listing names but the
        /// text does not configure (an excerpt that left its section out).</summary>
        private List<IosTrustpoint> Trustpoints()
        {
            var list = config.Trustpoints.ToList();
            var referenced = config.IsakmpProfiles.SelectMany(p => p.CaTrustPoints.Select(t => (t, $"isakmp profile {p.Name}")))
                .Concat(config.Ikev2Profiles.SelectMany(p => p.PkiTrustpoints.Select(t => (t.Name, $"ikev2 profile {p.Name}"))))
                .Concat(listing?.Entries.Where(e => e.Kind is PkiEntryKind.Certificate or PkiEntryKind.CaCertificate)
                    .SelectMany(e => e.AssociatedTrustpoints.Select(t => (t, "the certificate listing"))) ?? []);
            foreach ((string name, string where) in referenced)
            {
                if (list.Any(t => t.Name == name))
                    continue;
                list.Add(new IosTrustpoint(name, 0, null, null, IosSerialNumberSetting.NotConfigured, null, null, null, null, [], null));
                Note(IosNoteKind.Gap, $"{where} names trustpoint {name}, which the configuration text does not configure: a trustpoint with no known settings stands in for it");
            }
            return list;
        }

        private string Hostname()
        {
            if (config.Hostname is { } h)
            {
                if (listing?.PromptHostnames is [var lh, ..] && lh != h)
                    Note(IosNoteKind.Conflict, $"the certificate listing's prompt is {lh}, the configuration's hostname {h}: are both from the same router?", source: listing.SourceName);
                return h;
            }
            string? prompt = config.PromptHostnames.FirstOrDefault() ?? listing?.PromptHostnames.FirstOrDefault();
            if (prompt is not null)
            {
                Note(IosNoteKind.Assumption, $"no hostname line: the prompt's hostname {prompt} is used");
                return prompt;
            }
            string fallback = routerName ?? "router";
            Note(IosNoteKind.Gap, $"no hostname line and no prompt: the router is called {fallback}");
            return fallback;
        }

        // ---- certificates ----

        private void Gather(List<Evidence> evidence)
        {
            foreach (Evidence e in evidence)
            {
                IosCertificateChain? chain = config.Chain(e.Trustpoint.Name);
                e.HasChain = chain is not null;
                e.ChainIdentity = chain?.Identity?.Certificate;
                e.ChainCa = chain?.Ca?.Certificate;
                if (e.ChainIdentity is null && e.ChainCa is null
                    && chain?.Certificates.FirstOrDefault(c => c.Kind == IosChainCertificateKind.SelfSigned && c.Certificate is not null) is { } self)
                {
                    // certificate self-signed NN (enrollment selfsigned): the router is its own CA.
                    e.ChainIdentity = e.ChainCa = self.Certificate;
                    Note(IosNoteKind.Approximation, $"trustpoint {e.Trustpoint.Name} holds a self-signed certificate: modelled as a CA of its own that enrolled it", self.Line);
                }
                if (chain is not null)
                    foreach (IosChainCertificate c in chain.Certificates.Where(c => c.Certificate is null && c.Storage is null))
                        Note(IosNoteKind.Gap, $"trustpoint {e.Trustpoint.Name}: certificate {c.Serial} of its chain is unreadable ({c.Problem}): it is left out", c.Line);
            }
            foreach (IosCertificateChain chain in config.CertificateChains.Where(c => config.Trustpoint(c.Trustpoint) is null))
                Note(IosNoteKind.Conflict, $"certificate chain {chain.Trustpoint} has no crypto pki trustpoint of that name", chain.Line);

            if (listing is not null)
            {
                foreach (PkiListingEntry entry in listing.Entries)
                {
                    if (entry.AssociatedTrustpoints.Count == 0)
                    {
                        Note(IosNoteKind.Gap, $"listing entry '{entry.Title}' (serial {entry.SerialHex ?? "?"}) names no trustpoint: not used", entry.Line, listing.SourceName);
                        continue;
                    }
                    foreach (string tp in entry.AssociatedTrustpoints)
                    {
                        Evidence? e = evidence.FirstOrDefault(x => x.Trustpoint.Name == tp);
                        if (e is null)
                        {
                            if (entry.Kind == PkiEntryKind.Certificate)
                                Note(IosNoteKind.Conflict, $"the listing shows a certificate of trustpoint {tp}, which the configuration does not have", entry.Line, listing.SourceName);
                            continue;
                        }
                        if (entry.Kind == PkiEntryKind.Certificate)
                            e.ListedIdentity ??= entry;
                        else if (entry.Kind == PkiEntryKind.CaCertificate)
                            e.ListedCa ??= entry;
                    }
                }
            }

            bool listingComplete = listing is { Truncated: false, Entries.Count: > 0 };
            foreach (Evidence e in evidence)
            {
                CrossCheck(e);
                if (e.ChainIdentity is not null || e.ListedIdentity is not null)
                    e.HasIdentity = true;
                else if (e.HasChain || listingComplete)
                {
                    e.HasIdentity = false;
                    Note(IosNoteKind.Approximation, $"trustpoint {e.Trustpoint.Name} holds no identity certificate ({(e.HasChain ? "its chain has none" : "the listing shows none")}); RouterSpec cannot say so (the forge enrolls every trustpoint), so it is placed last in the store order");
                }
                else
                {
                    e.HasIdentity = true;
                    Note(IosNoteKind.Assumption, $"trustpoint {e.Trustpoint.Name}: neither a certificate chain nor a listing entry shows its certificates; an identity certificate is assumed enrolled");
                }
                CaOf(e);
            }
        }

        private void CrossCheck(Evidence e)
        {
            if (e.ChainIdentity is { } c && e.ListedIdentity is { SerialHex: { } s } l
                && !string.Equals(c.SerialHex?.TrimStart('0'), s.TrimStart('0'), StringComparison.OrdinalIgnoreCase))
                Note(IosNoteKind.Conflict, $"trustpoint {e.Trustpoint.Name}: the configuration's certificate is serial {c.SerialHex?.ToUpperInvariant()}, the listing's {s}; the configuration's is used", l.Line, listing!.SourceName);
            if (e.ChainIdentity is { } ci && e.ListedIdentity?.IssuerDn is { } li && !e.ListedIdentity.Incomplete
                && IosBuiltInCas.DnKey(li) != IosBuiltInCas.DnKey(ci.IssuerIos!))
                Note(IosNoteKind.Conflict, $"trustpoint {e.Trustpoint.Name}: the listing's issuer {li} is not the certificate's {ci.IssuerIos}; the certificate's is used", e.ListedIdentity.Line, listing!.SourceName);
        }

        /// <summary>The CA's DN and DER: the CA certificate's subject, else the identity certificate's issuer (both from
        /// the chain), else the listing's CA entry, else the listing's issuer of the identity entry.</summary>
        private void CaOf(Evidence e)
        {
            string tp = e.Trustpoint.Name;
            if (e.ChainCa is { } ca)
                (e.CaDn, e.CaNameDer) = (ca.SubjectIos, ca.SubjectDer);
            else if (e.ChainIdentity is { } id)
                (e.CaDn, e.CaNameDer) = (id.IssuerIos, id.IssuerDer);
            else
            {
                string? dn = e.ListedCa?.SubjectDn ?? e.ListedIdentity?.IssuerDn;
                if (dn is null)
                    return;
                if (!IosDn.IsValid(dn))
                {
                    // A damaged paste (a stray word in an RDN line, an empty value): the name cannot be a CA's subject.
                    var entry = (e.ListedCa ?? e.ListedIdentity)!;
                    Note(IosNoteKind.Problem, $"trustpoint {tp}: its CA's name in the listing, {dn}, is not a distinguished name ({IosDn.Problem(dn)}): not used", entry.Line, listing!.SourceName);
                    return;
                }
                e.CaDn = dn;
                e.CaNameDer = IosDn.IsValid(dn) ? IosDn.ToDer(dn) : null;
                bool cut = (e.ListedCa ?? e.ListedIdentity)!.Incomplete;
                Note(cut ? IosNoteKind.Gap : IosNoteKind.Assumption,
                    $"trustpoint {tp}: its CA's name {dn} comes from the listing text{(cut ? ", whose entry was cut short: the name may be incomplete" : "")}"
                    + (e.CaNameDer is null ? "; it cannot be encoded again, so an IKEv1 CERT_REQ for it cannot be rebuilt" : "; its DER is re-encoded (PrintableString assumed)"));
            }
        }

        private ClockZone? Clock(List<Evidence> evidence)
        {
            if (config.Clock is { } c)
                return new ClockZone(c.Name, c.Offset);
            // The listing prints the same instants the chain's DER holds, in the router's zone: the difference is the offset.
            foreach (Evidence e in evidence)
                if (e.ChainIdentity is { } id && e.ListedIdentity is { ValidFrom: { } from, SerialHex: { } serial }
                    && string.Equals(id.SerialHex!.TrimStart('0'), serial.TrimStart('0'), StringComparison.OrdinalIgnoreCase))
                {
                    TimeSpan offset = TimeSpan.FromMinutes(Math.Round((from.Local - id.NotBefore!.Value).TotalMinutes));
                    if (offset.Duration() > TimeSpan.FromHours(14))
                    {
                        // No zone is more than 14 hours from UTC: the listing's date is not the certificate's.
                        Note(IosNoteKind.Conflict, $"the listing's start date of {e.Trustpoint.Name}'s certificate is {offset.TotalHours:0.#} hours from its DER's: no clock offset taken from it");
                        continue;
                    }
                    Note(IosNoteKind.Assumption, $"clock zone {from.Zone ?? "(unnamed)"} is UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}, from the listing's start date of {e.Trustpoint.Name}'s certificate against its DER");
                    return new ClockZone(from.Zone ?? "UTC", offset);
                }
            IosShowTime? any = listing?.Entries.Select(x => x.ValidFrom).FirstOrDefault(t => t is not null);
            if (any?.KnownOffset is { } known)
                return new ClockZone(any.Zone ?? "UTC", known);
            if (any is not null)
                Note(IosNoteKind.Gap, $"the listing prints dates in {any.Zone}, whose offset neither 'clock timezone' nor a certificate gives");
            return null;
        }

        private DateTime? StartOf(Evidence e, ClockZone? clock) =>
            e.ChainIdentity?.NotBefore
            ?? (e.ListedIdentity?.ValidFrom is { } from
                ? (clock is not null ? from.Utc(clock.Offset) : from.KnownOffset is { } k ? from.Utc(k) : DateTime.SpecifyKind(from.Local, DateTimeKind.Unspecified))
                : null);

        /// <summary>The trustpoints with an identity certificate, newest enrollment first (selection-model.md,
        /// "certificate store order"), then those without one.</summary>
        private List<Evidence> StoreOrder(List<Evidence> evidence)
        {
            var identities = evidence.Where(e => e.HasIdentity).ToList();
            var order = new List<Evidence>();
            if (listing is not null && identities.Any(e => e.ListedIdentity is not null))
            {
                // The listing's order is IOS's: its first identity certificate is the newest and CERT_REQs follow it.
                order.AddRange(listing.IdentityCertificates
                    .SelectMany(entry => identities.Where(e => e.ListedIdentity == entry))
                    .Distinct());
                var rest = identities.Except(order).ToList();
                if (rest.Count > 0)
                {
                    var byDate = ByStartDate(rest);
                    order.AddRange(byDate);
                    Note(IosNoteKind.Assumption, $"the listing does not show {Names(rest)}{(listing.Truncated ? " (output omitted)" : "")}: placed after the listed ones, "
                        + (rest.All(e => e.StartUtc is not null) ? "newest start date first" : "in reverse configuration order"), source: listing.SourceName);
                }
                for (int i = 0; i < order.Count; i++)
                    for (int j = i + 1; j < order.Count; j++)
                        if (order[i].StartUtc is { } a && order[j].StartUtc is { } b && b > a)
                            Note(IosNoteKind.Conflict, $"the listing shows {order[i].Trustpoint.Name}'s certificate before {order[j].Trustpoint.Name}'s, "
                                + $"but the latter starts later ({b:u} > {a:u}); the listing's order is used (it is the order IOS sends CERT_REQs in)", source: listing.SourceName);
            }
            else if (identities.Any(e => e.StartUtc is not null))
            {
                order.AddRange(ByStartDate(identities));
                Note(IosNoteKind.Assumption, (listing is null ? "no show crypto pki certificates given" : "the listing shows no configured trustpoint's certificate")
                    + ": store order taken from the certificates' start dates (the later start is the newer enrollment): " + Names(order));
                var undated = identities.Where(e => e.StartUtc is null).ToList();
                if (undated.Count > 0)
                    Note(IosNoteKind.Assumption, $"{Names(undated)} have no certificate date: placed after the dated ones, in reverse configuration order");
            }
            else
            {
                order.AddRange(Enumerable.Reverse(identities));
                if (identities.Count > 1)
                    Note(IosNoteKind.Assumption, "no certificate listing and no certificate dates: the trustpoints are assumed enrolled in configuration order, "
                        + $"so the last configured is the newest and listed first: {Names(order)}");
            }
            return order;
        }

        private static List<Evidence> ByStartDate(List<Evidence> list) =>
            list.Select((e, i) => (e, i))
                .OrderByDescending(x => x.e.StartUtc ?? DateTime.MinValue)
                .ThenByDescending(x => x.i)
                .Select(x => x.e)
                .ToList();

        private static string Names(IEnumerable<Evidence> list) => string.Join(", ", list.Select(e => e.Trustpoint.Name));

        private IReadOnlyList<CaSpec> Cas(List<Evidence> evidence)
        {
            var cas = new List<CaSpec>();
            var byKey = new Dictionary<string, CaSpec>(StringComparer.Ordinal);
            foreach (Evidence e in evidence)
            {
                if (e.CaDn is null)
                {
                    string placeholder = Unique(e.Trustpoint.Name, cas);
                    e.CaName = placeholder;
                    var spec = new CaSpec(placeholder, PlaceholderDn(placeholder), e.Trustpoint.EnrollmentUrl, DefaultCaValidityDays, DefaultIssuedValidityDays);
                    cas.Add(spec);
                    Note(IosNoteKind.Gap, $"trustpoint {e.Trustpoint.Name}: no certificate shows its CA; a placeholder CA {spec.Subject} stands in for it");
                    continue;
                }
                string key = IosBuiltInCas.DnKey(e.CaDn);
                if (byKey.TryGetValue(key, out CaSpec? known))
                {
                    e.CaName = known.Name;
                    continue;
                }
                string name = Unique(CommonName(e) ?? e.CaDn, cas);
                int caDays = e.ChainCa is { NotBefore: { } caFrom, NotAfter: { } caTo } ? Days(caFrom, caTo)
                    : e.ListedCa is { ValidFrom: { } f, ValidTo: { } t } ? Days(f.Local, t.Local) : DefaultCaValidityDays;
                CertificateInfo? issued = evidence.Where(x => x.CaDn is not null && IosBuiltInCas.DnKey(x.CaDn) == key).Select(x => x.ChainIdentity).FirstOrDefault(c => c is not null);
                PkiListingEntry? listed = evidence.Where(x => x.CaDn is not null && IosBuiltInCas.DnKey(x.CaDn) == key).Select(x => x.ListedIdentity).FirstOrDefault(c => c is not null);
                int issuedDays = issued is { NotBefore: { } issuedFrom, NotAfter: { } issuedTo } ? Days(issuedFrom, issuedTo)
                    : listed is { ValidFrom: { } lf, ValidTo: { } lt } ? Days(lf.Local, lt.Local) : DefaultIssuedValidityDays;
                var caSpec = new CaSpec(name, ForgeableSubject(e, name), e.Trustpoint.EnrollmentUrl, caDays, issuedDays);
                byKey[key] = caSpec;
                cas.Add(caSpec);
                e.CaName = name;
            }
            return cas;
        }

        /// <summary>
        /// The CA's subject as the forge will encode it: the name as shown when it parses as one (<see cref="IosDn"/>);
        /// else the certificate's own name written with escapes (a value holding <c>+</c> or <c>\</c>), when nothing in
        /// it needs hiding; else a placeholder, noted. The name as shown stays what the reports print.
        /// </summary>
        private string ForgeableSubject(Evidence e, string name)
        {
            string shown = e.CaDn!;
            if (IosDn.IsValid(shown))
                return shown;
            if (e.CaNameDer is { } der && IosDn.FromDer(der) is { } exact && IosDn.IsValid(exact) && Text.SafeText.Visible(exact) == exact)
            {
                Note(IosNoteKind.Approximation, $"CA {name}: its name {shown} is written again from the certificate's own name, with escapes: {exact}");
                return exact;
            }
            string placeholder = PlaceholderDn(name);
            if (!IosDn.IsValid(placeholder)) placeholder = "cn=unknown";
            Note(IosNoteKind.Approximation, $"CA {name}: its name {shown} cannot be written again ({IosDn.Problem(shown)}); the forge names it {placeholder}");
            return placeholder;
        }

        private static int Days(DateTime from, DateTime to) => (int)Math.Round((to - from).TotalDays);

        private static string? CommonName(Evidence e)
        {
            if (e.ChainCa?.SubjectValues(CertificateInfo.CommonNameOid) is [var cn, ..])
                return cn;
            return e.CaDn!.Split(',').Select(a => a.Trim()).FirstOrDefault(a => a.StartsWith("cn=", StringComparison.OrdinalIgnoreCase))?[3..];
        }

        private string Unique(string name, List<CaSpec> cas)
        {
            string candidate = name;
            for (int n = 2; cas.Any(c => c.Name == candidate); n++)
                candidate = $"{name}-{n}";
            if (candidate != name)
                Note(IosNoteKind.Assumption, $"two CAs would both be called {name}: the second is {candidate}");
            return candidate;
        }

        // ---- trustpoints ----

        private TrustpointSpec Trustpoint(Evidence e, List<Evidence> store, List<Evidence> all)
        {
            IosTrustpoint tp = e.Trustpoint;
            // Enrollment steps: the newest gets the highest; trustpoints without identity certificate are the oldest.
            var ranked = store.Concat(all.Where(x => !store.Contains(x))).ToList();
            int enrolled = ranked.Count - ranked.IndexOf(e);

            string? serial = null;
            IReadOnlyList<string> certSerial = e.ChainIdentity?.SubjectValues(CertificateInfo.SerialNumberOid) ?? [];
            string? fromCertificate = certSerial.FirstOrDefault() ?? e.ListedIdentity?.SubjectSerialNumber;
            switch (tp.SerialNumber)
            {
                case IosSerialNumberSetting.Included:
                    serial = tp.SerialNumberValue ?? fromCertificate;
                    if (serial is null)
                    {
                        // serial-number puts the router's own serial in: the same for every trustpoint of the router.
                        serial = all.Select(x => x.ChainIdentity?.SubjectValues(CertificateInfo.SerialNumberOid).FirstOrDefault() ?? x.ListedIdentity?.SubjectSerialNumber)
                            .FirstOrDefault(s => s is not null);
                        if (serial is not null)
                            Note(IosNoteKind.Assumption, $"trustpoint {tp.Name}: 'serial-number' without a certificate to show it; the router's serial {serial} is taken from another trustpoint's certificate");
                        else
                            Note(IosNoteKind.Gap, $"trustpoint {tp.Name}: 'serial-number' is configured but no certificate shows the router's serial number", tp.Line);
                    }
                    break;
                case IosSerialNumberSetting.NotConfigured when fromCertificate is not null:
                    serial = fromCertificate;
                    Note(IosNoteKind.Assumption, $"trustpoint {tp.Name}: no 'serial-number' line, but its certificate has serialNumber={serial} (IOS asks at enrollment): kept");
                    break;
            }
            if (serial is not null && !IosDn.IsValid("serialNumber=" + serial))
            {
                Note(IosNoteKind.Problem, $"trustpoint {tp.Name}: the serial number '{serial}' cannot be a subject's serialNumber ({IosDn.Problem("serialNumber=" + serial)}): left out", tp.Line);
                serial = null;
            }

            IPAddress? ip = null;
            if (tp.IpAddress is { } ipText)
            {
                if (IPAddress.TryParse(ipText, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork)
                    ip = parsed;
                else if (config.Interface(ipText)?.Address is { } ifAddress)
                {
                    ip = ifAddress.Address;
                    Note(IosNoteKind.Assumption, $"trustpoint {tp.Name}: 'ip-address {ipText}' is {ip}, that interface's address");
                }
                else
                    Note(IosNoteKind.Gap, $"trustpoint {tp.Name}: 'ip-address {ipText}' names no configured interface address", tp.Line);
            }

            bool placeholder = tp.Line == 0 && !config.Trustpoints.Contains(tp);
            string revocation = "crl";
            if (tp.RevocationCheck.Count == 0)
            {
                if (!placeholder)
                    Note(IosNoteKind.Assumption, $"trustpoint {tp.Name}: no revocation-check line; IOS's default, crl, assumed");
            }
            else
            {
                revocation = tp.RevocationCheck[0].ToLowerInvariant();
                if (revocation is not ("crl" or "ocsp" or "none"))
                {
                    Note(IosNoteKind.Approximation, $"trustpoint {tp.Name}: revocation-check {string.Join(' ', tp.RevocationCheck)} is modelled as crl");
                    revocation = "crl";
                }
                else if (tp.RevocationCheck.Count > 1)
                    Note(IosNoteKind.Approximation, $"trustpoint {tp.Name}: revocation-check {string.Join(' ', tp.RevocationCheck)} is modelled by its first method, {revocation}");
            }
            if (tp.RsaKeyPair is not null)
                Note(IosNoteKind.Approximation, $"trustpoint {tp.Name}: rsakeypair {tp.RsaKeyPair} is not modelled (the forge gives a router one key pair)");
            if (tp.Fqdn is null && ip is null && serial is null && tp.SubjectName is null && !placeholder)
                Note(IosNoteKind.Gap, $"trustpoint {tp.Name}: no subject field is configured (subject-name, fqdn, ip-address, serial-number); IOS asks at enrollment, the forge cannot", tp.Line);

            string? subjectName = tp.SubjectName, fqdn = tp.Fqdn;
            if (subjectName is not null && IosDn.Problem(subjectName) is { } badSubject)
            {
                Note(IosNoteKind.Problem, $"trustpoint {tp.Name}: 'subject-name {subjectName}' is not a distinguished name ({badSubject}): left out", tp.Line);
                subjectName = null;
            }
            if (fqdn is not null && IosDn.Problem("hostname=" + fqdn) is { } badFqdn)
            {
                Note(IosNoteKind.Problem, $"trustpoint {tp.Name}: 'fqdn {fqdn}' cannot be a subject's hostname ({badFqdn}): left out", tp.Line);
                fqdn = null;
            }
            return new TrustpointSpec(tp.Name, e.CaName!, enrolled, tp.EnrollmentUrl, serial, fqdn, ip, subjectName, revocation);
        }

        private static TrustpointCa TrustpointCa(Evidence e, bool hasIdentity)
        {
            string placeholder = PlaceholderDn(e.CaName!);
            return new(e.Trustpoint.Name, e.CaDn ?? placeholder, e.CaNameDer ?? IosDn.ToDer(IosDn.IsValid(placeholder) ? placeholder : "cn=unknown"),
                e.ChainCa?.SpkiSha1Octets, hasIdentity, false);
        }

        /// <summary>The name given to a CA no certificate shows: <c>cn=</c> and the name the model calls it by, escaped
        /// so that a name with a DN separator (<c>+OSCA2</c>) stays one value.</summary>
        private static string PlaceholderDn(string name) => "cn=" + IosDn.EscapeValue(name);

        private static IEnumerable<TrustpointCa> BuiltIns()
        {
            for (int i = 0; i < IosBuiltInCas.Dns.Count; i++)
                yield return new TrustpointCa(IosBuiltInTrustpoints.Names[i], IosBuiltInCas.Dns[i], IosBuiltInTrustpoints.CaDers[i], null, false, true);
        }

        // ---- interfaces ----

        private static readonly InterfaceAddress s_unknown = new(IPAddress.Any, 32);

        private (InterfaceAddress Ike, InterfaceAddress Tunnel, IosInterface? TunnelInterface, IosInterface? MapInterface) Addresses()
        {
            var tunnels = config.Interfaces.Where(i => i.TunnelProtectionProfile is not null).ToList();
            if (tunnels.Count > 0)
            {
                IosInterface t = tunnels[0];
                if (tunnels.Count > 1)
                    Note(IosNoteKind.Approximation, $"several protected tunnels ({string.Join(", ", tunnels.Select(x => x.Name))}): {t.Name} is modelled", t.Line);
                InterfaceAddress tunnelAddress = t.Address?.Prefix ?? Missing(s_unknown, $"{t.Name} has no IPv4 address: 0.0.0.0/32 stands in", t.Line);
                InterfaceAddress ike;
                if (t.TunnelSource is null)
                    ike = Missing(s_unknown, $"{t.Name} has no tunnel source: the IKE address is unknown", t.Line);
                else if (IPAddress.TryParse(t.TunnelSource, out var literal))
                    ike = config.Interfaces.Select(i => i.Address?.Prefix).FirstOrDefault(p => p is { } a && a.Address.Equals(literal)) ?? new InterfaceAddress(literal, 32);
                else if (config.Interface(t.TunnelSource) is { Address.Prefix: { } src })
                    ike = src;
                else
                    ike = Missing(s_unknown, $"{t.Name} sources {t.TunnelSource}, which has no configured address: the IKE address is unknown", t.Line);
                return (ike, tunnelAddress, t, null);
            }
            IosInterface? map = config.Interfaces.FirstOrDefault(i => i.CryptoMap is not null);
            if (map is not null)
            {
                Note(IosNoteKind.Approximation, $"crypto map {map.CryptoMap} on {map.Name}, no tunnel interface: the IKE address is {map.Name}'s and RouterSpec's tunnel address is a placeholder, 0.0.0.0/32", map.Line);
                return (map.Address?.Prefix ?? Missing(s_unknown, $"{map.Name} has no IPv4 address", map.Line), s_unknown, null, map);
            }
            IosInterface? any = config.Interfaces.FirstOrDefault(i => !i.IsLoopback && !i.IsTunnel && i.Address?.Prefix is not null);
            if (any is not null)
            {
                Note(IosNoteKind.Gap, $"no protected tunnel and no crypto map: {any.Name}'s address is taken as the IKE address; the tunnel address is a placeholder", any.Line);
                return (any.Address!.Prefix!.Value, s_unknown, null, null);
            }
            Note(IosNoteKind.Gap, "no interface with an address: the IKE and tunnel addresses are placeholders (0.0.0.0/32)");
            return (s_unknown, s_unknown, null, null);
        }

        private InterfaceAddress Missing(InterfaceAddress placeholder, string text, int line)
        {
            Note(IosNoteKind.Gap, text, line);
            return placeholder;
        }

        // ---- IKE ----

        private IReadOnlyList<string> KnownTrustpoints(IEnumerable<string> names, string where, List<Evidence> evidence)
        {
            var known = new List<string>();
            foreach (string n in names.Distinct())
            {
                if (evidence.Any(e => e.Trustpoint.Name == n))
                    known.Add(n);
                else
                    Note(IosNoteKind.Gap, $"{where} names trustpoint {n}, which is not configured: left out");
            }
            return known;
        }

        private Ikev1Spec? Ikev1(List<Evidence> evidence)
        {
            if (config.IsakmpPolicies.Count == 0 && config.IsakmpProfiles.Count == 0)
                return null;
            IsakmpPolicySpec policy;
            if (config.IsakmpPolicies.Count == 0)
            {
                policy = new IsakmpPolicySpec(1, IosIsakmpPolicy.DefaultEncryption, IosIsakmpPolicy.DefaultHash, IosIsakmpPolicy.DefaultGroup,
                    IosIsakmpPolicy.DefaultAuthentication, IosIsakmpPolicy.DefaultLifetime);
                Note(IosNoteKind.Assumption, "no crypto isakmp policy: IOS's default parameters (des, sha, rsa-sig, group 1, 86400 s) assumed");
            }
            else
            {
                IosIsakmpPolicy p = config.IsakmpPolicies.MinBy(x => x.Priority)!;
                policy = new IsakmpPolicySpec(p.Priority, p.Encryption, p.Hash, p.Group, p.Authentication, p.Lifetime);
                if (p.Defaulted.Count > 0)
                    Note(IosNoteKind.Assumption, $"crypto isakmp policy {p.Priority} does not set {string.Join(", ", p.Defaulted)}: IOS's defaults", p.Line);
                if (config.IsakmpPolicies.Count > 1)
                    Note(IosNoteKind.Approximation, $"{config.IsakmpPolicies.Count} isakmp policies: the highest priority, {p.Priority}, is modelled; the others are kept in the configuration", p.Line);
            }

            IEnumerable<IosIsakmpProfile> ordered = config.IsakmpProfiles;
            if (isakmpListing is { Profiles.Count: > 0 })
            {
                foreach (IsakmpProfileListingEntry l in isakmpListing.Profiles.Where(l => config.IsakmpProfile(l.Name) is null))
                    Note(IosNoteKind.Conflict, $"the listing shows isakmp profile {l.Name}, which the configuration does not have: left out", l.Line, isakmpListing.SourceName);
                var listed = isakmpListing.Profiles.Select(l => config.IsakmpProfile(l.Name)).OfType<IosIsakmpProfile>().Distinct().ToList();
                ordered = listed.Concat(config.IsakmpProfiles.Except(listed)).ToList();
                if (!ordered.Select(x => x.Name).SequenceEqual(config.IsakmpProfiles.Select(x => x.Name)))
                    Note(IosNoteKind.Assumption, "show crypto isakmp profile lists the profiles in another order than the configuration: the listing's order is used for equally specific matches", source: isakmpListing.SourceName);
                foreach (IsakmpProfileListingEntry l in isakmpListing.Profiles)
                    if (config.IsakmpProfile(l.Name) is { } c && !l.AllTrustpoints && !l.Trustpoints.SequenceEqual(c.CaTrustPoints))
                        Note(IosNoteKind.Conflict, $"isakmp profile {l.Name}: the listing shows trustpoints {string.Join(" ", l.Trustpoints)}, the configuration 'ca trust-point {string.Join(", ", c.CaTrustPoints)}'; the configuration is used", l.Line, isakmpListing.SourceName);
                    else if (config.IsakmpProfile(l.Name) is { CaTrustPoints.Count: > 0 } c2 && l.AllTrustpoints)
                        Note(IosNoteKind.Conflict, $"isakmp profile {l.Name}: the listing shows all trustpoints, the configuration 'ca trust-point {string.Join(", ", c2.CaTrustPoints)}'; the configuration is used", l.Line, isakmpListing.SourceName);
            }
            var profiles = new List<IsakmpProfileSpec>();
            foreach (IosIsakmpProfile p in ordered)
            {
                string match = p.MatchIdentities.FirstOrDefault() ?? "";
                if (p.MatchIdentities.Count == 0)
                    Note(IosNoteKind.Gap, $"isakmp profile {p.Name} has no match identity (IOS deems it incomplete): it matches no peer", p.Line);
                else if (p.MatchIdentities.Count > 1)
                    Note(IosNoteKind.Approximation, $"isakmp profile {p.Name} has {p.MatchIdentities.Count} match identity lines: only the first, '{match}', is modelled", p.Line);
                if (p.MatchCertificates.Count > 0)
                    Note(IosNoteKind.Approximation, $"isakmp profile {p.Name}: match certificate {string.Join(", ", p.MatchCertificates)} is not modelled", p.Line);
                string? self = p.SelfIdentity ?? config.IsakmpIdentity;
                if (p.SelfIdentity is null && config.IsakmpIdentity is not null)
                    Note(IosNoteKind.Assumption, $"isakmp profile {p.Name} has no self-identity: the global 'crypto isakmp identity {config.IsakmpIdentity}' applies", p.Line);
                profiles.Add(new IsakmpProfileSpec(p.Name, self, KnownTrustpoints(p.CaTrustPoints, $"isakmp profile {p.Name}", evidence), match));
            }
            return new Ikev1Spec(policy, profiles);
        }

        private Ikev2Spec? Ikev2(List<Evidence> evidence)
        {
            if (config.Ikev2Profiles.Count == 0 && config.Ikev2Proposals.Count == 0 && config.Ikev2Policies.Count == 0)
                return null;
            IosIkev2Policy? policy = config.Ikev2Policies.FirstOrDefault();
            if (config.Ikev2Policies.Count > 1)
                Note(IosNoteKind.Approximation, $"{config.Ikev2Policies.Count} ikev2 policies: the first, {policy!.Name}, is modelled", policy.Line);
            IosIkev2Proposal? proposal = policy?.Proposals.Select(n => config.Ikev2Proposals.FirstOrDefault(p => p.Name == n)).FirstOrDefault(p => p is not null)
                ?? config.Ikev2Proposals.FirstOrDefault();
            if (policy is { Proposals.Count: > 1 })
                Note(IosNoteKind.Approximation, $"ikev2 policy {policy.Name} lists {policy.Proposals.Count} proposals: {proposal?.Name ?? "none"} is modelled", policy.Line);
            Ikev2ProposalSpec proposalSpec;
            if (proposal is null)
            {
                // IOS's IKEv2 smart defaults: proposal "default" (15.2(4)M+ "show crypto ikev2 proposal default").
                proposalSpec = new Ikev2ProposalSpec("default", ["aes-cbc-256", "aes-cbc-192", "aes-cbc-128"], ["sha512", "sha384", "sha256", "sha1", "md5"], [5, 2]);
                Note(IosNoteKind.Assumption, "no crypto ikev2 proposal: IOS's default proposal assumed (AES-CBC 256/192/128, SHA-512/384/256/1, MD5, groups 5 and 2)");
            }
            else
            {
                proposalSpec = new Ikev2ProposalSpec(proposal.Name, proposal.Encryption, proposal.Integrity, proposal.Groups);
                if (proposal.Encryption.Count == 0 || proposal.Integrity.Count == 0 || proposal.Groups.Count == 0)
                    Note(IosNoteKind.Gap, $"ikev2 proposal {proposal.Name} lacks encryption, integrity or group (IOS deems it incomplete)", proposal.Line);
            }
            string policyName = policy?.Name ?? "default";
            if (policy is null)
                Note(IosNoteKind.Assumption, "no crypto ikev2 policy: IOS's default policy assumed");

            // IosSelection.Ikev2ShowOrder lists the last profile first; with a listing, order the profiles so that it
            // gives the listing's order.
            List<IosIkev2Profile> ordered = config.Ikev2Profiles.ToList();
            if (ikev2Listing is { Profiles.Count: > 0 })
            {
                foreach (Ikev2ProfileListingEntry l in ikev2Listing.Profiles.Where(l => config.Ikev2Profile(l.Name) is null))
                    Note(IosNoteKind.Conflict, $"the listing shows ikev2 profile {l.Name}, which the configuration does not have: left out", l.Line, ikev2Listing.SourceName);
                var listed = ikev2Listing.Profiles.Select(l => config.Ikev2Profile(l.Name)).OfType<IosIkev2Profile>().Distinct().ToList();
                var showOrder = listed.Concat(config.Ikev2Profiles.Except(listed)).ToList();
                ordered = Enumerable.Reverse(showOrder).ToList();
                if (!showOrder.Select(p => p.Name).SequenceEqual(config.Ikev2Profiles.Reverse().Select(p => p.Name)))
                    Note(IosNoteKind.Assumption, $"show crypto ikev2 profile lists {string.Join(", ", showOrder.Select(p => p.Name))}, not the reverse of the configuration order the technote shows: the listing's order is used for equally specific matches", source: ikev2Listing.SourceName);
                foreach (Ikev2ProfileListingEntry l in ikev2Listing.Profiles)
                    if (config.Ikev2Profile(l.Name) is { } c && !l.Trustpoints.Select(t => t.Name).SequenceEqual(c.PkiTrustpoints.Select(t => t.Name)))
                        Note(IosNoteKind.Conflict, $"ikev2 profile {l.Name}: the listing shows trustpoints {string.Join(" ", l.Trustpoints.Select(t => t.Name))}, the configuration {string.Join(" ", c.PkiTrustpoints.Select(t => t.Name))}; the configuration is used", l.Line, ikev2Listing.SourceName);
            }
            else if (config.Ikev2Profiles.Count > 1)
                Note(IosNoteKind.Assumption, "no show crypto ikev2 profile given: IOS is assumed to list the last configured profile first, as in the technote (it decides equally specific matches)");

            var profiles = new List<Ikev2ProfileSpec>();
            foreach (IosIkev2Profile p in ordered)
            {
                string match = p.MatchIdentityRemote.FirstOrDefault() ?? "";
                if (p.MatchIdentityRemote.Count == 0)
                    Note(IosNoteKind.Gap, $"ikev2 profile {p.Name} has no match identity remote: it matches no peer", p.Line);
                else if (p.MatchIdentityRemote.Count > 1)
                    Note(IosNoteKind.Approximation, $"ikev2 profile {p.Name} has {p.MatchIdentityRemote.Count} match identity remote lines: only the first, '{match}', is modelled", p.Line);
                if (p.MatchCertificates.Count > 0)
                    Note(IosNoteKind.Approximation, $"ikev2 profile {p.Name}: match certificate {string.Join(", ", p.MatchCertificates)} is not modelled", p.Line);
                if (p.PkiTrustpoints.Any(t => t.Use != IosTrustpointUse.SignAndVerify))
                    Note(IosNoteKind.Approximation, $"ikev2 profile {p.Name}: {string.Join(", ", p.PkiTrustpoints.Where(t => t.Use != IosTrustpointUse.SignAndVerify).Select(t => $"pki trustpoint {t.Name} {t.Use.ToString().ToLowerInvariant()}"))}: "
                        + "RouterSpec has one trustpoint list for signing and validating, so every listed trustpoint is used for both", p.Line);
                string local = p.AuthenticationLocal ?? "rsa-sig";
                string remote = p.AuthenticationRemote.FirstOrDefault() ?? "rsa-sig";
                if (p.AuthenticationLocal is null || p.AuthenticationRemote.Count == 0)
                    Note(IosNoteKind.Gap, $"ikev2 profile {p.Name} lacks an authentication local or remote line (IOS deems it incomplete): rsa-sig assumed", p.Line);
                if (p.AuthenticationRemote.Count > 1)
                    Note(IosNoteKind.Approximation, $"ikev2 profile {p.Name} accepts {string.Join(", ", p.AuthenticationRemote)} from the peer: only {remote} is modelled", p.Line);
                profiles.Add(new Ikev2ProfileSpec(p.Name, match, p.IdentityLocal, local, remote,
                    KnownTrustpoints(p.PkiTrustpoints.Select(t => t.Name), $"ikev2 profile {p.Name}", evidence)));
            }
            if (evidence.Any(e => e.ChainCa is null && e.HasIdentity))
                Note(IosNoteKind.Gap, $"no CA certificate for {Names(evidence.Where(e => e.ChainCa is null && e.HasIdentity))}: their IKEv2 CERTREQ hashes (SHA-1 of the CA key) are unknown");
            return new Ikev2Spec(proposalSpec, policyName, profiles, config.Ikev2Fragmentation);
        }

        // ---- IPsec ----

        private IpsecSpec Ipsec(IosInterface? tunnel, IosInterface? mapInterface, Ikev1Spec? v1, Ikev2Spec? v2)
        {
            string profileName, transformSetName = "";
            IReadOnlyList<string> transformSets = [];
            string? isakmp = null, ikev2 = null;
            int line = 0;
            if (tunnel is not null)
            {
                profileName = tunnel.TunnelProtectionProfile!;
                IosIpsecProfile? p = config.IpsecProfile(profileName);
                if (p is null)
                    Note(IosNoteKind.Gap, $"{tunnel.Name} is protected by ipsec profile {profileName}, which is not configured", tunnel.Line);
                else
                    (transformSets, isakmp, ikev2, line) = (p.TransformSets, p.IsakmpProfile, p.Ikev2Profile, p.Line);
                if (tunnel.TunnelProtectionIkeProfile?.Split(' ') is [var kind, var ike])
                    (isakmp, ikev2) = kind.Equals("isakmp-profile", StringComparison.OrdinalIgnoreCase) ? (ike, (string?)null) : ((string?)null, ike);
            }
            else if (mapInterface is not null)
            {
                IosCryptoMapEntry? entry = config.CryptoMaps.Where(m => m.Map == mapInterface.CryptoMap && !m.Dynamic).MinBy(m => m.Sequence);
                profileName = $"{mapInterface.CryptoMap} {entry?.Sequence}".Trim();
                if (entry is null)
                    Note(IosNoteKind.Gap, $"crypto map {mapInterface.CryptoMap} on {mapInterface.Name} has no entry in the configuration", mapInterface.Line);
                else
                {
                    (transformSets, isakmp, ikev2, line) = (entry.TransformSets, entry.IsakmpProfile, entry.Ikev2Profile, entry.Line);
                    Note(IosNoteKind.Approximation, $"the IPsec side is crypto map {entry.Map} {entry.Sequence}{(entry.Peers.Count > 0 ? " (peer " + string.Join(", ", entry.Peers) + ")" : "")}, modelled as an ipsec profile of that name", entry.Line);
                }
            }
            else
            {
                Note(IosNoteKind.Gap, "no protected tunnel and no crypto map: the IPsec side is unknown");
                return new IpsecSpec("", [], "tunnel", "", null, null);
            }

            string mode = "tunnel";
            IReadOnlyList<string> transforms = [];
            if (transformSets.Count > 0)
            {
                transformSetName = transformSets[0];
                if (transformSets.Count > 1)
                    Note(IosNoteKind.Approximation, $"{profileName} offers transform sets {string.Join(", ", transformSets)}: the first is modelled", line);
                if (config.TransformSet(transformSetName) is { } ts)
                    (transforms, mode) = (ts.Transforms, ts.Mode);
                else
                    Note(IosNoteKind.Gap, $"transform set {transformSetName} is not configured", line);
            }
            else
                Note(IosNoteKind.Gap, $"{profileName} sets no transform set", line);

            if (isakmp is not null && v1?.Profiles.Any(p => p.Name == isakmp) != true)
                Note(IosNoteKind.Gap, $"{profileName} binds isakmp profile {isakmp}, which is not configured", line);
            if (ikev2 is not null && v2?.Profiles.Any(p => p.Name == ikev2) != true)
                Note(IosNoteKind.Gap, $"{profileName} binds ikev2 profile {ikev2}, which is not configured", line);
            if (isakmp is null && ikev2 is null)
                Note(IosNoteKind.Gap, $"{profileName} binds no isakmp-profile or ikev2-profile: the initiator's profile is unknown", line);
            return new IpsecSpec(transformSetName, transforms, mode, profileName, isakmp, ikev2);
        }
    }
}
