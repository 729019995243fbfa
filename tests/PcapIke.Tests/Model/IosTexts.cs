using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PcapIke.Tests.Forge;

namespace PcapIke.Tests.Model;

/// <summary>The IOS texts the parser tests read: the technote excerpts in Model/Resources (copied verbatim, markdown
/// and all) and the forge's files in captures/S*; and a structural comparison of parse results.</summary>
internal static class IosTexts
{
    public static string Resource(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Model", "Resources", name));

    public static string RunningConfig(string folder, string router) =>
        File.ReadAllText(Path.Combine(ForgedCaptures.Dir(folder), $"{router}-running-config.txt"));

    public static string Certificates(string folder, string router) =>
        File.ReadAllText(Path.Combine(ForgedCaptures.Dir(folder), $"{router}-show-crypto-pki-certificates.txt"));

    private static readonly JsonSerializerOptions s_json = new() { Converters = { new IpAddressConverter() } };

    // Where a paste came from and how it was dressed, not what it says: line numbers, source names, prompts, what was
    // ignored and the notes about it.
    private static readonly HashSet<string> s_provenance =
        ["Line", "SourceName", "Source", "Ignored", "IgnoredCount", "Notes", "PromptHostnames", "EffectiveHostname"];

    /// <summary>The parse result as JSON without its provenance: two pastes of the same text give the same string.</summary>
    public static string Content(object parsed)
    {
        JsonNode node = JsonSerializer.SerializeToNode(parsed, parsed.GetType(), s_json)!;
        Strip(node);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (string key in o.Select(p => p.Key).Where(s_provenance.Contains).ToArray())
                    o.Remove(key);
                foreach (var p in o)
                    Strip(p.Value);
                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                    Strip(item);
                break;
        }
    }

    private sealed class IpAddressConverter : JsonConverter<IPAddress>
    {
        public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IPAddress.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
