using System.Collections.Immutable;
using System.Globalization;
using CsCheck;
using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Snapshot.Properties;

/// <summary>
/// Properties of the forward-zone resolver over random valid clusters (specification.md §1, §2, §5, §6, §11, §12).
/// Each property samples a few hundred clusters; a failure shrinks to a small cluster and prints it with its seed.
/// </summary>
public sealed class ResolverPropertyTests
{
    private const int Iterations = 200;

    /// <summary>Fewer for the incremental property: each sample applies two clusters in many small batches.</summary>
    private const int IncrementalIterations = 120;
    private const string Zone = ClusterModel.Zone;
    private const uint DefaultTtl = ClusterDnsOptions.DefaultTtl;

    /// <summary>"All" types of specification.md §5, an unknown type included.</summary>
    private static readonly RecordType[] AllTypes =
    [
        RecordType.A, RecordType.AAAA, RecordType.SRV, RecordType.CNAME, RecordType.TXT, RecordType.ANY,
        RecordType.SOA, RecordType.NS, RecordType.PTR, RecordType.MX, RecordType.HINFO, (RecordType)99,
    ];

    private static readonly RecordType[] CommonTypes =
        [RecordType.A, RecordType.AAAA, RecordType.SRV, RecordType.CNAME, RecordType.TXT, RecordType.ANY];

    // 1. §5, §6.1: a ClusterIP/NodePort/LoadBalancer service answers exactly its cluster IP of the asked family.
    [Fact]
    public void Resolve_ClusterIPService_AnswersExactlyItsClusterIPOfTheAskedFamily()
    {
        Sample(model =>
        {
            var snapshot = model.Build().Current;
            foreach (var s in model.Services.Where(s => s.IsClusterIP))
            {
                ExpectAddresses(ResolutionView.Of(snapshot, s.Fqdn, RecordType.A), s.IPv4 is null ? [] : [s.IPv4]);
                ExpectAddresses(ResolutionView.Of(snapshot, s.Fqdn + ".", RecordType.AAAA), s.IPv6 is null ? [] : [ClusterModel.Normalize(s.IPv6)]);
            }
        });
    }

    // 2. §5, §6.1: a headless service answers its ready endpoints' addresses, each once; with none it does not exist.
    [Fact]
    public void Resolve_HeadlessService_AnswersReadyEndpointAddressesOrNameErrorWhenNoneReady()
    {
        Sample(model =>
        {
            var snapshot = model.Build().Current;
            foreach (var s in model.Services.Where(s => s.Kind == ServiceKind.Headless))
            {
                if (s.ReadyEndpoints.Any())
                {
                    ExpectAddresses(ResolutionView.Of(snapshot, s.Fqdn, RecordType.A), s.ReadyAddresses(v6: false));
                    ExpectAddresses(ResolutionView.Of(snapshot, s.Fqdn, RecordType.AAAA), s.ReadyAddresses(v6: true));
                    continue;
                }

                // Nothing exists at or below a headless service without ready endpoints (spec R13/R16).
                foreach (var type in AllTypes)
                {
                    ExpectNameError(ResolutionView.Of(snapshot, s.Fqdn, type));
                }

                foreach (var name in s.Endpoints.SelectMany(e => e.ServedNames).Distinct())
                {
                    ExpectNameError(ResolutionView.Of(snapshot, $"{name}.{s.Fqdn}", RecordType.A));
                }

                foreach (var p in s.Ports.Where(p => p.Name.Length > 0))
                {
                    ExpectNameError(ResolutionView.Of(snapshot, $"_{p.Name}._{p.ProtocolLabel}.{s.Fqdn}", RecordType.SRV));
                }
            }
        });
    }

