using System.Text;
using k8s;
using k8s.Models;

namespace KubeDns.Records.TestUtilities;

// The store: one global resource version, every object version and the change history.
public sealed partial class FakeKubernetesApiServer
{
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
}
