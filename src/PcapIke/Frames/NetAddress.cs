using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PcapIke.Frames;

/// <summary>An IPv4 or IPv6 address held inline (no allocation), comparable and hashable.</summary>
public readonly struct NetAddress : IEquatable<NetAddress>
{
    private readonly ulong _hi, _lo;
    public AddressFamily Family { get; }

    private NetAddress(AddressFamily family, ulong hi, ulong lo) { Family = family; _hi = hi; _lo = lo; }

    public static NetAddress FromIPv4(ReadOnlySpan<byte> fourBytes) =>
        new(AddressFamily.InterNetwork, 0, BinaryPrimitives.ReadUInt32BigEndian(fourBytes));

    public static NetAddress FromIPv6(ReadOnlySpan<byte> sixteenBytes) =>
        new(AddressFamily.InterNetworkV6, BinaryPrimitives.ReadUInt64BigEndian(sixteenBytes),
            BinaryPrimitives.ReadUInt64BigEndian(sixteenBytes[8..]));

    public static NetAddress FromIPAddress(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int n);
        return n == 4 ? FromIPv4(b) : FromIPv6(b);
    }

    public bool IsIPv6 => Family == AddressFamily.InterNetworkV6;

    public int WriteBytes(Span<byte> destination)
    {
        if (Family == AddressFamily.InterNetwork) { BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_lo); return 4; }
        BinaryPrimitives.WriteUInt64BigEndian(destination, _hi);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _lo);
        return 16;
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> b = stackalloc byte[16];
        int n = WriteBytes(b);
        return new IPAddress(b[..n]);
    }

    public override string ToString() => Family == default ? "" : ToIPAddress().ToString();
    public bool Equals(NetAddress other) => Family == other.Family && _hi == other._hi && _lo == other._lo;
    public override bool Equals(object? obj) => obj is NetAddress o && Equals(o);
    public override int GetHashCode() => HashCode.Combine(Family, _hi, _lo);
    public static bool operator ==(NetAddress a, NetAddress b) => a.Equals(b);
    public static bool operator !=(NetAddress a, NetAddress b) => !a.Equals(b);
}

/// <summary>An address and a port.</summary>
public readonly record struct NetEndpoint(NetAddress Address, ushort Port)
{
    public override string ToString() => Address.IsIPv6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
