using System.Text.Json;

namespace PcapIke.Tests.TestSupport;

/// <summary>
/// Reads the tshark -T json -J isakmp reference files. Their objects repeat keys (one per payload/attribute), so
/// everything goes through <see cref="JsonElement.EnumerateObject"/>, which keeps duplicates in document order.
/// </summary>
internal static class TsharkJson
{
    public static List<JsonElement?> LoadIsakmpLayers(string path, out JsonDocument document)
    {
        document = JsonDocument.Parse(File.ReadAllBytes(path));
        return IsakmpLayers(document);
    }

    /// <summary>One entry per frame, in frame order: its ISAKMP layer, or null when the frame has none.</summary>
    public static List<JsonElement?> IsakmpLayers(JsonDocument document)
    {
        var list = new List<JsonElement?>();
        foreach (JsonElement packet in document.RootElement.EnumerateArray())
        {
            JsonElement layers = packet.GetProperty("_source").GetProperty("layers");
            JsonElement? isakmp = null;
            foreach (JsonProperty p in layers.EnumerateObject())
                if (p.Name == "isakmp")
                    isakmp = p.Value;
            list.Add(isakmp);
        }
        return list;
    }

    public static string? Field(JsonElement obj, string name)
    {
        foreach (JsonProperty p in obj.EnumerateObject())
            if (p.Name == name)
                return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
        return null;
    }

    public static IEnumerable<(string Type, JsonElement Tree)> TopLevelPayloads(JsonElement isakmp)
    {
        string? pendingType = null;
        foreach (JsonProperty p in isakmp.EnumerateObject())
        {
            if (p.Name == "isakmp.typepayload")
                pendingType = p.Value.GetString();
            else if (p.Name == "isakmp.typepayload_tree" && pendingType is not null)
            {
                yield return (pendingType, p.Value);
                pendingType = null;
            }
        }
    }

    /// <summary>Every (name, value) pair below <paramref name="element"/>, depth first, in document order.</summary>
    public static IEnumerable<(string Name, JsonElement Value)> Flatten(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            yield break;
        foreach (JsonProperty p in element.EnumerateObject())
        {
            yield return (p.Name, p.Value);
            foreach (var inner in Flatten(p.Value))
                yield return inner;
        }
    }
}
