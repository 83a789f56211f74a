
namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// serve's server tuning flags (UDP loops, TCP caps, response rate limiting): accepted where they mean something, named
/// when wrong. The tool has one server, KubeDnsServer; there is no --engine (ARSoft users attach KubeDns.Records.ArSoft's
/// handler to their own ARSoft server, docs/server.md).
/// </summary>
public class EngineOptionTests
{
    [Theory]
    [InlineData("--udp-batch 0", "--udp-batch: '0' is not between 1 and 1024")]
    [InlineData("--udp-receivers 300", "--udp-receivers: '300' is not between 1 and 256")]
    [InlineData("--tcp-max-per-client 0", "--tcp-max-per-client: '0' is not at least 1")]
    [InlineData("--tcp-max-connections 0", "--tcp-max-connections: '0' is not at least 1")]
    [InlineData("--rrl-rate -1", "--rrl-rate: '-1' is not between 0 and 1000000")]
    [InlineData("--rrl-rate 1000001", "--rrl-rate: '1000001' is not between 0 and 1000000")]
    [InlineData("--rrl-rate 10 --rrl-slip 11", "--rrl-slip: '11' is not between 0 and 10")]
    [InlineData("--rrl-slip 1", "--rrl-slip: '1' needs --rrl-rate")]
    public async Task Serve_EngineFlagMisused_UsageError(string args, string message)
    {
        var (code, _, error) = await KubeDnsProcess.RunAsync(["serve", "--listen", "127.0.0.1:0", .. args.Split(' ')]);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arsoft")]
    [InlineData("native")]
    public async Task Serve_EngineOption_UnknownOptionUsageError(string engine)
    {
        var (code, output, error) = await KubeDnsProcess.RunAsync(["serve", "--listen", "127.0.0.1:0", "--engine", engine]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("kubedns: error: unknown option '--engine'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_RuntimeConfig_BaseRuntimeOnly()
    {
        // Without the ARSoft engine nothing brings the ASP.NET Core shared framework: the plain .NET runtime runs the tool.
        var config = File.ReadAllText(Path.ChangeExtension(KubeDnsProcess.ToolPath, ".runtimeconfig.json"));

        Assert.Contains("\"Microsoft.NETCore.App\"", config, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.App", config, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--reuse-port")]
    [InlineData("--udp-receivers 1 --udp-batch 1")]
    [InlineData("--udp-receivers 3 --reuse-port --udp-batch 64")]
    [InlineData("--tcp-max-connections 8 --tcp-max-per-client 2")]
    [InlineData("--rrl-rate 100 --rrl-slip 1")]
    [InlineData("--rrl-rate 100 --rrl-slip 0")]
    public async Task Serve_EngineFlags_AnswerDig(string args)
    {
        await using var server = await KubeDnsProcess.StartServeAsync(["--listen", "127.0.0.1:0", .. args.Split(' ')]);

        var quote = await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.cluster.local");

        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(quote, "ANSWER"));
        Assert.Equal(0, await server.SignalAsync("TERM", TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// With a rate of 1 and every suppressed answer slipping, the same question asked three times by one dig: the
    /// first is answered over UDP; the second gets the empty truncated reply and dig retries it over TCP, answered in
    /// full; the third, with the retry turned off (+ignore), shows that reply (tc, no records).
    /// </summary>
    [Fact]
    public async Task Serve_RrlRate_RepeatedAnswerSlipsAndDigRetriesOverTcp()
    {
        await using var server = await KubeDnsProcess.StartServeAsync(["--listen", "127.0.0.1:0", "--rrl-rate", "1", "--rrl-slip", "1"]);
        const string Name = "quote.kiada.svc.cluster.local";

        var output = await Dig.RunAsync(server.EndPoint!, "+ignore", Name, Name, "+noignore", Name);

        var transports = output.Split('\n').Where(l => l.StartsWith(";; SERVER:", StringComparison.Ordinal)).Select(l => l[^5..]).ToArray();
        var headers = output.Split('\n').Where(l => l.StartsWith(";; flags:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["(UDP)", "(TCP)", "(UDP)"], transports);
        Assert.Equal(2, output.Split('\n').Count(l => string.Join(' ', l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)) == $"{Name}. 5 IN A 10.96.161.97"));
        Assert.StartsWith(";; flags: qr aa tc rd; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0", headers[2], StringComparison.Ordinal);
        Assert.Equal(0, await server.SignalAsync("TERM", TimeSpan.FromSeconds(10)));
    }
}
