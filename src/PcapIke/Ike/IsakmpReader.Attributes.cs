namespace PcapIke.Ike;

/// <summary>
/// Walks the proposals of an SA payload (RFC 2408 §3.5; RFC 7296 §3.3.1). Same contract as <see cref="IsakmpReader"/>:
/// <c>while (proposals.ReadNext())</c>; a failure leaves it in place and sets <see cref="Result"/>.
/// <code>
/// ! Last Substruc ! RESERVED      !        Proposal Length        !
/// ! Proposal Num  !  Protocol ID  !    SPI Size   !Num  Transforms!
/// ~                        SPI (variable)                         ~
/// ~                        &lt;Transforms&gt;                           ~
/// </code>
/// </summary>
public ref struct ProposalReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _baseOffset;
    private int _position;
    private bool _stop;

    public ProposalReader(ReadOnlySpan<byte> bytes, int baseOffset, int version)
    {
        _bytes = bytes;
        _baseOffset = baseOffset;
        Version = version;
        _position = 0;
        _stop = false;
        Result = default;
        Current = default;
    }

    public int Version { get; }
    public DecodeResult Result { get; private set; }
    public Proposal Current { get; private set; }

    public bool ReadNext()
    {
        if (_stop)
            return false;
        if (_position == _bytes.Length)
        {
            _stop = true;
            // RFC 7296 §3.3.1: an SA payload holds at least one proposal; an empty one is a truncated body.
            if (_position == 0)
                Result = new DecodeResult(DecodeStatus.MissingSubstructure, _baseOffset);
            return false;
        }
        DecodeResult r = SubstructureWalker.TryReadHeader(_bytes, _position, _baseOffset, expectedMore: 2,
            fixedSize: 8, out byte more, out int length);
        if (!r.IsSuccess)
            return Stop(r);
        ReadOnlySpan<byte> p = _bytes.Slice(_position, length);
        byte spiSize = p[6];
        // RFC 2408 §3.5 / RFC 7296 §3.3.1: the SPI follows the 8 fixed bytes inside Proposal Length.
        if (!IkeDecoder.TrySlice(p, 8, spiSize, out ReadOnlySpan<byte> spi))
            return Stop(new DecodeResult(DecodeStatus.SpiPastPayload, _baseOffset + _position + 6));
        Current = new Proposal
        {
            Offset = _baseOffset + _position,
            Length = length,
            IsLast = more == 0,
            Number = p[4],
            ProtocolId = p[5],
            SpiSize = spiSize,
            TransformCount = p[7],
            Spi = spi,
            TransformBytes = p.Slice(8 + spiSize),
            TransformOffset = _baseOffset + _position + 8 + spiSize,
            Version = Version,
        };
        _position += length;
        if (SubstructureWalker.AfterSubstructure(more, _position, _bytes.Length, _baseOffset, out DecodeResult end))
        {
            _stop = true;
            Result = end;
        }
        return true;
    }

    private bool Stop(DecodeResult r)
    {
        Result = r;
        _stop = true;
        return false;
    }
}

/// <summary>One proposal substructure.</summary>
public readonly ref struct Proposal
{
    public int Offset { get; init; }
    public int Length { get; init; }
    public bool IsLast { get; init; }
    public byte Number { get; init; }
    public byte ProtocolId { get; init; }
    public byte SpiSize { get; init; }
    public byte TransformCount { get; init; }
    public ReadOnlySpan<byte> Spi { get; init; }
    public ReadOnlySpan<byte> TransformBytes { get; init; }
    public int TransformOffset { get; init; }
    public int Version { get; init; }
    public TransformReader GetTransforms() => new(TransformBytes, TransformOffset, Version);
}

