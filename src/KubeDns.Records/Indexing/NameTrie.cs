using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using KubeDns.Records.Naming;

namespace KubeDns.Records.Indexing;

/// <summary>
/// A persistent hash array mapped trie from owner names to values, with ASCII case-insensitive span lookups.
/// Every change copies only the path from the root to the changed leaf (at most seven 32-way nodes), so the cost
/// of changing one name does not grow with the size of the cluster, and every older trie stays valid for the
/// readers that hold it. A <see cref="Builder"/> mutates nodes it created itself in place, which makes a batch or
/// a full build cost one allocation per node instead of one per level per change.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class NameTrie<T>
    where T : class
{
    private const int BitsPerLevel = 5;
    private const int MaxShift = 30;

    public static readonly NameTrie<T> Empty = new(new Branch(0, [], edit: null), 0);

    private readonly Branch _root;

    private NameTrie(Branch root, int count)
    {
        _root = root;
        Count = count;
    }

    public int Count { get; }

    public T? Find(ReadOnlySpan<char> key) => Find(key, NameKey.Hash(key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T? Find(ReadOnlySpan<char> key, uint hash)
    {
        object node = _root;
        var shift = 0;
        while (true)
        {
            if (node is Branch branch)
            {
                var bit = 1u << (int)((hash >> shift) & 31);
                if ((branch.Bitmap & bit) == 0)
                {
                    return null;
                }

                node = branch.Slots[BitOperations.PopCount(branch.Bitmap & (bit - 1))];
                shift += BitsPerLevel;
            }
            else if (node is Leaf leaf)
            {
                return leaf.Hash == hash && NameKey.AreEqual(leaf.Key, key) ? leaf.Value : null;
            }
            else
            {
                foreach (var l in ((Collision)node).Leaves)
                {
                    if (l.Hash == hash && NameKey.AreEqual(l.Key, key))
                    {
                        return l.Value;
                    }
                }

                return null;
            }
        }
    }

    public Builder ToBuilder() => new(this);

    /// <summary>Visits every entry; for diagnostics, export and tests (not on the query path).</summary>
    public void ForEach(Action<string, T> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        Visit(_root, visit);

        static void Visit(object node, Action<string, T> visit)
        {
            switch (node)
            {
                case Branch b:
                    foreach (var s in b.Slots)
                    {
                        Visit(s, visit);
                    }

                    break;
                case Leaf l:
                    visit(l.Key, l.Value);
                    break;
                case Collision c:
                    foreach (var l in c.Leaves)
                    {
                        visit(l.Key, l.Value);
                    }

                    break;
            }
        }
    }

    /// <summary>A mutable view of a trie. Not thread-safe; <see cref="ToImmutable"/> freezes what it built.</summary>
    internal sealed class Builder
    {
        private Branch _root;
        private object _edit = new();
        private int _count;

        public Builder(NameTrie<T> trie)
        {
            _root = trie._root;
            _count = trie.Count;
        }

        public int Count => _count;

        public T? Find(string key) => new NameTrie<T>(_root, _count).Find(key);

        /// <summary>Adds or replaces the value of <paramref name="key"/> (lower case).</summary>
        public void Set(string key, T value)
        {
            var added = false;
            _root = (Branch)SetIn(_root, new Leaf(key, NameKey.Hash(key), value), 0, ref added);
            if (added)
            {
                _count++;
            }
        }

        /// <summary>Removes <paramref name="key"/>; true when it was there.</summary>
        public bool Remove(string key)
        {
            var hash = NameKey.Hash(key);
            var removed = false;
            var result = RemoveFrom(_root, key, hash, 0, ref removed);
            if (removed)
            {
                _root = result as Branch ?? (result is null ? new Branch(0, [], _edit) : new Branch(Bit(hash, 0), [result], _edit));
                _count--;
            }

            return removed;
        }

        public NameTrie<T> ToImmutable()
        {
            // Nodes made so far now belong to an immutable trie: later edits must copy them.
            _edit = new object();
            return new NameTrie<T>(_root, _count);
        }

        private static uint Bit(uint hash, int shift) => 1u << (int)((hash >> shift) & 31);

        private object SetIn(object node, Leaf leaf, int shift, ref bool added)
        {
            switch (node)
            {
                case Branch branch:
                    {
                        var bit = Bit(leaf.Hash, shift);
                        var index = BitOperations.PopCount(branch.Bitmap & (bit - 1));
                        if ((branch.Bitmap & bit) == 0)
                        {
                            added = true;
                            var slots = new object[branch.Slots.Length + 1];
                            Array.Copy(branch.Slots, slots, index);
                            slots[index] = leaf;
                            Array.Copy(branch.Slots, index, slots, index + 1, branch.Slots.Length - index);
                            return Editable(branch, branch.Bitmap | bit, slots);
                        }

                        var child = SetIn(branch.Slots[index], leaf, shift + BitsPerLevel, ref added);
                        if (ReferenceEquals(child, branch.Slots[index]))
                        {
                            return branch;
                        }

                        if (ReferenceEquals(branch.Edit, _edit))
                        {
                            branch.Slots[index] = child;
                            return branch;
                        }

                        var copy = (object[])branch.Slots.Clone();
                        copy[index] = child;
                        return new Branch(branch.Bitmap, copy, _edit);
                    }

                case Leaf existing:
                    if (existing.Hash == leaf.Hash && NameKey.AreEqual(existing.Key, leaf.Key))
                    {
                        return leaf;
                    }

                    added = true;
                    return Split(existing, leaf, shift);

                default:
                    {
                        var collision = (Collision)node;
                        if (collision.Hash != leaf.Hash)
                        {
                            added = true;
                            return Split(collision, leaf, shift);
                        }

                        var leaves = collision.Leaves;
                        for (var i = 0; i < leaves.Length; i++)
                        {
                            if (NameKey.AreEqual(leaves[i].Key, leaf.Key))
                            {
                                var replaced = (Leaf[])leaves.Clone();
                                replaced[i] = leaf;
                                return new Collision(leaf.Hash, replaced);
                            }
                        }

                        added = true;
                        return new Collision(leaf.Hash, [.. leaves, leaf]);
                    }
            }
        }

        /// <summary>
        /// Places an existing node and a new leaf with different keys below a new branch for level
        /// <paramref name="shift"/>, going one level deeper while their hash bits there are equal.
        /// </summary>
        private object Split(object existing, Leaf leaf, int shift)
        {
            var existingHash = existing is Leaf l ? l.Hash : ((Collision)existing).Hash;
            if (existingHash == leaf.Hash)
            {
                Debug.Assert(existing is Leaf, "equal hashes below a collision node are handled by the caller");
                return new Collision(leaf.Hash, [(Leaf)existing, leaf]);
            }

            // Two different 32-bit hashes differ somewhere in the seven levels (shift 0 to 30).
            Debug.Assert(shift <= MaxShift, "different hashes differ within seven levels");
            var bitA = Bit(existingHash, shift);
            var bitB = Bit(leaf.Hash, shift);
            if (bitA == bitB)
            {
                return new Branch(bitA, [Split(existing, leaf, shift + BitsPerLevel)], _edit);
            }

            return bitA < bitB
                ? new Branch(bitA | bitB, [existing, leaf], _edit)
                : new Branch(bitA | bitB, [leaf, existing], _edit);
        }

        /// <summary>Returns the node without the key: the same node when absent, null when it becomes empty.</summary>
        private object? RemoveFrom(object node, string key, uint hash, int shift, ref bool removed)
        {
            switch (node)
            {
                case Branch branch:
                    {
                        var bit = Bit(hash, shift);
                        if ((branch.Bitmap & bit) == 0)
                        {
                            return branch;
                        }

                        var index = BitOperations.PopCount(branch.Bitmap & (bit - 1));
                        var child = RemoveFrom(branch.Slots[index], key, hash, shift + BitsPerLevel, ref removed);
                        if (!removed)
                        {
                            return branch;
                        }

                        if (child is null)
                        {
                            if (branch.Slots.Length == 1)
                            {
                                return null;
                            }

                            var slots = new object[branch.Slots.Length - 1];
                            Array.Copy(branch.Slots, slots, index);
                            Array.Copy(branch.Slots, index + 1, slots, index, slots.Length - index);

                            // A branch left with a single leaf collapses into it, keeping lookups short.
                            if (slots.Length == 1 && slots[0] is not Branch && shift > 0)
                            {
                                return slots[0];
                            }

                            return Editable(branch, branch.Bitmap & ~bit, slots);
                        }

                        if (branch.Slots.Length == 1 && child is not Branch && shift > 0)
                        {
                            return child;
                        }

                        if (ReferenceEquals(branch.Edit, _edit))
                        {
                            branch.Slots[index] = child;
                            return branch;
                        }

                        var copy = (object[])branch.Slots.Clone();
                        copy[index] = child;
                        return new Branch(branch.Bitmap, copy, _edit);
                    }

                case Leaf leaf:
                    if (leaf.Hash == hash && NameKey.AreEqual(leaf.Key, key))
                    {
                        removed = true;
                        return null;
                    }

                    return leaf;

                default:
                    {
                        var collision = (Collision)node;
                        var at = Array.FindIndex(collision.Leaves, l => NameKey.AreEqual(l.Key, key));
                        if (collision.Hash != hash || at < 0)
                        {
                            return collision;
                        }

                        removed = true;
                        if (collision.Leaves.Length == 2)
                        {
                            return collision.Leaves[1 - at];
                        }

                        var rest = new Leaf[collision.Leaves.Length - 1];
                        Array.Copy(collision.Leaves, rest, at);
                        Array.Copy(collision.Leaves, at + 1, rest, at, rest.Length - at);
                        return new Collision(hash, rest);
                    }
            }
        }

        private Branch Editable(Branch branch, uint bitmap, object[] slots)
        {
            if (ReferenceEquals(branch.Edit, _edit))
            {
                branch.Bitmap = bitmap;
                branch.Slots = slots;
                return branch;
            }

            return new Branch(bitmap, slots, _edit);
        }
    }

    /// <summary>An interior node: a bitmap of the 32 possible children and a dense array of the present ones.</summary>
    private sealed class Branch(uint bitmap, object[] slots, object? edit)
    {
        public uint Bitmap = bitmap;
        public object[] Slots = slots;
        public readonly object? Edit = edit;
    }

    private sealed class Leaf(string key, uint hash, T value)
    {
        public readonly string Key = key;
        public readonly uint Hash = hash;
        public readonly T Value = value;
    }

    /// <summary>Different keys whose 32-bit hashes are equal.</summary>
    private sealed class Collision(uint hash, Leaf[] leaves)
    {
        public readonly uint Hash = hash;
        public readonly Leaf[] Leaves = leaves;
    }
}
