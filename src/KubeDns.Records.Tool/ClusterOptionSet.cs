using System.CommandLine;
using KubeDns.Records.Kubernetes;

namespace KubeDns.Records.Tool;

/// <summary>
/// The options every command shares: where the cluster comes from (<c>--manifests</c>, <c>--service-cidr</c>) and how
/// its records are served (<c>--zone</c>, <c>--reverse-zone</c>, <c>--ttl</c>, …), turned into the library's options.
/// </summary>
internal sealed class ClusterOptionSet
{
    public Option<string[]> Manifests { get; } = new("--manifests", "-f")
    {
        Description = "A manifest file or folder (YAML or JSON; repeatable). Without it, the built-in example cluster.",
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> ServiceCidrs { get; } = new("--service-cidr")
    {
        Description = $"The service IP range for Services written without a clusterIP, one per family (default {ManifestOptions.DefaultIPv4ServiceCidr} and {ManifestOptions.DefaultIPv6ServiceCidr}).",
        HelpName = "CIDR",
    };

    public Option<bool> SimulateWorkloads { get; } = new("--simulate-workloads")
    {
        Description = "Create the pods that Deployments, StatefulSets, ReplicaSets, DaemonSets and Jobs would run, and give Pods without status an IP, all Running and Ready.",
    };

    public Option<string> PodCidr { get; } = new("--pod-cidr")
    {
        Description = $"The pod IP range of --simulate-workloads (default {ManifestOptions.DefaultPodCidr}).",
        HelpName = "CIDR",
    };

    public Option<string[]> Zones { get; } = new("--zone")
    {
        Description = "A cluster zone (repeatable; the first is primary). Default cluster.local.",
        HelpName = "ZONE",
    };

    public Option<string[]> ReverseZones { get; } = new("--reverse-zone")
    {
        Description = "A reverse zone or CIDR (repeatable). Default in-addr.arpa and ip6.arpa.",
        HelpName = "ZONE",
    };

    public Option<int> Ttl { get; } = new("--ttl")
    {
        Description = "The TTL of every record, 0-3600 seconds.",
        DefaultValueFactory = _ => ClusterDnsOptions.DefaultTtl,
        HelpName = "SECONDS",
    };

    public Option<string> Pods { get; } = new Option<string>("--pods")
    {
        Description = "Pod records: disabled (default), insecure or verified.",
        HelpName = "MODE",
    }.OneOf(FeatureOptions.PodModes);

    public Option<bool> Wildcards { get; } = new("--wildcards")
    {
        Description = "Answer * and any labels (off by default: they let clients enumerate the cluster).",
    };

    public Option<bool> EndpointPodNames { get; } = new("--endpoint-pod-names")
    {
        Description = "Name endpoints without a hostname after their pod.",
    };

    public Option<string[]> Namespaces { get; } = new("--namespaces")
    {
        Description = "Serve only these namespaces (comma-separated, repeatable). Default: all.",
        HelpName = "NS,NS",
    };

    public Option<bool> IgnoreEmptyServices { get; } = new("--ignore-empty-services")
    {
        Description = "Treat services without a ready endpoint as absent.",
    };

    public Option<string[]> NameServerAddresses { get; } = new("--nameserver-address")
    {
        Description = "The name server's addresses, answered at ns.dns.<zone> and as the apex NS record's glue (comma-separated, repeatable). Default: kube-system/kube-dns's addresses, else 127.0.0.1.",
        HelpName = "IP,IP",
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Write only errors to standard error: no warnings, summaries or notices.",
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Write more to standard error: every skipped manifest object; with serve, one line per query.",
    };

    /// <summary>Where a live cluster's API server is (<c>--kubeconfig</c>, <c>--in-cluster</c>) and what to watch.</summary>
    public LiveClusterOptions Live { get; } = new();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Manifests, ServiceCidrs, SimulateWorkloads, PodCidr, Zones, ReverseZones, Ttl, Pods, Wildcards, EndpointPodNames, Namespaces, IgnoreEmptyServices, NameServerAddresses, Quiet, Verbose })
        {
            command.Options.Add(option);
        }

        Live.AddTo(command);
    }

    /// <summary>Standard error as <c>--quiet</c> and <c>--verbose</c> ask.</summary>
    /// <exception cref="UsageException">Both were given.</exception>
    public Diagnostics Diagnostics(ParseResult result, TextWriter error)
    {
        var quiet = result.GetValue(Quiet);
        var verbose = result.GetValue(Verbose);
        return quiet && verbose
            ? throw new UsageException("--quiet and --verbose are exclusive: pick less or more on standard error")
            : new Diagnostics(error, quiet, verbose);
    }

    /// <summary>The manifest paths given; empty means the built-in example cluster.</summary>
    public IReadOnlyList<string> Paths(ParseResult result) => result.GetValue(Manifests) ?? [];

    /// <summary>The record options.</summary>
    /// <exception cref="UsageException">An option value is invalid.</exception>
    public ClusterDnsOptions ToDnsOptions(ParseResult result)
    {
        var options = new ClusterDnsOptions { Ttl = result.GetValue(Ttl) };
        Replace(options.Zones, result.GetValue(Zones));
        Replace(options.ReverseZones, result.GetValue(ReverseZones));
        AddEach(options.Namespaces, result.GetValue(Namespaces));
        AddEach(options.NameServerAddresses, result.GetValue(NameServerAddresses));

        options.EndpointPodNames = result.GetValue(EndpointPodNames);
        options.IgnoreEmptyServices = result.GetValue(IgnoreEmptyServices);
        FeatureOptions.ApplyPods(options, result.GetValue(Pods));
        FeatureOptions.ApplyWildcards(options, result.GetValue(Wildcards));
        try
        {
            options.Validate();
        }
        catch (ClusterValidationException e)
        {
            throw new UsageException(string.Join(Environment.NewLine, e.Errors.Select(FlagNamed)), e);
        }

        return options;

        static void AddEach(IList<string> target, string[]? lists)
        {
            foreach (var list in lists ?? [])
            {
                foreach (var value in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    target.Add(value);
                }
            }
        }

        static void Replace(IList<string> target, string[]? values)
        {
            if (values is { Length: > 0 })
            {
                target.Clear();
                foreach (var value in values)
                {
                    target.Add(value);
                }
            }
        }
    }

    /// <summary>
    /// The library names the option it was given (<c>ClusterDnsOptions.Ttl: …</c>, <c>ManifestOptions.ServiceCidrs: …</c>);
    /// the user typed a flag, so the message names that flag instead (<c>--ttl: …</c>).
    /// </summary>
    private static string FlagNamed(string error)
    {
        foreach (var (option, flag) in OptionFlags)
        {
            if (error.StartsWith(option, StringComparison.Ordinal))
            {
                return flag + error[option.Length..];
            }
        }

        return error;
    }

    private static readonly (string Option, string Flag)[] OptionFlags =
    [
        ("ClusterDnsOptions.Ttl:", "--ttl:"),
        ("ClusterDnsOptions.Zones:", "--zone:"),
        ("ClusterDnsOptions.ReverseZones:", "--reverse-zone:"),
        ("ClusterDnsOptions.Namespaces:", "--namespaces:"),
        ("ClusterDnsOptions.NameServerAddresses:", "--nameserver-address:"),
        ("ClusterDnsOptions.Pods:", "--pods:"),
        ("ManifestOptions.ServiceCidrs:", "--service-cidr:"),
    ];

    /// <summary>The options for reading manifests, checked before any manifest is read.</summary>
    /// <exception cref="UsageException">An option value is invalid.</exception>
    public ManifestOptions ToManifestOptions(ParseResult result)
    {
        var options = new ManifestOptions { SimulateWorkloads = result.GetValue(SimulateWorkloads) };
        foreach (var cidr in result.GetValue(ServiceCidrs) ?? [])
        {
            options.ServiceCidrs.Add(cidr);
        }

        if (result.GetValue(PodCidr) is { } podCidr)
        {
            if (!options.SimulateWorkloads)
            {
                throw new UsageException("--pod-cidr gives the IPs of simulated pods; it needs --simulate-workloads");
            }

            try
            {
                options.PodCidr = podCidr;
            }
            catch (FormatException e)
            {
                throw new UsageException($"--pod-cidr: {e.Message}", e);
            }
        }

        try
        {
            options.Validate();
        }
        catch (ManifestException e)
        {
            throw new UsageException(string.Join(Environment.NewLine, e.Errors.Select(FlagNamed)), e);
        }

        return options;
    }

    /// <summary>Reads the cluster: the manifests given, or the built-in example.</summary>
    /// <exception cref="ManifestException">A manifest is bad.</exception>
    public static ClusterManifest Load(IReadOnlyList<string> paths, ManifestOptions options) =>
        paths.Count == 0
            ? ClusterManifest.Parse(ExampleClusterResource.Manifests(), options)
            : ClusterManifest.Load(paths, options);

    /// <summary>
    /// The cluster from manifests (or the example), loaded and synced, its warnings and the summary of skipped
    /// objects on <paramref name="diagnostics"/>; or, with <c>--kubeconfig</c>/<c>--in-cluster</c>, a live cluster
    /// listed once (query and zone: the feed runs until synced, then stops). Returns the manifest applied, for
    /// <c>--watch</c>.
    /// </summary>
    /// <exception cref="UsageException">An option is bad.</exception>
    /// <exception cref="ManifestException">A manifest is bad.</exception>
    public (ClusterState State, ClusterManifest? Manifest, ManifestOptions? ManifestOptions) Build(ParseResult result, Diagnostics diagnostics)
    {
        Live.Validate(result, this, watchManifests: false);
        if (Live.IsLive(result))
        {
            return (LoadLive(result, diagnostics), null, null);
        }

        var dnsOptions = ToDnsOptions(result);
        var manifestOptions = ToManifestOptions(result);
        var manifest = Load(Paths(result), manifestOptions);
        diagnostics.Manifest(manifest, onlyWhenChanged: false);

        if (Paths(result).Count > 0)
        {
            // The built-in example's web-svc selects no pods on purpose (the seed's `kubectl create service`); the
            // hint is for the user's own manifests.
            diagnostics.ServicesWithoutPods(manifest, manifestOptions.SimulateWorkloads);
        }

        var state = CreateState(dnsOptions, diagnostics);
        manifest.ApplyTo(state);
        state.MarkSynced();
        return (state, manifest, manifestOptions);
    }

    /// <summary>
    /// A cluster state that reports each <see cref="ClusterWarning"/> once, when it first appears (a name DNS cannot
    /// encode, left out): <c>zone</c>, <c>query</c> and <c>serve</c> all build theirs here.
    /// </summary>
    public static ClusterState CreateState(ClusterDnsOptions options, Diagnostics diagnostics)
    {
        var state = new ClusterState(options);
        state.Warning += (_, warning) => diagnostics.Warning(warning.ToString());
        return state;
    }

    private ClusterState LoadLive(ParseResult result, Diagnostics diagnostics)
    {
        var dnsOptions = ToDnsOptions(result);
        var client = Live.CreateClient(result);
        var state = CreateState(dnsOptions, diagnostics);
        var logger = new StderrLogger(diagnostics.Writer, diagnostics.IsQuiet ? Microsoft.Extensions.Logging.LogLevel.Error : Microsoft.Extensions.Logging.LogLevel.Warning);
        var timeout = TimeSpan.FromSeconds(result.GetValue(Live.SyncTimeout));
        return LoadLiveAsync().GetAwaiter().GetResult();

        async Task<ClusterState> LoadLiveAsync()
        {
            await using var feed = new KubernetesFeed(state, client, Live.ToFeedOptions(result, dnsOptions, logger));
            await feed.StartAsync().ConfigureAwait(false);
            try
            {
                await feed.WaitForSyncAsync().WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new LiveClusterException($"the API server did not give every initial list within {timeout.TotalSeconds:0} s ({feed.Errors} failed requests; see the warnings above)", e);
            }

            return state;
        }
    }
}
