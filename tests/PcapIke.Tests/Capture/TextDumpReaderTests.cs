using System.Text;
using PcapIke.Capture;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Tests.TestSupport;
using PcapIke.Analysis;

namespace PcapIke.Tests.Capture;

/// <summary>Text dumps (docs/text-dumps.md) read as captures: each layout made from the bundled captures gives the
/// same frames, times to the layout's resolution, and the same analysis as the pcap.</summary>
public sealed class TextDumpReaderTests
{
    private static string Bundled(string folder) => Path.Combine(TestPaths.RepoRoot, "captures", folder);

    public static TheoryData<string, DumpLayout> Cases()
    {
        var data = new TheoryData<string, DumpLayout>();
        foreach (string c in new[] { "S2-ikev1-r2-initiates", "strongswan-ikev2-untrusted-ca", "strongswan-ikev2-ip-fragments", "strongswan-ikev1-main-mode" })
            foreach (DumpLayout l in Enum.GetValues<DumpLayout>())
                data.Add(c, l);
        return data;
    }

    private static (List<OwnedFrame> Frames, MalformationList Malformations, CaptureFileFormat Format) ReadText(string text, string name = "dump.txt")
    {
        var m = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, m);
        var frames = new List<OwnedFrame>();
        while (reader.TryRead(out var r))
            frames.Add(new OwnedFrame(r.FrameNumber, r.TimestampNanoseconds, r.LinkType, r.Data.ToArray()));
        return (frames, m, reader.Format);
    }

    private static long Resolution(DumpLayout layout) => layout switch
    {
        DumpLayout.IosEpc => 1_000_000,
        DumpLayout.IosXeWithTimes or DumpLayout.Asa => 1_000,
        _ => 0,
    };

    /// <summary>The time a layout keeps of a frame's time: IOS EPC the date and ms; ASA the time of day in µs (no
    /// date is printed: 1970-01-01 is assumed); IOS-XE's dump none (the variant with a time: µs since the first
    /// packet); od and Wireshark's hex none.</summary>
    private static long Kept(DumpLayout layout, long ns, long first) => layout switch
    {
        DumpLayout.IosEpc => ns / 1_000_000 * 1_000_000,
        DumpLayout.Asa => ns % 86_400_000_000_000 / 1000 * 1000,
        DumpLayout.IosXeWithTimes => (ns - first) / 1000 * 1000,
        _ => 0,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_layout_gives_the_captures_frames_byte_for_byte_and_their_times(string capture, DumpLayout layout)
    {
        var original = TextDumps.ReadFrames(Path.Combine(Bundled(capture), "capture.pcap"));
        Assert.True(original.Count >= 4, $"{capture}: {original.Count} frames");
        var (frames, m, format) = ReadText(TextDumps.Render(original, layout));
        Assert.Equal(CaptureFileFormat.TextDump, format);
        Assert.True(m.Items.Count == 0, string.Join("\n", m.Items));
        Assert.Equal(original.Count, frames.Count);
        long first = original[0].TimestampNanoseconds;
        for (int i = 0; i < original.Count; i++)
        {
            Assert.Equal(i + 1, frames[i].Number);
            Assert.Equal(original[i].LinkType, frames[i].LinkType);
            Assert.Equal(original[i].Data, frames[i].Data);
            if (Resolution(layout) > 0)
                Assert.Equal(Kept(layout, original[i].TimestampNanoseconds, first), frames[i].TimestampNanoseconds);
        }
        if (Resolution(layout) == 0)   // no times printed: 1 µs apart from 1970-01-01
            Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => i * 1000L), frames.Select(f => f.TimestampNanoseconds));
    }

    [Fact]
    public void The_link_type_is_found_from_the_bytes()
    {
        // S2 is raw IPv4 (as an IOS EPC export), the strongSwan lab Ethernet
        Assert.Equal(LinkType.Raw, ReadText(TextDumps.IosEpc(TextDumps.ReadFrames(Path.Combine(Bundled("S2-ikev1-r2-initiates"), "capture.pcap")))).Frames[0].LinkType);
        Assert.Equal(LinkType.Ethernet, ReadText(TextDumps.Asa(TextDumps.ReadFrames(Path.Combine(Bundled("strongswan-ikev2-skf"), "capture.pcap")))).Frames[0].LinkType);
    }

    public static TheoryData<string, DumpLayout, int, bool> Pastes()
    {
        var data = new TheoryData<string, DumpLayout, int, bool>();
        foreach (DumpLayout l in Enum.GetValues<DumpLayout>())
            foreach (int width in new[] { 0, 41, 57 })
                foreach (bool trim in new[] { false, true })
                    if (width != 0 || !trim)
                        data.Add(l == DumpLayout.Od ? "strongswan-ikev2-untrusted-ca" : "S2-ikev1-r2-initiates", l, width, trim);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pastes))]
    public void Wrapped_and_prompt_laden_pastes_read_the_same(string capture, DumpLayout layout, int width, bool trim)
    {
        var original = TextDumps.ReadFrames(Path.Combine(Bundled(capture), "capture.pcap"));
        string dump = TextDumps.Render(original, layout);
        if (width > 0) dump = TextDumps.Wrap(dump, width, trim);
        var (frames, m, _) = ReadText(TextDumps.Pasted(dump));
        Assert.True(m.Items.Count == 0, string.Join("\n", m.Items));
        Assert.Equal(original.Select(f => Convert.ToHexString(f.Data)), frames.Select(f => Convert.ToHexString(f.Data)));
        if (Resolution(layout) > 0)
            Assert.Equal(original.Select(f => Kept(layout, f.TimestampNanoseconds, original[0].TimestampNanoseconds)),
                frames.Select(f => f.TimestampNanoseconds));
    }

    /// <summary>What analyze says of each SA. <paramref name="timed"/>: the findings' messages too (they quote
    /// durations, which a dump without times cannot give); else their codes and frames.</summary>
    private static string Summary(CaptureAnalysis a, bool timed = true) => string.Join("\n", a.Sas.Select(sa =>
        $"IKEv{sa.Sa.Version} {sa.Sa.Initiator}->{sa.Sa.Responder} {sa.Sa.Outcome} ({(timed ? sa.Sa.OutcomeDetail : "")}) last={sa.Sa.LastStep}"
        + $" | steps {string.Join(",", sa.Sa.Messages.Select(x => x.Step + (x.IsRetransmission ? "(re)" : "")))}"
        + $" | CERT_REQ i [{string.Join("; ", sa.Sa.InitiatorCertRequests.Select(c => c.Display))}]"
        + $" r [{string.Join("; ", sa.Sa.ResponderCertRequests.Select(c => c.Display))}]"
        + $" | certs {string.Join("; ", sa.Sa.Certificates.Select(c => c.Info?.Subject))}"
        + $" | findings {string.Join("; ", sa.Findings.Select(f => $"{f.Id} [{string.Join(",", f.Frames)}] {(timed ? f.Message : "")}"))}"));

    public static TheoryData<string, string, DumpLayout> AnalysisCases()
    {
        var data = new TheoryData<string, string, DumpLayout>();
        foreach (DumpLayout l in Enum.GetValues<DumpLayout>())
        {
            data.Add("S2-ikev1-r2-initiates", "ikev1_decryption_table", l);
            data.Add("strongswan-ikev2-untrusted-ca", "ikev2_decryption_table", l);
        }
        data.Add("strongswan-ikev1-main-mode", "ikev1_decryption_table", DumpLayout.IosEpc);
        data.Add("strongswan-ikev2-skf", "ikev2_decryption_table", DumpLayout.Asa);
        return data;
    }

    [Theory]
    [MemberData(nameof(AnalysisCases))]
    public void Analyze_of_the_dump_equals_analyze_of_the_capture(string capture, string keyTable, DumpLayout layout)
    {
        string dir = Bundled(capture);
        var options = new AnalysisOptions
        {
            Keys = KeyRing.Load([Path.Combine(dir, keyTable)]),
            Cas = CaCatalog.Load(Directory.GetFiles(dir, "*.pem").Where(p => Path.GetFileName(p).StartsWith("ca", StringComparison.OrdinalIgnoreCase)).ToArray()),
        };
        var fromPcap = CaptureAnalyzer.Analyze(Path.Combine(dir, "capture.pcap"), options);
        string tmp = TestPaths.NewTempDir();
        try
        {
            string dumpPath = Path.Combine(tmp, "dump.txt");
            File.WriteAllText(dumpPath, TextDumps.Pasted(TextDumps.Render(TextDumps.ReadFrames(Path.Combine(dir, "capture.pcap")), layout)));
            var fromDump = CaptureAnalyzer.Analyze(dumpPath, options);
            Assert.NotEmpty(fromPcap.Sas);
            Assert.Contains(fromPcap.Sas, sa => sa.Sa.Messages.Count >= 4);
            bool timed = Resolution(layout) > 0;
            Assert.Equal(Summary(fromPcap, timed), Summary(fromDump, timed));
            Assert.Equal(fromPcap.Sas.SelectMany(sa => sa.Findings).Count(), fromDump.Sas.SelectMany(sa => sa.Findings).Count());
            Assert.Equal(fromPcap.Malformations.Select(x => x.Reason), fromDump.Malformations.Select(x => x.Reason));
        }
        finally
        {
            Directory.Delete(tmp, true);
        }
    }
    private static List<OwnedFrame> S2Frames() => TextDumps.ReadFrames(Path.Combine(Bundled("S2-ikev1-r2-initiates"), "capture.pcap"));

    [Theory]
    [InlineData(DumpLayout.IosEpc)]
    [InlineData(DumpLayout.IosXe)]
    [InlineData(DumpLayout.IosXeWithTimes)]
    [InlineData(DumpLayout.Asa)]
    [InlineData(DumpLayout.Od)]
    [InlineData(DumpLayout.WiresharkHex)]
    public void A_dump_cut_short_keeps_the_whole_packets_and_locates_the_cut(DumpLayout layout)
    {
        var original = S2Frames();
        string[] lines = TextDumps.Render(original, layout).Split('\n');
        string start = layout switch
        {
            DumpLayout.IosEpc => @"^\d\d:\d\d:\d\d\.\d{3} UTC ",
            DumpLayout.IosXe => @"^\d+$",
            DumpLayout.IosXeWithTimes => @"^ +\d+ +\d+\.\d{6} ",
            DumpLayout.Asa => @"^ +\d+: ",
            DumpLayout.Od => "^000000 ",
            _ => "^0000   ",
        };
        int third = Enumerable.Range(0, lines.Length).Where(i => System.Text.RegularExpressions.Regex.IsMatch(lines[i], start)).ElementAt(2);
        int cutLine = third + 4;
        string dump = string.Join('\n', lines[..cutLine]) + "\n" + lines[cutLine][..(lines[cutLine].Length / 2)];
        var (frames, m, _) = ReadText(dump);
        Assert.Equal(3, frames.Count);
        Assert.Equal(original[0].Data, frames[0].Data);
        Assert.Equal(original[1].Data, frames[1].Data);
        var last = frames[2];
        Assert.True(last.Data.Length < original[2].Data.Length);
        Assert.Equal(original[2].Data.AsSpan(0, last.Data.Length).ToArray(), last.Data);
        var truncated = Assert.Single(m.Items, x => x.Reason.Contains("truncated"));
        Assert.Equal(3, truncated.Frame);
        Assert.Equal(MalformationLayer.Capture, truncated.Layer);
        int packetLine = dump[..(int)truncated.Offset].Count(c => c == '\n') + 1;
        Assert.Equal(third + 1, packetLine);
        Assert.Equal($"line {packetLine}: packet has {last.Data.Length} bytes in the dump, its IP header says {original[2].Data.Length}: truncated (dump cut short?)",
            truncated.Reason);
    }

    [Fact]
    public void A_damaged_line_and_a_lost_line_are_located_and_the_rest_is_read()
    {
        var original = S2Frames();
        var lines = TextDumps.Asa(original).Split('\n').ToList();
        // packet 2: damage a group on its third hex line; packet 3: lose its second hex line
        int p2 = lines.FindIndex(l => l.StartsWith("   2: ", StringComparison.Ordinal));
        int damagedLine = p2 + 3;
        lines[damagedLine] = lines[damagedLine].Remove(15, 2).Insert(15, "zq");
        string damagedGroup = lines[damagedLine].Substring(13, 4);
        Assert.EndsWith("zq", damagedGroup);
        int p3 = lines.FindIndex(l => l.StartsWith("   3: ", StringComparison.Ordinal));
        lines.RemoveAt(p3 + 2);
        lines.Insert(3, "%ASA-5-111008: User 'enable_15' executed the 'show capture CAP dump' command.");
        var (frames, m, _) = ReadText(string.Join('\n', lines));
        Assert.Equal(original.Count, frames.Count);
        Assert.Equal(original[0].Data, frames[0].Data);
        Assert.Equal(original[3].Data, frames[3].Data);
        Assert.Equal(original[^1].Data, frames[^1].Data);
        // the damaged group: located at its line and column; the line's bytes before it are kept
        var bad = Assert.Single(m.Items, x => x.Reason.Contains("is not hex"));
        Assert.Equal(2, bad.Frame);
        Assert.Equal($"line {damagedLine + 2}: column 14: '{damagedGroup}' is not hex; the rest of the line is not read", bad.Reason);   // +1 for 1-based, +1 for the inserted chatter line
        // the lost line: the next line's offset shows the 16 missing bytes
        var lost = Assert.Single(m.Items, x => x.Frame == 3 && x.Reason.Contains("bytes missing"));
        Assert.Contains("offset 0x20, expected 0x10: 16 bytes missing", lost.Reason);
        Assert.Equal(original[2].Data.Length - 16, frames[2].Data.Length);
    }

    [Fact]
    public void Garbage_text_never_throws_out_of_the_reader()
    {
        var rng = new Random(13);
        string dump = TextDumps.Render(S2Frames(), DumpLayout.IosEpc);
        const string alphabet = "0123456789abcdefABCDEF :.\t\r\n#>-xX\b*";
        for (int round = 0; round < 300; round++)
        {
            var chars = dump.ToCharArray();
            int edits = rng.Next(1, 60);
            for (int e = 0; e < edits; e++) chars[rng.Next(chars.Length)] = alphabet[rng.Next(alphabet.Length)];
            string text = new string(chars)[..rng.Next(1, chars.Length)];
            var m = new MalformationList();
            try
            {
                using var reader = CaptureReader.Open(new MemoryStream(Encoding.ASCII.GetBytes(text)), "g.txt", m);
                while (reader.TryRead(out var r)) Assert.True(r.Data.Length > 0);
                Assert.All(m.Items, x => Assert.Matches(@"^line \d+: ", x.Reason));
            }
            catch (CaptureFormatException)
            {
                // text without one readable hex line is not a capture: one error, as for any other file
            }
        }
    }

    [Fact]
    public void Text_without_a_hex_line_is_not_a_capture()
    {
        var ex = Assert.Throws<CaptureFormatException>(() => ReadText("R1#show version\nCisco IOS Software, Version 15.4\nR1#\n"));
        Assert.Equal("dump.txt: not a pcap or pcapng capture (first bytes 52312373)", ex.Message);
    }

    [Fact]
    public void Header_lines_give_the_comment_and_dates_advance_past_midnight()
    {
        const string dump = """
               1: 23:59:59.999000       192.0.2.1.500 > 192.0.2.2.500:  udp 8
            0x0000   4500 001c 0000 4000 4011 b6cd c000 0201   E.....@.@.......
            0x0010   c000 0202 01f4 01f4 0008 0000             ............
               2: 00:00:00.000500       192.0.2.2.500 > 192.0.2.1.500:  udp 8
            0x0000   4500 001c 0000 4000 4011 b6cd c000 0202   E.....@.@.......
            0x0010   c000 0201 01f4 01f4 0008 0000             ............
            """;
        var m = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(Encoding.ASCII.GetBytes(dump)), "asa.txt", m);
        Assert.True(reader.TryRead(out var r1));
        Assert.Equal(86_399_999_000_000L, r1.TimestampNanoseconds);
        Assert.Equal("192.0.2.1.500 > 192.0.2.2.500:  udp 8", reader.RecordComment);
        Assert.Equal(28, r1.Data.Length);
        Assert.True(reader.TryRead(out var r2));
        Assert.Equal(86_400_000_000_000L + 500_000, r2.TimestampNanoseconds);
        Assert.Equal(LinkType.Raw, r2.LinkType);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(6, reader.TextLineCount);
    }
    [Fact]
    public void Reading_a_dump_allocates_nothing_per_line_or_frame()
    {
        var frames = S2Frames();
        var many = Enumerable.Range(0, 40).SelectMany(_ => frames).ToList();
        byte[] small = Encoding.ASCII.GetBytes(TextDumps.Pasted(TextDumps.IosEpc(frames)));
        byte[] large = Encoding.ASCII.GetBytes(TextDumps.Pasted(TextDumps.IosEpc(many)));
        long Allocated(byte[] text)
        {
            var m = new MalformationList();
            var stream = new MemoryStream(text);
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (var reader = CaptureReader.Open(stream, "d.txt", m))
                while (reader.TryRead(out _)) { }
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Empty(m.Items);
            return after - before;
        }
        // steady state: warmed up (JIT tiers, pools), the least of three runs each (a tier-up under load allocates once)
        for (int i = 0; i < 3; i++) Allocated(large);
        long a = Enumerable.Range(0, 3).Min(_ => Allocated(small)), b = Enumerable.Range(0, 3).Min(_ => Allocated(large));
        // 40 times the lines and frames, the same allocation (the reader's fixed setup only)
        Assert.True(b - a < 1024, $"{a} bytes for {frames.Count} frames, {b} bytes for {many.Count}");
    }
    [Fact]
    public void A_gzipd_dump_is_read_too()
    {
        var original = S2Frames();
        var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            z.Write(Encoding.ASCII.GetBytes(TextDumps.IosXe(original)));
        gz.Position = 0;
        var m = new MalformationList();
        using var reader = CaptureReader.Open(gz, "dump.txt.gz", m);
        var frames = new List<byte[]>();
        while (reader.TryRead(out var r)) frames.Add(r.Data.ToArray());
        Assert.True(reader.IsCompressed);
        Assert.Equal(CaptureFileFormat.TextDump, reader.Format);
        Assert.Equal(original.Select(f => f.Data), frames);
    }

    [Fact]
    public void Ios_headers_give_date_time_and_comment_and_unknown_headers_still_separate_packets()
    {
        const string dump = """
            *10:00:01.250 UTC Dec 2 2026 : IPv4 LES CEF    : Gi0/1 None

            0F1A2C90: 4500001C 00000000 4011B6CD C0000201  E.......@.......
            0F1A2CA0: C0000202 01F401F4 00080000           ............

            10:00:02.500 UTC : IPv4 LES CEF    : Gi0/2 None

            0F1A2D00: 4500001C 00000000 4011B6CD C0000202  E.......@.......
            0F1A2D10: C0000201 01F401F4 00080000           ............
            """;
        var m = new MalformationList();
        using var reader = CaptureReader.Open(new MemoryStream(Encoding.ASCII.GetBytes(dump)), "ios.txt", m);
        long day = (long)(new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalDays * 86_400_000_000_000L;
        Assert.True(reader.TryRead(out var r1));
        Assert.Equal(day + 36_001_250_000_000L, r1.TimestampNanoseconds);
        Assert.Equal("IPv4 LES CEF    : Gi0/1 None", reader.RecordComment);
        Assert.True(reader.TryRead(out var r2));
        Assert.Equal(day + 36_002_500_000_000L, r2.TimestampNanoseconds);   // no date printed: the last one
        Assert.Equal("IPv4 LES CEF    : Gi0/2 None", reader.RecordComment);
        Assert.Equal(28, r2.Data.Length);
        Assert.Empty(m.Items);

        // IOS-XE with a header this reader does not know: offset 0 still starts each packet
        const string xe = """
            1 2026-12-02 10:00:01.250000 192.0.2.1 -> 192.0.2.2 UDP
              0000:  4500001C 00000000 4011B6CD C0000201   E.......@.......
              0010:  C0000202 01F401F4 00080000            ............
            2 2026-12-02 10:00:02.500000 192.0.2.2 -> 192.0.2.1 UDP
              0000:  4500001C 00000000 4011B6CD C0000202   E.......@.......
              0010:  C0000201 01F401F4 00080000            ............
            """;
        var (frames, m2, _) = ReadText(xe);
        Assert.Empty(m2.Items);
        Assert.Equal(2, frames.Count);
        Assert.All(frames, f => Assert.Equal(28, f.Data.Length));
        Assert.Equal(0xC0, frames[1].Data[12]);
        Assert.Equal(0x02, frames[1].Data[15]);
    }
}
