using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// One <c>ClusterSnapshot.Resolve</c> per question on generated clusters of 1k, 10k and 100k services, every record
/// of the answer visited; each case next to the naive dictionary (<see cref="NaiveResolver"/>, the baseline of its
/// category). Targets (issue #8): 0 B everywhere but the wildcard; ClusterIP A under 100 ns.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SizeFirstOrderer.Config))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ResolveBenchmark
{
    private ClusterSnapshot _snapshot = null!;
    private ClusterSnapshot _wildcards = null!;
    private NaiveResolver _naive = null!;
    private string _clusterIp = null!;
    private string _dualStack = null!;
    private string _headless = null!;
    private string _srv = null!;
    private string _endpoint = null!;
    private string _ptr = null!;
    private string _nxdomain = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Services { get; set; }

    /// <summary>The cluster and the question names; throws if a question does not resolve as its benchmark claims.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var cluster = new GeneratedCluster(Services);
        _snapshot = SharedClusters.Snapshot(Services);
        _clusterIp = cluster.Fqdn(cluster.Probe);
        _dualStack = cluster.Fqdn(cluster.ProbeDualStack);
        _headless = cluster.Fqdn(cluster.ProbeHeadless);
        _srv = "_http._tcp." + _dualStack;
        _endpoint = $"{cluster.EndpointName(cluster.ProbeHeadless, 7)}.{_headless}";
        _ptr = GeneratedCluster.ReverseName(cluster.ClusterIP(cluster.Probe));

        // A pod in the probe's namespace looking up web.default.svc.cluster.local through its first search domain.
        _nxdomain = $"web.default.svc.cluster.local.{cluster.Namespace(cluster.Probe)}.svc.cluster.local.";

        Answers.Expect(_snapshot, _clusterIp, RecordType.A, ResolutionKind.Answer, 1);
        Answers.Expect(_snapshot, _dualStack, RecordType.AAAA, ResolutionKind.Answer, 1);
        Answers.Expect(_snapshot, _headless, RecordType.A, ResolutionKind.Answer, cluster.MaxEndpoints);
        Answers.Expect(_snapshot, _srv, RecordType.SRV, ResolutionKind.Answer, 1, minAdditional: 2);
        Answers.Expect(_snapshot, _endpoint, RecordType.A, ResolutionKind.Answer, 1);
        Answers.Expect(_snapshot, _ptr, RecordType.PTR, ResolutionKind.Answer, 1);
        Answers.Expect(_snapshot, _nxdomain, RecordType.A, ResolutionKind.NameError, 0);
        Answers.Expect(_snapshot, _clusterIp, RecordType.AAAA, ResolutionKind.NoData, 0);
    }

    /// <summary>The naive dictionary too, only for the baselines (it holds every record as text).</summary>
    [GlobalSetup(Targets = [nameof(Naive_ClusterIP_A), nameof(Naive_DualStack_AAAA), nameof(Naive_Headless_A), nameof(Naive_Srv_Glue), nameof(Naive_Endpoint_A), nameof(Naive_Ptr_Reverse), nameof(Naive_NxDomain_SearchPath), nameof(Naive_NoData)])]
    public void SetupNaive()
    {
        Setup();
        var cluster = new GeneratedCluster(Services);
        _naive = SharedClusters.Naive(Services);
        Answers.Expect(_naive, _clusterIp, RecordType.A, 1);
        Answers.Expect(_naive, _headless, RecordType.A, cluster.MaxEndpoints);
        Answers.Expect(_naive, _srv, RecordType.SRV, 3);
        Answers.Expect(_naive, _dualStack, RecordType.AAAA, 1);
        Answers.Expect(_naive, _endpoint, RecordType.A, 1);
        Answers.Expect(_naive, _ptr, RecordType.PTR, 1);
        Answers.Expect(_naive, _nxdomain, RecordType.A, -1);
        Answers.Expect(_naive, _clusterIp, RecordType.AAAA, 0);
    }

    /// <summary>A second snapshot with wildcards on, only for the wildcard case.</summary>
    [GlobalSetup(Target = nameof(AnyAny_Srv_Wildcard))]
    public void SetupWildcards()
    {
        _wildcards = SharedClusters.Snapshot(Services, wildcards: true);
        Answers.Expect(_wildcards, "any.any.svc.cluster.local.", RecordType.SRV, ResolutionKind.Answer, -1);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("ClusterIP A")]
    public int Naive_ClusterIP_A() => _naive.Resolve(_clusterIp, RecordType.A);

    [Benchmark, BenchmarkCategory("ClusterIP A")]
    public int ClusterIP_A() => Answers.Visit(_snapshot.Resolve(_clusterIp, RecordType.A));

    [Benchmark(Baseline = true), BenchmarkCategory("Dual-stack AAAA")]
    public int Naive_DualStack_AAAA() => _naive.Resolve(_dualStack, RecordType.AAAA);

    [Benchmark, BenchmarkCategory("Dual-stack AAAA")]
    public int DualStack_AAAA() => Answers.Visit(_snapshot.Resolve(_dualStack, RecordType.AAAA));

    [Benchmark(Baseline = true), BenchmarkCategory("Headless A (100)")]
    public int Naive_Headless_A() => _naive.Resolve(_headless, RecordType.A);

    [Benchmark, BenchmarkCategory("Headless A (100)")]
    public int Headless_A() => Answers.Visit(_snapshot.Resolve(_headless, RecordType.A));

    [Benchmark(Baseline = true), BenchmarkCategory("SRV + glue")]
    public int Naive_Srv_Glue() => _naive.Resolve(_srv, RecordType.SRV);

    [Benchmark, BenchmarkCategory("SRV + glue")]
    public int Srv_Glue() => Answers.Visit(_snapshot.Resolve(_srv, RecordType.SRV));

    [Benchmark(Baseline = true), BenchmarkCategory("Endpoint A")]
    public int Naive_Endpoint_A() => _naive.Resolve(_endpoint, RecordType.A);

    [Benchmark, BenchmarkCategory("Endpoint A")]
    public int Endpoint_A() => Answers.Visit(_snapshot.Resolve(_endpoint, RecordType.A));

    [Benchmark(Baseline = true), BenchmarkCategory("PTR")]
    public int Naive_Ptr_Reverse() => _naive.Resolve(_ptr, RecordType.PTR);

    [Benchmark, BenchmarkCategory("PTR")]
    public int Ptr_Reverse() => Answers.Visit(_snapshot.Resolve(_ptr, RecordType.PTR));

    [Benchmark(Baseline = true), BenchmarkCategory("NXDOMAIN search path")]
    public int Naive_NxDomain_SearchPath() => _naive.Resolve(_nxdomain, RecordType.A);

    [Benchmark, BenchmarkCategory("NXDOMAIN search path")]
    public int NxDomain_SearchPath() => Answers.Visit(_snapshot.Resolve(_nxdomain, RecordType.A));

    [Benchmark(Baseline = true), BenchmarkCategory("NODATA")]
    public int Naive_NoData() => _naive.Resolve(_clusterIp, RecordType.AAAA);

    [Benchmark, BenchmarkCategory("NODATA")]
    public int NoData() => Answers.Visit(_snapshot.Resolve(_clusterIp, RecordType.AAAA));

    [Benchmark, BenchmarkCategory("any.any SRV")]
    public int AnyAny_Srv_Wildcard() => Answers.Visit(_wildcards.Resolve("any.any.svc.cluster.local.", RecordType.SRV));
}
