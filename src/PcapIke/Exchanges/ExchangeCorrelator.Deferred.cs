using System.Numerics;
using PcapIke.Frames;
using PcapIke.Ike;
using PcapIke.Pipeline;

namespace PcapIke.Exchanges;

/// <summary>
/// An SA of one message. A flood of IKE_SA_INIT requests (or a head-end whose peers get no answer) opens one SA per
/// message, and each waits the idle timeout to be finished; what an open SA holds is what the collector copies and
/// marks while it waits (bench/README.md, issue 14). So an SA whose only message is a clean first message (MM1, AM1,
/// an IKE_SA_INIT request: <see cref="DissectedMessage.CanBeKeptAsBytes"/>) keeps that message as its bytes, in a block
/// reused from SA to SA, and the message is dissected again and placed, exactly as it would have been on arrival, when
/// the SA is needed: its next message, a retry linked to it, or its end (docs/scale.md "An SA of one message").
/// Placing a first message reads nothing but the SA itself, so the result is the same (tests compare every capture
/// both ways).
/// </summary>
public sealed partial class ExchangeCorrelator
{
    private readonly BlockPool _blocks = new();
    private long _deferred;

    /// <summary>How many SAs were opened with their first message kept as bytes.</summary>
    internal long FirstMessagesDeferred => _deferred;

    /// <summary>Keep first messages as bytes until their SA is needed (default). False: place every message on
    /// arrival (tests compare the two).</summary>
    internal bool DeferFirstMessages { get; init; } = true;

    /// <summary>Keeps <paramref name="m"/> as the new SA's deferred message when it may be: a first message with its
    /// bytes (<paramref name="opening"/>), an SA linked to no earlier attempt.</summary>
    private bool TryDefer(SaState s, DissectedMessage m, byte[]? opening)
    {
        // CanBeKeptAsBytes: what DeferredMessage.Dissect makes again (the dissector gives bytes only then; checked here too)
        if (opening is null || opening.Length != m.Ike.BufferLength || !m.CanBeKeptAsBytes || !DeferFirstMessages
            || s.Sa.RetryOf is not null || s.Sa.StartsMidNegotiation || s.Deferred is not null || s.Sa.Messages.Count > 0)
            return false;
        s.Deferred = new DeferredMessage(m, _blocks.Copy(opening), opening.Length);
        _deferred++;
        s.LastTimestamp = Math.Max(s.LastTimestamp, m.TimestampNanoseconds);
        return true;
    }

    /// <summary>Places the SA's deferred first message, if it has one, without making it the most recently active.</summary>
    private void Materialize(SaState s)
    {
        if (s.Deferred is not { } d) return;
        s.Deferred = null;
        DissectedMessage m = d.Dissect();
        _blocks.Return(d.Block);
        if (s.Sa.Version == 1) PlaceIkev1(s, m, touch: false);
        else PlaceIkev2(s, m, touch: false);
    }

    /// <summary>What <see cref="Pipeline.CaptureDissector"/> made of a first message, less its dissection: enough to
    /// make the same <see cref="DissectedMessage"/> again (no gap, no decryption, no certificate, by
    /// <see cref="DissectedMessage.CanBeKeptAsBytes"/>).</summary>
    private sealed class DeferredMessage(DissectedMessage m, byte[] block, int length)
    {
        private readonly long _frame = m.Frame, _timestamp = m.TimestampNanoseconds, _firstFragmentFrame = m.FirstFragmentFrame;
        private readonly NetEndpoint _source = m.Source, _destination = m.Destination;
        private readonly ulong _contentHash = m.ContentHash;
        private readonly int _ipLength = m.IpLength, _ipFragmentCount = m.IpFragmentCount, _declaredLength = m.DeclaredLength;
        private readonly int _length = length;
        private readonly IkeTransport _transport = m.Transport;
        private readonly bool _timeUnknown = m.TimeUnknown;

        public byte[] Block { get; } = block;

        public DissectedMessage Dissect() =>
            new(_frame, _timestamp, _source, _destination, _transport, _ipLength, _ipFragmentCount, _firstFragmentFrame,
                IkeMessageDissection.Dissect(Block.AsSpan(0, _length)))
            {
                ContentHash = _contentHash, TimeUnknown = _timeUnknown, DeclaredLength = _declaredLength,
            };
    }

    /// <summary>Blocks of 256 to 2048 bytes (<see cref="DissectedMessage.MaxOpeningBytes"/>) for deferred
    /// messages, returned when the message is placed and handed out again: a flood's open SAs reuse the blocks of the
    /// SAs that idled out, which the collector promoted once. Holds at most as many as were open at once.</summary>
    private sealed class BlockPool
    {
        private const int Smallest = 256;
        private readonly Stack<byte[]>?[] _free = new Stack<byte[]>?[4];

        public byte[] Copy(byte[] bytes)
        {
            int size = Smallest;
            int c = 0;
            while (size < bytes.Length) { size <<= 1; c++; }
            byte[] block = _free[c] is { Count: > 0 } stack ? stack.Pop() : new byte[size];
            bytes.CopyTo(block, 0);
            return block;
        }

        public void Return(byte[] block) =>
            (_free[BitOperations.Log2((uint)block.Length) - BitOperations.Log2(Smallest)] ??= new()).Push(block);
    }
}
