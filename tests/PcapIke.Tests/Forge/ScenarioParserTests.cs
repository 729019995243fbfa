using System.Text.Json.Nodes;
using PcapIke.Forge;
using PcapIke.Model;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Forge;

public class ScenarioParserTests
{
    /// <summary>The scenario file of a capture folder in captures/ (<c>S1-ikev1-r1-initiates.json</c> → captures/S1-ikev1-r1-initiates/scenario.json).</summary>
    internal static string ScenarioPath(string file) =>
        Path.Combine(TestPaths.RepoRoot, "captures", Path.GetFileNameWithoutExtension(file), "scenario.json");

    internal static Scenario S1() => ScenarioParser.ParseFile(ScenarioPath("S1-ikev1-r1-initiates.json"));

    internal static Scenario S2() => ScenarioParser.ParseFile(ScenarioPath("S2-ikev1-r2-initiates.json"));

    [Fact]
    public void S1ExampleParsesAsTheTechnoteDescribesIt()
    {
        Scenario s = S1();
        Assert.Equal("S1-ikev1-r1-initiates", s.Name);
        Assert.Equal("R1", s.Initiator);
        Assert.Equal((1024, 512), (s.Keys.CaBits, s.Keys.RouterBits));
        Assert.Equal(["cn=CA1,o=cisco,o=com", "cn=CA2,o=cisco,o=com"], s.Cas.Select(c => c.Subject));
        RouterSpec r1 = s.Router("R1"), r2 = s.Router("R2");
        Assert.Equal("192.168.0.1", r1.Ethernet.Address.ToString());
        Assert.Equal("255.255.255.0", r1.Ethernet.Mask);
        Assert.Equal("192.168.0.2", r2.Ethernet.Address.ToString());
        Assert.Equal(["IOSCA1"], r1.Ikev1!.Profiles[0].CaTrustPoints);
        Assert.Empty(r2.Ikev1!.Profiles[0].CaTrustPoints);
        Assert.Equal(new IsakmpPolicySpec(10, "3des", "md5", 2, "rsa-sig", 86400), r1.Ikev1.Policy);
        // Store order newest first: R1's newest certificate is from CA2, R2's from CA1.
        Assert.Equal(["IOSCA2", "IOSCA1"], r1.StoreOrder.Select(t => t.Name));
        Assert.Equal(["IOSCA1", "IOSCA2"], r2.StoreOrder.Select(t => t.Name));
        Assert.Equal("prof1", r1.Ipsec.IsakmpProfile);
        Assert.Equal(new LinkSpec(1500, CaptureLink.RawIp), s.Link);
    }

    [Fact]
    public void S2ExampleDiffersFromS1OnlyInNameAndInitiator()
    {
        Scenario s1 = S1(), s2 = S2();
        Assert.Equal("R2", s2.Initiator);
        Assert.Equal(s1.Seed, s2.Seed);
        Assert.Equal(s1.Routers.Select(r => r.StoreOrder.Select(t => t.Name).ToArray()), s2.Routers.Select(r => r.StoreOrder.Select(t => t.Name).ToArray()));
    }

