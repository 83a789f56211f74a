using System.Buffers;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using KubeDns.Records.Wire;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// Answers the queries of an ARSoft.Tools.Net <see cref="DnsServer"/> of the caller's from a <see cref="ClusterState"/>:
/// <c>server.QueryReceived += handler.OnQueryReceivedAsync;</c>. Every decision is the core's
/// (<see cref="DnsWire.TryRespond"/>, specification.md §15): the query ARSoft parsed is written back to DNS bytes, the
/// core answers them (protocol codes, SERVFAIL before sync, whole-RRset truncation with the core's exact sizes), and
/// the response bytes are parsed into the <see cref="DnsMessage"/> ARSoft sends. ARSoft re-encodes it with its own name
/// compression; the limits that follow are in the package README and docs/server.md ("The ARSoft adapter").
/// </summary>
public sealed class KubeDnsQueryHandler
{
    /// <summary>
    /// The largest query we hand the core: a header, one question of a 255-byte name (RFC 1035 §3.1) and an OPT record
    /// (RFC 6891 §6.1.2); more questions only make it FORMERR, so two are written at most.
    /// </summary>
    private const int MaxQueryLength = DnsWire.HeaderLength + (2 * (DnsQuery.MaxNameLength + 4)) + DnsWire.OptRecordLength;

    private readonly ClusterState _state;
    private readonly DnsWireOptions _options;

    /// <summary>Creates a handler.</summary>
    /// <param name="state">The cluster to answer from; its current snapshot answers each query.</param>
    /// <param name="options">Payload size, RA and fall-through; defaults when null. Read once: later changes have no effect.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public KubeDnsQueryHandler(ClusterState state, KubeDnsQueryHandlerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        options ??= new KubeDnsQueryHandlerOptions();
        options.Validate();
        _state = state;
        _options = options.ToWireOptions();
    }

    /// <summary>
    /// The handler for <c>DnsServer.QueryReceived</c>: sets <c>e.Response</c> to the core's answer, or leaves it as it
    /// is when the core does not answer (a name outside the cluster zones with
    /// <see cref="KubeDnsQueryHandlerOptions.FallThrough"/>, or a message that is itself a response).
    /// </summary>
    /// <param name="sender">The server (unused).</param>
    /// <param name="e">The query.</param>
    /// <returns>A completed task: answers come from memory.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    public Task OnQueryReceivedAsync(object sender, QueryReceivedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (Respond(e.Query, e.TransportProtocol) is { } response)
        {
            e.Response = response;
        }

        return Task.CompletedTask;
    }

    /// <summary>The core's answer to one query, or null when the core leaves it to others.</summary>
    /// <param name="query">The query as ARSoft parsed it.</param>
    /// <param name="transport">The transport it came on: UDP responses are truncated to the client's size, others never.</param>
    /// <returns>
    /// The response; null for a name outside the cluster zones with <see cref="KubeDnsQueryHandlerOptions.FallThrough"/>
    /// (answer it yourself), and for a message that is not a query (ARSoft then sends SERVFAIL: it cannot drop it).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public DnsMessage? Respond(DnsMessageBase query, TransportProtocol transport)
    {
        ArgumentNullException.ThrowIfNull(query);
        Span<byte> queryBytes = stackalloc byte[MaxQueryLength];
        var queryLength = WriteQuery(query, queryBytes);
        var wireTransport = transport == TransportProtocol.Udp ? DnsTransport.Udp : DnsTransport.Tcp;
        var buffer = ArrayPool<byte>.Shared.Rent(wireTransport == DnsTransport.Udp ? _options.MaxUdpPayloadSize : DnsWire.MaxMessageLength);
        try
        {
            var result = DnsWire.TryRespond(_state.Current, queryBytes[..queryLength], buffer, wireTransport, _options);
            if (result.Status != DnsRespondStatus.Respond)
            {
                return null;
            }

            return DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// True when this handler answers <paramref name="query"/> itself: its name is in a cluster zone, or the core
    /// answers it with a protocol code (FORMERR, NOTIMP, BADVERS, REFUSED for another class). ARSoft runs every
    /// <c>QueryReceived</c> handler at once and the last to set <c>Response</c> wins, so a handler of your own beside
    /// this one skips the queries this returns true for (it asks the core, so it costs one more answer).
    /// </summary>
    /// <param name="query">The query as ARSoft parsed it.</param>
    /// <returns>True when <see cref="Respond"/> returns a response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public bool Answers(DnsMessageBase query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Span<byte> queryBytes = stackalloc byte[MaxQueryLength];
        var queryLength = WriteQuery(query, queryBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(DnsWire.MaxMessageLength);
        try
        {
            return DnsWire.TryRespond(_state.Current, queryBytes[..queryLength], buffer, DnsTransport.Tcp, _options).Status == DnsRespondStatus.Respond;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The query in wire form for the core, written by <see cref="DnsWire.TryWriteQuery"/>: ARSoft's header fields, its
    /// question (the zone of an UPDATE, RFC 2136 §2.3) and its OPT record. Answer and authority records are left out:
    /// the core only skips them.
    /// </summary>
    private static int WriteQuery(DnsMessageBase query, Span<byte> destination)
    {
        var (opcode, recursionDesired, checkingDisabled, questions, question) = query switch
        {
            DnsMessage message => ((int)message.OperationCode, message.IsRecursionDesired, message.IsCheckingDisabled, message.Questions.Count, message.Questions.Count > 0 ? message.Questions[0] : null),
            DnsUpdateMessage update => ((int)OperationCode.Update, false, false, 1, new DnsQuestion(update.ZoneName, ARSoft.Tools.Net.Dns.RecordType.Soa, RecordClass.INet)),
            _ => (0, false, false, 0, null),
        };
        var edns = query.IsEDnsEnabled ? query.EDnsOptions : null;
        var fields = new DnsQueryFields
        {
            Id = query.TransactionID,
            Opcode = opcode,
            RecursionDesired = recursionDesired,
            CheckingDisabled = checkingDisabled,

            // ARSoft's text form escapes as master files do (a dot inside a label as "\.", a byte above 126 as \DDD), which
            // the core's name parser reads back to the same octets; ARSoft already decoded a byte above 127 as '?'.
            Name = question?.Name.ToString() ?? ".",
            Type = (Records.RecordType)(ushort)(question?.RecordType ?? 0),
            Class = (ushort)(question?.RecordClass ?? RecordClass.INet),
            QuestionCount = Math.Min(questions, 2),
            HasEdns = edns is not null,
            UdpPayloadSize = edns?.UdpPayloadSize ?? 0,
            EdnsVersion = edns?.Version ?? 0,
            DnssecOk = edns?.IsDnsSecOk ?? false,
        };
        if (!DnsWire.TryWriteQuery(fields, destination, out var length))
        {
            // A name over 255 octets, which ARSoft's reader lets through: no question, which the core answers FORMERR.
            DnsWire.TryWriteQuery(new DnsQueryFields { Id = query.TransactionID, Opcode = opcode, QuestionCount = 0 }, destination, out length);
        }

        if (!query.IsQuery)
        {
            // The writer writes queries; ARSoft hands on responses too, so QR is set again for the core to drop it.
            destination[2] |= 0x80;
        }

        return length;
    }
}
