using System.Globalization;
using System.Net;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeDns.Records.TestUtilities;

/// <summary>
/// A fake Kubernetes API server on 127.0.0.1 (Kestrel, plain HTTP, random port) serving Namespaces, Services,
/// EndpointSlices and Pods with the real URL shapes, lists and watch streams, for tests of code that uses the official
/// KubernetesClient. Tests write objects with <see cref="Apply{T}"/>, <see cref="ApplyMany"/>, <see cref="Delete{T}"/>
/// and <see cref="DeleteMany"/>, and provoke failures with <see cref="Compact"/>, <see cref="DropWatches"/>,
/// <see cref="EndWatches"/>, <see cref="FailNext"/> and <see cref="Answer410OnWatchRequest"/>.
/// </summary>
/// <remarks>
/// <para>
/// Behaviour, as the real API server (watch cache) does it:
/// one global resource version, starting at 1000 and bumped by every write; each stored object carries kind,
/// apiVersion, uid, creationTimestamp and the resource version of its last write. A write that changes nothing
/// is a no-op (same resource version, no event). A delete event carries the last state with a new resource version.
/// Watches with <c>resourceVersion=R</c> get every change after R from the history, then live changes; without a
/// resource version (or <c>0</c>) they first get synthetic ADDED events for the current state. A watch from a resource
/// version older than the last <see cref="Compact"/> gets one ERROR event (a 410 Expired Status) and the stream ends,
/// or HTTP 410 when <see cref="Answer410OnWatchRequest"/> is set. With selectors, a change that makes an object match
/// arrives as ADDED and one that makes it stop matching as DELETED (the previous state with the new resource version).
/// <c>timeoutSeconds</c> ends a watch cleanly; <c>allowWatchBookmarks</c> enables BOOKMARK events, sent on
/// <see cref="SendBookmarks"/> and every <see cref="BookmarkInterval"/>; <c>sendInitialEvents=true</c> sends the
/// current state then (with bookmarks allowed) a BOOKMARK annotated <c>k8s.io/initial-events-end: "true"</c>.
/// </para>
/// <para>
/// Lists always show the current state (the list's <c>resourceVersion</c> parameter is ignored); like the real server,
/// list items carry no kind or apiVersion (only the list does). <c>limit</c> and <c>continue</c> page through a
/// snapshot taken by the first page; <see cref="Compact"/> expires those snapshots (410 on the next page).
/// Label selectors: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>,
/// comma-separated (AND). Field selectors: <c>f=v</c>, <c>f==v</c>, <c>f!=v</c> on <c>metadata.name</c>,
/// <c>metadata.namespace</c> and the fields the real server supports per kind (pods: <c>spec.nodeName</c>,
/// <c>spec.restartPolicy</c>, <c>spec.schedulerName</c>, <c>spec.serviceAccountName</c>, <c>spec.hostNetwork</c>,
/// <c>status.phase</c>, <c>status.podIP</c>, <c>status.nominatedNodeName</c>; services: <c>spec.clusterIP</c>,
/// <c>spec.type</c>; namespaces: <c>status.phase</c>); any other field is a 400 BadRequest.
/// </para>
/// <para>
/// Not modelled: authentication (the Authorization header is only logged), namespace existence and cascading
/// deletes, generation, graceful deletion, writes through the API (only GET is served), history trimming (the whole
/// history stays in memory; <see cref="Compact"/> only moves the floor), and the real server's
/// "too large resource version" wait (a watch from a future resource version gets HTTP 504 at once).
/// </para>
/// <para>
/// What KubernetesClient 21 shows (its <c>Watch…Async</c> methods and the obsolete <c>WatchAsync</c> extension are the
/// same code): the watch request is sent when <c>Watch…Async</c> is called, but the call completes only when the first
/// line of the stream arrives, so a watch that sees no event keeps the first <c>MoveNextAsync</c> pending (use
/// <see cref="WaitForWatchAsync"/> to know the server has it). A 410 ERROR event is not yielded: onError gets a
/// <c>k8s.KubernetesException</c> (<c>Status.Code</c> 410, <c>Reason</c> Expired, <c>Message</c> the status message),
/// then the enumeration ends normally. HTTP errors (<see cref="Answer410OnWatchRequest"/>, <see cref="FailNext"/>)
/// come out of the first <c>MoveNextAsync</c> as <c>k8s.Autorest.HttpOperationException</c> (<c>Response.StatusCode</c>,
/// <c>Response.Content</c> the Status JSON). <see cref="DropWatches"/> makes <c>MoveNextAsync</c> throw an
/// <see cref="IOException"/> (connection reset) once a line has arrived, and an <see cref="HttpRequestException"/>
/// over an IOException before that. A clean end (<c>timeoutSeconds</c>, <see cref="EndWatches"/>) ends the enumeration
/// normally once a line has arrived, but before that throws an <see cref="HttpRequestException"/> over an
/// <see cref="EndOfStreamException"/>. Transport errors never reach onError.
/// </para>
/// </remarks>
public sealed partial class FakeKubernetesApiServer : IAsyncDisposable
{
    /// <summary>The bearer token written by <see cref="WriteKubeconfig"/>.</summary>
    public const string Token = "fake-token";

