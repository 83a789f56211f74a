using System.Globalization;
using KubeDns.Records.Naming;

namespace KubeDns.Records.Validation;

/// <summary>
/// The public-boundary checks of specification.md §2. Each error names the object (<c>Kind namespace/name</c>), the
/// field as it is spelled in a Kubernetes manifest, and the bad value.
/// </summary>
internal static class DescriptorValidator
{
    private const int MaxEndpointsPerSlice = 1000;
    private const int MaxAddressesPerEndpoint = 100;

    public static void Validate(ClusterChange change, List<string> errors)
    {
        if (change.Descriptor is { } descriptor)
        {
            descriptor.Validate(errors);
        }
        else
        {
            ValidateDeleteKey(change.Key, errors);
        }
    }

    public static void Validate(NamespaceDescriptor ns, List<string> errors)
    {
        if (!DnsLabels.IsRfc1123Label(ns.Name))
        {
            errors.Add($"Namespace {ns.Name}: metadata.name: {Quote(ns.Name)} is not a valid RFC 1123 label (lower-case a-z, 0-9 and '-', alphanumeric at both ends, at most 63 characters)");
        }
    }

    public static void Validate(KubernetesServiceDescriptor s, List<string> errors)
    {
        var who = $"Service {s.Namespace}/{s.Name}";
        CheckNamespace(who, s.Namespace, errors);
        // An RFC 1123 label, not only RFC 1035: Kubernetes accepts digit-first names under
        // RelaxedServiceNameValidation, and a DNS label may start with a digit (RFC 1123 §2.1).
        if (!DnsLabels.IsRfc1123Label(s.Name))
        {
            errors.Add($"{who}: metadata.name: {Quote(s.Name)} is not a valid RFC 1123 label (lower-case a-z, 0-9 and '-', alphanumeric at both ends, at most 63 characters)");
        }

        if (!Enum.IsDefined(s.Type))
        {
            errors.Add($"{who}: spec.type: {(int)s.Type} is not ClusterIP, NodePort, LoadBalancer or ExternalName");
        }

        if (s.Type == ServiceType.ExternalName)
        {
            if (s.ClusterIPs.Length > 0)
            {
                errors.Add($"{who}: spec.clusterIPs: must be empty for an ExternalName service, not [{string.Join(", ", s.ClusterIPs)}]");
            }

            var target = s.ExternalName;
            if (string.IsNullOrEmpty(target))
            {
                errors.Add($"{who}: spec.externalName: is required for an ExternalName service");
            }
            else if (!IPText.IsIPLiteral(target)
                && !DnsLabels.IsRfc1123Subdomain(target.EndsWith('.') ? target.AsSpan(0, target.Length - 1) : target))
            {
                errors.Add($"{who}: spec.externalName: {Quote(target)} is not a valid RFC 1123 subdomain of at most 253 characters");
            }
        }
        else
        {
            if (!string.IsNullOrEmpty(s.ExternalName))
            {
                errors.Add($"{who}: spec.externalName: {Quote(s.ExternalName)} may only be set when spec.type is ExternalName");
            }

            CheckClusterIPs(who, s, errors);
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var numbers = new Dictionary<(int, ServiceProtocol), int>();
        for (var i = 0; i < s.Ports.Length; i++)
        {
            var field = $"{who}: spec.ports[{i}]";
            var port = s.Ports[i];
            if (port is null)
            {
                errors.Add($"{field}: is null");
                continue;
            }

            if (port.Name is null)
            {
                errors.Add($"{field}.name: is null; use an empty name for an unnamed port");
            }
            else if (port.Name.Length == 0 && s.Ports.Length > 1)
            {
                errors.Add($"{field}.name: is required when the service has more than one port");
            }
            else if (port.Name.Length > 0 && !DnsLabels.IsRfc1123Label(port.Name))
            {
                errors.Add($"{field}.name: {Quote(port.Name)} is not a valid RFC 1123 label");
            }
            else if (port.Name.Length > 0 && !names.TryAdd(port.Name, i))
            {
                errors.Add($"{field}.name: {Quote(port.Name)} duplicates spec.ports[{names[port.Name]}].name");
            }

            if (!Enum.IsDefined(port.Protocol))
            {
                errors.Add($"{field}.protocol: {(int)port.Protocol} is not TCP, UDP or SCTP");
            }

            if (port.Port is < 1 or > 65535)
            {
                errors.Add(Invariant($"{field}.port: {port.Port} is not in 1..65535"));
            }
            else if (!numbers.TryAdd((port.Port, port.Protocol), i))
            {
                errors.Add(Invariant($"{field}.port: {port.Port}/{port.Protocol.ToString().ToUpperInvariant()} duplicates spec.ports[{numbers[(port.Port, port.Protocol)]}]"));
            }
        }
    }

    private static void CheckClusterIPs(string who, KubernetesServiceDescriptor s, List<string> errors)
    {
        var ips = s.ClusterIPs;
        if (ips.Length == 0)
        {
            errors.Add($"{who}: spec.clusterIPs: is required for a {s.Type} service (use [\"None\"] for a headless service)");
            return;
        }

        if (ips.Length > 2)
        {
            errors.Add($"{who}: spec.clusterIPs: [{string.Join(", ", ips)}] has {ips.Length} entries; at most two (one per family) are allowed");
            return;
        }

        if (ips.Contains(KubernetesServiceDescriptor.None))
        {
            if (ips.Length != 1)
            {
                errors.Add($"{who}: spec.clusterIPs: [{string.Join(", ", ips)}]: \"None\" must be the only entry of a headless service");
            }
            else if (s.Type != ServiceType.ClusterIP)
            {
                errors.Add($"{who}: spec.clusterIPs: \"None\" (headless) is only valid for a ClusterIP service, not {s.Type}");
            }

            return;
        }

        var families = new bool?[2];
        for (var i = 0; i < ips.Length; i++)
        {
            if (ips[i] is null || !IPText.TryParse(ips[i], out _, out var isV6))
            {
                errors.Add($"{who}: spec.clusterIPs[{i}]: {Quote(ips[i])} is not a valid IP address");
            }
            else if (families[isV6 ? 1 : 0] is not null)
            {
                errors.Add($"{who}: spec.clusterIPs[{i}]: {Quote(ips[i])} is a second {(isV6 ? "IPv6" : "IPv4")} address; at most one per family");
            }
            else
            {
                families[isV6 ? 1 : 0] = true;
            }
        }
    }

    public static void Validate(EndpointSliceDescriptor slice, List<string> errors)
    {
        var who = $"EndpointSlice {slice.Namespace}/{slice.Name}";
        CheckNamespace(who, slice.Namespace, errors);
        if (!DnsLabels.IsRfc1123Subdomain(slice.Name, dnsLabelLimit: false))
        {
            errors.Add($"{who}: metadata.name: {Quote(slice.Name)} is not a valid RFC 1123 subdomain");
        }

        if (!DnsLabels.IsRfc1123Label(slice.ServiceName))
        {
            errors.Add($"{who}: metadata.labels[kubernetes.io/service-name]: {Quote(slice.ServiceName)} is not a valid service name (RFC 1123 label)");
        }

        if (!Enum.IsDefined(slice.AddressType))
        {
            errors.Add($"{who}: addressType: {(int)slice.AddressType} is not IPv4, IPv6 or FQDN");
        }

        var portNames = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < slice.Ports.Length; i++)
        {
            var port = slice.Ports[i];
            var field = $"{who}: ports[{i}]";
            if (port is null)
            {
                errors.Add($"{field}: is null");
                continue;
            }

            if (port.Name is null || (port.Name.Length > 0 && !DnsLabels.IsRfc1123Label(port.Name)))
            {
                errors.Add($"{field}.name: {Quote(port.Name)} is not a valid RFC 1123 label");
            }
            else if (!portNames.TryAdd(port.Name, i))
            {
                errors.Add($"{field}.name: {Quote(port.Name)} duplicates ports[{portNames[port.Name]}].name");
            }

            if (!Enum.IsDefined(port.Protocol))
            {
                errors.Add($"{field}.protocol: {(int)port.Protocol} is not TCP, UDP or SCTP");
            }

            if (port.Port is < 1 or > 65535)
            {
                errors.Add(Invariant($"{field}.port: {port.Port} is not in 1..65535"));
            }
        }

        if (slice.Endpoints.Length > MaxEndpointsPerSlice)
        {
            errors.Add(Invariant($"{who}: endpoints: has {slice.Endpoints.Length} endpoints; at most {MaxEndpointsPerSlice} are allowed"));
        }

        for (var i = 0; i < slice.Endpoints.Length; i++)
        {
            var endpoint = slice.Endpoints[i];
            var field = $"{who}: endpoints[{i}]";
            if (endpoint is null)
            {
                errors.Add($"{field}: is null");
                continue;
            }

            if (endpoint.Addresses.Length is 0 or > MaxAddressesPerEndpoint)
            {
                errors.Add(Invariant($"{field}.addresses: has {endpoint.Addresses.Length} addresses; 1..{MaxAddressesPerEndpoint} are allowed"));
            }

            for (var j = 0; j < endpoint.Addresses.Length; j++)
            {
                var text = endpoint.Addresses[j];
                if (slice.AddressType == EndpointAddressType.Fqdn)
                {
                    if (text is null || !DnsLabels.IsHostName(text))
                    {
                        errors.Add($"{field}.addresses[{j}]: {Quote(text)} is not a valid FQDN");
                    }
                }
                else if (text is null || !IPText.TryParse(text, out _, out var isV6))
                {
                    errors.Add($"{field}.addresses[{j}]: {Quote(text)} is not a valid IP address");
                }
                else if (isV6 != (slice.AddressType == EndpointAddressType.IPv6))
                {
                    errors.Add($"{field}.addresses[{j}]: {Quote(text)} is not an {slice.AddressType} address, as the slice's addressType requires");
                }
            }

            if (endpoint.Hostname is not null && !DnsLabels.IsRfc1123Label(endpoint.Hostname))
            {
                errors.Add($"{field}.hostname: {Quote(endpoint.Hostname)} is not a valid RFC 1123 label");
            }

            if (endpoint.TargetRef is { } target && (string.IsNullOrEmpty(target.Kind) || string.IsNullOrEmpty(target.Name)))
            {
                errors.Add($"{field}.targetRef: kind and name are required (got kind {Quote(target.Kind)}, name {Quote(target.Name)})");
            }
        }
    }

