using System.Runtime.InteropServices;

namespace KubeDns.Records.Tool;

/// <summary>SIGHUP as the reload request of <c>kubedns serve</c> (docs/tool.md, "Reloading the manifests").</summary>
internal static partial class HangupSignal
{
    private const int Sighup = 1;   // the same number on Linux and the BSDs (POSIX.1-2017 signal.h lists it)
    private const nint DefaultAction = 0;   // SIG_DFL

    /// <summary>
    /// Registers <paramref name="handler"/> for SIGHUP, which then no longer ends the process; null on Windows.
    /// <c>nohup</c> and some supervisors start a process with SIGHUP ignored, an ignored signal stays ignored across
    /// exec (POSIX.1-2017 exec), and the runtime installs no handler over an ignored signal, so the registration
    /// alone would never hear SIGHUP. Asking for SIGHUP therefore first returns it to its default action, as Go's
    /// <c>signal.Notify</c> does for CoreDNS's reload; the handler is installed right after.
    /// </summary>
    public static PosixSignalRegistration? Register(Action<PosixSignalContext> handler)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        if (OperatingSystem.IsLinux())
        {
            _ = SetAction(Sighup, DefaultAction);
        }

        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, handler);
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetAction(int signal, nint action);
}
