using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// Query bytes → parse → resolve → response bytes (<c>DnsWire.TryRespond</c>), as a server's hot path runs it, for
/// the cases of <see cref="ResolveBenchmark"/>. Queries carry EDNS with a 1,232-byte payload; the 100-endpoint headless
/// answer (about 1.6 KB) goes over TCP because it does not fit, the wildcard over UDP (truncated). Target (issue #8):
/// under 500 ns for A, 0 B. The ratio is to ClusterIP A.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SizeFirstOrderer.Config))]
public class WireBenchmark
{
    private readonly byte[] _response = new byte[DnsWire.MaxMessageLength];
    private ClusterSnapshot _snapshot = null!;
    private ClusterSnapshot _wildcards = null!;
    private byte[] _clusterIp = null!;
    private byte[] _dualStack = null!;
    private byte[] _headless = null!;
    private byte[] _srv = null!;
    private byte[] _endpoint = null!;
    private byte[] _ptr = null!;
    private byte[] _nxdomain = null!;
    private byte[] _nodata = null!;
    private byte[] _anyAny = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Services { get; set; }

    /// <summary>The cluster and the queries; throws if a response is not what its benchmark claims.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var cluster = new GeneratedCluster(Services);
        _snapshot = SharedClusters.Snapshot(Services);
        var clusterIp = cluster.Fqdn(cluster.Probe);
        var headless = cluster.Fqdn(cluster.ProbeHeadless);
        _clusterIp = Query(clusterIp, RecordType.A);
        _dualStack = Query(cluster.Fqdn(cluster.ProbeDualStack), RecordType.AAAA);
        _headless = Query(headless, RecordType.A);
        _srv = Query("_http._tcp." + cluster.Fqdn(cluster.ProbeDualStack), RecordType.SRV);
        _endpoint = Query($"{cluster.EndpointName(cluster.ProbeHeadless, 7)}.{headless}", RecordType.A);
        _ptr = Query(GeneratedCluster.ReverseName(cluster.ClusterIP(cluster.Probe)), RecordType.PTR);
        _nxdomain = Query($"web.default.svc.cluster.local.{cluster.Namespace(cluster.Probe)}.svc.cluster.local.", RecordType.A);
        _nodata = Query(clusterIp, RecordType.AAAA);
        _anyAny = Query("any.any.svc.cluster.local.", RecordType.SRV);

        Expect(_snapshot, _clusterIp, DnsTransport.Udp, ResponseCode.NoError, answers: 1);
        Expect(_snapshot, _dualStack, DnsTransport.Udp, ResponseCode.NoError, answers: 1);
        Expect(_snapshot, _headless, DnsTransport.Tcp, ResponseCode.NoError, answers: cluster.MaxEndpoints);
        Expect(_snapshot, _srv, DnsTransport.Udp, ResponseCode.NoError, answers: 1);
        Expect(_snapshot, _endpoint, DnsTransport.Udp, ResponseCode.NoError, answers: 1);
        Expect(_snapshot, _ptr, DnsTransport.Udp, ResponseCode.NoError, answers: 1);
        Expect(_snapshot, _nxdomain, DnsTransport.Udp, ResponseCode.NameError, answers: 0);
        Expect(_snapshot, _nodata, DnsTransport.Udp, ResponseCode.NoError, answers: 0);
    }

    /// <summary>A second snapshot with wildcards on, only for the wildcard case.</summary>
    [GlobalSetup(Target = nameof(AnyAny_Srv_Wildcard_Udp))]
    public void SetupWildcards()
    {
        Setup();
        _wildcards = SharedClusters.Snapshot(Services, wildcards: true);
        Expect(_wildcards, _anyAny, DnsTransport.Udp, ResponseCode.NoError, answers: -1);
    }

    [Benchmark(Baseline = true)]
    public int ClusterIP_A_Udp() => Respond(_snapshot, _clusterIp, DnsTransport.Udp);

    [Benchmark]
    public int DualStack_AAAA_Udp() => Respond(_snapshot, _dualStack, DnsTransport.Udp);

    [Benchmark]
    public int Headless_A_100_Tcp() => Respond(_snapshot, _headless, DnsTransport.Tcp);

    [Benchmark]
    public int Srv_Glue_Udp() => Respond(_snapshot, _srv, DnsTransport.Udp);

    [Benchmark]
    public int Endpoint_A_Udp() => Respond(_snapshot, _endpoint, DnsTransport.Udp);

    [Benchmark]
    public int Ptr_Reverse_Udp() => Respond(_snapshot, _ptr, DnsTransport.Udp);

    [Benchmark]
    public int NxDomain_SearchPath_Udp() => Respond(_snapshot, _nxdomain, DnsTransport.Udp);

    [Benchmark]
    public int NoData_Udp() => Respond(_snapshot, _nodata, DnsTransport.Udp);

    [Benchmark]
    public int AnyAny_Srv_Wildcard_Udp() => Respond(_wildcards, _anyAny, DnsTransport.Udp);

    /// <summary>A query message: ID 0x1234, RD, one question, an EDNS OPT record with a 1,232-byte payload.</summary>
    public static byte[] Query(string name, RecordType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1 };
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)((int)type >> 8), (byte)type, 0, 1]);
        var opt = new byte[11];
        opt[2] = 41;
        BinaryPrimitives.WriteUInt16BigEndian(opt.AsSpan(3), DnsWire.DefaultUdpPayloadSize);
        bytes.AddRange(opt);
        return [.. bytes];
    }

    private int Respond(ClusterSnapshot snapshot, byte[] query, DnsTransport transport) =>
        DnsWire.TryRespond(snapshot, query, _response, transport, default).BytesWritten;

    private static void Expect(ClusterSnapshot snapshot, byte[] query, DnsTransport transport, ResponseCode code, int answers)
    {
        var response = new byte[DnsWire.MaxMessageLength];
        var result = DnsWire.TryRespond(snapshot, query, response, transport, default);
        var count = BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(6));
        if (result.Status != DnsRespondStatus.Respond || result.ResponseCode != code || (answers >= 0 && (count != answers || result.Truncated)))
        {
            throw new InvalidOperationException($"{transport} query of {query.Length} bytes: expected {code} with {answers} answers, got {result} with {count} answers");
        }
    }
}
