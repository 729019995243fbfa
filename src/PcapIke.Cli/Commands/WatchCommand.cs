using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using PcapIke.Capture;
using PcapIke.Cli.Live;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Findings;
using PcapIke.Reports;
using PcapIke.Analysis;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike watch -i IFACE [-f BPF] [--write FILE.pcap] [--format text|jsonl] [key options] [--ca …] [--config …]</c>:
/// IKE negotiations watched live (SharpPcap / libpcap). Each IKE SA is printed when it finishes, a one-line status
/// of the SAs in progress is kept on standard error, and Ctrl-C (SIGINT) or SIGTERM prints the rest and a summary
/// and closes the written capture. <c>pcapike watch --list</c> lists the interfaces.
/// </summary>
/// <remarks>
/// The packets are kept as a pcap in memory and read, whenever something changed, by the same
/// <see cref="CaptureReader"/> → frame decoder → <see cref="CaptureAnalyzer"/> path as a file: what watch prints of
/// an SA is what <c>analyze</c> prints of a capture holding the same packets. An SA is finished when its outcome is
/// established or failed and no message of it came for <see cref="SettleTime"/>, or when it has been quiet for
/// <c>--idle</c> seconds; an SA printed once that gets more messages later is printed again, marked updated.
/// </remarks>
public static class WatchCommand
{
    /// <summary>An established or failed SA is printed once quiet this long (a retransmitted last message, an
    /// IKEv1 Quick Mode right after Main Mode, still belong to it).</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    /// <summary>At most this much of the capture is kept for analysis (a lab session, not days of a head-end).</summary>
    public const long MaxBufferedBytes = 256L << 20;

    /// <summary>The default capture filter: IKE (500, 4500) and every non-first IPv4 fragment / IPv6 fragment
    /// header, which a port filter would drop (an IKE_AUTH with certificates is often fragmented).</summary>
    public const string DefaultFilter = "udp port 500 or udp port 4500 or tcp port 4500 or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44)";

