using PcapIke.Exchanges;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Exchanges;

public class CaCatalogTests
{
    private static string LabDir => Path.Combine(TestPaths.RepoRoot, "captures", "strongswan-ikev2-aes-cbc");

    // openssl x509 -in ca1.pem -pubkey -noout | openssl pkey -pubin -outform der | sha1sum
    private const string Ca1Hash = "94b4bf2d5aa50c9f96b775b693a6a9b668066c78";
    private const string Ca2Hash = "1c4219872f10e5f23be97fa2288195dc0e4855b9";

    [Fact]
    public void Rfc7296_3_7_PemFile_KeyedBySpkiSha1_NamedRfc4514()
    {
        var cas = CaCatalog.Load([Path.Combine(LabDir, "ca1.pem")]);
        Assert.Equal(1, cas.Count);
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", cas.NameOf(Ca1Hash));
        Assert.Equal("CN=Lab CA1,O=PcapIke Lab,C=CH", cas.NameOf(Ca1Hash.ToUpperInvariant()));
        Assert.Null(cas.NameOf(Ca2Hash));
    }

    [Fact]
    public void Directory_LoadsEveryFile_DerToo()
    {
        string dir = TestPaths.NewTempDir();
        File.Copy(Path.Combine(LabDir, "ca1.pem"), Path.Combine(dir, "a.pem"));
        byte[] der = PemToDer(File.ReadAllText(Path.Combine(LabDir, "ca2.pem")));
        File.WriteAllBytes(Path.Combine(dir, "b.der"), der);
        var cas = CaCatalog.Load([dir]);
        Assert.Equal(2, cas.Count);
        Assert.Equal("CN=Lab CA2,O=PcapIke Lab,C=CH", cas.NameOf(Ca2Hash));

        var added = new CaCatalog();
        added.Add(der);
        Assert.Equal("CN=Lab CA2,O=PcapIke Lab,C=CH", added.NameOf(Ca2Hash));
        Assert.True(new CaCatalog().TryAddCa(der));
    }

    [Fact]
    public void BadFile_InvalidDataExceptionNamingTheFile()
    {
        string dir = TestPaths.NewTempDir();
        string bad = Path.Combine(dir, "junk.pem");
        File.WriteAllText(bad, "this is not a certificate\n");
        var e = Assert.Throws<InvalidDataException>(() => CaCatalog.Load([bad]));
        Assert.Contains(bad, e.Message);

        string missing = Path.Combine(dir, "missing.pem");
        e = Assert.Throws<InvalidDataException>(() => CaCatalog.Load([missing]));
        Assert.Contains(missing, e.Message);

        Assert.Throws<InvalidDataException>(() => new CaCatalog().Add(new byte[] { 0x30, 0x03, 1, 2, 3 }));
        Assert.False(new CaCatalog().TryAddCa(new byte[] { 1, 2, 3 }));
    }

    private static byte[] PemToDer(string pem) =>
        Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim())));
}
