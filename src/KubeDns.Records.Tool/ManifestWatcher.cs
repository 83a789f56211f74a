using System.Globalization;
using System.Runtime.ExceptionServices;
using KubeDns.Records.Kubernetes;

namespace KubeDns.Records.Tool;

/// <summary>
/// Reloads the manifests of <c>kubedns serve</c>: on SIGHUP (<see cref="RequestReload"/>), and with <c>--watch</c>
/// when the manifest files change. A change is found by polling the files' names, sizes and modification times
/// (polling, not file-system events: it behaves the same for editors that replace files, on every platform and file
/// system). A reload applies the difference to the served cluster as one batch, so queries see the old cluster or the
/// new one, never a mix.
/// </summary>
/// <remarks>
/// What is applied is a read of files that were at rest (docs/tool.md, "Reloading the manifests"): the files,
/// their sizes, modification times and bytes must be the same at the start and the end of a quiet period, and again
/// after the load, otherwise the read is thrown away and taken again. A writer that pauses inside the quiet period is
/// therefore never seen half-way; one that pauses longer cannot be told from a finished edit. A bad read is reported
/// on standard error and the last good cluster keeps serving, as it does when the manifests suddenly hold no object
/// at all (every file deleted, or truncated for a rewrite): such a read is taken for files in transit, not for a
/// cluster without services.
/// </remarks>
internal sealed class ManifestWatcher : IDisposable
{
    /// <summary>The quiet period without <c>--watch-debounce</c>: longer than an editor's save, short for a person.</summary>
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Quiet periods with changes in each before the watcher says it is still waiting (once per reload).</summary>
    private const int PatientRounds = 20;

    private readonly IReadOnlyList<string> _paths;
    private readonly ManifestOptions _options;
    private readonly ClusterState _state;
    private readonly bool _watch;
    private readonly TimeSpan _quietPeriod;
    private readonly Diagnostics _log;

    // At most one request waits: SIGHUPs that arrive while one is pending are the same request.
    private readonly SemaphoreSlim _reloadRequested = new(0, 1);
    private ClusterManifest _current;
    private string _seen;

    /// <param name="paths">The manifest paths; empty for the built-in example cluster (nothing to reload).</param>
    /// <param name="options">The options the manifests were loaded with.</param>
    /// <param name="state">The served cluster.</param>
    /// <param name="current">The manifest <paramref name="state"/> holds.</param>
    /// <param name="baseline">
    /// The files as they were before <paramref name="current"/> was read, so an edit made during or after that read,
    /// before the watcher runs, is still a change.
    /// </param>
    /// <param name="watch">Poll the files for changes (<c>--watch</c>); otherwise reload on request only.</param>
    /// <param name="quietPeriod">How long files must stay unchanged before they are read.</param>
    /// <param name="log">Standard error, as --quiet and --verbose ask.</param>
    public ManifestWatcher(
        IReadOnlyList<string> paths,
        ManifestOptions options,
        ClusterState state,
        ClusterManifest current,
        ManifestFileSnapshot baseline,
        bool watch,
        TimeSpan quietPeriod,
        Diagnostics log)
    {
        _paths = paths;
        _options = options;
        _state = state;
        _current = current;
        _seen = baseline.Listing;
        _watch = watch;
        _quietPeriod = quietPeriod;
        _log = log;
    }

    /// <summary>Asks for a reload (SIGHUP); safe from any thread, and requests made before one starts are one reload.</summary>
    public void RequestReload()
    {
        try
        {
            _reloadRequested.Release();
        }
        catch (SemaphoreFullException)
        {
            // A reload is already pending; it will read the files as they are then.
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var polling = _watch && _paths.Count > 0;
        if (_watch && !polling)
        {
            _log.Warning("--watch has nothing to watch: no --manifests were given (serving the built-in example cluster)");
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            bool requested;
            try
            {
                requested = await _reloadRequested.WaitAsync(polling ? PollInterval : Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (requested)
            {
                await ReloadAsync(" (SIGHUP)", cancellationToken).ConfigureAwait(false);
            }
            else if (ManifestFileSnapshot.Take(_paths, withContents: false).Listing != _seen)
            {
                await ReloadAsync(string.Empty, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _reloadRequested.Dispose();

    private async Task ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        if (_paths.Count == 0)
        {
            _log.Notice($"nothing to reload{trigger}: no --manifests were given (serving the built-in example cluster)");
            return;
        }

        var read = await ReadAtRestAsync(cancellationToken).ConfigureAwait(false);
        if (read is null)
        {
            return; // stopping
        }

        _seen = read.Files.Listing;
        try
        {
            if (read.Failure is not null)
            {
                ExceptionDispatchInfo.Throw(read.Failure);
            }

            var next = read.Manifest!;
            _log.Manifest(next, onlyWhenChanged: true);
            _log.ServicesWithoutPods(next, _options.SimulateWorkloads);

            var before = ObjectCount(_current);
            if (ObjectCount(next) == 0 && before > 0)
            {
                _log.Warning(string.Create(CultureInfo.InvariantCulture,
                    $"the manifests hold no objects now{trigger}; still serving the last good cluster ({before} object{(before == 1 ? string.Empty : "s")}) until they do"));
            }
            else
            {
                var changes = next.ChangesSince(_current).Count;
                var snapshot = next.ApplyTo(_state, _current);
                _current = next;
                _log.Notice(string.Create(CultureInfo.InvariantCulture,
                    $"reloaded the manifests{trigger}: {changes} change{(changes == 1 ? string.Empty : "s")} applied (serial {snapshot.Serial})"));
            }
        }
        catch (ManifestException e)
        {
            foreach (var line in e.Errors)
            {
                _log.Error(line);
            }

            _log.Outcome($"the edit was rejected{trigger}; still serving the last good cluster");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The watcher outlives any failure: a dead watcher would silently ignore every later edit, fixes included.
            _log.Error($"reloading the manifests failed: {e.GetType().Name}: {e.Message}");
            _log.Outcome($"the edit was rejected{trigger}; still serving the last good cluster");
        }

        _log.Flush();
    }

    /// <summary>
    /// Loads the manifests once the files have stayed the same for a quiet period and stayed so during the load;
    /// null when stopped first. A load that fails is a result too (<see cref="Read.Failure"/>), to be reported.
    /// </summary>
    private async Task<Read?> ReadAtRestAsync(CancellationToken cancellationToken)
    {
        var before = ManifestFileSnapshot.Take(_paths, withContents: true);
        for (var round = 1; ; round++)
        {
            try
            {
                await Task.Delay(_quietPeriod, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            var settled = ManifestFileSnapshot.Take(_paths, withContents: true);
            if (settled == before)
            {
                ClusterManifest? manifest = null;
                Exception? failure = null;
                try
                {
                    manifest = ClusterManifest.Load(_paths, _options);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failure = e;
                }

                var after = ManifestFileSnapshot.Take(_paths, withContents: true);
                if (after == settled)
                {
                    return new Read(manifest, failure, after);
                }

                settled = after; // written to while being read: what was read may be half of it
            }

            before = settled;
            if (round == PatientRounds)
            {
                _log.Warning(string.Create(CultureInfo.InvariantCulture,
                    $"the manifests are still being written to; waiting until they stay unchanged for {_quietPeriod.TotalMilliseconds:0} ms"));
            }
        }
    }

    private static int ObjectCount(ClusterManifest manifest) =>
        manifest.Namespaces.Count + manifest.Services.Count + manifest.EndpointSlices.Count + manifest.Pods.Count;

    private sealed record Read(ClusterManifest? Manifest, Exception? Failure, ManifestFileSnapshot Files);
}
