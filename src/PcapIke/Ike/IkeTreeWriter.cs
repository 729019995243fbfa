using System.Globalization;

namespace PcapIke.Ike;

/// <summary>
/// Writes a dissection as an indented tree in the manner of <c>tshark -V</c> for ISAKMP ("Next payload: Security
/// Association (1)", nested proposals/transforms/attributes), for <c>pcapike dissect --verbose</c>. Field names follow
/// Wireshark's; value names are this project's IANA names (see <see cref="IkeNames"/>), always with the raw value.
/// </summary>
public static class IkeTreeWriter
{
    private const string Indent = "    ";

    public static string ToText(IkeMessageDissection d)
    {
        using var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(w, d);
        return w.ToString();
    }

    public static void Write(TextWriter w, IkeMessageDissection d)
    {
        w.WriteLine("Internet Security Association and Key Management Protocol");
        if (!d.HasHeader)
        {
            WriteFindings(w, d, 1);
            return;
        }
        Line(w, 1, $"Initiator SPI: {d.InitiatorSpiHex}");
        Line(w, 1, $"Responder SPI: {d.ResponderSpiHex}");
        Line(w, 1, $"Next payload: {Payload(d.FirstPayloadRaw)}");
        Line(w, 1, $"Version: {d.MajorVersion}.{d.MinorVersion}");
        Line(w, 1, $"Exchange type: {IkeNames.ExchangeDisplayName(d.ExchangeTypeRaw)} ({d.ExchangeTypeRaw})");
        if (d.MajorVersion == 2)
        {
            Line(w, 1, $"Flags: 0x{d.FlagsRaw:x2} ({(d.IsInitiator ? "Initiator" : "Responder")}, " +
                       $"{(d.IsHigherVersionSupported ? "A higher version enabled" : "No higher version")}, " +
                       $"{(d.IsResponse ? "Response" : "Request")})");
            Line(w, 2, $".... {(d.IsInitiator ? 1 : 0)}... = Initiator: {(d.IsInitiator ? "Initiator" : "Responder")}");
            Line(w, 2, $"...{(d.IsHigherVersionSupported ? 1 : 0)} .... = Version: {(d.IsHigherVersionSupported ? "A higher version enabled" : "No higher version")}");
            Line(w, 2, $"..{(d.IsResponse ? 1 : 0)}. .... = Response: {(d.IsResponse ? "Response" : "Request")}");
        }
        else
        {
            Line(w, 1, $"Flags: 0x{d.FlagsRaw:x2}");
            Line(w, 2, $".... ...{(d.EncryptionFlag ? 1 : 0)} = Encryption: {(d.EncryptionFlag ? "Encrypted" : "Not encrypted")}");
            Line(w, 2, $".... ..{(d.CommitFlag ? 1 : 0)}. = Commit: {(d.CommitFlag ? "Commit" : "No commit")}");
            Line(w, 2, $".... .{(d.AuthenticationOnlyFlag ? 1 : 0)}.. = Authentication: {(d.AuthenticationOnlyFlag ? "Authentication" : "No authentication")}");
        }
        Line(w, 1, $"Message ID: 0x{d.MessageId:x8}");
        Line(w, 1, $"Length: {d.HeaderLength}");

        foreach (IkePayloadSummary p in d.Payloads)
            WritePayload(w, d.MajorVersion, p);
        if (d.IsEncrypted && d.MajorVersion == 1)
            Line(w, 1, $"Encrypted Data ({d.EncryptedLength} bytes)");
        WriteFindings(w, d, 1);
    }

