using System.Text.RegularExpressions;
using k8s.Models;
using KubeDns.Records.Kubernetes.Tests.TestData;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>
/// ManifestOptions.SimulateWorkloads: manifests as people have them (workloads, Pods without status) get the pods
/// their controllers would run, tested first on the kubernetes.io examples kept in tests/KubeDns.Records.TestUtilities/KubernetesDocs.
/// </summary>
public sealed partial class SimulateWorkloadsTests
{
    private static readonly string Docs = Path.Combine(AppContext.BaseDirectory, "KubernetesDocs");
    private static readonly string WebYaml = Path.Combine(Docs, "web.yaml");
    private static readonly string BusyboxYaml = Path.Combine(Docs, "busybox-subdomain.yaml");

    private const string Api = """
        apiVersion: v1
        kind: Service
        metadata: {name: api}
        spec:
          clusterIP: 10.96.0.10
          selector: {app: api}
          ports: [{name: http, port: 80, targetPort: http}]
        """;

    [Fact]
    public void Simulate_StatefulSetExample_AnswersEachOrdinalAtItsHostname()
    {
        var state = Apply(ClusterManifest.Load([WebYaml], Simulating()));

        Assert.Equal(["10.244.0.1"], Addresses(state, "web-0.nginx.default.svc.cluster.local"));
        Assert.Equal(["10.244.0.2"], Addresses(state, "web-1.nginx.default.svc.cluster.local"));
        Assert.Equal(["10.244.0.1", "10.244.0.2"], Addresses(state, "nginx.default.svc.cluster.local").Order());
        Assert.Equal(ResponseCode.NameError, Code(state, "web-2.nginx.default.svc.cluster.local"));
    }

    [Fact]
    public void Simulate_HostnameSubdomainExample_AnswersEachPodsHostname()
    {
        var state = Apply(ClusterManifest.Load([BusyboxYaml], Simulating()));

        Assert.Equal(["10.244.0.1"], Addresses(state, "busybox-1.busybox-subdomain.default.svc.cluster.local"));
        Assert.Equal(["10.244.0.2"], Addresses(state, "busybox-2.busybox-subdomain.default.svc.cluster.local"));
    }

    [Fact]
    public void WithoutSimulation_TheExamplesHaveNoEndpoints_AndTheServicesAreNamed()
    {
        var manifest = ClusterManifest.Load([Docs]);
        var state = Apply(manifest);

        Assert.Equal(ResponseCode.NameError, Code(state, "web-0.nginx.default.svc.cluster.local"));
        Assert.Equal(ResponseCode.NameError, Code(state, "busybox-1.busybox-subdomain.default.svc.cluster.local"));
        Assert.Equal(["default/busybox-subdomain", "default/nginx"], manifest.ServicesWithoutPods);
        Assert.DoesNotContain(manifest.Warnings, w => w.Contains("simulated", StringComparison.Ordinal));
    }

    [Fact]
    public void Simulate_ServicesLeftWithoutPods_AreOnlyThoseSelectingNothing()
    {
        var manifest = ClusterManifest.Parse(
            [new("docs.yaml", File.ReadAllText(WebYaml)), new("api.yaml", Api)],
            Simulating());

        Assert.Equal(["default/api"], manifest.ServicesWithoutPods);
    }

    [Fact]
    public void Simulate_SameManifestsInAnotherOrder_GiveTheSameIPs()
    {
        var first = ClusterManifest.Load([WebYaml, BusyboxYaml], Simulating());
        var second = ClusterManifest.Load([BusyboxYaml, WebYaml], Simulating());

        var expected = new[] { "busybox1 10.244.0.1", "busybox2 10.244.0.2", "web-0 10.244.0.3", "web-1 10.244.0.4" };
        Assert.Equal(expected, first.Pods.Select(p => $"{p.Name} {string.Join(',', p.IPs)}").Order());
        Assert.Equal(expected, second.Pods.Select(p => $"{p.Name} {string.Join(',', p.IPs)}").Order());
        Assert.Empty(second.ChangesSince(first).Changes);
    }

