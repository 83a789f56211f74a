using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>One list page or watch request, in the API's own query parameters.</summary>
internal readonly record struct FeedRequest(
    string? Namespace,
    string? LabelSelector,
    string? FieldSelector,
    int? Limit,
    string? Continue,
    string? ResourceVersion,
    int? TimeoutSeconds);

/// <summary>An object as the cluster state should see it: its key, and its descriptor or null when it must be absent.</summary>
internal readonly record struct FeedItem(ObjectKey Key, IClusterObject? Descriptor, string? ResourceVersion, DateTimeOffset? TriggerTime, bool Skip);

/// <summary>
/// One kind the feed lists and watches: how to ask the API server for it (the client's generated list call, which
/// also watches with <c>watch=true</c>) and how its objects become descriptors.
/// </summary>
internal abstract class FeedResource
{
    /// <summary>
    /// The annotation the EndpointSlice controller sets to the time of the change that caused the slice's last update;
    /// it is where DNS programming latency is measured from (the SIG Scalability SLI, and CoreDNS's
    /// <c>dns_programming_duration_seconds</c>).
    /// </summary>
    public const string LastChangeTriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    protected FeedResource(string name, bool namespaced)
    {
        Name = name;
        Namespaced = namespaced;
    }

    /// <summary>The API's plural name (<c>services</c>), used in logs and metrics.</summary>
    public string Name { get; }

    /// <summary>Whether the kind lives in namespaces (and can be watched per namespace).</summary>
    public bool Namespaced { get; }

    public abstract Task<(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Items, string? ResourceVersion, string? Continue)> ListAsync(
        IKubernetes client, FeedRequest request, CancellationToken cancellationToken);

    public abstract IAsyncEnumerable<(WatchEventType Type, IKubernetesObject<V1ObjectMeta> Object)> WatchAsync(
        IKubernetes client, FeedRequest request, Action<Exception> onError, CancellationToken cancellationToken);

    /// <summary>Maps an object; throws <see cref="KubernetesFeedException"/> when it cannot be mapped.</summary>
    public abstract FeedItem Map(IKubernetesObject<V1ObjectMeta> value, bool isEvent);

    public ObjectKey KeyOf(IKubernetesObject<V1ObjectMeta> value)
    {
        var name = value.Metadata?.Name ?? string.Empty;
        var ns = string.IsNullOrEmpty(value.Metadata?.NamespaceProperty) ? "default" : value.Metadata.NamespaceProperty;
        return Name switch
        {
            "namespaces" => ObjectKey.ForNamespace(name),
            "services" => ObjectKey.ForService(ns, name),
            "endpointslices" => ObjectKey.ForEndpointSlice(ns, name),
            _ => ObjectKey.ForPod(ns, name),
        };
    }

    public static FeedResource Namespaces(IReadOnlyCollection<string> allowed) => new NamespaceResource(allowed);

    public static FeedResource Services { get; } = new ServiceResource();

    public static FeedResource EndpointSlices { get; } = new EndpointSliceResource();

    public static FeedResource Pods { get; } = new PodResource();

    internal static DateTimeOffset? TriggerTime(V1ObjectMeta? metadata) =>
        metadata?.Annotations is { } annotations
        && annotations.TryGetValue(LastChangeTriggerTimeAnnotation, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    /// <summary>The shared list/watch plumbing of one kind, over its generated list call.</summary>
    private abstract class Typed<T, TList>(string name, bool namespaced) : FeedResource(name, namespaced)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        public override async Task<(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Items, string? ResourceVersion, string? Continue)> ListAsync(
            IKubernetes client, FeedRequest request, CancellationToken cancellationToken)
        {
            using var response = await Call(client, request, cancellationToken).ConfigureAwait(false);
            var body = response.Body;
            var items = new List<IKubernetesObject<V1ObjectMeta>>(body.Items?.Count ?? 0);
            foreach (var item in body.Items ?? [])
            {
                items.Add(item);
            }

            return (items, body.Metadata?.ResourceVersion, body.Metadata?.ContinueProperty);
        }

        public override async IAsyncEnumerable<(WatchEventType Type, IKubernetesObject<V1ObjectMeta> Object)> WatchAsync(
            IKubernetes client, FeedRequest request, Action<Exception> onError, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var (type, value) in Watch(client, request, onError, cancellationToken).ConfigureAwait(false))
            {
                yield return (type, value);
            }
        }

        protected abstract Task<HttpOperationResponse<TList>> Call(IKubernetes client, FeedRequest request, CancellationToken cancellationToken);

