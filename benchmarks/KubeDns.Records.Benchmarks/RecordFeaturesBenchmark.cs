using BenchmarkDotNet.Attributes;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// Pod and namespace-wildcard lookups on a generated cluster (issue #6's costs). PTR and <c>any.any</c> SRV are cases
/// of <see cref="ResolveBenchmark"/>.
/// </summary>
[MemoryDiagnoser]
public class RecordFeaturesBenchmark
{
    private ClusterSnapshot _snapshot = null!;
    private string _pod = null!;
    private string _anyService = null!;

    [Params(10_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cluster = new GeneratedCluster(Services);
        _snapshot = cluster.CreateState(new ClusterDnsOptions { Wildcards = true, Pods = PodRecordMode.Insecure }).Current;
        _pod = $"10-244-1-4.{cluster.Namespace(cluster.Probe)}.pod.cluster.local.";
        _anyService = $"any.{cluster.Namespace(cluster.Probe)}.svc.cluster.local.";
        Answers.Expect(_snapshot, _pod, RecordType.A, ResolutionKind.Answer, 1);
        Answers.Expect(_snapshot, _anyService, RecordType.SRV, ResolutionKind.Answer, -1);
    }

    [Benchmark]
    public int PodInsecure() => Answers.Visit(_snapshot.Resolve(_pod, RecordType.A));

    [Benchmark]
    public int AnyNamespace_Srv() => Answers.Visit(_snapshot.Resolve(_anyService, RecordType.SRV));
}
