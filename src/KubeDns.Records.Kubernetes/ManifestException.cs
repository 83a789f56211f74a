namespace KubeDns.Records.Kubernetes;

/// <summary>
/// Manifests were rejected and nothing was applied. Each entry of <see cref="Errors"/> names the file, the document,
/// the object and the field, such as
/// <c>kiada.yaml: document 3 (Service kiada/quote): spec.ports[0].port: 'abc' is not a number (line 12, column 15)</c>.
/// </summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ManifestException()
        : this("The manifests were rejected.")
    {
    }

    /// <summary>Creates an exception with one error.</summary>
    /// <param name="message">The error.</param>
    public ManifestException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with one error and its cause.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The cause.</param>
    public ManifestException(string message, Exception? innerException)
        : base(message, innerException) => Errors = [message];

    /// <summary>Creates an exception listing several errors.</summary>
    /// <param name="errors">The errors; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    public ManifestException(IReadOnlyList<string> errors)
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
