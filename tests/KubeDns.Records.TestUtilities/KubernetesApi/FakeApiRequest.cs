namespace KubeDns.Records.TestUtilities;

/// <summary>A request the fake API server received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/apis/discovery.k8s.io/v1/endpointslices</c>.</param>
/// <param name="QueryString">The query string with its <c>?</c>, or empty.</param>
/// <param name="Resource">The resource the path names (<c>services</c>, …), or null.</param>
/// <param name="Query">The query parameters (several values of one name joined with commas).</param>
/// <param name="Authorization">The Authorization header, or null.</param>
public sealed record FakeApiRequest(
    string Method,
    string Path,
    string QueryString,
    string? Resource,
    IReadOnlyDictionary<string, string> Query,
    string? Authorization)
{
    /// <summary>The path and query, e.g. <c>/api/v1/services?watch=true&amp;resourceVersion=1003</c>.</summary>
    public string PathAndQuery => Path + QueryString;

    /// <summary>Whether this was a watch (<c>watch=true</c> or <c>watch=1</c>).</summary>
    public bool IsWatch => Query.TryGetValue("watch", out var watch) && watch is "true" or "True" or "TRUE" or "t" or "T" or "1";

    /// <summary>A query parameter, or null.</summary>
    public string? QueryValue(string name) => Query.GetValueOrDefault(name);

    public override string ToString() => $"{Method} {PathAndQuery}";
}
