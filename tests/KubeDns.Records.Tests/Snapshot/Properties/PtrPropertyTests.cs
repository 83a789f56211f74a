using System.Net;
using System.Net.Sockets;
using CsCheck;

namespace KubeDns.Records.Tests.Snapshot.Properties;

/// <summary>specification.md §8 property: every PTR target resolves forward to an address set that contains the IP.</summary>
public class PtrPropertyTests
{
    [Fact]
    public void Resolve_EveryOwnedAddress_HasPtrsWhoseTargetsResolveBackToIt()
    {
        ClusterGenerators.Cluster.Sample(model =>
        {
            var snapshot = model.Build().Current;
            foreach (var service in model.Services.Where(s => s.Exists && s.Kind != ServiceKind.ExternalName))
            {
                var addresses = new List<string>();
                addresses.AddRange(new[] { service.IPv4, service.IPv6 }.Where(a => a is not null)!);
                addresses.AddRange(service.ReadyEndpoints.SelectMany(e => e.Addresses));
                foreach (var address in addresses)
                {
                    var ip = IPAddress.Parse(address);
                    var targets = Ptrs(snapshot, ip);
                    Assert.True(targets.Count > 0, $"no PTR for {address} of {service.Namespace}/{service.Name}\n{model}");
                    foreach (var target in targets)
                    {
                        var forward = Forward(snapshot, target, ip.AddressFamily == AddressFamily.InterNetworkV6 ? RecordType.AAAA : RecordType.A);
                        Assert.True(forward.Contains(ip), $"{address} PTR {target}, which resolves to [{string.Join(", ", forward)}]\n{model}");
                    }
                }
            }
        }, iter: 150, print: m => m.ToString());
    }

    private static List<string> Ptrs(ClusterSnapshot snapshot, IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var name = address.AddressFamily == AddressFamily.InterNetwork
            ? string.Join('.', bytes.Reverse()) + ".in-addr.arpa."
            : string.Join('.', bytes.Reverse().SelectMany(b => new[] { b & 0xF, b >> 4 }).Select(n => n.ToString("x"))) + ".ip6.arpa.";
        var list = new List<string>();
        foreach (var record in snapshot.Resolve(name, RecordType.PTR).Answer)
        {
            list.Add(record.Target.ToString());
        }

        return list;
    }

    private static HashSet<IPAddress> Forward(ClusterSnapshot snapshot, string name, RecordType type)
    {
        var set = new HashSet<IPAddress>();
        foreach (var record in snapshot.Resolve(name, type).Answer)
        {
            if (record.Type == type)
            {
                set.Add(record.GetAddress()!);
            }
        }

        return set;
    }
}
