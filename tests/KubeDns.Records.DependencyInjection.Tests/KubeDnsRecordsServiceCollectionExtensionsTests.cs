using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeDns.Records.DependencyInjection.Tests;

public class KubeDnsRecordsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddKubeDnsRecords_NullServices_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => KubeDnsRecordsServiceCollectionExtensions.AddKubeDnsRecords(null!));
    }

    [Fact]
    public void AddKubeDnsRecords_Resolved_GivesOneClusterStateAndItsCurrentSnapshot()
    {
        var services = new ServiceCollection();
        services.AddKubeDnsRecords();
        using var provider = services.BuildServiceProvider();

        var state = provider.GetRequiredService<ClusterState>();
        Assert.Same(state, provider.GetRequiredService<ClusterState>());
        Assert.Same(state.Current, provider.GetRequiredService<ClusterSnapshot>());
        Assert.Equal(ClusterDnsOptions.DefaultTtl, provider.GetRequiredService<IOptions<ClusterDnsOptions>>().Value.Ttl);

        state.Upsert(new KubernetesServiceDescriptor { Namespace = "kiada", Name = "quote", ClusterIPs = ["10.96.161.97"] });
        state.MarkSynced();
        Assert.Equal("quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97\n", state.Resolve("quote.kiada.svc.cluster.local", RecordType.A).Answer.ToString());
    }

    [Fact]
    public void AddKubeDnsRecords_CalledTwice_RegistersOneStateAndAppliesBothConfigurationsInOrder()
    {
        var services = new ServiceCollection();
        var first = services.AddKubeDnsRecords(o => o.Ttl = 30);
        var second = services.AddKubeDnsRecords(o =>
        {
            o.Zones.Add("corp.example.");
            o.Ttl += 1;
        });

        Assert.Same(services, first.Services);
        Assert.Same(services, second.Services);
        Assert.Single(services, d => d.ServiceType == typeof(ClusterState));
        Assert.Single(services, d => d.ServiceType == typeof(ClusterSnapshot));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<ClusterDnsOptions>));
        using var provider = services.BuildServiceProvider();
        var state = provider.GetRequiredService<ClusterState>();
        state.Upsert(new KubernetesServiceDescriptor { Namespace = "kiada", Name = "quote", ClusterIPs = ["10.96.161.97"] });
        Assert.Equal("quote.kiada.svc.corp.example. 31 IN A 10.96.161.97\n", state.Resolve("quote.kiada.svc.corp.example", RecordType.A).Answer.ToString());
    }

    [Fact]
    public void AddKubeDnsRecords_InvalidOptions_FailsAtFirstResolveNamingOptionAndValue()
    {
        var services = new ServiceCollection();
        services.AddKubeDnsRecords(o => o.Ttl = 4000);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<ClusterState>);

        Assert.Contains("ClusterDnsOptions.Ttl: 4000 is not in 0..3600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKubeDnsRecords_InvalidOptionsInAHost_FailsAtStartNamingOptionAndValue()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeDnsRecords(o => o.Zones.Add("bad zone."));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("ClusterDnsOptions.Zones", error.Message, StringComparison.Ordinal);
        Assert.Contains("bad zone.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKubeDnsRecords_TwoProvidersFromOneCollection_EachOwnsItsOptions()
    {
        // The configure delegate runs on the container's instance, once per container: no caller object is shared.
        var services = new ServiceCollection();
        var seen = new List<ClusterDnsOptions>();
        services.AddKubeDnsRecords(o =>
        {
            seen.Add(o);
            o.Ttl = 7;
        });

        using var one = services.BuildServiceProvider();
        using var two = services.BuildServiceProvider();
        var first = one.GetRequiredService<IOptions<ClusterDnsOptions>>().Value;
        var second = two.GetRequiredService<IOptions<ClusterDnsOptions>>().Value;

        Assert.NotSame(first, second);
        Assert.Equal([first, second], seen);
        Assert.NotSame(one.GetRequiredService<ClusterState>(), two.GetRequiredService<ClusterState>());
        Assert.Equal(7, second.Ttl);
    }

    [Fact]
    public void AddKubeDnsRecords_TimeProviderRegistered_IsUsedForSerials()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedTime(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        services.AddKubeDnsRecords();
        using var provider = services.BuildServiceProvider();

        var serial = provider.GetRequiredService<ClusterState>().Current.Serial;

        Assert.Equal((uint)new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), serial);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
