using PcapIke.Certificates;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PcapIke.Model.Ios;

/// <summary>
/// Reads a router's configuration — <c>show running-config</c>, an excerpt, or commands typed at config prompts —
/// into an <see cref="IosRouterConfig"/> (docs/ios-parsers.md). Sections are recognised by their header
/// (<c>crypto pki trustpoint X</c>, <c>interface X</c> …) and end at <c>!</c>, <c>end</c> or the next header; a
/// section's lines are its indented lines, or, where a paste lost the indentation, the following lines that are one of
/// that section's commands. Lines it does not know are kept as ignored; a malformed value or certificate dump is a
/// <see cref="IosNoteKind.Problem"/> note. Never throws.
/// </summary>
public static class IosConfigParser
{
    public static IosRouterConfig Parse(string text, string sourceName) => Parse(IosPaste.Read(text), sourceName);

    public static IosRouterConfig Parse(IosPasteText paste, string sourceName)
    {
        var reader = new Reader(sourceName);
        IReadOnlyList<IosLine> lines = paste.LinesOf(IosTextKinds.RunningConfig);
        foreach (IosLine line in lines)
            reader.Read(line);
        reader.EndSection();
        IosRouterConfig config = reader.Result(paste.PromptHostnames);
        if (lines.Count == 0 || IsEmpty(config))
            config = config with { Notes = [new IosNote(IosNoteKind.Problem, "no IOS configuration found in the text", sourceName), .. config.Notes] };
        return config;
    }

    private static bool IsEmpty(IosRouterConfig c) =>
        c is { Hostname: null, DomainName: null, Clock: null, IsakmpIdentity: null, Ikev2Fragmentation: false }
        && c.Interfaces.Count + c.Trustpoints.Count + c.CertificateChains.Count + c.IsakmpPolicies.Count + c.IsakmpProfiles.Count
           + c.Ikev2Proposals.Count + c.Ikev2Policies.Count + c.Ikev2Profiles.Count + c.TransformSets.Count + c.IpsecProfiles.Count
           + c.CryptoMaps.Count == 0;

    /// <summary>The words of a line (blank-separated) and the text after the first <paramref name="n"/> of them.</summary>
    private readonly record struct Words(string[] W, string Text)
    {
        public int Length => W.Length;
        public string this[int i] => i < W.Length ? W[i] : "";

        public bool Is(int i, string keyword) => i < W.Length && string.Equals(W[i], keyword, StringComparison.OrdinalIgnoreCase);

        public string Rest(int n)
        {
            int at = 0;
            for (int k = 0; k < n; k++)
            {
                while (at < Text.Length && Text[at] == ' ')
                    at++;
                while (at < Text.Length && Text[at] != ' ')
                    at++;
            }
            return Text[at..].Trim();
        }

        /// <summary>The words after the first <paramref name="n"/>, single-spaced.</summary>
        public string Joined(int n) => string.Join(' ', W.Skip(n));
    }

    private sealed class Reader(string source)
    {
        private readonly List<IosIgnoredLine> _ignored = [];
        private readonly List<IosNote> _notes = [];
        private readonly List<InterfaceSection> _interfaces = [];
        private readonly List<TrustpointSection> _trustpoints = [];
        private readonly List<ChainSection> _chains = [];
        private readonly List<IsakmpPolicySection> _policies = [];
        private readonly List<IsakmpProfileSection> _isakmpProfiles = [];
        private readonly List<ProposalSection> _proposals = [];
        private readonly List<Ikev2PolicySection> _ikev2Policies = [];
        private readonly List<Ikev2ProfileSection> _ikev2Profiles = [];
        private readonly List<TransformSetSection> _transformSets = [];
        private readonly List<IpsecProfileSection> _ipsecProfiles = [];
        private readonly List<CryptoMapSection> _cryptoMaps = [];
        private string? _hostname, _domain, _isakmpIdentity;
        private IosClockZone? _clock;
        private int? _fragmentationMtu;
        private bool _fragmentation;
        private Section? _section;

        public void Note(IosNoteKind kind, int line, string text) => _notes.Add(new IosNote(kind, text, source, line));

