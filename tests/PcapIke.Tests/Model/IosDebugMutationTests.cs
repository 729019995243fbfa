using System.Text.RegularExpressions;
using PcapIke.Model.Ios;

namespace PcapIke.Tests.Model;

/// <summary>
/// Damaged debug logs (issue 16): cut and deleted lines, junk and other debug families interleaved, routers mixed in
/// one file — the reader never throws and never invents an event. Seeded: every run reads the same mutants.
/// </summary>
public class IosDebugMutationTests
{
    private const int Mutants = 150;

    public static TheoryData<string> Resources()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Model", "Resources"), "technote-debug-*.txt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    private static string[] Lines(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Model", "Resources", name)).TrimEnd('\n').Split('\n');

    /// <summary>What an event says, without its line number (mutations shift lines).</summary>
    private static string Say(IosDebugEvent e) =>
        $"{e.Kind}|{e.Dn}|{e.Trustpoint}|{string.Join(",", e.Trustpoints)}|{e.Profile}|{e.State}|{e.OldState}|{e.Peer}|{e.Notify}|{e.Succeeded}|{e.Router}";

    private static readonly string[] OtherFamilies =
    [
        "*Jun 20 13:00:37.610: IPSEC(validate_proposal_request): proposal part #1",
        "*Jun 20 13:00:37.610: %LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to up",
        "*Jun 20 13:00:37.610: AAA/BIND(00000042): Bind i/f",
        "Jun 20 13:00:37.611 UTC: %SYS-5-CONFIG_I: Configured from console by vty0",
    ];

    private static string Junk(Random rng)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789()[]{}#$%&/\\:;'\"!?-_.";
        while (true)
        {
            var chars = new char[rng.Next(1, 60)];
            for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
            string s = new string(chars).Trim();
            if (s.Length == 0 || s.EndsWith(',') || s.EndsWith('=') || Regex.IsMatch(s, "ISAKMP|IKEv|CRYPTO|PKI|Choosing|map_db|IPSEC|#", RegexOptions.IgnoreCase)) continue;
            return s;
        }
    }

    private static bool IsRecordStart(string line) => Regex.IsMatch(line, @"^\*?[A-Z][a-z]{2} +\d{1,2} \d");

