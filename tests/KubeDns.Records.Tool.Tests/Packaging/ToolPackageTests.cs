namespace KubeDns.Records.Tool.Tests.Packaging;

/// <summary>
/// The kubedns package as a user gets it: packed, installed with <c>dotnet tool install --tool-path … --add-source …</c>
/// from a local feed, and run through the shim the install creates.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public async Task PackedTool_InstalledIntoAToolPath_AnswersAQuery()
    {
        using var temp = new TempFolder();
        var feed = Path.Combine(temp.Path, "feed");
        var tools = Path.Combine(temp.Path, "tools");

        // Packs the tool as this test project's build left it (--no-build): no second build of projects whose output
        // other tests run at the same time, and every file the pack writes goes to the temporary folder. A tool package
        // carries its dependencies (our libraries included) in tools/<tfm>/any, so it is the only package needed.
        await Cli.RunAsync(
            Cli.Dotnet,
            [
                "pack", Path.Combine(Cli.RepositoryRoot, "src", "KubeDns.Records.Tool", "KubeDns.Records.Tool.csproj"),
                "-c", Cli.Configuration, "--no-build", "-o", feed, "--disable-build-servers",
                "-p:NuspecOutputPath=" + Path.Combine(temp.Path, "nuspec") + Path.DirectorySeparatorChar,
                "-p:PublishDir=" + Path.Combine(temp.Path, "publish") + Path.DirectorySeparatorChar,
            ],
            TimeSpan.FromMinutes(5));
        var package = Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "KubeDns.Records.Tool.*.nupkg").Single());
        var version = package["KubeDns.Records.Tool.".Length..];

        // Only the local feed, and a package cache of its own: the user's cache may hold an older build under the
        // same version, which NuGet would install instead of the one just packed.
        var config = Path.Combine(temp.Path, "nuget.config");
        File.WriteAllText(config, "<configuration><packageSources><clear /></packageSources></configuration>");
        var isolated = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(temp.Path, "packages"),
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(temp.Path, "http-cache"),
        };
        var install = await Cli.RunAsync(
            Cli.Dotnet,
            ["tool", "install", "KubeDns.Records.Tool", "--tool-path", tools, "--add-source", feed, "--configfile", config, "--version", version],
            TimeSpan.FromMinutes(3),
            temp.Path,
            isolated);
        Assert.Contains($"(version '{version}')", install, StringComparison.Ordinal);

        // The shim finds the runtime through DOTNET_ROOT, as a user with a tool path outside ~/.dotnet/tools sets it.
        var (exitCode, output) = await Cli.RunUncheckedAsync(
            Path.Combine(tools, OperatingSystem.IsWindows() ? "kubedns.exe" : "kubedns"),
            ["query", "quote.kiada.svc.cluster.local"],
            TimeSpan.FromMinutes(1),
            temp.Path,
            new Dictionary<string, string> { ["DOTNET_ROOT"] = Cli.DotnetRoot });

        Assert.Equal(0, exitCode);
        Assert.Contains("status: NOERROR\n", output, StringComparison.Ordinal);
        Assert.Contains("quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97\n", output, StringComparison.Ordinal);
    }
}
