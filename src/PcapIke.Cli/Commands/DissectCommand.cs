using System.CommandLine;
using System.Globalization;
using System.Net;
using PcapIke.Capture;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Pipeline;
using PcapIke.Reports;

namespace PcapIke.Cli.Commands;

/// <summary><c>pcapike dissect FILE...</c>: one line per IKE message, or the whole tree with <c>--verbose</c>.</summary>
public static class DissectCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "pcap or pcapng captures, gzip'd or not, or text dumps (IOS/IOS-XE/ASA capture dumps, od/Wireshark hex: docs/text-dumps.md); - reads standard input",
            Arity = ArgumentArity.OneOrMore,
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print every message's whole tree, like tshark -V" };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "json");
        var select = SelectionOptions.Create(withSa: false, what: "messages");
        var ports = PortOptions.Create();
        var keys = KeyOptions.Create();

        var command = new Command("dissect", "One line per IKE message (or the whole tree with --verbose)")
        {
            files, verbose, format, ports.Udp, ports.NatT, ports.Tcp,
        };
        select.AddTo(command);
        keys.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(verbose) && string.Equals(r.GetValue(format), "json", StringComparison.OrdinalIgnoreCase))
                r.AddError("--verbose applies to text output only (the JSON always holds every message's whole tree)");
        });
        command.SetAction(pr =>
        {
            var filter = select.Parse(pr);
            var options = ports.ToDecoderOptions(pr);
            KeyRing? ring;
            try
            {
                ring = keys.Load(pr);
            }
            catch (CliInputException ex)
            {
                pr.InvocationConfiguration.Error.WriteLine($"pcapike: {CommandLine.OneLine(ex.Message)}");
                return ex.ExitCode;
            }
            bool json = string.Equals(pr.GetValue(format), "json", StringComparison.OrdinalIgnoreCase);
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            return json
                ? RunJson(pr.GetValue(files)!, filter, options, ring, output, error)
                : RunText(pr.GetValue(files)!, filter, options, ring, pr.GetValue(verbose), output, error);
        });
        return command;
    }

    private static int RunText(string[] files, Selection filter, FrameDecoderOptions options, KeyRing? keys, bool verbose,
        TextWriter output, TextWriter error)
    {
        var writer = new DissectTextWriter(output, verbose);
        int exit = ExitCodes.Ok;
        foreach (string file in files)
        {
            if (files.Length > 1) writer.WriteFileHeader(file);
            var malformations = new MalformationList();
            int shown = 0;
            try
            {
                using var reader = OpenCapture(file, malformations);
                var stats = CaptureDissector.Dissect(reader, malformations, m =>
                {
                    if (!filter.Matches(m)) return;
                    shown++;
                    writer.WriteMessage(m);
                }, options, keys);
                writer.WriteMalformations(malformations.Items, malformations.Dropped);
                writer.WriteSummary(file, stats, shown, malformations.Items.Count + (int)malformations.Dropped);
            }
            catch (CliInputException ex)
            {
                error.WriteLine($"pcapike: {CommandLine.OneLine(ex.Message)}");
                exit = ex.ExitCode;
            }
        }
        return exit;
    }

    private static int RunJson(string[] files, Selection filter, FrameDecoderOptions options, KeyRing? keys,
        TextWriter output, TextWriter error)
    {
        int exit;
        using (var stream = CommandOutput.OpenBytes(output))
            exit = WriteJson(files, filter, options, keys, stream, error);
        output.WriteLine();
        return exit;
    }

    /// <summary>The JSON document of <c>dissect --format json</c>, streamed to <paramref name="output"/> as it is
    /// produced (every ~64 KiB, <see cref="DissectJsonWriter.FlushThreshold"/>), without the final newline.</summary>
    internal static int WriteJson(string[] files, Selection filter, FrameDecoderOptions options, KeyRing? keys,
        Stream output, TextWriter error)
    {
        int exit = ExitCodes.Ok;
        using var writer = new DissectJsonWriter(output);
        foreach (string file in files)
        {
            var malformations = new MalformationList();
            writer.BeginFile(file);
            ScanStatistics? stats = null;
            string? failure = null;
            try
            {
                using var reader = OpenCapture(file, malformations);
                stats = CaptureDissector.Dissect(reader, malformations, m =>
                {
                    if (filter.Matches(m)) writer.WriteMessage(m);
                }, options, keys);
            }
            catch (CliInputException ex)
            {
                error.WriteLine($"pcapike: {CommandLine.OneLine(ex.Message)}");
                failure = ex.Message;
                exit = ex.ExitCode;
            }
            writer.EndFile(stats, malformations.Items, failure);
        }
        return exit;
    }

    /// <summary>Opens a capture; a missing, unreadable or non-capture file becomes one error line and exit code 3.</summary>
    internal static CaptureReader OpenCapture(string file, IMalformationSink malformations)
    {
        try
        {
            return CaptureReader.Open(file, malformations);
        }
        catch (CaptureFormatException ex)
        {
            // the reader names the file already when it could not open it
            throw new CliInputException(ex.Message.StartsWith(file + ": ", StringComparison.Ordinal) ? ex.Message : $"{file}: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{file}: cannot read: {ex.Message}");
        }
    }
}

/// <summary>The options that add IKE ports beyond 500 (UDP), 4500 (NAT-T) and 4500 (TCP, RFC 8229).</summary>
internal sealed class PortOptions
{
    public required Option<ushort[]> Udp { get; init; }
    public required Option<ushort[]> NatT { get; init; }
    public required Option<ushort[]> Tcp { get; init; }

    public static PortOptions Create() => new()
    {
        Udp = new Option<ushort[]>("--port") { Description = "Another UDP port carrying plain IKE (besides 500; repeatable)" },
        NatT = new Option<ushort[]>("--nat-t-port") { Description = "Another UDP port carrying NAT-T, non-ESP marker (besides 4500; repeatable)" },
        Tcp = new Option<ushort[]>("--tcp-port") { Description = "Another TCP port carrying RFC 8229 IKE (besides 4500; repeatable)" },
    };

    public FrameDecoderOptions ToDecoderOptions(ParseResult pr) => new()
    {
        IkePorts = [500, .. pr.GetValue(Udp) ?? []],
        NatTraversalPorts = [4500, .. pr.GetValue(NatT) ?? []],
        TcpPorts = [4500, .. pr.GetValue(Tcp) ?? []],
    };
}
