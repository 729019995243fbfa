using PcapIke.Cli;
using PcapIke.Cli.Commands;
using PcapIke.Tests.TestSupport;
using static PcapIke.Tests.Cli.CliRun;

namespace PcapIke.Tests.Cli;

/// <summary>The command line behaves the same on every command (issue 17): one error line and a usage exit code for
/// what cannot be run, the options named, files where files are expected, the same selection everywhere.</summary>
public sealed class CommandLineBehaviourTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static void OneErrorLine(string err, string expected)
    {
        string[] lines = err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, err);
        Assert.Contains(expected, lines[0]);
        Assert.StartsWith("pcapike: ", lines[0]);
    }

    public static TheoryData<string[]> EveryCommandWithABogusOption() => new()
    {
        { ["dissect", "--bogus", "x.pcap"] },
        { ["analyze", "--bogus", "x.pcap"] },
        { ["batch", "--bogus", "x.pcap", "-o", "-"] },
        { ["report", "--bogus", "x.pcap", "-o", "x.html"] },
        { ["certs", "--bogus", "x.pcap", "-o", "d"] },
        { ["convert", "--bogus", "x.txt", "-o", "x.pcap"] },
        { ["forge", "--bogus", "x.json", "-o", "x.pcap"] },
        { ["replay", "--bogus", "--config", "x.txt"] },
        { ["watch", "--bogus", "-i", "lo"] },
    };

    [Theory]
    [MemberData(nameof(EveryCommandWithABogusOption))]
    public void An_unknown_option_is_an_error_on_every_command_never_a_file_name(string[] args)
    {
        var (exit, stdout, err) = Run(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", stdout);
        OneErrorLine(err, "'--bogus'");
        Assert.Contains($"(try 'pcapike {args[0]} --help')", err);
    }

    [Theory]
    [InlineData("dissect")]
    [InlineData("analyze")]
    [InlineData("report")]
    public void A_directory_where_a_capture_is_expected_says_so(string command)
    {
        string[] args = command == "report" ? [command, _dir, "-o", Path.Combine(_dir, "r.html")] : [command, _dir];
        var (exit, _, err) = Run(args);
        Assert.Equal(ExitCodes.UnreadableInput, exit);
        OneErrorLine(err, $"{_dir}: is a directory, not a capture");
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("dissect")]
    public void Output_writes_what_would_be_printed_to_a_file(string command)
    {
        string capture = RepoCapture("S2-ikev1-r2-initiates");
        var (_, printed, _) = Run(command, capture);
        string file = Path.Combine(_dir, "out.txt");
        var (exit, stdout, err) = Run(command, capture, "-o", file);
        Assert.Equal((0, "", ""), (exit, stdout, err));
        Assert.Equal(printed, File.ReadAllText(file));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        var (exit2, _, err2) = Run(command, capture, "--output", _dir);
        Assert.Equal(ExitCodes.UnreadableInput, exit2);
        OneErrorLine(err2, $"--output: {_dir} is a directory, not a file");
    }

    [Theory]
    [InlineData("batch", "--output")]
    [InlineData("certs", "--output")]
    [InlineData("convert", "--output")]
    [InlineData("forge", "--output")]
    [InlineData("replay", "--output")]
    [InlineData("report", "--output")]
    [InlineData("watch", "--output")]
    [InlineData("analyze", "--output")]
    [InlineData("dissect", "--output")]
    public void Every_command_that_writes_a_file_takes_o_and_output(string command, string option)
    {
        var root = CommandLine.Build();
        var c = root.Subcommands.Single(x => x.Name == command);
        var o = c.Options.Single(x => x.Name == option || x.Aliases.Contains(option));
        Assert.Contains("-o", o.Aliases);
    }

    [Theory]
    [InlineData(new[] { "analyze", "--verbose", "--format", "json" }, "--verbose applies to text output only")]
    [InlineData(new[] { "analyze", "--brief", "--format", "csv" }, "--brief applies to text output only")]
    [InlineData(new[] { "analyze", "--brief", "--verbose" }, "--brief and --verbose exclude each other")]
    [InlineData(new[] { "dissect", "--verbose", "--format", "json" }, "--verbose applies to text output only")]
    public void Options_that_do_nothing_together_are_refused(string[] args, string message)
    {
        var (exit, stdout, err) = Run([.. args, RepoCapture("S2-ikev1-r2-initiates")]);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", stdout);
        OneErrorLine(err, message);
    }

    [Theory]
    [InlineData(new[] { "analyze", "--port", "70000" }, "--port: '70000' is not a whole number from 0 to 65535")]
    [InlineData(new[] { "dissect", "--tcp-port", "-1" }, "--tcp-port")]
    [InlineData(new[] { "analyze", "--sa", "x" }, "--sa: 'x' is not a whole number")]
    [InlineData(new[] { "analyze", "--sa", "0" }, "--sa: 0 is not an IKE SA number (they count from 1)")]
    [InlineData(new[] { "analyze", "--spi", "xyz" }, "--spi: 'xyz' is not an 8-byte hex SPI")]
    [InlineData(new[] { "analyze", "--address", "300.1.1.1" }, "--address: '300.1.1.1' is not an IPv4 or IPv6 address")]
    [InlineData(new[] { "analyze", "--time", "yesterday" }, "--time: 'yesterday' is not FROM..TO")]
    [InlineData(new[] { "analyze", "--time", "2013-06-17T18:00:00..2013-06-17T17:00:00" }, "ends before it starts")]
    [InlineData(new[] { "report", "--time", "noon..", "-o", "x.html" }, "--time: 'noon' in 'noon..' is not an ISO 8601 time")]
    public void Bad_numbers_and_values_name_the_option_not_a_dotnet_type(string[] args, string message)
    {
        var (exit, _, err) = Run([.. args, RepoCapture("S2-ikev1-r2-initiates")]);
        Assert.Equal(ExitCodes.Usage, exit);
        OneErrorLine(err, message);
        Assert.DoesNotContain("System.", err);
    }

    [Fact]
    public void Batch_redact_without_reports_is_refused()
    {
        var (exit, _, err) = Run("batch", RepoCapture("S2-ikev1-r2-initiates"), "-o", "-", "--redact");
        Assert.Equal(ExitCodes.Usage, exit);
        OneErrorLine(err, "--redact applies to the case reports: give --reports DIR too");
    }

    [Theory]
    [InlineData("dissect")]
    [InlineData("analyze")]
    [InlineData("batch")]
    [InlineData("forge")]
    [InlineData("replay")]
    [InlineData("certs")]
    [InlineData("report")]
    [InlineData("convert")]
    [InlineData("watch")]
    public void Every_help_has_an_example(string command)
    {
        var (exit, help, _) = Run(command, "--help");
        Assert.Equal(0, exit);
        string[] lines = help.Split('\n');
        int at = Array.FindIndex(lines, l => l.Trim() == "Example:");
        Assert.True(at >= 0 && at + 1 < lines.Length, help);
        Assert.StartsWith($"pcapike {command} ", lines[at + 1].Trim());
    }

    [Fact]
    public void Selection_keeps_the_chosen_sas_with_their_numbers_on_analyze_and_batch()
    {
        string s3 = RepoCapture("S3-ikev1-no-ca-trustpoint");   // two SAs: R1 initiates, then R2
        var (_, all, _) = Run("analyze", "--brief", s3);
        Assert.Contains("IKE SA 1  IKEv1  192.168.0.1 → 192.168.0.2  established", all);
        Assert.Contains("IKE SA 2  IKEv1  192.168.0.2 → 192.168.0.1  established", all);

        var (exit, second, err) = Run("analyze", "--brief", "--sa", "2", s3);
        Assert.Equal((0, ""), (exit, err));
        Assert.DoesNotContain("IKE SA 1 ", second);
        Assert.Contains("IKE SA 2  IKEv1  192.168.0.2 → 192.168.0.1  established", second);

        // the second SA's initiator cookie selects it too, and so does the time of its first message
        var analysis = PcapIke.Analysis.CaptureAnalyzer.Analyze(s3);
        var sa2 = analysis.Sas.Single(s => s.Sa.Id == 2);
        var (_, bySpi, _) = Run("analyze", "--brief", "--spi", PcapIke.Reports.SaReportText.Spi(sa2.Sa.SpiI), s3);
        Assert.Equal(second, bySpi);
        string at = DateTime.UnixEpoch.AddTicks(sa2.Sa.StartNanoseconds / 100).ToString("yyyy-MM-ddTHH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
        var (_, byTime, _) = Run("analyze", "--brief", "--time", at + "..", s3);
        Assert.Equal(second, byTime);
        var (_, byAddress, _) = Run("analyze", "--brief", "--address", "192.168.0.9", s3);
        Assert.DoesNotContain("IKE SA", byAddress.Split('\n').Skip(1).Aggregate("", (a, b) => a + b));

        var (bexit, csv, berr) = Run("batch", s3, "-o", "-", "--sa", "2");
        Assert.Equal((0, ""), (bexit, berr));
        string[] rows = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(2, rows.Length);   // header and SA 2
        Assert.Contains(",2,", rows[1]);
    }

    [Fact]
    public void Dissect_selects_messages_with_the_same_options()
    {
        string s3 = RepoCapture("S3-ikev1-no-ca-trustpoint");
        var sa2 = PcapIke.Analysis.CaptureAnalyzer.Analyze(s3).Sas.Single(s => s.Sa.Id == 2);
        var (exit, text, err) = Run("dissect", "--spi", PcapIke.Reports.SaReportText.Spi(sa2.Sa.SpiI), s3);
        Assert.Equal((0, ""), (exit, err));
        Assert.EndsWith($"18 frames, 18 IKE messages ({sa2.Sa.Messages.Count} shown), 0 malformations\n", text);
        Assert.Equal(sa2.Sa.Messages.Count + 1, text.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void Completion_suggestions_come_from_the_command_tree()
    {
        var (exit, text, _) = Run("[suggest:9]", "analyze -");
        Assert.Equal(0, exit);
        Assert.Contains("--config", text.Split('\n'));
        Assert.Contains("--sa", text.Split('\n'));
    }

    [Fact]
    public void Progress_appears_only_after_the_delay_and_is_erased_at_the_end()
    {
        Assert.Equal("pcapike: big.pcap: 412.0 of 1,000.0 MB (41%)", ProgressReporter.Line("big.pcap", 412_000_000, 1_000_000_000));
        Assert.Equal("pcapike: -: 3.5 MB read", ProgressReporter.Line("-", 3_500_000, 0));

        var quick = new LockedStringWriter();
        using (new ProgressReporter(quick, "a.pcap", () => 1, 10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1))) { }
        Assert.Equal("", quick.ToString());   // finished before the delay: nothing at all

        var slow = new LockedStringWriter();
        long read = 0;
        using (new ProgressReporter(slow, "a.pcap", () => Interlocked.Read(ref read), 4_000_000, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)))
        {
            Interlocked.Exchange(ref read, 2_000_000);
            SpinWait.SpinUntil(() => slow.ToString().Contains("(50%)"), TimeSpan.FromSeconds(10));
        }
        string shown = slow.ToString();
        Assert.Contains("\rpcapike: a.pcap: 2.0 of 4.0 MB (50%)", shown);
        Assert.EndsWith("\r", shown);   // erased: the next output starts at the line's beginning
        Assert.DoesNotContain('\n', shown);
    }

    /// <summary>The progress line counts the SAs found so far (issue 17, issue 14), as they are found.</summary>
    [Fact]
    public void Progress_counts_the_SAs_found_so_far()
    {
        Assert.Equal("pcapike: big.pcap: 412.0 of 1,000.0 MB (41%), 1,234 SAs so far", ProgressReporter.Line("big.pcap", 412_000_000, 1_000_000_000, 1234));
        Assert.Equal("pcapike: -: 3.5 MB read, 1 SA so far", ProgressReporter.Line("-", 3_500_000, 0, 1));
        var error = new LockedStringWriter();
        long sas = 0;
        using (new ProgressReporter(error, "a.pcap", () => 1_000_000, 4_000_000, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), () => Interlocked.Read(ref sas)))
        {
            SpinWait.SpinUntil(() => error.ToString().Contains("0 SAs so far"), TimeSpan.FromSeconds(10));
            Interlocked.Exchange(ref sas, 7);
            SpinWait.SpinUntil(() => error.ToString().Contains("7 SAs so far"), TimeSpan.FromSeconds(10));
        }
        string shown = error.ToString();
        Assert.Contains("\rpcapike: a.pcap: 1.0 of 4.0 MB (25%), 0 SAs so far", shown);
        Assert.Contains("\rpcapike: a.pcap: 1.0 of 4.0 MB (25%), 7 SAs so far", shown);
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("dissect")]
    [InlineData("report")]
    public void Standard_input_is_read_the_same_way_by_every_command(string command)
    {
        string capture = RepoCapture("S2-ikev1-r2-initiates");
        string html = Path.Combine(_dir, "stdin.html");
        string[] args = command == "report" ? [command, "-", "-o", html] : [command, "-"];
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        using (var stdin = p.StandardInput.BaseStream) stdin.Write(File.ReadAllBytes(capture));
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal((0, ""), (p.ExitCode, stderr));
        if (command == "report")
        {
            string report = File.ReadAllText(html);
            Assert.Contains("stalled", report);
            Assert.Contains("(standard input: not hashed", report);   // it cannot be read twice to hash it
        }
        else Assert.Equal(Run(command, capture).Out.Replace(capture, "-"), stdout);
    }

    [Theory]
    [InlineData("S1-ikev1-r1-initiates")]
    [InlineData("strongswan-ikev2-aes-gcm")]
    [InlineData("strongswan-ikev1-main-mode")]
    public void An_established_negotiation_gets_no_verdict_root_cause_or_action_plan(string capture)
    {
        var (exit, text, _) = Run("analyze", RepoCapture(capture));
        Assert.Equal(0, exit);
        Assert.DoesNotContain("Verdict", text);
        Assert.DoesNotContain("Root cause", text);
        Assert.DoesNotContain("Action plan", text);
        string html = Path.Combine(_dir, "r.html");
        Assert.Equal(0, Run("report", RepoCapture(capture), "-o", html).Exit);
        Assert.DoesNotContain("class=\"verdict\"", File.ReadAllText(html));
    }
}

