using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KubeDns.Records.Kubernetes;
using KubeDns.Records.Server;
using Microsoft.Extensions.Logging;

namespace KubeDns.Records.Tool;

/// <summary>
/// <c>kubedns serve</c>: a real DNS server on UDP and TCP, <see cref="KubeDnsServer"/>. When it answers, it prints exactly
/// one line to standard output, <c>listening on udp://ADDR:PORT tcp://ADDR:PORT</c>; everything else (warnings,
/// reloads, <c>-v</c> query lines) goes to standard error. SIGINT or SIGTERM stops it with exit code 0; SIGHUP reloads the
/// manifests.
/// </summary>
internal static class ServeCommand
{
    private const int DnsPort = 53;

    /// <summary>The longest <c>--watch-debounce</c>: a minute; longer would look like a watcher that never applies.</summary>
    private const int MaxWatchDebounce = 60_000;

    public static Command Create(ClusterOptionSet cluster, TextWriter output, TextWriter error)
    {
        var listen = new Option<string>("--listen", "-l")
        {
            Description = "The address and port for UDP and TCP; port 0 picks a free one.",
            DefaultValueFactory = _ => "127.0.0.1:5353",
            HelpName = "ADDR:PORT",
        };
        var upstreams = new Option<string[]>("--upstream")
        {
            Description = "A resolver for names outside the cluster (repeatable; port 53 by default).",
            HelpName = "HOST[:PORT]",
        };
        var recursionAllow = new Option<string[]>("--recursion-allow")
        {
            Description = "The clients whose queries may be forwarded, as CIDR networks (comma-separated or repeated); default loopback, RFC 1918, 100.64.0.0/10 and fc00::/7. Others get REFUSED for names outside the cluster.",
            HelpName = "CIDR[,CIDR...]",
        };
        var watch = new Option<bool>("--watch")
        {
            Description = "Re-read the manifests when they change and apply the difference; a bad edit is reported and the last good cluster keeps serving.",
        };
        var watchDebounce = new Option<int?>("--watch-debounce")
        {
            Description = $"How long the manifest files must stay unchanged before a reload (--watch or SIGHUP) reads them, in milliseconds; default {ManifestFolderWatcher.DefaultQuietPeriod.TotalMilliseconds:0}.",
            HelpName = "MS",
        };
        var health = new Option<string>("--health-listen")
        {
            Description = "Serve /health, /ready (200 once synced, else 503) and /metrics (Prometheus) over HTTP on this address.",
            HelpName = "ADDR:PORT",
        };
        var receivers = new Option<int?>("--udp-receivers")
        {
            Description = "UDP receive loops (threads); default one per core.",
            HelpName = "N",
        };
        var reusePort = new Option<bool>("--reuse-port")
        {
            Description = "One SO_REUSEPORT socket per UDP receive loop, so the kernel spreads datagrams across them.",
        };
        var batch = new Option<int?>("--udp-batch")
        {
            Description = "Datagrams per recvmmsg/sendmmsg call on Linux (1 turns batching off); default 32.",
            HelpName = "N",
        };
        var tcpMax = new Option<int?>("--tcp-max-connections")
        {
            Description = "The most TCP connections at once; at the cap a new one closes the longest-idle connection. Default 256.",
            HelpName = "N",
        };
        var tcpPerClient = new Option<int?>("--tcp-max-per-client")
        {
            Description = "The most TCP connections from one client address; a client at its cap gives up its own longest-idle connection. Default 16.",
            HelpName = "N",
        };
        var rrlRate = new Option<int?>("--rrl-rate")
        {
            Description = "Response rate limiting on UDP: the most times a second one answer is sent to one client network (/24, /56); 0 or absent turns it off.",
            HelpName = "N",
        };
        var rrlSlip = new Option<int?>("--rrl-slip")
        {
            Description = "With --rrl-rate: every Nth suppressed answer is sent as an empty truncated reply, so real clients retry over TCP (0 never, 1 always). Default 2.",
            HelpName = "N",
        };

        var command = new Command("serve", "Run the cluster DNS server on UDP and TCP until SIGINT or SIGTERM.");
        cluster.AddTo(command);
        command.Options.Add(listen);
        command.Options.Add(upstreams);
        command.Options.Add(recursionAllow);
        command.Options.Add(watch);
        command.Options.Add(watchDebounce);
        command.Options.Add(health);
        command.Options.Add(receivers);
        command.Options.Add(reusePort);
        command.Options.Add(batch);
        command.Options.Add(tcpMax);
        command.Options.Add(tcpPerClient);
        command.Options.Add(rrlRate);
        command.Options.Add(rrlSlip);
        command.SetAction((result, _) => RunAsync(new Settings(
            cluster,
            cluster.Live,
            result,
            ParseEndPoint(result.GetValue(listen)!, "--listen", defaultPort: null),
            [.. (result.GetValue(upstreams) ?? []).Select(u => ParseEndPoint(u, "--upstream", DnsPort))],
            result.GetValue(watch),
            result.GetValue(watchDebounce),
            cluster.Diagnostics(result, error),
            result.GetValue(health) is { } healthText ? ParseEndPoint(healthText, "--health-listen", defaultPort: null) : null,
            result.GetValue(receivers),
            result.GetValue(reusePort),
            result.GetValue(batch),
            result.GetValue(tcpMax),
            result.GetValue(tcpPerClient),
            result.GetValue(rrlRate),
            result.GetValue(rrlSlip),
            // Absent: the server's default list. Given, even empty: exactly the networks listed.
            result.GetResult(recursionAllow) is null ? null
                : [.. (result.GetValue(recursionAllow) ?? []).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))]), output, error));
        return command;
    }

    private static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter error)
    {
        settings.Live.Validate(settings.Result, settings.Cluster, settings.Watch, serving: true);
        ValidateServerOptions(settings);
        var isLive = settings.Live.IsLive(settings.Result);
        if (isLive && settings.WatchDebounce is not null)
        {
            throw new UsageException("--watch-debounce times manifest reloads; a live cluster is always watched");
        }

        ClusterState state;
        KubernetesFeed? feed = null;
        ManifestWatcher? watcher = null;
        if (isLive)
        {
            // The server starts before the first list arrives: until the feed has synced it answers SERVFAIL
            // where it would say NXDOMAIN (specification.md §12), which clients retry instead of caching.
            var dnsOptions = settings.Cluster.ToDnsOptions(settings.Result);
            var client = settings.Live.CreateClient(settings.Result);
            state = ClusterOptionSet.CreateState(dnsOptions, settings.Diagnostics);
            var logger = new StderrLogger(error, settings.Diagnostics.IsQuiet ? LogLevel.Error : settings.Diagnostics.IsVerbose ? LogLevel.Debug : LogLevel.Information);
            feed = new KubernetesFeed(state, client, settings.Live.ToFeedOptions(settings.Result, dnsOptions, logger));
        }
        else
        {
            // The watcher starts from the files as they were before the first read (ClusterManifest.Load keeps that
            // listing): an edit made while the server starts is a change, not lost before the watcher's first look.
            var paths = settings.Cluster.Paths(settings.Result);
            (state, var manifest, var manifestOptions) = settings.Cluster.Build(settings.Result, settings.Diagnostics);
            var quietPeriod = settings.WatchDebounce is { } ms ? TimeSpan.FromMilliseconds(ms) : ManifestFolderWatcher.DefaultQuietPeriod;
            watcher = new ManifestWatcher(paths, manifestOptions!, state, manifest!, settings.Watch, quietPeriod, settings.Diagnostics);
        }

        await using var feedLifetime = feed;
        using var watcherLifetime = watcher;
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        // SIGHUP reloads the manifests, as it makes CoreDNS (reload plugin) and most daemons re-read their
        // configuration, rather than ending the process (its default action, POSIX.1-2017 signal.h).
        using var sighup = HangupSignal.Register(Reload);

        await using var server = CreateServer(state, settings, settings.Diagnostics.IsVerbose ? (isTcp, remote, name, type, code, forwarded) => error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.Now:HH:mm:ss.fff} {(isTcp ? "tcp" : "udp")} {remote} {QueryCommand.Absolute(name)} {Resolution.TypeText(type)} {Resolution.StatusText(code)}{(forwarded ? " (forwarded)" : string.Empty)}")) : null);

        try
        {
            await server.StartAsync().ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"kubedns: cannot listen on {Format(settings.Listen)}: {Reason(e)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var bound = Format(server.LocalEndPoint!);
        await output.WriteLineAsync($"listening on udp://{bound} tcp://{bound}").ConfigureAwait(false);

        // Started before the feed's first list: liveness holds while /ready still says 503 (not synced).
        await using var healthServer = settings.Health is { } healthEndPoint
            ? new HealthServer(healthEndPoint, () => state.Current.IsSynced, ["KubeDns.Records"])
            : null;
        if (healthServer is not null)
        {
            try
            {
                await healthServer.StartAsync().ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                await error.WriteLineAsync($"kubedns: cannot listen on {Format(settings.Health!)} (--health-listen): {Reason(e)}").ConfigureAwait(false);
                await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await output.WriteLineAsync($"health on http://{Format(healthServer.LocalEndPoint)}").ConfigureAwait(false);
        }

        await output.FlushAsync().ConfigureAwait(false);

        using var stopWatching = new CancellationTokenSource();
        var watching = watcher?.RunAsync(stopWatching.Token) ?? Task.CompletedTask;
        if (feed is not null)
        {
            await feed.StartAsync().ConfigureAwait(false);
        }

        await stopped.Task.ConfigureAwait(false);
        await stopWatching.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        if (feed is not null)
        {
            await feed.StopAsync().ConfigureAwait(false);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await server.StopAsync(deadline.Token).ConfigureAwait(false);
        await error.FlushAsync().ConfigureAwait(false);
        return ExitCodes.Success;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // exit through the normal path, with code 0
            stopped.TrySetResult();
        }

        void Reload(PosixSignalContext context)
        {
            context.Cancel = true; // keep running
            if (watcher is null)
            {
                settings.Diagnostics.Notice("nothing to reload (SIGHUP): a live cluster is always watched");
            }
            else
            {
                watcher.RequestReload();
            }
        }
    }

    /// <summary>Parses <c>127.0.0.1:5353</c>, <c>[::1]:5353</c>, or a host name or address alone when a default port is given.</summary>
    /// <exception cref="UsageException">The text is not an endpoint.</exception>
    private static void ValidateServerOptions(Settings settings)
    {
        if (settings.UdpReceivers is < 1 or > 256)
        {
            throw new UsageException($"--udp-receivers: '{settings.UdpReceivers}' is not between 1 and 256");
        }

        if (settings.UdpBatchSize is < 1 or > KubeDnsServerOptions.MaxUdpBatchSize)
        {
            throw new UsageException($"--udp-batch: '{settings.UdpBatchSize}' is not between 1 and {KubeDnsServerOptions.MaxUdpBatchSize}");
        }

        if (settings.WatchDebounce is < 0 or > MaxWatchDebounce)
        {
            throw new UsageException($"--watch-debounce: '{settings.WatchDebounce}' is not between 0 and {MaxWatchDebounce} milliseconds");
        }

        if (settings.MaxTcpConnections is < 1)
        {
            throw new UsageException($"--tcp-max-connections: '{settings.MaxTcpConnections}' is not at least 1");
        }

        if (settings.MaxTcpConnectionsPerClient is < 1)
        {
            throw new UsageException($"--tcp-max-per-client: '{settings.MaxTcpConnectionsPerClient}' is not at least 1");
        }

        if (settings.RrlRate is < 0 or > KubeDnsServerOptions.MaxResponseRateLimit)
        {
            throw new UsageException($"--rrl-rate: '{settings.RrlRate}' is not between 0 and {KubeDnsServerOptions.MaxResponseRateLimit}");
        }

        if (settings.RrlSlip is < 0 or > KubeDnsServerOptions.MaxResponseRateLimitSlip)
        {
            throw new UsageException($"--rrl-slip: '{settings.RrlSlip}' is not between 0 and {KubeDnsServerOptions.MaxResponseRateLimitSlip}");
        }

        if (settings.RrlSlip is not null && settings.RrlRate is null)
        {
            throw new UsageException($"--rrl-slip: '{settings.RrlSlip}' needs --rrl-rate, which turns response rate limiting on");
        }

        if (settings.RecursionAllow is { } networks && !Forwarding.RecursionAllowList.TryParse(networks, out _, out var networkError))
        {
            throw new UsageException($"--recursion-allow: {networkError}");
        }
    }

    internal static IPEndPoint ParseEndPoint(string text, string option, int? defaultPort)
    {
        if (HasPort(text) && IPEndPoint.TryParse(text, out var endpoint))
        {
            return endpoint;
        }

        if (defaultPort is not int port)
        {
            throw new UsageException($"{option}: '{text}' is not ADDRESS:PORT, such as 127.0.0.1:5353 or [::1]:5353");
        }

        if (IPAddress.TryParse(text.Trim('[', ']'), out var address))
        {
            return new IPEndPoint(address, port);
        }

        var (host, hostPort) = SplitHost(text, port);
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses[0], hostPort);
            }
        }
        catch (SocketException)
        {
            // Reported below, as for a name without addresses.
        }

        throw new UsageException($"{option}: '{text}' is not an address, or a host name that resolves");
    }

    private static bool HasPort(string text) =>
        text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Count(c => c == ':') == 1;

    private static (string Host, int Port) SplitHost(string text, int defaultPort)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && text.IndexOf(':') == colon
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            return (text[..colon], port);
        }

        return (text, defaultPort);
    }

    private static string Format(IPEndPoint endpoint) => endpoint.ToString();

    private static string Reason(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "the address is already in use (another DNS server? pick another port with --listen)",
        SocketError.AccessDenied => "permission denied (ports below 1024 need privileges; try --listen 127.0.0.1:5353)",
        SocketError.AddressNotAvailable => "the address is not on this machine",
        _ => e.Message,
    };


    private sealed record Settings(
        ClusterOptionSet Cluster,
        LiveClusterOptions Live,
        ParseResult Result,
        IPEndPoint Listen,
        IReadOnlyList<IPEndPoint> Upstreams,
        bool Watch,
        int? WatchDebounce,
        Diagnostics Diagnostics,
        IPEndPoint? Health,
        int? UdpReceivers,
        bool ReusePort,
        int? UdpBatchSize,
        int? MaxTcpConnections,
        int? MaxTcpConnectionsPerClient,
        int? RrlRate,
        int? RrlSlip,
        IReadOnlyList<string>? RecursionAllow);

    /// <summary>The server the settings describe, not started.</summary>
    private static KubeDnsServer CreateServer(ClusterState state, Settings settings, Action<bool, IPEndPoint?, string, RecordType, ResponseCode, bool>? log)
    {
        var options = new KubeDnsServerOptions
        {
            Forwarder = settings.Upstreams.Count > 0 ? new UdpDnsForwarder(settings.Upstreams, TimeSpan.FromSeconds(2)) : null,
        };
        options.UdpReceivers = settings.UdpReceivers ?? options.UdpReceivers;
        options.ReusePort = settings.ReusePort;
        options.UdpBatchSize = settings.UdpBatchSize ?? options.UdpBatchSize;
        options.MaxTcpConnections = settings.MaxTcpConnections ?? options.MaxTcpConnections;
        options.MaxTcpConnectionsPerClient = settings.MaxTcpConnectionsPerClient ?? options.MaxTcpConnectionsPerClient;
        options.ResponseRateLimit = settings.RrlRate ?? options.ResponseRateLimit;
        options.ResponseRateLimitSlip = settings.RrlSlip ?? options.ResponseRateLimitSlip;
        options.Endpoints.Clear();
        options.Endpoints.Add(settings.Listen);
        SetNetworks(options.RecursionAllowedNetworks, settings.RecursionAllow);
        var server = new KubeDnsServer(state, options);
        if (log is not null)
        {
            // The server gives the name in the core's text form; the log shows it as dig would (RFC 1035 §5.1).
            server.QueryAnswered += (_, e) => log(e.IsTcp, e.RemoteEndPoint, Records.Wire.DnsName.Format(e.Name), e.Type, e.ResponseCode, e.Forwarded);
        }

        return server;
    }

    /// <summary>Replaces the server's default allow list when <c>--recursion-allow</c> was given.</summary>
    private static void SetNetworks(IList<string> target, IReadOnlyList<string>? networks)
    {
        if (networks is null)
        {
            return;
        }

        target.Clear();
        foreach (var network in networks)
        {
            target.Add(network);
        }
    }
}
