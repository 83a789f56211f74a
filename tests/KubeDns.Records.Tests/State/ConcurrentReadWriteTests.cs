using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using KubeDns.Records.Tests.Snapshot.Properties;
using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.State;

/// <summary>
/// One writer applies batches while readers resolve against <see cref="ClusterState.Current"/> (specification.md §12):
/// every answer a reader saw must be exactly what its snapshot still answers afterwards, and must show the cluster
/// after one whole batch, never part of one.
/// </summary>
/// <remarks>
/// Each key k owns five objects that every batch adds, changes or removes together, all stamped with the batch's
/// version v: ClusterIP service <c>c-k</c> (10.96.k.v, port http 10000+v) and its slice (endpoint <c>ep</c>
/// 10.244.k.v); headless service <c>h-k</c> with endpoints <c>a</c> 10.245.k.v and <c>b</c> 10.246.k.v (slice port
/// 30000+v); and alias <c>p-k</c> → <c>c-k</c>. A reader derives v (or "absent") from six questions asked of one
/// snapshot; all six must agree with the writer's model for that snapshot's serial.
/// </remarks>
public sealed class ConcurrentReadWriteTests
{
    private const string Ns = "conc";
    private const int Keys = 6;
    private const int Batches = 200;
    private const int ReaderCount = 3;
    private const int MaxReaderRounds = 3_000;
    private const int RoundsPerSnapshot = 12;
    private const int MaxReaderSpins = 50_000_000;

    /// <summary>A reader saw something that is neither "absent" nor a well-formed version.</summary>
    private const int Malformed = -1;

    private enum Question
    {
        ServiceA,
        ServiceSrv,
        EndpointA,
        HeadlessA,
        HeadlessSrv,
        AliasA,
    }

