using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// Random and mutated packets: the reader never throws or reads out of bounds (spans would throw), and every
/// response written is a well-formed message that an independent parser accepts, within the size limit.
/// 50,000 packets here; set KUBEDNS_LONG_TESTS=1 for the 1,000,000-packet run.
/// </summary>
public class DnsWireFuzzTests
{
    private static readonly ClusterSnapshot Snapshot = ExampleCluster.Create(o => o.Wildcards = true).Current;

    /// <summary>What names in presentation format are made of: letters, dots, escapes, digits and a non-ASCII letter.</summary>
    private const string NameCharacters = "ab.\\0129é";

    private static readonly byte[][] Seeds =
    [
        WireQuery.Build("quote.kiada.svc.cluster.local", 1),
        WireQuery.Build("_http._tcp.quote-headless.kiada.svc.cluster.local", 33, edns: null),
        WireQuery.Build("quote-alias.kiada.svc.cluster.local", 28, edns: 4096, dnssecOk: true),
        WireQuery.Build("9.2.244.10.in-addr.arpa", 12),
        WireQuery.Build("any.kiada.svc.cluster.local", 33),
        WireQuery.Build("nope.kiada.svc.cluster.local", 1, edns: 512),
        WireQuery.Build("cluster.local", 2),
    ];

    [Fact]
    public void TryRespond_FiftyThousandRandomAndMutatedPackets_NeverThrowsAndWritesWellFormedMessages() => Run(50_000, seed: 7);

    [Fact]
    [Trait("Category", "LongRunning")]
    public void TryRespond_OneMillionRandomAndMutatedPackets_NeverThrowsAndWritesWellFormedMessages()
    {
        if (Environment.GetEnvironmentVariable("KUBEDNS_LONG_TESTS") != "1")
        {
            return;
        }

        Run(1_000_000, seed: 11);
    }

    [Fact]
    public void ReaderAndForwarding_TwentyThousandRandomAndMutatedReplies_NeverThrowAndNeverWritePastTheSpan()
    {
        var random = new Random(13);
        var query = WireQuery.Build("www.example.com", 1, edns: 1232);
        var (response, result) = ExternalTargetResponse();
        var target = new byte[512];
        Assert.True(DnsWire.TryWriteTargetQuery(response, result, target, out var targetLength));
        byte[][] replies =
        [
            FakeUpstream.Reply(query, 1, 0, "192.0.2.1", "192.0.2.2"),
            FakeUpstream.Reply(target.AsSpan(0, targetLength), 1, 0, "192.0.2.1", "192.0.2.2", "192.0.2.3"),
            response[..result.BytesWritten],
        ];
        var text = new char[DnsQuery.MaxNameTextLength];
        var wire = new byte[DnsQuery.MaxNameLength];
        for (var i = 0; i < 20_000; i++)
        {
            var packet = i % 4 == 0 ? RandomPacket(random) : Mutate(random, replies[random.Next(replies.Length)]);

            // The reader, from a random position, through every kind of read until one fails.
            var reader = new DnsMessageReader(packet, random.Next(-2, packet.Length + 2));
            for (var step = 0; step < 64; step++)
            {
                var ok = (step % 5) switch
                {
                    0 => reader.TryReadName(text, out _),
                    1 => reader.TryCopyName(wire, out _),
                    2 => reader.TryReadRecordHeader(out _),
                    3 => reader.TrySkipRecord(),
                    _ => reader.TrySkipQuestion(),
                };
                if (!ok)
                {
                    break;
                }
            }

            DnsWire.IsReplyTo(packet, query);

            var size = random.Next(0, 1300);
            var relayed = Guarded(size, destination => DnsWire.TryRelayReply(query, packet, destination, DnsTransport.Udp, default).BytesWritten);
            Assert.InRange(relayed, 0, Math.Min(size, DnsWire.DefaultUdpPayloadSize));

            var ours = response[..(result.ResponseLimit + 64)];
            var appended = DnsWire.TryAppendTargetAnswer(ours.AsSpan(0, result.ResponseLimit), result, packet);
            Assert.InRange(appended.BytesWritten, 0, result.ResponseLimit);
            Assert.Equal(-1, ours.AsSpan(result.ResponseLimit).IndexOfAnyExcept((byte)0));

            // Our response mutated, with the result that came with the original.
            Guarded(random.Next(0, 300), destination => DnsWire.TryWriteTargetQuery(packet, result, destination, out var n) ? n : 0);

            var name = new string([.. Enumerable.Range(0, random.Next(0, 300)).Select(_ => NameCharacters[random.Next(NameCharacters.Length)])]);
            Guarded(random.Next(0, 300), destination => DnsWire.TryWriteQuery(new DnsQueryFields { Name = name, QuestionCount = random.Next(-1, 3), HasEdns = true }, destination, out var n) ? n : 0);
        }
    }

