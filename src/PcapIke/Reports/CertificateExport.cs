using System.Text;
using PcapIke.Certificates;
using PcapIke.Exchanges;
using PcapIke.Analysis;

namespace PcapIke.Reports;

/// <summary>One distinct certificate of <c>pcapike certs</c>: where it was first seen, how often, and its PEM file.</summary>
/// <param name="File">The capture it was first seen in.</param>
/// <param name="SaId">The IKE SA (analyze's id) of its first sighting.</param>
/// <param name="Sightings">How many CERT payloads carried it (in distinct messages of every capture read).</param>
/// <param name="PemName">The PEM file written for it; null when it could not be read (not exported).</param>
public sealed record DistinctCertificate(string File, int SaId, SeenCertificate First, int Sightings, string? PemName);

/// <summary>
/// The distinct certificates of one or more analysed captures (by the SHA-256 of their DER; CERT payloads that are
/// not X.509 or do not parse are kept by their bytes and not exported), in order of first sighting, each with the
/// PEM file name it is exported under: the subject's commonName made safe for a file name, then its serial
/// (<c>R1-serial-03.pem</c>); when two different certificates would get one name, the second has its SHA-256 prefix
/// added (<c>R1-serial-03-1a2b3c4d.pem</c>).
/// </summary>
public sealed class CertificateCollector
{
    private readonly List<DistinctCertificate> _items = new();
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<DistinctCertificate> Items => _items;

    /// <summary>Adds the certificates of a capture's SAs, in SA then message order.</summary>
    public void Add(CaptureAnalysis analysis)
    {
        foreach (var sa in analysis.Sas.Select(s => s.Sa).OrderBy(s => s.Id))
            foreach (var c in sa.Certificates)
                Add(analysis.File, sa.Id, c);
    }

    public void Add(string file, int saId, SeenCertificate c)
    {
        string key = c.Info?.Sha256 ?? $"{c.EncodingRaw}:{file}:{c.Frame}:{c.Position}";
        if (_byKey.TryGetValue(key, out int at))
        {
            _items[at] = _items[at] with { Sightings = _items[at].Sightings + 1 };
            return;
        }
        string? name = c.Info is { IsParsed: true } info ? UniqueName(info) : null;
        _byKey[key] = _items.Count;
        _items.Add(new DistinctCertificate(file, saId, c, 1, name));
    }

    private string UniqueName(CertificateInfo info)
    {
        string name = PemFileName(info);
        if (!_names.Add(name))
        {
            name = name[..^4] + "-" + info.Sha256[..8] + ".pem";
            _names.Add(name);
        }
        return name;
    }

    /// <summary><c>{commonName}-serial-{serial hex}.pem</c>: letters, digits, '.', '_' and '-' kept, anything else
    /// (separators, spaces, control characters) one '_', no leading dot; <c>certificate</c> without a commonName.</summary>
    public static string PemFileName(CertificateInfo info) =>
        $"{SafeName(info.SubjectCommonName)}-serial-{info.SerialHex ?? "unknown"}.pem";

    public static string SafeName(string? name)
    {
        var b = new StringBuilder();
        foreach (char ch in name ?? "")
        {
            bool keep = char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_';
            if (keep) b.Append(ch);
            else if (b.Length > 0 && b[^1] != '_') b.Append('_');
        }
        string s = b.ToString().Trim('.', '_', '-');
        if (s.Length > 64) s = s[..64].TrimEnd('.', '_', '-');
        return s.Length == 0 ? "certificate" : s;
    }
}
