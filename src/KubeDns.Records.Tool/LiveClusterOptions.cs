using System.CommandLine;
using k8s;
using k8s.Exceptions;
using KubeDns.Records.Kubernetes;
using Microsoft.Extensions.Logging;

namespace KubeDns.Records.Tool;

/// <summary>
/// serve's options for a live cluster: where the API server is and what to watch. With either of
/// <c>--kubeconfig</c> or <c>--in-cluster</c>, the cluster comes from the API instead of manifests.
/// </summary>
internal sealed class LiveClusterOptions
{

    public Option<string> Kubeconfig { get; } = new("--kubeconfig")
    {
        Description = "Use the live cluster of this kubeconfig file (its current context) instead of manifests: serve watches it, query and zone list it once.",
        HelpName = "PATH",
    };

    public Option<string> Context { get; } = new("--context")
    {
        Description = "With --kubeconfig: the context to use instead of the file's current one.",
        HelpName = "NAME",
    };

    public Option<bool> InCluster { get; } = new("--in-cluster")
    {
        Description = "Use the live cluster this pod runs in (its service account token and KUBERNETES_SERVICE_HOST).",
    };

    public Option<string> Labels { get; } = new("--labels")
    {
        Description = "With a live cluster: see only Services, EndpointSlices and Pods matching this label selector (CoreDNS's labels).",
        HelpName = "SELECTOR",
    };

    public Option<int> SyncTimeout { get; } = new("--sync-timeout")
    {
        Description = "query and zone with a live cluster: how long to wait for the initial lists, in seconds.",
        DefaultValueFactory = _ => 60,
        HelpName = "SECONDS",
    };

    public Option<string> NamespaceLabels { get; } = new("--namespace-labels")
    {
        Description = "With a live cluster: serve only namespaces matching this label selector.",
        HelpName = "SELECTOR",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Kubeconfig, Context, InCluster, Labels, NamespaceLabels, SyncTimeout })
        {
            command.Options.Add(option);
        }
    }

    public bool IsLive(ParseResult result) => result.GetValue(InCluster) || result.GetValue(Kubeconfig) is not null;

    /// <summary>Checks that the live options are not mixed with the manifest ones; names the clash.</summary>
    public void Validate(ParseResult result, ClusterOptionSet cluster, bool watchManifests, bool serving = false)
    {
        if (serving && result.GetResult(SyncTimeout) is { Implicit: false })
        {
            throw new UsageException("--sync-timeout is for query and zone; serve answers SERVFAIL instead of NXDOMAIN until synced, however long that takes");
        }

        var seconds = result.GetValue(SyncTimeout);
        if (seconds is < 1 or > 3600)
        {
            throw new UsageException($"--sync-timeout: '{seconds}' is not between 1 and 3600 seconds");
        }

        var kubeconfig = result.GetValue(Kubeconfig);
        if (result.GetValue(InCluster) && kubeconfig is not null)
        {
            throw new UsageException("--in-cluster and --kubeconfig are exclusive: pick where the API server is");
        }

        var live = IsLive(result);
        if (!live)
        {
            foreach (var option in new Option[] { Context, Labels, NamespaceLabels, SyncTimeout })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    throw new UsageException($"{option.Name} needs a live cluster (--kubeconfig or --in-cluster)");
                }
            }

            return;
        }

        if (cluster.Paths(result).Count > 0)
        {
            throw new UsageException("--manifests cannot be combined with --kubeconfig/--in-cluster: the cluster comes from one place");
        }

        if (watchManifests)
        {
            throw new UsageException("--watch re-reads manifests; a live cluster is always watched");
        }

        if (result.GetResult(cluster.ServiceCidrs) is { Implicit: false })
        {
            throw new UsageException("--service-cidr completes manifests; a live cluster's API server allocates cluster IPs");
        }

        foreach (var option in new Option[] { cluster.SimulateWorkloads, cluster.PodCidr })
        {
            if (result.GetResult(option) is { Implicit: false })
            {
                throw new UsageException($"{option.Name} completes manifests; a live cluster's pods are real");
            }
        }

        if (result.GetResult(Context) is { Implicit: false } && kubeconfig is null)
        {
            throw new UsageException("--context needs --kubeconfig");
        }
    }

    public IKubernetes CreateClient(ParseResult result)
    {
        try
        {
            var config = result.GetValue(InCluster)
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.GetFullPath(result.GetValue(Kubeconfig)!), result.GetValue(Context));
            return new k8s.Kubernetes(config);
        }
        catch (KubeConfigException e)
        {
            throw new UsageException($"{(result.GetValue(InCluster) ? "--in-cluster" : $"--kubeconfig: '{result.GetValue(Kubeconfig)}'")}: {e.Message}", e);
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException($"--kubeconfig: '{result.GetValue(Kubeconfig)}': no such file", e);
        }
        catch (IOException e)
        {
            throw new UsageException($"--kubeconfig: '{result.GetValue(Kubeconfig)}': {e.Message}", e);
        }
    }

    public KubernetesFeedOptions ToFeedOptions(ParseResult result, ClusterDnsOptions dns, ILogger logger)
    {
        var options = new KubernetesFeedOptions
        {
            LabelSelector = result.GetValue(Labels),
            NamespaceLabelSelector = result.GetValue(NamespaceLabels),
            WatchPods = dns.Pods == PodRecordMode.Verified,
            Logger = logger,
        };
        foreach (var ns in dns.Namespaces)
        {
            options.Namespaces.Add(ns);
        }

        return options;
    }
}

/// <summary>A live cluster could not be read (the API server is unreachable or keeps failing); exit code 1.</summary>
internal sealed class LiveClusterException(string message, Exception inner) : Exception(message, inner);
