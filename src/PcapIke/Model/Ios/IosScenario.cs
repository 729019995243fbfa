using PcapIke.Forge;

namespace PcapIke.Model.Ios;

/// <summary>Two routers read from their IOS text, as a scenario the selection model runs, with every note.</summary>
public sealed record IosScenario(Scenario Scenario, IReadOnlyList<IosNote> Notes);

/// <summary>
/// Builds the two routers of <c>--config</c> from any number of pasted texts: each text is told apart by what it
/// holds (<see cref="IosPaste.Detect"/>: running-config, <c>show crypto pki certificates</c>, <c>show crypto ikev2
/// profile</c>, <c>show crypto isakmp profile</c>; several may share a file), the show outputs are given to their
/// router by the prompt's hostname, by sharing a file with its running-config, or by the certificates both list; then
/// <see cref="IosRouterModel.Build"/> and <see cref="IosRouterModel.Pair"/>. Throws <see cref="FormatException"/> with
/// one line saying what is missing or ambiguous.
/// </summary>
public static class IosScenarioBuilder
{
    public static IosScenario Build(IReadOnlyList<(string Name, string Text)> texts)
    {
        var configs = new List<IosRouterConfig>();
        var listings = new List<(string Source, PkiCertificateListing Listing)>();
        var v2 = new List<(string Source, Ikev2ProfileListing Listing)>();
        var v1 = new List<(string Source, IsakmpProfileListing Listing)>();
        foreach (var (name, text) in texts)
        {
            IosPasteText paste = IosPaste.Read(text);
            if (paste.Kinds == IosTextKinds.None)
                throw new FormatException($"{name}: no IOS running-config or show output recognised");
            if (paste.Kinds.HasFlag(IosTextKinds.RunningConfig)) configs.Add(IosConfigParser.Parse(paste, name));
            if (paste.Kinds.HasFlag(IosTextKinds.PkiCertificates)) listings.Add((name, IosShowParser.ParseCertificates(paste, name)));
            if (paste.Kinds.HasFlag(IosTextKinds.Ikev2Profiles)) v2.Add((name, IosShowParser.ParseIkev2Profiles(paste, name)));
            if (paste.Kinds.HasFlag(IosTextKinds.IsakmpProfiles)) v1.Add((name, IosShowParser.ParseIsakmpProfiles(paste, name)));
        }
        if (configs.Count != 2)
            throw new FormatException($"the configurations hold {configs.Count} running-config{(configs.Count == 1 ? "" : "s")}; give both routers' (show running-config), with their show outputs");
        string[] names = configs.Select((c, i) => c.EffectiveHostname ?? $"router{i + 1}").ToArray();
        if (names[0] == names[1]) names = [names[0] + "-a", names[1] + "-b"];

        int Owner(string source, IReadOnlyList<string> prompts, Func<IosRouterConfig, bool>? byContent, string what)
        {
            for (int i = 0; i < 2; i++)
                if (prompts.Contains(names[i], StringComparer.OrdinalIgnoreCase)) return i;
            for (int i = 0; i < 2; i++)
                if (configs[i].SourceName == source) return i;
            if (byContent is not null)
            {
                var hits = Enumerable.Range(0, 2).Where(i => byContent(configs[i])).ToArray();
                if (hits.Length == 1) return hits[0];
            }
            throw new FormatException($"{source}: cannot tell which router's {what} this is (no prompt with {names[0]} or {names[1]}, not in a running-config's file)");
        }

        var listingOf = new PkiCertificateListing?[2];
        foreach (var (source, l) in listings)
        {
            // By content: a certificate of the router's chains, or the router's own name/address in the subjects.
            int owner = Owner(source, l.PromptHostnames, c => l.IdentityCertificates.Any(e =>
                c.CertificateChains.Any(ch => ch.Identity is { Certificate: { } cert } && string.Equals(cert.SerialHex.TrimStart('0'), e.SerialHex?.TrimStart('0'), StringComparison.OrdinalIgnoreCase)
                                              && IosBuiltInCasKey(cert.Issuer) == IosBuiltInCasKey(e.IssuerDn))
                || e.SubjectIpAddress is { } ip && (c.Interfaces.Any(i => i.Address?.Address.ToString() == ip) || c.Trustpoints.Any(t => t.IpAddress == ip))
                || e.SubjectName is { } fqdn && c.Trustpoints.Any(t => string.Equals(t.Fqdn, fqdn, StringComparison.OrdinalIgnoreCase))), "show crypto pki certificates");
            // A running-config without `hostname` takes the name the listing's prompt gives.
            if (configs[owner].Hostname is null && l.PromptHostnames.Count > 0 && !names.Contains(l.PromptHostnames[0]))
                names[owner] = l.PromptHostnames[0];
            listingOf[owner] ??= l;
        }
        var v2Of = new Ikev2ProfileListing?[2];
        foreach (var (source, l) in v2) v2Of[Owner(source, l.PromptHostnames, null, "show crypto ikev2 profile")] ??= l;
        var v1Of = new IsakmpProfileListing?[2];
        foreach (var (source, l) in v1) v1Of[Owner(source, l.PromptHostnames, null, "show crypto isakmp profile")] ??= l;

        var models = Enumerable.Range(0, 2).Select(i => IosRouterModel.Build(configs[i], listingOf[i], v2Of[i], v1Of[i], names[i])).ToArray();
        IosRouterPair pair = IosRouterModel.Pair(models[0], models[1]);
        var notes = models.SelectMany(m => m.Notes.Select(n => n with { Text = $"{m.Router.Name}: {n.Text}" })).Concat(pair.Notes).ToList();
        pair = pair with { Routers = DomainsFromPeerProfiles(pair.Routers, notes) };
        if (pair.Routers[0].Ethernet.Address.Equals(pair.Routers[1].Ethernet.Address))
            throw new FormatException($"{names[0]} and {names[1]} have the same IKE address {pair.Routers[0].Ethernet.Address}: the same router twice?");

        // A timeline for the model: certificates start at the epoch + step × interval and are valid for a year; the
        // negotiation is placed after the last enrollment.
        var interval = TimeSpan.FromSeconds(ScenarioParser.DefaultEnrollmentIntervalSeconds);
        int last = pair.Routers.SelectMany(r => r.Trustpoints).Select(t => t.Enrolled).DefaultIfEmpty(0).Max();
        DateTimeOffset epoch = ScenarioParser.DefaultEpoch;
        ClockZone clock = models.Select(m => m.Clock).FirstOrDefault(c => c is not null) ?? new ClockZone("UTC", TimeSpan.Zero);
        var scenario = new Scenario(
            Name: $"{pair.Routers[0].Name}-{pair.Routers[1].Name}",
            Description: "read from the routers' IOS configurations and show outputs",
            Seed: "pcapike-model/" + string.Join("/", pair.Routers.Select(r => r.Name)),
            Epoch: epoch,
            EnrollmentInterval: interval,
            Clock: clock,
            Keys: new KeySettings(KeySettings.DefaultBits, KeySettings.DefaultBits, KeySettings.Sha256WithRsa),
            Cas: pair.Cas,
            Routers: pair.Routers,
            Initiator: pair.Routers[0].Name,
            Link: new LinkSpec(ScenarioParser.DefaultMtu, CaptureLink.RawIp),
            Negotiations: [pair.Routers[0].Name],
            Start: epoch + interval * (last + 1) + TimeSpan.FromHours(1));
        return new IosScenario(scenario, notes);
    }

