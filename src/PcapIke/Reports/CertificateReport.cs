using System.Globalization;
using System.Text;
using System.Text.Json;
using PcapIke.Certificates;
using PcapIke.Exchanges;

namespace PcapIke.Reports;

/// <summary>
/// <c>pcapike certs</c> output: the distinct certificates as an aligned text table (frame, direction, exchange,
/// subject, issuer, serial, validity, key, PEM file), or JSON (docs/certs-json.md). '\n' line ends everywhere.
/// </summary>
public static class CertificateReport
{
    /// <param name="files">The captures read, each with its error when it could not be (null: read).</param>
    public static void WriteText(TextWriter output, IReadOnlyList<DistinctCertificate> certificates,
        IReadOnlyList<(string File, string? Error)> files, string outDir)
    {
        bool several = files.Count > 1;
        var rows = new List<string[]>
        {
            new[] { several ? "capture" : null, "frame", "dir", "exchange", "subject", "issuer", "serial", "valid", "key", "pem" }
                .Where(c => c is not null).ToArray()!,
        };
        foreach (var d in certificates)
        {
            var c = d.First;
            var i = c.Info;
            var row = new List<string>();
            if (several) row.Add(d.File);
            row.Add(c.Frame.ToString(CultureInfo.InvariantCulture));
            row.Add(c.Sender == Role.Initiator ? "i→r" : "r→i");
            row.Add(c.Step);
            row.Add(i?.Subject ?? "?");
            row.Add(i?.Issuer ?? "?");
            row.Add(i?.SerialHex ?? "?");
            row.Add(i is { NotBefore: { } nb, NotAfter: { } na } ? $"{Day(nb)}..{Day(na)}" : "?");
            row.Add(i?.KeyText ?? "?");
            row.Add(d.PemName ?? "(not exported)");
            rows.Add(row.ToArray());
        }
        if (certificates.Count > 0) WriteTable(output, rows);
        foreach (var d in certificates)
            if (d.First.Problem is { } problem)
                Line(output, $"! {d.File}: frame {d.First.Frame.ToString(CultureInfo.InvariantCulture)}, CERT {d.First.Position.ToString(CultureInfo.InvariantCulture)}: {problem}");
        int exported = certificates.Count(c => c.PemName is not null);
        int read = files.Count(f => f.Error is null);
        Line(output, string.Create(CultureInfo.InvariantCulture,
            $"{certificates.Count} distinct certificate{(certificates.Count == 1 ? "" : "s")} ({certificates.Sum(c => c.Sightings)} seen) in {read} capture{(read == 1 ? "" : "s")}; {exported} written to {outDir}"));
    }

    private static string Day(DateTime utc) => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void WriteTable(TextWriter output, List<string[]> rows)
    {
        int[] widths = new int[rows[0].Length];
        foreach (var r in rows)
            for (int c = 0; c < r.Length; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            sb.Clear();
            for (int c = 0; c < r.Length; c++)
            {
                if (c > 0) sb.Append("  ");
                sb.Append(c == r.Length - 1 ? r[c] : r[c].PadRight(widths[c]));
            }
            Line(output, sb.ToString().TrimEnd());
        }
    }

    private static void Line(TextWriter output, string line)
    {
        output.Write(line);
        output.Write('\n');
    }

    public static void WriteJson(Stream output, IReadOnlyList<DistinctCertificate> certificates,
        IReadOnlyList<(string File, string? Error)> files, string outDir)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("tool", "pcapike");
        w.WriteNumber("schemaVersion", 1);
        w.WriteString("outDir", outDir);
        w.WriteStartArray("certificates");
        foreach (var d in certificates)
        {
            var c = d.First;
            w.WriteStartObject();
            w.WriteString("file", d.File);
            w.WriteNumber("sa", d.SaId);
            w.WriteNumber("frame", c.Frame);
            w.WriteString("direction", c.Sender == Role.Initiator ? "i2r" : "r2i");
            w.WriteString("sender", SaReportText.Role(c.Sender));
            w.WriteString("step", c.Step);
            w.WriteString("exchange", c.Exchange.ToString());
            w.WriteNumber("position", c.Position);
            w.WriteNumber("count", c.Count);
            w.WriteBoolean("decrypted", c.Decrypted);
            w.WriteNumber("encodingRaw", c.EncodingRaw);
            w.WriteNumber("seen", d.Sightings);
            w.WriteString("pem", d.PemName);
            AnalyzeJsonWriter.WriteCertificateFields(w, c.Info);
            w.WriteString("problem", c.Problem);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("files");
        foreach (var (file, error) in files)
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            if (error is null) w.WriteNumber("certificates", certificates.Count(c => c.File == file));
            else w.WriteString("error", error);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
