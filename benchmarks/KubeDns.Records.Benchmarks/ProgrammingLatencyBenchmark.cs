using BenchmarkDotNet.Attributes;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// DNS programming latency (the Kubernetes SLI, issue #8): the time from applying a one-object change to the first
/// <c>Resolve</c> of the changed name that returns the new answer. <c>Apply</c> publishes synchronously, so this is
/// one <c>Apply</c> and one <c>Resolve</c>; the loop proves it (the result counts extra resolves and should be 0). A
/// service's cluster IP changes, or a headless service of 10 endpoints gains an eleventh, alternating between two prepared versions.
/// </summary>
[MemoryDiagnoser]
public class ProgrammingLatencyBenchmark
{
    private readonly KubernetesServiceDescriptor[] _service = new KubernetesServiceDescriptor[2];
    private readonly byte[][] _address = new byte[2][];
    private readonly EndpointSliceDescriptor[] _slice = new EndpointSliceDescriptor[2];
    private readonly int[] _endpoints = new int[2];
    private ClusterState _state = null!;
    private string _serviceName = null!;
    private string _headlessName = null!;
    private int _serviceVersion;
    private int _sliceVersion;

    [Params(1_000, 10_000, 100_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cluster = new GeneratedCluster(Services);
        _state = cluster.CreateState();

        var service = cluster.Service(cluster.Probe);
        _service[0] = service;
        _service[1] = service with { ClusterIPs = ["10.111.255.254"] };
        _address[0] = System.Net.IPAddress.Parse(cluster.ClusterIP(cluster.Probe)).GetAddressBytes();
        _address[1] = [10, 111, 255, 254];
        _serviceName = cluster.Fqdn(cluster.Probe);

        // A headless service other than the probe, set to 10 endpoints so the figure is the same change at every size.
        var headless = Enumerable.Range(0, Services).First(i => cluster.IsHeadless(i) && i != cluster.ProbeHeadless);
        _endpoints[0] = 10;
        _endpoints[1] = 11;
        _slice[0] = cluster.Slices(headless, endpoints: _endpoints[0]).Single();
        _slice[1] = cluster.Slices(headless, endpoints: _endpoints[1]).Single();
        _headlessName = cluster.Fqdn(headless);
        _state.Apply(new ClusterChangeBatch().Upsert(_slice[0]));

        if (ServiceIPChange() != 0 || ServiceIPChange() != 0 || EndpointAdded() != 0 || EndpointAdded() != 0)
        {
            throw new InvalidOperationException("a change was not visible to the first resolve after Apply");
        }
    }

    [Benchmark]
    public int ServiceIPChange()
    {
        var version = ++_serviceVersion & 1;
        _state.Apply(new ClusterChangeBatch().Upsert(_service[version]));
        var extra = 0;
        while (!HasAddress(_state.Current.Resolve(_serviceName, RecordType.A), _address[version]))
        {
            extra++;
        }

        return extra;
    }

    [Benchmark]
    public int EndpointAdded()
    {
        var version = ++_sliceVersion & 1;
        _state.Apply(new ClusterChangeBatch().Upsert(_slice[version]));
        var extra = 0;
        while (_state.Current.Resolve(_headlessName, RecordType.A).Answer.Count != _endpoints[version])
        {
            extra++;
        }

        return extra;
    }

    private static bool HasAddress(Resolution resolution, byte[] expected)
    {
        Span<byte> address = stackalloc byte[16];
        foreach (var record in resolution.Answer)
        {
            if (record.TryWriteAddress(address, out var written) && address[..written].SequenceEqual(expected))
            {
                return true;
            }
        }

        return false;
    }
}
