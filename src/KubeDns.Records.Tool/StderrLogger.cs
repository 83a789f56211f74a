using System.Globalization;
using Microsoft.Extensions.Logging;

namespace KubeDns.Records.Tool;

/// <summary>
/// The tool's log: one line per message on standard error, as the rest of its diagnostics, so a container runtime
/// collects it without a logging framework in the tool.
/// </summary>
internal sealed class StderrLogger(TextWriter error, LogLevel minimum) : ILogger
{
    private readonly Lock _write = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var level = logLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error or LogLevel.Critical => "error: ",
            _ => string.Empty,
        };
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss.fff} kubedns: {level}{formatter(state, exception)}");
        lock (_write)
        {
            error.WriteLine(line);
            error.Flush();
        }
    }
}
