using System.Text.RegularExpressions;

namespace PcapIke.Model;

/// <summary>
/// A change to one router's configuration or certificate store, as the what-if replay and the fix search use it:
/// applies to a <see cref="Scenario"/> and prints as the IOS configuration lines an engineer would type.
/// </summary>
public abstract partial record ConfigEdit(string Router)
{
    public abstract Scenario Apply(Scenario scenario);

    /// <summary>The IOS lines that make the change (configuration mode), or the operational steps for a re-enrollment.</summary>
    public abstract IReadOnlyList<string> IosLines(Scenario scenario);

    /// <summary>One line for people.</summary>
    public abstract string Describe();

    /// <summary>How much the change disturbs: configuration lines cost less than re-enrolling certificates, and
    /// restricting trust is preferred to widening it (Cisco's advice in selection-model.md).</summary>
    public abstract int Cost { get; }

    protected static Scenario WithRouter(Scenario s, string router, Func<RouterSpec, RouterSpec> change) =>
        s with { Routers = s.Routers.Select(r => r.Name == router ? change(r) : r).ToArray() };

    /// <summary>
    /// Parses the <c>--set</c> syntax: <c>"R2 isakmp-profile prof1: ca trust-point IOSCA1[, IOSCA2]"</c>,
    /// <c>"R1 isakmp-profile prof1: no ca trust-point"</c>, <c>"R1 ikev2-profile profile1: pki trustpoint TP1, TP2"</c>,
    /// <c>"R1 ikev2-profile profile1: no pki trustpoint"</c>, <c>"R2 no ikev2-profile profile3"</c>,
    /// <c>"R1 reenroll IOSCA1"</c>. Throws <see cref="FormatException"/> with the accepted forms.
    /// </summary>
    public static ConfigEdit Parse(string text)
    {
        string t = Regex.Replace(text.Trim(), @"\s+", " ");
        Match m;
        if ((m = Regex.Match(t, @"^(\S+) isakmp-profile (\S+): ca trust-point (.+)$", RegexOptions.IgnoreCase)).Success)
            return new SetIsakmpCaTrustPoints(m.Groups[1].Value, m.Groups[2].Value, List(m.Groups[3].Value));
        if ((m = Regex.Match(t, @"^(\S+) isakmp-profile (\S+): no ca trust-point$", RegexOptions.IgnoreCase)).Success)
            return new SetIsakmpCaTrustPoints(m.Groups[1].Value, m.Groups[2].Value, []);
        if ((m = Regex.Match(t, @"^(\S+) ikev2-profile (\S+): pki trustpoint (.+)$", RegexOptions.IgnoreCase)).Success)
            return new SetIkev2PkiTrustpoints(m.Groups[1].Value, m.Groups[2].Value, List(m.Groups[3].Value));
        if ((m = Regex.Match(t, @"^(\S+) ikev2-profile (\S+): no pki trustpoint$", RegexOptions.IgnoreCase)).Success)
            return new SetIkev2PkiTrustpoints(m.Groups[1].Value, m.Groups[2].Value, []);
        if ((m = Regex.Match(t, @"^(\S+) no ikev2-profile (\S+)$", RegexOptions.IgnoreCase)).Success)
            return new RemoveIkev2Profile(m.Groups[1].Value, m.Groups[2].Value);
        if ((m = Regex.Match(t, @"^(\S+) reenroll (\S+)$", RegexOptions.IgnoreCase)).Success)
            return new Reenroll(m.Groups[1].Value, m.Groups[2].Value);
        throw new FormatException($"cannot read \"{text}\": expected \"ROUTER isakmp-profile NAME: [no] ca trust-point TP[, TP]\", "
            + "\"ROUTER ikev2-profile NAME: [no] pki trustpoint TP[, TP]\", \"ROUTER no ikev2-profile NAME\" or \"ROUTER reenroll TP\"");
    }

