using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>Changes posted together (one watch event, or the whole difference of a list) and applied in one batch.</summary>
internal sealed record FeedUnit(PendingChange[] Changes, ResourceReflector? CompletesInitialList);

/// <summary>
/// The one writer of the cluster state: takes every change the reflectors post, merges a burst into one batch (the
/// last change of an object wins), applies it atomically, measures DNS programming latency, and marks the state
/// synced once every reflector's first list is in.
/// </summary>
internal sealed class FeedApplier : IDisposable
{
    /// <summary>Bucket bounds in seconds, as CoreDNS's dns_programming_duration_seconds (1 ms to about 16 s, doubling).</summary>
    private static readonly double[] LatencyBuckets =
        [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384];

    private readonly ClusterState _state;
    private readonly KubernetesFeedOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<FeedUnit> _channel = Channel.CreateUnbounded<FeedUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<ResourceReflector> _awaitingList = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _latency;
    private long _batches;
    private long _changes;
    private long _relists;
    private long _failures;
    private long _rejected;
    private long _watches;

    public FeedApplier(ClusterState state, KubernetesFeedOptions options)
    {
        _state = state;
        _options = options;
        _logger = options.Logger;
        if (options.MeterFactory is { } factory)
        {
            _meter = factory.Create(KubernetesFeed.MeterName);
        }
        else
        {
            _meter = new Meter(KubernetesFeed.MeterName);
            _ownsMeter = true;
        }

        _latency = _meter.CreateHistogram(
            "kubedns.programming.duration",
            unit: "s",
            description: "DNS programming latency: from the change (the EndpointSlice's last-change-trigger-time, else its receipt) to the snapshot that serves it",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _meter.CreateObservableCounter("kubedns.feed.batches", () => Batches, "{batch}", "Batches applied to the cluster state");
        _meter.CreateObservableCounter("kubedns.feed.changes", () => Changes, "{change}", "Object changes applied (after merging bursts)");
        _meter.CreateObservableCounter("kubedns.feed.relists", () => Relists, "{list}", "Lists repeated because a watch's resource version was gone (410)");
        _meter.CreateObservableCounter("kubedns.feed.errors", () => Failures, "{error}", "Failed lists and watches (each followed by a back-off)");
        _meter.CreateObservableCounter("kubedns.feed.rejected", () => Rejected, "{object}", "Objects that could not be mapped or were rejected by validation");
        _meter.CreateObservableCounter("kubedns.feed.watches", () => Watches, "{watch}", "Watch requests made");
        _meter.CreateObservableGauge("kubedns.feed.synced", () => IsSynced ? 1 : 0, "{bool}", "1 once the initial lists are applied");
    }

    public Task Synced => _synced.Task;

    public bool IsSynced => _synced.Task.IsCompleted;

    public long Batches => Interlocked.Read(ref _batches);

    public long Changes => Interlocked.Read(ref _changes);

    public long Relists => Interlocked.Read(ref _relists);

    public long Failures => Interlocked.Read(ref _failures);

    public long Rejected => Interlocked.Read(ref _rejected);

    public long Watches => Interlocked.Read(ref _watches);

    public void ExpectList(ResourceReflector reflector) => _awaitingList.Add(reflector);

    public void CountRelist() => Interlocked.Increment(ref _relists);

    public void CountFailure() => Interlocked.Increment(ref _failures);

    public void CountRejected() => Interlocked.Increment(ref _rejected);

    public void CountWatch() => Interlocked.Increment(ref _watches);

    public ValueTask PostAsync(FeedUnit unit, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(unit, cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        var merged = new Dictionary<ObjectKey, PendingChange>();
        var received = new List<PendingChange>();
        var listed = new List<ResourceReflector>();
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_options.BatchDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.BatchDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }

                while (reader.TryRead(out var unit))
                {
                    foreach (var change in unit.Changes)
                    {
                        merged[change.Key] = change;
                        received.Add(change);
                    }

                    if (unit.CompletesInitialList is { } reflector)
                    {
                        listed.Add(reflector);
                    }
                }

                try
                {
                    Apply(merged);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Nothing may stop the only writer: the changes are lost to this batch (the next relist or
                    // change of these objects brings them back), the feed goes on.
                    Interlocked.Increment(ref _failures);
                    FeedLog.ApplyFailed(_logger, e, merged.Count);
                }

                var synced = IsSynced;
                Measure(received, synced);
                CompleteLists(listed);
                merged.Clear();
                received.Clear();
                listed.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is dropped with the feed.
        }
    }

    private void Apply(Dictionary<ObjectKey, PendingChange> merged)
    {
        if (merged.Count == 0)
        {
            return;
        }

        var batch = new ClusterChangeBatch();
        foreach (var change in merged.Values)
        {
            Add(batch, change);
        }

        try
        {
            _state.Apply(batch);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _changes, merged.Count);
        }
        catch (ClusterValidationException)
        {
            // One object the core rejects (a Service with a malformed cluster IP, say) must not hold back every other
            // change of the burst: apply them one by one and report the ones that fail. Each failure leaves the
            // object's previous state (the batch is all-or-nothing).
            foreach (var change in merged.Values)
            {
                var single = new ClusterChangeBatch();
                Add(single, change);
                try
                {
                    _state.Apply(single);
                    Interlocked.Increment(ref _changes);
                }
                catch (ClusterValidationException e)
                {
                    Interlocked.Increment(ref _rejected);
                    FeedLog.Rejected(_logger, change.Key, string.Join("; ", e.Errors));
                }
            }

            Interlocked.Increment(ref _batches);
        }
    }

    private static void Add(ClusterChangeBatch batch, PendingChange change)
    {
        _ = change.Descriptor is { } descriptor ? batch.Upsert(descriptor) : batch.Delete(change.Key);
    }

    private void Measure(List<PendingChange> received, bool synced)
    {
        // The initial lists are not changes anyone waits for (CoreDNS skips them too); only watch events count.
        if (!synced || !_latency.Enabled)
        {
            return;
        }

        var now = _options.TimeProvider.GetUtcNow();
        foreach (var change in received)
        {
            if (!change.Measure)
            {
                continue;
            }

            var seconds = change.TriggerTime is { } trigger && trigger <= now
                ? (now - trigger).TotalSeconds
                : _options.TimeProvider.GetElapsedTime(change.ReceivedTimestamp).TotalSeconds;
            _latency.Record(seconds, new KeyValuePair<string, object?>("k8s.resource", change.Resource));
        }
    }

    private void CompleteLists(List<ResourceReflector> listed)
    {
        foreach (var reflector in listed)
        {
            _awaitingList.Remove(reflector);
        }

        if (listed.Count > 0 && _awaitingList.Count == 0 && !IsSynced)
        {
            // specification.md §12: synced once the initial lists are in; until then would-be NXDOMAIN answers are SERVFAIL.
            _state.MarkSynced();
            _synced.TrySetResult();
            FeedLog.Synced(_logger, _state.Current.Serial);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