    private static void WritePayload(TextWriter w, int version, IkePayloadSummary p)
    {
        string title = $"Payload: {Payload(p.TypeRaw)}";
        if (p.Details is VendorIdDetails { Name: { } vidName })
            title += $" : {vidName}";
        else if (p.Details is VendorIdDetails)
            title += " : Unknown Vendor ID";
        Line(w, 1, title);
        Line(w, 2, $"Next payload: {Payload(p.NextPayloadRaw)}");
        if (version == 2)
            Line(w, 2, $"{(p.IsCritical ? 1 : 0)}... .... = Critical Bit: {(p.IsCritical ? "Critical" : "Not critical")}");
        else
            Line(w, 2, $"Reserved: {p.FlagsRaw:x2}");
        Line(w, 2, $"Payload length: {p.Length}");
        switch (p.Details)
        {
            case SaDetails sa:
                if (sa.Doi is { } doi)
                {
                    Line(w, 2, $"Domain of interpretation: {IkeNames.WithRaw(sa.DoiName, doi)}");
                    Line(w, 2, $"Situation: {sa.Situation:x8}");
                }
                foreach (ProposalSummary pr in sa.Proposals)
                {
                    Line(w, 2, $"Payload: Proposal (2) # {pr.Number}");
                    Line(w, 3, $"Proposal number: {pr.Number}");
                    Line(w, 3, $"Protocol ID: {IkeNames.WithRaw(pr.ProtocolName, pr.ProtocolIdRaw)}");
                    Line(w, 3, $"SPI Size: {pr.SpiSize}");
                    Line(w, 3, $"Proposal transforms: {pr.TransformCount}");
                    if (pr.SpiSize > 0)
                        Line(w, 3, $"SPI: {pr.SpiHex}");
                    foreach (TransformSummary t in pr.Transforms)
                    {
                        if (version == 1)
                        {
                            Line(w, 3, $"Payload: Transform (3) # {t.Number}");
                            Line(w, 4, $"Transform number: {t.Number}");
                            Line(w, 4, $"Transform ID: {IkeNames.WithRaw(t.IdName, t.IdRaw)}");
                        }
                        else
                        {
                            Line(w, 3, "Payload: Transform (3)");
                            Line(w, 4, $"Transform Type: {IkeNames.WithRaw(t.TypeName, t.TypeRaw)}");
                            Line(w, 4, $"Transform ID ({t.TypeName ?? "Unknown"}): {IkeNames.WithRaw(t.IdName, t.IdRaw)}");
                        }
                        foreach (AttributeSummary a in t.Attributes)
                        {
                            string value = a.ValueName ?? (a.Value?.ToString(CultureInfo.InvariantCulture) ?? a.ValueHex);
                            Line(w, 4, $"{(version == 1 ? "IKE" : "Transform")} Attribute (t={a.TypeRaw},l={a.ValueHex.Length / 2}): " +
                                       $"{a.TypeName ?? "Unknown"}: {value}");
                            Line(w, 5, $"Format: {(a.IsTypeValue ? "Type/Value (TV)" : "Type/Length/Value (TLV)")}");
                            Line(w, 5, $"Type: {IkeNames.WithRaw(a.TypeName, a.TypeRaw)}");
                            Line(w, 5, $"Value: {a.ValueHex}");
                        }
                    }
                }
                break;
            case KeyExchangeDetails ke:
                Line(w, 2, $"DH Group #: {IkeNames.WithRaw(ke.GroupName, ke.GroupRaw ?? 0)}");
                Line(w, 2, $"Key Exchange Data: ({ke.DataLength} bytes)");
                break;
            case IdentificationDetails id:
                Line(w, 2, $"ID type: {IkeNames.WithRaw(id.TypeName, id.TypeRaw)}");
                if (version == 1)
                {
                    Line(w, 2, $"Protocol ID: {(id.ProtocolId == 0 ? "Unused" : id.ProtocolId.ToString(CultureInfo.InvariantCulture))}");
                    Line(w, 2, $"Port: {(id.Port == 0 ? "Unused" : id.Port.ToString(CultureInfo.InvariantCulture))}");
                }
                Line(w, 2, $"Identification Data: {id.Value}");
                break;
            case CertificateDetails c:
                Line(w, 2, $"Certificate Encoding: {IkeNames.WithRaw(c.EncodingName, c.EncodingRaw)}");
                Line(w, 2, $"Certificate Data ({c.DataLength} bytes)");
                break;
            case CertificateRequestDetails cr:
                Line(w, 2, $"Certificate Type: {IkeNames.WithRaw(cr.EncodingName, cr.EncodingRaw)}");
                if (version == 1)
                {
                    if (cr.AuthorityLength == 0)
                        Line(w, 2, "Certificate Authority: (empty: any CA)");
                    else if (cr.DnRfc4514 is null)
                        Line(w, 2, $"Certificate Authority ({cr.AuthorityLength} bytes): not a DER DistinguishedName");
                    else
                    {
                        Line(w, 2, $"Certificate Authority: {cr.DnWireshark}");
                        Line(w, 3, $"IOS: {cr.DnIos}");
                        Line(w, 3, $"RFC 4514: {cr.DnRfc4514}");
                    }
                }
                else
                {
                    foreach (string h in cr.CaHashes)
                        Line(w, 2, $"Certificate Authority Data: {h}");
                }
                break;
            case NotifyDetails n:
                if (n.Doi is { } ndoi)
                    Line(w, 2, $"Domain of interpretation: {IkeNames.WithRaw(IkeNames.Of((DomainOfInterpretation)ndoi), ndoi)}");
                Line(w, 2, $"Protocol ID: {IkeNames.WithRaw(n.ProtocolName, n.ProtocolId)}");
                Line(w, 2, $"SPI Size: {n.SpiSize}");
                Line(w, 2, $"Notify Message Type: {IkeNames.WithRaw(n.TypeName, n.TypeRaw)}");
                if (n.SpiSize > 0)
                    Line(w, 2, $"SPI: {n.SpiHex}");
                Line(w, 2, n.DataLength == 0 ? "Notification DATA: <MISSING>" : $"Notification DATA: {n.DataHex}");
                break;
            case DeleteDetails del:
                if (del.Doi is { } ddoi)
                    Line(w, 2, $"Domain of interpretation: {IkeNames.WithRaw(IkeNames.Of((DomainOfInterpretation)ddoi), ddoi)}");
                Line(w, 2, $"Protocol ID: {IkeNames.WithRaw(del.ProtocolName, del.ProtocolId)}");
                Line(w, 2, $"SPI Size: {del.SpiSize}");
                Line(w, 2, $"Number of SPIs: {del.SpiCount}");
                foreach (string spi in del.Spis)
                    Line(w, 2, $"Delete SPI: {spi}");
                break;
            case VendorIdDetails v:
                Line(w, 2, $"Vendor ID: {v.Hex}");
                Line(w, 2, $"Vendor ID: {v.Name ?? "Unknown Vendor ID"}");
                break;
            case DataDetails data:
                string field = (PayloadType)p.TypeRaw switch
                {
                    PayloadType.NONCE or PayloadType.Nonce => "Nonce DATA",
                    PayloadType.HASH => "Hash DATA",
                    PayloadType.SIG => "Signature DATA",
                    PayloadType.KE => "Key Exchange Data",
                    PayloadType.NAT_D or PayloadType.NAT_D_Draft => "HASH of the address and port",
                    _ => "Data",
                };
                Line(w, 2, $"{field}: {data.Hex}");
                break;
            case NatOriginalAddressDetails oa:
                Line(w, 2, $"ID type: {IkeNames.WithRaw(IkeNames.Of((IdentificationType)oa.IdTypeRaw), oa.IdTypeRaw)}");
                Line(w, 2, $"NAT Original Address: {oa.Address}");
                break;
            case CiscoFragmentDetails cf:
                Line(w, 2, $"Fragment ID: {cf.FragmentId}");
                Line(w, 2, $"Fragment number: {cf.FragmentNumber}");
                Line(w, 2, $"Last fragment: {(cf.IsLast ? 1 : 0)}");
                Line(w, 2, $"Fragment data ({cf.DataLength} bytes)");
                break;
            case AuthenticationDetails au:
                Line(w, 2, $"Authentication Method: {IkeNames.WithRaw(au.MethodName, au.MethodRaw)}");
                Line(w, 2, $"Authentication Data ({au.DataLength} bytes)");
                break;
            case TrafficSelectorDetails ts:
                Line(w, 2, $"Number of Traffic Selector: {ts.Count}");
                foreach (TrafficSelectorSummary s in ts.Selectors)
                {
                    Line(w, 2, $"Traffic Selector Type: {IkeNames.WithRaw(s.TypeName, s.TypeRaw)}");
                    Line(w, 3, $"Protocol ID: {s.IpProtocolId}");
                    Line(w, 3, $"Start Port: {s.StartPort}");
                    Line(w, 3, $"End Port: {s.EndPort}");
                    Line(w, 3, $"Starting Addr: {s.StartAddress}");
                    Line(w, 3, $"Ending Addr: {s.EndAddress}");
                }
                break;
            case EncryptedDetails enc:
                Line(w, 2, $"Encrypted Data ({enc.Length} bytes)");
                break;
            case EncryptedFragmentDetails skf:
                Line(w, 2, $"Fragment number: {skf.FragmentNumber}");
                Line(w, 2, $"Total fragments: {skf.TotalFragments}");
                Line(w, 2, $"Encrypted Data ({skf.Length} bytes)");
                break;
            case ConfigurationDetails cfg:
                Line(w, 2, $"Type: {IkeNames.WithRaw(cfg.TypeName, cfg.TypeRaw)}");
                if (version == 1)
                    Line(w, 2, $"Identifier: {cfg.Identifier}");
                foreach (ConfigurationAttributeSummary a in cfg.Attributes)
                    Line(w, 2, $"Attribute: {IkeNames.WithRaw(a.TypeName, a.TypeRaw)} (l={a.Length}): {a.ValueText}");
                break;
            case EapDetails eap:
                Line(w, 2, $"Code: {IkeNames.WithRaw(eap.CodeName, eap.CodeRaw)}");
                Line(w, 2, $"Id: {eap.Identifier}");
                Line(w, 2, $"Length: {eap.Length}");
                if (eap.TypeRaw != 0)
                    Line(w, 2, $"Type: {IkeNames.WithRaw(eap.TypeName, eap.TypeRaw)}");
                break;
        }
    }

    private static void WriteFindings(TextWriter w, IkeMessageDissection d, int level)
    {
        foreach (IkeDecodeFinding f in d.Findings)
            Line(w, level, $"[{(f.IsCondition ? "Note" : "Malformed")}: {f.Text} (offset {f.Offset})]");
    }

    private static string Payload(byte raw) => $"{IkeNames.PayloadDisplayName(raw)} ({raw})";

    private static void Line(TextWriter w, int level, string text)
    {
        for (int i = 0; i < level; i++)
            w.Write(Indent);
        w.WriteLine(text);
    }
}
