using System.Globalization;
using System.Net;
using System.Text.Json;
using PcapIke.Model;

namespace PcapIke.Forge;

/// <summary>
/// Reads a scenario (docs/scenario-format.md) from JSON with System.Text.Json's DOM and validates it strictly: unknown
/// members, wrong types, bad addresses, out-of-range numbers and dangling references all throw one
/// <see cref="ScenarioException"/> naming the JSON path.
/// </summary>
public static partial class ScenarioParser
{
    public static readonly DateTimeOffset DefaultEpoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const int DefaultEnrollmentIntervalSeconds = 36;
    public const int DefaultCaValidityDays = 3 * 365;
    public const int DefaultIssuedValidityDays = 365;
    public const int DefaultMtu = 1500;

    private static readonly string[] s_v1Encryption = ["des", "3des", "aes", "aes 192", "aes 256"];
    private static readonly string[] s_v1Hash = ["md5", "sha", "sha256", "sha384", "sha512"];
    private static readonly string[] s_v1Auth = ["rsa-sig", "pre-share"];
    private static readonly string[] s_v2Encryption = ["des", "3des", "aes-cbc-128", "aes-cbc-192", "aes-cbc-256", "aes-gcm-128", "aes-gcm-256"];
    private static readonly string[] s_v2Integrity = ["md5", "sha1", "sha256", "sha384", "sha512"];
    private static readonly string[] s_v2Auth = ["rsa-sig", "pre-share"];
    private static readonly int[] s_groups = [1, 2, 5, 14, 15, 16, 19, 20, 21, 24];

