using System.Buffers.Binary;

namespace PcapIke.Tests.Fuzz;

/// <summary>
/// A deterministic mutator over capture bytes: bit flips, byte overwrites with boundary values, truncation,
/// insertion and deletion, and targeted corruption of 16/32-bit fields (record and payload lengths).
/// The same seed gives the same sequence, so a failing case is reproduced from its seed alone.
/// </summary>
public sealed class SeededMutator(int seed)
{
    private readonly Random _rng = new(seed);
    private static readonly byte[] s_interesting = { 0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x04, 0x1c };

    public byte[] Mutate(byte[] input)
    {
        var data = new List<byte>(input);
        int rounds = 1 + _rng.Next(8);
        for (int r = 0; r < rounds && data.Count > 0; r++)
        {
            switch (_rng.Next(7))
            {
                case 0: // flip one bit
                {
                    int i = _rng.Next(data.Count);
                    data[i] ^= (byte)(1 << _rng.Next(8));
                    break;
                }
                case 1: // overwrite with an interesting byte
                    data[_rng.Next(data.Count)] = s_interesting[_rng.Next(s_interesting.Length)];
                    break;
                case 2: // truncate
                    int cut = _rng.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                    break;
                case 3: // insert random bytes
                {
                    int at = _rng.Next(data.Count + 1);
                    var ins = new byte[1 + _rng.Next(16)];
                    _rng.NextBytes(ins);
                    data.InsertRange(at, ins);
                    break;
                }
                case 4: // delete a run
                {
                    int at = _rng.Next(data.Count);
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + _rng.Next(16)));
                    break;
                }
                case 5: // corrupt a big-endian 16-bit field (IKE and IP lengths)
                    if (data.Count >= 2)
                    {
                        int at = _rng.Next(data.Count - 1);
                        ushort v = _rng.Next(4) switch { 0 => 0, 1 => 0xffff, 2 => (ushort)_rng.Next(0, 8), _ => (ushort)_rng.Next(65536) };
                        data[at] = (byte)(v >> 8); data[at + 1] = (byte)v;
                    }
                    break;
                case 6: // corrupt a 32-bit field (pcap record lengths, IKE message length)
                    if (data.Count >= 4)
                    {
                        int at = _rng.Next(data.Count - 3);
                        uint v = _rng.Next(4) switch { 0 => 0, 1 => 0xffffffff, 2 => 0x7fffffff, _ => (uint)_rng.Next() };
                        var b = new byte[4];
                        if (_rng.Next(2) == 0) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
                        for (int k = 0; k < 4; k++) data[at + k] = b[k];
                    }
                    break;
            }
        }
        return data.ToArray();
    }
}
