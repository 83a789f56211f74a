using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// Asks the configured upstream resolvers, in order, over UDP with TCP fallback (ARSoft's client retries over TCP
/// when an answer is truncated). Kept off the hot path: only names we do not own reach it.
/// </summary>
internal sealed class UpstreamForwarder : IDisposable
{
    private readonly DnsClient[] _clients;
    private readonly DnsQueryOptions _queryOptions;

    public UpstreamForwarder(IEnumerable<IPEndPoint> upstreams, TimeSpan timeout, int payloadSize)
    {
        var timeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        _clients = [.. upstreams.Select(u => new DnsClient(
            [u.Address],
            [new UdpClientTransport(u.Port), new TcpClientTransport(u.Port)],
            disposeTransport: true,
            queryTimeout: timeoutMs))];
        _queryOptions = new DnsQueryOptions
        {
            IsRecursionDesired = true,
            IsEDnsEnabled = true,
            EDnsOptions = new OptRecord((ushort)payloadSize),
        };
    }

    public bool IsEnabled => _clients.Length > 0;

    /// <summary>The first upstream answer, or null when every upstream failed or timed out.</summary>
    public async Task<DnsMessage?> QueryAsync(DomainName name, ARSoft.Tools.Net.Dns.RecordType type, RecordClass recordClass, CancellationToken token)
    {
        foreach (var client in _clients)
        {
            try
            {
                var answer = await client.ResolveAsync(name, type, recordClass, _queryOptions, token).ConfigureAwait(false);
                if (answer is not null)
                {
                    return answer;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An unreachable or misbehaving upstream: try the next one.
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            (client as IDisposable)?.Dispose();
        }
    }
}
