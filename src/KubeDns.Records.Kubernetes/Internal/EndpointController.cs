using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// What the EndpointSlice controller (kube-controller-manager) makes of a Service with a selector and the pods it
/// selects, reduced to what DNS reads. Pods are taken in name order, so endpoints are served in pod-name order
/// (specification.md §6.6).
/// </summary>
internal static class EndpointController
{
    /// <summary>The core accepts up to 1,000 endpoints per slice; bigger services are split into several slices.</summary>
    private const int MaxEndpointsPerSlice = 1000;

    /// <summary>True when the service's slices are the controller's to make: a non-empty selector, not ExternalName.</summary>
    public static bool Manages(V1Service service) =>
        service.Spec?.Selector is { Count: > 0 } && service.Spec.Type != "ExternalName";

    public static List<EndpointSliceDescriptor> Derive(V1Service service, IReadOnlyList<bool> families, IEnumerable<V1Pod> pods)
    {
        var slices = new List<EndpointSliceDescriptor>();
        if (!Manages(service))
        {
            return slices;
        }

        var spec = service.Spec!;
        var ns = KubernetesDescriptors.NamespaceOf(service.Metadata);
        var name = service.Metadata!.Name;
        var selected = pods
            .Where(p => p is not null
                && KubernetesDescriptors.NamespaceOf(p.Metadata) == ns
                && !string.IsNullOrEmpty(p.Metadata?.Name)
                && KubernetesDescriptors.IsActive(p)
                && Matches(spec.Selector, p.Metadata.Labels))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .ToList();

        var publishNotReady = spec.PublishNotReadyAddresses == true;
        foreach (var isV6 in families)
        {
            // Endpoints are grouped by the ports they resolve to: a named target port a pod lacks leaves that port out
            // for that pod, as the controller does; groups keep the order of their first pod.
            var groups = new List<(string Key, ImmutableArray<EndpointPortDescriptor> Ports, List<EndpointDescriptor> Endpoints)>();
            foreach (var pod in selected)
            {
                var ip = KubernetesDescriptors.PodIPs(pod).FirstOrDefault(a => IsV6(a) == isV6);
                if (ip is null)
                {
                    continue;
                }

                var ports = Ports(spec, pod);
                var key = string.Join(',', ports.Select(p => $"{p.Name}/{p.Protocol}/{p.Port}"));
                var group = groups.FindIndex(g => g.Key == key);
                if (group < 0)
                {
                    groups.Add((key, ports, []));
                    group = groups.Count - 1;
                }

                groups[group].Endpoints.Add(new EndpointDescriptor
                {
                    Addresses = [ip],
                    Ready = publishNotReady || IsReady(pod),
                    Hostname = !string.IsNullOrEmpty(pod.Spec?.Hostname) && pod.Spec.Subdomain == name ? pod.Spec.Hostname : null,
                    TargetRef = new ObjectReference { Kind = "Pod", Namespace = ns, Name = pod.Metadata.Name },
                    NodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName,
                });
            }

            // Names sort in creation order (specification.md §6.6 serves slices by name): <svc>-ipv4, <svc>-ipv4-0001, …
            var count = 0;
            foreach (var (_, ports, endpoints) in groups)
            {
                for (var start = 0; start < endpoints.Count; start += MaxEndpointsPerSlice)
                {
                    var suffix = count == 0 ? string.Empty : count.ToString("-0000", CultureInfo.InvariantCulture);
                    count++;
                    slices.Add(new EndpointSliceDescriptor
                    {
                        Namespace = ns,
                        Name = $"{name}-{(isV6 ? "ipv6" : "ipv4")}{suffix}",
                        ServiceName = name,
                        AddressType = isV6 ? EndpointAddressType.IPv6 : EndpointAddressType.IPv4,
                        Ports = ports,
                        Endpoints = [.. endpoints.Skip(start).Take(MaxEndpointsPerSlice)],
                    });
                }
            }
        }

        return slices;
    }

    /// <summary>The pod's Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c?.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Every label of the selector is on the object with the same value (an equality-based selector).</summary>
    public static bool Matches(IDictionary<string, string> selector, IDictionary<string, string>? labels)
    {
        foreach (var (key, value) in selector)
        {
            if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The slice ports for one pod: each service port under its name and protocol, with the target port — a number,
    /// the service port when unset, or a named container port of the pod (left out when the pod has no such port).
    /// </summary>
    private static ImmutableArray<EndpointPortDescriptor> Ports(V1ServiceSpec spec, V1Pod pod)
    {
        var ports = ImmutableArray.CreateBuilder<EndpointPortDescriptor>();
        foreach (var port in spec.Ports ?? [])
        {
            if (port is null)
            {
                continue;
            }

            var protocol = port.Protocol switch
            {
                "UDP" => ServiceProtocol.Udp,
                "SCTP" => ServiceProtocol.Sctp,
                _ => ServiceProtocol.Tcp,
            };
            var target = port.TargetPort?.Value;
            int? number;
            if (string.IsNullOrEmpty(target))
            {
                number = port.Port;
            }
            else if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                number = n;
            }
            else
            {
                number = FindContainerPort(pod, target, port.Protocol ?? "TCP");
                if (number is null)
                {
                    continue;
                }
            }

            ports.Add(new EndpointPortDescriptor { Name = port.Name ?? string.Empty, Protocol = protocol, Port = number });
        }

        return ports.ToImmutable();
    }

    private static int? FindContainerPort(V1Pod pod, string name, string protocol)
    {
        foreach (var container in pod.Spec?.Containers ?? [])
        {
            foreach (var port in container?.Ports ?? [])
            {
                if (port?.Name == name && (port.Protocol ?? "TCP") == protocol)
                {
                    return port.ContainerPort;
                }
            }
        }

        return null;
    }

    private static bool IsV6(string ip) =>
        IPAddress.TryParse(ip, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
}
