using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace KubeDns.Records.Tool.Tests;

/// <summary>
/// <see cref="HealthServer"/> in-process over real loopback sockets: the probe endpoints, the Prometheus exposition of
/// instruments made here under a meter prefix of each test's own (tests run in parallel), and the connection handling.
/// </summary>
public sealed partial class HealthServerTests : IDisposable
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Health_AlwaysOk()
    {
        await using var server = await StartAsync(() => false);

        using var response = await _http.GetAsync(Url(server, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Ready_Is503UntilSynced_Then200()
    {
        var synced = false;
        await using var server = await StartAsync(() => Volatile.Read(ref synced));

        using (var before = await _http.GetAsync(Url(server, "/ready")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
            Assert.Equal("not synced", await before.Content.ReadAsStringAsync());
        }

        Volatile.Write(ref synced, true);

        using var after = await _http.GetAsync(Url(server, "/ready"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("ok", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_CheckThrows_Is500()
    {
        await using var server = await StartAsync(() => throw new InvalidOperationException("no snapshot"));

        using var response = await _http.GetAsync(Url(server, "/ready"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/healthz")]
    [InlineData("/metrics/x")]
    [InlineData("/READY")]
    public async Task OtherPaths_Are404(string path)
    {
        await using var server = await StartAsync(() => true);

        using var response = await _http.GetAsync(Url(server, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task QueryString_IsIgnored()
    {
        await using var server = await StartAsync(() => true);

        using var response = await _http.GetAsync(Url(server, "/ready?verbose=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_Is405WithAllow()
    {
        await using var server = await StartAsync(() => true);

        // A body the server never reads: it must drain it before closing, or the reset could destroy the response.
        using var content = new StringContent(new string('x', 32 * 1024));
        using var response = await _http.PostAsync(Url(server, "/health"), content);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Head_HasNoBody()
    {
        await using var server = await StartAsync(() => true);

        var raw = await RawAsync(server.LocalEndPoint, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", raw, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 2\r\n", raw, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BareLineFeeds_AreAccepted()
    {
        await using var server = await StartAsync(() => true);

        var raw = await RawAsync(server.LocalEndPoint, "GET /health HTTP/1.0\n\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", raw, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok", raw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /health\r\n\r\n")]
    [InlineData("GET /health SPDY/3\r\n\r\n")]
    public async Task MalformedRequestLine_Is400(string request)
    {
        await using var server = await StartAsync(() => true);

        var raw = await RawAsync(server.LocalEndPoint, request);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedHead_Is431()
    {
        await using var server = await StartAsync(() => true);

        var raw = await RawAsync(server.LocalEndPoint, "GET /health HTTP/1.1\r\nX-Filler: " + new string('a', HealthServer.MaxRequestHeadBytes) + "\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port0_BindsAFreePort()
    {
        await using var server = await StartAsync(() => true);

        Assert.Equal(IPAddress.Loopback, server.LocalEndPoint.Address);
        Assert.NotEqual(0, server.LocalEndPoint.Port);
    }

    [Fact]
    public async Task Dispose_ReleasesThePort()
    {
        var server = await StartAsync(() => true);
        var endpoint = server.LocalEndPoint;
        using (var response = await _http.GetAsync(Url(server, "/health")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await server.DisposeAsync();

        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(endpoint.Address, endpoint.Port));
        var again = new TcpListener(endpoint);
        again.Start();
        again.Stop();
        await using var next = new HealthServer(endpoint, () => true, []);
        await next.StartAsync();
        Assert.Equal(endpoint, next.LocalEndPoint);
    }

    [Fact]
    public async Task PortInUse_StartThrowsSocketException()
    {
        await using var first = await StartAsync(() => true);
        await using var second = new HealthServer(first.LocalEndPoint, () => true, []);

        var error = await Assert.ThrowsAsync<SocketException>(second.StartAsync);

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public async Task AnyAddress_ServesLoopback()
    {
        await using var server = new HealthServer(new IPEndPoint(IPAddress.Any, 0), () => true, []);
        await server.StartAsync();

        using var response = await _http.GetAsync($"http://127.0.0.1:{server.LocalEndPoint.Port}/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task IPv6Any_ServesIPv4AndIPv6Loopback()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return; // IPv6 is disabled on this host: nothing to check.
        }

        await using var server = new HealthServer(new IPEndPoint(IPAddress.IPv6Any, 0), () => true, []);
        await server.StartAsync();

        foreach (var host in new[] { "127.0.0.1", "[::1]" })
        {
            using var response = await _http.GetAsync($"http://{host}:{server.LocalEndPoint.Port}/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task SilentClient_DoesNotBlockOthers()
    {
        await using var server = await StartAsync(() => true);
        using var silent = new TcpClient();
        await silent.ConnectAsync(server.LocalEndPoint);
        await silent.GetStream().WriteAsync("GET /hea"u8.ToArray());

        var started = DateTime.UtcNow;
        using var response = await _http.GetAsync(Url(server, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(DateTime.UtcNow - started < HealthServer.ConnectionTimeout, "a silent client delayed another");
    }

    [Fact]
    public async Task SilentClient_IsDroppedAtTheDeadline()
    {
        await using var server = await StartAsync(() => true);
        using var silent = new TcpClient();
        await silent.ConnectAsync(server.LocalEndPoint);

        using var timeout = new CancellationTokenSource(HealthServer.ConnectionTimeout * 3);
        var read = await silent.GetStream().ReadAsync(new byte[16], timeout.Token);

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task Metrics_CounterObservableCounterAndHistogram_InExpositionFormat()
    {
        var prefix = UniquePrefix();
        using var meter = new Meter(prefix + ".Dns");
        var responses = meter.CreateCounter<long>("kubedns.dns.responses", description: "DNS responses by response code.");
        var observed = 0L;
        meter.CreateObservableCounter(
            "kubedns.test.snapshots",
            () => new[]
            {
                new Measurement<long>(Interlocked.Read(ref observed), new KeyValuePair<string, object?>("zone", "cluster.local"), new("state", "synced")),
                new Measurement<long>(7, new KeyValuePair<string, object?>("zone", "a\"b\\c\nd"), new("state", "synced")),
            },
            unit: "{snapshot}");
        var latency = meter.CreateHistogram<double>("kubedns.programming.duration", unit: "s", description: "Change to answer.");
        using var other = new Meter(UniquePrefix());
        other.CreateCounter<long>("kubedns.foreign").Add(1);

        await using var server = await StartAsync(() => true, prefix);
        responses.Add(2, new KeyValuePair<string, object?>("rcode", "NOERROR"), new("transport", "udp"));
        responses.Add(1, new KeyValuePair<string, object?>("transport", "udp"), new("rcode", "NOERROR"));
        responses.Add(1, new KeyValuePair<string, object?>("rcode", "NXDOMAIN"), new("transport", "tcp"));
        Interlocked.Exchange(ref observed, 41);
        latency.Record(0.003);
        latency.Record(0.5);
        latency.Record(20);

        using var response = await _http.GetAsync(Url(server, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var lines = Lines(await response.Content.ReadAsStringAsync());

        AssertExposition(lines);
        Assert.DoesNotContain(lines, l => l.Contains("foreign", StringComparison.Ordinal));

        Assert.Contains("# HELP kubedns_dns_responses_total DNS responses by response code.", lines);
        Assert.Contains("# TYPE kubedns_dns_responses_total counter", lines);
        Assert.Contains("kubedns_dns_responses_total{rcode=\"NOERROR\",transport=\"udp\"} 3", lines);
        Assert.Contains("kubedns_dns_responses_total{rcode=\"NXDOMAIN\",transport=\"tcp\"} 1", lines);

        Assert.Contains("# TYPE kubedns_test_snapshots_total counter", lines);
        Assert.Contains("kubedns_test_snapshots_total{state=\"synced\",zone=\"cluster.local\"} 41", lines);
        Assert.Contains("kubedns_test_snapshots_total{state=\"synced\",zone=\"a\\\"b\\\\c\\nd\"} 7", lines);

        Assert.Contains("# TYPE kubedns_programming_duration_seconds histogram", lines);
        Assert.Contains("kubedns_programming_duration_seconds_bucket{le=\"0.002\"} 0", lines);
        Assert.Contains("kubedns_programming_duration_seconds_bucket{le=\"0.004\"} 1", lines);
        Assert.Contains("kubedns_programming_duration_seconds_bucket{le=\"0.512\"} 2", lines);
        Assert.Contains("kubedns_programming_duration_seconds_bucket{le=\"16\"} 2", lines);
        Assert.Contains("kubedns_programming_duration_seconds_bucket{le=\"+Inf\"} 3", lines);
        Assert.Contains("kubedns_programming_duration_seconds_sum 20.503", lines);
        Assert.Contains("kubedns_programming_duration_seconds_count 3", lines);
        var buckets = lines.Where(l => l.StartsWith("kubedns_programming_duration_seconds_bucket", StringComparison.Ordinal)).ToList();
        Assert.Equal(PrometheusMetrics.DefaultBuckets.Length + 1, buckets.Count);
        Assert.Equal(buckets.Select(Value).Order(), buckets.Select(Value));

        Interlocked.Exchange(ref observed, 42);
        using var second = await _http.GetAsync(Url(server, "/metrics"));
        Assert.Contains("kubedns_test_snapshots_total{state=\"synced\",zone=\"cluster.local\"} 42", Lines(await second.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Metrics_GaugesAndUpDownCounters_AreGauges()
    {
        var prefix = UniquePrefix();
        using var meter = new Meter(prefix);
        var pending = meter.CreateUpDownCounter<int>("kubedns.watch.pending");
        var records = meter.CreateGauge<long>("kubedns.records", unit: "{record}");
        meter.CreateObservableGauge("kubedns.snapshot.age", () => 1.5, unit: "s");

        await using var server = await StartAsync(() => true, prefix);
        pending.Add(5);
        pending.Add(-2);
        records.Record(100);
        records.Record(90);

        using var response = await _http.GetAsync(Url(server, "/metrics"));
        var lines = Lines(await response.Content.ReadAsStringAsync());

        AssertExposition(lines);
        Assert.Contains("# TYPE kubedns_watch_pending gauge", lines);
        Assert.Contains("kubedns_watch_pending 3", lines);
        Assert.Contains("# TYPE kubedns_records gauge", lines);
        Assert.Contains("kubedns_records 90", lines);
        Assert.Contains("# TYPE kubedns_snapshot_age_seconds gauge", lines);
        Assert.Contains("kubedns_snapshot_age_seconds 1.5", lines);
    }

    [Fact]
    public async Task Metrics_ConcurrentRecording_LosesNothing()
    {
        var prefix = UniquePrefix();
        using var meter = new Meter(prefix);
        var counter = meter.CreateCounter<long>("kubedns.dns.responses");
        var histogram = meter.CreateHistogram<double>("kubedns.programming.duration", unit: "s");
        await using var server = await StartAsync(() => true, prefix);

        const int PerThread = 10_000;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("rcode", i % 2 == 0 ? "NOERROR" : "NXDOMAIN"));
                histogram.Record(0.01);
            }
        })));

        using var response = await _http.GetAsync(Url(server, "/metrics"));
        var lines = Lines(await response.Content.ReadAsStringAsync());
        Assert.Contains($"kubedns_dns_responses_total{{rcode=\"NOERROR\"}} {2 * PerThread}", lines);
        Assert.Contains($"kubedns_dns_responses_total{{rcode=\"NXDOMAIN\"}} {2 * PerThread}", lines);
        Assert.Contains($"kubedns_programming_duration_seconds_count {4 * PerThread}", lines);
    }

    [Theory]
    [InlineData("kubedns.dns.responses", null, "Counter", "kubedns_dns_responses_total")]
    [InlineData("kubedns.dns.responses", "{response}", "Counter", "kubedns_dns_responses_total")]
    [InlineData("kubedns.requests_total", null, "Counter", "kubedns_requests_total")]
    [InlineData("kubedns.programming.duration", "s", "Histogram", "kubedns_programming_duration_seconds")]
    [InlineData("kubedns.latency_seconds", "s", "Histogram", "kubedns_latency_seconds")]
    [InlineData("kubedns.cpu.time", "s", "Counter", "kubedns_cpu_time_seconds_total")]
    [InlineData("kubedns.cache-size", "By", "Gauge", "kubedns_cache_size_bytes")]
    [InlineData("kubedns.ratio", "1", "Gauge", "kubedns_ratio")]
    [InlineData("9lives", null, "Gauge", "_9lives")]
    public void MetricName_FollowsPrometheusConventions(string instrument, string? unit, string type, string expected) =>
        Assert.Equal(expected, PrometheusMetrics.MetricName(instrument, unit, Enum.Parse<PrometheusMetrics.MetricType>(type)));

    private static async Task<HealthServer> StartAsync(Func<bool> isReady, string? prefix = null)
    {
        var server = new HealthServer(AnyLoopbackPort, isReady, [prefix ?? UniquePrefix()]);
        await server.StartAsync();
        return server;
    }

    private static string UniquePrefix() => "KubeDns.Records.Tests." + Guid.NewGuid().ToString("N");

    private static Uri Url(HealthServer server, string path) => new($"http://{server.LocalEndPoint}{path}");

    private static async Task<string> RawAsync(IPEndPoint endpoint, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadToEndAsync(timeout.Token);
    }

    private static List<string> Lines(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return [.. text.TrimEnd('\n').Split('\n')];
    }

    private static double Value(string sample) => double.Parse(sample[(sample.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Every line is a HELP or TYPE comment or a sample in the text format 0.0.4: a metric name, optional labels with
    /// escaped values, and a float; every sample belongs to the family its latest TYPE line declared.
    /// </summary>
    private static void AssertExposition(List<string> lines)
    {
        string? family = null;
        string? type = null;
        foreach (var line in lines)
        {
            if (TypeLine().Match(line) is { Success: true } declared)
            {
                family = declared.Groups["name"].Value;
                type = declared.Groups["type"].Value;
                continue;
            }

            if (HelpLine().IsMatch(line))
            {
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a valid exposition line: '{line}'");
            var name = sample.Groups["name"].Value;
            Assert.NotNull(family);
            Assert.True(
                type == "histogram" ? name is var n && (n == family + "_bucket" || n == family + "_sum" || n == family + "_count") : name == family,
                $"'{name}' is not in the family {family} ({type})");
            if (type == "histogram" && name.EndsWith("_bucket", StringComparison.Ordinal))
            {
                Assert.Matches("le=\"([0-9.e+-]+|\\+Inf)\"", line);
            }
        }
    }

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*=""(\\[\\""n]|[^""\\\n])*""(,[a-zA-Z_][a-zA-Z0-9_]*=""(\\[\\""n]|[^""\\\n])*"")*\})? (NaN|[+-]Inf|[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)$")]
    private static partial Regex SampleLine();
}
