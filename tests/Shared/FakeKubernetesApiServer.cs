using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeDns.Records.Testing;

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
internal sealed class FakeKubernetesApiServer : IAsyncDisposable
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

    private (Stored Stored, bool Changed) ApplyLocked(IKubernetesObject<V1ObjectMeta> input)
    {
        var kind = KindOf(input.GetType());
        var obj = kind.Parse(KubernetesJson.Serialize(input));
        obj.ApiVersion = kind.ApiVersion;
        obj.Kind = kind.Kind;
        var meta = obj.Metadata ?? throw new ArgumentException($"{kind.Kind} without metadata.", nameof(input));
        if (string.IsNullOrEmpty(meta.Name))
        {
            throw new ArgumentException($"{kind.Kind} without metadata.name.", nameof(input));
        }

        if (kind.Namespaced)
        {
            meta.NamespaceProperty = string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty;
        }
        else if (!string.IsNullOrEmpty(meta.NamespaceProperty))
        {
            throw new ArgumentException($"{kind.Kind} is cluster-scoped: no metadata.namespace.", nameof(input));
        }

        var store = _objects[kind];
        var key = kind.Key(meta.NamespaceProperty, meta.Name);
        store.TryGetValue(key, out var existing);
        meta.Uid = existing?.Object.Metadata.Uid ?? meta.Uid ?? Guid.NewGuid().ToString();
        meta.CreationTimestamp = existing?.Object.Metadata.CreationTimestamp
            ?? meta.CreationTimestamp
            ?? DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        if (existing is not null)
        {
            meta.ResourceVersion = existing.Object.Metadata.ResourceVersion;
            if (KubernetesJson.Serialize(obj) == existing.Json)
            {
                return (existing, false);
            }
        }

        var resourceVersion = ++_resourceVersion;
        meta.ResourceVersion = FormatVersion(resourceVersion);
        var stored = new Stored(kind, obj, KubernetesJson.Serialize(obj));
        store[key] = stored;
        _history.Add(new StoredEvent(resourceVersion, existing is null ? WatchEventType.Added : WatchEventType.Modified, stored, existing));
        return (stored, true);
    }

    private Stored? DeleteLocked(ResourceKind kind, string? @namespace, string name)
    {
        var key = kind.Key(kind.Namespaced && string.IsNullOrEmpty(@namespace) ? "default" : @namespace, name);
        if (!_objects[kind].Remove(key, out var existing))
        {
            return null;
        }

        var resourceVersion = ++_resourceVersion;
        var last = kind.Parse(existing.Json);
        last.Metadata.ResourceVersion = FormatVersion(resourceVersion);
        var deleted = new Stored(kind, last, KubernetesJson.Serialize(last));
        _history.Add(new StoredEvent(resourceVersion, WatchEventType.Deleted, deleted, existing));
        return deleted;
    }

    /// <summary>Up to <paramref name="max"/> history events after <paramref name="resourceVersion"/>.</summary>
    private StoredEvent[] EventsAfterLocked(long resourceVersion, int max)
    {
        int low = 0, high = _history.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_history[middle].ResourceVersion <= resourceVersion)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return [.. _history.GetRange(low, Math.Min(max, _history.Count - low))];
    }

    private async Task InterceptAsync(HttpContext context, RequestDelegate next)
    {
        var route = Route.Parse(context.Request.Path.Value ?? "");
        var request = new FakeApiRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            route?.Kind.Resource,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null);
        InjectedFailure? failure;
        lock (_gate)
        {
            _requests.Add(request);
            var index = _failures.FindIndex(f => f.Resource is null || f.Resource == request.Resource);
            failure = index >= 0 ? _failures[index] : null;
            if (index >= 0)
            {
                _failures.RemoveAt(index);
            }

            PulseLocked();
        }

        if (failure is not null)
        {
            await WriteStatusAsync(context, failure.Status, $"injected failure ({(int)failure.Status})");
            return;
        }

        await next(context);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await WriteStatusAsync(context, HttpStatusCode.MethodNotAllowed, $"the fake API server serves only GET, not {context.Request.Method}");
            return;
        }

        var route = Route.Parse(context.Request.Path.Value ?? "");
        if (route is null)
        {
            await WriteStatusAsync(context, HttpStatusCode.NotFound, "the server could not find the requested resource");
            return;
        }

        if (route.Name is not null)
        {
            await GetAsync(context, route);
            return;
        }

        var query = context.Request.Query;
        if (!Selector.TryParseLabels(query["labelSelector"], out var labels, out var error)
            || !Selector.TryParseFields(query["fieldSelector"], route.Kind, out var fields, out error))
        {
            await WriteStatusAsync(context, HttpStatusCode.BadRequest, error);
            return;
        }

        var filter = new Filter(route.Kind, route.Namespace, labels, fields);
        if (ParseBool(query["watch"]))
        {
            await WatchAsync(context, filter);
        }
        else
        {
            await ListAsync(context, filter);
        }
    }

    private async Task GetAsync(HttpContext context, Route route)
    {
        Stored? stored;
        lock (_gate)
        {
            _objects[route.Kind].TryGetValue(route.Kind.Key(route.Namespace, route.Name!), out stored);
        }

        if (stored is null)
        {
            await WriteStatusAsync(context, HttpStatusCode.NotFound, $"{route.Kind.Resource} \"{route.Name}\" not found");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(stored.Json, context.RequestAborted);
    }

    private async Task ListAsync(HttpContext context, Filter filter)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var parsedLimit) && parsedLimit > 0
            ? parsedLimit
            : int.MaxValue;
        string? continueToken = query["continue"];
        ListSnapshot? snapshot;
        lock (_gate)
        {
            if (string.IsNullOrEmpty(continueToken))
            {
                snapshot = new ListSnapshot(
                    Guid.NewGuid().ToString("N"),
                    filter.Kind,
                    [.. _objects[filter.Kind].Values.Where(s => filter.Matches(s.Object))],
                    _resourceVersion);
                continueToken = snapshot.Id + ":0";
            }
            else
            {
                var separator = continueToken.LastIndexOf(':');
                snapshot = separator > 0 && _snapshots.TryGetValue(continueToken[..separator], out var found) && found.Kind == filter.Kind
                    ? found
                    : null;
            }
        }

        if (snapshot is null
            || !int.TryParse(continueToken.AsSpan(continueToken.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || offset > snapshot.Items.Length)
        {
            await WriteStatusAsync(
                context,
                HttpStatusCode.Gone,
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            return;
        }

        var count = Math.Min(limit, snapshot.Items.Length - offset);
        var remaining = snapshot.Items.Length - offset - count;
        var meta = new V1ListMeta { ResourceVersion = FormatVersion(snapshot.ResourceVersion) };
        if (remaining > 0)
        {
            meta.ContinueProperty = $"{snapshot.Id}:{offset + count}";
            meta.RemainingItemCount = remaining;
            lock (_gate)
            {
                _snapshots[snapshot.Id] = snapshot;
            }
        }

        var items = snapshot.Items.Skip(offset).Take(count).Select(s =>
        {
            var item = s.Kind.Parse(s.Json);
            item.ApiVersion = null;
            item.Kind = null;
            return item;
        });
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(KubernetesJson.Serialize(filter.Kind.MakeList(items, meta)), context.RequestAborted);
    }

    private async Task WatchAsync(HttpContext context, Filter filter)
    {
        var query = context.Request.Query;
        string? versionText = query["resourceVersion"];
        long? from = null;
        if (!string.IsNullOrEmpty(versionText) && versionText != "0")
        {
            if (!long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await WriteStatusAsync(context, HttpStatusCode.BadRequest, $"invalid resource version: {versionText}");
                return;
            }

            from = parsed;
        }

        var sendInitialEvents = ParseBool(query["sendInitialEvents"]);
        var allowBookmarks = ParseBool(query["allowWatchBookmarks"]);
        TimeSpan? duration = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

        WatchSession? session = null;
        Stored[] initial = [];
        long current;
        lock (_gate)
        {
            current = _resourceVersion;
            var initialState = from is null || sendInitialEvents;
            if (initialState || (from >= _compactedResourceVersion && from <= _resourceVersion))
            {
                session = new WatchSession(context, filter, initialState ? _resourceVersion : from!.Value, allowBookmarks, _bookmarkGeneration, _stopping.Token);
                _watches.Add(session);
                if (initialState)
                {
                    initial = [.. _objects[filter.Kind].Values.Where(s => filter.Matches(s.Object))];
                }

                PulseLocked();
            }
        }

        if (session is null)
        {
            if (from > current)
            {
                await WriteStatusAsync(context, HttpStatusCode.GatewayTimeout, $"Too large resource version: {from}, current: {current}");
                return;
            }

            var message = $"too old resource version: {from} ({current})";
            if (Answer410OnWatchRequest)
            {
                await WriteStatusAsync(context, HttpStatusCode.Gone, message);
                return;
            }

            context.Response.ContentType = "application/json";
            var writer = context.Response.BodyWriter;
            WriteEvent(writer, "ERROR", StatusJson(HttpStatusCode.Gone, message));
            await writer.FlushAsync(context.RequestAborted);
            return;
        }

        try
        {
            await StreamAsync(session, initial, sendInitialEvents, duration);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(session);
                PulseLocked();
            }

            session.Dispose();
        }
    }

    private async Task StreamAsync(WatchSession session, Stored[] initial, bool sendInitialEvents, TimeSpan? duration)
    {
        var token = session.Token;
        var end = duration is null ? (DateTime?)null : DateTime.UtcNow + duration.Value;
        var response = session.Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await response.StartAsync(token);
        var writer = response.BodyWriter;
        var unflushed = 0L;

        foreach (var stored in initial)
        {
            unflushed += WriteEvent(writer, "ADDED", stored.Utf8);
            if (unflushed >= FlushThresholdBytes)
            {
                await FlushAsync(writer, token);
                unflushed = 0;
            }
        }

        if (sendInitialEvents && session.AllowBookmarks)
        {
            unflushed += WriteBookmark(writer, session, initialEventsEnd: true);
        }

        await FlushAsync(writer, token);
        unflushed = 0;
        var nextBookmark = DateTime.UtcNow + (BookmarkInterval ?? Timeout.InfiniteTimeSpan);

        for (; ; )
        {
            StoredEvent[] events;
            Task changed;
            var bookmark = false;
            bool ending;
            lock (_gate)
            {
                events = EventsAfterLocked(session.Cursor, MaxEventsPerPass);
                changed = _changed.Task;
                ending = session.Ending;
                if (events.Length < MaxEventsPerPass && session.BookmarkGeneration != _bookmarkGeneration)
                {
                    session.BookmarkGeneration = _bookmarkGeneration;
                    bookmark = session.AllowBookmarks;
                }
            }

            foreach (var stored in events)
            {
                session.Cursor = stored.ResourceVersion;
                unflushed += WriteIfMatches(writer, session.Filter, stored);
                if (unflushed >= FlushThresholdBytes)
                {
                    await FlushAsync(writer, token);
                    unflushed = 0;
                }
            }

            if (events.Length == MaxEventsPerPass)
            {
                continue;
            }

            if (BookmarkInterval is { } interval && session.AllowBookmarks && DateTime.UtcNow >= nextBookmark)
            {
                bookmark = true;
                nextBookmark = DateTime.UtcNow + interval;
            }

            if (bookmark)
            {
                unflushed += WriteBookmark(writer, session, initialEventsEnd: false);
            }

            if (unflushed > 0)
            {
                await FlushAsync(writer, token);
                unflushed = 0;
            }

            var now = DateTime.UtcNow;
            if (now >= end || ending)
            {
                return;
            }

            var wait = Timeout.InfiniteTimeSpan;
            if (end is { } endAt)
            {
                wait = endAt - now;
            }

            if (BookmarkInterval is not null && session.AllowBookmarks && (wait == Timeout.InfiniteTimeSpan || nextBookmark - now < wait))
            {
                wait = nextBookmark - now;
            }

            try
            {
                await changed.WaitAsync(wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan ? TimeSpan.Zero : wait, token);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private async Task FlushAsync(PipeWriter writer, CancellationToken token)
    {
        Interlocked.Increment(ref _watchFlushes);
        var result = await writer.FlushAsync(token);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The watch connection is gone.");
        }
    }

    private static long WriteIfMatches(PipeWriter writer, Filter filter, StoredEvent stored)
    {
        if (stored.Current.Kind != filter.Kind)
        {
            return 0;
        }

        var passes = stored.Type != WatchEventType.Deleted && filter.Matches(stored.Current.Object);
        var passed = stored.Previous is not null && filter.Matches(stored.Previous.Object);
        return (passes, passed) switch
        {
            (true, false) => WriteEvent(writer, "ADDED", stored.Current.Utf8),
            (true, true) => WriteEvent(writer, "MODIFIED", stored.Current.Utf8),
            (false, true) when stored.Type == WatchEventType.Deleted => WriteEvent(writer, "DELETED", stored.Current.Utf8),
            (false, true) => WriteEvent(writer, "DELETED", stored.PreviousAtThisVersion()),
            _ => 0,
        };
    }

    private static long WriteBookmark(PipeWriter writer, WatchSession session, bool initialEventsEnd)
    {
        var bookmark = session.Filter.Kind.Empty();
        bookmark.ApiVersion = session.Filter.Kind.ApiVersion;
        bookmark.Kind = session.Filter.Kind.Kind;
        bookmark.Metadata = new V1ObjectMeta { ResourceVersion = FormatVersion(session.Cursor) };
        if (initialEventsEnd)
        {
            bookmark.Metadata.Annotations = new Dictionary<string, string> { [InitialEventsEndAnnotation] = "true" };
        }

        return WriteEvent(writer, "BOOKMARK", Encoding.UTF8.GetBytes(KubernetesJson.Serialize(bookmark)));
    }

    private static long WriteEvent(PipeWriter writer, string type, byte[] objectJson)
    {
        var prefix = Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":");
        writer.Write(prefix);
        writer.Write(objectJson);
        writer.Write("}\n"u8);
        return prefix.Length + objectJson.Length + 2;
    }

    /// <summary>
    /// A failure Status as the real server writes it. Written by hand: KubernetesClient reads V1Status but its
    /// converter cannot write one (<c>KubernetesJson.Serialize(V1Status)</c> throws NotImplementedException).
    /// </summary>
    private static byte[] StatusJson(HttpStatusCode status, string message)
    {
        var reason = status switch
        {
            HttpStatusCode.BadRequest => "BadRequest",
            HttpStatusCode.Unauthorized => "Unauthorized",
            HttpStatusCode.Forbidden => "Forbidden",
            HttpStatusCode.NotFound => "NotFound",
            HttpStatusCode.MethodNotAllowed => "MethodNotAllowed",
            HttpStatusCode.Conflict => "Conflict",
            HttpStatusCode.Gone => "Expired",
            HttpStatusCode.TooManyRequests => "TooManyRequests",
            HttpStatusCode.InternalServerError => "InternalError",
            HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
            HttpStatusCode.GatewayTimeout => "Timeout",
            _ => "",
        };
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Status");
            json.WriteString("apiVersion", "v1");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("status", "Failure");
            json.WriteString("message", message);
            json.WriteString("reason", reason);
            json.WriteNumber("code", (int)status);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static async Task WriteStatusAsync(HttpContext context, HttpStatusCode status, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        if (status == HttpStatusCode.TooManyRequests)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        await context.Response.Body.WriteAsync(StatusJson(status, message), context.RequestAborted);
    }

    /// <summary>A kind the server serves: where it lives in the API and how its objects and lists are made.</summary>
    private sealed class ResourceKind
    {
        private ResourceKind(
            string resource,
            string group,
            string version,
            string kind,
            bool namespaced,
            Type type,
            Func<string, IKubernetesObject<V1ObjectMeta>> parse,
            Func<IKubernetesObject<V1ObjectMeta>> empty,
            Func<IEnumerable<IKubernetesObject<V1ObjectMeta>>, V1ListMeta, object> makeList,
            Dictionary<string, Func<IKubernetesObject<V1ObjectMeta>, string>> fields)
        {
            Resource = resource;
            Group = group;
            ApiVersion = group.Length == 0 ? version : $"{group}/{version}";
            Kind = kind;
            Namespaced = namespaced;
            Type = type;
            Parse = parse;
            Empty = empty;
            MakeList = makeList;
            Fields = fields;
        }

        public string Resource { get; }

        public string Group { get; }

        public string ApiVersion { get; }

        public string Kind { get; }

        public bool Namespaced { get; }

        public Type Type { get; }

        public Func<string, IKubernetesObject<V1ObjectMeta>> Parse { get; }

        public Func<IKubernetesObject<V1ObjectMeta>> Empty { get; }

        public Func<IEnumerable<IKubernetesObject<V1ObjectMeta>>, V1ListMeta, object> MakeList { get; }

        /// <summary>Field selector fields besides metadata.name and metadata.namespace.</summary>
        public Dictionary<string, Func<IKubernetesObject<V1ObjectMeta>, string>> Fields { get; }

        public static ResourceKind Create<T, TList>(
            string resource,
            string group,
            string version,
            string kind,
            bool namespaced,
            Func<List<T>, V1ListMeta, TList> makeList,
            Dictionary<string, Func<T, string>> fields)
            where T : class, IKubernetesObject<V1ObjectMeta>, new() =>
            new(
                resource,
                group,
                version,
                kind,
                namespaced,
                typeof(T),
                json => KubernetesJson.Deserialize<T>(json),
                () => new T(),
                (items, meta) => makeList([.. items.Cast<T>()], meta)!,
                fields.ToDictionary(f => f.Key, f => (Func<IKubernetesObject<V1ObjectMeta>, string>)(o => f.Value((T)o)), StringComparer.Ordinal));

        public string Key(string? @namespace, string name) => Namespaced ? $"{@namespace}/{name}" : name;
    }

    /// <summary>The resource, namespace and name a request path names, or null for paths the server does not serve.</summary>
    private sealed record Route(ResourceKind Kind, string? Namespace, string? Name)
    {
        public static Route? Parse(string path)
        {
            var segments = path.Trim('/').Split('/');
            string group;
            int rest;
            if (segments is ["api", "v1", ..])
            {
                (group, rest) = ("", 2);
            }
            else if (segments is ["apis", var apiGroup, "v1", ..])
            {
                (group, rest) = (apiGroup, 3);
            }
            else
            {
                return null;
            }

            var tail = segments[rest..];
            return tail switch
            {
                ["namespaces", var ns, var resource] => Namespaced(group, ns, resource, null),
                ["namespaces", var ns, var resource, var name] => Namespaced(group, ns, resource, name),
                [var resource] => Find(group, resource) is { } kind ? new Route(kind, null, null) : null,
                [var resource, var name] => Find(group, resource) is { Namespaced: false } kind ? new Route(kind, null, name) : null,
                _ => null,
            };
        }

        private static Route? Namespaced(string group, string @namespace, string resource, string? name) =>
            Find(group, resource) is { Namespaced: true } kind && @namespace.Length > 0 ? new Route(kind, @namespace, name) : null;

        private static ResourceKind? Find(string group, string resource) =>
            Array.Find(Kinds, k => k.Group == group && k.Resource == resource);
    }

    /// <summary>What a list or watch asked for: kind, namespace (null for all) and selectors.</summary>
    private sealed record Filter(ResourceKind Kind, string? Namespace, LabelRequirement[] Labels, FieldRequirement[] Fields)
    {
        public bool Matches(IKubernetesObject<V1ObjectMeta> obj)
        {
            if (Namespace is not null && obj.Metadata.NamespaceProperty != Namespace)
            {
                return false;
            }

            var labels = obj.Metadata.Labels;
            foreach (var requirement in Labels)
            {
                if (!requirement.Matches(labels))
                {
                    return false;
                }
            }

            foreach (var requirement in Fields)
            {
                var value = requirement.Field switch
                {
                    "metadata.name" => obj.Metadata.Name,
                    "metadata.namespace" => obj.Metadata.NamespaceProperty ?? "",
                    var field => Kind.Fields[field](obj),
                };
                if ((value == requirement.Value) == requirement.Negated)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private enum LabelOperator
    {
        Equals,
        NotEquals,
        Exists,
        DoesNotExist,
        In,
        NotIn,
    }

    private sealed record LabelRequirement(string Key, LabelOperator Operator, string[] Values)
    {
        public bool Matches(IDictionary<string, string>? labels)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(Key, out value);
            return Operator switch
            {
                LabelOperator.Exists => has,
                LabelOperator.DoesNotExist => !has,
                LabelOperator.Equals or LabelOperator.In => has && Values.Contains(value),
                _ => !has || !Values.Contains(value),
            };
        }
    }

    private sealed record FieldRequirement(string Field, string Value, bool Negated);

    /// <summary>Label and field selector parsing, with the real server's answer (400) to what it cannot parse.</summary>
    private static class Selector
    {
        private static readonly char[] Operators = ['=', '!', '(', ')', ' '];

        public static bool TryParseLabels(string? text, out LabelRequirement[] requirements, out string error)
        {
            var parsed = new List<LabelRequirement>();
            requirements = [];
            error = "";
            foreach (var term in SplitTopLevel(text))
            {
                var requirement = ParseLabel(term);
                if (requirement is null)
                {
                    error = $"unable to parse requirement: {term}";
                    return false;
                }

                parsed.Add(requirement);
            }

            requirements = [.. parsed];
            return true;
        }

        public static bool TryParseFields(string? text, ResourceKind kind, out FieldRequirement[] requirements, out string error)
        {
            var parsed = new List<FieldRequirement>();
            requirements = [];
            error = "";
            foreach (var term in SplitTopLevel(text))
            {
                var negated = term.Contains("!=", StringComparison.Ordinal);
                var parts = term.Split(negated ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
                if (parts.Length != 2 || parts[0].Trim().Length == 0)
                {
                    error = $"invalid selector: '{text}'; can't understand '{term}'";
                    return false;
                }

                var field = parts[0].Trim();
                if (field is not ("metadata.name" or "metadata.namespace") && !kind.Fields.ContainsKey(field))
                {
                    error = $"field label not supported: {field}";
                    return false;
                }

                parsed.Add(new FieldRequirement(field, parts[1].Trim(), negated));
            }

            requirements = [.. parsed];
            return true;
        }

        private static LabelRequirement? ParseLabel(string term)
        {
            if (term.StartsWith('!'))
            {
                var key = term[1..].Trim();
                return IsKey(key) ? new LabelRequirement(key, LabelOperator.DoesNotExist, []) : null;
            }

            foreach (var (word, op) in new[] { (" notin ", LabelOperator.NotIn), (" in ", LabelOperator.In) })
            {
                var at = term.IndexOf(word, StringComparison.Ordinal);
                if (at > 0)
                {
                    var key = term[..at].Trim();
                    var set = term[(at + word.Length)..].Trim();
                    if (!IsKey(key) || !set.StartsWith('(') || !set.EndsWith(')'))
                    {
                        return null;
                    }

                    var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries);
                    return values.All(IsValue) ? new LabelRequirement(key, op, values) : null;
                }
            }

            foreach (var (symbol, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals) })
            {
                var at = term.IndexOf(symbol, StringComparison.Ordinal);
                if (at > 0)
                {
                    var key = term[..at].Trim();
                    var value = term[(at + symbol.Length)..].Trim();
                    return IsKey(key) && IsValue(value) ? new LabelRequirement(key, op, [value]) : null;
                }
            }

            return IsKey(term) ? new LabelRequirement(term, LabelOperator.Exists, []) : null;
        }

        private static bool IsKey(string key) => key.Length > 0 && key.IndexOfAny(Operators) < 0 && !key.Contains(',', StringComparison.Ordinal);

        private static bool IsValue(string value) => value.IndexOfAny(Operators) < 0 && !value.Contains(',', StringComparison.Ordinal);

        /// <summary>Comma-separated terms, commas inside parentheses (set values) not splitting.</summary>
        private static List<string> SplitTopLevel(string? text)
        {
            var terms = new List<string>();
            if (string.IsNullOrWhiteSpace(text))
            {
                return terms;
            }

            var depth = 0;
            var start = 0;
            for (var i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || (text[i] == ',' && depth == 0))
                {
                    terms.Add(text[start..i].Trim());
                    start = i + 1;
                }
                else if (text[i] == '(')
                {
                    depth++;
                }
                else if (text[i] == ')')
                {
                    depth--;
                }
            }

            return terms;
        }
    }

    /// <summary>A stored object version: the object (never mutated once stored) and its JSON.</summary>
    private sealed class Stored(ResourceKind kind, IKubernetesObject<V1ObjectMeta> obj, string json)
    {
        public ResourceKind Kind { get; } = kind;

        public IKubernetesObject<V1ObjectMeta> Object { get; } = obj;

        public string Json { get; } = json;

        public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(json);
    }

    /// <summary>One write in the history: the state after it (for deletes, the last state) and the state before it.</summary>
    private sealed class StoredEvent(long resourceVersion, WatchEventType type, Stored current, Stored? previous)
    {
        public long ResourceVersion { get; } = resourceVersion;

        public WatchEventType Type { get; } = type;

        public Stored Current { get; } = current;

        public Stored? Previous { get; } = previous;

        /// <summary>The previous state with this event's resource version: what a watch whose selector stops matching gets as DELETED.</summary>
        public byte[] PreviousAtThisVersion()
        {
            var copy = Current.Kind.Parse(Previous!.Json);
            copy.Metadata.ResourceVersion = FormatVersion(ResourceVersion);
            return Encoding.UTF8.GetBytes(KubernetesJson.Serialize(copy));
        }
    }

    private sealed record ListSnapshot(string Id, ResourceKind Kind, Stored[] Items, long ResourceVersion);

    private sealed record InjectedFailure(HttpStatusCode Status, string? Resource);

    /// <summary>An open watch connection.</summary>
    private sealed class WatchSession : IDisposable
    {
        private readonly CancellationTokenSource _cancellation;

        public WatchSession(HttpContext context, Filter filter, long cursor, bool allowBookmarks, long bookmarkGeneration, CancellationToken stopping)
        {
            Context = context;
            Filter = filter;
            Cursor = cursor;
            AllowBookmarks = allowBookmarks;
            BookmarkGeneration = bookmarkGeneration;
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        }

        public HttpContext Context { get; }

        public Filter Filter { get; }

        public ResourceKind Kind => Filter.Kind;

        /// <summary>The resource version up to which history has been considered (written if it matched).</summary>
        public long Cursor { get; set; }

        public bool AllowBookmarks { get; }

        public long BookmarkGeneration { get; set; }

        /// <summary>Set (under the server's lock) to end the stream cleanly once the events due are written.</summary>
        public bool Ending { get; set; }

        public CancellationToken Token => _cancellation.Token;

        public void Abort()
        {
            try
            {
                Context.Abort();
            }
            catch (ObjectDisposedException)
            {
                // The client ended the request meanwhile (a feed stopping): Kestrel has already recycled the context.
            }

            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose() => _cancellation.Dispose();
    }
}

/// <summary>A request the fake API server received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/apis/discovery.k8s.io/v1/endpointslices</c>.</param>
/// <param name="QueryString">The query string with its <c>?</c>, or empty.</param>
/// <param name="Resource">The resource the path names (<c>services</c>, …), or null.</param>
/// <param name="Query">The query parameters (several values of one name joined with commas).</param>
/// <param name="Authorization">The Authorization header, or null.</param>
internal sealed record FakeApiRequest(
    string Method,
    string Path,
    string QueryString,
    string? Resource,
    IReadOnlyDictionary<string, string> Query,
    string? Authorization)
{
    /// <summary>The path and query, e.g. <c>/api/v1/services?watch=true&amp;resourceVersion=1003</c>.</summary>
    public string PathAndQuery => Path + QueryString;

    /// <summary>Whether this was a watch (<c>watch=true</c> or <c>watch=1</c>).</summary>
    public bool IsWatch => Query.TryGetValue("watch", out var watch) && watch is "true" or "True" or "TRUE" or "t" or "T" or "1";

    /// <summary>A query parameter, or null.</summary>
    public string? QueryValue(string name) => Query.GetValueOrDefault(name);

    public override string ToString() => $"{Method} {PathAndQuery}";
}
