using System.Net;
using KubeDns.Records.Forwarding;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>
/// Forwards to upstream resolvers in order: over UDP, retrying over TCP when the reply is truncated and the client
/// asked over TCP (a UDP client gets the truncated reply and retries itself, as with any server).
/// </summary>
public sealed class UdpDnsForwarder : IDnsForwarder
{
    private readonly IPEndPoint[] _upstreams;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a forwarder.</summary>
    /// <param name="upstreams">The upstream resolvers, tried in order.</param>
    /// <param name="timeout">How long to wait for each upstream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="upstreams"/> is null.</exception>
    /// <exception cref="ArgumentException">No upstream is given, or one has port 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public UdpDnsForwarder(IEnumerable<IPEndPoint> upstreams, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(upstreams);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _upstreams = [.. upstreams];
        if (_upstreams.Length == 0 || Array.Exists(_upstreams, u => u is null || u.Port == 0))
        {
            throw new ArgumentException("At least one upstream, each with an address and a port, is required.", nameof(upstreams));
        }

        _timeout = timeout;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Each upstream query gets a fresh random ID and a socket of its own on a random ephemeral port, and only a reply
    /// from the upstream's address and port with that ID and the query's question is accepted (RFC 5452; docs/server.md,
    /// "Forwarding"). The reply written carries the client's ID.
    /// </remarks>
    public async ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsTransport transport, CancellationToken cancellationToken) =>
        await UpstreamExchange.ForwardAsync(_upstreams, _timeout, query, response, fullReply: transport == DnsTransport.Tcp, cancellationToken).ConfigureAwait(false);
}
