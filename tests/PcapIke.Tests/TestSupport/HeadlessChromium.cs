using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace PcapIke.Tests.TestSupport;

/// <summary>
/// Debian's <c>chromium</c> run headless on a local file, as this machine's notes say (as root: <c>--no-sandbox</c>;
/// no GPU, QUIC, first-run, background networking, component updates or sync; a fresh <c>--user-data-dir</c> each
/// run), for the case report tests: <see cref="Screenshot"/> and <see cref="DumpDom"/> (with the console captured
/// through <c>--enable-logging=stderr --v=0</c>). Fails naming the package when chromium is not installed.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly string[] s_flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", "--mute-audio",
    ];

    /// <summary>The page's DOM after loading, and Chromium's console lines (<c>CONSOLE(…)</c> log lines) about it.</summary>
    /// <remarks><paramref name="width"/> × <paramref name="height"/>: the window the page is laid out in.</remarks>
    public static (string Dom, IReadOnlyList<string> Console) DumpDom(string htmlFile, int width = 1200, int height = 1600)
    {
        var (stdout, stderr) = Run(["--dump-dom", "--enable-logging=stderr", "--v=0", $"--window-size={width},{height}", new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri]);
        var console = stderr.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal)).ToList();
        return (stdout, console);
    }

    /// <summary>Takes a screenshot of the page into <paramref name="png"/> (width × height window).</summary>
    public static void Screenshot(string htmlFile, string png, int width = 1200, int height = 1600)
    {
        if (File.Exists(png)) File.Delete(png);
        Run([$"--screenshot={png}", $"--window-size={width},{height}", new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri]);
        Assert.True(File.Exists(png), $"chromium wrote no screenshot {png}");
    }

    private static (string Out, string Err) Run(IEnumerable<string> args)
    {
        string profile = TestPaths.NewTempDir();
        var psi = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string f in s_flags) psi.ArgumentList.Add(f);
        psi.ArgumentList.Add($"--user-data-dir={profile}");
        foreach (string a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"chromium is not installed ({e.Message}); install it with: apt-get install -y chromium");
            throw;
        }
        try
        {
            using (p)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(90_000))
                {
                    p.Kill(entireProcessTree: true);
                    Assert.Fail("chromium did not finish in 90 s");
                }
                Assert.True(p.ExitCode == 0, $"chromium exited {p.ExitCode}: {stderr.Result}");
                return (stdout.Result, stderr.Result);
            }
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>A PNG's width and height, and how many distinct colours its decoded pixels hold (8-bit RGB/RGBA,
    /// non-interlaced, as Chromium writes them): a blank or failed page has one or two.</summary>
    public static (int Width, int Height, int Colours) PngStats(string png)
    {
        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        int width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        for (int pos = 8; pos + 8 <= bytes.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            var data = bytes.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                Assert.Equal(0, data[12]);
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG colour type {data[9]}") };
            }
            else if (type == "IDAT") idat.Write(data);
            pos += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        byte[] r = raw.ToArray();
        int stride = width * channels;
        var prev = new byte[stride];
        var cur = new byte[stride];
        var colours = new HashSet<int>();
        for (int y = 0; y < height; y++)
        {
            int filter = r[y * (stride + 1)];
            Array.Copy(r, y * (stride + 1) + 1, cur, 0, stride);
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? cur[x - channels] : 0, b = prev[x], c = x >= channels ? prev[x - channels] : 0;
                cur[x] = (byte)(cur[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                });
            }
            for (int x = 0; x < stride; x += channels) colours.Add(cur[x] << 16 | cur[x + 1] << 8 | cur[x + 2]);
            (prev, cur) = (cur, prev);
        }
        return (width, height, colours.Count);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>The elements of a dumped DOM whose class list holds <paramref name="cls"/>, within the ladder of IKE SA
    /// <paramref name="sa"/> (<c>&lt;svg class="ladder" data-sa="N"&gt;</c>).</summary>
    public static int CountInLadder(string dom, int sa, string cls)
    {
        var m = Regex.Match(dom, $"<svg class=\"ladder\" data-sa=\"{sa}\"[^>]*>(.*?)</svg>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no ladder for IKE SA {sa} in the DOM");
        return Regex.Matches(m.Groups[1].Value, "<[a-z]+ class=\"([^\"]*)\"").Count(x => x.Groups[1].Value.Split(' ').Contains(cls));
    }
}
