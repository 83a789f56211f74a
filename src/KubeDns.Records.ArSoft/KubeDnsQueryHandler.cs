using System.Collections.Concurrent;
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Forwarding;
using KubeDns.Records.Wire;
using ArSoftRecordType = ARSoft.Tools.Net.Dns.RecordType;
using RecordType = KubeDns.Records.RecordType;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// Answers ARSoft.Tools.Net queries from a <see cref="ClusterState"/>: subscribe <see cref="OnQueryReceivedAsync"/>
/// to <c>DnsServer.QueryReceived</c>, or call <see cref="RespondAsync"/>. Does what ARSoft leaves to handlers
/// (specification.md §15): opcode, class, QDCOUNT and EDNS-version checks, AA, the SOA of negative answers, the EDNS
/// payload size, whole-RRset UDP truncation, SERVFAIL before sync, and forwarding to upstreams when configured.
/// Question names are read with the core's reader, as on the native engine (a dot inside a label never matches a
/// name of ours); under <see cref="ArSoftServer"/> from the client's own bytes, which are also what is forwarded
/// and what the client gets back as its question (docs/server.md).
/// </summary>
public sealed class KubeDnsQueryHandler : IDisposable
{
    /// <summary>Answers cached per snapshot before caching stops; bounds memory against random-case names.</summary>
    private const int MaxCachedAnswers = 16_384;

    private readonly ClusterState _state;
    private readonly int _maxUdpPayload;
    private readonly UpstreamForwarder _upstream;
    private readonly RecursionAllowList _recursion;
    private AnswerCache _cache;

