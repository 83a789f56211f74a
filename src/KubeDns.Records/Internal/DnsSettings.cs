using System.Collections.Frozen;
using System.Globalization;

namespace KubeDns.Records.Internal;

/// <summary>
/// A validated, immutable copy of <see cref="ClusterDnsOptions"/>. Zone names are lower case without the trailing
/// dot; cluster zones are also kept longest first so the first suffix match is the longest (behaviour.md §3).
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
        (UInt128 Address, bool IsV6)[]? nameServerAddresses)
    {
        Zones = zones;
        ZonesLongestFirst = [.. zones.OrderByDescending(z => z.Length)];
        ReverseZones = reverseZones;
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

    public bool IsNamespaceAllowed(string ns) => Namespaces is null || Namespaces.Contains(ns);

    public static DnsSettings Create(ClusterDnsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        var reverse = new List<string>();
        foreach (var raw in options.ReverseZones)
        {
            var zone = NormalizeZone(raw, nameof(options.ReverseZones), errors);
            if (zone is null)
            {
                continue;
            }

            if (!DnsLabels.EndsWithLabels(zone, "in-addr.arpa") && !DnsLabels.EndsWithLabels(zone, "ip6.arpa"))
            {
                errors.Add($"ClusterDnsOptions.ReverseZones: '{raw}' is not in-addr.arpa. or ip6.arpa. or a zone below them");
            }
            else if (reverse.Contains(zone))
            {
                errors.Add($"ClusterDnsOptions.ReverseZones: '{raw}' is listed twice");
            }
            else
            {
                reverse.Add(zone);
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
            else if (DnsLabels.EndsWithLabels(zone, "arpa"))
            {
                errors.Add($"ClusterDnsOptions.Zones: '{raw}' is inside a reverse zone; list it in ReverseZones");
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
                    errors.Add($"ClusterDnsOptions.Namespaces: '{ns}' is not a valid namespace name (RFC 1123 label)");
                }
            }

            namespaces = options.Namespaces.Where(n => n is not null).ToFrozenSet(StringComparer.Ordinal);
        }

        var nameServer = default(ObjectKey);
        var slash = options.NameServerService?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0
            || !DnsLabels.IsRfc1123Label(options.NameServerService.AsSpan(0, slash))
            || !DnsLabels.IsRfc1035Label(options.NameServerService.AsSpan(slash + 1)))
        {
            errors.Add($"ClusterDnsOptions.NameServerService: '{options.NameServerService}' is not namespace/name");
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
            nsAddresses);
    }

    private static string? NormalizeZone(string? raw, string option, List<string> errors)
    {
        if (raw is null || !DnsLabels.IsHostName(raw))
        {
            errors.Add($"ClusterDnsOptions.{option}: '{raw}' is not a valid zone name");
            return null;
        }

        var zone = raw.EndsWith('.') ? raw[..^1] : raw;
        return zone.ToLowerInvariant();
    }
}