    [Fact]
    public void Simulate_Deployment_RunsItsReplicasUnderGeneratedNames()
    {
        var manifest = ClusterManifest.Parse($"""
            {Api}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {"{name: api}"}
            spec:
              replicas: 3
              selector: {"{matchLabels: {app: api}}"}
              template:
                metadata: {"{labels: {app: api}}"}
                spec:
                  containers: [{"{name: api, image: api, ports: [{name: http, containerPort: 8080}]}"}]
            """, "api.yaml", Simulating());

        Assert.Equal(3, manifest.Pods.Count);
        Assert.All(manifest.Pods, p => Assert.Matches(DeploymentPodName(), p.Name));
        Assert.Single(manifest.Pods.Select(p => p.Name[..^6]).Distinct()); // one template hash
        var slice = Assert.Single(manifest.EndpointSlices);
        Assert.Equal(3, slice.Endpoints.Length);
        Assert.All(slice.Endpoints, e => Assert.True(e.Ready));
        Assert.Equal(8080, Assert.Single(slice.Ports).Port); // the named target port of the template's container
        Assert.Contains("simulated 3 pods for 1 workload, Running and Ready, with IPs from 10.244.0.0/16", manifest.Warnings);
        Assert.Empty(manifest.ServicesWithoutPods);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("replicas: 0", 0)]
    [InlineData("replicas: 4", 4)]
    public void Simulate_Replicas_DefaultToOne(string replicas, int pods)
    {
        var manifest = ClusterManifest.Parse(Workload("apps/v1", "ReplicaSet", "api", replicas), "rs.yaml", Simulating());

        Assert.Equal(pods, manifest.Pods.Count);
        Assert.All(manifest.Pods, p => Assert.Matches("^api-[bcdfghjklmnpqrstvwxz2456789]{5}$", p.Name));
    }

    [Fact]
    public void Simulate_ManyReplicas_EachGetsAPodOfItsOwn()
    {
        // 40,000 five-letter suffixes out of 27^5 collide 21 times: each clash must still give a pod.
        var manifest = ClusterManifest.Parse(Workload("apps/v1", "ReplicaSet", "api", "replicas: 40000"), "rs.yaml", Simulating());

        Assert.Equal(40000, manifest.Pods.Select(p => p.Name).Distinct().Count());
        Assert.Equal(40000, manifest.Pods.Select(p => p.IPs[0]).Distinct().Count());
        Assert.DoesNotContain(manifest.Warnings, w => w.Contains("is not created", StringComparison.Ordinal));
    }

    [Fact]
    public void Simulate_ReplicaSetOwnedByADeployment_DoesNotDoubleThePods()
    {
        var manifest = ClusterManifest.Parse(
            Workload("apps/v1", "Deployment", "api", "replicas: 2") + "\n---\n"
            + Workload("apps/v1", "ReplicaSet", "api-5d8f7c9b4", "replicas: 2", "ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: u1, controller: true}]"),
            "get.yaml",
            Simulating());

        Assert.Equal(2, manifest.Pods.Count);
        Assert.All(manifest.Pods, p => Assert.Matches(DeploymentPodName(), p.Name));
    }

    [Fact]
    public void Simulate_WorkloadWhosePodsAreGiven_IsLeftToThem()
    {
        var manifest = ClusterManifest.Parse($"""
            {Workload("apps/v1", "Deployment", "api", "replicas: 3")}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {"{name: api-7c6d9f8b5-x2k4q, labels: {app: api}}"}
            status:
              podIP: 10.244.7.7
              conditions: [{"{type: Ready, status: 'True'}"}]
            """, "get.yaml", Simulating());

        var pod = Assert.Single(manifest.Pods);
        Assert.Equal(["10.244.7.7"], pod.IPs.ToArray());
        Assert.DoesNotContain(manifest.Warnings, w => w.StartsWith("simulated", StringComparison.Ordinal));
    }

