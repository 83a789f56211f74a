using System.Diagnostics.Metrics;
using System.Net;
using KubeDns.Records.ArSoft;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KubeDns.Records;

/// <summary>Adds the ARSoft.Tools.Net DNS server to a KubeDns.Records registration.</summary>
public static class KubeDnsRecordsBuilderArSoftExtensions
{
    /// <summary>
    /// Registers a <see cref="ArSoftServer"/> on <paramref name="endpoint"/> (UDP and TCP) as an
    /// <see cref="IHostedService"/>, so a generic host starts and stops it. Each call adds one server; a second call
    /// with the same endpoint adds nothing. The server's meter comes from the container's <see cref="IMeterFactory"/>
    /// when one is registered (the generic host registers one) and the options name none.
    /// </summary>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="endpoint">Where to listen; port 0 picks a free port.</param>
    /// <param name="configure">Further server options (upstreams, limits).</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="endpoint"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IKubeDnsRecordsBuilder AddArSoftServer(this IKubeDnsRecordsBuilder builder, IPEndPoint endpoint, Action<ArSoftServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(endpoint);
        var options = new ArSoftServerOptions { Endpoint = endpoint };
        configure?.Invoke(options);
        options.Validate();

        foreach (var descriptor in builder.Services)
        {
            if (descriptor.ServiceType == typeof(ServerRegistration) && descriptor.ImplementationInstance is ServerRegistration existing
                && existing.Options.Endpoint.Equals(endpoint))
            {
                return builder;
            }
        }

        var registration = new ServerRegistration(options);
        builder.Services.AddSingleton(registration);
        builder.Services.AddSingleton<IHostedService>(provider =>
            new ArSoftServerHostedService(registration.GetServer(provider.GetRequiredService<ClusterState>(), provider.GetService<IMeterFactory>())));
        return builder;
    }

    /// <summary>One registered server: its options, and the server once the container creates it.</summary>
    internal sealed class ServerRegistration(ArSoftServerOptions options)
    {
        private readonly Lock _lock = new();
        private ArSoftServer? _server;

        public ArSoftServerOptions Options { get; } = options;

        public ArSoftServer GetServer(ClusterState state, IMeterFactory? meterFactory)
        {
            lock (_lock)
            {
                return _server ??= new ArSoftServer(state, Options, meterFactory);
            }
        }
    }
}
