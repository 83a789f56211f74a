namespace KubeDns.Records;

/// <summary>One name a pod's resolver tried, and what cluster DNS answered for it.</summary>
public sealed class SearchCandidate
{
    internal SearchCandidate(string name, ResolutionKind kind, ResponseCode responseCode, IReadOnlyList<string> answer)
    {
        Name = name;
        Kind = kind;
        ResponseCode = responseCode;
        Answer = answer;
    }

    /// <summary>The absolute name tried, with its trailing dot, in the text form <see cref="ClusterSnapshot.Resolve"/> takes.</summary>
    public string Name { get; }

    /// <summary>What kind of answer it got; <see cref="ResolutionKind.OutsideZones"/> when the upstream decides.</summary>
    public ResolutionKind Kind { get; }

    /// <summary>The response code cluster DNS gave; REFUSED stands for "outside the cluster".</summary>
    public ResponseCode ResponseCode { get; }

    /// <summary>The answer records as zone-file lines.</summary>
    public IReadOnlyList<string> Answer { get; }

    /// <summary>True when the name is outside every cluster zone, so the upstream resolver decides.</summary>
    public bool IsOutsideCluster => Kind == ResolutionKind.OutsideZones;

    /// <summary>
    /// The candidate, in presentation format (<see cref="Wire.DnsName.Format"/>), and its outcome:
    /// <c>cache.infra.svc.cluster.local. NOERROR</c>.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsOutsideCluster
        ? $"{Wire.DnsName.Format(Name)} outside the cluster: upstream decides"
        : $"{Wire.DnsName.Format(Name)} {Resolution.StatusText(ResponseCode)}";
}
