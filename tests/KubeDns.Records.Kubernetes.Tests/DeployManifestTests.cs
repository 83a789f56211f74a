using System.Globalization;
using System.Net;
using k8s;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>
/// docs/deploy/kubedns.yaml, loaded with the official client's strict deserializer (an unknown or misspelt field
/// fails), checked for what a reviewer checks before applying it: least-privilege RBAC bound to the account the pods
/// run as, probes on the port the health server listens on, DNS on 53 over UDP and TCP end to end, and a locked-down pod.
/// </summary>
public class DeployManifestTests
{
    private static readonly List<object> Objects = KubernetesYaml.LoadAllFromString(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Deploy", "kubedns.yaml")), typeMap: null, strict: true);

    private static V1Deployment Deployment => Single<V1Deployment>();

    private static V1PodSpec Pod => Deployment.Spec.Template.Spec;

    private static V1Container Container => Assert.Single(Pod.Containers);

    [Fact]
    public void Manifest_HasEachObjectOnce()
    {
        Assert.Equal(
            ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "PodDisruptionBudget", "Service"],
            Objects.Cast<IKubernetesObject>().Select(o => o.Kind));
    }

    [Fact]
    public void NamespacedObjects_AreInTheManifestsNamespace()
    {
        var ns = Single<V1Namespace>().Metadata.Name;

        Assert.Equal(ns, Single<V1ServiceAccount>().Metadata.NamespaceProperty);
        Assert.Equal(ns, Deployment.Metadata.NamespaceProperty);
        Assert.Equal(ns, Single<V1PodDisruptionBudget>().Metadata.NamespaceProperty);
        Assert.Equal(ns, Single<V1Service>().Metadata.NamespaceProperty);
    }

