using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace KubeDns.Records.ArSoft.Tests;

/// <summary>
/// A started ARSoft <see cref="DnsServer"/> on 127.0.0.1 with a free port. ARSoft's transports cannot report the port
/// they bound, so a free one is probed first and the start is retried when another process takes it meanwhile.
/// </summary>
internal sealed class ArSoftHost : IDisposable
{
    private ArSoftHost(DnsServer server, IPEndPoint endPoint)
    {
        Server = server;
        EndPoint = endPoint;
    }

    public DnsServer Server { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>Starts the server <paramref name="serve"/> creates and starts on the endpoint it is given.</summary>
    public static ArSoftHost Start(Func<IPEndPoint, DnsServer> serve)
    {
        for (var attempt = 1; ; attempt++)
        {
            var endPoint = FreeEndPoint();
            try
            {
                return new ArSoftHost(serve(endPoint), endPoint);
            }
            catch (SocketException) when (attempt < 10)
            {
                // Taken between the probe and the bind: another port.
            }
        }
    }

    /// <summary>A server of UDP and TCP transports with <paramref name="handlers"/> on <c>QueryReceived</c>, in order.</summary>
    public static ArSoftHost Start(params AsyncEventHandler<QueryReceivedEventArgs>[] handlers) => Start(endPoint =>
    {
        var server = new DnsServer(new UdpServerTransport(endPoint), new TcpServerTransport(endPoint));
        foreach (var handler in handlers)
        {
            server.QueryReceived += handler;
        }

        server.Start();
        return server;
    });

    public void Dispose()
    {
        try
        {
            Server.Stop();
        }
        catch (AggregateException)
        {
            // ARSoft's Stop throws when its loops had not started yet (docs/server.md, "The ARSoft adapter").
        }
    }

    private static IPEndPoint FreeEndPoint()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }
}