    // 3. §11: an ExternalName service owns a CNAME to its target (lower case, absolute), first in every answer.
    [Fact]
    public void Resolve_ExternalNameService_AnswersCnameToItsTargetFirst()
    {
        Sample(model =>
        {
            var snapshot = model.Build().Current;
            foreach (var s in model.Services.Where(s => s.Kind == ServiceKind.ExternalName))
            {
                if (s.CnameTarget is not { } target)
                {
                    // An IP-literal externalName gives the service no records.
                    foreach (var type in AllTypes)
                    {
                        ExpectNameError(ResolutionView.Of(snapshot, s.Fqdn, type));
                    }

                    continue;
                }

                var cname = ResolutionView.Of(snapshot, s.Fqdn, RecordType.CNAME);
                Check(cname.Kind == ResolutionKind.Answer && cname.Answer.Length == 1, "a CNAME query gets the CNAME alone", cname);
                ExpectCname(cname.Answer[0], Owner(s.Fqdn), target, cname);
                Check(cname.Authority.IsEmpty && cname.Additional.IsEmpty, "a positive CNAME answer has no authority or additional records", cname);

                var a = ResolutionView.Of(snapshot, s.Fqdn, RecordType.A);
                Check(a.Answer.Length >= 1, "an A query at an alias starts with the CNAME", a);
                ExpectCname(a.Answer[0], Owner(s.Fqdn), target, a);

                var (cnames, nameError, _) = model.FollowAliases(s.Fqdn);
                Check(a.Answer.TakeWhile(r => r.Type == RecordType.CNAME).Count() == cnames, $"expected a chain of {cnames} CNAME records", a);
                Check(a.Kind == (nameError ? ResolutionKind.NameError : ResolutionKind.Answer), $"expected {(nameError ? "NXDOMAIN" : "NOERROR")} at the end of the chain", a);
                if (!ClusterModel.IsInZone(target))
                {
                    Check(a.Answer.Length == 1 && a.Authority.IsEmpty, "an outside target: the CNAME alone, no authority", a);
                    Check(a.ExternalTarget == target, $"ExternalTarget should be {target}", a);
                }

                // Names below an alias do not exist, and its slices are ignored.
                ExpectNameError(ResolutionView.Of(snapshot, $"x.{s.Fqdn}", RecordType.A));
                foreach (var name in s.Endpoints.SelectMany(e => e.ServedNames).Distinct())
                {
                    ExpectNameError(ResolutionView.Of(snapshot, $"{name}.{s.Fqdn}", RecordType.A));
                }

                foreach (var p in s.Ports.Where(p => p.Name.Length > 0))
                {
                    ExpectNameError(ResolutionView.Of(snapshot, $"_{p.Name}._{p.ProtocolLabel}.{s.Fqdn}", RecordType.SRV));
                }
            }
        });
    }

    // 4. §6.2: SRV of a ClusterIP service: service ports, target the service, weight max(1, 100/n), cluster IPs as glue.
    [Fact]
    public void Resolve_NamedPortOfClusterIPService_AnswersSrvWithServicePortTargetAndWeight()
    {
        Sample(model =>
        {
            var snapshot = model.Build().Current;
            foreach (var s in model.Services.Where(s => s.IsClusterIP))
            {
                var target = Owner(s.Fqdn);
                string[] glue = [.. new[] { s.IPv4, s.IPv6 }.OfType<string>().Select(ClusterModel.Normalize)];
                foreach (var p in s.Ports.Where(p => p.Name.Length > 0))
                {
                    var name = $"_{p.Name}._{p.ProtocolLabel}.{s.Fqdn}";
                    var srv = ResolutionView.Of(snapshot, name, RecordType.SRV);
                    Check(srv.Kind == ResolutionKind.Answer && srv.Answer.Length == 1, "port names are unique: one SRV record", srv);
                    ExpectSrv(srv, [p.Number], target);
                    ExpectGlue(srv, target, glue);

                    // The port name owns SRV only (specification.md §16 b); the other protocol does not exist.
                    ExpectNoData(ResolutionView.Of(snapshot, name, RecordType.A));
                    ExpectNoData(ResolutionView.Of(snapshot, $"_{p.ProtocolLabel}.{s.Fqdn}", RecordType.SRV));
                    if (p.Protocol != ServiceProtocol.Sctp)
                    {
                        ExpectNameError(ResolutionView.Of(snapshot, $"_{p.Name}._sctp.{s.Fqdn}", RecordType.SRV));
                    }
                }

                // At the bare name: every port, duplicates (same target and port) removed, in service-port order.
                int[] numbers = [.. s.Ports.Select(p => p.Number).Distinct()];
                var bare = ResolutionView.Of(snapshot, s.Fqdn, RecordType.SRV);
                if (numbers.Length == 0)
                {
                    ExpectNoData(bare);
                }
                else
                {
                    ExpectSrv(bare, numbers, target);
                    ExpectGlue(bare, target, glue);
                }
            }
        });
    }