    [Theory]
    [MemberData(nameof(Resources))]
    public void Any_mutant_is_read_without_throwing_and_bounded(string name)
    {
        string[] lines = Lines(name);
        var rng = new Random(name.Length * 7919);
        for (int k = 0; k < Mutants; k++)
        {
            var m = lines.ToList();
            for (int edits = rng.Next(1, 8); edits > 0; edits--)
            {
                int at = rng.Next(m.Count + 1);
                switch (rng.Next(6))
                {
                    case 0 when m.Count > 0 && at < m.Count: m.RemoveAt(at); break;
                    case 1 when at < m.Count && m[at].Length > 0: m[at] = m[at][..rng.Next(m[at].Length)]; break;
                    case 2: m.Insert(at, Junk(rng)); break;
                    case 3: m.Insert(at, OtherFamilies[rng.Next(OtherFamilies.Length)]); break;
                    case 4 when at < m.Count: m.Insert(at, m[at]); break;
                    default:
                        // raw bytes: control characters, a NUL, an over-long line
                        m.Insert(at, rng.Next(2) == 0 ? "\u0000\u001b[31m\b\b*Jun 1" : new string('x', 5000) + " ISAKMP:(1):");
                        break;
                }
            }
            string text = string.Join(rng.Next(3) == 0 ? "\r\n" : "\n", m);
            var log = IosDebugLog.Read(text, name);
            Assert.True(log.Events.Count <= log.Lines, $"{name} mutant {k}");
            Assert.True(log.UnknownLines <= log.Lines, $"{name} mutant {k}");
            Assert.All(log.Negotiations, n => Assert.NotEmpty(n.Events));
        }
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public void Junk_and_other_debug_families_between_records_change_no_event(string name)
    {
        // Inserted at record boundaries only: a line with no stamp right after a record is, by design, the record's
        // wrapped rest (docs/debug-logs.md, "Wrapped lines").
        string[] lines = Lines(name);
        var original = IosDebugLog.Read(string.Join('\n', lines), name).Events.Select(Say).ToList();
        var rng = new Random(name.Length * 104729);
        for (int k = 0; k < Mutants; k++)
        {
            var m = new List<string>();
            int inserted = 0;
            foreach (string line in lines)
            {
                if (IsRecordStart(line) && rng.Next(4) == 0)
                {
                    m.Add(rng.Next(2) == 0 ? OtherFamilies[rng.Next(OtherFamilies.Length)] : Junk(rng));
                    inserted++;
                }
                m.Add(line);
            }
            if (rng.Next(2) == 0) m.Add(Junk(rng));
            var log = IosDebugLog.Read(string.Join('\n', m), name);
            Assert.Equal(original, log.Events.Select(Say).ToList());
        }
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public void Deleted_or_cut_lines_never_invent_an_event(string name)
    {
        string[] lines = Lines(name);
        var original = IosDebugLog.Read(string.Join('\n', lines), name).Events.ToList();
        var rng = new Random(name.Length * 31337);
        for (int k = 0; k < Mutants; k++)
        {
            var kept = new List<(int Original, string Text)>();
            var damaged = new HashSet<int>();
            for (int i = 0; i < lines.Length; i++)
            {
                int roll = rng.Next(10);
                if (roll == 0) { damaged.Add(i + 1); continue; }
                if (roll == 1 && lines[i].Length > 1) { damaged.Add(i + 1); kept.Add((i + 1, lines[i][..rng.Next(1, lines[i].Length)])); continue; }
                kept.Add((i + 1, lines[i]));
            }
            var log = IosDebugLog.Read(string.Join('\n', kept.Select(x => x.Text)), name);
            // A damaged record may read as a less specific event (a cut %CRYPTO-5-IKMP_INVALID_CERT line is still a
            // crypto syslog line), its fields from its own text; every event whose record is whole is an original
            // event, in order, and no kind is read more often than the original holds it.
            int next = 0;
            var whole = new List<IosDebugEvent>();
            foreach (IosDebugEvent e in log.Events)
            {
                int start = kept[e.Line - 1].Original;
                if (Enumerable.Range(start - 1, IosDebugLog.MaxWrappedLines + 2).Any(damaged.Contains)) continue;
                whole.Add(e);
                int found = original.FindIndex(next, o => o.Line == start);
                Assert.True(found >= 0, $"{name} mutant {k}: {e} is not an original event");
                IosDebugEvent o = original[found];
                Assert.Equal(o.Kind, e.Kind);
                foreach (var (mine, theirs) in new[] { (e.Dn, o.Dn), (e.Trustpoint, o.Trustpoint), (e.Profile, o.Profile), (e.State, o.State), (e.Peer, o.Peer), (e.Notify, o.Notify) })
                    if (mine is not null) Assert.Equal(theirs, mine);
                next = found + 1;
            }
            foreach (var g in whole.GroupBy(e => e.Kind))
                Assert.True(g.Count() <= original.Count(e => e.Kind == g.Key), $"{name} mutant {k}: {g.Count()} × {g.Key}");
            Assert.True(log.Events.Count <= original.Count + damaged.Count, $"{name} mutant {k}: {log.Events.Count} events");
        }
    }

    [Fact]
    public void Two_routers_in_one_file_are_told_apart_by_their_prompts()
    {
        string r1 = string.Join('\n', Lines("technote-debug-ikev1-r1-initiates-R1.txt"));
        string r2 = string.Join('\n', Lines("technote-debug-ikev1-r1-initiates-R2.txt"));
        var alone1 = IosDebugLog.Read(r1, "a.txt", "R1").Events.Select(Say).ToList();
        var alone2 = IosDebugLog.Read(r2, "b.txt", "R2").Events.Select(Say).ToList();
        var mixed = IosDebugLog.Read($"R1#\n{r1}\nR2#show logging\n{r2}\n", "case.txt");
        Assert.Equal(["R1", "R2"], mixed.Routers);
        Assert.Equal(alone1, mixed.Events.Where(e => e.Router == "R1").Select(Say));
        Assert.Equal(alone2, mixed.Events.Where(e => e.Router == "R2").Select(Say));
        Assert.Equal(2, mixed.Negotiations.Count);
    }
}
