namespace KubeDns.Records.Tool.Tests;

/// <summary>Exit codes: 0 success, 2 bad arguments or manifests (the message names the file and field), 1 runtime failure.</summary>
public class ExitCodeTests
{
    [Theory]
    [InlineData(new string[0], "Required command was not provided")]
    [InlineData(new[] { "bogus" }, "bogus")]
    [InlineData(new[] { "serve", "--no-such-option" }, "--no-such-option")]
    [InlineData(new[] { "query" }, "Required argument 'NAME' missing")]
    [InlineData(new[] { "query", "x", "BOGUS" }, "TYPE: 'BOGUS' is not a record type")]
    [InlineData(new[] { "query", "x", "--ttl", "abc" }, "abc")]
    [InlineData(new[] { "query", "x", "--ttl", "99999" }, "99999")]
    [InlineData(new[] { "query", "x", "--zone", "bad..zone" }, "bad..zone")]
    [InlineData(new[] { "query", "x", "--reverse-zone", "example.com" }, "example.com")]
    [InlineData(new[] { "query", "x", "--pods", "sometimes" }, "sometimes")]
    [InlineData(new[] { "query", "x", "--service-cidr", "10.96.0.1/12" }, "--service-cidr: '10.96.0.1/12' is not a network in CIDR notation")]
    public async Task BadArguments_ExitTwo(string[] args, string message)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("kubedns: error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zone")]
    [InlineData("query", "quote.kiada.svc.cluster.local")]
    [InlineData("serve", "--listen", "127.0.0.1:0")]
    public async Task UnclosedFlowCollection_ExitsTwoNamingFileDocumentLineAndColumn(params string[] command)
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: kiada}\n---\na: [1, 2\nb: 3\n");

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync([.. command, "--manifests", file]);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith($"kubedns: error: {file}: document 2: the flow sequence '[' opened at line 5, column 4 is not closed (line 6, column 1)\n", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>The record features of specification.md §9, §10 and §13 are reachable from the command line.</summary>
    [Fact]
    public async Task Query_Wildcards_ListsEveryServiceOfTheNamespace()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "any.kiada.svc.cluster.local", "SRV", "--wildcards");

        Assert.Equal(0, exitCode);
        Assert.Contains("any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 dual.kiada.svc.cluster.local.", output, StringComparison.Ordinal);
        Assert.Contains("any.kiada.svc.cluster.local. 5 IN SRV 0 12 443 kiada.kiada.svc.cluster.local.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("insecure", "1-2-3-4.kiada.pod.cluster.local. 5 IN A 1.2.3.4", "NOERROR")]
    [InlineData("verified", null, "NXDOMAIN")]
    public async Task Query_Pods_AnswersPerMode(string mode, string? record, string status)
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "1-2-3-4.kiada.pod.cluster.local", "--pods", mode);

        Assert.Equal(0, exitCode);
        Assert.Contains($"status: {status}", output, StringComparison.Ordinal);
        if (record is not null)
        {
            Assert.Contains(record, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Query_NamespaceSeedQuiz_PrintsEachCandidateThenTheAnswer()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "cache.infra", "--namespace", "app");

        Assert.Equal(0, exitCode);
        Assert.StartsWith(";; tried cache.infra.app.svc.cluster.local. NXDOMAIN\n;; tried cache.infra.svc.cluster.local. NOERROR\n", output, StringComparison.Ordinal);
        Assert.Contains("cache.infra.svc.cluster.local. 5 IN A 10.96.200.20", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_NamespaceShortNameFromOtherNamespace_SaysEveryCandidateFailedOrWentUpstream()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "cache", "--namespace", "app");

        Assert.Equal(0, exitCode);
        Assert.Contains(";; tried cache.app.svc.cluster.local. NXDOMAIN", output, StringComparison.Ordinal);
        Assert.Contains(";; cache: outside the cluster: upstream decides", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_BadNamespace_ExitsTwoNamingIt()
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("query", "cache", "--namespace", "App");

        Assert.Equal(2, exitCode);
        Assert.Contains("'App'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadManifest_ExitsTwoNamingFileDocumentObjectAndField()
    {
        using var folder = new TempFolder();
        var file = folder.Write("bad.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
            spec:
              clusterIP: 10.96.0.80
              ports:
              - name: http
                port: abc
            """);

        foreach (var command in new[] { "serve", "query", "zone" })
        {
            string[] args = command == "query" ? [command, "web.shop.svc.cluster.local", "--manifests", file] : [command, "--manifests", file];
            var (exitCode, output, error) = await KubeDnsProcess.RunAsync(args);

            Assert.Equal(2, exitCode);
            Assert.Equal("", output);
            Assert.Contains($"kubedns: error: {file}: document 2 (Service shop/web): spec.ports[0].port: 'abc' is not a number (line 14, column 11)", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvalidObject_ExitsTwoWithTheCoreErrorMappedToItsDocument()
    {
        using var folder = new TempFolder();
        folder.Write("a.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              clusterIP: 10.96.0.80
              ports:
              - {name: http, port: 70000}
            """);

        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", folder.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"kubedns: error: {folder.Path}/a.yaml: document 1 (Service shop/web): spec.ports[0].port: 70000 is not in 1..65535 (line 7, column 24)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingManifestPath_ExitsTwo()
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", "/no/such/folder/cluster.yaml");

        Assert.Equal(2, exitCode);
        Assert.Contains("kubedns: error: /no/such/folder/cluster.yaml: no such file or folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ExitsZero()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("serve", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--listen", output, StringComparison.Ordinal);
        Assert.Contains("--watch", output, StringComparison.Ordinal);
    }
}