    // 5. §6.1: the final RRset of an A answer holds only A records, of an AAAA answer only AAAA records.
    [Fact]
    public void Resolve_AddressQuery_NeverMixesFamilies()
    {
        Sample(model =>
        {
            var snapshot = model.Build().Current;
            foreach (var name in model.ProbeNames())
            {
                foreach (var type in (ReadOnlySpan<RecordType>)[RecordType.A, RecordType.AAAA])
                {
                    // Checked on the Resolution itself (a ref struct): CNAMEs first, then only the asked type.
                    var r = snapshot.Resolve(name, type);
                    var inChain = true;
                    foreach (var record in r.Answer)
                    {
                        inChain &= record.Type == RecordType.CNAME;
                        if (!inChain && record.Type != type)
                        {
                            Assert.Fail($"after the CNAME chain only {type} records may follow\n{r.ToString()}");
                        }
                    }

                    if (!r.Additional.IsEmpty)
                    {
                        Assert.Fail($"address answers have no additional section\n{r.ToString()}");
                    }
                }
            }
        });
    }

    // 6. §1 (RFC 8020): every ancestor of a name with records exists, so it is never NXDOMAIN.
    [Fact]
    public void Resolve_AncestorOfAnsweredName_IsNeverNameError()
    {
        Sample(model =>
        {
            var snapshot = model.Build().Current;
            var ancestors = model.AnsweredNames.SelectMany(ClusterModel.Ancestors).ToHashSet(StringComparer.Ordinal);
            foreach (var name in ancestors)
            {
                foreach (var type in (ReadOnlySpan<RecordType>)[RecordType.A, RecordType.TXT, RecordType.SRV])
                {
                    var r = snapshot.Resolve(name, type);
                    if (r.Kind == ResolutionKind.NameError)
                    {
                        Assert.Fail($"an ancestor of a name with records must not be NXDOMAIN\n{r.ToString()}");
                    }
                }
            }
        });
    }

    // 6b. §1: conversely, a name exists exactly when it or a descendant owns a record (or it is structural).
    [Fact]
    public void Resolve_ProbeName_IsNameErrorExactlyWhenTheNameDoesNotExist()
    {
        Sample(model =>
        {
            var snapshot = model.Build().Current;
            foreach (var name in model.ProbeNames())
            {
                var (_, nameError, _) = model.FollowAliases(name);
                foreach (var type in (ReadOnlySpan<RecordType>)[RecordType.A, RecordType.TXT])
                {
                    var r = snapshot.Resolve(name, type);
                    var expected = nameError ? ResolutionKind.NameError : r.Answer.IsEmpty ? ResolutionKind.NoData : ResolutionKind.Answer;
                    if (r.Kind != expected)
                    {
                        Assert.Fail($"the model says this name {(nameError ? "does not exist" : "exists")}: expected {expected}\n{r.ToString()}");
                    }
                }
            }
        });
    }

