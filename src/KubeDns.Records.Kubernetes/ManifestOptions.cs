namespace KubeDns.Records.Kubernetes;

/// <summary>How <see cref="ClusterManifest"/> reads manifests and completes what people leave out of them.</summary>
public sealed class ManifestOptions
{
    /// <summary>The IPv4 service range used when none is given: kubeadm's default.</summary>
    public const string DefaultIPv4ServiceCidr = "10.96.0.0/12";

    /// <summary>The IPv6 service range used when none is given.</summary>
    public const string DefaultIPv6ServiceCidr = "fd00:10:96::/112";

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
}
