using k8s;
using KubeDns.Records.Kubernetes.Internal;

namespace KubeDns.Records.Kubernetes;

/// <summary>
/// Feeds a <see cref="ClusterState"/> from a live Kubernetes API server, the way CoreDNS's kubernetes plugin does:
/// it lists and then watches Namespaces, Services and EndpointSlices (and Pods with
/// <see cref="KubernetesFeedOptions.WatchPods"/>), applies every change (a burst merged into one atomic batch), and
/// marks the state synced once the initial lists are applied (specification.md §12: until then would-be NXDOMAIN answers
/// are SERVFAIL). Watches resume from the last resource version seen; a <c>410 Gone</c> relists and applies only the
/// difference, so the served cluster never goes empty while the feed reconnects; errors back off exponentially.
/// </summary>
/// <example>
/// <code>
/// var state = new ClusterState(new ClusterDnsOptions());
/// var client = new k8s.Kubernetes(k8s.KubernetesClientConfiguration.BuildDefaultConfig());
/// await using var feed = new KubernetesFeed(state, client);
/// await feed.StartAsync();
/// await feed.WaitForSyncAsync();
/// </code>
/// </example>
public sealed class KubernetesFeed : IAsyncDisposable
{
    /// <summary>The name of the feed's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "KubeDns.Records.Kubernetes";

    private readonly IKubernetes _client;
    private readonly KubernetesFeedOptions _options;
    private readonly FeedApplier _applier;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private CancellationTokenSource? _stopping;
    private Task[] _loops = [];
    private bool _started;
    private bool _disposed;

    /// <summary>Creates a feed; nothing is requested before <see cref="StartAsync"/>.</summary>
    /// <param name="state">The state to feed; the feed is its only writer while it runs.</param>
    /// <param name="client">The API client (<c>new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile())</c>, or <c>InClusterConfig()</c>).</param>
    /// <param name="options">What to watch; copied. Null means the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> or <paramref name="client"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and its value.</exception>
    public KubernetesFeed(ClusterState state, IKubernetes client, KubernetesFeedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(client);
        options ??= new KubernetesFeedOptions();
        options.Validate();
        _client = client;
        _options = options.Copy();
        _applier = new FeedApplier(state, _options);
    }

    /// <summary>True once every initial list is applied and the state is marked synced.</summary>
    public bool IsSynced => _applier.IsSynced;

    /// <summary>Batches applied to the state so far (a burst of watch events becomes one).</summary>
    public long BatchesApplied => _applier.Batches;

    /// <summary>Object changes applied so far, after merging (two changes of one object in a burst count once).</summary>
    public long ChangesApplied => _applier.Changes;

    /// <summary>Lists repeated because a watch's resource version had been compacted away (410 Gone).</summary>
    public long Relists => _applier.Relists;

    /// <summary>Failed list or watch requests (dropped connections, HTTP errors), each followed by a back-off.</summary>
    public long Errors => _applier.Failures;

    /// <summary>Objects ignored because they could not be mapped or the state rejected them; each is logged.</summary>
    public long RejectedObjects => _applier.Rejected;

    /// <summary>Watch requests made so far (the first of each kind, and every resume).</summary>
    public long Watches => _applier.Watches;

    /// <summary>Starts listing and watching in the background and returns at once.</summary>
    /// <param name="cancellationToken">Not used beyond the call; stop the feed with <see cref="StopAsync"/>.</param>
    /// <returns>A task that completes when the loops are started.</returns>
    /// <exception cref="InvalidOperationException">The feed was already started.</exception>
    /// <exception cref="ObjectDisposedException">The feed is disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException("The feed was already started; a feed runs once (create another to start again).");
            }

            _started = true;
            _stopping = new CancellationTokenSource();
            var token = _stopping.Token;
            var reflectors = CreateReflectors();
            foreach (var reflector in reflectors)
            {
                _applier.ExpectList(reflector);
            }

            var loops = new List<Task> { Task.Run(() => _applier.RunAsync(token), CancellationToken.None) };
            foreach (var reflector in reflectors)
            {
                loops.Add(Task.Run(() => reflector.RunAsync(token), CancellationToken.None));
            }

            _loops = [.. loops];
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Waits until the initial lists are applied and the state is synced.</summary>
    /// <param name="cancellationToken">Stops waiting (the feed keeps running).</param>
    /// <returns>A task that completes when synced.</returns>
    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _applier.Synced.WaitAsync(cancellationToken);

    /// <summary>Stops the watches and waits for the loops to end. The state keeps its last snapshot.</summary>
    /// <param name="cancellationToken">Stops waiting for the loops.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopping is null)
            {
                return;
            }

            await _stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
            _stopping.Dispose();
            _stopping = null;
            _loops = [];
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the feed and releases its meter.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _disposed = true;
        _applier.Dispose();
        _lifecycle.Dispose();
    }

    private List<ResourceReflector> CreateReflectors()
    {
        var namespaces = _options.Namespaces.Distinct(StringComparer.Ordinal).ToArray();
        var result = new List<ResourceReflector>
        {
            new(FeedResource.Namespaces(namespaces), null, _options.NamespaceLabelSelector, _client, _options, _applier),
        };
        var kinds = new List<(FeedResource Resource, string? Selector)>
        {
            (FeedResource.Services, _options.LabelSelector),
            (FeedResource.EndpointSlices, _options.LabelSelector),
        };
        if (_options.WatchPods)
        {
            kinds.Add((FeedResource.Pods, _options.LabelSelector));
        }

        foreach (var (resource, selector) in kinds)
        {
            if (namespaces.Length == 0)
            {
                result.Add(new ResourceReflector(resource, null, selector, _client, _options, _applier));
                continue;
            }

            foreach (var ns in namespaces)
            {
                result.Add(new ResourceReflector(resource, ns, selector, _client, _options, _applier));
            }
        }

        return result;
    }
}