    /// <summary>Parses <c>--store-order R1:IOSCA1,IOSCA2</c> (newest enrollment first).</summary>
    public static ConfigEdit ParseStoreOrder(string text)
    {
        int colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new FormatException($"cannot read \"{text}\": expected ROUTER:TP1,TP2,... (newest enrollment first)");
        return new StoreOrder(text[..colon].Trim(), List(text[(colon + 1)..]));
    }

    private static IReadOnlyList<string> List(string s) =>
        s.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Checks the router, profile and trustpoints exist; throws <see cref="FormatException"/> naming what does not.</summary>
    public void Validate(Scenario s)
    {
        RouterSpec r = s.Routers.FirstOrDefault(x => x.Name == Router)
            ?? throw new FormatException($"no router {Router} (routers: {string.Join(", ", s.Routers.Select(x => x.Name))})");
        foreach (string tp in Trustpoints)
            if (!r.Trustpoints.Any(t => t.Name == tp))
                throw new FormatException($"{Router} has no trustpoint {tp} (it has {string.Join(", ", r.Trustpoints.Select(t => t.Name))})");
        CheckProfile(r);
    }

    protected virtual IEnumerable<string> Trustpoints => [];
    protected virtual void CheckProfile(RouterSpec r) { }
}

/// <summary><c>crypto isakmp profile NAME</c> / <c>ca trust-point ...</c> lines (none: every global trustpoint).</summary>
public sealed record SetIsakmpCaTrustPoints(string Router, string Profile, IReadOnlyList<string> TrustPoints) : ConfigEdit(Router)
{
    public override Scenario Apply(Scenario s) => WithRouter(s, Router, r => r with
    {
        Ikev1 = r.Ikev1! with { Profiles = r.Ikev1.Profiles.Select(p => p.Name == Profile ? p with { CaTrustPoints = TrustPoints } : p).ToArray() },
    });

    public override IReadOnlyList<string> IosLines(Scenario s)
    {
        var old = s.Router(Router).Ikev1!.Profiles.Single(p => p.Name == Profile).CaTrustPoints;
        return [$"crypto isakmp profile {Profile}", .. old.Except(TrustPoints).Select(t => $" no ca trust-point {t}"), .. TrustPoints.Except(old).Select(t => $" ca trust-point {t}")];
    }

    public override string Describe() => TrustPoints.Count == 0
        ? $"remove 'ca trust-point' from {Router}'s isakmp profile {Profile}"
        : $"{Router}'s isakmp profile {Profile}: 'ca trust-point {string.Join(", ", TrustPoints)}'";

    /// <summary>The change makes this profile's list the same as the peer's (Cisco: prefer symmetric configuration).</summary>
    public bool MatchesPeer { get; init; }

    public override int Cost => (TrustPoints.Count == 0 ? 13 : 10) - (MatchesPeer ? 2 : 0);
    protected override IEnumerable<string> Trustpoints => TrustPoints;
    protected override void CheckProfile(RouterSpec r)
    {
        if (r.Ikev1?.Profiles.Any(p => p.Name == Profile) != true)
            throw new FormatException($"{Router} has no isakmp profile {Profile}");
    }
}

/// <summary><c>crypto ikev2 profile NAME</c> / <c>pki trustpoint ...</c> lines.</summary>
public sealed record SetIkev2PkiTrustpoints(string Router, string Profile, IReadOnlyList<string> TrustPoints) : ConfigEdit(Router)
{
    public override Scenario Apply(Scenario s) => WithRouter(s, Router, r => r with
    {
        Ikev2 = r.Ikev2! with { Profiles = r.Ikev2.Profiles.Select(p => p.Name == Profile ? p with { PkiTrustpoints = TrustPoints } : p).ToArray() },
    });

    public override IReadOnlyList<string> IosLines(Scenario s)
    {
        var old = s.Router(Router).Ikev2!.Profiles.Single(p => p.Name == Profile).PkiTrustpoints;
        return [$"crypto ikev2 profile {Profile}", .. old.Except(TrustPoints).Select(t => $" no pki trustpoint {t}"), .. TrustPoints.Except(old).Select(t => $" pki trustpoint {t}")];
    }

