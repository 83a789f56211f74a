using System.Collections.Immutable;
using System.Globalization;
using CsCheck;

namespace KubeDns.Records.Tests.Snapshot.Properties;

/// <summary>
/// CsCheck generators for random, valid clusters (specification.md §2): 1–4 namespaces, 0–15 services each, of every
/// kind, with ports, endpoints in one or two slices per family, and ExternalName aliases in and out of the zone.
/// </summary>
internal static class ClusterGenerators
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string LowerDigits = Lower + "0123456789";
    private const string LowerDigitsHyphen = LowerDigits + "-";

    /// <summary>Names that collide with structural labels or each other, mixed in to hit edge cases.</summary>
    private static readonly Gen<string> TrickyLabel = Gen.OneOf("svc", "pod", "dns", "any", "tcp", "udp", "a", "x", "default", "kube-system");

    /// <summary>RFC 1123 label, 1–10 characters.</summary>
    public static readonly Gen<string> Rfc1123Label = Gen.Frequency(
        (4, Label(LowerDigits)),
        (1, TrickyLabel),
        (1, Gen.OneOf("0", "80-80", "9a")));

    /// <summary>RFC 1035 label (starts with a letter), 1–10 characters.</summary>
    public static readonly Gen<string> Rfc1035Label = Gen.Frequency((5, Label(Lower)), (1, TrickyLabel));

    public static readonly Gen<PortModel> Port = Gen.Select(
        Rfc1123Label,
        Gen.Frequency((3, Gen.OneOf(53, 80, 443, 8080)), (1, Gen.Int[1, 65535])),
        Gen.Frequency((4, ServiceProtocol.Tcp), (2, ServiceProtocol.Udp), (1, ServiceProtocol.Sctp)),
        (name, number, protocol) => new PortModel(name, number, protocol));

    /// <summary>0–3 ports, names unique, (port, protocol) unique; a lone port is sometimes unnamed.</summary>
    public static readonly Gen<ImmutableArray<PortModel>> Ports =
        Gen.Select(Port.Array[0, 3], Gen.Int[0, 3], (ports, unnamed) => NormalizePorts(ports, unnamed == 0));

    /// <summary>Endpoint addresses come from small pools so that duplicates within and across services are common.</summary>
    public static readonly Gen<EndpointModel> Endpoint = Gen.Select(
        Gen.Frequency((3, false), (1, true)),
        Gen.Int[0, 15].Array[1, 2],
        Gen.Frequency((5, (bool?)true), (2, (bool?)false), (2, (bool?)null)),
        Gen.Frequency((3, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("web-0", "web-1", "db-0"))),
        Gen.Int[0, 1],
        Gen.Int[0, 3],
        (isV6, hosts, ready, hostname, slice, v6Style) => new EndpointModel(
            [.. hosts.Distinct().Select(h => Address(isV6, h, v6Style))], isV6, ready, hostname, slice));

    public static readonly Gen<ServiceDraft> Draft = Gen.Select(
        Rfc1035Label,
        Gen.Frequency(
            (3, ServiceKind.ClusterIPv4),
            (1, ServiceKind.ClusterIPv6),
            (2, ServiceKind.DualStack),
            (3, ServiceKind.Headless),
            (2, ServiceKind.ExternalName)),
        Gen.Frequency((4, ServiceType.ClusterIP), (1, ServiceType.NodePort), (1, ServiceType.LoadBalancer)),
        Gen.Bool,
        Ports,
        Endpoint.Array[0, 6],
        Gen.Select(Gen.Frequency((5, TargetMode.OtherService), (3, TargetMode.Outside), (1, TargetMode.InZoneOther), (1, TargetMode.IPLiteral)), Gen.Int[0, 1000], Gen.Bool),
        (name, kind, type, v6First, ports, endpoints, target) =>
            new ServiceDraft(name, kind, type, v6First, ports, endpoints, target.Item1, target.Item2, target.Item3));

    /// <summary>The whole cluster.</summary>
    public static readonly Gen<ClusterModel> Cluster =
        from namespaces in Rfc1123Label.Array[1, 4]
        from drafts in Draft.Array[0, 15].Array[namespaces.Length]
        select Assemble(namespaces, drafts);

    /// <summary>Host-name targets outside every cluster zone (a reverse-zone name counts as outside, specification.md §11).</summary>
    private static readonly string[] OutsideTargets =
        ["example.com", "api.example.org", "worldtimeapi.org", "payments.stripe.com", "cluster.local.example.com", "local", "1.0.96.10.in-addr.arpa",
         "123", "10.1", "1.2.3", "0x7f.1"];

    /// <summary>
    /// IP-literal targets: accepted, and no records (specification.md §11). Host names that only look numeric ("123",
    /// "10.1") are not literals; they are among <see cref="OutsideTargets"/> and get a CNAME.
    /// </summary>
    private static readonly string[] IPLiteralTargets = ["1.2.3.4", "10.96.0.10", "fd00::1"];

    internal enum TargetMode
    {
        OtherService,
        Outside,
        InZoneOther,
        IPLiteral,
    }

    private static Gen<string> Label(string firstChars) => Gen.Select(
        Gen.Char[firstChars],
        Gen.Char[LowerDigitsHyphen].Array[0, 8],
        Gen.Char[LowerDigits],
        Gen.Bool,
        (first, middle, last, single) => single ? first.ToString() : first + new string(middle) + last);

    private static string Address(bool isV6, int host, int v6Style) => (isV6, v6Style) switch
    {
        (false, _) => string.Create(CultureInfo.InvariantCulture, $"10.244.{host % 2}.{host}"),

        // "::n" and "fd00:10:244::" exercise the leading/trailing "0" rule of the dashed name (specification.md §6.3).
        (true, 0) => string.Create(CultureInfo.InvariantCulture, $"::{host + 1:x}"),
        (true, 1) => host == 0 ? "fd00:10:244::" : string.Create(CultureInfo.InvariantCulture, $"fd00:10:244:0:0:0:0:{host:x}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"fd00:10:244:1::{host:x}"),
    };

    private static ImmutableArray<PortModel> NormalizePorts(PortModel[] ports, bool unnamedWhenAlone)
    {
        var result = new List<PortModel>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in ports)
        {
            if (result.Exists(r => r.Number == p.Number && r.Protocol == p.Protocol))
            {
                continue;
            }

            var name = p.Name;
            for (var i = 1; !names.Add(name); i++)
            {
                name = string.Create(CultureInfo.InvariantCulture, $"{p.Name}-{i}");
            }

            result.Add(p with { Name = name });
        }

        if (unnamedWhenAlone && result.Count == 1)
        {
            result[0] = result[0] with { Name = string.Empty };
        }

        return [.. result];
    }

    private static ClusterModel Assemble(string[] namespaceLabels, ServiceDraft[][] drafts)
    {
        var namespaces = namespaceLabels.Distinct(StringComparer.Ordinal).ToArray();
        var services = new List<ServiceModel>();
        var sources = new List<ServiceDraft>();
        var index = 1;
        for (var n = 0; n < namespaces.Length; n++)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in drafts[n])
            {
                var name = d.Name;
                for (var i = 1; !names.Add(name); i++)
                {
                    name = string.Create(CultureInfo.InvariantCulture, $"{d.Name}-{i}");
                }

                var endpoints = d.Kind == ServiceKind.Headless ? d.Endpoints : d.Endpoints.Take(3);
                services.Add(new ServiceModel(namespaces[n], name, d.Kind, d.Type, index++, d.V6First, d.Ports, [.. endpoints], ExternalTarget: null));
                sources.Add(d);
            }
        }

        // Aliases are resolved last, so they can point at any generated service (themselves and other aliases included).
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].Kind == ServiceKind.ExternalName)
            {
                services[i] = services[i] with { ExternalTarget = Target(sources[i], services, namespaces) };
            }
        }

        return new ClusterModel([.. namespaces], [.. services]);
    }

    private static string Target(ServiceDraft d, List<ServiceModel> services, string[] namespaces)
    {
        var target = d.TargetMode switch
        {
            TargetMode.OtherService => OtherService(d.TargetPick, services),
            TargetMode.Outside => OutsideTargets[d.TargetPick % OutsideTargets.Length],
            TargetMode.InZoneOther => (d.TargetPick % 4) switch
            {
                0 => $"nope.{namespaces[d.TargetPick % namespaces.Length]}.svc.{ClusterModel.Zone}",
                1 => $"dns-version.{ClusterModel.Zone}",
                2 => ClusterModel.Zone,
                _ => $"{namespaces[d.TargetPick % namespaces.Length]}.svc.{ClusterModel.Zone}",
            },
            _ => IPLiteralTargets[d.TargetPick % IPLiteralTargets.Length],
        };
        return d.TrailingDot && d.TargetMode != TargetMode.IPLiteral ? target + "." : target;

        static string OtherService(int pick, List<ServiceModel> services)
        {
            var s = services[pick % services.Count];
            var endpoint = s.Endpoints.FirstOrDefault(e => e.IsReady);

            // Sometimes an endpoint name of the picked service rather than the service itself.
            return pick % 5 == 0 && endpoint is not null && s.Kind != ServiceKind.ExternalName
                ? $"{endpoint.ServedNames.First()}.{s.Fqdn}"
                : s.Fqdn;
        }
    }

    /// <summary>A service before names are made unique and aliases resolved.</summary>
    internal sealed record ServiceDraft(
        string Name,
        ServiceKind Kind,
        ServiceType Type,
        bool V6First,
        ImmutableArray<PortModel> Ports,
        EndpointModel[] Endpoints,
        TargetMode TargetMode,
        int TargetPick,
        bool TrailingDot);
}
