using Microsoft.Extensions.DependencyInjection;

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
        Assert.NotNull(provider.GetRequiredService<ClusterDnsOptions>());

        state.Upsert(new KubernetesServiceDescriptor { Namespace = "kiada", Name = "quote", ClusterIPs = ["10.96.161.97"] });
        state.MarkSynced();
        Assert.Equal("quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97\n", state.Resolve("quote.kiada.svc.cluster.local", RecordType.A).Answer.ToString());
    }

    [Fact]
    public void AddKubeDnsRecords_CalledTwice_RegistersOnceAndCombinesConfiguration()
    {
        var services = new ServiceCollection();
        var first = services.AddKubeDnsRecords(o => o.Ttl = 30);
        var count = services.Count;
        var second = services.AddKubeDnsRecords(o => o.Zones.Add("corp.example."));

        Assert.Equal(count, services.Count);
        Assert.Same(first.Options, second.Options);
        Assert.Same(services, second.Services);
        using var provider = services.BuildServiceProvider();
        var state = provider.GetRequiredService<ClusterState>();
        state.Upsert(new KubernetesServiceDescriptor { Namespace = "kiada", Name = "quote", ClusterIPs = ["10.96.161.97"] });
        Assert.Equal("quote.kiada.svc.corp.example. 30 IN A 10.96.161.97\n", state.Resolve("quote.kiada.svc.corp.example", RecordType.A).Answer.ToString());
    }

    [Fact]
    public void AddKubeDnsRecords_InvalidOptions_ThrowsAtRegistrationNamingOptionAndValue()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ClusterValidationException>(() => services.AddKubeDnsRecords(o => o.Ttl = 4000));

        Assert.Contains("ClusterDnsOptions.Ttl: 4000 is not in 0..3600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKubeDnsRecords_ConfigureAfterStateCreated_Throws()
    {
        var services = new ServiceCollection();
        services.AddKubeDnsRecords();
        using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ClusterState>();

        Assert.Throws<InvalidOperationException>(() => services.AddKubeDnsRecords(o => o.Ttl = 10));
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
