using PcapIke.Diagnostics;
using PcapIke.Pipeline;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Pipeline;

public class CaptureDissectorOffloadTests
{
    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*.pcap", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(TestPaths.SharedCaptures).Where(f => f.EndsWith(".pcap") || f.EndsWith(".cap")))
                     .OrderBy(f => f, StringComparer.Ordinal))
            data.Add(f);
        return data;
    }

    private static (List<string> Messages, List<string> Malformations, long Frames) Run(string path, bool offload)
    {
        var messages = new List<string>();
        var malformations = new MalformationList();
        int callbackThread = -1;
        var stats = CaptureDissector.Dissect(path, malformations, m =>
        {
            callbackThread = Environment.CurrentManagedThreadId;
            messages.Add($"{m.Frame} {m.Source}>{m.Destination} {m.Ike.ExchangeTypeRaw} {m.Ike.MessageId} {m.ContentHash:x16} " +
                         string.Join(",", m.Ike.Payloads.Select(p => $"{p.TypeRaw}:{p.Length}")));
        }, offload: offload);
        if (offload && messages.Count > 0) Assert.NotEqual(Environment.CurrentManagedThreadId, callbackThread);
        return (messages, malformations.Items.Select(m => m.ToString()).ToList(), stats.Frames);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Offloaded_GivesTheSameMessagesInTheSameOrder(string path)
    {
        var inline = Run(path, offload: false);
        var offloaded = Run(path, offload: true);

        Assert.Equal(inline.Messages, offloaded.Messages);
        Assert.Equal(inline.Malformations, offloaded.Malformations);
        Assert.Equal(inline.Frames, offloaded.Frames);
    }

    [Fact]
    public void Offloaded_CallbackException_IsRethrownAfterTheScanAndNeverBlocksTheFrameLoop()
    {
        string path = Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-skf", "capture.pcap");
        int calls = 0;
        var ex = Assert.Throws<IOException>(() =>
            CaptureDissector.Dissect(path, new MalformationList(), _ => { calls++; throw new IOException("output closed"); }, offload: true));

        Assert.Equal("output closed", ex.Message);
        Assert.Equal(1, calls); // the worker stops calling back after the first failure but drains the queue
    }

    [Fact]
    public void MalformationList_ReportsFromTwoThreads_AreListedByFrame()
    {
        var list = new MalformationList();
        list.Report(new Malformation("f", 5, 0, MalformationLayer.Capture, "a"));
        list.Report(new Malformation("f", 2, 0, MalformationLayer.Ike, "b"));
        list.Report(new Malformation("f", 5, 1, MalformationLayer.Ike, "c"));

        Assert.Equal(new[] { "b", "a", "c" }, list.Items.Select(m => m.Reason));
    }
}
