using System.Diagnostics.Metrics;
using System.Net;
using KubeDns.Records.Serving;
using KubeDns.Records.Forwarding;

namespace KubeDns.Records.ArSoft;

/// <summary>How a <see cref="ArSoftServer"/> listens and what it does with names it does not own (specification.md §15).</summary>
public sealed class ArSoftServerOptions
{
    /// <summary>The smallest UDP payload size DNS allows (RFC 1035 §4.2.1).</summary>
    public const int MinUdpPayloadSize = 512;

    /// <summary>The default EDNS(0) UDP payload size: the DNS Flag Day 2020 value, which avoids IP fragmentation.</summary>
    public const int DefaultUdpPayloadSize = 1232;

    /// <summary>
    /// The address and port for both UDP and TCP. Port 0 picks a free port that both can use; the server reports it in
    /// <see cref="ArSoftServer.LocalEndPoint"/>. Default: 127.0.0.1:5353.
    /// </summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 5353);

    /// <summary>
    /// Upstream resolvers, tried in order. With none, names outside every zone are REFUSED, unknown reverse names get
    /// NXDOMAIN, and a CNAME to an outside target is answered alone. With some, all three are forwarded and the reply
    /// relayed, as CoreDNS's <c>fallthrough</c> + <c>forward</c> does; RA is then set.
    /// </summary>
    public IList<IPEndPoint> Upstreams { get; } = [];

    /// <summary>
    /// The clients whose queries may go to the <see cref="Upstreams"/>, as networks in CIDR notation (<c>10.0.0.0/8</c>,
    /// <c>fc00::/7</c>; a bare address is one host). Default: loopback (127.0.0.0/8, ::1), RFC 1918, 100.64.0.0/10 and
    /// fc00::/7, the ranges pod networks use. Any other client, and any query without RD, gets REFUSED for a name the
    /// cluster does not own, and a CNAME target outside the zones is not chased for it (docs/server.md, "Forwarding");
    /// names in the zones are answered to every client. Empty: nothing is forwarded.
    /// </summary>
    public IList<string> RecursionAllowedNetworks { get; } = [.. RecursionAllowList.Defaults];

    /// <summary>How long to wait for one upstream before trying the next. Default 2 s.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The largest UDP response this server sends (512–65535, default 1232); the limit for a query is
    /// min(client's EDNS size, this), and 512 without EDNS.
    /// </summary>
    public int MaxUdpPayloadSize { get; set; } = DefaultUdpPayloadSize;

    /// <summary>How long an idle TCP connection is kept open waiting for its next query (RFC 7766 §6.2.3). Default 10 s.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most TCP connections served at once (default 256). At the cap a new connection closes the longest-idle one,
    /// and is closed itself only when every connection is mid-query (RFC 7766 §6.2.3; docs/server.md, "TCP connections").
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
    /// is sent to one client network (/24 for IPv4, /56 for IPv6), 0..1,000,000. Default 0: off. Answers over the
    /// rate are dropped, or sent as an empty truncated reply (<see cref="ResponseRateLimitSlip"/>) so a real client
    /// retries over TCP, which is never limited.
    /// </summary>
    public int ResponseRateLimit { get; set; }

    /// <summary>
    /// Of the answers <see cref="ResponseRateLimit"/> suppresses, every this-many-th is sent as an empty truncated reply
    /// (TC = 1) instead of being dropped, 0..10: 0 never, 1 every one. Default 2.
    /// </summary>
    public int ResponseRateLimitSlip { get; set; } = ResponseRateLimiter.DefaultSlip;

    /// <summary>The clock <see cref="ResponseRateLimit"/> measures time by. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Creates the server's meter, <c>KubeDns.Records.ArSoft</c> (docs/server.md, "Metrics"). When null the server
    /// creates the meter itself and disposes it with itself. <c>AddArSoftServer</c> passes the container's factory.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        if (Endpoint is null)
        {
            throw new ArgumentException("ArSoftServerOptions.Endpoint: is required.", nameof(Endpoint));
        }

        if (MaxUdpPayloadSize is < MinUdpPayloadSize or > ushort.MaxValue)
        {
            throw new ArgumentException($"ArSoftServerOptions.MaxUdpPayloadSize: {MaxUdpPayloadSize} is not in {MinUdpPayloadSize}..65535.", nameof(MaxUdpPayloadSize));
        }

        if (UpstreamTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ArSoftServerOptions.UpstreamTimeout: {UpstreamTimeout} must be positive.", nameof(UpstreamTimeout));
        }

        if (TcpIdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ArSoftServerOptions.TcpIdleTimeout: {TcpIdleTimeout} must be positive.", nameof(TcpIdleTimeout));
        }

        if (MaxTcpConnections < 1)
        {
            throw new ArgumentException($"ArSoftServerOptions.MaxTcpConnections: {MaxTcpConnections} must be at least 1.", nameof(MaxTcpConnections));
        }

        if (MaxTcpConnectionsPerClient < 1)
        {
            throw new ArgumentException($"ArSoftServerOptions.MaxTcpConnectionsPerClient: {MaxTcpConnectionsPerClient} must be at least 1.", nameof(MaxTcpConnectionsPerClient));
        }

        if (ResponseRateLimiter.Check(ResponseRateLimit, ResponseRateLimitSlip, TimeProvider, out var option) is { } error)
        {
            throw new ArgumentException($"ArSoftServerOptions.{option}: {error}", option);
        }

        RecursionAllowList.Parse(RecursionAllowedNetworks, "ArSoftServerOptions.RecursionAllowedNetworks", nameof(RecursionAllowedNetworks));
        foreach (var upstream in Upstreams)
        {
            if (upstream is null || upstream.Port == 0)
            {
                throw new ArgumentException($"ArSoftServerOptions.Upstreams: '{upstream}' is not an address with a port.", nameof(Upstreams));
            }
        }
    }
}
