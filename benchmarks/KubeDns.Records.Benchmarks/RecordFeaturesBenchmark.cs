using BenchmarkDotNet.Attributes;

namespace KubeDns.Records.Benchmarks;

/// <summary>PTR, pod and wildcard lookups on a generated cluster (issue #6's costs).</summary>
[MemoryDiagnoser]
public class RecordFeaturesBenchmark
{
    private ClusterSnapshot _snapshot = null!;
    private string _ptr = null!;
    private string _pod = null!;
    private string _anyKiada = null!;

    [Params(10_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var state = new ClusterState(new ClusterDnsOptions { Wildcards = true, Pods = PodRecordMode.Insecure });
        state.Apply(GeneratedCluster.Batch(Services));
        state.MarkSynced();
        _snapshot = state.Current;
        var middle = (Services / 2) - ((Services / 2) % 5);
        var ip = GeneratedCluster.ClusterIP(middle).Split('.');
        _ptr = $"{ip[3]}.{ip[2]}.{ip[1]}.{ip[0]}.in-addr.arpa.";
        _pod = $"10-244-1-4.{GeneratedCluster.Namespace(middle)}.pod.cluster.local.";
        _anyKiada = $"any.{GeneratedCluster.Namespace(middle)}.svc.cluster.local.";
    }

    [Benchmark]
    public int ReverseLookup() => Count(_snapshot.Resolve(_ptr, RecordType.PTR));

    [Benchmark]
    public int PodInsecure() => Count(_snapshot.Resolve(_pod, RecordType.A));

    [Benchmark]
    public int AnyNamespace_Srv() => Count(_snapshot.Resolve(_anyKiada, RecordType.SRV));

    [Benchmark]
    public int AnyAny_Srv() => Count(_snapshot.Resolve("any.any.svc.cluster.local.", RecordType.SRV));

    private static int Count(Resolution resolution) => resolution.Answer.Count + resolution.Additional.Count + (int)resolution.ResponseCode;
}