    public static Command Create()
    {
        var iface = new Option<string>("--interface", "-i") { HelpName = "IFACE", Description = "The interface to capture on (pcapike watch --list lists them)" };
        var list = new Option<bool>("--list") { Description = "List the interfaces libpcap can capture on and exit" };
        var filter = new Option<string>("--filter", "-f")
        {
            HelpName = "BPF",
            Description = $"Capture filter (libpcap syntax); default: {DefaultFilter}",
        };
        var write = new Option<string>("--write", "-w", "--output", "-o") { HelpName = "FILE.pcap", Description = "Also write every captured packet to this pcap (closed cleanly on Ctrl-C)" };
        var format = new Option<string>("--format") { Description = "How SAs are printed: text (as analyze) or jsonl (one JSON SA per line, as batch --jsonl)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "jsonl");
        var idle = new Option<double>("--idle")
        {
            HelpName = "SECONDS",
            Description = "An SA without a message for this long is printed as it stands (stalled, incomplete); default 30",
            DefaultValueFactory = _ => 30,
        };
        var ca = AnalysisInputs.CaOption();
        var keys = KeyOptions.Create();
        var ports = PortOptions.Create();
        var configs = ConfigScenario.Option();
        var command = new Command("watch", "Watch IKE negotiations live on an interface (libpcap): each SA printed as it finishes")
        {
            iface, list, filter, write, format, idle, ca, ports.Udp, ports.NatT, ports.Tcp, configs,
        };
        keys.AddTo(command);
        command.SetAction(pr =>
        {
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            if (pr.GetValue(list))
            {
                foreach (var i in LiveCapture.List())
                    output.WriteLine($"{i.Name,-20} {(i.Addresses.Count > 0 ? string.Join(",", i.Addresses) : "-"),-32} {i.Description ?? (i.Loopback ? "loopback" : "")}".TrimEnd());
                return ExitCodes.Ok;
            }
            string? name = pr.GetValue(iface);
            if (string.IsNullOrEmpty(name))
                throw new CliInputException("watch: give the interface with -i IFACE (pcapike watch --list lists them)", ExitCodes.Usage);
            double idleSeconds = pr.GetValue(idle);
            if (!(idleSeconds > 0) || idleSeconds > 86_400)
                throw new CliInputException($"--idle: {idleSeconds} is not a number of seconds between 0 and 86400", ExitCodes.Usage);
            var options = AnalysisInputs.Options(pr, ca, ports, keys);
            if (pr.GetValue(configs) is { Length: > 0 } configFiles)
                options = options.With(ConfigScenario.LoadRouters(configFiles, null, options));
            using var capture = LiveCapture.Open(name, pr.GetValue(filter) ?? DefaultFilter);
            var session = new WatchSession(capture, options, output, error, pr.GetValue(format)!.ToLowerInvariant() == "jsonl",
                TimeSpan.FromSeconds(idleSeconds), ReferenceEquals(PcapIke.Text.SafeTextWriter.Unwrap(error), Console.Error) && !Console.IsErrorRedirected);
            if (pr.GetValue(write) is { } path) session.WriteTo(path);
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            // SIGINT (Ctrl-C, kill -INT) and SIGTERM end the watch the same way. (A non-interactive shell starts
            // background jobs with SIGINT ignored, which the runtime keeps: scripts start watch with job control on,
            // set -m, as tools/lab/record-strongswan.sh does, or stop it with SIGTERM.)
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
            {
                ctx.Cancel = true;
                stop.Cancel();
            });
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                stop.Cancel();
            });
            try
            {
                return session.Run(stop.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }
}

/// <summary>One <c>pcapike watch</c> run: the capture loop, the analysis of what was captured, the printing.</summary>
internal sealed class WatchSession
{
    private static readonly TimeSpan AnalysisInterval = TimeSpan.FromMilliseconds(250);

    private readonly IPacketSource _capture;
    private readonly AnalysisOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly bool _jsonl;
    private readonly TimeSpan _idle;
    private readonly bool _terminal;
    private readonly MemoryStream _buffer = new();
    private readonly PcapFileWriter _bufferWriter;
    private PcapFileWriter? _fileWriter;
    private FileStream? _file;
    private string? _filePath;
    private long _packets, _bufferedPackets;
    private bool _bufferFull;
    private bool _dirty;
    private DateTime _lastAnalysis = DateTime.MinValue;
    private readonly Dictionary<string, int> _printed = new();
    private string _lastStatus = "";
    private CaptureAnalysis? _latest;

    public WatchSession(IPacketSource capture, AnalysisOptions options, TextWriter output, TextWriter error, bool jsonl,
        TimeSpan idle, bool terminal)
    {
        _capture = capture;
        _options = options;
        _output = output;
        _error = error;
        _jsonl = jsonl;
        _idle = idle;
        _terminal = terminal;
        _bufferWriter = new PcapFileWriter(_buffer, capture.LinkType, LiveCapture.SnapLength);
    }

    /// <summary>Also writes every packet to <paramref name="path"/> (one error line and exit code 3 when it cannot be
    /// created).</summary>
    public void WriteTo(string path)
    {
        try
        {
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"--write: {path}: cannot write: {ex.Message}");
        }
        _filePath = path;
        _fileWriter = new PcapFileWriter(_file, _capture.LinkType, LiveCapture.SnapLength);
        _file.Flush();
    }

    public int Run(CancellationToken stop)
    {
        Status(force: true);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (_capture.TryNext(out long ns, out ReadOnlySpan<byte> data, out _)) Add(ns, data);
                DateTime now = DateTime.UtcNow;
                if (now - _lastAnalysis >= (_dirty ? AnalysisInterval : TimeSpan.FromSeconds(1)))
                    Analyze(now, final: false);
            }
            // Stopped (Ctrl-C, SIGINT, SIGTERM): the packets libpcap captured before the stop and this loop had not
            // read yet (a busy machine, a burst) are still read, for at most 0.3 s (the stop must stay prompt), so the summary and --write
            // hold every packet the capture saw.
            long until = Environment.TickCount64 + 300;
            while (Environment.TickCount64 < until && _capture.TryNext(out long ns, out ReadOnlySpan<byte> data, out _))
                Add(ns, data);
        }
        finally
        {
            CloseFile();
        }
        Analyze(DateTime.UtcNow, final: true);
        Summary();
        return ExitCodes.Ok;
    }

    private void Add(long ns, ReadOnlySpan<byte> data)
    {
        _packets++;
        var time = new DateTimeOffset(DateTime.UnixEpoch.AddTicks(ns / 100), TimeSpan.Zero);
        if (_fileWriter is not null)
        {
            try
            {
                _fileWriter.Write(time, data);
                _file!.Flush();   // readable while the watch runs, as tcpdump -U
            }
            catch (IOException ex)
            {
                throw new CliInputException($"--write: {_filePath}: cannot write: {ex.Message}");
            }
        }
        if (_buffer.Length + data.Length + 16 > WatchCommand.MaxBufferedBytes)
        {
            if (!_bufferFull)
                _error.WriteLine($"pcapike: watch: {WatchCommand.MaxBufferedBytes >> 20} MiB captured: later packets are {(_fileWriter is null ? "not" : "written but not")} analysed");
            _bufferFull = true;
            return;
        }
        _bufferWriter.Write(time, data);
        _bufferedPackets++;
        _dirty = true;
    }

    private void CloseFile()
    {
        if (_fileWriter is null) return;
        _fileWriter.Dispose();
        _file!.Dispose();
        _fileWriter = null;
    }

    /// <summary>Reads what was captured so far as a capture; prints the SAs that finished (all of them when
    /// <paramref name="final"/>), keeps the status line.</summary>
    private void Analyze(DateTime now, bool final)
    {
        _lastAnalysis = now;
        if (_dirty || final || _latest is not null)
        {
            if (_dirty || final || _latest is null)
            {
                var malformations = new MalformationList();
                using var reader = CaptureReader.Open(new MemoryStream(_buffer.GetBuffer(), 0, (int)_buffer.Length, writable: false),
                    _capture.Name, malformations);
                _latest = CaptureAnalyzer.Analyze(reader, malformations, _options);
                _dirty = false;
            }
            long nowNs = (now - DateTime.UnixEpoch).Ticks * 100;
            foreach (var analyzed in _latest.Sas)
            {
                IkeSa sa = analyzed.Sa;
                long quiet = nowNs - sa.Messages[^1].TimestampNanoseconds;
                bool done = final
                    || (sa.Outcome is SaOutcome.Established or SaOutcome.Failed && quiet >= WatchCommand.SettleTime.Ticks * 100)
                    || quiet >= _idle.Ticks * 100;
                string key = Key(sa);
                bool seen = _printed.TryGetValue(key, out int count);
                if (!done || (seen && count == sa.Messages.Count)) continue;
                Print(analyzed, updated: seen);
                _printed[key] = sa.Messages.Count;
            }
            _output.Flush();
        }
        Status(force: false);
    }

    private static string Key(IkeSa sa) => $"{sa.Version}/{sa.Initiator}/{sa.Responder}/{sa.SpiI:x16}/{sa.Messages[0].Frame}";

    private void Print(AnalyzedSa analyzed, bool updated)
    {
        IkeSa sa = analyzed.Sa;
        ClearStatus();
        if (_jsonl)
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
                AnalyzeJsonWriter.WriteSa(w, _capture.Name, analyzed);
            _output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            return;
        }
        if (updated) _output.WriteLine($"(SA {sa.Id} again: more messages came after it was printed)");
        new AnalyzeTextWriter(_output).WriteSa(analyzed);
        _output.WriteLine();
    }

    /// <summary>The one-line status on standard error: on a terminal rewritten in place every second; otherwise a
    /// line only when the SAs in progress or their steps change.</summary>
    private void Status(bool force)
    {
        var open = _latest?.Sas.Select(a => a.Sa).Where(sa => !_printed.ContainsKey(Key(sa))).ToList() ?? [];
        long nowNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        string Describe(IkeSa sa, bool timed) =>
            $"IKEv{sa.Version} {sa.Initiator.Address}→{sa.Responder.Address} {sa.LastStep ?? sa.Messages[^1].Step}"
            + (timed ? $" ({(nowNs - sa.Messages[0].TimestampNanoseconds) / 1_000_000_000} s)" : "");
        string head = $"watch {_capture.Name}: {_packets} packets, {_printed.Count} SAs done";
        string text = open.Count == 0
            ? head + ", none in progress"
            : head + $", in progress: {string.Join("; ", open.Take(3).Select(sa => Describe(sa, _terminal)))}" + (open.Count > 3 ? $"; +{open.Count - 3} more" : "");
        if (_terminal)
        {
            PcapIke.Text.SafeTextWriter.WriteControl(_error, "\r");
            _error.Write(text);
            PcapIke.Text.SafeTextWriter.WriteControl(_error, "\u001b[K");
            _error.Flush();
            _lastStatus = text;
            return;
        }
        string key = open.Count == 0 ? "none" : string.Join("; ", open.Select(sa => Describe(sa, false)));
        if (!force && key == _lastStatus) return;
        _lastStatus = key;
        _error.WriteLine(text);
        _error.Flush();
    }

    private void ClearStatus()
    {
        if (!_terminal) return;
        PcapIke.Text.SafeTextWriter.WriteControl(_error, "\r\u001b[K");
    }

    private void Summary()
    {
        ClearStatus();
        var sas = _latest?.Sas.Select(a => a.Sa).ToList() ?? [];
        string Count(SaOutcome o) => $"{sas.Count(s => s.Outcome == o)} {o.ToString().ToLowerInvariant()}";
        var stats = _capture.Statistics();
        string summary = $"watch {_capture.Name}: {_packets} packets captured"
            + (stats is { } s ? $" ({s.Dropped} dropped by the kernel)" : "")
            + $", {_latest?.Statistics.IkeMessages ?? 0} IKE messages, {sas.Count} IKE SAs: "
            + string.Join(", ", new[] { SaOutcome.Established, SaOutcome.Failed, SaOutcome.Stalled, SaOutcome.Incomplete }.Select(Count))
            + (_latest is { Malformations.Count: > 0 } l ? $"; {l.Malformations.Count} malformations" : "")
            + (_filePath is not null ? $"; wrote {_packets} packets to {_filePath}" : "");
        if (!_jsonl && _latest is not null)
            foreach (var m in _latest.Malformations) _output.WriteLine($"! {m}");
        (_jsonl ? _error : _output).WriteLine(summary);
        _output.Flush();
        _error.Flush();
    }
}