    /// <summary>The resource version of an empty server: not 0, which means "any" to a watch.</summary>
    public const long InitialResourceVersion = 1000;

    /// <summary>How many history events a watcher takes per pass; a full pass means a backlog, so no flush yet.</summary>
    private const int MaxEventsPerPass = 512;

    /// <summary>Flush anyway once this many bytes wait, so a long backlog streams instead of piling up in memory.</summary>
    private const int FlushThresholdBytes = 64 * 1024;

    private const string InitialEventsEndAnnotation = "k8s.io/initial-events-end";

    private static readonly ResourceKind[] Kinds =
    [
        ResourceKind.Create<V1Namespace, V1NamespaceList>(
            "namespaces", "", "v1", "Namespace", namespaced: false,
            (items, meta) => new V1NamespaceList { Items = items, ApiVersion = "v1", Kind = "NamespaceList", Metadata = meta },
            new() { ["status.phase"] = n => n.Status?.Phase ?? "" }),
        ResourceKind.Create<V1Service, V1ServiceList>(
            "services", "", "v1", "Service", namespaced: true,
            (items, meta) => new V1ServiceList { Items = items, ApiVersion = "v1", Kind = "ServiceList", Metadata = meta },
            new()
            {
                ["spec.clusterIP"] = s => s.Spec?.ClusterIP ?? "",
                ["spec.type"] = s => s.Spec?.Type ?? "",
            }),
        ResourceKind.Create<V1EndpointSlice, V1EndpointSliceList>(
            "endpointslices", "discovery.k8s.io", "v1", "EndpointSlice", namespaced: true,
            (items, meta) => new V1EndpointSliceList { Items = items, ApiVersion = "discovery.k8s.io/v1", Kind = "EndpointSliceList", Metadata = meta },
            []),
        ResourceKind.Create<V1Pod, V1PodList>(
            "pods", "", "v1", "Pod", namespaced: true,
            (items, meta) => new V1PodList { Items = items, ApiVersion = "v1", Kind = "PodList", Metadata = meta },
            new()
            {
                ["spec.nodeName"] = p => p.Spec?.NodeName ?? "",
                ["spec.restartPolicy"] = p => p.Spec?.RestartPolicy ?? "",
                ["spec.schedulerName"] = p => p.Spec?.SchedulerName ?? "",
                ["spec.serviceAccountName"] = p => p.Spec?.ServiceAccountName ?? "",
                ["spec.hostNetwork"] = p => p.Spec?.HostNetwork == true ? "true" : "false",
                ["status.phase"] = p => p.Status?.Phase ?? "",
                ["status.podIP"] = p => p.Status?.PodIP ?? "",
                ["status.nominatedNodeName"] = p => p.Status?.NominatedNodeName ?? "",
            }),
    ];

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<ResourceKind, SortedDictionary<string, Stored>> _objects =
        Kinds.ToDictionary(k => k, _ => new SortedDictionary<string, Stored>(StringComparer.Ordinal));
    private readonly List<StoredEvent> _history = [];
    private readonly List<WatchSession> _watches = [];
    private readonly List<FakeApiRequest> _requests = [];
    private readonly List<InjectedFailure> _failures = [];
    private readonly Dictionary<string, ListSnapshot> _snapshots = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource _pulse = NewSignal();
    private long _resourceVersion = InitialResourceVersion;
    private long _compactedResourceVersion = InitialResourceVersion;
    private long _bookmarkGeneration;
    private long _watchFlushes;
    private int _disposed;

