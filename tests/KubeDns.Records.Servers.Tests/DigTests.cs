using System.Collections.Concurrent;
using System.Net;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// Every row of the conformance table (<see cref="ConformanceCases"/>, specification.md §5 and §14.2) asked with the
/// real <c>dig</c> of one <see cref="KubeDnsServer"/>, over UDP and over TCP: status, flags and each section as dig
/// prints them must be the table's zone-file lines.
/// </summary>
public sealed class DigConformanceTests(DigConformanceFixture fixture) : IClassFixture<DigConformanceFixture>
{
    public static TheoryData<string, string> CasesByTransport()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in DigConformanceFixture.Askable)
        {
            data.Add(c.Id, "+notcp");
            data.Add(c.Id, "+tcp");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CasesByTransport))]
    public async Task Dig_Case_PrintsTheTablesAnswer(string id, string transport)
    {
        var c = DigConformanceFixture.Askable.Single(x => x.Id == id);

        var (output, serial) = await fixture.ReplyAsync(c, transport);

        var (answer, authority, additional) = c.ExpectedSections(serial);
        Assert.Equal(c.Status, Dig.Status(output));
        Assert.Equal(c.IsAuthoritative ? "qr aa rd" : "qr rd", Dig.Flags(output));
        Assert.Equal(answer, Dig.Section(output, "ANSWER"));
        Assert.Equal(authority, Dig.Section(output, "AUTHORITY"));
        Assert.Equal(additional, Dig.Section(output, "ADDITIONAL"));
        Assert.Contains(transport == "+tcp" ? "(TCP)" : "(UDP)", output);
    }
}

/// <summary>
/// One <see cref="KubeDnsServer"/> (127.0.0.1, ephemeral port) for each cluster setup the table names, started when a
/// case first needs it, and one dig run per setup and transport that asks every case of that setup at once, so the
/// whole table costs a few dig processes rather than one per case (dig +time=2 +tries=1, <see cref="Dig.RunAsync"/>).
/// </summary>
public sealed class DigConformanceFixture : IAsyncDisposable
{
    /// <summary>
    /// The cases dig can ask: all but names with an empty label (<c>.cluster.local.</c>), which dig refuses to send
    /// (and stops its batch at); the core's conformance tests cover those.
    /// </summary>
    public static readonly ConformanceCase[] Askable =
        [.. ConformanceCases.All.Where(c => !c.Name.StartsWith('.') && !c.Name.Contains("..", StringComparison.Ordinal))];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, KubeDnsServer> _servers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Setup, string Transport), Dictionary<string, string>> _replies = new();

    /// <summary>dig's output for the case's question, and the serial of the snapshot that answered it.</summary>
    public async Task<(string Output, uint Serial)> ReplyAsync(ConformanceCase c, string transport)
    {
        var state = ConformanceClusters.Get(c.Setup);
        await _gate.WaitAsync();
        try
        {
            if (!_replies.TryGetValue((c.Setup, transport), out var replies))
            {
                replies = await AskAllAsync(await ServerAsync(c.Setup, state), c.Setup, transport);
                _replies[(c.Setup, transport)] = replies;
            }

            Assert.True(replies.TryGetValue(QuestionLine(c), out var output), $"dig printed no reply to {c.Question} ({transport}).");
            return (output!, state.Current.Serial);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }

        _gate.Dispose();
    }

    /// <summary>The question as dig prints it in its QUESTION SECTION, whitespace-normalized.</summary>
    private static string QuestionLine(ConformanceCase c) => $";{c.Name.TrimEnd('.')}. IN {c.Type}";

    private static async Task<Dictionary<string, string>> AskAllAsync(KubeDnsServer server, string setup, string transport)
    {
        // dig's batch form: global options first, then one "name type" pair per query; each reply starts "Got answer".
        var arguments = new List<string> { transport };
        foreach (var c in Askable.Where(c => c.Setup == setup))
        {
            arguments.Add(c.Name);
            arguments.Add(c.Type);
        }

        var output = await Dig.RunAsync(server.LocalEndPoint!, [.. arguments]);
        var replies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reply in output.Split(";; Got answer:").Skip(1))
        {
            if (Dig.Section(reply, "QUESTION") is [var question, ..])
            {
                replies[question] = reply;
            }
        }

        return replies;
    }

    private async Task<KubeDnsServer> ServerAsync(string setup, ClusterState state)
    {
        if (!_servers.TryGetValue(setup, out var server))
        {
            var options = new KubeDnsServerOptions();
            options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
            server = new KubeDnsServer(state, options);
            await server.StartAsync();
            _servers[setup] = server;
        }

        return server;
    }
}

