using System.Diagnostics.Metrics;
using KubeDns.Records.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KubeDns.Records;

/// <summary>Adds the DNS server to a KubeDns.Records registration.</summary>
public static class KubeDnsRecordsBuilderServerExtensions
{
    /// <summary>
    /// Registers a <see cref="KubeDnsServer"/> as an <see cref="IHostedService"/>, so a generic host starts and stops
    /// it, and as a singleton: once the host has started, <c>host.Services.GetRequiredService&lt;KubeDnsServer&gt;()</c>
    /// is the running server, and its <see cref="KubeDnsServer.LocalEndPoints"/> are the bound endpoints, with the
    /// real port of an endpoint configured with port 0 (a test harness's way to a free port). Safe to call more than
    /// once: each call's <paramref name="configure"/> applies, in call order, to the container's
    /// <see cref="KubeDnsServerOptions"/>, and one server is registered. The server's meter comes from the
    /// container's <see cref="IMeterFactory"/> when one is registered (the generic host registers one) and the
    /// options name none.
    /// </summary>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="configure">
    /// Endpoints, loops, limits and the forwarder. With no endpoint added the server listens on
    /// <see cref="KubeDnsServerOptions.DefaultEndpoint"/> (127.0.0.1:5353); an endpoint added replaces it.
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>
    /// Bad options fail when the container creates the server, and when a generic host starts, with an
    /// <see cref="OptionsValidationException"/> whose message is <see cref="KubeDnsServerOptions.Validate"/>'s.
    /// </remarks>
    public static IKubeDnsRecordsBuilder AddKubeDnsServer(this IKubeDnsRecordsBuilder builder, Action<KubeDnsServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddKubeDnsOptions(configure, static options => options.Validate());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KubeDnsServerOptions>, ContainerMeterFactory>());
        builder.Services.TryAddSingleton(static provider =>
            new KubeDnsServer(provider.GetRequiredService<ClusterState>(), provider.GetRequiredService<IOptions<KubeDnsServerOptions>>().Value));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Hosted>());
        return builder;
    }

    /// <summary>Gives the container's options the container's meter factory when the configuration named none.</summary>
    private sealed class ContainerMeterFactory(IMeterFactory? meterFactory = null) : IPostConfigureOptions<KubeDnsServerOptions>
    {
        public void PostConfigure(string? name, KubeDnsServerOptions options) => options.MeterFactory ??= meterFactory;
    }

    private sealed class Hosted(KubeDnsServer server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
    }
}
