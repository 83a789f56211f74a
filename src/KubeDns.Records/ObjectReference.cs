namespace KubeDns.Records;

/// <summary>A reference to another object, as an endpoint's <c>targetRef</c>.</summary>
public sealed record ObjectReference
{
    /// <summary>The referenced object's kind, such as <c>Pod</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The referenced object's namespace; null when it is the referrer's.</summary>
    public string? Namespace { get; init; }

    /// <summary>The referenced object's name.</summary>
    public required string Name { get; init; }
}
