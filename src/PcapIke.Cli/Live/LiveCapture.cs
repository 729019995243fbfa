using SharpPcap;
using SharpPcap.LibPcap;
using PcapIke.Capture;

namespace PcapIke.Cli.Live;

/// <summary>Where <c>watch</c> gets its packets: a live capture, or in the tests a replayed one.</summary>
internal interface IPacketSource
{
    string Name { get; }
    LinkType LinkType { get; }
    /// <summary>The next packet waiting, if any (its bytes valid until the next call); false when none is.</summary>
    bool TryNext(out long timestampNanoseconds, out ReadOnlySpan<byte> data, out int originalLength);
    /// <summary>Packets received and dropped (null when unknown).</summary>
    (long Received, long Dropped)? Statistics();
}

/// <summary>One interface libpcap can capture on.</summary>
public sealed record LiveInterface(string Name, string? Description, IReadOnlyList<string> Addresses, bool Loopback);

/// <summary>
/// A live capture on one interface through SharpPcap (libpcap), for <c>pcapike watch</c>: packets are polled with a
/// short read timeout so that the caller's loop can also keep time and notice Ctrl-C. Every way opening can fail
/// becomes a <see cref="CliInputException"/> with one line saying what to install or which capability is missing.
/// </summary>
public sealed class LiveCapture : IDisposable, IPacketSource
{
    /// <summary>libpcap's read timeout (packets are delivered at least this often).</summary>
    public const int ReadTimeoutMilliseconds = 100;
    /// <summary>How long <see cref="TryNext"/> sleeps when no packet is waiting.</summary>
    public const int PollMilliseconds = 10;
    public const int SnapLength = 262_144;

    private readonly LibPcapLiveDevice _device;
    private readonly TimestampResolution _resolution;
    /// <summary>The current packet's bytes (libpcap's buffer is reused by its next read): one snap length, reused.</summary>
    private readonly byte[] _packet = new byte[SnapLength];
    private bool _disposed;

    private LiveCapture(LibPcapLiveDevice device, LinkType linkType)
    {
        _device = device;
        LinkType = linkType;
        _resolution = device.TimestampResolution;
    }

    public string Name => _device.Name;
    public LinkType LinkType { get; }

    /// <summary>The interfaces libpcap lists (those of the current network namespace).</summary>
    public static IReadOnlyList<LiveInterface> List()
    {
        var list = Devices();
        return list.Select(d => new LiveInterface(d.Name, string.IsNullOrEmpty(d.Description) ? null : d.Description,
                d.Addresses.Select(a => a.Addr?.ipAddress?.ToString()).Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList(),
                d.Loopback))
            .ToList();
    }

    private static LibPcapLiveDeviceList Devices()
    {
        try
        {
            var list = LibPcapLiveDeviceList.New();
            return list;
        }
        catch (Exception ex) when (IsMissingLibpcap(ex))
        {
            throw MissingLibpcap();
        }
        catch (PcapException ex)
        {
            throw new CliInputException($"watch: libpcap cannot list the interfaces: {ex.Message}");
        }
    }

    private static bool IsMissingLibpcap(Exception ex) =>
        ex is DllNotFoundException || ex is TypeInitializationException { InnerException: DllNotFoundException }
        || ex is EntryPointNotFoundException;

    private static CliInputException MissingLibpcap() => new(
        "watch: libpcap is not installed (Debian/Ubuntu: apt-get install libpcap0.8; Fedora/RHEL: dnf install libpcap)");

