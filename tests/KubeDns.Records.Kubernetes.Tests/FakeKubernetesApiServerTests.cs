using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>
/// The fake API server (tests/KubeDns.Records.TestUtilities/KubernetesApi) against the real KubernetesClient: lists, watches and every failure it can
/// provoke look to the client as they would from a real API server.
/// </summary>
public sealed class FakeKubernetesApiServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private FakeKubernetesApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeKubernetesApiServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void Apply_NewObject_SetsKindUidCreationTimestampAndResourceVersion()
    {
        var created = _server.Apply(Service("shop", "web"));

        Assert.Equal(("v1", "Service"), (created.ApiVersion, created.Kind));
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(FakeKubernetesApiServer.InitialResourceVersion + 1, _server.ResourceVersion);
        Assert.Equal(_server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), created.Metadata.ResourceVersion);
    }

    [Fact]
    public void Apply_ChangedAndUnchanged_KeepsUidAndBumpsResourceVersionOnlyOnChange()
    {
        var created = _server.Apply(Service("shop", "web"));

        var updated = _server.Apply(Service("shop", "web", "10.96.0.99"));
        var unchanged = _server.Apply(Service("shop", "web", "10.96.0.99"));

        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
        Assert.Equal(created.Metadata.CreationTimestamp, updated.Metadata.CreationTimestamp);
        Assert.Equal(Version(created) + 1, Version(updated));
        Assert.Equal(Version(updated), Version(unchanged));
        Assert.Equal(Version(updated), _server.ResourceVersion);
    }

    [Fact]
    public void Apply_NamespacedWithoutNamespace_GoesToDefault_ClusterScopedWithNamespace_Throws()
    {
        var service = Service("shop", "web");
        service.Metadata.NamespaceProperty = null;

        Assert.Equal("default", _server.Apply(service).Metadata.NamespaceProperty);
        Assert.Throws<ArgumentException>(() => _server.Apply(new V1Namespace { Metadata = new V1ObjectMeta { Name = "x", NamespaceProperty = "y" } }));
        Assert.Throws<ArgumentException>(() => _server.Apply(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }));
    }

    [Fact]
    public async Task ListServices_AllNamespacesAndOne_ReturnsStoredObjectsWithResourceVersions()
    {
        var web = _server.Apply(Service("shop", "web"));
        var api = _server.Apply(Service("shop", "api"));
        var dns = _server.Apply(Service("kube-system", "kube-dns"));

        var all = await _client.CoreV1.ListServiceForAllNamespacesAsync();
        var shop = await _client.CoreV1.ListNamespacedServiceAsync("shop");

        Assert.Equal(("v1", "ServiceList"), (all.ApiVersion, all.Kind));
        Assert.Equal(Version(dns), Version(all.Metadata.ResourceVersion));
        Assert.Null(all.Metadata.ContinueProperty);
        Assert.Equal(
            ["kube-system/kube-dns", "shop/api", "shop/web"],
            all.Items.Select(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}"));
        Assert.Equal([Version(dns), Version(api), Version(web)], all.Items.Select(Version));
        Assert.Equal(web.Metadata.Uid, all.Items[2].Metadata.Uid);
        Assert.Equal("10.96.0.10", all.Items[2].Spec.ClusterIP);

        // Like the real server, list items carry no kind or apiVersion: only the list does.
        Assert.All(all.Items, s => Assert.Null(s.Kind));
        Assert.Equal(["api", "web"], shop.Items.Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task ListOtherKinds_ServedAtTheirApiPaths()
    {
        _server.Apply(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } });
        _server.Apply(Slice("shop", "web-abc", "10.244.0.1"));
        _server.Apply(Slice("data", "db-xyz", "10.244.0.2"));
        _server.Apply(Pod("shop", "web-1", "Running"));

        var namespaces = await _client.CoreV1.ListNamespaceAsync();
        var slices = await _client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync();
        var shopSlices = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync("shop");
        var pods = await _client.CoreV1.ListPodForAllNamespacesAsync();
        var shopPods = await _client.CoreV1.ListNamespacedPodAsync("shop");
        var service = _server.Apply(Service("shop", "web"));
        var read = await _client.CoreV1.ReadNamespacedServiceAsync("web", "shop");
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReadNamespacedServiceAsync("nope", "shop"));

        Assert.Equal("shop", Assert.Single(namespaces.Items).Metadata.Name);
        Assert.Equal(("discovery.k8s.io/v1", "EndpointSliceList"), (slices.ApiVersion, slices.Kind));
        Assert.Equal(["db-xyz", "web-abc"], slices.Items.Select(s => s.Metadata.Name));
        Assert.Equal("10.244.0.1", Assert.Single(Assert.Single(shopSlices.Items).Endpoints).Addresses[0]);
        Assert.Equal("web-1", Assert.Single(pods.Items).Metadata.Name);
        Assert.Single(shopPods.Items);
        Assert.Equal((service.Metadata.Uid, "Service"), (read.Metadata.Uid, read.Kind));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
    }

    [Theory]
    [InlineData("app=web", "web-1,web-2")]
    [InlineData("app==web,tier=front", "web-1")]
    [InlineData("app!=web", "db-1,loose")]
    [InlineData("tier", "db-1,web-1")]
    [InlineData("!tier", "loose,web-2")]
    [InlineData("app in (web, db),tier", "db-1,web-1")]
    [InlineData("app notin (web)", "db-1,loose")]
    [InlineData("", "db-1,loose,web-1,web-2")]
    public async Task ListPods_LabelSelector_Filters(string selector, string expected)
    {
        _server.ApplyMany(
        [
            Pod("shop", "web-1", "Running", new() { ["app"] = "web", ["tier"] = "front" }),
            Pod("shop", "web-2", "Running", new() { ["app"] = "web" }),
            Pod("shop", "db-1", "Running", new() { ["app"] = "db", ["tier"] = "back" }),
            Pod("shop", "loose", "Running"),
        ]);

        var pods = await _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector);

        Assert.Equal(expected, string.Join(',', pods.Items.Select(p => p.Metadata.Name)));
    }

    [Theory]
    [InlineData("status.phase!=Succeeded", "pending,running")]
    [InlineData("status.phase!=Succeeded,status.phase!=Pending", "running")]
    [InlineData("metadata.name=done", "done")]
    [InlineData("metadata.namespace==shop,status.phase=Running", "running")]
    public async Task ListPods_FieldSelector_Filters(string selector, string expected)
    {
        _server.ApplyMany([Pod("shop", "running", "Running"), Pod("shop", "pending", "Pending"), Pod("shop", "done", "Succeeded")]);

        var pods = await _client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector);

        Assert.Equal(expected, string.Join(',', pods.Items.Select(p => p.Metadata.Name)));
    }

    [Theory]
    [InlineData(null, "spec.nothing=x", "field label not supported: spec.nothing")]
    [InlineData(null, "status.phase", "invalid selector")]
    [InlineData("a=(b", null, "unable to parse requirement")]
    public async Task ListPods_BadSelector_400(string? labels, string? fields, string message)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(
            () => _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: labels, fieldSelector: fields));

        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal(("BadRequest", 400), (status.Reason, status.Code));
        Assert.Contains(message, status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_LimitAndContinue_PagesThroughOneSnapshot_ExpiredByCompact()
    {
        _server.ApplyMany([.. Enumerable.Range(0, 5).Select(i => Service("shop", $"s{i}"))]);

        var first = await _client.CoreV1.ListNamespacedServiceAsync("shop", limit: 2);
        _server.Apply(Service("shop", "s9"));
        var second = await _client.CoreV1.ListNamespacedServiceAsync("shop", limit: 2, continueParameter: first.Metadata.ContinueProperty);
        var third = await _client.CoreV1.ListNamespacedServiceAsync("shop", limit: 2, continueParameter: second.Metadata.ContinueProperty);
        var again = await _client.CoreV1.ListNamespacedServiceAsync("shop", limit: 2);
        _server.Compact();
        var expired = await Assert.ThrowsAsync<HttpOperationException>(
            () => _client.CoreV1.ListNamespacedServiceAsync("shop", limit: 2, continueParameter: again.Metadata.ContinueProperty));

        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], first.Items.Concat(second.Items).Concat(third.Items).Select(s => s.Metadata.Name));
        Assert.Equal(3, first.Metadata.RemainingItemCount);
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Equal(first.Metadata.ResourceVersion, third.Metadata.ResourceVersion);
        Assert.Equal(HttpStatusCode.Gone, expired.Response.StatusCode);
    }

    [Fact]
    public async Task Watch_FromListResourceVersion_SeesAddUpdateDeleteInOrder()
    {
        _server.Apply(Service("shop", "old"));
        var list = await _client.CoreV1.ListServiceForAllNamespacesAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        var errors = new List<Exception>();
        await using var events = WatchServices(list.Metadata.ResourceVersion, errors, cancel.Token);
        await _server.WaitForWatchAsync("services", 1, Timeout);

        var added = _server.Apply(Service("shop", "web"));
        var modified = _server.Apply(Service("shop", "web", "10.96.0.99"));
        var deleted = _server.Delete<V1Service>("shop", "web")!;

        var seen = await TakeAsync(events, 3);
        Assert.Equal(
            [(WatchEventType.Added, Version(added)), (WatchEventType.Modified, Version(modified)), (WatchEventType.Deleted, Version(deleted))],
            seen.Select(e => (e.Type, Version(e.Object))));
        Assert.Equal(Version(modified) + 1, Version(deleted));
        Assert.Equal("10.96.0.99", seen[2].Object.Spec.ClusterIP);
        Assert.All(seen, e => Assert.Equal(("v1", "Service", "web"), (e.Object.ApiVersion, e.Object.Kind, e.Object.Metadata.Name)));
        Assert.Empty(errors);
        var request = Assert.Single(_server.Requests, r => r.IsWatch);
        Assert.Equal("/api/v1/services", request.Path);
        Assert.Equal((list.Metadata.ResourceVersion, "services"), (request.QueryValue("resourceVersion"), request.Resource));
    }

    [Fact]
    public async Task Watch_FromOlderResourceVersion_ReplaysHistoryThenLive()
    {
        var start = _server.ResourceVersion;
        _server.Apply(Service("shop", "a"));
        _server.Apply(Service("shop", "b"));
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = WatchServices(Format(start), [], cancel.Token);
        var replayed = await TakeAsync(events, 2);

        _server.Apply(Service("shop", "c"));

        Assert.Equal(["a", "b"], replayed.Select(e => e.Object.Metadata.Name));
        Assert.Equal("c", (await TakeAsync(events, 1))[0].Object.Metadata.Name);
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_StartsWithAddedForCurrentStateThenLive()
    {
        _server.Apply(Slice("shop", "web-a", "10.244.0.1"));
        _server.Apply(Slice("shop", "web-b", "10.244.0.2"));
        _server.Apply(Slice("data", "db-a", "10.244.0.3"));
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = _client.DiscoveryV1
            .WatchListNamespacedEndpointSliceAsync("shop", cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);

        var initial = await TakeAsync(events, 2);
        _server.Apply(Slice("data", "db-b", "10.244.0.4"));
        _server.Apply(Slice("shop", "web-a", "10.244.0.9"));

        Assert.Equal([(WatchEventType.Added, "web-a"), (WatchEventType.Added, "web-b")], initial.Select(e => (e.Type, e.Object.Metadata.Name)));
        var live = Assert.Single(await TakeAsync(events, 1));
        Assert.Equal((WatchEventType.Modified, "10.244.0.9"), (live.Type, live.Object.Endpoints[0].Addresses[0]));
        Assert.Equal("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectEnteringIsAdded_LeavingIsDeletedWithNewResourceVersion()
    {
        var start = _server.ResourceVersion;
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = WatchServices(Format(start), [], cancel.Token, labelSelector: "dns=yes");
        await _server.WaitForWatchAsync("services", 1, Timeout);

        _server.Apply(Service("shop", "web"));
        var entered = _server.Apply(Service("shop", "web", labels: new() { ["dns"] = "yes" }));
        var modified = _server.Apply(Service("shop", "web", "10.96.0.50", new() { ["dns"] = "yes" }));
        var left = _server.Apply(Service("shop", "web", "10.96.0.51"));

        var seen = await TakeAsync(events, 3);
        Assert.Equal(
            [(WatchEventType.Added, Version(entered)), (WatchEventType.Modified, Version(modified)), (WatchEventType.Deleted, Version(left))],
            seen.Select(e => (e.Type, Version(e.Object))));

        // The DELETED event shows the last state that matched, as the real watch cache does.
        Assert.Equal("10.96.0.50", seen[2].Object.Spec.ClusterIP);
    }

    [Fact]
    public async Task Watch_PodsFieldSelector_OnlyMatchingPhases()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = _client.CoreV1
            .WatchListPodForAllNamespacesAsync(
                fieldSelector: "status.phase!=Succeeded,status.phase!=Failed",
                resourceVersion: Format(_server.ResourceVersion),
                cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await _server.WaitForWatchAsync("pods", 1, Timeout);

        _server.Apply(Pod("shop", "done", "Succeeded"));
        _server.Apply(Pod("shop", "web", "Running"));
        _server.Apply(Pod("shop", "web", "Failed"));

        Assert.Equal(
            [(WatchEventType.Added, "web"), (WatchEventType.Deleted, "web")],
            (await TakeAsync(events, 2)).Select(e => (e.Type, e.Object.Metadata.Name)));
    }

    [Fact]
    public async Task Watch_ObsoleteWatchAsyncExtension_SameStreamAsGeneratedWatchMethods()
    {
        using var cancel = new CancellationTokenSource(Timeout);

        // KubernetesClient 21 marks WatcherExt.WatchAsync obsolete in favour of the generated Watch…Async methods,
        // which call List…WithHttpMessagesAsync(watch: true) and then this very extension.
#pragma warning disable CS0618
        await using var events = _client.CoreV1
            .ListNamespacedPodWithHttpMessagesAsync("shop", watch: true, resourceVersion: Format(_server.ResourceVersion), cancellationToken: cancel.Token)
            .WatchAsync<V1Pod, V1PodList>(cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
#pragma warning restore CS0618
        await _server.WaitForWatchAsync("pods", 1, Timeout);

        _server.Apply(Pod("data", "db", "Running"));
        _server.Apply(Pod("shop", "web", "Running"));

        Assert.Equal((WatchEventType.Added, "web"), (await TakeAsync(events, 1)).Select(e => (e.Type, e.Object.Metadata.Name)).Single());
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/api/v1/namespaces/shop/pods", request.Path);
        Assert.True(request.IsWatch);
    }

    [Fact]
    public async Task Watch_AfterCompactFromOldResourceVersion_OnErrorGetsKubernetesException410_ThenStreamEnds()
    {
        var old = _server.ResourceVersion;
        _server.Apply(Service("shop", "web"));
        _server.Compact();
        using var cancel = new CancellationTokenSource(Timeout);
        var errors = new List<Exception>();
        await using var events = WatchServices(Format(old), errors, cancel.Token);

        // The ERROR event is not yielded: WatchAsync hands a KubernetesException to onError, then the stream ends.
        Assert.False(await events.MoveNextAsync());

        var error = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal((410, "Expired", "Failure"), (error.Status.Code, error.Status.Reason, error.Status.Status));
        Assert.Equal($"too old resource version: {old} ({_server.ResourceVersion})", error.Status.Message);
        Assert.Equal(error.Status.Message, error.Message);
    }

    [Fact]
    public async Task Watch_AfterCompactFromCompactionPoint_IsFine()
    {
        _server.Apply(Service("shop", "web"));
        _server.Compact();
        using var cancel = new CancellationTokenSource(Timeout);
        var errors = new List<Exception>();
        await using var events = WatchServices(Format(_server.ResourceVersion), errors, cancel.Token);
        await _server.WaitForWatchAsync("services", 1, Timeout);

        _server.Apply(Service("shop", "api"));

        Assert.Equal("api", (await TakeAsync(events, 1))[0].Object.Metadata.Name);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Watch_Answer410OnWatchRequest_FirstMoveNextThrowsHttpOperationException410()
    {
        var old = _server.ResourceVersion;
        _server.Apply(Service("shop", "web"));
        _server.Compact();
        _server.Answer410OnWatchRequest = true;
        using var cancel = new CancellationTokenSource(Timeout);
        var errors = new List<Exception>();
        await using var events = WatchServices(Format(old), errors, cancel.Token);

        var error = await Assert.ThrowsAsync<HttpOperationException>(async () => await events.MoveNextAsync());

        Assert.Equal(HttpStatusCode.Gone, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal((410, "Expired"), (status.Code, status.Reason));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Watch_FutureResourceVersion_504()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = WatchServices(Format(_server.ResourceVersion + 10), [], cancel.Token);

        var error = await Assert.ThrowsAsync<HttpOperationException>(async () => await events.MoveNextAsync());

        Assert.Equal(HttpStatusCode.GatewayTimeout, error.Response.StatusCode);
    }

    [Fact]
    public async Task DropWatches_AfterEvents_EnumerationThrowsIOException()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var errors = new List<Exception>();
        await using var events = WatchServices(Format(_server.ResourceVersion), errors, cancel.Token);
        await _server.WaitForWatchAsync("services", 1, Timeout);
        _server.Apply(Service("shop", "web"));
        await TakeAsync(events, 1);

        _server.DropWatches();

        // Seen: System.IO.IOException "Unable to read data from the transport connection: Connection reset by peer"
        // from the reader, straight out of MoveNextAsync: WatchAsync does not route read errors to onError.
        await Assert.ThrowsAnyAsync<IOException>(async () => await events.MoveNextAsync());
        Assert.Empty(errors);
        await WaitForNoWatchesAsync();
    }

    [Fact]
    public async Task DropWatches_BeforeFirstEvent_FirstMoveNextThrowsHttpRequestExceptionOverIOException()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var errors = new List<Exception>();
        await using var events = WatchServices(Format(_server.ResourceVersion), errors, cancel.Token);
        await _server.WaitForWatchAsync("services", 1, Timeout);

        _server.DropWatches();

        // The client's watch call was still waiting for the first line (it peeks it before returning the response).
        var error = await Assert.ThrowsAsync<HttpRequestException>(async () => await events.MoveNextAsync());
        Assert.IsAssignableFrom<IOException>(error.InnerException);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task EndWatches_AfterEvents_EnumerationEndsNormally()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var services = WatchServices(Format(_server.ResourceVersion), [], cancel.Token);
        await using var pods = _client.CoreV1
            .WatchListPodForAllNamespacesAsync(resourceVersion: Format(_server.ResourceVersion), cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await _server.WaitForWatchAsync("services", 1, Timeout);
        await _server.WaitForWatchAsync("pods", 1, Timeout);
        _server.ApplyMany([Service("shop", "web"), Pod("shop", "web-1", "Running")]);
        await TakeAsync(services, 1);
        await TakeAsync(pods, 1);

        _server.EndWatches("services");

        Assert.False(await services.MoveNextAsync().AsTask().WaitAsync(Timeout));
        _server.Apply(Pod("shop", "web-2", "Running"));
        Assert.Equal("web-2", (await TakeAsync(pods, 1))[0].Object.Metadata.Name);
        Assert.Equal(1, _server.OpenWatches);
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_AfterEvents_EnumerationEndsNormally()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = WatchServices(Format(_server.ResourceVersion), [], cancel.Token, timeoutSeconds: 1);
        await _server.WaitForWatchAsync("services", 1, Timeout);
        _server.Apply(Service("shop", "web"));
        await TakeAsync(events, 1);

        Assert.False(await events.MoveNextAsync().AsTask().WaitAsync(Timeout));
        await WaitForNoWatchesAsync();
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_WithoutEvents_FirstMoveNextThrowsHttpRequestExceptionOverEndOfStream()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var errors = new List<Exception>();
        await using var events = WatchServices(Format(_server.ResourceVersion), errors, cancel.Token, timeoutSeconds: 1);

        // A clean end before any line: the client's first-line peek fails, so this is an error, not an empty stream.
        var error = await Assert.ThrowsAsync<HttpRequestException>(async () => await events.MoveNextAsync());
        Assert.IsType<EndOfStreamException>(error.InnerException);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task FailNext_FailsThatManyRequestsWithTheStatusThenRecovers()
    {
        _server.FailNext(2, HttpStatusCode.ServiceUnavailable);

        var first = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespaceAsync());
        var second = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListServiceForAllNamespacesAsync());
        var third = await _client.CoreV1.ListNamespaceAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Response.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.Response.StatusCode);
        Assert.Equal("ServiceUnavailable", KubernetesJson.Deserialize<V1Status>(first.Response.Content).Reason);
        Assert.Empty(third.Items);
        Assert.Equal(
            ["GET /api/v1/namespaces watch=false", "GET /api/v1/services watch=false", "GET /api/v1/namespaces watch=false"],
            _server.Requests.Select(r => $"{r.Method} {r.Path} watch={r.QueryValue("watch")}"));
    }

    [Fact]
    public async Task FailNext_ForOneResource_LeavesOthersAlone_AlsoFailsWatches()
    {
        _server.FailNext(1, HttpStatusCode.InternalServerError, "endpointslices");
        using var cancel = new CancellationTokenSource(Timeout);

        await _client.CoreV1.ListServiceForAllNamespacesAsync();
        await using var events = _client.DiscoveryV1
            .WatchListEndpointSliceForAllNamespacesAsync(cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        var error = await Assert.ThrowsAsync<HttpOperationException>(async () => await events.MoveNextAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
        Assert.Empty((await _client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync()).Items);
    }

    [Fact]
    public async Task Bookmarks_WhenAllowed_CarryTheReachedResourceVersion()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = _client.CoreV1
            .WatchListServiceForAllNamespacesAsync(
                allowWatchBookmarks: true,
                resourceVersion: Format(_server.ResourceVersion),
                cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await _server.WaitForWatchAsync("services", 1, Timeout);

        _server.Apply(Pod("shop", "web", "Running"));
        _server.SendBookmarks();

        var bookmark = Assert.Single(await TakeAsync(events, 1));
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal((_server.ResourceVersion, "Service"), (Version(bookmark.Object), bookmark.Object.Kind));
    }

    [Fact]
    public async Task BookmarkInterval_QuietWatchGetsBookmarks_OnlyWhenAllowed()
    {
        _server.BookmarkInterval = TimeSpan.FromMilliseconds(100);
        using var cancel = new CancellationTokenSource(Timeout);
        await using var quiet = _client.CoreV1
            .WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: Format(_server.ResourceVersion), cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await using var plain = _client.CoreV1
            .WatchListNamespaceAsync(resourceVersion: Format(_server.ResourceVersion), cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await _server.WaitForWatchAsync("namespaces", 2, Timeout);

        var bookmarks = await TakeAsync(quiet, 2);
        _server.Apply(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } });

        Assert.All(bookmarks, b => Assert.Equal((WatchEventType.Bookmark, "Namespace"), (b.Type, b.Object.Kind)));
        Assert.Equal((WatchEventType.Added, "shop"), (await TakeAsync(plain, 1)).Select(e => (e.Type, e.Object.Metadata.Name)).Single());
    }

    [Fact]
    public async Task SendInitialEvents_AddedThenInitialEventsEndBookmark()
    {
        _server.Apply(Service("shop", "web"));
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = _client.CoreV1
            .WatchListServiceForAllNamespacesAsync(
                allowWatchBookmarks: true,
                resourceVersionMatch: "NotOlderThan",
                sendInitialEvents: true,
                cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);

        var seen = await TakeAsync(events, 2);

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark], seen.Select(e => e.Type));
        Assert.Equal("true", seen[1].Object.Metadata.Annotations["k8s.io/initial-events-end"]);
        Assert.Equal(_server.ResourceVersion, Version(seen[1].Object));
    }

    [Fact]
    public async Task ApplyMany_BurstOf10000SliceChanges_ArrivesCompleteAndInOrder_InFewFlushes()
    {
        const int Changes = 10_000;
        const int Slices = 500;
        var start = _server.ResourceVersion;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var events = _client.DiscoveryV1
            .WatchListEndpointSliceForAllNamespacesAsync(resourceVersion: Format(start), cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await _server.WaitForWatchAsync("endpointslices", 1, Timeout);
        var flushesBefore = _server.WatchFlushes;

        var end = _server.ApplyMany([.. Enumerable.Range(0, Changes).Select(i => Slice("shop", $"web-{i % Slices}", $"10.{i / 65536}.{i / 256 % 256}.{i % 256}"))]);

        var seen = await TakeAsync(events, Changes);
        Assert.Equal(start + Changes, end);
        Assert.Equal(Enumerable.Range(1, Changes).Select(i => start + i), seen.Select(e => Version(e.Object)));
        Assert.All(seen.Take(Slices), e => Assert.Equal(WatchEventType.Added, e.Type));
        Assert.All(seen.Skip(Slices), e => Assert.Equal(WatchEventType.Modified, e.Type));
        Assert.Equal("10.0.39.15", seen[^1].Object.Endpoints[0].Addresses[0]);
        Assert.InRange(_server.WatchFlushes - flushesBefore, 1, Changes / 20);
    }

    [Fact]
    public async Task ApplyAndDeleteFromManyThreads_WatcherSeesEveryWriteInResourceVersionOrder()
    {
        const int Writers = 4;
        const int WritesEach = 500;
        var start = _server.ResourceVersion;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var events = _client.CoreV1
            .WatchListPodForAllNamespacesAsync(resourceVersion: Format(start), cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await _server.WaitForWatchAsync("pods", 1, Timeout);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < WritesEach; i++)
            {
                var name = $"w{w}-{i / 10}";
                if (i % 10 == 9)
                {
                    _server.Delete<V1Pod>("shop", name);
                }
                else
                {
                    _server.Apply(Pod("shop", name, i % 2 == 0 ? "Pending" : "Running"));
                }
            }
        })));

        var seen = await TakeAsync(events, Writers * WritesEach);
        Assert.Equal(start + (Writers * WritesEach), _server.ResourceVersion);
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => start + i), seen.Select(e => Version(e.Object)));
        Assert.Equal(Writers * WritesEach / 10, seen.Count(e => e.Type == WatchEventType.Deleted));
        Assert.Null(_server.Delete<V1Pod>("shop", "w0-7"));
        Assert.Null(_server.Get<V1Pod>("shop", "w0-7"));
        Assert.Equal(start + (Writers * WritesEach), _server.ResourceVersion);
    }

    [Fact]
    public async Task DeleteMany_OneBurst_WatcherSeesDeletedWithLastState()
    {
        _server.ApplyMany([Service("shop", "a"), Service("shop", "b", "10.96.0.20"), Service("shop", "c")]);
        var start = _server.ResourceVersion;
        using var cancel = new CancellationTokenSource(Timeout);
        await using var events = WatchServices(Format(start), [], cancel.Token);
        await _server.WaitForWatchAsync("services", 1, Timeout);

        var end = _server.DeleteMany([Service("shop", "a"), Service("shop", "b"), Service("shop", "missing")]);

        Assert.Equal(start + 2, end);
        var seen = await TakeAsync(events, 2);
        Assert.Equal(
            [(WatchEventType.Deleted, "a", start + 1, "10.96.0.10"), (WatchEventType.Deleted, "b", start + 2, "10.96.0.20")],
            seen.Select(e => (e.Type, e.Object.Metadata.Name, Version(e.Object), e.Object.Spec.ClusterIP)));
        Assert.Equal(["c"], (await _client.CoreV1.ListNamespacedServiceAsync("shop")).Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task WaitForWatchAsync_NoWatch_ThrowsTimeoutException()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => _server.WaitForWatchAsync("pods", 1, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task WriteKubeconfig_ClientFromIt_ReachesTheServerWithTheToken()
    {
        var path = _server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"fake-kubeconfig-{Guid.NewGuid():N}.yaml"));
        try
        {
            var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            using var client = new k8s.Kubernetes(configuration);
            _server.Apply(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } });

            var namespaces = await client.CoreV1.ListNamespaceAsync();

            Assert.Equal(("default", _server.BaseAddress.ToString().TrimEnd('/')), (configuration.Namespace, configuration.Host.TrimEnd('/')));
            Assert.Equal("shop", Assert.Single(namespaces.Items).Metadata.Name);
            Assert.Equal($"Bearer {FakeKubernetesApiServer.Token}", Assert.Single(_server.Requests).Authorization);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task WaitForRequestAsync_SeesARelist()
    {
        var relist = _server.WaitForRequestAsync(r => !r.IsWatch && r.Resource == "pods", Timeout);

        await _client.CoreV1.ListPodForAllNamespacesAsync();

        Assert.Equal("/api/v1/pods", (await relist).Path);
    }

    [Fact]
    public async Task DisposeAsync_WithOpenWatch_EndsTheWatchPromptly()
    {
        var server = await FakeKubernetesApiServer.StartAsync();
        using var client = server.CreateClient();
        using var cancel = new CancellationTokenSource(Timeout);
        server.Apply(Service("shop", "web"));
        await using var events = client.CoreV1
            .WatchListServiceForAllNamespacesAsync(cancellationToken: cancel.Token)
            .GetAsyncEnumerator(cancel.Token);
        await TakeAsync(events, 1);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        await server.DisposeAsync();

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
        await Assert.ThrowsAnyAsync<IOException>(async () => await events.MoveNextAsync());
    }

    private IAsyncEnumerator<(WatchEventType Type, V1Service Object)> WatchServices(
        string? resourceVersion,
        List<Exception> errors,
        CancellationToken cancellationToken,
        string? labelSelector = null,
        int? timeoutSeconds = null) =>
        _client.CoreV1
            .WatchListServiceForAllNamespacesAsync(
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: errors.Add,
                cancellationToken: cancellationToken)
            .GetAsyncEnumerator(cancellationToken);

    private static async Task<List<(WatchEventType Type, T Object)>> TakeAsync<T>(IAsyncEnumerator<(WatchEventType, T)> events, int count)
    {
        var seen = new List<(WatchEventType, T)>(count);
        while (seen.Count < count)
        {
            Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Timeout), $"the watch ended after {seen.Count} of {count} events");
            seen.Add(events.Current);
        }

        return seen;
    }

    private async Task WaitForNoWatchesAsync()
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (_server.OpenWatches > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the server still has open watches");
            await Task.Delay(10);
        }
    }

    private static long Version(IKubernetesObject<V1ObjectMeta> obj) => Version(obj.Metadata.ResourceVersion);

    private static long Version(string resourceVersion) => long.Parse(resourceVersion, System.Globalization.CultureInfo.InvariantCulture);

    private static string Format(long resourceVersion) => resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static V1Service Service(string @namespace, string name, string clusterIP = "10.96.0.10", Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = labels },
        Spec = new V1ServiceSpec { ClusterIP = clusterIP, Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
    };

    private static V1EndpointSlice Slice(string @namespace, string name, string address) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = name.Split('-')[0] },
        },
        AddressType = "IPv4",
        Endpoints = [new V1Endpoint { Addresses = [address], Conditions = new V1EndpointConditions { Ready = true } }],
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 80, Protocol = "TCP" }],
    };

    private static V1Pod Pod(string @namespace, string name, string phase, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = labels },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx" }] },
        Status = new V1PodStatus { Phase = phase, PodIP = "10.244.0.1" },
    };
}
