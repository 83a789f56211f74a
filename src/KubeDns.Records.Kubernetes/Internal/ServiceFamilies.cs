using System.Net;
using System.Net.Sockets;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>A Service's IP families (spec.ipFamilyPolicy, spec.ipFamilies) and the cluster IPs it was written with.</summary>
internal static class ServiceFamilies
{
    /// <summary><c>spec.clusterIPs</c>, else <c>[spec.clusterIP]</c>, else empty; <c>["None"]</c> for a headless service.</summary>
    public static List<string> GivenIPs(V1Service service)
    {
        var spec = service.Spec;
        var ips = (spec?.ClusterIPs ?? []).Where(ip => !string.IsNullOrEmpty(ip)).ToList();
        if (ips.Count == 0 && !string.IsNullOrEmpty(spec?.ClusterIP))
        {
            ips.Add(spec.ClusterIP);
        }

        return ips;
    }

    /// <summary>
    /// The families the API server gives the service, primary first (true = IPv6): <c>spec.ipFamilies</c>, else the
    /// families of the given cluster IPs, else IPv4; a dual-stack policy adds the missing family, SingleStack keeps
    /// the first.
    /// </summary>
    public static (List<bool> Families, bool DualStack) Wanted(V1Service service, List<string> errors, string label)
    {
        var spec = service.Spec;
        var dual = spec?.IpFamilyPolicy switch
        {
            null or "" or "SingleStack" => false,
            "PreferDualStack" or "RequireDualStack" => true,
            _ => Error($"spec.ipFamilyPolicy: '{spec.IpFamilyPolicy}' is not SingleStack, PreferDualStack or RequireDualStack"),
        };

        var families = new List<bool>();
        for (var i = 0; i < (spec?.IpFamilies?.Count ?? 0); i++)
        {
            var family = spec!.IpFamilies![i];
            bool? isV6 = family switch
            {
                "IPv4" => false,
                "IPv6" => true,
                _ => null,
            };
            if (isV6 is null)
            {
                errors.Add($"{label}: spec.ipFamilies[{i}]: '{family}' is not IPv4 or IPv6");
            }
            else if (!families.Contains(isV6.Value))
            {
                families.Add(isV6.Value);
            }
        }

        var given = GivenIPs(service).Where(ip => ip != KubernetesServiceDescriptor.None).ToList();
        if (families.Count == 0)
        {
            foreach (var ip in given)
            {
                if (IPAddress.TryParse(ip, out var address) && !families.Contains(address.AddressFamily == AddressFamily.InterNetworkV6))
                {
                    families.Add(address.AddressFamily == AddressFamily.InterNetworkV6);
                }
            }
        }

        if (families.Count == 0)
        {
            families.Add(false);
        }

        if (dual && families.Count == 1)
        {
            families.Add(!families[0]);
        }
        else if (!dual && families.Count > 1 && given.Count <= 1)
        {
            families.RemoveRange(1, families.Count - 1);
        }

        return (families, dual);

        bool Error(string message)
        {
            errors.Add($"{label}: {message}");
            return false;
        }
    }
}