    // 7. §4, §6.4: matching is case-insensitive; answer owners echo the query; made-up names use the zone as spelled.
    [Fact]
    public void Resolve_LetterCaseVariantOfName_GivesSameAnswerWithOwnerEchoingTheQuery()
    {
        Gen.Select(ClusterGenerators.Cluster, Gen.Int).Sample(
            t =>
            {
                var (model, seed) = t;
                var random = new Random(seed);
                var snapshot = model.Build().Current;
                var names = model.ProbeNames().ToArray();
                for (var i = 0; i < 30 && names.Length > 0; i++)
                {
                    var name = names[random.Next(names.Length)];
                    var type = CommonTypes[random.Next(CommonTypes.Length)];
                    var variant = CaseVariant(name, random) + (random.Next(2) == 0 ? "." : string.Empty);
                    ExpectSameModuloCase(ResolutionView.Of(snapshot, name, type), ResolutionView.Of(snapshot, variant, type));
                }
            },
            iter: Iterations,
            print: t => $"{t.Item1}\ncase seed {t.Item2.ToString(CultureInfo.InvariantCulture)}");
    }

    // 8. §2: a rejected batch changes nothing: same snapshot, same serial, same answers, nothing published.
    [Fact]
    public void Apply_BatchWithInvalidChange_ChangesNothing()
    {
        Gen.Select(ClusterGenerators.Cluster, Gen.Int[0, 8], Gen.Int).Sample(
            t =>
            {
                var (model, invalidKind, seed) = t;
                var random = new Random(seed);
                var state = model.Build();
                var before = state.Current;
                var ns = model.Namespaces[0];
                const string NewService = "zz-new-svc";
                const string NewNamespace = "fresh-ns";

                var deleted = model.Services.Where(_ => random.Next(4) == 0).Take(3).ToArray();

                // A sample of answers: the names the batch touches, and random others.
                var all = model.ProbeNames().ToArray();
                var probes = Enumerable.Range(0, 25).Select(_ => all[random.Next(all.Length)])
                    .Concat(model.AnsweredNames.Take(10))
                    .Concat(deleted.SelectMany(s => s.AnsweredNames()))
                    .Concat([$"{NewService}.{ns}.svc.{Zone}", $"{NewNamespace}.svc.{Zone}", $"_http._tcp.{NewService}.{ns}.svc.{Zone}"])
                    .ToArray();
                var expected = probes.SelectMany(p => CommonTypes.Select(type => before.Resolve(p, type).ToString())).ToArray();

                var published = 0;
                state.SnapshotPublished += (_, _) => Interlocked.Increment(ref published);

                // Valid changes, in random order around one invalid change.
                var changes = new List<Action<ClusterChangeBatch>>();
                foreach (var s in deleted)
                {
                    changes.Add(b => b.Delete(ObjectKey.ForService(s.Namespace, s.Name)));
                    foreach (var slice in s.SliceDescriptors())
                    {
                        changes.Add(b => b.Delete(slice.Key));
                    }
                }

                var fresh = Service(ns, NewService, "10.96.255.1", Port("http", 80));
                changes.Add(b => b.Upsert(fresh));
                changes.Add(b => b.Upsert(Slice(ns, NewService + ".a", NewService, [SlicePort("http", 8080)], Endpoint("10.244.9.9", "p"))));
                changes.Add(b => b.Upsert(new NamespaceDescriptor { Name = NewNamespace }));
                if (model.Services.FirstOrDefault(s => s.IsClusterIP) is { } changed)
                {
                    changes.Add(b => b.Upsert(changed.ToDescriptor() with { Ports = [Port("changed", 4242)] }));
                }

                changes.Insert(random.Next(changes.Count + 1), InvalidChange(invalidKind, ns, fresh));
                var batch = new ClusterChangeBatch();
                foreach (var change in changes)
                {
                    change(batch);
                }

                Assert.Throws<ClusterValidationException>(() => state.Apply(batch));
                Assert.Same(before, state.Current);
                Assert.Equal(before.Serial, state.Current.Serial);
                Assert.Equal(0, published);
                var after = probes.SelectMany(p => CommonTypes.Select(type => state.Current.Resolve(p, type).ToString())).ToArray();
                Assert.Equal(expected, after);
            },
            iter: Iterations,
            print: t => $"{t.Item1}\ninvalid change {t.Item2.ToString(CultureInfo.InvariantCulture)}, seed {t.Item3.ToString(CultureInfo.InvariantCulture)}");
    }

