using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KubeDns.Records.Tool;

/// <summary>
/// The HTTP endpoint for Kubernetes probes and Prometheus: <c>GET /health</c> (liveness: 200 while the process runs),
/// <c>GET /ready</c> (readiness: 200 once the cluster snapshot is synced, else 503, so a Service sends no queries to a
/// replica before its first full list, as CoreDNS's ready plugin does on :8181/ready), and <c>GET /metrics</c> (the
/// text exposition format 0.0.4 of the process's KubeDns.Records meters). Any other path is 404.
/// </summary>
/// <remarks>
/// A minimal HTTP/1.1 responder (RFC 9112) over a <see cref="TcpListener"/>, not Kestrel or <see cref="HttpListener"/>:
/// its clients are the kubelet's probes and a Prometheus scraper, each one GET per connection, so reading a request
/// head, answering with <c>Connection: close</c> and closing is all HTTP it needs. Kestrel would bring the generic
/// host's configuration and console logging into a tool whose standard output is a contract, and would tie the tool
/// to the ASP.NET Core shared framework, which the tool does not otherwise need; HttpListener cannot bind port 0
/// and matches URL prefixes rather than endpoints. Every connection is served on its own task with a deadline over the
/// whole exchange, so a client that connects and sends nothing only holds its own connection, and the number of
/// connections served at once is capped so a flood cannot grow memory without bound.
/// </remarks>
internal sealed class HealthServer : IAsyncDisposable
{
    /// <summary>A request head larger than this is answered 431 (RFC 6585 §5); probes send a few hundred bytes.</summary>
    internal const int MaxRequestHeadBytes = 8192;

    /// <summary>Connections served at once; one past this is closed at once rather than queued.</summary>
    internal const int MaxConnections = 64;

    /// <summary>How much a connection is drained after its response before it is closed regardless.</summary>
    private const int MaxLingerBytes = 64 * 1024;

    /// <summary>
    /// The deadline for a whole exchange. The kubelet gives a probe <c>timeoutSeconds</c> (1 s by default) and
    /// Prometheus its <c>scrape_timeout</c> (10 s by default), so a healthy client is done long before.
    /// </summary>
    internal static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a connection is drained after its response before it is closed regardless.</summary>
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly IPEndPoint _endpoint;
    private readonly Func<bool> _isReady;
    private readonly PrometheusMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private bool _disposed;

