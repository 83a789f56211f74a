namespace KubeDns.Records.Tool;

/// <summary>The process exit codes of <c>kubedns</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success (for <c>serve</c>: stopped by SIGINT or SIGTERM).</summary>
    public const int Success = 0;

    /// <summary>A runtime failure, such as a port in use.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or bad manifests: the message names the option, or the file and field.</summary>
    public const int Usage = 2;
}