    [Fact]
    public void DocsExampleIsTheS1File()
    {
        string doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "scenario-format.md"));
        int start = doc.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        string json = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Equal(File.ReadAllText(ScenarioPath("S1-ikev1-r1-initiates.json")), json);
        Assert.Equal("S1-ikev1-r1-initiates", ScenarioParser.Parse(json).Name);
    }

    [Fact]
    public void DefaultsApplyWhenOptionalMembersAreAbsent()
    {
        JsonObject doc = S1Json();
        doc.Remove("keys");
        doc.Remove("link");
        doc.Remove("epoch");
        doc.Remove("clock");
        doc.Remove("start");
        Scenario s = ScenarioParser.Parse(doc.ToJsonString());
        Assert.Equal(ScenarioParser.DefaultEpoch.AddDays(1), s.Start);
        Assert.Equal(["R1"], s.Negotiations);
        Assert.Equal(new KeySettings(2048, 2048, KeySettings.Sha256WithRsa), s.Keys);
        Assert.Equal(new LinkSpec(1500, CaptureLink.RawIp), s.Link);
        Assert.Equal(ScenarioParser.DefaultEpoch, s.Epoch);
        Assert.Equal("UTC", s.Clock.Name);
        Assert.Equal(365, s.Cas[0].IssuedValidityDays);
    }

    public static TheoryData<string, Action<JsonObject>, string> BadScenarios => new()
    {
        { "MissingSeed", d => d.Remove("seed"), "$.seed: required member is missing" },
        { "StartBeforeEnrollment", d => d["start"] = "2013-06-17T12:22:40Z", "$.start: the negotiation starts before the last enrollment" },
        { "StartNotADate", d => d["start"] = "tomorrow", "$.start: \"tomorrow\" is not an ISO 8601 date and time" },
        { "NegotiationUnknownRouter", d => d["negotiations"] = new JsonArray("R1", "R3"), "$.negotiations[1]: unknown router \"R3\"" },
        { "NegotiationsNotStartingWithInitiator", d => d["negotiations"] = new JsonArray("R2", "R1"), "$.negotiations: the first negotiation must be the initiator's (R1)" },
        { "MissingTrustpointCa", d => Tp(d, 0, 1).Remove("ca"), "$.routers[0].trustpoints[1].ca: required member is missing" },
        { "UnknownCa", d => Tp(d, 1, 0)["ca"] = "CA3", "$.routers[1].trustpoints[0].ca: unknown CA \"CA3\"" },
        {
            "UnknownCaTrustPoint",
            d => Router(d, 0)["ikev1"]!["profiles"]![0]!["caTrustPoints"]![0] = "IOSCA9",
            "$.routers[0].ikev1.profiles[0].caTrustPoints[0]: unknown trustpoint \"IOSCA9\""
        },
        {
            "BadEthernetAddress",
            d => Router(d, 1)["interfaces"]!["ethernet"] = "192.168.0.300/24",
            "$.routers[1].interfaces.ethernet: \"192.168.0.300\" is not an IPv4 address"
        },
        {
            "AddressWithoutPrefix",
            d => Router(d, 0)["interfaces"]!["tunnel"] = "10.0.0.1",
            "$.routers[0].interfaces.tunnel: \"10.0.0.1\" is not an IPv4 address with a prefix length (a.b.c.d/n)"
        },
        { "BadTrustpointIp", d => Tp(d, 0, 0)["ipAddress"] = "R1", "$.routers[0].trustpoints[0].ipAddress: \"R1\" is not an IPv4 address" },
        { "UnknownMember", d => Tp(d, 0, 0)["enroled"] = 3, "$.routers[0].trustpoints[0].enroled: unknown member" },
        { "WrongType", d => Tp(d, 0, 0)["enrolled"] = "3", "$.routers[0].trustpoints[0].enrolled: expected an integer, found the string \"3\"" },
        { "DuplicateEnrollmentStep", d => Tp(d, 1, 0)["enrolled"] = 3, "$.routers[1].trustpoints[0].enrolled: step 3 is used by another enrollment" },
        { "UnknownInitiator", d => d["initiator"] = "R3", "$.initiator: unknown router \"R3\"" },
        { "BadGroup", d => Router(d, 0)["ikev1"]!["policy"]!["group"] = 3, "$.routers[0].ikev1.policy.group: DH group 3 is not supported" },
        { "BadHash", d => Router(d, 0)["ikev1"]!["policy"]!["hash"] = "sha3", "$.routers[0].ikev1.policy.hash: \"sha3\" is not one of md5, sha, sha256, sha384, sha512" },
        { "OddKeySize", d => d["keys"]!["routerBits"] = 1000, "$.keys.routerBits: 1000 is not a multiple of 256" },
        { "BadSubject", d => d["cas"]![0]!["subject"] = "cn=CA1,xx=cisco", "$.cas[0].subject: bad distinguished name: unknown attribute \"xx\"" },
        { "UnknownIpsecProfileBinding", d => Router(d, 1)["ipsec"]!["profile"]!["isakmpProfile"] = "prof2", "$.routers[1].ipsec.profile.isakmpProfile: unknown isakmp profile \"prof2\"" },
        { "OneRouter", d => d["routers"]!.AsArray().RemoveAt(1), "$.routers: expected exactly two routers, found 1" },
        { "DuplicateCa", d => d["cas"]![1]!["name"] = "CA1", "$.cas[1]: duplicate CA name \"CA1\"" },
    };

    [Theory]
    [MemberData(nameof(BadScenarios))]
    public void BadScenarioThrowsOneLineNamingTheJsonPath(string label, Action<JsonObject> spoil, string message)
    {
        JsonObject doc = S1Json();
        spoil(doc);
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(doc.ToJsonString()));
        Assert.True(message == e.Message, $"{label}: {e.Message}");
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>S6 (seed-scenarios.md): R2 initiates over IKEv2; R2's profile trusts TP1 and TP2, R1's TP1 only.</summary>
    internal static JsonObject S6Json()
    {
        JsonObject d = S1Json();
        d["name"] = "S6-ikev2-r2-initiates-asymmetric";
        d["initiator"] = "R2";
        d["link"]!["mtu"] = 1400;
        for (int i = 0; i < 2; i++)
        {
            JsonObject r = Router(d, i);
            string self = i == 0 ? "192.168.0.1" : "192.168.0.2", peer = i == 0 ? "192.168.0.2" : "192.168.0.1";
            foreach (JsonNode? tp in r["trustpoints"]!.AsArray())
                tp!["name"] = tp["name"]!.GetValue<string>().Replace("IOSCA", "TP");
            r.Remove("ikev1");
            r["ikev2"] = JsonNode.Parse($$"""
                {
                  "proposal": { "name": "prop-1", "encryption": ["3des"], "integrity": ["md5"], "group": [2] },
                  "profiles": [ {
                    "name": "profile1",
                    "matchIdentityRemote": "address {{peer}} 255.255.255.255",
                    "identityLocal": "address {{self}}",
                    "pkiTrustpoints": {{(i == 0 ? "[\"TP1\"]" : "[\"TP1\", \"TP2\"]")}}
                  } ],
                  "fragmentation": true
                }
                """);
            r["ipsec"] = JsonNode.Parse("""
                { "transformSet": { "name": "trans", "transforms": ["esp-3des", "esp-sha-hmac"] },
                  "profile": { "name": "profile1", "ikev2Profile": "profile1" } }
                """);
        }
        return d;
    }

    [Fact]
    public void Ikev2ScenarioParses()
    {
        Scenario s = ScenarioParser.Parse(S6Json().ToJsonString());
        Ikev2Spec r1 = s.Router("R1").Ikev2!, r2 = s.Router("R2").Ikev2!;
        Assert.Null(s.Router("R1").Ikev1);
        Assert.Equal(new[] { "TP1" }, r1.Profiles[0].PkiTrustpoints);
        Assert.Equal(new[] { "TP1", "TP2" }, r2.Profiles[0].PkiTrustpoints);
        Assert.Equal("address 192.168.0.2 255.255.255.255", r1.Profiles[0].MatchIdentityRemote);
        Assert.Equal(("rsa-sig", "rsa-sig"), (r2.Profiles[0].AuthenticationLocal, r2.Profiles[0].AuthenticationRemote));
        Assert.Equal("pol-1", r2.PolicyName);
        Assert.Equal([2], r2.Proposal.Group);
        Assert.True(r2.Fragmentation);
        Assert.Equal("profile1", s.Router("R2").Ipsec.Ikev2Profile);
        Assert.Equal(1400, s.Link.Mtu);
    }

    [Fact]
    public void Ikev2UnknownPkiTrustpointNamesItsPath()
    {
        JsonObject d = S6Json();
        Router(d, 0)["ikev2"]!["profiles"]![0]!["pkiTrustpoints"]![0] = "IOSCA1";
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(d.ToJsonString()));
        Assert.Equal("$.routers[0].ikev2.profiles[0].pkiTrustpoints[0]: unknown trustpoint \"IOSCA1\"", e.Message);
    }

    [Fact]
    public void ControlCharactersInQuotedValuesStayOnOneLine()
    {
        JsonObject d = S1Json();
        d["initiator"] = "R1\nR2";
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(d.ToJsonString()));
        Assert.Equal("$.initiator: unknown router \"R1\\u000aR2\"", e.Message);
    }

    [Fact]
    public void MissingFileIsAScenarioException()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.ParseFile("/nonexistent/scenario.json"));
        Assert.StartsWith("$: cannot read /nonexistent/scenario.json", e.Message);
    }

    [Fact]
    public void NotJsonReportsLineAndByte()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse("{\n  \"name\": }"));
        Assert.StartsWith("$: not JSON: line 2, byte ", e.Message);
        Assert.Equal("$", e.Path);
    }

    private static JsonObject S1Json() =>
        JsonNode.Parse(File.ReadAllText(ScenarioPath("S1-ikev1-r1-initiates.json")))!.AsObject();

    private static JsonObject Router(JsonObject d, int i) => d["routers"]![i]!.AsObject();

    private static JsonObject Tp(JsonObject d, int router, int tp) => Router(d, router)["trustpoints"]![tp]!.AsObject();
}
