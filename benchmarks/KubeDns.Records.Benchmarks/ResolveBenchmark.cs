using BenchmarkDotNet.Attributes;

namespace KubeDns.Records.Benchmarks;

/// <summary>One <c>Resolve</c> call per question on a generated cluster; every record of the answer is visited.</summary>
[MemoryDiagnoser]
public class ResolveBenchmark
{
    private ClusterSnapshot _snapshot = null!;
    private string _clusterIpA = null!;
    private string _headlessA = null!;
    private string _srv = null!;
    private string _nxdomain = null!;
    private string _nodata = null!;

    [Params(1_000, 10_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = GeneratedCluster.Create(Services).Current;
        var middle = (Services / 2) - ((Services / 2) % 5);
        _clusterIpA = $"{GeneratedCluster.Name(middle)}.{GeneratedCluster.Namespace(middle)}.svc.cluster.local.";
        _headlessA = $"{GeneratedCluster.Name(middle + 4)}.{GeneratedCluster.Namespace(middle + 4)}.svc.cluster.local.";
        _srv = $"_http._tcp.{GeneratedCluster.Name(middle + 4)}.{GeneratedCluster.Namespace(middle + 4)}.svc.cluster.local.";
        _nxdomain = $"web.default.svc.cluster.local.{GeneratedCluster.Namespace(middle)}.svc.cluster.local.";
        _nodata = _clusterIpA;
    }

    [Benchmark(Baseline = true)]
    public int ClusterIP_A() => Count(_snapshot.Resolve(_clusterIpA, RecordType.A));

    [Benchmark]
    public int Headless_A() => Count(_snapshot.Resolve(_headlessA, RecordType.A));

    [Benchmark]
    public int Headless_Srv() => Count(_snapshot.Resolve(_srv, RecordType.SRV));

    [Benchmark]
    public int SearchPath_NxDomain() => Count(_snapshot.Resolve(_nxdomain, RecordType.A));

    [Benchmark]
    public int ClusterIP_AAAA_NoData() => Count(_snapshot.Resolve(_nodata, RecordType.AAAA));

    private static int Count(Resolution resolution)
    {
        var n = (int)resolution.ResponseCode;
        foreach (var record in resolution.Answer)
        {
            n += record.Port + (int)record.TimeToLive;
        }

        return n + resolution.Authority.Count + resolution.Additional.Count;
    }
}
