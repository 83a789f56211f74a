using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// Allocates cluster IPs for Services written without one, the way the API server does, but deterministically so
/// that reloading the same manifests gives the same answers: the service's <c>namespace/name</c> is hashed (FNV-1a)
/// to a starting point in the range's dynamic band (the upper part; KEP-3070 keeps the lower band, min(max(16,
/// size/16), 256) addresses, for IPs people choose by hand), then the next free address is taken, wrapping round
/// and finally trying the lower band. Addresses already in use (given in manifests or allocated before) are never
/// taken twice.
/// </summary>
internal sealed class ClusterIPAllocator
{
    /// <summary>
    /// The option errors name, as <c>ClusterDnsOptions.Ttl: …</c> does, so that a program can name its own setting
    /// instead (the tool says <c>--service-cidr: …</c>).
    /// </summary>
    private const string OptionName = $"{nameof(ManifestOptions)}.{nameof(ManifestOptions.ServiceCidrs)}";

    private readonly Range?[] _ranges = new Range?[2];
    private readonly Dictionary<(bool IsV6, UInt128 Address), string> _used = [];

    public ClusterIPAllocator(IEnumerable<string> cidrs, List<string> errors)
    {
        foreach (var cidr in cidrs)
        {
            if (!IPNetwork.TryParse(cidr, out var network) || !HostBitsZero(network, cidr))
            {
                errors.Add($"{OptionName}: '{cidr}' is not a network in CIDR notation, such as 10.96.0.0/12 or fd00:10:96::/112 (a prefix length of at most 32 for IPv4 and 128 for IPv6, host bits zero)");
                continue;
            }

            var isV6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
            var bits = isV6 ? 128 : 32;
            var hostBits = bits - network.PrefixLength;
            if (hostBits < 2 || (isV6 && hostBits > 64))
            {
                errors.Add($"{OptionName}: '{cidr}' is not between /{(isV6 ? 64 : 0)} and /{bits - 2}");
                continue;
            }

            if (_ranges[isV6 ? 1 : 0] is { } existing && existing.Given)
            {
                errors.Add($"{OptionName}: '{cidr}': only one {(isV6 ? "IPv6" : "IPv4")} range may be given ({existing.Text} was given first)");
                continue;
            }

            _ranges[isV6 ? 1 : 0] = new Range(cidr, ToNumber(network.BaseAddress), (UInt128)1 << hostBits, isV6, Given: true);
        }

        _ranges[0] ??= Default(ManifestOptions.DefaultIPv4ServiceCidr);
        _ranges[1] ??= Default(ManifestOptions.DefaultIPv6ServiceCidr);
    }

    /// <summary>The range used for a family, as written.</summary>
    public string RangeText(bool isV6) => _ranges[isV6 ? 1 : 0]!.Text;

    /// <summary>Marks an address as taken; returns the previous owner when it already was.</summary>
    public string? Reserve(string ip, string owner)
    {
        if (!IPAddress.TryParse(ip, out var address))
        {
            return null;
        }

        var key = (address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6, ToNumber(address));
        if (_used.TryGetValue(key, out var previous))
        {
            return previous;
        }

        _used.Add(key, owner);
        return null;
    }

    /// <summary>Allocates a free address of the family for the service; null when the range is full.</summary>
    public string? Allocate(string ns, string name, bool isV6)
    {
        var range = _ranges[isV6 ? 1 : 0]!;

        // Usable: skip the network address, and for IPv4 the broadcast address.
        var first = range.Base + 1;
        var last = range.Base + range.Size - (isV6 ? 1u : 2u);
        var staticBand = UInt128.Clamp(range.Size / 16, 16, 256);
        var dynamicFirst = range.Base + staticBand <= last ? range.Base + staticBand : first;
        var dynamicSize = last - dynamicFirst + 1;
        var start = dynamicFirst + (Hash($"{ns}/{name}") % dynamicSize);

        foreach (var (from, to) in new[] { (start, last), (dynamicFirst, start - 1), (first, dynamicFirst - 1) })
        {
            for (var candidate = from; candidate <= to && candidate >= from; candidate++)
            {
                if (_used.TryAdd((isV6, candidate), $"Service {ns}/{name}"))
                {
                    return ToAddress(candidate, isV6).ToString();
                }
            }
        }

        return null;
    }

    /// <summary>IPNetwork.TryParse accepts host bits (10.96.0.1/12); the API server does not.</summary>
    internal static bool HostBitsZero(IPNetwork network, string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IPAddress.TryParse(cidr.AsSpan(0, slash), out var address) && address.Equals(network.BaseAddress);
    }

    private static Range Default(string cidr)
    {
        var network = IPNetwork.Parse(cidr);
        var isV6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        return new Range(cidr, ToNumber(network.BaseAddress), (UInt128)1 << ((isV6 ? 128 : 32) - network.PrefixLength), isV6, Given: false);
    }

    internal static UInt128 Hash(string text)
    {
        // FNV-1a, 64 bits: stable across runs and platforms, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return hash;
    }

    internal static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    internal static IPAddress ToAddress(UInt128 number, bool isV6)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!isV6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)number);
            return new IPAddress(bytes[..4]);
        }

        BinaryPrimitives.WriteUInt128BigEndian(bytes, number);
        return new IPAddress(bytes);
    }

    private sealed record Range(string Text, UInt128 Base, UInt128 Size, bool IsV6, bool Given);
}
