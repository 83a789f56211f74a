using System.Diagnostics.Metrics;
using k8s;
using KubeDns.Records.Kubernetes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
    /// <see cref="KubernetesFeedOptions.WatchPods"/> is set when the cluster options ask for verified pod records.
    /// Registering twice keeps the first registration.
    /// </summary>
    /// <param name="builder">The builder from <c>AddKubeDnsRecords</c>.</param>
    /// <param name="configure">Sets the feed's options; they are validated here.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and its value.</exception>
    public static IKubeDnsRecordsBuilder AddKubernetesFeed(this IKubeDnsRecordsBuilder builder, Action<KubernetesFeedOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new KubernetesFeedOptions { WatchPods = builder.Options.Pods == PodRecordMode.Verified };
        configure?.Invoke(options);
        options.Validate();
        foreach (var descriptor in builder.Services)
        {
            if (descriptor.ServiceType == typeof(KubernetesFeed))
            {
                return builder;
            }
        }

        builder.Services.AddSingleton(provider =>
        {
            var configured = options.Copy();
            if (ReferenceEquals(configured.Logger, NullLogger.Instance) && provider.GetService<ILoggerFactory>() is { } loggers)
            {
                configured.Logger = loggers.CreateLogger<KubernetesFeed>();
            }

            configured.MeterFactory ??= provider.GetService<IMeterFactory>();
            var client = provider.GetService<IKubernetes>() ?? new k8s.Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig());
            return new KubernetesFeed(provider.GetRequiredService<ClusterState>(), client, configured);
        });
        builder.Services.AddSingleton<IHostedService>(provider => new Hosted(provider.GetRequiredService<KubernetesFeed>()));
        return builder;
    }

    private sealed class Hosted(KubernetesFeed feed) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => feed.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => feed.StopAsync(cancellationToken);
    }
}
