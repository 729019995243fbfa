
namespace PcapIke.Model;

/// <summary>A set of changes the model has checked: with them applied, both directions establish.</summary>
public sealed record VerifiedFix(IReadOnlyList<ConfigEdit> Edits, ModelPrediction After)
{
    /// <summary>The edits' cost, plus 5 for each on a router only inferred from the capture (a change to the
    /// configured router is the one the engineer can make and verify).</summary>
    public int Cost => Edits.Sum(e => e.Cost + (InferredRouters.Contains(e.Router) ? 5 : 0));

    public IReadOnlyList<string> InferredRouters { get; init; } = [];

    public string Describe() => string.Join("; ", Edits.Select(e => e.Describe()));
}

/// <summary>
/// Searches the changes an engineer would consider — the trustpoint lines of the profiles the tunnel uses (made
/// symmetric, restricted to one CA, or removed), removing an overlapping IKEv2 profile, re-enrolling one certificate
/// so it leads the store — and keeps those with which the model predicts success in both directions. Single changes
/// first, then pairs; cheapest first (<see cref="ConfigEdit.Cost"/>).
/// </summary>
public static class FixFinder
{
    public static IReadOnlyList<VerifiedFix> Find(Scenario scenario, int max = 3)
    {
        var candidates = Candidates(scenario).ToList();
        var fixes = new List<VerifiedFix>();
        foreach (ConfigEdit edit in candidates)
            TryAdd(scenario, [edit], fixes);
        if (fixes.Count == 0)
            for (int i = 0; i < candidates.Count; i++)
                for (int j = i + 1; j < candidates.Count; j++)
                    if (!SameTarget(candidates[i], candidates[j]))
                        TryAdd(scenario, [candidates[i], candidates[j]], fixes);
        return fixes.OrderBy(f => f.Cost).ThenBy(f => f.Describe(), StringComparer.Ordinal).Take(max).ToArray();
    }

    /// <summary>Two edits of the same profile's trustpoint lines (or two re-enrollments of one router) exclude each other.</summary>
    private static bool SameTarget(ConfigEdit a, ConfigEdit b) => (a, b) switch
    {
        (SetIsakmpCaTrustPoints x, SetIsakmpCaTrustPoints y) => x.Router == y.Router && x.Profile == y.Profile,
        (SetIkev2PkiTrustpoints x, SetIkev2PkiTrustpoints y) => x.Router == y.Router && x.Profile == y.Profile,
        (Reenroll x, Reenroll y) => x.Router == y.Router,
        _ => false,
    };

    private static void TryAdd(Scenario scenario, IReadOnlyList<ConfigEdit> edits, List<VerifiedFix> fixes)
    {
        Scenario s = scenario;
        foreach (ConfigEdit e in edits) s = e.Apply(s);
        ModelPrediction after = SelectionModel.PredictBothDirections(s);
        if (after.BothSucceed) fixes.Add(new VerifiedFix(edits, after) { InferredRouters = scenario.InferredRouters });
    }

    /// <summary>The single changes worth trying on this pair of routers.</summary>
    public static IEnumerable<ConfigEdit> Candidates(Scenario s)
    {
        foreach (RouterSpec r in s.Routers)
        {
            RouterSpec peer = s.Peer(r);
            var names = r.Trustpoints.Select(t => t.Name).ToArray();
            if (r.Ikev1 is { } v1 && r.Ipsec.IsakmpProfile is { } ip && v1.Profiles.FirstOrDefault(p => p.Name == ip) is { } profile)
            {
                // The peer's restriction, where this router has trustpoints of the same name; each single trustpoint; none.
                var peerList = peer.Ikev1?.Profiles.FirstOrDefault(p => p.Name == peer.Ipsec.IsakmpProfile)?.CaTrustPoints ?? [];
                var options = new List<IReadOnlyList<string>> { peerList.Where(names.Contains).ToArray() };
                options.AddRange(names.Select(n => (IReadOnlyList<string>)[n]));
                options.Add([]);
                foreach (var o in options.DistinctBy(o => string.Join(',', o)))
                    if (!o.SequenceEqual(profile.CaTrustPoints) && (o.Count > 0 || profile.CaTrustPoints.Count > 0))
                        yield return new SetIsakmpCaTrustPoints(r.Name, profile.Name, o) { MatchesPeer = o.SequenceEqual(peerList) };
            }
            if (r.Ikev2 is { } v2 && r.Ipsec.Ikev2Profile is { } p2 && v2.Profiles.FirstOrDefault(p => p.Name == p2) is { } profile2)
            {
                var peerList = peer.Ikev2?.Profiles.FirstOrDefault(p => p.Name == peer.Ipsec.Ikev2Profile)?.PkiTrustpoints ?? [];
                var options = new List<IReadOnlyList<string>>
                {
                    peerList.Where(names.Contains).ToArray(),
                    names.Where(n => peerList.Contains(n) || profile2.PkiTrustpoints.Contains(n)).ToArray(),
                    names,
                };
                options.AddRange(names.Select(n => (IReadOnlyList<string>)[n]));
                foreach (var o in options.Where(o => o.Count > 0).DistinctBy(o => string.Join(',', o)))
                    if (!o.SequenceEqual(profile2.PkiTrustpoints))
                        yield return new SetIkev2PkiTrustpoints(r.Name, profile2.Name, o) { MatchesPeer = o.SequenceEqual(peerList) };
                // Overlapping profiles: any other profile that could win the match for the peer's identity.
                foreach (var other in v2.Profiles.Where(p => p.Name != p2 && p.MatchIdentityRemote == profile2.MatchIdentityRemote))
                    yield return new RemoveIkev2Profile(r.Name, other.Name);
            }
            foreach (string n in names)
                if (r.StoreOrder[0].Name != n)
                    yield return new Reenroll(r.Name, n);
        }
    }
}
