using System.Diagnostics.Metrics;
using System.Net;
using KubeDns.Records.Forwarding;
using KubeDns.Records.Serving;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>How a <see cref="KubeDnsServer"/> listens and what it does with names it does not own.</summary>
public sealed class KubeDnsServerOptions
{
    /// <summary>The largest <see cref="UdpBatchSize"/>: the kernel's cap on one recvmmsg/sendmmsg vector (UIO_MAXIOV).</summary>
    public const int MaxUdpBatchSize = 1024;

    /// <summary>The largest <see cref="ResponseRateLimit"/>: a million responses per second per answer and client network.</summary>
    public const int MaxResponseRateLimit = ResponseRateLimiter.MaxRate;

    /// <summary>The largest <see cref="ResponseRateLimitSlip"/>.</summary>
    public const int MaxResponseRateLimitSlip = ResponseRateLimiter.MaxSlip;

    /// <summary>
    /// The endpoint served when <see cref="Endpoints"/> is empty: 127.0.0.1:5353, the port a DNS server run without
    /// privileges listens on. Each call returns a new instance.
    /// </summary>
    public static IPEndPoint DefaultEndpoint => new(IPAddress.Loopback, 5353);

    /// <summary>
    /// The endpoints to serve, each on UDP and TCP (IPv4 and IPv6 both work); port 0 picks a free port
    /// (<see cref="KubeDnsServer.LocalEndPoints"/> tells which). Empty by default, which serves
    /// <see cref="DefaultEndpoint"/> alone: the default applies only when none is given, so adding an endpoint never
    /// binds 5353 as well (docs/server.md, "Endpoints").
    /// </summary>
    public IList<IPEndPoint> Endpoints { get; } = [];

    /// <summary>The largest <see cref="UdpReceivers"/>.</summary>
    public const int MaxUdpReceivers = 256;