    /// <summary>Creates a handler.</summary>
    /// <param name="state">The cluster to answer from; its current snapshot is read for every query.</param>
    /// <param name="options">Server options (upstreams, payload size); defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public KubeDnsQueryHandler(ClusterState state, ArSoftServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        options ??= new ArSoftServerOptions();
        options.Validate();
        _state = state;
        _maxUdpPayload = options.MaxUdpPayloadSize;
        _upstream = new UpstreamForwarder(options.Upstreams, options.UpstreamTimeout, options.MaxUdpPayloadSize);
        _recursion = RecursionAllowList.Parse(options.RecursionAllowedNetworks, "ArSoftServerOptions.RecursionAllowedNetworks", nameof(options.RecursionAllowedNetworks));
        _cache = new AnswerCache(state.Current);
    }

    /// <summary>Raised after each query is answered, on the thread that answered it.</summary>
    public event EventHandler<QueryAnsweredEventArgs>? QueryAnswered;

    /// <summary>An <c>AsyncEventHandler&lt;QueryReceivedEventArgs&gt;</c> for <c>DnsServer.QueryReceived</c>.</summary>
    /// <param name="sender">The server.</param>
    /// <param name="e">The query; its <c>Response</c> is set.</param>
    /// <returns>A task that completes when the response is set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    public async Task OnQueryReceivedAsync(object sender, QueryReceivedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.Response = await RespondAsync(e.Query, e.TransportProtocol, e.RemoteEndpoint).ConfigureAwait(false);
    }

    /// <summary>Builds the response to one query message.</summary>
    /// <param name="query">The parsed query.</param>
    /// <param name="transport">The transport it arrived on; UDP responses are truncated to the client's size.</param>
    /// <param name="remote">
    /// The client, for <see cref="QueryAnswered"/> and <see cref="ArSoftServerOptions.RecursionAllowedNetworks"/>; may be
    /// null, which counts as a client outside the allowed networks (nothing is forwarded for it).
    /// </param>
    /// <param name="cancellationToken">Cancels forwarding to an upstream.</param>
    /// <returns>The response message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    public async Task<DnsMessageBase> RespondAsync(DnsMessageBase query, TransportProtocol transport, IPEndPoint? remote = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var isTcp = transport != TransportProtocol.Udp;
        if (query is not DnsMessage message)
        {
            // UPDATE (RFC 2136), which ARSoft parses into its own message class, is not implemented.
            DnsMessageBase other = query is ARSoft.Tools.Net.Dns.DynamicUpdate.DnsUpdateMessage update
                ? update.CreateResponseInstance()
                : throw new NotSupportedException($"{query.GetType().Name} messages are not answered.");
            other.ReturnCode = ReturnCode.NotImplemented;
            Raise(string.Empty, RecordType.None, ResponseCode.NotImplemented, isTcp, remote, forwarded: false);
            return other;
        }

        // Read the client's EDNS values first: the response may share the query's OPT record.
        var clientEdns = message.IsEDnsEnabled ? message.EDnsOptions : null;
        var clientVersion = clientEdns?.Version ?? 0;
        var clientPayload = clientEdns?.UdpPayloadSize ?? 0;
        var response = message.CreateResponseInstance();
        response.IsRecursionAllowed = _upstream.IsEnabled;
        var limit = ArSoftServerOptions.MinUdpPayloadSize;
        if (clientEdns is not null)
        {
            // Our payload size, and a limit never above the client's nor below 512 (RFC 6891 §6.2.5); DO is copied.
            limit = Math.Max(ArSoftServerOptions.MinUdpPayloadSize, Math.Min((int)clientPayload, _maxUdpPayload));
            var opt = new OptRecord((ushort)_maxUdpPayload) { IsDnsSecOk = clientEdns.IsDnsSecOk };
            response.AdditionalRecords.RemoveAll(r => r.RecordType == ArSoftRecordType.Opt);
            response.AdditionalRecords.Add(opt);
            if (clientVersion > 0)
            {
                // RFC 6891 §6.1.3: an EDNS version we do not implement gets BADVERS with our version, 0.
                return Refuse(response, ReturnCode.BadVersion, ResponseCode.BadVersion);
            }
        }

        if (message.OperationCode != OperationCode.Query)
        {
            return Refuse(response, ReturnCode.NotImplemented, ResponseCode.NotImplemented);
        }

        if (message.Questions.Count != 1)
        {
            return Refuse(response, ReturnCode.FormatError, ResponseCode.FormatError);
        }

        var question = message.Questions[0];
        var type = (RecordType)(ushort)question.RecordType;
        if (!TryReadQuestion(question, remote, out var name, out var questionBytes))
        {
            // What the native engine rejects too, such as a compression pointer in the question (DnsQuery.TryRead).
            return Refuse(response, ReturnCode.FormatError, ResponseCode.FormatError);
        }

        if (question.RecordType is ArSoftRecordType.Opt or ArSoftRecordType.TKey or ArSoftRecordType.TSig)
        {
            // Meta types are not questions (RFC 6895 §3.1).
            return Refuse(response, ReturnCode.FormatError, ResponseCode.FormatError, name, type);
        }

        if (question.RecordClass != RecordClass.INet || question.RecordType is ArSoftRecordType.Axfr or ArSoftRecordType.Ixfr)
        {
            // Only class IN is served, and zone transfers are replaced by the zone export (specification.md §1, §15).
            return Refuse(response, ReturnCode.Refused, ResponseCode.Refused, name, type);
        }

        var answer = Lookup(name, type);
        var forwarded = false;

        // Not an open resolver (RFC 5358): only clients in the allowed networks that set RD get recursion.
        var mayRecurse = _upstream.IsEnabled && message.IsRecursionDesired && _recursion.Allows(remote?.Address);
        if (_upstream.IsEnabled && !mayRecurse && (answer.Kind == ResolutionKind.OutsideZones || answer.IsReverseFallthrough))
        {
            response.ReturnCode = ReturnCode.Refused;
        }
        else if (_upstream.IsEnabled && (answer.Kind == ResolutionKind.OutsideZones || answer.IsReverseFallthrough))
        {
            forwarded = true;
            var upstream = await _upstream.QueryAsync(
                questionBytes,
                edns: clientEdns is not null,
                dnssecOk: clientEdns?.IsDnsSecOk ?? false,
                message.IsCheckingDisabled,
                cancellationToken).ConfigureAwait(false);
            if (upstream is null)
            {
                response.ReturnCode = ReturnCode.ServerFailure;
            }
            else
            {
                Relay(upstream, response);
            }
        }
        else if (answer.Kind == ResolutionKind.OutsideZones)
        {
            response.ReturnCode = ReturnCode.Refused;
        }
        else
        {
            response.IsAuthoritiveAnswer = answer.IsAuthoritative;
            response.ReturnCode = (ReturnCode)(ushort)answer.ResponseCode;
            response.AnswerRecords.AddRange(answer.Answer);
            response.AuthorityRecords.AddRange(answer.Authority);
            response.AdditionalRecords.AddRange(answer.Additional);
            if (answer.ExternalTarget is not null && mayRecurse && type != RecordType.CNAME)
            {
                forwarded = true;
                await AppendExternalTargetAsync(response, answer.ExternalTarget, question, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!isTcp)
        {
            // Our answers and relayed ones alike keep only whole RRsets that fit (specification.md §15).
            UdpTruncation.Apply(response, question.Name, clientEdns is not null, limit);
        }

        Raise(name, type, (ResponseCode)(ushort)response.ReturnCode, isTcp, remote, forwarded);
        return response;

        DnsMessage Refuse(DnsMessage reply, ReturnCode code, ResponseCode reported, string? qname = null, RecordType qtype = RecordType.None)
        {
            reply.ReturnCode = code;
            Raise(qname ?? string.Empty, qtype, reported, isTcp, remote, forwarded: false);
            return reply;
        }
    }

    /// <summary>Releases nothing today (every upstream query uses a socket of its own); kept so hosts can dispose handlers.</summary>
    public void Dispose()
    {
    }

    private ArSoftAnswer Lookup(string name, RecordType type)
    {
        var snapshot = _state.Current;
        var cache = Volatile.Read(ref _cache);
        if (!ReferenceEquals(cache.Snapshot, snapshot))
        {
            // A new snapshot: answers of the old one no longer apply (its SOA serial alone differs).
            cache = new AnswerCache(snapshot);
            Volatile.Write(ref _cache, cache);
        }

        var key = (name, (ushort)type);
        if (cache.Answers.TryGetValue(key, out var answer))
        {
            return answer;
        }

        answer = ArSoftAnswer.From(snapshot.Resolve(name, type));
        if (cache.Answers.Count < MaxCachedAnswers)
        {
            cache.Answers.TryAdd(key, answer);
        }

        return answer;
    }

    /// <summary>Relays an upstream reply: its code, sections and TC bit; not authoritative (specification.md §15).</summary>
    private static void Relay(DnsMessage upstream, DnsMessage response)
    {
        response.IsAuthoritiveAnswer = false;
        response.IsTruncated = upstream.IsTruncated;
        response.ReturnCode = upstream.ReturnCode;
        response.AnswerRecords.AddRange(upstream.AnswerRecords);
        response.AuthorityRecords.AddRange(upstream.AuthorityRecords);
        foreach (var record in upstream.AdditionalRecords)
        {
            if (record.RecordType != ArSoftRecordType.Opt)
            {
                response.AdditionalRecords.Add(record);
            }
        }
    }

    /// <summary>
    /// Resolves an out-of-zone CNAME target upstream and appends its answer after our CNAMEs, keeping upstream TTLs
    /// and its response code (RFC 6604), as CoreDNS's forward plugin does for ExternalName services.
    /// </summary>
    private async Task AppendExternalTargetAsync(DnsMessage response, string target, DnsQuestion question, CancellationToken token)
    {
        // Our own query: EDNS with our payload size whatever the client sent, since we truncate for the client ourselves.
        var upstream = await _upstream.QueryAsync(
            UpstreamForwarder.Question(DomainName.Parse(target), question.RecordType, question.RecordClass),
            edns: true,
            dnssecOk: false,
            checkingDisabled: false,
            token).ConfigureAwait(false);
        if (upstream is null)
        {
            return;
        }

        response.ReturnCode = upstream.ReturnCode;
        response.IsTruncated |= upstream.IsTruncated;
        response.AnswerRecords.AddRange(upstream.AnswerRecords);
        if (upstream.AnswerRecords.Count == 0)
        {
            response.AuthorityRecords.AddRange(upstream.AuthorityRecords);
        }
    }

    /// <summary>
    /// Reads the question name with the core's reader, as the native engine does (docs/wire.md): a dot or NUL inside a
    /// label becomes NUL, so such a name matches none of ours and, inside our zones, is NXDOMAIN; bytes above 127 are
    /// kept. The bytes are the client's when our transports received the query (<see cref="ReceivedQuery"/>);
    /// otherwise (the handler on a server of the caller's) ARSoft's question re-encoded, in which bytes above 127 are
    /// already '?'.
    /// </summary>
    /// <param name="question">The question as ARSoft parsed it.</param>
    /// <param name="remote">The endpoint ARSoft reported for the query.</param>
    /// <param name="name">The name as text with its trailing dot, letter case kept.</param>
    /// <param name="questionBytes">The question section (name, type, class) in wire form, to forward as it is.</param>
    /// <returns>False when the core reader rejects the query (FORMERR).</returns>
    private static bool TryReadQuestion(DnsQuestion question, IPEndPoint? remote, out string name, out ReadOnlyMemory<byte> questionBytes)
    {
        ReadOnlyMemory<byte> message;
        if (remote is ReceivedQuery received)
        {
            message = received.Message;
        }
        else
        {
            var encoded = UpstreamForwarder.Question(question.Name, question.RecordType, question.RecordClass);
            var built = new byte[DnsQuery.HeaderLength + encoded.Length];
            built[5] = 1; // QDCOUNT
            encoded.CopyTo(built, DnsQuery.HeaderLength);
            message = built;
        }

        Span<char> text = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        if (DnsQuery.TryRead(message.Span, text, out var query) != DnsQueryStatus.Ok)
        {
            name = string.Empty;
            questionBytes = default;
            return false;
        }

        name = query.Name.ToString();
        questionBytes = message.Slice(DnsQuery.HeaderLength, query.QuestionBytes.Length);
        return true;
    }

    /// <summary>Events name the client as its socket reported it, never the transport's wrapper.</summary>
    private void Raise(string name, RecordType type, ResponseCode code, bool isTcp, IPEndPoint? remote, bool forwarded) =>
        QueryAnswered?.Invoke(this, new QueryAnsweredEventArgs(name, type, code, isTcp, remote is ReceivedQuery received ? received.Client : remote, forwarded));

    private sealed class AnswerCache(ClusterSnapshot snapshot)
    {
        public ClusterSnapshot Snapshot { get; } = snapshot;

        public ConcurrentDictionary<(string Name, ushort Type), ArSoftAnswer> Answers { get; } = new();
    }
}
