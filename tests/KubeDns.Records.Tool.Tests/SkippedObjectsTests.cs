using System.Text;
using System.Text.RegularExpressions;

namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// Real manifest sets hold far more objects than cluster DNS reads (Deployments, ConfigMaps, RBAC, CRDs): one line
/// sums them up, <c>--verbose</c> lists them, <c>--quiet</c> leaves only errors on standard error.
/// </summary>
public class SkippedObjectsTests
{
    private const string Summary =
        "kubedns: skipped 11 objects of 4 kinds that cluster DNS does not use (ConfigMap 5, Deployment 3, ServiceAccount 2, ClusterRole 1)";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Eleven objects of four kinds cluster DNS does not use, around one Service.</summary>
    private static string ManySkipped()
    {
        var text = new StringBuilder();
        foreach (var (apiVersion, kind, count) in new[] { ("rbac.authorization.k8s.io/v1", "ClusterRole", 1), ("apps/v1", "Deployment", 3), ("v1", "ConfigMap", 5), ("v1", "ServiceAccount", 2) })
        {
            for (var i = 0; i < count; i++)
            {
                text.Append($"apiVersion: {apiVersion}\nkind: {kind}\nmetadata: {{name: {kind.ToLowerInvariant()}-{i}, namespace: shop}}\n---\n");
            }
        }

        return text.Append("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  clusterIP: 10.96.0.80\n  ports: [{port: 80}]\n").ToString();
    }

    [Theory]
    [InlineData("zone")]
    [InlineData("query", "web.shop.svc.cluster.local")]
    public async Task ManySkippedObjects_OneSummaryLine(params string[] command)
    {
        using var folder = new TempFolder();
        folder.Write("all.yaml", ManySkipped());

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync([.. command, "--manifests", folder.Path]);

        Assert.Equal(0, exitCode);
        Assert.Contains("web.shop.svc.cluster.local. 5 IN A 10.96.0.80", output, StringComparison.Ordinal);
        Assert.Equal($"{Summary}; --verbose lists them\n", error);
    }

    [Fact]
    public async Task ManySkippedObjects_Verbose_ListsEachThenTheSummary()
    {
        using var folder = new TempFolder();
        var file = folder.Write("all.yaml", ManySkipped());

        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", folder.Path, "--verbose");

        Assert.Equal(0, exitCode);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, lines.Length);
        Assert.Equal($"kubedns: {file}: document 1 (ClusterRole shop/clusterrole-0): skipped: cluster DNS does not use rbac.authorization.k8s.io/v1 ClusterRole", lines[0]);
        Assert.Equal($"kubedns: {file}: document 11 (ServiceAccount shop/serviceaccount-1): skipped: cluster DNS does not use v1 ServiceAccount", lines[10]);
        Assert.Equal(Summary, lines[11]);
    }

    /// <summary>--quiet drops the summary and every warning (an allocated cluster IP, a name DNS cannot carry), not errors.</summary>
    [Fact]
    public async Task Quiet_NothingButErrorsOnStandardError()
    {
        using var folder = new TempFolder();
        folder.Write("all.yaml", ManySkipped().Replace("  clusterIP: 10.96.0.80\n", string.Empty, StringComparison.Ordinal));
        folder.Write("cart.yaml", ZoneTests.LongPortService());

        var loud = await KubeDnsProcess.RunAsync("zone", "--manifests", folder.Path);
        var quiet = await KubeDnsProcess.RunAsync("zone", "--manifests", folder.Path, "-q");
        folder.Write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: shop}\nspec:\n  ports: [{port: abc}]\n");
        var failing = await KubeDnsProcess.RunAsync("zone", "--manifests", folder.Path, "--quiet");

        Assert.Equal(0, loud.ExitCode);
        Assert.Contains($"kubedns: warning: {folder.Path}/all.yaml: document 12 (Service shop/web): spec.clusterIP: not set; allocated ", loud.Error, StringComparison.Ordinal);
        Assert.Contains("kubedns: warning: Service shop/cart: spec.ports[0].name: ", loud.Error, StringComparison.Ordinal);
        Assert.Contains("kubedns: skipped 11 objects", loud.Error, StringComparison.Ordinal);
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal(WithoutSerial(loud.Output), WithoutSerial(quiet.Output));
        Assert.Equal("", quiet.Error);
        Assert.Equal(2, failing.ExitCode);
        Assert.StartsWith($"kubedns: error: {folder.Path}/bad.yaml: document 1 (Service shop/bad): spec.ports[0].port: 'abc' is not a number", failing.Error, StringComparison.Ordinal);
    }

    private static string WithoutSerial(string zone) => Regex.Replace(zone, @"(IN SOA \S+ \S+ )\d+", "$1<serial>");

    /// <summary>
    /// A reload reports the skipped objects only when their summary changed: an edit of a Service does not repeat
    /// the line, a new kind does.
    /// </summary>
    [Fact]
    public async Task Serve_WatchReload_SummaryOnlyWhenItChanges()
    {
        using var folder = new TempFolder();
        folder.Write("all.yaml", ManySkipped());
        await using var server = await KubeDnsProcess.StartServeAsync(
            "--listen", "127.0.0.1:0", "--manifests", folder.Path, "--watch", "--watch-debounce", "100");
        await server.WaitForErrorAsync(Summary, TimeSpan.FromSeconds(30));

        folder.Write("all.yaml", ManySkipped().Replace("10.96.0.80", "10.96.0.81", StringComparison.Ordinal));
        await server.WaitForErrorAsync("kubedns: reloaded the manifests: 1 change applied", TimeSpan.FromSeconds(30));
        folder.Write("more.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\n");
        await server.WaitForErrorAsync("kubedns: reloaded the manifests: 0 changes applied", TimeSpan.FromSeconds(30));

        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
        var skippedLines = Regex.Matches(server.StandardError, "^kubedns: skipped .*$", RegexOptions.Multiline).Select(m => m.Value);
        Assert.Equal(
            [
                $"{Summary}; --verbose lists them",
                "kubedns: skipped 12 objects of 5 kinds that cluster DNS does not use (ConfigMap 5, Deployment 3, ServiceAccount 2, ClusterRole 1, StatefulSet 1); --verbose lists them",
            ],
            skippedLines);
    }
}