    /// <summary>
    /// An FQDN self-identity is <c>hostname.domain</c>; a pasted configuration often lacks <c>ip domain name</c>.
    /// When the peer's isakmp profile matches <c>host HOSTNAME.DOMAIN</c> for this router's hostname, that domain is
    /// taken (noted as an assumption).
    /// </summary>
    private static IReadOnlyList<RouterSpec> DomainsFromPeerProfiles(IReadOnlyList<RouterSpec> routers, List<IosNote> notes) =>
        routers.Select((r, i) =>
        {
            if (r.DomainName is not null) return r;
            RouterSpec peer = routers[1 - i];
            string prefix = r.Hostname + ".";
            string? domain = peer.Ikev1?.Profiles.Select(p => p.MatchIdentity.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(w => w is ["host", var h] && h.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(w => w[1][prefix.Length..]).FirstOrDefault();
            if (domain is null) return r;
            notes.Add(new IosNote(IosNoteKind.Assumption, $"{r.Name}: no 'ip domain name' given; {domain} taken from {peer.Name}'s 'match identity host {r.Hostname}.{domain}'"));
            return r with { DomainName = domain };
        }).ToArray();

    private static string IosBuiltInCasKey(string? dn) => dn is null ? "" : Findings.IosBuiltInCas.DnKey(dn);
}