    public override string Describe() => TrustPoints.Count == 0
        ? $"remove 'pki trustpoint' from {Router}'s ikev2 profile {Profile}"
        : $"{Router}'s ikev2 profile {Profile}: 'pki trustpoint {string.Join(", ", TrustPoints)}'";

    /// <summary>The change makes this profile's list the same as the peer's (Cisco: the same trustpoints on both).</summary>
    public bool MatchesPeer { get; init; }

    public override int Cost => 10 - (MatchesPeer ? 2 : 0);
    protected override IEnumerable<string> Trustpoints => TrustPoints;
    protected override void CheckProfile(RouterSpec r)
    {
        if (r.Ikev2?.Profiles.Any(p => p.Name == Profile) != true)
            throw new FormatException($"{Router} has no ikev2 profile {Profile}");
    }
}

/// <summary><c>no crypto ikev2 profile NAME</c>: removes a profile (an overlapping one the tunnel does not use).</summary>
public sealed record RemoveIkev2Profile(string Router, string Profile) : ConfigEdit(Router)
{
    public override Scenario Apply(Scenario s) => WithRouter(s, Router, r => r with
    {
        Ikev2 = r.Ikev2! with { Profiles = r.Ikev2.Profiles.Where(p => p.Name != Profile).ToArray() },
    });

    public override IReadOnlyList<string> IosLines(Scenario s) => [$"no crypto ikev2 profile {Profile}"];
    public override string Describe() => $"remove {Router}'s ikev2 profile {Profile}";
    public override int Cost => 11;
    protected override void CheckProfile(RouterSpec r)
    {
        if (r.Ikev2?.Profiles.Any(p => p.Name == Profile) != true)
            throw new FormatException($"{Router} has no ikev2 profile {Profile}");
        if (r.Ipsec.Ikev2Profile == Profile)
            throw new FormatException($"{Router}'s tunnel uses ikev2 profile {Profile}");
    }
}

/// <summary>Re-enrolls one trustpoint so its certificate becomes the newest: first in the store, first in CERT_REQ.</summary>
public sealed record Reenroll(string Router, string Trustpoint) : ConfigEdit(Router)
{
    public override Scenario Apply(Scenario s)
    {
        int newest = s.Routers.SelectMany(r => r.Trustpoints).Max(t => t.Enrolled) + 1;
        return WithRouter(s, Router, r => r with
        {
            Trustpoints = r.Trustpoints.Select(t => t.Name == Trustpoint ? t with { Enrolled = newest } : t).ToArray(),
        });
    }

    public override IReadOnlyList<string> IosLines(Scenario s) =>
        [$"crypto pki enroll {Trustpoint}   ! re-enroll last, so {Router} lists this certificate first (store order)"];

    public override string Describe() => $"re-enroll {Router}'s trustpoint {Trustpoint} last (its certificate becomes the first in the store and in CERT_REQ)";
    public override int Cost => 20;
    protected override IEnumerable<string> Trustpoints => [Trustpoint];
}

/// <summary>Sets a router's certificate store order (newest enrollment first), as <c>--store-order</c> gives it.</summary>
public sealed record StoreOrder(string Router, IReadOnlyList<string> NewestFirst) : ConfigEdit(Router)
{
    public override Scenario Apply(Scenario s)
    {
        int top = s.Routers.SelectMany(r => r.Trustpoints).Max(t => t.Enrolled) + NewestFirst.Count;
        var rank = NewestFirst.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        return WithRouter(s, Router, r => r with
        {
            Trustpoints = r.Trustpoints.Select(t => rank.TryGetValue(t.Name, out int i) ? t with { Enrolled = top - i } : t).ToArray(),
        });
    }

    public override IReadOnlyList<string> IosLines(Scenario s) =>
        [.. NewestFirst.Reverse().Select(t => $"crypto pki enroll {t}")];

    public override string Describe() => $"{Router}'s certificate store order {string.Join(", ", NewestFirst)} (newest first)";
    public override int Cost => 20 * NewestFirst.Count;
    protected override IEnumerable<string> Trustpoints => NewestFirst;
}
