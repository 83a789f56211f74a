using System.Globalization;
using System.Text;
using KubeDns.Records.Kubernetes;

namespace KubeDns.Records.Tool;

/// <summary>
/// <c>serve --watch</c>: polls the manifest paths (files, and the files of folders) for changes of name, size or
/// modification time; on a change, re-reads everything and applies the difference to the served cluster as one
/// batch, so queries see the old cluster or the new one, never a mix. A bad edit is reported on standard error and
/// the last good cluster keeps serving. Polling, not file-system events: it behaves the same for editors that
/// replace files, on every platform and file system.
/// </summary>
internal sealed class ManifestWatcher(
    IReadOnlyList<string> paths,
    ManifestOptions options,
    ClusterState state,
    ClusterManifest current,
    TextWriter log)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (paths.Count == 0)
        {
            await log.WriteLineAsync("kubedns: warning: --watch has nothing to watch: no --manifests were given (serving the built-in example cluster)").ConfigureAwait(false);
            return;
        }

        var seen = Signature();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = Signature();
            if (now == seen)
            {
                continue;
            }

            // Let a save that writes in several steps finish, then read what is there.
            try
            {
                await Task.Delay(Interval / 2, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            seen = Signature();
            await ReloadAsync().ConfigureAwait(false);
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            var next = ClusterManifest.Load(paths, options);
            var changes = next.ChangesSince(current).Count;
            var snapshot = next.ApplyTo(state, current);
            current = next;
            foreach (var warning in next.Warnings)
            {
                await log.WriteLineAsync($"kubedns: warning: {warning}").ConfigureAwait(false);
            }

            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"kubedns: reloaded the manifests: {changes} change{(changes == 1 ? string.Empty : "s")} applied (serial {snapshot.Serial})")).ConfigureAwait(false);
        }
        catch (ManifestException e)
        {
            foreach (var line in e.Errors)
            {
                await log.WriteLineAsync($"kubedns: error: {line}").ConfigureAwait(false);
            }

            await log.WriteLineAsync("kubedns: the edit was rejected; still serving the last good cluster").ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The watcher outlives any failure: a dead watcher would silently ignore every later edit, fixes included.
            await log.WriteLineAsync($"kubedns: error: reloading the manifests failed: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            await log.WriteLineAsync("kubedns: the edit was rejected; still serving the last good cluster").ConfigureAwait(false);
        }

        await log.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Names, sizes and modification times of every file the paths cover.</summary>
    private string Signature()
    {
        var text = new StringBuilder();
        foreach (var path in paths)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
                    {
                        Append(text, new FileInfo(file));
                    }
                }
                else
                {
                    Append(text, new FileInfo(path));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                text.Append(path).Append(" unreadable\n");
            }
        }

        return text.ToString();

        static void Append(StringBuilder text, FileInfo file)
        {
            text.Append(file.FullName);
            if (file.Exists)
            {
                text.Append(CultureInfo.InvariantCulture, $" {file.Length} {file.LastWriteTimeUtc.Ticks}");
            }

            text.Append('\n');
        }
    }
}
