using KubeDns.Records.Settings;

namespace KubeDns.Records;

/// <summary>
/// How the cluster's records are served (specification.md §3). Mutable so that hosts and dependency injection can
/// configure it; a <see cref="ClusterState"/> validates and copies it once, so later changes have no effect there.
/// </summary>
public sealed class ClusterDnsOptions
{
    /// <summary>The default cluster zone.</summary>
    public const string DefaultZone = "cluster.local.";

    /// <summary>The default TTL of every record but <c>dns-version</c> TXT and SOA, in seconds.</summary>
    public const int DefaultTtl = 5;

    /// <summary>The largest accepted <see cref="Ttl"/>, in seconds.</summary>
    public const int MaxTtl = 3600;

    /// <summary>
    /// The cluster zones, such as <c>cluster.local.</c>; the first is the primary (PTR targets). When zones nest,
    /// the longest match wins. A trailing dot is optional. Default: <c>cluster.local.</c>.
    /// </summary>
    public IList<string> Zones { get; } = [DefaultZone];

    /// <summary>
    /// The reverse zones served for PTR records: <c>in-addr.arpa.</c>, <c>ip6.arpa.</c> or zones below them.
    /// Default: both.
    /// </summary>
    public IList<string> ReverseZones { get; } = ["in-addr.arpa.", "ip6.arpa."];

    /// <summary>The TTL of every record, 0–3600 seconds (default 5), except <c>dns-version</c> TXT (28800) and SOA (min(TTL, 300)).</summary>
    public int Ttl { get; set; } = DefaultTtl;

    /// <summary>
    /// When true, an endpoint without a host name is named after its target pod, if that name is a single RFC 1123
    /// label, before falling back to the dashed address (specification.md §6.3; CoreDNS <c>endpoint_pod_names</c>).
    /// </summary>
    public bool EndpointPodNames { get; set; }

    /// <summary>
    /// The namespaces whose objects are served; empty serves all. Objects of other namespaces are invisible and their
    /// <c>&lt;ns&gt;.svc.&lt;zone&gt;</c> is NXDOMAIN.
    /// </summary>
    public IList<string> Namespaces { get; } = [];

    /// <summary>
    /// When true, a ClusterIP, NodePort or LoadBalancer service without a ready endpoint is treated as absent
    /// everywhere (CoreDNS <c>ignore empty_service</c>).
    /// </summary>
    public bool IgnoreEmptyServices { get; set; }

    /// <summary>
    /// The service, as <c>namespace/name</c>, whose addresses answer <c>ns.dns.&lt;zone&gt;</c> and glue the apex NS
    /// record. Default <c>kube-system/kube-dns</c>. Not hidden by <see cref="Namespaces"/> or
    /// <see cref="IgnoreEmptyServices"/>.
    /// </summary>
    public string NameServerService { get; set; } = "kube-system/kube-dns";

    /// <summary>
    /// When not empty, these addresses answer <c>ns.dns.&lt;zone&gt;</c> instead of <see cref="NameServerService"/>'s.
    /// When this is empty and that service has no address either, <c>ns.dns.&lt;zone&gt;</c> answers 127.0.0.1, so the
    /// apex NS record always has an address and the exported zone loads (specification.md §7).
    /// </summary>
    public IList<string> NameServerAddresses { get; } = [];

    /// <summary>Pod records under <c>pod.&lt;zone&gt;</c> (specification.md §9). Default: <see cref="PodRecordMode.Disabled"/>.</summary>
    public PodRecordMode Pods { get; set; } = PodRecordMode.Disabled;

    /// <summary>
    /// When true, <c>*</c> and <c>any</c> labels match every namespace, service, endpoint, port or protocol
    /// (specification.md §10). Off by default: wildcards let any client enumerate the cluster.
    /// </summary>
    public bool Wildcards { get; set; }

    /// <summary>Record order within RRsets. Default: <see cref="RecordOrder.Deterministic"/>.</summary>
    public RecordOrder RecordOrder { get; set; } = RecordOrder.Deterministic;

    /// <summary>The seed of <see cref="RecordOrder.Shuffle"/>, so tests can reproduce an order. Default 0.</summary>
    public int ShuffleSeed { get; set; }

    /// <summary>Checks every option and throws one exception that lists every problem.</summary>
    /// <exception cref="ClusterValidationException">An option is invalid; each error names the option and value.</exception>
    public void Validate() => _ = DnsSettings.Create(this);
}
