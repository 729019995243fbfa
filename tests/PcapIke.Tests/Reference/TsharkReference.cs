using System.Globalization;
using System.Text.Json;
using PcapIke.Tests.TestSupport;

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
/// Wireshark's JSON dissection as <see cref="ReferenceMessage"/>s, walked with <see cref="TsharkJson"/> (the JSON
/// repeats keys, one <c>isakmp.typepayload_tree</c> per payload, so never through a dictionary).
/// </summary>
public static class TsharkReference
{
    public static IReadOnlyList<ReferenceMessage> Load(string jsonPath) => Parse(File.ReadAllText(jsonPath));

    public static IReadOnlyList<ReferenceMessage> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<ReferenceMessage>();
        var layers = TsharkJson.IsakmpLayers(doc);
        for (int i = 0; i < layers.Count; i++)
            if (layers[i] is { ValueKind: JsonValueKind.Object } isakmp)
                result.Add(ReadMessage(frame: i + 1, isakmp));
        return result;
    }

    private static ReferenceMessage ReadMessage(int frame, JsonElement isakmp)
    {
        string ispi = "", rspi = "";
        int next = 0, major = 0, minor = 0, exchange = 0, flags = 0, length = 0;
        uint messageId = 0;
        bool encrypted = false;
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
            }
        }
        return new ReferenceMessage(frame, ispi, rspi, next, major, minor, exchange, flags, messageId, length,
            encrypted, Payloads(isakmp));
    }

    /// <summary>The payload trees below <paramref name="container"/>, each typed by the "isakmp.typepayload" before it.</summary>
    private static List<ReferencePayload> Payloads(JsonElement container) =>
        TsharkJson.TopLevelPayloads(container).Select(t => ReadPayload(int.Parse(t.Type, CultureInfo.InvariantCulture), t.Tree)).ToList();

    private static ReferencePayload ReadPayload(int type, JsonElement tree)
    {
        int length = 0;
        int? notify = null, certType = null;
        string? vid = null, vidName = null;
        bool encrypted = false;
        List<KeyValuePair<string, string>>? dn = null;
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
            }
        }
        return new ReferencePayload(type, length, notify, vid, vidName, certType, dn, encrypted, Payloads(tree));
    }

    /// <summary>The DN's attributes in encoding order, each as (OID, value).</summary>
    private static List<KeyValuePair<string, string>> ReadDn(JsonElement sigTree)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in TsharkJson.Flatten(sigTree))
        {
            if (name != "x509if.RelativeDistinguishedName_item_element") continue;
            string? oid = null, text = null;
            foreach (var (n, v) in TsharkJson.Flatten(value))
            {
                if (n == "x509if.oid") oid = v.GetString();
                else if (text is null && v.ValueKind == JsonValueKind.String && n.StartsWith("x509sat.", StringComparison.Ordinal)
                         && n != "x509sat.DirectoryString")
                    text = v.GetString();
            }
            if (oid != null && text != null) list.Add(new(oid, text));
        }
        return list;
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
