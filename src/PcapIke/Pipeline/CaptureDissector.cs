using PcapIke.Capture;
using PcapIke.Decryption;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Ike;

namespace PcapIke.Pipeline;

/// <summary>
/// Capture → frames → IKE messages: scans a capture and dissects every IKE message it carries. Frames that are not
/// IKE cost no allocation; each IKE message becomes a <see cref="DissectedMessage"/> handed to a callback, and its
/// decode findings become located <see cref="Malformation"/>s (file, frame, offset in the IKE message).
/// </summary>
public static class CaptureDissector
{
    /// <param name="dataPlane">When given, every ESP, AH and NAT-keepalive packet is counted in it (no allocation per
    /// packet).</param>
    /// <param name="onHeaderless">Receives the UDP datagrams of which only later IP fragments were captured.</param>
    public static ScanStatistics Dissect(CaptureReader reader, IMalformationSink malformations,
        Action<DissectedMessage> onMessage, FrameDecoderOptions? options = null, KeyRing? keys = null,
        IIpsecPacketSink? dataPlane = null, Action<HeaderlessDatagram>? onHeaderless = null)
    {
        var sink = new DissectingSink(reader, malformations, onMessage, keys is null ? null : new MessageDecryptor(keys), dataPlane, onHeaderless);
        return CaptureScanner.Scan(reader, sink, malformations, options);
    }

    public static ScanStatistics Dissect(string path, IMalformationSink malformations,
        Action<DissectedMessage> onMessage, FrameDecoderOptions? options = null, KeyRing? keys = null)
    {
        using var reader = CaptureReader.Open(path, malformations);
        return Dissect(reader, malformations, onMessage, options, keys);
    }

    private sealed class DissectingSink(CaptureReader reader, IMalformationSink malformations, Action<DissectedMessage> onMessage,
        MessageDecryptor? decryptor, IIpsecPacketSink? dataPlane, Action<HeaderlessDatagram>? onHeaderless)
        : IIkeDatagramSink
    {
        public void OnIpsecPacket(in IpsecPacket packet) => dataPlane?.Add(packet);
        public void OnHeaderlessDatagram(HeaderlessDatagram datagram) => onHeaderless?.Invoke(datagram);

        private readonly string file = reader.Name;

        public void OnIkeDatagram(in IkeDatagram d)
        {
            var ike = IkeMessageDissection.Dissect(d.Message);
            // A message the capture holds only part of cannot be decrypted (its ICV and tail are missing): not tried.
            var decryption = d.Gap == MessageGap.None ? decryptor?.Process(d.Message, ike) : null;
            foreach (var m in ike.ToMalformations(file, d.FrameNumber)) malformations.Report(m);
            var certificates = decryption is { IsOk: true, Inner: { } inner, InnerMessage: { } bytes }
                ? [.. CertificatePayloadsOf(ike, d.Message, false), .. CertificatePayloadsOf(inner, bytes, true)]
                : CertificatePayloadsOf(ike, d.Message, false);
            var message = new DissectedMessage(d.FrameNumber, d.TimestampNanoseconds, d.Source, d.Destination, d.Transport,
                d.IpLength, d.IpFragmentCount, d.FirstFragmentFrame, ike)
            {
                ContentHash = HashOf(d.Message),
                CertificatePayloads = certificates,
                Certificates = certificates.Count == 0 ? Array.Empty<byte[]>()
                    : certificates.Where(c => c.EncodingRaw == X509Encoding).Select(c => c.Data).ToList(),
                Decryption = decryption,
                Gap = d.Gap, GapDetail = d.GapDetail, DeclaredLength = d.DeclaredLength,
                TimeUnknown = reader.TimesInvented,
            };
            if (message.CanBeKeptAsBytes) message.OpeningBytes = d.Message.ToArray();
            onMessage(message);
        }
    }

    /// <summary>SHA-256 of the IKE message, first 8 bytes: the correlator's "same bytes" test for retransmissions.</summary>
    internal static ulong HashOf(ReadOnlySpan<byte> message)
    {
        Span<byte> h = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(message, h);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(h);
    }

    /// <summary>Cert Encoding 4, X.509 Certificate - Signature (RFC 2408 §3.9, RFC 7296 §3.6).</summary>
    internal const byte X509Encoding = 4;

    /// <summary>The CERT payloads of a message (clear, or the inner message of a decryption), their data copied out,
    /// in payload order.</summary>
    internal static IReadOnlyList<CertificatePayload> CertificatePayloadsOf(IkeMessageDissection ike, ReadOnlySpan<byte> message,
        bool decrypted)
    {
        List<CertificatePayload>? list = null;
        foreach (var p in ike.Payloads)
        {
            if (p.Details is not CertificateDetails { DataLength: > 0 } c) continue;
            // generic payload header (4) + Cert Encoding (1), RFC 2408 §3.9, RFC 7296 §3.6
            int start = p.Offset + 5, end = p.Offset + p.Length;
            if (p.TypeRaw is not ((byte)PayloadType.CERT or (byte)PayloadType.CERTv2) || start > end || end > message.Length) continue;
            (list ??= new()).Add(new CertificatePayload(c.EncodingRaw, c.EncodingName, message[start..end].ToArray(), decrypted));
        }
        return (IReadOnlyList<CertificatePayload>?)list ?? Array.Empty<CertificatePayload>();
    }
}