        public void Read(IosLine line)
        {
            string t = line.Text;
            if (t == "!" || t == "end" || (t == "exit" && line.Mode == IosPromptMode.Submode))
            {
                EndSection();
                return;
            }
            if (t.StartsWith('!'))
                return; // an IOS comment ("! This profile is incomplete ...")
            var w = new Words(t.Split(' ', StringSplitOptions.RemoveEmptyEntries), t);
            bool inside = _section is not null && (line.Mode == IosPromptMode.Submode || line.Indent > _section.Indent);
            if (inside)
            {
                if (_section!.Handle(w, line, this))
                    return;
                if (line.Mode == IosPromptMode.None && Global(w, line))
                    return;
                Ignore(line, _section.Header);
                return;
            }
            if (line.Mode != IosPromptMode.Submode && Global(w, line))
                return;
            // A paste that lost its indentation: a command of the open section still belongs to it (not at an
            // R1(config)# prompt, which says the command is global).
            if (_section is not null && line.Mode == IosPromptMode.None && _section.Handle(w, line, this))
                return;
            if (line.Mode == IosPromptMode.Global)
            {
                Ignore(line, null);
                EndSection();
                return;
            }
            if (_section is not null && !LooksGlobal(w))
            {
                Ignore(line, _section.Header);
                return;
            }
            Ignore(line, null);
            EndSection();
        }

        public void Ignore(IosLine line, string? section) => _ignored.Add(new IosIgnoredLine(line.Number, line.Text, section));

        public void EndSection()
        {
            _section?.End(this);
            _section = null;
        }

        private void Open(Section s)
        {
            EndSection();
            _section = s;
        }

        // A section opened again (two pastes of one router, or config mode re-entering it) continues where it was, as
        // IOS would merge the commands.
        private T Reopen<T>(List<T> list, Func<T, bool> same, Func<T> create, IosLine line, string header) where T : Section
        {
            T? existing = list.FirstOrDefault(same);
            if (existing is null)
            {
                existing = create();
                list.Add(existing);
            }
            else if (line.Mode == IosPromptMode.None)
                Note(IosNoteKind.Assumption, line.Number, $"'{header}' appears again (line {existing.Line} first); its commands are merged as IOS would");
            existing.Indent = line.Indent;
            Open(existing);
            return existing;
        }

        private bool Global(Words w, IosLine line)
        {
            if (w.Length == 0)
                return false;
            string first = w[0].ToLowerInvariant();
            switch (first)
            {
                case "hostname" when w.Length == 2:
                    EndSection();
                    _hostname = w[1];
                    return true;
                case "ip" when w.Is(1, "domain") && w.Is(2, "name") && w.Length == 4:
                case "ip" when w.Is(1, "domain-name") && w.Length == 3:
                    EndSection();
                    _domain = w[w.Length - 1];
                    return true;
                case "clock" when w.Is(1, "timezone") && w.Length >= 4:
                    EndSection();
                    // IOS: clock timezone ZONE hours-offset [minutes-offset], -23..23 and 0..59
                    int minutes = 0;
                    if (int.TryParse(w[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int hours) && hours is >= -23 and <= 23
                        && (w.Length < 5 || (int.TryParse(w[4], NumberStyles.None, CultureInfo.InvariantCulture, out minutes) && minutes is >= 0 and <= 59)))
                    {
                        _clock = new IosClockZone(w[2], TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(hours < 0 ? -minutes : minutes));
                    }
                    else
                        Note(IosNoteKind.Problem, line.Number, $"'{w.Text}': the offset is not hours (-23 to 23) [minutes (0 to 59)]");
                    return true;
                case "interface" or "int" when w.Length >= 2:
                {
                    string name = IosInterfaceName.Canonical(w.Joined(1));
                    Reopen(_interfaces, s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase),
                        () => new InterfaceSection(name, line), line, w.Text);
                    return true;
                }
                case "crypto":
                    return Crypto(w, line);
                default:
                    return false;
            }
        }