    private FakeKubernetesApiServer(WebApplication app) => _app = app;

    /// <summary>The server's address, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The current global resource version (that of the last write).</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>How many watch connections are open (registered on the server side).</summary>
    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>
    /// How a watch from a resource version older than the last <see cref="Compact"/> is answered: <c>false</c> (the
    /// default) streams one ERROR event with a 410 Expired Status then ends the stream; <c>true</c> answers the watch
    /// request itself with HTTP 410 and the Status as body. Real servers do both.
    /// </summary>
    public bool Answer410OnWatchRequest { get; set; }

    /// <summary>When set, watches that allow bookmarks get a BOOKMARK event after this long without one.</summary>
    public TimeSpan? BookmarkInterval { get; set; }

    /// <summary>How many times watch streams were flushed in all (to check that backlogs are written in batches).</summary>
    public long WatchFlushes => Interlocked.Read(ref _watchFlushes);

    /// <summary>Every request received so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<FakeApiRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server on 127.0.0.1 and a free port.</summary>
    public static async Task<FakeKubernetesApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var server = new FakeKubernetesApiServer(app);
        app.Use(server.InterceptAsync);
        app.Map("/{**path}", server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>A client for this server (plain HTTP, no credentials); the caller disposes it.</summary>
    public k8s.Kubernetes CreateClient() => new(new KubernetesClientConfiguration { Host = BaseAddress.ToString() });

    /// <summary>
    /// Writes a kubeconfig for this server at <paramref name="path"/>: cluster, user (bearer <see cref="Token"/>) and
    /// context all named <c>fake</c>, context namespace <c>default</c>, current-context <c>fake</c>. Returns the path.
    /// </summary>
    public string WriteKubeconfig(string path)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {BaseAddress}
            users:
            - name: fake
              user:
                token: {Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: default
            current-context: fake

            """);
        return path;
    }

    /// <summary>
    /// Creates or replaces an object (Namespace, Service, EndpointSlice or Pod) and returns the stored copy with its
    /// new resource version. A namespaced object without a namespace goes to <c>default</c>. Nothing is written (and
    /// the stored copy is returned) when the object equals the stored one.
    /// </summary>
    public T Apply<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        Stored stored;
        lock (_gate)
        {
            (stored, var changed) = ApplyLocked(obj);
            if (changed)
            {
                SignalChangeLocked();
            }
        }

        return (T)stored.Kind.Parse(stored.Json);
    }

    /// <summary>Applies many objects as one burst (one wake-up for the watchers); returns the resource version after it.</summary>
    public long ApplyMany(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        lock (_gate)
        {
            var any = false;
            foreach (var obj in objects)
            {
                any |= ApplyLocked(obj).Changed;
            }

            if (any)
            {
                SignalChangeLocked();
            }

            return _resourceVersion;
        }
    }

    /// <summary>
    /// Deletes an object; returns its last state with the resource version of the deletion, or null when there was
    /// none. <paramref name="namespace"/> is ignored for Namespaces and defaults to <c>default</c> otherwise.
    /// </summary>
    public T? Delete<T>(string? @namespace, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = KindOf(typeof(T));
        lock (_gate)
        {
            var deleted = DeleteLocked(kind, @namespace, name);
            if (deleted is null)
            {
                return null;
            }

            SignalChangeLocked();
            return (T)kind.Parse(deleted.Json);
        }
    }

    /// <summary>Deletes many objects (identified by type, namespace and name) as one burst; returns the resource version after it.</summary>
    public long DeleteMany(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        lock (_gate)
        {
            var any = false;
            foreach (var obj in objects)
            {
                any |= DeleteLocked(KindOf(obj.GetType()), obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "") is not null;
            }

            if (any)
            {
                SignalChangeLocked();
            }

            return _resourceVersion;
        }
    }

    /// <summary>The stored object (a copy), or null.</summary>
    public T? Get<T>(string? @namespace, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = KindOf(typeof(T));
        lock (_gate)
        {
            return _objects[kind].TryGetValue(kind.Key(@namespace, name), out var stored) ? (T)kind.Parse(stored.Json) : null;
        }
    }

    /// <summary>
    /// Forgets the history up to now: a watch from an older resource version gets 410 Expired, and list pages
    /// (continue tokens) taken before now expire. Open watches keep streaming.
    /// </summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedResourceVersion = _resourceVersion;
            _snapshots.Clear();
        }
    }

    /// <summary>Aborts every open watch connection (or those of one resource) abruptly, as a dying API server or proxy would.</summary>
    public void DropWatches(string? resource = null)
    {
        WatchSession[] sessions;
        lock (_gate)
        {
            sessions = [.. _watches.Where(w => resource is null || w.Kind.Resource == resource)];
        }

        foreach (var session in sessions)
        {
            session.Abort();
        }
    }

    /// <summary>
    /// Ends every open watch (or those of one resource) cleanly, after the events already due, as a server-side
    /// timeout or a graceful API server shutdown does.
    /// </summary>
    public void EndWatches(string? resource = null)
    {
        lock (_gate)
        {
            foreach (var session in _watches.Where(w => resource is null || w.Kind.Resource == resource))
            {
                session.Ending = true;
            }

            SignalChangeLocked();
        }
    }

    /// <summary>Makes each open watch that allows bookmarks send a BOOKMARK event with the resource version it has reached.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            _bookmarkGeneration++;
            SignalChangeLocked();
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> requests (those for <paramref name="resource"/>, e.g. <c>services</c>,
    /// when given) fail with <paramref name="status"/> and a Status body, before any other processing.
    /// </summary>
    public void FailNext(int count, HttpStatusCode status, string? resource = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Add(new InjectedFailure(status, resource));
            }
        }
    }

    /// <summary>Forgets the requests logged so far.</summary>
    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> watches of <paramref name="resource"/> (e.g. <c>endpointslices</c>) are open.</summary>
    /// <exception cref="TimeoutException">They were not within <paramref name="timeout"/>.</exception>
    public Task WaitForWatchAsync(string resource, int count, TimeSpan timeout) =>
        WaitUntilAsync(
            () => _watches.Count(w => w.Kind.Resource == resource) >= count,
            timeout,
            () => $"{count} open watch(es) of {resource}; open: [{string.Join(", ", _watches.Select(w => w.Kind.Resource))}]");

    /// <summary>Waits for a logged request (including those already received) that matches <paramref name="predicate"/>.</summary>
    /// <exception cref="TimeoutException">None arrived within <paramref name="timeout"/>.</exception>
    public async Task<FakeApiRequest> WaitForRequestAsync(Func<FakeApiRequest, bool> predicate, TimeSpan timeout)
    {
        FakeApiRequest? found = null;
        await WaitUntilAsync(
            () => (found = _requests.Find(r => predicate(r))) is not null,
            timeout,
            () => "a matching request");
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DropWatches();
        await _stopping.CancelAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static ResourceKind KindOf(Type type) =>
        Array.Find(Kinds, k => k.Type == type)
        ?? throw new ArgumentException($"{type.Name} is not served (Namespace, Service, EndpointSlice and Pod are).", nameof(type));

    private static string FormatVersion(long resourceVersion) => resourceVersion.ToString(CultureInfo.InvariantCulture);

    private static bool ParseBool(string? text) => text is "true" or "True" or "TRUE" or "t" or "T" or "1";

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (; ; )
        {
            Task pulse;
            lock (_gate)
            {
                if (condition())
                {
                    return;
                }

                pulse = _pulse.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            try
            {
                await pulse.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    if (condition())
                    {
                        return;
                    }

                    throw new TimeoutException($"Waited {timeout} for {describe()}.");
                }
            }
        }
    }

    private void PulseLocked()
    {
        var pulse = _pulse;
        _pulse = NewSignal();
        pulse.SetResult();
    }

    private void SignalChangeLocked()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.SetResult();
    }
}
