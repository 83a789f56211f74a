using System.Buffers;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <content>Forwarding: names the cluster does not own, and CNAME targets outside the zones, asked upstream (specification.md §15).</content>
public sealed partial class KubeDnsServer
{
    /// <summary>
    /// True when the wire layer's answer needs the upstream before it can be sent: a query for a name the cluster does
    /// not own (<see cref="DnsRespondStatus.Forward"/>), or an answer ending in a CNAME to an outside name, when there is
    /// a forwarder to ask.
    /// </summary>
    private bool NeedsUpstream(DnsRespondResult result) =>
        _options.Forwarder is not null
        && (result.Status == DnsRespondStatus.Forward || (result.Status == DnsRespondStatus.Respond && result.HasExternalTarget));

    /// <summary>
    /// Completes an answer that <see cref="NeedsUpstream"/>: forwards the query, or appends the outside CNAME target's
    /// records to our answer (the first <see cref="DnsRespondResult.BytesWritten"/> bytes of <paramref name="response"/>),
    /// and counts what is to be sent. Off the hot path: the thread pool waits for the upstream.
    /// </summary>
    /// <returns>The length of the reply to send from <paramref name="response"/>; 0 for none.</returns>
    private async ValueTask<int> CompleteAsync(ClusterSnapshot snapshot, ReadOnlyMemory<byte> query, Memory<byte> response, DnsRespondResult result, DnsTransport transport, bool clientAllowed, CancellationToken token)
    {
        int length;
        if (result.Status == DnsRespondStatus.Forward)
        {
            length = await ForwardAsync(query, response, transport, clientAllowed, token).ConfigureAwait(false);
            length = UpstreamReply.Fit(query.Span, response.Span, length, transport, _wire);
        }
        else
        {
            length = await CompleteExternalTargetAsync(snapshot, query, response, result.BytesWritten, transport, clientAllowed, token).ConfigureAwait(false);
        }

        if (length > 0)
        {
            CountSent(response.Span[..length], transport == DnsTransport.Tcp);
        }

        return length;
    }

    /// <summary>
    /// True when this query may be forwarded: the client is in <see cref="KubeDnsServerOptions.RecursionAllowedNetworks"/>
    /// and the query sets RD (RFC 1035 §4.1.1; not an open resolver, RFC 5358).
    /// </summary>
    private static bool MayRecurse(ReadOnlySpan<byte> query, bool clientAllowed) => clientAllowed && query.Length > 2 && (query[2] & 0x01) != 0;

    /// <summary>
    /// Asks the forwarder; SERVFAIL when no upstream answers (specification.md §15). REFUSED, without asking, when the query
    /// may not recurse (<see cref="MayRecurse"/>).
    /// </summary>
    private async ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsTransport transport, bool clientAllowed, CancellationToken token)
    {
        if (!MayRecurse(query.Span, clientAllowed))
        {
            return DnsWire.TryWriteError(query.Span, response.Span, ResponseCode.Refused, _wire).BytesWritten;
        }

        _metrics.Forward();
        int length;
        try
        {
            length = await _options.Forwarder!.ForwardAsync(query, response, transport, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            length = 0;
        }

        return length > 0 ? length : DnsWire.TryWriteError(query.Span, response.Span, ResponseCode.ServerFailure, _wire).BytesWritten;
    }

    /// <summary>
    /// An answer ending in a CNAME to an outside name: resolve the target upstream and append its records
    /// (specification.md §11, §15), keeping the upstream's TTLs and response code. A query that may not recurse gets our
    /// answer as it is: the CNAME, authoritative, with the target not chased.
    /// </summary>
    private async ValueTask<int> CompleteExternalTargetAsync(ClusterSnapshot snapshot, ReadOnlyMemory<byte> query, Memory<byte> response, int length, DnsTransport transport, bool clientAllowed, CancellationToken token)
    {
        if (!MayRecurse(query.Span, clientAllowed))
        {
            return length;
        }

        var (target, type, edns, limit) = Inspect(snapshot, query.Span, transport, _wire);
        if (target is null)
        {
            return length;
        }

        // Rented for the time the upstream takes, so a forwarded query allocates no message buffers.
        var upstreamQuery = ArrayPool<byte>.Shared.Rent(DnsQuery.MaxNameLength + 32);
        var reply = ArrayPool<byte>.Shared.Rent(DnsWire.MaxMessageLength);
        try
        {
            var queryLength = ExternalTarget.WriteQuery(query.Span, target, type, upstreamQuery);
            int got;
            try
            {
                // Ask as over TCP, so a truncated upstream reply is retried in full; the client's limit applies below.
                got = await _options.Forwarder!.ForwardAsync(upstreamQuery.AsMemory(0, queryLength), reply.AsMemory(0, DnsWire.MaxMessageLength), DnsTransport.Tcp, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                got = 0;
            }

            _metrics.Forward();
            return got > 0 ? ExternalTarget.Append(response.Span, length, reply.AsSpan(0, got), limit, edns) : length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(upstreamQuery);
            ArrayPool<byte>.Shared.Return(reply);
        }

        static (string? Target, RecordType Type, bool Edns, int Limit) Inspect(ClusterSnapshot snapshot, ReadOnlySpan<byte> query, DnsTransport transport, in DnsWireOptions wire)
        {
            Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
            if (DnsQuery.TryRead(query, name, out var q) != DnsQueryStatus.Ok || q.Type == RecordType.CNAME)
            {
                return (null, RecordType.None, false, 0);
            }

            var limit = DnsWire.ResponseLimit(transport, q.HasEdns, q.UdpPayloadSize, wire.MaxUdpPayloadSize);
            return (snapshot.Resolve(q.Name, q.Type).ExternalTarget, q.Type, q.HasEdns, limit);
        }
    }
}
