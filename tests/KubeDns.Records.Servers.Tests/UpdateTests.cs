using System.Collections.Concurrent;
using System.Net.Sockets;

namespace KubeDns.Records.Servers.Tests;

/// <summary>Changes applied while the server runs are answered by the very next query (specification.md §12), on each engine.</summary>
public abstract class UpdateTests(Engine engine)
{
    private static readonly string[] Soa = ["cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5"];

    [Fact]
    public async Task Apply_AddServiceWhileRunning_NextQueryAnswersIt()
    {
        var state = ExampleCluster.Create();
        await using var server = await TestServers.StartAsync(engine, state);

        var before = await Dig.RunAsync(server.LocalEndPoint!, "fresh.kiada.svc.cluster.local", "A");
        state.Apply(new ClusterChangeBatch().Upsert(ExampleCluster.Service("kiada", "fresh", "10.96.50.50", ExampleCluster.Port("http", 80))));
        var added = await Dig.RunAsync(server.LocalEndPoint!, "fresh.kiada.svc.cluster.local", "A");
        var addedTcp = await Dig.RunAsync(server.LocalEndPoint!, "+tcp", "fresh.kiada.svc.cluster.local", "A");

        Assert.Equal("NXDOMAIN", Dig.Status(before));
        Assert.Equal("NOERROR", Dig.Status(added));
        Assert.Equal(["fresh.kiada.svc.cluster.local. 5 IN A 10.96.50.50"], Dig.Section(added, "ANSWER"));
        Assert.Equal(["fresh.kiada.svc.cluster.local. 5 IN A 10.96.50.50"], Dig.Section(addedTcp, "ANSWER"));
    }

    [Fact]
    public async Task Apply_DeleteServiceWhileRunning_NextQueryNxDomain()
    {
        var state = ExampleCluster.Create();
        state.Apply(new ClusterChangeBatch().Upsert(ExampleCluster.Service("kiada", "fresh", "10.96.50.50", ExampleCluster.Port("http", 80))));
        await using var server = await TestServers.StartAsync(engine, state);

        var before = await Dig.RunAsync(server.LocalEndPoint!, "fresh.kiada.svc.cluster.local", "A");
        state.Apply(new ClusterChangeBatch().Delete(ObjectKey.ForService("kiada", "fresh")));
        var after = await Dig.RunAsync(server.LocalEndPoint!, "fresh.kiada.svc.cluster.local", "A");

        Assert.Equal(["fresh.kiada.svc.cluster.local. 5 IN A 10.96.50.50"], Dig.Section(before, "ANSWER"));
        Assert.Equal("NXDOMAIN", Dig.Status(after));
        Assert.Empty(Dig.Section(after, "ANSWER"));
        Assert.Equal(Soa, TestServers.WithoutSerial(Dig.Section(after, "AUTHORITY")));
    }

    [Fact]
    public async Task Apply_ChangeClusterIPWhileRunning_NextQueryAnswersNewAddress()
    {
        var state = ExampleCluster.Create();
        await using var server = await TestServers.StartAsync(engine, state);

        var before = await Dig.RunAsync(server.LocalEndPoint!, "cache.infra.svc.cluster.local", "A");
        state.Apply(new ClusterChangeBatch().Upsert(ExampleCluster.Service("infra", "cache", "10.96.200.21", ExampleCluster.Port("redis", 6379))));
        var after = await Dig.RunAsync(server.LocalEndPoint!, "cache.infra.svc.cluster.local", "A");

        Assert.Equal(["cache.infra.svc.cluster.local. 5 IN A 10.96.200.20"], Dig.Section(before, "ANSWER"));
        Assert.Equal(["cache.infra.svc.cluster.local. 5 IN A 10.96.200.21"], Dig.Section(after, "ANSWER"));
    }

    [Fact]
    public async Task Apply_AnyChange_SoaSerialGrowsInNextAnswer()
    {
        var state = ExampleCluster.Create();
        await using var server = await TestServers.StartAsync(engine, state);
        var query = new RawQuery { Name = "nope.kiada.svc.cluster.local" }.ToBytes();

        var before = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query);
        var serialBefore = state.Current.Serial;
        state.Apply(new ClusterChangeBatch().Upsert(new NamespaceDescriptor { Name = "extra" }));
        var after = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query);

        Assert.True(state.Current.Serial > serialBefore);
        Assert.Equal(serialBefore, SoaSerial(before));
        Assert.Equal(state.Current.Serial, SoaSerial(after));
    }

    [Fact]
    public async Task Apply_ManyChangesDuringQueries_EveryAnswerIsOldOrNewNeverBroken()
    {
        var state = ExampleCluster.Create();
        await using var server = await TestServers.StartAsync(engine, state);
        var seen = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            using var client = new UdpClient(AddressFamily.InterNetwork);
            client.Connect(server.LocalEndPoint!);
            for (ushort id = 1; !stop.IsCancellationRequested && id < 2000; id++)
            {
                await client.SendAsync(new RawQuery { Id = id, Name = "flip.kiada.svc.cluster.local" }.ToBytes());
                var bytes = await RawDns.ReceiveUdpAsync(client, id, RawDns.ReplyTimeout) ?? throw new TimeoutException($"query {id} got no answer");
                var reply = new RawResponse(bytes);
                seen.Add(reply.Rcode == 3 ? "NXDOMAIN" : string.Join('.', bytes[^4..]));
            }
        });

        for (var i = 0; i < 40; i++)
        {
            var batch = new ClusterChangeBatch();
            if (i % 2 == 0)
            {
                batch.Upsert(ExampleCluster.Service("kiada", "flip", $"10.96.60.{i}", ExampleCluster.Port("http", 80)));
            }
            else
            {
                batch.Delete(ObjectKey.ForService("kiada", "flip"));
            }

            state.Apply(batch);
            await Task.Delay(5);
        }

        await stop.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.True(s == "NXDOMAIN" || s.StartsWith("10.96.60.", StringComparison.Ordinal), s));
    }

    private static uint SoaSerial(RawResponse reply)
    {
        // The SOA is the only record; its RDATA ends with serial, refresh, retry, expire, minimum (5 × 4 bytes).
        var bytes = reply.Bytes;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(bytes.Length - 20));
    }
}

/// <summary><see cref="UpdateTests"/> on the native engine.</summary>
public sealed class NativeUpdateTests() : UpdateTests(Engine.Native);
