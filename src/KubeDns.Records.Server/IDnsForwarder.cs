using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>
/// Answers queries the cluster does not own (names outside every zone, reverse names nobody owns) by asking an
/// upstream resolver. Called off the hot path: only such queries reach it.
/// </summary>
public interface IDnsForwarder
{
    /// <summary>Forwards one query and writes the upstream's response.</summary>
    /// <param name="query">The client's query message.</param>
    /// <param name="response">Where to write the upstream's response (65,535 bytes).</param>
    /// <param name="transport">The transport the client used; a UDP client gets a response that fits its size.</param>
    /// <param name="cancellationToken">Cancels the forward.</param>
    /// <returns>The response length, or 0 when no upstream answered (the server then answers SERVFAIL).</returns>
    ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsTransport transport, CancellationToken cancellationToken);
}
