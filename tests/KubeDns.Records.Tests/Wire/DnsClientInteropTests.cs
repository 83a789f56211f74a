using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// DnsClient.NET (an independent client) reads what the wire layer writes, served by a minimal UDP loop on
/// 127.0.0.1 with an ephemeral port.
/// </summary>
public sealed class DnsClientInteropTests : IAsyncLifetime, IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly ClusterSnapshot _snapshot = ExampleCluster.Create().Current;
    private Task? _loop;

    private int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public Task InitializeAsync()
    {
        _loop = Task.Run(async () =>
        {
            var buffer = new byte[65535];
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult received;
                try
                {
                    received = await _socket.ReceiveAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var result = DnsWire.TryRespond(_snapshot, received.Buffer, buffer, DnsTransport.Udp, default);
                if (result.Status == DnsRespondStatus.Respond)
                {
                    await _socket.SendAsync(buffer.AsMemory(0, result.BytesWritten), received.RemoteEndPoint);
                }
            }
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }

        Dispose();
    }

    public void Dispose()
    {
        _socket.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task Query_A_ReturnsTheClusterIP()
    {
        var response = await Client().QueryAsync("quote.kiada.svc.cluster.local", QueryType.A);

        Assert.False(response.HasError);
        Assert.True(response.Header.HasAuthorityAnswer);
        Assert.Equal(IPAddress.Parse("10.96.161.97"), Assert.Single(response.Answers.ARecords()).Address);
    }

    [Fact]
    public async Task Query_Srv_ReturnsRecordsAndGlue()
    {
        var response = await Client().QueryAsync("_postgres._tcp.db-headless.data.svc.cluster.local", QueryType.SRV);

        var srv = response.Answers.SrvRecords().ToList();
        Assert.Equal(["db-0.db-headless.data.svc.cluster.local.", "db-1.db-headless.data.svc.cluster.local."], srv.Select(r => r.Target.Value));
        Assert.All(srv, r => Assert.Equal((5432, 50, 0), (r.Port, r.Weight, r.Priority)));
        Assert.Equal(["10.244.3.5", "10.244.3.6"], response.Additionals.ARecords().Select(a => a.Address.ToString()));
    }

    [Fact]
    public async Task Query_Cname_ReturnsTheChain()
    {
        var response = await Client().QueryAsync("quote-alias.kiada.svc.cluster.local", QueryType.A);

        Assert.Equal("quote.kiada.svc.cluster.local.", Assert.Single(response.Answers.CnameRecords()).CanonicalName.Value);
        Assert.Equal("10.96.161.97", Assert.Single(response.Answers.ARecords()).Address.ToString());
    }

    [Fact]
    public async Task Query_Nxdomain_CarriesTheSoa()
    {
        var response = await Client().QueryAsync("nope.kiada.svc.cluster.local", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, response.Header.ResponseCode);
        var soa = Assert.Single(response.Authorities.SoaRecords());
        Assert.Equal("ns.dns.cluster.local.", soa.MName.Value);
        Assert.Equal(5u, soa.Minimum);
    }

    [Fact]
    public async Task Query_Ptr_ReturnsTheServiceName()
    {
        var response = await Client().QueryReverseAsync(IPAddress.Parse("10.96.161.97"));

        Assert.Equal("quote.kiada.svc.cluster.local.", Assert.Single(response.Answers.PtrRecords()).PtrDomainName.Value);
    }

    private LookupClient Client() => new(new LookupClientOptions(new NameServer(IPAddress.Loopback, Port))
    {
        UseCache = false,
        Timeout = TimeSpan.FromSeconds(2),
        Retries = 1,
        UseTcpFallback = false,
        ContinueOnDnsError = false,
    });
}
