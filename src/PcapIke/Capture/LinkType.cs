namespace PcapIke.Capture;

/// <summary>
/// Link-layer header types as in the tcpdump.org LINKTYPE_ registry (the values written in pcap and pcapng files).
/// </summary>
public enum LinkType : ushort
{
    /// <summary>BSD loopback: 4-byte address family in host byte order of the writer.</summary>
    Null = 0,
    Ethernet = 1,
    /// <summary>Raw IP, version from the first nibble. (DLT_RAW 12/14 on some systems map here.)</summary>
    Raw = 101,
    /// <summary>OpenBSD loopback: 4-byte address family in network byte order.</summary>
    Loop = 108,
    LinuxSll = 113,
    Ipv4 = 228,
    Ipv6 = 229,
    LinuxSll2 = 276,
}
