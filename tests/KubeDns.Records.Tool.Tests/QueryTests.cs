using System.Text.Json;

namespace KubeDns.Records.Tool.Tests;

/// <summary><c>kubedns query</c>: the seeds' commands, resolved in-process and printed as dig prints them.</summary>
public class QueryTests
{
    [Fact]
    public async Task Query_Quote_PrintsDigLayout()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", "quote.kiada.svc.cluster.local");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Equal(
            """
            ;; ->>HEADER<<- opcode: QUERY, status: NOERROR
            ;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0

            ;; QUESTION SECTION:
            ;quote.kiada.svc.cluster.local.		IN	A

            ;; ANSWER SECTION:
            quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97


            """,
            output);
    }

    /// <summary>The seeds' nslookup and dig commands, fully qualified, with the records they print.</summary>
    [Theory]
    [InlineData("kiada.kiada.svc.cluster.local", "SRV", "NOERROR",
        "kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 80 kiada.kiada.svc.cluster.local.|kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 443 kiada.kiada.svc.cluster.local.",
        "kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108")]
    [InlineData("_http._tcp.kiada.kiada.svc.cluster.local", "srv", "NOERROR",
        "_http._tcp.kiada.kiada.svc.cluster.local. 5 IN SRV 0 100 80 kiada.kiada.svc.cluster.local.",
        "kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108")]
    [InlineData("kiada.kiada.svc.cluster.local", "A", "NOERROR", "kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108", "")]
    [InlineData("quote-headless.kiada.svc.cluster.local", "A", "NOERROR",
        "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10|quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8|quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10|quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9", "")]
    [InlineData("time-api.kiada.svc.cluster.local", "A", "NOERROR", "time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org.", "")]
    [InlineData("web-svc.default.svc.cluster.local", "A", "NOERROR", "web-svc.default.svc.cluster.local. 5 IN A 10.96.0.50", "")]
    [InlineData("external-api.default.svc.cluster.local", "CNAME", "NOERROR", "external-api.default.svc.cluster.local. 5 IN CNAME api.example.com.", "")]
    [InlineData("payments.default.svc.cluster.local", "A", "NOERROR", "payments.default.svc.cluster.local. 5 IN CNAME payments.stripe.com.", "")]
    [InlineData("api.backend.svc.cluster.local", "A", "NOERROR", "api.backend.svc.cluster.local. 5 IN A 10.96.100.10", "")]
    [InlineData("cache.infra.svc.cluster.local", "A", "NOERROR", "cache.infra.svc.cluster.local. 5 IN A 10.96.200.20", "")]
    [InlineData("cache.app.svc.cluster.local", "A", "NXDOMAIN", "", "")]
    [InlineData("cache.svc.cluster.local.app.svc.cluster.local", "A", "NXDOMAIN", "", "")]
    [InlineData("db-headless.data.svc.cluster.local", "A", "NOERROR", "db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5|db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6", "")]
    [InlineData("example.com", "A", "REFUSED", "", "")]
    public async Task Query_SeedCommands_PrintTheirRecords(string name, string type, string status, string answer, string additional)
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", name, type);

        Assert.Equal(0, exitCode);
        Assert.Contains($"status: {status}\n", output, StringComparison.Ordinal);
        Assert.Equal(Lines(answer), Section(output, "ANSWER"));
        Assert.Equal(Lines(additional), Section(output, "ADDITIONAL"));
        if (status == "NXDOMAIN")
        {
            Assert.Matches(@"^cluster\.local\. 5 IN SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 5$", Assert.Single(Section(output, "AUTHORITY")));
        }
    }

    [Fact]
    public async Task Query_Json_GivesTheSectionsAsObjects()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", "dual.kiada.svc.cluster.local", "SRV", "--json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("dual.kiada.svc.cluster.local.", root.GetProperty("name").GetString());
        Assert.Equal("SRV", root.GetProperty("type").GetString());
        Assert.Equal("NOERROR", root.GetProperty("status").GetString());
        Assert.True(root.GetProperty("authoritative").GetBoolean());
        var answer = Assert.Single(root.GetProperty("answer").EnumerateArray().ToList());
        Assert.Equal("0 100 80 dual.kiada.svc.cluster.local.", answer.GetProperty("data").GetString());
        Assert.Equal(5, answer.GetProperty("ttl").GetInt32());
        Assert.Equal(["A 10.96.5.5", "AAAA fd00:10:96::5"], root.GetProperty("additional").EnumerateArray().Select(r => $"{r.GetProperty("type").GetString()} {r.GetProperty("data").GetString()}"));
        Assert.Empty(root.GetProperty("authority").EnumerateArray());
    }

    [Fact]
    public async Task Query_JsonExternalName_NamesTheOutsideTarget()
    {
        var (_, output, _) = await KubeDnsProcess.RunAsync("query", "time-api.kiada.svc.cluster.local", "--json");

        using var json = JsonDocument.Parse(output);
        Assert.Equal("worldtimeapi.org.", json.RootElement.GetProperty("externalTarget").GetString());
    }

    [Fact]
    public async Task Query_Options_ChangeTheAnswer()
    {
        var (_, podNames, _) = await KubeDnsProcess.RunAsync("query", "quote-canary.quote-headless.kiada.svc.cluster.local", "--endpoint-pod-names");
        Assert.Equal(["quote-canary.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9"], Section(podNames, "ANSWER"));

        var (_, ttl, _) = await KubeDnsProcess.RunAsync("query", "quote.kiada.svc.corp.example", "--ttl", "30", "--zone", "corp.example");
        Assert.Equal(["quote.kiada.svc.corp.example. 30 IN A 10.96.161.97"], Section(ttl, "ANSWER"));

        var (_, empty, _) = await KubeDnsProcess.RunAsync("query", "web-svc.default.svc.cluster.local", "--ignore-empty-services");
        Assert.Contains("status: NXDOMAIN", empty, StringComparison.Ordinal);

        var (_, allowed, _) = await KubeDnsProcess.RunAsync("query", "quote.kiada.svc.cluster.local", "--namespaces", "default,backend");
        Assert.Contains("status: NXDOMAIN", allowed, StringComparison.Ordinal);

        var (exitCode, disabled, _) = await KubeDnsProcess.RunAsync("query", "quote.kiada.svc.cluster.local", "--pods", "disabled");
        Assert.Equal(0, exitCode);
        Assert.Contains("status: NOERROR", disabled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Manifests_ResolvesFromThem()
    {
        using var folder = new TempFolder();
        folder.Write("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: orders, namespace: shop}
            spec:
              ports: [{name: http, port: 80}]
            """);

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", "orders.shop.svc.cluster.local", "--manifests", folder.Path);

        Assert.Equal(0, exitCode);
        var answer = Assert.Single(Section(output, "ANSWER"));
        Assert.StartsWith("orders.shop.svc.cluster.local. 5 IN A 10.", answer, StringComparison.Ordinal);
        var ip = answer.Split(' ')[^1];
        Assert.Contains($"kubedns: warning: {folder.Path}/svc.yaml: document 1 (Service shop/orders): spec.clusterIP: not set; allocated {ip} from 10.96.0.0/12, as the API server would (line 5, column 3)", error, StringComparison.Ordinal);
    }

    /// <summary>Kubernetes' e2e DNS test "a service name that starts with a digit": the manifest loads and the name resolves.</summary>
    [Fact]
    public async Task Query_DigitFirstServiceName_Resolves()
    {
        using var folder = new TempFolder();
        folder.Write("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: 1kubernetes, namespace: default}
            spec:
              clusterIP: 10.96.1.1
              ports: [{name: https, port: 443}]
            """);

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", "1kubernetes.default.svc.cluster.local", "--manifests", folder.Path);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Equal(["1kubernetes.default.svc.cluster.local. 5 IN A 10.96.1.1"], Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Query_PortName63Characters_ProtocolNameIsNxdomainAndWarnsOnce()
    {
        using var folder = new TempFolder();
        folder.Write("cart.yaml", ZoneTests.LongPortService());

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", "_tcp.cart.shop.svc.cluster.local", "A", "--manifests", folder.Path);

        Assert.Equal(0, exitCode);
        Assert.Contains("status: NXDOMAIN\n", output, StringComparison.Ordinal);
        var warning = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("kubedns: warning: Service shop/cart: spec.ports[0].name: ", warning, StringComparison.Ordinal);
    }

    /// <summary>NAME is read as dig reads it (RFC 1035 §5.1): <c>\113</c> is the octet 113, 'q'.</summary>
    [Fact]
    public async Task Query_DecimalEscape_AnswersAsTheNameItSpells()
    {
        var (_, plain, _) = await KubeDnsProcess.RunAsync("query", "quote.kiada.svc.cluster.local");
        var (exitCode, escaped, error) = await KubeDnsProcess.RunAsync("query", @"\113uote.kiada.svc.cluster.local");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Equal(plain, escaped);
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Section(escaped, "ANSWER"));
    }

    /// <summary>
    /// An escaped dot is an octet inside the label, not a separator: no Kubernetes name holds one, so the name does
    /// not exist, as over the wire; the question is printed as dig prints it.
    /// </summary>
    [Theory]
    [InlineData(@"a\.b.kiada.svc.cluster.local")]
    [InlineData(@"a\046b.kiada.svc.cluster.local")]
    public async Task Query_EscapedDot_IsNxdomainAndPrintedEscaped(string name)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", name);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("status: NXDOMAIN\n", output, StringComparison.Ordinal);
        Assert.Contains(";a\\.b.kiada.svc.cluster.local.\t\tIN\tA\n", output, StringComparison.Ordinal);

        var (_, json, _) = await KubeDnsProcess.RunAsync("query", name, "--json");
        using var document = JsonDocument.Parse(json);
        Assert.Equal(@"a\.b.kiada.svc.cluster.local.", document.RootElement.GetProperty("name").GetString());
    }

    /// <summary>The search walk of <c>--namespace</c> completes the decoded name, and prints each candidate escaped.</summary>
    [Fact]
    public async Task Query_NamespaceWalk_DecodesTheName()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("query", @"\113uote", "--namespace", "kiada");

        Assert.Equal(0, exitCode);
        Assert.StartsWith(";; tried quote.kiada.svc.cluster.local. NOERROR\n", output, StringComparison.Ordinal);
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Section(output, "ANSWER"));

        var (_, dotted, _) = await KubeDnsProcess.RunAsync("query", @"quote\046kiada", "--namespace", "kiada");
        Assert.StartsWith(";; tried quote\\.kiada.kiada.svc.cluster.local. NXDOMAIN\n", dotted, StringComparison.Ordinal);
        Assert.Contains(@";; quote\.kiada: outside the cluster: upstream decides", dotted, StringComparison.Ordinal);
    }

    /// <summary>Text that is no domain name is a usage error naming NAME, the text and what is wrong where.</summary>
    [Theory]
    [InlineData(@"quote\25x.kiada.svc.cluster.local", @"has '\25x' at character 6")]
    [InlineData(@"quote\256.kiada.svc.cluster.local", @"has '\256' at character 6")]
    [InlineData(@"quote.kiada.svc.cluster.local\", @"ends in a lone '\' at character 30")]
    [InlineData("quote..kiada.svc.cluster.local", "has an empty label at character 7")]
    [InlineData("", "is empty")]
    public async Task Query_MalformedName_IsAUsageError(string name, string problem)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", name);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith($"kubedns: error: NAME: '{name}' {problem}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_NameOverTheLimits_IsAUsageError()
    {
        var label = new string('a', 64);
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("query", $"{label}.kiada.svc.cluster.local");

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"kubedns: error: NAME: '{label}.kiada.svc.cluster.local' has a 64-octet label at character 1, more than the 63 a label holds (RFC 1035 §2.3.4)", error, StringComparison.Ordinal);

        var name = string.Join('.', Enumerable.Repeat(new string('b', 63), 4));
        (exitCode, _, error) = await KubeDnsProcess.RunAsync("query", name);
        Assert.Equal(2, exitCode);
        Assert.StartsWith($"kubedns: error: NAME: '{name}' is 257 octets, more than the 255 a name holds (RFC 1035 §2.3.4)", error, StringComparison.Ordinal);
    }

    private static string[] Lines(string joined) => joined.Length == 0 ? [] : joined.Split('|');

    internal static string[] Section(string output, string name)
    {
        var lines = output.Split('\n');
        var start = Array.IndexOf(lines, $";; {name} SECTION:");
        return start < 0 ? [] : [.. lines.Skip(start + 1).TakeWhile(l => l.Length > 0)];
    }
}