    // 9. §2, §12: answers depend only on the objects present, not on the batches that brought them: noise added
    //    first (other objects, the model's services as other kinds, the model's slices pointing at other services),
    //    then the model's objects and deletes of the noise, shuffled into random batches.
    [Fact]
    public void Apply_SameClusterThroughRandomIncrementalBatches_AnswersLikeOneBatch()
    {
        Gen.Select(ClusterGenerators.Cluster, ClusterGenerators.Cluster, Gen.Int).Sample(
            t =>
            {
                var (model, noise, seed) = t;
                var random = new Random(seed);
                var target = model.Objects().ToList();
                var targetKeys = target.Select(o => o.Key).ToHashSet();

                var noisy = new Dictionary<ObjectKey, object>();
                foreach (var (key, descriptor) in noise.Objects())
                {
                    noisy[key] = descriptor;
                }

                foreach (var s in model.Services.Where(_ => random.Next(3) == 0))
                {
                    if (noise.Services.Length > 0)
                    {
                        var variant = noise.Services[random.Next(noise.Services.Length)] with { Namespace = s.Namespace, Name = s.Name };
                        noisy[variant.ToDescriptor().Key] = variant.ToDescriptor();
                        foreach (var slice in variant.SliceDescriptors())
                        {
                            noisy[slice.Key] = slice;
                        }
                    }

                    foreach (var slice in s.SliceDescriptors().Where(_ => random.Next(2) == 0))
                    {
                        var other = random.Next(2) == 0 ? "ghost" : model.Services[random.Next(model.Services.Length)].Name;
                        noisy[slice.Key] = slice with { ServiceName = other };
                    }
                }

                var state = new ClusterState(new ClusterDnsOptions());
                foreach (var batch in Chunks(noisy.Select(kv => (kv.Key, (IClusterObject?)kv.Value)).OrderBy(_ => random.Next()), random))
                {
                    state.Apply(batch);
                }

                var final = target.Select(o => (o.Key, (IClusterObject?)o.Descriptor))
                    .Concat(noisy.Keys.Where(k => !targetKeys.Contains(k)).Select(k => (k, (IClusterObject?)null)))
                    .OrderBy(_ => random.Next());
                foreach (var batch in Chunks(final, random))
                {
                    state.Apply(batch);
                }

                state.MarkSynced();
                var expected = model.Build().Current;
                var actual = state.Current;
                // Every name of the model; the noise's services and namespaces, and a sample of its other names.
                var noiseNames = noise.ProbeNames().ToArray();
                var names = model.ProbeNames()
                    .Concat(noise.Services.Select(s => s.Fqdn))
                    .Concat(noise.Namespaces.Select(ns => $"{ns}.svc.{Zone}"))
                    .Concat(Enumerable.Range(0, 20).Select(_ => noiseNames[random.Next(noiseNames.Length)]))
                    .Distinct(StringComparer.Ordinal);
                foreach (var name in names)
                {
                    foreach (var type in (ReadOnlySpan<RecordType>)[RecordType.A, RecordType.AAAA, RecordType.SRV, RecordType.TXT])
                    {
                        ExpectSameAnswer(expected, actual, name, type);
                    }
                }
            },
            iter: IncrementalIterations,
            print: t => $"{t.Item1}\nnoise {t.Item2}\nseed {t.Item3.ToString(CultureInfo.InvariantCulture)}");
    }

