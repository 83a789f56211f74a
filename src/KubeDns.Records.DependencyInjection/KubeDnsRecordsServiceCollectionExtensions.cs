using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KubeDns.Records;

/// <summary>Registers KubeDns.Records with a service collection (docs/public-api.md, "Registration").</summary>
public static class KubeDnsRecordsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ClusterDnsOptions"/> (through Microsoft.Extensions.Options), one <see cref="ClusterState"/>
    /// (the cluster and its resolver) and a <see cref="ClusterSnapshot"/> factory that returns the current snapshot.
    /// Safe to call more than once: each call's <paramref name="configure"/> applies, in call order, to the options
    /// the container creates, and nothing else is registered twice. The options are validated when the container
    /// creates the <see cref="ClusterState"/>, and when a generic host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the container's options; called when the container creates them.</param>
    /// <returns>A builder for the registrations of the other packages.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <remarks>
    /// Bad options fail with an <see cref="OptionsValidationException"/> whose message is
    /// <see cref="ClusterDnsOptions.Validate"/>'s, naming each option and value.
    /// </remarks>
    public static IKubeDnsRecordsBuilder AddKubeDnsRecords(this IServiceCollection services, Action<ClusterDnsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new KubeDnsRecordsBuilder(services);
        builder.AddKubeDnsOptions(configure, static options => options.Validate());
        services.TryAddSingleton(static provider =>
            new ClusterState(provider.GetRequiredService<IOptions<ClusterDnsOptions>>().Value, provider.GetService<TimeProvider>()));
        services.TryAddTransient(static provider => provider.GetRequiredService<ClusterState>().Current);
        return builder;
    }
}