    [Fact]
    public async Task Apply_WhileReadersResolve_EveryObservationIsOneWholeBatchAndReproducible()
    {
        // A hang guard only: nothing asserts on timing.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = new Run(timeout.Token);

        var readers = Enumerable.Range(0, ReaderCount)
            .Select(id => Task.Factory.StartNew(() => run.Read(id), timeout.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        var writer = Task.Factory.StartNew(run.Write, timeout.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll([writer, .. readers]);

        Assert.False(timeout.IsCancellationRequested, "the run did not finish: the writer or a reader hung");
        run.Verify();
    }

    private static string Ip(int second, int key, int version) => string.Create(CultureInfo.InvariantCulture, $"10.{second}.{key}.{version}");

    private static string Fqdn(string label) => $"{label}.{Ns}.svc.cluster.local";

    private static (string Name, RecordType Type) Ask(int key, Question question) => question switch
    {
        Question.ServiceA => (Fqdn($"c-{key}"), RecordType.A),
        Question.ServiceSrv => ($"_http._tcp.{Fqdn($"c-{key}")}", RecordType.SRV),
        Question.EndpointA => ($"ep.{Fqdn($"c-{key}")}", RecordType.A),
        Question.HeadlessA => (Fqdn($"h-{key}"), RecordType.A),
        Question.HeadlessSrv => ($"_http._tcp.{Fqdn($"h-{key}")}", RecordType.SRV),
        _ => (Fqdn($"p-{key}"), RecordType.A),
    };

    /// <summary>The five objects of key <paramref name="key"/> at version <paramref name="version"/>.</summary>
    private static IEnumerable<Action<ClusterChangeBatch>> UpsertAll(int key, int version)
    {
        var c = $"c-{key}";
        var h = $"h-{key}";
        yield return b => b.Upsert(Service(Ns, c, Ip(96, key, version), Port("http", 10000 + version)));
        yield return b => b.Upsert(Slice(Ns, c + ".s", c, [SlicePort("http", 20000 + version)], Endpoint(Ip(244, key, version), "pod-ep") with { Hostname = "ep" }));
        yield return b => b.Upsert(Service(Ns, h, KubernetesServiceDescriptor.None, Port("http", 80)));
        yield return b => b.Upsert(Slice(Ns, h + ".s", h, [SlicePort("http", 30000 + version)],
            Endpoint(Ip(245, key, version), "pod-a") with { Hostname = "a" },
            Endpoint(Ip(246, key, version), "pod-b") with { Hostname = "b" }));
        yield return b => b.Upsert(ExternalName(Ns, $"p-{key}", Fqdn(c)));
    }

    private static IEnumerable<Action<ClusterChangeBatch>> DeleteAll(int key)
    {
        yield return b => b.Delete(ObjectKey.ForService(Ns, $"c-{key}"));
        yield return b => b.Delete(ObjectKey.ForEndpointSlice(Ns, $"c-{key}.s"));
        yield return b => b.Delete(ObjectKey.ForService(Ns, $"h-{key}"));
        yield return b => b.Delete(ObjectKey.ForEndpointSlice(Ns, $"h-{key}.s"));
        yield return b => b.Delete(ObjectKey.ForService(Ns, $"p-{key}"));
    }

    /// <summary>The version an answer shows: null when the name does not exist, <see cref="Malformed"/> when neither.</summary>
    private static int? VersionOf(ResolutionView view, int key, Question question)
    {
        if (view.Kind == ResolutionKind.NameError && view.Answer.IsEmpty)
        {
            return null;
        }

        if (view.Kind != ResolutionKind.Answer)
        {
            return Malformed;
        }

        var answer = view.Answer;
        int?[] found = question switch
        {
            Question.ServiceA => [.. answer.Select(r => Octet(r.Address, 96))],
            Question.ServiceSrv => [.. answer.Select(r => r.Target == Fqdn($"c-{key}") + "." ? r.Port - 10000 : Malformed)],
            Question.EndpointA => [.. answer.Select(r => Octet(r.Address, 244))],
            Question.HeadlessA => answer.Length == 2 ? [Octet(answer[0].Address, 245), Octet(answer[1].Address, 246)] : [Malformed],
            Question.HeadlessSrv => answer.Length == 2
                && answer[0].Target == $"a.{Fqdn($"h-{key}")}." && answer[1].Target == $"b.{Fqdn($"h-{key}")}."
                ? [answer[0].Port - 30000, answer[1].Port - 30000]
                : [Malformed],
            _ => answer.Length == 2 && answer[0].Type == RecordType.CNAME && answer[0].Target == Fqdn($"c-{key}") + "."
                ? [Octet(answer[1].Address, 96)]
                : [Malformed],
        };
        return found.Length > 0 && found.All(v => v == found[0]) ? found[0] : Malformed;

        int? Octet(string? address, int second)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"10.{second}.{key}.");
            return address is not null && address.StartsWith(prefix, StringComparison.Ordinal)
                ? int.Parse(address.AsSpan(prefix.Length), CultureInfo.InvariantCulture)
                : Malformed;
        }
    }

    private sealed record Observation(int Reader, uint Serial, int Key, Question Question, string Text, int? Version);

    /// <summary>The shared state of one run: the cluster, the writer's model, and what the readers saw.</summary>
    private sealed class Run
    {
        private readonly CancellationToken _token;
        private readonly ClusterState _state = new(new ClusterDnsOptions());
        private readonly ConcurrentQueue<ClusterSnapshot> _published = new();
        private readonly List<ClusterSnapshot> _recorded = [];
        private readonly Dictionary<uint, ImmutableArray<int?>> _modelBySerial = [];
        private readonly int?[] _versions = new int?[Keys];
        private readonly ConcurrentBag<Observation> _observations = [];
        private readonly ConcurrentBag<string> _problems = [];
        private long _maxObservedSerial;
        private int _activeReaders = ReaderCount;
        private int _writerDone;
        private int _applied;
        private int _rejected;

        public Run(CancellationToken token)
        {
            _token = token;
            _state.SnapshotPublished += (_, snapshot) => _published.Enqueue(snapshot);

            var initial = new ClusterChangeBatch().Upsert(new NamespaceDescriptor { Name = Ns });
            for (var key = 0; key < Keys; key += 2)
            {
                foreach (var change in UpsertAll(key, 0))
                {
                    change(initial);
                }

                _versions[key] = 0;
            }

            Record(_state.Apply(initial));
            Record(_state.MarkSynced());
        }

        public void Write()
        {
            try
            {
                var random = new Random(20240601);
                for (var version = 1; version <= Batches && !_token.IsCancellationRequested; version++)
                {
                    var changes = new List<Action<ClusterChangeBatch>>();
                    var next = (int?[])_versions.Clone();
                    foreach (var key in Enumerable.Range(0, Keys).OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
                    {
                        var remove = _versions[key] is not null && random.Next(2) == 0;
                        changes.AddRange(remove ? DeleteAll(key) : UpsertAll(key, version));
                        next[key] = remove ? null : version;
                    }

                    // Objects in a batch come in any order (a slice may precede its service).
                    var batch = new ClusterChangeBatch();
                    foreach (var change in changes.OrderBy(_ => random.Next()))
                    {
                        change(batch);
                    }

                    if (version % 20 == 0)
                    {
                        // Now and then a batch that must be rejected whole: readers never see any of it.
                        var before = _state.Current;
                        batch.Upsert(Service(Ns, "invalid", "10.96.255.255", Port("http", 0)));
                        Assert.Throws<ClusterValidationException>(() => _state.Apply(batch));
                        Assert.Same(before, _state.Current);
                        _rejected++;
                    }
                    else
                    {
                        var returned = _state.Apply(batch);
                        Array.Copy(next, _versions, Keys);
                        Assert.Same(returned, _state.Current);
                        Record(returned);
                        _applied++;
                        WaitForReaders(returned.Serial);
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _writerDone, 1);
            }
        }

        public void Read(int id)
        {
            try
            {
                var lastSerial = 0u;
                var roundsAtSerial = 0;
                var round = 0;
                for (var spins = 0; spins < MaxReaderSpins && round < MaxReaderRounds && Volatile.Read(ref _writerDone) == 0 && !_token.IsCancellationRequested; spins++)
                {
                    // One snapshot for the whole round: the six answers must describe one batch.
                    var snapshot = _state.Current;
                    if (snapshot.Serial < lastSerial)
                    {
                        _problems.Add($"reader {id}: serial went back from {lastSerial} to {snapshot.Serial}");
                    }

                    roundsAtSerial = snapshot.Serial == lastSerial ? roundsAtSerial + 1 : 0;
                    lastSerial = snapshot.Serial;
                    if (roundsAtSerial >= RoundsPerSnapshot)
                    {
                        // Seen enough of this snapshot: give the writer the processor until it publishes the next.
                        Thread.Yield();
                        continue;
                    }

                    var key = (round + id) % Keys;
                    foreach (var question in Enum.GetValues<Question>())
                    {
                        var (name, type) = Ask(key, question);
                        var view = ResolutionView.Of(snapshot, name, type);
                        _observations.Add(new Observation(id, snapshot.Serial, key, question, view.Text, VersionOf(view, key, question)));
                    }

                    round++;
                    RaiseObserved(snapshot.Serial);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _activeReaders);
            }
        }

        public void Verify()
        {
            Assert.Empty(_problems);
            Assert.Equal(Batches, _applied + _rejected);

            // Every published snapshot is one the writer got back from Apply/MarkSynced, in the same order.
            var published = _published.ToArray();
            Assert.Equal(_recorded.Count, published.Length);
            for (var i = 0; i < published.Length; i++)
            {
                Assert.Same(_recorded[i], published[i]);
                Assert.True(i == 0 || published[i].Serial > published[i - 1].Serial, "serials strictly increase");
            }

            var bySerial = published.ToDictionary(s => s.Serial);
            Assert.NotEmpty(_observations);

            // Snapshots are immutable: asking again gives the same text. Asked once per (serial, question).
            var again = new Dictionary<(uint, int, Question), string>();
            var failures = new List<string>();
            foreach (var o in _observations)
            {
                if (!bySerial.TryGetValue(o.Serial, out var snapshot))
                {
                    failures.Add($"reader {o.Reader} saw serial {o.Serial}, which was never published");
                    continue;
                }

                if (!again.TryGetValue((o.Serial, o.Key, o.Question), out var text))
                {
                    var (name, type) = Ask(o.Key, o.Question);
                    text = snapshot.Resolve(name, type).ToString();
                    again.Add((o.Serial, o.Key, o.Question), text);
                }

                if (text != o.Text)
                {
                    failures.Add($"serial {o.Serial} {o.Question} key {o.Key}: the reader saw\n{o.Text}but the snapshot now answers\n{text}");
                }

                // All objects of a key change in one batch, so every answer shows the model after one whole batch.
                var expected = _modelBySerial[o.Serial][o.Key];
                if (o.Version != expected)
                {
                    failures.Add($"serial {o.Serial} {o.Question} key {o.Key}: expected version {expected?.ToString(CultureInfo.InvariantCulture) ?? "absent"}, saw {o.Version?.ToString(CultureInfo.InvariantCulture) ?? "absent"}\n{o.Text}");
                }
            }

            Assert.True(failures.Count == 0, $"{failures.Count} bad observations of {_observations.Count}; first:\n{string.Join("\n", failures.Take(5))}");
        }

        private void Record(ClusterSnapshot snapshot)
        {
            _recorded.Add(snapshot);
            _modelBySerial[snapshot.Serial] = [.. _versions];
        }

        /// <summary>
        /// After a publish, waits until some reader has answered from that snapshot, so reads and writes interleave
        /// without sleeping. Readers always record at least one round of every new snapshot they see, and only
        /// successful batches publish one, so this cannot wait forever while a reader is alive.
        /// </summary>
        private void WaitForReaders(uint serial)
        {
            var spin = default(SpinWait);
            while (Interlocked.Read(ref _maxObservedSerial) < serial && Volatile.Read(ref _activeReaders) > 0 && !_token.IsCancellationRequested)
            {
                spin.SpinOnce();
            }
        }

        private void RaiseObserved(uint serial)
        {
            var seen = Interlocked.Read(ref _maxObservedSerial);
            while (seen < serial)
            {
                var previous = Interlocked.CompareExchange(ref _maxObservedSerial, serial, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }
        }
    }
}
