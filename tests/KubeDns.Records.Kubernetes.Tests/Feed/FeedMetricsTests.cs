using System.Diagnostics;
using System.Diagnostics.Metrics;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace KubeDns.Records.Kubernetes.Tests.Feed;

/// <summary>Programming latency and the feed's counters, as a metrics collector sees them; the feed in a generic host.</summary>
public sealed class FeedMetricsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ProgrammingLatency_FromTheSlicesTriggerTime_ElseFromReceipt()
    {
        using var meters = new TestMeterFactory();
        using var latencies = new Recorder(meters, "kubedns.programming.duration");
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var options = FeedFixture.FastOptions();
        options.MeterFactory = meters;
        await f.StartFeedAsync(options);
        Assert.Empty(latencies.Values);

        // The EndpointSlice controller stamps the time of the pod change that caused the update: 3 s ago.
        var trigger = DateTimeOffset.UtcNow.AddSeconds(-3);
        f.Api.Apply(FeedFixture.Slice("kiada", "quote-headless-abcde", "quote-headless", ["10.244.1.7"], trigger: trigger));
        await f.ExpectAsync("quote-headless.kiada.svc.cluster.local.", "NOERROR\nquote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.7");
        await FeedFixture.EventuallyAsync(() => latencies.Values.Count >= 1, () => "no measurement");
        var (seconds, resource) = Assert.Single(latencies.Values);
        Assert.Equal("endpointslices", resource);
        Assert.InRange(seconds, 2.9, 60);

        f.Api.Apply(FeedFixture.Service("kiada", "fresh", "10.96.1.2", ("http", 80)));
        await f.ExpectAsync("fresh.kiada.svc.cluster.local.", "NOERROR\nfresh.kiada.svc.cluster.local. 5 IN A 10.96.1.2");
        await FeedFixture.EventuallyAsync(() => latencies.Values.Count >= 2, () => "no second measurement");
        var (received, kind) = latencies.Values[1];
        Assert.Equal("services", kind);
        Assert.InRange(received, 0, 30);
    }

    [Fact]
    public async Task Counters_ReportBatchesChangesWatchesAndSync()
    {
        using var meters = new TestMeterFactory();
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var options = FeedFixture.FastOptions();
        options.MeterFactory = meters;
        var feed = await f.StartFeedAsync(options);
        f.Api.Apply(FeedFixture.Service("kiada", "fresh", "10.96.1.2", ("http", 80)));
        await f.ExpectAsync("fresh.kiada.svc.cluster.local.", "NOERROR\nfresh.kiada.svc.cluster.local. 5 IN A 10.96.1.2");

        var observed = Observe(meters);

        Assert.Equal(1, observed["kubedns.feed.synced"]);
        Assert.Equal(feed.BatchesApplied, observed["kubedns.feed.batches"]);
        Assert.Equal(feed.ChangesApplied, observed["kubedns.feed.changes"]);
        Assert.True(observed["kubedns.feed.changes"] >= 5);
        Assert.True(observed["kubedns.feed.watches"] >= 3);
        Assert.Equal(0, observed["kubedns.feed.relists"]);
    }

    [Fact]
    public async Task Burst_ProgrammingLatency_Reported()
    {
        using var meters = new TestMeterFactory();
        using var latencies = new Recorder(meters, "kubedns.programming.duration");
        await using var f = await FeedFixture.StartAsync();
        f.Api.Apply(FeedFixture.Namespace("load"));
        for (var s = 0; s < 100; s++)
        {
            f.Api.Apply(FeedFixture.Service("load", $"svc-{s}", "None", ("http", 80)));
        }

        var options = FeedFixture.FastOptions();
        options.MeterFactory = meters;
        var feed = await f.StartFeedAsync(options);
        await f.Api.WaitForWatchAsync("endpointslices", 1, TimeSpan.FromSeconds(10));

        // One change at a time, as a rolling update would make them, then a burst of 10,000; each slice carries the
        // time it was written as its trigger time, so the metric measures API server to served answer.
        var single = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var clock = Stopwatch.StartNew();
            f.Api.Apply(FeedFixture.Slice("load", "svc-0-x", "svc-0", [$"10.251.0.{i + 1}"], trigger: DateTimeOffset.UtcNow));
            await f.ExpectAsync("svc-0.load.svc.cluster.local.", $"NOERROR\nsvc-0.load.svc.cluster.local. 5 IN A 10.251.0.{i + 1}");
            single.Add(clock.Elapsed.TotalMilliseconds);
        }

        var batches = feed.BatchesApplied;
        var burst = Stopwatch.StartNew();
        var changes = new List<k8s.Models.V1EndpointSlice>();
        for (var round = 0; round < 100; round++)
        {
            for (var s = 0; s < 100; s++)
            {
                changes.Add(FeedFixture.Slice("load", $"svc-{s}-y", $"svc-{s}", [$"10.252.{s}.{round + 1}"], trigger: DateTimeOffset.UtcNow));
            }
        }

        f.Api.ApplyMany(changes);
        await f.ExpectAsync("svc-99.load.svc.cluster.local.", "NOERROR\nsvc-99.load.svc.cluster.local. 5 IN A 10.252.99.100", seconds: 60);
        await FeedFixture.EventuallyAsync(() => latencies.Values.Count >= 10_020, () => $"{latencies.Values.Count} measurements");
        var converged = burst.Elapsed;
        var singles = latencies.Values.Take(20).Select(v => v.Seconds * 1000).Order().ToArray();
        var values = latencies.Values.Skip(20).Select(v => v.Seconds * 1000).Order().ToArray();
        single.Sort();

        // Reported, not asserted: timings belong to the note, not to a test that a slow machine could fail.
        output.WriteLine($"single change, API write to answer seen by a 10 ms poll: median {single[single.Count / 2]:F1} ms, max {single[^1]:F1} ms; " +
            $"programming latency (trigger time to snapshot) median {singles[singles.Length / 2]:F1} ms, max {singles[^1]:F1} ms");
        output.WriteLine($"burst of 10,000 slice changes: converged in {converged.TotalMilliseconds:F0} ms, {feed.BatchesApplied - batches} batches; " +
            $"programming latency p50 {values[values.Length / 2]:F1} ms, p99 {values[values.Length * 99 / 100]:F1} ms, max {values[^1]:F1} ms");
        Assert.Equal(10_020, latencies.Values.Count);
    }

    [Fact]
    public async Task AddKubernetesFeed_InAHost_SyncsTheRegisteredState()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IKubernetes>(f.Api.CreateClient());
        builder.Services.AddKubeDnsRecords().AddKubernetesFeed(o => o.InitialBackoff = TimeSpan.FromMilliseconds(20));
        using var host = builder.Build();

        await host.StartAsync();
        var feed = host.Services.GetRequiredService<KubernetesFeed>();
        await feed.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var state = host.Services.GetRequiredService<ClusterState>();

        Assert.Equal(FeedFixture.QuoteAnswer, FeedFixture.Dig(state, "quote.kiada.svc.cluster.local."));
        await host.StopAsync();
        // The server notices the closed connections a moment after the client has closed them.
        await FeedFixture.EventuallyAsync(() => f.Api.OpenWatches == 0, () => $"{f.Api.OpenWatches} watches open");
    }

    [Fact]
    public void AddKubernetesFeed_BadOption_FailsAtResolveNamingOptionAndValue()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }));
        services.AddKubeDnsRecords().AddKubernetesFeed(o => o.ListPageSize = -5);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<KubernetesFeed>);

        Assert.Contains("ListPageSize: '-5'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PodRecordMode.Verified, null, true)]
    [InlineData(PodRecordMode.Insecure, null, false)]
    [InlineData(PodRecordMode.Verified, false, false)]
    [InlineData(PodRecordMode.Disabled, true, true)]
    public void AddKubernetesFeed_PodMode_WatchPodsFollowsClusterOptionsUnlessConfigured(PodRecordMode pods, bool? configured, bool expected)
    {
        var services = new ServiceCollection();
        services.AddKubeDnsRecords(o => o.Pods = pods).AddKubernetesFeed(o =>
        {
            if (configured is { } watch)
            {
                o.WatchPods = watch;
            }
        });
        services.AddKubeDnsRecords().AddKubernetesFeed();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(expected, provider.GetRequiredService<IOptions<KubernetesFeedOptions>>().Value.WatchPods);
        Assert.Single(services, d => d.ServiceType == typeof(KubernetesFeed));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }

    private static Dictionary<string, long> Observe(TestMeterFactory meters)
    {
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meters.Owns(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    /// <summary>Meters of one test only, so that tests running in parallel do not see each other's measurements.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public bool Owns(Meter meter)
        {
            lock (_meters)
            {
                return _meters.Contains(meter);
            }
        }

        public void Dispose()
        {
            lock (_meters)
            {
                foreach (var meter in _meters)
                {
                    meter.Dispose();
                }
            }
        }
    }

    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(double Seconds, string? Resource)> _values = [];

        public Recorder(TestMeterFactory meters, string name)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == name && meters.Owns(instrument.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                string? resource = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "k8s.resource")
                    {
                        resource = tag.Value as string;
                    }
                }

                lock (_values)
                {
                    _values.Add((value, resource));
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<(double Seconds, string? Resource)> Values
        {
            get
            {
                lock (_values)
                {
                    return [.. _values];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
