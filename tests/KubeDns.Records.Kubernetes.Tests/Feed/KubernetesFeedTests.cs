using System.Net;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Tests.Feed;

/// <summary>
/// The live feed against a fake API server on 127.0.0.1 that speaks the real list and watch protocol: initial sync,
/// changes visible in answers, dropped watches resumed, 410 relists, errors backed off.
/// </summary>
public sealed class KubernetesFeedTests
{
    private const string Quote = "quote.kiada.svc.cluster.local.";
    private const string Headless = "quote-headless.kiada.svc.cluster.local.";
    private const string Nope = "nope.kiada.svc.cluster.local.";

    [Fact]
    public async Task Start_ListsEverything_ThenSynced_AnswersAsTheCluster()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();

        Assert.False(f.State.Current.IsSynced);
        var feed = await f.StartFeedAsync();

        Assert.True(feed.IsSynced);
        Assert.True(f.State.Current.IsSynced);
        Assert.Equal(FeedFixture.QuoteAnswer, f.Dig(Quote));
        Assert.Equal(FeedFixture.HeadlessAnswer, f.Dig(Headless));
        Assert.Equal("NXDOMAIN", f.Dig(Nope));
        Assert.Equal(
            "NOERROR\n_http._tcp.quote.kiada.svc.cluster.local. 5 IN SRV 0 100 80 quote.kiada.svc.cluster.local.",
            f.Dig("_http._tcp." + Quote, RecordType.SRV));
    }

    [Fact]
    public async Task Start_AsksForEachKindOnceThenWatchesFromTheListsVersion()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        await f.StartFeedAsync();
        await f.Api.WaitForWatchAsync("services", 1, TimeSpan.FromSeconds(10));
        await f.Api.WaitForWatchAsync("endpointslices", 1, TimeSpan.FromSeconds(10));
        await f.Api.WaitForWatchAsync("namespaces", 1, TimeSpan.FromSeconds(10));

        var requests = f.Api.Requests;
        foreach (var resource in new[] { "namespaces", "services", "endpointslices" })
        {
            Assert.Single(requests, r => r.Resource == resource && !r.IsWatch);
            var watch = Assert.Single(requests, r => r.Resource == resource && r.IsWatch);
            Assert.Equal(f.Api.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), watch.Query["resourceVersion"]);
            Assert.Equal("true", watch.Query["allowWatchBookmarks"]);
        }

        Assert.DoesNotContain(requests, r => r.Resource == "pods");
    }

    [Fact]
    public async Task FailingList_RetriedWithBackoff_ThenSynced()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        f.Api.FailNext(3, HttpStatusCode.ServiceUnavailable, "endpointslices");

        var feed = await f.StartFeedAsync();

        Assert.True(feed.Errors >= 3, $"errors: {feed.Errors}");
        Assert.Equal("NXDOMAIN", f.Dig(Nope));
        Assert.Equal(FeedFixture.HeadlessAnswer, f.Dig(Headless));
        Assert.Equal(FeedFixture.QuoteAnswer, f.Dig(Quote));
    }

    [Fact]
    public async Task Synced_OnlyAfterFailingListsSucceed()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        f.Api.FailNext(1000, HttpStatusCode.InternalServerError, "endpointslices");
        var feed = await f.StartFeedAsync(waitForSync: false);

        await FeedFixture.EventuallyAsync(() => feed.Errors >= 3, () => $"errors {feed.Errors}");
        Assert.False(feed.IsSynced);
        Assert.Equal("SERVFAIL", f.Dig(Nope));
        Assert.Equal(FeedFixture.QuoteAnswer, f.Dig(Quote));
    }

    [Fact]
    public async Task AddUpdateDelete_VisibleInAnswers()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        await f.StartFeedAsync();

        f.Api.Apply(FeedFixture.Service("kiada", "kiada", "10.96.7.7", ("http", 80)));
        await f.ExpectAsync("kiada.kiada.svc.cluster.local.", "NOERROR\nkiada.kiada.svc.cluster.local. 5 IN A 10.96.7.7");

        f.Api.Apply(FeedFixture.Service("kiada", "kiada", "10.96.8.8", ("http", 80)));
        await f.ExpectAsync("kiada.kiada.svc.cluster.local.", "NOERROR\nkiada.kiada.svc.cluster.local. 5 IN A 10.96.8.8");

        f.Api.Apply(FeedFixture.Slice("kiada", "quote-headless-abcde", "quote-headless", ["10.244.1.7", "10.244.2.5", "10.244.3.3"]));
        await f.ExpectAsync(Headless, FeedFixture.HeadlessAnswer + "\nquote-headless.kiada.svc.cluster.local. 5 IN A 10.244.3.3");

        f.Api.Apply(FeedFixture.Slice("kiada", "quote-headless-abcde", "quote-headless", ["10.244.1.7", "10.244.2.5"], ready: false));
        await f.ExpectAsync(Headless, "NXDOMAIN");

        f.Api.Delete<V1Service>("kiada", "kiada");
        await f.ExpectAsync("kiada.kiada.svc.cluster.local.", "NXDOMAIN");

        f.Api.Delete<V1Namespace>(null, "kiada");
        f.Api.Delete<V1Service>("kiada", "quote");
        f.Api.Delete<V1Service>("kiada", "quote-headless");
        f.Api.Delete<V1EndpointSlice>("kiada", "quote-headless-abcde");
        await f.ExpectAsync("kiada.svc.cluster.local.", "NXDOMAIN");
    }

    [Fact]
    public async Task DroppedWatch_ResumesFromTheLastVersion_LosesNothing_NoRelist()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var feed = await f.StartFeedAsync();
        await f.Api.WaitForWatchAsync("services", 1, TimeSpan.FromSeconds(10));
        var seenVersion = f.Api.ResourceVersion;

        // Changes made while every watch is down: nothing may be lost.
        f.Api.DropWatches();
        f.Api.Apply(FeedFixture.Service("kiada", "late", "10.96.9.9", ("http", 80)));
        f.Api.Delete<V1Service>("kiada", "quote");

        await f.ExpectAsync("late.kiada.svc.cluster.local.", "NOERROR\nlate.kiada.svc.cluster.local. 5 IN A 10.96.9.9");
        await f.ExpectAsync(Quote, "NXDOMAIN");
        Assert.Equal(FeedFixture.HeadlessAnswer, f.Dig(Headless));
        Assert.Equal(0, feed.Relists);
        Assert.Single(f.Api.Requests, r => r.Resource == "services" && !r.IsWatch);
        Assert.Contains(f.Api.Requests, r => r.Resource == "services" && r.IsWatch && r.Query["resourceVersion"] == seenVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Gone410InTheStream_Relists_AppliesTheDifference_NeverEmpty()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        f.Api.Apply(FeedFixture.Service("kiada", "doomed", "10.96.3.3", ("http", 80)));
        var feed = await f.StartFeedAsync();
        await f.Api.WaitForWatchAsync("services", 1, TimeSpan.FromSeconds(10));
        using var probe = new AnswerProbe(f.State, (Quote, RecordType.A), (Headless, RecordType.A), (Nope, RecordType.A));

        // Events the feed will never see as events: the history is compacted, so the resumed watch gets 410.
        f.Api.DropWatches();
        f.Api.Delete<V1Service>("kiada", "doomed");
        f.Api.Apply(FeedFixture.Service("kiada", "born", "10.96.4.4", ("http", 80)));
        f.Api.Compact();

        await f.ExpectAsync("born.kiada.svc.cluster.local.", "NOERROR\nborn.kiada.svc.cluster.local. 5 IN A 10.96.4.4");
        await f.ExpectAsync("doomed.kiada.svc.cluster.local.", "NXDOMAIN");
        await FeedFixture.EventuallyAsync(() => probe.Rounds > 10, () => "probe");

        Assert.True(feed.Relists >= 1, $"relists: {feed.Relists}");
        Assert.True(f.Api.Requests.Count(r => r.Resource == "services" && !r.IsWatch) >= 2);

        // The untouched names answered the same all along: the relist never emptied the cluster.
        Assert.Equal([FeedFixture.QuoteAnswer], probe.Seen(Quote));
        Assert.Equal([FeedFixture.HeadlessAnswer], probe.Seen(Headless));
        Assert.Equal(["NXDOMAIN"], probe.Seen(Nope));
    }

    [Fact]
    public async Task Gone410OnTheWatchRequest_Relists()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var feed = await f.StartFeedAsync();
        await f.Api.WaitForWatchAsync("services", 1, TimeSpan.FromSeconds(10));

        f.Api.Answer410OnWatchRequest = true;
        f.Api.DropWatches("services");
        f.Api.Delete<V1Service>("kiada", "quote");
        f.Api.Compact();

        await f.ExpectAsync(Quote, "NXDOMAIN");
        Assert.True(feed.Relists >= 1);
        Assert.Equal(FeedFixture.HeadlessAnswer, f.Dig(Headless));
    }

    [Fact]
    public async Task ServerErrors_BackOff_ThenRecover()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var feed = await f.StartFeedAsync();
        await f.Api.WaitForWatchAsync("services", 1, TimeSpan.FromSeconds(10));

        f.Api.FailNext(4, HttpStatusCode.InternalServerError, "services");
        f.Api.DropWatches("services");
        f.Api.Apply(FeedFixture.Service("kiada", "after", "10.96.5.5", ("http", 80)));

        await f.ExpectAsync("after.kiada.svc.cluster.local.", "NOERROR\nafter.kiada.svc.cluster.local. 5 IN A 10.96.5.5");
        Assert.True(feed.Errors >= 4, $"errors: {feed.Errors}");
        Assert.Equal(FeedFixture.QuoteAnswer, f.Dig(Quote));
    }

    [Fact]
    public async Task BurstOf10000EndpointChanges_Converges_InFewBatches()
    {
        await using var f = await FeedFixture.StartAsync();
        f.Api.Apply(FeedFixture.Namespace("load"));
        f.Api.Apply(FeedFixture.Service("load", "stable", "10.96.0.50", ("http", 80)));
        for (var s = 0; s < 100; s++)
        {
            f.Api.Apply(FeedFixture.Service("load", $"svc-{s}", "None", ("http", 80)));
        }

        var feed = await f.StartFeedAsync();
        await f.Api.WaitForWatchAsync("endpointslices", 1, TimeSpan.FromSeconds(10));
        var batchesBefore = feed.BatchesApplied;
        using var probe = new AnswerProbe(f.State, ("stable.load.svc.cluster.local.", RecordType.A), ("nope.load.svc.cluster.local.", RecordType.A));

        // 100 rounds of changing every one of 100 slices: 10,000 watch events; the last round wins.
        var changes = new List<V1EndpointSlice>();
        for (var round = 0; round < 100; round++)
        {
            for (var s = 0; s < 100; s++)
            {
                changes.Add(FeedFixture.Slice("load", $"svc-{s}-x", $"svc-{s}", [$"10.250.{s}.{round + 1}"]));
            }
        }

        f.Api.ApplyMany(changes);

        for (var s = 0; s < 100; s += 11)
        {
            await f.ExpectAsync($"svc-{s}.load.svc.cluster.local.", $"NOERROR\nsvc-{s}.load.svc.cluster.local. 5 IN A 10.250.{s}.100", seconds: 60);
        }

        await f.ExpectAsync("svc-99.load.svc.cluster.local.", "NOERROR\nsvc-99.load.svc.cluster.local. 5 IN A 10.250.99.100", seconds: 60);
        var batches = feed.BatchesApplied - batchesBefore;
        Assert.True(batches < 2_000, $"10,000 changes took {batches} batches");
        Assert.Equal(["NOERROR\nstable.load.svc.cluster.local. 5 IN A 10.96.0.50"], probe.Seen("stable.load.svc.cluster.local."));
        Assert.Equal(["NXDOMAIN"], probe.Seen("nope.load.svc.cluster.local."));
    }

    [Fact]
    public async Task LargeList_ReadInPages_AllServed()
    {
        await using var f = await FeedFixture.StartAsync();
        f.Api.ApplyMany([.. Enumerable.Range(0, 1_200).Select(i => FeedFixture.Service("big", $"svc-{i}", $"10.97.{i / 250}.{(i % 250) + 1}", ("http", 80)))]);
        var options = FeedFixture.FastOptions();
        options.ListPageSize = 500;

        await f.StartFeedAsync(options);

        Assert.Equal("NOERROR\nsvc-0.big.svc.cluster.local. 5 IN A 10.97.0.1", f.Dig("svc-0.big.svc.cluster.local."));
        Assert.Equal("NOERROR\nsvc-1199.big.svc.cluster.local. 5 IN A 10.97.4.200", f.Dig("svc-1199.big.svc.cluster.local."));
        var pages = f.Api.Requests.Where(r => r.Resource == "services" && !r.IsWatch).ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages, r => Assert.Equal("500", r.Query["limit"]));
        Assert.False(pages[0].Query.ContainsKey("continue"));
        Assert.True(pages[1].Query.ContainsKey("continue") && pages[2].Query.ContainsKey("continue"));
    }

    [Fact]
    public async Task NamespaceAllowList_WatchesPerNamespace_ServesOnlyThose()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        f.Api.Apply(FeedFixture.Namespace("other"));
        f.Api.Apply(FeedFixture.Service("other", "web", "10.96.6.6", ("http", 80)));
        var options = FeedFixture.FastOptions();
        options.Namespaces.Add("kiada");
        await f.StartFeedAsync(options);

        Assert.Equal(FeedFixture.QuoteAnswer, f.Dig(Quote));
        Assert.Equal("NXDOMAIN", f.Dig("web.other.svc.cluster.local."));
        Assert.Equal("NXDOMAIN", f.Dig("other.svc.cluster.local."));
        Assert.Contains(f.Api.Requests, r => r.Path == "/api/v1/namespaces/kiada/services");
        Assert.DoesNotContain(f.Api.Requests, r => r.Path == "/api/v1/services");

        f.Api.Apply(FeedFixture.Service("other", "web2", "10.96.6.7", ("http", 80)));
        f.Api.Apply(FeedFixture.Service("kiada", "web2", "10.96.6.8", ("http", 80)));
        await f.ExpectAsync("web2.kiada.svc.cluster.local.", "NOERROR\nweb2.kiada.svc.cluster.local. 5 IN A 10.96.6.8");
        Assert.Equal("NXDOMAIN", f.Dig("web2.other.svc.cluster.local."));
    }

    [Fact]
    public async Task LabelSelector_AppliedByTheServer_ToServicesSlicesAndPods()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var labelled = FeedFixture.Service("kiada", "web", "10.96.6.6", ("http", 80));
        labelled.Metadata.Labels = new Dictionary<string, string> { ["team"] = "web" };
        f.Api.Apply(labelled);
        var options = FeedFixture.FastOptions();
        options.LabelSelector = "team=web";
        options.WatchPods = true;
        await f.StartFeedAsync(options);

        Assert.Equal("NOERROR\nweb.kiada.svc.cluster.local. 5 IN A 10.96.6.6", f.Dig("web.kiada.svc.cluster.local."));
        Assert.Equal("NXDOMAIN", f.Dig(Quote));
        Assert.All(f.Api.Requests.Where(r => r.Resource is "services" or "endpointslices" or "pods"), r => Assert.Equal("team=web", r.Query["labelSelector"]));
        Assert.Contains(f.Api.Requests, r => r.Resource == "pods");

        // Losing the label is a delete for this feed.
        labelled.Metadata.Labels = null;
        f.Api.Apply(labelled);
        await f.ExpectAsync("web.kiada.svc.cluster.local.", "NXDOMAIN");
    }

    [Fact]
    public async Task Pods_WatchedOnlyWhenAsked_VerifiedPodRecordsFollowThem()
    {
        var dns = new ClusterDnsOptions { Pods = PodRecordMode.Verified };
        await using var f = await FeedFixture.StartAsync(dns);
        f.ApplyKiada();
        f.Api.Apply(Pod("kiada", "quote-0", "10.244.1.7", "Running"));
        var options = FeedFixture.FastOptions();
        options.WatchPods = true;
        await f.StartFeedAsync(options);
        const string PodName = "10-244-1-7.kiada.pod.cluster.local.";

        Assert.Equal("NOERROR\n10-244-1-7.kiada.pod.cluster.local. 5 IN A 10.244.1.7", f.Dig(PodName));
        Assert.Contains(f.Api.Requests, r => r.Resource == "pods" && r.Query.TryGetValue("fieldSelector", out var fs) && fs.Contains("status.phase!=Succeeded", StringComparison.Ordinal));

        // Terminating: kept until deleted (CoreDNS skips such updates); deleted: gone.
        var terminating = Pod("kiada", "quote-0", "10.244.1.7", "Running");
        terminating.Metadata.DeletionTimestamp = DateTime.UtcNow;
        f.Api.Apply(terminating);
        f.Api.Apply(Pod("kiada", "quote-1", "10.244.2.5", "Running"));
        await f.ExpectAsync("10-244-2-5.kiada.pod.cluster.local.", "NOERROR\n10-244-2-5.kiada.pod.cluster.local. 5 IN A 10.244.2.5");
        Assert.Equal("NOERROR\n10-244-1-7.kiada.pod.cluster.local. 5 IN A 10.244.1.7", f.Dig(PodName));

        f.Api.Delete<V1Pod>("kiada", "quote-0");
        await f.ExpectAsync(PodName, "NXDOMAIN");

        // A pod that finishes stops matching the field selector: the watch reports it deleted.
        f.Api.Apply(Pod("kiada", "quote-1", "10.244.2.5", "Succeeded"));
        await f.ExpectAsync("10-244-2-5.kiada.pod.cluster.local.", "NXDOMAIN");
    }

    [Fact]
    public async Task OneBadObjectInABurst_DoesNotHoldBackTheOthers_AndKeepsItsLastGoodState()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var feed = await f.StartFeedAsync(new KubernetesFeedOptions { BatchDelay = TimeSpan.FromMilliseconds(200), InitialBackoff = TimeSpan.FromMilliseconds(20) });

        f.Api.ApplyMany(
        [
            FeedFixture.Service("kiada", "quote", "10.96.300.1", ("http", 80)),
            FeedFixture.Service("kiada", "fine", "10.96.2.2", ("http", 80)),
        ]);

        await f.ExpectAsync("fine.kiada.svc.cluster.local.", "NOERROR\nfine.kiada.svc.cluster.local. 5 IN A 10.96.2.2");
        await FeedFixture.EventuallyAsync(() => feed.RejectedObjects >= 1, () => $"rejected {feed.RejectedObjects}");
        Assert.Equal(FeedFixture.QuoteAnswer, f.Dig(Quote));
    }

    [Fact]
    public async Task StopAsync_ClosesTheWatches_KeepsTheLastSnapshot()
    {
        await using var f = await FeedFixture.StartAsync();
        f.ApplyKiada();
        var feed = await f.StartFeedAsync();
        await f.Api.WaitForWatchAsync("services", 1, TimeSpan.FromSeconds(10));

        await feed.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        await FeedFixture.EventuallyAsync(() => f.Api.OpenWatches == 0, () => $"{f.Api.OpenWatches} watches open");
        f.Api.Apply(FeedFixture.Service("kiada", "unseen", "10.96.1.1", ("http", 80)));
        await Task.Delay(200);
        Assert.Equal("NXDOMAIN", f.Dig("unseen.kiada.svc.cluster.local."));
        Assert.Equal(FeedFixture.QuoteAnswer, f.Dig(Quote));
        await Assert.ThrowsAsync<InvalidOperationException>(() => feed.StartAsync());
    }

    [Theory]
    [InlineData("BatchDelay", "-00:00:01")]
    [InlineData("InitialBackoff", "00:00:00")]
    [InlineData("MaxBackoff", "-00:00:01")]
    [InlineData("WatchTimeout", "00:00:00.5000000")]
    public void Options_OutOfRange_RejectedWithNameAndValue(string option, string value)
    {
        var options = new KubernetesFeedOptions();
        typeof(KubernetesFeedOptions).GetProperty(option)!.SetValue(options, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var error = Assert.Throws<ArgumentException>(() => new KubernetesFeed(new ClusterState(), new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }), options));

        Assert.Contains($"{option}: '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BadNamespaceAndPageSize_Named()
    {
        var options = new KubernetesFeedOptions { ListPageSize = -1 };
        options.Namespaces.Add(" ");

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("ListPageSize: '-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Namespaces: ' '", error.Message, StringComparison.Ordinal);
    }

    internal static V1Pod Pod(string ns, string name, string ip, string phase) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "app" }] },
        Status = new V1PodStatus { Phase = phase, PodIP = ip, PodIPs = [new V1PodIP { Ip = ip }] },
    };
}
