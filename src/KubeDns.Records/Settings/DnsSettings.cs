using System.Collections.Frozen;
using System.Globalization;
using KubeDns.Records.Naming;

namespace KubeDns.Records.Settings;

/// <summary>
/// A validated, immutable copy of <see cref="ClusterDnsOptions"/>. Zone names are lower case without the trailing
/// dot; cluster zones are also kept longest first so the first suffix match is the longest (specification.md §3).
/// </summary>
internal sealed class DnsSettings
{
    private DnsSettings(
        string[] zones,
        string[] reverseZones,
        uint ttl,
        bool endpointPodNames,
        FrozenSet<string>? namespaces,
        bool ignoreEmptyServices,
        ObjectKey nameServerService,
        (UInt128 Address, bool IsV6)[]? nameServerAddresses,
        ClusterDnsOptions options)
    {
        Pods = options.Pods;
        Wildcards = options.Wildcards;
        RecordOrder = options.RecordOrder;
        ShuffleSeed = options.ShuffleSeed;
        Zones = zones;
        ZonesLongestFirst = [.. zones.OrderByDescending(z => z.Length)];
        ReverseZones = [.. reverseZones.OrderByDescending(z => z.Length)];
        Ttl = ttl;
        SoaTtl = Math.Min(ttl, 300);
        EndpointPodNames = endpointPodNames;
        Namespaces = namespaces;
        IgnoreEmptyServices = ignoreEmptyServices;
        NameServerService = nameServerService;
        NameServerAddresses = nameServerAddresses;
        PrimaryZone = zones[0];
    }

    public string[] Zones { get; }

    public string[] ZonesLongestFirst { get; }

    public string PrimaryZone { get; }

    /// <summary>Reverse zones, longest first so the first suffix match is the longest.</summary>
    public string[] ReverseZones { get; }

    public uint Ttl { get; }

    public uint SoaTtl { get; }

    public bool EndpointPodNames { get; }

    /// <summary>The namespace allow-list, or null when every namespace is served.</summary>
    public FrozenSet<string>? Namespaces { get; }

    public bool IgnoreEmptyServices { get; }

    public ObjectKey NameServerService { get; }

    /// <summary>Fixed name-server addresses, or null to take them from <see cref="NameServerService"/>.</summary>
    public (UInt128 Address, bool IsV6)[]? NameServerAddresses { get; }

    public PodRecordMode Pods { get; }

    public bool Wildcards { get; }

    public RecordOrder RecordOrder { get; }

    public int ShuffleSeed { get; }

    public bool IsNamespaceAllowed(string ns) => Namespaces is null || Namespaces.Contains(ns);

