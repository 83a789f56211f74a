using KubeDns.Records.Kubernetes.Internal;

namespace KubeDns.Records.Kubernetes;

/// <summary>
/// Keeps a <see cref="ClusterState"/> in step with manifest files and folders: it reloads them when they change
/// (<see cref="WatchFiles"/>) and when asked (<see cref="Reload"/>, as <c>kubedns serve</c> does on SIGHUP), and
/// applies the difference from the manifest served before as one batch, so queries see the old cluster or the new
/// one, never a mix. <c>kubedns serve --watch</c> is this watcher.
/// </summary>
/// <remarks>
/// <para>
/// A change is found by polling the files' names, sizes and modification times four times a second (polling, not
/// file-system events: it behaves the same for editors that replace files, on every platform and file system).
/// What is applied is a read of files that were at rest (docs/manifests.md, "Watching a folder"): the files, their
/// sizes, modification times and bytes must be the same at the start and the end of a <see cref="QuietPeriod"/>,
/// and again after the load, otherwise the read is thrown away and taken again. A writer that pauses inside the
/// quiet period is therefore never seen half-way.
/// </para>
/// <para>
/// A read that fails, or that the state rejects, leaves the last good cluster serving and is reported as
/// <see cref="ManifestReloadOutcome.Rejected"/>; so is, as <see cref="ManifestReloadOutcome.Empty"/>, a read that
/// suddenly holds no object at all (every file deleted, or truncated for a rewrite), which is taken for files in
/// transit rather than for a cluster without services. The watcher outlives every failure: the next edit is read
/// again. <see cref="Reloaded"/> and <see cref="StillBeingWritten"/> are raised on the task of
/// <see cref="RunAsync"/>, one at a time; an exception a handler throws ends that task.
/// </para>
/// </remarks>
public sealed class ManifestFolderWatcher : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Quiet periods with changes in each before <see cref="StillBeingWritten"/> (once per reload).</summary>
    private const int PatientRounds = 20;

    private readonly IReadOnlyList<string> _paths;
    private readonly ManifestOptions _options;
    private readonly ClusterState _state;
    private readonly TimeSpan _quietPeriod = DefaultQuietPeriod;

    // At most one request waits: requests that arrive while one is pending are the same request.
    private readonly SemaphoreSlim _reloadRequested = new(0, 1);
    private ClusterManifest _current;
    private string _seen;

    /// <summary>Creates a watcher; nothing is read until <see cref="RunAsync"/> runs.</summary>
    /// <param name="paths">The manifest files and folders, as given to <see cref="ClusterManifest.Load"/>.</param>
    /// <param name="options">The options the manifests are loaded with; defaults when null.</param>
    /// <param name="state">The cluster to keep in step; it should hold <paramref name="current"/>.</param>
    /// <param name="current">
    /// The manifest <paramref name="state"/> holds, from <see cref="ClusterManifest.Load"/> on the same paths: the
    /// files as they were before that read are the watcher's starting point, so an edit made during or after the read
    /// is a change. For a manifest not loaded from files, the files as they are now.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="paths"/> is empty.</exception>
    public ManifestFolderWatcher(IReadOnlyList<string> paths, ManifestOptions? options, ClusterState state, ClusterManifest current)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(current);
        if (paths.Count == 0)
        {
            throw new ArgumentException("ManifestFolderWatcher: paths: at least one file or folder is required.", nameof(paths));
        }

        _paths = [.. paths];
        _options = options ?? new ManifestOptions();
        _state = state;
        _current = current;
        _seen = current.FileListing ?? ManifestFileSnapshot.Take(_paths, withContents: false).Listing;
    }

    /// <summary>The quiet period when none is set: longer than an editor's save, short for a person (500 ms).</summary>
    public static TimeSpan DefaultQuietPeriod { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the files must stay unchanged before they are read. Default <see cref="DefaultQuietPeriod"/>.</summary>
    /// <remarks>Zero reads as soon as two snapshots in a row agree.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan QuietPeriod
    {
        get => _quietPeriod;
        init
        {
            if (value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(QuietPeriod), value, $"ManifestFolderWatcher.QuietPeriod: {value} must not be negative.");
            }

            _quietPeriod = value;
        }
    }

    /// <summary>Poll the files for changes (default). When false the watcher reloads only on <see cref="Reload"/>.</summary>
    public bool WatchFiles { get; init; } = true;

    /// <summary>The manifest the state holds: the last one applied.</summary>
    public ClusterManifest Current => Volatile.Read(ref _current);

    /// <summary>Raised after every reload, whatever its <see cref="ManifestReloadEventArgs.Outcome"/>.</summary>
    public event EventHandler<ManifestReloadEventArgs>? Reloaded;

    /// <summary>
    /// Raised once per reload when the files have kept changing for twenty quiet periods: the watcher is still
    /// waiting for them to stay unchanged.
    /// </summary>
    public event EventHandler? StillBeingWritten;

    /// <summary>
    /// Asks for a reload whether or not the files changed (SIGHUP in <c>kubedns serve</c>); safe from any thread.
    /// Requests made before the reload starts are one reload. <see cref="RunAsync"/> performs it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The watcher was disposed.</exception>
    public void Reload()
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

    /// <summary>Watches until <paramref name="cancellationToken"/> is cancelled; run it once.</summary>
    /// <param name="cancellationToken">Stops the watcher; a reload under way is abandoned, nothing half applied.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            bool requested;
            try
            {
                requested = await _reloadRequested.WaitAsync(WatchFiles ? PollInterval : Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (requested || ManifestFileSnapshot.Take(_paths, withContents: false).Listing != _seen)
            {
                await ReloadAsync(requested, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Releases the request signal; stop <see cref="RunAsync"/> first.</summary>
    public void Dispose() => _reloadRequested.Dispose();

    private async Task ReloadAsync(bool requested, CancellationToken cancellationToken)
    {
        var read = await ReadAtRestAsync(cancellationToken).ConfigureAwait(false);
        if (read is null)
        {
            return; // stopping
        }

        _seen = read.Files.Listing;
        var previous = _current;
        ManifestReloadEventArgs result;
        if (read.Failure is not null)
        {
            result = new(ManifestReloadOutcome.Rejected, requested, null, previous, 0, null, read.Failure);
        }
        else if (read.Manifest!.ObjectCount == 0 && previous.ObjectCount > 0)
        {
            result = new(ManifestReloadOutcome.Empty, requested, read.Manifest, previous, 0, null, null);
        }
        else
        {
            try
            {
                var changes = read.Manifest.ChangesSince(previous).Count;
                var snapshot = read.Manifest.ApplyTo(_state, previous);
                Volatile.Write(ref _current, read.Manifest);
                result = new(ManifestReloadOutcome.Applied, requested, read.Manifest, previous, changes, snapshot, null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The watcher outlives any failure: a dead watcher would silently ignore every later edit, fixes included.
                result = new(ManifestReloadOutcome.Rejected, requested, read.Manifest, previous, 0, null, e);
            }
        }

        Reloaded?.Invoke(this, result);
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
                StillBeingWritten?.Invoke(this, EventArgs.Empty);
            }
        }
    }

    private sealed record Read(ClusterManifest? Manifest, Exception? Failure, ManifestFileSnapshot Files);
}
