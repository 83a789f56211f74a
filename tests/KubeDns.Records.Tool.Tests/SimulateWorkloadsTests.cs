namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// <c>--simulate-workloads</c> and <c>--pod-cidr</c> on the kubernetes.io examples (the StatefulSet <c>web</c> and the
/// hostname/subdomain Pods, tests/KubeDns.Records.TestUtilities/KubernetesDocs), and the hint given without the flag.
/// </summary>
public class SimulateWorkloadsTests
{
    private static readonly string Docs = Path.Combine(AppContext.BaseDirectory, "KubernetesDocs");

    [Fact]
    public async Task Query_StatefulSetPod_AnswersItsSimulatedAddress()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", "web-0.nginx.default.svc.cluster.local", "--manifests", Docs, "--simulate-workloads");

        Assert.Equal(0, exitCode);
        Assert.Equal(["web-0.nginx.default.svc.cluster.local. 5 IN A 10.244.0.3"], QueryTests.Section(output, "ANSWER"));
        Assert.Contains("kubedns: warning: simulated 2 pods for 1 workload and 2 Pods written without status, Running and Ready, with IPs from 10.244.0.0/16\n", error, StringComparison.Ordinal);
        Assert.DoesNotContain("select", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_PodHostnameAndSubdomain_AnswersThePodsAddress()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "busybox-1.busybox-subdomain.default.svc.cluster.local", "--manifests", Docs, "--simulate-workloads");

        Assert.Equal(0, exitCode);
        Assert.Equal(["busybox-1.busybox-subdomain.default.svc.cluster.local. 5 IN A 10.244.0.1"], QueryTests.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Query_SameManifests_SameAddressesOnEveryRun()
    {
        var runs = new List<string[]>();
        for (var i = 0; i < 2; i++)
        {
            var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "nginx.default.svc.cluster.local", "--manifests", Docs, "--simulate-workloads");
            Assert.Equal(0, exitCode);
            runs.Add(QueryTests.Section(output, "ANSWER"));
        }

        Assert.Equal(["nginx.default.svc.cluster.local. 5 IN A 10.244.0.3", "nginx.default.svc.cluster.local. 5 IN A 10.244.0.4"], runs[0].Order());
        Assert.Equal(runs[0], runs[1]);
    }

    [Fact]
    public async Task Query_WithoutTheFlag_NxDomainAndOneLineNamingTheServices()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", "web-0.nginx.default.svc.cluster.local", "--manifests", Docs);

        Assert.Equal(0, exitCode);
        Assert.Contains("status: NXDOMAIN\n", output, StringComparison.Ordinal);
        var hint = Assert.Single(error.Split('\n'), l => l.Contains("select", StringComparison.Ordinal));
        Assert.Equal("kubedns: warning: 2 Services select pods that do not exist or have no IP (default/busybox-subdomain, default/nginx); --simulate-workloads creates the pods their workloads would run", hint);
    }

    [Theory]
    [InlineData("10.0.0.0/40", "kubedns: error: --pod-cidr: '10.0.0.0/40' is not a pod CIDR such as 10.244.0.0/16 or fd00:10:244::/64 (host bits must be zero)")]
    [InlineData("10.244.0.0/31", "kubedns: error: --pod-cidr: pod CIDR '10.244.0.0/31' must be between /0 and /30")]
    public async Task PodCidr_Invalid_IsAUsageErrorNamingTheFlag(string cidr, string message)
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("query", "web-0.nginx.default.svc.cluster.local", "--manifests", Docs, "--simulate-workloads", "--pod-cidr", cidr);

        Assert.Equal(2, exitCode);
        Assert.StartsWith(message + "\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodCidr_TooSmall_IsAnErrorNamingIt()
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", Docs, "--simulate-workloads", "--pod-cidr", "10.244.0.0/30");

        Assert.Equal(2, exitCode);
        Assert.Contains("kubedns: error: pod CIDR '10.244.0.0/30' is too small: 4 simulated pods need an address, and 2 were free", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodCidr_WithoutSimulation_IsAUsageError()
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("query", "web-0.nginx.default.svc.cluster.local", "--manifests", Docs, "--pod-cidr", "10.1.0.0/16");

        Assert.Equal(2, exitCode);
        Assert.Contains("kubedns: error: --pod-cidr gives the IPs of simulated pods; it needs --simulate-workloads", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--simulate-workloads")]
    [InlineData("--pod-cidr", "10.1.0.0/16")]
    public async Task LiveCluster_WithSimulationOptions_IsAUsageError(params string[] option)
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync(["query", "web-0.nginx.default.svc.cluster.local", "--kubeconfig", "/nonexistent/kubeconfig", .. option]);

        Assert.Equal(2, exitCode);
        Assert.Contains($"kubedns: error: {option[0]} completes manifests; a live cluster's pods are real", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodCidr_Given_AddressesComeFromIt()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "web-1.nginx.default.svc.cluster.local", "--manifests", Docs, "--simulate-workloads", "--pod-cidr", "10.1.0.0/24");

        Assert.Equal(0, exitCode);
        Assert.Equal(["web-1.nginx.default.svc.cluster.local. 5 IN A 10.1.0.4"], QueryTests.Section(output, "ANSWER"));
    }
}
