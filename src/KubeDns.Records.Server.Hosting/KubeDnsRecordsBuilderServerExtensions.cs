using System.Diagnostics.Metrics;
using KubeDns.Records.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KubeDns.Records;

/// <summary>Adds the native DNS engine to a KubeDns.Records registration.</summary>
public static class KubeDnsRecordsBuilderServerExtensions
{
    /// <summary>
    /// Registers a <see cref="KubeDnsServer"/> as an <see cref="IHostedService"/>, so a generic host starts and stops
    /// it, and as a singleton: once the host has started, <c>host.Services.GetRequiredService&lt;KubeDnsServer&gt;()</c>
    /// is the running server, and its <see cref="KubeDnsServer.LocalEndPoints"/> are the bound endpoints, with the
    /// real port of an endpoint configured with port 0 (a test harness's way to a free port). Calling it again adds
    /// nothing. The server's meter comes from the container's <see cref="IMeterFactory"/> when one is registered (the
    /// generic host registers one) and the options name none.
    /// </summary>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="configure">
    /// Endpoints, loops, limits and the forwarder. With no endpoint added the server listens on
    /// <see cref="KubeDnsServerOptions.DefaultEndpoint"/> (127.0.0.1:5353); an endpoint added replaces it.
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IKubeDnsRecordsBuilder AddKubeDnsServer(this IKubeDnsRecordsBuilder builder, Action<KubeDnsServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new KubeDnsServerOptions();
        configure?.Invoke(options);
        options.Validate();
        if (builder.Services.Any(d => d.ServiceType == typeof(KubeDnsServer)))
        {
            return builder;
        }

        builder.Services.AddSingleton(provider => Create(provider, options));
        builder.Services.AddSingleton<IHostedService>(provider => new Hosted(provider.GetRequiredService<KubeDnsServer>()));
        return builder;
    }

    private static KubeDnsServer Create(IServiceProvider provider, KubeDnsServerOptions options)
    {
        var state = provider.GetRequiredService<ClusterState>();
        var meterFactory = options.MeterFactory is null ? provider.GetService<IMeterFactory>() : null;
        if (meterFactory is null)
        {
            return new KubeDnsServer(state, options);
        }

        // The server copies its options, so the container's factory is lent for the construction only: the
        // registration's options stay as configured for any other container built from the same services.
        lock (options)
        {
            options.MeterFactory = meterFactory;
            try
            {
                return new KubeDnsServer(state, options);
            }
            finally
            {
                options.MeterFactory = null;
            }
        }
    }

    private sealed class Hosted(KubeDnsServer server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
    }
}