    /// <param name="endpoint">Where to listen: <c>127.0.0.1</c>, <c>0.0.0.0</c> or <c>[::]</c> (which also accepts IPv4) and a port; port 0 picks a free one.</param>
    /// <param name="isReady">Whether the served cluster is synced; called on every <c>/ready</c> request.</param>
    /// <param name="meterPrefixes">Meter name prefixes whose instruments <c>/metrics</c> exports.</param>
    public HealthServer(IPEndPoint endpoint, Func<bool> isReady, IEnumerable<string> meterPrefixes)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(isReady);
        _endpoint = endpoint;
        _isReady = isReady;
        _metrics = new PrometheusMetrics(meterPrefixes);
    }

    /// <summary>The endpoint listened on: after <see cref="StartAsync"/>, with the port actually bound.</summary>
    public IPEndPoint LocalEndPoint => _listener is { } listener ? (IPEndPoint)listener.LocalEndpoint : _endpoint;

    /// <summary>Binds the endpoint and starts accepting connections.</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound (in use, or not an address of this host).</exception>
    public Task StartAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The health server is already started.");
        }

        var listener = new TcpListener(_endpoint);
        if (_endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            // [::] serves IPv4 too, as Go's and Kestrel's "any" listeners do: the kubelet probes the pod's IPv4
            // address on a single-stack IPv4 cluster.
            listener.Server.DualMode = true;
        }

        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops listening (the port is free when this completes) and waits for the connections being served.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        await _accepting.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _listener?.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (!stopping.IsCancellationRequested)
            {
                // Out of file descriptors or a connection reset before it was accepted: back off briefly and go on.
                try
                {
                    await Task.Delay(AcceptRetryDelay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }
            catch (SocketException)
            {
                return;
            }

            if (_connections.Count >= MaxConnections)
            {
                socket.Dispose();
                continue;
            }

            var connection = Task.Run(() => ServeAsync(socket, stopping), CancellationToken.None);
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        using var _ = socket;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(ConnectionTimeout);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestHeadBytes);
        try
        {
            var head = await ReadHeadAsync(socket, buffer, deadline.Token).ConfigureAwait(false);
            if (head is not { } length)
            {
                return;
            }

            var response = length < 0
                ? Response(431, "Request Header Fields Too Large", "request head too large", isHead: false)
                : Answer(Encoding.Latin1.GetString(buffer, 0, length));
            await socket.SendAsync(response, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            await LingerAsync(socket, buffer, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The deadline passed or the server is stopping: drop the connection.
        }
        catch (SocketException)
        {
            // The client went away.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Closes in stages (RFC 9112 §9.6, "the TCP reset problem"): half-close, then read and discard what the client
    /// still sends (a body, or the rest of an oversized head) until it closes too, briefly. Closing a socket with
    /// unread data sends a reset, which can destroy the response before the client has read it.
    /// </summary>
    private static async Task LingerAsync(Socket socket, byte[] buffer, CancellationToken stopping)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        linger.CancelAfter(LingerTimeout);
        var discarded = 0;
        while (discarded < MaxLingerBytes)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, MaxRequestHeadBytes), SocketFlags.None, linger.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            discarded += read;
        }
    }

    /// <summary>
    /// Reads up to the blank line that ends the request head (RFC 9112 §2.1), accepting a bare LF as a line end
    /// (§2.2). Returns the head's length, -1 when it does not fit the cap, or null when the client closed first.
    /// </summary>
    private static async Task<int?> ReadHeadAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var received = 0;
        while (received < MaxRequestHeadBytes)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received, MaxRequestHeadBytes - received), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            for (var i = Math.Max(received, 1); i < received + read; i++)
            {
                // An LF ends the head when the previous line was empty: LF LF, or LF CR LF.
                if (buffer[i] == '\n' && (buffer[i - 1] == '\n' || (i >= 2 && buffer[i - 1] == '\r' && buffer[i - 2] == '\n')))
                {
                    return i + 1;
                }
            }

            received += read;
        }

        return -1;
    }

    private byte[] Answer(string head)
    {
        var requestLine = head[..head.IndexOf('\n', StringComparison.Ordinal)].TrimEnd('\r');
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return Response(400, "Bad Request", "bad request", isHead: false);
        }

        var (method, target) = (parts[0], parts[1]);
        var isHead = method == "HEAD";
        var path = Path(target);
        if (path is not ("/health" or "/ready" or "/metrics"))
        {
            return Response(404, "Not Found", "not found", isHead);
        }

        if (method is not ("GET" or "HEAD"))
        {
            // RFC 9110 §15.5.6: a 405 names the methods the resource supports.
            return Response(405, "Method Not Allowed", "method not allowed", isHead: false, extraHeader: "Allow: GET, HEAD\r\n");
        }

        try
        {
            return path switch
            {
                "/health" => Response(200, "OK", "ok", isHead),
                "/ready" => _isReady() ? Response(200, "OK", "ok", isHead) : Response(503, "Service Unavailable", "not synced", isHead),
                _ => Response(200, "OK", _metrics.Scrape(), isHead, PrometheusMetrics.ContentType),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failing readiness check or metric callback is the server's fault, and says so, rather than a dropped connection.
            return Response(500, "Internal Server Error", "internal error: " + e.Message, isHead);
        }
    }

    /// <summary>The path of an origin-form (<c>/ready?x</c>) or absolute-form (<c>http://host/ready</c>) target (RFC 9112 §3.2).</summary>
    private static string Path(string target)
    {
        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var uri))
        {
            return uri.AbsolutePath;
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    private static byte[] Response(int status, string reason, string body, bool isHead, string contentType = "text/plain; charset=utf-8", string extraHeader = "")
    {
        var content = Encoding.UTF8.GetBytes(body);
        // RFC 9110 §6.6.1: an origin server with a clock sends Date; Content-Length is sent for HEAD too (§8.6).
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nDate: {DateTimeOffset.UtcNow:r}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\n{extraHeader}Cache-Control: no-store\r\nConnection: close\r\n\r\n"));
        return isHead ? header : [.. header, .. content];
    }
}
