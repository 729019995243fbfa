using PcapIke.Model;
namespace PcapIke.Forge;

/// <summary>
/// The text files the forge writes beside a capture: <c>&lt;CA&gt;.pem</c> per CA, and per router
/// <c>&lt;router&gt;-running-config.txt</c>, <c>&lt;router&gt;-show-crypto-pki-certificates.txt</c> and
/// <c>&lt;router&gt;-&lt;trustpoint&gt;.pem</c> (its identity certificate). '\n' line ends, UTF-8 without BOM, so the same
/// scenario gives byte-identical files.
/// </summary>
public static class ForgeArtifacts
{
    /// <summary>Writes the files into <paramref name="directory"/> (created if absent); returns their paths, sorted.</summary>
    public static IReadOnlyList<string> Write(ForgedPki pki, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        void Put(string name, string text)
        {
            string path = Path.Combine(directory, name);
            File.WriteAllText(path, text, new System.Text.UTF8Encoding(false));
            written.Add(path);
        }

        foreach (ForgedCa ca in pki.Cas)
            Put(ca.Name + ".pem", ca.Pem);
        foreach (RouterSpec r in pki.Scenario.Routers)
        {
            Put(r.Name + "-running-config.txt", IosRunningConfig.Write(pki, r.Name));
            Put(r.Name + "-show-crypto-pki-certificates.txt", IosShowCertificates.Write(pki, r.Name));
            foreach (ForgedIdentity id in pki.Store(r.Name))
                Put($"{r.Name}-{id.Trustpoint.Name}.pem", id.Pem);
        }
        written.Sort(StringComparer.Ordinal);
        return written;
    }
}
