using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KubeDns.Records;

/// <summary>Registers KubeDns.Records with a service collection (style rule 15).</summary>
public static class KubeDnsRecordsServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="ClusterDnsOptions"/>, one <see cref="ClusterState"/> (the cluster and its resolver)
    /// and a <see cref="ClusterSnapshot"/> factory that returns the current snapshot, all as singletons. Safe to call
    /// more than once: later calls add their configuration to the same options and register nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options; the result is validated before this method returns.</param>
    /// <returns>A builder for adapter registrations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ClusterValidationException">The configured options are invalid; the message names each option and value.</exception>
    /// <exception cref="InvalidOperationException">The cluster state was already created, so the options can no longer change.</exception>
    public static IKubeDnsRecordsBuilder AddKubeDnsRecords(this IServiceCollection services, Action<ClusterDnsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var registration = FindRegistration(services);
        if (registration is null)
        {
            registration = new OptionsRegistration(new ClusterDnsOptions());
            services.AddSingleton(registration);
        }

        if (configure is not null)
        {
            if (registration.IsFrozen)
            {
                throw new InvalidOperationException(
                    "AddKubeDnsRecords: the ClusterState was already created from these options; configure them before the service provider resolves it.");
            }

            configure(registration.Options);
        }

        // Validate at registration so a bad option fails at startup, not at the first query.
        registration.Options.Validate();

        services.TryAddSingleton(registration.Options);
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<OptionsRegistration>();
            options.IsFrozen = true;
            return new ClusterState(options.Options, provider.GetService<TimeProvider>());
        });
        services.TryAddTransient(static provider => provider.GetRequiredService<ClusterState>().Current);
        return new KubeDnsRecordsBuilder(services, registration.Options);
    }

    private static OptionsRegistration? FindRegistration(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(OptionsRegistration) && descriptor.ImplementationInstance is OptionsRegistration registration)
            {
                return registration;
            }
        }

        return null;
    }

    /// <summary>The options shared by every call on one service collection.</summary>
    internal sealed class OptionsRegistration(ClusterDnsOptions options)
    {
        public ClusterDnsOptions Options { get; } = options;

        public bool IsFrozen { get; set; }
    }
}
