using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeDns.Records.Servers.Tests;

/// <summary>The native engine as a hosted service of a generic host (<c>AddKubeDnsRecords().AddKubeDnsServer(…)</c>).</summary>
[Collection(SocketLifecycleGroup.Name)]
public class NativeHostingTests
{
    [Fact]
    public async Task AddKubeDnsServer_GenericHost_ServesExampleClusterUntilStopped()
    {
        using var host = BuildExampleHost();
        var server = host.Services.GetRequiredService<KubeDnsServer>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StartAsync(timeout.Token);

        string udp, tcp;
        IPEndPoint endPoint;
        try
        {
            Assert.True(server.IsRunning);
            endPoint = server.LocalEndPoint!;
            udp = await Dig.RunAsync(endPoint, "quote.kiada.svc.cluster.local", "A");
            tcp = await Dig.RunAsync(endPoint, "+tcp", "_http._tcp.kiada.kiada.svc.cluster.local", "SRV");
        }
        finally
        {
            await host.StopAsync(timeout.Token);
        }

        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(udp, "ANSWER"));
        Assert.Equal(["_http._tcp.kiada.kiada.svc.cluster.local. 5 IN SRV 0 100 80 kiada.kiada.svc.cluster.local."], Dig.Section(tcp, "ANSWER"));
        Assert.False(server.IsRunning);
        Assert.True(TestServers.CanBind(endPoint.Port, out var error), error);
    }

    [Fact]
    public async Task AddKubeDnsServer_GenericHostWithOptions_UsesThem()
    {
        using var host = BuildExampleHost(dns: o => o.Ttl = 30, configure: o => o.MaxUdpPayloadSize = 1400);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StartAsync(timeout.Token);

        string output;
        try
        {
            output = await Dig.RunAsync(host.Services.GetRequiredService<KubeDnsServer>().LocalEndPoint!, "quote.kiada.svc.cluster.local", "A");
        }
        finally
        {
            await host.StopAsync(timeout.Token);
        }

        Assert.Equal(["quote.kiada.svc.cluster.local. 30 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
        Assert.Contains("; EDNS: version: 0, flags:; udp: 1400", output);
    }

    [Fact]
    public async Task AddKubeDnsServer_Twice_OneServerWithBothConfigurations()
    {
        // Each call's configure applies, in call order, to the container's options; one server is registered.
        var services = new ServiceCollection();

        services.AddKubeDnsRecords().AddKubeDnsServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 5354)));
        services.AddKubeDnsRecords().AddKubeDnsServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 5355)));

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(KubeDnsServer));
        await using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IHostedService>());
        Assert.Single(provider.GetServices<KubeDnsServer>());
        Assert.Equal(
            [new IPEndPoint(IPAddress.Loopback, 5354), new IPEndPoint(IPAddress.Loopback, 5355)],
            provider.GetRequiredService<IOptions<KubeDnsServerOptions>>().Value.Endpoints);
    }

    [Fact]
    public async Task AddKubeDnsServer_PortZero_BoundPortReadFromContainerAnswers()
    {
        // The harness a user writes: one ephemeral endpoint, nothing cleared first, the port read back from DI.
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeDnsRecords().AddKubeDnsServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)));
        using var host = builder.Build();
        var state = host.Services.GetRequiredService<ClusterState>();
        state.Apply(ExampleCluster.Batch());
        state.MarkSynced();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StartAsync(timeout.Token);

        IReadOnlyList<IPEndPoint> bound;
        string udp;
        try
        {
            bound = [.. host.Services.GetRequiredService<KubeDnsServer>().LocalEndPoints];
            udp = await Dig.RunAsync(bound[0], "quote.kiada.svc.cluster.local", "A");
        }
        finally
        {
            await host.StopAsync(timeout.Token);
        }

        // Only the endpoint asked for: the 127.0.0.1:5353 default is not bound next to it.
        var endPoint = Assert.Single(bound);
        Assert.Equal(IPAddress.Loopback, endPoint.Address);
        Assert.NotEqual(0, endPoint.Port);
        Assert.NotEqual(KubeDnsServerOptions.DefaultEndpoint.Port, endPoint.Port);
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(udp, "ANSWER"));
    }

    [Fact]
    public async Task AddKubeDnsServer_HostedServiceAndSingleton_SameServer()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeDnsRecords().AddKubeDnsServer(o =>
        {
            o.Endpoints.Clear();
            o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        });
        using var host = builder.Build();
        var server = host.Services.GetRequiredService<KubeDnsServer>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await host.StartAsync(timeout.Token);
        var running = server.IsRunning;
        await host.StopAsync(timeout.Token);

        Assert.True(running, "the hosted service started another server than the registered singleton");
        Assert.False(server.IsRunning);
    }

    [Theory]
    [InlineData("MaxTcpConnections")]
    [InlineData("MaxTcpConnectionsPerClient")]
    [InlineData("MaxUdpPayloadSize")]
    [InlineData("UdpReceivers")]
    [InlineData("UdpBatchSize")]
    [InlineData("TcpIdleTimeout")]
    [InlineData("Endpoints")]
    public async Task AddKubeDnsServer_InvalidOptions_FailsAtResolveNamingOption(string option)
    {
        var builder = new ServiceCollection().AddKubeDnsRecords();
        Action<KubeDnsServerOptions> configure = option switch
        {
            "MaxTcpConnections" => o => o.MaxTcpConnections = 0,
            "MaxTcpConnectionsPerClient" => o => o.MaxTcpConnectionsPerClient = 0,
            "MaxUdpPayloadSize" => o => o.MaxUdpPayloadSize = 100,
            "UdpReceivers" => o => o.UdpReceivers = 0,
            "UdpBatchSize" => o => o.UdpBatchSize = 0,
            "TcpIdleTimeout" => o => o.TcpIdleTimeout = TimeSpan.Zero,
            _ => o => o.Endpoints.Add(null!),
        };

        builder.AddKubeDnsServer(configure);
        await using var provider = builder.Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<KubeDnsServer>);

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKubeDnsServer_InvalidOptionsInAHost_FailsAtStartNamingOptionAndValue()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeDnsRecords().AddKubeDnsServer(o => o.MaxUdpPayloadSize = 100);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("MaxUdpPayloadSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKubeDnsServer_GenericHost_CountsOnHostMeterFactory()
    {
        using var host = BuildExampleHost();

        // The host's factory scopes the meters it creates to itself: listen to this host's meter only.
        var hostFactory = host.Services.GetRequiredService<IMeterFactory>();
        var responses = new List<(string? Code, string? Transport, long Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, hostFactory) && instrument.Name == "kubedns.dns.responses")
                {
                    Assert.Equal(KubeDnsServer.MeterName, instrument.Meter.Name);
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => (string?)t.Value);
            responses.Add((all["dns.response_code"], all["network.transport"], value));
        });
        listener.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StartAsync(timeout.Token);
        try
        {
            await RawDns.ExchangeUdpAsync(host.Services.GetRequiredService<KubeDnsServer>().LocalEndPoint!, new RawQuery().ToBytes());
            listener.RecordObservableInstruments();
        }
        finally
        {
            await host.StopAsync(timeout.Token);
        }

        Assert.Equal([("NOERROR", "udp", 1L)], responses);
    }

    [Fact]
    public async Task AddKubeDnsServer_MeterFactoryInOptions_PreferredToContainerAndKept()
    {
        using var container = new TestMeterFactory();
        using var mine = new TestMeterFactory();
        var services = new ServiceCollection();
        services.AddSingleton<IMeterFactory>(container);
        KubeDnsServerOptions? configured = null;
        services.AddKubeDnsRecords().AddKubeDnsServer(o =>
        {
            o.MeterFactory = mine;
            configured = o;
        });

        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<KubeDnsServer>();

        Assert.Empty(container.Meters);
        Assert.Equal(KubeDnsServer.MeterName, Assert.Single(mine.Meters).Name);
        Assert.Same(mine, configured!.MeterFactory);
    }

    [Fact]
    public async Task AddKubeDnsServer_TwoContainersFromOneCollection_EachServerMetersOnItsOwnContainersFactory()
    {
        // The options are the container's, so each container's factory reaches its own server only.
        var services = new ServiceCollection();
        services.AddKubeDnsRecords().AddKubeDnsServer();
        using var firstFactory = new TestMeterFactory();
        using var secondFactory = new TestMeterFactory();

        services.AddSingleton<IMeterFactory>(firstFactory);
        await using var one = services.BuildServiceProvider();
        services.Replace(ServiceDescriptor.Singleton<IMeterFactory>(secondFactory));
        await using var two = services.BuildServiceProvider();
        _ = one.GetRequiredService<KubeDnsServer>();
        _ = two.GetRequiredService<KubeDnsServer>();

        Assert.Equal(KubeDnsServer.MeterName, Assert.Single(firstFactory.Meters).Name);
        Assert.Equal(KubeDnsServer.MeterName, Assert.Single(secondFactory.Meters).Name);
        Assert.Same(firstFactory, one.GetRequiredService<IOptions<KubeDnsServerOptions>>().Value.MeterFactory);
        Assert.Same(secondFactory, two.GetRequiredService<IOptions<KubeDnsServerOptions>>().Value.MeterFactory);
    }

    [Fact]
    public void AddKubeDnsServer_NullBuilder_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => KubeDnsRecordsBuilderServerExtensions.AddKubeDnsServer(null!));

    [Fact]
    public void AddKubeDnsServer_ProviderDisposedSynchronously_DoesNotThrow()
    {
        var services = new ServiceCollection();
        services.AddKubeDnsRecords().AddKubeDnsServer();
        var provider = services.BuildServiceProvider();
        _ = provider.GetServices<IHostedService>().ToList();

        provider.Dispose();
    }

    /// <summary>A generic host with the native engine on 127.0.0.1 (ephemeral port), serving the synced example cluster.</summary>
    private static IHost BuildExampleHost(Action<ClusterDnsOptions>? dns = null, Action<KubeDnsServerOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeDnsRecords(dns).AddKubeDnsServer(o =>
        {
            o.Endpoints.Clear();
            o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
            configure?.Invoke(o);
        });
        var host = builder.Build();
        var state = host.Services.GetRequiredService<ClusterState>();
        state.Apply(ExampleCluster.Batch());
        state.MarkSynced();
        return host;
    }
}
