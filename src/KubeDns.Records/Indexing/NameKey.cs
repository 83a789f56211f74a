using System.Runtime.CompilerServices;
using KubeDns.Records.Naming;

namespace KubeDns.Records.Indexing;

/// <summary>
/// The one notion of key equality in <see cref="NameTrie{T}"/>: lookup, insert and remove all use <see cref="AreEqual"/>,
/// and <see cref="Hash"/> agrees with it (equal keys hash alike). DNS compares names ASCII case-insensitively and folds
/// no other character (RFC 4343 §3), so <c>Quote.Kiada.svc</c> finds <c>quote.kiada.svc</c>; Unicode case folding
/// (<see cref="StringComparison.OrdinalIgnoreCase"/>) would match names DNS keeps apart.
/// </summary>
internal static class NameKey
{
    /// <summary>
    /// A hash that is equal for names that differ only in ASCII case: FNV-1a over case-folded characters, then
    /// a final avalanche (MurmurHash3 fmix32) so the low bits the trie uses first are well mixed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ReadOnlySpan<char> s)
    {
        var h = 2166136261u;
        foreach (var ch in s)
        {
            uint c = ch;
            if (c - 'A' <= 'Z' - 'A')
            {
                c |= 0x20;
            }

            h = (h ^ c) * 16777619u;
        }

        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        return h;
    }

    /// <summary>True when two keys name the same owner (<see cref="DnsLabels.EqualsIgnoreCase"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AreEqual(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => DnsLabels.EqualsIgnoreCase(a, b);
}
