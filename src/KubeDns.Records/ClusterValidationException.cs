namespace KubeDns.Records;

/// <summary>
/// A batch or an options object was rejected. Nothing was applied. Each entry of <see cref="KubeDnsRecordsException.Errors"/>
/// names the object, the field and the bad value, such as
/// <c>Service kiada/quote: spec.ports[1].port: 70000 is not in 1..65535</c>.
/// </summary>
public sealed class ClusterValidationException : KubeDnsRecordsException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ClusterValidationException()
        : this("The cluster change was rejected.")
    {
    }

    /// <summary>Creates an exception with one error.</summary>
    /// <param name="message">The error.</param>
    public ClusterValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with one error and its cause.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The cause.</param>
    public ClusterValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception listing several errors.</summary>
    /// <param name="errors">The errors; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    public ClusterValidationException(IReadOnlyList<string> errors)
        : base(errors)
    {
    }
}
