using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KubeDns.Records.ArSoft.Tests;

/// <summary><c>AddArSoftQueryHandler</c>: one handler per container, options through Microsoft.Extensions.Options.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void AddArSoftQueryHandler_CalledTwice_OneHandlerWithBothConfigurationsInOrder()
    {
        var services = new ServiceCollection();
        services.AddKubeDnsRecords()
            .AddArSoftQueryHandler(o => o.MaxUdpPayloadSize = 1400)
            .AddArSoftQueryHandler(o =>
            {
                o.MaxUdpPayloadSize += 10;
                o.FallThrough = true;
            });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KubeDnsQueryHandlerOptions>>().Value;

        Assert.Single(services, d => d.ServiceType == typeof(KubeDnsQueryHandler));
        Assert.Equal((1410, true), (options.MaxUdpPayloadSize, options.FallThrough));
        Assert.Same(provider.GetRequiredService<KubeDnsQueryHandler>(), provider.GetRequiredService<KubeDnsQueryHandler>());
    }

    [Fact]
    public void AddArSoftQueryHandler_InvalidOptions_HandlerCreationFailsWithTheOptionsMessage()
    {
        var services = new ServiceCollection();
        services.AddKubeDnsRecords().AddArSoftQueryHandler(o => o.MaxUdpPayloadSize = 100);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<KubeDnsQueryHandler>);

        Assert.Contains("KubeDnsQueryHandlerOptions.MaxUdpPayloadSize: 100 is not in 512..65535.", error.Message);
    }

    [Fact]
    public async Task AddArSoftQueryHandler_InvalidOptions_HostStartFails()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddKubeDnsRecords().AddArSoftQueryHandler(o => o.MaxUdpPayloadSize = 100);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("KubeDnsQueryHandlerOptions.MaxUdpPayloadSize: 100", error.Message);
    }

    [Fact]
    public void AddArSoftQueryHandler_NullBuilder_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => KubeDnsRecordsBuilderArSoftExtensions.AddArSoftQueryHandler(null!));
}
