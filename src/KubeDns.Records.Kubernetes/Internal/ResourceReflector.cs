using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>A change on its way to the cluster state, with what the latency metric needs.</summary>
internal readonly record struct PendingChange(ObjectKey Key, IClusterObject? Descriptor, long ReceivedTimestamp, DateTimeOffset? TriggerTime, bool Measure, string Resource);

/// <summary>
/// Lists one kind (in one namespace, or the whole cluster), then watches it from the list's resource version, the
/// way client-go's reflector does (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes):
/// a watch that ends is resumed from the last resource version seen (events or bookmarks), so nothing is lost; a
/// <c>410 Gone</c> (the version was compacted away) means events were lost, so the kind is listed again and the
/// difference applied as one batch (objects that vanished are deleted, the rest upserted), never by clearing
/// first. Errors back off exponentially with jitter.
/// </summary>
internal sealed class ResourceReflector
{
    private readonly FeedResource _resource;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly IKubernetes _client;
    private readonly KubernetesFeedOptions _options;
    private readonly FeedApplier _applier;
    private readonly ILogger _logger;

    // Key -> resource version of every object this reflector has handed to the state (present ones only): what a
    // relist compares against to find deletions it missed.
    private readonly Dictionary<ObjectKey, string?> _known = [];
    private string? _resourceVersion;
    private bool _listed;
    private int _failures;

    public ResourceReflector(FeedResource resource, string? ns, string? labelSelector, IKubernetes client, KubernetesFeedOptions options, FeedApplier applier)
    {
        _resource = resource;
        _namespace = ns;
        _labelSelector = labelSelector;
        _client = client;
        _options = options;
        _applier = applier;
        _logger = options.Logger;
    }

