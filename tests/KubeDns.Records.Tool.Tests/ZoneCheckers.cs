using System.Diagnostics;

namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// Loads a master file in two real authoritative servers' checkers, BIND's <c>named-checkzone</c> and Knot's
/// <c>kzonecheck</c>, so a zone <c>kubedns zone</c> prints is one both would serve (specification.md §7).
/// </summary>
internal static class ZoneCheckers
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Asserts that both checkers load <paramref name="zone"/> as <paramref name="origin"/> without errors.</summary>
    public static async Task AssertLoadsAsync(string origin, string zone)
    {
        var file = Path.Combine(Path.GetTempPath(), $"kubedns-{Guid.NewGuid():N}.zone");
        await File.WriteAllTextAsync(file, zone);
        try
        {
            // -i full: every integrity check (MX/SRV/NS targets, glue); -k/-n fail: bad names and NS without
            // addresses are errors, not warnings, as they are for a zone named would refuse to serve.
            var bind = await RunAsync(
                Find("named-checkzone", "bind9-utils", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"),
                ["-i", "full", "-k", "fail", "-n", "fail", origin, file]);
            Assert.True(bind.ExitCode == 0, $"named-checkzone rejected the zone:\n{bind.Output}");
            Assert.Contains("OK", bind.Output, StringComparison.Ordinal);

            // kzonecheck runs the semantic checks knotd runs when it loads a zone (missing glue, CNAME beside
            // other data, bad SOA); a zone it rejects is one knotd refuses to load.
            var knot = await RunAsync(
                Find("kzonecheck", "knot-dnssecutils", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"),
                ["-o", origin, file]);
            Assert.True(knot.ExitCode == 0, $"kzonecheck rejected the zone:\n{knot.Output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Find(string tool, string package, params string[] folders)
    {
        foreach (var folder in folders)
        {
            var path = Path.Combine(folder, tool);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"{tool} is not installed: apt-get install {package} (.ci/run does this).");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string path, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(path, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output + await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
