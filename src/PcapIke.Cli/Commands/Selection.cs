using System.CommandLine;
using System.Globalization;
using System.Net;
using PcapIke.Findings;
using PcapIke.Exchanges;
using PcapIke.Frames;
using PcapIke.Pipeline;

namespace PcapIke.Cli.Commands;

/// <summary>
/// The one set of options that choose what to look at, shared by <c>dissect</c>, <c>analyze</c>, <c>report</c> and
/// <c>batch</c>: <c>--sa N</c> (SA ids as analyze numbers them; not on dissect), <c>--address IP</c> (either end),
/// <c>--spi HEX</c> (either SPI or IKEv1 cookie), <c>--time FROM..TO</c> (ISO 8601, UTC unless an offset is given;
/// either end may be left out). Each option is repeatable except <c>--time</c>; different options must all match.
/// </summary>
internal sealed class SelectionOptions
{
    public Option<int[]>? Sa { get; private init; }
    public required Option<string[]> Address { get; init; }
    public required Option<string[]> Spi { get; init; }
    public required Option<string> Time { get; init; }

    public static SelectionOptions Create(bool withSa, string what = "IKE SAs") => new()
    {
        Sa = withSa ? new Option<int[]>("--sa") { HelpName = "N", Description = $"Only the IKE SA with this number, as analyze numbers them (repeatable)" } : null,
        Address = new Option<string[]>("--address", "-a") { HelpName = "IP", Description = $"Only {what} to or from this IP address (repeatable)" },
        Spi = new Option<string[]>("--spi") { HelpName = "HEX", Description = $"Only {what} whose initiator or responder SPI (IKEv1: cookie) is this, 16 hex digits (repeatable)" },
        Time = new Option<string>("--time") { HelpName = "FROM..TO", Description = $"Only {what} with a message in this time range, ISO 8601 (UTC unless an offset is given; e.g. 2013-06-17T17:08:00..2013-06-17T17:09:00; either end may be left out)" },
    };

    public void AddTo(Command command)
    {
        if (Sa is not null) command.Options.Add(Sa);
        command.Options.Add(Address);
        command.Options.Add(Spi);
        command.Options.Add(Time);
    }

    /// <summary>The selection the options give; a value that cannot be read is one usage error naming the option.</summary>
    public Selection Parse(ParseResult pr)
    {
        var ids = (Sa is null ? null : pr.GetValue(Sa)) ?? [];
        foreach (int id in ids)
            if (id < 1) throw new CliInputException($"--sa: {id.ToString(CultureInfo.InvariantCulture)} is not an IKE SA number (they count from 1)", ExitCodes.Usage);
        var addresses = new HashSet<NetAddress>();
        foreach (string s in pr.GetValue(Address) ?? [])
        {
            if (!IPAddress.TryParse(s, out var ip))
                throw new CliInputException($"--address: '{s}' is not an IPv4 or IPv6 address", ExitCodes.Usage);
            addresses.Add(NetAddress.FromIPAddress(ip));
        }
        var spis = new HashSet<ulong>();
        foreach (string s in pr.GetValue(Spi) ?? [])
        {
            string hex = s.Replace(":", "", StringComparison.Ordinal);
            if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
            if (hex.Length is 0 or > 16 || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
                throw new CliInputException($"--spi: '{s}' is not an 8-byte hex SPI", ExitCodes.Usage);
            spis.Add(v);
        }
        long from = long.MinValue, to = long.MaxValue;
        if (pr.GetValue(Time) is { } range)
        {
            int dots = range.IndexOf("..", StringComparison.Ordinal);
            if (dots < 0 || range.IndexOf("..", dots + 2, StringComparison.Ordinal) >= 0)
                throw new CliInputException($"--time: '{range}' is not FROM..TO (ISO 8601 times, e.g. 2013-06-17T17:08:00..2013-06-17T17:09:00)", ExitCodes.Usage);
            if (dots > 0) from = Instant(range[..dots], range);
            if (dots + 2 < range.Length) to = Instant(range[(dots + 2)..], range);
            if (from > to) throw new CliInputException($"--time: '{range}' ends before it starts", ExitCodes.Usage);
        }
        return new Selection(ids.ToHashSet(), addresses, spis, from, to);
    }

    private static long Instant(string text, string range)
    {
        if (!DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            throw new CliInputException($"--time: '{text}' in '{range}' is not an ISO 8601 time", ExitCodes.Usage);
        return (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    }
}

/// <summary>What <see cref="SelectionOptions"/> chose: every non-empty criterion must match.</summary>
internal sealed class Selection(HashSet<int> ids, HashSet<NetAddress> addresses, HashSet<ulong> spis, long from, long to)
{
    public static readonly Selection All = new([], [], [], long.MinValue, long.MaxValue);

    public bool IsEmpty => ids.Count == 0 && addresses.Count == 0 && spis.Count == 0 && from == long.MinValue && to == long.MaxValue;

    public bool Matches(AnalyzedSa sa) => Matches(sa.Sa);

    public bool Matches(IkeSa sa) =>
        (ids.Count == 0 || ids.Contains(sa.Id)) &&
        (addresses.Count == 0 || addresses.Contains(sa.Initiator.Address) || addresses.Contains(sa.Responder.Address)) &&
        (spis.Count == 0 || spis.Contains(sa.SpiI) || spis.Contains(sa.SpiR)) &&
        (from == long.MinValue && to == long.MaxValue || sa.Messages.Any(m => m.TimestampNanoseconds >= from && m.TimestampNanoseconds <= to));

    public bool Matches(DissectedMessage m) =>
        (addresses.Count == 0 || addresses.Contains(m.Source.Address) || addresses.Contains(m.Destination.Address)) &&
        (spis.Count == 0 || spis.Contains(m.Ike.InitiatorSpi) || spis.Contains(m.Ike.ResponderSpi)) &&
        m.TimestampNanoseconds >= from && m.TimestampNanoseconds <= to;
}