    // 10. §12: before sync, every answer that would be NXDOMAIN is SERVFAIL (same sections); all others are unchanged.
    [Fact]
    public void Resolve_BeforeSync_AnswersAsSyncedExceptNameErrorBecomesServerFailure()
    {
        Sample(model =>
        {
            var state = new ClusterState(new ClusterDnsOptions());
            state.Apply(model.ToBatch());
            var unsynced = state.Current;
            var synced = state.MarkSynced();
            Assert.False(unsynced.IsSynced);
            Assert.True(synced.IsSynced && synced.Serial > unsynced.Serial);
            foreach (var name in model.ProbeNames())
            {
                foreach (var type in (ReadOnlySpan<RecordType>)[RecordType.A, RecordType.SRV])
                {
                    var before = unsynced.Resolve(name, type);
                    var after = synced.Resolve(name, type);
                    var expected = after.Kind == ResolutionKind.NameError ? ResolutionKind.NotSynced : after.Kind;
                    if (before.Kind != expected
                        || (expected == ResolutionKind.NotSynced && before.ResponseCode != ResponseCode.ServerFailure)
                        || !SameRecords(after.Answer, before.Answer)
                        || !SameRecords(after.Additional, before.Additional)
                        || before.Authority.Count != after.Authority.Count)
                    {
                        Assert.Fail($"synced:\n{after.ToString()}--- not yet synced:\n{before.ToString()}");
                    }
                }
            }
        });
    }

    private static Action<ClusterChangeBatch> InvalidChange(int kind, string ns, KubernetesServiceDescriptor fresh) => kind switch
    {
        0 => b => b.Upsert(Service(ns, "bad-port", "10.96.255.2", Port("http", 70000))),
        1 => b => b.Upsert(Service(ns, "zero-port", "10.96.255.3", Port("http", 0))),
        2 => b => b.Upsert(Service(ns, "dup-name", "10.96.255.4", Port("http", 80), Port("http", 81))),
        3 => b => b.Upsert(Service(ns, "Bad_Name", "10.96.255.5", Port("http", 80))),

        // The same key twice in one batch.
        4 => b => b.Upsert(fresh with { ClusterIPs = ["10.96.255.6"] }),
        5 => b => b.Upsert(Slice(ns, "wrong-family", "wrong-family", [SlicePort("http", 80)], Endpoint("fd00::1", "p"))),
        6 => b => b.Upsert(new NamespaceDescriptor { Name = "-bad-" }),
        7 => b => b.Upsert(ExternalName(ns, "alias-with-ip", "example.com") with { ClusterIPs = ["10.96.255.7"] }),
        _ => b => b.Upsert(Service(ns, "dup-number", "10.96.255.8", Port("a", 80), Port("b", 80))),
    };