    [Fact]
    public void TryRespondAndTryRelayReply_EveryDestinationSizeUpToAnAnswer_NeverThrowAndStayInTheSpan()
    {
        var query = WireQuery.Build("quote.kiada.svc.cluster.local", 1, edns: 1232);
        var forwarded = WireQuery.Build("www.example.com", 1, edns: 1232);
        var reply = FakeUpstream.Reply(forwarded, 1, 0, "192.0.2.1");
        for (var size = 0; size < 80; size++)
        {
            var answered = Guarded(size, destination => DnsWire.TryRespond(Snapshot, query, destination, DnsTransport.Udp, default).BytesWritten);
            var relayed = Guarded(size, destination => DnsWire.TryRelayReply(forwarded, reply, destination, DnsTransport.Udp, default).BytesWritten);
            Assert.True(answered == 0 || size >= 58, $"an answer of {answered} bytes in {size}");
            Assert.True(relayed == 0 || size >= 44, $"a relayed reply of {relayed} bytes in {size}");
        }
    }

    /// <summary>Runs a write into the first <paramref name="size"/> bytes of a larger buffer and checks nothing past them changed.</summary>
    private static int Guarded(int size, WriteInto write)
    {
        var buffer = new byte[size + 64];
        Array.Fill(buffer, (byte)0xA5);
        var written = write(buffer.AsSpan(0, size));
        Assert.InRange(written, 0, size);
        Assert.Equal(-1, buffer.AsSpan(size).IndexOfAnyExcept((byte)0xA5));
        return written;
    }

    private delegate int WriteInto(Span<byte> destination);

    private static (byte[] Response, DnsRespondResult Result) ExternalTargetResponse()
    {
        var response = new byte[DnsWire.MaxMessageLength];
        var result = DnsWire.TryRespond(Snapshot, WireQuery.Build("external-api.default.svc.cluster.local", 1, edns: 1232), response, DnsTransport.Udp, default);
        Assert.True(result.HasExternalTarget);
        return (response, result);
    }

    private static void Run(int packets, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[65535];
        var responses = 0;
        for (var i = 0; i < packets; i++)
        {
            var packet = i % 4 == 0 ? RandomPacket(random) : Mutate(random, Seeds[random.Next(Seeds.Length)]);
            var transport = i % 2 == 0 ? DnsTransport.Udp : DnsTransport.Tcp;
            var result = DnsWire.TryRespond(Snapshot, packet, buffer, transport, default);
            if (result.Status != DnsRespondStatus.Respond)
            {
                continue;
            }

            responses++;
            Assert.InRange(result.BytesWritten, 12, transport == DnsTransport.Udp ? 4096 : 65535);
            try
            {
                var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));
                Assert.False(message.IsQuery);
                Assert.Equal(BitConverter.ToUInt16([packet[1], packet[0]]), message.TransactionID);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"packet {Convert.ToHexString(packet)} gave a response that does not parse: {Convert.ToHexString(buffer, 0, result.BytesWritten)} ({e.Message})");
            }
        }

        Assert.True(responses > packets / 4, $"only {responses} of {packets} packets were answered");
    }

    private static byte[] RandomPacket(Random random)
    {
        var packet = new byte[random.Next(0, 600)];
        random.NextBytes(packet);
        if (packet.Length > 5 && random.Next(2) == 0)
        {
            packet[2] &= 0x7F; // mostly queries, so the parser gets past the QR check
            packet[4] = 0;
            packet[5] = 1;
        }

        return packet;
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var packet = (byte[])seed.Clone();
        switch (random.Next(5))
        {
            case 0:
                return packet[..random.Next(packet.Length)];
            case 1:
                return [.. packet, .. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256))];
            default:
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    packet[random.Next(packet.Length)] = (byte)random.Next(256);
                }

                return packet;
        }
    }
}
