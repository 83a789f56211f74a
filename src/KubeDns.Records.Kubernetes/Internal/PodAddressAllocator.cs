using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// Gives simulated pods their IPs from the pod range: sequentially from the first usable address (the network
/// address, and for IPv4 the broadcast address, are never given), skipping every address a pod of the manifests
/// already has. Called in a fixed order, it gives the same addresses for the same manifests.
/// </summary>
internal sealed class PodAddressAllocator
{
    private readonly HashSet<UInt128> _used = [];
    private readonly UInt128 _last;
    private UInt128 _next;

    /// <summary>Takes a range that <see cref="Check"/> accepted.</summary>
    public PodAddressAllocator(string cidr)
    {
        var network = IPNetwork.Parse(cidr);
        IsV6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var baseNumber = ClusterIPAllocator.ToNumber(network.BaseAddress);
        var size = (UInt128)1 << ((IsV6 ? 128 : 32) - network.PrefixLength);
        _next = baseNumber + 1;
        _last = baseNumber + size - (IsV6 ? 1u : 2u);
        Text = cidr;
    }

    public bool IsV6 { get; }

    /// <summary>The range as given.</summary>
    public string Text { get; }

    /// <summary>Why a pod range is unusable, naming it; null when it is fine.</summary>
    public static string? Check(string cidr)
    {
        if (!IPNetwork.TryParse(cidr, out var network) || !ClusterIPAllocator.HostBitsZero(network, cidr))
        {
            return $"'{cidr}' is not a pod CIDR such as {ManifestOptions.DefaultPodCidr} or fd00:10:244::/64 (host bits must be zero)";
        }

        // Two host bits at least: a network address, one pod, and for IPv4 a broadcast address. An IPv6 /0 would not
        // fit the 128-bit arithmetic, and no cluster has one.
        var bits = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var hostBits = bits - network.PrefixLength;
        return hostBits < 2 || hostBits > 127
            ? $"pod CIDR '{cidr}' must be between /{(bits == 128 ? 1 : 0)} and /{bits - 2}"
            : null;
    }

    /// <summary>Marks an address a pod already has as taken (addresses of the other family, or outside, are ignored).</summary>
    public void Reserve(string ip)
    {
        if (IPAddress.TryParse(ip, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6) == IsV6)
        {
            _used.Add(ClusterIPAllocator.ToNumber(address));
        }
    }

    /// <summary>The next free address; null when the range is exhausted.</summary>
    public string? Allocate()
    {
        while (_next <= _last)
        {
            var candidate = _next++;
            if (_used.Add(candidate))
            {
                return ClusterIPAllocator.ToAddress(candidate, IsV6).ToString();
            }
        }

        return null;
    }
}
