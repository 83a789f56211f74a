namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>The public folder watcher behind <c>kubedns serve --watch</c>, as a library user runs it.</summary>
public sealed class ManifestFolderWatcherTests : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly string _folder = Directory.CreateTempSubdirectory("kubedns-watcher-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task RunAsync_FileEdited_DifferenceAppliedAndReported()
    {
        var (state, manifest) = Start("10.96.0.10");
        using var watcher = new ManifestFolderWatcher([_folder], null, state, manifest) { QuietPeriod = Quiet };
        using var run = new Running(watcher);

        Write("10.96.0.2");
        var reload = await run.NextAsync();

        Assert.Equal(ManifestReloadOutcome.Applied, reload.Outcome);
        Assert.False(reload.Requested);
        Assert.Equal(1, reload.Changes);
        Assert.Same(reload.Manifest, watcher.Current);
        Assert.Same(manifest, reload.Previous);
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.2\n", Answer(state));
    }

    [Fact]
    public async Task RunAsync_EditedAfterLoadBeforeWatcher_StillAChange()
    {
        // The watcher starts from the files as ClusterManifest.Load found them, not as they are when it is created.
        var (state, manifest) = Start("10.96.0.10");
        Write("10.96.0.200");
        using var watcher = new ManifestFolderWatcher([_folder], null, state, manifest) { QuietPeriod = Quiet };
        using var run = new Running(watcher);

        var reload = await run.NextAsync();

        Assert.Equal(ManifestReloadOutcome.Applied, reload.Outcome);
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.200\n", Answer(state));
    }

    [Fact]
    public async Task RunAsync_FolderEmptied_LastGoodClusterKeepsServing()
    {
        var (state, manifest) = Start("10.96.0.10");
        using var watcher = new ManifestFolderWatcher([_folder], null, state, manifest) { QuietPeriod = Quiet };
        using var run = new Running(watcher);

        File.Delete(Path.Combine(_folder, "web.yaml"));
        var reload = await run.NextAsync();

        Assert.Equal(ManifestReloadOutcome.Empty, reload.Outcome);
        Assert.Same(manifest, watcher.Current);
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.10\n", Answer(state));
    }

    [Fact]
    public async Task RunAsync_BadEditThenFix_RejectedThenApplied()
    {
        var (state, manifest) = Start("10.96.0.10");
        using var watcher = new ManifestFolderWatcher([_folder], null, state, manifest) { QuietPeriod = Quiet };
        using var run = new Running(watcher);

        Write("10.96.0.999");
        var rejected = await run.NextAsync();
        var servedMeanwhile = Answer(state);
        Write("10.96.0.30");
        var applied = await run.NextAsync();

        Assert.Equal(ManifestReloadOutcome.Rejected, rejected.Outcome);
        var error = Assert.IsType<ManifestException>(rejected.Error);
        Assert.Contains(error.Errors, e => e.Contains("10.96.0.999", StringComparison.Ordinal));
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.10\n", servedMeanwhile);
        Assert.Equal(ManifestReloadOutcome.Applied, applied.Outcome);
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.30\n", Answer(state));
    }

    [Fact]
    public async Task Reload_NotWatchingFiles_ReadsOnlyWhenAsked()
    {
        var (state, manifest) = Start("10.96.0.10");
        using var watcher = new ManifestFolderWatcher([_folder], null, state, manifest) { QuietPeriod = Quiet, WatchFiles = false };
        using var run = new Running(watcher);

        Write("10.96.0.40");
        var unasked = await run.WaitAsync(TimeSpan.FromSeconds(1));
        var servedMeanwhile = Answer(state);
        watcher.Reload();
        var reload = await run.NextAsync();

        Assert.Null(unasked);
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.10\n", servedMeanwhile);
        Assert.True(reload.Requested);
        Assert.Equal(ManifestReloadOutcome.Applied, reload.Outcome);
        Assert.Equal("web.shop.svc.cluster.local. 5 IN A 10.96.0.40\n", Answer(state));
    }

    [Fact]
    public void Constructor_NoPaths_ArgumentExceptionNamingThem()
    {
        var (state, manifest) = Start("10.96.0.10");

        var error = Assert.Throws<ArgumentException>(() => new ManifestFolderWatcher([], null, state, manifest));

        Assert.Equal("paths", error.ParamName);
    }

    [Fact]
    public void QuietPeriod_Negative_ArgumentOutOfRangeExceptionNamingIt()
    {
        var (state, manifest) = Start("10.96.0.10");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ManifestFolderWatcher([_folder], null, state, manifest) { QuietPeriod = TimeSpan.FromMilliseconds(-1) });

        Assert.Contains("QuietPeriod", error.Message);
    }

    private static string Answer(ClusterState state) => state.Resolve("web.shop.svc.cluster.local", RecordType.A).Answer.ToString();

    private (ClusterState State, ClusterManifest Manifest) Start(string clusterIP)
    {
        Write(clusterIP);
        var manifest = ClusterManifest.Load([_folder]);
        var state = new ClusterState(new ClusterDnsOptions());
        manifest.ApplyTo(state);
        state.MarkSynced();
        return (state, manifest);
    }

    private void Write(string clusterIP) => File.WriteAllText(Path.Combine(_folder, "web.yaml"), $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {clusterIP: {{clusterIP}}, ports: [{port: 80}]}
        """);

    /// <summary>The watcher running on its own task, its reports queued for the test.</summary>
    private sealed class Running : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private readonly System.Threading.Channels.Channel<ManifestReloadEventArgs> _reloads =
            System.Threading.Channels.Channel.CreateUnbounded<ManifestReloadEventArgs>();

        public Running(ManifestFolderWatcher watcher)
        {
            watcher.Reloaded += (_, e) => _reloads.Writer.TryWrite(e);
            _task = watcher.RunAsync(_stop.Token);
        }

        public async Task<ManifestReloadEventArgs> NextAsync() =>
            await WaitAsync(Patience) ?? throw new TimeoutException($"no reload within {Patience}");

        public async Task<ManifestReloadEventArgs?> WaitAsync(TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                return await _reloads.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _task.GetAwaiter().GetResult();
            _stop.Dispose();
        }
    }
}
