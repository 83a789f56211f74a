using System.Collections.Immutable;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;
using KubeDns.Records.Settings;
using KubeDns.Records.Synthesis;

namespace KubeDns.Records.State;

/// <summary>
/// The reverse zones' names (specification.md §8): one node per address some visible service owns, holding its PTR
/// records, and an empty non-terminal for every ancestor of such a name, reference-counted so that a change costs
/// only the addresses it touches.
/// </summary>
internal sealed class ReverseData
{
    public static readonly ReverseData Empty = new(
        NameTrie<NameNode>.Empty,
        ImmutableDictionary<(UInt128, bool), ImmutableArray<PtrOwner>>.Empty,
        ImmutableDictionary.Create<string, int>(StringComparer.Ordinal));

    private ReverseData(NameTrie<NameNode> index, ImmutableDictionary<(UInt128, bool), ImmutableArray<PtrOwner>> owners, ImmutableDictionary<string, int> ancestors)
    {
        Index = index;
        Owners = owners;
        Ancestors = ancestors;
    }

    /// <summary>Absolute reverse names without the trailing dot (<c>9.2.244.10.in-addr.arpa</c>) to nodes.</summary>
    public NameTrie<NameNode> Index { get; }

    public ImmutableDictionary<(UInt128, bool), ImmutableArray<PtrOwner>> Owners { get; }

    public ImmutableDictionary<string, int> Ancestors { get; }

    public Builder ToBuilder(DnsSettings settings) => new(this, settings);

    internal sealed class Builder(ReverseData data, DnsSettings settings)
    {
        private readonly NameTrie<NameNode>.Builder _index = data.Index.ToBuilder();
        private readonly ImmutableDictionary<(UInt128, bool), ImmutableArray<PtrOwner>>.Builder _owners = data.Owners.ToBuilder();
        private readonly ImmutableDictionary<string, int>.Builder _ancestors = data.Ancestors.ToBuilder();
        private readonly HashSet<(UInt128, bool)> _touched = [];

        public void Remove(List<PtrOwner> owners)
        {
            foreach (var owner in owners)
            {
                var key = (owner.Address, owner.IsV6);
                if (_owners.TryGetValue(key, out var list))
                {
                    _owners[key] = list.Remove(owner);
                    _touched.Add(key);
                }
            }
        }

        public void Add(List<PtrOwner> owners)
        {
            foreach (var owner in owners)
            {
                var key = (owner.Address, owner.IsV6);
                var list = _owners.GetValueOrDefault(key, []);
                var at = list.BinarySearch(owner);
                _owners[key] = list.Insert(at < 0 ? ~at : at, owner);
                _touched.Add(key);
            }
        }

        public ReverseData ToImmutable()
        {
            foreach (var (address, isV6) in _touched)
            {
                var name = ReverseName.For(address, isV6);
                var existed = _index.Find(name) is not null;
                var owners = _owners.GetValueOrDefault((address, isV6), []);
                if (owners.IsEmpty)
                {
                    _owners.Remove((address, isV6));
                    if (existed)
                    {
                        _index.Remove(name);
                        Count(name, isV6, -1);
                    }

                    continue;
                }

                _index.Set(name, PtrRecords.Node(name, owners, settings));
                if (!existed)
                {
                    Count(name, isV6, +1);
                }
            }

            return new ReverseData(_index.ToImmutable(), _owners.ToImmutable(), _ancestors.ToImmutable());
        }

        private void Count(string name, bool isV6, int delta)
        {
            foreach (var ancestor in ReverseName.Ancestors(name, isV6))
            {
                var n = _ancestors.GetValueOrDefault(ancestor) + delta;
                if (n > 0)
                {
                    if (n == 1 && delta > 0)
                    {
                        // Ancestors of existing reverse names exist and answer NODATA (RFC 8020, specification.md §8).
                        _index.Set(ancestor, NameNode.EmptyNonTerminal);
                    }

                    _ancestors[ancestor] = n;
                }
                else
                {
                    _ancestors.Remove(ancestor);
                    _index.Remove(ancestor);
                }
            }
        }
    }
}