/// <summary>
/// What dig shows beyond the table's answers, on the shared <see cref="NativeServerFixture"/>: flags, EDNS, UDP
/// truncation and the TCP retry (specification.md §15), and a mixed-case CNAME chase.
/// </summary>
public sealed class DigTests(NativeServerFixture fixture) : IClassFixture<NativeServerFixture>
{
    public static TheoryData<string> Transports => new() { "+notcp", "+tcp" };

    /// <summary>§11/§6.4: the CNAME's RDATA is the lower-cased externalName and the chased owner is spelled as it.</summary>
    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MixedCase_CnameChase_TargetAsCnameSpellsIt(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "QUOTE-ALIAS.KIADA.SVC.CLUSTER.LOCAL", "A");

        Assert.Equal(
            [
                "QUOTE-ALIAS.KIADA.SVC.CLUSTER.LOCAL. 5 IN CNAME quote.kiada.svc.cluster.local.",
                "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97",
            ],
            Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Flags_NoUpstream_AaSetRaNotSet(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "kiada.kiada.svc.cluster.local", "A");

        Assert.Equal("qr aa rd", Dig.Flags(output));
        Assert.Contains("WARNING: recursion requested but not available", output);
    }

    [Fact]
    public async Task Flags_NoRecursionDesired_RdNotEchoed()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+norecurse", "kiada.kiada.svc.cluster.local", "A");

        Assert.Equal("qr aa", Dig.Flags(output));
    }

    [Fact]
    public async Task Edns_Query_GetsOptWithOurPayloadSize()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+bufsize=4096", "quote.kiada.svc.cluster.local", "A");

        Assert.Contains("; EDNS: version: 0, flags:; udp: 1232", output);
    }

    [Fact]
    public async Task Edns_DnssecOk_DoBitCopied()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+dnssec", "quote.kiada.svc.cluster.local", "A");

        Assert.Contains("; EDNS: version: 0, flags: do; udp: 1232", output);
    }

    [Fact]
    public async Task Edns_UnknownOption_Ignored()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ednsopt=65001:abcd", "quote.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [InlineData("+bufsize=1232")]
    [InlineData("+noedns")]
    [InlineData("+bufsize=4096")]
    public async Task Truncation_BigHeadlessOverUdp_TcSetAndNoPartialRRset(string size)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", size, ServerFixture.Big, "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Contains("(UDP)", output);
        // One RRset of 200 A records cannot fit in 512 or 1232 bytes; only whole RRsets are kept, so none is.
        Assert.Contains("ANSWER: 0,", output);
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Truncation_SmallAnswerTinyBufsize_LimitNeverBelow512()
    {
        // Worked example #3 is about 130 bytes: a client advertising 100 bytes still gets it whole (the limit is at least 512).
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+bufsize=100", "quote-headless.kiada.svc.cluster.local", "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(4, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_SrvThatFitsWithoutEdns_NotTruncated()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+noedns", "_http._tcp.quote-headless.kiada.svc.cluster.local", "SRV");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(4, Dig.Section(output, "ANSWER").Length);
        Assert.Equal(4, Dig.Section(output, "ADDITIONAL").Length);
    }

    [Fact]
    public async Task Truncation_TwelveAddressesWithoutEdns_NotTruncated()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+noedns", ServerFixture.Dozen, "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(12, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_ThirtyAddressesWithEdns1232_NotTruncated()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+bufsize=1232", ServerFixture.Thirty, "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(30, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_BigHeadlessPlainDig_RetriesOverTcpAndGetsAll()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, ServerFixture.Big, "A");

        Assert.Contains(";; Truncated, retrying in TCP mode.", output);
        Assert.Contains("(TCP)", output);
        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(
            [.. ServerFixture.BigAddresses().Select(a => $"{ServerFixture.Big}. 5 IN A {a}")],
            Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Truncation_BigHeadlessNoEdns_RetriesOverTcpAndGetsAll()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+noedns", ServerFixture.Big, "A");

        Assert.Contains(";; Truncated, retrying in TCP mode.", output);
        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_BigHeadlessOverTcp_AllWithoutTc()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+tcp", ServerFixture.Big, "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_SrvGlueTooBig_AdditionalDroppedFirstWithoutTc()
    {
        // 200 SRV records fit nowhere in UDP; the additional A records go first, then TC with no partial SRV RRset.
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", ServerFixture.Big, "SRV");

        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Empty(Dig.Section(output, "ANSWER"));
        Assert.Empty(Dig.Section(output, "ADDITIONAL"));
    }

    [Fact]
    public async Task Truncation_BigSrvOverTcp_AllRecordsAndGlue()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+tcp", ServerFixture.Big, "SRV");

        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ANSWER").Length);
        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ADDITIONAL").Length);
        Assert.Contains($"{ServerFixture.Big}. 5 IN SRV 0 1 80 10-200-0-1.{ServerFixture.Big}.", Dig.Section(output, "ANSWER"));
    }
}