    /// <summary>UDP receive loops per endpoint (1..<see cref="MaxUdpReceivers"/>; default: one per core). Each runs on its own thread.</summary>
    public int UdpReceivers { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Gives each UDP receive loop its own socket with <c>SO_REUSEPORT</c>, so the kernel spreads datagrams over them
    /// (Linux). When false, the loops share one socket.
    /// </summary>
    public bool ReusePort { get; set; }

    /// <summary>
    /// The most datagrams one UDP receive loop takes, and answers, per system call (1–1024, default 32). On Linux the
    /// loops use <c>recvmmsg</c>/<c>sendmmsg</c>: they wait for the first datagram, take whatever else is already
    /// queued up to this many, and send all the answers at once. 1 turns batching off (one receive and one send
    /// system call per datagram), as do platforms without these calls, where the loops fall back on their own.
    /// </summary>
    public int UdpBatchSize { get; set; } = 32;

    /// <summary>Our EDNS UDP payload size and the cap on UDP responses (512–65535). Default 1232.</summary>
    public int MaxUdpPayloadSize { get; set; } = DnsWire.DefaultUdpPayloadSize;

    /// <summary>How long a TCP connection may stay idle, or take to send a message (RFC 7766 §6.2.3). Default 10 s.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most TCP connections at once (default 256). At the cap a new connection closes the longest-idle one, and is
    /// closed itself only when every connection is mid-query (RFC 7766 §6.2.3; docs/server.md, "TCP connections").
    /// </summary>
    public int MaxTcpConnections { get; set; } = 256;

    /// <summary>
    /// The most TCP connections from one client address (default 16). A client at its cap that connects again gives up
    /// its own longest-idle connection, so a forwarder's pool of connections keeps working; the newcomer is closed only
    /// when all of that client's connections are mid-query (docs/server.md, "TCP connections").
    /// </summary>
    public int MaxTcpConnectionsPerClient { get; set; } = TcpConnectionTable.DefaultMaxPerClient;

    /// <summary>
    /// UDP response rate limiting (docs/server.md, "Response rate limiting"): the most times a second the same answer
    /// is sent to one client network (/24 for IPv4, /56 for IPv6), 0..<see cref="MaxResponseRateLimit"/>. Default 0:
    /// off. Answers over the rate are dropped, or sent as an empty truncated reply (<see cref="ResponseRateLimitSlip"/>)
    /// so a real client retries over TCP, which is never limited.
    /// </summary>
    public int ResponseRateLimit { get; set; }

    /// <summary>
    /// Of the answers <see cref="ResponseRateLimit"/> suppresses, every this-many-th is sent as an empty truncated reply
    /// (TC = 1) instead of being dropped, 0..<see cref="MaxResponseRateLimitSlip"/>: 0 never, 1 every one. Default 2.
    /// </summary>
    public int ResponseRateLimitSlip { get; set; } = ResponseRateLimiter.DefaultSlip;

    /// <summary>The clock <see cref="ResponseRateLimit"/> measures time by. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Answers names outside every zone and reverse names nobody owns; sets RA. Without one they get REFUSED and
    /// NXDOMAIN (specification.md §15). See <see cref="UdpDnsForwarder"/>.
    /// </summary>
    public IDnsForwarder? Forwarder { get; set; }

    /// <summary>
    /// The clients whose queries may go to <see cref="Forwarder"/>, as networks in CIDR notation (<c>10.0.0.0/8</c>,
    /// <c>fc00::/7</c>; a bare address is one host). Default: loopback (127.0.0.0/8, ::1), RFC 1918, 100.64.0.0/10 and
    /// fc00::/7, the ranges pod networks use. Any other client, and any query without RD, gets REFUSED for a name the
    /// cluster does not own, and a CNAME target outside the zones is not chased for it (docs/server.md, "Forwarding");
    /// names in the zones are answered to every client. Empty: nothing is forwarded.
    /// </summary>
    public IList<string> RecursionAllowedNetworks { get; } = [.. RecursionAllowList.Defaults];

    /// <summary>
    /// Creates the server's meter, <c>KubeDns.Records.Server</c> (docs/server.md, "Metrics"). When null the server
    /// creates the meter itself and disposes it with itself. <c>AddKubeDnsServer</c> passes the container's factory.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">
    /// An option is out of range; the message names it and its value, and <see cref="ArgumentException.ParamName"/> is
    /// the option's name.
    /// </exception>
    public void Validate()
    {
        if (FirstProblem(out var option) is { } problem)
        {
            throw new ArgumentException($"KubeDnsServerOptions.{option}: {problem}", option);
        }
    }

    /// <summary>
    /// The first option out of range, in declaration order: what is wrong with it, the value quoted, and in
    /// <paramref name="option"/> its name; null when every option is valid. Each option's rule is written here once
    /// (the rate limiter's own, <see cref="ResponseRateLimiter.Check"/>, included).
    /// </summary>
    private string? FirstProblem(out string option)
    {
        option = nameof(Endpoints);
        if (Endpoints.Any(e => e is null))
        {
            return "an endpoint is null.";
        }

        option = nameof(UdpReceivers);
        if (UdpReceivers is < 1 or > MaxUdpReceivers)
        {
            return $"{UdpReceivers} is not in 1..{MaxUdpReceivers}.";
        }

        option = nameof(UdpBatchSize);
        if (UdpBatchSize is < 1 or > MaxUdpBatchSize)
        {
            return $"{UdpBatchSize} is not in 1..{MaxUdpBatchSize}.";
        }

        option = nameof(MaxUdpPayloadSize);
        if (MaxUdpPayloadSize is < DnsWire.MinUdpPayloadSize or > DnsWire.MaxMessageLength)
        {
            return $"{MaxUdpPayloadSize} is not in {DnsWire.MinUdpPayloadSize}..{DnsWire.MaxMessageLength}.";
        }

        option = nameof(TcpIdleTimeout);
        if (TcpIdleTimeout <= TimeSpan.Zero)
        {
            return $"{TcpIdleTimeout} must be positive.";
        }

        option = nameof(MaxTcpConnections);
        if (MaxTcpConnections < 1)
        {
            return $"{MaxTcpConnections} must be at least 1.";
        }

        option = nameof(MaxTcpConnectionsPerClient);
        if (MaxTcpConnectionsPerClient < 1)
        {
            return $"{MaxTcpConnectionsPerClient} must be at least 1.";
        }

        if (ResponseRateLimiter.Check(ResponseRateLimit, ResponseRateLimitSlip, TimeProvider, out option) is { } rateProblem)
        {
            return rateProblem;
        }

        option = nameof(RecursionAllowedNetworks);
        return RecursionAllowList.TryParse(RecursionAllowedNetworks, out _, out var networkProblem) ? null : networkProblem;
    }
}
