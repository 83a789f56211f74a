using System.Buffers;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <content>
/// Forwarding: names the cluster does not own, and CNAME targets outside the zones, asked upstream (specification.md
/// §15.5). What to ask and how to fit the reply come from the wire layer (<see cref="DnsRespondResult"/>,
/// <see cref="DnsWire.TryRelayReply"/>, <see cref="DnsWire.TryWriteTargetQuery"/>, <see cref="DnsWire.TryAppendTargetAnswer"/>):
/// the server neither reads the query again nor resolves it a second time; it only waits for the upstream.
/// </content>
public sealed partial class KubeDnsServer
{
    /// <summary>Room for any query <see cref="DnsWire.TryWriteTargetQuery"/> writes (its documented bound).</summary>
    private const int TargetQueryLength = 300;

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
    private async ValueTask<int> CompleteAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsRespondResult result, DnsTransport transport, bool clientAllowed, CancellationToken token)
    {
        var completed = result.Status == DnsRespondStatus.Forward
            ? await ForwardAsync(query, response, transport, clientAllowed, token).ConfigureAwait(false)
            : await CompleteExternalTargetAsync(query, response, result, clientAllowed, token).ConfigureAwait(false);
        if (completed.Status != DnsRespondStatus.Respond)
        {
            return 0;
        }

        _metrics.Response(completed.ResponseCode, transport == DnsTransport.Tcp);
        return completed.BytesWritten;
    }

    /// <summary>
    /// True when this query may be forwarded: the client is in <see cref="KubeDnsServerOptions.RecursionAllowedNetworks"/>
    /// and the query sets RD (RFC 1035 §4.1.1: the low bit of the third header byte; not an open resolver, RFC 5358).
    /// </summary>
    private static bool MayRecurse(ReadOnlySpan<byte> query, bool clientAllowed) => clientAllowed && query.Length > 2 && (query[2] & 0x01) != 0;

    /// <summary>
    /// Asks the forwarder and relays its reply, fitted to the client (<see cref="DnsWire.TryRelayReply"/>); SERVFAIL when
    /// no upstream answers (specification.md §15.5). REFUSED, without asking, when the query may not recurse
    /// (<see cref="MayRecurse"/>).
    /// </summary>
    private async ValueTask<DnsRespondResult> ForwardAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsTransport transport, bool clientAllowed, CancellationToken token)
    {
        if (!MayRecurse(query.Span, clientAllowed))
        {
            return DnsWire.TryWriteError(query.Span, response.Span, ResponseCode.Refused, _wire);
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

        // The reply is relayed in place: TryRelayReply allows the reply and the destination to be the same memory.
        return length > 0
            ? DnsWire.TryRelayReply(query.Span, response.Span[..length], response.Span, transport, _wire)
            : DnsWire.TryWriteError(query.Span, response.Span, ResponseCode.ServerFailure, _wire);
    }

    /// <summary>
    /// An answer ending in a CNAME to an outside name: ask the upstream for the target and append its records
    /// (specification.md §11, §15.5), keeping the upstream's TTLs and response code. A query that may not recurse, or
    /// an upstream that does not answer, leaves our answer as it is: the CNAME, authoritative, with the target not chased.
    /// </summary>
    private async ValueTask<DnsRespondResult> CompleteExternalTargetAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsRespondResult result, bool clientAllowed, CancellationToken token)
    {
        if (!MayRecurse(query.Span, clientAllowed))
        {
            return result;
        }

        // Rented for the time the upstream takes, so a forwarded query allocates no message buffers.
        var upstreamQuery = ArrayPool<byte>.Shared.Rent(TargetQueryLength);
        var reply = ArrayPool<byte>.Shared.Rent(DnsWire.MaxMessageLength);
        try
        {
            if (!DnsWire.TryWriteTargetQuery(response.Span, result, upstreamQuery, out var queryLength))
            {
                return result;
            }

            int got;
            try
            {
                // Ask as over TCP, so a truncated upstream reply is retried in full; the client's limit applies when appending.
                got = await _options.Forwarder!.ForwardAsync(upstreamQuery.AsMemory(0, queryLength), reply.AsMemory(0, DnsWire.MaxMessageLength), DnsTransport.Tcp, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                got = 0;
            }

            _metrics.Forward();
            return got > 0 ? DnsWire.TryAppendTargetAnswer(response.Span, result, reply.AsSpan(0, got)) : result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(upstreamQuery);
            ArrayPool<byte>.Shared.Return(reply);
        }
    }
}
