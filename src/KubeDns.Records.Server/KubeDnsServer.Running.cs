using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Serving;

namespace KubeDns.Records.Server;

/// <content>What one start creates and one stop releases.</content>
public sealed partial class KubeDnsServer
{
    /// <summary>Everything one start created, so a stop releases exactly that.</summary>
    private sealed class Running(TcpConnectionTable connections, ResponseRateLimiter? limiter)
    {
        private bool _udpBatching;

        public CancellationTokenSource Stop { get; } = new();

        /// <summary>Whether the UDP loops batch; a loop that finds the calls failing turns it off for all.</summary>
        public bool UdpBatching
        {
            get => Volatile.Read(ref _udpBatching);
            set => Volatile.Write(ref _udpBatching, value);
        }

        public List<IPEndPoint> Endpoints { get; } = [];

        public List<Socket> UdpSockets { get; } = [];

        public List<Socket> TcpListeners { get; } = [];

        public List<Thread> Threads { get; } = [];

        public List<Task> Tasks { get; } = [];

        public TcpConnectionTable Connections { get; } = connections;

        /// <summary>UDP response rate limiting; null when off. TCP answers are never limited: TCP cannot be spoofed.</summary>
        public ResponseRateLimiter? Limiter { get; } = limiter;

        public int TcpConnections => Connections.Count;

        public void CloseSockets()
        {
            foreach (var socket in UdpSockets)
            {
                socket.Dispose();
            }

            foreach (var socket in TcpListeners)
            {
                socket.Dispose();
            }
        }
    }
}
