namespace KubeDns.Records.Kubernetes;

/// <summary>What became of one reload of a <see cref="ManifestFolderWatcher"/>.</summary>
public enum ManifestReloadOutcome
{
    /// <summary>The manifests were read and their difference applied (possibly no change at all).</summary>
    Applied,

    /// <summary>
    /// The manifests hold no object now while the state holds some: taken for files in transit, nothing was applied
    /// and the last good cluster keeps serving until they hold objects again.
    /// </summary>
    Empty,

    /// <summary>The read failed or the state rejected it (<see cref="ManifestReloadEventArgs.Error"/>); nothing was applied.</summary>
    Rejected,
}

/// <summary>The result of one reload, for <see cref="ManifestFolderWatcher.Reloaded"/>.</summary>
public sealed class ManifestReloadEventArgs : EventArgs
{
    internal ManifestReloadEventArgs(
        ManifestReloadOutcome outcome,
        bool requested,
        ClusterManifest? manifest,
        ClusterManifest previous,
        int changes,
        ClusterSnapshot? snapshot,
        Exception? error)
    {
        Outcome = outcome;
        Requested = requested;
        Manifest = manifest;
        Previous = previous;
        Changes = changes;
        Snapshot = snapshot;
        Error = error;
    }

    /// <summary>Whether the reload was applied, ignored as empty or rejected.</summary>
    public ManifestReloadOutcome Outcome { get; }

    /// <summary>True when <see cref="ManifestFolderWatcher.Reload"/> asked for it, false when the files changed.</summary>
    public bool Requested { get; }

    /// <summary>The manifests as read; null when reading them failed.</summary>
    public ClusterManifest? Manifest { get; }

    /// <summary>The manifest the state held before; after anything but <see cref="ManifestReloadOutcome.Applied"/>, still.</summary>
    public ClusterManifest Previous { get; }

    /// <summary>The objects deleted, added or changed (<see cref="ManifestReloadOutcome.Applied"/>); otherwise 0.</summary>
    public int Changes { get; }

    /// <summary>The snapshot that holds the new manifest (<see cref="ManifestReloadOutcome.Applied"/>); otherwise null.</summary>
    public ClusterSnapshot? Snapshot { get; }

    /// <summary>
    /// Why the reload was <see cref="ManifestReloadOutcome.Rejected"/>: a <see cref="ManifestException"/> listing
    /// every error for a bad manifest, or whatever else failed (a file unreadable); otherwise null.
    /// </summary>
    public Exception? Error { get; }
}
