using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// The built kubedns tool run as a real process (<c>dotnet kubedns.dll …</c>), every wait bounded, killed in
/// <see cref="DisposeAsync"/> if still running.
/// </summary>
internal sealed class KubeDnsProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Released once per standard error line, so a wait for a line reacts as it arrives.
    private readonly SemaphoreSlim _errorLines = new(0);

    private KubeDnsProcess(Process process) => _process = process;

    /// <summary>The tool's main assembly, as built next to this repository's test projects.</summary>
    public static string ToolPath { get; } = FindTool();

    /// <summary>Example manifests (docs/examples/cluster) copied next to the test assembly.</summary>
    public static string ExampleFolder { get; } = Path.Combine(AppContext.BaseDirectory, "ExampleManifests");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The endpoint from the "listening on" line, once <see cref="StartServeAsync"/> returned.</summary>
    public IPEndPoint? EndPoint { get; private set; }

    public string StandardError
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public IReadOnlyList<string> StandardOutputLines
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Runs the tool to completion (60 s at most) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        await using var process = Start(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process._process.WaitForExitAsync(timeout.Token);
        process._process.WaitForExit(); // drains the output events
        return (process._process.ExitCode, string.Join('\n', process.StandardOutputLines) + (process.StandardOutputLines.Count > 0 ? "\n" : string.Empty), process.StandardError);
    }

    /// <summary>Starts <c>kubedns serve …</c> and waits (bounded) for its "listening on" line.</summary>
    public static Task<KubeDnsProcess> StartServeAsync(params string[] args) => StartServeAsync(ignoreHangup: false, args);

    /// <summary>
    /// Starts <c>kubedns serve …</c> as <c>nohup</c> would, with SIGHUP ignored (Linux, coreutils <c>env
    /// --ignore-signal</c>), and waits for its "listening on" line.
    /// </summary>
    public static Task<KubeDnsProcess> StartServeIgnoringHangupAsync(params string[] args) => StartServeAsync(ignoreHangup: true, args);

    private static async Task<KubeDnsProcess> StartServeAsync(bool ignoreHangup, string[] args)
    {
        var process = Start(["serve", .. args], ignoreHangup);
        try
        {
            await process.WaitUntilListeningAsync();
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>kubedns serve …</c> without waiting; see <see cref="WaitUntilListeningAsync"/>.</summary>
    public static KubeDnsProcess StartServe(params string[] args) => Start(["serve", .. args]);

    /// <summary>Waits (bounded) for the "listening on" line and sets <see cref="EndPoint"/>.</summary>
    public async Task WaitUntilListeningAsync()
    {
        var line = await _firstLine.Task.WaitAsync(StartTimeout);
        var match = System.Text.RegularExpressions.Regex.Match(line, @"^listening on udp://(\S+) tcp://(\S+)$");
        Assert.True(match.Success, $"unexpected first line: '{line}'; stderr: {StandardError}");
        Assert.Equal(match.Groups[1].Value, match.Groups[2].Value);
        EndPoint = IPEndPoint.Parse(match.Groups[1].Value);
    }

    /// <summary>Sends a signal with /bin/kill and waits (bounded) for the exit code.</summary>
    public async Task<int> SignalAsync(string signal, TimeSpan timeout)
    {
        await SendSignalAsync(signal);
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends a signal with /bin/kill, without waiting for the process to exit.</summary>
    public async Task SendSignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await kill.WaitForExitAsync(cancel.Token);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits (bounded) until standard error contains <paramref name="text"/>.</summary>
    public async Task WaitForErrorAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!StandardError.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"stderr never contained '{text}'; it has:\n{StandardError}");
            if (_process.HasExited)
            {
                Assert.Fail($"kubedns exited ({_process.ExitCode}); stderr:\n{StandardError}");
            }

            await _errorLines.WaitAsync(TimeSpan.FromMilliseconds(50));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
            _errorLines.Dispose();
        }
    }

    private static KubeDnsProcess Start(string[] args, bool ignoreHangup = false)
    {
        // A process started in the background by a non-interactive shell inherits SIGINT ignored, and .NET keeps
        // an ignored SIGINT ignored; env --default-signal gives the tool the default disposition, as a terminal does.
        Assert.True(!ignoreHangup || UseEnvDefaultSignal, "starting with SIGHUP ignored needs coreutils env (Linux)");
        var start = UseEnvDefaultSignal
            ? new ProcessStartInfo("/usr/bin/env") { ArgumentList = { "--default-signal=INT" } }
            : new ProcessStartInfo(DotnetHost) { ArgumentList = { ToolPath } };
        if (UseEnvDefaultSignal)
        {
            if (ignoreHangup)
            {
                start.ArgumentList.Add("--ignore-signal=HUP");
            }

            start.ArgumentList.Add(DotnetHost);
            start.ArgumentList.Add(ToolPath);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        var process = new Process { StartInfo = start };
        var result = new KubeDnsProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                result._firstLine.TrySetResult("(end of output)");
                return;
            }

            lock (result._output)
            {
                result._output.Add(e.Data);
            }

            result._firstLine.TrySetResult(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (result._error)
                {
                    result._error.Append(e.Data).Append('\n');
                }

                try
                {
                    result._errorLines.Release();
                }
                catch (ObjectDisposedException)
                {
                    // A line drained after the process was disposed: nobody waits for it.
                }
            }
        };
        Assert.True(File.Exists(ToolPath), $"the tool is not built at {ToolPath}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    private static string DotnetHost { get; } =
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static bool UseEnvDefaultSignal { get; } = OperatingSystem.IsLinux() && SupportsDefaultSignal();

    private static bool SupportsDefaultSignal()
    {
        try
        {
            using var env = Process.Start(new ProcessStartInfo("/usr/bin/env", ["--default-signal=INT", "true"]) { UseShellExecute = false, RedirectStandardError = true })!;
            env.WaitForExit(10_000);
            return env.HasExited && env.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string FindTool()
    {
        var built = typeof(KubeDnsProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "KubeDnsTool").Value!;
        return built;
    }
}