    /// <summary>list for the first full snapshot, watch for changes: nothing else, on exactly the four resources.</summary>
    [Fact]
    public void ClusterRole_GrantsListAndWatchOnTheFourResourcesOnly()
    {
        var rules = Single<V1ClusterRole>().Rules;

        Assert.All(rules, rule =>
        {
            Assert.Null(rule.ResourceNames);
            Assert.Null(rule.NonResourceURLs);
        });
        var grants = rules
            .SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{g}/{res}:{v}"))))
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                "/namespaces:list", "/namespaces:watch",
                "/pods:list", "/pods:watch",
                "/services:list", "/services:watch",
                "discovery.k8s.io/endpointslices:list", "discovery.k8s.io/endpointslices:watch",
            ],
            grants);
    }

    [Fact]
    public void ClusterRoleBinding_BindsTheRoleToTheDeploymentsServiceAccount()
    {
        var binding = Single<V1ClusterRoleBinding>();
        var account = Single<V1ServiceAccount>();

        Assert.Equal("rbac.authorization.k8s.io", binding.RoleRef.ApiGroup);
        Assert.Equal("ClusterRole", binding.RoleRef.Kind);
        Assert.Equal(Single<V1ClusterRole>().Metadata.Name, binding.RoleRef.Name);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", account.Metadata.Name, account.Metadata.NamespaceProperty), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.Equal(account.Metadata.Name, Pod.ServiceAccountName);
        Assert.NotEqual(false, Pod.AutomountServiceAccountToken);
    }

    [Fact]
    public void Deployment_RunsTwoReplicasSpreadAcrossNodes()
    {
        Assert.True(Deployment.Spec.Replicas >= 2, $"replicas: {Deployment.Spec.Replicas}");
        var term = Assert.Single(Pod.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution).PodAffinityTerm;
        Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
        Assert.Equal(Deployment.Spec.Template.Metadata.Labels, term.LabelSelector.MatchLabels);
        Assert.Equal(Deployment.Spec.Template.Metadata.Labels, Deployment.Spec.Selector.MatchLabels);
    }

    /// <summary>A DNS server must not resolve through the cluster DNS it serves (or replaces).</summary>
    [Fact]
    public void Deployment_UsesTheNodesResolver()
    {
        Assert.Equal("Default", Pod.DnsPolicy);
    }

    [Fact]
    public void Container_ServesInClusterOnPort53()
    {
        Assert.Equal("serve", Container.Args[0]);
        Assert.Contains("--in-cluster", Container.Args);
        Assert.Equal(53, OptionEndPoint("--listen").Port);
        Assert.Contains(Container.Ports, p => p.ContainerPort == 53 && p.Protocol == "UDP");
        Assert.Contains(Container.Ports, p => p.ContainerPort == 53 && p.Protocol == "TCP");
    }

    [Fact]
    public void Probes_AskTheHealthServerOnItsPort()
    {
        var health = OptionEndPoint("--health-listen");

        Assert.Equal(IPAddress.Any, health.Address);
        Assert.Contains(Container.Ports, p => p.ContainerPort == health.Port && p.Protocol == "TCP");
        Assert.Equal("/ready", Container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(health.Port, ContainerPort(Container.ReadinessProbe.HttpGet.Port.Value, "TCP"));
        Assert.Equal("/health", Container.LivenessProbe.HttpGet.Path);
        Assert.Equal(health.Port, ContainerPort(Container.LivenessProbe.HttpGet.Port.Value, "TCP"));
    }

    [Fact]
    public void Pod_IsNonRootReadOnlyAndMayBindPort53()
    {
        var pod = Pod.SecurityContext;
        var container = Container.SecurityContext;

        Assert.True(pod.RunAsNonRoot);
        Assert.NotEqual(0, pod.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SeccompProfile.Type);
        Assert.True(container.ReadOnlyRootFilesystem);
        Assert.False(container.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.Capabilities.Drop);
        Assert.Equal(["NET_BIND_SERVICE"], container.Capabilities.Add);
        // Without ambient capabilities a non-root process binds 53 only if the pod's network namespace allows it.
        var unprivilegedPorts = Assert.Single(pod.Sysctls, s => s.Name == "net.ipv4.ip_unprivileged_port_start");
        Assert.True(int.Parse(unprivilegedPorts.Value, CultureInfo.InvariantCulture) <= 53);
    }

    [Fact]
    public void Container_HasRequestsAndAMemoryLimit()
    {
        var resources = Container.Resources;

        Assert.True(resources.Requests.ContainsKey("cpu"));
        Assert.True(resources.Requests.ContainsKey("memory"));
        Assert.True(resources.Limits["memory"].ToDecimal() >= resources.Requests["memory"].ToDecimal());
    }

    [Fact]
    public void Service_Exposes53OverUdpAndTcpToTheContainer()
    {
        var service = Single<V1Service>();

        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal(Deployment.Spec.Template.Metadata.Labels, service.Spec.Selector);
        foreach (var protocol in new[] { "UDP", "TCP" })
        {
            var port = Assert.Single(service.Spec.Ports, p => p.Port == 53 && p.Protocol == protocol);
            Assert.Equal(53, ContainerPort(port.TargetPort.Value, protocol));
        }
    }

    [Fact]
    public void Service_AdvertisesTheMetricsPortToPrometheus()
    {
        var service = Single<V1Service>();
        var health = OptionEndPoint("--health-listen");

        Assert.Equal("true", service.Metadata.Annotations["prometheus.io/scrape"]);
        Assert.Equal("/metrics", service.Metadata.Annotations["prometheus.io/path"]);
        var metrics = Assert.Single(service.Spec.Ports, p => p.Port.ToString(CultureInfo.InvariantCulture) == service.Metadata.Annotations["prometheus.io/port"]);
        Assert.Equal(health.Port, ContainerPort(metrics.TargetPort.Value, "TCP"));
    }

    [Fact]
    public void DisruptionBudget_KeepsOneReplicaThroughADrain()
    {
        var budget = Single<V1PodDisruptionBudget>();

        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.True(Deployment.Spec.Replicas > 1);
        Assert.Equal(Deployment.Spec.Template.Metadata.Labels, budget.Spec.Selector.MatchLabels);
    }

    private static T Single<T>() => Assert.Single(Objects.OfType<T>());

    /// <summary>The endpoint given to an option in the container's args (<c>--listen 0.0.0.0:53</c> or <c>--listen=…</c>).</summary>
    private static IPEndPoint OptionEndPoint(string option)
    {
        var args = Container.Args;
        var index = args.IndexOf(option);
        var value = index >= 0 && index + 1 < args.Count
            ? args[index + 1]
            : Assert.Single(args, a => a.StartsWith(option + "=", StringComparison.Ordinal))[(option.Length + 1)..];
        return IPEndPoint.Parse(value);
    }

    /// <summary>A probe's or Service's target port: a number, or the name of a container port of that protocol.</summary>
    private static int ContainerPort(string target, string protocol) =>
        int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : Assert.Single(Container.Ports, p => p.Name == target && (p.Protocol ?? "TCP") == protocol).ContainerPort;
}
