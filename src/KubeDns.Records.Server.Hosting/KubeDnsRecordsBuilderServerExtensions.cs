using KubeDns.Records.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KubeDns.Records.DependencyInjection;

/// <summary>Adds the native DNS engine to a KubeDns.Records registration.</summary>
public static class KubeDnsRecordsBuilderServerExtensions
{
    /// <summary>
    /// Registers a <see cref="NativeDnsServer"/> as an <see cref="IHostedService"/>, so a generic host starts and stops
    /// it, and as a singleton for diagnostics. Calling it again adds nothing.
    /// </summary>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="configure">Endpoints, loops, limits and the forwarder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IKubeDnsRecordsBuilder AddKubeDnsServer(this IKubeDnsRecordsBuilder builder, Action<NativeDnsServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new NativeDnsServerOptions();
        configure?.Invoke(options);
        options.Validate();
        if (builder.Services.Any(d => d.ServiceType == typeof(NativeDnsServer)))
        {
            return builder;
        }

        builder.Services.AddSingleton(provider => new NativeDnsServer(provider.GetRequiredService<ClusterState>(), options));
        builder.Services.AddSingleton<IHostedService>(provider => new Hosted(provider.GetRequiredService<NativeDnsServer>()));
        return builder;
    }

    private sealed class Hosted(NativeDnsServer server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
    }
}