    public static Scenario ParseFile(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException("$", $"cannot read {path}: {e.Message}", e);
        }
        return Parse(json);
    }

    public static Scenario Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ScenarioException("$", $"not JSON: line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message.Split(" LineNumber")[0]}", e);
        }
        using (doc)
            return Read(new Node(doc.RootElement, "$"));
    }

    private static Scenario Read(Node root)
    {
        string name = root.String("name");
        string? description = root.OptString("description");
        string seed = root.String("seed");
        DateTimeOffset epoch = DefaultEpoch;
        if (root.OptString("epoch") is { } epochText
            && !DateTimeOffset.TryParse(epochText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out epoch))
            throw new ScenarioException(root.At("epoch"), $"\"{epochText}\" is not an ISO 8601 date and time");
        var interval = TimeSpan.FromSeconds(root.OptInt("enrollmentIntervalSeconds", DefaultEnrollmentIntervalSeconds, 1, 86400 * 365));

        var clock = new ClockZone("UTC", TimeSpan.Zero);
        if (root.OptObject("clock") is { } c)
        {
            clock = new ClockZone(c.String("timezone"), TimeSpan.FromMinutes(c.OptInt("offsetMinutes", 0, -14 * 60, 14 * 60)));
            c.End();
        }

        var keys = new KeySettings(KeySettings.DefaultBits, KeySettings.DefaultBits, KeySettings.Sha256WithRsa);
        if (root.OptObject("keys") is { } k)
        {
            keys = new KeySettings(
                Bits(k, "caBits"), Bits(k, "routerBits"),
                (k.OptString("signature") ?? "sha256WithRSA") switch
                {
                    "sha256WithRSA" => KeySettings.Sha256WithRsa,
                    "sha1WithRSA" => KeySettings.Sha1WithRsa,
                    string other => throw new ScenarioException(k.At("signature"), $"\"{other}\" is not sha256WithRSA or sha1WithRSA"),
                });
            k.End();
        }

        var cas = root.Objects("cas", required: true).Select(ReadCa).ToArray();
        Unique(cas.Select(x => x.Name), root.At("cas"), "CA name");

        IReadOnlyList<Node> routerNodes = root.Objects("routers", required: true);
        if (routerNodes.Count != 2)
            throw new ScenarioException(root.At("routers"), $"expected exactly two routers, found {routerNodes.Count}");
        var routers = routerNodes.Select(r => ReadRouter(r, cas)).ToArray();
        Unique(routers.Select(x => x.Name), root.At("routers"), "router name");
        var steps = new HashSet<int>();
        for (int i = 0; i < routers.Length; i++)
            for (int j = 0; j < routers[i].Trustpoints.Count; j++)
            {
                // One timeline: a step is one enrollment, so serial numbers and store orders are unambiguous.
                int step = routers[i].Trustpoints[j].Enrolled;
                if (!steps.Add(step))
                    throw new ScenarioException($"$.routers[{i}].trustpoints[{j}].enrolled", $"step {step} is used by another enrollment");
            }
        if (routers[0].Ethernet.Address.Equals(routers[1].Ethernet.Address))
            throw new ScenarioException("$.routers[1].interfaces.ethernet", "both routers have the same address");

        string initiator = root.String("initiator");
        if (!routers.Any(r => r.Name == initiator))
            throw new ScenarioException(root.At("initiator"), $"unknown router \"{initiator}\"");

        // "negotiations": who initiates each negotiation the capture holds, in order (default: the initiator once).
        IReadOnlyList<string> negotiations = root.Strings("negotiations", required: false);
        for (int n = 0; n < negotiations.Count; n++)
            if (!routers.Any(r => r.Name == negotiations[n]))
                throw new ScenarioException($"{root.At("negotiations")}[{n}]", $"unknown router \"{negotiations[n]}\"");
        if (negotiations.Count == 0)
            negotiations = [initiator];
        else if (negotiations[0] != initiator)
            throw new ScenarioException(root.At("negotiations"), $"the first negotiation must be the initiator's ({initiator})");

        DateTimeOffset start = epoch.AddDays(1);
        if (root.OptString("start") is { } startText)
        {
            if (!DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
                throw new ScenarioException(root.At("start"), $"\"{startText}\" is not an ISO 8601 date and time");
            int last = routers.SelectMany(r => r.Trustpoints).Max(t => t.Enrolled);
            if (start < epoch + interval * last)
                throw new ScenarioException(root.At("start"), "the negotiation starts before the last enrollment");
        }

        var link = new LinkSpec(DefaultMtu, CaptureLink.RawIp);
        if (root.OptObject("link") is { } l)
        {
            link = new LinkSpec(
                l.OptInt("mtu", DefaultMtu, 576, 9216),
                (l.OptString("capture") ?? "raw-ip") switch
                {
                    "raw-ip" => CaptureLink.RawIp,
                    "ethernet" => CaptureLink.Ethernet,
                    string other => throw new ScenarioException(l.At("capture"), $"\"{other}\" is not raw-ip or ethernet"),
                });
            l.End();
        }
        root.End();
        return new Scenario(name, description, seed, epoch, interval, clock, keys, cas, routers, initiator, link, negotiations, start);
    }

    private static int Bits(Node k, string name)
    {
        int bits = k.OptInt(name, KeySettings.DefaultBits, 512, 4096);
        if (bits % 256 != 0)
            throw new ScenarioException(k.At(name), $"{bits} is not a multiple of 256");
        return bits;
    }

    private static CaSpec ReadCa(Node n)
    {
        var ca = new CaSpec(
            n.String("name"),
            Dn(n, "subject"),
            n.OptString("enrollmentUrl"),
            n.OptInt("validityDays", DefaultCaValidityDays, 1, 36500),
            n.OptInt("issuedValidityDays", DefaultIssuedValidityDays, 1, 36500));
        n.End();
        return ca;
    }

    private static string Dn(Node n, string member)
    {
        string dn = n.String(member);
        try
        {
            IosDn.Parse(dn);
        }
        catch (FormatException e)
        {
            throw new ScenarioException(n.At(member), $"bad distinguished name: {e.Message}");
        }
        return dn;
    }

    private static RouterSpec ReadRouter(Node n, IReadOnlyList<CaSpec> cas)
    {
        string name = n.String("name");
        string hostname = n.OptString("hostname") ?? name;
        string? domain = n.OptString("domainName");

        Node i = n.Object("interfaces");
        InterfaceAddress ethernet = Prefix(i.String("ethernet"), i.At("ethernet"));
        InterfaceAddress tunnel = Prefix(i.String("tunnel"), i.At("tunnel"));
        InterfaceAddress? loopback = i.OptString("loopback") is { } lo ? Prefix(lo, i.At("loopback")) : null;
        i.End();

        var trustpoints = n.Objects("trustpoints", required: true).Select(t => ReadTrustpoint(t, cas)).ToArray();
        Unique(trustpoints.Select(t => t.Name), n.At("trustpoints"), "trustpoint name");

        Ikev1Spec? v1 = n.OptObject("ikev1") is { } v1n ? ReadIkev1(v1n, trustpoints) : null;
        Ikev2Spec? v2 = n.OptObject("ikev2") is { } v2n ? ReadIkev2(v2n, trustpoints) : null;
        if (v1 is null && v2 is null)
            throw new ScenarioException(n.At("ikev1"), "a router needs ikev1 or ikev2");
        IpsecSpec ipsec = ReadIpsec(n.Object("ipsec"), v1, v2);
        n.End();
        return new RouterSpec(name, hostname, domain, ethernet, tunnel, loopback, trustpoints, v1, v2, ipsec);
    }

    private static TrustpointSpec ReadTrustpoint(Node n, IReadOnlyList<CaSpec> cas)
    {
        string name = n.String("name");
        string ca = n.String("ca");
        CaSpec caSpec = cas.FirstOrDefault(c => c.Name == ca) ?? throw new ScenarioException(n.At("ca"), $"unknown CA \"{ca}\"");
        int enrolled = n.Int("enrolled", 1, 10000);
        string? url = n.OptString("enrollmentUrl") ?? caSpec.EnrollmentUrl;
        string? serial = n.OptString("serialNumber");
        string? fqdn = n.OptString("fqdn");
        IPAddress? ip = n.OptString("ipAddress") is { } ipText ? Ipv4(ipText, n.At("ipAddress")) : null;
        string? subject = n.OptString("subjectName") is not null ? Dn(n, "subjectName") : null;
        string revocation = n.OptString("revocationCheck") ?? "crl";
        if (revocation is not ("crl" or "none" or "ocsp"))
            throw new ScenarioException(n.At("revocationCheck"), $"\"{revocation}\" is not crl, ocsp or none");
        if (serial is null && fqdn is null && ip is null && subject is null)
            throw new ScenarioException(n.Path, "the identity certificate needs a subject: give subjectName, fqdn, ipAddress or serialNumber");
        n.End();
        return new TrustpointSpec(name, ca, enrolled, url, serial, fqdn, ip, subject, revocation);
    }

    private static Ikev1Spec ReadIkev1(Node n, IReadOnlyList<TrustpointSpec> trustpoints)
    {
        Node p = n.Object("policy");
        var policy = new IsakmpPolicySpec(
            p.OptInt("priority", 10, 1, 10000),
            OneOf(p, "encryption", s_v1Encryption),
            OneOf(p, "hash", s_v1Hash),
            p.Int("group", 1, 24) is var g && s_groups.Contains(g) ? g : throw new ScenarioException(p.At("group"), $"DH group {g} is not supported"),
            p.OptString("authentication") is { } a ? OneOf(a, p.At("authentication"), s_v1Auth) : "rsa-sig",
            p.OptInt("lifetime", 86400, 60, 86400));
        p.End();
        var profiles = n.Objects("profiles", required: true).Select(x =>
        {
            var profile = new IsakmpProfileSpec(
                x.String("name"),
                x.OptString("selfIdentity"),
                TrustpointRefs(x, "caTrustPoints", trustpoints),
                x.String("matchIdentity"));
            x.End();
            return profile;
        }).ToArray();
        Unique(profiles.Select(x => x.Name), n.At("profiles"), "profile name");
        n.End();
        return new Ikev1Spec(policy, profiles);
    }

    private static Ikev2Spec ReadIkev2(Node n, IReadOnlyList<TrustpointSpec> trustpoints)
    {
        Node p = n.Object("proposal");
        var proposal = new Ikev2ProposalSpec(
            p.String("name"),
            OneOfEach(p, "encryption", s_v2Encryption),
            OneOfEach(p, "integrity", s_v2Integrity),
            p.Array("group", required: true).Select(x =>
            {
                if (x.Element.ValueKind != JsonValueKind.Number || !x.Element.TryGetInt32(out int g) || !s_groups.Contains(g))
                    throw new ScenarioException(x.Path, $"{x.Element.GetRawText()} is not a supported DH group");
                return g;
            }).ToArray());
        p.End();
        string policy = n.OptString("policy") ?? "pol-1";
        var profiles = n.Objects("profiles", required: true).Select(x =>
        {
            var profile = new Ikev2ProfileSpec(
                x.String("name"),
                x.String("matchIdentityRemote"),
                x.OptString("identityLocal"),
                x.OptString("authenticationLocal") is { } al ? OneOf(al, x.At("authenticationLocal"), s_v2Auth) : "rsa-sig",
                x.OptString("authenticationRemote") is { } ar ? OneOf(ar, x.At("authenticationRemote"), s_v2Auth) : "rsa-sig",
                TrustpointRefs(x, "pkiTrustpoints", trustpoints));
            x.End();
            return profile;
        }).ToArray();
        Unique(profiles.Select(x => x.Name), n.At("profiles"), "profile name");
        bool fragmentation = n.OptBool("fragmentation", false);
        n.End();
        return new Ikev2Spec(proposal, policy, profiles, fragmentation);
    }

    private static IpsecSpec ReadIpsec(Node n, Ikev1Spec? v1, Ikev2Spec? v2)
    {
        Node ts = n.Object("transformSet");
        string tsName = ts.String("name");
        IReadOnlyList<string> transforms = ts.Strings("transforms", required: true);
        string mode = ts.OptString("mode") ?? "tunnel";
        if (mode is not ("tunnel" or "transport"))
            throw new ScenarioException(ts.At("mode"), $"\"{mode}\" is not tunnel or transport");
        ts.End();

        Node p = n.Object("profile");
        string name = p.String("name");
        string? isakmp = p.OptString("isakmpProfile");
        string? ikev2 = p.OptString("ikev2Profile");
        if ((isakmp is null) == (ikev2 is null))
            throw new ScenarioException(p.Path, "give exactly one of isakmpProfile and ikev2Profile");
        if (isakmp is not null && v1?.Profiles.Any(x => x.Name == isakmp) != true)
            throw new ScenarioException(p.At("isakmpProfile"), $"unknown isakmp profile \"{isakmp}\"");
        if (ikev2 is not null && v2?.Profiles.Any(x => x.Name == ikev2) != true)
            throw new ScenarioException(p.At("ikev2Profile"), $"unknown ikev2 profile \"{ikev2}\"");
        p.End();
        n.End();
        return new IpsecSpec(tsName, transforms, mode, name, isakmp, ikev2);
    }

    private static IReadOnlyList<string> TrustpointRefs(Node n, string member, IReadOnlyList<TrustpointSpec> trustpoints)
    {
        var refs = n.Array(member, required: false).Select(x =>
        {
            string tp = AsString(x.Element, x.Path);
            if (!trustpoints.Any(t => t.Name == tp))
                throw new ScenarioException(x.Path, $"unknown trustpoint \"{tp}\"");
            return tp;
        }).ToArray();
        Unique(refs, n.At(member), "trustpoint");
        return refs;
    }

    private static string OneOf(Node n, string member, string[] allowed) => OneOf(n.String(member), n.At(member), allowed);

    private static string OneOf(string value, string path, string[] allowed) =>
        allowed.Contains(value) ? value : throw new ScenarioException(path, $"\"{value}\" is not one of {string.Join(", ", allowed)}");

    private static IReadOnlyList<string> OneOfEach(Node n, string member, string[] allowed) =>
        n.Array(member, required: true).Select(x => OneOf(AsString(x.Element, x.Path), x.Path, allowed)).ToArray();

    private static void Unique(IEnumerable<string> names, string path, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (string name in names)
        {
            if (!seen.Add(name))
                throw new ScenarioException($"{path}[{i}]", $"duplicate {what} \"{name}\"");
            i++;
        }
    }
}
