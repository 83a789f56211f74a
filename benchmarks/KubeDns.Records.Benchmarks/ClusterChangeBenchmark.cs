using BenchmarkDotNet.Attributes;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// One change on a 100k-service cluster, applied as a batch and published as a new snapshot: a service upsert (its
/// port changes), an EndpointSlice change (one endpoint of a headless service flips its ready condition; the
/// service has 100 endpoints, the most, or 5, the fewest) and a service delete. Upserts alternate between two prepared versions so every invocation is a real change of
/// constant size; deletes take the next of a pool of ClusterIP services, which the iteration setup puts back
/// (unmeasured). A fixed 256 invocations per iteration and 15 iterations give a median over real samples even under
/// <c>--job short</c>. Target (issue #8): median under 100 µs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[InvocationCount(PoolSize)]
[IterationCount(15)]
public class ClusterChangeBenchmark
{
    private const int PoolSize = 256;

    private readonly KubernetesServiceDescriptor[] _service = new KubernetesServiceDescriptor[2];
    private readonly EndpointSliceDescriptor[] _slice = new EndpointSliceDescriptor[2];
    private readonly EndpointSliceDescriptor[] _smallSlice = new EndpointSliceDescriptor[2];
    private GeneratedCluster _cluster = null!;
    private ClusterState _state = null!;
    private KubernetesServiceDescriptor[] _pool = null!;
    private int _serviceVersion;
    private int _sliceVersion;
    private int _smallSliceVersion;
    private int _deleted;

    [Params(100_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cluster = new GeneratedCluster(Services);
        _state = _cluster.CreateState();
        _service[0] = _cluster.Service(_cluster.Probe, httpPort: 80);
        _service[1] = _cluster.Service(_cluster.Probe, httpPort: 81);
        _slice[0] = _cluster.Slices(_cluster.ProbeHeadless).Single();
        _slice[1] = _cluster.Slices(_cluster.ProbeHeadless, notReady: 7).Single();
        var small = Enumerable.Range(0, Services).First(i => _cluster.IsHeadless(i) && _cluster.EndpointCount(i) == _cluster.MinEndpoints);
        _smallSlice[0] = _cluster.Slices(small).Single();
        _smallSlice[1] = _cluster.Slices(small, notReady: 1).Single();

        // ClusterIP services spread over the whole cluster, never the probes the upserts use.
        var pool = new List<KubernetesServiceDescriptor>(PoolSize);
        var stride = Math.Max(1, Services / PoolSize);
        for (var i = 0; i < Services && pool.Count < PoolSize; i += stride)
        {
            for (var j = i; j < Services; j++)
            {
                if (!_cluster.IsHeadless(j) && j != _cluster.Probe && pool.TrueForAll(s => s.Name != GeneratedCluster.Name(j)))
                {
                    pool.Add(_cluster.Service(j));
                    break;
                }
            }
        }

        _pool = [.. pool];
    }

    /// <summary>Puts back the services the previous iteration deleted.</summary>
    [IterationSetup(Target = nameof(DeleteService))]
    public void RestoreDeleted()
    {
        if (_deleted > 0)
        {
            var batch = new ClusterChangeBatch();
            for (var i = 0; i < Math.Min(_deleted, _pool.Length); i++)
            {
                batch.Upsert(_pool[i]);
            }

            _state.Apply(batch);
        }

        _deleted = 0;
    }

    [Benchmark]
    public uint UpsertService() => _state.Apply(new ClusterChangeBatch().Upsert(_service[++_serviceVersion & 1])).Serial;

    [Benchmark]
    public uint UpsertEndpointSlice_100() => _state.Apply(new ClusterChangeBatch().Upsert(_slice[++_sliceVersion & 1])).Serial;

    [Benchmark]
    public uint UpsertEndpointSlice_5() => _state.Apply(new ClusterChangeBatch().Upsert(_smallSlice[++_smallSliceVersion & 1])).Serial;

    [Benchmark]
    public uint DeleteService()
    {
        var service = _pool[_deleted++ % _pool.Length];
        return _state.Apply(new ClusterChangeBatch().Delete(service.Key)).Serial;
    }
}
