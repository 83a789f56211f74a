namespace KubeDns.Records.Kubernetes;

/// <summary>
/// Manifests were rejected and nothing was applied. Each entry of <see cref="KubeDnsRecordsException.Errors"/> names the
/// file, the document, the object and the field, such as
/// <c>kiada.yaml: document 3 (Service kiada/quote): spec.ports[0].port: 'abc' is not a number (line 12, column 15)</c>.
/// </summary>
public sealed class ManifestException : KubeDnsRecordsException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ManifestException()
        : this("The manifests were rejected.")
    {
    }

    /// <summary>Creates an exception with one error.</summary>
    /// <param name="message">The error.</param>
    public ManifestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with one error and its cause.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The cause.</param>
    public ManifestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception listing several errors.</summary>
    /// <param name="errors">The errors; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    public ManifestException(IReadOnlyList<string> errors)
        : base(errors)
    {
    }
}
