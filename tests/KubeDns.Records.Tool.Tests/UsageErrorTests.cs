namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// Usage errors name what the user typed: an unknown option as such, with the nearest real one; a value with its
/// flag, never a .NET type or a library option name (docs/tool.md, "Exit codes").
/// </summary>
public class UsageErrorTests
{
    private const string Web = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          clusterIP: 10.96.0.80
          ports: [{port: 80}]
        """;

    [Theory]
    [InlineData("kubedns serve", "serve", "--bogus")]
    [InlineData("kubedns query", "query", "--bogus")]
    [InlineData("kubedns query", "query", "web.shop.svc.cluster.local", "--bogus")]
    [InlineData("kubedns zone", "zone", "--bogus")]
    [InlineData("kubedns", "--bogus")]
    public async Task UnknownOption_EveryCommand_ExitsTwoPointingToItsHelp(string help, params string[] args)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"kubedns: error: unknown option '--bogus'; '{help} --help' lists the options\n", error);
    }

    [Theory]
    [InlineData("--manifest", "'--manifests'", "query", "--manifest", "{file}", "web.shop.svc.cluster.local")]
    [InlineData("--manifest", "'--manifests'", "zone", "--manifest={file}")]
    [InlineData("-manifests", "'--manifests'", "serve", "-manifests", "{file}")]
    [InlineData("--tll", "'--ttl'", "zone", "--tll", "60")]
    [InlineData("--jsno", "'--json'", "query", "web.shop.svc.cluster.local", "--jsno")]
    [InlineData("--rrl", "'--rrl-rate' or '--rrl-slip'", "serve", "--rrl", "5")]
    [InlineData("--verbos", "'--verbose'", "zone", "--verbos")]
    public async Task UnknownOption_NearRealOnes_SuggestsThem(string typed, string suggested, params string[] args)
    {
        using var folder = new TempFolder();
        var file = folder.Write("web.yaml", Web);

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync([.. args.Select(a => a.Replace("{file}", file, StringComparison.Ordinal))]);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"kubedns: error: unknown option '{typed}'; did you mean {suggested}?\n", error);
    }

    [Fact]
    public async Task DoubleDash_NameThatStartsWithADash_IsTheName()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("query", "--", "-x");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains(";-x.\t\tIN\tA\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspeltCommand_SuggestsTheCommand()
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("serv");

        Assert.Equal(2, exitCode);
        Assert.Equal("kubedns: error: unknown command 'serv'; did you mean 'serve'?\n", error);
    }

    [Theory]
    [InlineData("--ttl: 'abc' is not a whole number", "query", "x", "--ttl", "abc")]
    [InlineData("--ttl: '99999999999' is too large a number", "zone", "--ttl", "99999999999")]
    [InlineData("--ttl: 5000 is not in 0..3600", "query", "x", "--ttl", "5000")]
    [InlineData("--sync-timeout: 'soon' is not a whole number", "zone", "--sync-timeout", "soon")]
    [InlineData("--watch-debounce: '1s' is not a whole number", "serve", "--watch-debounce", "1s")]
    [InlineData("--service-cidr: '10.0.0.0/40' is not a network in CIDR notation", "query", "x", "--service-cidr", "10.0.0.0/40")]
    [InlineData("--service-cidr: '10.0.0.0/31' is not between /0 and /30", "zone", "--service-cidr", "10.0.0.0/31")]
    [InlineData("--pods: 'sometimes' is not one of disabled, insecure, verified", "zone", "--pods", "sometimes")]
    public async Task BadValue_ExitsTwoNamingTheFlagAndTheText(string message, params string[] args)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith($"kubedns: error: {message}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Options.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("the manifests were rejected", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clusterIP: 10.96.0.300", "spec.clusterIP", 14)]
    [InlineData("clusterIPs: [10.96.0.300]", "spec.clusterIPs[0]", 16)]
    public async Task BadClusterIP_NamesTheFieldTheFileHas(string field, string named, int column)
    {
        using var folder = new TempFolder();
        var file = folder.Write("web.yaml", Web.Replace("clusterIP: 10.96.0.80", field, StringComparison.Ordinal));

        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", file);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"kubedns: error: {file}: document 1 (Service shop/web): {named}: '10.96.0.300' is not a valid IP address (line 7, column {column})\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuietAndVerbose_ExitTwo()
    {
        var (exitCode, _, error) = await KubeDnsProcess.RunAsync("zone", "-q", "-v");

        Assert.Equal(2, exitCode);
        Assert.Equal("kubedns: error: --quiet and --verbose are exclusive: pick less or more on standard error\n", error);
    }

    [Theory]
    [InlineData("--manifests", "--manifest", 1)]
    [InlineData("--manifests", "--mainfests", 1)]
    [InlineData("--ttl", "--tll", 1)]
    [InlineData("--ttl", "--bogus", 5)]
    public void Distance_CountsInsertsDeletesReplacementsAndSwaps(string a, string b, int distance) =>
        Assert.Equal(distance, CommandLineErrors.Distance(a, b));

    [Fact]
    public void Suggest_ShortWord_OnlyAnotherSpellingOfIt()
    {
        string[] names = ["-f", "--manifests", "-n", "--namespace", "-v", "--verbose"];

        Assert.Empty(CommandLineErrors.Suggest("-x", names));
        Assert.Equal(["-f"], CommandLineErrors.Suggest("--f", names));
        Assert.Equal(["--namespace"], CommandLineErrors.Suggest("--names", names));
    }
}