    public string Description => _namespace is null ? _resource.Name : $"{_resource.Name} in namespace {_namespace}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                    _failures = 0;
                }

                var gone = await WatchAsync(cancellationToken).ConfigureAwait(false);
                if (gone)
                {
                    FeedLog.Gone(_logger, Description, _resourceVersion);
                    _applier.CountRelist();
                    needList = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone)
            {
                FeedLog.Gone(_logger, Description, _resourceVersion);
                _applier.CountRelist();
                needList = true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _applier.CountFailure();
                var delay = Backoff(_failures++);
                FeedLog.Failed(_logger, e, Description, needList ? "list" : "watch", Reason(e), (long)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static string Reason(Exception e) => e switch
    {
        HttpOperationException h => $"HTTP {(int?)h.Response?.StatusCode} {h.Response?.ReasonPhrase}",
        KubernetesException k => $"{k.Status?.Code} {k.Status?.Reason}: {k.Status?.Message}",
        _ => e.Message,
    };

    private TimeSpan Backoff(int failures)
    {
        // Exponential, capped, with ±20% jitter so that replicas and kinds do not retry in lock step.
        var factor = Math.Pow(2, Math.Min(failures, 20));
        var ms = Math.Min(_options.InitialBackoff.TotalMilliseconds * factor, _options.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<IKubernetesObject<V1ObjectMeta>>();
        string? continueToken = null;
        string? version;
        do
        {
            var request = new FeedRequest(
                _namespace,
                _labelSelector,
                FieldSelector: null,
                Limit: _options.ListPageSize > 0 ? _options.ListPageSize : null,
                Continue: continueToken,
                ResourceVersion: null,
                TimeoutSeconds: null);
            (var page, version, continueToken) = await _resource.ListAsync(_client, request, cancellationToken).ConfigureAwait(false);
            items.AddRange(page);
        }
        while (!string.IsNullOrEmpty(continueToken));

        var received = _options.TimeProvider.GetTimestamp();
        var changes = new List<PendingChange>(items.Count);
        var present = new Dictionary<ObjectKey, string?>(items.Count);
        foreach (var item in items)
        {
            if (!TryMap(item, isEvent: false, out var mapped))
            {
                // An object we cannot map keeps whatever was stored for it (see TryMap).
                if (_known.TryGetValue(mapped.Key, out var kept))
                {
                    present[mapped.Key] = kept;
                }

                continue;
            }

            if (mapped.Descriptor is null)
            {
                continue;
            }

            present[mapped.Key] = mapped.ResourceVersion;
            if (!_known.TryGetValue(mapped.Key, out var previous) || previous != mapped.ResourceVersion || mapped.ResourceVersion is null)
            {
                changes.Add(new PendingChange(mapped.Key, mapped.Descriptor, received, mapped.TriggerTime, Measure: false, _resource.Name));
            }
        }

        foreach (var key in _known.Keys)
        {
            if (!present.ContainsKey(key))
            {
                changes.Add(new PendingChange(key, null, received, null, Measure: false, _resource.Name));
            }
        }

        _known.Clear();
        foreach (var (key, rv) in present)
        {
            _known[key] = rv;
        }

        _resourceVersion = version;
        var first = !_listed;
        _listed = true;
        FeedLog.Listed(_logger, Description, items.Count, version, changes.Count);
        await _applier.PostAsync(new FeedUnit([.. changes], first ? this : null), cancellationToken).ConfigureAwait(false);
    }

    private bool TryMap(IKubernetesObject<V1ObjectMeta> value, bool isEvent, out FeedItem item)
    {
        try
        {
            item = _resource.Map(value, isEvent);
            return true;
        }
        catch (KubernetesFeedException e)
        {
            // A live object we cannot map (an unknown protocol, say) is reported and ignored; what was stored for it
            // before stays, so one odd object never takes records away.
            _applier.CountRejected();
            FeedLog.Ignored(_logger, Description, _resource.KeyOf(value), e.Message);
            item = new FeedItem(_resource.KeyOf(value), null, null, null, Skip: true);
            return false;
        }
    }

    /// <returns>True when the watch ended with 410 Gone.</returns>
    private async Task<bool> WatchAsync(CancellationToken cancellationToken)
    {
        // The API server ends the watch after timeoutSeconds; the client gives up a little later in case the
        // connection died silently (no FIN, no events).
        var timeout = _options.WatchTimeout * (1 + (Random.Shared.NextDouble() / 5));
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(timeout + TimeSpan.FromSeconds(30));
        var request = new FeedRequest(
            _namespace,
            _labelSelector,
            FieldSelector: null,
            Limit: null,
            Continue: null,
            ResourceVersion: _resourceVersion,
            TimeoutSeconds: Math.Max(1, (int)timeout.TotalSeconds));

        Exception? streamError = null;
        _applier.CountWatch();
        try
        {
            await foreach (var (type, value) in _resource.WatchAsync(_client, request, e => streamError ??= e, guard.Token).ConfigureAwait(false))
            {
                _failures = 0;
                if (value?.Metadata is null)
                {
                    continue;
                }

                if (type == WatchEventType.Bookmark)
                {
                    _resourceVersion = value.Metadata.ResourceVersion ?? _resourceVersion;
                    continue;
                }

                await HandleAsync(type, value, cancellationToken).ConfigureAwait(false);
                _resourceVersion = value.Metadata.ResourceVersion ?? _resourceVersion;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            FeedLog.Quiet(_logger, Description);
            return false;
        }
        catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
        {
            // KubernetesClient reads the first line before it hands out the stream, so a watch that the server ends
            // at timeoutSeconds without a single event surfaces as this instead of an empty stream: a normal end.
            return false;
        }

        return streamError switch
        {
            null => false,
            KubernetesException { Status.Code: 410 } => true,
            _ => throw streamError,
        };
    }

    private async Task HandleAsync(WatchEventType type, IKubernetesObject<V1ObjectMeta> value, CancellationToken cancellationToken)
    {
        var received = _options.TimeProvider.GetTimestamp();
        if (type == WatchEventType.Deleted)
        {
            var key = _resource.KeyOf(value);
            if (_known.Remove(key))
            {
                await _applier.PostAsync(new FeedUnit([new PendingChange(key, null, received, null, Measure: true, _resource.Name)], null), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (!TryMap(value, isEvent: true, out var item) || item.Skip)
        {
            return;
        }

        if (item.Descriptor is null)
        {
            // Present in the API but not for us (a namespace outside the allow-list, a finished pod): absent.
            if (_known.Remove(item.Key))
            {
                await _applier.PostAsync(new FeedUnit([new PendingChange(item.Key, null, received, null, Measure: true, _resource.Name)], null), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        _known[item.Key] = item.ResourceVersion;
        await _applier.PostAsync(new FeedUnit([new PendingChange(item.Key, item.Descriptor, received, item.TriggerTime, Measure: true, _resource.Name)], null), cancellationToken).ConfigureAwait(false);
    }
}
