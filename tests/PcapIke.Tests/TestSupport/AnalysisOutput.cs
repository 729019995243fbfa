using System.Text;
using PcapIke.Analysis;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Reports;

namespace PcapIke.Tests.TestSupport;

/// <summary>An analysis of a capture in memory as the CLI writes it, for tests that compare two ways of analysing the
/// same capture byte for byte: the <c>analyze --format json</c> document, and the streamed SAs as
/// <c>--format jsonl</c> lines with a last line of counts.</summary>
internal static class AnalysisOutput
{
    public static CaptureAnalysis Analyze(byte[] capture, AnalysisOptions options)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "capture", malformations);
        return CaptureAnalyzer.Analyze(reader, malformations, options);
    }

    public static string Json(CaptureAnalysis analysis)
    {
        var buffer = new MemoryStream();
        using (var w = new AnalyzeJsonWriter(buffer)) w.WriteAnalysis(analysis);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string JsonLines(byte[] capture, AnalysisOptions options)
    {
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(capture), "capture", malformations);
        var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            var result = CaptureAnalyzer.AnalyzeStreaming(reader, malformations, options, sa =>
            {
                AnalyzeJsonWriter.WriteSa(w, "capture", sa);
                w.Flush();
                w.Reset();
                buffer.WriteByte((byte)'\n');
            });
            buffer.Write(Encoding.UTF8.GetBytes($"{result.SaCount} {result.CutShortSas} {result.DataPlane.TotalPackets} {result.Statistics.Frames}\n"));
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
