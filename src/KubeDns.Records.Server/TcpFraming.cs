using System.Net.Sockets;

namespace KubeDns.Records.Server;

/// <summary>RFC 1035 §4.2.2 / RFC 7766 §8: each TCP message is preceded by its two-byte length.</summary>
internal static class TcpFraming
{
    public static async ValueTask WriteAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await socket.SendAsync(data[sent..], SocketFlags.None, token).ConfigureAwait(false);
        }
    }
}
