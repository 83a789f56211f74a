using System.Text;

namespace KubeDns.Records;

/// <summary>How a pod's resolver resolved a name: every candidate tried, in order, and the one it settled on.</summary>
public sealed class SearchPathResult
{
    internal SearchPathResult(string name, RecordType type, PodResolverKind resolver, IReadOnlyList<SearchCandidate> tried, SearchCandidate? final)
    {
        QueryName = name;
        QueryType = type;
        Resolver = resolver;
        Tried = tried;
        Final = final;
    }

    /// <summary>The name as the application asked for it.</summary>
    public string QueryName { get; }

    /// <summary>The type asked for.</summary>
    public RecordType QueryType { get; }

    /// <summary>The resolver rules applied.</summary>
    public PodResolverKind Resolver { get; }

    /// <summary>Every candidate tried, in order.</summary>
    public IReadOnlyList<SearchCandidate> Tried { get; }

    /// <summary>
    /// The candidate whose answer the application gets: an answer, a NODATA that stopped the search, or a name
    /// outside the cluster (the upstream decides); null when every candidate failed.
    /// </summary>
    public SearchCandidate? Final { get; }

    /// <summary>True when cluster DNS answered with records.</summary>
    public bool Succeeded => Final is { Kind: ResolutionKind.Answer };

    /// <summary>Like <c>nslookup</c> from a pod: each candidate with its status, then the answer.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var candidate in Tried)
        {
            text.Append(";; tried ").Append(candidate).Append('\n');
        }

        if (Final is null)
        {
            text.Append(";; ").Append(QueryName).Append(": every candidate failed\n");
        }
        else
        {
            foreach (var line in Final.Answer)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }
}
