using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// Forwarding in steady state allocates a bounded amount per query (2–3 KiB measured): the socket and the tasks of the
/// upstream exchange, never a message buffer. A 64 KiB array per forwarded query would exceed the bound eightfold.
/// </summary>
public class ForwardingAllocationTests
{
    [Theory]
    [InlineData("example.org", 1)]
    [InlineData("example.org", 32)]
    [InlineData("external-api.default.svc.cluster.local", 1)]
    [InlineData("external-api.default.svc.cluster.local", 32)]
    public async Task Forwarding_SteadyState_AllocatesNoMessageBuffers(string name, int batchSize)
    {
        const int Queries = 256;
        const long BytesPerQuery = 8 * 1024;
        using var upstream = new EchoUpstream();
        await using var server = await TestServers.StartNativeAsync(o =>
        {
            o.UdpBatchSize = batchSize;
            o.Forwarder = new UdpDnsForwarder([upstream.EndPoint], TimeSpan.FromSeconds(2));
        });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(server.LocalEndPoint!);
        client.ReceiveTimeout = (int)RawDns.ReplyTimeout.TotalMilliseconds;
        var query = new RawQuery { Name = name }.ToBytes();
        var reply = new byte[ushort.MaxValue];

        // As in UdpBatchTests: other test classes allocate in this process meanwhile in some rounds only, so the least
        // of three rounds is the measure.
        var answered = Exchange(Queries);
        var allocated = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            answered += Exchange(Queries);
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.Equal(4 * Queries, answered);
        Assert.True(allocated < BytesPerQuery * Queries, $"{allocated} bytes allocated while forwarding {Queries} queries for {name} (batch size {batchSize})");

        int Exchange(int count)
        {
            var received = 0;
            for (var i = 0; i < count; i++)
            {
                client.Send(query);
                if (client.Receive(reply) > 12 && reply[0] == query[0] && reply[1] == query[1] && (reply[3] & 0x0F) == 0)
                {
                    received++;
                }
            }

            return received;
        }
    }

    /// <summary>
    /// An upstream on 127.0.0.1 that answers every query with itself as a response (QR and RA set, NOERROR, no
    /// records), on a thread of its own and without allocating, so what the test measures is the server's.
    /// </summary>
    private sealed class EchoUpstream : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly Thread _thread;

        public EchoUpstream()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
            _thread = new Thread(Run) { IsBackground = true, Name = "echo-upstream" };
            _thread.Start();
        }

        public IPEndPoint EndPoint { get; }

        public void Dispose()
        {
            _socket.Dispose();
            _thread.Join(TimeSpan.FromSeconds(2));
        }

        private void Run()
        {
            var buffer = new byte[ushort.MaxValue];
            var sender = new SocketAddress(AddressFamily.InterNetwork);
            while (true)
            {
                try
                {
                    var length = _socket.ReceiveFrom(buffer, SocketFlags.None, sender);
                    if (length >= 12)
                    {
                        buffer[2] |= 0x80;
                        buffer[3] = 0x80;
                        _socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, sender);
                    }
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // An ICMP port-unreachable from a forwarder socket already closed.
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
