using System.Collections.Immutable;

namespace KubeDns.Records;

/// <summary>One entry of an EndpointSlice's <c>endpoints</c>.</summary>
public sealed record EndpointDescriptor
{
    private readonly ImmutableArray<string> _addresses = [];

    /// <summary>The addresses (<c>addresses</c>): 1–100, each of the slice's address type.</summary>
    public ImmutableArray<string> Addresses
    {
        get => _addresses;
        init => _addresses = value.IsDefault ? [] : value;
    }

    /// <summary>The endpoint's host name (<c>hostname</c>): an RFC 1123 label, or null.</summary>
    public string? Hostname { get; init; }

    /// <summary>
    /// The ready condition (<c>conditions.ready</c>). Null means unknown, which the EndpointSlice API says to treat as
    /// ready; only ready endpoints are served (specification.md §2).
    /// </summary>
    public bool? Ready { get; init; }

    /// <summary>The object backing the endpoint (<c>targetRef</c>), usually a Pod.</summary>
    public ObjectReference? TargetRef { get; init; }

    /// <summary>The node the endpoint runs on (<c>nodeName</c>); carried, not served.</summary>
    public string? NodeName { get; init; }

    /// <summary>The zone the endpoint runs in (<c>zone</c>); carried, not served.</summary>
    public string? Zone { get; init; }

    /// <summary>True when the endpoint is served: its ready condition is true or absent.</summary>
    public bool IsReady => Ready ?? true;
}
