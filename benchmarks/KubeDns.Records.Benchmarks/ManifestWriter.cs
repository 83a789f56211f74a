using System.Globalization;
using System.Text;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- generate --out DIR [--services 1000] [--namespaces 20] [--headless 100] [--endpoints 5]</c>:
/// the load test's cluster (benchmarks/load/run.sh) as Kubernetes manifests, plus its query files:
/// <list type="bullet">
/// <item><c>DIR/manifests/ns-N.yaml</c>: the Namespace, its Services and EndpointSlices (no selectors, so the slices are the truth);</item>
/// <item><c>DIR/queries.txt</c>: the dnsperf mix, 70 A and 30 SRV questions plus 10 NXDOMAIN search-path artefacts per 110 lines;</item>
/// <item><c>DIR/sample.txt</c>: questions of every kind whose answers the script compares between servers.</item>
/// </list>
/// </summary>
public static class ManifestWriter
{
    private const int QueryBlocks = 100;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string? directory = null;
        int services = 1000, namespaces = 20, headless = 100, endpoints = 5;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": directory = value; break;
                case "--services": services = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--namespaces": namespaces = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--headless": headless = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--endpoints": endpoints = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}; expected --out, --services, --namespaces, --headless or --endpoints");
            }

            i++;
        }

        if (directory is null)
        {
            throw new ArgumentException("--out DIR is required");
        }

        var cluster = new GeneratedCluster(
            services,
            servicesPerNamespace: (services + namespaces - 1) / namespaces,
            headlessEvery: headless == 0 ? 0 : services / headless,
            minEndpoints: endpoints,
            maxEndpoints: endpoints,
            clusterIPEndpoints: 2,
            dualStackEvery: 10);
        Write(cluster, directory);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {cluster.Services} services in {cluster.Namespaces} namespaces ({Enumerable.Range(0, services).Count(cluster.IsHeadless)} headless, {cluster.Endpoints} endpoints) to {directory}"));
        return 0;
    }

    public static void Write(GeneratedCluster cluster, string directory)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var manifests = Path.Combine(directory, "manifests");
        Directory.CreateDirectory(manifests);
        for (var ns = 0; ns < cluster.Namespaces; ns++)
        {
            var yaml = new StringBuilder();
            var name = GeneratedCluster.NamespaceName(ns);
            yaml.Append(CultureInfo.InvariantCulture, $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n");
            var last = Math.Min(cluster.Services, (ns + 1) * cluster.ServicesPerNamespace);
            for (var i = ns * cluster.ServicesPerNamespace; i < last; i++)
            {
                AppendService(yaml, cluster, i);
                foreach (var slice in cluster.Slices(i))
                {
                    AppendSlice(yaml, slice);
                }
            }

            File.WriteAllText(Path.Combine(manifests, name + ".yaml"), yaml.ToString());
        }

        File.WriteAllLines(Path.Combine(directory, "queries.txt"), Queries(cluster));
        File.WriteAllLines(Path.Combine(directory, "sample.txt"), Sample(cluster));
    }

    /// <summary>The dnsperf input, shuffled with a fixed seed: per 110 lines 70 A, 30 SRV and 10 NXDOMAIN.</summary>
    public static IEnumerable<string> Queries(GeneratedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var random = new Random(8);
        var lines = new List<string>(QueryBlocks * 110);
        for (var block = 0; block < QueryBlocks; block++)
        {
            for (var q = 0; q < 70; q++)
            {
                lines.Add(cluster.Fqdn(random.Next(cluster.Services)) + " A");
            }

            for (var q = 0; q < 30; q++)
            {
                lines.Add($"_{(q % 3 == 0 ? "metrics" : "http")}._tcp.{cluster.Fqdn(random.Next(cluster.Services))} SRV");
            }

            for (var q = 0; q < 10; q++)
            {
                lines.Add(SearchArtefact(cluster, random.Next(cluster.Services), random.Next(cluster.Services), q % 3) + " A");
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lines));
        return lines;
    }

    /// <summary>Questions of every kind the zone file can answer, for the answer comparison.</summary>
    public static IEnumerable<string> Sample(GeneratedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var step = Math.Max(1, cluster.Services / 12);
        for (var i = 0; i < cluster.Services; i += step)
        {
            var name = cluster.Fqdn(i);
            yield return name + " A";
            yield return name + " AAAA";
            yield return $"_http._tcp.{name} SRV";
            yield return $"_metrics._tcp.{name} SRV";
            yield return SearchArtefact(cluster, i, cluster.Services - 1 - i, i % 3) + " A";
        }

        foreach (var i in Enumerable.Range(0, cluster.Services).Where(cluster.IsHeadless).Take(4))
        {
            yield return $"{cluster.EndpointName(i, 0)}.{cluster.Fqdn(i)} A";
            yield return $"_http._tcp.{cluster.Fqdn(i)} SRV";
        }

        foreach (var i in Enumerable.Range(0, cluster.Services).Where(cluster.IsDualStack).Take(4))
        {
            yield return cluster.Fqdn(i) + " AAAA";
        }
    }

    /// <summary>A name a pod's resolver tries before the real one: the full name with a search domain appended.</summary>
    public static string SearchArtefact(GeneratedCluster cluster, int service, int podService, int searchDomain)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var suffix = searchDomain switch
        {
            0 => $"{cluster.Namespace(podService)}.svc.cluster.local.",
            1 => "svc.cluster.local.",
            _ => "cluster.local.",
        };
        return cluster.Fqdn(service) + suffix;
    }

    private static void AppendService(StringBuilder yaml, GeneratedCluster cluster, int i)
    {
        var service = cluster.Service(i);
        yaml.Append(CultureInfo.InvariantCulture, $"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {service.Name}\n  namespace: {service.Namespace}\nspec:\n");
        if (cluster.IsDualStack(i))
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n  clusterIP: {service.ClusterIPs[0]}\n  clusterIPs: [{service.ClusterIPs[0]}, \"{service.ClusterIPs[1]}\"]\n");
        }
        else
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  clusterIP: {service.ClusterIPs[0]}\n");
        }

        yaml.Append("  ports:\n");
        foreach (var port in service.Ports)
        {
            var target = port.Name == "http" ? 8080 : port.Port;
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{name: {port.Name}, port: {port.Port}, targetPort: {target}, protocol: TCP}}\n");
        }
    }

    private static void AppendSlice(StringBuilder yaml, EndpointSliceDescriptor slice)
    {
        yaml.Append(CultureInfo.InvariantCulture,
            $"---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {slice.Name}\n  namespace: {slice.Namespace}\n  labels:\n    kubernetes.io/service-name: {slice.ServiceName}\naddressType: IPv4\nports:\n");
        foreach (var port in slice.Ports)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"- {{name: {port.Name}, port: {port.Port}, protocol: TCP}}\n");
        }

        yaml.Append("endpoints:\n");
        foreach (var endpoint in slice.Endpoints)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"- addresses: [{endpoint.Addresses[0]}]\n");
            if (endpoint.Hostname is not null)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  hostname: {endpoint.Hostname}\n");
            }

            yaml.Append(CultureInfo.InvariantCulture, $"  conditions: {{ready: {(endpoint.IsReady ? "true" : "false")}}}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"  targetRef: {{kind: Pod, name: {endpoint.TargetRef!.Name}, namespace: {slice.Namespace}}}\n");
        }
    }
}
