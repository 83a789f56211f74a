namespace KubeDns.Records.Wire;

/// <summary>
/// The outcome of <see cref="DnsWire.TryRespond"/>: what to do, and everything a server needs to do it, so that no
/// server reads the query again or resolves it a second time.
/// </summary>
/// <param name="Status">What to do with the response.</param>
/// <param name="ResponseCode">The response code written (for logs and metrics).</param>
/// <param name="BytesWritten">The response's length; 0 unless <paramref name="Status"/> is <see cref="DnsRespondStatus.Respond"/>.</param>
/// <param name="Truncated">True when TC was set (UDP only).</param>
/// <param name="ResponseLimit">
/// The largest response the client takes (<see cref="DnsWire.ResponseLimit"/>, capped by the destination); the limit
/// an upstream's reply must be fitted to (<see cref="DnsWire.TryRelayReply"/>, <see cref="DnsWire.TryAppendTargetAnswer"/>).
/// 0 when the query could not be read.
/// </param>
/// <param name="ExternalTargetOffset">
/// Where, in the response, the name of an outside CNAME target starts (specification.md §11, §15.5), which a host
/// with an upstream may ask (<see cref="DnsWire.TryWriteTargetQuery"/>) and append; 0 when there is none.
/// </param>
public readonly record struct DnsRespondResult(DnsRespondStatus Status, ResponseCode ResponseCode, int BytesWritten, bool Truncated, int ResponseLimit, int ExternalTargetOffset)
{
    /// <summary>True when the answer ends in a CNAME to a name outside the cluster zones that a host may resolve and append.</summary>
    public bool HasExternalTarget => ExternalTargetOffset > 0;
}
