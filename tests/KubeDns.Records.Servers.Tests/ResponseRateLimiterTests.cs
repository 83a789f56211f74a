using System.Buffers.Binary;
using System.Net;
using KubeDns.Records.Serving;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Servers.Tests;

/// <summary>A clock that moves only when told to, for the response rate limiter's one-second window.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>
/// The response rate limiter both engines share (docs/server.md, "Response rate limiting"), on real responses from the
/// wire layer and a manual clock: the rate per answer and client network, the one-second window, the slip, the
/// prefixes that count as one client, which responses count as the same answer, and no allocation per response.
/// </summary>
public class ResponseRateLimiterTests
{
    private static readonly ClusterSnapshot Snapshot = ExampleCluster.Create().Current;
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");

    private readonly ManualClock _clock = new();

    private enum Outcome
    {
        Sent,
        Dropped,
        Slipped,
    }

    [Fact]
    public void Limit_BurstOfOneAnswerToOneClient_RateSentThenEverythingSuppressed()
    {
        var limiter = Create(rate: 5, slip: 0);
        var answer = Respond("quote.kiada.svc.cluster.local");

        var outcomes = Enumerable.Range(0, 20).Select(_ => Limit(limiter, Client, answer)).ToArray();

        Assert.Equal([.. Enumerable.Repeat(Outcome.Sent, 5), .. Enumerable.Repeat(Outcome.Dropped, 15)], outcomes);
    }

