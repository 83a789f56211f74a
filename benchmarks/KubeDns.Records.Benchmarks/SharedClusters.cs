namespace KubeDns.Records.Benchmarks;

/// <summary>
/// Read-only snapshots and naive resolvers reused by every case of one size in the same process. Out of process
/// (BenchmarkDotNet's default) each case builds its own; with <c>--inProcess</c> a 100k-service cluster (about
/// 40 s and 3 GB to build) is built once per benchmark class instead of once per case. Only one size is kept:
/// BenchmarkDotNet runs the cases of one parameter value together, and asking for another size drops the rest.
/// </summary>
public static class SharedClusters
{
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<(int Services, bool Wildcards), ClusterSnapshot> s_snapshots = [];
    private static readonly Dictionary<int, NaiveResolver> s_naive = [];

    /// <summary>The synced snapshot of <c>new GeneratedCluster(services)</c>, with wildcards on or off.</summary>
    public static ClusterSnapshot Snapshot(int services, bool wildcards = false)
    {
        lock (s_lock)
        {
            DropOtherSizes(services);
            if (!s_snapshots.TryGetValue((services, wildcards), out var snapshot))
            {
                snapshot = new GeneratedCluster(services).CreateState(new ClusterDnsOptions { Wildcards = wildcards }).Current;
                s_snapshots.Add((services, wildcards), snapshot);
            }

            return snapshot;
        }
    }

    /// <summary>The naive resolver of <c>new GeneratedCluster(services)</c>.</summary>
    public static NaiveResolver Naive(int services)
    {
        lock (s_lock)
        {
            DropOtherSizes(services);
            if (!s_naive.TryGetValue(services, out var naive))
            {
                naive = new NaiveResolver(new GeneratedCluster(services));
                s_naive.Add(services, naive);
            }

            return naive;
        }
    }

    private static void DropOtherSizes(int services)
    {
        var stale = s_snapshots.Keys.Any(k => k.Services != services) || s_naive.Keys.Any(k => k != services);
        if (stale)
        {
            s_snapshots.Clear();
            s_naive.Clear();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }
}
