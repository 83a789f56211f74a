namespace KubeDns.Records;

/// <summary>
/// Input was rejected and nothing was applied: the base of every error this library family reports about what it
/// was given (a cluster change, options, a manifest, a Kubernetes object). Each entry of <see cref="Errors"/> names
/// the object, the field and the bad value, and all problems are collected before anything throws, so one
/// <c>catch</c> shows them all.
/// </summary>
public abstract class KubeDnsRecordsException : Exception
{
    /// <summary>Creates an exception with one error.</summary>
    /// <param name="message">The error.</param>
    protected KubeDnsRecordsException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with one error and its cause.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The cause.</param>
    protected KubeDnsRecordsException(string message, Exception? innerException)
        : base(message, innerException) => Errors = [message];

    /// <summary>Creates an exception listing several errors.</summary>
    /// <param name="errors">The errors; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    protected KubeDnsRecordsException(IReadOnlyList<string> errors)
        : base(FormatMessage(errors)) => Errors = errors;

    /// <summary>Every error found, one line each.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string FormatMessage(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? errors[0]
            : $"{errors.Count} errors; nothing was applied:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
    }
}