/// <summary>
/// An output that cannot be written — standard output on a full disk (<c>/dev/full</c>), a <c>--csv</c> file there — is
/// one error line naming the output and exit code 3, in the process as installed; never an unhandled exception at the
/// last flush, nor the capture being read reported as unreadable.
/// </summary>
public sealed class OutputFailureTests
{
    public static TheoryData<string, string> Commands() => new()
    {
        { "analyze {0}", "cannot write to standard output: No space left on device" },
        { "analyze {0} --format json", "cannot write to standard output: No space left on device" },
        { "analyze {0} --format jsonl", "cannot write to standard output: No space left on device" },
        { "dissect {0}", "cannot write to standard output: No space left on device" },
        { "dissect {0} {0} --format json", "cannot write to standard output: No space left on device" },
        { "batch {0} --csv -", "cannot write to standard output: No space left on device" },
        { "batch {0} --csv /dev/full", "cannot write --csv /dev/full: No space left on device" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_full_disk_is_one_error_line_and_exit_code_3(string command, string expected)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll");
        string capture = Path.Combine(TestPaths.RepoRoot, "captures", "S2-ikev1-r2-initiates", "capture.pcap");
        var psi = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec dotnet '{cli}' {string.Format(command, $"'{capture}'")} > /dev/full");
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(3, p.ExitCode);
        string[] lines = err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, err);
        Assert.StartsWith("pcapike: " + expected, lines[0]);
    }

