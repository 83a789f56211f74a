namespace KubeDns.Records;

/// <summary>Whether and how <c>&lt;dashed-ip&gt;.&lt;ns&gt;.pod.&lt;zone&gt;</c> names are answered (specification.md §9; CoreDNS <c>pods</c>).</summary>
public enum PodRecordMode
{
    /// <summary>No pod records: every name below <c>pod.&lt;zone&gt;</c> is NXDOMAIN (the default).</summary>
    Disabled,

    /// <summary>Any well-formed dashed address in an existing namespace answers with that address, pod or not.</summary>
    Insecure,

    /// <summary>Only addresses of pods in that namespace answer (any of a pod's IPs, compared as addresses).</summary>
    Verified,
}
