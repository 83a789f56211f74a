using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KubeDns.Records.Server;

/// <summary>
/// <c>recvmmsg(2)</c> and <c>sendmmsg(2)</c> (Linux ≥ 2.6.33 and ≥ 3.0, glibc ≥ 2.12 and ≥ 2.14): many datagrams per
/// system call. The structures mirror <c>&lt;sys/socket.h&gt;</c> and <c>&lt;sys/uio.h&gt;</c> with pointer-sized
/// fields for pointers and <c>size_t</c>, so one declaration fits every Linux ABI .NET runs on (LP64 and ILP32).
/// </summary>
internal static unsafe partial class LinuxDatagrams
{
    /// <summary>Return after the first datagram instead of waiting for the whole vector (recvmmsg(2)).</summary>
    public const int MsgWaitForOne = 0x10000;

    /// <summary>Do not block (fcntl O_NONBLOCK for one call).</summary>
    public const int MsgDontWait = 0x40;

    /// <summary>Room for any socket address (<c>struct sockaddr_storage</c>), sockaddr_in6's 28 bytes included.</summary>
    public const int AddressSize = 128;

    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;
    public const int ENOTSOCK = 88;

    private const string Libc = "libc";

    private static readonly Lazy<bool> Supported = new(Probe);

    /// <summary>
    /// True when both calls exist and work on a UDP socket: Linux, a C library that exports them, and a kernel (or
    /// seccomp profile) that does not answer ENOSYS. Probed once per process.
    /// </summary>
    public static bool IsSupported => Supported.Value;

    [LibraryImport(Libc, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int ReceiveMessages(int socket, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport(Libc, EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMessages(int socket, MMsgHdr* messages, uint count, int flags);

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // An unbound socket has nothing to read, so a working recvmmsg fails with EAGAIN at once (MSG_DONTWAIT),
            // and sendmmsg of no messages returns 0; ENOSYS or a missing export means falling back.
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var handle = socket.SafeHandle;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                var fd = (int)handle.DangerousGetHandle();
                MMsgHdr message = default;
                var received = ReceiveMessages(fd, &message, 1, MsgDontWait, null);
                if (received < 0 && Marshal.GetLastPInvokeError() != EAGAIN)
                {
                    return false;
                }

                return SendMessages(fd, &message, 0, MsgDontWait) == 0;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or SocketException)
        {
            return false;
        }
    }

    /// <summary><c>struct iovec</c>: one buffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c>: the peer's address, the buffers and, on receipt, flags such as MSG_TRUNC.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public nint Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct mmsghdr</c>: one message of a vector and, after the call, its length.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
