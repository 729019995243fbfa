using PcapIke.Exchanges;

namespace PcapIke.Tests.Exchanges;

/// <summary>The correlator's per-SA map (issue 14): an array while small, a dictionary past 8 entries, the same
/// answers either way.</summary>
public class SmallMapTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(SmallMap<(ulong, Role), string>.LinearLimit)]
    [InlineData(SmallMap<(ulong, Role), string>.LinearLimit + 1)]
    [InlineData(100)]
    public void Answers_as_a_dictionary_at_every_size(int n)
    {
        var map = new SmallMap<(ulong, Role), string>();
        var reference = new Dictionary<(ulong, Role), string>();
        for (int i = 0; i < n; i++)
        {
            var key = ((ulong)i * 7919, i % 2 == 0 ? Role.Initiator : Role.Responder);
            Assert.True(map.TryAdd(key, $"v{i}"));
            reference.Add(key, $"v{i}");
            // the first value stays (TryAdd), as Dictionary.TryAdd keeps it
            Assert.False(map.TryAdd(key, "later"));
            Assert.Equal(reference.Count, map.Count);
        }
        foreach (var (key, value) in reference)
        {
            Assert.True(map.TryGetValue(key, out string? got));
            Assert.Equal(value, got);
            // the other sender with the same hash is another key
            var other = (key.Item1, key.Item2 == Role.Initiator ? Role.Responder : Role.Initiator);
            Assert.Equal(reference.ContainsKey(other), map.TryGetValue(other, out _));
        }
        Assert.False(map.TryGetValue((ulong.MaxValue, Role.Initiator), out string? none));
        Assert.Null(none);
    }

    [Fact]
    public void Set_replaces_or_adds_before_and_after_the_switch_to_a_dictionary()
    {
        var map = new SmallMap<(Role, byte, uint, int), int>();
        Assert.Equal(0, map.Count);
        for (int i = 0; i < 20; i++)
        {
            map.Set((Role.Initiator, 35, (uint)i, 0), i);
            map.Set((Role.Initiator, 35, (uint)i, 0), i * 10);
            Assert.Equal(i + 1, map.Count);
            for (int j = 0; j <= i; j++)
            {
                Assert.True(map.TryGetValue((Role.Initiator, 35, (uint)j, 0), out int v));
                Assert.Equal(j * 10, v);
            }
        }
    }
}
