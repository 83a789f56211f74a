using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Forwarding;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// Asks the configured upstream resolvers, in order, over UDP with TCP for truncated replies, through the exchange
/// the native engine uses too (<see cref="UpstreamExchange"/>: a random ID and source port per query, and only a reply
/// from the upstream with that ID and the query's question is accepted, RFC 5452). Kept off the hot path: only names
/// we do not own reach it.
/// </summary>
internal sealed class UpstreamForwarder(IEnumerable<IPEndPoint> upstreams, TimeSpan timeout, int payloadSize)
{
    private const int HeaderLength = 12;
    private const int OptLength = 11;

    private readonly IPEndPoint[] _upstreams = [.. upstreams];

    public bool IsEnabled => _upstreams.Length > 0;

    /// <summary>The question section (name, type, class) of <paramref name="name"/> in wire form, labels as ASCII.</summary>
    public static byte[] Question(DomainName name, ARSoft.Tools.Net.Dns.RecordType type, RecordClass recordClass)
    {
        var question = new List<byte>(KubeDns.Records.Wire.DnsQuery.MaxNameLength + 4);
        foreach (var label in name.Labels)
        {
            question.Add((byte)label.Length);
            foreach (var c in label)
            {
                question.Add((byte)c);
            }
        }

        question.Add(0);
        question.Add((byte)((ushort)type >> 8));
        question.Add((byte)type);
        question.Add((byte)((ushort)recordClass >> 8));
        question.Add((byte)recordClass);
        return [.. question];
    }

    /// <summary>
    /// Asks for <paramref name="question"/> (wire form) with RD, and CD as given. With <paramref name="edns"/> the query
    /// carries OPT with our payload size and the DO bit given; without, no OPT at all, as the client sent none.
    /// </summary>
    /// <returns>The first upstream answer, or null when every upstream failed, timed out or sent nothing valid.</returns>
    public async Task<DnsMessage?> QueryAsync(ReadOnlyMemory<byte> question, bool edns, bool dnssecOk, bool checkingDisabled, CancellationToken token)
    {
        var query = new byte[HeaderLength + question.Length + (edns ? OptLength : 0)];
        query[2] = 0x01; // RD (RFC 1035 §4.1.1)
        query[3] = (byte)(checkingDisabled ? 0x10 : 0);
        query[5] = 1;
        question.Span.CopyTo(query.AsSpan(HeaderLength));
        if (edns)
        {
            // OPT (RFC 6891 §6.1.2): root owner, TYPE 41, CLASS our payload size, TTL holding the DO bit, no options.
            var at = HeaderLength + question.Length;
            query[11] = 1;
            query[at + 2] = 41;
            query[at + 3] = (byte)(payloadSize >> 8);
            query[at + 4] = (byte)payloadSize;
            query[at + 7] = (byte)(dnssecOk ? 0x80 : 0);
        }

        var reply = new byte[ushort.MaxValue];
        var length = await UpstreamExchange.ForwardAsync(_upstreams, timeout, query, reply, fullReply: true, token).ConfigureAwait(false);
        if (length == 0)
        {
            return null;
        }

        try
        {
            return DnsMessage.Parse(new ArraySegment<byte>(reply, 0, length));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reply that matches the query but that ARSoft cannot read counts as no answer.
            return null;
        }
    }
}