/// <summary>
/// Walks the transforms of a proposal. IKEv1 (RFC 2408 §3.6): Transform #, Transform-Id, RESERVED2 (2), SA attributes.
/// IKEv2 (RFC 7296 §3.3.2): Transform Type, RESERVED, Transform ID (2), attributes.
/// </summary>
public ref struct TransformReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _baseOffset;
    private int _position;
    private bool _stop;

    public TransformReader(ReadOnlySpan<byte> bytes, int baseOffset, int version)
    {
        _bytes = bytes;
        _baseOffset = baseOffset;
        Version = version;
        _position = 0;
        _stop = false;
        Result = default;
        Current = default;
        Count = 0;
    }

    public int Version { get; }
    public DecodeResult Result { get; private set; }
    public Transform Current { get; private set; }
    /// <summary>Transforms read so far (compare with <see cref="Proposal.TransformCount"/>).</summary>
    public int Count { get; private set; }

    public bool ReadNext()
    {
        if (_stop)
            return false;
        if (_position == _bytes.Length)
        {
            _stop = true;
            return false;
        }
        DecodeResult r = SubstructureWalker.TryReadHeader(_bytes, _position, _baseOffset, expectedMore: 3,
            fixedSize: 8, out byte more, out int length);
        if (!r.IsSuccess)
        {
            Result = r;
            _stop = true;
            return false;
        }
        ReadOnlySpan<byte> t = _bytes.Slice(_position, length);
        Current = new Transform
        {
            Offset = _baseOffset + _position,
            Length = length,
            IsLast = more == 0,
            Number = Version == 1 ? t[4] : (byte)0,
            TypeRaw = Version == 2 ? t[4] : (byte)0,
            IdRaw = Version == 1 ? t[5] : IkeDecoder.U16(t, 6),
            AttributeBytes = t.Slice(8),
            AttributeOffset = _baseOffset + _position + 8,
            Version = Version,
        };
        Count++;
        _position += length;
        if (SubstructureWalker.AfterSubstructure(more, _position, _bytes.Length, _baseOffset, out DecodeResult end))
        {
            _stop = true;
            Result = end;
        }
        return true;
    }
}

/// <summary>One transform substructure.</summary>
public readonly ref struct Transform
{
    public int Offset { get; init; }
    public int Length { get; init; }
    public bool IsLast { get; init; }
    /// <summary>IKEv1 Transform #.</summary>
    public byte Number { get; init; }
    /// <summary>IKEv2 Transform Type.</summary>
    public byte TypeRaw { get; init; }
    public TransformType Type => (TransformType)TypeRaw;
    /// <summary>IKEv1 Transform-Id (1 byte) or IKEv2 Transform ID (2 bytes).</summary>
    public ushort IdRaw { get; init; }
    public ReadOnlySpan<byte> AttributeBytes { get; init; }
    public int AttributeOffset { get; init; }
    public int Version { get; init; }
    public AttributeReader GetAttributes() => new(AttributeBytes, AttributeOffset, AttributeFormat.Isakmp);
}

internal static class SubstructureWalker
{
    /// <summary>Checks the 4-byte substructure header and the length against the parent and the fixed part.</summary>
    public static DecodeResult TryReadHeader(ReadOnlySpan<byte> bytes, int position, int baseOffset, byte expectedMore,
        int fixedSize, out byte more, out int length)
    {
        more = 0;
        length = 0;
        // RFC 2408 §3.5/§3.6, RFC 7296 §3.3.1/§3.3.2: Last Substruc (1), RESERVED (1), Length (2), fixed fields.
        if (!IkeDecoder.TrySlice(bytes, position, 4, out ReadOnlySpan<byte> h))
            return new DecodeResult(DecodeStatus.SubstructureLengthTooSmall, baseOffset + position);
        // RFC 7296 §3.3.1: 0 (last) or 2 (more proposals); §3.3.2: 0 or 3 (more transforms). RFC 2408 uses the same values.
        if (h[0] != 0 && h[0] != expectedMore)
            return new DecodeResult(DecodeStatus.InvalidSubstructureType, baseOffset + position);
        int len = IkeDecoder.U16(h, 2);
        if (len < fixedSize)
            return new DecodeResult(DecodeStatus.SubstructureLengthTooSmall, baseOffset + position + 2);
        if (len > bytes.Length - position)
            return new DecodeResult(DecodeStatus.SubstructurePastParent, baseOffset + position + 2);
        more = h[0];
        length = len;
        return DecodeResult.Success;
    }

