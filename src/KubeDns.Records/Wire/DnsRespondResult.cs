namespace KubeDns.Records.Wire;

/// <summary>The outcome of <see cref="DnsWire.TryRespond"/>.</summary>
/// <param name="Status">What to do with the response.</param>
/// <param name="ResponseCode">The response code written (for logs and metrics).</param>
/// <param name="BytesWritten">The response's length; 0 unless <paramref name="Status"/> is <see cref="DnsRespondStatus.Respond"/>.</param>
/// <param name="Truncated">True when TC was set (UDP only).</param>
/// <param name="HasExternalTarget">True when the answer ends in a CNAME to a name outside the cluster zones, which a host with an upstream may resolve and append.</param>
public readonly record struct DnsRespondResult(DnsRespondStatus Status, ResponseCode ResponseCode, int BytesWritten, bool Truncated, bool HasExternalTarget);
