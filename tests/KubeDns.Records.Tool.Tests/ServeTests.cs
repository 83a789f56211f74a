using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Tool.Tests;

/// <summary><c>kubedns serve</c> as a real process, asked with the real dig, stopped with real signals.</summary>
public class ServeTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private const string WebService = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          clusterIP: 10.96.0.77
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: http}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: shop, labels: {app: web}}
        spec:
          containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
        status:
          podIPs: [{ip: 10.244.9.1}]
          conditions: [{type: Ready, status: "True"}]
        """;

    [Fact]
    public async Task Serve_ManifestFolder_AnswersDigOverUdpAndTcp()
    {
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--manifests", KubeDnsProcess.ExampleFolder);
        var endpoint = server.EndPoint!;
        Assert.NotEqual(0, endpoint.Port);

        var quote = await Dig.RunAsync(endpoint, "quote.kiada.svc.cluster.local");
        Assert.Equal("NOERROR", Dig.Status(quote));
        Assert.Contains("qr aa", Dig.Flags(quote), StringComparison.Ordinal);
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(quote, "ANSWER"));

        var headless = await Dig.RunAsync(endpoint, "+tcp", "quote-headless.kiada.svc.cluster.local");
        Assert.Equal(
            ["10.244.2.10", "10.244.2.8", "10.244.1.10", "10.244.2.9"],
            Dig.Section(headless, "ANSWER").Select(l => l.Split(' ')[^1]));

        var srv = await Dig.RunAsync(endpoint, "_postgres._tcp.db-headless.data.svc.cluster.local", "SRV");
        Assert.Equal(
            [
                "_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.",
                "_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db-headless.data.svc.cluster.local.",
            ],
            Dig.Section(srv, "ANSWER"));

        var nxdomain = await Dig.RunAsync(endpoint, "nope.kiada.svc.cluster.local");
        Assert.Equal("NXDOMAIN", Dig.Status(nxdomain));

        Assert.Equal(0, await server.SignalAsync("INT", StopTimeout));
        Assert.Equal([$"listening on udp://{endpoint} tcp://{endpoint}"], server.StandardOutputLines);
    }

    [Fact]
    public async Task Serve_WithoutManifests_ServesTheExampleClusterAndStopsOnSigterm()
    {
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0");

        var kiada = await Dig.RunAsync(server.EndPoint!, "kiada.kiada.svc.cluster.local", "SRV");
        Assert.Equal(
            [
                "kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 80 kiada.kiada.svc.cluster.local.",
                "kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 443 kiada.kiada.svc.cluster.local.",
            ],
            Dig.Section(kiada, "ANSWER"));
        Assert.Equal(["kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108"], Dig.Section(kiada, "ADDITIONAL"));

        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
        Assert.Equal("", server.StandardError);
    }

    [Fact]
    public async Task Serve_Verbose_LogsEachQueryToStandardErrorOnly()
    {
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "-v");

        await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.cluster.local");
        await Dig.RunAsync(server.EndPoint!, "+tcp", "nope.kiada.svc.cluster.local", "AAAA");
        await server.WaitForErrorAsync("nope.kiada.svc.cluster.local. AAAA NXDOMAIN", TimeSpan.FromSeconds(10));

        // A dot inside a label is logged as dig writes it, not as a raw byte.
        Assert.Equal("NXDOMAIN", Dig.Status(await Dig.RunAsync(server.EndPoint!, @"a\.b.kiada.svc.cluster.local")));
        await server.WaitForErrorAsync(@" a\.b.kiada.svc.cluster.local. A NXDOMAIN", TimeSpan.FromSeconds(10));

        Assert.Equal(0, await server.SignalAsync("INT", StopTimeout));
        Assert.Single(server.StandardOutputLines);
        Assert.Contains(" udp 127.0.0.1:", server.StandardError, StringComparison.Ordinal);
        Assert.Contains("quote.kiada.svc.cluster.local. A NOERROR", server.StandardError, StringComparison.Ordinal);
        Assert.Contains(" tcp 127.0.0.1:", server.StandardError, StringComparison.Ordinal);
    }

    /// <summary><c>kubedns query</c> reads an escaped name as dig does, so it answers what the server answers dig.</summary>
    [Fact]
    public async Task Serve_EscapedNames_AnswerAsQueryAnswersThem()
    {
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0");

        foreach (var name in new[] { @"\113uote.kiada.svc.cluster.local", @"a\.b.kiada.svc.cluster.local", @"a\046b.kiada.svc.cluster.local" })
        {
            var overTheWire = await Dig.RunAsync(server.EndPoint!, name);
            var (exitCode, inProcess, _) = await KubeDnsProcess.RunAsync("query", name);

            Assert.Equal(0, exitCode);
            Assert.Contains($"status: {Dig.Status(overTheWire)}\n", inProcess, StringComparison.Ordinal);
            Assert.Equal(Dig.Section(overTheWire, "QUESTION"), Dig.Section(inProcess, "QUESTION"));
            Assert.Equal(Dig.Section(overTheWire, "ANSWER"), Dig.Section(inProcess, "ANSWER"));
        }

        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    [Fact]
    public async Task Serve_Watch_AppliesAnEditAndSurvivesABrokenOne()
    {
        using var folder = new TempFolder();
        folder.Write("shop.yaml", WebService);
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--manifests", folder.Path, "--watch");
        var endpoint = server.EndPoint!;
        Assert.Equal(["web.shop.svc.cluster.local. 5 IN A 10.96.0.77"], Dig.Section(await Dig.RunAsync(endpoint, "web.shop.svc.cluster.local"), "ANSWER"));
        Assert.Equal("NXDOMAIN", Dig.Status(await Dig.RunAsync(endpoint, "api.shop.svc.cluster.local")));

        // An edit: a new cluster IP, and a second service in a new file.
        folder.Write("shop.yaml", WebService.Replace("10.96.0.77", "10.96.0.78", StringComparison.Ordinal));
        folder.Write("api.yaml", "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"api\", \"namespace\": \"shop\"}, \"spec\": {\"clusterIP\": \"10.96.0.79\", \"ports\": [{\"port\": 8080}]}}");
        await WaitForAsync(async () => Dig.Section(await Dig.RunAsync(endpoint, "api.shop.svc.cluster.local"), "ANSWER").Length == 1, server);
        Assert.Equal(["web.shop.svc.cluster.local. 5 IN A 10.96.0.78"], Dig.Section(await Dig.RunAsync(endpoint, "web.shop.svc.cluster.local"), "ANSWER"));
        await server.WaitForErrorAsync("kubedns: reloaded the manifests", TimeSpan.FromSeconds(10));

        // A broken edit: reported, and the last good cluster keeps serving.
        folder.Write("shop.yaml", WebService.Replace("port: 80,", "port: abc,", StringComparison.Ordinal).Replace("10.96.0.77", "10.96.0.99", StringComparison.Ordinal));
        await server.WaitForErrorAsync("still serving the last good cluster", TimeSpan.FromSeconds(10));
        Assert.Contains("shop.yaml: document 1 (Service shop/web): spec.ports[0].port: 'abc' is not a number (line 7, column 30)", server.StandardError, StringComparison.Ordinal);
        Assert.Equal(["web.shop.svc.cluster.local. 5 IN A 10.96.0.78"], Dig.Section(await Dig.RunAsync(endpoint, "web.shop.svc.cluster.local"), "ANSWER"));
        Assert.Single(Dig.Section(await Dig.RunAsync(endpoint, "api.shop.svc.cluster.local"), "ANSWER"));

        // Deleting a file deletes its objects.
        File.Delete(Path.Combine(folder.Path, "api.yaml"));
        folder.Write("shop.yaml", WebService);
        await WaitForAsync(async () => Dig.Status(await Dig.RunAsync(endpoint, "api.shop.svc.cluster.local")) == "NXDOMAIN", server);
        Assert.Equal(["web.shop.svc.cluster.local. 5 IN A 10.96.0.77"], Dig.Section(await Dig.RunAsync(endpoint, "web.shop.svc.cluster.local"), "ANSWER"));

        Assert.Equal(0, await server.SignalAsync("INT", StopTimeout));
    }

    [Fact]
    public async Task Serve_WatchUnclosedFlowCollection_ReportsItAndAppliesTheFix()
    {
        using var folder = new TempFolder();
        folder.Write("shop.yaml", WebService);
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--manifests", folder.Path, "--watch");
        var endpoint = server.EndPoint!;
        Assert.Equal(["web.shop.svc.cluster.local. 5 IN A 10.96.0.77"], Dig.Section(await Dig.RunAsync(endpoint, "web.shop.svc.cluster.local"), "ANSWER"));

        // An edit the YAML parser itself chokes on: reported with its position, the last good cluster serving.
        folder.Write("shop.yaml", WebService + "\n---\na: [1, 2\nb: 3\n");
        await server.WaitForErrorAsync("still serving the last good cluster", TimeSpan.FromSeconds(15));
        Assert.Contains("shop.yaml: document 3: the flow sequence '[' opened at line", server.StandardError, StringComparison.Ordinal);
        Assert.Equal(["web.shop.svc.cluster.local. 5 IN A 10.96.0.77"], Dig.Section(await Dig.RunAsync(endpoint, "web.shop.svc.cluster.local"), "ANSWER"));

        // The fix is applied, and SIGTERM still stops the server cleanly.
        folder.Write("shop.yaml", WebService.Replace("10.96.0.77", "10.96.0.78", StringComparison.Ordinal));
        await WaitForAsync(async () => Dig.Section(await Dig.RunAsync(endpoint, "web.shop.svc.cluster.local"), "ANSWER") is ["web.shop.svc.cluster.local. 5 IN A 10.96.0.78"], server);
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    [Fact]
    public async Task Serve_PortInUse_ExitsOneNamingTheAddress()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("serve", "--listen", $"127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}: the address is already in use", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_Upstream_ForwardsNamesOutsideTheCluster()
    {
        // The upstream is a second kubedns serving the example cluster under another zone.
        await using var upstream = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--zone", "corp.example");
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--upstream", upstream.EndPoint!.ToString());

        var forwarded = await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.corp.example");
        Assert.Equal("NOERROR", Dig.Status(forwarded));
        Assert.Equal(["quote.kiada.svc.corp.example. 5 IN A 10.96.161.97"], Dig.Section(forwarded, "ANSWER"));
        var local = await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.cluster.local");
        Assert.Contains("ra", Dig.Flags(local).Split(' '));

        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
        Assert.Equal(0, await upstream.SignalAsync("TERM", StopTimeout));
    }

    /// <summary>Not an open resolver: a client outside --recursion-allow (here 127.0.0.1) gets REFUSED for outside names, in-zone answers still.</summary>
    [Fact]
    public async Task Serve_ClientOutsideRecursionAllow_OutsideNamesRefused()
    {
        await using var upstream = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--zone", "corp.example");
        await using var server = await KubeDnsProcess.StartServeAsync(
            "--listen", "127.0.0.1:0", "--upstream", upstream.EndPoint!.ToString(), "--recursion-allow", "10.0.0.0/8,fc00::/7");

        var outside = await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.corp.example");
        var local = await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.cluster.local");

        Assert.Equal("REFUSED", Dig.Status(outside));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(local, "ANSWER"));
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
        Assert.Equal(0, await upstream.SignalAsync("TERM", StopTimeout));
    }

    [Fact]
    public async Task Serve_BadRecursionAllow_ExitsTwoNamingEachBadNetwork()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("serve", "--recursion-allow", "10.0.0.0/8,10.0.0.0/33", "--recursion-allow", "nope");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains("--recursion-allow: '10.0.0.0/33', 'nope' are not networks in CIDR notation", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--listen", "localhost", "--listen: 'localhost' is not ADDRESS:PORT")]
    [InlineData("--listen", "127.0.0.1", "--listen: '127.0.0.1' is not ADDRESS:PORT")]
    [InlineData("--upstream", "no such host!", "--upstream: 'no such host!' is not an address")]
    public async Task Serve_BadEndpoint_ExitsTwo(string option, string value, string message)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("serve", option, value);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortName63Characters_NxdomainAndWarnedOnceAcrossReloads()
    {
        using var folder = new TempFolder();
        folder.Write("cart.yaml", ZoneTests.LongPortService());
        await using var server = await KubeDnsProcess.StartServeAsync("--listen", "127.0.0.1:0", "--manifests", folder.Path, "--watch");
        var endpoint = server.EndPoint!;
        Assert.Equal("NXDOMAIN", Dig.Status(await Dig.RunAsync(endpoint, "_tcp.cart.shop.svc.cluster.local")));

        // An edit that keeps the port: applied, and the warning is not repeated.
        folder.Write("cart.yaml", ZoneTests.LongPortService("10.96.0.8"));
        await WaitForAsync(async () => Dig.Section(await Dig.RunAsync(endpoint, "cart.shop.svc.cluster.local"), "ANSWER") is ["cart.shop.svc.cluster.local. 5 IN A 10.96.0.8"], server);

        Assert.Equal(0, await server.SignalAsync("INT", StopTimeout));
        var warnings = server.StandardError.Split('\n').Where(l => l.StartsWith("kubedns: warning: ", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("kubedns: warning: Service shop/cart: spec.ports[0].name: ", Assert.Single(warnings), StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, KubeDnsProcess server)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition never held; kubedns said:\n{server.StandardError}");
            await Task.Delay(100);
        }
    }
}
