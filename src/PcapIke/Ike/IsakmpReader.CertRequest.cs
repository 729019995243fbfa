namespace PcapIke.Ike;

/// <summary>
/// The 20-byte SHA-1 hashes of an IKEv2 CERTREQ Certification Authority field (RFC 7296 §3.7), without allocating:
/// <c>foreach (ReadOnlySpan&lt;byte&gt; hash in new CertificateAuthorityHashes(cr.Data, cr.DataOffset))</c>.
/// A trailing partial hash is not enumerated; <see cref="Result"/> reports it.
/// </summary>
public readonly ref struct CertificateAuthorityHashes
{
    public const int HashLength = 20;
    private readonly ReadOnlySpan<byte> _authority;

    public CertificateAuthorityHashes(ReadOnlySpan<byte> authority, int authorityOffset)
    {
        _authority = authority;
        Result = IkeDecoder.TryCountCertificateAuthorityHashes(authority, authorityOffset, out int count);
        Count = count;
    }

    public int Count { get; }
    /// <summary><see cref="DecodeStatus.CertificateAuthorityNotMultipleOf20"/> with the offset of the partial hash, or success.</summary>
    public DecodeResult Result { get; }
    public ReadOnlySpan<byte> this[int index] =>
        (uint)index < (uint)Count ? _authority.Slice(index * HashLength, HashLength) : throw new ArgumentOutOfRangeException(nameof(index));

    public Enumerator GetEnumerator() => new(_authority, Count);

    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _authority;
        private readonly int _count;
        private int _index;

        internal Enumerator(ReadOnlySpan<byte> authority, int count)
        {
            _authority = authority;
            _count = count;
            _index = -1;
        }

        public bool MoveNext() => ++_index < _count;
        public readonly ReadOnlySpan<byte> Current => _authority.Slice(_index * HashLength, HashLength);
    }
}
