using System.Buffers.Binary;

namespace PcapIke.Capture;

/// <summary>
/// Writes a classic libpcap file (magic a1b2c3d4, version 2.4, microsecond timestamps, little-endian as written on
/// x86): the global header, then one record per frame. Deterministic: the same frames and times give the same bytes.
/// </summary>
public sealed class PcapFileWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly int _snapLength;

    public PcapFileWriter(Stream stream, LinkType linkType, int snapLength = 262144, bool ownsStream = false)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _snapLength = snapLength;
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        // thiszone 0, sigfigs 0
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _stream.Write(header);
    }

    /// <summary>Appends one frame captured at <paramref name="time"/> (whole, not truncated beyond the snap length).</summary>
    public void Write(DateTimeOffset time, ReadOnlySpan<byte> frame)
    {
        long ticks = (time.UtcDateTime - DateTime.UnixEpoch).Ticks;
        if (ticks < 0) throw new ArgumentOutOfRangeException(nameof(time), "before 1970");
        Span<byte> header = stackalloc byte[16];
        int captured = Math.Min(frame.Length, _snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(ticks / TimeSpan.TicksPerSecond));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(ticks % TimeSpan.TicksPerSecond / 10));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)frame.Length);
        _stream.Write(header);
        _stream.Write(frame[..captured]);
    }

    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }
}
