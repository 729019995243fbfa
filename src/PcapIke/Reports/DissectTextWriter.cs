using System.Globalization;
using PcapIke.Diagnostics;
using PcapIke.Frames;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.Reports;

/// <summary>
/// <c>pcapike dissect</c> as text: one line per IKE message (frame, time, source → destination, version, exchange,
/// role and request/response, message ID, SPIs, payload list, length, encrypted flag, malformed marker), or with
/// <c>verbose</c> the whole tree after each line.
/// </summary>
public sealed class DissectTextWriter(TextWriter output, bool verbose)
{
    public void WriteFileHeader(string file) => output.WriteLine($"# {file}");

    public void WriteMessage(DissectedMessage m)
    {
        var d = m.Ike;
        var line = new System.Text.StringBuilder(160);
        line.Append(CultureInfo.InvariantCulture, $"{m.Frame,6}  {m.Timestamp:yyyy-MM-dd HH:mm:ss.ffffff}  {m.Source} → {m.Destination}  ");
        if (!d.HasHeader)
        {
            line.Append("ISAKMP (truncated header)  MALFORMED");
            output.WriteLine(line.ToString());
            return;
        }
        line.Append(d.MajorVersion == 2 ? "IKEv2 " : d.MajorVersion == 1 ? "IKEv1 " : $"ISAKMP v{d.MajorVersion}.{d.MinorVersion} ");
        line.Append(ExchangeText(d)).Append("  ");
        line.Append(RoleText(d)).Append("  ");
        line.Append(CultureInfo.InvariantCulture, $"mid={d.MessageId:x8}  spi={d.InitiatorSpiHex}/{d.ResponderSpiHex}  ");
        line.Append('[').Append(PayloadList(d)).Append(']');
        if (m.Decryption is { } dec) line.Append(DecryptionText(dec));
        line.Append(CultureInfo.InvariantCulture, $"  len={d.HeaderLength}");
        if (m.IpFragmentCount > 1) line.Append(CultureInfo.InvariantCulture, $"  ip-frags={m.IpFragmentCount} (from frame {m.FirstFragmentFrame})");
        if (m.Transport == IkeTransport.UdpNonEspMarker) line.Append("  nat-t");
        else if (m.Transport == IkeTransport.Tcp) line.Append("  tcp");
        if (d.IsEncrypted) line.Append("  encrypted");
        // a message the capture holds only in part is not malformed: what is missing is said instead
        if (m.IsPartial)
            line.Append(CultureInfo.InvariantCulture,
                $"  PARTIAL ({d.BufferLength} of {m.DeclaredLength} bytes captured: {(m.Gap == MessageGap.SnapLength ? "snap length" : "IP fragments missing")})");
        else if (d.IsMalformed) line.Append("  MALFORMED");
        output.WriteLine(line.ToString());
        if (verbose)
        {
            IkeTreeWriter.Write(output, d);
            if (m.Decryption?.Inner is { } inner)
            {
                output.WriteLine(m.Decryption.Fragment is null
                    ? "Decrypted payloads (offsets: plaintext + 28):"
                    : "Reassembled decrypted payloads, RFC 7383 §2.6 (offsets: plaintext + 28):");
                IkeTreeWriter.Write(output, inner);
            }
            output.WriteLine();
        }
    }

    public void WriteMalformations(IReadOnlyList<Malformation> malformations, long dropped)
    {
        foreach (var m in malformations) output.WriteLine($"! {m}");
        if (dropped > 0) output.WriteLine($"! ... and {dropped} more malformations not listed");
    }

    public void WriteSummary(string file, ScanStatistics stats, int shown, int malformations) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {file}: {stats.Frames} frames, {stats.IkeMessages} IKE messages ({shown} shown), {malformations} malformations"));

    public static string ExchangeText(IkeMessageDissection d) =>
        $"{IkeNames.ExchangeDisplayName(d.ExchangeTypeRaw)} ({d.ExchangeTypeRaw})";

    /// <summary>IKEv2: the I and R flags (RFC 7296 section 3.1). IKEv1 has no such flags: the E/C/A flags are shown.</summary>
    public static string RoleText(IkeMessageDissection d)
    {
        if (d.MajorVersion == 2)
            return $"{(d.IsInitiator ? "initiator" : "responder")} {(d.IsResponse ? "response" : "request")}";
        var flags = new List<string>(3);
        if (d.EncryptionFlag) flags.Add("E");
        if (d.CommitFlag) flags.Add("C");
        if (d.AuthenticationOnlyFlag) flags.Add("A");
        return flags.Count == 0 ? "flags=-" : "flags=" + string.Join("", flags);
    }

    /// <summary>" → {IDi,CERT,AUTH,...}" for a decrypted message, " decrypt: integrity failed" for a failure.</summary>
    public static string DecryptionText(Decryption.MessageDecryption dec)
    {
        if (dec.Status is Crypto.DecryptStatus.Ok or Crypto.DecryptStatus.PlaintextMalformed && dec.Inner is { } inner)
            return dec.Status == Crypto.DecryptStatus.Ok
                ? $" → {{{PayloadList(inner)}}}" + (dec.Fragment is { } f ? $" (reassembled at {f.Number}/{f.Total})" : "")
                : $" decrypt: {dec.StatusText}";
        if (dec.IsOk && dec.Fragment is { } g) return $" → {{fragment {g.Number}/{g.Total}}}";
        return $" decrypt: {dec.StatusText}";
    }

    public static string PayloadList(IkeMessageDissection d)
    {
        var names = d.Payloads.Select(p => ShortName(p, d.MajorVersion)).ToList();
        if (d.IsEncrypted && d.MajorVersion == 1) names.Add("<encrypted>");
        return string.Join(",", names);
    }

    /// <summary>The abbreviations of RFC 2408 section 3 and RFC 7296 section 3.2, with the notify type where known.</summary>
    public static string ShortName(IkePayloadSummary p, int version)
    {
        string name = p.TypeRaw switch
        {
            20 or 130 => "NAT-D",
            21 or 131 => "NAT-OA",
            132 => "FRAG",
            _ when p.TypeName is { } n => n.Replace("v2", "", StringComparison.Ordinal),
            _ => $"#{p.TypeRaw}",
        };
        name = p.Details switch
        {
            NotifyDetails n => $"{name}({n.TypeName ?? n.TypeRaw.ToString(CultureInfo.InvariantCulture)})",
            EncryptedFragmentDetails f => $"{name}({f.FragmentNumber}/{f.TotalFragments})",
            _ => name,
        };
        return p.IsCut ? name + "…(cut)" : name;
    }
}
