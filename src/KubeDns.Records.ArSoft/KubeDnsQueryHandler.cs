using System.Buffers;
using System.Buffers.Binary;
using ARSoft.Tools.Net;
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
    /// (RFC 6891 §6.1.2); a query of more questions is only its header (FORMERR).
    /// </summary>
    private const int MaxQueryLength = DnsQuery.HeaderLength + DnsQuery.MaxNameLength + 4 + 11;

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
    /// The query in wire form for the core (RFC 1035 §4.1): ARSoft's header fields, its one question (the zone of an
    /// UPDATE, RFC 2136 §2.3) and its OPT record. Answer and authority records are left out: the core only skips them.
    /// </summary>
    /// <remarks>
    /// <code>
    ///   ID | QR Opcode AA TC RD | RA Z AD CD RCODE | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
    /// </code>
    /// </remarks>
    private static int WriteQuery(DnsMessageBase query, Span<byte> destination)
    {
        var (opcode, recursionDesired, checkingDisabled, questions) = query switch
        {
            DnsMessage message => ((int)message.OperationCode, message.IsRecursionDesired, message.IsCheckingDisabled, message.Questions.Count),
            DnsUpdateMessage => ((int)OperationCode.Update, false, false, 1),
            _ => (0, false, false, 0),
        };
        var edns = query.IsEDnsEnabled ? query.EDnsOptions : null;
        var flags = (query.IsQuery ? 0 : 0x8000) | (opcode << 11) | (recursionDesired ? 0x0100 : 0) | (checkingDisabled ? 0x0010 : 0);
        BinaryPrimitives.WriteUInt16BigEndian(destination, query.TransactionID);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)flags);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)questions);
        destination[6..10].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)(edns is null || questions != 1 ? 0 : 1));
        if (questions != 1)
        {
            return DnsQuery.HeaderLength;
        }

        var (name, type, recordClass) = query is DnsUpdateMessage update
            ? (update.ZoneName, ARSoft.Tools.Net.Dns.RecordType.Soa, RecordClass.INet)
            : (((DnsMessage)query).Questions[0].Name, ((DnsMessage)query).Questions[0].RecordType, ((DnsMessage)query).Questions[0].RecordClass);
        var position = WriteName(name, destination, DnsQuery.HeaderLength);
        if (position < 0 || position + 4 + (edns is null ? 0 : 11) > destination.Length)
        {
            // Longer than a name may be (ARSoft follows up to 127 labels): the core reads the cut message as FORMERR.
            return DnsQuery.HeaderLength;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[position..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 2)..], (ushort)recordClass);
        position += 4;
        if (edns is not null)
        {
            // OPT (RFC 6891 §6.1.2): root owner, TYPE 41, CLASS = payload size, TTL = extended RCODE, version, DO; no options.
            var opt = destination[position..(position + 11)];
            opt.Clear();
            BinaryPrimitives.WriteUInt16BigEndian(opt[1..], (ushort)Records.RecordType.OPT);
            BinaryPrimitives.WriteUInt16BigEndian(opt[3..], edns.UdpPayloadSize);
            opt[6] = edns.Version;
            opt[7] = (byte)(edns.IsDnsSecOk ? 0x80 : 0);
            position += 11;
        }

        return position;
    }

    /// <summary>
    /// A name label by label (RFC 1035 §3.1), uncompressed. ARSoft decoded each octet as an ASCII character (a byte above
    /// 127 is already '?'), so each character is its octet again; a dot inside a label stays inside it.
    /// </summary>
    /// <returns>The position after the name, or -1 when it does not fit.</returns>
    private static int WriteName(DomainName name, Span<byte> destination, int position)
    {
        foreach (var label in name.Labels)
        {
            if (position + 1 + label.Length >= destination.Length)
            {
                return -1;
            }

            destination[position++] = (byte)label.Length;
            foreach (var c in label)
            {
                destination[position++] = c <= 0x7F ? (byte)c : (byte)'?';
            }
        }

        destination[position++] = 0;
        return position;
    }
}
