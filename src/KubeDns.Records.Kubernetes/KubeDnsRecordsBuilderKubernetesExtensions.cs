using System.Diagnostics.Metrics;
using k8s;
using KubeDns.Records.Kubernetes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KubeDns.Records;

/// <summary>Registers a <see cref="KubernetesFeed"/> that keeps the registered <see cref="ClusterState"/> in step with a live cluster.</summary>
public static class KubeDnsRecordsBuilderKubernetesExtensions
{
    /// <summary>
    /// Feeds the <see cref="ClusterState"/> from the Kubernetes API as a hosted service: started with the host (it does
    /// not wait for the first list: until then the state is not synced, so servers answer SERVFAIL where they would say
    /// NXDOMAIN), stopped with it. The client is the container's <see cref="IKubernetes"/> when one is registered, else
    /// one built from <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/> (<c>KUBECONFIG</c> or
    /// <c>~/.kube/config</c>, else the in-cluster service account). Logs through the container's
    /// <see cref="ILoggerFactory"/> and measures through its <see cref="IMeterFactory"/> unless the options name others.
    /// <see cref="KubernetesFeedOptions.WatchPods"/> starts as true when the cluster options ask for verified pod
    /// records. Safe to call more than once: each call's <paramref name="configure"/> applies, in call order, to the
    /// container's <see cref="KubernetesFeedOptions"/>, and one feed is registered.
    /// </summary>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="configure">Changes the container's feed options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>
    /// Bad options fail when the container creates the feed, and when a generic host starts, with an
    /// <see cref="OptionsValidationException"/> whose message is <see cref="KubernetesFeedOptions.Validate"/>'s.
    /// </remarks>
    public static IKubeDnsRecordsBuilder AddKubernetesFeed(this IKubeDnsRecordsBuilder builder, Action<KubernetesFeedOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Registered before the first call's configure, so that a configure setting WatchPods has the last word.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KubernetesFeedOptions>, WatchPodsWhenVerified>());
        builder.AddKubeDnsOptions(configure, static options => options.Validate());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KubernetesFeedOptions>, ContainerServices>());
        builder.Services.TryAddSingleton(static provider => new KubernetesFeed(
            provider.GetRequiredService<ClusterState>(),
            provider.GetService<IKubernetes>() ?? new k8s.Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()),
            provider.GetRequiredService<IOptions<KubernetesFeedOptions>>().Value));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Hosted>());
        return builder;
    }

    /// <summary>Pods are watched when the cluster options ask for verified pod records (specification.md §9).</summary>
    private sealed class WatchPodsWhenVerified(IOptions<ClusterDnsOptions> cluster) : IConfigureOptions<KubernetesFeedOptions>
    {
        public void Configure(KubernetesFeedOptions options) => options.WatchPods = cluster.Value.Pods == PodRecordMode.Verified;
    }

    /// <summary>Gives the container's options the container's logger and meter factory when the configuration named none.</summary>
    private sealed class ContainerServices(ILoggerFactory? loggers = null, IMeterFactory? meterFactory = null) : IPostConfigureOptions<KubernetesFeedOptions>
    {
        public void PostConfigure(string? name, KubernetesFeedOptions options)
        {
            if (ReferenceEquals(options.Logger, NullLogger.Instance) && loggers is not null)
            {
                options.Logger = loggers.CreateLogger<KubernetesFeed>();
            }

            options.MeterFactory ??= meterFactory;
        }
    }

    private sealed class Hosted(KubernetesFeed feed) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => feed.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => feed.StopAsync(cancellationToken);
    }
}
