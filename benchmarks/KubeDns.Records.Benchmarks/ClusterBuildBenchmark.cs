using BenchmarkDotNet.Attributes;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// A full build: a new <c>ClusterState</c>, the whole generated cluster applied as one batch, and the synced snapshot
/// published, as a server does at start-up or after a relist. The descriptors are made once in setup, so only the
/// library's work is measured. Allocated is the transient garbage of a build, not what it keeps (see
/// <c>dotnet run -c Release -- memory</c> for that).
/// </summary>
[MemoryDiagnoser]
public class ClusterBuildBenchmark
{
    private ClusterChangeBatch _batch = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _batch = new GeneratedCluster(Services).Batch();
    }

    [Benchmark]
    public ClusterSnapshot FullBuild()
    {
        var state = new ClusterState(new ClusterDnsOptions());
        state.Apply(_batch);
        return state.MarkSynced();
    }
}
