using System.Diagnostics;
using System.Reflection;
using k8s.Models;

namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// The live-feed block of docs/live-cluster.md (docs/examples/Samples/LiveClusterDocs.cs) run as a user would run it,
/// against the fake API server: KUBECONFIG names it, the feed lists, watches and marks the state synced.
/// </summary>
public sealed class LiveClusterSampleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task LiveClusterDocsSample_WithAKubeconfig_SyncsTheCluster()
    {
        await using var api = await FakeKubernetesApiServer.StartAsync();
        api.Apply(new V1Namespace { Metadata = new V1ObjectMeta { Name = "kiada" } });
        api.Apply(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "quote", NamespaceProperty = "kiada" },
            Spec = new V1ServiceSpec { ClusterIP = "10.96.161.97", ClusterIPs = ["10.96.161.97"], Type = "ClusterIP", Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }] },
        });
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_folder.Path, "kubeconfig"));
        var samples = typeof(LiveClusterSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SamplesAssembly").Value!;
        var start = new ProcessStartInfo("dotnet", ["exec", samples, "LiveClusterDocs"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["KUBECONFIG"] = kubeconfig },
        };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        Assert.Equal("synced: 1 services, True\n", (await output).ReplaceLineEndings("\n"));
    }
}
