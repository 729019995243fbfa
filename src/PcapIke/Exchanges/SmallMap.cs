using System.Diagnostics.CodeAnalysis;

namespace PcapIke.Exchanges;

/// <summary>
/// A map kept as a short array while small and as a <see cref="Dictionary{TKey, TValue}"/> past
/// <see cref="LinearLimit"/> entries: most IKE SAs have a handful of messages, and an open SA's objects are what the GC
/// copies and marks while it waits to idle out (bench/README.md, issue 14). A mutable struct: keep it in a field and
/// call it there (a copy would not see later additions).
/// </summary>
internal struct SmallMap<TKey, TValue> where TKey : IEquatable<TKey>
{
    internal const int LinearLimit = 8;

    private (TKey Key, TValue Value)[]? _items;
    private int _count;
    private Dictionary<TKey, TValue>? _large;

    public readonly int Count => _large?.Count ?? _count;

    public readonly bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_large is not null) return _large.TryGetValue(key, out value);
        for (int i = 0; i < _count; i++)
            if (_items![i].Key.Equals(key))
            {
                value = _items[i].Value;
                return true;
            }
        value = default;
        return false;
    }

    /// <summary>Adds the entry unless the key is there; true when added.</summary>
    public bool TryAdd(TKey key, TValue value)
    {
        if (TryGetValue(key, out _)) return false;
        Append(key, value);
        return true;
    }

    /// <summary>Sets the key's value, adding it when absent.</summary>
    public void Set(TKey key, TValue value)
    {
        if (_large is not null) { _large[key] = value; return; }
        for (int i = 0; i < _count; i++)
            if (_items![i].Key.Equals(key))
            {
                _items[i].Value = value;
                return;
            }
        Append(key, value);
    }

    private void Append(TKey key, TValue value)
    {
        if (_large is not null) { _large.Add(key, value); return; }
        if (_count == LinearLimit)
        {
            _large = new Dictionary<TKey, TValue>(2 * LinearLimit);
            for (int i = 0; i < _count; i++) _large.Add(_items![i].Key, _items[i].Value);
            _large.Add(key, value);
            _items = null;
            _count = 0;
            return;
        }
        _items ??= new (TKey, TValue)[2];
        if (_count == _items.Length) Array.Resize(ref _items, Math.Min(2 * _items.Length, LinearLimit));
        _items[_count++] = (key, value);
    }
}
