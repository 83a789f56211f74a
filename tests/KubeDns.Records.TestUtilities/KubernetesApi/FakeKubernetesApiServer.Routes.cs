using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace KubeDns.Records.TestUtilities;

// HTTP: the routes it serves (get and list), the failures a test injects, and Status errors.
public sealed partial class FakeKubernetesApiServer
{
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

    private sealed record InjectedFailure(HttpStatusCode Status, string? Resource);
}