    public static void Validate(PodDescriptor pod, List<string> errors)
    {
        var who = $"Pod {pod.Namespace}/{pod.Name}";
        CheckNamespace(who, pod.Namespace, errors);
        if (!DnsLabels.IsRfc1123Subdomain(pod.Name, dnsLabelLimit: false))
        {
            errors.Add($"{who}: metadata.name: {Quote(pod.Name)} is not a valid RFC 1123 subdomain of at most 253 characters");
        }

        var families = new bool[2];
        for (var i = 0; i < pod.IPs.Length; i++)
        {
            if (pod.IPs[i] is null || !IPText.TryParse(pod.IPs[i], out _, out var isV6))
            {
                errors.Add($"{who}: status.podIPs[{i}]: {Quote(pod.IPs[i])} is not a valid IP address");
            }
            else if (families[isV6 ? 1 : 0])
            {
                errors.Add($"{who}: status.podIPs[{i}]: {Quote(pod.IPs[i])} is a second {(isV6 ? "IPv6" : "IPv4")} address; at most one per family");
            }
            else
            {
                families[isV6 ? 1 : 0] = true;
            }
        }
    }

    private static void ValidateDeleteKey(ObjectKey key, List<string> errors)
    {
        if (!Enum.IsDefined(key.Kind))
        {
            errors.Add($"{key}: kind {(int)key.Kind} is not a known kind");
        }
        else if (key.Kind == ObjectKind.Namespace && key.Namespace.Length > 0)
        {
            errors.Add($"{key}: a Namespace key has no namespace, but {Quote(key.Namespace)} was given");
        }
        else if (key.Kind != ObjectKind.Namespace && key.Namespace.Length == 0)
        {
            errors.Add($"{key}: a {key.Kind} key needs a namespace");
        }
    }

    private static void CheckNamespace(string who, string ns, List<string> errors)
    {
        if (!DnsLabels.IsRfc1123Label(ns))
        {
            errors.Add($"{who}: metadata.namespace: {Quote(ns)} is not a valid RFC 1123 label");
        }
    }

    private static string Quote(string? value) => value is null ? "null" : $"'{value}'";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
