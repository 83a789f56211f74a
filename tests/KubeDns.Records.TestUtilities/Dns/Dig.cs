using System.Diagnostics;
using System.Net;

namespace KubeDns.Records.TestUtilities;

/// <summary>Runs the real <c>dig</c> (Debian bind9-dnsutils) against a server on 127.0.0.1, bounded in time.</summary>
public static class Dig
{
    public static bool IsInstalled { get; } = File.Exists("/usr/bin/dig") || File.Exists("/usr/local/bin/dig");

    /// <summary>Runs dig and returns its standard output; the default options keep output to the answer's lines.</summary>
    public static async Task<string> RunAsync(IPEndPoint server, params string[] arguments)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException("dig is not installed: apt-get install bind9-dnsutils (.ci/run does this).");
        }

        var start = new ProcessStartInfo("dig")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"@{server.Address}");
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("+time=2");
        start.ArgumentList.Add("+tries=1");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return await output + await error;
    }

    /// <summary>The record lines of one section of dig's full output (";; ANSWER SECTION:" …), whitespace-normalized.</summary>
    public static string[] Section(string output, string name)
    {
        var lines = output.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($";; {name} SECTION:", StringComparison.Ordinal));
        if (start < 0)
        {
            return [];
        }

        var result = new List<string>();
        for (var i = start + 1; i < lines.Length && lines[i].Trim().Length > 0; i++)
        {
            result.Add(string.Join(' ', lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)));
        }

        return [.. result];
    }

    /// <summary>The status from dig's header line (NOERROR, NXDOMAIN …).</summary>
    public static string Status(string output)
    {
        var at = output.IndexOf("status: ", StringComparison.Ordinal);
        return at < 0 ? string.Empty : output[(at + 8)..output.IndexOf(',', at)];
    }

    /// <summary>The flags from dig's header line, such as "qr aa rd".</summary>
    public static string Flags(string output)
    {
        var at = output.IndexOf(";; flags: ", StringComparison.Ordinal);
        return at < 0 ? string.Empty : output[(at + 10)..output.IndexOf(';', at + 10)].Trim();
    }
}
