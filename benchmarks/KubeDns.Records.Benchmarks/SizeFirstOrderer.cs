using System.Collections.Immutable;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// Runs every case of one cluster size before the next size (BenchmarkDotNet otherwise runs category by category),
/// so that <see cref="SharedClusters"/> builds each size once under <c>--inProcess</c>. The summary keeps
/// BenchmarkDotNet's default order and grouping.
/// </summary>
public sealed class SizeFirstOrderer : IOrderer
{
    private static readonly IOrderer Default = DefaultOrderer.Instance;

    public bool SeparateLogicalGroups => Default.SeparateLogicalGroups;

    public IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarksCase, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        Default.GetExecutionOrder(benchmarksCase, order).OrderBy(Size);

    public IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarksCases, Summary summary) =>
        Default.GetSummaryOrder(benchmarksCases, summary);

    public string? GetHighlightGroupKey(BenchmarkCase benchmarkCase) => Default.GetHighlightGroupKey(benchmarkCase);

    public string? GetLogicalGroupKey(ImmutableArray<BenchmarkCase> allBenchmarksCases, BenchmarkCase benchmarkCase) =>
        Default.GetLogicalGroupKey(allBenchmarksCases, benchmarkCase);

    public IEnumerable<IGrouping<string, BenchmarkCase>> GetLogicalGroupOrder(IEnumerable<IGrouping<string, BenchmarkCase>> logicalGroups, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        Default.GetLogicalGroupOrder(logicalGroups, order);

    private static int Size(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Services")?.Value is int services ? services : 0;

    /// <summary>The config that applies the orderer: <c>[Config(typeof(SizeFirstOrderer.Config))]</c>.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() => Orderer = new SizeFirstOrderer();
    }
}
