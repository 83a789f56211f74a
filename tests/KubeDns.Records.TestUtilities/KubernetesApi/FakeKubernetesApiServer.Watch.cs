using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace KubeDns.Records.TestUtilities;

// Watch streams: history then live events, bookmarks, and the open connections.
public sealed partial class FakeKubernetesApiServer
{
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
