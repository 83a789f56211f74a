using Microsoft.Extensions.Logging;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>The feed's log messages, generated once (CA1848) so that a disabled level costs nothing.</summary>
internal static partial class FeedLog
{
    [LoggerMessage(1, LogLevel.Information, "{Resource}: listed {Count} objects at resource version {Version}; {Changes} changes to apply")]
    public static partial void Listed(ILogger logger, string resource, int count, string? version, int changes);

    [LoggerMessage(2, LogLevel.Information, "{Resource}: resource version {Version} is gone (410: compacted); listing again")]
    public static partial void Gone(ILogger logger, string resource, string? version);

    [LoggerMessage(3, LogLevel.Warning, "{Resource}: {Operation} failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Failed(ILogger logger, Exception exception, string resource, string operation, string reason, long delayMs);

    [LoggerMessage(4, LogLevel.Information, "{Resource}: the watch went quiet past its timeout; watching again")]
    public static partial void Quiet(ILogger logger, string resource);

    [LoggerMessage(5, LogLevel.Warning, "{Resource}: ignoring {Key}: {Error}")]
    public static partial void Ignored(ILogger logger, string resource, ObjectKey key, string error);

    [LoggerMessage(6, LogLevel.Warning, "{Key}: rejected by the cluster state, its previous state is kept: {Errors}")]
    public static partial void Rejected(ILogger logger, ObjectKey key, string errors);

    [LoggerMessage(8, LogLevel.Error, "applying a batch of {Count} changes failed; the feed goes on")]
    public static partial void ApplyFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(7, LogLevel.Information, "synced: every initial list is applied (snapshot serial {Serial})")]
    public static partial void Synced(ILogger logger, uint serial);
}