    /// <summary>The reader of a pipe going away (<c>| head</c>) stops the command without a word, with the status of a
    /// command killed by SIGPIPE (141), where it used to run to the end for nobody; a closed standard output is one
    /// error line and exit code 3.</summary>
    [Fact]
    public void A_closed_pipe_stops_the_command_quietly_and_a_closed_stdout_is_one_error_line()
    {
        string dir = TestPaths.NewTempDir();
        try
        {
            string path = Path.Combine(dir, "flood.pcap");
            File.WriteAllBytes(path, Flood(2000));   // ~7 MB of JSON lines: far more than a pipe holds
            string cli = Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll");
            var (exit, err) = Bash($"dotnet '{cli}' analyze '{path}' --format jsonl --quiet | head -c 10 > /dev/null; exit ${{PIPESTATUS[0]}}");
            Assert.Equal((141, ""), (exit, err));
            (exit, err) = Bash($"exec dotnet '{cli}' dissect '{path}' >&-");
            Assert.Equal((3, "pcapike: cannot write to standard output: Bad file descriptor"), (exit, err.TrimEnd('\n')));
            // a regular file shared with the next writer: each output goes after the one before, none over it
            string shared = Path.Combine(dir, "out.txt");
            (exit, err) = Bash($"{{ dotnet '{cli}' --version; dotnet '{cli}' --version; echo end; }} > '{shared}'");
            Assert.Equal((0, ""), (exit, err));
            string version = File.ReadAllLines(shared)[0];
            Assert.Equal([version, version, "end"], File.ReadAllLines(shared));
        }
        finally { Directory.Delete(dir, true); }
    }

