using System.CommandLine;
using KubeDns.Records.Kubernetes;

namespace KubeDns.Records.Tool;

/// <summary>
/// The command line: <c>kubedns serve</c>, <c>kubedns query NAME [TYPE]</c>, <c>kubedns zone [ZONE]</c>. Exit codes:
/// 0 success, 2 bad arguments or manifests, 1 runtime failure (<see cref="ExitCodes"/>).
/// </summary>
internal static class KubeDnsCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var cluster = new ClusterOptionSet();
        var root = new RootCommand(
            "kubedns: Kubernetes cluster DNS for a cluster described by manifests (or the built-in example cluster).")
        {
            ServeCommand.Create(cluster, output, error),
            QueryCommand.Create(cluster, output, error),
            ZoneCommand.Create(cluster, output, error),
        };

        CommandLineErrors.ParseNumbersPlainly(root);
        var parsed = root.Parse(args);

        // An unknown option first: the errors the parser gives for it (a missing or surplus argument) follow from it.
        var unknown = CommandLineErrors.UnknownOptions(parsed);
        if (unknown.Count > 0)
        {
            foreach (var line in unknown)
            {
                await error.WriteLineAsync($"kubedns: error: {line}").ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"kubedns: error: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'kubedns --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            // Signals are serve's to handle: it stops its server cleanly and exits 0.
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            }).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"kubedns: error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (LiveClusterException e)
        {
            await error.WriteLineAsync($"kubedns: error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (ManifestException e)
        {
            foreach (var line in e.Errors)
            {
                await error.WriteLineAsync($"kubedns: error: {line}").ConfigureAwait(false);
            }

            await error.WriteLineAsync(e.Errors.Count == 1 ? "kubedns: the manifests were rejected" : $"kubedns: {e.Errors.Count} errors; the manifests were rejected").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
    }
}
