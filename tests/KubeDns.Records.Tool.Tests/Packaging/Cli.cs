using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace KubeDns.Records.Tool.Tests.Packaging;

/// <summary>
/// Child processes for the packaging tests (git, dotnet pack, dotnet tool install, the installed tool), each run to
/// completion within a timeout and killed with its whole tree when it overruns.
/// </summary>
internal static class Cli
{
    /// <summary>The repository's canonical URL, <c>$(RepositoryUrl)</c> of Directory.Build.props.</summary>
    public static string RepositoryUrl { get; } = Metadata("RepositoryUrl");

    /// <summary>The configuration this test assembly, and so the tool it references, was built in.</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The folder holding KubeDns.Records.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The dotnet host the tests run on; the SDK sets DOTNET_HOST_PATH for the processes it starts.</summary>
    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The runtime's root folder (…/dotnet), which a tool's apphost shim looks for in DOTNET_ROOT.</summary>
    public static string DotnetRoot { get; } = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>Runs <paramref name="fileName"/> and fails the test, with its output, unless it exits with 0.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (exitCode, output) = await RunUncheckedAsync(fileName, arguments, timeout, workingDirectory, environment);
        Assert.True(exitCode == 0, $"'{fileName} {string.Join(' ', arguments)}' exited with {exitCode}:\n{output}");
        return output;
    }

    /// <summary>Runs a process to completion and returns its exit code and its standard output and error, interleaved.</summary>
    public static async Task<(int ExitCode, string Output)> RunUncheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`, whose MSBuild variables would steer a nested build to the outer one's
        // SDK paths and node settings; a nested dotnet must start as it would from a shell.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}:\n{Text(output)}");
        }

        process.WaitForExit(); // drains the output events
        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string Metadata(string key) =>
        typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata '{key}' is empty");

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KubeDns.Records.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("KubeDns.Records.sln not found above " + AppContext.BaseDirectory);
    }
}
