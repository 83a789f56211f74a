using KubeDns.Records.Indexing;

namespace KubeDns.Records.Synthesis;

/// <summary>
/// Everything one service contributes to a snapshot: its owner names with their nodes (for the name index), the
/// same nodes grouped by role (for wildcard answers, specification.md §10), and the addresses it owns (for PTR, §8).
/// </summary>
internal sealed class SynthesizedService(string ns, string name)
{
    public string Namespace { get; } = ns;

    public string Name { get; } = name;

    public bool IsExternalName { get; set; }

    /// <summary>Every index key the service owns, with its node.</summary>
    public List<KeyValuePair<string, NameNode>> Names { get; } = [];

    /// <summary>The node of <c>&lt;svc&gt;.&lt;ns&gt;.svc</c>; null for an ExternalName service.</summary>
    public NameNode? ServiceNode { get; set; }

    /// <summary>The named-port nodes, <c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;…</c>.</summary>
    public List<(string Port, ServiceProtocol Protocol, NameNode Node)> Ports { get; } = [];

    /// <summary>The endpoint-name nodes, in endpoint order (specification.md §6.6).</summary>
    public List<(string Label, NameNode Node)> Endpoints { get; } = [];

    /// <summary>The addresses the service owns for PTR: cluster IPs and ready endpoint addresses.</summary>
    public List<PtrOwner> Ptrs { get; } = [];

    /// <summary>The names left out because DNS cannot encode them (<see cref="ClusterWarning"/>).</summary>
    public List<ClusterWarning> Warnings { get; } = [];
}
