
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
    /// <summary>Both routers from their texts, or, when the texts hold one router only, that router and its peer as
    /// the capture shows it (<see cref="PeerFromCapture"/>; <paramref name="negotiationOf"/> gives the capture's first
    /// negotiation of an address).</summary>
    public static IosScenario Build(IReadOnlyList<(string Name, string Text)> texts, Func<System.Net.IPAddress, Exchanges.IkeSa?>? negotiationOf = null)
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
        if (configs.Count == 1 && negotiationOf is not null)
        {
            IosModeledRouter only = IosRouterModel.Build(configs[0], listings.FirstOrDefault().Listing, v2.FirstOrDefault().Listing,
                v1.FirstOrDefault().Listing, configs[0].EffectiveHostname ?? "R1");
            Exchanges.IkeSa sa = negotiationOf(only.Router.Ethernet.Address)
                ?? throw new FormatException($"the configurations hold one router ({only.Router.Name}, {only.Router.Ethernet.Address}) and the capture has no negotiation of it; give both routers' configurations");
            return PeerFromCapture(only, sa);
        }
        if (configs.Count != 2)
            throw new FormatException($"the configurations hold {configs.Count} running-config{(configs.Count == 1 ? "" : "s")}; give both routers' (show running-config), with their show outputs"
                + (configs.Count == 1 ? ", or a capture with a negotiation of this router" : ""));
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
                c.CertificateChains.Any(ch => ch.Identity is { Certificate: { } cert } && string.Equals(cert.SerialHex?.TrimStart('0'), e.SerialHex?.TrimStart('0'), StringComparison.OrdinalIgnoreCase)
                                              && IosBuiltInCasKey(cert.IssuerIos) == IosBuiltInCasKey(e.IssuerDn))
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
        var interval = TimeSpan.FromSeconds(ScenarioDefaults.EnrollmentIntervalSeconds);
        int last = pair.Routers.SelectMany(r => r.Trustpoints).Select(t => t.Enrolled).DefaultIfEmpty(0).Max();
        DateTimeOffset epoch = ScenarioDefaults.Epoch;
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
            Link: new LinkSpec(ScenarioDefaults.Mtu, CaptureLink.RawIp),
            Negotiations: [pair.Routers[0].Name],
            Start: epoch + interval * (last + 1) + TimeSpan.FromHours(1));
        return new IosScenario(scenario, notes);
    }

    /// <summary>
    /// One router configured, the capture standing in for its peer: the peer's trustpoints are the CAs its CERT_REQ
    /// list names (IKEv1 DNs; IKEv2 hashes named by a certificate in the capture or --ca), in that order as its store
    /// order (I1), each with an identity certificate; its profile matches the configured router's address, with
    /// `ca trust-point` / `pki trustpoint` restricted to those CAs only when, as initiator, it requested fewer CAs than
    /// a router listing every global trustpoint would (no built-in CA); proposal and transform set as the configured
    /// router's. Every one of these is noted as inferred from the capture.
    /// </summary>
    public static IosScenario PeerFromCapture(IosModeledRouter configured, Exchanges.IkeSa sa)
    {
        RouterSpec me = configured.Router;
        var notes = configured.Notes.Select(n => n with { Text = $"{me.Name}: {n.Text}" }).ToList();
        var meAddress = me.Ethernet.Address;
        bool meInitiates = sa.Initiator.Address.ToIPAddress().Equals(meAddress);
        if (!meInitiates && !sa.Responder.Address.ToIPAddress().Equals(meAddress))
            throw new FormatException($"{me.Name} ({meAddress}) is neither peer of the capture's negotiation ({sa.Initiator.Address} → {sa.Responder.Address})");
        var peerAddress = (meInitiates ? sa.Responder : sa.Initiator).Address.ToIPAddress();
        var peerRequests = meInitiates ? sa.ResponderCertRequests : sa.InitiatorCertRequests;
        string peerName = me.Name == "PEER" ? "PEER2" : "PEER";

        var cas = configured.Cas.ToList();
        var trustpoints = new List<TrustpointSpec>();
        int step = me.Trustpoints.Select(t => t.Enrolled).DefaultIfEmpty(0).Max() + peerRequests.Count + 1;
        foreach (var entry in peerRequests)
        {
            string? dn = entry.Dn ?? entry.CaName;
            if (dn is null || Findings.IosBuiltInCas.IsBuiltIn(dn)) continue;
            CaSpec? ca = cas.FirstOrDefault(c => IosBuiltInCasKey(c.Subject) == IosBuiltInCasKey(dn));
            if (ca is null)
            {
                ca = new CaSpec($"PEER-CA{cas.Count + 1}", dn, null, ScenarioDefaults.CaValidityDays, ScenarioDefaults.IssuedValidityDays);
                cas.Add(ca);
            }
            trustpoints.Add(new TrustpointSpec($"PEER-TP{trustpoints.Count + 1}", ca.Name, step--, null, null, null, peerAddress, $"CN={peerName}", "none"));
        }
        string issuer = (meInitiates ? sa.ResponderCertificateIssuer : sa.InitiatorCertificateIssuer) is { } seen ? seen : "";
        if (trustpoints.Count == 0)
            throw new FormatException($"the capture shows no CA the peer {peerAddress} requested (no CERT_REQ, or IKEv2 hashes that no certificate of the capture or --ca names): give the peer's configuration too, or its CA certificates with --ca");
        notes.Add(new IosNote(IosNoteKind.Assumption, $"{peerName} ({peerAddress}) is inferred from the capture: trustpoints for {string.Join(", ", trustpoints.Select(t => cas.First(c => c.Name == t.Ca).Subject))}, in the order of its CERT_REQ list (its store order, I1)"
            + (issuer.Length > 0 ? $"; the certificate it sent was issued by {issuer}" : "")));

        bool restricted = !meInitiates && !peerRequests.Any(e => e.Dn is { } d && Findings.IosBuiltInCas.IsBuiltIn(d)) && sa.Version == 1;
        var names = trustpoints.Select(t => t.Name).ToArray();
        // The peer presents the identity the configured router's tunnel profile matches (else the negotiation in the
        // capture could not have got as far as it did): `host NAME.DOMAIN` → an FQDN, otherwise its address.
        string? match = me.Ikev1 is { } m1 ? m1.Profiles.FirstOrDefault(p => p.Name == me.Ipsec.IsakmpProfile)?.MatchIdentity
            : me.Ikev2?.Profiles.FirstOrDefault(p => p.Name == me.Ipsec.Ikev2Profile)?.MatchIdentityRemote;
        string[] words = match?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        string? fqdn = words.Length == 2 && words[0] is "host" or "fqdn" && words[1].Contains('.') ? words[1] : null;
        string hostname = fqdn is null ? peerName : fqdn[..fqdn.IndexOf('.')];
        string? domain = fqdn?[(fqdn.IndexOf('.') + 1)..];
        // And it matches the identity the configured router presents (its self-identity / identity local).
        IsakmpProfileSpec? myV1 = me.Ikev1?.Profiles.FirstOrDefault(p => p.Name == me.Ipsec.IsakmpProfile);
        Ikev2ProfileSpec? myV2 = me.Ikev2?.Profiles.FirstOrDefault(p => p.Name == me.Ipsec.Ikev2Profile);
        IkeIdentity myId = myV2 is not null ? IosSelection.Ikev2LocalIdentity(me, myV2, null) : IosSelection.Ikev1SelfIdentity(me, myV1, null);
        string matchMe = myId.Type switch
        {
            Ike.IdentificationType.ID_FQDN => sa.Version == 1 ? $"host {myId.Value}" : $"fqdn {myId.Value}",
            Ike.IdentificationType.ID_USER_FQDN => sa.Version == 1 ? $"user-fqdn {myId.Value}" : $"email {myId.Value}",
            _ => sa.Version == 1 ? $"address {myId.Value}" : $"address {myId.Value} 255.255.255.255",
        };
        Ikev1Spec? ikev1 = me.Ikev1 is { } v1
            ? new Ikev1Spec(v1.Policy, [new IsakmpProfileSpec("peer-profile", fqdn is null ? "address" : "fqdn", restricted ? names : [], matchMe)])
            : null;
        if (restricted)
            notes.Add(new IosNote(IosNoteKind.Assumption, $"{peerName} requested no built-in CA as initiator: its isakmp profile is taken to have 'ca trust-point {string.Join(", ", names)}'"));
        Ikev2Spec? ikev2 = me.Ikev2 is { } v2
            ? v2 with { Profiles = [new Ikev2ProfileSpec("peer-profile", matchMe, fqdn is null ? $"address {peerAddress}" : $"fqdn {fqdn}", "rsa-sig", "rsa-sig", names)] }
            : null;
        var peer = new RouterSpec(peerName, hostname, domain, new InterfaceAddress(peerAddress, 24), new InterfaceAddress(System.Net.IPAddress.Parse("0.0.0.0"), 32), null,
            trustpoints, ikev1, ikev2,
            me.Ipsec with { ProfileName = "peer-ipsec", IsakmpProfile = ikev1 is null ? null : "peer-profile", Ikev2Profile = ikev2 is null ? null : "peer-profile" });
        notes.Add(new IosNote(IosNoteKind.Assumption, $"{peerName} presents {(fqdn is null ? $"its address {peerAddress}" : $"the FQDN {fqdn}")} as its identity ({me.Name}'s profile matches '{match}') and matches {me.Name} with 'match identity {matchMe}'"));
        var routers = new[] { me, peer };
        var interval = TimeSpan.FromSeconds(ScenarioDefaults.EnrollmentIntervalSeconds);
        int last = routers.SelectMany(r => r.Trustpoints).Select(t => t.Enrolled).DefaultIfEmpty(0).Max();
        DateTimeOffset epoch = ScenarioDefaults.Epoch;
        string initiator = meInitiates ? me.Name : peerName;
        var scenario = new Scenario($"{me.Name}-{peerName}", "one router's configuration, its peer as the capture shows it",
            "pcapike-model/" + me.Name, epoch, interval, configured.Clock ?? new ClockZone("UTC", TimeSpan.Zero),
            new KeySettings(KeySettings.DefaultBits, KeySettings.DefaultBits, KeySettings.Sha256WithRsa), cas, routers, initiator,
            new LinkSpec(ScenarioDefaults.Mtu, CaptureLink.RawIp), [initiator], epoch + interval * (last + 1) + TimeSpan.FromHours(1))
        { InferredRouters = [peerName] };
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
