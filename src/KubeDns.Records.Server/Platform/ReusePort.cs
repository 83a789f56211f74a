using System.Net.Sockets;

namespace KubeDns.Records.Server;

/// <summary>SO_REUSEPORT (Linux ≥ 3.9, BSDs): several sockets on one port, the kernel spreading datagrams over them.</summary>
internal static class ReusePort
{
    public static void Enable(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            // SOL_SOCKET = 1, SO_REUSEPORT = 15 on Linux.
            socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            // SOL_SOCKET = 0xffff, SO_REUSEPORT = 0x200 on the BSDs.
            socket.SetRawSocketOption(0xffff, 0x200, BitConverter.GetBytes(1));
        }
        else
        {
            throw new PlatformNotSupportedException("KubeDnsServerOptions.ReusePort needs SO_REUSEPORT (Linux, macOS, FreeBSD).");
        }
    }
}
