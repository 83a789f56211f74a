namespace KubeDns.Records.Benchmarks;

/// <summary>
/// Read-only snapshots and naive resolvers reused by every case of one size in the same process. Out of process
/// (BenchmarkDotNet's default) each case builds its own; with <c>--inProcess</c> a 100k-service cluster (about
/// 40 s and 3 GB to build) is built once per benchmark class instead of once per case. Only one size is kept:
/// BenchmarkDotNet runs the cases of one parameter value together, and asking for another size drops the rest.
/// </summary>
public static class SharedClusters
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<(int Services, bool Wildcards), ClusterSnapshot> Snapshots = [];
    private static readonly Dictionary<int, NaiveResolver> NaiveResolvers = [];

    /// <summary>The synced snapshot of <c>new GeneratedCluster(services)</c>, with wildcards on or off.</summary>
    public static ClusterSnapshot Snapshot(int services, bool wildcards = false)
    {
        lock (Gate)
        {
            DropOtherSizes(services);
            if (!Snapshots.TryGetValue((services, wildcards), out var snapshot))
            {
                snapshot = new GeneratedCluster(services).CreateState(new ClusterDnsOptions { Wildcards = wildcards }).Current;
                Snapshots.Add((services, wildcards), snapshot);
            }

            return snapshot;
        }
    }

    /// <summary>The naive resolver of <c>new GeneratedCluster(services)</c>.</summary>
    public static NaiveResolver Naive(int services)
    {
        lock (Gate)
        {
            DropOtherSizes(services);
            if (!NaiveResolvers.TryGetValue(services, out var naive))
            {
                naive = new NaiveResolver(new GeneratedCluster(services));
                NaiveResolvers.Add(services, naive);
            }

            return naive;
        }
    }

    private static void DropOtherSizes(int services)
    {
        var stale = Snapshots.Keys.Any(k => k.Services != services) || NaiveResolvers.Keys.Any(k => k != services);
        if (stale)
        {
            Snapshots.Clear();
            NaiveResolvers.Clear();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }
}
