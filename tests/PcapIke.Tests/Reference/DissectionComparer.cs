using System.Text;

namespace PcapIke.Tests.Reference;

/// <summary>
/// Compares two dissections field by field (Wireshark's and PcapIke's, both as <see cref="ReferenceMessage"/>)
/// and lists every difference with its frame and field, so a failing test says exactly what differs.
/// </summary>
public static class DissectionComparer
{
    public static IReadOnlyList<string> Compare(IReadOnlyList<ReferenceMessage> expected, IReadOnlyList<ReferenceMessage> actual)
    {
        var diffs = new List<string>();
        var actualByFrame = actual.GroupBy(m => m.Frame).ToDictionary(g => g.Key, g => g.ToList());
        var expectedByFrame = expected.GroupBy(m => m.Frame).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (frame, list) in expectedByFrame)
        {
            if (!actualByFrame.TryGetValue(frame, out var mine))
            {
                diffs.Add($"frame {frame}: Wireshark shows {list.Count} ISAKMP message(s), PcapIke none");
                continue;
            }
            if (mine.Count != list.Count)
                diffs.Add($"frame {frame}: Wireshark shows {list.Count} message(s), PcapIke {mine.Count}");
            for (int i = 0; i < Math.Min(mine.Count, list.Count); i++)
                CompareMessage(frame, list[i], mine[i], diffs);
        }
        foreach (var frame in actualByFrame.Keys.Except(expectedByFrame.Keys))
            diffs.Add($"frame {frame}: PcapIke shows an IKE message, Wireshark none");
        return diffs;
    }

    private static void CompareMessage(int frame, ReferenceMessage e, ReferenceMessage a, List<string> diffs)
    {
        void Check<T>(string field, T ev, T av)
        {
            if (!EqualityComparer<T>.Default.Equals(ev, av)) diffs.Add($"frame {frame}: {field}: Wireshark {ev}, PcapIke {av}");
        }
        Check("ispi", e.InitiatorSpi, a.InitiatorSpi);
        Check("rspi", e.ResponderSpi, a.ResponderSpi);
        Check("next payload", e.NextPayload, a.NextPayload);
        Check("version", $"{e.MajorVersion}.{e.MinorVersion}", $"{a.MajorVersion}.{a.MinorVersion}");
        Check("exchange type", e.ExchangeType, a.ExchangeType);
        Check("flags", e.Flags, a.Flags);
        Check("message id", e.MessageId, a.MessageId);
        Check("length", e.Length, a.Length);
        Check("encrypted", e.Encrypted, a.Encrypted);
        ComparePayloads(frame, "payloads", e.Payloads, a.Payloads, diffs);
    }

    private static void ComparePayloads(int frame, string path, IReadOnlyList<ReferencePayload> e, IReadOnlyList<ReferencePayload> a, List<string> diffs)
    {
        string Chain(IReadOnlyList<ReferencePayload> l) => string.Join(",", l.Select(p => p.Type));
        if (Chain(e) != Chain(a))
        {
            diffs.Add($"frame {frame}: {path} chain: Wireshark [{Chain(e)}], PcapIke [{Chain(a)}]");
            return;
        }
        for (int i = 0; i < e.Count; i++)
        {
            var (x, y) = (e[i], a[i]);
            string here = $"{path}[{i}] type {x.Type}";
            void Check<T>(string field, T ev, T av)
            {
                if (!EqualityComparer<T>.Default.Equals(ev, av)) diffs.Add($"frame {frame}: {here} {field}: Wireshark {ev}, PcapIke {av}");
            }
            Check("length", x.Length, y.Length);
            Check("notify type", x.NotifyType, y.NotifyType);
            Check("vendor id", x.VendorIdHex, y.VendorIdHex);
            Check("cert type", x.CertificateType, y.CertificateType);
            Check("cert request DN", Dn(x.CertRequestDn), Dn(y.CertRequestDn));
            if (x.Children.Count > 0 || y.Children.Count > 0) ComparePayloads(frame, here, x.Children, y.Children, diffs);
        }
    }

    private static string? Dn(IReadOnlyList<KeyValuePair<string, string>>? dn) =>
        dn == null ? null : string.Join(",", dn.Select(kv => kv.Key + "=" + kv.Value));

    public static string Describe(IReadOnlyList<string> diffs)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{diffs.Count} difference(s):");
        foreach (var d in diffs.Take(50)) sb.AppendLine("  " + d);
        return sb.ToString();
    }
}
