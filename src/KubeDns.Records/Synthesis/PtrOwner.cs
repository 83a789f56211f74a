namespace KubeDns.Records.Synthesis;

/// <summary>
/// One owner of an address for PTR (specification.md §8): a service's cluster IP (<see cref="Endpoint"/> null) or a
/// ready endpoint's address. Ordered by namespace, service and endpoint name, cluster IPs first.
/// </summary>
internal sealed record PtrOwner(string Namespace, string Service, string? Endpoint, UInt128 Address, bool IsV6) : IComparable<PtrOwner>
{
    public bool IsClusterIP => Endpoint is null;

    public int CompareTo(PtrOwner? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = other.IsClusterIP.CompareTo(IsClusterIP);
        if (c == 0)
        {
            c = string.CompareOrdinal(Namespace, other.Namespace);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(Service, other.Service);
        }

        return c != 0 ? c : string.CompareOrdinal(Endpoint, other.Endpoint);
    }
}
