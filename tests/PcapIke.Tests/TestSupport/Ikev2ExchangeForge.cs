using System.Text;
using PcapIke.Crypto;
using PcapIke.Ike;
using static PcapIke.Tests.Exchanges.IkeForge;

namespace PcapIke.Tests.TestSupport;

/// <summary>
/// A complete IKEv2 negotiation with real cryptography: IKE_SA_INIT (SA with the suite's proposal, KE from seeded DH,
/// Nonce) and IKE_AUTH protected with SK (RFC 7296 §1.2, §3.14) — keys derived by <see cref="Ikev2KeyDerivation"/>,
/// so the capture decrypts with its key table in PcapIke and in Wireshark alike.
/// </summary>
internal sealed class Ikev2ExchangeForge
{
    public const string InitiatorIp = "192.0.2.1", ResponderIp = "192.0.2.2";
    public const ulong DefaultSpiI = 0x0102030405060708, DefaultSpiR = 0xA1A2A3A4A5A6A7A8;
    public const string InitiatorId = "moon.lab.example", ResponderId = "sun.lab.example";

    public required ulong SpiI { get; init; }
    public required ulong SpiR { get; init; }
    public required Ikev2CipherSuite Suite { get; init; }
    public required Ikev2Keys Keys { get; init; }
    public required byte[] InitRequest { get; init; }
    public required byte[] InitResponse { get; init; }
    public required byte[] AuthRequest { get; init; }
    public required byte[] AuthResponse { get; init; }
    /// <summary>The inner payloads of the IKE_AUTH request and response (what decryption must give back).</summary>
    public required byte[] AuthRequestInner { get; init; }
    public required byte[] AuthResponseInner { get; init; }

    public IEnumerable<Sent> Datagrams => At(0);

    /// <summary>The four messages, 10 ms apart from <paramref name="start"/> seconds.</summary>
    public IEnumerable<Sent> At(double start) =>
    [
        new(start, InitiatorIp, 500, ResponderIp, 500, InitRequest),
        new(start + 0.01, ResponderIp, 500, InitiatorIp, 500, InitResponse),
        new(start + 0.02, InitiatorIp, 500, ResponderIp, 500, AuthRequest),
        new(start + 0.03, ResponderIp, 500, InitiatorIp, 500, AuthResponse),
    ];

    public byte[] Pcap() => Exchanges.IkeForge.Pcap(Datagrams);

    /// <summary>The Wireshark <c>ikev2_decryption_table</c> line (hex unquoted, algorithm names quoted).</summary>
    public string TableLine(string encryptionName, string integrityName) =>
        $"{SpiI:x16},{SpiR:x16},{Hex(Keys.SkEi)},{Hex(Keys.SkEr)},\"{encryptionName}\",{Hex(Keys.SkAi)},{Hex(Keys.SkAr)},\"{integrityName}\"";

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    /// <param name="requestCertificates">DER certificates for CERT payloads of the IKE_AUTH request, in order.</param>
    /// <param name="responseCertificates">DER certificates for the IKE_AUTH response.</param>
    /// <param name="spiI">The initiator's SPI; the responder's is derived from it, so each SA of a capture differs.</param>
    public static Ikev2ExchangeForge Create(Ikev2CipherSuite suite, DhGroup group = DhGroup.ECP_256,
        IReadOnlyList<byte[]>? requestCertificates = null, IReadOnlyList<byte[]>? responseCertificates = null,
        ulong spiI = DefaultSpiI, IReadOnlyList<byte[]>? certificateRequestHashes = null, byte requestCertEncoding = 4)
    {
        ulong spiR = spiI == DefaultSpiI ? DefaultSpiR : ~spiI;
        var dhI = DhKeyPair.FromSeed(group, "moon"u8);
        var dhR = DhKeyPair.FromSeed(group, "sun"u8);
        byte[] ni = Enumerable.Range(0, 32).Select(i => (byte)(i * 5 + 1)).ToArray();
        byte[] nr = Enumerable.Range(0, 32).Select(i => (byte)(200 - i)).ToArray();
        Assert.True(dhI.TryComputeSharedSecret(dhR.PublicValue, out byte[] gir));
        var keys = Ikev2KeyDerivation.DeriveFromSharedSecret(suite, ni, nr, gir, BigEndian(spiI), BigEndian(spiR));

        var sa = SaPayload(suite, group);
        byte[] initRequest = Message(2, spiI, 0, IkeSaInit, FlagInitiator, 0,
            [sa, new Payload(34, [0, (byte)group, 0, 0, .. dhI.PublicValue]), new Payload(40, ni)]);
        Payload[] certReq = certificateRequestHashes is { Count: > 0 } hashes
            ? [new Payload(38, [4, .. hashes.SelectMany(h => h)])]   // CERTREQ, X.509 signature: SHA-1 SPKI hashes (RFC 7296 §3.7)
            : [];
        byte[] initResponse = Message(2, spiI, spiR, IkeSaInit, FlagResponse, 0,
            [sa, new Payload(34, [0, (byte)group, 0, 0, .. dhR.PublicValue]), new Payload(40, nr), .. certReq]);

        byte[] requestInner = Chain([Id(35, InitiatorId), .. Certificates(requestCertificates, requestCertEncoding), Auth(1)]);
        byte[] responseInner = Chain([Id(36, ResponderId), .. Certificates(responseCertificates, 4), Auth(2)]);
        byte[] iv = Enumerable.Range(0x40, suite.IvLength).Select(i => (byte)i).ToArray();
        byte[] authRequest = Ikev2EncryptedPayload.Encrypt(Header(spiI, spiR, FlagInitiator, 1), PayloadType.IDi, requestInner,
            suite, keys.Initiator, iv);
        byte[] authResponse = Ikev2EncryptedPayload.Encrypt(Header(spiI, spiR, FlagResponse, 1), PayloadType.IDr, responseInner,
            suite, keys.Responder, iv);
        return new Ikev2ExchangeForge
        {
            SpiI = spiI, SpiR = spiR, Suite = suite, Keys = keys, InitRequest = initRequest, InitResponse = initResponse,
            AuthRequest = authRequest, AuthResponse = authResponse,
            AuthRequestInner = requestInner, AuthResponseInner = responseInner,
        };
    }

