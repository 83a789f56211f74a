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
