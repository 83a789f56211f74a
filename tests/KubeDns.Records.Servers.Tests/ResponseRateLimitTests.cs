using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// UDP response rate limiting end to end on each engine (docs/server.md, "Response rate limiting"): a burst of one
/// answer to one client network gets the rate in full answers and, of the rest, every second as an empty truncated
/// reply, while a client in another /24 is answered in full and TCP from the burst's source is never limited. The
/// clients are 127.0.1.2 and 127.0.2.3 (different /24s), which Linux routes to the server on 127.0.0.1; the limiter's
/// clock stands still, so the allowance does not refill during the test.
/// </summary>
public abstract class ResponseRateLimitTests(Engine engine)
{
    private const int Burst = 200;
    private const string DroppedInstrument = "kubedns.dns.rrl.dropped";
    private const string SlippedInstrument = "kubedns.dns.rrl.slipped";

    private static readonly IPAddress Flooded = IPAddress.Parse("127.0.1.2");
    private static readonly IPAddress Polite = IPAddress.Parse("127.0.2.3");

    [Fact]
    public async Task Rrl_BurstFromOneSource_RateAnsweredRestDroppedOrSlippedOtherSourceAndTcpAnswered()
    {
        const int Rate = 10;
        const int Suppressed = Burst - Rate;
        using var factory = new TestMeterFactory();
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.ResponseRateLimit = Rate;
            o.ResponseRateLimitSlip = 2;
            o.TimeProvider = new ManualClock();
            o.MeterFactory = factory;
        });
        using var readings = new MeterReadings(Assert.Single(factory.Meters));
        var endPoint = server.LocalEndPoint!;

        var replies = await BurstAsync(endPoint, Flooded, expected: Rate + (Suppressed / 2));

        var question = RawDns.Question("quote.kiada.svc.cluster.local");
        var full = replies.Count(r => !r.IsTruncated && r.AnCount == 1 && r.HasOpt);
        var slipped = replies.Count(r => r.IsTruncated && (r.Rcode, r.QdCount, r.AnCount, r.NsCount, r.ArCount) == (0, 1, 0, 0, 0) && r.QuestionBytes.SequenceEqual(question));
        Assert.Equal((Rate, Suppressed / 2, Rate + (Suppressed / 2)), (full, slipped, replies.Count));

        for (var i = 0; i < 5; i++)
        {
            var reply = await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = (ushort)(0x5000 + i), EdnsPayload = 1232 }.ToBytes(), Polite);
            Assert.Equal((0, 1, false), (reply.Rcode, reply.AnCount, reply.IsTruncated));
        }

        var overTcp = await RawDns.ExchangeTcpAsync(endPoint, new RawQuery { Id = 0x6000 }.ToBytes(), Flooded);
        Assert.Equal((0, 1, false), (overTcp.Rcode, overTcp.AnCount, overTcp.IsTruncated));

        var counted = await readings.WaitForAsync(r => (r.Total(DroppedInstrument), r.Total(SlippedInstrument)), c => c == (Suppressed / 2, Suppressed / 2));
        Assert.Equal((Suppressed / 2, Suppressed / 2), counted);
    }

    [Fact]
    public async Task Rrl_Default_Off_BurstFromOneSourceAllAnswered()
    {
        using var factory = new TestMeterFactory();
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.MeterFactory = factory);
        using var readings = new MeterReadings(Assert.Single(factory.Meters));

        var replies = await BurstAsync(server.LocalEndPoint!, Flooded, expected: Burst);

        Assert.Equal(Burst, replies.Count(r => !r.IsTruncated && r.AnCount == 1));
        Assert.Equal((0, 0), (readings.Total(DroppedInstrument), readings.Total(SlippedInstrument)));
    }

    /// <summary>The burst test's assertions on the UDP replies, for engine-specific variants.</summary>
    protected static async Task AssertBurstLimitedAsync(IPEndPoint endPoint, int rate)
    {
        var suppressed = Burst - rate;
        var replies = await BurstAsync(endPoint, Flooded, expected: rate + (suppressed / 2));

        var full = replies.Count(r => !r.IsTruncated && r.AnCount == 1);
        var slipped = replies.Count(r => r.IsTruncated && r.AnCount == 0);
        Assert.Equal((rate, suppressed / 2, rate + (suppressed / 2)), (full, slipped, replies.Count));
    }

    /// <summary>
    /// Sends <see cref="Burst"/> queries for one name from <paramref name="source"/> (in windows of 20, so no socket
    /// buffer overflows), receiving meanwhile; returns every reply once <paramref name="expected"/> have come and no
    /// more arrive for half a second (or after ten seconds).
    /// </summary>
    private static async Task<List<RawResponse>> BurstAsync(IPEndPoint server, IPAddress source, int expected)
    {
        using var client = new UdpClient(new IPEndPoint(source, 0));
        client.Connect(server);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var replies = new List<RawResponse>();
        var receiving = Task.Run(async () =>
        {
            try
            {
                while (replies.Count < expected)
                {
                    replies.Add(new RawResponse((await client.ReceiveAsync(deadline.Token)).Buffer));
                }
            }
            catch (OperationCanceledException)
            {
                // Fewer than expected: the assertions say how many.
            }
        });

        for (var i = 0; i < Burst; i++)
        {
            await client.SendAsync(new RawQuery { Id = (ushort)i, EdnsPayload = 1232 }.ToBytes());
            if (i % 20 == 19)
            {
                await Task.Delay(20);
            }
        }

        await receiving;
        replies.AddRange((await RawDns.DrainUdpAsync(client, TimeSpan.FromMilliseconds(500))).Select(b => new RawResponse(b)));
        return replies;
    }
}

/// <summary><see cref="ResponseRateLimitTests"/> on the native engine, and its one-datagram-per-system-call loop.</summary>
public sealed class NativeResponseRateLimitTests() : ResponseRateLimitTests(Engine.Native)
{
    [Fact]
    public async Task Rrl_OneDatagramPerSystemCall_BurstLimitedAlike()
    {
        await using var server = await TestServers.StartNativeAsync(o =>
        {
            o.UdpBatchSize = 1;
            o.ResponseRateLimit = 10;
            o.TimeProvider = new ManualClock();
        });

        await AssertBurstLimitedAsync(server.LocalEndPoint!, rate: 10);
    }
}
