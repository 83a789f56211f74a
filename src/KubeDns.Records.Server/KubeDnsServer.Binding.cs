using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Server;

/// <content>Binding: every endpoint on UDP (one socket, or one per loop with SO_REUSEPORT) and TCP, on one port.</content>
public sealed partial class KubeDnsServer
{
    private const int PortAttempts = 20;

    /// <summary>Port 0 picks a port on the first start; each endpoint's pick, by its index, is kept for restarts.</summary>
    private readonly Dictionary<int, int> _stickyPorts = [];

    private void BindEndpoint(Running running, IPEndPoint requested, int index)
    {
        var sockets = _options.ReusePort ? _options.UdpReceivers : 1;
        for (var attempt = 0; ; attempt++)
        {
            var bound = new List<Socket>();
            Socket? tcp = null;
            try
            {
                // Port 0 picks a port on the first start and keeps it for restarts, as the ARSoft server does.
                var port = requested.Port != 0 ? requested.Port : _stickyPorts.GetValueOrDefault(index);
                for (var i = 0; i < sockets; i++)
                {
                    var udp = new Socket(requested.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    bound.Add(udp);
                    if (requested.Address.Equals(IPAddress.IPv6Any))
                    {
                        udp.DualMode = true;
                    }

                    if (_options.ReusePort)
                    {
                        ReusePort.Enable(udp);
                    }

                    // A timeout lets the blocking loops notice a stop even where closing does not wake them.
                    udp.ReceiveTimeout = 500;
                    udp.ReceiveBufferSize = 4 << 20;
                    udp.Bind(new IPEndPoint(requested.Address, port));
                    port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                }

                tcp = new Socket(requested.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (requested.Address.Equals(IPAddress.IPv6Any))
                {
                    tcp.DualMode = true;
                }

                tcp.Bind(new IPEndPoint(requested.Address, port));
                tcp.Listen(512);
                running.UdpSockets.AddRange(bound);
                running.TcpListeners.Add(tcp);
                running.Endpoints.Add(new IPEndPoint(requested.Address, port));
                _stickyPorts[index] = port;
                return;
            }
            catch (SocketException) when (requested.Port == 0 && !_stickyPorts.ContainsKey(index) && attempt < PortAttempts)
            {
                bound.ForEach(s => s.Dispose());
                tcp?.Dispose();
            }
            catch
            {
                bound.ForEach(s => s.Dispose());
                tcp?.Dispose();
                throw;
            }
        }
    }
}
