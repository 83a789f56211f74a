// docs/wire.md: one datagram answered by the wire layer. The sample is the body of a server's receive loop; Run
// gives it what that loop would have (a socket on 127.0.0.1, a datagram from a client, the client's address) and
// prints what the client receives.
#region sample
using KubeDns.Records.Wire;
#endregion
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records;

namespace Samples;

internal static class WireDocs
{
    public static void Run()
    {
        var cluster = SampleCluster.Synced();

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        clientSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        clientSocket.ReceiveTimeout = 5000;
        var client = clientSocket.LocalEndPoint!;

        Answer(cluster, Query("quote.kiada.svc.cluster.local", id: 0x2A), socket, client);

        var reply = new byte[1232];
        var length = clientSocket.Receive(reply);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(6));
        var address = new IPAddress(reply.AsSpan(length - 4, 4));
        Console.WriteLine($"id {BinaryPrimitives.ReadUInt16BigEndian(reply)}, rcode {reply[3] & 0x0F}, {answers} answer: {address}");
        // id 42, rcode 0, 1 answer: 10.96.161.97
    }

    private static void Answer(ClusterState cluster, byte[] datagram, Socket socket, EndPoint client)
    {
        #region sample
        var response = new byte[65535];                       // 512 suffices for UDP without EDNS
        var result = DnsWire.TryRespond(cluster.Current, datagram, response, DnsTransport.Udp,
            new DnsWireOptions { MaxUdpPayloadSize = 1232, RecursionAvailable = false, FallThrough = false });

        switch (result.Status)
        {
            case DnsRespondStatus.Respond: socket.SendTo(response.AsSpan(0, result.BytesWritten), client); break;
            case DnsRespondStatus.Drop: break;                 // a runt or a response: never answered
            case DnsRespondStatus.Forward: /* FallThrough: not ours, ask the upstream */ break;
        }
        #endregion
    }

    /// <summary>A query for the A record of <paramref name="name"/> as a stub resolver sends it (RFC 1035 §4.1), RD set.</summary>
    private static byte[] Query(string name, ushort id)
    {
        var message = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            message.Add((byte)label.Length);
            message.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        message.AddRange([0, 0, 1, 0, 1]);
        return [.. message];
    }
}
