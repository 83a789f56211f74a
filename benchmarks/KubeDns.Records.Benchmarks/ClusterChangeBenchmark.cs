using BenchmarkDotNet.Attributes;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// The cost of one change on a large cluster: upserting one service (and its slice) and deleting one, applied as a
/// batch and published as a new snapshot. The cluster is built once; each invocation changes the same service back
/// and forth, so the cluster size stays constant.
/// </summary>
[MemoryDiagnoser]
public class ClusterChangeBenchmark
{
    private ClusterState _state = null!;
    private int _version;

    [Params(100_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup() => _state = GeneratedCluster.Create(Services);

    [Benchmark]
    public uint UpsertOneService()
    {
        var batch = new ClusterChangeBatch();
        GeneratedCluster.AddService(batch, Services / 2, ++_version & 1);
        return _state.Apply(batch).Serial;
    }

    [Benchmark]
    public uint UpsertOneHeadlessService()
    {
        var batch = new ClusterChangeBatch();
        GeneratedCluster.AddService(batch, (Services / 2) + 4, ++_version & 1);
        return _state.Apply(batch).Serial;
    }

    [Benchmark]
    public uint DeleteAndRestoreOneService()
    {
        var i = (Services / 2) + 1;
        _state.Apply(new ClusterChangeBatch().Delete(ObjectKey.ForService(GeneratedCluster.Namespace(i), GeneratedCluster.Name(i))));
        var batch = new ClusterChangeBatch();
        GeneratedCluster.AddService(batch, i, version: 0);
        return _state.Apply(batch).Serial;
    }
}
