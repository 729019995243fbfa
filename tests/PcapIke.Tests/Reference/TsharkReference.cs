using System.Globalization;
using System.Text.Json;

namespace PcapIke.Tests.Reference;

/// <summary>One payload as Wireshark dissected it (from <c>tshark -T json -J isakmp</c>).</summary>
public sealed record ReferencePayload(
    int Type,
    int Length,
    int? NotifyType,
    string? VendorIdHex,
    string? VendorIdName,
    int? CertificateType,
    IReadOnlyList<KeyValuePair<string, string>>? CertRequestDn,
    bool Encrypted,
    IReadOnlyList<ReferencePayload> Children);

/// <summary>One ISAKMP message as Wireshark dissected it.</summary>
public sealed record ReferenceMessage(
    int Frame,
    string InitiatorSpi,
    string ResponderSpi,
    int NextPayload,
    int MajorVersion,
    int MinorVersion,
    int ExchangeType,
    int Flags,
    uint MessageId,
    int Length,
    bool Encrypted,
    IReadOnlyList<ReferencePayload> Payloads);

/// <summary>
/// Reads Wireshark's JSON dissection. The JSON repeats keys (one <c>isakmp.typepayload_tree</c> per payload,
/// one <c>isakmp.ike.attr</c> per attribute), so it is walked with <see cref="JsonElement.EnumerateObject"/>,
/// which keeps duplicates, never through a dictionary.
/// </summary>
public static class TsharkReference
{
    public static IReadOnlyList<ReferenceMessage> Load(string jsonPath) => Parse(File.ReadAllText(jsonPath));

    public static IReadOnlyList<ReferenceMessage> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<ReferenceMessage>();
        int frame = 0;
        foreach (var packet in doc.RootElement.EnumerateArray())
        {
            frame++;
            var layers = packet.GetProperty("_source").GetProperty("layers");
            foreach (var layer in layers.EnumerateObject())
                if (layer.Name == "isakmp" && layer.Value.ValueKind == JsonValueKind.Object)
                    result.Add(ReadMessage(frame, layer.Value));
        }
        return result;
    }

    private static ReferenceMessage ReadMessage(int frame, JsonElement isakmp)
    {
        string ispi = "", rspi = "";
        int next = 0, major = 0, minor = 0, exchange = 0, flags = 0, length = 0;
        uint messageId = 0;
        bool encrypted = false;
        var payloads = new List<ReferencePayload>();
        foreach (var p in isakmp.EnumerateObject())
        {
            switch (p.Name)
            {
                case "isakmp.ispi": ispi = Hex(p.Value.GetString()); break;
                case "isakmp.rspi": rspi = Hex(p.Value.GetString()); break;
                case "isakmp.nextpayload": next = Int(p.Value); break;
                case "isakmp.version_tree":
                    major = Int(p.Value.GetProperty("isakmp.mjver"));
                    minor = Int(p.Value.GetProperty("isakmp.mnver"));
                    break;
                case "isakmp.exchangetype": exchange = Int(p.Value); break;
                case "isakmp.flags": flags = Int(p.Value); break;
                case "isakmp.messageid": messageId = (uint)Long(p.Value); break;
                case "isakmp.length": length = Int(p.Value); break;
                case "isakmp.enc.data": encrypted = true; break;
                case "isakmp.typepayload_tree": payloads.Add(ReadPayload(p.Value, pendingType: null)); break;
            }
        }
        // The type of each payload is the sibling "isakmp.typepayload" that precedes its tree.
        AssignTypes(isakmp, payloads);
        return new ReferenceMessage(frame, ispi, rspi, next, major, minor, exchange, flags, messageId, length,
            encrypted, payloads);
    }

    private static void AssignTypes(JsonElement container, List<ReferencePayload> payloads)
    {
        int i = 0;
        int? type = null;
        foreach (var p in container.EnumerateObject())
        {
            if (p.Name == "isakmp.typepayload") type = Int(p.Value);
            else if (p.Name == "isakmp.typepayload_tree" && i < payloads.Count)
            {
                payloads[i] = payloads[i] with { Type = type ?? -1 };
                i++;
            }
        }
    }

    private static ReferencePayload ReadPayload(JsonElement tree, int? pendingType)
    {
        int length = 0;
        int? notify = null, certType = null;
        string? vid = null, vidName = null;
        bool encrypted = false;
        List<KeyValuePair<string, string>>? dn = null;
        var children = new List<ReferencePayload>();
        foreach (var p in tree.EnumerateObject())
        {
            switch (p.Name)
            {
                case "isakmp.payloadlength": length = Int(p.Value); break;
                case "isakmp.notify.msgtype": notify = Int(p.Value); break;
                case "isakmp.vid_bytes": vid = Hex(p.Value.GetString()); break;
                case "isakmp.vid_string": vidName = p.Value.GetString(); break;
                case "isakmp.certreq.type": certType = Int(p.Value); break;
                case "isakmp.ike.certreq.authority.sig_tree": dn = ReadDn(p.Value); break;
                case "isakmp.enc.data": encrypted = true; break;
                case "isakmp.typepayload_tree": children.Add(ReadPayload(p.Value, null)); break;
            }
        }
        AssignTypes(tree, children);
        return new ReferencePayload(pendingType ?? -1, length, notify, vid, vidName, certType, dn, encrypted, children);
    }

    /// <summary>The DN's attributes in encoding order, each as (OID, value).</summary>
    private static List<KeyValuePair<string, string>> ReadDn(JsonElement sigTree)
    {
        var list = new List<KeyValuePair<string, string>>();
        Walk(sigTree);
        return list;

        void Walk(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object) return;
            string? oid = null;
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name == "x509if.RelativeDistinguishedName_item_element")
                {
                    string? o = null, v = null;
                    foreach (var q in p.Value.EnumerateObject())
                    {
                        if (q.Name == "x509if.oid") o = q.Value.GetString();
                        else if (q.Name.EndsWith("_tree", StringComparison.Ordinal))
                            v ??= FirstString(q.Value);
                        else if (q.Name.StartsWith("x509sat.", StringComparison.Ordinal) && q.Name != "x509sat.DirectoryString")
                            v ??= q.Value.GetString();
                    }
                    if (o != null && v != null) list.Add(new(o, v));
                }
                else Walk(p.Value);
                _ = oid;
            }
        }

        static string? FirstString(JsonElement e)
        {
            foreach (var p in e.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) return p.Value.GetString();
            return null;
        }
    }

    private static string Hex(string? colonHex) => (colonHex ?? "").Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();

    private static int Int(JsonElement e) => (int)Long(e);

    private static long Long(JsonElement e)
    {
        string s = e.GetString() ?? "0";
        return s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(s, CultureInfo.InvariantCulture);
    }
}
