using System.Globalization;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// A synthetic cluster for benchmarks: services spread over namespaces of 50, every fifth headless with 5–20 ready
/// endpoints in one slice, every tenth dual-stack, two named ports each. Deterministic for a given size.
/// </summary>
public static class GeneratedCluster
{
    public const int ServicesPerNamespace = 50;

    public static string Namespace(int service) => "ns-" + (service / ServicesPerNamespace).ToString(CultureInfo.InvariantCulture);

    public static string Name(int service) => "svc-" + service.ToString(CultureInfo.InvariantCulture);

    public static bool IsHeadless(int service) => service % 5 == 4;

    public static ClusterChangeBatch Batch(int services)
    {
        var batch = new ClusterChangeBatch();
        for (var i = 0; i < services; i++)
        {
            AddService(batch, i, version: 0);
        }

        return batch;
    }

    public static void AddService(ClusterChangeBatch batch, int i, int version)
    {
        var ns = Namespace(i);
        var name = Name(i);
        var headless = IsHeadless(i);
        string[] ips = headless
            ? [ServiceDescriptor.None]
            : i % 10 == 0 ? [ClusterIP(i), $"fd00:10:96::{i >> 16:x}:{i & 0xffff:x}"] : [ClusterIP(i)];
        batch.Upsert(new ServiceDescriptor
        {
            Namespace = ns,
            Name = name,
            ClusterIPs = [.. ips],
            Ports =
            [
                new ServicePortDescriptor { Name = "http", Port = 80 + version },
                new ServicePortDescriptor { Name = "metrics", Port = 9090 },
            ],
        });

        var endpoints = headless ? 5 + (i % 16) : 3;
        var list = new EndpointDescriptor[endpoints];
        for (var e = 0; e < endpoints; e++)
        {
            var n = (i * 20) + e;
            list[e] = new EndpointDescriptor
            {
                Addresses = [$"10.{128 + ((n >> 16) & 63)}.{(n >> 8) & 255}.{n & 255}"],
                TargetRef = new ObjectReference { Kind = "Pod", Name = $"{name}-{e}" },
            };
        }

        batch.Upsert(new EndpointSliceDescriptor
        {
            Namespace = ns,
            Name = name + "-abcde",
            ServiceName = name,
            Ports = [new EndpointPortDescriptor { Name = "http", Port = 8080 }, new EndpointPortDescriptor { Name = "metrics", Port = 9090 }],
            Endpoints = [.. list],
        });
    }

    public static string ClusterIP(int i) => $"10.{96 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}";

    public static ClusterState Create(int services)
    {
        var state = new ClusterState(new ClusterDnsOptions());
        state.Apply(Batch(services));
        state.MarkSynced();
        return state;
    }
}
