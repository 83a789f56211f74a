using System.Net;
using System.Text;

namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// <c>kubedns serve</c> reloading its manifests (<c>--watch</c>, SIGHUP) as a real process: only files at rest are
/// applied, a folder emptied keeps the last good cluster, SIGHUP reloads instead of ending the process.
/// </summary>
public class ReloadTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private const string Web = "web.shop.svc.cluster.local";

    private const string Api = "api.shop.svc.cluster.local";

    /// <summary>Two Services in one file: web in the first document, api in the second.</summary>
    private static string Services(string webIp, string apiIp) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          clusterIP: {{webIp}}
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec:
          clusterIP: {{apiIp}}
          ports: [{port: 8080}]

        """;

    /// <summary>
    /// A file rewritten in place, slowly: truncated, its first document written, a pause shorter than the quiet
    /// period, then the rest. Every answer for a name in both versions is an address, never NXDOMAIN: the half file
    /// (cut at a document boundary, so it parses) is not applied.
    /// </summary>
    [Fact]
    public async Task Serve_WatchSlowInPlaceRewrite_NameInBothVersionsNeverNxdomain()
    {
        using var folder = new TempFolder();
        var path = folder.Write("shop.yaml", Services("10.96.0.77", "10.96.0.79"));
        await using var server = await KubeDnsProcess.StartServeAsync(
            "--listen", "127.0.0.1:0", "--manifests", folder.Path, "--watch", "--watch-debounce", "3000");
        var endpoint = server.EndPoint!;
        Assert.Equal("10.96.0.79", await AddressAsync(endpoint, Api, server));

        var text = Services("10.96.0.78", "10.96.0.80");
        var cut = text.IndexOf("---\n", StringComparison.Ordinal) + 4;
        var writing = Task.Run(async () =>
        {
            await using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text[..cut]));
            await stream.FlushAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(600));
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text[cut..]));
        });

        // Both names are asked until the whole new file is served: each answer is the old address or the new one.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? api;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, $"the rewrite was never applied; kubedns said:\n{server.StandardError}");
            Assert.Contains(await AddressAsync(endpoint, Web, server), new[] { "10.96.0.77", "10.96.0.78" });
            api = await AddressAsync(endpoint, Api, server);
            Assert.Contains(api, new[] { "10.96.0.79", "10.96.0.80" });
            await Task.Delay(10);
        }
        while (api != "10.96.0.80");

        await writing;
        Assert.Equal("10.96.0.78", await AddressAsync(endpoint, Web, server));
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    /// <summary>Every manifest file deleted: a warning, the last good cluster answers, and files put back are applied.</summary>
    [Fact]
    public async Task Serve_WatchEveryFileDeleted_KeepsTheLastGoodClusterAndWarns()
    {
        using var folder = new TempFolder();
        var path = folder.Write("shop.yaml", Services("10.96.0.77", "10.96.0.79"));
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--manifests", folder.Path, "--watch");
        var endpoint = server.EndPoint!;
        Assert.Equal("10.96.0.77", await AddressAsync(endpoint, Web, server));

        File.Delete(path);
        await server.WaitForErrorAsync("kubedns: warning: the manifests hold no objects now; still serving the last good cluster (", TimeSpan.FromSeconds(15));
        Assert.Contains($"kubedns: warning: {folder.Path}: the folder has no .yaml, .yml or .json files", server.StandardError, StringComparison.Ordinal);
        Assert.Equal("10.96.0.77", await AddressAsync(endpoint, Web, server));
        Assert.Equal("10.96.0.79", await AddressAsync(endpoint, Api, server));

        folder.Write("shop.yaml", Services("10.96.0.78", "10.96.0.79"));
        await WaitForAsync(async () => await AddressAsync(endpoint, Web, server) == "10.96.0.78", server);
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    /// <summary>SIGHUP without --watch: the changed manifest is applied, a bad one reported, and the process keeps running.</summary>
    [Fact]
    public async Task Serve_Sighup_ReloadsTheManifestsAndKeepsRunning()
    {
        using var folder = new TempFolder();
        folder.Write("shop.yaml", Services("10.96.0.77", "10.96.0.79"));
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--manifests", folder.Path);
        var endpoint = server.EndPoint!;
        Assert.Equal("10.96.0.77", await AddressAsync(endpoint, Web, server));

        folder.Write("shop.yaml", Services("10.96.0.78", "10.96.0.79"));
        await server.SendSignalAsync("HUP");
        await server.WaitForErrorAsync("kubedns: reloaded the manifests (SIGHUP): 1 change applied", TimeSpan.FromSeconds(15));
        Assert.Equal("10.96.0.78", await AddressAsync(endpoint, Web, server));

        folder.Write("shop.yaml", Services("10.96.0.99", "10.96.0.79").Replace("port: 8080", "port: abc", StringComparison.Ordinal));
        await server.SendSignalAsync("HUP");
        await server.WaitForErrorAsync("kubedns: the edit was rejected (SIGHUP); still serving the last good cluster", TimeSpan.FromSeconds(15));
        Assert.Contains("shop.yaml: document 2 (Service shop/api): spec.ports[0].port: 'abc' is not a number", server.StandardError, StringComparison.Ordinal);
        Assert.Equal("10.96.0.78", await AddressAsync(endpoint, Web, server));

        Assert.False(server.HasExited);
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    /// <summary>
    /// Started as <c>nohup</c> starts a program, with SIGHUP ignored (inherited across exec): asking for SIGHUP
    /// un-ignores it, as Go's signal.Notify does for CoreDNS, so the reload still works.
    /// </summary>
    [Fact]
    public async Task Serve_StartedWithSighupIgnored_SighupStillReloads()
    {
        using var folder = new TempFolder();
        folder.Write("shop.yaml", Services("10.96.0.77", "10.96.0.79"));
        await using var server = await KubeDnsProcess.StartServeIgnoringHangupAsync("--listen", "127.0.0.1:0", "--manifests", folder.Path);

        folder.Write("shop.yaml", Services("10.96.0.78", "10.96.0.79"));
        await server.SendSignalAsync("HUP");
        await server.WaitForErrorAsync("kubedns: reloaded the manifests (SIGHUP): 1 change applied", TimeSpan.FromSeconds(15));

        Assert.Equal("10.96.0.78", await AddressAsync(server.EndPoint!, Web, server));
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    /// <summary>SIGHUP with the built-in example cluster: nothing to reload, said so, and the server keeps answering.</summary>
    [Fact]
    public async Task Serve_SighupWithoutManifests_NothingToReloadAndKeepsServing()
    {
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0");

        await server.SendSignalAsync("HUP");
        await server.WaitForErrorAsync("kubedns: nothing to reload (SIGHUP): no --manifests were given (serving the built-in example cluster)", TimeSpan.FromSeconds(15));

        Assert.Equal("10.96.161.97", await AddressAsync(server.EndPoint!, "quote.kiada.svc.cluster.local", server));
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    /// <summary>
    /// An edit made after the first read but before the server is listening is applied: the watcher compares with
    /// the files as they were before that read, not as they are when it starts.
    /// </summary>
    [Fact]
    public async Task Serve_WatchEditWhileStarting_IsApplied()
    {
        // The ConfigMap makes the first read print the skipped-objects line, which tells the test that the read is done.
        const string ConfigMap = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {mode: fast}
            """;
        using var folder = new TempFolder();
        folder.Write("shop.yaml", Services("10.96.0.77", "10.96.0.79") + ConfigMap);

        // --health-listen: one more thing the server starts before the watcher looks at the files.
        await using var server = KubeDnsProcess.StartServe(
            "--listen", "127.0.0.1:0", "--health-listen", "127.0.0.1:0", "--manifests", folder.Path, "--watch");
        await server.WaitForErrorAsync("kubedns: skipped 1 object of 1 kind", TimeSpan.FromSeconds(30));
        folder.Write("shop.yaml", Services("10.96.0.78", "10.96.0.79") + ConfigMap);
        await server.WaitUntilListeningAsync();

        await WaitForAsync(async () => await AddressAsync(server.EndPoint!, Web, server) == "10.96.0.78", server);
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("60001")]
    public async Task Serve_WatchDebounceOutOfRange_ExitsTwoNamingTheValue(string value)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("serve", "--watch", "--watch-debounce", value);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains($"--watch-debounce: '{value}' is not between 0 and 60000 milliseconds", error, StringComparison.Ordinal);
    }

    /// <summary>The one address of an A answer, over raw UDP; fails on any other answer (NXDOMAIN included).</summary>
    private static async Task<string> AddressAsync(IPEndPoint endpoint, string name, KubeDnsProcess server)
    {
        var response = await RawDns.ExchangeUdpAsync(endpoint, new RawQuery { Name = name }.ToBytes());
        Assert.True(
            response.Rcode == 0 && response.AnswerAddresses.Count == 1,
            $"{name}: rcode {response.Rcode}, {response.AnswerAddresses.Count} addresses; kubedns said:\n{server.StandardError}");
        return response.AnswerAddresses[0].ToString();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, KubeDnsProcess server)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition never held; kubedns said:\n{server.StandardError}");
            await Task.Delay(100);
        }
    }
}