    public static DnsSettings Create(ClusterDnsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        var reverse = new List<string>();
        foreach (var raw in options.ReverseZones)
        {
            if (raw is not null && raw.Contains('/', StringComparison.Ordinal))
            {
                if (!TryExpandCidr(raw, out var expanded))
                {
                    errors.Add($"ClusterDnsOptions.ReverseZones: '{raw}' is not a valid CIDR such as 10.96.0.0/12 or fd00:10:96::/112");
                    continue;
                }

                foreach (var zone in expanded)
                {
                    if (!reverse.Contains(zone))
                    {
                        reverse.Add(zone);
                    }
                }

                continue;
            }

            var name = NormalizeZone(raw, nameof(options.ReverseZones), errors);
            if (name is null)
            {
                continue;
            }

            if (!DnsLabels.EndsWithLabels(name, "in-addr.arpa") && !DnsLabels.EndsWithLabels(name, "ip6.arpa"))
            {
                errors.Add($"ClusterDnsOptions.ReverseZones: '{raw}' is not in-addr.arpa. or ip6.arpa. or a zone below them");
            }
            else if (reverse.Contains(name))
            {
                errors.Add($"ClusterDnsOptions.ReverseZones: '{raw}' is listed twice");
            }
            else
            {
                reverse.Add(name);
            }
        }

        var zones = new List<string>();
        foreach (var raw in options.Zones)
        {
            var zone = NormalizeZone(raw, nameof(options.Zones), errors);
            if (zone is null)
            {
                continue;
            }

            if (zones.Contains(zone))
            {
                errors.Add($"ClusterDnsOptions.Zones: '{raw}' is listed twice");
            }
            else if (DnsLabels.EndsWithLabels(zone, "in-addr.arpa") || DnsLabels.EndsWithLabels(zone, "ip6.arpa")
                || DnsLabels.EndsWithLabels("in-addr.arpa", zone))
            {
                // A cluster zone may not overlap the reverse tree (specification.md §3); home.arpa-style names may.
                errors.Add($"ClusterDnsOptions.Zones: '{raw}' is inside or above a reverse zone; list reverse zones in ReverseZones");
            }
            else
            {
                zones.Add(zone);
            }
        }

        if (options.Zones.Count == 0)
        {
            errors.Add("ClusterDnsOptions.Zones: at least one cluster zone is required");
        }

        if (options.Ttl is < 0 or > ClusterDnsOptions.MaxTtl)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"ClusterDnsOptions.Ttl: {options.Ttl} is not in 0..{ClusterDnsOptions.MaxTtl}"));
        }

        FrozenSet<string>? namespaces = null;
        if (options.Namespaces.Count > 0)
        {
            foreach (var ns in options.Namespaces)
            {
                if (ns is null || !DnsLabels.IsRfc1123Label(ns))
                {
                    errors.Add($"ClusterDnsOptions.Namespaces: {(ns is null ? "null" : $"'{ns}'")} is not a valid namespace name (RFC 1123 label)");
                }
            }

            namespaces = options.Namespaces.Where(n => n is not null).ToFrozenSet(StringComparer.Ordinal);
        }

        var nameServer = default(ObjectKey);
        var slash = options.NameServerService?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0
            || !DnsLabels.IsRfc1123Label(options.NameServerService.AsSpan(0, slash))
            || !DnsLabels.IsRfc1123Label(options.NameServerService.AsSpan(slash + 1)))
        {
            errors.Add($"ClusterDnsOptions.NameServerService: {(options.NameServerService is null ? "null" : $"'{options.NameServerService}'")} is not namespace/name");
        }
        else
        {
            nameServer = ObjectKey.ForService(options.NameServerService![..slash], options.NameServerService[(slash + 1)..]);
        }

        (UInt128, bool)[]? nsAddresses = null;
        if (options.NameServerAddresses.Count > 0)
        {
            var list = new List<(UInt128, bool)>();
            foreach (var text in options.NameServerAddresses)
            {
                if (text is null || !IPText.TryParse(text, out var value, out var isV6))
                {
                    errors.Add($"ClusterDnsOptions.NameServerAddresses: '{text}' is not an IP address");
                }
                else
                {
                    list.Add((value, isV6));
                }
            }

            nsAddresses = [.. list];
        }

        if (!Enum.IsDefined(options.Pods))
        {
            errors.Add($"ClusterDnsOptions.Pods: {(int)options.Pods} is not Disabled, Insecure or Verified");
        }

        if (!Enum.IsDefined(options.RecordOrder))
        {
            errors.Add($"ClusterDnsOptions.RecordOrder: {(int)options.RecordOrder} is not Deterministic, Rotate or Shuffle");
        }

        if (errors.Count > 0)
        {
            throw new ClusterValidationException(errors);
        }

        return new DnsSettings(
            [.. zones],
            [.. reverse],
            (uint)options.Ttl,
            options.EndpointPodNames,
            namespaces,
            options.IgnoreEmptyServices,
            nameServer,
            nsAddresses,
            options);
    }

    /// <summary>
    /// Expands a CIDR to the reverse zones covering it on octet (IPv4) or nibble (IPv6) boundaries, as CoreDNS does:
    /// <c>10.96.0.0/12</c> gives <c>96.10.in-addr.arpa</c> … <c>111.10.in-addr.arpa</c>.
    /// </summary>
    internal static bool TryExpandCidr(string cidr, out List<string> zones)
    {
        zones = [];
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (!IPText.TryParse(cidr.AsSpan(0, slash), out var address, out var isV6)
            || !int.TryParse(cidr.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix > (isV6 ? 128 : 32))
        {
            return false;
        }

        var bits = isV6 ? 128 : 32;
        var unit = isV6 ? 4 : 8;
        var rounded = (prefix + unit - 1) / unit * unit;
        var count = 1 << (rounded - prefix);
        var network = prefix == 0 ? UInt128.Zero : address >> (bits - prefix) << (bits - prefix);
        for (var i = 0; i < count; i++)
        {
            var value = network + ((UInt128)(uint)i << (bits - rounded));
            var labels = new List<string>();
            for (var position = 0; position < rounded / unit; position++)
            {
                var part = (uint)(value >> (bits - ((position + 1) * unit))) & (isV6 ? 0xFu : 0xFFu);
                labels.Insert(0, isV6 ? part.ToString("x", CultureInfo.InvariantCulture) : part.ToString(CultureInfo.InvariantCulture));
            }

            labels.Add(isV6 ? "ip6.arpa" : "in-addr.arpa");
            zones.Add(string.Join('.', labels));
        }

        return true;
    }

    private static string? NormalizeZone(string? raw, string option, List<string> errors)
    {
        if (raw is null || !DnsLabels.IsHostName(raw))
        {
            errors.Add($"ClusterDnsOptions.{option}: {(raw is null ? "null" : $"'{raw}'")} is not a valid zone name");
            return null;
        }

        var zone = raw.EndsWith('.') ? raw[..^1] : raw;
        return zone.ToLowerInvariant();
    }
}