    /// <summary>
    /// After a substructure that ended at <paramref name="position"/>: true when the walk must stop, with the reason
    /// in <paramref name="result"/> (Success at a clean end). Last Substruc 0 with bytes left is a condition; "more"
    /// with no bytes left is a missing substructure (RFC 2408 §3.5/§3.6, RFC 7296 §3.3.1/§3.3.2).
    /// </summary>
    public static bool AfterSubstructure(byte more, int position, int parentLength, int baseOffset, out DecodeResult result)
    {
        result = DecodeResult.Success;
        if (more == 0)
        {
            if (position < parentLength)
                result = new DecodeResult(DecodeStatus.TrailingBytesAfterLastSubstructure, baseOffset + position);
            return true;
        }
        if (position == parentLength)
        {
            result = new DecodeResult(DecodeStatus.MissingSubstructure, baseOffset + position);
            return true;
        }
        return false;
    }
}

public enum AttributeFormat : byte
{
    /// <summary>RFC 2408 §3.3 data attributes (also IKEv2 transform attributes, RFC 7296 §3.3.5): AF bit selects TV or TLV.</summary>
    Isakmp,
    /// <summary>RFC 7296 §3.15.1 configuration attributes: R bit, 15-bit type, always a 2-byte length.</summary>
    Ikev2Configuration,
}

/// <summary>
/// Walks data attributes.
/// <code>
/// !A!       Attribute Type        !    AF=0  Attribute Length     !
/// !F!                             !    AF=1  Attribute Value      !
/// .                   AF=0  Attribute Value                       .
/// </code>
/// </summary>
public ref struct AttributeReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _baseOffset;
    private readonly AttributeFormat _format;
    private int _position;
    private bool _stop;

    public AttributeReader(ReadOnlySpan<byte> bytes, int baseOffset, AttributeFormat format)
    {
        _bytes = bytes;
        _baseOffset = baseOffset;
        _format = format;
        _position = 0;
        _stop = false;
        Result = default;
        Current = default;
    }

    public DecodeResult Result { get; private set; }
    public DataAttribute Current { get; private set; }

    public bool ReadNext()
    {
        if (_stop || _position == _bytes.Length)
        {
            _stop = true;
            return false;
        }
        // RFC 2408 §3.3: 2 bytes of AF+type, then 2 bytes of value (TV) or length (TLV).
        if (!IkeDecoder.TrySlice(_bytes, _position, 4, out ReadOnlySpan<byte> h))
            return Stop(new DecodeResult(DecodeStatus.TruncatedAttribute, _baseOffset + _position));
        ushort first = IkeDecoder.U16(h, 0);
        bool tv = _format == AttributeFormat.Isakmp && (first & 0x8000) != 0;
        int total;
        ReadOnlySpan<byte> value;
        if (tv)
        {
            value = h.Slice(2, 2);
            total = 4;
        }
        else
        {
            int len = IkeDecoder.U16(h, 2);
            if (!IkeDecoder.TrySlice(_bytes, _position + 4, len, out value))
                return Stop(new DecodeResult(DecodeStatus.TruncatedAttribute, _baseOffset + _position + 2));
            total = 4 + len;
        }
        Current = new DataAttribute
        {
            Offset = _baseOffset + _position,
            TypeRaw = (ushort)(first & 0x7FFF),
            IsTypeValue = tv,
            HighBit = (first & 0x8000) != 0,
            Value = value,
        };
        _position += total;
        return true;
    }

    private bool Stop(DecodeResult r)
    {
        Result = r;
        _stop = true;
        return false;
    }
}