    [Fact]
    public void Limit_WindowPasses_AllowanceRefilledThenSteadyRate()
    {
        var limiter = Create(rate: 5, slip: 0);
        var answer = Respond("quote.kiada.svc.cluster.local");
        Exhaust(limiter, Client, answer, 5);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var afterASecond = Enumerable.Range(0, 6).Select(_ => Limit(limiter, Client, answer)).ToArray();
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        var afterOneInterval = Enumerable.Range(0, 2).Select(_ => Limit(limiter, Client, answer)).ToArray();
        _clock.Advance(TimeSpan.FromMinutes(5));
        var afterLongQuiet = Enumerable.Range(0, 6).Select(_ => Limit(limiter, Client, answer)).ToArray();

        Assert.Equal([.. Enumerable.Repeat(Outcome.Sent, 5), Outcome.Dropped], afterASecond);
        Assert.Equal([Outcome.Sent, Outcome.Dropped], afterOneInterval);
        Assert.Equal([.. Enumerable.Repeat(Outcome.Sent, 5), Outcome.Dropped], afterLongQuiet);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 30)]
    [InlineData(2, 15)]
    [InlineData(3, 10)]
    [InlineData(10, 3)]
    public void Limit_Slip_EveryNthSuppressedAnswerSlipsTheRestDropped(int slip, int slips)
    {
        var limiter = Create(rate: 1, slip: slip);
        var answer = Respond("quote.kiada.svc.cluster.local");
        Assert.Equal(Outcome.Sent, Limit(limiter, Client, answer));

        var suppressed = Enumerable.Range(1, 30).Select(_ => Limit(limiter, Client, answer)).ToArray();

        var expected = Enumerable.Range(1, 30).Select(n => slip != 0 && n % slip == 0 ? Outcome.Slipped : Outcome.Dropped);
        Assert.Equal(expected, suppressed);
        Assert.Equal(slips, suppressed.Count(o => o == Outcome.Slipped));
    }

    [Fact]
    public void Limit_Slipped_EmptyTruncatedReplyWithTheQuestion()
    {
        var limiter = Create(rate: 1, slip: 1);
        var answer = Respond("quote.kiada.svc.cluster.local", edns: true);
        Limit(limiter, Client, answer);
        var reply = answer.ToArray();

        var length = limiter.Limit(Client, reply);

        var question = RawDns.Question("quote.kiada.svc.cluster.local");
        Assert.Equal(12 + question.Length, length);
        var slipped = new RawResponse(reply[..length]);
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(answer), slipped.Id);
        Assert.True(slipped.IsResponse);
        Assert.True(slipped.IsTruncated);
        Assert.True(slipped.IsAuthoritative);
        Assert.Equal((0, 1, 0, 0, 0), (slipped.HeaderRcode, slipped.QdCount, slipped.AnCount, slipped.NsCount, slipped.ArCount));
        Assert.Equal(question, slipped.QuestionBytes);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.254", true)]
    [InlineData("192.0.2.1", "::ffff:192.0.2.77", true)]
    [InlineData("192.0.2.1", "192.0.3.1", false)]
    [InlineData("2001:db8:0:ab::1", "2001:db8:0:ff:1234::9", true)]
    [InlineData("2001:db8:0:ab::1", "2001:db8:0:1ab::1", false)]
    [InlineData("2001:db8:0:ab::1", "2001:db9:0:ab::1", false)]
    public void Limit_ClientNetworks_Slash24AndSlash56CountAsOneClient(string first, string second, bool shared)
    {
        var limiter = Create(rate: 3, slip: 0);
        var answer = Respond("quote.kiada.svc.cluster.local");
        Exhaust(limiter, IPAddress.Parse(first), answer, 3);

        var outcome = Limit(limiter, IPAddress.Parse(second), answer);

        Assert.Equal(shared ? Outcome.Dropped : Outcome.Sent, outcome);
    }

    [Fact]
    public void Limit_SocketAddressAndIPAddress_SameClient()
    {
        var limiter = Create(rate: 2, slip: 0);
        var answer = Respond("quote.kiada.svc.cluster.local");
        Assert.Equal(Outcome.Sent, Limit(limiter, Client, answer));
        Assert.Equal(answer.Length, limiter.Limit(new IPEndPoint(IPAddress.Parse("192.0.2.9"), 5353).Serialize(), answer.ToArray()));

        var third = limiter.Limit(new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.10"), 5353).Serialize(), answer.ToArray());

        Assert.Equal(0, third);
    }

    [Fact]
    public void Limit_DifferentAnswers_CountedSeparately()
    {
        var limiter = Create(rate: 2, slip: 0);
        var quote = Respond("quote.kiada.svc.cluster.local");
        Exhaust(limiter, Client, quote, 2);

        // The same answer whatever the case of the question (names compare case-insensitively, RFC 4343).
        Assert.Equal(Outcome.Dropped, Limit(limiter, Client, Respond("QUOTE.Kiada.svc.cluster.local")));

        // Another name, another type of the same name, and other response codes are other answers.
        Assert.Equal(Outcome.Sent, Limit(limiter, Client, Respond("api.backend.svc.cluster.local")));
        Assert.Equal(Outcome.Sent, Limit(limiter, Client, Respond("quote.kiada.svc.cluster.local", type: 33)));
        Assert.Equal(Outcome.Sent, Limit(limiter, Client, Respond("nope.kiada.svc.cluster.local")));
        Assert.Equal(Outcome.Sent, Limit(limiter, Client, Respond("example.com")));
    }

    [Fact]
    public void Limit_NxDomainForRandomNamesInOneZone_OneAnswer()
    {
        var limiter = Create(rate: 3, slip: 0);
        var nxdomain = Enumerable.Range(0, 6).Select(i => Respond($"random{i}.kiada.svc.cluster.local")).ToArray();
        Assert.All(nxdomain, r => Assert.Equal(3, r[3] & 0xF));

        var outcomes = nxdomain.Select(r => Limit(limiter, Client, r)).ToArray();

        Assert.Equal([Outcome.Sent, Outcome.Sent, Outcome.Sent, Outcome.Dropped, Outcome.Dropped, Outcome.Dropped], outcomes);
    }

    [Fact]
    public void Limit_NoDataForNamesInOneZone_OneAnswerApartFromNxDomain()
    {
        var limiter = Create(rate: 2, slip: 0);
        var nodata = Respond("quote.kiada.svc.cluster.local", type: 28);
        Assert.Equal((0, 0), (nodata[3] & 0xF, BinaryPrimitives.ReadUInt16BigEndian(nodata.AsSpan(6))));
        Exhaust(limiter, Client, nodata, 2);

        Assert.Equal(Outcome.Dropped, Limit(limiter, Client, Respond("api.backend.svc.cluster.local", type: 28)));
        Assert.Equal(Outcome.Sent, Limit(limiter, Client, Respond("nope.kiada.svc.cluster.local")));
    }

    [Fact]
    public void Limit_ResponsesToManyClients_AllocatesNothing()
    {
        var limiter = Create(rate: 50, slip: 2);
        var clients = new[] { IPAddress.Parse("10.1.2.3"), IPAddress.Parse("8.8.8.8"), IPAddress.Parse("fd00::1"), IPAddress.Parse("2001:db8::1") };
        var sockets = clients.Select(a => new IPEndPoint(a, 53).Serialize()).ToArray();
        var responses = new[] { Respond("quote.kiada.svc.cluster.local"), Respond("nope.kiada.svc.cluster.local"), Respond("example.com") };
        var buffer = new byte[512];
        var sent = 0L;
        Run(300);

        var allocated = long.MaxValue;
        for (var round = 0; round < 3 && allocated > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Run(3_000);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(sent > 0);
        Assert.True(allocated == 0, $"rate-limiting 6,000 responses allocated {allocated} bytes");

        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var response = responses[i % responses.Length];
                response.CopyTo(buffer, 0);
                sent += limiter.Limit(clients[i % clients.Length], buffer.AsSpan(0, response.Length));
                response.CopyTo(buffer, 0);
                sent += limiter.Limit(sockets[i % sockets.Length], buffer.AsSpan(0, response.Length));
            }
        }
    }

    [Theory]
    [InlineData(-1, 2, "ResponseRateLimit", "-1 is not in 0..1000000")]
    [InlineData(1_000_001, 2, "ResponseRateLimit", "1000001 is not in 0..1000000")]
    [InlineData(10, -1, "ResponseRateLimitSlip", "-1 is not in 0..10")]
    [InlineData(10, 11, "ResponseRateLimitSlip", "11 is not in 0..10")]
    public void Check_OutOfRange_NamesOptionAndValue(int rate, int slip, string option, string message)
    {
        var error = ResponseRateLimiter.Check(rate, slip, TimeProvider.System, out var named);

        Assert.Equal(option, named);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RateZero_Off() => Assert.Null(ResponseRateLimiter.Create(0, 2, _clock, metrics: null));

    /// <summary>The response the wire layer gives for a query of <paramref name="name"/>.</summary>
    private static byte[] Respond(string name, ushort type = 1, bool edns = false)
    {
        var query = new RawQuery { Name = name, Type = type, EdnsPayload = edns ? (ushort)1232 : null }.ToBytes();
        var response = new byte[DnsWire.MaxMessageLength];
        var result = DnsWire.TryRespond(Snapshot, query, response, DnsTransport.Udp, new DnsWireOptions());
        Assert.Equal(DnsRespondStatus.Respond, result.Status);
        return response[..result.BytesWritten];
    }

    /// <summary>Passes <paramref name="response"/> (a copy: a slip rewrites it) to the limiter and reads the outcome.</summary>
    private static Outcome Limit(ResponseRateLimiter limiter, IPAddress client, byte[] response)
    {
        var length = limiter.Limit(client, response.ToArray());
        return length == response.Length ? Outcome.Sent : length == 0 ? Outcome.Dropped : Outcome.Slipped;
    }

    private static void Exhaust(ResponseRateLimiter limiter, IPAddress client, byte[] response, int rate)
    {
        for (var i = 0; i < rate; i++)
        {
            Assert.Equal(Outcome.Sent, Limit(limiter, client, response));
        }

        Assert.NotEqual(Outcome.Sent, Limit(limiter, client, response));
    }

    private ResponseRateLimiter Create(int rate, int slip) => ResponseRateLimiter.Create(rate, slip, _clock, metrics: null)!;
}
