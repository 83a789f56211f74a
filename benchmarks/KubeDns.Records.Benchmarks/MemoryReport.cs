using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- memory [SIZES…]</c>: the memory a <c>ClusterState</c> keeps, measured as the managed
/// heap after full, compacting collections with the state alive minus the heap before it was built
/// (<c>GC.GetTotalMemory(true)</c>). It includes everything the state holds: the descriptors it keeps, the indexes
/// and the synthesized records. Three clusters per size: the benchmark cluster (per object = services + endpoints,
/// the unit of CoreDNS's ≈ 1 KB; the descriptors' own share is measured apart, as a batch kept alive), ClusterIP services alone (per service), and two headless clusters that differ only
/// in endpoints per service (per endpoint, the marginal cost). Target (issue #8): half of CoreDNS's ≈ 1 KB per object.
/// </summary>
public static class MemoryReport
{
    /// <summary>Half of CoreDNS's ≈ 1 KB per object (Scaling_CoreDNS.md).</summary>
    public const int TargetBytesPerObject = 512;

    public static readonly int[] DefaultSizes = [1_000, 10_000, 100_000];

    /// <summary>One measurement.</summary>
    public sealed record Row(string Cluster, int Services, long Endpoints, long RetainedBytes, long DescriptorBytes, TimeSpan BuildTime, long AllocatedBytes)
    {
        public double PerObject => (double)RetainedBytes / (Services + Endpoints);
    }

    /// <summary>The figures of one size.</summary>
    public sealed record Result(int Size, Row Cluster, Row ServicesOnly, Row FewEndpoints, Row ManyEndpoints)
    {
        public double BytesPerService => (double)ServicesOnly.RetainedBytes / ServicesOnly.Services;

        public double BytesPerEndpoint =>
            (double)(ManyEndpoints.RetainedBytes - FewEndpoints.RetainedBytes) / (ManyEndpoints.Endpoints - FewEndpoints.Endpoints);
    }

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var sizes = args.Count == 0 ? DefaultSizes : args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        var results = sizes.Select(Measure).ToList();
        Write(results, output);
        return 0;
    }

    public static Result Measure(int size)
    {
        // The headless clusters have a fifth as many services, all headless, 5 or 55 endpoints each.
        var headless = Math.Max(1, size / 5);
        return new Result(
            size,
            Retained("benchmark cluster", new GeneratedCluster(size)),
            Retained("ClusterIP services, no endpoints", new GeneratedCluster(size, 50, headlessEvery: 0, 1, 1, clusterIPEndpoints: 0, dualStackEvery: 10)),
            Retained("headless, 5 endpoints each", new GeneratedCluster(headless, 50, headlessEvery: 1, 5, 5, clusterIPEndpoints: 0, dualStackEvery: 0)),
            Retained("headless, 55 endpoints each", new GeneratedCluster(headless, 50, headlessEvery: 1, 55, 55, clusterIPEndpoints: 0, dualStackEvery: 0)));
    }

    public static void Write(IReadOnlyList<Result> results, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Memory retained by ClusterState (.NET {Environment.Version}, {Environment.ProcessorCount} CPUs, {Environment.OSVersion}, Server GC: {System.Runtime.GCSettings.IsServerGC})");
        output.WriteLine();
        output.WriteLine("| cluster | services | endpoints | retained | per object | of which descriptors | build | allocated by build |");
        output.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var result in results)
        {
            foreach (var row in new[] { result.Cluster, result.ServicesOnly, result.FewEndpoints, result.ManyEndpoints })
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Cluster} | {row.Services:N0} | {row.Endpoints:N0} | {Megabytes(row.RetainedBytes)} | {row.PerObject:N0} B | {(double)row.DescriptorBytes / (row.Services + row.Endpoints):N0} B | {row.BuildTime.TotalMilliseconds:N0} ms | {Megabytes(row.AllocatedBytes)} |"));
            }
        }

        output.WriteLine();
        output.WriteLine("| size | per object (benchmark cluster) | per service (ClusterIP, 2 ports) | per endpoint (headless, marginal) | target ≤ 512 B per object |");
        output.WriteLine("|--:|--:|--:|--:|---|");
        foreach (var result in results)
        {
            var met = result.Cluster.PerObject <= TargetBytesPerObject && result.BytesPerService <= TargetBytesPerObject && result.BytesPerEndpoint <= TargetBytesPerObject;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Size:N0} | {result.Cluster.PerObject:N0} B | {result.BytesPerService:N0} B | {result.BytesPerEndpoint:N0} B | {(met ? "met" : "missed")} |"));
        }
    }

    private static Row Retained(string label, GeneratedCluster cluster)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var (state, time, allocated) = Build(cluster);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(state);
        return new Row(label, cluster.Services, cluster.Endpoints, after - before, Descriptors(cluster), time, allocated);
    }

    /// <summary>The descriptors alone (what the host hands over, which the state keeps): the batch, kept alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Descriptors(GeneratedCluster cluster)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var batch = cluster.Batch();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(batch);
        return after - before;
    }

    /// <summary>Not inlined, so that the batch is unreachable once it returns: only what the state keeps stays.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (ClusterState State, TimeSpan Time, long Allocated) Build(GeneratedCluster cluster)
    {
        var batch = cluster.Batch();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var state = new ClusterState(new ClusterDnsOptions());
        state.Apply(batch);
        state.MarkSynced();
        stopwatch.Stop();
        return (state, stopwatch.Elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N1} MB");
}