    [Fact]
    public void Simulate_PodsWithStatus_AreLeftAsTheyAre()
    {
        var plain = ClusterManifest.Load([ExampleManifests.Folder]);
        var simulated = ClusterManifest.Load([ExampleManifests.Folder], Simulating());

        Assert.Equal(plain.Pods.Select(p => $"{p.Name} {string.Join(',', p.IPs)}"), simulated.Pods.Select(p => $"{p.Name} {string.Join(',', p.IPs)}"));
        Assert.Equal(plain.EndpointSlices.Select(s => s.Name), simulated.EndpointSlices.Select(s => s.Name));
        Assert.Empty(simulated.ChangesSince(plain).Changes);
    }

    [Fact]
    public void Simulate_AddressesOfGivenPods_AreSkipped()
    {
        var manifest = ClusterManifest.Parse($"""
            {Workload("apps/v1", "StatefulSet", "db", "replicas: 2")}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {"{name: other}"}
            status: {"{podIP: 10.244.0.1}"}
            """, "db.yaml", Simulating());

        Assert.Equal(["db-0 10.244.0.2", "db-1 10.244.0.3", "other 10.244.0.1"], manifest.Pods.Select(p => $"{p.Name} {p.IPs[0]}").Order());
    }

    [Fact]
    public void Simulate_StatefulSetOrdinalsStart_NamesFromThatOrdinal()
    {
        var manifest = ClusterManifest.Parse(Workload("apps/v1", "StatefulSet", "db", "replicas: 2\n  ordinals: {start: 5}\n  serviceName: db"), "db.yaml", Simulating());

        Assert.Equal(["db-5", "db-6"], manifest.Pods.Select(p => p.Name).Order());
    }

    [Fact]
    public void Simulate_DaemonSetAndJobs_RunTheirDocumentedNumberOfPods()
    {
        var manifest = ClusterManifest.Parse(
            string.Join("\n---\n",
                Workload("apps/v1", "DaemonSet", "agent", string.Empty),
                Workload("batch/v1", "Job", "batch", "parallelism: 3\n  completions: 2"),
                Workload("batch/v1", "Job", "wide", "parallelism: 3"),
                Workload("batch/v1", "Job", "held", "suspend: true")),
            "w.yaml",
            Simulating());

        Assert.Equal(
            [("agent", 1), ("batch", 2), ("wide", 3)],
            manifest.Pods.GroupBy(p => p.Name[..p.Name.IndexOf('-', StringComparison.Ordinal)]).Select(g => (g.Key, g.Count())).Order());
    }

    [Fact]
    public void Simulate_IndexedJob_GivesEachPodItsIndexHostname()
    {
        var manifest = ClusterManifest.Parse($"""
            apiVersion: v1
            kind: Service
            metadata: {"{name: workers}"}
            spec: {"{clusterIP: None, selector: {app: api}}"}
            ---
            {Workload("batch/v1", "Job", "sum", "parallelism: 2\n  completions: 2\n  completionMode: Indexed", subdomain: "workers")}
            """, "job.yaml", Simulating());
        var state = Apply(manifest);

        Assert.Equal(["10.244.0.1"], Addresses(state, "sum-0.workers.default.svc.cluster.local"));
        Assert.Equal(["10.244.0.2"], Addresses(state, "sum-1.workers.default.svc.cluster.local"));
    }

