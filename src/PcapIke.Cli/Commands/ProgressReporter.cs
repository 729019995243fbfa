using System.CommandLine;
using System.Globalization;
using PcapIke.Findings;
using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>
/// A progress line on standard error for a long read (<c>pcapike: big.pcap: 412.0 of 1,000.0 MB (41%)</c>), redrawn
/// in place once a second after the first <see cref="Delay"/>: nothing for a run shorter than that, nothing when
/// standard error is not a terminal or with <c>--quiet</c>. The line is erased when the read ends, so what the command
/// prints after it starts on a clean line.
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private readonly TextWriter _error;
    private readonly string _file;
    private readonly Func<long> _position;
    private readonly long _total;
    private readonly Func<long>? _sas;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private int _width;

    /// <param name="sas">The IKE SAs found so far, shown after the bytes (<c>, 1,234 SAs so far</c>); null: not shown.</param>
    public ProgressReporter(TextWriter error, string file, Func<long> position, long total, TimeSpan delay, TimeSpan every,
        Func<long>? sas = null)
    {
        _sas = sas;
        _error = error;
        _file = file;
        _position = position;
        _total = total;
        _thread = new Thread(() =>
        {
            if (_stop.Wait(delay)) return;
            do Draw(); while (!_stop.Wait(every));
        }) { IsBackground = true, Name = "pcapike progress" };
        _thread.Start();
    }

    /// <summary>The <c>--quiet</c> option of the commands that show progress.</summary>
    public static Option<bool> QuietOption() => new("--quiet", "-q") { Description = "No progress line on standard error (it is shown only on a terminal, for runs longer than 2 s)" };

    /// <summary>Whether to show progress: standard error is a terminal and <c>--quiet</c> was not given.</summary>
    public static bool Wanted(bool quiet) => !quiet && !Console.IsErrorRedirected;

    /// <summary>The line for <paramref name="read"/> bytes of <paramref name="total"/> (≤ 0: unknown, e.g. standard input).</summary>
    public static string Line(string file, long read, long total) => total > 0
        ? string.Create(CultureInfo.InvariantCulture, $"pcapike: {file}: {read / 1e6:N1} of {total / 1e6:N1} MB ({Math.Min(100, read * 100 / total)}%)")
        : string.Create(CultureInfo.InvariantCulture, $"pcapike: {file}: {read / 1e6:N1} MB read");

    /// <summary><see cref="Line(string, long, long)"/> and the SAs found so far.</summary>
    public static string Line(string file, long read, long total, long sas) =>
        Line(file, read, total) + string.Create(CultureInfo.InvariantCulture, $", {sas:N0} SA{(sas == 1 ? "" : "s")} so far");

    private void Draw()
    {
        string line = _sas is null ? Line(_file, _position(), _total) : Line(_file, _position(), _total, _sas());
        lock (_error)
        {
            _error.Write("\r" + line.PadRight(_width));
            _error.Flush();
            _width = Math.Max(_width, line.Length);
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        lock (_error)
            if (_width > 0)
            {
                _error.Write("\r" + new string(' ', _width) + "\r");
                _error.Flush();
            }
        _stop.Dispose();
    }

    /// <summary>Analyses <paramref name="file"/> as <see cref="CaptureAnalyzer.Analyze(string, AnalysisOptions?)"/> does,
    /// with a progress line when <paramref name="show"/>.</summary>
    public static CaptureAnalysis Analyze(string file, AnalysisOptions options, bool show, TextWriter error)
    {
        if (!show) return CaptureAnalyzer.Analyze(file, options);
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(file, malformations);
        long total = file != "-" && File.Exists(file) ? new FileInfo(file).Length : 0;
        ExchangeCorrelator? correlator = null;
        using var progress = new ProgressReporter(error, file, () => reader.Position, total, Delay, TimeSpan.FromSeconds(1),
            () => Volatile.Read(ref correlator)?.SasFound ?? 0);
        return CaptureAnalyzer.Analyze(reader, malformations, options, c => Volatile.Write(ref correlator, c));
    }

    /// <summary>Streams the SAs of <paramref name="file"/> as <see cref="CaptureAnalyzer.AnalyzeStreaming(string, AnalysisOptions?, Action{AnalyzedSa})"/>
    /// does, with a progress line (bytes read, SAs so far) when <paramref name="show"/>.</summary>
    public static StreamedCaptureAnalysis AnalyzeStreaming(string file, AnalysisOptions options, bool show, TextWriter error, Action<AnalyzedSa> onSa)
    {
        if (!show) return CaptureAnalyzer.AnalyzeStreaming(file, options, onSa);
        var malformations = new MalformationList();
        using var reader = CaptureReader.Open(file, malformations);
        long total = file != "-" && File.Exists(file) ? new FileInfo(file).Length : 0;
        long sas = 0;
        using var progress = new ProgressReporter(error, file, () => reader.Position, total, Delay, TimeSpan.FromSeconds(1),
            () => Interlocked.Read(ref sas));
        return CaptureAnalyzer.AnalyzeStreaming(reader, malformations, options, sa =>
        {
            Interlocked.Increment(ref sas);
            onSa(sa);
        });
    }
}
