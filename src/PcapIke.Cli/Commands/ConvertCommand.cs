using System.CommandLine;
using PcapIke.Capture;
using PcapIke.Diagnostics;

namespace PcapIke.Cli.Commands;

/// <summary>
/// <c>pcapike convert INPUT -o OUT.pcap</c>: the frames of any input PcapIke reads (a router's text dump, od or
/// Wireshark hex, pcapng, gzip'd captures) written as a classic pcap (microsecond times) that Wireshark opens, or as
/// pcapng with the dump's header lines as frame comments when OUT ends in <c>.pcapng</c>. The
/// input's malformations are listed on standard error (<c>! …</c>) and do not stop it; an input that cannot be read
/// or an output that cannot be written is one error line and exit code 3 (no output file is left behind).
/// </summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input")
        {
            Description = "A text dump (IOS show monitor capture ... dump, IOS-XE, ASA show capture ... dump, od -Ax -tx1, Wireshark hex) or a capture; - reads standard input",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The pcap to write (a name ending in .pcapng: pcapng, ns times, each dump header line as the frame's comment)",
            Required = true,
            HelpName = "OUT.pcap",
        };
        var command = new Command("convert", "Write the frames of a text dump (or any capture) as a pcap Wireshark opens") { input, output };
        command.SetAction(pr =>
        {
            string file = pr.GetValue(input)!;
            string outPath = pr.GetValue(output)!;
            var error = pr.InvocationConfiguration.Error;
            var malformations = new MalformationList();
            using var reader = Open(file, malformations);
            var result = Convert(reader, outPath);
            foreach (var m in malformations.Items) error.WriteLine($"! {m}");
            if (malformations.Dropped > 0) error.WriteLine($"! ... and {malformations.Dropped} more malformations not listed");
            string kind = reader.Format == CaptureFileFormat.TextDump ? $"text dump, {reader.TextLineCount} lines" : reader.Format.ToString().ToLowerInvariant();
            pr.InvocationConfiguration.Output.WriteLine(
                $"wrote {result.Written} frames ({result.LinkTypes}) from {file} ({kind}) to {outPath}"
                + (result.Skipped > 0 ? $"; {result.Skipped} frames of another link type not written" : "")
                + $"; {malformations.Items.Count + malformations.Dropped} malformations");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Opens the input; one error line (naming the file once) and exit code 3 when it cannot be read.</summary>
    internal static CaptureReader Open(string file, IMalformationSink malformations)
    {
        try
        {
            return CaptureReader.Open(file, malformations);
        }
        catch (CaptureFormatException ex)
        {
            throw new CliInputException(ex.Message.StartsWith(file + ": ", StringComparison.Ordinal) ? ex.Message : $"{file}: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{file}: cannot read: {ex.Message}");
        }
    }

    internal readonly record struct ConvertResult(long Written, long Skipped, string LinkTypes);

    /// <summary>Copies every record into a pcap of the first record's link type (a pcap has one; records of another
    /// link type are counted and left out), or, for an <paramref name="outPath"/> ending in <c>.pcapng</c>, into a
    /// pcapng (nanosecond times, an interface per link type, a text dump's header line as each frame's comment). The
    /// file is written beside <paramref name="outPath"/> and moved there at the end, so that a failure leaves no
    /// partial output.</summary>
    internal static ConvertResult Convert(CaptureReader reader, string outPath)
    {
        bool pcapng = outPath.EndsWith(".pcapng", StringComparison.OrdinalIgnoreCase);
        string temp = outPath + ".partial-" + Environment.ProcessId;
        long written = 0, skipped = 0;
        var links = new List<LinkType>();
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                PcapFileWriter? pcap = null;
                using var ng = pcapng ? new PcapNgFileWriter(stream) : null;
                while (reader.TryRead(out CaptureRecord r))
                {
                    if (!links.Contains(r.LinkType))
                    {
                        if (!pcapng && links.Count > 0)
                        {
                            skipped++;
                            continue;
                        }
                        links.Add(r.LinkType);
                    }
                    if (!pcapng && r.LinkType != links[0])
                    {
                        skipped++;
                        continue;
                    }
                    long ns = Math.Max(0, r.TimestampNanoseconds);
                    if (ng is not null) ng.Write(ns, r.LinkType, r.Data, reader.RecordComment);
                    else
                    {
                        pcap ??= new PcapFileWriter(stream, r.LinkType);
                        pcap.Write(new DateTimeOffset(DateTime.UnixEpoch.AddTicks(ns / 100), TimeSpan.Zero), r.Data);
                    }
                    written++;
                }
                if (!pcapng) (pcap ?? new PcapFileWriter(stream, reader.LinkType)).Dispose();
            }
            File.Move(temp, outPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw new CliInputException($"{outPath}: cannot write: {ex.Message}");
        }
        return new ConvertResult(written, skipped, links.Count == 0 ? reader.LinkType.ToString() : string.Join(", ", links));
    }
}