        private bool Crypto(Words w, IosLine line)
        {
            string name = w[3];
            if ((w.Is(1, "pki") || w.Is(1, "ca")) && w.Is(2, "trustpoint") && w.Length == 4)
                Reopen(_trustpoints, s => s.Name == name, () => new TrustpointSection(name, line), line, w.Text);
            else if ((w.Is(1, "pki") || w.Is(1, "ca")) && w.Is(2, "certificate") && w.Is(3, "chain") && w.Length == 5)
                Reopen(_chains, s => s.Name == w[4], () => new ChainSection(w[4], line), line, w.Text);
            else if (w.Is(1, "isakmp") && w.Is(2, "policy") && w.Length == 4)
            {
                if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int priority) || priority is < 1 or > 10_000)
                {
                    Note(IosNoteKind.Problem, line.Number, $"'{w.Text}': the priority is not a number from 1 to 10000");
                    return false;
                }
                Reopen(_policies, s => s.Priority == priority, () => new IsakmpPolicySection(priority, line), line, w.Text);
            }
            else if (w.Is(1, "isakmp") && w.Is(2, "profile") && w.Length == 4)
                Reopen(_isakmpProfiles, s => s.Name == name, () => new IsakmpProfileSection(name, line), line, w.Text);
            else if (w.Is(1, "isakmp") && w.Is(2, "identity") && w.Length >= 4)
            {
                EndSection();
                _isakmpIdentity = w.Joined(3);
            }
            else if (w.Is(1, "ikev2") && w.Is(2, "proposal") && w.Length == 4)
                Reopen(_proposals, s => s.Name == name, () => new ProposalSection(name, line), line, w.Text);
            else if (w.Is(1, "ikev2") && w.Is(2, "policy") && w.Length == 4)
                Reopen(_ikev2Policies, s => s.Name == name, () => new Ikev2PolicySection(name, line), line, w.Text);
            else if (w.Is(1, "ikev2") && w.Is(2, "profile") && w.Length == 4)
                Reopen(_ikev2Profiles, s => s.Name == name, () => new Ikev2ProfileSection(name, line), line, w.Text);
            else if (w.Is(1, "ikev2") && w.Is(2, "fragmentation"))
            {
                // crypto ikev2 fragmentation [mtu N] (IOS 15.2(4)M+): fragment IKE_AUTH messages above N octets.
                EndSection();
                _fragmentation = true;
                if (w.Is(3, "mtu") && w.Length >= 5)
                {
                    if (int.TryParse(w[4], NumberStyles.None, CultureInfo.InvariantCulture, out int mtu) && mtu is >= 68 and <= 1500)
                        _fragmentationMtu = mtu;
                    else
                        Note(IosNoteKind.Problem, line.Number, $"'{w.Text}': the mtu is not a number from 68 to 1500");
                }
            }
            else if (w.Is(1, "ipsec") && w.Is(2, "transform-set") && w.Length >= 4)
            {
                var ts = Reopen(_transformSets, s => s.Name == name, () => new TransformSetSection(name, line), line, w.Text);
                ts.SetTransforms(w.W.Skip(4));
            }
            else if (w.Is(1, "ipsec") && w.Is(2, "profile") && w.Length == 4)
                Reopen(_ipsecProfiles, s => s.Name == name, () => new IpsecProfileSection(name, line), line, w.Text);
            else if ((w.Is(1, "map") || w.Is(1, "dynamic-map")) && w.Length >= 4
                     && int.TryParse(w[3], NumberStyles.None, CultureInfo.InvariantCulture, out int seq) && seq is >= 1 and <= 65_535)
            {
                bool dynamic = w.Is(1, "dynamic-map");
                string map = w[2];
                var entry = Reopen(_cryptoMaps, s => s.Map == map && s.Sequence == seq && s.Dynamic == dynamic,
                    () => new CryptoMapSection(map, seq, dynamic, line), line, w.Text);
                if (w.Length > 4)
                    entry.Type = w.Joined(4);
            }
            else if (w.Length >= 3 && (w.Is(1, "keyring") || (w.Is(1, "ikev2") && w.Is(2, "keyring"))
                                       || (w.Is(1, "isakmp") && w.Is(2, "client")) || (w.Is(1, "pki") && w.Is(2, "server"))))
            {
                // Sections the model does not read: their lines are kept as ignored under this header.
                Open(new OtherSection(w.Text, line));
                Ignore(line, null);
            }
            else
                return false;
            return true;
        }

        // First words of global commands: one of them at a section header's indentation ends the section.
        private static readonly HashSet<string> s_globalWords = new(StringComparer.OrdinalIgnoreCase)
        {
            "ip", "ipv6", "router", "line", "access-list", "ntp", "logging", "snmp-server", "service", "version", "boot",
            "boot-start-marker", "boot-end-marker", "aaa", "username", "enable", "control-plane", "banner", "license",
            "redundancy", "spanning-tree", "vlan", "class-map", "policy-map", "clock", "archive", "alias", "mpls",
            "multilink", "voice", "dial-peer", "track", "event", "scheduler", "vrf", "cdp", "lldp", "hostname",
            "memory-size", "object-group", "route-map", "crypto", "interface", "Building", "Current", "diagnostic",
            "call-home", "vtp", "errdisable", "login", "file", "privilege", "platform", "key", "dot11", "subscriber",
        };

        private static bool LooksGlobal(Words w) => w.Length > 0 && s_globalWords.Contains(w[0]);

        public IosRouterConfig Result(IReadOnlyList<string> promptHostnames) => new(
            source,
            _hostname,
            _domain,
            _clock,
            _interfaces.Select(s => s.Build()).ToArray(),
            _trustpoints.Select(s => s.Build()).ToArray(),
            _chains.Select(s => s.Build()).ToArray(),
            _policies.Select(s => s.Build()).ToArray(),
            _isakmpProfiles.Select(s => s.Build()).ToArray(),
            _isakmpIdentity,
            _proposals.Select(s => s.Build()).ToArray(),
            _ikev2Policies.Select(s => s.Build()).ToArray(),
            _ikev2Profiles.Select(s => s.Build()).ToArray(),
            _fragmentationMtu,
            _fragmentation,
            _transformSets.Select(s => s.Build()).ToArray(),
            _ipsecProfiles.Select(s => s.Build()).ToArray(),
            _cryptoMaps.Select(s => s.Build()).ToArray(),
            promptHostnames,
            _ignored.ToArray(),
            _notes.ToArray());
    }

    // ---- sections ----

    private abstract class Section(string header, IosLine line)
    {
        public string Header { get; } = header;
        public int Line { get; } = line.Number;
        public int Indent { get; set; } = line.Indent;

        /// <summary>True when <paramref name="w"/> is one of this section's commands (read into it).</summary>
        public abstract bool Handle(Words w, IosLine line, Reader r);

        public virtual void End(Reader r)
        {
        }

        /// <summary>Word <paramref name="i"/> as a number IOS accepts there (<paramref name="min"/>..<paramref name="max"/>);
        /// anything else is a Problem note at the line.</summary>
        protected static bool Int(Words w, int i, IosLine line, Reader r, out int value, int min = 0, int max = int.MaxValue)
        {
            if (int.TryParse(w[i], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
                return true;
            r.Note(IosNoteKind.Problem, line.Number, $"'{w.Text}': \"{w[i]}\" is not a number from {min} to {max}");
            value = 0;
            return false;
        }
    }

    private sealed class OtherSection(string header, IosLine line) : Section(header, line)
    {
        public override bool Handle(Words w, IosLine line, Reader r) => false;
    }

    private sealed class InterfaceSection(string name, IosLine line) : Section("interface " + name, line)
    {
        public string Name { get; } = name;
        private string? _description, _source, _destination, _mode, _protection, _protectionIke, _cryptoMap;
        private IosIpv4Address? _address;
        private int? _mtu;
        private bool _shutdown;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (w.Is(0, "description") && w.Length >= 2)
                _description = w.Rest(1);
            else if (w.Is(0, "ip") && w.Is(1, "address") && w.Length == 4)
            {
                if (IPAddress.TryParse(w[2], out var a) && a.AddressFamily == AddressFamily.InterNetwork
                    && IPAddress.TryParse(w[3], out var m) && m.AddressFamily == AddressFamily.InterNetwork && w[2].Count(c => c == '.') == 3)
                    _address = new IosIpv4Address(a, m);
                else
                    r.Note(IosNoteKind.Problem, line.Number, $"{Header}: '{w.Text}' is not an IPv4 address and mask");
            }
            else if (w.Is(0, "ip") && w.Is(1, "mtu") && w.Length == 3)
            {
                if (Int(w, 2, line, r, out int mtu, 68, 9216))
                    _mtu = mtu;
            }
            else if (w.Is(0, "tunnel") && w.Is(1, "source") && w.Length >= 3)
                _source = IPAddress.TryParse(w[2], out _) ? w[2] : IosInterfaceName.Canonical(w.Joined(2));
            else if (w.Is(0, "tunnel") && w.Is(1, "destination") && w.Length == 3)
                _destination = w[2];
            else if (w.Is(0, "tunnel") && w.Is(1, "mode") && w.Length >= 3)
                _mode = w.Joined(2);
            else if (w.Is(0, "tunnel") && w.Is(1, "protection") && w.Is(2, "ipsec") && w.Is(3, "profile") && w.Length >= 5)
            {
                // tunnel protection ipsec profile P [shared] [isakmp-profile X | ikev2-profile X]
                _protection = w[4];
                for (int i = 5; i + 1 < w.Length; i++)
                    if (w.Is(i, "isakmp-profile") || w.Is(i, "ikev2-profile"))
                        _protectionIke = w[i] + " " + w[i + 1];
            }
            else if (w.Is(0, "crypto") && w.Is(1, "map") && w.Length == 3)
                _cryptoMap = w[2];
            else if (w.Is(0, "shutdown") && w.Length == 1)
                _shutdown = true;
            else if (w.Is(0, "no") && w.Is(1, "shutdown") && w.Length == 2)
                _shutdown = false;
            else
                return false;
            return true;
        }

        public IosInterface Build() =>
            new(Name, Line, _description, _address, _source, _destination, _mode, _protection, _protectionIke, _cryptoMap, _mtu, _shutdown);
    }

    private sealed class TrustpointSection(string name, IosLine line) : Section("crypto pki trustpoint " + name, line)
    {
        public string Name { get; } = name;
        private string? _url, _enrollment, _serialValue, _fqdn, _ip, _subject, _keypair;
        private IosSerialNumberSetting _serial;
        private string[] _revocation = [];

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (w.Is(0, "enrollment") && w.Is(1, "url") && w.Length == 3)
                _url = w[2];
            else if (w.Is(0, "enrollment") && w.Length >= 2)
                _enrollment = w.Joined(1);
            else if (w.Is(0, "serial-number"))
            {
                // serial-number [none]: include the router's serial number in the request, or not.
                (_serial, _serialValue) = w.Length == 1 ? (IosSerialNumberSetting.Included, null)
                    : w.Is(1, "none") ? (IosSerialNumberSetting.Excluded, null)
                    : (IosSerialNumberSetting.Included, w.Joined(1));
            }
            else if (w.Is(0, "fqdn") && w.Length == 2)
                _fqdn = w.Is(1, "none") ? null : w[1];
            else if (w.Is(0, "ip-address") && w.Length == 2)
                _ip = w.Is(1, "none") ? null : w[1];
            else if (w.Is(0, "subject-name"))
                _subject = w.Rest(1);
            else if (w.Is(0, "revocation-check") && w.Length >= 2)
                _revocation = w.W[1..];
            else if (w.Is(0, "rsakeypair") && w.Length >= 2)
                _keypair = w[1];
            else
                return false;
            return true;
        }

        public IosTrustpoint Build() => new(Name, Line, _url, _enrollment, _serial, _serialValue, _fqdn, _ip, _subject, _revocation, _keypair);
    }

    private sealed class ChainSection(string name, IosLine line) : Section("crypto pki certificate chain " + name, line)
    {
        public string Name { get; } = name;
        private readonly List<IosChainCertificate> _certificates = [];
        private (IosChainCertificateKind Kind, string Serial, int Line, string? Storage, StringBuilder Hex, bool HexProblem)? _open;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (_open is { } open && w.Length > 0 && w.W.All(IsHexWord))
            {
                foreach (string word in w.W)
                    open.Hex.Append(word);
                return true;
            }
            if (w.Length == 1 && w.Is(0, "quit"))
            {
                if (_open is null)
                    return false;
                Close(r, quit: true);
                return true;
            }
            if (!w.Is(0, "certificate") || w.Length < 2)
                return false;
            Close(r, quit: false);
            // certificate NN | certificate ca NN | certificate self-signed NN | certificate rollover NN, then a dump,
            // or a storage location when IOS keeps the certificate in a file (certificate ca 01 nvram:CA1#1CA.cer).
            (IosChainCertificateKind kind, int at) = w[1].ToLowerInvariant() switch
            {
                "ca" when w.Length >= 3 => (IosChainCertificateKind.Ca, 2),
                "self-signed" when w.Length >= 3 => (IosChainCertificateKind.SelfSigned, 2),
                "rollover" or "router" when w.Length >= 3 => (IosChainCertificateKind.Other, 2),
                _ => (IosChainCertificateKind.Identity, 1),
            };
            if (kind == IosChainCertificateKind.Ca && w.Is(2, "rollover") && w.Length >= 4)
                (kind, at) = (IosChainCertificateKind.Other, 3);
            string? storage = w.Length > at + 1 ? w.Joined(at + 1) : null;
            _open = (kind, w[at], line.Number, storage, new StringBuilder(), false);
            return true;
        }

        private static bool IsHexWord(string s) => s.All(char.IsAsciiHexDigit);

        private void Close(Reader r, bool quit)
        {
            if (_open is not { } open)
                return;
            _open = null;
            string header = $"{Header}: certificate {(open.Kind == IosChainCertificateKind.Ca ? "ca " : "")}{open.Serial}";
            if (open.Hex.Length == 0)
            {
                if (open.Storage is null)
                    r.Note(IosNoteKind.Problem, open.Line, $"{header}: no hex dump follows");
                _certificates.Add(new IosChainCertificate(open.Kind, open.Serial, open.Line, null, open.Storage, open.Storage is null ? "no hex dump" : null));
                return;
            }
            string? problem = null;
            CertificateInfo? info = null;
            if (open.Hex.Length % 2 != 0)
                problem = $"the hex dump has an odd number of digits ({open.Hex.Length})";
            else
            {
                var read = CertificateInfo.Parse(Convert.FromHexString(open.Hex.ToString()));
                // the model needs the names and the validity; a certificate without them is a problem, not a certificate
                if (read is { IsParsed: true, SerialHex: not null, NotBefore: not null, NotAfter: not null, SubjectDer: not null, IssuerDer: not null, SubjectIos: not null, IssuerIos: not null })
                    info = read;
                problem = read.Problems.FirstOrDefault() ?? (info is null ? "unreadable certificate fields" : null);
                if (info is not null && problem is null && !SameSerial(info.SerialHex!, open.Serial))
                    problem = $"the dump's serial number is {info.SerialHex!.ToUpperInvariant()}, not {open.Serial}";
            }
            if (problem is null && !quit)
                problem = "the dump does not end with 'quit' (cut short?)";
            if (problem is not null)
                r.Note(IosNoteKind.Problem, open.Line, $"{header}: {problem}");
            _certificates.Add(new IosChainCertificate(open.Kind, open.Serial, open.Line, info, open.Storage, problem));
        }

        private static bool SameSerial(string a, string b) => string.Equals(a.TrimStart('0'), b.TrimStart('0'), StringComparison.OrdinalIgnoreCase);

        public override void End(Reader r) => Close(r, quit: false);

        public IosCertificateChain Build() => new(Name, Line, _certificates.ToArray());
    }

    private sealed class IsakmpPolicySection(int priority, IosLine line) : Section($"crypto isakmp policy {priority}", line)
    {
        public int Priority { get; } = priority;
        private string? _encryption, _hash, _authentication;
        private int? _group, _lifetime;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if ((w.Is(0, "encr") || w.Is(0, "encryption")) && w.Length >= 2)
                _encryption = w.Joined(1);
            else if (w.Is(0, "hash") && w.Length == 2)
                _hash = w[1];
            else if (w.Is(0, "authentication") && w.Length == 2)
                _authentication = w[1];
            else if (w.Is(0, "group") && w.Length == 2)
            {
                if (Int(w, 1, line, r, out int g, 1, 32))
                    _group = g;
            }
            else if (w.Is(0, "lifetime") && w.Length == 2)
            {
                if (Int(w, 1, line, r, out int l, 60, 86_400))
                    _lifetime = l;
            }
            else
                return false;
            return true;
        }

        public IosIsakmpPolicy Build()
        {
            var defaulted = new List<string>();
            string D(string? v, string name, string d)
            {
                if (v is null) defaulted.Add(name);
                return v ?? d;
            }
            int I(int? v, string name, int d)
            {
                if (v is null) defaulted.Add(name);
                return v ?? d;
            }
            return new IosIsakmpPolicy(Priority, Line,
                D(_encryption, "encryption", IosIsakmpPolicy.DefaultEncryption),
                D(_hash, "hash", IosIsakmpPolicy.DefaultHash),
                D(_authentication, "authentication", IosIsakmpPolicy.DefaultAuthentication),
                I(_group, "group", IosIsakmpPolicy.DefaultGroup),
                I(_lifetime, "lifetime", IosIsakmpPolicy.DefaultLifetime),
                defaulted);
        }
    }

    private sealed class IsakmpProfileSection(string name, IosLine line) : Section("crypto isakmp profile " + name, line)
    {
        public string Name { get; } = name;
        private readonly List<string> _ca = [], _match = [], _certMaps = [];
        private string? _self, _keyring, _vrf, _local;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (w.Is(0, "ca") && (w.Is(1, "trust-point") || w.Is(1, "trustpoint")) && w.Length == 3)
                _ca.Add(w[2]);
            else if (w.Is(0, "match") && w.Is(1, "identity") && w.Length >= 3)
                _match.Add(w.Joined(2));
            else if (w.Is(0, "match") && w.Is(1, "certificate") && w.Length == 3)
                _certMaps.Add(w[2]);
            else if (w.Is(0, "self-identity") && w.Length >= 2)
                _self = w.Joined(1);
            else if (w.Is(0, "keyring") && w.Length == 2)
                _keyring = w[1];
            else if (w.Is(0, "vrf") && w.Length == 2)
                _vrf = w[1];
            else if (w.Is(0, "local-address") && w.Length >= 2)
                _local = IPAddress.TryParse(w[1], out _) ? w[1] : IosInterfaceName.Canonical(w.Joined(1));
            else
                return false;
            return true;
        }

        public IosIsakmpProfile Build() => new(Name, Line, _ca.ToArray(), _match.ToArray(), _certMaps.ToArray(), _self, _keyring, _vrf, _local);
    }

    private sealed class ProposalSection(string name, IosLine line) : Section("crypto ikev2 proposal " + name, line)
    {
        public string Name { get; } = name;
        private readonly List<string> _encryption = [], _integrity = [], _prf = [];
        private readonly List<int> _groups = [];

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (w.Length < 2)
                return false;
            if (w.Is(0, "encryption"))
                _encryption.AddRange(w.W[1..]);
            else if (w.Is(0, "integrity"))
                _integrity.AddRange(w.W[1..]);
            else if (w.Is(0, "prf"))
                _prf.AddRange(w.W[1..]);
            else if (w.Is(0, "group"))
            {
                for (int i = 1; i < w.Length; i++)
                    if (Int(w, i, line, r, out int g, 1, 32))
                        _groups.Add(g);
            }
            else
                return false;
            return true;
        }

        public IosIkev2Proposal Build() => new(Name, Line, _encryption.ToArray(), _integrity.ToArray(), _prf.ToArray(), _groups.ToArray());
    }

    private sealed class Ikev2PolicySection(string name, IosLine line) : Section("crypto ikev2 policy " + name, line)
    {
        public string Name { get; } = name;
        private readonly List<string> _proposals = [], _local = [];
        private string? _fvrf;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (w.Is(0, "proposal") && w.Length == 2)
                _proposals.Add(w[1]);
            else if (w.Is(0, "match") && w.Is(1, "fvrf") && w.Length == 3)
                _fvrf = w[2];
            else if (w.Is(0, "match") && w.Is(1, "address") && w.Is(2, "local") && w.Length == 4)
                _local.Add(w[3]);
            else
                return false;
            return true;
        }

        public IosIkev2Policy Build() => new(Name, Line, _proposals.ToArray(), _fvrf, _local.ToArray());
    }

    private sealed class Ikev2ProfileSection(string name, IosLine line) : Section("crypto ikev2 profile " + name, line)
    {
        public string Name { get; } = name;
        private readonly List<string> _match = [], _certMaps = [], _local = [], _remoteAuth = [];
        private readonly List<IosIkev2Trustpoint> _trustpoints = [];
        private string? _fvrf, _identity, _localAuth, _keyring;
        private int? _lifetime;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (w.Is(0, "match") && w.Is(1, "identity") && w.Is(2, "remote") && w.Length >= 4)
                _match.Add(w.Joined(3));
            else if (w.Is(0, "match") && w.Is(1, "certificate") && w.Length == 3)
                _certMaps.Add(w[2]);
            else if (w.Is(0, "match") && w.Is(1, "fvrf") && w.Length == 3)
                _fvrf = w[2];
            else if (w.Is(0, "match") && w.Is(1, "address") && w.Is(2, "local") && w.Length >= 4)
                _local.Add(w.Joined(3));
            else if (w.Is(0, "identity") && w.Is(1, "local") && w.Length >= 3)
                _identity = w.Joined(2);
            else if (w.Is(0, "authentication") && w.Is(1, "local") && w.Length >= 3)
                _localAuth = w[2]; // "pre-share key ..." keeps only the method
            else if (w.Is(0, "authentication") && w.Is(1, "remote") && w.Length >= 3)
                _remoteAuth.Add(w[2]);
            else if (w.Is(0, "pki") && w.Is(1, "trustpoint") && w.Length is 3 or 4)
            {
                IosTrustpointUse use = w.Length == 3 ? IosTrustpointUse.SignAndVerify
                    : w.Is(3, "sign") ? IosTrustpointUse.Sign
                    : w.Is(3, "verify") ? IosTrustpointUse.Verify
                    : (IosTrustpointUse)(-1);
                if (!Enum.IsDefined(use))
                    return false;
                _trustpoints.Add(new IosIkev2Trustpoint(w[2], use));
            }
            else if (w.Is(0, "keyring") && w.Length >= 2)
                _keyring = w[w.Length - 1];
            else if (w.Is(0, "lifetime") && w.Length == 2)
            {
                if (Int(w, 1, line, r, out int l, 120, 86_400))
                    _lifetime = l;
            }
            else
                return false;
            return true;
        }

        public IosIkev2Profile Build() => new(Name, Line, _match.ToArray(), _certMaps.ToArray(), _fvrf, _local.ToArray(), _identity,
            _localAuth, _remoteAuth.ToArray(), _trustpoints.ToArray(), _keyring, _lifetime);
    }

    private sealed class TransformSetSection(string name, IosLine line) : Section("crypto ipsec transform-set " + name, line)
    {
        public string Name { get; } = name;
        private readonly List<string> _transforms = [];
        private string? _mode;

        /// <summary>The transforms after the name; a key size (<c>esp-aes 256</c>) stays with its transform.</summary>
        public void SetTransforms(IEnumerable<string> words)
        {
            _transforms.Clear();
            foreach (string word in words)
            {
                if (word.All(char.IsAsciiDigit) && _transforms.Count > 0)
                    _transforms[^1] += " " + word;
                else
                    _transforms.Add(word);
            }
        }

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (!w.Is(0, "mode") || w.Length < 2)
                return false;
            _mode = w[1].ToLowerInvariant();
            return true;
        }

        // IOS's default mode is tunnel (Security Command Reference, "mode (IPsec)").
        public IosTransformSet Build() => new(Name, Line, _transforms.ToArray(), _mode ?? "tunnel", _mode is not null);
    }

    private sealed class IpsecProfileSection(string name, IosLine line) : Section("crypto ipsec profile " + name, line)
    {
        public string Name { get; } = name;
        private readonly List<string> _transformSets = [];
        private string? _isakmp, _ikev2, _pfs;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (!w.Is(0, "set") || w.Length < 2)
                return false;
            if (w.Is(1, "transform-set") && w.Length >= 3)
                _transformSets.AddRange(w.W[2..]);
            else if (w.Is(1, "isakmp-profile") && w.Length == 3)
                _isakmp = w[2];
            else if (w.Is(1, "ikev2-profile") && w.Length == 3)
                _ikev2 = w[2];
            else if (w.Is(1, "pfs"))
                _pfs = w.Length > 2 ? w[2] : "group1"; // set pfs alone: IOS's default group1 (Security Command Reference)
            else
                return false;
            return true;
        }

        public IosIpsecProfile Build() => new(Name, Line, _transformSets.ToArray(), _isakmp, _ikev2, _pfs);
    }

    private sealed class CryptoMapSection(string map, int sequence, bool dynamic, IosLine line)
        : Section($"crypto {(dynamic ? "dynamic-map" : "map")} {map} {sequence}", line)
    {
        public string Map { get; } = map;
        public int Sequence { get; } = sequence;
        public bool Dynamic { get; } = dynamic;
        public string? Type { get; set; }
        private readonly List<string> _peers = [], _transformSets = [];
        private string? _isakmp, _ikev2, _match;

        public override bool Handle(Words w, IosLine line, Reader r)
        {
            if (w.Is(0, "set") && w.Is(1, "peer") && w.Length >= 3)
                _peers.Add(w[2]);
            else if (w.Is(0, "set") && w.Is(1, "transform-set") && w.Length >= 3)
                _transformSets.AddRange(w.W[2..]);
            else if (w.Is(0, "set") && w.Is(1, "isakmp-profile") && w.Length == 3)
                _isakmp = w[2];
            else if (w.Is(0, "set") && w.Is(1, "ikev2-profile") && w.Length == 3)
                _ikev2 = w[2];
            else if (w.Is(0, "match") && w.Is(1, "address") && w.Length == 3)
                _match = w[2];
            else
                return false;
            return true;
        }

        public IosCryptoMapEntry Build() => new(Map, Sequence, Line, Type, Dynamic, _peers.ToArray(), _transformSets.ToArray(), _isakmp, _ikev2, _match);
    }
}
