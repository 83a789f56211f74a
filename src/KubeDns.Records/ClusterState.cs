using KubeDns.Records.Settings;
using KubeDns.Records.State;
using KubeDns.Records.Validation;

namespace KubeDns.Records;

/// <summary>
/// The live cluster: applies batches of changes and publishes an immutable <see cref="ClusterSnapshot"/> after
/// each. Readers take <see cref="Current"/> (one volatile read, never a lock) and keep using that snapshot for the
/// whole of an answer, so they never see a half-applied batch. Writers are serialized.
/// </summary>
public sealed class ClusterState
{
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private ClusterSnapshot _current;

    /// <summary>Creates an empty, not yet synced cluster with default options.</summary>
    public ClusterState()
        : this(new ClusterDnsOptions())
    {
    }

    /// <summary>Creates an empty, not yet synced cluster.</summary>
    /// <param name="options">The options; validated and copied, so later changes to the object have no effect.</param>
    /// <param name="timeProvider">The clock for SOA serials (Unix seconds); the system clock when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ClusterValidationException">An option is invalid; the message names it and its value.</exception>
    public ClusterState(ClusterDnsOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        var settings = DnsSettings.Create(options);
        _current = new ClusterSnapshot(ClusterData.CreateEmpty(settings), NextSerial(0), isSynced: false);
    }

    /// <summary>Raised after a new snapshot is published, on the thread that published it.</summary>
    public event EventHandler<ClusterSnapshot>? SnapshotPublished;

    /// <summary>
    /// Raised once for each <see cref="ClusterWarning"/> a batch brings, after its snapshot is published and on the
    /// thread that published it: a name left out because DNS cannot encode it. A later batch that keeps the same
    /// name raises nothing again; <see cref="ClusterSnapshot.Warnings"/> lists every warning that still holds.
    /// </summary>
    public event EventHandler<ClusterWarning>? Warning;

    /// <summary>The latest published snapshot.</summary>
    public ClusterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Answers one question from the latest snapshot; see <see cref="ClusterSnapshot.Resolve"/>.</summary>
    /// <param name="name">The query name; the trailing dot is optional.</param>
    /// <param name="type">The query type.</param>
    /// <returns>The resolution.</returns>
    public Resolution Resolve(ReadOnlySpan<char> name, RecordType type) => Current.Resolve(name, type);

    /// <summary>
    /// Validates and applies a batch atomically, then publishes a new snapshot. A rejected batch changes nothing.
    /// A batch that changes nothing (empty, or only deletes of absent objects) publishes nothing and returns the
    /// current snapshot.
    /// </summary>
    /// <param name="batch">The changes.</param>
    /// <returns>The snapshot that contains the changes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is null.</exception>
    /// <exception cref="ClusterValidationException">
    /// Some change is invalid or two changes share a key; <see cref="KubeDnsRecordsException.Errors"/> lists every
    /// problem, each naming the object, field and value.
    /// </exception>
    public ClusterSnapshot Apply(ClusterChangeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var changes = batch.Changes;
        var errors = new List<string>();
        var seen = new Dictionary<ObjectKey, int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            DescriptorValidator.Validate(change, errors);
            if (!seen.TryAdd(change.Key, i))
            {
                errors.Add($"{change.Key}: appears twice in one batch (changes {seen[change.Key]} and {i}); the batch was rejected");
            }
        }

        if (errors.Count > 0)
        {
            throw new ClusterValidationException(errors);
        }

        if (changes.Count == 0)
        {
            return Current;
        }

        return Publish(static (current, changes) => current.Data.Apply(changes), changes, synced: null);
    }

    /// <summary>Applies a single upsert; shorthand for a batch of one.</summary>
    /// <param name="descriptor">The Namespace, Service, EndpointSlice or Pod to add or replace.</param>
    /// <returns>The snapshot that contains the change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="descriptor"/> is null.</exception>
    /// <exception cref="ClusterValidationException">The descriptor is invalid.</exception>
    public ClusterSnapshot Upsert(IClusterObject descriptor) => Apply(new ClusterChangeBatch().Upsert(descriptor));

    /// <summary>
    /// Marks the state synced: the host's initial load is complete, so NXDOMAIN answers are now given as such
    /// instead of SERVFAIL (specification.md §12). Publishes a new snapshot; calling it again does nothing.
    /// </summary>
    /// <returns>The synced snapshot.</returns>
    public ClusterSnapshot MarkSynced()
    {
        if (Current.IsSynced)
        {
            return Current;
        }

        return Publish(static (current, _) => current.Data, Array.Empty<ClusterChange>(), synced: true);
    }

    private ClusterSnapshot Publish(Func<ClusterSnapshot, IReadOnlyList<ClusterChange>, ClusterData> change, IReadOnlyList<ClusterChange> changes, bool? synced)
    {
        ClusterSnapshot next;
        ClusterWarning[] added;
        lock (_writeLock)
        {
            var current = _current;
            var data = change(current, changes);
            var isSynced = synced ?? current.IsSynced;
            if (ReferenceEquals(data, current.Data) && isSynced == current.IsSynced)
            {
                return current;
            }

            next = new ClusterSnapshot(data, NextSerial(current.Serial), isSynced);
            Volatile.Write(ref _current, next);
            added = ReferenceEquals(data, current.Data) ? [] : data.AddedWarnings;
        }

        SnapshotPublished?.Invoke(this, next);
        foreach (var warning in added)
        {
            Warning?.Invoke(this, warning);
        }

        return next;
    }

    /// <summary>max(previous + 1, Unix time in seconds), modulo 2^32 (specification.md §7; RFC 1982 arithmetic).</summary>
    private uint NextSerial(uint previous)
    {
        var now = (uint)_time.GetUtcNow().ToUnixTimeSeconds();
        var next = unchecked(previous + 1);
        return unchecked((int)(now - next)) > 0 ? now : next;
    }
}
