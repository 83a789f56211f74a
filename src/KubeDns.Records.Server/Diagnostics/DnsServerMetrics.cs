using System.Diagnostics.Metrics;

namespace KubeDns.Records.Diagnostics;

/// <summary>
/// The counters the server keeps, published as observable instruments on a <see cref="Meter"/>: answering a query
/// costs one <see cref="Interlocked.Increment(ref long)"/>, and the totals are read only when a listener collects. The
/// server names the meter (<c>KubeDnsServer.MeterName</c>).
/// </summary>
internal sealed class DnsServerMetrics : IDisposable
{
    /// <summary>DNS responses sent, tagged with <see cref="ResponseCodeTag"/> and <see cref="TransportTag"/>.</summary>
    public const string ResponsesInstrument = "kubedns.dns.responses";

    /// <summary>Queries relayed to an upstream resolver.</summary>
    public const string ForwardedInstrument = "kubedns.dns.forwarded";

    /// <summary>Messages dropped unanswered.</summary>
    public const string DroppedInstrument = "kubedns.dns.dropped";

    /// <summary>Idle TCP connections closed to make room for a newcomer (RFC 7766 §6.2.3).</summary>
    public const string TcpEvictedInstrument = "kubedns.dns.tcp.evicted";

    /// <summary>New TCP connections closed at once: over a cap with every candidate mid-query.</summary>
    public const string TcpRefusedInstrument = "kubedns.dns.tcp.refused";

    /// <summary>UDP answers response rate limiting suppressed and sent nothing for (docs/server.md, "Response rate limiting").</summary>
    public const string RrlDroppedInstrument = "kubedns.dns.rrl.dropped";

    /// <summary>UDP answers response rate limiting suppressed and replaced with an empty truncated reply.</summary>
    public const string RrlSlippedInstrument = "kubedns.dns.rrl.slipped";

    /// <summary>The response code as dig prints it (NOERROR, NXDOMAIN …).</summary>
    public const string ResponseCodeTag = "dns.response_code";

    /// <summary>"udp" or "tcp", as in the OpenTelemetry semantic conventions.</summary>
    public const string TransportTag = "network.transport";

    /// <summary>The 4-bit header codes (RFC 1035 §4.1.1) and BADVERS, 16 (RFC 6891 §9).</summary>
    private const int Codes = 17;

    private static readonly string[] CodeNames = CreateCodeNames();

    private readonly long[] _responses = new long[2 * Codes];
    private readonly bool _ownsMeter;
    private long _forwarded;
    private long _dropped;
    private long _tcpEvicted;
    private long _tcpRefused;
    private long _rrlDropped;
    private long _rrlSlipped;

    /// <summary>Creates the meter (from <paramref name="factory"/> when given) and its instruments.</summary>
    public DnsServerMetrics(string meterName, IMeterFactory? factory)
    {
        if (factory is null)
        {
            Meter = new Meter(meterName);
            _ownsMeter = true;
        }
        else
        {
            // The factory owns what it creates and disposes it with the container.
            Meter = factory.Create(new MeterOptions(meterName));
        }

        Meter.CreateObservableCounter(ResponsesInstrument, ObserveResponses, "{response}", "DNS responses sent, by response code and transport");
        Meter.CreateObservableCounter(ForwardedInstrument, () => Forwarded, "{query}", "DNS queries relayed to an upstream resolver");
        Meter.CreateObservableCounter(DroppedInstrument, () => Dropped, "{message}", "DNS messages dropped unanswered: runts, responses, failed sends");
        Meter.CreateObservableCounter(TcpEvictedInstrument, () => Interlocked.Read(ref _tcpEvicted), "{connection}", "Idle TCP connections closed to make room for a new one");
        Meter.CreateObservableCounter(TcpRefusedInstrument, () => Interlocked.Read(ref _tcpRefused), "{connection}", "New TCP connections closed at once, over a cap with every other connection mid-query");
        Meter.CreateObservableCounter(RrlDroppedInstrument, () => Interlocked.Read(ref _rrlDropped), "{response}", "UDP answers over the response rate limit, not sent");
        Meter.CreateObservableCounter(RrlSlippedInstrument, () => Interlocked.Read(ref _rrlSlipped), "{response}", "UDP answers over the response rate limit, sent as an empty truncated reply");
    }

    public Meter Meter { get; }

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Counts one response sent with <paramref name="code"/>.</summary>
    public void Response(ResponseCode code, bool tcp)
    {
        if ((int)code < Codes)
        {
            Interlocked.Increment(ref _responses[(tcp ? Codes : 0) + (int)code]);
        }
    }

    public void Forward() => Interlocked.Increment(ref _forwarded);

    public void Drop() => Interlocked.Increment(ref _dropped);

    public void TcpEvict() => Interlocked.Increment(ref _tcpEvicted);

    public void TcpRefuse() => Interlocked.Increment(ref _tcpRefused);

    public void RrlDrop() => Interlocked.Increment(ref _rrlDropped);

    public void RrlSlip() => Interlocked.Increment(ref _rrlSlipped);

    /// <summary>Responses with <paramref name="code"/> over both transports.</summary>
    public long ResponsesWith(ResponseCode code) => (int)code < Codes
        ? Interlocked.Read(ref _responses[(int)code]) + Interlocked.Read(ref _responses[Codes + (int)code])
        : 0;

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private static string[] CreateCodeNames()
    {
        var names = new string[Codes];
        for (var code = 0; code < Codes; code++)
        {
            names[code] = Resolution.StatusText((ResponseCode)code);
        }

        return names;
    }

    /// <summary>One measurement per transport and code seen so far (codes never sent are left out).</summary>
    private List<Measurement<long>> ObserveResponses()
    {
        var measurements = new List<Measurement<long>>();
        for (var i = 0; i < _responses.Length; i++)
        {
            var count = Interlocked.Read(ref _responses[i]);
            if (count > 0)
            {
                measurements.Add(new Measurement<long>(
                    count,
                    new KeyValuePair<string, object?>(ResponseCodeTag, CodeNames[i % Codes]),
                    new KeyValuePair<string, object?>(TransportTag, i < Codes ? "udp" : "tcp")));
            }
        }

        return measurements;
    }
}
