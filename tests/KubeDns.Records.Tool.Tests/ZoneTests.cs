using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KubeDns.Records.Tool.Tests;

/// <summary><c>kubedns zone</c>: a master file that a real DNS server (BIND's named-checkzone) accepts.</summary>
public class ZoneTests
{
    [Fact]
    public async Task Zone_ExampleCluster_LoadsInNamedCheckzone()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.StartsWith("$ORIGIN cluster.local.\ncluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ", output, StringComparison.Ordinal);
        Assert.Contains("\nquote.kiada.svc.cluster.local. 5 IN A 10.96.161.97\n", output, StringComparison.Ordinal);
        Assert.Contains("\n_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("db-2", output, StringComparison.Ordinal);
        await AssertZoneLoadsAsync("cluster.local", output);
    }

    [Fact]
    public async Task Zone_OtherZoneAndManifests_LoadsInNamedCheckzone()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("zone", "corp.example", "--zone", "cluster.local", "--zone", "corp.example", "--manifests", KubeDnsProcess.ExampleFolder, "--ttl", "60");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("$ORIGIN corp.example.\n", output, StringComparison.Ordinal);
        Assert.Contains("\nquote.kiada.svc.corp.example. 60 IN A 10.96.161.97\n", output, StringComparison.Ordinal);
        await AssertZoneLoadsAsync("corp.example", output);
    }

    [Fact]
    public async Task Zone_EmbeddedExample_IsDocsExamplesCluster()
    {
        var (_, embedded, _) = await KubeDnsProcess.RunAsync("zone");
        var (_, docs, _) = await KubeDnsProcess.RunAsync("zone", "--manifests", KubeDnsProcess.ExampleFolder);

        Assert.Equal(WithoutSerial(docs), WithoutSerial(embedded));

        static string WithoutSerial(string zone) => Regex.Replace(zone, @"(IN SOA \S+ \S+ )\d+", "$1<serial>");
    }

    [Fact]
    public async Task Zone_NotAConfiguredZone_ExitsTwo()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone", "example.org");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains("kubedns: error: ZONE: 'example.org' is not a configured cluster zone", error, StringComparison.Ordinal);
    }

    private static async Task AssertZoneLoadsAsync(string origin, string zone)
    {
        var file = Path.Combine(Path.GetTempPath(), $"kubedns-{Guid.NewGuid():N}.zone");
        await File.WriteAllTextAsync(file, zone);
        try
        {
            var checker = new[] { "/usr/bin/named-checkzone", "/usr/sbin/named-checkzone", "/usr/local/bin/named-checkzone" }.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException("named-checkzone is not installed: apt-get install bind9-utils (.ci/run does this).");
            using var process = Process.Start(new ProcessStartInfo(checker, ["-i", "full", "-k", "fail", "-n", "fail", origin, file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"named-checkzone rejected the zone:\n{await output}{await error}");
            Assert.Contains("OK", await output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
