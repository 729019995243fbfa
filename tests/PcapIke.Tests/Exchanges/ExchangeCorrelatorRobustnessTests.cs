using PcapIke.Capture;
using PcapIke.Diagnostics;
using PcapIke.Exchanges;
using PcapIke.Pipeline;
using PcapIke.Tests.Fuzz;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Exchanges;

/// <summary>The correlator never throws: real messages in any order and mutated captures; invariants hold.</summary>
public class ExchangeCorrelatorRobustnessTests
{
    private static List<string> CaptureFiles() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "captures"), "*.pcap", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(TestPaths.SharedCaptures).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".cap", StringComparison.Ordinal)))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();

    private static void AssertInvariants(IReadOnlyList<IkeSa> sas, int added)
    {
        Assert.Equal(added, sas.Sum(s => s.Messages.Count));
        for (int i = 0; i < sas.Count; i++)
        {
            IkeSa sa = sas[i];
            Assert.Equal(i + 1, sa.Id);
            Assert.NotEmpty(sa.Messages);
            Assert.NotNull(sa.LastStep);
            foreach (SaMessage m in sa.Messages.Where(m => m.IsRetransmission))
            {
                Assert.Contains(m.RetransmissionOf!, sa.Messages);
                Assert.Equal(m.Sender, m.RetransmissionOf!.Sender);
                Assert.Equal(m.Step, m.RetransmissionOf.Step);
            }
            if (sa.Outcome == SaOutcome.Established) Assert.False(sa.EndsMidNegotiation);
        }
    }

    [Fact]
    public void RealMessagesShuffledAndDuplicated_NeverThrow_EveryMessageInOneSa()
    {
        var all = new List<DissectedMessage>();
        foreach (string f in CaptureFiles())
            CaptureDissector.Dissect(f, new MalformationList(), all.Add);
        Assert.True(all.Count > 50);
        for (int seed = 1; seed <= 200; seed++)
        {
            var rng = new Random(seed);
            var input = Enumerable.Range(0, rng.Next(1, 60)).Select(_ => all[rng.Next(all.Count)]).ToList();
            var correlator = new ExchangeCorrelator();
            foreach (var m in input) correlator.Add(m);
            AssertInvariants(correlator.Complete(), input.Count);
        }
    }

    [Fact]
    public void MutatedCaptures_ThroughTheCorrelator_NeverThrow()
    {
        var corpus = CaptureFiles().Select(File.ReadAllBytes).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int runs = 0;
        for (int seed = 1; clock.Elapsed < TimeSpan.FromSeconds(5); seed++, runs++)
        {
            byte[] input = new SeededMutator(seed).Mutate(corpus[seed % corpus.Count]);
            var correlator = new ExchangeCorrelator();
            int added = 0;
            try
            {
                using var reader = CaptureReader.Open(new MemoryStream(input, writable: false), $"seed-{seed}", new MalformationList(limit: 100));
                CaptureDissector.Dissect(reader, new MalformationList(limit: 100), m => { added++; correlator.Add(m); });
            }
            catch (CaptureFormatException)
            {
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e}");
            }
            var sas = correlator.Complete();
            int ikeVersions = sas.Sum(s => s.Messages.Count);
            Assert.True(ikeVersions <= added, $"seed {seed}");
        }
        Assert.True(runs > 20, $"only {runs} inputs");
    }
}