    [Fact]
    public void Simulate_FromObjects_TakesWorkloadModels()
    {
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = "nginx",
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "nginx" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "nginx" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx" }] },
                },
            },
        };

        Assert.Equal(["web-0", "web-1"], ClusterManifest.FromObjects([set], Simulating()).Pods.Select(p => p.Name));
        Assert.Empty(ClusterManifest.FromObjects([set]).Pods);
    }

    [Theory]
    [InlineData("10.0.0.0/40", "'10.0.0.0/40' is not a pod CIDR such as 10.244.0.0/16 or fd00:10:244::/64 (host bits must be zero)")]
    [InlineData("10.244.0.1/16", "'10.244.0.1/16' is not a pod CIDR such as 10.244.0.0/16 or fd00:10:244::/64 (host bits must be zero)")]
    [InlineData("pods", "'pods' is not a pod CIDR such as 10.244.0.0/16 or fd00:10:244::/64 (host bits must be zero)")]
    [InlineData("10.244.0.0/31", "pod CIDR '10.244.0.0/31' must be between /0 and /30")]
    public void PodCidr_Invalid_IsRejectedNamingTheValue(string cidr, string message)
    {
        var options = new ManifestOptions();

        Assert.Equal(message, Assert.Throws<FormatException>(() => options.PodCidr = cidr).Message);
        Assert.Equal(ManifestOptions.DefaultPodCidr, options.PodCidr);
    }

    [Fact]
    public void Simulate_PodCidrTooSmall_IsAnErrorNamingIt()
    {
        var options = Simulating();
        options.PodCidr = "10.244.0.0/30"; // 2 usable addresses

        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(Workload("apps/v1", "StatefulSet", "db", "replicas: 3"), "db.yaml", options));

        Assert.Equal(["pod CIDR '10.244.0.0/30' is too small: 3 simulated pods need an address, and 2 were free"], e.Errors);
    }

    [Fact]
    public void Simulate_IPv6PodCidr_GivesIPv6Addresses()
    {
        var options = Simulating();
        options.PodCidr = "fd00:10:244::/64";

        var manifest = ClusterManifest.Load([BusyboxYaml], options);

        Assert.Equal(["fd00:10:244::1", "fd00:10:244::2"], manifest.Pods.Select(p => p.IPs[0]));
    }

    [Fact]
    public void Simulate_WorkloadWithoutTemplate_IsAnErrorAtItsDocument()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api}
            spec:
              replicas: 1
            """, "api.yaml", Simulating()));

        Assert.Equal(["api.yaml: document 1 (Deployment default/api): spec.template: is required (line 5, column 3)"], e.Errors);
    }

    [Fact]
    public void Simulate_NegativeReplicas_IsAnErrorAtTheField()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(Workload("apps/v1", "StatefulSet", "db", "replicas: -1"), "db.yaml", Simulating()));

        Assert.Equal(["db.yaml: document 1 (StatefulSet default/db): spec.replicas: -1 is negative (line 7, column 13)"], e.Errors);
    }

    [Fact]
    public void Simulate_MorePodsThanAClusterHolds_IsAnErrorNamingTheLargestWorkload()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(
            Workload("apps/v1", "Deployment", "api", "replicas: 100000") + "\n---\n" + Workload("apps/v1", "StatefulSet", "db", "replicas: 50001"),
            "big.yaml",
            Simulating()));

        Assert.Equal(["simulating workloads would create 150001 pods, more than the 150000 a Kubernetes cluster supports; the largest is Deployment default/api with 100000"], e.Errors);
    }

    [Fact]
    public void Simulate_WorkloadsAreDecodedStrictly()
    {
        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(Workload("apps/v1", "Deployment", "api", "replicass: 2"), "api.yaml", Simulating()));

        Assert.Contains("api.yaml: document 1 (Deployment default/api): spec.replicass: unknown field", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    private static ManifestOptions Simulating() => new() { SimulateWorkloads = true };

    private static string Workload(string apiVersion, string kind, string name, string specLines, string metadataLine = "", string? subdomain = null) => $$$"""
        apiVersion: {{{apiVersion}}}
        kind: {{{kind}}}
        metadata:
          name: {{{name}}}
          {{{metadataLine}}}
        spec:
          {{{specLines}}}
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              {{{(subdomain is null ? string.Empty : "subdomain: " + subdomain)}}}
              containers: [{name: c, image: c}]
        """;

    private static ClusterState Apply(ClusterManifest manifest)
    {
        var state = new ClusterState(new ClusterDnsOptions());
        manifest.ApplyTo(state);
        state.MarkSynced();
        return state;
    }

    private static ResponseCode Code(ClusterState state, string name) => state.Resolve(name, RecordType.A).ResponseCode;

    /// <summary>The addresses of the A records in the answer, in answer order.</summary>
    private static List<string> Addresses(ClusterState state, string name)
    {
        var resolution = state.Resolve(name, RecordType.A);
        Assert.Equal(ResponseCode.NoError, resolution.ResponseCode);
        var addresses = new List<string>();
        foreach (var record in resolution.Answer)
        {
            addresses.Add(record.GetAddress()!.ToString());
        }

        return addresses;
    }

    [GeneratedRegex("^api-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex DeploymentPodName();
}
