using System.Diagnostics.Metrics;
using System.Net.Sockets;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// The counters both engines publish through System.Diagnostics.Metrics (docs/server.md, "Metrics"), read with a
/// <see cref="MeterListener"/> on the one meter the test's server created.
/// </summary>
public abstract class MetricsTests(Engine engine)
{
    private const string Responses = "kubedns.dns.responses";
    private const string Forwarded = "kubedns.dns.forwarded";
    private const string Dropped = "kubedns.dns.dropped";
    private const string TcpEvicted = "kubedns.dns.tcp.evicted";
    private const string TcpRefused = "kubedns.dns.tcp.refused";
    private const string RrlDropped = "kubedns.dns.rrl.dropped";
    private const string RrlSlipped = "kubedns.dns.rrl.slipped";

    private static string MeterName => KubeDnsServer.MeterName;

    [Fact]
    public async Task Meter_FromFactory_NamedForEngineWithItsObservableCounters()
    {
        using var factory = new TestMeterFactory();
        await using var server = TestServers.Create(engine, ServerFixture.CreateState(), o => o.MeterFactory = factory);
        var meter = Assert.Single(factory.Meters);
        using var readings = new MeterReadings(meter);

        Assert.Equal(MeterName, meter.Name);
        Assert.Equal(
            [
                (Dropped, "{message}", "DNS messages dropped unanswered: runts, responses, failed sends"),
                (Forwarded, "{query}", "DNS queries relayed to an upstream resolver"),
                (Responses, "{response}", "DNS responses sent, by response code and transport"),
                (RrlDropped, "{response}", "UDP answers over the response rate limit, not sent"),
                (RrlSlipped, "{response}", "UDP answers over the response rate limit, sent as an empty truncated reply"),
                (TcpEvicted, "{connection}", "Idle TCP connections closed to make room for a new one"),
                (TcpRefused, "{connection}", "New TCP connections closed at once, over a cap with every other connection mid-query"),
            ],
            readings.Instruments.Select(i => (i.Name, i.Unit, i.Description)).Order());
        Assert.All(readings.Instruments, i => Assert.IsType<ObservableCounter<long>>(i));
    }

