// docs/wire.md. Compiled, not run: a fragment of a server's receive loop, given the socket, the datagram it
// received and its sender (the wire layer's own tests run it).
#region sample
using KubeDns.Records.Wire;
#endregion
using System.Net;
using System.Net.Sockets;
using KubeDns.Records;

namespace Samples;

internal static class WireDocs
{
    public static void Run(ClusterState cluster, byte[] datagram, Socket socket, EndPoint client)
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
}
