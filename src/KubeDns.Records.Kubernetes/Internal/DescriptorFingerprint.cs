using System.Globalization;
using System.Text;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// A string that is equal for two descriptors exactly when they hold the same values. Descriptor records compare
/// their ImmutableArray fields by reference, so record equality cannot tell an unchanged object after a reload.
/// </summary>
internal static class DescriptorFingerprint
{
    private const char Separator = '\u001f';

    public static string Of(IClusterObject descriptor)
    {
        var text = new StringBuilder();
        switch (descriptor)
        {
            case NamespaceDescriptor n:
                Add(text, "Namespace", n.Name);
                break;
            case KubernetesServiceDescriptor s:
                Add(text, "Service", s.Namespace, s.Name, s.Type.ToString(), s.ExternalName);
                AddAll(text, s.ClusterIPs);
                foreach (var port in s.Ports)
                {
                    Add(text, port.Name, port.Protocol.ToString(), port.Port.ToString(CultureInfo.InvariantCulture));
                }

                AddAll(text, s.ExternalIPs);
                AddAll(text, s.LoadBalancerIngress);
                break;
            case EndpointSliceDescriptor e:
                Add(text, "EndpointSlice", e.Namespace, e.Name, e.ServiceName, e.AddressType.ToString());
                foreach (var port in e.Ports)
                {
                    Add(text, port.Name, port.Protocol.ToString(), port.Port?.ToString(CultureInfo.InvariantCulture));
                }

                foreach (var endpoint in e.Endpoints)
                {
                    Add(text, "endpoint", endpoint.Hostname, endpoint.Ready?.ToString(), endpoint.NodeName, endpoint.Zone,
                        endpoint.TargetRef?.Kind, endpoint.TargetRef?.Namespace, endpoint.TargetRef?.Name);
                    AddAll(text, endpoint.Addresses);
                }

                break;
            case PodDescriptor p:
                Add(text, "Pod", p.Namespace, p.Name);
                AddAll(text, p.IPs);
                break;
        }

        return text.ToString();
    }

    private static void AddAll(StringBuilder text, IEnumerable<string> values)
    {
        text.Append('[');
        foreach (var value in values)
        {
            text.Append(value).Append(Separator);
        }

        text.Append(']');
    }

    private static void Add(StringBuilder text, params string?[] values)
    {
        foreach (var value in values)
        {
            text.Append(value ?? "\u0000").Append(Separator);
        }
    }
}