    [Fact]
    public async Task Responses_QueriesOverUdpAndTcp_CountedByResponseCodeAndTransport()
    {
        using var factory = new TestMeterFactory();
        await using var server = await TestServers.StartAsync(engine, ServerFixture.CreateState(), o => o.MeterFactory = factory);
        using var readings = new MeterReadings(Assert.Single(factory.Meters));
        var endPoint = server.LocalEndPoint!;

        await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = 1 }.ToBytes());
        await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = 2, Name = "api.backend.svc.cluster.local" }.ToBytes());
        await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = 3, Name = "nope.kiada.svc.cluster.local" }.ToBytes());
        await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = 4, Name = "example.com" }.ToBytes());
        await RawDns.ExchangeUdpAsync(endPoint, RawDns.Header(5, flags: 0x0100, qdcount: 0));
        await RawDns.ExchangeTcpAsync(endPoint, new RawQuery { Id = 6 }.ToBytes());
        await RawDns.ExchangeTcpAsync(endPoint, new RawQuery { Id = 7, Name = "nope.kiada.svc.cluster.local" }.ToBytes());
        await RawDns.ExchangeTcpAsync(endPoint, new RawQuery { Id = 8, Name = "example.com" }.ToBytes());
        await RawDns.ExchangeTcpAsync(endPoint, RawDns.Header(9, flags: 0x0100, qdcount: 0));
        var expected = new Dictionary<string, long>
        {
            ["NOERROR/udp"] = 2,
            ["NXDOMAIN/udp"] = 1,
            ["REFUSED/udp"] = 1,
            ["FORMERR/udp"] = 1,
            ["NOERROR/tcp"] = 1,
            ["NXDOMAIN/tcp"] = 1,
            ["REFUSED/tcp"] = 1,
            ["FORMERR/tcp"] = 1,
        };

        // UDP responses may be counted right after they are sent: wait, bounded.
        var responses = await readings.WaitForAsync(r => r.Responses(), r => r.Count == expected.Count && !r.Except(expected).Any());

        Assert.Equal(expected.OrderBy(p => p.Key), responses.OrderBy(p => p.Key));
        Assert.Equal(0, readings.Total(Forwarded));
        Assert.Equal(0, readings.Total(Dropped));
    }

    [Fact]
    public async Task Dropped_RuntAndResponse_CountedWithoutResponses()
    {
        using var factory = new TestMeterFactory();
        await using var server = await TestServers.StartAsync(engine, ServerFixture.CreateState(), o => o.MeterFactory = factory);
        using var readings = new MeterReadings(Assert.Single(factory.Meters));
        using var client = new UdpClient(AddressFamily.InterNetwork);
        client.Connect(server.LocalEndPoint!);

        await client.SendAsync(new byte[] { 0x12, 0x34, 0x01, 0x00, 0x00 });
        await client.SendAsync(new RawQuery { Id = 0x0603, IsResponse = true }.ToBytes());

        Assert.Equal(2, await readings.WaitForAsync(r => r.Total(Dropped), n => n >= 2));
        Assert.Empty(readings.Responses());
    }

    [Fact]
    public async Task TcpEvicted_NewConnectionAtTheCap_CountedOncePerIdleConnectionClosed()
    {
        using var factory = new TestMeterFactory();
        await using var server = await TestServers.StartAsync(engine, ServerFixture.CreateState(), o =>
        {
            o.MeterFactory = factory;
            o.MaxTcpConnections = 1;
        });
        using var readings = new MeterReadings(Assert.Single(factory.Meters));

        await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, new RawQuery { Id = 1 }.ToBytes());
        await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, new RawQuery { Id = 2 }.ToBytes());
        using var idle = new TcpClient(AddressFamily.InterNetwork);
        await idle.ConnectAsync(server.LocalEndPoint!);
        await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, new RawQuery { Id = 3 }.ToBytes());

        // The first two connections are closed by their clients (no eviction, unless the server saw the next accept
        // before the close); the idle third is evicted by the fourth. At least one, at most three evictions; no refusal.
        var evicted = await readings.WaitForAsync(r => r.Total(TcpEvicted), n => n >= 1);
        Assert.InRange(evicted, 1, 3);
        Assert.Equal(0, readings.Total(TcpRefused));
        Assert.True(await RawDns.SeesCloseAsync(idle.GetStream(), TimeSpan.FromSeconds(3)), "the idle connection was kept at the cap of 1");
    }

    [Fact]
    public async Task Forwarded_OutsideNamesWithUpstream_CountedWithUpstreamResponseCodes()
    {
        await using var upstream = FakeUpstream.Start();
        using var factory = new TestMeterFactory();
        await using var server = await TestServers.StartAsync(engine, ServerFixture.CreateState(), o =>
        {
            o.MeterFactory = factory;
            o.Upstreams.Add(upstream.EndPoint);
        });
        using var readings = new MeterReadings(Assert.Single(factory.Meters));

        var found = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Id = 1, Name = "example.com" }.ToBytes());
        var missing = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Id = 2, Name = "missing.example.com" }.ToBytes());
        await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, new RawQuery { Id = 3, Name = "example.com" }.ToBytes());

        Assert.Equal((0, 3), (found.Rcode, missing.Rcode));
        Assert.Equal(3, await readings.WaitForAsync(r => r.Total(Forwarded), n => n >= 3));
        Assert.Equal(
            new Dictionary<string, long> { ["NOERROR/tcp"] = 1, ["NOERROR/udp"] = 1, ["NXDOMAIN/udp"] = 1 }.OrderBy(p => p.Key),
            (await readings.WaitForAsync(r => r.Responses(), r => r.Values.Sum() >= 3)).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task Meter_FromFactory_LeftToFactoryWhenServerDisposed()
    {
        using var factory = new TestMeterFactory();
        var server = await TestServers.StartAsync(engine, ServerFixture.CreateState(), o => o.MeterFactory = factory);
        using var readings = new MeterReadings(Assert.Single(factory.Meters));
        await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Id = 1 }.ToBytes());

        await server.DisposeAsync();

        // The factory owns its meters: the server's totals stay readable until the factory goes.
        Assert.Equal(new Dictionary<string, long> { ["NOERROR/udp"] = 1 }, readings.Responses());
    }

    [Fact]
    public async Task Meter_WithoutFactory_CreatedByServerAndDisposedWithIt()
    {
        var ours = new AsyncLocal<bool>();
        var instruments = new List<Instrument>();
        var completed = new List<Instrument>();
        using var listener = new MeterListener
        {
            // Instruments are published on the thread that creates them, so the flag singles out this test's server
            // among the servers other tests create meanwhile.
            InstrumentPublished = (instrument, l) =>
            {
                if (ours.Value && instrument.Meter.Name == MeterName)
                {
                    lock (instruments)
                    {
                        instruments.Add(instrument);
                    }

                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) =>
            {
                lock (completed)
                {
                    completed.Add(instrument);
                }
            },
        };
        listener.Start();
        ours.Value = true;
        var server = TestServers.Create(engine, ServerFixture.CreateState());
        ours.Value = false;

        Assert.Equal(7, instruments.Count);
        Assert.Empty(completed);
        await server.DisposeAsync();

        Assert.Equal(instruments.Select(i => i.Name).Order(), completed.Select(i => i.Name).Order());
    }
}

public sealed class NativeMetricsTests() : MetricsTests(Engine.Native);
