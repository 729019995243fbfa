using System.Diagnostics;
using PcapIke.Capture;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary><c>pcapike convert DUMP -o OUT.pcap</c>: what the router printed, as a pcap Wireshark opens.</summary>
public sealed class ConvertCommandTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static long KeptMicroseconds(DumpLayout layout, long ns, long first) => layout switch
    {
        DumpLayout.IosEpc => ns / 1_000_000 * 1_000_000,
        DumpLayout.Asa => ns % 86_400_000_000_000 / 1000 * 1000,
        DumpLayout.IosXeWithTimes => (ns - first) / 1000 * 1000,
        _ => -1,
    };

    [Theory]
    [InlineData("S2-ikev1-r2-initiates", DumpLayout.IosEpc, "Raw")]
    [InlineData("S2-ikev1-r2-initiates", DumpLayout.IosXe, "Raw")]
    [InlineData("S2-ikev1-r2-initiates", DumpLayout.Asa, "Raw")]
    [InlineData("strongswan-ikev2-untrusted-ca", DumpLayout.IosEpc, "Ethernet")]
    [InlineData("strongswan-ikev2-ip-fragments", DumpLayout.Asa, "Ethernet")]
    [InlineData("strongswan-ikev2-skf", DumpLayout.IosXe, "Ethernet")]
    [InlineData("strongswan-ikev2-skf", DumpLayout.IosXeWithTimes, "Ethernet")]
    [InlineData("strongswan-ikev2-aes-gcm", DumpLayout.Od, "Ethernet")]
    [InlineData("strongswan-ikev1-main-mode", DumpLayout.WiresharkHex, "Ethernet")]
    public void The_pcap_holds_the_original_frames_byte_for_byte_with_the_dumps_times(string capture, DumpLayout layout, string link)
    {
        var original = TextDumps.ReadFrames(CliRun.RepoCapture(capture));
        string dump = Path.Combine(_dir, "dump.txt");
        File.WriteAllText(dump, TextDumps.Pasted(TextDumps.Render(original, layout)));
        string pcap = Path.Combine(_dir, "out.pcap");

        var (exit, stdout, stderr) = CliRun.Run("convert", dump, "-o", pcap);

        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.StartsWith($"wrote {original.Count} frames ({link}) from {dump} (text dump, ", stdout);
        Assert.EndsWith("; 0 malformations\n", stdout);
        var written = TextDumps.ReadFrames(pcap);
        Assert.Equal(original.Count, written.Count);
        for (int i = 0; i < original.Count; i++)
        {
            Assert.Equal(original[i].Data, written[i].Data);
            Assert.Equal(original[i].LinkType, written[i].LinkType);
            long kept = KeptMicroseconds(layout, original[i].TimestampNanoseconds, original[0].TimestampNanoseconds);
            Assert.Equal(kept >= 0 ? kept : i * 1000L, written[i].TimestampNanoseconds);
        }
        // Wireshark opens it and finds the IKE messages
        string tshark = Tool.Run("tshark", "tshark", "-r", pcap, "-T", "fields", "-e", "frame.len", "-e", "isakmp.ispi");
        string[] rows = tshark.TrimEnd('\n').Split('\n');
        Assert.Equal(original.Select(f => f.Data.Length.ToString()), rows.Select(r => r.Split('\t')[0]));
        Assert.Contains(rows, r => r.Split('\t')[1].Length == 16);
    }

    [Fact]
    public void Text2pcap_reads_the_od_layout_to_the_same_frames()
    {
        var original = TextDumps.ReadFrames(CliRun.RepoCapture("strongswan-ikev2-untrusted-ca"));
        string dump = Path.Combine(_dir, "od.txt");
        File.WriteAllText(dump, TextDumps.Od(original));
        string ours = Path.Combine(_dir, "ours.pcap"), theirs = Path.Combine(_dir, "theirs.pcap");
        Assert.Equal(0, CliRun.Run("convert", dump, "-o", ours).Exit);
        Tool.Run("text2pcap", "wireshark-common", "-q", dump, theirs);
        Assert.Equal(TextDumps.ReadFrames(theirs).Select(f => Convert.ToHexString(f.Data)),
            TextDumps.ReadFrames(ours).Select(f => Convert.ToHexString(f.Data)));
    }

    [Fact]
    public void A_cut_dump_is_converted_as_far_as_it_goes_and_the_cut_is_listed()
    {
        var original = TextDumps.ReadFrames(CliRun.RepoCapture("S2-ikev1-r2-initiates"));
        string text = TextDumps.IosEpc(original);
        string dump = Path.Combine(_dir, "cut.txt");
        // cut after the first half of the hex line nearest the middle
        int mid = text.IndexOf('\n', text.Length / 2) + 1;
        while (!System.Text.RegularExpressions.Regex.IsMatch(text[mid..], "^[0-9A-F]{8}: [0-9A-F]{8} [0-9A-F]{8} ")) mid = text.IndexOf('\n', mid) + 1;
        File.WriteAllText(dump, text[..(mid + 24)]);
        string pcap = Path.Combine(_dir, "out.pcap");
        var (exit, stdout, stderr) = CliRun.Run("convert", dump, "-o", pcap);
        Assert.Equal(0, exit);
        var written = TextDumps.ReadFrames(pcap);
        Assert.InRange(written.Count, 1, original.Count - 1);
        int cutLine = text[..mid].Count(c => c == '\n') + 1;
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        // the half group where the paste ends, at its line and column; then the packet it cut, at its first line
        Assert.Matches($@"^! {System.Text.RegularExpressions.Regex.Escape(dump)}: frame {written.Count}: capture offset \d+: line {cutLine}: column 20: odd number of hex digits in '[0-9A-F]{{5}}' \(line cut short\?\)$", lines[0]);
        Assert.Matches($@"^! {System.Text.RegularExpressions.Regex.Escape(dump)}: frame {written.Count}: capture offset \d+: line \d+: packet has \d+ bytes in the dump, its IP header says {original[written.Count - 1].Data.Length}: truncated \(dump cut short\?\)$", lines[1]);
        Assert.EndsWith("; 2 malformations\n", stdout);
    }

    [Fact]
    public void Standard_input_is_read_too()
    {
        var original = TextDumps.ReadFrames(CliRun.RepoCapture("S2-ikev1-r2-initiates"));
        string pcap = Path.Combine(_dir, "stdin.pcap");
        string cli = Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { cli, "convert", "-", "-o", pcap }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(TextDumps.Pasted(TextDumps.Asa(original)));
        p.StandardInput.Close();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(0, p.ExitCode);
        Assert.StartsWith($"wrote {original.Count} frames (Raw) from - (text dump, ", stdout);
        Assert.Equal(original.Select(f => Convert.ToHexString(f.Data)), TextDumps.ReadFrames(pcap).Select(f => Convert.ToHexString(f.Data)));
    }

    [Fact]
    public void Inputs_and_outputs_that_cannot_be_used_are_one_error_line_and_exit_3()
    {
        string pcap = Path.Combine(_dir, "out.pcap");
        var missing = CliRun.Run("convert", Path.Combine(_dir, "nope.txt"), "-o", pcap);
        Assert.Equal(3, missing.Exit);
        Assert.Single(missing.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"pcapike: {Path.Combine(_dir, "nope.txt")}: ", missing.Err);

        string junk = CliRun.Junk(_dir, "notes.txt");
        var notDump = CliRun.Run("convert", junk, "-o", pcap);
        Assert.Equal(3, notDump.Exit);
        Assert.Equal($"pcapike: {junk}: not a pcap or pcapng capture (first bytes 74686973)\n", notDump.Err);
        Assert.False(File.Exists(pcap));

        string dump = Path.Combine(_dir, "dump.txt");
        File.WriteAllText(dump, TextDumps.Asa(TextDumps.ReadFrames(CliRun.RepoCapture("S2-ikev1-r2-initiates"))));
        string badOut = Path.Combine(_dir, "no-such-dir", "out.pcap");
        var unwritable = CliRun.Run("convert", dump, "-o", badOut);
        Assert.Equal(3, unwritable.Exit);
        Assert.StartsWith($"pcapike: {badOut}: cannot write: ", unwritable.Err);
        Assert.Single(unwritable.Err.TrimEnd('\n').Split('\n'));
        Assert.Empty(Directory.GetFiles(_dir, "*.partial-*", SearchOption.AllDirectories));

        var usage = CliRun.Run("convert", dump);
        Assert.Equal(2, usage.Exit);
        Assert.StartsWith("pcapike: Option '--output' is required.", usage.Err);
    }
    [Fact]
    public void A_pcapng_output_keeps_nanoseconds_every_link_type_and_the_header_lines_as_comments()
    {
        var raw = TextDumps.ReadFrames(CliRun.RepoCapture("S2-ikev1-r2-initiates"));
        var ether = TextDumps.ReadFrames(CliRun.RepoCapture("strongswan-ikev2-aes-gcm"));
        // one ASA paste with the raw-IP frames, then the Ethernet ones (two captures shown one after the other)
        string dump = Path.Combine(_dir, "two.txt");
        File.WriteAllText(dump, TextDumps.Asa(raw) + TextDumps.Asa(ether));
        string pcapng = Path.Combine(_dir, "two.pcapng");
        var (exit, stdout, stderr) = CliRun.Run("convert", dump, "-o", pcapng);
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.StartsWith($"wrote {raw.Count + ether.Count} frames (Raw, Ethernet) from {dump} (text dump, ", stdout);
        var written = TextDumps.ReadFrames(pcapng);
        Assert.Equal(raw.Concat(ether).Select(f => Convert.ToHexString(f.Data)), written.Select(f => Convert.ToHexString(f.Data)));
        Assert.Equal(raw.Concat(ether).Select(f => f.LinkType), written.Select(f => f.LinkType));
        Assert.Equal(raw.Concat(ether).Select(f => f.TimestampNanoseconds % 86_400_000_000_000 / 1000 * 1000), written.Select(f => f.TimestampNanoseconds));
        // tshark shows the ASA header line of each frame as its comment
        string comments = Tool.Run("tshark", "tshark", "-r", pcapng, "-T", "fields", "-e", "frame.comment");
        string[] rows = comments.TrimEnd('\n').Split('\n');
        Assert.Equal(raw.Count + ether.Count, rows.Length);
        Assert.Equal($"192.0.2.1.500 > 192.0.2.2.500:  udp {raw[0].Data.Length}", rows[0]);

        // the same dump as a pcap: one link type only, the others counted
        var asPcap = CliRun.Run("convert", dump, "-o", Path.Combine(_dir, "two.pcap"));
        Assert.Contains($"wrote {raw.Count} frames (Raw) ", asPcap.Out);
        Assert.Contains($"; {ether.Count} frames of another link type not written", asPcap.Out);
    }
}