    /// <summary>An IKE_AUTH header (Length and Next Payload are set by <see cref="Ikev2EncryptedPayload.Encrypt"/>).</summary>
    private static byte[] Header(ulong spiI, ulong spiR, byte flags, uint messageId) =>
        Message(2, spiI, spiR, IkeAuth, flags, messageId, []);

    /// <summary>One IKE proposal (RFC 7296 §3.3.1): ENCR with its Key Length attribute (§3.3.5) when the suite has one,
    /// PRF, INTEG unless AEAD, D-H.</summary>
    public static Payload SaPayload(Ikev2CipherSuite suite, DhGroup group)
    {
        var transforms = new List<byte[]>
        {
            Transform(1, (ushort)suite.Encryption, suite.KeyLengthBits > 0 && suite.Cbc != CbcAlgorithm.TripleDes
                ? [0x80, 14, (byte)(suite.KeyLengthBits >> 8), (byte)suite.KeyLengthBits] : []),
            Transform(2, (ushort)suite.Prf, []),
        };
        if (!suite.IsAead) transforms.Add(Transform(3, (ushort)suite.Integrity, []));
        transforms.Add(Transform(4, (ushort)group, []));
        for (int i = 0; i < transforms.Count - 1; i++) transforms[i][0] = 3;   // more transforms follow
        byte[] body = [.. transforms.SelectMany(t => t)];
        int length = 8 + body.Length;
        return new Payload(33, [0, 0, (byte)(length >> 8), (byte)length, 1, 1, 0, (byte)transforms.Count, .. body]);
    }

    private static byte[] Transform(byte type, ushort id, byte[] attributes)
    {
        int length = 8 + attributes.Length;
        return [0, 0, (byte)(length >> 8), (byte)length, type, 0, (byte)(id >> 8), (byte)id, .. attributes];
    }

    private static Payload Id(byte type, string fqdn) =>
        new(type, [(byte)IdentificationType.ID_FQDN, 0, 0, 0, .. Encoding.ASCII.GetBytes(fqdn)]);

    /// <summary>AUTH (RFC 7296 §3.8) with a fixed 32-octet value: method 1 RSA signature, 2 shared key.</summary>
    private static Payload Auth(byte method) => new(39, [method, 0, 0, 0, .. Enumerable.Repeat((byte)0x5A, 32)]);

    /// <summary>CERT payloads (RFC 7296 §3.6); encoding 4: X.509 Certificate - Signature.</summary>
    private static IEnumerable<Payload> Certificates(IReadOnlyList<byte[]>? ders, byte encoding) =>
        (ders ?? []).Select(d => new Payload(37, [encoding, .. d]));

    /// <summary>Payloads chained by their Next Payload fields, without an IKE header.</summary>
    public static byte[] Chain(Payload[] payloads)
    {
        var b = new List<byte>();
        for (int i = 0; i < payloads.Length; i++)
        {
            int length = 4 + payloads[i].Body.Length;
            b.AddRange([i + 1 < payloads.Length ? payloads[i + 1].Type : (byte)0, 0, (byte)(length >> 8), (byte)length]);
            b.AddRange(payloads[i].Body);
        }
        return [.. b];
    }

    private static byte[] BigEndian(ulong v)
    {
        var b = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }
}