    private static (int Exit, string Err) Bash(string script)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000));
        return (p.ExitCode, err);
    }

    private static byte[] Flood(int count) => PcapIke.Tests.Exchanges.IkeForge.Pcap(Enumerable.Range(0, count).Select(i =>
        new PcapIke.Tests.Exchanges.IkeForge.Sent(i * 400.0, $"10.3.{i / 200}.{i % 200 + 1}", 500, "10.9.0.1", 500,
            PcapIke.Tests.Exchanges.IkeForge.Message(2, 0x7000UL + (ulong)i, 0, PcapIke.Tests.Exchanges.IkeForge.IkeSaInit,
                PcapIke.Tests.Exchanges.IkeForge.FlagInitiator, 0,
                [PcapIke.Tests.Exchanges.IkeForge.Ikev2Sa(), PcapIke.Tests.Exchanges.IkeForge.KeV2(i), PcapIke.Tests.Exchanges.IkeForge.NonceV2(i)]))));

    /// <summary>In process: a stream that fails like a full disk under <see cref="CommandLine.StandardOutput"/>, the
    /// output of many SAs (the failure comes in the middle, from the analysis thread's JSON lines).</summary>
    [Fact]
    public void A_write_that_fails_in_the_middle_of_a_streamed_analysis_ends_the_command()
    {
        byte[] capture = Flood(600);
        string dir = TestPaths.NewTempDir();
        try
        {
            string path = Path.Combine(dir, "flood.pcap");
            File.WriteAllBytes(path, capture);
            var full = new FullAfter(100_000);
            var error = new StringWriter();
            var stdout = CommandLine.StandardOutput(full);
            int exit = CommandLine.Close(stdout, error, CommandLine.Run(["analyze", path, "--format", "jsonl", "--quiet"], stdout, error));
            Assert.Equal(3, exit);
            Assert.Equal("pcapike: cannot write to standard output: No space left on device" + Environment.NewLine, error.ToString());
            Assert.Equal(100_000, full.Written);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Output written by its own thread (<see cref="WriteBehindStream"/>) arrives whole and in order, across
    /// many blocks and flushes; what is flushed arrives without waiting for the end.</summary>
    [Fact]
    public void Output_written_behind_arrives_whole_in_order_and_flushed_data_without_waiting_for_the_end()
    {
        var inner = new MemoryStream();
        var expected = new MemoryStream();
        var random = new Random(7);
        var behind = new WriteBehindStream(new LockedStream(inner));
        for (int i = 0; i < 2000; i++)
        {
            var chunk = new byte[random.Next(1, 9000)];
            random.NextBytes(chunk);
            behind.Write(chunk);
            expected.Write(chunk);
            if (i % 97 == 0) behind.Flush();
        }
        // one write longer than all the blocks that may wait (batch writes a file's held JSON lines at once)
        var big = new byte[WriteBehindStream.BlockSize * (WriteBehindStream.MaxWaiting + 3) + 5];
        random.NextBytes(big);
        behind.Write(big);
        expected.Write(big);
        behind.Write("last"u8);
        expected.Write("last"u8);
        behind.Flush();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (LockedStream.LengthOf(inner) < expected.Length && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(5);
        Assert.Equal(expected.Length, LockedStream.LengthOf(inner));   // flushed, not yet disposed
        behind.Dispose();
        Assert.Equal(expected.ToArray(), inner.ToArray());

        // the same long write as the very first one (the writing thread is not started yet)
        var second = new MemoryStream();
        var fresh = new WriteBehindStream(new LockedStream(second));
        Assert.True(Task.Run(() => { fresh.Write(big); fresh.Dispose(); }).Wait(TimeSpan.FromSeconds(30)), "the write never returned");
        Assert.Equal(big, second.ToArray());
    }

    /// <summary>A failure at the very end — the last block, written while the output is closed — is one error line and
    /// exit code 3 from <see cref="CommandLine.Close"/>.</summary>
    [Fact]
    public void A_write_that_fails_only_when_the_output_is_closed_is_one_error_line()
    {
        string capture = Path.Combine(TestPaths.RepoRoot, "captures", "S2-ikev1-r2-initiates", "capture.pcap");
        var probe = new StringWriter();
        Assert.Equal(0, CommandLine.Run(["analyze", capture, "--format", "json"], probe, new StringWriter()));
        int size = System.Text.Encoding.UTF8.GetByteCount(probe.ToString());
        var full = new FullAfter(size - 1);
        var error = new StringWriter();
        var stdout = CommandLine.StandardOutput(full);
        int exit = CommandLine.Close(stdout, error, CommandLine.Run(["analyze", capture, "--format", "json"], stdout, error));
        Assert.Equal(3, exit);
        Assert.Equal("pcapike: cannot write to standard output: No space left on device" + Environment.NewLine, error.ToString());
        Assert.Equal(size - 1, full.Written);
    }

    /// <summary>A stream another thread writes while the test reads its length.</summary>
    private sealed class LockedStream(MemoryStream inner) : WriteOnlyStream
    {
        public static long LengthOf(MemoryStream s) { lock (s) return s.Length; }
        public override void Flush() { }
        public override void Write(ReadOnlySpan<byte> buffer) { lock (inner) inner.Write(buffer); }
    }

    /// <summary>Takes <paramref name="room"/> bytes, then fails every write as a full disk does.</summary>
    private sealed class FullAfter(int room) : WriteOnlyStream
    {
        public int Written { get; private set; }
        public override void Flush() { }
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int take = Math.Min(buffer.Length, room - Written);
            Written += take;
            if (take < buffer.Length) throw new IOException("No space left on device");
        }
    }
}