/// <summary>One data attribute. <see cref="Value"/> is 2 bytes for TV, the variable value for TLV.</summary>
public readonly ref struct DataAttribute
{
    public int Offset { get; init; }
    /// <summary>The type with the AF (or, for IKEv2 configuration attributes, R) bit removed.</summary>
    public ushort TypeRaw { get; init; }
    public bool IsTypeValue { get; init; }
    /// <summary>The AF bit (ISAKMP) or R bit (IKEv2 configuration).</summary>
    public bool HighBit { get; init; }
    public ReadOnlySpan<byte> Value { get; init; }
    /// <summary>Total encoded size: 4 for TV, 4 + value length for TLV.</summary>
    public int EncodedLength => IsTypeValue ? 4 : 4 + Value.Length;

    /// <summary>The value as an unsigned big-endian integer when it is 1..8 bytes long.</summary>
    public bool TryGetInteger(out ulong value)
    {
        value = 0;
        if (Value.Length is 0 or > 8)
            return false;
        foreach (byte b in Value)
            value = value << 8 | b;
        return true;
    }
}

/// <summary>Walks IKEv2 traffic selectors (RFC 7296 §3.13.1; RFC 9478 TS_SECLABEL).</summary>
public ref struct TrafficSelectorReader
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _baseOffset;
    private int _position;
    private bool _stop;

    public TrafficSelectorReader(ReadOnlySpan<byte> bytes, int baseOffset)
    {
        _bytes = bytes;
        _baseOffset = baseOffset;
        _position = 0;
        _stop = false;
        Result = default;
        Current = default;
        Count = 0;
    }

    public DecodeResult Result { get; private set; }
    public TrafficSelector Current { get; private set; }
    public int Count { get; private set; }

    public bool ReadNext()
    {
        if (_stop || _position == _bytes.Length)
        {
            _stop = true;
            return false;
        }
        // RFC 7296 §3.13.1: TS Type (1), IP Protocol ID (1), Selector Length (2), ...
        if (!IkeDecoder.TrySlice(_bytes, _position, 4, out ReadOnlySpan<byte> h))
            return Stop(_position);
        byte type = h[0];
        int len = IkeDecoder.U16(h, 2);
        if (len < 4 || !IkeDecoder.TrySlice(_bytes, _position, len, out ReadOnlySpan<byte> ts))
            return Stop(_position + 2);
        int addressSize = type switch
        {
            (byte)TrafficSelectorType.TS_IPV4_ADDR_RANGE => 4,
            (byte)TrafficSelectorType.TS_IPV6_ADDR_RANGE => 16,
            _ => 0,
        };
        TrafficSelector sel;
        if (addressSize != 0)
        {
            // ... Start Port (2), End Port (2), Starting Address, Ending Address: 8 + 2 × address bytes exactly.
            if (len != 8 + 2 * addressSize)
                return Stop(_position + 2);
            sel = new TrafficSelector
            {
                Offset = _baseOffset + _position,
                TypeRaw = type,
                IpProtocolId = h[1],
                StartPort = IkeDecoder.U16(ts, 4),
                EndPort = IkeDecoder.U16(ts, 6),
                StartAddress = ts.Slice(8, addressSize),
                EndAddress = ts.Slice(8 + addressSize, addressSize),
                Data = default,
            };
        }
        else
        {
            sel = new TrafficSelector { Offset = _baseOffset + _position, TypeRaw = type, IpProtocolId = h[1], Data = ts.Slice(4) };
        }
        Current = sel;
        Count++;
        _position += len;
        return true;
    }

    private bool Stop(int position)
    {
        Result = new DecodeResult(DecodeStatus.InvalidTrafficSelector, _baseOffset + position);
        _stop = true;
        return false;
    }
}

public readonly ref struct TrafficSelector
{
    public int Offset { get; init; }
    public byte TypeRaw { get; init; }
    public TrafficSelectorType Type => (TrafficSelectorType)TypeRaw;
    public byte IpProtocolId { get; init; }
    public ushort StartPort { get; init; }
    public ushort EndPort { get; init; }
    public ReadOnlySpan<byte> StartAddress { get; init; }
    public ReadOnlySpan<byte> EndAddress { get; init; }
    /// <summary>For types other than the address ranges: the bytes after the 4-byte selector header.</summary>
    public ReadOnlySpan<byte> Data { get; init; }
}
