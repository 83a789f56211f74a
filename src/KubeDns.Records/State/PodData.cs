using System.Collections.Immutable;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;
using KubeDns.Records.Synthesis;

namespace KubeDns.Records.State;

/// <summary>
/// Pod addresses for Verified pod records (specification.md §9): <c>&lt;dashed-ip&gt;.&lt;ns&gt;</c> to the address
/// record, every pod IP included and compared as a parsed address (the key uses the canonical dashed form).
/// Reference-counted, since pods on the host network share their node's address.
/// </summary>
internal sealed class PodData(NameTrie<PodData.Entry> index)
{
    public static readonly PodData Empty = new(NameTrie<Entry>.Empty);

    public NameTrie<Entry> Index { get; } = index;

    public Builder ToBuilder() => new(Index.ToBuilder());

    /// <summary>The longest key: family letter, 32 hex digits, a dot and a 63-character namespace.</summary>
    public const int MaxKeyLength = 1 + 32 + 1 + DnsLabels.MaxLabelLength;

    /// <summary>
    /// The key of an address in a namespace, <c>4:…0a f4 01 04.kiada</c> in hex: one canonical text per address,
    /// so every spelling of an IPv6 label finds the same pod (§16 i), written without allocating.
    /// </summary>
    public static bool TryFormatKey(UInt128 address, bool isV6, ReadOnlySpan<char> ns, Span<char> destination, out int length)
    {
        length = 0;
        if (ns.Length > DnsLabels.MaxLabelLength || destination.Length < 34 + ns.Length)
        {
            return false;
        }

        destination[0] = isV6 ? '6' : '4';
        if (!address.TryFormat(destination[1..], out var written, "x32", System.Globalization.CultureInfo.InvariantCulture) || written != 32)
        {
            return false;
        }

        destination[33] = '.';
        ns.CopyTo(destination[34..]);
        length = 34 + ns.Length;
        return true;
    }

    public static string Key(UInt128 address, bool isV6, string ns)
    {
        Span<char> key = stackalloc char[MaxKeyLength];
        return TryFormatKey(address, isV6, ns, key, out var length) ? key[..length].ToString() : throw new ArgumentException("namespace too long", nameof(ns));
    }

    internal sealed record Entry(int Count, NameNode Node);

    internal sealed class Builder(NameTrie<Entry>.Builder index)
    {
        public void Add(PodDescriptor pod, uint ttl)
        {
            foreach (var (key, address, isV6) in Keys(pod))
            {
                var entry = index.Find(key);
                if (entry is not null)
                {
                    index.Set(key, entry with { Count = entry.Count + 1 });
                    continue;
                }

                index.Set(key, new Entry(1, PodRecords.Node(address, isV6, pod.Namespace, ttl)));
            }
        }

        public void Remove(PodDescriptor pod)
        {
            foreach (var (key, _, _) in Keys(pod))
            {
                var entry = index.Find(key);
                if (entry is null)
                {
                    continue;
                }

                if (entry.Count > 1)
                {
                    index.Set(key, entry with { Count = entry.Count - 1 });
                }
                else
                {
                    index.Remove(key);
                }
            }
        }

        public PodData ToImmutable() => new(index.ToImmutable());

        private static IEnumerable<(string Key, UInt128 Address, bool IsV6)> Keys(PodDescriptor pod)
        {
            var seen = new HashSet<(UInt128, bool)>();
            foreach (var ip in pod.IPs)
            {
                if (IPText.TryParse(ip, out var address, out var isV6) && seen.Add((address, isV6)))
                {
                    yield return (Key(address, isV6, pod.Namespace), address, isV6);
                }
            }
        }
    }
}
