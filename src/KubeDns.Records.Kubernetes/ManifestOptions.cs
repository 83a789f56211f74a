using KubeDns.Records.Kubernetes.Internal;

namespace KubeDns.Records.Kubernetes;

/// <summary>How <see cref="ClusterManifest"/> reads manifests and completes what people leave out of them.</summary>
public sealed class ManifestOptions
{
    /// <summary>The IPv4 service range used when none is given: kubeadm's default.</summary>
    public const string DefaultIPv4ServiceCidr = "10.96.0.0/12";

    /// <summary>The IPv6 service range used when none is given.</summary>
    public const string DefaultIPv6ServiceCidr = "fd00:10:96::/112";

    /// <summary>The pod range used when none is given: the range Flannel and kubeadm's examples use.</summary>
    public const string DefaultPodCidr = "10.244.0.0/16";

    private string _podCidr = DefaultPodCidr;

    /// <summary>
    /// The service IP ranges (the API server's <c>--service-cluster-ip-range</c>), at most one per family, from which
    /// Services written without a cluster IP get one. A family not listed uses its default
    /// (<see cref="DefaultIPv4ServiceCidr"/>, <see cref="DefaultIPv6ServiceCidr"/>). Empty by default.
    /// </summary>
    public IList<string> ServiceCidrs { get; } = [];

    /// <summary>The namespace of objects whose manifest names none, as <c>kubectl apply</c> without <c>-n</c>. Default <c>default</c>.</summary>
    public string DefaultNamespace { get; set; } = "default";

    /// <summary>
    /// Checks the options without reading a manifest, so that a program can report a bad option as a bad setting
    /// rather than as rejected manifests. Loading checks them too.
    /// </summary>
    /// <exception cref="ManifestException">
    /// An option is invalid. Each error starts with the option's name and gives the value, such as
    /// <c>ManifestOptions.ServiceCidrs: '10.0.0.0/40' is not a network in CIDR notation …</c>.
    /// </exception>
    public void Validate()
    {
        var errors = new List<string>();
        _ = new Internal.ClusterIPAllocator(ServiceCidrs, errors);
        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }
    }

    /// <summary>
    /// Creates the pods that workload controllers would run, so that Services selecting them get endpoints: the
    /// replicas of Deployments, ReplicaSets and StatefulSets (ordinal names, hostname and subdomain), one pod per
    /// DaemonSet, the running pods of Jobs, and an IP for each Pod written without <c>status</c>. Every such pod is
    /// Running and Ready, with an IP from <see cref="PodCidr"/>. Off by default: without it, workloads are skipped
    /// and <see cref="ClusterManifest.ServicesWithoutPods"/> names the Services left without endpoints. The rules
    /// are in docs/manifests.md.
    /// </summary>
    public bool SimulateWorkloads { get; set; }

    /// <summary>
    /// The pod IP range (the cluster's <c>--cluster-cidr</c>) from which simulated pods get their IPs, in order,
    /// from its first usable address. IPv4 or IPv6, host bits zero. Default <see cref="DefaultPodCidr"/>. Read
    /// only when <see cref="SimulateWorkloads"/> is set.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="FormatException">
    /// The value is not a CIDR, has host bits set, or holds fewer than two addresses; the message names the value.
    /// </exception>
    public string PodCidr
    {
        get => _podCidr;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (PodAddressAllocator.Check(value) is { } error)
            {
                throw new FormatException(error);
            }

            _podCidr = value;
        }
    }
}