        protected abstract IAsyncEnumerable<(WatchEventType, T)> Watch(IKubernetes client, FeedRequest request, Action<Exception> onError, CancellationToken cancellationToken);
    }

    private sealed class NamespaceResource(IReadOnlyCollection<string> allowed) : Typed<V1Namespace, V1NamespaceList>("namespaces", namespaced: false)
    {
        public override FeedItem Map(IKubernetesObject<V1ObjectMeta> value, bool isEvent)
        {
            var key = KeyOf(value);
            var shown = allowed.Count == 0 || allowed.Contains(key.Name);
            return new FeedItem(key, shown ? KubernetesDescriptors.ToNamespace((V1Namespace)value) : null, value.Metadata?.ResourceVersion, null, Skip: false);
        }

        protected override Task<HttpOperationResponse<V1NamespaceList>> Call(IKubernetes client, FeedRequest r, CancellationToken cancellationToken) =>
            client.CoreV1.ListNamespaceWithHttpMessagesAsync(
                continueParameter: r.Continue, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector,
                limit: r.Limit, resourceVersion: r.ResourceVersion, cancellationToken: cancellationToken);

        protected override IAsyncEnumerable<(WatchEventType, V1Namespace)> Watch(IKubernetes client, FeedRequest r, Action<Exception> onError, CancellationToken cancellationToken)
        {
            return client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector, resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        }
    }

    private sealed class ServiceResource() : Typed<V1Service, V1ServiceList>("services", namespaced: true)
    {
        public override FeedItem Map(IKubernetesObject<V1ObjectMeta> value, bool isEvent) =>
            new(KeyOf(value), KubernetesDescriptors.ToService((V1Service)value), value.Metadata?.ResourceVersion, null, Skip: false);

        protected override Task<HttpOperationResponse<V1ServiceList>> Call(IKubernetes client, FeedRequest r, CancellationToken cancellationToken) =>
            r.Namespace is { } ns
                ? client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync(
                    ns, continueParameter: r.Continue, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector,
                    limit: r.Limit, resourceVersion: r.ResourceVersion, cancellationToken: cancellationToken)
                : client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(
                    continueParameter: r.Continue, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector,
                    limit: r.Limit, resourceVersion: r.ResourceVersion, cancellationToken: cancellationToken);

        protected override IAsyncEnumerable<(WatchEventType, V1Service)> Watch(IKubernetes client, FeedRequest r, Action<Exception> onError, CancellationToken cancellationToken)
        {
            return r.Namespace is { } ns
                ? client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector, resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: cancellationToken)
                : client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector, resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        }
    }

    private sealed class EndpointSliceResource() : Typed<V1EndpointSlice, V1EndpointSliceList>("endpointslices", namespaced: true)
    {
        public override FeedItem Map(IKubernetesObject<V1ObjectMeta> value, bool isEvent) =>
            new(KeyOf(value), KubernetesDescriptors.ToEndpointSlice((V1EndpointSlice)value), value.Metadata?.ResourceVersion, TriggerTime(value.Metadata), Skip: false);

        protected override Task<HttpOperationResponse<V1EndpointSliceList>> Call(IKubernetes client, FeedRequest r, CancellationToken cancellationToken) =>
            r.Namespace is { } ns
                ? client.DiscoveryV1.ListNamespacedEndpointSliceWithHttpMessagesAsync(
                    ns, continueParameter: r.Continue, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector,
                    limit: r.Limit, resourceVersion: r.ResourceVersion, cancellationToken: cancellationToken)
                : client.DiscoveryV1.ListEndpointSliceForAllNamespacesWithHttpMessagesAsync(
                    continueParameter: r.Continue, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector,
                    limit: r.Limit, resourceVersion: r.ResourceVersion, cancellationToken: cancellationToken);

        protected override IAsyncEnumerable<(WatchEventType, V1EndpointSlice)> Watch(IKubernetes client, FeedRequest r, Action<Exception> onError, CancellationToken cancellationToken)
        {
            return r.Namespace is { } ns
                ? client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector, resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: cancellationToken)
                : client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: r.FieldSelector, labelSelector: r.LabelSelector, resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        }
    }

    private sealed class PodResource() : Typed<V1Pod, V1PodList>("pods", namespaced: true)
    {
        /// <summary>
        /// Finished pods are left out by the API server (CoreDNS's field selector); a watch reports a pod that finishes
        /// as deleted, because it stops matching.
        /// </summary>
        public const string ActivePods = "status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown";

        public override FeedItem Map(IKubernetesObject<V1ObjectMeta> value, bool isEvent)
        {
            var pod = (V1Pod)value;

            // A pod that has started terminating keeps its last record until it is deleted, as CoreDNS's informer
            // skips such updates; in a list it is simply not there yet.
            if (pod.Metadata?.DeletionTimestamp is not null)
            {
                return new FeedItem(KeyOf(value), null, value.Metadata?.ResourceVersion, null, Skip: isEvent);
            }

            return new FeedItem(KeyOf(value), KubernetesDescriptors.ToPod(pod), value.Metadata?.ResourceVersion, null, Skip: false);
        }

        protected override Task<HttpOperationResponse<V1PodList>> Call(IKubernetes client, FeedRequest r, CancellationToken cancellationToken)
        {
            var fields = r.FieldSelector is null ? ActivePods : r.FieldSelector + "," + ActivePods;
            return r.Namespace is { } ns
                ? client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(
                    ns, continueParameter: r.Continue, fieldSelector: fields, labelSelector: r.LabelSelector,
                    limit: r.Limit, resourceVersion: r.ResourceVersion, cancellationToken: cancellationToken)
                : client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
                    continueParameter: r.Continue, fieldSelector: fields, labelSelector: r.LabelSelector,
                    limit: r.Limit, resourceVersion: r.ResourceVersion, cancellationToken: cancellationToken);
        }

        protected override IAsyncEnumerable<(WatchEventType, V1Pod)> Watch(IKubernetes client, FeedRequest r, Action<Exception> onError, CancellationToken cancellationToken)
        {
            var fields = r.FieldSelector is null ? ActivePods : r.FieldSelector + "," + ActivePods;
            return r.Namespace is { } ns
                ? client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, fieldSelector: fields, labelSelector: r.LabelSelector, resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: cancellationToken)
                : client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: fields, labelSelector: r.LabelSelector, resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        }
    }
}