    /// <summary>Cuts changes (a null descriptor is a delete) into batches of 1–8.</summary>
    private static IEnumerable<ClusterChangeBatch> Chunks(IEnumerable<(ObjectKey Key, IClusterObject? Descriptor)> changes, Random random)
    {
        var batch = new ClusterChangeBatch();
        var size = random.Next(1, 9);
        foreach (var (key, descriptor) in changes)
        {
            if (descriptor is null)
            {
                batch.Delete(key);
            }
            else
            {
                batch.Upsert(descriptor);
            }

            if (batch.Count == size)
            {
                yield return batch;
                batch = new ClusterChangeBatch();
                size = random.Next(1, 9);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>
    /// The same answer from two snapshots, record by record, compared on the <see cref="Resolution"/>s themselves
    /// (no copies unless it fails); only the SOA serial may differ.
    /// </summary>
    private static void ExpectSameAnswer(ClusterSnapshot expectedSnapshot, ClusterSnapshot actualSnapshot, string name, RecordType type)
    {
        var expected = expectedSnapshot.Resolve(name, type);
        var actual = actualSnapshot.Resolve(name, type);
        var same = actual.Kind == expected.Kind
            && string.Equals(actual.ExternalTarget, expected.ExternalTarget, StringComparison.Ordinal)
            && SameRecords(expected.Answer, actual.Answer)
            && SameRecords(expected.Authority, actual.Authority)
            && SameRecords(expected.Additional, actual.Additional);
        if (!same)
        {
            Assert.Fail($"expected (one batch):\n{expected.ToString()}--- incremental:\n{actual.ToString()}");
        }
    }

    private static bool SameRecords(RecordSection expected, RecordSection actual)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        Span<byte> addressA = stackalloc byte[16];
        Span<byte> addressB = stackalloc byte[16];
        for (var i = 0; i < expected.Count; i++)
        {
            var a = expected[i];
            var b = actual[i];
            if (a.Type != b.Type || a.TimeToLive != b.TimeToLive || a.Port != b.Port || a.Weight != b.Weight || a.Priority != b.Priority
                || !SameName(a.Name, b.Name) || !SameName(a.Target, b.Target))
            {
                return false;
            }

            a.TryWriteAddress(addressA, out var lengthA);
            b.TryWriteAddress(addressB, out var lengthB);
            if (!addressA[..lengthA].SequenceEqual(addressB[..lengthB]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameName(DnsNameText a, DnsNameText b)
    {
        Span<char> textA = stackalloc char[a.Length];
        Span<char> textB = stackalloc char[b.Length];
        return a.TryCopyTo(textA, out _) && b.TryCopyTo(textB, out _) && textA.SequenceEqual(textB);
    }

    private static void Sample(Action<ClusterModel> property) =>
        ClusterGenerators.Cluster.Sample(property, iter: Iterations, print: m => m.ToString());

    private static string Owner(string name) => name.EndsWith('.') ? name : name + ".";

    private static void Check(bool condition, string message, ResolutionView view)
    {
        if (!condition)
        {
            Assert.Fail($"{message}\n{view}");
        }
    }

    private static void ExpectNoData(ResolutionView view)
    {
        Check(view.Kind == ResolutionKind.NoData && view.Code == ResponseCode.NoError, "expected NODATA", view);
        Check(view.Answer.IsEmpty && view.Additional.IsEmpty, "NODATA has empty answer and additional sections", view);
        Check(view.Authority.Length == 1 && view.Authority[0].Type == RecordType.SOA && view.Authority[0].Ttl == DefaultTtl, "NODATA carries one SOA, TTL min(Ttl, 300)", view);
    }

    private static void ExpectNameError(ResolutionView view)
    {
        Check(view.Kind == ResolutionKind.NameError && view.Code == ResponseCode.NameError, "expected NXDOMAIN", view);
        Check(view.Answer.IsEmpty && view.Additional.IsEmpty, "NXDOMAIN has empty answer and additional sections", view);
        Check(view.Authority.Length == 1 && view.Authority[0].Type == RecordType.SOA && view.Authority[0].Ttl == DefaultTtl, "NXDOMAIN carries one SOA, TTL min(Ttl, 300)", view);
    }

    private static void ExpectAddresses(ResolutionView view, ImmutableHashSet<string> expected)
    {
        if (expected.Count == 0)
        {
            ExpectNoData(view);
            return;
        }

        Check(view.Kind == ResolutionKind.Answer, "expected an answer", view);
        Check(view.Answer.All(r => r.Type == view.QueryType && r.Name == Owner(view.QueryName)), $"only {view.QueryType} records owned by the query name", view);
        Check(view.Answer.All(r => r.Ttl == DefaultTtl), "every record has the default TTL", view);
        var actual = view.Answer.Select(r => r.Address!).ToArray();
        Check(actual.Length == actual.Distinct(StringComparer.Ordinal).Count(), "no address twice", view);
        Check(actual.ToHashSet(StringComparer.Ordinal).SetEquals(expected), $"expected exactly {{{string.Join(", ", expected)}}}", view);
        Check(view.Authority.IsEmpty && view.Additional.IsEmpty, "a positive address answer has no authority or additional records", view);
    }

    private static void ExpectCname(RecordView record, string owner, string target, ResolutionView view)
    {
        Check(record.Type == RecordType.CNAME && record.Name == owner, $"expected the CNAME owned by {owner}", view);
        Check(record.Target == target, $"expected CNAME target {target}", view);
    }

    private static void ExpectSrv(ResolutionView view, int[] ports, string target)
    {
        Check(view.Kind == ResolutionKind.Answer, "expected an SRV answer", view);
        var weight = Math.Max(1, 100 / view.Answer.Length);
        Check(view.Answer.All(r => r.Type == RecordType.SRV && r.Name == Owner(view.QueryName)), "only SRV records owned by the query name", view);
        Check(view.Answer.All(r => r.Priority == 0 && r.Weight == weight && r.Target == target), $"priority 0, weight {weight}, target {target}", view);
        Check(view.Answer.Concat(view.Additional).All(r => r.Ttl == DefaultTtl), "every record has the default TTL", view);
        Check(view.Answer.Select(r => (int)r.Port).SequenceEqual(ports), $"expected ports {string.Join(", ", ports)} in service-port order", view);
    }

    private static void ExpectGlue(ResolutionView view, string target, string[] addresses)
    {
        Check(view.Additional.All(r => r.Name == target && r.Type is RecordType.A or RecordType.AAAA), $"glue is the address records of {target}", view);
        Check(view.Additional.Select(r => r.Address!).Order(StringComparer.Ordinal).SequenceEqual(addresses.Order(StringComparer.Ordinal)),
            $"glue addresses {{{string.Join(", ", addresses)}}}", view);
    }

    private static string CaseVariant(string name, Random random)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsAsciiLetter(chars[i]) && random.Next(2) == 0)
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }

        return new string(chars);
    }

    private static void ExpectSameModuloCase(ResolutionView lower, ResolutionView variant)
    {
        var context = $"{lower}--- versus ---\n";
        Check(variant.Code == lower.Code && variant.Kind == lower.Kind, context + "the same rcode and kind for every spelling", variant);
        Check(string.Equals(variant.ExternalTarget, lower.ExternalTarget, StringComparison.Ordinal), context + "the same external target", variant);
        foreach (var (a, b) in new[] { (lower.Answer, variant.Answer), (lower.Authority, variant.Authority), (lower.Additional, variant.Additional) })
        {
            Check(a.Select(r => r.Line).SequenceEqual(b.Select(r => r.Line), StringComparer.OrdinalIgnoreCase), context + "the same records, ignoring case", variant);
        }

        var owner = Owner(variant.QueryName);
        Check(variant.Answer.IsEmpty || variant.Answer[0].Name == owner, "the first answer record is owned by the query name as spelled", variant);
        Check(variant.Answer.All(r => !r.Name.Equals(owner, StringComparison.OrdinalIgnoreCase) || r.Name == owner), "records at the query name echo its spelling", variant);
        if (variant.Answer.Any(r => r.Type == RecordType.CNAME))
        {
            // After a CNAME, chased names follow the alias target's (lower-case) spelling (§6.4). So does the SOA
            // owner of a NODATA/NXDOMAIN chase, although §6.4 says "as spelled in the query"; not asserted here.
            return;
        }

        var zone = owner[^(Zone.Length + 1)..];
        Check(variant.Answer.All(r => r.Name == owner), "every answer record is owned by the query name as spelled", variant);
        Check(variant.Answer.Where(r => r.Type == RecordType.SRV).All(r => MadeUp(r.Target!, zone)), "SRV targets: lower-case labels, then the zone as spelled", variant);
        Check(variant.Additional.All(r => MadeUp(r.Name, zone)), "glue owners: lower-case labels, then the zone as spelled", variant);
        Check(variant.Authority.All(r => r.Name == zone && r.Target == "ns.dns." + zone), "SOA owner and MNAME use the zone as spelled", variant);

        static bool MadeUp(string name, string zone) =>
            name.EndsWith(zone, StringComparison.Ordinal) && !name[..^zone.Length].Any(char.IsAsciiLetterUpper);
    }
}
