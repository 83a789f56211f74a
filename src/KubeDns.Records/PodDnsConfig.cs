using System.Globalization;
using System.Text;
using KubeDns.Records.Naming;

namespace KubeDns.Records;

/// <summary>
/// The DNS configuration the kubelet writes into a pod's <c>/etc/resolv.conf</c> (ClusterFirst policy), and a pure
/// model of how the pod's resolver walks its search list (specification.md §13): which names it tries, in which order,
/// and which answers make it move on.
/// </summary>
public sealed class PodDnsConfig
{
    /// <summary>glibc (≥ 2.26) and the kubelet accept at most this many search domains.</summary>
    public const int MaxSearchDomains = 32;

    private PodDnsConfig(string ns, IReadOnlyList<string> search, int ndots, string nameServer)
    {
        Namespace = ns;
        Search = search;
        Ndots = ndots;
        NameServer = nameServer;
    }

    /// <summary>The pod's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The search domains, without trailing dots: <c>N.svc.Z</c>, <c>svc.Z</c>, <c>Z</c>.</summary>
    public IReadOnlyList<string> Search { get; }

    /// <summary>Names with at least this many dots are tried as-is first (<c>options ndots</c>).</summary>
    public int Ndots { get; }

    /// <summary>The cluster DNS address the pod queries.</summary>
    public string NameServer { get; }

    /// <summary>The configuration of a pod in <paramref name="namespace"/>.</summary>
    /// <param name="namespace">The pod's namespace: an RFC 1123 label.</param>
    /// <param name="zone">The cluster zone; <c>cluster.local</c> by default.</param>
    /// <param name="ndots">The ndots option, 0–15; 5 as the kubelet writes it.</param>
    /// <param name="nameServer">The cluster DNS service address.</param>
    /// <param name="extraSearch">Search domains appended after the cluster's, as from a pod's <c>dnsConfig</c>.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ArgumentException">A value is invalid; the message names it.</exception>
    public static PodDnsConfig ForNamespace(string @namespace, string zone = "cluster.local", int ndots = 5, string nameServer = "10.96.0.10", IEnumerable<string>? extraSearch = null)
    {
        if (!DnsLabels.IsRfc1123Label(@namespace))
        {
            throw new ArgumentException($"namespace: '{@namespace}' is not a valid namespace name (RFC 1123 label).", nameof(@namespace));
        }

        if (zone is null || !DnsLabels.IsHostName(zone))
        {
            throw new ArgumentException($"zone: '{zone}' is not a valid zone name.", nameof(zone));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ndots);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ndots, 15);
        ArgumentException.ThrowIfNullOrEmpty(nameServer);
        zone = zone.TrimEnd('.').ToLowerInvariant();
        var search = new List<string> { OwnerNames.InZone(OwnerNames.Namespace(@namespace), zone), OwnerNames.InZone(OwnerNames.ServiceLabel, zone), zone };
        foreach (var domain in extraSearch ?? [])
        {
            if (search.Count == MaxSearchDomains)
            {
                break;
            }

            search.Add(domain.TrimEnd('.'));
        }

        return new PodDnsConfig(@namespace, search, ndots, nameServer);
    }

    /// <summary>The file the kubelet writes.</summary>
    /// <returns>The resolv.conf text.</returns>
    public string ToResolvConf() => new StringBuilder()
        .Append("search ").Append(string.Join(' ', Search)).Append('\n')
        .Append("nameserver ").Append(NameServer).Append('\n')
        .Append("options ndots:").Append(Ndots.ToString(CultureInfo.InvariantCulture)).Append('\n')
        .ToString();

    /// <summary>The absolute names the resolver tries for <paramref name="name"/>, in order (specification.md §13).</summary>
    /// <param name="name">The name the application asked for.</param>
    /// <param name="resolver">Which resolver's rules.</param>
    /// <returns>Absolute names, each with a trailing dot.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public IReadOnlyList<string> Candidates(string name, PodResolverKind resolver = PodResolverKind.Glibc)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.EndsWith('.'))
        {
            // An absolute name is tried as-is only.
            return [name];
        }

        var dots = name.Count(c => c == '.');
        var asIs = name + ".";
        var searched = Search.Select(domain => $"{name}.{domain}.").ToList();
        if (dots >= Ndots)
        {
            return resolver == PodResolverKind.Musl ? [asIs] : [asIs, .. searched];
        }

        return [.. searched, asIs];
    }

    /// <summary>Resolves a name as a pod in this namespace would, against <paramref name="snapshot"/>.</summary>
    /// <param name="snapshot">The cluster DNS state.</param>
    /// <param name="name">The name the application asked for.</param>
    /// <param name="type">The record type.</param>
    /// <param name="resolver">Which resolver's rules.</param>
    /// <returns>Every candidate tried and the final outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public SearchPathResult Resolve(ClusterSnapshot snapshot, string name, RecordType type = RecordType.A, PodResolverKind resolver = PodResolverKind.Glibc)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var tried = new List<SearchCandidate>();
        foreach (var candidate in Candidates(name, resolver))
        {
            var resolution = snapshot.Resolve(candidate, type);
            var lines = new List<string>();
            foreach (var record in resolution.Answer)
            {
                lines.Add(record.ToString());
            }

            var outcome = new SearchCandidate(candidate, resolution.Kind, resolution.ResponseCode, lines);
            tried.Add(outcome);
            var moveOn = resolution.Kind switch
            {
                ResolutionKind.NameError => true,
                ResolutionKind.NoData or ResolutionKind.NotSynced => resolver == PodResolverKind.Glibc,
                _ => false,
            };
            if (!moveOn)
            {
                // An answer, a NODATA or SERVFAIL that stops this resolver, or a name only the upstream can answer.
                var final = resolution.Kind == ResolutionKind.NotSynced ? null : outcome;
                return new SearchPathResult(name, type, resolver, tried, final);
            }
        }

        return new SearchPathResult(name, type, resolver, tried, null);
    }
}
