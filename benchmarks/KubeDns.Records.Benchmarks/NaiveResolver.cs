namespace KubeDns.Records.Benchmarks;

/// <summary>
/// The review baseline: what a simple implementation would do. Every record of the same cluster as text in a
/// <c>Dictionary&lt;string, string[]&gt;</c> keyed by the lower-cased absolute name and type; per query a
/// <c>Substring</c> and <c>ToLowerInvariant</c> of the name, a concatenated key, every answer record touched, and a
/// second lookup per SRV target for the glue. A miss answers NODATA when the name owns other records and NXDOMAIN otherwise. No wildcards, no empty
/// non-terminals, no case preservation: it only has to be a fair price for the same answer.
/// </summary>
public sealed class NaiveResolver
{
    private readonly Dictionary<string, string[]> _records = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Builds the dictionary from the generated cluster's own model.</summary>
    public NaiveResolver(GeneratedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var temp = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < cluster.Services; i++)
        {
            var owner = cluster.Fqdn(i)[..^1];
            var ports = new[] { ("http", 80), ("metrics", 9090) };
            if (cluster.IsHeadless(i))
            {
                var count = cluster.EndpointCount(i);
                foreach (var (port, number) in ports)
                {
                    for (var e = 0; e < count; e++)
                    {
                        Add(temp, $"_{port}._tcp.{owner}", RecordType.SRV, $"0 {100 / count} {(number == 80 ? 8080 : number)} {cluster.EndpointName(i, e)}.{owner}.");
                    }
                }

                for (var e = 0; e < count; e++)
                {
                    var address = cluster.EndpointAddress(i, e);
                    Add(temp, owner, RecordType.A, address);
                    Add(temp, $"{cluster.EndpointName(i, e)}.{owner}", RecordType.A, address);
                    Add(temp, GeneratedCluster.ReverseName(address)[..^1], RecordType.PTR, $"{cluster.EndpointName(i, e)}.{owner}.");
                }
            }
            else
            {
                foreach (var (port, number) in ports)
                {
                    Add(temp, $"_{port}._tcp.{owner}", RecordType.SRV, $"0 100 {number} {owner}.");
                }

                Add(temp, owner, RecordType.A, cluster.ClusterIP(i));
                Add(temp, GeneratedCluster.ReverseName(cluster.ClusterIP(i))[..^1], RecordType.PTR, owner + ".");
                if (cluster.IsDualStack(i))
                {
                    Add(temp, owner, RecordType.AAAA, cluster.ClusterIPv6(i));
                }
            }
        }

        foreach (var (key, list) in temp)
        {
            _records.Add(key, [.. list]);
        }
    }

    /// <summary>The records in the answer and additional sections, or -1 for NXDOMAIN.</summary>
    public int Resolve(string name, RecordType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Substring(0, name.Length - 1).ToLowerInvariant();
        if (!_records.TryGetValue(lower + "|" + TypeText(type), out var answer))
        {
            return _names.Contains(lower) ? 0 : -1;
        }

        var count = answer.Length;
        var visited = 0;
        foreach (var record in answer)
        {
            // Touch every record, as Answers.Visit does for the snapshot's, so that large answers compare fairly.
            visited += record.Length;
            if (type == RecordType.SRV)
            {
                var target = record.Substring(record.LastIndexOf(' ') + 1).TrimEnd('.').ToLowerInvariant();
                count += _records.TryGetValue(target + "|A", out var a) ? a.Length : 0;
                count += _records.TryGetValue(target + "|AAAA", out var aaaa) ? aaaa.Length : 0;
            }
        }

        LastVisited = visited;
        return count;
    }

    /// <summary>The characters of the last answer's records, so the visit is not optimized away.</summary>
    public int LastVisited { get; private set; }

    private void Add(Dictionary<string, List<string>> temp, string owner, RecordType type, string data)
    {
        var key = owner + "|" + TypeText(type);
        if (!temp.TryGetValue(key, out var list))
        {
            temp.Add(key, list = []);
        }

        list.Add(data);
        _names.Add(owner);
    }

    private static string TypeText(RecordType type) => type switch
    {
        RecordType.A => "A",
        RecordType.AAAA => "AAAA",
        RecordType.SRV => "SRV",
        RecordType.PTR => "PTR",
        _ => "TYPE" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
