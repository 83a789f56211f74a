using System.Net;
using System.Text.Json;

namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// Manifest sets nobody here wrote, as published by their projects (TestData/RealManifests/README.md gives the
/// source, commit and license of each): <c>kubedns zone</c> prints a zone BIND and Knot load, and <c>kubedns query</c>
/// answers the names a user of each set would ask for.
/// </summary>
public class RealManifestTests
{
    /// <summary>The service range used for Services written without a clusterIP (manifests.md, "Cluster IPs").</summary>
    private static readonly IPNetwork DefaultServiceCidr = IPNetwork.Parse("10.96.0.0/12");

    /// <summary>An expected address that the manifest leaves out, so the tool allocates it from the service range.</summary>
    private const string Allocated = "allocated";

    private static readonly string[] SetNames =
    [
        "argo-cd",
        "bookinfo",
        "cassandra",
        "guestbook",
        "guestbook-go",
        "ingress-nginx",
        "kube-prometheus",
        "kubectl-list",
        "microservices-demo",
        "prometheus-operator",
    ];

    public static TheoryData<string> Sets { get; } = new(SetNames);

    /// <summary>
    /// Per set: a name, its type, the status, and the data of the one answer record (<see cref="Allocated"/> for a
    /// ClusterIP the manifest does not give; empty for no answer).
    /// </summary>
    public static TheoryData<string, string, string, string, string> Answers { get; } = new()
    {
        // argo-cd's install.yaml has no namespace: `kubectl apply -n argocd` supplies it; without it, default.
        { "argo-cd", "argocd-server.default.svc.cluster.local", "A", "NOERROR", Allocated },
        { "argo-cd", "_https._tcp.argocd-server.default.svc.cluster.local", "SRV", "NOERROR", "0 100 443 argocd-server.default.svc.cluster.local." },
        { "argo-cd", "argocd-redis.default.svc.cluster.local", "A", "NOERROR", Allocated },
        { "bookinfo", "productpage.default.svc.cluster.local", "A", "NOERROR", Allocated },
        { "bookinfo", "_http._tcp.reviews.default.svc.cluster.local", "SRV", "NOERROR", "0 100 9080 reviews.default.svc.cluster.local." },

        // A headless Service whose StatefulSet has no pods in the manifests has no ready endpoint, so nothing exists
        // at or below its name (specification.md §5).
        { "cassandra", "cassandra.default.svc.cluster.local", "A", "NXDOMAIN", "" },
        { "guestbook", "frontend.default.svc.cluster.local", "A", "NOERROR", Allocated },
        { "guestbook", "redis-master.default.svc.cluster.local", "A", "NOERROR", Allocated },
        { "guestbook-go", "guestbook.default.svc.cluster.local", "A", "NOERROR", Allocated },
        { "guestbook-go", "redis-replica.default.svc.cluster.local", "SRV", "NOERROR", "0 100 6379 redis-replica.default.svc.cluster.local." },
        { "ingress-nginx", "ingress-nginx-controller.ingress-nginx.svc.cluster.local", "A", "NOERROR", Allocated },
        { "ingress-nginx", "_https-webhook._tcp.ingress-nginx-controller-admission.ingress-nginx.svc.cluster.local", "SRV", "NOERROR", "0 100 443 ingress-nginx-controller-admission.ingress-nginx.svc.cluster.local." },
        { "kube-prometheus", "grafana.monitoring.svc.cluster.local", "A", "NOERROR", Allocated },
        { "kube-prometheus", "_web._tcp.prometheus-k8s.monitoring.svc.cluster.local", "SRV", "NOERROR", "0 100 9090 prometheus-k8s.monitoring.svc.cluster.local." },
        { "kube-prometheus", "node-exporter.monitoring.svc.cluster.local", "A", "NXDOMAIN", "" },

        // `kubectl get -o yaml` output: a kind: List whose Service carries the clusterIP the API server gave it.
        { "kubectl-list", "svc1.edit-test.svc.cluster.local", "A", "NOERROR", "10.0.0.248" },
        { "kubectl-list", "_80._tcp.svc1.edit-test.svc.cluster.local", "SRV", "NOERROR", "0 100 81 svc1.edit-test.svc.cluster.local." },
        { "kubectl-list", "248.0.0.10.in-addr.arpa", "PTR", "NOERROR", "svc1.edit-test.svc.cluster.local." },
        { "kubectl-list", "cm1.edit-test.svc.cluster.local", "A", "NXDOMAIN", "" },
        { "microservices-demo", "frontend.default.svc.cluster.local", "A", "NOERROR", Allocated },
        { "microservices-demo", "_grpc._tcp.cartservice.default.svc.cluster.local", "SRV", "NOERROR", "0 100 7070 cartservice.default.svc.cluster.local." },
        { "microservices-demo", "_tcp-redis._tcp.redis-cart.default.svc.cluster.local", "SRV", "NOERROR", "0 100 6379 redis-cart.default.svc.cluster.local." },
        { "prometheus-operator", "prometheus-operator.default.svc.cluster.local", "A", "NXDOMAIN", "" },
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task Zone_RealManifestSet_LoadsInBindAndKnot(string set)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", Folder(set));

        Assert.True(exitCode == 0, $"kubedns zone exited {exitCode}:\n{error}");
        Assert.DoesNotContain("kubedns: error", error, StringComparison.Ordinal);
        Assert.StartsWith("$ORIGIN cluster.local.\ncluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ", output, StringComparison.Ordinal);

        // None of these sets has a kube-system/kube-dns Service: the name server answers 127.0.0.1, the glue that
        // makes the apex NS loadable (specification.md §7).
        Assert.Contains("\ncluster.local. 5 IN NS ns.dns.cluster.local.\nns.dns.cluster.local. 5 IN A 127.0.0.1\n", output, StringComparison.Ordinal);
        await ZoneCheckers.AssertLoadsAsync("cluster.local", output);
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Query_RealManifestSet_Answers(string set, string name, string type, string status, string data)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", name, type, "--json", "--manifests", Folder(set));

        Assert.True(exitCode == 0, $"kubedns query exited {exitCode}:\n{error}");
        using var answer = JsonDocument.Parse(output);
        Assert.Equal(status, answer.RootElement.GetProperty("status").GetString());
        var records = answer.RootElement.GetProperty("answer").EnumerateArray().ToList();
        if (data.Length == 0)
        {
            Assert.Empty(records);
            return;
        }

        var record = Assert.Single(records);
        Assert.Equal(name + ".", record.GetProperty("name").GetString());
        Assert.Equal(type, record.GetProperty("type").GetString());
        var actual = record.GetProperty("data").GetString()!;
        if (data != Allocated)
        {
            Assert.Equal(data, actual);
            return;
        }

        // Allocated as the API server would: from the service range, and reported on standard error with the
        // same address.
        Assert.True(DefaultServiceCidr.Contains(IPAddress.Parse(actual)), $"{actual} is not in {DefaultServiceCidr}");
        var service = name.Split('.');
        Assert.Contains($"(Service {service[1]}/{service[0]}): spec.clusterIP: not set; allocated {actual} from 10.96.0.0/12", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sets_AreTheFoldersUnderTestData()
    {
        var folders = Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "TestData", "RealManifests"))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);

        Assert.Equal(SetNames.Order(StringComparer.Ordinal), folders);
    }

    private static string Folder(string set) => Path.Combine(AppContext.BaseDirectory, "TestData", "RealManifests", set);
}
