using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ArSoftRecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// A tiny upstream resolver on 127.0.0.1 (plain ARSoft <see cref="DnsServer"/>): any A query gets
/// <c>&lt;name&gt; 300 IN A 192.0.2.1</c>, <c>8.8.8.8.in-addr.arpa PTR</c> gets <c>dns.google.</c>, names starting with
/// <c>missing.</c> get NXDOMAIN, and names starting with <c>many.</c> get 100 A records (192.0.2.1 … 192.0.2.100).
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    /// <summary>ARSoft's Stop throws and leaves sockets bound when called before its accept loops run (arsoft.md §8).</summary>
    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromMilliseconds(100);

    private readonly DnsServer _server;
    private readonly UdpServerTransport _udp;
    private readonly TcpServerTransport _tcp;
    private readonly Stopwatch _age = Stopwatch.StartNew();
    private int _queries;

    private FakeUpstream(IPEndPoint endPoint, UdpServerTransport udp, TcpServerTransport tcp, DnsServer server)
    {
        EndPoint = endPoint;
        _udp = udp;
        _tcp = tcp;
        _server = server;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>How many queries reached this upstream.</summary>
    public int Queries => Volatile.Read(ref _queries);

    public static FakeUpstream Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, TestServers.FreePort());
            var udp = new UdpServerTransport(endPoint);
            var tcp = new TcpServerTransport(endPoint);
            var server = new DnsServer(udp, tcp);
            var upstream = new FakeUpstream(endPoint, udp, tcp, server);
            server.QueryReceived += upstream.OnQueryReceivedAsync;
            try
            {
                server.Start();
                return upstream;
            }
            catch (SocketException) when (attempt < 10)
            {
                // Someone took the port between the probe and the bind: try another.
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        var wait = MinimumLifetime - _age.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        try
        {
            _server.Stop();
        }
        catch (AggregateException)
        {
            // ARSoft's Stop throws when its loops had not started; the transports are disposed below either way.
        }

        _udp.Dispose();
        _tcp.Dispose();
    }

    private Task OnQueryReceivedAsync(object sender, QueryReceivedEventArgs e)
    {
        Interlocked.Increment(ref _queries);
        if (e.Query is not DnsMessage query || query.Questions.Count != 1)
        {
            return Task.CompletedTask;
        }

        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = true;
        var question = query.Questions[0];
        var first = question.Name.Labels[0];
        if (first.Equals("missing", StringComparison.OrdinalIgnoreCase))
        {
            response.ReturnCode = ReturnCode.NxDomain;
        }
        else if (question.RecordType == ArSoftRecordType.A && first.Equals("many", StringComparison.OrdinalIgnoreCase))
        {
            for (var i = 1; i <= 100; i++)
            {
                response.AnswerRecords.Add(new ARecord(question.Name, 300, IPAddress.Parse($"192.0.2.{i}")));
            }
        }
        else if (question.RecordType == ArSoftRecordType.A)
        {
            response.AnswerRecords.Add(new ARecord(question.Name, 300, IPAddress.Parse("192.0.2.1")));
        }
        else if (question.RecordType == ArSoftRecordType.Ptr && question.Name.Equals(DomainName.Parse("8.8.8.8.in-addr.arpa")))
        {
            response.AnswerRecords.Add(new PtrRecord(question.Name, 300, DomainName.Parse("dns.google")));
        }

        e.Response = response;
        return Task.CompletedTask;
    }
}
