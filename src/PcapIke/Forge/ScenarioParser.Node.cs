using System.Net;
using System.Text.Json;
using PcapIke.Model;

namespace PcapIke.Forge;

public static partial class ScenarioParser
{
    /// <summary>
    /// A JSON object being read: every accessor names the member's path in its error, and <see cref="End"/> rejects
    /// members nobody asked for (a misspelt optional key must not be silently ignored).
    /// </summary>
    private sealed class Node
    {
        private readonly JsonElement _e;
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public Node(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object)
                throw new ScenarioException(path, $"expected an object, found {Kind(e)}");
            _e = e;
            Path = path;
        }

        public string Path { get; }

        public string At(string name) => $"{Path}.{name}";

        private JsonElement? Get(string name)
        {
            _read.Add(name);
            if (!_e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
                return null;
            return v;
        }

        private JsonElement Need(string name) =>
            Get(name) ?? throw new ScenarioException(At(name), "required member is missing");

        public string String(string name) => AsString(Need(name), At(name));

        public string? OptString(string name) => Get(name) is { } v ? AsString(v, At(name)) : null;

        public int Int(string name, int min, int max) => AsInt(Need(name), At(name), min, max);

        public int OptInt(string name, int fallback, int min, int max) =>
            Get(name) is { } v ? AsInt(v, At(name), min, max) : fallback;

        public bool OptBool(string name, bool fallback)
        {
            if (Get(name) is not { } v)
                return fallback;
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ScenarioException(At(name), $"expected true or false, found {Kind(v)}"),
            };
        }

        public Node Object(string name) => new(Need(name), At(name));

        public Node? OptObject(string name) => Get(name) is { } v ? new Node(v, At(name)) : null;

        /// <summary>The elements of an array member with their paths; <paramref name="required"/> and empty is an error.</summary>
        public IEnumerable<(JsonElement Element, string Path)> Array(string name, bool required)
        {
            JsonElement? v = required ? Need(name) : Get(name);
            if (v is null)
                return [];
            if (v.Value.ValueKind != JsonValueKind.Array)
                throw new ScenarioException(At(name), $"expected an array, found {Kind(v.Value)}");
            if (required && v.Value.GetArrayLength() == 0)
                throw new ScenarioException(At(name), "must not be empty");
            return v.Value.EnumerateArray().Select((e, i) => (e, $"{At(name)}[{i}]")).ToArray();
        }

        public IReadOnlyList<string> Strings(string name, bool required) =>
            Array(name, required).Select(x => AsString(x.Element, x.Path)).ToArray();

        public IReadOnlyList<Node> Objects(string name, bool required) =>
            Array(name, required).Select(x => new Node(x.Element, x.Path)).ToArray();

        /// <summary>Rejects members that were never read.</summary>
        public void End()
        {
            foreach (JsonProperty p in _e.EnumerateObject())
                if (!_read.Contains(p.Name))
                    throw new ScenarioException(At(p.Name), "unknown member");
        }
    }

    private static string AsString(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String)
            throw new ScenarioException(path, $"expected a string, found {Kind(v)}");
        string s = v.GetString()!;
        if (s.Length == 0)
            throw new ScenarioException(path, "must not be empty");
        return s;
    }

    private static int AsInt(JsonElement v, string path, int min, int max)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n))
            throw new ScenarioException(path, $"expected an integer, found {Kind(v)}");
        if (n < min || n > max)
            throw new ScenarioException(path, $"{n} is outside {min}..{max}");
        return n;
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{v.GetString()}\"",
        JsonValueKind.Number => $"the number {v.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => "null",
    };

    private static IPAddress Ipv4(string text, string path)
    {
        if (!IPAddress.TryParse(text, out IPAddress? a) || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || text.Count(c => c == '.') != 3)
            throw new ScenarioException(path, $"\"{text}\" is not an IPv4 address");
        return a;
    }

    private static InterfaceAddress Prefix(string text, string path)
    {
        int slash = text.IndexOf('/');
        if (slash < 0 || !int.TryParse(text.AsSpan(slash + 1), out int len) || len is < 1 or > 32)
            throw new ScenarioException(path, $"\"{text}\" is not an IPv4 address with a prefix length (a.b.c.d/n)");
        return new InterfaceAddress(Ipv4(text[..slash], path), len);
    }
}
