using System.Globalization;
using KubeDns.Records.Kubernetes;

namespace KubeDns.Records.Tool;

/// <summary>
/// Reloads the manifests of <c>kubedns serve</c>: on SIGHUP (<see cref="RequestReload"/>), and with <c>--watch</c>
/// when the manifest files change. The watching is the library's <see cref="ManifestFolderWatcher"/> (files at rest,
/// one batch, the last good cluster kept; docs/tool.md, "Reloading the manifests"); this class words its reports
/// for standard error and answers for the built-in example cluster, which has no files to reload.
/// </summary>
internal sealed class ManifestWatcher : IDisposable
{
    private readonly ManifestFolderWatcher? _watcher;
    private readonly ManifestOptions _options;
    private readonly bool _watch;
    private readonly TimeSpan _quietPeriod;
    private readonly Diagnostics _log;
    private readonly SemaphoreSlim? _exampleReloads;

    /// <param name="paths">The manifest paths; empty for the built-in example cluster (nothing to reload).</param>
    /// <param name="options">The options the manifests were loaded with.</param>
    /// <param name="state">The served cluster.</param>
    /// <param name="current">The manifest <paramref name="state"/> holds, as loaded from <paramref name="paths"/>.</param>
    /// <param name="watch">Poll the files for changes (<c>--watch</c>); otherwise reload on request only.</param>
    /// <param name="quietPeriod">How long files must stay unchanged before they are read.</param>
    /// <param name="log">Standard error, as --quiet and --verbose ask.</param>
    public ManifestWatcher(
        IReadOnlyList<string> paths,
        ManifestOptions options,
        ClusterState state,
        ClusterManifest current,
        bool watch,
        TimeSpan quietPeriod,
        Diagnostics log)
    {
        _options = options;
        _watch = watch;
        _quietPeriod = quietPeriod;
        _log = log;
        if (paths.Count == 0)
        {
            _exampleReloads = new SemaphoreSlim(0, 1);
            return;
        }

        _watcher = new ManifestFolderWatcher(paths, options, state, current) { QuietPeriod = quietPeriod, WatchFiles = watch };
        _watcher.Reloaded += OnReloaded;
        _watcher.StillBeingWritten += (_, _) => _log.Warning(string.Create(CultureInfo.InvariantCulture,
            $"the manifests are still being written to; waiting until they stay unchanged for {_quietPeriod.TotalMilliseconds:0} ms"));
    }

    /// <summary>Asks for a reload (SIGHUP); safe from any thread, and requests made before one starts are one reload.</summary>
    public void RequestReload()
    {
        if (_watcher is not null)
        {
            _watcher.Reload();
            return;
        }

        try
        {
            _exampleReloads!.Release();
        }
        catch (SemaphoreFullException)
        {
            // One answer for the requests pending.
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            await _watcher.RunAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_watch)
        {
            _log.Warning("--watch has nothing to watch: no --manifests were given (serving the built-in example cluster)");
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _exampleReloads!.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _log.Notice("nothing to reload (SIGHUP): no --manifests were given (serving the built-in example cluster)");
            _log.Flush();
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _exampleReloads?.Dispose();
    }

    private void OnReloaded(object? sender, ManifestReloadEventArgs e)
    {
        var trigger = e.Requested ? " (SIGHUP)" : string.Empty;
        if (e.Manifest is not null)
        {
            _log.Manifest(e.Manifest, onlyWhenChanged: true);
            _log.ServicesWithoutPods(e.Manifest, _options.SimulateWorkloads);
        }

        switch (e.Outcome)
        {
            case ManifestReloadOutcome.Applied:
                _log.Notice(string.Create(CultureInfo.InvariantCulture,
                    $"reloaded the manifests{trigger}: {e.Changes} change{(e.Changes == 1 ? string.Empty : "s")} applied (serial {e.Snapshot!.Serial})"));
                break;
            case ManifestReloadOutcome.Empty:
                var before = ObjectCount(e.Previous);
                _log.Warning(string.Create(CultureInfo.InvariantCulture,
                    $"the manifests hold no objects now{trigger}; still serving the last good cluster ({before} object{(before == 1 ? string.Empty : "s")}) until they do"));
                break;
            default:
                if (e.Error is ManifestException manifestError)
                {
                    foreach (var line in manifestError.Errors)
                    {
                        _log.Error(line);
                    }
                }
                else
                {
                    _log.Error($"reloading the manifests failed: {e.Error!.GetType().Name}: {e.Error.Message}");
                }

                _log.Outcome($"the edit was rejected{trigger}; still serving the last good cluster");
                break;
        }

        _log.Flush();
    }

    private static int ObjectCount(ClusterManifest manifest) =>
        manifest.Namespaces.Count + manifest.Services.Count + manifest.EndpointSlices.Count + manifest.Pods.Count;
}