    /// <summary>Opens <paramref name="name"/> with an optional BPF <paramref name="filter"/>. A missing interface,
    /// missing libpcap or missing permission: exit code 3; a filter libpcap rejects: exit code 2.</summary>
    public static LiveCapture Open(string name, string? filter)
    {
        var device = Devices().FirstOrDefault(d => d.Name == name)
            ?? throw new CliInputException($"watch: no interface '{name}' (pcapike watch --list lists them)");
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = DeviceModes.None,
                ReadTimeout = ReadTimeoutMilliseconds,
                Snaplen = SnapLength,
                // nanoseconds, truncated to microseconds when written, as libpcap does for a µs capture (tcpdump)
                TimestampResolution = TimestampResolution.Nanosecond,
            });
            // Non-blocking, polled: libpcap's read timeout does not bound every wait on Linux, and the caller's
            // loop must see Ctrl-C and keep time.
            device.NonBlockingMode = true;
        }
        catch (Exception ex) when (IsMissingLibpcap(ex))
        {
            throw MissingLibpcap();
        }
        catch (PcapException ex)
        {
            if (ex.Message.Contains("PermissionDenied", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("permitted", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("permission", StringComparison.OrdinalIgnoreCase))
                throw new CliInputException(
                    $"watch: no permission to capture on {name}: run as root, or give the executable the capabilities CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip FILE)");
            throw new CliInputException($"watch: cannot capture on {name}: {ex.Message}");
        }
        var capture = new LiveCapture(device, MapLinkType((int)device.LinkType));
        if (!string.IsNullOrWhiteSpace(filter))
        {
            try
            {
                device.Filter = filter;
            }
            catch (PcapException ex)
            {
                capture.Dispose();
                throw new CliInputException($"-f: libpcap rejects the filter '{filter}': {ex.Message}", ExitCodes.Usage);
            }
        }
        return capture;
    }

    /// <summary>DLT values as libpcap reports them to LINKTYPE_ values (DLT_RAW is 12 or 14 on some systems).</summary>
    internal static LinkType MapLinkType(int dlt) => dlt is 12 or 14 ? LinkType.Raw : (LinkType)(ushort)dlt;

    /// <summary>The next packet waiting, if any: true with it (its bytes valid until the next call); false, after
    /// sleeping <see cref="PollMilliseconds"/>, when none is. A capture error ends the capture (exit code 3).</summary>
    /// <remarks>pcap_next_ex on the non-blocking handle, not SharpPcap's GetNextPacket: that one first polls the
    /// descriptor for up to 500 ms (and allocates per call), so a stop waited half a second for nothing.</remarks>
    public bool TryNext(out long timestampNanoseconds, out ReadOnlySpan<byte> data, out int originalLength)
    {
        IntPtr header = IntPtr.Zero, bytes = IntPtr.Zero;
        int status = _device.GetNextPacketPointers(ref header, ref bytes);
        switch (status)
        {
            case 1:
                var h = PcapHeader.FromPointer(header, _resolution);
                // Value is the exact decimal seconds; the derived MicroSeconds can be one below libpcap's own value
                timestampNanoseconds = (long)decimal.Round(h.Timeval.Value * 1_000_000_000m);
                int length = (int)Math.Min(h.CaptureLength, (uint)_packet.Length);
                System.Runtime.InteropServices.Marshal.Copy(bytes, _packet, 0, length);
                data = _packet.AsSpan(0, length);
                originalLength = (int)Math.Min(h.PacketLength, int.MaxValue);
                return true;
            case 0:
                // non-blocking: nothing waiting
                Thread.Sleep(PollMilliseconds);
                timestampNanoseconds = 0;
                data = default;
                originalLength = 0;
                return false;
            default:
                throw new CliInputException($"watch: capture on {Name} failed: {_device.LastError}");
        }
    }

    /// <summary>Packets received and dropped as libpcap counts them (null when it cannot say).</summary>
    public (long Received, long Dropped)? Statistics()
    {
        try
        {
            var s = _device.Statistics;
            return (s.ReceivedPackets, (long)s.DroppedPackets + s.InterfaceDroppedPackets);
        }
        catch (PcapException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            _device.Close();
        }
        catch (PcapException)
        {
            // closing a capture that failed: nothing more to do
        }
        _device.Dispose();
    }
}
