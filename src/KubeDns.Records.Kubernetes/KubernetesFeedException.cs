namespace KubeDns.Records.Kubernetes;

/// <summary>
/// A Kubernetes API object, as the live feed (<see cref="KubernetesFeed"/>) receives it, cannot be mapped to a
/// descriptor: <see cref="KubernetesDescriptors"/> throws it. The feed reports such an object and ignores it (what was
/// stored for it before stays). Each entry of <see cref="KubeDnsRecordsException.Errors"/> names the object, the field
/// and the bad value, such as <c>Service kiada/quote: spec.ports[0].protocol: 'HTTP' is not TCP, UDP or SCTP</c>.
/// </summary>
public sealed class KubernetesFeedException : KubeDnsRecordsException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public KubernetesFeedException()
        : this("The Kubernetes object cannot be mapped.")
    {
    }

    /// <summary>Creates an exception with one error.</summary>
    /// <param name="message">The error.</param>
    public KubernetesFeedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with one error and its cause.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The cause.</param>
    public KubernetesFeedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception listing several errors.</summary>
    /// <param name="errors">The errors; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    public KubernetesFeedException(IReadOnlyList<string> errors)
        : base(errors)
    {
    }
}
