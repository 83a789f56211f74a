using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Benchmarks;

/// <summary>Query bytes → parse → resolve → response bytes, as a server's hot path runs it.</summary>
[MemoryDiagnoser]
public class WireBenchmark
{
    private readonly byte[] _response = new byte[65535];
    private ClusterSnapshot _snapshot = null!;
    private byte[] _a = null!;
    private byte[] _srv = null!;
    private byte[] _nxdomain = null!;

    [GlobalSetup]
    public void Setup()
    {
        var state = GeneratedCluster.Create(10_000);
        var batch = new ClusterChangeBatch().Upsert(new ServiceDescriptor
        {
            Namespace = "load",
            Name = "big",
            ClusterIPs = [ServiceDescriptor.None],
            Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
        });
        batch.Upsert(new EndpointSliceDescriptor
        {
            Namespace = "load",
            Name = "big-1",
            ServiceName = "big",
            Ports = [new EndpointPortDescriptor { Name = "http", Port = 8080 }],
            Endpoints = [.. Enumerable.Range(1, 100).Select(i => new EndpointDescriptor { Addresses = [$"10.250.0.{i}"] })],
        });
        state.Apply(batch);
        _snapshot = state.Current;
        _a = Query($"{GeneratedCluster.Name(5000)}.{GeneratedCluster.Namespace(5000)}.svc.cluster.local", 1);
        _srv = Query("_http._tcp.big.load.svc.cluster.local", 33);
        _nxdomain = Query("web.default.svc.cluster.local.ns-3.svc.cluster.local", 1);
    }

    [Benchmark(Baseline = true)]
    public int A_Udp() => DnsWire.TryRespond(_snapshot, _a, _response, DnsTransport.Udp, default).BytesWritten;

    [Benchmark]
    public int Srv100Endpoints_Tcp() => DnsWire.TryRespond(_snapshot, _srv, _response, DnsTransport.Tcp, default).BytesWritten;

    [Benchmark]
    public int NxDomain_Udp() => DnsWire.TryRespond(_snapshot, _nxdomain, _response, DnsTransport.Udp, default).BytesWritten;

    private static byte[] Query(string name, ushort type)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        var opt = new byte[11];
        opt[2] = 41;
        BinaryPrimitives.WriteUInt16BigEndian(opt.AsSpan(3), 1232);
        bytes.AddRange(opt);
        return [.. bytes];
    }
}
